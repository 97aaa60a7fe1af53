"""Joint sliders by body region: one row per pose key, a slider and an exact value in degrees.

The common movements (flexion-positive aliases) come first; the model's single joints are one
tick away ("Show single joints"), so the panel stays short for everyday use.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QLabel, QScrollArea, QSlider,
                               QToolBox, QVBoxLayout, QWidget)

from viewer.core.motion.pose_edit import PoseKey, by_region, moving_side, side_keys, side_values, sides_differ

STEPS = 10  # slider steps per degree (0.1°)
SIDE_STYLE = "color: #9a5b00;"  # the sides differ: say so where the slider is
MODES = (("Set both", "both"), ("Right only", "right"), ("Left only", "left"))


class _Row:
    """One key's label, slider and spin box, kept in step with each other.

    A both-sides key (hip_flexion) whose sides differ says both values under its slider and
    asks what the slider moves: both sides (to one value) or one side only. Nothing is averaged.
    """

    def __init__(self, key: PoseKey, grid: QGridLayout, row: int, changed, keys: dict[str, PoseKey]):
        self.key = key
        self.keys = keys
        self.sides = side_keys(key, keys)
        self.label = QLabel(key.label)
        joints = ", ".join(f"{'−' if s < 0 else ''}{j}" for j, s in key.joints.items())
        tip = f"{key.about}\n" if key.about else ""
        self.label.setToolTip(f"{tip}{key.name} → {joints}\nrange {key.lower:g} to {key.upper:g}{key.unit}")
        self.slider = QSlider(Qt.Horizontal, objectName=f"slider_{key.name}")
        self.slider.setRange(round(key.lower * STEPS), round(key.upper * STEPS))
        self.slider.setToolTip(self.label.toolTip())
        self.slider.setMinimumWidth(60)  # never squeezed to nothing by a long label
        self.spin = QDoubleSpinBox(objectName=f"spin_{key.name}", decimals=1, suffix=key.unit.strip() or "°")
        self.spin.setRange(key.lower, key.upper)  # ranges are enforced: no value outside is typeable
        self.spin.setKeyboardTracking(False)
        self.spin.setFixedWidth(78)
        grid.addWidget(self.label, 2 * row, 0)
        grid.addWidget(self.slider, 2 * row, 1)
        grid.addWidget(self.spin, 2 * row, 2)
        self.slider.valueChanged.connect(lambda v: changed(self.target(), v / STEPS, True))
        self.spin.valueChanged.connect(lambda v: changed(self.target(), v, False))
        self.differ = False
        self.visible = True
        # What show() reads: skipping a row whose joints did not change keeps a drag cheap (~100 rows).
        self._reads = list(dict.fromkeys([*key.joints, *(j for one in self.sides.values() for j in one.joints)]))
        self._shown = None
        self._values: dict[str, float] = {}
        if self.sides:
            self.side_text = QLabel(objectName=f"sides_{key.name}", styleSheet=SIDE_STYLE)
            self.mode = QComboBox(objectName=f"mode_{key.name}")
            for text, mode in MODES:
                self.mode.addItem(text, mode)
            self.mode.setToolTip("The two sides differ: move both to one value, or one side only")
            self.mode.currentIndexChanged.connect(lambda _: self._show_value())
            grid.addWidget(self.side_text, 2 * row + 1, 0, 1, 2, Qt.AlignRight)
            grid.addWidget(self.mode, 2 * row + 1, 2)

    def target(self) -> str:
        """The key the slider writes: this one, or one side of it."""
        if self.sides and self.differ and self.mode.currentData() != "both":
            return self.sides[self.mode.currentData()].name
        return self.key.name

    def show(self, values: dict[str, float], used: bool) -> None:
        self._values = values
        shown = (tuple(values.get(j, 0.0) for j in self._reads), used)
        if shown == self._shown:
            return
        self._shown = shown
        if self.sides:
            was = self.differ
            self.differ = sides_differ(self.key, self.keys, values)
            if self.differ and not was:  # newly different: the slider moves the side that moved
                self.mode.blockSignals(True)
                self.mode.setCurrentIndex(self.mode.findData(moving_side(self.key, self.keys, values)))
                self.mode.blockSignals(False)
            if self.differ:
                sides = side_values(self.key, self.keys, values)
                self.side_text.setText("  ·  ".join(f"{side} {v:.1f}{self.key.unit.strip() or '°'}"
                                                    for side, v in sides.items()))
            self._show_value()
            self.set_visible(self.visible)
        else:
            self._set(self.key.read(values))
        font = self.label.font()
        font.setBold(used)
        self.label.setFont(font)

    def _show_value(self) -> None:
        name = self.target()
        self._set(self.keys[name].read(self._values) if name != self.key.name or not self.differ
                  else self.sides[moving_side(self.key, self.keys, self._values)].read(self._values))

    def _set(self, value: float) -> None:
        for w, v in ((self.slider, round(value * STEPS)), (self.spin, value)):
            w.blockSignals(True)
            w.setValue(v)
            w.blockSignals(False)

    def set_visible(self, on: bool) -> None:
        self.visible = on
        for w in (self.label, self.slider, self.spin):
            w.setVisible(on)
        if self.sides:
            self.side_text.setVisible(on and self.differ)
            self.mode.setVisible(on and self.differ)


class PoseSliders(QWidget):
    key_changed = Signal(str, float)  # pose key, value in user units
    released = Signal()  # a slider drag ended: one undoable step is complete

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: dict[str, _Row] = {}
        self.used: set[str] = set()
        self.side_of: dict[str, str] = {}  # one-side key → its both-sides key
        self.regions = QToolBox(objectName="pose_regions")
        self.singles = QCheckBox("Show single joints too", objectName="show_single_joints")
        self.singles.setToolTip("Besides the common movements, list every joint of the model by its own name")
        self.singles.toggled.connect(self._show_singles)
        self.hint = QLabel(objectName="pose_hint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.regions, 1)
        layout.addWidget(self.singles)

    def set_keys(self, keys: dict[str, PoseKey]) -> None:
        while self.regions.count():
            page = self.regions.widget(0)
            self.regions.removeItem(0)
            page.deleteLater()
        self.rows.clear()
        self.side_of = {one.name: key.name for key in keys.values() for one in side_keys(key, keys).values()}
        for region, members in by_region(keys).items():
            inner = QWidget()
            grid = QGridLayout(inner)
            grid.setColumnStretch(1, 1)
            grid.setVerticalSpacing(4)
            for n, key in enumerate(members):
                row = _Row(key, grid, n, self._changed, keys)
                row.slider.sliderReleased.connect(self.released)
                self.rows[key.name] = row
            grid.setRowStretch(2 * len(members), 1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.NoFrame)
            scroll.setWidget(inner)
            self.regions.addItem(scroll, region)
        self._show_singles(self.singles.isChecked())

    def _show_singles(self, on: bool) -> None:
        regions_with_alias = {r.key.region for r in self.rows.values() if r.key.is_alias}
        for name, row in self.rows.items():  # a region without common movements shows its joints anyway
            both = self.rows.get(self.side_of.get(name, ""))
            # one side of a both-sides slider: on show while the sides differ (or the exercise names it)
            common = row.key.common if both is None else both.differ
            row.set_visible(on or common or name in self.used or row.key.region not in regions_with_alias)

    def _changed(self, name: str, value: float, from_slider: bool) -> None:
        self.key_changed.emit(name, value)
        if not from_slider or not self.rows[name].slider.isSliderDown():
            self.released.emit()  # a click, a key press or a typed value is a step of its own

    def show_values(self, values: dict[str, float], used: set[str]) -> None:
        differ = {name for name, row in self.rows.items() if row.differ}
        for name, row in self.rows.items():
            row.show(values, name in used)
        now = {name for name, row in self.rows.items() if row.differ}
        if used != self.used or now != differ:  # named or differing joints are always on show
            self.used = set(used)
            self._show_singles(self.singles.isChecked())

    def open_region_of(self, name: str) -> None:
        """Open the region page of a key (the exercise's first joint, on start)."""
        if name not in self.rows:
            return
        region = self.rows[name].key.region
        for i in range(self.regions.count()):
            if self.regions.itemText(i) == region:
                self.regions.setCurrentIndex(i)
                return

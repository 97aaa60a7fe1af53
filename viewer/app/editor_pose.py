"""Joint sliders by body region: one row per pose key, a slider and an exact value in degrees.

The common movements (flexion-positive aliases) come first; the model's single joints are one
tick away ("Show single joints"), so the panel stays short for everyday use.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QGridLayout, QLabel, QScrollArea, QSlider, QToolBox,
                               QVBoxLayout, QWidget)

from viewer.core.pose_edit import PoseKey, by_region

STEPS = 10  # slider steps per degree (0.1°)


class _Row:
    """One key's label, slider and spin box, kept in step with each other."""

    def __init__(self, key: PoseKey, grid: QGridLayout, row: int, changed):
        self.key = key
        self.label = QLabel(key.label)
        joints = ", ".join(f"{'−' if s < 0 else ''}{j}" for j, s in key.joints.items())
        tip = f"{key.about}\n" if key.about else ""
        self.label.setToolTip(f"{tip}{key.name} → {joints}\nrange {key.lower:g} to {key.upper:g}{key.unit}")
        self.slider = QSlider(Qt.Horizontal, objectName=f"slider_{key.name}")
        self.slider.setRange(round(key.lower * STEPS), round(key.upper * STEPS))
        self.slider.setToolTip(self.label.toolTip())
        self.spin = QDoubleSpinBox(objectName=f"spin_{key.name}", decimals=1, suffix=key.unit.strip() or "°")
        self.spin.setRange(key.lower, key.upper)  # ranges are enforced: no value outside is typeable
        self.spin.setKeyboardTracking(False)
        self.spin.setFixedWidth(78)
        grid.addWidget(self.label, row, 0)
        grid.addWidget(self.slider, row, 1)
        grid.addWidget(self.spin, row, 2)
        self.slider.valueChanged.connect(lambda v: changed(key.name, v / STEPS, True))
        self.spin.valueChanged.connect(lambda v: changed(key.name, v, False))

    def show(self, value: float, used: bool) -> None:
        for w, v in ((self.slider, round(value * STEPS)), (self.spin, value)):
            w.blockSignals(True)
            w.setValue(v)
            w.blockSignals(False)
        font = self.label.font()
        font.setBold(used)
        self.label.setFont(font)

    def set_visible(self, on: bool) -> None:
        for w in (self.label, self.slider, self.spin):
            w.setVisible(on)


class PoseSliders(QWidget):
    key_changed = Signal(str, float)  # pose key, value in user units
    released = Signal()  # a slider drag ended: one undoable step is complete

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: dict[str, _Row] = {}
        self.used: set[str] = set()
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
        for region, members in by_region(keys).items():
            inner = QWidget()
            grid = QGridLayout(inner)
            grid.setColumnStretch(1, 1)
            grid.setVerticalSpacing(4)
            for n, key in enumerate(members):
                row = _Row(key, grid, n, self._changed)
                row.slider.sliderReleased.connect(self.released)
                self.rows[key.name] = row
            grid.setRowStretch(len(members), 1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.NoFrame)
            scroll.setWidget(inner)
            self.regions.addItem(scroll, region)
        self._show_singles(self.singles.isChecked())

    def _show_singles(self, on: bool) -> None:
        regions_with_alias = {r.key.region for r in self.rows.values() if r.key.is_alias}
        for name, row in self.rows.items():  # a region without common movements shows its joints anyway
            row.set_visible(on or row.key.common or name in self.used or row.key.region not in regions_with_alias)

    def _changed(self, name: str, value: float, from_slider: bool) -> None:
        self.key_changed.emit(name, value)
        if not from_slider or not self.rows[name].slider.isSliderDown():
            self.released.emit()  # a click, a key press or a typed value is a step of its own

    def show_values(self, values: dict[str, float], used: set[str]) -> None:
        for name, row in self.rows.items():
            row.show(row.key.read(values), name in used)
        if used != self.used:  # a joint the exercise names is always on show
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

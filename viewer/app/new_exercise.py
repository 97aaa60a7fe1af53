"""File → New exercise…: a small dialog that writes a working scenario and opens it in the editor.

The dialog only collects choices (posture, model, which joint moves, how far, how long, the
hold, a pattern); `viewer.core.session.wizard` builds the scenario and its captions from the numbers.
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QWidget)

from viewer.core.base.errors import ViewerError
from viewer.core.model.binding import load_model, model_names
from viewer.core.motion.pose_edit import by_region, pose_keys
from viewer.core.scenario.format import POSTURES
from viewer.core.scenario.text import save_text
from viewer.core.session.wizard import PATTERNS, ExerciseSpec, build_scenario, default_title, exercise_text


def _folder(window) -> Path:
    """Where a new file goes first: beside the open one unless that is a shipped scenario."""
    from viewer.core.base.paths import SCENARIOS_DIR

    session = getattr(window, "session", None)
    if session is not None and Path(session.path).resolve().parent != SCENARIOS_DIR.resolve():
        return Path(session.path).resolve().parent
    return Path.home() / "muscle-viewer"


class NewExerciseDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setObjectName("new_exercise")
        self.setWindowTitle("New exercise")
        self.setMinimumWidth(440)  # room for a file path
        self.keys: dict = {}
        form = QFormLayout(self)
        self.posture = QComboBox(objectName="posture")
        self.posture.addItems(POSTURES)
        self.model = QComboBox(objectName="model")
        self.model.addItems(model_names())
        self.region = QComboBox(objectName="region")
        self.movement = QComboBox(objectName="movement")
        self.pattern = QComboBox(objectName="pattern")
        for name in PATTERNS:
            self.pattern.addItem(name.capitalize(), name)
        self.start = QDoubleSpinBox(objectName="start", decimals=1, suffix="°")
        self.amount = QDoubleSpinBox(objectName="amount", decimals=1, suffix="°")
        self.move = QDoubleSpinBox(objectName="move", decimals=1, suffix=" s", minimum=0.2, maximum=30, value=2)
        self.hold = QDoubleSpinBox(objectName="hold", decimals=1, suffix=" s", minimum=0, maximum=60, value=1)
        self.title = QLineEdit(objectName="title")
        self.path = QLineEdit(objectName="path")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        where = QWidget()
        row = QHBoxLayout(where)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.range_note = QLabel(objectName="range_note")
        self.error = QLabel(objectName="wizard_error", styleSheet="color: #8a1c12;", wordWrap=True)
        for label, widget in (("Body position", self.posture), ("Model", self.model), ("Body region", self.region),
                              ("Movement", self.movement), ("Pattern", self.pattern), ("From", self.start),
                              ("To", self.amount), ("", self.range_note), ("Each move takes", self.move),
                              ("Hold at the end", self.hold), ("Title", self.title), ("File", where)):
            form.addRow(label, widget)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Create and edit")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.Ok)
        form.addRow(buttons)
        self.model.currentTextChanged.connect(self._load_model)
        self.region.currentIndexChanged.connect(self._fill_movements)
        self.movement.currentIndexChanged.connect(self._movement_chosen)
        self.amount.valueChanged.connect(self._suggest)
        self.pattern.currentIndexChanged.connect(self._suggest)
        self._load_model(self.model.currentText())

    # --- choices -------------------------------------------------------------------------------
    def _load_model(self, name: str) -> None:
        try:
            self.model_obj = load_model(name)
        except ViewerError as exc:
            self.error.setText(str(exc))
            return
        self.keys = pose_keys(self.model_obj)
        self.regions = {region: [k for k in keys if k.common] for region, keys in by_region(self.keys).items()}
        self.region.blockSignals(True)
        self.region.clear()
        self.region.addItems([r for r, keys in self.regions.items() if keys])
        self.region.blockSignals(False)
        hips = self.region.findText("Hips")
        self.region.setCurrentIndex(max(hips, 0))
        self._fill_movements()

    def _fill_movements(self) -> None:
        self.movement.blockSignals(True)
        self.movement.clear()
        for key in self.regions.get(self.region.currentText(), []):
            self.movement.addItem(key.label, key.name)
        self.movement.blockSignals(False)
        self._movement_chosen()

    def _movement_chosen(self) -> None:
        key = self.keys.get(self.movement.currentData())
        if key is None:
            return
        unit = key.unit.strip() or "°"
        for spin in (self.start, self.amount):
            spin.setRange(key.lower, key.upper)  # a value outside the joint's range cannot be typed
            spin.setSuffix(unit if unit == "°" else f" {unit}")
        self.start.setValue(min(max(0.0, key.lower), key.upper))
        self.amount.setValue(min(60.0, key.upper) if key.upper > 0 else key.lower)
        self.range_note.setText(f"range {key.lower:g} to {key.upper:g}{unit}")
        self._suggest()

    def _suggest(self) -> None:
        """Title and file name follow the movement until the user types their own."""
        spec = self.spec()
        if not self.title.isModified():
            self.title.setText(default_title(spec))
        if not self.path.isModified():
            slug = re.sub(r"[^a-z0-9]+", "_", default_title(spec).lower()).strip("_")
            self.path.setText(str(_folder(self.window) / f"{slug}.yaml"))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New exercise file", self.path.text(), "Scenarios (*.yaml *.yml)")
        if path:
            self.path.setText(path)
            self.path.setModified(True)

    def spec(self) -> ExerciseSpec:
        return ExerciseSpec(movement=self.movement.currentData() or "", amount=self.amount.value(),
                            start=self.start.value(), move=self.move.value(), hold=self.hold.value(),
                            pattern=self.pattern.currentData(), posture=self.posture.currentText(),
                            model=self.model.currentText(), title=self.title.text().strip())

    # --- result ------------------------------------------------------------------------------------
    def create(self) -> None:
        """Write the file (never one `validate` would reject), open it and start the editor."""
        target = Path(self.path.text()).expanduser()
        spec = self.spec()
        if abs(spec.amount - spec.start) < 0.1:
            self.error.setText("'From' and 'To' are the same: nothing would move.")
            return
        if target.suffix.lower() not in (".yaml", ".yml"):
            target = target.with_suffix(".yaml")
        if target.exists() and QMessageBox.question(
                self, "New exercise", f"{target.name} exists. Replace it?") != QMessageBox.Yes:
            return
        try:
            scenario = build_scenario(spec, self.model_obj, target)
            target.parent.mkdir(parents=True, exist_ok=True)
            save_text(target, exercise_text(scenario, target), self.model_obj)
        except (ViewerError, ValueError, OSError) as exc:
            self.error.setText(str(exc))
            return
        self.accept()
        if self.window.open_path(str(target)):
            self.window.set_editing(True)


def open_new_exercise(window) -> NewExerciseDialog:
    dialog = NewExerciseDialog(window)
    dialog.open()  # window-modal, not blocking: the window keeps drawing
    return dialog

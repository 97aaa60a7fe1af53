"""Editor pages for everything but poses: phases and captions, and the scenario's setup
(title, summary, posture, anchor, loop, focus groups, camera, measurements).

Each page shows a Scenario and reports edits as calls on the ScenarioEdit it is given; it
never keeps state of its own, so undo/redo only has to call `show` again.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QHeaderView, QLineEdit,
                               QListWidget, QListWidgetItem, QMenu, QPlainTextEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from viewer.core.scenario.format import LOOPS, POSTURES
from viewer.core.view.viewstate import VIEWS

TYPING_SETTLE_MS = 500  # a pause in typing commits the text (one undo step per pause)
ROOT_ANCHOR = "(the model's root body)"


def _blocked(widget, setter, *args) -> None:
    widget.blockSignals(True)
    setter(*args)
    widget.blockSignals(False)


def _buttons(*buttons) -> QHBoxLayout:
    row = QHBoxLayout()
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    return row


class PhasesPage(QWidget):
    """Phases as a table: name, from, to (seconds) and the caption shown while it plays."""

    COLUMNS = ("Name", "From (s)", "To (s)", "Caption")

    def __init__(self, editor, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.table = QTableWidget(0, len(self.COLUMNS), objectName="phases_table")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.itemChanged.connect(self._edited)
        self.add_button = QPushButton("Add phase", objectName="add_phase",
                                      toolTip="A new phase from the current time to the next keyframe")
        self.remove_button = QPushButton("Remove phase", objectName="remove_phase")
        self.add_button.clicked.connect(editor.add_phase)
        self.remove_button.clicked.connect(self._remove)
        self.numbers = QToolButton(text="Insert number", objectName="insert_number", popupMode=QToolButton.InstantPopup,
                                   toolTip="Add a live number to the selected phase's caption: it always shows the "
                                           "current value")
        self.numbers.setMenu(QMenu(self.numbers))
        self.numbers.menu().aboutToShow.connect(self._fill_numbers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(_buttons(self.add_button, self.remove_button, self.numbers))

    def show(self, scenario) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(scenario.phases))
        for row, p in enumerate(scenario.phases):
            for col, value in enumerate((p.name, f"{p.start:g}", f"{p.end:g}", p.caption)):
                item = QTableWidgetItem(value)
                if col == 3:
                    item.setToolTip(value)
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        self.remove_button.setEnabled(bool(scenario.phases))

    def _edited(self, item: QTableWidgetItem) -> None:
        row, col, text = item.row(), item.column(), item.text().strip()
        field = ("name", "start", "end", "caption")[col]
        value: object = text
        if col in (1, 2):
            try:
                value = float(text.replace(",", ".").removesuffix("s").strip())
            except ValueError:
                self.editor.status(f"'{text}' is not a time in seconds")
                self.show(self.editor.edit.scenario)
                return
        self.editor.run(lambda e: e.update_phase(row, **{field: value}))

    def _row(self) -> int:
        row = self.table.currentRow()
        return row if row >= 0 else (0 if self.table.rowCount() else -1)

    def _fill_numbers(self) -> None:
        menu, row = self.numbers.menu(), self._row()
        menu.clear()
        for text, placeholder in self.editor.edit.placeholder_choices(row) if row >= 0 else []:
            menu.addAction(text, lambda p=placeholder: self.insert_number(row, p))
        if menu.isEmpty():
            menu.addAction("(no phase, or nothing changes length in it)").setEnabled(False)

    def insert_number(self, row: int, placeholder: str) -> None:
        caption = self.editor.edit.scenario.phases[row].caption.rstrip()
        self.editor.run(lambda e: e.update_phase(row, caption=f"{caption} {placeholder}".strip()))

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.editor.run(lambda e: e.delete_phase(row))


class SetupPage(QWidget):
    """Title, summary, posture, anchor, loop, focus groups, camera and measurements."""

    def __init__(self, editor, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.title = QLineEdit(objectName="edit_title")
        self.summary = QPlainTextEdit(objectName="edit_summary")
        self.summary.setFixedHeight(70)
        self._typing = QTimer(self, singleShot=True, interval=TYPING_SETTLE_MS)
        self._typing.timeout.connect(self._commit_summary)
        self.posture = QComboBox(objectName="edit_posture")
        self.posture.addItems(POSTURES)
        self.anchor = QComboBox(objectName="edit_anchor", editable=False)
        self.loop = QComboBox(objectName="edit_loop")
        self.loop.addItems(LOOPS)
        self.focus = QListWidget(objectName="edit_focus")
        self.focus.setFixedHeight(120)
        self.view = QComboBox(objectName="edit_view")
        self.view.addItems(("(app default)",) + VIEWS)
        self.azimuth = self._spin(-180, 180, "°", "Extra turn around the vertical")
        self.elevation = self._spin(-89, 89, "°", "Extra tilt up")
        self.zoom = self._spin(0.1, 10, "", "1 = the whole body fits", step=0.1, decimals=2)
        camera = QHBoxLayout()  # the view on its own row: the dock stays narrow
        for w in (self.azimuth, self.elevation, self.zoom):
            camera.addWidget(w)
        self.measures = QTableWidget(0, 3, objectName="edit_measures")
        self.measures.setHorizontalHeaderLabels(("Label", "From", "To"))
        self.measures.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.measures.verticalHeader().setVisible(False)
        self.measures.setFixedHeight(96)
        add_measure = QPushButton("Add measurement", objectName="add_measure")
        remove_measure = QPushButton("Remove", objectName="remove_measure")
        add_measure.clicked.connect(self._add_measure)
        remove_measure.clicked.connect(self._remove_measure)

        for combo in (self.posture, self.anchor, self.loop, self.view):  # long names must not widen the dock
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        form.addRow("Title", self.title)
        form.addRow("Summary", self.summary)
        form.addRow("Posture", self.posture)
        form.addRow("Held still", self.anchor)
        form.addRow("Playback", self.loop)
        form.addRow("Focus groups", self.focus)
        form.addRow("Camera", self.view)
        form.addRow("Turn, tilt, zoom", camera)
        form.addRow("Measure", self.measures)
        form.addRow("", _buttons(add_measure, remove_measure))

        self.title.editingFinished.connect(lambda: self._set("title", self.title.text().strip()))
        self.summary.textChanged.connect(self._typing.start)
        self.posture.activated.connect(lambda i: self._set("posture", self.posture.itemText(i)))
        self.anchor.activated.connect(self._anchor_chosen)
        self.loop.activated.connect(lambda i: self._set("loop", self.loop.itemText(i)))
        self.focus.itemChanged.connect(self._focus_changed)
        self.view.activated.connect(self._camera_changed)
        for spin in (self.azimuth, self.elevation, self.zoom):
            spin.valueChanged.connect(self._camera_changed)
        self.measures.itemChanged.connect(self._measure_label_changed)

    def _spin(self, lo, hi, suffix, tip, step=5.0, decimals=0) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(minimum=lo, maximum=hi, suffix=suffix, singleStep=step, decimals=decimals, toolTip=tip)
        spin.setKeyboardTracking(False)
        return spin

    def set_model(self, model) -> None:
        _blocked(self.anchor, self.anchor.clear)
        self.anchor.addItem(ROOT_ANCHOR, None)
        for name in model.body_names:
            self.anchor.addItem(name, name)
        self.focus.blockSignals(True)
        self.focus.clear()
        for name, group in model.groups.items():
            item = QListWidgetItem(name)
            item.setToolTip(group.about)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.focus.addItem(item)
        self.focus.blockSignals(False)
        self.landmarks = list(model.landmarks)

    def show(self, s) -> None:
        if not self.title.hasFocus():
            _blocked(self.title, self.title.setText, s.title)
        if not self.summary.hasFocus() and self.summary.toPlainText() != s.summary:
            _blocked(self.summary, self.summary.setPlainText, s.summary)
        _blocked(self.posture, self.posture.setCurrentText, s.posture)
        _blocked(self.anchor, self.anchor.setCurrentIndex, max(0, self.anchor.findData(s.anchor)))
        _blocked(self.loop, self.loop.setCurrentText, s.loop)
        self.focus.blockSignals(True)
        for i in range(self.focus.count()):
            item = self.focus.item(i)
            item.setCheckState(Qt.Checked if item.text() in s.focus else Qt.Unchecked)
        self.focus.blockSignals(False)
        cam = s.camera
        _blocked(self.view, self.view.setCurrentIndex, max(0, self.view.findText(cam.get("view", ""))))
        _blocked(self.azimuth, self.azimuth.setValue, cam.get("azimuth", 0.0))
        _blocked(self.elevation, self.elevation.setValue, cam.get("elevation", 0.0))
        _blocked(self.zoom, self.zoom.setValue, cam.get("zoom", 1.0))
        self.measures.blockSignals(True)
        self.measures.setRowCount(len(s.measure))
        for row, m in enumerate(s.measure):
            self.measures.setItem(row, 0, QTableWidgetItem(m.label))
            for col, (field, value) in enumerate((("start", m.start), ("end", m.end)), start=1):
                combo = QComboBox()
                combo.addItems(self.landmarks if value in self.landmarks else self.landmarks + [value])
                combo.setCurrentText(value)
                combo.activated.connect(lambda i, r=row, f=field, c=combo: self._measure_end(r, f, c.itemText(i)))
                self.measures.setCellWidget(row, col, combo)
        self.measures.blockSignals(False)

    # --- edits -----------------------------------------------------------------------------------
    def _set(self, field: str, value) -> None:
        if getattr(self.editor.edit.scenario, field) != value:
            self.editor.run(lambda e: e.set_fields(f"change {field}", **{field: value}))

    def _commit_summary(self) -> None:
        self._set("summary", self.summary.toPlainText().strip())

    def _anchor_chosen(self, index: int) -> None:
        self._set("anchor", self.anchor.itemData(index))

    def _focus_changed(self, _item) -> None:
        groups = [self.focus.item(i).text() for i in range(self.focus.count())
                  if self.focus.item(i).checkState() == Qt.Checked]
        self._set("focus", groups)

    def _camera_changed(self, *_):
        camera = {}
        if self.view.currentIndex() > 0:
            camera["view"] = self.view.currentText()
        for key, spin, neutral in (("azimuth", self.azimuth, 0.0), ("elevation", self.elevation, 0.0),
                                   ("zoom", self.zoom, 1.0)):
            if abs(spin.value() - neutral) > 1e-9:
                camera[key] = float(spin.value())
        self._set("camera", camera)

    def _add_measure(self) -> None:
        marks = self.landmarks
        start, end = (("lower_ribs", "pubic_symphysis") if {"lower_ribs", "pubic_symphysis"} <= set(marks)
                      else (marks[0], marks[-1]) if marks else ("", ""))
        if start:
            self.editor.run(lambda e: e.add_measure("New distance", start, end))

    def _remove_measure(self) -> None:
        row = self.measures.currentRow()
        row = row if row >= 0 else self.measures.rowCount() - 1
        if row >= 0:
            self.editor.run(lambda e: e.delete_measure(row))

    def _measure_label_changed(self, item: QTableWidgetItem) -> None:
        row, text = item.row(), item.text().strip()
        self.editor.run(lambda e: e.update_measure(row, label=text))

    def _measure_end(self, row: int, field: str, name: str) -> None:
        self.editor.run(lambda e: e.update_measure(row, **{field: name}))

"""Scenario library: the shipped exercises, files the user opened and recent files."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from viewer.core.base.errors import ViewerError
from viewer.core.base.extras import missing_extra
from viewer.core.motion.motfile import MOTION_SUFFIXES, title_from_path
from viewer.core.base.paths import SCENARIOS_DIR
from viewer.core.scenario.read import load_scenario


def _title(path: Path) -> tuple[str, str | None]:
    """The title, and the install hint when its model needs an optional extra that is missing."""
    if path.suffix.lower() in MOTION_SUFFIXES:  # a lab's motion: its model is remembered with it
        return title_from_path(path), None
    try:
        scenario = load_scenario(path)
    except ViewerError:
        return f"{path.stem} (has errors)", None
    return scenario.title, missing_extra(scenario)


class Library(QListWidget):
    chosen = Signal(str)  # a scenario path

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("library")
        self.itemActivated.connect(self._choose)
        self.itemClicked.connect(self._choose)
        self.setWordWrap(True)  # an install hint wraps in a narrow dock instead of being cut

    def _choose(self, item: QListWidgetItem) -> None:
        if item.flags() & Qt.ItemIsEnabled:  # Qt reports clicks on greyed items too
            self.chosen.emit(item.data(Qt.UserRole))

    def fill(self, extra: list[str]) -> None:
        """Shipped scenarios, then opened/recent files that still exist, each once."""
        self.clear()
        seen = set()
        paths = sorted(SCENARIOS_DIR.glob("*.yaml")) + [Path(p) for p in extra]
        for path in paths:
            key = str(path.resolve())
            if key in seen or not path.exists():
                continue
            seen.add(key)
            shipped = path.resolve().parent == SCENARIOS_DIR.resolve()
            title, hint = _title(path)
            item = QListWidgetItem(title + ("" if shipped else f"  —  {path.name}"))
            item.setData(Qt.UserRole, str(path))
            item.setToolTip(str(path))
            if hint:  # greyed and not openable: it would only show the same hint as an error
                item.setText(f"{item.text()}\n    {hint}")
                item.setToolTip(hint)
                item.setFlags(item.flags() & ~(Qt.ItemIsEnabled | Qt.ItemIsSelectable))
            self.addItem(item)

    def mark_current(self, path: str) -> None:
        key = str(Path(path).resolve())
        for row in range(self.count()):
            item = self.item(row)
            if str(Path(item.data(Qt.UserRole)).resolve()) == key:
                self.blockSignals(True)
                self.setCurrentItem(item)
                self.blockSignals(False)
                return

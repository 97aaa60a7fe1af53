"""The error banner above the 3D view: what went wrong, while the last good scenario stays shown."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QSizePolicy, QToolButton, QWidget


class ErrorBanner(QWidget):
    """A calm red strip above the view: what went wrong, while the last good scenario stays."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel(objectName="error_text")
        self.label.setWordWrap(True)
        # Any text (a long path, a file's words) wraps inside the window: the banner never widens it.
        self.label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.label.setMinimumWidth(0)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        close = QToolButton(text="✕", toolTip="Dismiss")
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(close)
        self.setStyleSheet("ErrorBanner, QLabel { background: #fde8e6; color: #8a1c12; }")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.hide()

    def show_error(self, text: str) -> None:
        self.label.setText(text)
        self.show()
        window = self.window()
        if isinstance(window, QMainWindow):  # the status bar must not say "Reloaded" meanwhile
            window.statusBar().showMessage("See the message above the view.")

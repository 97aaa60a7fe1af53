"""Export dialog: MP4, GIF or PNG of the open scenario, through the command line's own export.

The export runs as a `muscle-viewer export|snapshot` child process: the very code path of
the command line, its own off-screen renderer, and a window that stays responsive. Cancel
stops the child, which removes its partial file (DESIGN §7: nothing half-written).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from PySide6.QtCore import QProcess, QProcessEnvironment
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox, QVBoxLayout)

FORMATS = {"MP4 video": ".mp4", "GIF animation": ".gif", "PNG still (current time)": ".png"}
SIZES = {"16:9 — 1280×720": "1280x720", "16:9 — 1920×1080": "1920x1080", "Square — 1080×1080": "1080x1080",
         "Vertical — 1080×1920": "1080x1920", "Small — 640×360": "640x360"}
VIEWS = ("left", "right", "front", "back", "top", "three-quarter")
PROGRESS = re.compile(r"(\d+)/(\d+)")


def export_command(scenario: Path, output: Path, size: str, fps: float, view: str, orbit: float,
                   time: float) -> list[str]:
    """Arguments of the child `muscle-viewer` process for these choices."""
    if output.suffix.lower() == ".png":
        return ["snapshot", str(scenario), "--time", f"{time:.4f}", "-o", str(output), "--size", size,
                "--view", view]
    args = ["export", str(scenario), "-o", str(output), "--size", size, "--fps", f"{fps:g}", "--view", view]
    if orbit:
        args += ["--orbit", f"{orbit:g}"]
    return args


class ExportDialog(QDialog):
    def __init__(self, session, view: str, parent=None, time: float = 0.0):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.session, self.time = session, time
        self.format = QComboBox(objectName="format")
        self.format.addItems(list(FORMATS))
        self.size = QComboBox(objectName="size")
        self.size.addItems(list(SIZES))
        self.fps = QSpinBox(objectName="fps", minimum=5, maximum=60, value=30, suffix=" fps")
        self.view = QComboBox(objectName="view")
        self.view.addItems(VIEWS)
        self.view.setCurrentText(view if view in VIEWS else "left")
        self.orbit = QDoubleSpinBox(objectName="orbit", minimum=-720, maximum=720, value=0, suffix="°",
                                    toolTip="Turn the camera around the body during the video (0 = fixed)")
        default = Path.cwd() / f"{session.path.stem}.mp4"
        self.path = QLineEdit(str(default), objectName="path")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Size", self.size)
        form.addRow("Frame rate", self.fps)
        form.addRow("View", self.view)
        form.addRow("Orbit", self.orbit)
        form.addRow("Save as", row)
        self.progress = QProgressBar(objectName="progress", minimum=0, maximum=100, value=0)
        self.status = QLabel("", objectName="status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton("Export", QDialogButtonBox.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.Cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.format.currentTextChanged.connect(self._format_changed)
        self.process: QProcess | None = None
        self.output: Path | None = None
        self._stderr = ""
        self._cancelled = False

    def _format_changed(self, text: str) -> None:
        suffix = FORMATS[text]
        still = suffix == ".png"
        self.fps.setEnabled(not still)
        self.orbit.setEnabled(not still)
        self.path.setText(str(Path(self.path.text()).with_suffix(suffix)))

    def _browse(self) -> None:
        suffix = FORMATS[self.format.currentText()]
        path, _ = QFileDialog.getSaveFileName(self, "Save export as", self.path.text(), f"*{suffix}")
        if path:
            self.path.setText(path if path.lower().endswith(suffix) else path + suffix)

    def command(self) -> list[str]:
        return export_command(self.session.path, Path(self.path.text()), SIZES[self.size.currentText()],
                              self.fps.value(), self.view.currentText(), self.orbit.value(), self.time)

    def start(self) -> None:
        if self.process is not None:
            return
        self.output = Path(self.path.text())
        self._cancelled = False
        self.process = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("MUSCLE_VIEWER_PROGRESS", "1")
        self.process.setProcessEnvironment(env)
        self.process.setProcessChannelMode(QProcess.SeparateChannels)
        self.process.readyReadStandardError.connect(self._read_progress)
        self.process.finished.connect(self._finished)
        self.status.setText("Rendering…")
        self.progress.setValue(0)
        self.start_button.setEnabled(False)
        self.process.start(sys.executable, ["-m", "viewer", *self.command()])

    def _read_progress(self) -> None:
        text = bytes(self.process.readAllStandardError()).decode(errors="replace")
        self._stderr += text
        found = PROGRESS.findall(text)
        if found:
            done, total = map(int, found[-1])
            self.progress.setValue(int(100 * done / max(total, 1)))

    def _finished(self, code: int, status) -> None:
        self.process = None
        if code != 0:
            self._remove_partial()
        self.start_button.setEnabled(True)
        if code == 0:
            self.progress.setValue(100)
            self.status.setText(f"Saved {self.output}")
            self.cancel_button.setText("Close")
        elif not self._cancelled:
            # the child's one-line error is its last line that is not the progress bar
            lines = [ln for ln in self._stderr.replace("\r", "\n").splitlines() if ln.strip() and "frames," not in ln]
            self.status.setText(lines[-1] if lines else f"Export stopped (code {code}); nothing was written.")
        self._stderr = ""

    def _remove_partial(self) -> None:
        """A child killed before it could clean up leaves its temporary file: remove it here."""
        out = self.output
        if out is None:
            return
        for leftover in out.parent.glob(f".{out.name}.*.part{out.suffix}"):
            leftover.unlink(missing_ok=True)

    def cancel(self) -> None:
        if self.process is None:
            self.reject()
            return
        self._cancelled = True
        process = self.process
        process.terminate()  # the child turns SIGTERM into a clean stop and deletes its partial file
        if not process.waitForFinished(10000):
            process.kill()
        self.status.setText("Cancelled; nothing was written.")

    def closeEvent(self, event) -> None:
        if self.process is not None:
            self.cancel()
        super().closeEvent(event)


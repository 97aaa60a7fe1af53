"""Export dialog: MP4, GIF or PNG of exactly what the window shows.

The export draws from the window's live view state — the scenario in memory (unsaved edits
too), colours, hidden muscles, bone opacity, the camera as the user left it, playback speed and
loop — through the same render code as `muscle-viewer export`, in this process. Between frames
the window keeps handling its events, so it never freezes and Cancel stops at the next frame
(the partial file is removed: nothing half-written).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox,
                               QVBoxLayout)

from viewer.core.base.errors import ViewerError
from viewer.core.view.viewstate import VIEWS
from viewer.render.export import ExportCancelled, export_video, options_from_view, save_still

FORMATS = {"MP4 video": ".mp4", "GIF animation": ".gif", "PNG still (current time)": ".png"}
SIZES = {"16:9 — 1280×720": (1280, 720), "16:9 — 1920×1080": (1920, 1080), "Square — 1080×1080": (1080, 1080),
         "Vertical — 1080×1920": (1080, 1920), "Small — 640×360": (640, 360)}
AS_SHOWN = "As shown in the window"


def even(size: tuple[int, int]) -> tuple[int, int]:
    """H.264 needs even sides: drop a pixel where the window has an odd one."""
    return size[0] - size[0] % 2, size[1] - size[1] % 2


def window_options(state, view, model, size: tuple[int, int], camera: str = AS_SHOWN, **options):
    """Export options that draw the window's view state at `size`: its camera (exactly as on screen,
    or a named view), hidden muscles, bones, speed and loop; text scaled as the window's is."""
    shown = view.exact_camera()
    state_camera = shown if camera == AS_SHOWN else shown.named(camera)
    unit = view.unit * size[1] / view.size[1]
    opts = options_from_view(state, model, size=size, text_unit=unit, anti_aliasing=view.anti_aliasing, **options)
    return replace(opts, camera=state_camera)


def run_export(feed, path: Path, options, time: float = 0.0, direction: int = 1, progress=None, cancel=None) -> str:
    """Write a still or video; returns the message for the user (never raises for the user's mistakes)."""
    if path.suffix.lower() == ".png":
        return report(path, lambda: save_still(feed, time, path, options, direction) or 0, still=True)
    return report(path, lambda: export_video(feed, path, options, progress=progress, cancel=cancel))


def report(path: Path, write, still: bool = False) -> str:
    """Run an export (write() → frames written) and say in one line how it went: every export of
    the app (the main window's, the compare window's) answers in these words."""
    try:
        count = write()
    except ExportCancelled:
        return "Cancelled; nothing was written."
    except ViewerError as exc:
        return "\n".join(str(p) for p in exc.problems)
    except OSError as exc:
        return f"{path}: could not write ({exc.strerror or exc}); nothing was written."
    return f"Saved {path}" if still else f"Saved {path}: {count} frames"


class ExportDialog(QDialog):
    def __init__(self, session, state, view, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.session, self.state, self.view3d = session, state, view
        self.format = QComboBox(objectName="format")
        self.format.addItems(list(FORMATS))
        self.size = QComboBox(objectName="size")
        w, h = even(view.size)
        self.size.addItem(f"Same as the 3D view — {w}×{h}", (w, h))
        for label, size in SIZES.items():
            self.size.addItem(label, size)
        self.fps = QSpinBox(objectName="fps", minimum=5, maximum=60, value=30, suffix=" fps")
        self.view = QComboBox(objectName="view")
        self.view.addItems((AS_SHOWN,) + VIEWS)
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
        form.addRow("Camera", self.view)
        form.addRow("Orbit", self.orbit)
        form.addRow("Save as", row)
        note = QLabel(f"Plays at {state.playhead.speed:g}× speed, as in the window; colours, hidden muscles and "
                      f"bones as shown.", objectName="note")
        note.setWordWrap(True)
        self.progress = QProgressBar(objectName="progress", minimum=0, maximum=100, value=0)
        self.status = QLabel("", objectName="status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton("Export", QDialogButtonBox.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.Cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.format.currentTextChanged.connect(self._format_changed)
        self.running = False
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

    def options(self):
        return window_options(self.state, self.view3d, self.session.model, self.size.currentData(),
                              self.view.currentText(), fps=float(self.fps.value()), orbit=self.orbit.value())

    def start(self) -> None:
        if self.running:
            return
        output = Path(self.path.text())
        try:
            self.session.refuse_output(output)  # never a video over the scenario, its model or a mesh
        except ViewerError as exc:
            self.status.setText(str(exc))
            return
        self.running, self._cancelled = True, False
        self.start_button.setEnabled(False)
        self.status.setText("Rendering…")
        self.progress.setValue(0)
        try:
            message = run_export(self.session.feed, output, self.options(), self.state.time, self.state.direction,
                                 progress=self._progress, cancel=lambda: self._cancelled)
        finally:
            self.running = False
            self.start_button.setEnabled(True)
        if message.startswith("Saved"):
            self.progress.setValue(100)
            self.cancel_button.setText("Close")
        self.status.setText(message)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setValue(int(100 * done / max(total, 1)))
        QApplication.processEvents()  # the window stays alive and Cancel is heard between frames

    def cancel(self) -> None:
        if not self.running:
            self.reject()
            return
        self._cancelled = True
        self.status.setText("Cancelling…")

    def closeEvent(self, event) -> None:
        if self.running:
            self._cancelled = True
            event.ignore()
            return
        super().closeEvent(event)

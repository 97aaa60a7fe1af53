"""File → Share…: write the take-home page of what the window shows, in a worker thread.

The page is built by viewer.share.page, the same code as `muscle-viewer share`, from the
window's view: colour source, hidden muscles, bone opacity and the named camera view. The work
runs on its own Kinematics (its own MuJoCo data) so playback in the window is never touched.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QProgressDialog

from viewer.core.base.errors import ViewerError

POLL_MS = 100


class ShareCancelled(ViewerError):
    def __init__(self):
        super().__init__("sharing cancelled; nothing was written")


def window_view(window):
    """The window's view, frozen, with its camera exactly as the user turned it."""
    from dataclasses import replace

    return replace(window.state.snapshot(), camera=window.view.exact_camera())  # colours: the state's


class ShareJob(QObject):
    """One page being written; `finished` carries (path, bytes) or an error text."""

    finished = Signal(str, int, str)

    def __init__(self, window, path: str, note: str):
        super().__init__(window)
        self.path, self.view, self.note = path, window_view(window), note
        self.session = window.session
        self.progress = (0, 1)
        self.cancelled = False
        self.done = False
        self.result: tuple[int, str] | None = None  # (bytes, error text)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _report(self, done: int, total: int) -> None:
        if self.cancelled:
            raise ShareCancelled()
        self.progress = (done, total)

    def _run(self) -> None:
        from viewer.core.analysis.colour import Colouring
        from viewer.core.session.feed import FrameFeed
        from viewer.share.page import PageOutput, refuse_too_long, write_page

        size, error = 0, ""
        try:
            self.session.refuse_output(self.path)  # never a page over the scenario, its model or a mesh
            refuse_too_long(self.session.model, self.view)  # before the colouring samples the whole motion
            kin = self.session.model.kinematics(self.session.scenario)
            feed = FrameFeed(kin, Colouring(kin, source=self.view.colour_source))
            size = write_page(self.path, feed, self.view, PageOutput(note=self.note), progress=self._report)
        except ViewerError as exc:
            error = "\n".join(str(p) for p in exc.problems)
        except Exception as exc:  # the window must survive whatever goes wrong here
            error = f"{self.path}: could not write the page ({type(exc).__name__}: {exc})"
        self.result = (size, error)
        self.done = True


def start_share(window, path: str, note: str = "") -> ShareJob:
    """Write the page with a progress dialog; the window reports the size or the error."""
    job = ShareJob(window, path, note)
    dialog = QProgressDialog("Writing the page…", "Cancel", 0, 1000, window)
    dialog.setWindowTitle("Share")
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.canceled.connect(lambda: setattr(job, "cancelled", True))
    timer = QTimer(dialog, interval=POLL_MS)

    def poll() -> None:
        done, total = job.progress
        dialog.setValue(int(1000 * done / max(total, 1)) if not job.done else 1000)
        if not job.done:
            return
        timer.stop()
        dialog.reset()
        dialog.deleteLater()
        size, error = job.result
        if job.cancelled:  # the user's choice, not a problem to flag
            window.statusBar().showMessage("Sharing cancelled; nothing was written", 8000)
        elif error:
            window.banner.show_error(error)
        else:
            window.statusBar().showMessage(f"Wrote {job.path}: {size / 1e6:.1f} MB", 8000)
        job.finished.emit(job.path, size, error)

    timer.timeout.connect(poll)
    job.start()
    timer.start()
    return job


def share_dialog(window) -> ShareJob | None:
    """Ask where to write the page and for an optional note, then write it."""
    if window.session is None:
        return None
    stem = Path(window.session.path).stem
    path, _ = QFileDialog.getSaveFileName(window, "Share a page for the patient", f"{stem}.html",
                                          "Web page (*.html)")
    if not path:
        return None
    if not path.lower().endswith((".html", ".htm")):
        path += ".html"
    note, ok = QInputDialog.getMultiLineText(window, "Share", "A note shown on top of the page (optional):")
    if not ok:
        return None
    return start_share(window, path, note)

"""Start the app: one window, the named (or last, or default) scenario, optional screenshot."""
from __future__ import annotations

import gc
import os
import sys
import time as time_module
from pathlib import Path

from viewer import STARTED
from viewer.core.base.errors import ViewerError, plain_words
from viewer.core.base.files import atomic_write

SCREENSHOT_DELAY_MS = 400  # let the window lay out and VTK draw before grabbing it
GC_RESUME_MS = 10_000  # collection resumes after the first frame, or after this long at the latest


def ensure_display() -> None:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise ViewerError("the app needs a display: run it on a desktop, or under `xvfb-run -a muscle-viewer …`; "
                          "`muscle-viewer export` and `snapshot` work without one")


def run(scenario: str | None = None, screenshot: str | None = None, settings=None, time: float | None = None,
        edit: bool = False, lab=None) -> int:
    ensure_display()
    # Start-up makes ~10⁶ objects (Qt, VTK, pyvista, the model) that all stay alive: full
    # collections of them cost ~0.1–0.3 s before the first frame and later on. Collect none
    # until the first frame, then freeze them out of every later collection.
    gc.disable()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("muscle-viewer")
    app.setOrganizationName("muscle-viewer")
    window = MainWindow(settings)
    _resume_gc_after_first_frame(window)
    sys.excepthook = _report_in(window)
    window.show()
    window.restore(scenario, lab)
    if edit:
        window.set_editing(True)
    if time is not None:  # on the clock the window shows (a lab motion's own)
        window.seek(time - (window.session.scenario.lab_start if window.session else 0.0))
    if os.environ.get("MUSCLE_VIEWER_TIMING"):  # benchmarks/app_start.py reads this line
        def first_frame() -> None:
            window.view.redraw.drawn.disconnect(first_frame)
            print(f"first frame after {time_module.perf_counter() - STARTED:.2f} s", file=sys.stderr, flush=True)

        window.view.redraw.drawn.connect(first_frame)  # when the first render reaches the screen
        window.view.render()
    if screenshot:
        result = {}

        def grab() -> None:
            try:
                # The plot panel is built after the first frame; on a slow start it may not be
                # yet: build it now and let the window lay it out, so the picture is whole.
                window.plot.plot  # noqa: B018 (built on first use)
                app.processEvents()
                save_window_image(window, screenshot)
                result["code"] = 0
            except (OSError, ValueError) as exc:
                print(f"muscle-viewer: {screenshot}: could not save the screenshot ({exc})", file=sys.stderr)
                result["code"] = 1
            window.close()
            app.quit()

        QTimer.singleShot(SCREENSHOT_DELAY_MS, grab)
        app.exec()
        return result.get("code", 1)
    return app.exec()


def _resume_gc_after_first_frame(window) -> None:
    from PySide6.QtCore import QTimer

    def resume() -> None:
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def drawn() -> None:
        if window.session is None:
            return  # the empty view painted on show()
        window.view.redraw.drawn.disconnect(drawn)
        QTimer.singleShot(0, resume)  # after this paint: the frame reaches the screen first

    window.view.redraw.drawn.connect(drawn)
    QTimer.singleShot(GC_RESUME_MS, resume)


def _report_in(window):
    """An unexpected error in a slot shows in the window's banner instead of ending the app."""
    import traceback

    def hook(kind, value, tb) -> None:
        traceback.print_exception(kind, value, tb)  # the details stay available on the terminal
        window.banner.show_error(f"Something went wrong: {plain_words(value)}. "
                                 "The app is still running; the details are on the terminal.")

    return hook


def save_window_image(window, path: str) -> None:
    """The whole window as a PNG, with the 3D view's own pixels pasted in (grab() misses GL)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QImage, QPainter

    window.view.render()
    image = window.grab().toImage()
    pixels = window.view.pixels()
    h, w, _ = pixels.shape
    view_image = QImage(pixels.tobytes(), w, h, 3 * w, QImage.Format_RGB888)
    widget = window.view.widget
    top_left = widget.mapTo(window, QPoint(0, 0))
    ratio = image.devicePixelRatio()
    painter = QPainter(image)
    painter.drawImage(top_left.x() * ratio, top_left.y() * ratio,
                      view_image.scaled(int(widget.width() * ratio), int(widget.height() * ratio)))
    painter.end()
    target = Path(path)
    atomic_write(target, lambda tmp: _save(image, tmp))


def _save(image, tmp: str) -> None:
    if not image.save(tmp, "PNG"):
        raise OSError("Qt could not write the PNG")

"""Render on demand, once per screen update, in fast quality while things move.

pyvistaqt's widget renders inside every paint, so a render asked for directly (by the app or
by VTK's mouse interaction) is drawn twice: once at once and again by the paint it schedules.
Here every request only schedules a paint (Qt merges requests that arrive before it), and the
one render happens inside that paint: renders are never queued, a slow frame just shows the
newest state.

While requests keep coming (playing, dragging a slider, rotating) the scene draws in fast
quality: decimated bones, no anti-aliasing. SETTLE_MS after the last one it draws once more
in full quality, so a still frame is always the full-quality picture.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

SETTLE_MS = 150  # quiet time after which the moving picture is redrawn in full quality


class Redraw(QObject):
    drawn = Signal()  # a render reached the screen

    def __init__(self, plotter, scene=lambda: None, parent=None):
        """plotter: the pyvistaqt QtInteractor; scene(): the Scene shown now (or None)."""
        super().__init__(parent)
        self.plotter = plotter
        self.scene = scene
        self.moving = False
        self.paints = 0  # renders drawn to the screen, for tests and benchmarks
        self._last_request = -1.0
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self.finish)
        iren = plotter.iren.interactor
        # VTK's own interaction renders through the interactor: make that a request too.
        iren.SetEnableRender(False)
        iren.AddObserver("RenderEvent", self._interactor_render)
        iren.AddObserver("StartInteractionEvent", lambda *_: self._set_moving(True))
        iren.AddObserver("EndInteractionEvent", lambda *_: self._settle.start())

    def request(self) -> None:
        """Something on screen changed: draw it with the next screen update."""
        now = time.monotonic()
        if now - self._last_request < SETTLE_MS / 1000.0:
            self._set_moving(True)  # a second change soon after the first: it is moving
        self._last_request = now
        if self.moving:
            self._settle.start()
        self.plotter.update()  # QWidget.update: one paint, however many requests come before it

    def finish(self) -> None:
        """Motion stopped: switch back to full quality and draw once more."""
        self._settle.stop()
        if self.moving:
            self._set_moving(False)
            self.plotter.update()

    def _set_moving(self, moving: bool) -> None:
        if moving == self.moving:
            return
        self.moving = moving
        scene = self.scene()
        if scene is not None and hasattr(scene, "set_quality"):
            scene.set_quality("fast" if moving else "full")
        self.plotter.renderer.SetUseFXAA(not moving)

    def _interactor_render(self, *_args) -> None:
        if getattr(self.plotter, "_in_paint", False):  # the paint itself asks: render now, once
            self.plotter.ren_win.Render()
            self.paints += 1
            self.drawn.emit()
        else:  # the interactor style moved the camera: ask for a paint
            self.request()

"""Render on demand, once per screen update, in fast quality while things move.

pyvistaqt's widget renders inside every paint, so a render asked for directly (by the app or
by VTK's mouse interaction) is drawn twice: once at once and again by the paint it schedules.
Here every request only schedules a paint (Qt merges requests that arrive before it), and the
one render happens inside that paint: renders are never queued, a slow frame just shows the
newest state.

While requests keep coming (playing, dragging a slider, rotating) the scene draws in fast
quality: decimated bones, no anti-aliasing, plain blending of the see-through muscles.
SETTLE_MS after the last one it draws once more in full quality, so a still frame is always
the full-quality picture. Where a moving render at the window's size takes longer than
REDUCE_ABOVE_MS (software OpenGL), the scene is drawn at half the width and height while it
moves and the words over it at full size (render/layers.py); a GPU keeps full resolution.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from viewer.render.layers import Reduction

SETTLE_MS = 100  # quiet time after which the moving picture is redrawn in full quality (goal: ≤ 0.3 s with the render)
REDUCE_ABOVE_MS = 25.0  # a moving render slower than this at full size is drawn reduced from then on
REDUCTION = 2.0  # width and height divided by this while reduced (a quarter of the pixels)


class Redraw(QObject):
    drawn = Signal()  # a render reached the screen

    def __init__(self, plotter, scene=lambda: None, parent=None, smooth_when_still=lambda: True):
        """plotter: the pyvistaqt QtInteractor; scene(): the Scene shown now (or None);
        smooth_when_still(): whether a still picture gets FXAA (the view's anti-aliasing choice)."""
        super().__init__(parent)
        self.plotter = plotter
        self.scene = scene
        self.smooth_when_still = smooth_when_still
        self.moving = False
        self.reduction = Reduction(plotter)
        self.reduce_when_moving = False  # set by the first slow moving render (see REDUCE_ABOVE_MS)
        self.before_render = lambda: None  # last-moment work on what the paint draws (the view's labels)
        self.paints = 0  # renders drawn to the screen, for tests and benchmarks
        self._last_busy = -1.0  # when the last change was asked for or the last paint ended
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self.finish)
        iren = plotter.iren.interactor
        # VTK's own interaction renders through the interactor: make that a request too.
        iren.SetEnableRender(False)
        iren.AddObserver("RenderEvent", self._interactor_render)
        iren.AddObserver("StartInteractionEvent", lambda *_: self._interaction(True))
        iren.AddObserver("EndInteractionEvent", lambda *_: self._interaction(False))
        self._interacting = False  # a mouse button is held on the view (rotating, zooming)

    def request(self, moving: bool = False) -> None:
        """Something on screen changed: draw it with the next screen update.

        moving: more changes follow (playback), so draw in fast quality from the first one."""
        self.hold(moving)
        self.plotter.update()  # QWidget.update: one paint, however many requests come before it

    def hold(self, moving: bool = True) -> None:
        """The picture changes without a render here (playback shows a stored frame): stay in the
        quality of a moving picture and settle into full quality only once it stops."""
        now = time.monotonic()
        self.moving |= moving or now - self._last_busy < SETTLE_MS / 1000.0  # or another change soon after the last
        self._apply_quality()
        self._last_busy = now
        if self.moving and not self._interacting:
            self._settle.start()

    def finish(self) -> None:
        """Motion stopped: switch back to full quality and draw once more."""
        self._settle.stop()
        self._interacting = False
        if self.moving:
            self._set_moving(False)
            self.plotter.update()

    def _interaction(self, started: bool) -> None:
        self._interacting = started
        if started:
            self._settle.stop()
            self._set_moving(True)
        else:
            self._settle.start()

    def _set_moving(self, moving: bool) -> None:
        self.moving = moving
        self._apply_quality()

    def _apply_quality(self) -> None:
        """Fast or full quality on the scene shown now (a scene built while moving starts full)."""
        scene = self.scene()
        quality = "fast" if self.moving else "full"
        if scene is not None and getattr(scene, "quality", quality) != quality:
            scene.set_quality(quality)
        self.reduction.factor = REDUCTION if self.moving and self.reduce_when_moving else 1.0
        renderer = self.plotter.renderer
        smooth = not self.moving and self.smooth_when_still()
        if bool(renderer.GetUseFXAA()) != smooth:
            renderer.SetUseFXAA(smooth)
        if bool(renderer.GetUseOIT()) == self.moving:
            # Order-independent transparency costs ~15 % of a fast frame; the faded muscles look
            # nearly the same blended in drawing order while they move.
            renderer.SetUseOIT(not self.moving)

    def _tune(self, render_ms: float) -> None:
        """Choose the moving resolution from what moving renders cost here: reduced once one at
        full size is too slow; full again where a reduced one is so fast that full would fit."""
        if not self.moving:
            return
        factor = self.reduction.factor
        if factor <= 1 and render_ms > REDUCE_ABOVE_MS:
            self.reduce_when_moving = True
        elif factor > 1 and render_ms * factor ** 2 < 0.5 * REDUCE_ABOVE_MS:
            self.reduce_when_moving = False
        self._apply_quality()

    def _interactor_render(self, *_args) -> None:
        if getattr(self.plotter, "_in_paint", False):  # the paint itself asks: render now, once
            self.before_render()
            start = time.perf_counter()
            self.plotter.ren_win.Render()
            self._tune(1e3 * (time.perf_counter() - start))
            self.paints += 1
            self._last_busy = time.monotonic()  # a render slower than SETTLE_MS still counts as moving
            if self.moving and not self._interacting:
                self._settle.start()  # full quality SETTLE_MS after the last moving frame is on screen
            self.drawn.emit()
        else:  # the interactor style moved the camera: ask for a paint
            self.request()

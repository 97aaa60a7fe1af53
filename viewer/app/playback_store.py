"""The playback store: pictures of the loop for one look of the 3D view, shown over it while playing.

Software OpenGL cannot draw the full scene 30 times a second; a picture read back once plays
back in ~4 ms. Pictures are kept per Look: the frozen View they were drawn from (all but the
moment) plus what else changes the pixels (size, the camera on screen, the highlight, the
words). Looks compare by value, so a picture of another look is never shown: no counter to
bump, nothing to forget. While the view stands still the store fills itself beneath a picture
of the still, so the next play is smooth from the first loop.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QTimer

from viewer.core.view.playback import grid_stride, play_order
from viewer.core.view.viewstate import View

from .frame_cache import PACKED_SHARE, PLAY_RATE, FrameCache, FramePicture, to_qimage

IDLE_FILL_MS = 1500  # a still view untouched this long stores the loop's frames beneath its picture


@dataclass(frozen=True)
class Look:
    """Everything a stored picture depends on but the moment."""

    view: View  # View.look(): time and direction left out
    stride: int  # session frames between two stored ones
    size: tuple[int, int]
    camera: tuple  # the camera on screen (the user may be turning it away from the state's)
    extras: tuple  # highlight, presenter bands, anti-aliasing


class PlaybackStore(QObject):
    """Stored pictures for a View3D (`view`): shows them, records new ones, fills while still."""

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.cache = FrameCache()
        self.picture = FramePicture(view.widget)
        self.picture.on_paint = view.frame_shown.emit
        self.painted: dict[int, np.ndarray] = {}  # direction → colours of every session frame
        self.recording = None  # (frame, look) the scene holds now, to store once drawn
        self.filling = False  # storing frames while the view stands still
        self._capture_still = False  # the next paint is the still to show while filling
        self._fill_look: Look | None = None
        self._idle = QTimer(self, singleShot=True, interval=IDLE_FILL_MS)
        self._idle.timeout.connect(self._start_fill)

    # --- looks --------------------------------------------------------------------------------
    def look(self, stride: int) -> Look:
        v = self.view
        cam = v.plotter.renderer.GetActiveCamera()
        camera = (cam.GetPosition(), cam.GetFocalPoint(), cam.GetViewUp(), cam.GetViewAngle(),
                  cam.GetParallelProjection(), cam.GetParallelScale())
        return Look(v.state.snapshot().look(), stride, tuple(v.plotter.ren_win.GetSize()), camera,
                    (v.highlighted, v.presenting, v.anti_aliasing))

    def stride(self, speed: float) -> int:
        """Session frames between two stored ones: PLAY_RATE pictures per second of screen time,
        or fewer where the whole cycle would not fit in the store (a steady rate beats a stutter)."""
        frames = self.view.session.frames
        stride = grid_stride(self.view.session.fps, speed, PLAY_RATE)
        w, h = self.view.plotter.ren_win.GetSize()
        per_frame = w * h * 3 * PACKED_SHARE
        while len(self.order(0, 1, stride)) * per_frame > self.cache.budget and stride < len(frames):
            stride += 1
        return stride

    def order(self, i: int, direction: int, stride: int) -> list[tuple[int, int]]:
        last = len(self.view.session.frames) - 1
        return play_order(i, direction, last, stride, self.view.state.playhead.loop)

    def stored(self) -> tuple[int, int]:
        """(frames in the store, frames in one playback cycle) for the look being played."""
        key = self.cache.key
        if self.view.session is None or key is None:
            return 0, 0
        return len(self.cache), len(self.order(0, 1, key.stride))

    def colours(self, direction: int) -> np.ndarray:
        """(F, M, 4) uint8 colours of the session's frames, played forward or backward."""
        if direction not in self.painted:
            s, scene = self.view.session, self.view.scene
            signs = np.full(len(s.frames), float(direction))
            self.painted[direction] = scene.paint(*s.colouring.paint(s.frames, signs))
        return self.painted[direction]

    # --- playing --------------------------------------------------------------------------------
    def show(self, look: Look, frame: tuple[int, int]) -> bool:
        """Show the stored picture of `frame` in `look` (and draw the next missing one beneath it)."""
        self.cache.use(look)
        image = self.cache.image(frame)
        if image is None:
            return False
        self.picture.show_image(image, frame)
        self.draw_next_missing(frame, look)
        return True

    def draw_next_missing(self, frame: tuple[int, int], look: Look) -> bool:
        """Draw (beneath the picture on top) the first frame after `frame` in play order that is not
        stored yet; False when the cycle is stored or the store is full."""
        if not self.cache.has_room(*self.view.plotter.ren_win.GetSize()):
            return False
        missing = next((f for f in self.order(*frame, look.stride) if f not in self.cache), None)
        if missing is None:
            return False
        self.view.draw_grid_frame(*missing, look)
        return True

    def drawn(self, quality: str) -> bool:
        """A paint finished: store its picture if it is of a playback frame in this look.
        Returns True while the store is filling (the paint was not for the screen)."""
        if self._capture_still:  # the still, in full quality, covers the view while frames are stored
            self._capture_still = False
            if self.filling:
                self.picture.show_image(to_qimage(self.read_pixels()), None)
                QTimer.singleShot(0, self._fill_step)
                return True
        recording, self.recording = self.recording, None
        if recording is not None and quality == "fast":
            frame, look = recording
            if look == self.look(look.stride) and look == self.cache.key:
                self.cache.put(frame, self.read_pixels())
        if self.filling:
            QTimer.singleShot(0, self._fill_step)
            return True
        return False

    def read_pixels(self) -> np.ndarray:
        """What the last render drew, RGB rows top first (read inside the paint, context current)."""
        from vtkmodules.vtkCommonCore import vtkUnsignedCharArray  # not `import vtk`: 0.9 s on first use

        win = self.view.plotter.ren_win
        w, h = win.GetSize()
        data = vtkUnsignedCharArray()
        win.GetPixelData(0, 0, w - 1, h - 1, 0, data, 0)
        return np.frombuffer(memoryview(data), np.uint8).reshape(h, w, 3)[::-1]

    # --- filling while the view stands still --------------------------------------------------------
    def still(self) -> None:
        """The view shows a still: store the loop in the background once it stays untouched."""
        self._idle.start()

    def _start_fill(self) -> None:
        from PySide6.QtWidgets import QApplication

        v = self.view
        if (v.closed or v.session is None or v.playing or self.filling or not self.cache.enabled
                or v.redraw.moving or v.scene.quality != "full" or not v.widget.isVisible()
                or QApplication.activeModalWidget() is not None):
            return
        look = self.look(self.stride(v.state.playhead.speed))
        self.cache.use(look)
        stored, cycle = self.stored()
        if stored >= cycle or not self.cache.has_room(*v.plotter.ren_win.GetSize()):
            return
        self.filling, self._fill_look, self._capture_still = True, look, True
        v.redraw.request()  # one more full-quality paint, read back as the picture on top

    def _fill_step(self) -> None:
        v = self.view
        if not self.filling or v.session is None:
            return
        if self.cache.key is None or self.cache.key != self.look(self._fill_look.stride):
            v.go_live()  # the look changed under the fill
        elif not self.draw_next_missing(v.shown[:2], self._fill_look):
            self.filling = False  # the whole cycle is stored: the picture of the still stays on top

    def cancel(self) -> None:
        """No storing while the view stands still (until it stands still again)."""
        self._idle.stop()
        self.filling = self._capture_still = False

    def hide(self) -> None:
        if self.picture.isVisible():
            self.picture.hide()

    def close(self) -> None:
        self.cancel()
        self.cache.close()

"""The playback clock both windows share: a Qt timer that advances a view state's playhead.

Every move of time goes through the view state, whose `time` event redraws the panels.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QTimer

TICK_MS = 16  # ~60 Hz; the playhead uses real elapsed time, so a slow tick never slows the motion


class PlaybackClock:
    """Mixin: needs `self.state` (a ViewState, or None) and `frame_rate()`; call `_init_clock()` once."""

    def _init_clock(self) -> None:
        self._last_tick = time.monotonic()
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(self._tick)

    def toggle_play(self) -> None:
        if self.state is None:
            return
        self._last_tick = time.monotonic()
        self.state.toggle_play()
        if self.state.playhead.playing:
            self.timer.start()
        else:
            self.timer.stop()  # a tick after the pause would redraw the still once more

    def step(self, frames: int) -> None:
        if self.state is not None:
            self.state.step(frames, self.frame_rate())

    def seek(self, t: float) -> None:
        if self.state is not None:
            self.state.seek(t)

    def _tick(self) -> None:
        now = time.monotonic()
        if self.state is None or not self.state.playhead.playing:  # closed, or paused elsewhere
            self.timer.stop()
            return
        elapsed, self._last_tick = now - self._last_tick, now
        self.state.advance(elapsed)
        if not self.state.playhead.playing:  # a play-once scenario reached its end
            self.timer.stop()

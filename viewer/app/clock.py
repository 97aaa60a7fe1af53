"""The playback clock both windows share: a Qt timer that advances a core Playhead."""
from __future__ import annotations

import time

from PySide6.QtCore import QTimer

TICK_MS = 16  # ~60 Hz; the playhead uses real elapsed time, so a slow tick never slows the motion


class PlaybackClock:
    """Mixin: needs `self.playhead`, `show_time()` and `frame_rate()`; call `_init_clock()` once."""

    def _init_clock(self) -> None:
        self._last_tick = time.monotonic()
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(self._tick)

    def toggle_play(self) -> None:
        self.playhead.toggle()
        self._last_tick = time.monotonic()
        if self.playhead.playing:
            self.timer.start()
        self.show_time()

    def step(self, frames: int) -> None:
        self.playhead.step(frames, self.frame_rate())
        self.show_time()

    def seek(self, t: float) -> None:
        self.playhead.seek(t)
        self.show_time()

    def _tick(self) -> None:
        now = time.monotonic()
        self.playhead.advance(now - self._last_tick)
        self._last_tick = now
        if not self.playhead.playing:
            self.timer.stop()
        self.show_time()

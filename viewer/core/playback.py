"""The playhead: where playback is, how fast it moves, and what happens at the end.

Kept free of Qt so the loop rules are tested without a window; the app's timer only calls
advance() with the wall-clock time since the last tick.
"""
from __future__ import annotations

from dataclasses import dataclass

LOOP_MODES = ("none", "repeat", "pingpong")
SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0)


@dataclass
class Playhead:
    duration: float
    loop: str = "none"
    speed: float = 1.0
    time: float = 0.0
    direction: int = 1  # −1 while a ping-pong loop plays back toward the start
    playing: bool = False

    def advance(self, seconds: float) -> None:
        """Move by `seconds` of wall-clock time × speed, applying the loop rule at the ends."""
        if not self.playing or self.duration <= 0:
            return
        t = self.time + self.direction * seconds * self.speed
        if self.loop == "repeat":
            t %= self.duration
        elif self.loop == "pingpong":
            while t > self.duration or t < 0:
                if t > self.duration:
                    t, self.direction = 2 * self.duration - t, -1
                else:
                    t, self.direction = -t, 1
        elif t >= self.duration or t <= 0:
            t = min(max(t, 0.0), self.duration)
            self.playing = False
        self.time = t

    def play(self) -> None:
        if self.loop == "none" and self.time >= self.duration:
            self.time = 0.0  # play again from the start, as media players do
        self.direction = 1 if self.loop != "pingpong" else self.direction
        self.playing = True

    def toggle(self) -> None:
        if self.playing:
            self.playing = False
        else:
            self.play()

    def seek(self, t: float) -> None:
        self.time = min(max(float(t), 0.0), self.duration)

    def step(self, frames: int, fps: float) -> None:
        """Pause and move by whole frames."""
        self.playing = False
        self.seek(round(self.time * fps + frames) / fps)

"""The playhead: where playback is, how fast it moves, and what happens at the end.

Kept free of Qt so the loop rules are tested without a window; the app's timer only calls
advance() with the wall-clock time since the last tick.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.limits import VIDEO_FRAMES, frame_count

LOOP_MODES = ("none", "repeat", "pingpong")
SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0)
BATCH = 24  # frames sampled per kinematics call in exports: vectorised, yet small in memory


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


# --- the clock of an export or a comparison --------------------------------------------------
SYNC_MODES = ("hold", "stretch")


def export_times(duration: float, fps: float, speed: float = 1.0, loops: int = 1,
                 loop: str = "none") -> tuple[np.ndarray, np.ndarray]:
    """Scenario times of exported frames and their play direction (+1 forward, −1 backward).

    A video of L loops lasts L·duration/speed seconds and holds round(that·fps) frames, so a
    GIF loops without a doubled frame. 'pingpong' scenarios play every second loop backward.
    More frames than a video may hold are refused before any is made (limits.VIDEO_FRAMES).
    """
    total = loops * duration / speed
    frame_count(total * fps, "this video", VIDEO_FRAMES)
    n = max(1, int(round(total * fps)))
    clock = np.arange(n) * speed / fps  # scenario seconds played so far
    if duration <= 0:
        return np.zeros(n), np.ones(n)
    loop_index = np.floor(clock / duration + 1e-9)
    local = np.clip(clock - loop_index * duration, 0.0, duration)
    backward = (loop == "pingpong") & (loop_index % 2 == 1)
    return np.where(backward, duration - local, local), np.where(backward, -1.0, 1.0)


def panel_time(clock, duration: float, longest: float, sync: str = "hold"):
    """(scenario time, direction) of a scenario lasting `duration` when a shared clock reads `clock`.

    'hold': each plays at its own speed and the shorter one holds its end (direction 0: nothing
    changes length, so no rate colour); 'stretch': the shorter one is slowed to the longer one.
    Works on numbers and arrays alike (the app maps its one playhead with it, the export whole batches).
    """
    clock = np.asarray(clock, float)
    if sync == "stretch" and longest > 0:
        return clock * duration / longest, np.ones_like(clock)
    return np.minimum(clock, duration), np.where(clock <= duration + 1e-9, 1.0, 0.0)


def sync_times(durations: list[float], fps: float, speed: float = 1.0, sync: str = "hold"):
    """(clock, [(times, direction) per scenario]) for one shared clock over the longest scenario."""
    if sync not in SYNC_MODES:
        from ..base.errors import ViewerError

        raise ViewerError(f"unknown sync '{sync}'; use {', '.join(SYNC_MODES)}")
    longest = max(durations)
    clock, _ = export_times(longest, fps, speed)
    return clock, [panel_time(clock, d, longest, sync) for d in durations]


# --- the grid of frames that playback from memory stores (app/frame_cache) ---------------------
def grid_stride(fps: float, speed: float, rate: float) -> int:
    """Session frames (at fps) between two stored ones, for `rate` pictures per second of screen time."""
    return max(1, int(round(fps * abs(speed) / rate)))


def grid_frame(i: int, stride: int, last: int) -> int:
    """The stored frame nearest session frame i: every stride-th frame, and the last one."""
    below = stride * (i // stride)
    above = min(below + stride, last)
    return min(above if above - i <= i - below else below, last)  # ties go on: each frame held equally long


def play_order(i: int, direction: int, last: int, stride: int, loop: str) -> list[tuple[int, int]]:
    """(frame, direction) of the grid in the order playback reaches them, one cycle on from frame i.

    A 'pingpong' cycle holds each frame twice, once each way (its colours differ: what shortens
    going up lengthens coming down)."""
    grid = sorted(set(range(0, last + 1, stride)) | {last})
    up, down = grid, grid[::-1]
    ahead = [g for g in up if g > i] if direction > 0 else [g for g in down if g < i]
    order = [(g, direction) for g in ahead]
    if loop == "pingpong":
        order += [(g, -direction) for g in (down if direction > 0 else up)]
        order += [(g, direction) for g in (up if direction > 0 else down) if (g - i) * direction <= 0]
    else:
        order += [(g, direction) for g in up if g <= i]
    return order

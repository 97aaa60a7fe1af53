"""The words and numbers drawn over a frame, made in core: the clock's read-out with the angle
that moves most, each measuring line's ends and distance, and the labels of the top movers.

DESIGN §3: render receives overlay values with the frames and only lays them out and draws
them; it measures nothing from raw arrays (qpos, lengths, landmarks). A FrameFeed hands out one
OverlayValues per sampled batch; each value is computed when first asked for, so an export
without text pays nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..view.movers import mover_text


@dataclass(frozen=True)
class Distance:
    """One `measure:` entry at one frame: its landmarks' world points and the distance between them."""

    label: str
    start: np.ndarray  # (3,) world metres
    end: np.ndarray

    @property
    def metres(self) -> float:
        return float(np.linalg.norm(self.end - self.start))

    @property
    def text(self) -> str:
        return f"{self.label} {self.metres * 100:.1f} cm"


class OverlayValues:
    """What the overlays show at each frame of one sampled batch (`frames`: a Frames)."""

    def __init__(self, feed, frames):
        self._feed = feed
        self.frames = frames
        self._scenario = feed.scenario
        names = feed.landmark_names
        self._ends = [(m.label, names.index(m.start), names.index(m.end)) for m in self._scenario.measure]

    def time(self, i: int, t: float | None = None) -> float:
        """The scenario time frame i is shown at (an export may pass the clock's own)."""
        return float(self.frames.times[i]) if t is None else float(t)

    def clock(self, i: int, t: float | None = None) -> str:
        """'1.25 s' on a lab motion's own clock, and under it the angle that moves most in this phase."""
        t = self.time(i, t)
        readout = f"{t + self._scenario.lab_start:4.2f} s"
        angle = self._feed.readout.text(self.frames.qpos[i], self._scenario.phase_at(t))
        return f"{readout}\n{angle}" if angle else readout

    def distances(self, i: int) -> list[Distance]:
        """Each measuring line at frame i, in the scenario's `measure:` order."""
        points = self.frames.landmarks[i]
        return [Distance(label, points[a].copy(), points[b].copy()) for label, a, b in self._ends]

    def movers(self, i: int, t: float | None = None, count: int = 3) -> list[tuple[object, str]]:
        """(unit, label text) of each top mover labelled at frame i: 'Iliacus (left) — shortening 30 %'."""
        movers = self._feed.phase_movers(count)
        return [(unit, mover_text(unit, change, held, movers.side_name(unit)))
                for unit, change, held in movers.at(self.time(i, t), self.frames.lengths[i])]

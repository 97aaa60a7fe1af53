"""The labels beside the body on the take-home page: the window's, frame by frame.

"Iliacus — shortening 30 %": the muscles that change most in the current phase, chosen by
core (FrameFeed.phase_movers, core/view/movers.py) and worded by core's mover_text, as the window's
render/labels.py shows them. Each stored frame carries up to `count` (text, muscle) pairs;
texts are stored once in a table. The browser places them beside the body with a leader line
to the muscle (assets/player.js).
"""
from __future__ import annotations

import numpy as np

from viewer.core.view.movers import mover_text

NONE = 0xFFFF  # no label in this slot


class PageLabels:
    def __init__(self, feed, order: np.ndarray, frames: int, direction: np.ndarray, count: int = 3):
        """order: the page's muscles (model indices, in the page's order); direction: from the
        body toward the page's camera (which side of a two-sided label is in view)."""
        self.movers = feed.phase_movers(count)
        self.model = feed.model
        self.place = {int(m): k for k, m in enumerate(order)}
        self.direction = np.asarray(direction, float)
        self.count = count
        self.texts: list[str] = []
        self._index: dict[str, int] = {}
        self.slots = np.full((frames, count, 2), NONE, np.uint16)
        self.anchors = np.zeros((frames, count, 3), np.float32)  # where each leader points: the path's middle

    def take(self, f: int, t: float, frames, i: int) -> None:
        """The labels of stored frame f (scenario time t), frame i of a sampled batch."""
        shown = self.movers.at(t, frames.lengths[i])
        k = 0
        for unit, change, held in shown:
            muscle = self._pointed_at(frames, i, unit)
            if muscle not in self.place or k >= self.count:
                continue  # its muscle is hidden
            text = mover_text(unit, change, held, self.movers.side_name(unit))
            if text not in self._index:
                self._index[text] = len(self.texts)
                self.texts.append(text)
            self.slots[f, k] = (self._index[text], self.place[muscle])
            self.anchors[f, k] = _middle(frames, i, muscle)
            k += 1

    def _pointed_at(self, frames, i: int, unit) -> int:
        """The member a label's leader points at: the biggest, on the side facing the camera
        when the label speaks for both sides (the window's rule, render/labels.py)."""
        muscles = self.model.muscles
        members = [m for m in unit.members if m in self.place] or list(unit.members)
        if not unit.side and {"right", "left"} <= {muscles[m].side for m in members}:
            reach = {s: max(float(_middle(frames, i, m) @ self.direction) for m in members
                            if muscles[m].side == s) for s in ("right", "left")}  # nearer the camera
            facing = max(reach, key=reach.get)
            members = [m for m in members if muscles[m].side in (facing, "")]
        weights = dict(zip(unit.members, unit.weights))
        return max(members, key=lambda m: weights[m])

    def pack(self, lo: np.ndarray, hi: np.ndarray, b64) -> dict:
        """texts: the table; slots (F, count, 2) uint16: text and muscle (page order), NONE for an
        empty slot; anchors (F, count, 3) uint16 in the box lo…hi."""
        span = np.maximum(hi - lo, 1e-9)
        anchors = np.round((self.anchors - lo) / span * 65535).clip(0, 65535).astype(np.uint16)
        return {"texts": self.texts, "count": self.count, "slots": b64(self.slots), "anchors": b64(anchors)}


def _middle(frames, i: int, muscle: int) -> np.ndarray:
    """The point halfway along a muscle's path (its via points, not its wrap markers) in frame i:
    where its belly is, as the window's leader lines point (render/labels.py)."""
    start, count = int(frames.wrap_adr[i, muscle]), int(frames.wrap_num[i, muscle])
    points = frames.wrap_xpos[i, start:start + count][frames.wrap_obj[i, start:start + count] != -2]
    if len(points) < 2:
        return points.mean(axis=0) if len(points) else np.zeros(3)
    arc = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))]
    return np.array([np.interp(arc[-1] / 2, arc, points[:, k]) for k in range(3)])

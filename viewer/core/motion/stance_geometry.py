"""Point-set and time-span helpers of the stance checks: where muscle paths run, how near two
sets of points come, and the time ranges a finding covers."""
from __future__ import annotations

import numpy as np


def spans(mask: np.ndarray, times: np.ndarray) -> list[tuple[int, int]]:
    """Index ranges [start, end] where mask is true."""
    out, start = [], None
    for i, m in enumerate(mask):
        if m and start is None:
            start = i
        if not m and start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, len(mask) - 1))
    return out


def when_text(times: np.ndarray, a: int, z: int) -> str:
    return f"at {times[a]:.2f} s" if a == z else f"{times[a]:.2f}-{times[z]:.2f} s"


def path_rows(frames, f: int) -> tuple[np.ndarray, np.ndarray]:
    """Path rows of every muscle in frame f and the muscle each belongs to."""
    num, adr = frames.wrap_num[f].astype(int), frames.wrap_adr[f].astype(int)
    owner = np.repeat(np.arange(num.size), num)
    return np.repeat(adr - np.r_[0, np.cumsum(num)[:-1]], num) + np.arange(num.sum()), owner


def lowest_path_points(frames) -> np.ndarray:
    """(F, M) lowest z of each muscle's path points in every frame (pulley rows left out)."""
    z = np.where(frames.wrap_obj == -2, np.inf, frames.wrap_xpos[..., 2])  # (F, W)
    F, M = frames.wrap_adr.shape
    out = np.full((F, M), np.inf)
    for f in range(F):
        rows, owner = path_rows(frames, f)
        np.minimum.at(out[f], owner, z[f, rows])
    return out


def along(points: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Places at shares u (0 … 1) of a polyline's arc length."""
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    s = np.r_[0.0, np.cumsum(seg)]
    if s[-1] <= 0:
        return np.repeat(points[:1], len(u), axis=0)
    at = u * s[-1]
    return np.stack([np.interp(at, s, points[:, k]) for k in range(3)], axis=1)


def within(points: np.ndarray, around: np.ndarray, margin: float) -> np.ndarray:
    """The points inside the box of `around` grown by margin (nearer ones cannot be farther)."""
    lo, hi = around.min(axis=0) - margin, around.max(axis=0) + margin
    return points[((points >= lo) & (points <= hi)).all(axis=1)]


def nearest(a: np.ndarray, b: np.ndarray) -> float:
    """Least distance between two point sets (small sets: brute force in chunks); inf when b is empty."""
    best = np.inf
    if not len(b):
        return best
    for start in range(0, len(a), 256):
        d = np.linalg.norm(a[start:start + 256, None] - b[None], axis=2)
        best = min(best, float(d.min()))
    return best

"""Frame the body large: past the text bands where no words are above or below it.

The overlays keep a band at the top (title, phase, clock) and one at the bottom (caption,
legend) clear of the body. The words fill the corners, not the whole width: a standing body
in the middle of a 16:9 picture has nothing above or below it but empty band. So the fit is
tried with the bands opened toward the picture's edge, and the largest body that lands on no
word is kept (ScreenArea.words: the words' boxes).

The fits run on the body's outline (its farthest points along many directions), the words
check on a sample of all its points: each try is cheap, and the whole search costs less than
one fit of every point did.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .camera import ScreenArea, Shot, fit, screen_extent, screen_points

EDGE = 0.94  # an opened band reaches this near the picture's edge (NDC), as the sides do (ScreenArea)
RAYS = ((1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (1.0, 0.5), (0.5, 1.0))  # top and bottom bands opened together in these shares
STEPS = 7  # bisection steps along each: within 1 % of the way a band may open
DIRECTIONS = 256  # the outline: the body's farthest point along each of these directions ...
SAMPLE = 24  # ... and every this many of its points (the words check needs the inside too)
_outline: list = [None, None]  # the points last outlined and their outline


def fit_clear_of_words(points: np.ndarray, direction: np.ndarray, up: np.ndarray, aspect: float,
                       area: ScreenArea, zoom: float = 1.0) -> Shot:
    """The closest camera that keeps the body inside the picture and off every word box: the
    largest of the fits with the bands opened where no word is in the way. Each way of opening
    them (RAYS) is opened as far as the words allow, by bisection: the size found changes
    smoothly as the camera orbits, with no jump from one step of a grid to the next."""
    far, sample = _outlined(points)

    def shot_at(ray, t):
        trial = replace(area, top=area.top + t * ray[0] * (EDGE - area.top),
                        bottom=area.bottom - t * ray[1] * (EDGE + area.bottom))
        shot = fit(far, direction, up, aspect, trial, zoom)
        lo, hi = screen_extent(shot, far, aspect)
        return shot, float(hi[1] - lo[1])  # one body seen from one direction: its height says its size

    best, size = shot_at((0.0, 0.0), 0.0)
    for ray in RAYS if area.words else ():
        shot, grown = shot_at(ray, 1.0)
        if _on_words(shot, sample, aspect, area.words):
            low, high, shot, grown = 0.0, 1.0, None, 0.0
            for _ in range(STEPS):
                mid = 0.5 * (low + high)
                trial, trial_size = shot_at(ray, mid)
                if _on_words(trial, sample, aspect, area.words):
                    high = mid
                else:
                    low, shot, grown = mid, trial, trial_size
        if shot is not None and grown > size:
            best, size = shot, grown
    return best


def _outlined(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points' outline: the farthest along each direction (what a fit needs: a camera that
    keeps them in view keeps every point in view, to a few millimetres) and a sample of all
    (for the words); cached for the last points given, as a rig asks again at every turn."""
    if _outline[0] is not points:
        golden = np.pi * (3.0 - np.sqrt(5.0))  # directions spread evenly over the sphere
        k = np.arange(DIRECTIONS)
        z = 1.0 - 2.0 * (k + 0.5) / DIRECTIONS
        d = np.stack([np.sqrt(1 - z ** 2) * np.cos(golden * k), np.sqrt(1 - z ** 2) * np.sin(golden * k), z], axis=1)
        p = np.asarray(points, np.float32)
        far = np.unique(np.concatenate([np.argmax(p[s:s + 65536] @ d.T.astype(np.float32), axis=0) + s
                                        for s in range(0, len(p), 65536)]))
        _outline[:] = [points, (points[far], np.concatenate([points[far], points[::SAMPLE]]))]
    return _outline[1]


def _on_words(shot: Shot, points: np.ndarray, aspect: float, words) -> bool:
    """Whether a point of the body lands on a word box (x0, y0, x1, y1) in NDC."""
    xy = screen_points(shot, points, aspect)
    x, y = xy[:, 0], xy[:, 1]
    return any(np.any((x > b[0]) & (x < b[2]) & (y > b[1]) & (y < b[3])) for b in words)

"""Where muscles are in a rendered picture, and whether the pixels there read warm or cool.

Shared by the pixel tests of the window, the exports and the take-home page: a muscle's centre
line (its path points in a frame) projected through the renderer's own camera.
"""
from __future__ import annotations

import numpy as np


def warm(pixels: np.ndarray) -> np.ndarray:
    p = pixels.astype(int)
    return (p[..., 0] - p[..., 2] > 60) & (p[..., 0] - p[..., 1] > 25)


def cool(pixels: np.ndarray) -> np.ndarray:
    p = pixels.astype(int)
    return p[..., 2] - p[..., 0] > 35


def path_points(frames, i: int, muscle: int, count: int = 12) -> np.ndarray:
    """`count` points evenly along a muscle's path in frame i (pulley rows left out)."""
    start, n = int(frames.wrap_adr[i, muscle]), int(frames.wrap_num[i, muscle])
    points = frames.wrap_xpos[i, start:start + n][frames.wrap_obj[i, start:start + n] != -2]
    arc = np.r_[0, np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))]
    at = np.linspace(0.1, 0.9, count) * arc[-1]
    return np.stack([np.interp(at, arc, points[:, k]) for k in range(3)], axis=1)


def group_points(frames, i: int, model, group: str) -> np.ndarray:
    return np.vstack([path_points(frames, i, m.index) for m in model.muscles_in(group)])


def project(renderer, size: tuple[int, int], points: np.ndarray) -> np.ndarray:
    """World points → (column, row) pixels of a picture `size` (w, h) wide, top row first."""
    w, h = size
    matrix = renderer.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / h, -1, 1)
    m = np.array([[matrix.GetElement(r, c) for c in range(4)] for r in range(4)])
    q = np.c_[points, np.ones(len(points))] @ m.T
    ndc = q[:, :2] / q[:, 3:]
    return np.c_[(ndc[:, 0] + 1) * 0.5 * w, (1 - ndc[:, 1]) * 0.5 * h]


def near(image: np.ndarray, pixels: np.ndarray, radius: int = 2) -> np.ndarray:
    """The image's RGB within `radius` of each (column, row)."""
    h, w = image.shape[:2]
    out = []
    for x, y in np.round(pixels).astype(int):
        if radius <= x < w - radius and radius <= y < h - radius:
            out.append(image[y - radius:y + radius + 1, x - radius:x + radius + 1, :3].reshape(-1, 3))
    return np.concatenate(out) if out else np.zeros((0, 3), np.uint8)


def reads(image, renderer, frames, i, model, group) -> tuple[int, int]:
    """(warm, cool) pixel counts around a group's muscles."""
    pixels = near(image, project(renderer, image.shape[1::-1], group_points(frames, i, model, group)))
    return int(warm(pixels).sum()), int(cool(pixels).sum())

"""Which muscle a click hits: the camera ray against the drawn centre lines and radii, in numpy.

VTK's cell picker walks every tube cell and renders nothing, yet costs most of a second on
a full body in software GL. The tubes are round around known centre lines, so a ray test
against each segment's cone (radius varying along it) finds the same muscle in well under a
millisecond and needs no render. Input is what the tubes drew this frame: centre lines
(S, R, 3) and per-point radii (S, R), whatever shape (belly, tendon) the radii describe.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOLERANCE_PX = 2.0  # a click this close to a tube's edge still picks it: thin muscles stay clickable


@dataclass(frozen=True)
class Ray:
    origin: np.ndarray  # (3,) world point at the near plane
    direction: np.ndarray  # (3,) unit
    pixel: float  # world size of one pixel per metre along the ray (perspective); see `slack`
    pixel_at_origin: float = 0.0  # world size of one pixel regardless of depth (parallel projection)

    def slack(self, t: np.ndarray) -> np.ndarray:
        """World distance of TOLERANCE_PX at ray parameter t (metres from the origin)."""
        return TOLERANCE_PX * (self.pixel_at_origin + self.pixel * t)


def camera_ray(renderer, x: float, y: float) -> Ray:
    """The ray through display pixel (x, y), origin bottom-left, of a VTK renderer."""
    ends = []
    for z in (0.0, 1.0):
        renderer.SetDisplayPoint(float(x), float(y), z)
        renderer.DisplayToWorld()
        w = np.array(renderer.GetWorldPoint(), float)
        ends.append(w[:3] / w[3])
    origin, far = ends
    direction = far - origin
    direction /= max(np.linalg.norm(direction), 1e-12)
    camera = renderer.GetActiveCamera()
    height = max(renderer.GetSize()[1], 1)
    if camera.GetParallelProjection():
        return Ray(origin, direction, 0.0, 2.0 * camera.GetParallelScale() / height)
    angle = np.radians(camera.GetViewAngle())
    # Distance from the camera to the near plane is small; measuring from the near plane is close enough.
    return Ray(origin, direction, 2.0 * np.tan(angle / 2.0) / height)


def hit(ray: Ray, centres: np.ndarray, radii: np.ndarray, hidden: np.ndarray | None = None
        ) -> tuple[int, float] | None:
    """(strand, depth along the ray) of the nearest strand the ray passes within its radius, or None.

    centres: (S, R, 3) points along each strand; radii: (S, R); hidden: (S,) strands not drawn.
    """
    centres = np.asarray(centres, float)
    if centres.size == 0:
        return None
    a, b = centres[:, :-1], centres[:, 1:]
    ra, rb = radii[:, :-1].astype(float), radii[:, 1:].astype(float)
    o, d = ray.origin, ray.direction
    u = b - a
    w0 = a - o
    A = np.einsum("srk,srk->sr", u, u)
    B = u @ d
    D = np.einsum("srk,srk->sr", u, w0)
    E = w0 @ d
    # Closest points of the ray's line and each segment's line, then clamped to the segment and
    # to the front of the camera; one more pass makes the clamped pair consistent.
    denom = A - B * B
    s = np.divide(B * E - D, denom, out=np.zeros_like(A), where=denom > 1e-12 * np.maximum(A, 1e-30))
    np.clip(s, 0.0, 1.0, out=s)
    t = np.maximum(B * s + E, 0.0)
    s = np.clip(np.divide(B * t - D, A, out=np.zeros_like(A), where=A > 0), 0.0, 1.0)
    t = np.maximum(B * s + E, 0.0)
    gap = w0 + s[..., None] * u - t[..., None] * d
    dist = np.sqrt(np.einsum("srk,srk->sr", gap, gap))
    radius = ra + s * (rb - ra)
    shown = np.ones(len(centres), bool) if hidden is None else ~np.asarray(hidden, bool)
    inside = (dist <= radius) & shown[:, None]
    if not inside.any():  # no tube under the pixel itself: accept a near miss, so thin ones stay clickable
        inside = (dist <= radius + ray.slack(t)) & shown[:, None]
        if not inside.any():
            return None
    # Depth of the surface point the ray meets first, not of the centre line.
    depth = t - np.sqrt(np.maximum(radius * radius - dist * dist, 0.0))
    depth = np.where(inside, depth, np.inf)
    strand, _segment = np.unravel_index(int(np.argmin(depth)), depth.shape)
    return int(strand), float(depth[strand, _segment])

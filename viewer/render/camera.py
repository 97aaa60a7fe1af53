"""Named views relative to the body, fitted so the whole exercise stays in the picture.

'left' means looking at the patient's left side whether they stand or lie: each view is a
direction in the model's body frame (x = body's left, −y = front, z = head), turned into the
world by the scenario's posture rotation. The screen's up stays the world's up (the floor at
the bottom) unless the view looks straight down or up.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from viewer.core.base.errors import ViewerError

# From the body toward the camera, in the body frame.
VIEWS = {
    "front": (0.0, -1.0, 0.0),
    "back": (0.0, 1.0, 0.0),
    "left": (1.0, 0.0, 0.0),
    "right": (-1.0, 0.0, 0.0),
    "top": (0.0, 0.0, 1.0),  # from beyond the head
    "three-quarter": (0.8, -0.6, 0.0),  # front-left, raised by THREE_QUARTER_RAISE
}
THREE_QUARTER_RAISE = 20.0  # degrees above the body's horizontal
LYING_RAISE = 30.0  # three-quarter on a lying body: degrees above the floor
LYING_TURN = 30.0  # ... and turned this much from the side toward the feet
LOWEST = 0.0  # no view looks from lower than this many degrees above the floor
VIEW_ANGLE = 30.0  # vertical field of view, degrees
WORLD_UP = np.array([0.0, 0.0, 1.0])


@dataclass(frozen=True)
class ScreenArea:
    """Where the model may appear, in normalised device coordinates (−1…1), leaving room for text."""

    left: float = -0.94
    right: float = 0.94
    bottom: float = -0.60
    top: float = 0.72
    words: tuple = ()  # (x0, y0, x1, y1) boxes of the words in the bands: the body may pass the bands elsewhere


def _rotate(vector: np.ndarray, axis: np.ndarray, degrees: float) -> np.ndarray:
    """Rodrigues rotation of a vector about a unit axis."""
    a = np.radians(degrees)
    axis = axis / np.linalg.norm(axis)
    return (vector * np.cos(a) + np.cross(axis, vector) * np.sin(a)
            + axis * np.dot(axis, vector) * (1 - np.cos(a)))


def view_direction(view: str, posture_rotation: np.ndarray, azimuth: float = 0.0,
                   elevation: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """World (direction from the target to the camera, screen up) for a named view.

    azimuth turns the camera about the world vertical (degrees, counter-clockwise seen from
    above); elevation raises it toward the world vertical.
    """
    if view not in VIEWS:
        from viewer.core.base.errors import suggest

        raise ViewerError(f"unknown view '{view}'{suggest(view, VIEWS)}; use {', '.join(VIEWS)}")
    rot = np.asarray(posture_rotation, float)
    d = rot @ np.array(VIEWS[view], float)
    head = rot @ np.array([0.0, 0.0, 1.0])
    lying = abs(np.dot(head, WORLD_UP)) < 0.5
    if view == "three-quarter" and lying:
        # from the body's left, a little toward the feet, LYING_RAISE above the floor: the lift shows
        side = rot @ np.array([1.0, 0.0, 0.0])
        d = _rotate(side, WORLD_UP, np.sign(np.dot(np.cross(side, head), WORLD_UP)) * -LYING_TURN)
        d = _rotate(d, np.cross(WORLD_UP, d), -LYING_RAISE)
    elif view == "three-quarter":
        head = rot @ np.array([0.0, 0.0, 1.0])
        # raise toward the body's front-up: toward the world vertical when that is not the head axis
        lift = WORLD_UP if abs(np.dot(head, WORLD_UP)) < 0.9 else head
        lift = lift - np.dot(lift, d) * d
        d = _rotate(d, np.cross(d, lift), THREE_QUARTER_RAISE)
    d = d / np.linalg.norm(d)
    if azimuth:
        d = _rotate(d, WORLD_UP, azimuth)
    if elevation:
        side = np.cross(WORLD_UP, d)
        if np.linalg.norm(side) > 1e-6:
            d = _rotate(d, side, -elevation)
    d = d / np.linalg.norm(d)
    d = _above_floor(d, head)
    up = WORLD_UP
    if abs(np.dot(d, up)) > 0.95:  # looking straight down/up: the head points up the screen
        up = rot @ np.array([0.0, 0.0, 1.0])
        if abs(np.dot(d, up)) > 0.95:
            up = rot @ np.array([0.0, -1.0, 0.0])
    up = up - np.dot(up, d) * d
    return d, up / np.linalg.norm(up)


def _above_floor(d: np.ndarray, head: np.ndarray) -> np.ndarray:
    """A direction that looks from at least LOWEST degrees above the floor, never from beneath it.

    A view from below a lying body ('back' when supine) would show the floor's underside: it
    becomes the nearest view from above, or, straight below, the view from beyond the head.
    """
    low = np.sin(np.radians(LOWEST))
    if d[2] >= low - 1e-9:
        return d
    flat = d - d[2] * WORLD_UP
    if np.linalg.norm(flat) < 0.3:  # straight from below: look along the body from beyond the head
        flat = head - np.dot(head, WORLD_UP) * WORLD_UP
        if np.linalg.norm(flat) < 1e-6:
            flat = np.array([0.0, -1.0, 0.0])
        low = np.sin(np.radians(THREE_QUARTER_RAISE + 10))
    flat = flat / np.linalg.norm(flat)
    return flat * np.sqrt(1 - low ** 2) + WORLD_UP * low


@dataclass
class Shot:
    position: np.ndarray
    focal_point: np.ndarray
    up: np.ndarray
    view_angle: float

    def apply(self, camera) -> None:
        """Set a VTK camera (pyvista's renderer.camera) to this shot."""
        camera.SetPosition(*self.position)
        camera.SetFocalPoint(*self.focal_point)
        camera.SetViewUp(*self.up)
        camera.SetViewAngle(self.view_angle)


def fit(points: np.ndarray, direction: np.ndarray, up: np.ndarray, aspect: float,
        area: ScreenArea = ScreenArea(), zoom: float = 1.0, view_angle: float = VIEW_ANGLE) -> Shot:
    """The closest camera along `direction` that keeps every point inside `area`.

    The camera keeps its viewing direction and slides sideways to centre the points in the
    area; the distance is found by bisection (projection is monotone in distance).
    """
    d = direction / np.linalg.norm(direction)
    u = up - np.dot(up, d) * d
    u /= np.linalg.norm(u)
    r = np.cross(u, d)  # screen right (d points to the camera)
    centre = 0.5 * (points.min(axis=0) + points.max(axis=0))
    rel = points - centre
    x, y, z = rel @ r, rel @ u, rel @ d
    ty = np.tan(np.radians(view_angle) / 2) * zoom
    tx = ty * aspect

    def offsets(distance: float):
        """Sideways camera shifts that fit the points at this distance, or None."""
        depth = distance - z
        if np.any(depth <= 1e-3):
            return None
        out = []
        for coord, t, lo, hi in ((x, tx, area.left, area.right), (y, ty, area.bottom, area.top)):
            s = depth * t  # half-extent of the view at each point's depth
            low, high = np.max(coord - hi * s), np.min(coord - lo * s)
            if low > high:
                return None
            out.append(0.5 * (low + high))
        return out

    near = float(z.max()) + 1e-3
    far = near + 2.0 + 4.0 * float(np.ptp(points, axis=0).max()) / max(min(tx, ty), 1e-3)
    for _ in range(50):
        mid = 0.5 * (near + far)
        near, far = (near, mid) if offsets(mid) is not None else (mid, far)
    a, b = offsets(far)
    focal = centre + a * r + b * u
    return Shot(focal + far * d, focal, u, view_angle)


def body_points(frames, model, stride: int = 12, every: int = 1) -> np.ndarray:
    """Points of every bone over a batch of frames (subsampled), world metres: what must stay in view.

    Muscles run between bones, so the bones' points bound them too.
    """
    out = [np.zeros((0, 3))]
    for g, geom in enumerate(model.bone_geoms):
        verts, _ = model.bone_mesh(geom)
        v = verts[::stride]
        out.append((np.einsum("fij,nj->fni", frames.geom_mat[::every, g], v)
                    + frames.geom_pos[::every, g][:, None, :]).reshape(-1, 3))
    if len(out) == 1:  # no bone meshes (an OpenSim model's meshes not found): muscles and joints bound it
        counts = frames.wrap_num[::every].sum(axis=1)  # path rows in use per frame; the rest is padding
        points = frames.wrap_xpos[::every]
        out += [points[np.arange(points.shape[1])[None, :] < counts[:, None]],
                frames.body_pos[::every, 1:].reshape(-1, 3)]  # body 0 is the world: not part of the body
    return np.concatenate(out)


class CameraRig:
    """The camera of a view state: a named view with azimuth/elevation/zoom fitted to the picture,
    or an exact camera (the user's, saved from the window); either may orbit."""

    def __init__(self, kin, points: np.ndarray, size: tuple[int, int], view: str | None = None,
                 area: ScreenArea = ScreenArea(), camera=None):
        from viewer.core.view.viewstate import CameraState

        if camera is None:
            camera = CameraState.from_settings(kin.scenario.camera, view)
        self.camera = camera
        self._view = camera.view  # the file's (or the user's) turn comes with it
        self.azimuth, self.elevation, self.zoom = camera.azimuth, camera.elevation, camera.zoom
        self.rotation = kin.posture_rotation
        self.points = points
        self.aspect = size[0] / size[1]
        self.area = area
        view_direction(self._view, self.rotation)  # a bad view name fails here, before any work

    @property
    def view(self) -> str:
        return self._view

    @view.setter
    def view(self, name: str) -> None:
        """Pick a named view: the view itself, without the file's extra azimuth and elevation."""
        view_direction(name, self.rotation)
        self._view, self.azimuth, self.elevation = name, 0.0, 0.0

    def shot(self, orbit: float = 0.0) -> Shot:
        """The camera, turned `orbit` degrees about the world vertical from where it is set."""
        c = self.camera
        if c.exact:
            focal = np.array(c.focal_point, float)
            position = focal + _rotate(np.array(c.position, float) - focal, WORLD_UP, orbit) if orbit else \
                np.array(c.position, float)
            up = _rotate(np.array(c.up, float), WORLD_UP, orbit) if orbit else np.array(c.up, float)
            return Shot(position, focal, up, c.view_angle)
        from .framing import fit_clear_of_words

        d, up = view_direction(self.view, self.rotation, self.azimuth + orbit, self.elevation)
        return fit_clear_of_words(self.points, d, up, self.aspect, self.area, self.zoom)


def screen_extent(shot: Shot, points: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """(lower-left, upper-right) of the points seen by this shot, in normalised device
    coordinates (−1…1 across the picture): how much of the picture the body fills."""
    xy = screen_points(shot, points, aspect)
    return xy.min(axis=0), xy.max(axis=0)


def screen_points(shot: Shot, points: np.ndarray, aspect: float) -> np.ndarray:
    """(n, 2) where each point is seen by this shot, in normalised device coordinates."""
    d = shot.position - shot.focal_point
    d = d / np.linalg.norm(d)
    u = shot.up - np.dot(shot.up, d) * d
    u /= np.linalg.norm(u)
    r = np.cross(u, d)
    rel = points - shot.position
    depth = -(rel @ d)
    ty = np.tan(np.radians(shot.view_angle) / 2)
    return np.stack([(rel @ r) / (depth * ty * aspect), (rel @ u) / (depth * ty)], axis=1)

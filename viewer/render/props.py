"""Prop actors (mat, bench, bars, dumbbell): one actor per prop, built once, moved by its matrix.

Placement is computed in viewer.core.props; a frame here only copies each prop's 4×4
transform into its actor's user matrix, as the bones do.
"""
from __future__ import annotations

import numpy as np
import pyvista as pv
from vtkmodules.vtkCommonMath import vtkMatrix4x4


class PropActors:
    def __init__(self, plotter: pv.Plotter, props):
        self.props = props
        self.actors = []
        for mesh in props.meshes:
            cells = np.hstack([np.full((mesh.faces.shape[0], 1), 3), mesh.faces]).ravel()
            # Flat shading: the props are boxes and cylinders, their edges should read crisply.
            poly = pv.PolyData(mesh.vertices.astype(np.float32), faces=cells)
            actor = plotter.add_mesh(poly, color=mesh.colour, smooth_shading=False, specular=0.3,
                                     specular_power=20, diffuse=0.85, ambient=0.2, reset_camera=False,
                                     render=False, show_scalar_bar=False)
            actor.SetUserMatrix(vtkMatrix4x4())
            self.actors.append(actor)
        self._samples = [_surface_samples(m.vertices, m.faces) for m in props.meshes]
        self._seen_from = None  # the camera the fading was worked out for

    def fade_hiding(self, camera, aspect: float, focus_points: np.ndarray, frames, i: int) -> None:
        """See-through for still props that stand between the camera and the focus muscles.

        Worked out again only when the camera moves: a frame's post in front of the abdominals
        fades, a mat under the body stays solid.
        """
        if not self.actors or not len(focus_points):
            return
        seen = tuple(np.round(np.r_[camera.GetPosition(), camera.GetFocalPoint(), camera.GetViewUp()], 4))
        if seen == self._seen_from:
            return
        self._seen_from = seen
        view = camera_view(camera, aspect)
        fx, fy, fdepth = view(focus_points)
        transforms = self.props.transforms(frames, i)
        for p, actor in enumerate(self.actors):
            T = transforms[p]
            px, py, pdepth = view(self._samples[p] @ T[:3, :3].T + T[:3, 3])
            hidden = _covered(px, py, pdepth, fx, fy, fdepth)
            actor.GetProperty().SetOpacity(FADED_PROP if hidden > HIDING else 1.0)

    def update(self, frames, i: int) -> None:
        if not self.actors:
            return
        for actor, matrix in zip(self.actors, self.props.transforms(frames, i)):
            actor.GetUserMatrix().DeepCopy(matrix.ravel())
            actor.Modified()


FADED_PROP = 0.2  # opacity of a prop that would hide the focus
HIDING = 0.08  # share of the focus muscles' points a prop may cover before it fades
GRID = 64  # screen cells (per side) the covering is measured in


def _surface_samples(vertices: np.ndarray, faces: np.ndarray, n: int = 4000) -> np.ndarray:
    """Points spread over a mesh's surface by area (its frame): a thin post is covered, not just its corners."""
    tri = vertices[faces]
    area = 0.5 * np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
    if area.sum() <= 0:
        return vertices
    rng = np.random.default_rng(0)
    pick = rng.choice(len(faces), size=n, p=area / area.sum())
    a, b = rng.random((2, n, 1))
    flip = (a + b) > 1
    a, b = np.where(flip, 1 - a, a), np.where(flip, 1 - b, b)
    t = tri[pick]
    return np.vstack([vertices, t[:, 0] + a * (t[:, 1] - t[:, 0]) + b * (t[:, 2] - t[:, 0])])


def camera_view(camera, aspect: float):
    """Function: world points → (screen x, screen y in −1…1, depth) for a VTK camera."""
    pos, focal, up = (np.array(v, float) for v in (camera.GetPosition(), camera.GetFocalPoint(), camera.GetViewUp()))
    forward = focal - pos
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, up)
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    t = np.tan(np.radians(camera.GetViewAngle()) / 2)

    def view(points):
        rel = points - pos
        depth = rel @ forward
        safe = np.maximum(depth, 1e-6)
        return (rel @ right) / (safe * t * aspect), (rel @ up) / (safe * t), depth
    return view


def _covered(px, py, pdepth, fx, fy, fdepth) -> float:
    """Share of focus points that a prop's points cover on screen, in front of them."""
    def cell(x, y):
        ok = (np.abs(x) < 1) & (np.abs(y) < 1)
        return ok, (np.clip(((x + 1) / 2 * GRID).astype(int), 0, GRID - 1) * GRID
                    + np.clip(((y + 1) / 2 * GRID).astype(int), 0, GRID - 1))
    nearest = np.full(GRID * GRID, np.inf)
    ok, cells = cell(px, py)
    ok &= pdepth > 0
    np.minimum.at(nearest, cells[ok], pdepth[ok])
    ok, cells = cell(fx, fy)
    if not ok.any():
        return 0.0
    return float(np.mean(nearest[cells[ok]] < fdepth[ok] - 0.02))

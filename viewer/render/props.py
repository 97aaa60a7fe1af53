"""Prop actors (mat, bench, bars, dumbbell): one actor per prop, built once, moved by its matrix.

Placement is computed in viewer.core.scenario.props; a frame here only copies each prop's 4×4
transform into its actor's user matrix, as the bones do.

Equipment reads as equipment: each part in its own tone (steel, rubber, padding) and a light
outline around the whole prop, so a black rubber plate or dumbbell head stands out on the dark
backdrop from every view. The outline is a shell a few millimetres outside the surface with its
front faces culled (the "inverted hull"): it needs no camera and moves with the same matrix.
"""
from __future__ import annotations

import numpy as np
import pyvista as pv
from vtkmodules.vtkCommonMath import vtkMatrix4x4


OUTLINE_COLOUR = (0.86, 0.88, 0.91)  # light steel grey: reads on the dark backdrop and the floor
OUTLINE_WIDTH = 0.005  # metres the outline shell stands off the surface
FLOOR_PROPS = ("floor_mat",)  # lie flat on the floor: an outline would only ring the floor disc


class PropActors:
    def __init__(self, plotter: pv.Plotter, props):
        self.props = props
        self.actors = []
        self.outlines = []  # (prop index, outline actor)
        for p, mesh in enumerate(props.meshes):
            cells = np.hstack([np.full((mesh.faces.shape[0], 1), 3), mesh.faces]).ravel()
            # Flat shading: the props are boxes and cylinders, their edges should read crisply.
            poly = pv.PolyData(mesh.vertices.astype(np.float32), faces=cells)
            look = dict(smooth_shading=False, specular=0.45, specular_power=30, diffuse=0.85, ambient=0.25,
                        reset_camera=False, render=False, show_scalar_bar=False)
            if mesh.face_colours is not None:
                poly.cell_data["rgb"] = np.round(np.asarray(mesh.face_colours) * 255).astype(np.uint8)
                actor = plotter.add_mesh(poly, scalars="rgb", rgb=True, **look)
            else:
                actor = plotter.add_mesh(poly, color=mesh.colour, **look)
            actor.SetUserMatrix(vtkMatrix4x4())
            self.actors.append(actor)
            if mesh.name not in FLOOR_PROPS:
                self.outlines.append((p, self._outline(plotter, poly)))
        self._samples = [_surface_samples(m.vertices, m.faces) for m in props.meshes]
        self._seen_from = None  # the camera the fading was worked out for
        # A bar held in both hands lies across the body at the bottom of a press: it stays solid
        # (a dumbbell only passes in front of the arm, and may fade while it does)
        self._held_across = {p for p, spec in enumerate(props.specs) if len(spec.ride) == 2}

    @staticmethod
    def _outline(plotter: pv.Plotter, poly: pv.PolyData):
        """A shell just outside the prop, back faces only: a light rim around its silhouette."""
        shell = poly.copy(deep=True).compute_normals(cell_normals=False, point_normals=True, split_vertices=False,
                                     auto_orient_normals=False, consistent_normals=False)
        shell.points = np.asarray(shell.points) + OUTLINE_WIDTH * shell.point_data["Normals"]
        actor = plotter.add_mesh(shell, color=OUTLINE_COLOUR, lighting=False, reset_camera=False, render=False,
                                 show_scalar_bar=False, culling="front")
        actor.SetUserMatrix(vtkMatrix4x4())
        return actor

    def fade_hiding(self, camera, aspect: float, focus_points: np.ndarray, frames, i: int) -> None:
        """See-through for props that stand between the camera and the focus muscles.

        Worked out again when the camera moves or a prop that rides the body has moved RIDE_STEP:
        a frame's post in front of the abdominals fades, a mat under the body stays solid, a
        dumbbell fades while it passes in front of the biceps and is solid again after, and a bar
        held in both hands stays solid unless seen end-on in front of the chest.
        """
        if not self.actors or not len(focus_points):
            return
        transforms = self.props.transforms(frames, i)
        riding = [p for p in range(len(self.actors)) if p not in self.props._still]
        seen = (tuple(np.round(np.r_[camera.GetPosition(), camera.GetFocalPoint(), camera.GetViewUp()], 4)),
                tuple(np.floor(transforms[riding, :3, 3].ravel() / RIDE_STEP).astype(int)))
        if seen == self._seen_from:
            return
        self._seen_from = seen
        view = camera_view(camera, aspect)
        fx, fy, fdepth = view(focus_points)
        for p, actor in enumerate(self.actors):
            T = transforms[p]
            px, py, pdepth = view(self._samples[p] @ T[:3, :3].T + T[:3, 3])
            hidden = _covered(px, py, pdepth, fx, fy, fdepth)
            limit = HIDING_HELD if p in self._held_across else HIDING
            actor.GetProperty().SetOpacity(FADED_PROP if hidden > limit else 1.0)
        self._sync_outlines()

    def update(self, frames, i: int) -> None:
        if not self.actors:
            return
        transforms = self.props.transforms(frames, i)
        for actor, matrix in zip(self.actors, transforms):
            actor.GetUserMatrix().DeepCopy(matrix.ravel())
            actor.Modified()
        for p, outline in self.outlines:
            outline.GetUserMatrix().DeepCopy(transforms[p].ravel())
            outline.Modified()
        self._sync_outlines()

    def _sync_outlines(self) -> None:
        """An outline shows only around a shown, solid prop: a see-through prop's shell would veil the focus."""
        for p, outline in self.outlines:
            actor = self.actors[p]
            outline.SetVisibility(bool(actor.GetVisibility()) and actor.GetProperty().GetOpacity() >= 1.0)


FADED_PROP = 0.2  # opacity of a prop that would hide the focus
RIDE_STEP = 0.05  # metres a riding prop (dumbbell, barbell) moves before its fading is worked out again
HIDING = 0.08  # share of the focus muscles' points a prop may cover before it fades
# A bar held in both hands lies across the chest at the bottom of a press: seen from above or in
# front it stays solid (it is what the press is read by), seen end-on from the side its near plate
# would hide half the pectoralis and it fades (bench press at the chest: own view 0.39, side 0.46-0.49)
HIDING_HELD = 0.45
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

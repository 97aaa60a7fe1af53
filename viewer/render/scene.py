"""The 3D scene: bones, muscle tubes and a floor, built once and then updated in place.

Per frame only numbers change: one 4×4 matrix per bone actor, the points and normals of the
muscle tubes and their colours. No actor is created after construction (DESIGN §3).
Render never calls MuJoCo: it reads a sampled `Frames` batch and the model's meshes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from viewer.core.model.decimate import Surface, bone_surfaces
from viewer.core.view.drawing import FLOOR_COLOUR, MAT_THICKNESS, floor_plan, focus_split
from viewer.core.shape.strands import StrandShapes

from . import look
from .look import BONE_COLOUR, FOCUS_THICKER
from .camera import body_points
from .lab_overlays import LabMarks
from .muscle_tubes import MuscleTubes
from .props import PropActors

MUSCLE_STYLES = ("shapes", "lines")  # physiological bellies and tendons | thin lines of action


@dataclass
class SceneStyle:
    bone_opacity: float = 1.0
    tube_rings: int = 16
    tube_sides: int = 8  # lines of action
    shape_sides: int = 12  # bellies and sheets: rounder, they are what the eye reads
    muscle_style: str = "shapes"  # one of MUSCLE_STYLES
    show_faded: bool = True  # draw the muscles outside the scenario's focus (faded)
    muscles: tuple[int, ...] | None = None  # draw only these muscles (None: all)
    floor: bool = True
    bones: bool = True


class Scene:
    """Bones, muscles and floor of one scenario in a PyVista plotter.

    `kin` is the scenario's FrameFeed (core): render draws it, never samples it. `frames` is any
    sampled batch of the scenario (it fixes the strand layout); `update`
    then shows frame i of any batch with the given per-muscle RGB colours (M, 3).
    """

    def __init__(self, plotter: pv.Plotter, kin, frames, style: SceneStyle | None = None,
                 focus_groups: list[str] | None = None, extent: np.ndarray | None = None,
                 bones_from: "Scene | None" = None):
        """bones_from: a scene of the same model, cleared with keep_bones=True, whose bone actors
        (and their meshes already on the GPU) this one takes over: a reload rebuilds no bone."""
        self.plotter = plotter
        self.kin = kin
        self.model = kin.model
        self.style = style or SceneStyle()
        model = self.model
        self.quality = "full"
        self._bone_mappers: list = []
        if bones_from is not None and bones_from.model is self.model and self.style.bones and bones_from.bone_actors:
            self.bone_actors, self._bone_mappers = bones_from.bone_actors, bones_from._bone_mappers
            self.quality = bones_from.quality
            self.set_bone_opacity(self.style.bone_opacity)
        else:
            self.bone_actors = self._add_bones(plotter) if self.style.bones else []
        self._bone_matrices = [actor.GetUserMatrix() for actor in self.bone_actors]
        self._bone_last = None  # the matrices of the last update: a taken-over bone gets its own again
        focus_groups = kin.scenario.focus if focus_groups is None else focus_groups
        drawn = np.arange(len(model.muscles)) if self.style.muscles is None else np.asarray(self.style.muscles, int)
        focus, faded = focus_split(model, drawn, focus_groups, self.style.show_faded)  # core/view/drawing: the page's too
        # One solve of every drawn strand per frame; faded muscles go first so the focus tubes
        # (opaque) are the ones that read clearly. The faded muscles are see-through: their facets
        # do not show, so they keep the cheaper ring of the lines; the focus shapes get the rounder one.
        style = self.style
        focus_sides = style.shape_sides if style.muscle_style == "shapes" else style.tube_sides
        self.strands = StrandShapes(model, [faded, focus], frames, style.muscle_style, style.tube_rings,
                                    sides=[style.tube_sides, focus_sides],
                                    thicker=[1.0, FOCUS_THICKER if faded.size else 1.0])
        self.faded = MuscleTubes(plotter, self.strands, 0, style.tube_sides, see_through=True)
        self.focus = MuscleTubes(plotter, self.strands, 1, focus_sides)
        every = max(1, len(frames) // 12)
        if extent is None:
            extent = body_points(frames, model, every=every)
        self.body_extent = extent  # bone points over the exercise: the floor's size
        self.props = kin.props  # the feed's props: transforms come from the frames
        self.prop_actors = PropActors(plotter, self.props)
        # What the camera keeps in view: the body. Props may run out of the picture (a bar's frame).
        self.extent = extent
        # A fixed-base model (an arm on a stand) is not placed on the floor: draw none.
        self.floor = self._add_floor(plotter) if self.style.floor and kin.free_root else None
        lab = frames.lab  # a lab's GRF arrows and markers, placed by core with each frame
        drawn = lab is not None and (lab.arrows.shape[1] or lab.markers.shape[1])
        self.lab_marks = LabMarks(plotter, lab) if drawn else None

    def _add_bones(self, plotter: pv.Plotter) -> list:
        """One actor per bone: a frame only sets each actor's matrix, no vertex is touched.

        Each actor owns two mappers, the full mesh and a decimated one (cached per model with
        their normals), so switching quality swaps a mapper and uploads nothing again.
        """
        actors = []
        self._bone_mappers = []  # (full, fast) per actor
        for full, fast in zip(*bone_surfaces(self.model)):
            mappers = (_surface_mapper(full), _surface_mapper(fast))
            actor = vtkActor()  # plain VTK: a pyvista Actor wrapper per bone is a start cost
            actor.SetMapper(mappers[0])
            prop = actor.GetProperty()
            prop.SetColor(BONE_COLOUR)
            prop.SetInterpolationToPhong()
            prop.SetSpecular(0.35)
            prop.SetSpecularPower(25)
            prop.SetDiffuse(0.9)
            prop.SetAmbient(0.15)
            prop.SetOpacity(self.style.bone_opacity)
            actor.SetUserMatrix(vtkMatrix4x4())
            plotter.add_actor(actor, reset_camera=False, render=False)
            actors.append(actor)
            self._bone_mappers.append(mappers)
        return actors

    def set_quality(self, quality: str) -> None:
        """'fast' (decimated bones: playing, rotating) or 'full' (still frames, exports)."""
        if quality not in ("fast", "full"):
            raise ValueError(f"quality must be 'fast' or 'full', not {quality!r}")
        self.quality = quality
        for actor, mappers in zip(self.bone_actors, self._bone_mappers):
            mapper = mappers[quality == "fast"]
            if actor.GetMapper() is not mapper:
                actor.SetMapper(mapper)

    def _add_floor(self, plotter: pv.Plotter) -> pv.Actor | None:
        """A mat under a lying body (or a floor disc under a standing one) so it does not float:
        core/view/drawing.floor_plan, the page's rule too."""
        plan = floor_plan(self.kin.scenario.posture, True, len(self.props), self.props.floor_level(),
                          self.body_extent)
        if plan is None:
            return None
        (x, y), z = plan.centre, plan.level
        if plan.shape == "mat":
            sx, sy = plan.size
            mat = pv.Box(bounds=(x - sx / 2, x + sx / 2, y - sy / 2, y + sy / 2, z - MAT_THICKNESS + 0.002, z))
        else:
            mat = pv.Disc(center=(x, y, z), inner=0.0, outer=plan.radius, normal=(0, 0, 1), c_res=64)
        return plotter.add_mesh(mat, color=FLOOR_COLOUR, smooth_shading=False, specular=0.05, diffuse=0.8,
                                ambient=0.25, reset_camera=False, render=False)

    def paint(self, colours: np.ndarray, strength: np.ndarray | None = None) -> np.ndarray:
        """Per-muscle RGB in [0, 1] (..., M, 3) and strength (..., M) → the uint8 RGBA drawn."""
        return look.paint(colours, strength, self.faded.muscles)

    def update(self, frames, i: int, colours: np.ndarray) -> None:
        """Show frame i of a batch: bone matrices, tube surfaces and colours, all in place.

        colours: (M, 4) uint8 RGBA from `paint` (painting whole batches at once is cheaper).
        """
        self._place_bones(frames.geom_pos[i], frames.geom_mat[i])
        if self.strands.count:
            self.strands.update(frames, i)
        self.faded.update(frames, i, colours)
        self.focus.update(frames, i, colours)
        self.prop_actors.update(frames, i)
        if self.lab_marks is not None and frames.lab is not None:
            self.lab_marks.update(frames.lab, i)
        if len(self.props) and self.focus.muscles.size and self.kin.scenario.focus:
            self.prop_actors.fade_hiding(self.plotter.renderer.GetActiveCamera(), self._aspect(),
                                         self._focus_points(frames, i), frames, i)

    def _place_bones(self, pos: np.ndarray, mat: np.ndarray) -> None:
        """One 4×4 matrix per bone actor; only bones that moved get a new one (an actor's user
        matrix counts in its modified time, so nothing else needs telling)."""
        if not self._bone_matrices:
            return
        matrices = np.zeros((len(self._bone_matrices), 4, 4))
        matrices[:, :3, :3] = mat[:len(matrices)]
        matrices[:, :3, 3] = pos[:len(matrices)]
        matrices[:, 3, 3] = 1.0
        last, self._bone_last = self._bone_last, matrices
        moved = range(len(matrices)) if last is None else np.flatnonzero(np.any(matrices != last, axis=(1, 2)))
        rows = matrices.reshape(-1, 16).tolist()  # VTK reads a list faster than a numpy row
        for k in moved:
            self._bone_matrices[k].DeepCopy(rows[k])

    def _aspect(self) -> float:
        w, h = self.plotter.window_size
        return w / max(h, 1)

    def _focus_points(self, frames, i: int) -> np.ndarray:
        """Path points of the focus muscles in frame i (what a prop must not hide)."""
        adr, num = frames.wrap_adr[i][self.focus.muscles], frames.wrap_num[i][self.focus.muscles]
        rows = np.concatenate([np.arange(a, a + n) for a, n in zip(adr, num)] or [np.zeros(0, int)])
        return frames.wrap_xpos[i][rows.astype(int)]

    @property
    def tubes(self) -> list[MuscleTubes]:
        return [t for t in (self.faded, self.focus) if t.actor is not None]

    def set_hidden(self, hidden_muscles: np.ndarray) -> None:
        """Hide muscles (bool per model muscle) from the next update on, without new actors."""
        for tubes in self.tubes:
            tubes.set_hidden(hidden_muscles)

    def set_highlight(self, muscle: int | None, factor: float = 1.8) -> None:
        """Thicken one muscle so a picked muscle stands out; None clears it."""
        if self.strands.count:
            self.strands.set_thicker(muscle, factor)

    def muscle_on_ray(self, ray) -> int | None:
        """The visible muscle a picking.Ray meets first (bones do not hide muscles), or None."""
        hits = [h for h in (tubes.strand_at(ray) for tubes in self.tubes) if h is not None]
        return min(hits, key=lambda h: h[1])[0] if hits else None

    def clear(self, keep_bones: bool = False) -> None:
        """Take this scene's actors out of the plotter; keep_bones leaves the bones for the next Scene."""
        keep = {id(a) for a in self.bone_actors} if keep_bones else set()
        for actor in list(self.plotter.renderer.actors.values()):
            if id(actor) not in keep:
                self.plotter.remove_actor(actor, reset_camera=False, render=False)

    def set_bone_opacity(self, opacity: float) -> None:
        for actor in self.bone_actors:
            actor.GetProperty().SetOpacity(opacity)


def _surface_mapper(surface: Surface) -> vtkPolyDataMapper:
    """A mapper drawing one triangle mesh with its own normals in the actor's colour."""
    points = vtkPoints()
    points.SetData(numpy_to_vtk(surface.verts, deep=True))
    triangles = vtkCellArray()
    offsets = np.arange(0, 3 * len(surface.faces) + 1, 3, dtype=np.int64)
    triangles.SetData(numpy_to_vtkIdTypeArray(offsets, deep=True),
                      numpy_to_vtkIdTypeArray(surface.faces.astype(np.int64).ravel(), deep=True))
    poly = vtkPolyData()
    poly.SetPoints(points)
    poly.SetPolys(triangles)
    normals = numpy_to_vtk(surface.normals, deep=True)
    normals.SetName("Normals")
    poly.GetPointData().SetNormals(normals)
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(poly)
    mapper.ScalarVisibilityOff()
    return mapper

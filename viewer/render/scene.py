"""The 3D scene: bones, muscle tubes and a floor, built once and then updated in place.

Per frame only numbers change: one 4×4 matrix per bone actor, the points and normals of the
muscle tubes and their colours. No actor is created after construction (DESIGN §3).
Render never calls MuJoCo: it reads a sampled `Frames` batch and the model's meshes.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from viewer.core.decimate import Surface, bone_surfaces
from viewer.core.shape.sheets import SheetSurface
from viewer.core.shape.strands import StrandShapes
from viewer.core.shape.tubes import TubeMesh, enclosed_volume

from . import look, picking
from .look import BONE_COLOUR, FOCUS_THICKER
from .camera import body_points
from .lab_overlays import LabMarks
from .props import PropActors

FLOOR_COLOUR = (0.36, 0.45, 0.52)  # a muted blue-grey exercise mat
# Tendons: the muscle's colour washed out toward a pearly white, and shinier than the belly.
TENDON_WHITE = np.array([0.94, 0.93, 0.93])  # pearly, a shade cooler than bone ivory
TENDON_MIX = 0.72
MUSCLE_STYLES = ("shapes", "lines")  # physiological bellies and tendons | thin lines of action
LYING = ("supine", "prone")
MAT_THICKNESS = 0.03
SHEET_KEEP = 400  # batches of up to this many frames keep each frame's sheets (~0.3 MB a frame)


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


class MuscleTubes:
    """The tubes of one set of muscles (the focus, or the faded rest); points, normals and
    colours updated in place from the scene's StrandShapes.

    "shapes": each tube has a belly (from volume conservation, core/shape/muscle_shape) and thin
    tendons, drawn as two actors over one shared set of points: only the tendons are glossy.
    "lines": a fixed thin spindle per muscle, the lines of action.
    """

    def __init__(self, plotter: pv.Plotter, strands: StrandShapes, group: int, sides: int, see_through: bool = False):
        self.strands = strands
        self.group = group
        self.rows = strands.rows[group]  # this set's strands among all solved ones
        self.muscles = strands.groups[group]
        self.actor = None
        self.actors = []
        if not self.muscles.size:
            return
        # The strands of this set, numbered within it (strand_muscle: place in self.muscles).
        self.layout = SimpleNamespace(count=self.rows.stop - self.rows.start,
                                      strand_muscle=strands.layout.strand_muscle[self.rows] - strands.first[group])
        self.shaped = strands.shaped
        S = self.layout.count
        # Views into the solved strands: picking and the surface read them as they are solved.
        self.centre = strands.centre[self.rows]
        self.mesh = TubeMesh(strands.radius[self.rows], strands.centre.shape[1], sides)
        self.rings = strands.rings if self.shaped else None
        sheet = strands.sheets.strands
        self._sheet = sheet[(sheet >= self.rows.start) & (sheet < self.rows.stop)] - self.rows.start
        self._tendon_rings = self.rings.is_tendon if self.shaped else np.zeros(self.mesh.rings, bool)
        self.hidden = np.zeros(S, bool)  # per strand: collapsed to a point, not drawn
        self._last_colours = None
        n = self.mesh.size
        self.points = np.zeros((n, 3), np.float32)
        self.normals = np.zeros((n, 3), np.float32)
        self.channels = 4 if see_through else 3  # RGBA: per-muscle opacity
        self.rgb = np.zeros((n, self.channels), np.uint8)
        # Keep VTK arrays that share memory with the numpy buffers: updates are in-place writes.
        self._vtk_points = numpy_to_vtk(self.points, deep=False)
        self._vtk_normals = numpy_to_vtk(self.normals, deep=False)
        self._vtk_normals.SetName("Normals")
        self._vtk_rgb = numpy_to_vtk(self.rgb, deep=False)
        self._vtk_rgb.SetName("rgb")
        # A ring gap is tendon when it leaves an origin tendon ring or reaches an insertion one.
        gap_tendon = np.zeros(self.mesh.rings - 1, bool)
        if self.shaped:
            gap_tendon[:self.rings.tendon] = True
            gap_tendon[self.rings.tendon + self.rings.belly - 1:] = True
        self._gaps = {}
        self.polys = []
        for part, segments in (("belly", ~gap_tendon), ("tendon", gap_tendon)):
            if not segments.any():
                continue
            faces, gaps = self.mesh.faces_of(segments)
            poly = pv.PolyData(self.points, faces=faces)
            poly.GetPoints().SetData(self._vtk_points)
            poly.GetPointData().SetNormals(self._vtk_normals)
            poly.GetPointData().SetScalars(self._vtk_rgb)
            glossy = part == "tendon"
            actor = plotter.add_mesh(poly, scalars="rgb", rgb=True, smooth_shading=False,
                                     specular=0.7 if glossy else 0.25, specular_power=40 if glossy else 18,
                                     diffuse=0.8 if glossy else 0.85, ambient=0.2 if glossy else 0.18,
                                     show_scalar_bar=False, reset_camera=False, render=False, name=None)
            # Shaded with the normals solved for each ring (pyvista's smooth_shading would
            # filter a copy of the mesh, which then no longer follows the in-place updates).
            actor.GetProperty().SetInterpolationToPhong()
            if see_through:
                # Only the near side of a see-through tube is drawn, as the take-home page does:
                # its far side only darkened the haze, and blending it cost a third of a render.
                actor.GetProperty().BackfaceCullingOn()
            actor.mapper.SetScalarModeToUsePointData()
            actor.mapper.SetColorModeToDirectScalars()
            self._gaps[id(actor)] = gaps
            self.actors.append(actor)
            self.polys.append(poly)
        self.actor = self.actors[0]  # the bellies (or the lines): what picking looks at first
        self.poly = self.polys[0]
        # Flat muscles: one smooth surface per sheet instead of their fascicles' tubes.
        self.sheet = None
        self._in_sheet = np.zeros(S, bool)
        if self.shaped and self._sheet.size:
            sheet = SheetSurface(strands.sheet_of[self.rows], strands.first_centre[self.rows])
            if sheet.count:  # (a set may hold a single fascicle of a sheet: it stays a tube)
                self.sheet = sheet
                self._in_sheet[sheet.strands] = True
                self._add_sheet_actor(plotter, see_through)

    def _add_sheet_actor(self, plotter: pv.Plotter, see_through: bool) -> None:
        sheet = self.sheet
        self.sheet_points = sheet.points.reshape(-1, 3)  # the sheets are worked out in place
        self.sheet_normals = sheet.normals.reshape(-1, 3)
        self.sheet_rgb = np.zeros((sheet.count, self.channels), np.uint8)
        self._vtk_sheet = [numpy_to_vtk(a, deep=False) for a in (self.sheet_points, self.sheet_normals, self.sheet_rgb)]
        self._vtk_sheet[1].SetName("Normals")
        self._vtk_sheet[2].SetName("rgb")
        poly = pv.PolyData(self.sheet_points, faces=sheet.faces)
        poly.GetPoints().SetData(self._vtk_sheet[0])
        poly.GetPointData().SetNormals(self._vtk_sheet[1])
        poly.GetPointData().SetScalars(self._vtk_sheet[2])
        actor = plotter.add_mesh(poly, scalars="rgb", rgb=True, smooth_shading=False, specular=0.2, specular_power=15,
                                 diffuse=0.85, ambient=0.18, show_scalar_bar=False, reset_camera=False,
                                 render=False, name=None)
        actor.GetProperty().SetInterpolationToPhong()
        if see_through:
            actor.GetProperty().BackfaceCullingOn()
        actor.mapper.SetScalarModeToUsePointData()
        actor.mapper.SetColorModeToDirectScalars()
        self.sheet_poly, self.sheet_actor = poly, actor
        self._gaps[id(actor)] = 0
        self.actors.append(actor)

    def _place_sheets(self, frames, i: int, strands: np.ndarray | None) -> None:
        """The surfaces of the sheets whose fascicles were just solved (strands: their numbers in
        this set, None: all); hidden fascicles leave their sheet (all hidden: it collapses).

        A sheet depends only on the frame and the highlight: each frame of a batch (playback
        shows one batch over and over) is worked out once and then copied."""
        shown = ~self.hidden
        mine = self.strands
        factor = mine.factor[self.rows]
        if getattr(self, "_sheet_frames", None) is not frames or not np.array_equal(self._sheet_factor, factor):
            self._sheet_frames, self._sheet_factor, self._sheet_kept = frames, factor.copy(), {}
        kept = self._sheet_kept.get(i) if len(frames) <= SHEET_KEEP else None
        if kept is not None:
            self.sheet.points[:], self.sheet.normals[:], self.sheet.owner[:] = kept
        else:
            changed = None
            if strands is not None:
                changed = np.zeros(self.layout.count, bool)
                changed[strands] = True
            volume = mine.volume[self.rows] * factor ** 2  # highlighting thickens
            self.sheet.surface(self.centre, mine.radius[self.rows], volume, changed)  # in place: VTK's arrays
            if len(frames) <= SHEET_KEEP:
                self._sheet_kept[i] = (self.sheet.points.copy(), self.sheet.normals.copy(), self.sheet.owner.copy())
        if self.hidden.any():
            gone = ~shown[self.sheet.owner]
            self.sheet_points[gone] = self.centre[self.sheet.owner[gone], 0]
        for a in self._vtk_sheet[:2]:
            a.Modified()
        if self._last_colours is not None:  # the fascicle making the outline at a point may change
            self.sheet_rgb[:] = self._last_colours[self.sheet.owner]
            self._vtk_sheet[2].Modified()
        self.sheet_poly.GetPoints().Modified()
        self.sheet_poly.Modified()

    def update(self, frames, i: int, colours: np.ndarray) -> None:
        """Surfaces of the strands the StrandShapes just solved again, then the colours."""
        if not self.muscles.size:
            return
        solved = self.strands.solved_in(self.group)
        if solved is not None:
            strands, part, flat = solved
            self.mesh.place(self.strands.ring_frames[:, part], self.strands.ring_centre[part],
                            self.points, self.normals, strands, flat)
            if self.shaped:
                self._keep_sheet_volume(frames, i, strands)
            collapsed = self.hidden | self._in_sheet
            if collapsed.any():  # same topology, zero area: hiding costs no new actor
                grid = self.points.reshape(self.mesh.sides, self.layout.count, self.mesh.rings, 3)
                grid[:, collapsed] = self.centre[collapsed, :1][None]
            if self.sheet is not None:
                self._place_sheets(frames, i, strands)
            self._vtk_points.Modified()
            self._vtk_normals.Modified()
            for poly in self.polys:
                poly.GetPoints().Modified()
                poly.Modified()
        self._paint(colours)

    def _paint(self, colours: np.ndarray) -> None:
        """Write the strands' colours, tendons washed pale; nothing when no colour changed."""
        per_strand = colours[self.muscles[self.layout.strand_muscle], :self.channels]
        if self._last_colours is not None and np.array_equal(per_strand, self._last_colours):
            return
        self._last_colours = per_strand.copy()
        # One ring of colours per strand, then the same block for every side: copies of whole
        # blocks (numpy is slow at spreading a short trailing axis of channels).
        rings = np.repeat(per_strand, self.mesh.rings, axis=0).reshape(self.layout.count, self.mesh.rings, -1)
        if self._tendon_rings.any():
            pale = per_strand[:, :3] * (1.0 - TENDON_MIX) + TENDON_WHITE * 255.0 * TENDON_MIX
            rings[:, self._tendon_rings, :3] = pale[:, None, :].astype(np.uint8)
        self.rgb.reshape(self.mesh.sides, -1)[:] = rings.reshape(1, -1)
        self._vtk_rgb.Modified()
        if self.sheet is not None:
            self.sheet_rgb[:] = per_strand[self.sheet.owner]
            self._vtk_sheet[2].Modified()

    def _keep_sheet_volume(self, frames, i: int, strands: np.ndarray | None) -> None:
        """A flattened belly (a sheet's fascicle, or a belly too short for its volume) that
        bends folds a little into itself on the inside of the bend: measure what is drawn and
        scale its rings about their centres to give the volume back. The scale does not
        depend on highlighting, so each frame of a batch measures once."""
        if getattr(self, "_scaled", None) is not frames:
            self._sheet_scale = np.full((len(frames), self.layout.count), np.nan)
            self._scaled = frames
        flat = self.strands.flat[self.rows] > 1.0 + 1e-6
        flat[self._sheet] = True
        flat &= ~self._in_sheet  # drawn as one surface per sheet instead
        if strands is not None:
            just_solved = np.zeros(self.layout.count, bool)
            just_solved[strands] = True
            flat &= just_solved
        sheet = np.flatnonzero(flat)
        keep = sheet
        if not sheet.size:
            return
        belly = self.rings.belly_rings
        grid = self.points.reshape(self.mesh.sides, self.layout.count, self.mesh.rings, 3)
        rings = grid[:, sheet, belly]
        scale = self._sheet_scale[i][keep]
        unknown = np.isnan(scale)
        if unknown.any():
            drawn = enclosed_volume(rings[:, unknown])
            mine = self.rows.start + sheet[unknown]
            want = self.strands.volume[mine] * self.strands.factor[mine] ** 2
            scale[unknown] = np.sqrt(np.divide(want, drawn, out=np.ones_like(drawn), where=drawn > 0))
            self._sheet_scale[i][keep] = scale
        c = self.centre[sheet][:, belly][None]
        grid[:, sheet, belly] = c + (rings - c) * scale[None, :, None, None].astype(np.float32)

    def set_hidden(self, hidden_muscles: np.ndarray) -> None:
        """hidden_muscles: bool per model muscle."""
        if self.muscles.size:
            hidden = np.asarray(hidden_muscles, bool)[self.muscles[self.layout.strand_muscle]]
            changed = np.zeros(self.strands.count, bool)
            changed[self.rows] = hidden != self.hidden  # shown again: solve; hidden: collapse
            self.strands.restyle(changed)
            self.hidden = hidden

    def strand_at(self, ray) -> tuple[int, float] | None:
        """(model muscle, depth) of the drawn strand nearest along a picking.Ray, or None."""
        if not self.muscles.size or not self.strands.solved:
            return None
        found = picking.hit(ray, self.centre, self.mesh.radius, self.hidden)
        if found is None:
            return None
        strand, depth = found
        return int(self.muscles[self.layout.strand_muscle[strand]]), depth


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
        in_focus = np.array([model.muscles[m].group in focus_groups for m in drawn], bool)
        if not focus_groups or in_focus.all():
            focus, faded = drawn, np.array([], int)
        else:
            focus, faded = drawn[in_focus], (drawn[~in_focus] if self.style.show_faded else np.array([], int))
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
        """A mat under a lying body (or a floor disc under a standing one) so it does not float.

        With props the floor is a plain disc under the lowest still prop (bench legs, a bar's
        frame): the scenario brings its own mat, and a hanging body gets a floor below the frame.
        """
        posture = self.kin.scenario.posture
        level = self.props.floor_level()
        if posture == "hanging" and level >= 0:
            return None
        lo, hi = _footprint(self.body_extent)
        centre = (lo + hi) / 2
        if len(self.props):
            radius = 0.5 * float(np.linalg.norm(hi - lo)) + 0.35
            mat = pv.Disc(center=(centre[0], centre[1], level - 0.002), inner=0.0, outer=radius, normal=(0, 0, 1),
                          c_res=64)
        elif posture in LYING:
            # Longer than wide: a body cut at the pelvis (a leg model) still lies on the mat, not at its edge.
            size = (hi - lo) + np.array([0.30, 0.60])
            mat = pv.Box(bounds=(centre[0] - size[0] / 2, centre[0] + size[0] / 2,
                                 centre[1] - size[1] / 2, centre[1] + size[1] / 2, -MAT_THICKNESS, -0.002))
        else:
            radius = 0.5 * float(np.linalg.norm(hi - lo)) + 0.25
            mat = pv.Disc(center=(centre[0], centre[1], -0.002), inner=0.0, outer=radius, normal=(0, 0, 1), c_res=64)
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


def _footprint(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x–y extent of the body over the exercise, metres."""
    return points[:, :2].min(axis=0), points[:, :2].max(axis=0)

"""The 3D scene: bones, muscle tubes and a floor, built once and then updated in place.

Per frame only numbers change: one 4×4 matrix per bone actor, the points and normals of the
muscle tubes and their colours. No actor is created after construction (DESIGN §3).
Render never calls MuJoCo: it reads a sampled `Frames` batch and the model's meshes.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from viewer.core.muscle_shape import TENDON_RINGS, RingLayout, belly_radii, sheet_ids, tube_profile
from viewer.core.decimate import Surface, bone_surfaces

from . import picking
from .camera import body_points
from .props import PropActors
from .tubes import StrandLayout, TubeMesh, enclosed_volume, resample

BONE_COLOUR = (0.91, 0.87, 0.78)  # ivory
FLOOR_COLOUR = (0.36, 0.45, 0.52)  # a muted blue-grey exercise mat
RADIUS_PER_SQRT_NEWTON = 2.7e-4  # metres: a 1000 N muscle gets a 8.5 mm tube
RADIUS_RANGE = (0.003, 0.009)  # thinnest and thickest tube, metres: readable, never bulky
# Muscles outside the focus: see-through, more so while they hold their length, and
# nudged toward grey, so the focus reads first but a strongly moving muscle still shows.
FADED_ALPHA = (0.14, 0.80)  # opacity at strength 0 and 1
FADED_MIX = (0.60, 0.20)  # share of grey in the colour at strength 0 and 1
FOCUS_THICKER = 1.4  # focus muscles are drawn this much thicker than their strength alone gives
FADE_GREY = np.array([0.62, 0.60, 0.58])
# Tendons: the muscle's colour washed out toward a pearly white, and shinier than the belly.
TENDON_WHITE = np.array([0.95, 0.94, 0.90])
TENDON_MIX = 0.72
MUSCLE_STYLES = ("shapes", "lines")  # physiological bellies and tendons | thin lines of action
LYING = ("supine", "prone")
MAT_THICKNESS = 0.03


def tube_radius(max_force: np.ndarray) -> np.ndarray:
    """Tube radius in metres ∝ √(max force): thickness reads as strength without swamping the view."""
    return np.clip(RADIUS_PER_SQRT_NEWTON * np.sqrt(np.asarray(max_force, float)), *RADIUS_RANGE)


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
    """The tubes of a set of muscles; points, normals and colours updated in place.

    "shapes": each tube has a belly (from volume conservation, core/muscle_shape) and thin
    tendons, drawn as two actors over one shared set of points: only the tendons are glossy.
    "lines": a fixed thin spindle per muscle, the lines of action.
    """

    def __init__(self, plotter: pv.Plotter, model, muscles: np.ndarray, frames, style: SceneStyle,
                 see_through: bool = False, thicker: float = 1.0):
        self.muscles = np.asarray(muscles, dtype=int)
        self.actor = None
        self.actors = []
        if not self.muscles.size:
            return
        self.layout = StrandLayout(self.muscles, frames.wrap_obj[0], frames.wrap_adr[0], frames.wrap_num[0])
        self.shaped = style.muscle_style == "shapes"
        S = self.layout.count
        if self.shaped:
            self.rings = RingLayout(belly=max(style.tube_rings - 2 * TENDON_RINGS, 4))
            self.shapes = model.shapes.subset(self.muscles)
            # The faded muscles behind the focus are see-through: their facets do not show, so they
            # keep the cheaper ring of the lines; the focus gets the rounder one.
            sides = style.tube_sides if see_through else style.shape_sides
            self.mesh = TubeMesh(np.zeros((S, self.rings.count)), self.rings.count, sides)
            # A muscle split by pulleys into branches shares its volume between them.
            self._factor = np.sqrt(1.0 / self.layout.branches[self.layout.strand_muscle]) * np.ones(S)
            self._base_factor = self._factor.copy()
            self._volume = self.shapes.drawn_volume[self.layout.strand_muscle]
            self._sheets = _SheetNeighbours(sheet_ids(model)[self.muscles][self.layout.strand_muscle],
                                            self.layout.padded(frames.wrap_xpos[0], frames.wrap_obj[0],
                                                               frames.wrap_adr[0], frames.wrap_num[0]))
            tendon_rings = self.rings.is_tendon
        else:
            forces = np.array([model.muscles[m].max_force for m in self.muscles])
            radius = tube_radius(forces) * thicker
            self.mesh = TubeMesh(radius[self.layout.strand_muscle], style.tube_rings, style.tube_sides)
            tendon_rings = np.zeros(style.tube_rings, bool)
        self._base_radius = self.mesh.radius.copy()
        self._tendon_rings = tendon_rings
        self.hidden = np.zeros(S, bool)  # per strand: collapsed to a point, not drawn
        self.centre = np.zeros((S, self.mesh.rings, 3), np.float32)  # what picking tests a click against
        self._stale = np.ones(S, bool)  # strands to solve again whatever their path does
        self._last_path = None  # (padded path points, lengths) of the last update
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
            actor.mapper.SetScalarModeToUsePointData()
            actor.mapper.SetColorModeToDirectScalars()
            self._gaps[id(actor)] = gaps
            self.actors.append(actor)
            self.polys.append(poly)
        self.actor = self.actors[0]  # the bellies (or the lines): what picking looks at first
        self.poly = self.polys[0]

    def update(self, frames, i: int, colours: np.ndarray) -> None:
        if not self.muscles.size:
            return
        padded = self.layout.padded(frames.wrap_xpos[i], frames.wrap_obj[i], frames.wrap_adr[i], frames.wrap_num[i])
        moved = self._moved(padded, frames.lengths[i, self.muscles])
        if moved.all():
            self._reshape(frames, i, padded, None)
        elif moved.any():
            self._reshape(frames, i, padded, np.flatnonzero(moved))
        if moved.any():
            if self.hidden.any():  # same topology, zero area: hiding costs no new actor
                grid = self.points.reshape(self.mesh.sides, self.layout.count, self.mesh.rings, 3)
                grid[:, self.hidden] = self.centre[self.hidden, :1][None]
            self._vtk_points.Modified()
            self._vtk_normals.Modified()
            for poly in self.polys:
                poly.GetPoints().Modified()
                poly.Modified()
        self._paint(colours)

    def _moved(self, padded: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Strands whose surface must be solved again: their path or length changed since the
        last update, they were re-styled (thicker, shown again), or a sheet neighbour moved.
        Most of a body holds still in most exercises: those tubes keep the points they have."""
        last = self._last_path
        if last is None or last[0].shape != padded.shape:
            moved = np.ones(self.layout.count, bool)
        else:
            moved = np.any(padded != last[0], axis=(1, 2))
            moved |= (lengths != last[1])[self.layout.strand_muscle]
        moved |= self._stale
        if self.shaped and self._sheets.any:
            moved[self._sheets.strands] |= moved[self._sheets.near].any(axis=1)
        self._last_path = (padded.copy(), np.array(lengths, copy=True))
        self._stale[:] = False
        return moved

    def _reshape(self, frames, i: int, padded: np.ndarray, strands: np.ndarray | None) -> None:
        """Solve centre lines, radii and surfaces of some strands (None: all) in frame i."""
        rows = slice(None) if strands is None else strands
        if self.shaped:
            u, r = self._profile(frames, i)
            owner = self.layout.strand_muscle[rows]
            centre = _smooth(resample(padded[rows], u[owner]))
            radius = r[owner]
            # Solve the belly again over the distances its rings really have along the bent path
            # (chords, not arc), so the drawn volume stays the muscle's volume.
            belly = centre[:, self.rings.belly_rings]
            step = np.diff(belly, axis=1)
            gaps = np.sqrt(np.einsum("srk,srk->sr", step, step))
            radius[:, self.rings.belly_rings] = belly_radii(
                self._volume[rows], radius[:, self.rings.tendon], gaps, self.rings, self.mesh.sides)
            self.mesh.radius[rows] = radius * self._factor[rows, None]
            self.centre[rows] = centre
            wide, aspect = self._sheets.widths(self.centre, self.mesh.radius, strands)
            self.mesh.surface(centre, self.points, self.normals, wide, aspect, strands)
            if self._sheets.any:
                self._keep_sheet_volume(i, strands)
        else:
            centre = resample(padded[rows], self.mesh.rings)
            self.centre[rows] = centre
            self.mesh.surface(centre, self.points, self.normals, strands=strands)

    def _paint(self, colours: np.ndarray) -> None:
        """Write the strands' colours, tendons washed pale; nothing when no colour changed."""
        per_strand = colours[self.muscles[self.layout.strand_muscle], :self.channels]
        if self._last_colours is not None and np.array_equal(per_strand, self._last_colours):
            return
        self._last_colours = per_strand.copy()
        rings = np.repeat(per_strand[:, None, :], self.mesh.rings, axis=1)  # (S, rings, ch)
        if self._tendon_rings.any():
            pale = per_strand[:, :3] * (1.0 - TENDON_MIX) + TENDON_WHITE * 255.0 * TENDON_MIX
            rings[:, self._tendon_rings, :3] = pale[:, None, :].astype(np.uint8)
        self.rgb.reshape(self.mesh.sides, self.layout.count, -1)[:] = rings.reshape(self.layout.count, -1)[None]
        self._vtk_rgb.Modified()

    def _keep_sheet_volume(self, i: int, strands: np.ndarray | None) -> None:
        """A flattened belly that bends folds a little into itself on the inside of the bend:
        measure what is drawn and scale its rings about their centres to give the volume back.
        The scale does not depend on highlighting, so each frame of a batch measures once."""
        sheet = self._sheets.strands
        keep = slice(None) if strands is None else np.isin(sheet, strands)
        sheet = sheet[keep]
        if not sheet.size:
            return
        belly = self.rings.belly_rings
        grid = self.points.reshape(self.mesh.sides, self.layout.count, self.mesh.rings, 3)
        rings = grid[:, sheet, belly]
        scale = self._sheet_scale[i][keep]
        unknown = np.isnan(scale)
        if unknown.any():
            drawn = enclosed_volume(rings[:, unknown])
            want = self._volume[sheet[unknown]] * self._factor[sheet[unknown]] ** 2
            scale[unknown] = np.sqrt(np.divide(want, drawn, out=np.ones_like(drawn), where=drawn > 0))
            self._sheet_scale[i][keep] = scale
        c = self.centre[sheet][:, belly][None]
        grid[:, sheet, belly] = c + (rings - c) * scale[None, :, None, None].astype(np.float32)

    def _profile(self, frames, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Ring places and radii of frame i, solved once per frame of a batch (playback shows
        one batch over and over; solving all frames up front would delay the first one)."""
        if getattr(self, "_profiled", None) is not frames:
            F, M, R = len(frames), self.muscles.size, self.rings.count
            self._profile_u = np.empty((F, M, R), np.float32)
            self._profile_r = np.empty((F, M, R), np.float32)
            self._profile_done = np.zeros(F, bool)
            self._sheet_scale = np.full((F, self._sheets.strands.size or 1), np.nan)
            self._profiled = frames
        if not self._profile_done[i]:
            u, r = tube_profile(self.shapes, frames.lengths[i, self.muscles], self.rings, self.mesh.sides)
            self._profile_u[i], self._profile_r[i] = u, r
            self._profile_done[i] = True
        return self._profile_u[i], self._profile_r[i]

    def set_hidden(self, hidden_muscles: np.ndarray) -> None:
        """hidden_muscles: bool per model muscle."""
        if self.muscles.size:
            hidden = np.asarray(hidden_muscles, bool)[self.muscles[self.layout.strand_muscle]]
            self._stale |= hidden != self.hidden  # shown again: solve; hidden: collapse
            self.hidden = hidden

    def set_thicker(self, muscle: int | None, factor: float) -> None:
        """Draw one model muscle `factor` times thicker (None: all at their own thickness)."""
        if not self.muscles.size:
            return
        strands = self.muscles[self.layout.strand_muscle] == muscle
        if self.shaped:  # the radius is solved per frame: scale what it gives
            before = self._factor.copy()
            self._factor[:] = self._base_factor
            self._factor[strands] *= factor
            self._stale |= self._factor != before
            return
        before = self.mesh.radius.copy()
        self.mesh.radius[:] = self._base_radius
        if muscle is not None:
            self.mesh.radius[strands] *= factor
        self._stale |= np.any(self.mesh.radius != before, axis=1)

    def strand_at(self, ray) -> tuple[int, float] | None:
        """(model muscle, depth) of the drawn strand nearest along a picking.Ray, or None."""
        if not self.muscles.size or self._last_path is None:
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
        # Faded muscles go first so the focus tubes (opaque) are the ones that read clearly.
        self.faded = MuscleTubes(plotter, model, faded, frames, self.style, see_through=True)
        self.focus = MuscleTubes(plotter, model, focus, frames, self.style,
                                 thicker=FOCUS_THICKER if faded.size else 1.0)
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
            size = (hi - lo) + np.array([0.30, 0.30])
            mat = pv.Box(bounds=(centre[0] - size[0] / 2, centre[0] + size[0] / 2,
                                 centre[1] - size[1] / 2, centre[1] + size[1] / 2, -MAT_THICKNESS, -0.002))
        else:
            radius = 0.5 * float(np.linalg.norm(hi - lo)) + 0.25
            mat = pv.Disc(center=(centre[0], centre[1], -0.002), inner=0.0, outer=radius, normal=(0, 0, 1), c_res=64)
        return plotter.add_mesh(mat, color=FLOOR_COLOUR, smooth_shading=False, specular=0.05, diffuse=0.8,
                                ambient=0.25, reset_camera=False, render=False)

    def paint(self, colours: np.ndarray, strength: np.ndarray | None = None) -> np.ndarray:
        """Per-muscle RGB in [0, 1] (..., M, 3) and strength (..., M) → the uint8 RGBA drawn."""
        rgba = np.ones(np.shape(colours)[:-1] + (4,), np.float32)
        rgba[..., :3] = colours
        faded = self.faded.muscles
        if faded.size:
            s = np.zeros(rgba.shape[:-1])[..., faded] if strength is None else np.asarray(strength)[..., faded]
            grey = (FADED_MIX[0] + (FADED_MIX[1] - FADED_MIX[0]) * s)[..., None]
            rgba[..., faded, :3] = rgba[..., faded, :3] * (1.0 - grey) + FADE_GREY * grey
            rgba[..., faded, 3] = FADED_ALPHA[0] + (FADED_ALPHA[1] - FADED_ALPHA[0]) * s
        return (np.clip(rgba, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)

    def update(self, frames, i: int, colours: np.ndarray) -> None:
        """Show frame i of a batch: bone matrices, tube surfaces and colours, all in place.

        colours: (M, 4) uint8 RGBA from `paint` (painting whole batches at once is cheaper).
        """
        self._place_bones(frames.geom_pos[i], frames.geom_mat[i])
        self.faded.update(frames, i, colours)
        self.focus.update(frames, i, colours)
        self.prop_actors.update(frames, i)
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
        for k in moved:
            self._bone_matrices[k].DeepCopy(matrices[k].ravel())

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
        for tubes in self.tubes:
            tubes.set_thicker(muscle, factor)

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


SHEET_REACH = 0.65  # a fascicle of a sheet reaches this share of the way to its neighbours
SHEET_ASPECT = (1.0, 6.0)  # how flat a sheet's fascicle may get


class _SheetNeighbours:
    """Fascicles of one flat muscle spread sideways until they meet their neighbours, so the
    muscle reads as one sheet. Neighbours: the two nearest fascicles of the same sheet."""

    def __init__(self, sheet: np.ndarray, first_paths: np.ndarray):
        self.strands = np.flatnonzero(sheet >= 0)
        self.any = self.strands.size > 0
        if not self.any:
            return
        mid = resample(first_paths[self.strands], 9).mean(axis=1)  # each fascicle's middle
        dist = np.linalg.norm(mid[:, None] - mid[None], axis=-1)
        same = sheet[self.strands][:, None] == sheet[self.strands][None]
        dist[~same | np.eye(len(self.strands), dtype=bool)] = np.inf
        order = np.argsort(dist, axis=1)[:, :2]
        alone = ~np.isfinite(dist[np.arange(len(order)), order[:, 1]])  # a sheet of two
        order[alone, 1] = order[alone, 0]
        self.near = self.strands[order]  # (n, 2) strand indices
        self.row = np.full(sheet.size, -1)  # per strand: its place in `strands`, or −1
        self.row[self.strands] = np.arange(self.strands.size)

    def widths(self, centre: np.ndarray, radius: np.ndarray, strands: np.ndarray | None = None):
        """(wide direction, aspect) per ring of the given strands (None: all); (None, None)
        when the tubes hold no sheet. centre, radius: of every strand (neighbours included)."""
        if not self.any:
            return None, None
        rows = np.arange(radius.shape[0]) if strands is None else strands
        wide = np.zeros((rows.size,) + centre.shape[1:], np.float32)
        aspect = np.ones((rows.size, radius.shape[1]), np.float32)
        at = self.row[rows]
        mine = at >= 0
        if not mine.any():
            return wide, aspect
        own = self.strands[at[mine]]
        near = self.near[at[mine]]
        to_a = centre[near[:, 0]] - centre[own]
        to_b = centre[near[:, 1]] - centre[own]
        reach = SHEET_REACH * np.maximum(_norm(to_a), _norm(to_b))
        r = radius[own]
        # One direction per fascicle: rings that turned to follow each ring's neighbour would
        # twist the belly and lose volume between them.
        wide[mine] = to_a.mean(axis=1, keepdims=True)
        aspect[mine] = np.clip(np.divide(reach, r, out=np.ones_like(r), where=r > 1e-6), *SHEET_ASPECT)
        return wide, aspect


def _norm(v: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("...k,...k->...", v, v))


def _smooth(centre: np.ndarray, passes: int = 4) -> np.ndarray:
    """Round off the kinks a wrap point leaves in a centre line (ends fixed): a fat belly
    folds into itself at a sharp corner, a real muscle bends smoothly."""
    return np.matmul(_smoothing(centre.shape[1], passes), centre)


@lru_cache(maxsize=8)
def _smoothing(rings: int, passes: int) -> np.ndarray:
    """`passes` rounds of (¼, ½, ¼) averaging of the inner points as one (rings × rings) matrix."""
    step = np.eye(rings)
    for j in range(1, rings - 1):
        step[j, j - 1:j + 2] = (0.25, 0.5, 0.25)
    return np.linalg.matrix_power(step, passes)


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

"""The muscles of a scene drawn as tubes: bellies, tendons and sheets, updated in place per frame.

One MuscleTubes holds one set of muscles (the focus, or the faded rest): the points, normals
and colours of their tubes and sheets change per frame; no actor is made after construction.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import numpy_to_vtk

from viewer.core.view.drawing import tendon_colour
from viewer.core.shape.sheets import SheetSurface
from viewer.core.shape.strands import StrandShapes
from viewer.core.shape.tubes import TubeMesh, enclosed_volume

from . import picking

SHEET_KEEP = 400  # batches of up to this many frames keep each frame's sheets (~0.3 MB a frame)


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
            rings[:, self._tendon_rings, :3] = tendon_colour(per_strand[:, :3])[:, None, :]  # core/view/drawing: the page's too
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

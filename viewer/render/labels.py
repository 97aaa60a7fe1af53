"""Labels beside the body for the muscles that change most in the current phase.

"Iliacus — shortening 30 %", with a leader line to the muscle. Labels go in a column left or
right of the body's outline on screen (the side the muscle is on), pushed apart so they never
overlap each other or cover the body; the measuring line's label joins them. The movers are
core/view/movers.PhaseMovers; this module only places text. Actors are made once.
"""
from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pyvista as pv
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import vtkActor2D, vtkCoordinate, vtkPolyDataMapper2D


from .layers import text_layer
from .text import TextActor, TextStyle, block_height

LABEL_SIZE = 16  # font pixels at 720 lines
GAP = 18  # design pixels between the body's outline and a label column
FLESH = 0.09  # metres: bones' origins lie inside the body; its outline is this much further out
LEADER = (0.85, 0.86, 0.88)
HEAD_BODIES = ("head", "skull")
ROW_SHIFTS = 12  # steps of 4 % of the width a row of labels above the body may slide to clear the head
HEAD_RADIUS = 0.12  # metres around the head's bone centres that leader lines keep out of
TEXT_COLOUR = (0.97, 0.97, 0.97)
PANEL = (0.08, 0.09, 0.11)


class MuscleLabels:
    def __init__(self, plotter: pv.Plotter, kin, size: tuple[int, int], unit: float, count: int = 3,
                 extra: int = 0, free: tuple[float, float] = (0.0, 0.0), colours: list | None = None,
                 hidden: np.ndarray | None = None):
        """count muscle labels plus `extra` given ones (measuring lines); free: the window's
        (bottom, top) bands in pixels that other text uses; hidden: bool per muscle not drawn."""
        self.plotter, self.model = plotter, kin.model
        self.width, self.height = size
        self.unit = unit
        self.count = count  # top movers labelled (their words come with the frame: OverlayValues.movers)
        self.free = free
        self.font = max(8, int(round(LABEL_SIZE * unit)))
        self.slots = count + extra
        self.texts = []
        for k in range(self.slots):  # shaped text: a measure's label may be in any script
            colour = colours[k] if colours and k < len(colours) and colours[k] else TEXT_COLOUR
            actor = TextActor(TextStyle(self.font, tuple(colour), shadow=False, panel=(PANEL, 0.65)), (0, 0),
                              "left", "centre")
            actor.SetVisibility(False)
            text_layer(plotter).AddViewProp(actor)
            self.texts.append(actor)
        self._leader = vtkPolyData()
        self._leader_points = np.zeros((2 * self.slots, 3), np.float32)
        self._vtk_points = pv.vtk_points(self._leader_points, deep=False)
        self._leader.SetPoints(self._vtk_points)
        self._cells = vtkCellArray()
        self._leader.SetLines(self._cells)
        mapper = vtkPolyDataMapper2D()
        mapper.SetInputData(self._leader)
        coordinate = vtkCoordinate()
        coordinate.SetCoordinateSystemToDisplay()
        mapper.SetTransformCoordinate(coordinate)
        self.leader = vtkActor2D()
        self.leader.SetMapper(mapper)
        self.leader.GetProperty().SetColor(*LEADER)
        self.leader.GetProperty().SetLineWidth(max(1.0, 1.5 * unit))
        text_layer(plotter).AddViewProp(self.leader)
        model = self.model
        # the head, which a leader line must never cross (a line through the face reads as pointing at it)
        self._head = [k for k, g in enumerate(model.bone_geoms)
                      if model.body_name(model.bone_body(g)) in HEAD_BODIES or "skull" in model.bone_geom_name(g)]
        self.boxes: list[tuple[float, float, float, float]] = []  # (x0, y0, x1, y1) display px, as drawn
        self.anchors: list[np.ndarray] = []
        self.shown: list[int] = []  # muscles labelled now
        self.set_hidden(hidden)

    def set_hidden(self, hidden: np.ndarray | None) -> None:
        """A label names only a drawn muscle: a hidden one (and a hidden side of a pair) is not labelled."""
        self.hidden = None if hidden is None else np.asarray(hidden, bool)

    def _drawn(self, unit):
        """The unit with only its drawn members (None when none is drawn)."""
        if self.hidden is None:
            return unit
        keep = [k for k, m in enumerate(unit.members) if not self.hidden[m]]
        if len(keep) == len(unit.members) or not keep:
            return unit if keep else None
        weights = np.array([unit.weights[k] for k in keep])
        return replace(unit, members=tuple(unit.members[k] for k in keep), weights=tuple(weights / weights.sum()))

    def remove(self) -> None:
        for actor in self.texts + [self.leader]:
            text_layer(self.plotter).RemoveViewProp(actor)

    # --- per frame --------------------------------------------------------------------------
    def update(self, frames, i: int, movers: list[tuple[object, str]],
               given: list[tuple[str, np.ndarray]] = ()) -> None:
        """Label frame i's top movers ((unit, words) from core), and `given` (text, world point) pairs after them."""
        camera_at = np.array(self.plotter.renderer.GetActiveCamera().GetPosition())
        movers = [(self._pointed_at(frames, i, drawn, camera_at), text) for unit, text in movers
                  if (drawn := self._drawn(unit)) is not None]
        items = [(text, _path_middle(frames, i, m)) for m, text in movers] + list(given)
        items = items[:self.slots]
        self.shown = [m for m, _ in movers]
        project = self._projector()
        bones = frames.geom_pos[i]
        if not len(bones):  # drawn without bones: the muscles' own paths outline the body
            bones = np.vstack([_path_middle(frames, i, m)[None] for m in range(len(self.model.muscles))])
        body = project(np.vstack([bones, *[p[None] for _, p in items]]))
        centre = bones.mean(axis=0)
        camera = self.plotter.renderer.GetActiveCamera()
        up, forward = np.array(camera.GetViewUp()), np.array(camera.GetDirectionOfProjection())
        right = np.cross(forward, up)
        right /= max(np.linalg.norm(right), 1e-9)
        flesh = np.abs(np.diff(project(np.array([centre, centre + FLESH * right])), axis=0)[0, 0])
        lo, hi = body.min(axis=0) - flesh, body.max(axis=0) + flesh
        centre_x = 0.5 * (lo[0] + hi[0])
        gap = GAP * self.unit
        height = block_height(1, self.texts[0].style) if self.texts else self.font * 1.35
        bottom, top = self.free[0] + height, self.height - self.free[1] - height
        head = None
        if self._head and len(frames.geom_pos[i]):
            middle = bones[self._head].mean(axis=0)
            ends = project(np.array([middle, middle + HEAD_RADIUS * right]))
            head = (ends[0], float(np.linalg.norm(ends[1] - ends[0])))
        placed = []
        for actor, (text, point) in zip(self.texts, items):
            anchor = project(point[None])[0]
            actor.SetInput(text)  # drawn now: its real width places it
            width = actor.size_px[0]
            room = {True: lo[0] - gap - width >= 4, False: hi[0] + gap + width <= self.width - 4}
            prefer = bool(anchor[0] < centre_x)
            if head is not None and room[not prefer]:  # the nearer side's leader would cross the head
                edge = {True: lo[0] - gap, False: hi[0] + gap}
                if (_crosses_circle((edge[prefer], anchor[1]), anchor, *head)
                        and not _crosses_circle((edge[not prefer], anchor[1]), anchor, *head)):
                    prefer = not prefer
            side = prefer if room[prefer] else (not prefer if room[not prefer] else None)
            x0 = {True: lo[0] - gap - width, False: hi[0] + gap, None: anchor[0] - width / 2}[side]
            x0 = float(np.clip(x0, 4, self.width - width - 4))
            placed.append([text, anchor, x0, width, side, float(anchor[1])])
        for side in (True, False):  # push labels of one column apart, top to bottom
            column = sorted((p for p in placed if p[4] == side), key=lambda p: -p[5])
            y = top + height
            for p in column:
                p[5] = y = min(p[5], y - height - 4 * self.unit)
            low = min((p[5] for p in column), default=bottom)
            if low < bottom:  # ran off the bottom: shift the column up
                for p in column:
                    p[5] = min(p[5] + bottom - low, top)
            _uncross(column, lambda p: (p[2] + p[3], p[5]) if side else (p[2], p[5]))
        # No room beside the body (it fills the width): a row above the body, side by side.
        row = sorted((p for p in placed if p[4] is None), key=lambda p: p[1][0])
        if row:
            spread = sum(p[3] for p in row) + 10 * self.unit * (len(row) - 1)
            span = (min(p[1][0] for p in row) - spread / 2, max(p[1][0] for p in row) + spread / 2)
            under = (body[:, 0] >= span[0] - flesh) & (body[:, 0] <= span[1] + flesh)
            y = min((body[under, 1].max() if under.any() else hi[1]) + flesh + gap + height / 2, top)
            start = max(4.0, min(0.5 * (span[0] + span[1]) - spread / 2, self.width - spread - 4))
            away = -1.0 if head is None or head[0][0] > np.mean([p[1][0] for p in row]) else 1.0
            def lay(order, step) -> bool:
                """Place the row in this order, slid `step` away from the head; True if no leader
                crosses the head or another leader."""
                x = float(np.clip(start + away * step * 0.04 * self.width, 4.0, self.width - spread - 4))
                for p in order:
                    p[2], p[5] = x, y
                    x += p[3] + 10 * self.unit
                ends = [((p[2] + p[3] / 2, y - height / 2), p[1]) for p in order]
                if head is not None and any(_crosses_circle(a, b, *head) for a, b in ends):
                    return False
                return not any(_segments_cross(*ends[a], *ends[b]) for a in range(len(ends))
                               for b in range(a + 1, len(ends)))

            orders = list(itertools.permutations(row)) if len(row) <= 4 else [tuple(row)]
            # slide the row away from the head, and reorder it, until no leader crosses the head or another
            if not any(lay(order, step) for step in range(ROW_SHIFTS + 1) for order in orders):
                lay(row, 0)
        self.boxes, self.anchors = [], []
        self._cells.Reset()
        for k, actor in enumerate(self.texts):
            if k >= len(placed):
                actor.SetVisibility(False)
                continue
            text, anchor, x0, width, left, y = placed[k]
            actor.place(int(x0), int(y))
            actor.SetVisibility(True)
            self.boxes.append((x0, y - height / 2, x0 + width, y + height / 2))
            self.anchors.append(anchor)
            end = (x0 + width, y) if left else (x0, y) if left is False else (x0 + width / 2, y - height / 2)
            self._leader_points[2 * k] = (*end, 0)
            self._leader_points[2 * k + 1] = (anchor[0], anchor[1], 0)
            self._cells.InsertNextCell(2, [2 * k, 2 * k + 1])
        self._vtk_points.Modified()
        self._cells.Modified()
        self._leader.Modified()

    def _pointed_at(self, frames, i: int, unit, camera_at: np.ndarray) -> int:
        """The member a label's leader points at: the biggest one, on the side nearer the camera
        when the label speaks for both sides (the one in view)."""
        muscles = self.model.muscles
        members = list(unit.members)
        if not unit.side:
            sides = {muscles[m].side for m in members}
            if {"right", "left"} <= sides:
                near = {s: min(np.linalg.norm(_path_middle(frames, i, m) - camera_at) for m in members
                               if muscles[m].side == s) for s in ("right", "left")}
                facing = min(near, key=near.get)
                members = [m for m in members if muscles[m].side in (facing, "")]
        weights = dict(zip(unit.members, unit.weights))
        return max(members, key=lambda m: weights[m])

    def _projector(self):
        """World points (N, 3) → display pixels (N, 2) with the renderer's current camera."""
        camera = self.plotter.renderer.GetActiveCamera()
        matrix = camera.GetCompositeProjectionTransformMatrix(self.width / self.height, -1, 1)
        m = np.array([[matrix.GetElement(r, c) for c in range(4)] for r in range(4)])

        def project(points: np.ndarray) -> np.ndarray:
            h = np.c_[points, np.ones(len(points))] @ m.T
            ndc = h[:, :2] / np.where(np.abs(h[:, 3:]) > 1e-12, h[:, 3:], 1e-12)
            return np.c_[(ndc[:, 0] + 1) * 0.5 * self.width, (ndc[:, 1] + 1) * 0.5 * self.height]

        return project


def _crosses_circle(a, b, centre, radius: float) -> bool:
    """Whether the leader a–b (b: its anchor) passes within `radius` of `centre` (display pixels); a
    leader to a point the head itself covers on screen cannot avoid it and does not count."""
    a, b, c = np.asarray(a, float), np.asarray(b, float), np.asarray(centre, float)
    if np.linalg.norm(b - c) < radius:
        return False
    d = b - a
    t = np.clip(np.dot(c - a, d) / max(np.dot(d, d), 1e-9), 0.0, 1.0)
    return bool(np.linalg.norm(a + t * d - c) < radius)


def _segments_cross(p1, p2, q1, q2) -> bool:
    def turn(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    return (turn(p1, p2, q1) * turn(p1, p2, q2) < 0) and (turn(q1, q2, p1) * turn(q1, q2, p2) < 0)


def _uncross(column: list, end) -> None:
    """Swap the heights of two labels of one column whose leader lines cross (a few passes)."""
    for _ in range(len(column)):
        swapped = False
        for a in range(len(column)):
            for b in range(a + 1, len(column)):
                p, q = column[a], column[b]
                if _segments_cross(end(p), p[1], end(q), q[1]):
                    p[5], q[5] = q[5], p[5]
                    swapped = True
        if not swapped:
            return


def _path_middle(frames, i: int, muscle: int) -> np.ndarray:
    """The point halfway along a muscle's path in frame i: where its belly is."""
    start, count = int(frames.wrap_adr[i, muscle]), int(frames.wrap_num[i, muscle])
    points = frames.wrap_xpos[i, start:start + count][frames.wrap_obj[i, start:start + count] != -2]
    if len(points) < 2:
        return points.mean(axis=0) if len(points) else np.zeros(3)
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    arc = np.r_[0, np.cumsum(seg)]
    return np.array([np.interp(arc[-1] / 2, arc, points[:, k]) for k in range(3)])


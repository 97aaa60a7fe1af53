"""Centre lines and radii of every drawn muscle strand, solved in one pass per frame.

The scene draws its muscles as two sets of tubes, the focus and the faded rest behind it.
Both take their strands from one StrandShapes: each frame is one numpy pass over the whole
body instead of one per set (on a small set numpy's cost per call, not the arithmetic,
is what a frame pays). Strands whose path and length did not change keep what they have.
Numpy only, no VTK: render/scene.py turns these into surfaces.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .muscle_shape import (BELLY_ASPECT, SHEET_ASPECT, SHEET_REACH, TENDON_RINGS, RingLayout, belly_radii, sheet_ids,
                           tube_profile)
from .thickness import tube_radius
from .tubes import StrandLayout, arc_places, at_places, resample, ring_frames, segment_lengths, spindle

ALL_MOVED = 0.7  # share of strands that moved above which a frame solves all of them again
PROFILE_CHUNK = 24  # frames whose muscle profiles are solved together
RIGID = 1e-9  # relative change in every segment's length below which a strand only moved rigidly

# Where its centre line bends, a belly is pinched: a muscle bends round a bone or a pulley by
# its tendon or a thin part, it does not bulge there. A bend of BEND_FULL degrees between ring
# steps takes BEND_PINCH of the profile away; the volume moves to the straight runs.
BEND_FULL = 40.0
BEND_PINCH = 0.7


class StrandShapes:
    """Per strand of the drawn muscles: centre line (S, rings, 3) and radii (S, rings), float32.

    groups: the drawn muscles of each tube set, in drawing order; their strands follow one
    another, and `rows[g]` is the slice of group g. sides[g]: the ring polygon group g is
    drawn with (a belly's volume is solved for the polygon it is drawn as); thicker[g]
    scales group g's lines of action.
    """

    def __init__(self, model, groups: list[np.ndarray], frames, muscle_style: str, rings: int,
                 sides: list[int], thicker: list[float]):
        self.groups = [np.asarray(g, int) for g in groups]
        self.first = np.cumsum([0] + [g.size for g in self.groups])[:-1]  # each group's first place in `muscles`
        self.muscles = np.concatenate(self.groups + [np.zeros(0, int)])
        self.layout = StrandLayout(self.muscles, frames.wrap_obj[0], frames.wrap_adr[0], frames.wrap_num[0])
        per_group = np.repeat(np.arange(len(groups)), [len(g) for g in groups])  # per drawn muscle
        strand_group = per_group[self.layout.strand_muscle]
        ends = np.concatenate([[0], np.cumsum(np.bincount(strand_group, minlength=len(groups)))])
        self.rows = [slice(int(a), int(b)) for a, b in zip(ends[:-1], ends[1:])]
        self.shaped = muscle_style == "shapes"
        S = self.layout.count
        first = self.layout.padded(frames.wrap_xpos[0], frames.wrap_obj[0], frames.wrap_adr[0], frames.wrap_num[0])
        # Highlighting multiplies a strand's radius; a muscle split by pulleys into branches
        # shares its volume between them.
        self._base_factor = np.ones(S)
        if self.shaped:
            self.rings = RingLayout(belly=max(rings - 2 * TENDON_RINGS, 4))
            self.shapes = model.shapes.subset(self.muscles)
            self._muscle_sides = np.asarray(sides)[per_group]
            self._strand_sides = np.asarray(sides)[strand_group]
            self._base_factor = np.sqrt(1.0 / self.layout.branches[self.layout.strand_muscle])
            self.volume = self.shapes.drawn_volume[self.layout.strand_muscle]  # per strand, m³
            self.flat = np.ones(S)  # per strand: how much its belly is flattened (1: round)
            # A sheet stays within one tube set: a focus fascicle does not spread toward a faded one.
            sheet = sheet_ids(model)[self.muscles][self.layout.strand_muscle]
            sheet = np.where(sheet >= 0, sheet * len(groups) + strand_group, -1)
            self.sheets = SheetNeighbours(sheet, first)
            self.sheet_of = sheet  # per strand: its sheet (−1: none)
            self.first_centre = resample(first, self.rings.count)  # fixes each sheet's order across
            count = self.rings.count
        else:
            forces = np.array([model.muscles[m].max_force for m in self.muscles])
            radius = (tube_radius(forces) if forces.size else forces)[self.layout.strand_muscle]
            self._base_radius = spindle(radius * np.asarray(thicker, float)[strand_group], rings)
            self.sheets = SheetNeighbours(np.full(S, -1), first)
            count = rings
        self.factor = self._base_factor.copy()
        self.centre = np.zeros((S, count, 3), np.float32)
        self.radius = np.zeros((S, count), np.float32)
        self.moved = np.ones(S, bool)  # strands the last update solved again
        # Of the strands solved last (`_solved`: their indices, None: all): ring frames
        # (4, n, rings, 3, see tubes.ring_frames), centre lines, and which of them are sheet
        # fascicles (their place among the n) with their rings' aspects.
        self._solved = None
        self.ring_frames = np.zeros((4, 0, count, 3), np.float32)
        self.ring_centre = np.zeros((0, count, 3), np.float32)
        self.ring_sheet = np.zeros(0, int)
        self.ring_aspect = np.zeros((0, count), np.float32)
        self._stale = np.ones(S, bool)  # strands to solve again whatever their path does
        self._restyled = np.ones(S, bool)  # of the last update: the strands that were stale
        self._seg = None  # per strand when last solved: path segment lengths, ring places, muscle length
        self._places = None
        self._length = None
        self._last = None  # (padded path points, lengths) of the last update

    @property
    def count(self) -> int:
        return self.layout.count

    @property
    def solved(self) -> bool:
        """Whether any update ran yet."""
        return self._last is not None

    def update(self, frames, i: int) -> np.ndarray:
        """Solve frame i of a batch; returns which strands changed (bool per strand)."""
        padded = self.layout.padded(frames.wrap_xpos[i], frames.wrap_obj[i], frames.wrap_adr[i], frames.wrap_num[i])
        lengths = frames.lengths[i, self.muscles]
        self.moved = self._moved(padded, lengths)
        if self.moved.mean() > ALL_MOVED:  # then solving all costs less than picking out the rest
            self.moved[:] = True
        if self.moved.any():
            self._solved = None if self.moved.all() else np.flatnonzero(self.moved)
            self._solve(frames, i, padded, lengths, self._solved)
        return self.moved

    def solved_in(self, group: int):
        """What the last update solved of one group, or None: (its strands numbered within the
        group, None: all of them; their place in ring_frames and ring_centre; (the sheet
        fascicles' place among them, their aspects))."""
        rows = self.rows[group]
        if not self.moved[rows].any():
            return None
        strands = None
        if self._solved is not None:
            lo, hi = np.searchsorted(self._solved, [rows.start, rows.stop])
            strands, rows = self._solved[lo:hi] - rows.start, slice(int(lo), int(hi))
        a, b = np.searchsorted(self.ring_sheet, [rows.start, rows.stop])
        return strands, rows, (self.ring_sheet[a:b] - rows.start, self.ring_aspect[a:b])

    def restyle(self, strands: np.ndarray) -> None:
        """Solve these strands (bool per strand) again at the next update whatever their path does."""
        self._stale |= strands

    def set_thicker(self, muscle: int | None, factor: float) -> None:
        """Draw one model muscle `factor` times thicker (None: all at their own thickness)."""
        before = self.factor.copy()
        self.factor[:] = self._base_factor
        self.factor[self.muscles[self.layout.strand_muscle] == muscle] *= factor
        self.restyle(self.factor != before)

    def _moved(self, padded: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Strands whose path or length changed since the last update, re-styled ones, and
        fascicles of a sheet whose neighbour moved (a sheet's width reaches toward them)."""
        if self._last is None or self._last[0].shape != padded.shape:
            moved = np.ones(self.count, bool)
        else:
            moved = np.any(padded != self._last[0], axis=(1, 2))
            moved |= (lengths != self._last[1])[self.layout.strand_muscle]
        moved |= self._stale
        if self.sheets.any:
            moved[self.sheets.strands] |= moved[self.sheets.near].any(axis=1)
        self._last = (padded, np.array(lengths, copy=True))
        self._restyled = self._stale.copy()
        self._stale[:] = False
        return moved

    def _solve(self, frames, i: int, padded: np.ndarray, lengths: np.ndarray, strands: np.ndarray | None) -> None:
        """Frame i's centre lines, radii and ring frames of some strands (None: all);
        lengths: the drawn muscles' lengths in frame i."""
        rows = slice(None) if strands is None else strands
        if not self.shaped:
            self.ring_centre = resample(padded[rows], self.centre.shape[1]).astype(np.float32)
            self.centre[rows] = self.ring_centre
            self.radius[rows] = self._base_radius[rows] * self.factor[rows, None]
            self.ring_frames = ring_frames(self.ring_centre, self.radius[rows])
            return
        path = padded[rows]
        seg = segment_lengths(path)
        # A strand that only moved rigidly (every segment as long as before, not re-styled) keeps
        # where its rings sit along the path and their radii: only its centre line is placed
        # again. The rest are solved from their lengths.
        # (The whole muscle's length must hold too: a branch of a muscle split by a pulley can
        # be rigid while another changes the length its rings are placed by.)
        length = lengths[self.layout.strand_muscle[rows]]
        if self._seg is None or self._seg.shape[1] != seg.shape[1]:  # first solve, or the padded paths changed size
            self._seg, self._length = np.full((self.count, seg.shape[1]), np.nan), np.full(self.count, np.nan)
            self._places = np.zeros((self.count, self.centre.shape[1]))
        # (NaN for strands never solved: no comparison with them holds.)
        kept = np.all(np.abs(seg - self._seg[rows]) <= RIGID * (self._seg[rows] + 1e-3), axis=1)
        kept &= np.abs(length - self._length[rows]) <= RIGID * self._length[rows]
        kept &= ~self._restyled[rows]
        new = ~kept
        places = self._places[rows]
        radius = self.radius[rows]
        if new.any():
            u, r = self._profile(frames, i)
            owner = self.layout.strand_muscle[rows][new]
            places[new] = arc_places(seg[new], u[owner])
        centre = np.matmul(_smoothing(self.centre.shape[1], self.rings.tendon, self.rings.belly), at_places(path, places))
        if new.any():
            # Solve the belly again over the distances its rings really have along the bent path
            # (chords, not arc), so the drawn volume stays the muscle's volume; pinched where
            # the path bends.
            solved = r[owner]
            step = np.diff(centre[new][:, self.rings.belly_rings], axis=1)
            gaps = np.sqrt(np.einsum("srk,srk->sr", step, step))
            profile = pinched(self.rings.profile, step, gaps)
            belly = belly_radii(self.volume[rows][new], solved[:, self.rings.tendon], gaps, self.rings,
                                self._strand_sides[rows][new], profile)
            solved[:, self.rings.belly_rings] = belly
            radius[new] = solved * self.factor[rows][new, None]
            # A belly still thicker than BELLY_ASPECT of its length (a short path holding much
            # volume: infraspinatus, anconeus) is drawn flattened, as those muscles are: an
            # ellipse of the same area whose thickness keeps the limit.
            thick = belly.max(axis=1) / np.maximum(BELLY_ASPECT * gaps.sum(axis=1), 1e-9)
            flat = self.flat[rows]
            flat[new] = np.clip(thick, *SHEET_ASPECT)
            self.flat[rows] = flat
        self._seg[rows], self._places[rows], self._length[rows] = seg, places, length
        self.radius[rows] = radius
        self.centre[rows] = centre
        self.ring_centre = self.centre[rows]
        sheet = self.sheets.widths(self.centre, self.radius, strands) if self.sheets.any else None
        flat = self._flattened(strands, sheet)
        self.ring_frames = ring_frames(self.ring_centre, radius, flat)
        if flat is not None:
            self.ring_sheet, _, self.ring_aspect = flat
        else:
            self.ring_sheet, self.ring_aspect = np.zeros(0, int), np.zeros((0, self.centre.shape[1]), np.float32)

    def _flattened(self, strands: np.ndarray | None, sheet):
        """The sheet fascicles' widths (SheetNeighbours.widths) with the flattened bellies added
        (their own ring frame, wide across the plane they bend in), sorted by place."""
        a = self.flat if strands is None else self.flat[strands]
        pick = np.flatnonzero(a > 1.0 + 1e-6)
        if sheet is not None:
            pick = np.setdiff1d(pick, sheet[0])  # a sheet's fascicles spread toward their neighbours,
            sheet = (sheet[0], sheet[1], np.maximum(sheet[2], a[sheet[0], None]))  # at least as flat
        if not pick.size:
            return sheet
        R = self.centre.shape[1]
        rows, wide, aspect = pick, np.zeros((pick.size, R, 3), np.float32), np.repeat(a[pick, None], R, axis=1)
        if sheet is not None:
            rows = np.concatenate([sheet[0], pick])
            wide = np.concatenate([sheet[1], wide])
            aspect = np.concatenate([sheet[2], aspect])
            order = np.argsort(rows, kind="stable")
            rows, wide, aspect = rows[order], wide[order], aspect[order]
        return rows, wide, aspect.astype(np.float32)

    def _profile(self, frames, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Ring places and radii of frame i, solved once per frame of a batch, PROFILE_CHUNK
        frames at a time (playback shows one batch over and over; solving all frames up
        front would delay the first one, one at a time costs numpy's per-call price each)."""
        if getattr(self, "_profiled", None) is not frames:
            F, M, R = len(frames), self.muscles.size, self.rings.count
            self._profile_u = np.empty((F, M, R), np.float32)
            self._profile_r = np.empty((F, M, R), np.float32)
            self._profile_done = np.zeros(F, bool)
            self._profiled = frames
        if not self._profile_done[i]:
            chunk = np.arange(i, min(i + PROFILE_CHUNK, len(frames)))
            chunk = chunk[~self._profile_done[chunk]]
            u, r = tube_profile(self.shapes, frames.lengths[chunk][:, self.muscles], self.rings, self._muscle_sides)
            self._profile_u[chunk], self._profile_r[chunk] = u, r
            self._profile_done[chunk] = True
        return self._profile_u[i], self._profile_r[i]


class SheetNeighbours:
    """Fascicles of one flat muscle spread sideways until they meet their neighbours, so the
    muscle reads as one sheet. Neighbours: the two nearest fascicles of the same sheet."""

    def __init__(self, sheet: np.ndarray, first_paths: np.ndarray):
        """sheet: per strand, its sheet (−1: none); first_paths: padded strand paths of a frame."""
        self.strands = np.flatnonzero(sheet >= 0)
        self.any = self.strands.size > 0
        self.row = np.full(sheet.size, -1)  # per strand: its place in `strands`, or −1
        self.row[self.strands] = np.arange(self.strands.size)
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

    def widths(self, centre: np.ndarray, radius: np.ndarray, strands: np.ndarray | None = None):
        """The fascicles among the given strands (None: all): (their place among them, wide
        direction per ring (m, rings, 3), aspect per ring (m, rings)). centre, radius: of
        every strand (neighbours included)."""
        rows = np.arange(radius.shape[0]) if strands is None else strands
        at = self.row[rows]
        mine = np.flatnonzero(at >= 0)
        own = self.strands[at[mine]]
        near = self.near[at[mine]]
        to_a = centre[near[:, 0]] - centre[own]
        to_b = centre[near[:, 1]] - centre[own]
        reach = SHEET_REACH * np.maximum(_norm(to_a), _norm(to_b))
        r = radius[own]
        # One direction per fascicle: rings that turned to follow each ring's neighbour would
        # twist the belly and lose volume between them.
        wide = np.broadcast_to(to_a.mean(axis=1, keepdims=True), to_a.shape)
        aspect = np.clip(np.divide(reach, r, out=np.ones_like(r), where=r > 1e-6), *SHEET_ASPECT)
        return mine, wide, aspect.astype(np.float32)


def pinched(profile: np.ndarray, step: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    """(n, belly) the belly profile of n strands, pinched at rings where the centre line
    bends (step: (n, belly − 1, 3) steps between belly rings, gaps their lengths)."""
    t = step / np.maximum(gaps, 1e-12)[..., None]
    cos = np.einsum("srk,srk->sr", t[:, 1:], t[:, :-1])
    bend = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))  # at the inner belly rings
    pinch = 1.0 - BEND_PINCH * np.clip(bend / BEND_FULL, 0.0, 1.0)
    pinch[:, 1:] = np.minimum(pinch[:, 1:], pinch[:, :-1])  # the ring before a bend too
    f = np.repeat(profile[None], step.shape[0], axis=0)
    f[:, 1:-1] *= pinch
    return f


@lru_cache(maxsize=8)
def _smoothing(rings: int, first: int, count: int, passes: int = 4) -> np.ndarray:
    """Round off the kinks a wrap point leaves in a centre line: `passes` rounds of (¼, ½, ¼)
    averaging of the `count` belly rings from `first` on (their ends fixed) as one (rings ×
    rings) matrix. A fat belly folds into itself at a sharp corner, a real muscle bends
    smoothly; the belly's rings are evenly spaced along the path, so a straight run stays put.
    The few tendon rings, spaced otherwise, are left where the path puts them."""
    step = np.eye(rings)
    for j in range(first + 1, first + count - 1):
        step[j, j - 1:j + 2] = (0.25, 0.5, 0.25)
    out = np.linalg.matrix_power(step, passes)
    out.flags.writeable = False
    return out


def _norm(v: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("...k,...k->...", v, v))

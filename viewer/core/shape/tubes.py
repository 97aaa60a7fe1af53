"""Muscle paths → tube surfaces with a fixed topology, vectorised over all muscles.

MuJoCo's path of a muscle changes its number of points from frame to frame (wrap geoms add
and drop tangent points). Each path branch (a "strand") is resampled by arc length to the
same number of points, so the tube mesh can be built once and only its points updated.
"""
from __future__ import annotations

import numpy as np

PULLEY = -2  # wrap_obj value that starts a new branch of a tendon path


class StrandLayout:
    """Which strands exist: one per path branch of each drawn muscle (pulleys split paths)."""

    def __init__(self, muscles: np.ndarray, wrap_obj: np.ndarray, wrap_adr: np.ndarray, wrap_num: np.ndarray):
        self.muscles = np.asarray(muscles, dtype=int)  # drawn muscles (indices into Model.muscles)
        rows, owner = _rows_of(self.muscles, wrap_adr, wrap_num)
        pulleys = np.bincount(owner, weights=wrap_obj[rows] == PULLEY, minlength=self.muscles.size).astype(int)
        self.branches = pulleys + 1  # per drawn muscle; pulleys belong to the model, so fixed
        self.first = np.cumsum(self.branches) - self.branches  # first strand of each drawn muscle
        self.strand_muscle = np.repeat(np.arange(self.muscles.size), self.branches)  # position in `muscles`
        self._key = None
        self._take = None

    @property
    def count(self) -> int:
        return int(self.strand_muscle.size)

    def padded(self, wrap_xpos, wrap_obj, wrap_adr, wrap_num) -> np.ndarray:
        """Each strand's points (S, P, 3), the tail padded with the strand's last point."""
        key = (wrap_adr[self.muscles].tobytes(), wrap_num[self.muscles].tobytes())
        if key != self._key:  # the rows move only when a wrap geom adds or drops tangent points
            self._take = self._gather_rows(wrap_obj, wrap_adr, wrap_num)
            self._key = key
        return np.take(wrap_xpos, self._take, axis=0)  # several times faster than wrap_xpos[take]

    def _gather_rows(self, wrap_obj, wrap_adr, wrap_num) -> np.ndarray:
        """(S, P) path rows that fill the padded strands."""
        rows, owner = _rows_of(self.muscles, wrap_adr, wrap_num)
        is_pulley = wrap_obj[rows] == PULLEY
        # branch number within its muscle: pulleys seen so far in this muscle
        seen = np.cumsum(is_pulley)
        num = wrap_num[self.muscles].astype(int)
        before = np.concatenate([[0], seen])[np.cumsum(num) - num]  # pulleys before each muscle's first row
        branch = seen - before[owner] - is_pulley  # a pulley row closes the branch before it
        strand = self.first[owner] + np.minimum(branch, self.branches[owner] - 1)
        keep = ~is_pulley
        rows, strand = rows[keep], strand[keep]
        counts = np.bincount(strand, minlength=self.count)
        begin = np.cumsum(counts) - counts
        P = max(int(counts.max(initial=1)), 2)
        take = begin[:, None] + np.minimum(np.arange(P)[None, :], np.maximum(counts - 1, 0)[:, None])
        return rows[np.clip(take, 0, max(rows.size - 1, 0))] if rows.size else np.zeros((self.count, P), int)


def _rows_of(muscles: np.ndarray, wrap_adr: np.ndarray, wrap_num: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Path rows of the given muscles, in order, and the position in `muscles` each row belongs to."""
    num = wrap_num[muscles].astype(int)
    owner = np.repeat(np.arange(muscles.size), num)
    offset = np.arange(num.sum()) - np.repeat(np.cumsum(num) - num, num)
    return wrap_adr[muscles].astype(int)[owner] + offset, owner


def resample(points: np.ndarray, n: int | np.ndarray) -> np.ndarray:
    """(S, P, 3) padded polylines → (S, n, 3) points along each by arc length.

    n: a count (evenly spaced from end to end) or (S, n) shares of each strand's length,
    non-decreasing along each row (a tube whose belly and tendons move along the path).
    """
    return at_places(points, arc_places(segment_lengths(points), n))


def segment_lengths(points: np.ndarray) -> np.ndarray:
    """(S, P − 1) lengths of the segments of padded polylines (S, P, 3)."""
    step = np.diff(points, axis=1)
    return np.sqrt(np.einsum("spk,spk->sp", step, step))


def arc_places(seg: np.ndarray, n: int | np.ndarray) -> np.ndarray:
    """(S, n) fractional point index along each polyline where its arc-length shares fall
    (n as in resample); seg: its segment lengths. A rigid move keeps these places."""
    S, P = seg.shape[0], seg.shape[1] + 1
    target = np.broadcast_to(np.linspace(0.0, 1.0, int(n)), (S, int(n))) if np.ndim(n) == 0 else np.asarray(n, float)
    if S == 0:
        return np.zeros(target.shape)
    cum = np.zeros((S, P))
    np.cumsum(seg, axis=1, out=cum[:, 1:])
    total = cum[:, -1:]
    u = np.divide(cum, total, out=np.zeros_like(cum), where=total > 0)
    u[:, -1] = 1.0
    # One interpolation over all strands at once, each shifted into its own interval [2s, 2s + 1].
    shift = 2.0 * np.arange(S)[:, None]
    at = np.interp((target + shift).ravel(), (u + shift).ravel(), np.arange(S * P, dtype=float))
    at = at.reshape(S, -1) - (np.arange(S) * P)[:, None]
    before = target < 0  # back past the first point, along the first segment (at_places extrapolates)
    if before.any():
        per_step = np.divide(total[:, 0], seg[:, 0], out=np.zeros(S), where=seg[:, 0] > 0)
        at = np.where(before, target * per_step[:, None], at)
    return at


def at_places(points: np.ndarray, at: np.ndarray) -> np.ndarray:
    """(S, n, 3) points of padded polylines (S, P, 3) at fractional point indices (S, n)."""
    S, P, _ = points.shape
    if S == 0:
        return np.zeros((0, at.shape[1], 3), points.dtype)
    first = np.clip(at.astype(np.int64), 0, P - 2)
    frac = (at - first).reshape(-1, 1)
    first = (first + (np.arange(S) * P)[:, None]).ravel()
    flat = points.reshape(-1, 3)
    a = np.take(flat, first, axis=0)
    b = np.take(flat, first + 1, axis=0)
    b -= a
    b *= frac
    b += a
    return b.reshape(S, at.shape[1], 3)


class TubeMesh:
    """A closed spindle-shaped tube around each strand: `rings` rings of `sides` points.

    Points are stored side-major, (sides, strands, rings, 3): every ring point then comes out
    of one small matrix product, which is several times faster than broadcasting per point.
    """

    def __init__(self, radius: np.ndarray, rings: int = 16, sides: int = 8):
        """radius: per strand (a fixed spindle, "lines of action"), or (S, rings) to be
        rewritten per frame (physiological shapes)."""
        self.rings, self.sides = rings, sides
        radius = np.asarray(radius)
        self.strands = int(radius.shape[0]) if radius.ndim else 1
        # A 2-D float32 radius is kept as given (a view into radii solved elsewhere stays one).
        self.radius = np.asarray(radius, np.float32) if radius.ndim == 2 else spindle(radius, rings)
        angle = np.linspace(0.0, 2 * np.pi, sides, endpoint=False)
        self._around = np.stack([np.cos(angle), np.sin(angle)], axis=1).astype(np.float32)  # (sides, 2)
        self.faces = self._faces()

    def _faces(self, segments: np.ndarray | None = None) -> np.ndarray:
        """VTK cell array of quads [4, a, b, c, d], fixed for the life of the scene.

        segments: bool per ring gap (rings − 1) to keep (None: all), e.g. only the tendons.
        """
        S, R, K = self.strands, self.rings, self.sides
        index = np.arange(K * S * R).reshape(K, S, R)
        nxt = np.roll(index, -1, axis=0)  # the next side around the tube
        a, b = index[:, :, :-1], nxt[:, :, :-1]
        quads = np.stack([a, b, nxt[:, :, 1:], index[:, :, 1:]], axis=-1)
        if segments is not None:
            quads = quads[:, :, np.asarray(segments, bool)]
        quads = quads.reshape(-1, 4)
        return np.hstack([np.full((quads.shape[0], 1), 4), quads]).ravel()

    def faces_of(self, segments: np.ndarray) -> tuple[np.ndarray, int]:
        """Quads of the kept ring gaps, and how many gaps each strand has in them (for picking)."""
        return self._faces(segments), int(np.count_nonzero(segments))

    @property
    def size(self) -> int:
        return self.sides * self.strands * self.rings

    def place(self, frames: np.ndarray, centre: np.ndarray, out_points: np.ndarray, out_normals: np.ndarray,
              strands: np.ndarray | None = None, flat: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Points and unit normals of the rings from their frames (ring_frames of the same strands).

        flat: (rows, aspect) of the flattened strands among them, whose normals need scaling."""
        K = self.sides
        n, R = frames.shape[1:3]
        whole = strands is None
        points = out_points.reshape(K, -1) if whole else np.empty((K, n * R * 3), np.float32)
        normals = out_normals.reshape(K, -1) if whole else np.empty((K, n * R * 3), np.float32)
        # Ring point k = centre + cos θk · (first axis) + sin θk · (second): one small matrix product.
        np.matmul(self._around, frames[:2].reshape(2, -1), out=points)
        points.reshape(K, n, R, 3)[:] += centre.astype(np.float32, copy=False)[None]
        np.matmul(self._around, frames[2:].reshape(2, -1), out=normals)
        if flat is not None and len(flat[0]):
            # |cos θ · n/a + sin θ · a·b| for orthonormal n, b: every normal's length, unmeasured.
            rows, aspect = flat
            a2 = aspect.astype(np.float32)[None] ** 2
            cos2, sin2 = self._around[:, :1, None] ** 2, self._around[:, 1:, None] ** 2
            grid = normals.reshape(K, n, R * 3)
            grid[:, rows] *= np.repeat(1.0 / np.sqrt(cos2 / a2 + sin2 * a2), 3, axis=2)
        if not whole:
            S = out_points.shape[0] // (K * R)
            out_points.reshape(K, S, R, 3)[:, strands] = points.reshape(K, n, R, 3)
            out_normals.reshape(K, S, R, 3)[:, strands] = normals.reshape(K, n, R, 3)


def ring_frames(centre: np.ndarray, radius: np.ndarray,
                sheet: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """(4, n, rings, 3) float32: the axes of each ring, whatever polygon it is drawn as.

    Frames 0 and 1 place the ring's points (normal·r·a, binormal·r/a), 2 and 3 its normals
    (normal/a, binormal·a). sheet: (rows, wide (m, rings, 3), aspect (m, rings)) flattens the
    rings of those rows into ellipses `aspect` times wider along `wide` and as much thinner
    across it (same area: same volume); a zero `wide` keeps the round ring's own frame.
    """
    ci = centre.astype(np.float32, copy=False)
    n, R = ci.shape[:2]
    # Worked out component by component (3, n, R): numpy is several times faster on three
    # contiguous arrays than on a trailing axis of three.
    c = np.moveaxis(ci, -1, 0).copy()
    tangent = np.empty_like(c)
    np.subtract(c[:, :, 2:], c[:, :, :-2], out=tangent[:, :, 1:-1])
    np.subtract(c[:, :, 1], c[:, :, 0], out=tangent[:, :, 0])
    np.subtract(c[:, :, -1], c[:, :, -2], out=tangent[:, :, -1])
    _unit3(tangent, 1e-9)
    # Normal of the plane the strand bends in: its tangents stay close to that plane, so
    # projecting it off each tangent never degenerates and the rings do not twist. A
    # straight strand has no such plane: any direction across its chord will do.
    chord = c[:, :, -1] - c[:, :, 0]
    ref = _cross3(chord, c[:, :, R // 2] - 0.5 * (c[:, :, 0] + c[:, :, -1]))
    straight = np.sqrt(_dot3(ref, ref)) < 1e-4 * np.maximum(_dot3(chord, chord), 1e-12)
    across = _cross3(chord, _AXES[:, np.argmin(np.abs(chord), axis=0)])
    ref = _unit3(np.where(straight, across, ref), 1e-12)[:, :, None]
    normal = _unit3(ref - tangent * _dot3(ref, tangent), 1e-9)
    a = np.ones((n, R), np.float32)
    if sheet is not None and len(sheet[0]):  # sheets: the ring's long axis toward the neighbouring fascicle
        rows, wide, aspect = sheet
        t = tangent[:, rows]
        w = np.moveaxis(wide, -1, 0)
        w = w - t * _dot3(w, t)
        length = np.sqrt(_dot3(w, w))
        normal[:, rows] = np.where(length > 1e-9, w / np.maximum(length, 1e-9), normal[:, rows])
        a[rows] = aspect
    binormal = _cross3(tangent, normal)
    scaled = np.empty((4, 3, n, R), np.float32)
    np.multiply(normal, radius * a, out=scaled[0])
    np.multiply(binormal, radius / a, out=scaled[1])
    np.divide(normal, a, out=scaled[2])
    np.multiply(binormal, a, out=scaled[3])
    # Laid out (x, y, z)-last once, for the matrix products; one component at a time, as
    # numpy writes a strided array several times faster than it reads one.
    frames = np.empty((4, n, R, 3), np.float32)
    for k in range(3):
        frames[..., k] = scaled[:, k]
    return frames


def spindle(radius: np.ndarray, rings: int) -> np.ndarray:
    """(S, rings) float32 radii of a fixed spindle per strand of the given thickness: a belly in
    the middle that narrows to a point at each end, like a muscle into its tendons."""
    profile = np.sin(np.pi * np.linspace(0.0, 1.0, rings)) ** 0.6
    return (np.atleast_1d(np.asarray(radius, float))[:, None] * profile[None, :]).astype(np.float32)


def enclosed_volume(rings: np.ndarray) -> np.ndarray:
    """Volume inside consecutive rings (sides, S, n, 3) with flat end caps, per strand (S,).

    Signed tetrahedra from the first ring's centre over the side quads and the last cap (the
    first cap's triangles contain that centre and add nothing).
    """
    c = np.moveaxis(rings, -1, 0)  # (3, sides, S, n): component by component, as in ring_frames
    a = c - c[:, :, :, :1].mean(axis=1, keepdims=True)
    b = np.roll(a, -1, axis=1)  # the next point around each ring
    side = _dot3(a[..., :-1], _cross3(b[..., :-1], b[..., 1:]) + _cross3(b[..., 1:], a[..., 1:]))
    last, after = a[..., -1], b[..., -1]
    cap = _dot3(np.broadcast_to(last.mean(axis=1, keepdims=True), last.shape), _cross3(last, after))
    return np.abs(side.sum(axis=(0, 2)) + cap.sum(axis=0)) / 6.0


_AXES = np.eye(3, dtype=np.float32)


def _dot3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dot products of component-major vectors (3, ...)."""
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def _unit3(v: np.ndarray, floor: float) -> np.ndarray:
    v /= np.maximum(np.sqrt(_dot3(v, v)), floor)
    return v

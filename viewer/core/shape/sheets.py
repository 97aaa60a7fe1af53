"""Flat muscles drawn as one smooth surface each, through all their fascicles.

The model splits a flat muscle (the abdominal wall, the glutes, the pectoralis, the latissimus,
the deltoid) into fascicles, each a strand with its own centre line and radii. Drawn as tubes
they read as cardboard slats with steps between them. Here each ring of a sheet is a band
round a smooth curve along its fascicles' centres in the ring's plane, of even thickness
with round ends, holding their cross-sections (straightened where it would bend tighter than
its thickness allows); the rings are rounded off from one to the next and the whole scaled to
hold the fascicles' volume: one closed, smooth surface per sheet. All sheets of a tube set
are worked out in one numpy pass (fewer fascicles padded), as the strands are. Numpy only:
render/scene.py gives the points to VTK.
"""
from __future__ import annotations

import numpy as np

CURVE = 13  # points along each ring's curve, evenly spaced across the sheet
CAP = 15  # points round each end of a band (11¼° apart)
AROUND = 2 * CURVE + 2 * CAP  # points round each ring
ROUNDING = 3  # passes of (¼, ½, ¼) averaging that round the curve, and the sheet's direction
ALONG_ROUNDING = 12  # ... and the surface from ring to ring (the latissimus and pectoralis turn hard near
# the humerus when the arms are overhead: fewer passes leave a crease there)
LOOP_ROUNDING = 6  # ... and each ring's loop all round (no edge where a flat side turns into its round end)
BEND_ROOM = 0.6  # a band is at most this share of its curve's bending radius thick (no fold inside)
# Neighbouring faces of a sheet never meet at a sharper angle (tests/test_shapes_render.py
# measures it; over every shipped exercise sampled at 4 frames/s the worst is 30°, where a
# band's flat side turns into its rounded edge; `python tools/sheet_smoothness.py` prints it).
SMOOTH_LIMIT_DEG = 35.0


class SheetSurface:
    """The sheets of one tube set. sheet: per strand, its sheet id (−1: none); centre (S, R, 3):
    the strands' centre lines in a first frame (fixes the order across each sheet and which
    fascicles run the other way)."""

    def __init__(self, sheet: np.ndarray, centre: np.ndarray):
        self.sheets = []  # per sheet: (ordered strand indices, reversed per strand)
        for s in np.unique(sheet[sheet >= 0]):
            members = np.flatnonzero(sheet == s)
            if members.size < 2:
                continue
            c = centre[members].astype(float)
            chord = c[:, -1] - c[:, 0]
            reference = chord[np.argmax(np.linalg.norm(chord, axis=1))]
            flip = chord @ reference < 0  # fascicles drawn from the other end
            chord[flip] *= -1
            along = chord.sum(axis=0)
            along /= np.linalg.norm(along)
            mid = c.mean(axis=1)
            spread = mid - mid.mean(axis=0)
            spread -= np.outer(spread @ along, along)
            across = np.linalg.svd(spread, full_matrices=False)[2][0]  # the sheet's width
            order = np.argsort(spread @ across)
            self.sheets.append((members[order], flip[order]))
        self.rings = centre.shape[1]
        W = len(self.sheets)
        N = max([m.size for m, _ in self.sheets] + [2])
        # Padded to N fascicles per sheet: a missing one repeats the sheet's last, with no volume.
        self.members = np.zeros((W, N), int)
        self.flip = np.zeros((W, N), bool)
        self.real = np.zeros((W, N), bool)
        for w, (members, flip) in enumerate(self.sheets):
            self.members[w] = np.concatenate([members, np.full(N - members.size, members[-1])])
            self.flip[w] = np.concatenate([flip, np.full(N - members.size, flip[-1])])
            self.real[w, :members.size] = True
        self.strands = np.concatenate([m for m, _ in self.sheets] + [np.zeros(0, int)])
        self.loops = [AROUND] * W
        self.offsets = np.arange(W + 1) * self.rings * AROUND
        self.count = int(self.offsets[-1])
        self.points = np.zeros((W, self.rings, AROUND, 3), np.float32)
        self.normals = np.zeros((W, self.rings, AROUND, 3), np.float32)
        # per point: the strand whose colour it takes (the fascicle nearest along the curve)
        self.owner = np.repeat(self.members[:, None, :1], self.rings * AROUND, axis=1).reshape(-1)
        self.faces = self._faces()

    def _faces(self) -> np.ndarray:
        """VTK cell array of quads between consecutive rings, all round each loop."""
        index = np.arange(self.count).reshape(len(self.sheets), self.rings, AROUND)
        nxt = np.roll(index, -1, axis=2)
        # wound so the right-hand rule gives the outward normal (VTK lights the back of a face,
        # by its winding, as seen from behind)
        quads = np.stack([index[:, :-1], index[:, 1:], nxt[:, 1:], nxt[:, :-1]], axis=-1).reshape(-1, 4)
        return np.hstack([np.full((quads.shape[0], 1), 4), quads]).ravel()

    def surface(self, centre: np.ndarray, radius: np.ndarray, volume: np.ndarray,
                strands: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Points and unit normals (count, 3) float32 from the strands' centre lines (S, R, 3),
        radii (S, R) and volumes (S,): each sheet holds its fascicles' volume. strands: bool per
        strand, the ones that changed (None: all); only their sheets are worked out again."""
        which = np.arange(len(self.sheets)) if strands is None else \
            np.flatnonzero(np.any(strands[self.members], axis=1))
        if which.size:
            members, flip = self.members[which], self.flip[which]
            c = centre[members].astype(float)  # (m, N, R, 3)
            r = np.where(self.real[which][..., None], radius[members], 0.0)
            c[flip], r[flip] = c[flip][:, ::-1], r[flip][:, ::-1]
            real = self.real[which]
            grid, place = bands(c, r, np.where(real, volume[members], 0.0).sum(axis=1), real)
            self.points[which] = grid
            self.normals[which] = _normals(grid)
            owner = np.take_along_axis(members, place.reshape(which.size, -1), axis=1)
            self.owner.reshape(len(self.sheets), -1)[which] = owner
        return self.points.reshape(-1, 3), self.normals.reshape(-1, 3)


def _loop_place(n: int) -> np.ndarray:
    """Per point round a loop (see bands): the place, across the ring, of the fascicle nearest
    along the curve."""
    along = np.rint(np.linspace(0, n - 1, CURVE)).astype(int)
    return np.concatenate([along, np.full(CAP, n - 1), along[::-1], np.zeros(CAP, int)])


def _grad(a: np.ndarray, axis: int) -> np.ndarray:
    """Central differences along an axis, one-sided at its ends (np.gradient without its
    per-call cost, unscaled)."""
    a = np.moveaxis(a, axis, 0)
    out = np.empty_like(a)
    out[1:-1] = 0.5 * (a[2:] - a[:-2])
    out[0], out[-1] = a[1] - a[0], a[-1] - a[-2]
    return np.moveaxis(out, 0, axis)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.empty(np.broadcast_shapes(a.shape, b.shape))
    out[..., 0] = a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1]
    out[..., 1] = a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2]
    out[..., 2] = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.sqrt(np.einsum("...k,...k->...", v, v))[..., None], 1e-12)


def _normals(grid: np.ndarray) -> np.ndarray:
    """Point normals of (m, R, K, 3) loop grids, pointing out (the loops run clockwise seen
    from where the rings go)."""
    dk = np.roll(grid, -1, axis=2) - np.roll(grid, 1, axis=2)
    return _unit(_cross(_grad(grid, 1), dk))


def bands(c: np.ndarray, r: np.ndarray, volume: np.ndarray, real: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(m, R, K, 3) loop points round each ring of m sheets of n fascicles each (c: (m, n, R, 3),
    r: (m, n, R), volume (m,): what the fascicles hold; real (m, n): which are fascicles, not
    padding), and (m, R, K) which fascicle (0…n−1) each point takes its colour from."""
    n = r.shape[1]
    weight = (real / real.sum(axis=1, keepdims=True))[..., None, None]  # a mean over the real ones
    step = _grad(c, 2)  # (m, n, R, 3) each fascicle's ring steps
    tangent = _unit((step * weight).sum(axis=1))  # (m, R, 3): where the sheet runs at each ring
    for _ in range(ROUNDING):  # turning gently from ring to ring
        tangent[:, 1:-1] = 0.5 * tangent[:, 1:-1] + 0.25 * (tangent[:, :-2] + tangent[:, 2:])
    tangent = _unit(tangent)
    # across the sheet, first fascicle to last: one direction for the whole sheet, so that
    # where the fascicles meet (a shared tendon) the band does not turn over
    span = (c[:, -1] - c[:, 0]).mean(axis=1, keepdims=True)
    across = _unit(span - tangent * np.einsum("mrk,mrk->mr", np.broadcast_to(span, tangent.shape), tangent)[..., None])
    normal = _cross(tangent, across)
    middle = (c * weight).sum(axis=1)  # (m, R, 3)
    frame = np.stack([across, normal, tangent], axis=-2)  # (m, R, 3, 3)
    # each fascicle in the ring's plane (x across, y out of the sheet); each ring of the sheet
    # lies in one plane square to where the sheet runs, so from ring to ring it is a clean
    # sweep, not a shear (fascicles of different lengths have their rings at other places)
    local = np.einsum("mnrk,mrjk->mrnj", c - middle[:, None], frame[..., :2, :])  # (m, R, n, 2)
    # across each ring in order: where fascicles cross one another (the latissimus twists on
    # its way to the humerus) the curve along them must not double back
    order = np.argsort(local[..., 0], axis=-1, kind="stable")  # (m, R, n)
    local = np.take_along_axis(local, order[..., None], axis=-2)
    # the fascicles' cross-sections, each counted for the length it runs while the sheet's
    # middle advances one ring (a fascicle running slantwise holds more than its section)
    length = np.sqrt(np.einsum("mnrk,mnrk->mnr", step, step))
    advance = np.abs(np.einsum("mrk,mrk->mr", _grad(middle, 1), tangent))
    slant = np.clip(length / np.maximum(advance[:, None], 1e-9), 1.0, 3.0)
    want = np.pi * (r ** 2 * slant).sum(axis=1)  # (m, R)
    for _ in range(ROUNDING):  # fascicles' bellies start at different rings: no step in the sheet
        want[:, 1:-1] = 0.5 * want[:, 1:-1] + 0.25 * (want[:, :-2] + want[:, 2:])
    q = _curve(local)  # (m, R, P, 2)
    chord = q[..., :1, :] + (q[..., -1:, :] - q[..., :1, :]) * np.linspace(0.0, 1.0, CURVE)[:, None]
    h = _thickness(q, want)
    d, nu, turn = _directions(q)
    # a band as thick as h bends no tighter than BEND_ROOM / h: straighten a curve that would
    # (a bundle of thick fascicles close together is drawn as one round-ended bundle)
    room = np.clip(BEND_ROOM / np.maximum(h * turn.max(axis=-1), 1e-12), 0.0, 1.0)
    q = chord + (q - chord) * room[..., None, None]
    h = _thickness(q, want)
    d, nu, _ = _directions(q)
    loop = _loop(q, h, d, nu)  # (m, R, K, 2) in the ring's plane
    for _ in range(LOOP_ROUNDING):  # round the turn from a flat side into its round end
        loop = 0.5 * loop + 0.25 * (np.roll(loop, 1, axis=-2) + np.roll(loop, -1, axis=-2))
    grid = middle[:, :, None] + np.einsum("mrkj,mrjd->mrkd", loop, frame[..., :2, :])
    # from ring to ring the sheet's plane turns and its band widens: round that off too
    for _ in range(ALONG_ROUNDING):
        grid[:, 1:-1] = 0.5 * grid[:, 1:-1] + 0.25 * (grid[:, :-2] + grid[:, 2:])
    # hold the fascicles' volume: measure the drawn surface, scale its rings about their middles
    drawn = closed_volume(grid)
    grow = np.sqrt(np.clip(np.divide(volume, drawn, out=np.ones_like(drawn), where=drawn > 0), 0.25, 4.0))
    centre = grid.mean(axis=2, keepdims=True)
    grid = centre + (grid - centre) * grow[:, None, None, None]
    owner = np.take_along_axis(order, np.broadcast_to(_loop_place(n), order.shape[:-1] + (AROUND,)), axis=-1)
    return grid, owner


def _curve(p: np.ndarray) -> np.ndarray:
    """(..., n, 2) points sorted across (x) → (..., CURVE, 2): a smooth curve y(x) along them,
    evenly spaced across (so it cannot loop or turn back), rounded by a few passes of
    (¼, ½, ¼) averaging."""
    x, y = p[..., 0], p[..., 1]
    lead = x.shape[:-1]
    rows = int(np.prod(lead))
    t = np.linspace(0.0, 1.0, CURVE)
    xs = x[..., :1] + (x[..., -1:] - x[..., :1]) * t
    # one interpolation over every ring at once, each shifted into its own interval
    span = np.maximum(x[..., -1:] - x[..., :1], 1e-9)
    shift = 2.0 * np.arange(rows).reshape(lead + (1,))
    ux = (x - x[..., :1]) / span + shift + 1e-9 * np.arange(x.shape[-1])  # coincident: still increasing
    ys = np.interp((t + shift).ravel(), ux.ravel(), y.ravel()).reshape(xs.shape)
    for _ in range(ROUNDING):
        ys[..., 1:-1] = 0.5 * ys[..., 1:-1] + 0.25 * (ys[..., :-2] + ys[..., 2:])
        # the ends run straight on from the rounded curve (a kink there would pinch the band's end)
        ys[..., 0], ys[..., -1] = 2 * ys[..., 1] - ys[..., 2], 2 * ys[..., -2] - ys[..., -3]
    return np.stack([xs, ys], axis=-1)


def _thickness(q: np.ndarray, area: np.ndarray) -> np.ndarray:
    """Half thickness h of a band round curves q (..., P, 2) with round ends holding `area`:
    2·h·L + π·h² = area."""
    step = np.diff(q, axis=-2)
    length = np.sqrt(np.einsum("...k,...k->...", step, step)).sum(axis=-1)
    return (np.sqrt(length ** 2 + np.pi * area) - length) / np.pi


def _directions(q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Along the curves (..., P, 2) in the ring's plane: unit direction, its left side, and how
    fast it turns (1/m) at each point."""
    d = _grad(q, -2)
    scale = np.sqrt(np.einsum("...k,...k->...", d, d))[..., None]
    d = np.where(scale > 1e-9, d / np.maximum(scale, 1e-12), np.array([1.0, 0.0]))  # a point: across
    nu = np.stack([-d[..., 1], d[..., 0]], axis=-1)
    turn = np.abs(np.einsum("...k,...k->...", _grad(d, -2), nu)) / np.maximum(scale[..., 0], 1e-12)
    return d, nu, np.where(scale[..., 0] > 1e-9, turn, 0.0)


def _loop(q: np.ndarray, h: np.ndarray, d: np.ndarray, nu: np.ndarray) -> np.ndarray:
    """(m, R, K, 2) points: the curve's left side, round its end, its right side back, round
    its start; h (m, R) the band's half thickness."""
    side = nu * h[..., None, None]
    angles = np.radians(np.linspace(90, -90, CAP + 2)[1:-1])  # from the left side to the right
    cos, sin = np.cos(angles)[:, None], np.sin(angles)[:, None]
    hh = h[..., None, None]
    end = q[..., -1:, :] + hh * (cos * d[..., -1:, :] + sin * nu[..., -1:, :])
    start = q[..., :1, :] + hh * (-cos * d[..., :1, :] - sin * nu[..., :1, :])
    return np.concatenate([q + side, end, (q - side)[..., ::-1, :], start], axis=-2)


def closed_volume(grid: np.ndarray) -> np.ndarray:
    """(m,) volumes inside loop grids (m, R, K, 3), the first and last loops capped flat."""
    g = grid - grid[:, :1].mean(axis=2, keepdims=True)  # from the first loop's middle (its cap adds nothing)
    a, b = g[:, :-1], g[:, 1:]
    a2, b2 = np.roll(a, -1, axis=2), np.roll(b, -1, axis=2)
    total = np.einsum("...k,...k->...", a, _cross(a2, b2)) + np.einsum("...k,...k->...", a, _cross(b2, b))
    last = g[:, -1]
    cap = np.einsum("...k,...k->...", last, _cross(np.roll(last, -1, axis=1), last.mean(axis=1, keepdims=True)))
    return np.abs(total.sum(axis=(1, 2)) + cap.sum(axis=1)) / 6.0

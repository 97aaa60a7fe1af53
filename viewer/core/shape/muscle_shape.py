"""Physiological muscle shapes from the model's own parameters (DESIGN §6b).

Per muscle: optimal fibre length L0, tendon slack length LT, physiological cross-section
PCSA = F_max / σ and volume V = PCSA · L0. Per frame the belly spans the fibre length L − LT
(clamped to a share of the path), the tendons the rest, and the belly's radius keeps V
constant: a shortening muscle thickens, a stretched one thins.

Everything here is plain numpy on (parameters, lengths): the 3D scene and the take-home page
both draw from `tube_profile`. The parameters come from the model: core/model/muscle_params.py
reads them, `Model.shapes` holds them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Specific tension σ in N/cm²: the value Rajagopal et al. 2016 (IEEE TBME 63:2068, the
# full-body model MyoSuite's legs come from) used to turn Handsfield 2014's MRI volumes into
# max isometric forces, F = σ · V / L0. Dividing by it again gives back those volumes.
SPECIFIC_TENSION = 60.0e4  # N/m² (= 60 N/cm²)
BELLY_SHARE = (0.25, 0.92)  # the belly's share of the path: never a blob, never without tendon ends
# A belly's largest radius is at most this share of its length: a vastus lateralis is ~30 cm
# long and ~6 cm thick from front to back (an MRI cross-section, e.g. Handsfield 2014's), a
# biceps ~20 cm by ~4 cm; 0.2 keeps every belly as slender as those. A belly that would be
# fatter is made longer along the path, out of its tendons (each in proportion to its length),
# so it keeps the model's volume without becoming a balloon.
BELLY_ASPECT = 0.2
ASPECT_MARGIN = 1.03  # the tendons' own thickness and the drawn polygon take a little of the limit
# Tendon cross-section as a share of PCSA (the Achilles tendon, ~0.7 cm², carries a calf of
# ~30 cm² per head), and the drawn tendon radius kept readable but thin.
TENDON_AREA_SHARE = 1.0 / 40.0
TENDON_RADIUS = (0.0008, 0.0025)  # metres
TENDON_RINGS = 2  # rings along each tendon; the belly gets the rest
# Flat muscles split into fascicles are drawn as sheets: each fascicle's round ring becomes an
# ellipse `aspect` times wider toward its neighbours and as much thinner (same area).
SHEET_REACH = 0.65  # a fascicle of a sheet reaches this share of the way to its neighbours
SHEET_ASPECT = (1.0, 6.0)  # how flat a sheet's fascicle may get
BELLY_EXPONENT = 0.8  # spindle profile sin(πv)^k across the belly: full in the middle, tapering


@dataclass(frozen=True)
class MuscleShapes:
    """Per-muscle parameters, arrays in Model.muscles order (SI units)."""

    optimal_fibre_length: np.ndarray  # L0, m
    tendon_slack_length: np.ndarray  # LT, m
    max_force: np.ndarray  # F_max, N
    source: tuple  # per muscle: "model" (its own parameters) or "estimated"
    rest_length: np.ndarray  # muscle–tendon length in the model's rest pose, m (inf: unknown)
    # Share of the tendon drawn at the path's origin end, the rest at the insertion (catalogue
    # `origin_tendon`, from anatomy; None: half at each end).
    origin_tendon: np.ndarray | None = None
    # Share of the belly drawn back past the path's first point, along its first run: a long
    # fleshy origin the model gathers into one point (catalogue `belly_reach`; None: 0).
    belly_reach: np.ndarray | None = None

    def __post_init__(self):
        if self.origin_tendon is None:
            object.__setattr__(self, "origin_tendon", np.full(np.shape(self.max_force), 0.5))
        if self.belly_reach is None:
            object.__setattr__(self, "belly_reach", np.zeros(np.shape(self.max_force)))

    @property
    def pcsa(self) -> np.ndarray:  # m²
        return self.max_force / SPECIFIC_TENSION

    @property
    def volume(self) -> np.ndarray:  # m³
        return self.pcsa * self.optimal_fibre_length

    @property
    def capped(self) -> np.ndarray:
        """Muscles whose L0 is longer than the whole muscle–tendon unit at rest: not physical
        (MyoBack's lengthranges give this for many back fascicles), so they are drawn with L0
        capped at the rest length."""
        return self.optimal_fibre_length > self.rest_length

    @property
    def drawn_volume(self) -> np.ndarray:  # m³: V, or PCSA · rest length where L0 is capped
        return self.pcsa * np.minimum(self.optimal_fibre_length, self.rest_length)

    @property
    def tendon_radius(self) -> np.ndarray:  # m
        return np.clip(np.sqrt(self.pcsa * TENDON_AREA_SHARE / np.pi), *TENDON_RADIUS)

    def subset(self, muscles: np.ndarray) -> "MuscleShapes":
        """The same parameters for some muscles only (indices into Model.muscles)."""
        m = np.asarray(muscles, int)
        return MuscleShapes(self.optimal_fibre_length[m], self.tendon_slack_length[m], self.max_force[m],
                            tuple(self.source[i] for i in m), self.rest_length[m], self.origin_tendon[m],
                            self.belly_reach[m])

    def fibre_length(self, lengths: np.ndarray) -> np.ndarray:
        """Fibre length L − LT for muscle–tendon lengths (..., M): what `lengths --quantity fibre` writes."""
        return np.asarray(lengths) - self.tendon_slack_length


def sheet_ids(model) -> np.ndarray:
    """Per muscle: which flat-muscle sheet it is a fascicle of (catalogue `sheets:`, one
    sheet per side), or −1."""
    from ..base.catalogue import load_catalogue

    out = np.full(len(model.muscles), -1, int)
    index = model.muscle_index
    sheet = 0
    for members in load_catalogue().sheets.values():
        for side in (members, [m[:-2] + "_l" if m.endswith("_r") else m + "_l" for m in members]):
            found = [index[m] for m in side if m in index]
            if len(found) > 1:
                out[found] = sheet
                sheet += 1
    return out


# --- the drawn shape of one frame ---------------------------------------------------------------
@dataclass(frozen=True)
class RingLayout:
    """Rings along each tube: TENDON_RINGS per tendon, `belly` across the belly (ends included)."""

    belly: int = 12
    tendon: int = TENDON_RINGS

    @property
    def count(self) -> int:
        return self.belly + 2 * self.tendon

    @property
    def belly_rings(self) -> slice:
        return slice(self.tendon, self.tendon + self.belly)

    @property
    def is_tendon(self) -> np.ndarray:  # (rings,) bool
        out = np.ones(self.count, bool)
        out[self.belly_rings] = False
        return out

    @property
    def profile(self) -> np.ndarray:  # (belly,) spindle 0 … 1 … 0
        return _spindle(self.belly)

    @property
    def fill(self) -> float:
        """Volume of a belly of length 1 and largest radius 1 drawn as circles with this profile."""
        f = self.profile
        return float(np.pi * np.mean((f[:-1] ** 2 + f[:-1] * f[1:] + f[1:] ** 2) / 3))


@lru_cache(maxsize=16)
def _spindle(rings: int) -> np.ndarray:
    profile = np.sin(np.pi * np.linspace(0.0, 1.0, rings)) ** BELLY_EXPONENT
    profile.flags.writeable = False  # shared by every caller
    return profile


def belly_share(shapes: MuscleShapes, lengths: np.ndarray, layout: "RingLayout | None" = None) -> np.ndarray:
    """Share of the path the belly spans: (L − LT)/L, lengthened to stay within BELLY_ASPECT,
    clamped to BELLY_SHARE. (..., M)."""
    L = np.asarray(lengths, float)
    share = np.divide(L - shapes.tendon_slack_length, L, out=np.ones_like(L), where=L > 0)
    # V = fill · length · (BELLY_ASPECT · length)²: the shortest belly within the aspect limit
    fill = (layout or RingLayout()).fill * BELLY_ASPECT ** 2
    shortest = np.cbrt(shapes.drawn_volume / fill) * ASPECT_MARGIN
    share = np.maximum(share, np.divide(shortest, L, out=np.ones_like(L), where=L > 0))
    return np.clip(share, *BELLY_SHARE)


def polygon_area_factor(sides: int | np.ndarray | None) -> float | np.ndarray:
    """Area of a ring of radius 1: a regular polygon of `sides` (None or 0: a true circle);
    an array of sides (one per muscle or strand) gives one area each."""
    if np.ndim(sides):
        k = np.asarray(sides, float)
        return np.where(k > 0, 0.5 * k * np.sin(2 * np.pi / np.maximum(k, 1.0)), np.pi)
    return np.pi if not sides else 0.5 * sides * np.sin(2 * np.pi / sides)


def tube_profile(shapes: MuscleShapes, lengths: np.ndarray, layout: RingLayout = RingLayout(),
                 sides: int | np.ndarray | None = None, volume_scale: float | np.ndarray = 1.0
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Ring positions and radii for muscle–tendon lengths (..., M).

    Returns u (..., M, rings): each ring's place as a share of the path's arc length from the
    origin (0) to the insertion (1), below 0 back past the origin where `belly_reach` says, and r (..., M, rings) its radius in metres. The tendon is
    split between the ends as the catalogue says (`origin_tendon`); the belly's rings are
    spaced evenly and their radii solved so
    the belly drawn with `sides`-gons (frusta between rings) holds volume_scale · drawn_volume
    exactly (drawn_volume is V except where L0 is capped).
    """
    L = np.asarray(lengths, float)
    share = belly_share(shapes, L, layout)
    reach = shapes.belly_reach * share  # (below 0: before the path's origin point)
    start = np.where(reach > 0, -reach, shapes.origin_tendon * (1.0 - share))
    end = 1.0 - share - start
    lo = np.minimum(start, 0.0)
    T, B = layout.tendon, layout.belly
    k = np.arange(T) / T
    u = np.concatenate([
        lo[..., None] + (start - lo)[..., None] * k,  # origin tendon: 0 … just before the belly
        start[..., None] + share[..., None] * np.linspace(0.0, 1.0, B),
        (start + share)[..., None] + end[..., None] * (k + 1.0 / T),  # … insertion at 1
    ], axis=-1)
    belly_len = share * L
    volume = shapes.drawn_volume * volume_scale
    c = polygon_area_factor(sides)
    # A tendon never thicker than the belly it leaves (long thin muscles with little volume).
    mean_radius = np.sqrt(np.divide(volume, c * belly_len, out=np.zeros_like(belly_len), where=belly_len > 0))
    r_t = np.minimum(shapes.tendon_radius, 0.7 * mean_radius)
    gaps = np.repeat((belly_len / (B - 1))[..., None], B - 1, axis=-1)
    belly = belly_radii(volume, r_t, gaps, layout, sides)
    r = np.empty(u.shape)
    r[..., :T] = r_t[..., None]
    r[..., layout.belly_rings] = belly
    r[..., T + B:] = r_t[..., None]
    r[..., 0] = r[..., -1] = 0.0  # the tube closes at origin and insertion
    return u, r


def belly_radii(volume: np.ndarray, r_t: np.ndarray, gaps: np.ndarray, layout: RingLayout = RingLayout(),
                sides: int | np.ndarray | None = None, profile: np.ndarray | None = None) -> np.ndarray:
    """Radii of the belly rings (..., belly) so the frusta between them hold `volume` (...).

    gaps (..., belly − 1): distances between consecutive belly rings (even in `tube_profile`;
    a renderer passes the distances its resampled centre line really has). Radius
    r_j = r_t + x·f_j; Σ c·h_j/3·(r_j² + r_j r_j+1 + r_j+1²) = V is a quadratic a·x² + b·x + c0 = V
    in the bulge x. profile: f per belly (..., belly) where it is not the layout's spindle
    (a renderer pinches it where the path bends).
    """
    f = layout.profile if profile is None else profile
    f0, f1 = f[..., :-1], f[..., 1:]
    c = polygon_area_factor(sides)
    a = c / 3 * np.sum(gaps * (f0 ** 2 + f0 * f1 + f1 ** 2), axis=-1)
    b = c * r_t * np.sum(gaps * (f0 + f1), axis=-1)
    c0 = c * r_t ** 2 * np.sum(gaps, axis=-1)
    disc = np.maximum(b * b + 4 * a * (volume - c0), 0.0)
    x = np.divide(-b + np.sqrt(disc), 2 * a, out=np.zeros_like(a), where=a > 0)
    return r_t[..., None] + x[..., None] * f


def drawn_belly_volume(u: np.ndarray, r: np.ndarray, lengths: np.ndarray, layout: RingLayout = RingLayout(),
                       sides: int | None = None) -> np.ndarray:
    """Volume of the belly as `tube_profile` lays it out, for checks (..., M) m³."""
    s = u[..., layout.belly_rings] * np.asarray(lengths)[..., None]
    rb = r[..., layout.belly_rings]
    h = np.diff(s, axis=-1)
    return polygon_area_factor(sides) * np.sum(h / 3 * (rb[..., :-1] ** 2 + rb[..., :-1] * rb[..., 1:]
                                                         + rb[..., 1:] ** 2), axis=-1)

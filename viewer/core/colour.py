"""Per-muscle value → RGB, and the legend that says what the colours mean (DESIGN §6).

The colour sources are rows of a table (SOURCES), not branches: each row says how to get
the values from a sampled scenario, how wide its neutral band is and what the legend says.
Warm (orange/red) always means *shorter*, cool (blue) *longer*, plain muscle colour *holds*.
The red–blue pair stays distinct for the common colour-vision deficiencies.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .analysis import change_since_phase_start, relative_rate

EFFORT_NOTE = "Colour shows length change, not effort: a muscle can work hard without changing length."

# Plain muscle colour: a muted dusty rose, calm next to the warm and cool ramps.
PLAIN = (0.79, 0.56, 0.53)
# Ramps from just outside the neutral band (first stop) to the limit (last stop).
WARM_RAMP = np.array([(0.99, 0.68, 0.38), (0.96, 0.43, 0.26), (0.84, 0.19, 0.15), (0.65, 0.0, 0.15)])
COOL_RAMP = np.array([(0.67, 0.85, 0.91), (0.45, 0.68, 0.82), (0.27, 0.46, 0.71), (0.19, 0.21, 0.58)])
# Where the legend swatches sample the ramps: clearly warm / cool, not the palest stop.
SWATCH_AT = 0.6
LIMIT_PERCENTILE = 95.0
LIMIT_SAMPLE_FPS = 20.0
MAX_GROUP_ROWS = 9  # a group legend longer than this would cover the body


@dataclass(frozen=True)
class ColourSource:
    key: str
    title: str  # legend heading
    unit: str
    values: Callable | None  # (kin, frames) -> (F, M) signed values; None: colour does not change
    neutral: float  # default half-width of the "holds its length" band, in `unit`
    warm: str = ""
    cool: str = ""
    plain: str = ""


SOURCES: dict[str, ColourSource] = {
    "rate": ColourSource(
        "rate", "Speed of length change", "%/s", relative_rate, 2.0,
        warm="Warm: shortening (contracting)",
        cool="Cool: lengthening (being stretched)",
        plain="Plain: length holds"),
    "change": ColourSource(
        "change", "Length change since the phase began", "%", change_since_phase_start, 1.0,
        warm="Warm: shorter than at the start of this phase",
        cool="Cool: longer than at the start of this phase",
        plain="Plain: same length as at the phase start"),
    "group": ColourSource("group", "Muscle groups", "", None, 0.0),
    "plain": ColourSource("plain", "Muscles", "", None, 0.0, plain="All muscles in one colour"),
}
DEFAULT_SOURCE = "rate"


@dataclass(frozen=True)
class LegendEntry:
    rgb: tuple[float, float, float]
    text: str


def hex_to_rgb(text: str) -> tuple[float, float, float]:
    text = text.lstrip("#")
    return tuple(int(text[i:i + 2], 16) / 255.0 for i in (0, 2, 4))


def _ramp(ramp: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Piecewise-linear colour along a ramp at s in [0, 1]: shape s.shape + (3,)."""
    stops = np.linspace(0.0, 1.0, len(ramp))
    return np.stack([np.interp(s, stops, ramp[:, c]) for c in range(3)], axis=-1)


def diverging(values: np.ndarray, neutral: float, limit: float) -> np.ndarray:
    """RGB in [0, 1] for signed values: negative warm, positive cool, |v| < neutral plain."""
    values = np.asarray(values, float)
    magnitude = np.abs(values)
    span = max(limit - neutral, 1e-9)
    s = np.clip((magnitude - neutral) / span, 0.0, 1.0)
    out = np.where((values < 0)[..., None], _ramp(WARM_RAMP, s), _ramp(COOL_RAMP, s))
    out[magnitude < neutral] = PLAIN
    return out


def symmetric_limit(values: np.ndarray, neutral: float) -> float:
    """The 95th percentile of |value| over the samples outside the neutral band."""
    moving = np.abs(values[np.abs(values) >= neutral])
    if moving.size == 0:
        return max(2.0 * neutral, 1.0)
    return max(float(np.percentile(moving, LIMIT_PERCENTILE)), neutral * 1.5, 1e-6)


def _rows_at(frames, times: np.ndarray) -> np.ndarray | None:
    """Rows of `frames` sampled at exactly `times`, or None if some time is not among them."""
    if frames is None or len(frames.times) == 0:
        return None
    rows = np.minimum(np.searchsorted(frames.times, times - 1e-9), len(frames.times) - 1)
    return rows if np.allclose(frames.times[rows], times, rtol=0, atol=1e-9) else None


class Colouring:
    """How one scenario's muscles are coloured: a source, its neutral band and its limit.

    Arguments left as None come from the scenario's `colour:` section, then the source's defaults.
    """

    def __init__(self, kin, source: str | None = None, limit: float | None = None, neutral: float | None = None,
                 frames=None):
        """frames: the scenario already sampled (a Session's); its rows at the limit's times are used."""
        settings = kin.scenario.colour or {}
        key = source or settings.get("source") or DEFAULT_SOURCE
        if key not in SOURCES:
            from .errors import ViewerError, suggest

            raise ViewerError(f"unknown colour source '{key}'{suggest(key, SOURCES)}; use {', '.join(SOURCES)}")
        self.kin = kin
        self.source = SOURCES[key]
        self.neutral = float(neutral if neutral is not None else settings.get("neutral", self.source.neutral))
        model = kin.model
        self._group_rgb = np.array([hex_to_rgb(model.groups[m.group].colour) if m.group in model.groups else PLAIN
                                    for m in model.muscles])
        self.limit = 0.0
        if self.source.values is not None:
            given = limit if limit is not None else settings.get("limit")
            self.limit = float(given) if given is not None else self._scenario_limit(frames)

    def _scenario_limit(self, frames=None) -> float:
        times = self.kin.times(LIMIT_SAMPLE_FPS)
        rows = _rows_at(frames, times)
        if rows is None:
            return symmetric_limit(self.source.values(self.kin, self.kin.sample(times)), self.neutral)
        # Every value is per frame: the rows of a 60 fps batch are the 20 fps samples (no second MuJoCo pass).
        return symmetric_limit(self.source.values(self.kin, frames)[rows], self.neutral)

    @property
    def key(self) -> str:
        return self.source.key

    def values(self, frames, direction: np.ndarray | None = None) -> np.ndarray | None:
        """(F, M) values of the source, or None for fixed colours.

        direction: +1 / −1 per frame; −1 for frames played backwards (a shortening muscle,
        played in reverse, lengthens), used by rate sources only.
        """
        if self.source.values is None:
            return None
        values = self.source.values(self.kin, frames)
        if direction is not None and self.source.key == "rate":
            values = values * np.asarray(direction, float)[:, None]
        return values

    def colours(self, frames, direction: np.ndarray | None = None) -> np.ndarray:
        """(F, M, 3) RGB in [0, 1]."""
        return self.paint(frames, direction)[0]

    def paint(self, frames, direction: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(F, M, 3) RGB in [0, 1] and (F, M) strength in [0, 1]: 0 in the neutral band, 1 at the limit.

        The strength lets a renderer make moving muscles stand out from still ones.
        """
        values = self.values(frames, direction)
        F, M = len(frames), len(self.kin.model.muscles)
        if values is not None:
            strength = np.clip((np.abs(values) - self.neutral) / max(self.limit - self.neutral, 1e-9), 0.0, 1.0)
            strength[np.abs(values) < self.neutral] = 0.0
            return diverging(values, self.neutral, self.limit), strength
        fixed = self._group_rgb if self.source.key == "group" else np.array(PLAIN)
        return np.broadcast_to(fixed, (F, M, 3)).copy(), np.zeros((F, M))

    # --- legend ---------------------------------------------------------------------------
    def shown_groups(self, hidden: np.ndarray | None = None) -> list[str]:
        """Groups with at least one drawn muscle, focus groups first (the group legend's rows)."""
        model = self.kin.model
        drawn = np.ones(len(model.muscles), bool) if hidden is None else ~np.asarray(hidden, bool)
        present = [g for g in model.groups if any(drawn[i] and m.group == g for i, m in enumerate(model.muscles))]
        focus = [g for g in self.kin.scenario.focus if g in present]
        return focus + [g for g in present if g not in focus]

    def legend_for(self, hidden: np.ndarray | None = None) -> list[LegendEntry]:
        """What the colours mean, for the muscles drawn (hidden: bool per muscle)."""
        s = self.source
        if s.values is not None:
            return [LegendEntry(tuple(_ramp(WARM_RAMP, np.array(SWATCH_AT))), s.warm),
                    LegendEntry(tuple(_ramp(COOL_RAMP, np.array(SWATCH_AT))), s.cool),
                    LegendEntry(PLAIN, s.plain)]
        if s.key == "group":
            groups = self.kin.model.groups
            return [LegendEntry(hex_to_rgb(groups[g].colour), g.capitalize())
                    for g in self.shown_groups(hidden)[:MAX_GROUP_ROWS]]
        return [LegendEntry(PLAIN, s.plain)]

    @property
    def legend(self) -> list[LegendEntry]:
        return self.legend_for(None)

    def scale_text_for(self, hidden: np.ndarray | None = None) -> str:
        """The numbers behind the colours in one short line; for groups, how many rows were left out."""
        if self.source.key == "group":
            more = len(self.shown_groups(hidden)) - MAX_GROUP_ROWS
            return f"and {more} more group{'s' if more > 1 else ''} (see the muscle panel)" if more > 0 else ""
        if self.source.values is None:
            return ""
        return (f"Plain below {self.neutral:g} {self.source.unit}; "
                f"full colour at {self.limit:.3g} {self.source.unit}")

    @property
    def scale_text(self) -> str:
        return self.scale_text_for(None)

    @property
    def note(self) -> str:
        return EFFORT_NOTE if self.source.values is not None else ""


def share_scale(colourings: list[Colouring]) -> list[Colouring]:
    """The colourings rebuilt with one limit, the larger of their own, so a colour means the same
    in both panels of a comparison."""
    if colourings[0].source.values is None:
        return list(colourings)
    limit = max(c.limit for c in colourings)
    return [Colouring(c.kin, c.key, limit=limit, neutral=c.neutral) for c in colourings]

"""Per-muscle value → RGB, and the legend that says what the colours mean (DESIGN §6).

The colour sources are rows of a table (SOURCES), not branches: each row says how to get
the values from a sampled scenario, how wide its neutral band is and what the legend says.
Warm (orange/red) always means *shorter*, cool (blue) *longer*, a neutral grey *holds*.
The red–grey–blue triple stays distinct for the common colour-vision deficiencies (tested).

A paused or held frame still speaks (DESIGN §6): the rate is zero at a turning point and in a
hold, so a source may name `held` values — the rate's are the change since the start of the
exercise. Where a muscle's rate falls inside the neutral band its colour blends into the colour
of its held value, fully so when it stands still; once it moves again, the rate colours rule.
The rule depends on the scenario time only, so a frame looks the same paused or playing, in the
window, an export or the page (which all paint through `Colouring.paint`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .lengths import change_since_phase_start, change_since_start, relative_rate

EFFORT_NOTE = "Colour shows length change, not effort: a muscle can work hard without changing length."

# Plain muscle colour: a clear neutral grey (a rose tone read as "warm" once shaded); ΔE ≥ 28
# from the warm and cool swatches under simulated deuteranopia and protanopia (tests/test_colour.py).
PLAIN = (0.72, 0.72, 0.71)
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
    # (kin, frames, start lengths (M,)) -> (F, M) what a still muscle shows, in held_unit; None: nothing
    held: Callable | None = None
    held_neutral: float = 0.0
    held_unit: str = ""
    held_text: str = ""  # the rule in words, for the legend


SOURCES: dict[str, ColourSource] = {
    "rate": ColourSource(
        "rate", "Speed of length change", "%/s", relative_rate, 2.0,
        warm="Warm: shortening (contracting)",
        cool="Cool: lengthening (being stretched)",
        plain="Grey: length holds",
        held=change_since_start, held_neutral=1.0, held_unit="%",
        held_text="Paused or held, a muscle keeps the colour of its change since the start."),
    "change": ColourSource(
        "change", "Length change since the phase began", "%", change_since_phase_start, 1.0,
        warm="Warm: shorter than at the start of this phase",
        cool="Cool: longer than at the start of this phase",
        plain="Grey: same length as at the phase start"),
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


def _strength(values: np.ndarray, neutral: float, limit: float) -> np.ndarray:
    """0 inside the neutral band, rising to 1 at the limit."""
    magnitude = np.abs(values)
    strength = np.clip((magnitude - neutral) / max(limit - neutral, 1e-9), 0.0, 1.0)
    strength[magnitude < neutral] = 0.0
    return strength


def still_weight(rates: np.ndarray, neutral: float) -> np.ndarray:
    """How still each muscle is: 1 at rate 0, falling to 0 at the neutral band's edge and outside it."""
    if neutral <= 0:
        return (np.asarray(rates) == 0).astype(float)
    return np.clip(1.0 - np.abs(rates) / neutral, 0.0, 1.0)


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


def legend_colours() -> list[tuple[float, float, float]]:
    """The swatches of a diverging legend: warm, neutral, cool."""
    return [tuple(_ramp(WARM_RAMP, np.array(SWATCH_AT))), PLAIN, tuple(_ramp(COOL_RAMP, np.array(SWATCH_AT)))]


class Colouring:
    """How one scenario's muscles are coloured: a source, its neutral band and its limit.

    Arguments left as None come from the scenario's `colour:` section, then the source's defaults.
    """

    def __init__(self, kin, source: str | None = None, limit: float | None = None, neutral: float | None = None,
                 frames=None, held_limit: float | None = None):
        """frames: the scenario already sampled (a Session's); its rows at the limit's times are used."""
        settings = kin.scenario.colour or {}
        key = source or settings.get("source") or DEFAULT_SOURCE
        if key not in SOURCES:
            from ..base.errors import ViewerError, suggest

            raise ViewerError(f"unknown colour source '{key}'{suggest(key, SOURCES)}; use {', '.join(SOURCES)}")
        self.kin = kin
        self.source = SOURCES[key]
        self.neutral = float(neutral if neutral is not None else settings.get("neutral", self.source.neutral))
        model = kin.model
        self._group_rgb = np.array([hex_to_rgb(model.groups[m.group].colour) if m.group in model.groups else PLAIN
                                    for m in model.muscles])
        self.limit = self.held_limit = 0.0
        self._start_lengths = None
        if self.source.held is not None:
            start = _rows_at(frames, np.zeros(1))
            self._start_lengths = (frames.lengths[start[0]] if start is not None
                                   else kin.sample(np.zeros(1)).lengths[0]).copy()
        if self.source.values is not None:
            given = limit if limit is not None else settings.get("limit")
            self.limit = float(given) if given is not None else symmetric_limit(
                self._measured(lambda f: self.source.values(kin, f), frames), self.neutral)
            if self.source.held is not None:
                self.held_limit = float(held_limit) if held_limit is not None else symmetric_limit(
                    self._measured(lambda f: self.source.held(kin, f, self._start_lengths), frames),
                    self.source.held_neutral)

    def _measured(self, values: Callable, frames=None) -> np.ndarray:
        """values(frames) at LIMIT_SAMPLE_FPS, where the limits are measured."""
        times = self.kin.times(LIMIT_SAMPLE_FPS)
        rows = _rows_at(frames, times)
        if rows is None:
            return values(self.kin.sample(times))
        # Every value is per frame: the rows of a 60 fps batch are the 20 fps samples (no second MuJoCo pass).
        return values(frames)[rows]

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

        The strength lets a renderer make moving muscles stand out from still ones. A source with
        held values blends them in where the rate falls inside the neutral band (the module's rule).
        """
        values = self.values(frames, direction)
        F, M = len(frames), len(self.kin.model.muscles)
        if values is None:
            fixed = self._group_rgb if self.source.key == "group" else np.array(PLAIN)
            return np.broadcast_to(fixed, (F, M, 3)).copy(), np.zeros((F, M))
        rgb, strength = diverging(values, self.neutral, self.limit), _strength(values, self.neutral, self.limit)
        if self.source.held is None:
            return rgb, strength
        held = self.held_values(frames)
        stillness = still_weight(values, self.neutral)[..., None]  # 1 standing still, 0 at the band's edge
        held_rgb = diverging(held, self.source.held_neutral, self.held_limit)
        held_strength = _strength(held, self.source.held_neutral, self.held_limit)
        return (rgb * (1.0 - stillness) + held_rgb * stillness,
                strength * (1.0 - stillness[..., 0]) + held_strength * stillness[..., 0])

    def held_values(self, frames) -> np.ndarray | None:
        """(F, M) what a still muscle shows (the rate's: % change since the start), or None."""
        if self.source.held is None:
            return None
        return self.source.held(self.kin, frames, self._start_lengths)

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
            warm, plain, cool = legend_colours()
            return [LegendEntry(warm, s.warm), LegendEntry(cool, s.cool), LegendEntry(plain, s.plain)]
        if s.key == "group":
            groups = self.kin.model.groups
            return [LegendEntry(hex_to_rgb(groups[g].colour), g.capitalize())
                    for g in self.shown_groups(hidden)[:MAX_GROUP_ROWS]]
        return [LegendEntry(PLAIN, s.plain)]

    @property
    def legend(self) -> list[LegendEntry]:
        return self.legend_for(None)

    def scale_text_for(self, hidden: np.ndarray | None = None) -> str:
        """The numbers behind the colours in short lines; for groups, how many rows were left out."""
        if self.source.key == "group":
            more = len(self.shown_groups(hidden)) - MAX_GROUP_ROWS
            return f"and {more} more group{'s' if more > 1 else ''} (see the muscle panel)" if more > 0 else ""
        if self.source.values is None:
            return ""
        s = self.source
        nb = "\u00a0"  # a number and its unit stay on one line
        text = f"Grey below {self.neutral:g}{nb}{s.unit}; full colour at {self.limit:.3g}{nb}{s.unit}"
        if s.held is not None:
            text += f"; still: full at {self.held_limit:.3g}{nb}{s.held_unit}"
        return text

    @property
    def scale_text(self) -> str:
        return self.scale_text_for(None)

    @property
    def note(self) -> str:
        """The held rule, if the source has one, and that colour is not effort."""
        if self.source.values is None:
            return ""
        return f"{self.source.held_text} {EFFORT_NOTE}" if self.source.held else EFFORT_NOTE


def share_scale(colourings: list[Colouring]) -> list[Colouring]:
    """The colourings rebuilt with one limit (and one held limit), the larger of their own, so a colour means the same
    in both panels of a comparison."""
    if colourings[0].source.values is None:
        return list(colourings)
    limit = max(c.limit for c in colourings)
    held = max(c.held_limit for c in colourings) if colourings[0].source.held else None
    return [Colouring(c.kin, c.key, limit=limit, neutral=c.neutral, held_limit=held) for c in colourings]

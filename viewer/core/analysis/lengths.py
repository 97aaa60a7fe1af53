"""What the lengths mean: relative rates, change per phase, rankings, landmark distances."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..motion.frames import Frames
from ..motion.kinematics import Kinematics
from ..scenario.format import Phase

from ..view.movers import UNCHANGED_PERCENT  # noqa: F401  (the summary command reads it here)
SIDES_AGREE_PERCENT = 0.05  # left and right are reported together when they differ less


def relative_rate(kin: Kinematics, frames: Frames) -> np.ndarray:
    """ε̇ = (dL/dt) / L₀ in %/s, L₀ the length in the neutral pose (DESIGN §6). (F, M)."""
    return frames.velocities / kin.neutral_lengths * 100.0


def change_since_phase_start(kin: Kinematics, frames: Frames) -> np.ndarray:
    """% length change since the start of the phase each time falls in (else since t = 0)."""
    scenario = kin.scenario
    starts = np.zeros_like(frames.times)
    assigned = np.zeros(frames.times.size, bool)
    for phase in scenario.phases:  # at a shared boundary the earlier phase wins, as in phase_at
        inside = (frames.times >= phase.start) & (frames.times <= phase.end) & ~assigned
        starts[inside] = phase.start
        assigned |= inside
    unique = np.unique(starts)
    reference = kin.sample(unique).lengths
    rows = np.searchsorted(unique, starts)
    return (frames.lengths / reference[rows] - 1.0) * 100.0


def change_since_start(kin: Kinematics, frames: Frames, start_lengths: np.ndarray | None = None) -> np.ndarray:
    """% length change since t = 0, the start of the exercise. (F, M).

    start_lengths: the lengths at t = 0 when the caller has them (else sampled here)."""
    if start_lengths is None:
        start_lengths = kin.sample(np.zeros(1)).lengths[0]
    return (frames.lengths / start_lengths - 1.0) * 100.0


def landmark_distances(kin: Kinematics, frames: Frames) -> dict[str, np.ndarray]:
    """Distance in metres between the two landmarks of each `measure` entry, over time."""
    names = kin.landmark_names
    out = {}
    for m in kin.scenario.measure:
        a, b = frames.landmarks[:, names.index(m.start)], frames.landmarks[:, names.index(m.end)]
        out[m.label] = np.linalg.norm(a - b, axis=1)
    return out


@dataclass
class Mover:
    label: str  # "Iliacus (right and left)"
    group: str
    change: float  # % over the phase
    muscles: list[str]  # model names


@dataclass
class PhaseSummary:
    name: str
    start: float
    end: float
    caption: str
    shortening: list[Mover]
    lengthening: list[Mover]
    unchanged_focus: list[str]  # compact names of focus-group muscles that keep their length


def _pair_up(model, change: np.ndarray, indices) -> list[Mover]:
    """One entry per muscle, with right and left merged when they change alike."""
    by_name: dict[tuple, list[int]] = {}
    for i in indices:
        m = model.muscles[i]
        by_name.setdefault((m.lay_name, m.group), []).append(i)
    out = []
    for (lay, group), members in by_name.items():
        values = change[members]
        if len(members) == 2 and np.ptp(values) < SIDES_AGREE_PERCENT:
            out.append(Mover(f"{lay} (right and left)", group, float(values.mean()),
                             [model.muscles[i].name for i in members]))
        else:
            out += [Mover(model.muscles[i].label, group, float(change[i]), [model.muscles[i].name]) for i in members]
    return out


def _compact(model, indices) -> list[str]:
    """'External oblique (12 fascicles)' instead of twelve lines; one muscle keeps its full name."""
    by_base: dict[str, dict[str, set]] = {}
    for i in indices:
        m = model.muscles[i]
        by_base.setdefault(m.lay_name.split(",")[0], {}).setdefault(m.lay_name, set()).add(m.side)
    out = []
    for base, names in by_base.items():
        if len(names) > 1:
            out.append(f"{base} ({len(names)} fascicles)")
            continue
        (name, sides), = names.items()
        out.append(f"{name} ({'right and left' if len(sides) == 2 else next(iter(sides)) or 'one side'})")
    return out


def summarize(kin: Kinematics, top: int = 8) -> list[PhaseSummary]:
    """Per phase (or the whole scenario without phases): who shortens, lengthens, holds."""
    scenario, model = kin.scenario, kin.model
    phases = scenario.phases or [Phase("Whole exercise", 0.0, scenario.duration)]
    ends = kin.sample(sorted({t for p in phases for t in (p.start, p.end)}))
    at = {float(t): ends.lengths[i] for i, t in enumerate(ends.times)}
    focus = {m.index for g in scenario.focus for m in model.muscles_in(g)}
    out = []
    for p in phases:
        change = (at[float(p.end)] / at[float(p.start)] - 1.0) * 100.0
        order = np.argsort(change)
        moved = [i for i in order if abs(change[i]) >= UNCHANGED_PERCENT]
        shortening = _pair_up(model, change, [i for i in moved if change[i] < 0])
        lengthening = _pair_up(model, change, [i for i in moved if change[i] > 0])
        unchanged = [i for i in sorted(focus) if abs(change[i]) < UNCHANGED_PERCENT]
        out.append(PhaseSummary(p.name, p.start, p.end, p.caption,
                                sorted(shortening, key=lambda m: m.change)[:top],
                                sorted(lengthening, key=lambda m: -m.change)[:top],
                                _compact(model, unchanged)))
    return out


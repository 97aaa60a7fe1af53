"""Gait as cycles: heel strikes and toe-offs, cycles from one heel strike to the next of the same
foot, lengths normalised to 0–100 % of a cycle, and per-phase (stance, swing) ranges.

Events come from the ground reaction forces when the trial has them (a foot's force rising
above 20 N is its heel strike, falling below is its toe-off; which foot is the one whose heel
is nearest the centre of pressure), else from foot kinematics (Zeni et al. 2008: a heel strike
is where the heel is farthest ahead of the pelvis, a toe-off where the toes are farthest behind).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CONTACT_NEWTONS = 20.0  # the usual force-plate threshold for foot contact
EVENT_FPS = 100.0  # samples per second the events are looked for at (10 ms)
STRIDE_SWING = 0.25  # m a heel swings ahead of and behind the pelvis at the least, to call it walking
CYCLE_POINTS = 101  # 0, 1, …, 100 % of the cycle
SIDES = {"right": "_r", "left": "_l"}


@dataclass
class Cycle:
    side: str
    start: float  # scenario seconds: heel strike
    end: float  # the next heel strike of the same foot
    toe_off: float | None  # the foot leaves the ground: stance before, swing after

    @property
    def stance_percent(self) -> float | None:
        return None if self.toe_off is None else 100.0 * (self.toe_off - self.start) / (self.end - self.start)


@dataclass
class GaitEvents:
    source: str  # "ground reaction forces" or "foot kinematics"
    heel_strikes: dict[str, list[float]] = field(default_factory=dict)  # side → scenario seconds
    toe_offs: dict[str, list[float]] = field(default_factory=dict)

    def cycles(self, side: str = "right") -> list[Cycle]:
        strikes = self.heel_strikes.get(side, [])
        out = []
        for a, b in zip(strikes, strikes[1:]):
            offs = [t for t in self.toe_offs.get(side, []) if a < t < b]
            out.append(Cycle(side, a, b, offs[0] if offs else None))
        return out


def foot_bodies(model, side: str) -> tuple[int, int, int] | None:
    """(pelvis, heel, toes) body ids, or None where the model has no such feet."""
    suffix = SIDES[side]
    ids = [model.body_id(name) for name in ("pelvis", "calcn" + suffix, "toes" + suffix)]
    return None if min(ids) < 0 else tuple(ids)


def gait_events(kin) -> GaitEvents | None:
    """Heel strikes and toe-offs of both feet, or None for a model without feet."""
    model = kin.model
    feet = {side: foot_bodies(model, side) for side in SIDES}
    if not all(feet.values()):
        return None
    recordings = getattr(kin, "recordings", None)
    if recordings is not None and recordings.grf is not None:
        events = _from_forces(kin, recordings.grf, feet)
        if events.cycles("right") or events.cycles("left"):
            return events
    # no forces, or too few steps on the plates for a cycle: the feet's own motion
    times = np.linspace(0.0, kin.scenario.duration, max(int(kin.scenario.duration * EVENT_FPS) + 1, 2))
    return _from_kinematics(times, kin.sample(times), feet)


def _from_kinematics(times, frames, feet) -> GaitEvents:
    # Forward: the way a heel moves fastest relative to the pelvis (its swing), along the main axis
    # of its back-and-forth; this holds overground and on a treadmill alike.
    pelvis = frames.body_pos[:, feet["right"][0]]
    swing = frames.body_pos[:, feet["right"][1]] - pelvis
    swing[:, 2] = 0.0  # along the floor
    axis = np.linalg.svd(swing - swing.mean(axis=0), full_matrices=False)[2][0]
    along = np.diff(swing @ axis)
    forward = axis * (np.sign(along[np.argmax(np.abs(along))]) or 1.0) if along.size else axis
    events = GaitEvents("foot kinematics")
    for side, (p, heel, toes) in feet.items():
        ahead = (frames.body_pos[:, heel] - frames.body_pos[:, p]) @ forward
        behind = (frames.body_pos[:, toes] - frames.body_pos[:, p]) @ forward
        if np.ptp(ahead) < STRIDE_SWING:  # a squat or a reach: the feet do not step
            events.heel_strikes[side], events.toe_offs[side] = [], []
            continue
        events.heel_strikes[side] = [float(times[i]) for i in _peaks(ahead)]
        events.toe_offs[side] = [float(times[i]) for i in _peaks(-behind)]
    return events


def _peaks(values: np.ndarray, least_share: float = 0.3) -> list[int]:
    """Local maxima that stand out from the signal's range (a stride's extreme, not a wobble)."""
    if values.size < 3:
        return []
    span = np.ptp(values)
    if span <= 1e-6:
        return []
    level = values.min() + (1 - least_share) * span
    out = []
    for i in range(1, values.size - 1):
        if values[i] >= values[i - 1] and values[i] > values[i + 1] and values[i] >= level:
            if not out or i - out[-1] > 10:
                out.append(i)
    return out


def _from_forces(kin, grf, feet) -> GaitEvents:
    """Contact on each plate, at the recording's own rate, given to the foot whose heel is nearest
    its centre of pressure in the middle of the contact."""
    start = kin.scenario.lab_start
    inside = (grf.times >= start) & (grf.times <= start + kin.scenario.duration)
    lab_times = grf.times[inside]
    events = GaitEvents("ground reaction forces", {s: [] for s in SIDES}, {s: [] for s in SIDES})
    if lab_times.size < 3:
        return events
    force, point = grf.at(lab_times)
    contacts = []  # (plate, first contact sample, last contact sample or None)
    for p in range(force.shape[1]):
        contact = force[:, p, 1] > CONTACT_NEWTONS  # OpenSim's y is up
        # an edge where the recording (or the motion) starts or ends is not an event: the foot was already down
        edges = np.flatnonzero(np.diff(contact.astype(int)))
        starts = [e + 1 for e in edges if contact[e + 1]]
        ends = [e for e in edges if not contact[e + 1]]
        contacts += [(p, s, next((e for e in ends if e > s), None)) for s in starts]
    if not contacts:
        return events
    middles = [(s + e) // 2 if e is not None else s for _, s, e in contacts]
    frames = kin.sample(lab_times[middles] - start)  # the feet only where a contact needs a foot
    R, shift = kin._root[:3, :3], kin._root[:3, 3]
    for k, (p, s, e) in enumerate(contacts):
        centre = point[middles[k], p] @ R.T + shift
        side = min(SIDES, key=lambda side: np.linalg.norm(frames.body_pos[k, feet[side][1]] - centre))
        events.heel_strikes[side].append(float(lab_times[s] - start))
        if e is not None:
            events.toe_offs[side].append(float(lab_times[e] - start))
    for side in SIDES:
        events.heel_strikes[side].sort()
        events.toe_offs[side].sort()
    return events


def cycle_times(cycle: Cycle, points: int = CYCLE_POINTS) -> np.ndarray:
    """Scenario times at 0, 1, …, 100 % of a cycle."""
    return np.linspace(cycle.start, cycle.end, points)


@dataclass
class PhaseRange:
    name: str  # stance or swing
    percent: tuple[float, float]  # of the cycle, averaged over the cycles
    low: np.ndarray  # (M,) shortest length in this phase, over every cycle, m
    high: np.ndarray  # (M,) longest
    mean: np.ndarray  # (M,) mean length, for ranges in %


def phase_ranges(kin, cycles: list[Cycle]) -> list[PhaseRange]:
    """Per phase (stance, swing) of the cycles, each muscle's minimum and maximum length."""
    full = [c for c in cycles if c.toe_off is not None]
    if not full:
        return []
    out = []
    for name, spans in (("stance", [(c.start, c.toe_off) for c in full]), ("swing", [(c.toe_off, c.end) for c in full])):
        lengths = np.concatenate([kin.sample(np.linspace(a, b, 51)).lengths for a, b in spans])
        share = [100.0 * (b - a) / (c.end - c.start) for (a, b), c in zip(spans, full)]
        start = 0.0 if name == "stance" else float(np.mean([c.stance_percent for c in full]))
        out.append(PhaseRange(name, (start, start + float(np.mean(share))), lengths.min(axis=0),
                              lengths.max(axis=0), lengths.mean(axis=0)))
    return out

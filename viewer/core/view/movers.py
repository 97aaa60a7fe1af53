"""Which muscles to point at: the movers of a phase (3D labels) and the plot's default curves.

Plain numpy on lengths, so the renderer can use it without touching MuJoCo.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .captions import AMBIGUOUS_FIRST_WORDS, GROUP_WORDS, MUSCLE_WORDS, caption_claims

UNCHANGED_PERCENT = 0.5  # |change| below this over a phase counts as "keeps its length"


OUTLIER_RATIO = 2.5  # a curve moving this much more than the typical other curve squashes the rest


def plot_muscles(model, focus: list[str], percent_change: np.ndarray, count: int = 6) -> tuple[list[int], list[int]]:
    """Default curves of the length plot: (shown, outliers), model muscle indices.

    The focus groups' muscles that change most (one side each, the one moving more), or without a
    focus every muscle's. A muscle that changes OUTLIER_RATIO times more than the median of
    the curves after it (Anconeus +108 % in the curl, against 14–32 % for the rest) is left
    out of the default so it does not squash the others, and handed back as an outlier.
    """
    pool = [m for g in focus for m in model.muscles_in(g)] if focus else list(model.muscles)
    spread = np.ptp(percent_change, axis=0)
    by_name: dict[str, int] = {}  # one side per muscle: the one that moves more (the dead bug's left leg first)
    for m in pool:
        if m.lay_name not in by_name or spread[m.index] > spread[by_name[m.lay_name]] + 1e-9:
            by_name[m.lay_name] = m.index
    ranked = sorted(by_name.values(), key=lambda i: -spread[i])
    outliers = []
    while len(ranked) > 1:
        rest = spread[ranked[1:count + 1]]
        rest = rest[rest >= UNCHANGED_PERCENT]  # muscles that hold their length squash nothing
        if not rest.size or spread[ranked[0]] <= OUTLIER_RATIO * np.median(rest):
            break
        outliers.append(ranked.pop(0))
    return [i for i in ranked[:count] if spread[i] > 0], outliers


LABEL_MIN_PERCENT = 3.0  # a muscle is worth a label once it has changed this much in the phase


def top_changes(model, start_lengths: np.ndarray, lengths: np.ndarray, candidates=None,
                count: int = 3) -> list[tuple[int, float]]:
    """The muscles that changed most from `start_lengths` to `lengths` (M,): (index, % change),
    largest |change| first, one side only (right or unsided), one per muscle name (the
    fascicles of one muscle count once)."""
    change = (np.asarray(lengths) / start_lengths - 1.0) * 100.0
    pool = range(len(model.muscles)) if candidates is None else candidates
    pool = [i for i in pool if model.muscles[i].side != "left"]
    out, seen = [], set()
    for i in sorted(pool, key=lambda i: -abs(change[i])):
        base = model.muscles[i].lay_name.split(",")[0]
        if base in seen or abs(change[i]) < UNCHANGED_PERCENT:
            continue
        seen.add(base)
        out.append((i, float(change[i])))
        if len(out) == count:
            break
    return out


@dataclass(frozen=True)
class Unit:
    """One muscle as a clinician names it, on one side or both: what one label speaks for."""

    name: str  # "Internal oblique", "Deltoid, front part"
    side: str  # "right" | "left" | "" (both sides alike, or an unsided muscle)
    members: tuple  # model indices pooled (fascicles, heads; both sides when side is "")
    weights: tuple  # volume share of each member
    group: str

    def change(self, start: np.ndarray, lengths: np.ndarray) -> float:
        """Volume-weighted % length change of the members from `start` to `lengths` (M,)."""
        m = np.asarray(self.members)
        return float(np.dot(self.weights, (lengths[m] / start[m] - 1.0) * 100.0))


@dataclass(frozen=True)
class PhaseLabels:
    """The labels of one phase: fixed for the whole phase, so they never flip between neighbouring times."""

    units: tuple  # Unit, in the order shown
    reference: float  # seconds: changes are measured from here (the phase start, or 0 in a hold)
    held: bool  # a hold: the text says what the movement left ('shortened 30 %'), not 'shortening'
    signs: tuple  # per unit: the direction at the phase end (−1 shorter, +1 longer)


def _parts(model, indices) -> dict:
    """(base name, side) → member indices: one entry per anatomical muscle and side."""
    out: dict = {}
    for i in indices:
        m = model.muscles[i]
        out.setdefault((m.lay_name.split(",")[0], m.side), []).append(i)
    return out


def _pool(model, volume: np.ndarray, base: str, side: str, members: list, change: np.ndarray) -> Unit:
    """The muscle's members pooled by volume; where its named parts (heads, parts) move in opposite
    directions, the part that changes most stands for it under its own name ('Deltoid, front part')."""
    main = model.muscles[max(members, key=lambda i: volume[i])].group
    members = [i for i in members if model.muscles[i].group == main]  # the psoas, not its spinal fascicles
    moving = [i for i in members if abs(change[i]) >= UNCHANGED_PERCENT]
    fascicles = all("fascicle" in model.muscles[i].lay_name or "," not in model.muscles[i].lay_name for i in members)
    if not fascicles and len({np.sign(change[i]) for i in moving}) > 1:
        top = max(moving, key=lambda i: volume[i] * abs(change[i]))
        members, base = [top], model.muscles[top].lay_name
    v = volume[members]
    return Unit(base, side, tuple(members), tuple(v / v.sum()), model.muscles[members[int(np.argmax(v))]].group)


def named_in(text: str, model) -> set:
    """Model indices of the muscles a text names: by group ('hip flexors'), by muscle ('iliacus',
    'psoas major', 'the obliques') or by a common short form ('vasti', 'glutes', 'calves')."""
    text = text.lower()
    out = set()
    for group in model.groups:
        words = [group] + GROUP_WORDS.get(group, [])
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            out |= {m.index for m in model.muscles_in(group)}
    for m in model.muscles:
        base = m.lay_name.split(",")[0].lower()
        forms = {base, base.split()[0]} if base.split()[0] not in AMBIGUOUS_FIRST_WORDS else {base}
        forms |= set(MUSCLE_WORDS.get(base, []))
        if any(re.search(rf"\b{re.escape(f)}s?\b", text) for f in forms):
            out.add(m.index)
    return out


def pinned(model, names) -> set:
    """Model indices of the muscles `labels:` names (model names, lay names or their base)."""
    out = set()
    for name in names:
        key = str(name).strip().lower()
        out |= {m.index for m in model.muscles if key in (m.name.lower(), m.lay_name.lower(),
                                                           m.lay_name.split(",")[0].lower())}
    return out


def label_name_known(model, name: str) -> bool:
    return bool(pinned(model, [name]))


SIDES_DIFFER_PERCENT = 3.0  # right and left get a label each when their changes differ more than this


class PhaseMovers:
    """The labels beside the body, phase by phase (DESIGN §6 'Labels tell the story').

    - candidates: the muscles `labels:` pins, else the focus groups' and those the captions name
      (all muscles when there are neither);
    - one label per anatomical muscle (fascicles and heads pooled by volume), per side only where
      the two sides differ;
    - ranked by volume × |% change| (what a clinician names: the prime movers, not a tiny muscle
      with a large relative change), the muscles the phase's own caption names first;
    - never a direction the phase's caption contradicts (captions.caption_claims);
    - chosen once per phase from its end, so a label never flips to a neighbour mid-phase.
    In a hold (no muscle changes length) the labels say what the movement left since the start,
    as the held colours do.
    """

    def __init__(self, kin, count: int = 3):
        scenario, model = kin.scenario, kin.model
        self.scenario, self.model, self.count = scenario, model, count
        self.volume = _volumes(model)
        pins = list(getattr(scenario, "labels", []) or [])
        if pins:
            base = pinned(model, pins)
        else:
            base = {m.index for g in scenario.focus for m in model.muscles_in(g)}
            for p in scenario.phases:
                base |= named_in(p.caption, model)
            base |= named_in(scenario.summary or "", model)
        self.candidates = sorted(base) or list(range(len(model.muscles)))
        phases = list(scenario.phases) or [_Whole(scenario.duration)]
        times = sorted({0.0} | {t for p in phases for t in (p.start, p.end)})
        sampled = kin.sample(times)
        self._at = {round(float(t), 9): sampled.lengths[k] for k, t in enumerate(sampled.times)}
        self.start_lengths = self._at[0.0]
        self.legs = split_stance(kin)
        self.phases = [(p, self._choose(p, caption_claims(p.caption, model, self.legs), bool(pins))) for p in phases]

    def side_name(self, unit: Unit) -> str:
        """The words for a label's side: 'back leg' for a leg muscle in a split stance, else 'left'/'right'."""
        if unit.side and unit.group in LEG_GROUPS:
            return self.legs.get(unit.side, unit.side)
        return unit.side

    def _lengths(self, t: float) -> np.ndarray:
        return self._at[round(float(t), 9)]

    def _choose(self, phase, claims: dict, pinned_only: bool) -> PhaseLabels:
        model = self.model
        start, end = self._lengths(phase.start), self._lengths(phase.end)
        over_phase = (end / start - 1.0) * 100.0
        held = float(np.abs(over_phase).max()) < UNCHANGED_PERCENT if over_phase.size else True
        reference = 0.0 if held else phase.start
        change = (end / self._lengths(reference) - 1.0) * 100.0
        units = []
        parts = _parts(model, self.candidates)
        two_sided = {m.lay_name.split(",")[0] for m in model.muscles if m.side == "left"}
        parts = {(b, s if b in two_sided else ""): v for (b, s), v in parts.items()}
        for (base, side), members in parts.items():
            if side == "left" and (base, "right") in parts:
                continue  # paired below with its right side
            unit = _pool(model, self.volume, base, side, members, change)
            twin = parts.get((base, "left")) if side == "right" else None
            if twin is None:
                units.append(unit)
                continue
            left = _pool(model, self.volume, base, "left", twin, change)
            a, b = unit.change(self._lengths(reference), end), left.change(self._lengths(reference), end)
            if np.sign(a) == np.sign(b) and abs(a - b) < SIDES_DIFFER_PERCENT and left.name == unit.name:
                both = unit.members + left.members
                v = self.volume[list(both)]
                units.append(Unit(unit.name, "", both, tuple(v / v.sum()), unit.group))
            else:
                units += [unit, left]
        said = {i for i, d in claims.items() if d - {"holds"}}  # what the caption says moves, side by side
        focus = {m.index for g in self.scenario.focus for m in model.muscles_in(g)}
        scored = []
        for u in units:
            c = u.change(self._lengths(reference), end)
            if abs(c) < LABEL_MIN_PERCENT and not pinned_only:
                continue
            if abs(c) < UNCHANGED_PERCENT or _contradicts(claims, u, c):
                continue
            named, focused = bool(said & set(u.members)), bool(focus & set(u.members))
            tier = 0 if pinned_only else (0 if named and focused else 1 if named else 2 if focused else 3)
            scored.append((tier, -self.volume[list(u.members)].sum() * abs(c), u, c))
        scored.sort(key=lambda s: s[:2])
        chosen = scored[:self.count]
        # The story has two sides: where something shortens and something else is stretched, show both.
        if len(chosen) > 1 and len({np.sign(s[3]) for s in chosen}) == 1:
            # one step less relevant at most; in a hold (what the movement left) any focus muscle
            reach = 2 if held else 1
            other = next((s for s in scored[self.count:] if np.sign(s[3]) != np.sign(chosen[0][3])
                          and s[0] <= chosen[-1][0] + reach), None)
            if other is not None:
                chosen[-1] = other
        return PhaseLabels(tuple(s[2] for s in chosen), reference, held, tuple(float(np.sign(s[3])) for s in chosen))

    def phase_labels(self, t: float) -> PhaseLabels | None:
        phase = self.scenario.phase_at(t)
        for p, labels in self.phases:
            if p is phase or (phase is None and isinstance(p, _Whole)):
                return labels
        return None

    def at(self, t: float, lengths: np.ndarray) -> list[tuple[Unit, float, bool]]:
        """(unit, % change, held) of each label shown at time t, given that frame's lengths (M,)."""
        labels = self.phase_labels(t)
        if labels is None:
            return []
        reference = self._lengths(labels.reference)
        out = []
        for unit, sign in zip(labels.units, labels.signs):
            c = unit.change(reference, lengths)
            if abs(c) >= SHOW_PERCENT and np.sign(c) == sign:  # early in a phase, or passing back: no label
                out.append((unit, c, labels.held))
        return out


SPLIT_DEGREES = 25.0  # hips flexed this much apart all along: a split stance, with a front and a back leg
LEG_GROUPS = {"hip flexors", "glutes", "quadriceps", "hamstrings", "calf", "shin", "hip adductors"}
SHOW_PERCENT = 1.0  # a chosen label shows once its muscle has changed this much


@dataclass(frozen=True)
class _Whole:
    """A scenario without phases reads as one phase."""

    end: float
    start: float = 0.0
    caption: str = ""
    name: str = "Whole exercise"


def split_stance(kin) -> dict:
    """{'left': 'back leg', 'right': 'front leg'} (or the other way) when a standing body's legs stay
    split throughout (a lunge, a stretch): then 'back leg' says more than 'left'; else {}."""
    joints = [kin.model.joints.get(f"hip_flexion_{s}") for s in ("r", "l")]
    if kin.scenario.posture != "standing" or None in joints:
        return {}
    qpos = kin.sample(kin.times(4.0)).qpos
    gap = np.degrees(qpos[:, joints[0].qposadr] - qpos[:, joints[1].qposadr])  # right − left flexion
    if np.all(gap > SPLIT_DEGREES):
        return {"right": "front leg", "left": "back leg"}
    if np.all(gap < -SPLIT_DEGREES):
        return {"left": "front leg", "right": "back leg"}
    return {}


def _volumes(model) -> np.ndarray:
    try:
        v = np.asarray(model.shapes.drawn_volume, float)
    except Exception:  # a model without muscle parameters: strength stands in for size
        v = np.array([m.max_force for m in model.muscles], float)
    return np.where(np.isfinite(v) & (v > 0), v, np.nanmax(v[np.isfinite(v)]) if np.isfinite(v).any() else 1.0)


def _contradicts(claims: dict, unit: Unit, change: float) -> bool:
    """Whether the caption says this muscle (on this side) does something else than `change`."""
    said = {claims.get((i, unit.side)) or claims.get((i, "")) for i in unit.members} - {None}
    direction = "shortens" if change < 0 else "lengthens"
    return any(d != direction for d in said)


def mover_text(unit: Unit, change: float, held: bool = False, side: str | None = None) -> str:
    """'Iliacus — shortening 30 %'; in a hold 'Iliacus — shortened 30 %'; one side 'Iliacus (left) — …'.

    side: the words for the unit's side where the scenario has better ones ('back leg')."""
    side = unit.side if side is None else side
    name = unit.name + (f" ({side})" if side else "")
    verb = ("shortened" if change < 0 else "stretched") if held else ("shortening" if change < 0 else "lengthening")
    return f"{name} — {verb} {abs(change):.0f} %"

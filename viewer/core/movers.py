"""Which muscles to point at: the movers of a phase (3D labels) and the plot's default curves.

Plain numpy on lengths, so the renderer can use it without touching MuJoCo.
"""
from __future__ import annotations

import numpy as np

UNCHANGED_PERCENT = 0.5  # |change| below this over a phase counts as "keeps its length"


OUTLIER_RATIO = 2.5  # a curve moving this much more than the typical other curve squashes the rest


def plot_muscles(model, focus: list[str], percent_change: np.ndarray, count: int = 6) -> tuple[list[int], list[int]]:
    """Default curves of the length plot: (shown, outliers), model muscle indices.

    The focus groups' muscles that change most (one side: right or unsided), or without a
    focus every muscle's. A muscle that changes OUTLIER_RATIO times more than the median of
    the curves after it (Anconeus +108 % in the curl, against 14–32 % for the rest) is left
    out of the default so it does not squash the others, and handed back as an outlier.
    """
    pool = [m for g in focus for m in model.muscles_in(g)] if focus else list(model.muscles)
    pool = [m.index for m in pool if m.side != "left"]
    spread = np.ptp(percent_change, axis=0)
    ranked = sorted(pool, key=lambda i: -spread[i])
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


class PhaseMovers:
    """Who changes most since the start of the current phase, at any time: the 3D labels."""

    def __init__(self, kin, count: int = 3):
        scenario, model = kin.scenario, kin.model
        self.scenario, self.model, self.count = scenario, model, count
        self.candidates = sorted({m.index for g in scenario.focus for m in model.muscles_in(g)}) or None
        self.starts = np.array(sorted({0.0} | {p.start for p in scenario.phases}))
        self.start_lengths = kin.sample(self.starts).lengths

    def at(self, t: float, lengths: np.ndarray) -> list[tuple[int, float]]:
        phase = self.scenario.phase_at(t)
        start = phase.start if phase is not None else 0.0
        row = int(np.argmin(np.abs(self.starts - start)))
        movers = top_changes(self.model, self.start_lengths[row], lengths, self.candidates, self.count)
        return [(i, c) for i, c in movers if abs(c) >= LABEL_MIN_PERCENT]


def mover_text(model, index: int, change: float) -> str:
    """'Iliacus — shortening 30 %'."""
    name = model.muscles[index].lay_name.split(",")[0]
    return f"{name} — {'shortening' if change < 0 else 'lengthening'} {abs(change):.0f} %"

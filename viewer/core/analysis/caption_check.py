"""Captions for whole scenarios: generate them all, or list the notes `validate` and the editor show.

Kept apart from `captions` because it builds Kinematics (MuJoCo), which the render layer,
a user of `captions`, must not import.
"""
from __future__ import annotations

from .lengths import summarize
from ..view.captions import caption_claims, generated_caption, stale_captions, unknown_placeholders
from ..model.binding import bind


def generated_captions(kin) -> list[str]:
    """One generated caption per phase, in order."""
    return [generated_caption(kin, s) for s in summarize(kin, top=50)]


def contradicted_captions(kin) -> list[tuple[int, str]]:
    """(phase index, message) where a caption says a muscle shortens, lengthens or keeps its length
    while its numbers (fascicles pooled by volume, as the labels read them) change by at least
    movers.LABEL_MIN_PERCENT the other way; in a hold, its change since the start."""
    from ..view.movers import LABEL_MIN_PERCENT, PhaseMovers, _parts, _pool

    model, movers = kin.model, PhaseMovers(kin)
    words = {"shortens": "shortens", "lengthens": "lengthens (is stretched)", "holds": "keeps its length"}
    out = []
    for i, (phase, labels) in enumerate(movers.phases[:len(kin.scenario.phases)]):
        claims = caption_claims(phase.caption, model, movers.legs)
        start, end = movers._lengths(labels.reference), movers._lengths(phase.end)
        change = (end / start - 1.0) * 100.0
        wrong = []  # (unit, change, what the caption said)
        for (base, side), members in _parts(model, sorted(claims)).items():
            unit = _pool(model, movers.volume, base, side, members, change)
            c = unit.change(start, end)
            said = set().union(*[claims.get(m, set()) for m in unit.members])
            if abs(c) >= LABEL_MIN_PERCENT and said and ("shortens" if c < 0 else "lengthens") not in said:
                wrong.append((unit, c, said))
        if wrong:  # one note per caption, naming the side only where the other side is right
            unit, c, said = wrong[0]
            both = sum(u.name == unit.name for u, _, _ in wrong) > 1
            who = f"the {'' if both or not unit.side else unit.side + ' '}{unit.name.lower()}"
            out.append((i, f"caption of phase '{phase.name}' says {who} {' or '.join(words[d] for d in sorted(said))}, "
                           f"but it {'shortens' if c < 0 else 'lengthens'} by {abs(c):.1f} %: it may be stale "
                           f"(the editor's Regenerate from the numbers rewrites it)"))
    return out


def caption_notes(scenario, model, kin=None) -> list:
    """Possibly stale captions and unknown placeholders as Problems at their caption's line.

    Notes, not errors: the file is valid and plays; `validate` prints them as warnings and the
    editor lists them with a Regenerate button.
    """
    kin = kin if kin is not None else bind(model, scenario)
    notes = [(s.phase, s.message) for s in stale_captions(kin)]
    stale = {phase for phase, _ in notes}
    notes += [(i, message) for i, message in contradicted_captions(kin) if i not in stale]
    notes += [(i, f"caption of phase '{scenario.phases[i].name}': {{{name}.change}} names no muscle or joint "
                  f"(see `muscle-viewer muscles` and `joints`)") for i, name in unknown_placeholders(scenario, model)]
    return [scenario.problem(("phases", i, "caption"), message) for i, message in sorted(notes)]

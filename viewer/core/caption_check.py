"""Captions for whole scenarios: generate them all, or list the notes `validate` and the editor show.

Kept apart from `captions` because it builds Kinematics (MuJoCo), which the render layer,
a user of `captions`, must not import.
"""
from __future__ import annotations

from .analysis import summarize
from .captions import generated_caption, stale_captions, unknown_placeholders
from .binding import bind


def generated_captions(kin) -> list[str]:
    """One generated caption per phase, in order."""
    return [generated_caption(kin, s) for s in summarize(kin, top=50)]


def caption_notes(scenario, model, kin=None) -> list:
    """Possibly stale captions and unknown placeholders as Problems at their caption's line.

    Notes, not errors: the file is valid and plays; `validate` prints them as warnings and the
    editor lists them with a Regenerate button.
    """
    kin = kin if kin is not None else bind(model, scenario)
    notes = [(s.phase, s.message) for s in stale_captions(kin)]
    notes += [(i, f"caption of phase '{scenario.phases[i].name}': {{{name}.change}} names no muscle or joint "
                  f"(see `muscle-viewer muscles` and `joints`)") for i, name in unknown_placeholders(scenario, model)]
    return [scenario.problem(("phases", i, "caption"), message) for i, message in sorted(notes)]

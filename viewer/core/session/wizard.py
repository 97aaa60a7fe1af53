"""File → New exercise: a working scenario from a few choices, captions written from its numbers.

Display-free: the app's dialog only collects an `ExerciseSpec`; everything here is testable
without a window. The captions come from the same lengths `muscle-viewer summary` prints.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..analysis.lengths import summarize
from ..analysis.caption_check import generated_captions
from ..view.captions import spoken_name
from ..model.binding import bind
from ..scenario.format import Keyframe, Phase, Scenario
from ..scenario.check import check_against_model

# pattern → (phase names: out, hold, back); which end the movement starts from
PATTERNS = {
    "raise and lower": ("Raise", "Hold", "Lower"),
    "curl": ("Curl up", "Hold", "Lower"),
    "press": ("Press", "Hold", "Return"),  # starts bent (at the amount) and straightens
    "hold": ("Move into position", "Hold", None),  # goes there and stays
}
POSTURE_WORDS = {"standing": "Standing", "supine": "Lying on the back", "prone": "Lying face down",
                 "seated": "Sitting", "hanging": "Hanging from the hands"}
HEADER = ("# Made with File → New exercise. The captions were written from the numbers; after changing\n"
          "# keyframes, the editor's Regenerate button writes them again. Guide: docs/authoring.md\n")


@dataclass(frozen=True)
class ExerciseSpec:
    movement: str = "hip_flexion_r"  # a pose key: alias or joint name
    amount: float = 60.0  # where the movement goes (degrees, metres for slide joints)
    start: float = 0.0  # where it starts
    move: float = 2.0  # seconds for one move
    hold: float = 1.0  # seconds held at the end of the move
    pattern: str = "raise and lower"
    posture: str = "standing"
    model: str = "full-body"
    title: str = ""  # empty: "Right hip flexion to 60°"


def default_title(spec: ExerciseSpec) -> str:
    return f"{spoken_name(spec.movement)} to {spec.amount:g}°"


def _timeline(spec: ExerciseSpec) -> tuple[list[tuple[float, float]], list[tuple[str, float, float]]]:
    """(time, value) keys and (name, from, to) phases of the pattern."""
    out_name, hold_name, back_name = PATTERNS[spec.pattern]
    first, second = (spec.amount, spec.start) if spec.pattern == "press" else (spec.start, spec.amount)
    t1 = spec.move
    t2 = t1 + spec.hold
    keys = [(0.0, first), (t1, second)]
    target = f"{spec.start:g}°" if spec.pattern == "press" else f"{spec.amount:g}°"
    phases = [(f"{out_name} to {target}", 0.0, t1)]
    if spec.hold > 0:
        keys.append((t2, second))
        phases.append((hold_name, t1, t2))
    if back_name:
        keys.append((t2 + spec.move, first))
        phases.append((back_name, t2, t2 + spec.move))
    return keys, phases


def build_scenario(spec: ExerciseSpec, model, path: Path | None = None) -> Scenario:
    """The scenario, checked against the model, with focus, summary and generated captions."""
    if spec.pattern not in PATTERNS:
        raise ValueError(f"unknown pattern '{spec.pattern}'; choose one of {', '.join(PATTERNS)}")
    if spec.move <= 0 or spec.hold < 0:
        raise ValueError("a move needs a time above 0 s, and a hold 0 s or more")
    keys, phases = _timeline(spec)
    side = {"_r": "right", "_l": "left"}.get(spec.movement[-2:], "three-quarter")
    back = "" if spec.pattern == "hold" else " and back"
    held = f", held {spec.hold:g} s" if spec.hold > 0 else ""
    scenario = Scenario(
        title=spec.title or default_title(spec),
        summary=(f"{POSTURE_WORDS[spec.posture]}, {spoken_name(spec.movement).lower()} from {keys[0][1]:g}° to "
                 f"{keys[1][1]:g}° in {spec.move:g} s{held}{back}."),
        keyframes=[Keyframe(t, {spec.movement: float(v)}, "smooth") for t, v in keys],
        model=spec.model, posture=spec.posture, loop="pingpong" if back else "none",
        anchor="pelvis" if model.body_id("pelvis") >= 0 else None,
        phases=[Phase(name, a, b) for name, a, b in phases],
        camera={"view": side}, path=path)
    check_against_model(scenario, model)
    kin = bind(model, scenario)
    first = summarize(kin, top=1)[0]  # focus: who shortens and who is stretched most in the first move
    scenario.focus = list(dict.fromkeys(m.group for m in first.shortening[:1] + first.lengthening[:1]
                                        if m.group in model.groups))
    kin = bind(model, scenario)
    scenario.phases = [replace(p, caption=c) for p, c in zip(scenario.phases, generated_captions(kin))]
    return scenario


def exercise_text(scenario: Scenario, target: str | Path) -> str:
    """The file to write: the standard layout with a note on where it came from."""
    from ..scenario.text import scenario_text

    schema, _, rest = scenario_text(scenario, target).partition("\n")
    return f"{schema}\n{HEADER}{rest}"

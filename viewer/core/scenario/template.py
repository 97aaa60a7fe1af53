"""A commented starter scenario that validates: `muscle-viewer new` and the app's editor share it.

The text is built here, not copied from a file, because the example must fit the chosen model
(its aliases, groups, landmarks and bodies) and the `$schema` line must point from wherever the
new file lives to scenarios/scenario.schema.json.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..base.catalogue import load_catalogue
from ..base.paths import SCENARIOS_DIR

SCHEMA_FILE = SCENARIOS_DIR / "scenario.schema.json"
SCHEMA_PREFIX = "# yaml-language-server: $schema="


def schema_reference(target: str | Path, schema: Path = SCHEMA_FILE) -> str:
    """How a scenario written to `target` names the schema: relative where possible.

    yaml-language-server resolves a relative `$schema` from the file's own folder; where no
    relative path exists (another drive on Windows) a file:// URI is the absolute fallback.
    """
    folder = Path(target).resolve().parent
    try:
        return Path(os.path.relpath(schema.resolve(), folder)).as_posix()
    except ValueError:
        return schema.resolve().as_uri()


def schema_line(target: str | Path) -> str:
    return SCHEMA_PREFIX + schema_reference(target)


def model_reference(name: str, target: str | Path) -> str:
    """How a file written to `target` names a model the user gave on the command line.

    A catalogue name stays as it is; a model file path typed relative to the current folder
    is rewritten relative to the new file, because scenarios resolve model paths from there.
    """
    if name in load_catalogue().models:
        return name
    try:
        return Path(os.path.relpath(Path(name).resolve(), Path(target).resolve().parent)).as_posix()
    except ValueError:
        return str(Path(name).resolve())


@dataclass(frozen=True)
class _Example:
    """One starter exercise; captions were checked with `muscle-viewer summary`."""

    title: str
    summary: str
    anchor: str
    view: str
    keys: list  # (time, pose, ease or None)
    phases: list  # (name, from, to, caption)
    focus: list = field(default_factory=list)


_LIFT_KEYS = [
    (0, {"hip_flexion_r": 0, "knee_flexion_r": 0}, None),
    (1.5, {"hip_flexion_r": 90, "knee_flexion_r": 90}, "smooth"),
    (2, {"hip_flexion_r": 90, "knee_flexion_r": 90}, "smooth"),
    (3.5, {"hip_flexion_r": 0, "knee_flexion_r": 0}, "smooth"),
]
_LIFT_PHASES = [
    ("Lift", 0, 1.5, "The right hip and knee bend to 90°. The hip flexors (iliacus, psoas) shorten; "
                     "the glutes are stretched. The ribs-to-pubis distance does not change, so the "
                     "rectus abdominis keeps its length."),
    ("Hold", 1.5, 2, "Hip and knee held at 90°. No muscle changes length while the pose is held; "
                     "that says nothing about how hard they work."),
    ("Lower", 2, 3.5, "The leg returns. The hip flexors lengthen again and the glutes shorten."),
]

# Which joints a starter example moves depends on the posture: a knee lift through the floor
# (prone) or with the hip straight while seated would teach the wrong picture.
_EXAMPLES = {
    "standing": _Example(
        "Standing knee lift", "Standing on the left leg, the right hip and knee bend to 90° and return.",
        "pelvis", "right", _LIFT_KEYS, _LIFT_PHASES, ["hip flexors", "glutes"]),
    "supine": _Example(
        "Lying knee lift", "Lying on the back, the right hip and knee bend to 90° and return.",
        "pelvis", "right", _LIFT_KEYS, _LIFT_PHASES, ["hip flexors", "glutes"]),
    "hanging": _Example(
        "Hanging knee raise", "Hanging from the hands, both hips and knees bend to 90° and return.",
        "torso", "left",
        [(0, {"hip_flexion": 0, "knee_flexion": 0}, None),
         (1.5, {"hip_flexion": 90, "knee_flexion": 90}, "smooth"),
         (2, {"hip_flexion": 90, "knee_flexion": 90}, "smooth"),
         (3.5, {"hip_flexion": 0, "knee_flexion": 0}, "smooth")],
        [(name, a, b, caption.replace("The right hip and knee bend", "Both hips and knees bend"))
         for name, a, b, caption in _LIFT_PHASES],
        ["hip flexors", "abdominals"]),
    "seated": _Example(
        "Seated knee extension", "Sitting with the hips bent to 90°, the right knee straightens and bends again.",
        "pelvis", "right",
        [(0, {"hip_flexion": 90, "knee_flexion": 90}, None),
         (1.5, {"hip_flexion": 90, "knee_flexion_r": 0}, "smooth"),
         (2, {"hip_flexion": 90, "knee_flexion_r": 0}, "smooth"),
         (3.5, {"hip_flexion": 90, "knee_flexion_r": 90}, "smooth")],
        [("Straighten", 0, 1.5, "The right knee straightens: the quadriceps shorten and the hamstrings "
                                "are stretched."),
         ("Hold", 1.5, 2, "Knee straight. No muscle changes length while the pose is held."),
         ("Bend", 2, 3.5, "The knee bends again: the quadriceps lengthen and the hamstrings shorten.")],
        ["quadriceps", "hamstrings"]),
    "prone": _Example(
        "Prone knee bend", "Lying face down, the right knee bends to 90° and straightens again.",
        "pelvis", "right",
        [(0, {"knee_flexion_r": 0}, None), (1.5, {"knee_flexion_r": 90}, "smooth"),
         (2, {"knee_flexion_r": 90}, "smooth"), (3.5, {"knee_flexion_r": 0}, "smooth")],
        [("Bend", 0, 1.5, "The right knee bends: the hamstrings shorten and the quadriceps are stretched."),
         ("Hold", 1.5, 2, "Knee at 90°. No muscle changes length while the pose is held."),
         ("Straighten", 2, 3.5, "The knee straightens: the hamstrings lengthen and the quadriceps shorten.")],
        ["hamstrings", "quadriceps"]),
}

_MEASURE = ("Ribs to pubis", "lower_ribs", "pubic_symphysis")


def _generic_example(model) -> _Example:
    """For a model without our aliases: move its first limited hinge joint within its range."""
    hinges = [j for j in model.poseable.values() if j.kind == "hinge" and j.limited]
    if not hinges:
        raise ValueError("the model has no limited hinge joint to start an example with")
    j = hinges[0]
    start = min(max(0.0, j.lower), j.upper)
    end = round(start + (j.upper - start) / 2 if j.upper > start else start + (j.lower - start) / 2, 1)
    start = round(start, 1)
    return _Example("New exercise", f"The joint {j.name} moves from {start:g} to {end:g} degrees and back.", "", "left",
                    [(0, {j.name: start}, None), (2, {j.name: end}, "smooth"), (4, {j.name: start}, "smooth")],
                    [("Out", 0, 2, f"{j.name} moves to {end:g}°."), ("Back", 2, 4, f"{j.name} returns.")])


def _usable(example: _Example, model) -> bool:
    names = set(model.aliases) | set(model.poseable)
    return all(key in names for _, pose, _ in example.keys for key in pose)


def _q(text: str) -> str:
    """Plain text where YAML reads it back unchanged, else a JSON string (which YAML also reads)."""
    plain = re.fullmatch(r"[A-Za-z][\w .,()°/-]*", text) and not text.endswith(" ")
    return text if plain and yaml.safe_load(text) == text else json.dumps(text, ensure_ascii=False)


def _num(value) -> str:
    return f"{value:g}"


def _pose(pose: dict) -> str:
    return "{" + ", ".join(f"{k}: {_num(v)}" for k, v in pose.items()) + "}"


COMMENT_COLUMN = 26


def _c(code: str, comment: str = "") -> str:
    """A line of YAML with its comment lined up, so the template reads as two columns."""
    if not comment:
        return code
    return code.ljust(COMMENT_COLUMN - 1) + " # " + comment


def template_text(model, model_ref: str = "full-body", posture: str = "supine", target: str | Path | None = None) -> str:
    """The starter scenario as YAML text with a short comment on every key.

    `model` is the loaded Model (its names decide the example); `model_ref` is how the file
    names it; `target` is where the file will live (for the relative `$schema` path).
    """
    example = _EXAMPLES.get(posture)
    if example is None or not _usable(example, model):
        example = _generic_example(model)
    focus = [g for g in example.focus if g in model.groups]
    anchor = example.anchor if example.anchor and model.body_id(example.anchor) >= 0 else ""
    measure = all(name in model.landmarks for name in _MEASURE[1:])
    schema = schema_line(target) if target is not None else SCHEMA_PREFIX + "scenario.schema.json"
    off = "# "  # keys the example cannot use with this model stay in, commented out

    out = [
        schema,
        "# A muscle-viewer scenario: one exercise as joint angles over time. Lines starting with # are",
        "# comments. Check the file with `muscle-viewer validate FILE`; list the names you can use with",
        "# `muscle-viewer joints` and `muscle-viewer muscles`. Guide: docs/authoring.md",
        "",
        _c("format: 1", "version of the file format; always 1"),
        _c(f"title: {_q(example.title)}", "shown above the view and in exports"),
        _c("summary: >-", "a few plain sentences: what moves and what it shows"),
        f"  {example.summary}",
        _c(f"model: {_q(model_ref)}", "built-in model (full-body, lower-body) or a path to a model file"),
        _c(f"posture: {posture}", "where the body starts: standing | supine | prone | seated | hanging"),
        _c(f"{'' if anchor else off}anchor: {anchor or 'pelvis'}", "body held still; the rest moves around it"),
        _c("", "(same spine curl: pelvis = crunch, torso = reverse crunch)"),
        _c("loop: pingpong", "playback in the app: none | repeat | pingpong"),
        "",
        "# Keyframes: joint angles over time. Every joint is its own channel: a keyframe changes only",
        "# the joints it names. A joint keeps its value before its first and after its last key, and a",
        "# joint never named stays at 0 (neutral). To hold a joint while others move, name it again.",
        "# Names: flexion-positive aliases (hip_flexion = both hips, knee_flexion_r = right knee,",
        "# trunk_flexion, shoulder_flexion, ...) or the model's joint names; see `muscle-viewer joints`.",
        "keyframes:",
    ]
    for i, (time, pose, ease) in enumerate(example.keys):
        out.append(_c(f"  - time: {_num(time)}", "seconds from the start; must increase" if i == 0 else ""))
        out.append(_c(f"    pose: {_pose(pose)}", "degrees (metres for sliding joints)" if i == 0 else ""))
        if ease:
            out.append(_c(f"    ease: {ease}", "shape of the move INTO this key: linear | smooth | min_jerk | step"
                          if i == 1 else ""))
    out += [
        "",
        "# Phases: named stretches of time (seconds) with a caption in plain words. Claim only what",
        "# the lengths show: colour shows length change, not effort. Check with `muscle-viewer summary`.",
        "phases:",
    ]
    for name, start, end, caption in example.phases:
        out += [f"  - name: {_q(name)}", f"    from: {_num(start)}", f"    to: {_num(end)}", f"    caption: {_q(caption)}"]
    out += [
        "",
        _c(f"focus: [{', '.join(focus)}]" if focus else f"{off}focus: [hip flexors]",
           "muscle groups to emphasise; the rest fade (see `muscle-viewer muscles`)"),
        _c(f"{off}labels: [iliacus, psoas major]", "pin the muscles the labels name (else: from focus and captions)"),
        _c(f"camera: {{view: {example.view}}}", "front | back | left | right | top | three-quarter; also"),
        _c("", "azimuth, elevation (degrees) and zoom (1 = fit the body)"),
        _c(f"{'' if measure else off}measure:", "distances between landmarks, drawn with their live value"),
        f"{'' if measure else off}  - {{label: {_q(_MEASURE[0])}, from: {_MEASURE[1]}, to: {_MEASURE[2]}}}",
        _c("colour: {source: rate}", "rate: speed of length change (%/s) | change: % since the"),
        _c("", "phase start | group | plain. Optional: limit (value at full"),
        _c("", "colour), neutral (grey below it; default 2 %/s"),
        _c("", "for rate, 1 % for change). Paused or held, rate shows"),
        _c("", "each muscle's change since the start"),
    ]
    return "\n".join(out) + "\n"

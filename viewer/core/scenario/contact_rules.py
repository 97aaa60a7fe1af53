"""Contact rules: what a scenario's `contacts:` may say, and the body facts a contact rests on.

The scenario format reads and checks `contacts:` entries against these rules; the solver
(contacts.py) and the stance checks use the same tables, so one copy decides which body rests
where, how much skin lies under it and how a hand closes around a bar.

Bodies rest on skin, not bone: CLEARANCE is the soft tissue under each bone where it lies on
a surface (heel pad, buttocks, back, back of the head).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.errors import Problem, shorten, suggest

# Metres of skin and soft tissue between a bone and the surface it rests on.
CLEARANCE = {
    "head": 0.008,  # scalp at the back of the head
    "torso": 0.02, "scapula_r": 0.015, "scapula_l": 0.015,  # skin and muscle over ribs and shoulder blades
    "pelvis": 0.045, "sacrum": 0.035,  # buttocks
    "femur_r": 0.05, "femur_l": 0.05, "tibia_r": 0.02, "tibia_l": 0.02,  # back of the thigh, calf
    "calcn_r": 0.014, "calcn_l": 0.014, "toes_r": 0.008, "toes_l": 0.008,  # heel pad, sole
}
HAND_CLEARANCE = 0.01  # palm and finger pads
DEFAULT_CLEARANCE = 0.01

# Lay names for bodies an author writes in `contacts:`.
BODY_ALIASES = {
    "hand_r": "capitate_r", "hand_l": "capitate_l", "skull": "head",
    "foot_r": "calcn_r", "foot_l": "calcn_l", "heel_r": "calcn_r", "heel_l": "calcn_l",
    "shoulder_blade_r": "scapula_r", "shoulder_blade_l": "scapula_l",
}
GRIP_PROPS = ("pullup_bar", "barbell", "dumbbell")  # props a hand holds: fingers close around them
SURFACE_ALIASES = {"mat": "floor_mat"}
NOT_RESTING = "none"  # `on: none` lifts a body the posture would rest

# What rests on the support at the start, per posture, unless the scenario lifts it.
POSTURE_CONTACTS = {
    "supine": ("head", "scapula_r", "scapula_l", "capitate_r", "capitate_l"),
    "prone": ("head", "capitate_r", "capitate_l"),
    "standing": ("calcn_r", "calcn_l"),
    "seated": ("calcn_r", "calcn_l"),
}
# A closed fist around a handle: finger joints in degrees (model names, flexion-positive).
GRIP_POSE = {"mcp{n}_flexion": 70, "pm{n}_flexion": 80, "md{n}_flexion": 45}
THUMB_GRIP = {"cmc_flexion": 20, "mp_flexion": 30, "ip_flexion": 20}
SPINE_BENDS = ("flex_extension",)  # the spine joint a trunk contact may move


@dataclass(frozen=True)
class ContactSpec:
    """One `contacts:` entry of a scenario file, as written (names not yet checked)."""

    body: str  # a body name or BODY_ALIASES key
    on: str  # floor, mat, bench, bar, a prop mesh name, or none
    slide: bool = True  # False: the point also keeps its place along the surface

    def as_dict(self) -> dict:
        out: dict = {"body": self.body, "surface": self.on}
        if not self.slide:
            out["slide"] = False
        return out


def clearance(body_name: str) -> float:
    """Soft tissue under a bone of this body where it rests on a surface (metres)."""
    return CLEARANCE.get(body_name, DEFAULT_CLEARANCE)


def body_of(name: str) -> str:
    return BODY_ALIASES.get(name, name)


def surface_names(scenario) -> list[str]:
    props = [p.mesh for p in getattr(scenario, "props", [])]
    names = ["floor", NOT_RESTING] + props
    if "floor_mat" in props:
        names.append("mat")
    if any(p in GRIP_PROPS for p in props):
        names.append("bar")
    return names


def check_contacts(scenario, model) -> list[Problem]:
    """Unknown bodies and surfaces of the scenario's contacts, with suggestions."""
    problems = []
    surfaces = surface_names(scenario)
    for i, spec in enumerate(getattr(scenario, "contacts", [])):
        if model.body_id(body_of(spec.body)) < 0:
            # only names this model has: MyoFullBody's hand_r is no suggestion for an OpenSim arm
            names = [a for a in BODY_ALIASES if model.body_id(body_of(a)) >= 0] + model.body_names
            listed = f"; this model's bodies: {', '.join(model.body_names)}" if len(model.body_names) <= 30 else ""
            problems.append(scenario.problem(("contacts", i, "body"), f"unknown body '{shorten(spec.body)}'"
                                             f"{suggest(spec.body, names) or listed}"))
        if spec.on not in surfaces:
            problems.append(scenario.problem(("contacts", i, "surface"), f"contact {i + 1}: nothing called '{shorten(spec.on)}' "
                                             f"to rest on or hold{suggest(spec.on, surfaces)}; this scenario has: "
                                             f"{', '.join(surfaces)} (add a prop under 'props:' for more)"))
    return problems


def grip_pose(model, hand_body: str) -> dict[str, float]:
    """Finger joint values (model units) that close a hand around a handle."""
    side = hand_body.rsplit("_", 1)[-1]
    out = {}
    wanted = {k.format(n=n): v for k, v in GRIP_POSE.items() for n in (2, 3, 4, 5)} | THUMB_GRIP
    for stem, degrees in wanted.items():
        for name in (f"{stem}_{side}", stem):  # the model names some right-hand joints without a suffix
            joint = model.joints.get(name)
            if joint is not None and joint.driver is None and (name.endswith(f"_{side}") or side == "r"):
                out[name] = joint.to_model(float(np.clip(degrees, joint.lower, joint.upper)))
                break
    return out

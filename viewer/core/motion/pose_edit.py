"""Poses as the editor's sliders see them: pose keys by body region, their ranges, keyframe poses.

A slider moves one pose key (an alias such as `hip_flexion`, or a joint name). Underneath, the
editor keeps one value per model joint (user units: degrees or metres), so overlapping keys
(`hip_flexion` and `hip_flexion_r`) can never disagree. Writing a keyframe turns those joint
values back into the fewest readable keys, preferring the names the author already uses.
"""
from __future__ import annotations

from dataclasses import dataclass

import mujoco

from .kinematics import Motion
from ..scenario.format import Scenario

# Body-name fragments → region, tried in this order (so "humphant" is a shoulder, not a hand).
_REGION_MATCH = (
    ("Shoulders", ("humphant", "humerus", "scapula", "clavicle", "shoulder")),
    ("Elbows and forearms", ("ulna", "radius", "elbow")),
    ("Wrists and hands", ("lunate", "hand", "mc", "thumb", "ph", "carp", "wrist")),
    ("Trunk", ("lumbar", "thorac", "torso", "sacrum", "pelvis", "spine")),
    ("Neck and head", ("cervic", "head", "skull", "neck")),
    ("Hips", ("femur", "hip")),
    ("Knees", ("tibia", "patella", "knee")),
    ("Ankles and feet", ("talus", "calcn", "toes", "foot", "ankle")),
)
OTHER_REGION = "Other joints"
REGION_ORDER = ("Trunk", "Hips", "Knees", "Ankles and feet", "Shoulders", "Elbows and forearms",
                "Wrists and hands", "Neck and head", OTHER_REGION)
UNLIMITED_DEGREES = 180.0
DIGITS = 1  # keyframe values are written to 0.1° (or 0.1 mm): readable, far below what shows
_TOL = 1e-6


@dataclass(frozen=True)
class PoseKey:
    """One slider: a name a pose may use, the joints it sets and its range in user units."""

    name: str
    joints: dict  # model joint → sign
    fixed: dict  # other joints this alias sets (user units), e.g. the arm's elevation plane
    lower: float
    upper: float
    unit: str  # "°" or " m"
    region: str
    about: str
    is_alias: bool
    common: bool = True  # shown without asking for every single joint

    @property
    def label(self) -> str:
        side = {"_r": ", right", "_l": ", left"}.get(self.name[-2:], "")
        base = self.name[:-2] if side else self.name
        return base.replace("_", " ").capitalize() + side

    def read(self, values: dict[str, float]) -> float:
        joint, sign = next(iter(self.joints.items()))
        return values.get(joint, 0.0) / sign

    def write(self, values: dict[str, float], value: float) -> None:
        value = min(max(value, self.lower), self.upper)  # ranges are enforced, never exceeded
        for joint, sign in self.joints.items():
            values[joint] = value * sign
        values.update(self.fixed)

    def fits(self, values: dict[str, float]) -> bool:
        """True if this key alone can state the joints' current values (sides equal, plane as fixed)."""
        first = self.read(values)
        return (all(abs(values.get(j, 0.0) / s - first) < _TOL for j, s in self.joints.items())
                and all(abs(values.get(j, 0.0) - v) < _TOL for j, v in self.fixed.items()))


SIDES = (("_r", "right"), ("_l", "left"))


def side_keys(key: PoseKey, keys: dict[str, PoseKey]) -> dict[str, PoseKey]:
    """For a both-sides key (hip_flexion): {'right': hip_flexion_r, 'left': hip_flexion_l}; else {}."""
    if len(key.joints) != 2:
        return {}
    out = {}
    for suffix, side in SIDES:
        one = keys.get(key.name + suffix)
        if one is not None and len(one.joints) == 1 and set(one.joints) <= set(key.joints):
            out[side] = one
    return out if len(out) == 2 else {}


def side_values(key: PoseKey, keys: dict[str, PoseKey], values: dict[str, float]) -> dict[str, float]:
    """{'right': 60.0, 'left': 0.0} for a both-sides key; {} for a key without sides."""
    return {side: one.read(values) for side, one in side_keys(key, keys).items()}


def sides_differ(key: PoseKey, keys: dict[str, PoseKey], values: dict[str, float]) -> bool:
    sides = list(side_values(key, keys, values).values())
    return len(sides) == 2 and abs(sides[0] - sides[1]) >= 10 ** -DIGITS / 2


def moving_side(key: PoseKey, keys: dict[str, PoseKey], values: dict[str, float]) -> str:
    """The side further from neutral: what a slider of differing sides moves unless told 'both'."""
    sides = side_values(key, keys, values)
    return max(sides, key=lambda side: abs(sides[side])) if sides else ""


def _joint_region(model, joint: str) -> str:
    jid = mujoco.mj_name2id(model.mj, mujoco.mjtObj.mjOBJ_JOINT, joint)
    body = model.body_name(int(model.mj.jnt_bodyid[jid])).lower() if jid >= 0 else ""
    for region, fragments in _REGION_MATCH:
        if any(f in body for f in fragments):
            return region
    return OTHER_REGION


def _range(model, joints: dict) -> tuple[float, float]:
    lower, upper = -float("inf"), float("inf")
    for name, sign in joints.items():
        j = model.joints[name]
        lo, hi = (j.lower, j.upper) if j.limited else (-UNLIMITED_DEGREES, UNLIMITED_DEGREES)
        lo, hi = sorted((lo / sign, hi / sign))
        lower, upper = max(lower, lo), min(upper, hi)
    return lower, upper


def pose_keys(model) -> dict[str, PoseKey]:
    """Every name a pose can use: the model's aliases first (catalogue order), then its joints."""
    out = {}
    for name, alias in model.aliases.items():
        joints = {j: float(s) for j, s in alias.joints.items()}
        first = model.joints[next(iter(joints))]
        out[name] = PoseKey(name, joints, dict(alias.with_), *_range(model, joints), first.unit,
                            _joint_region(model, first.name), alias.about, True)
    for name, joint in model.poseable.items():
        # One side of a two-sided alias (hip_flexion_r beside hip_flexion) is an everyday name too.
        sided = name[-2:] in ("_r", "_l") and name[:-2] in model.aliases
        out[name] = PoseKey(name, {name: 1.0}, {}, *_range(model, {name: 1.0}), joint.unit,
                            _joint_region(model, name), "", False, common=sided)
    return out


def _mirror(key: PoseKey) -> tuple:
    return tuple(sorted((j, -s) for j, s in key.joints.items())), tuple(sorted(key.fixed.items()))


def by_region(keys: dict[str, PoseKey]) -> dict[str, list[PoseKey]]:
    """Keys grouped by body region in teaching order; aliases before joint names.

    A movement and its exact opposite (hip_extension = −hip_flexion) share one slider: the
    first one listed, whose negative values are the other movement.
    """
    groups: dict[str, list[PoseKey]] = {}
    shown: set[tuple] = set()
    for key in sorted(keys.values(), key=lambda k: not k.is_alias):  # stable: catalogue order kept
        if key.is_alias and _mirror(key) in shown:
            continue
        shown.add((tuple(sorted(key.joints.items())), tuple(sorted(key.fixed.items()))))
        groups.setdefault(key.region, []).append(key)
    return {r: groups[r] for r in REGION_ORDER if r in groups}


def joint_values_at(scenario: Scenario, model, t: float) -> dict[str, float]:
    """The scenario's pose at time t as {poseable joint: value in user units}; unnamed joints 0."""
    values = {name: 0.0 for name in model.poseable}
    motion = Motion(scenario, model)
    if motion.joints:
        now, _ = motion.evaluate([t])
        for joint, v in zip(motion.joints, now[0]):
            values[joint.name] = float(joint.to_user(v))
    return values


def joints_of(pose: dict[str, float], keys: dict[str, PoseKey]) -> set[str]:
    """Model joints a pose (its keys) sets, including an alias's fixed joints."""
    out: set[str] = set()
    for name in pose:
        if name in keys:
            out |= set(keys[name].joints) | set(keys[name].fixed)
    return out


def keyframe_pose(values: dict[str, float], wanted: set[str], preferred: list[str],
                  keys: dict[str, PoseKey]) -> dict[str, float]:
    """The fewest keys that state the `wanted` joints at `values`, preferred names first.

    A key is used only where it covers joints still unstated and can say their values alone
    (both sides equal for a two-sided alias), so the pose never sets a joint twice.
    """
    remaining = set(wanted)
    out: dict[str, float] = {}
    order = list(dict.fromkeys([n for n in preferred if n in keys] + list(keys)))
    for name in order:
        if not remaining:
            break
        key = keys[name]
        covered = set(key.joints)
        if not covered <= remaining or not key.fits(values):
            continue
        if any(j not in remaining and j in joints_of(out, keys) for j in key.fixed):
            continue  # its fixed joint is already stated by another key
        value = round(key.read(values), DIGITS)
        out[name] = float(min(max(value, key.lower), key.upper)) + 0.0  # + 0.0: no "-0"
        remaining -= covered | set(key.fixed)
    return out

"""A scenario against its model: joints, ranges, groups, landmarks, labels, props and contacts
that the model must have, and pose keys (names or aliases, user units) in model units."""
from __future__ import annotations

from ..base import limits
from ..base.errors import Problem, ScenarioError, few_suggestions, suggest
from .format import Scenario
from ..view.viewstate import hidden_names


def check_against_model(scenario: Scenario, model) -> None:
    """Raise ScenarioError if joints, ranges, groups, landmarks or anchor don't fit the model."""
    with few_suggestions(limits.PROBLEMS):
        problems = _model_problems(scenario, model)
    if problems:
        raise ScenarioError(problems)


def _model_problems(scenario: Scenario, model) -> list[Problem]:
    problems: list[Problem] = []
    for i, key in enumerate(scenario.keyframes):
        try:
            expand_pose(key.pose, model)
        except _PoseProblems as exc:
            problems += [scenario.problem(("keyframes", i, "pose", k), msg) for k, msg in exc.items]
    for i, group in enumerate(scenario.focus):
        if group not in model.groups:
            problems.append(scenario.problem(("focus", i), f"unknown muscle group '{group}'"
                                             f"{suggest(group, model.groups)}; groups: {', '.join(model.groups)}"))
    muscle_names = [m.name for m in model.muscles]
    if not muscle_names:  # nothing to colour: validate must not call it ok
        problems.append(scenario.problem(("model",), f"model {model.name} has no muscles (MuJoCo <muscle> actuators "
                                                     f"on tendons, or OpenSim muscles): there is nothing to show"))
    known = set(muscle_names) | set(model.groups)
    for i, name in enumerate(scenario.hide):
        if name not in known:
            problems.append(scenario.problem(("hide", i), f"unknown muscle or group '{name}'"
                                             f"{suggest(name, [*model.groups, *muscle_names])}"))
    if muscle_names and scenario.hide and not set(muscle_names) - set(hidden_names(scenario, model)):
        problems.append(scenario.problem(("hide",), "every muscle is hidden: show at least one "
                                                    "(a page, a video or a still would show no muscle)"))
    from ..view.movers import pinned

    lay_names = sorted({m.lay_name.split(",")[0].lower() for m in model.muscles})
    for i, name in enumerate(scenario.labels):
        if not pinned(model, [name]):
            problems.append(scenario.problem(("labels", i), f"unknown muscle '{name}'"
                                             f"{suggest(name.lower(), [*lay_names, *muscle_names])}; "
                                             f"see `muscle-viewer muscles`"))
    for i, m in enumerate(scenario.measure):
        for key, name in (("from", m.start), ("to", m.end)):
            if name not in model.landmarks:
                problems.append(scenario.problem(("measure", i, key), f"unknown landmark '{name}'"
                                                 f"{suggest(name, model.landmarks)}"))
    if scenario.anchor is not None and model.body_id(scenario.anchor) < 0:
        problems.append(scenario.problem(("anchor",), f"unknown anchor body '{scenario.anchor}'"
                                         f"{suggest(scenario.anchor, model.body_names)}"))
    from .props import check_props

    problems += check_props(scenario, model)
    from .contact_rules import check_contacts

    problems += check_contacts(scenario, model)
    return problems


class _PoseProblems(Exception):
    def __init__(self, items: list[tuple[str, str]]):
        self.items = items
        super().__init__("; ".join(m for _, m in items))


def expand_pose(pose: dict[str, float], model) -> dict[str, float]:
    """Pose keys (joint names or aliases, user units) → {model joint: value in model units}."""
    out: dict[str, float] = {}
    source: dict[str, str] = {}
    fixed: dict[str, float] = {}
    problems = []
    for key, value in pose.items():
        if key in model.aliases:
            alias = model.aliases[key]
            targets = [(j, sign * value) for j, sign in alias.joints.items()]
            fixed.update(alias.with_)
        elif key in model.poseable:
            targets = [(key, value)]
        elif key in model.joints:
            problems.append((key, f"joint '{key}' follows {model.joints[key].driver} and cannot be set; "
                                  f"set {model.joints[key].driver} instead"))
            continue
        else:
            names = list(model.aliases) + list(model.poseable)
            problems.append((key, f"unknown joint '{key}'{suggest(key, names)} "
                                  f"(see `muscle-viewer joints` for names and ranges)"))
            continue
        outside = []
        for joint_name, v in targets:
            joint = model.joints[joint_name]
            if joint_name in source:
                problems.append((key, f"'{key}' sets {joint_name}, which '{source[joint_name]}' already sets"))
            elif joint.limited and not (joint.lower - 1e-6 <= v <= joint.upper + 1e-6):
                outside.append((joint, v))
            else:
                source[joint_name] = key
                out[joint_name] = joint.to_model(v)
        if outside:
            joint, v = outside[0]
            names = " and ".join(j.name for j, _ in outside)
            via = f" (= {v:g}{joint.unit} for {names})" if names != key else ""
            verb = "go" if len(outside) > 1 else "goes"
            problems.append((key, f"{key} = {value:g}{joint.unit}{via} is out of range: {names} {verb} from "
                                  f"{joint.lower:g} to {joint.upper:g}{joint.unit}"))
    for joint_name, v in fixed.items():
        if joint_name not in out:
            out[joint_name] = model.joints[joint_name].to_model(v)
    if problems:
        raise _PoseProblems(problems)
    return out

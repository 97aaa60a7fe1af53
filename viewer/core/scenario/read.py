"""Reading a scenario file: YAML with line numbers → a checked Scenario, or every problem at once.

Each problem names the file, the line and the key (DESIGN §5). No model is needed here: checking
a scenario against its model is a separate step (check_against_model).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..base import limits
from .contact_rules import ContactSpec
from ..base.easing import DEFAULT_EASE, EASES
from ..base.errors import Problem, ScenarioError, quote, suggest
from .props import PropSpec
from .format import (CAMERA_KEYS, COLOUR_KEYS, COLOUR_SOURCES, CONTACT_KEYS, EXACT_CAMERA_KEYS, FORMAT, KEYFRAME_KEYS,
                     LOOPS, MAX_ZOOM, MEASURE_KEYS, PHASE_KEYS, POSTURES, PROP_KEYS, TOP_KEYS, Keyframe, Measure,
                     Phase, Scenario)
from ..view.viewstate import VIEWS, degenerate_view
from ..base.yamlsrc import Located, ProblemCollector, parse_yaml, read_yaml, top_mapping


class _Checker(ProblemCollector):
    """Typed reads of scenario values; each problem names the line of the offending key."""

    def text(self, value, path: tuple, required: bool = False) -> str:
        if value is None:
            if required:
                self.add(path, f"'{path[-1]}' is required")
            return ""
        if not isinstance(value, str):
            self.add(path, f"'{_dotted(path)}' must be text, not {_kind(value)}")
            return ""
        if len(value) > limits.TEXT_CHARS:  # the caption checks read every sentence against every name
            self.add(path, f"'{_dotted(path)}' has {len(value):,} characters; at most {limits.TEXT_CHARS:,}")
            return ""
        return value

    def number(self, value, path: tuple, minimum: float | None = None, maximum: float | None = None) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(path, f"'{_dotted(path)}' must be a number, not {_kind(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.add(path, f"'{_dotted(path)}' must be a finite number, not {value}")
            return None
        if abs(value) > limits.NUMBER:  # 1e308 is finite, yet overflows as soon as it is used
            shown = f"{value:g}" if isinstance(value, float) else f"a {len(str(abs(value)))}-digit number"
            self.add(path, f"'{_dotted(path)}' is {shown}: numbers beyond ±{limits.NUMBER:g} are not used")
            return None
        if minimum is not None and value < minimum:
            self.add(path, f"'{_dotted(path)}' must be at least {minimum:g}, not {value:g}")
            return None
        if maximum is not None and value > maximum:
            self.add(path, f"'{_dotted(path)}' must be at most {maximum:g}, not {value:g}")
            return None
        return float(value)

    def choice(self, value, choices: tuple, path: tuple):
        if value not in choices:
            self.add(path, f"'{_dotted(path)}' must be one of {', '.join(choices)}, not '{value}'"
                     f"{suggest(value, choices)}")
            return None
        return value

    def mapping(self, value, path: tuple) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"'{_dotted(path)}' must be a mapping of keys to values, not {_kind(value)}")
            return None
        return value

    def sequence(self, value, path: tuple, limit: int | None = None) -> list | None:
        if not isinstance(value, list):
            self.add(path, f"'{_dotted(path)}' must be a list, not {_kind(value)}")
            return None
        if limit is not None and len(value) > limit:  # refused before any entry is looked at
            self.add(path, f"'{_dotted(path)}' has {len(value):,} entries; at most {limit:,} are read")
            return None
        return value


def _kind(value) -> str:
    if value is None:
        return "empty"
    return {bool: "true/false", int: "a number", float: "a number", str: f"text '{quote(value)}'",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_scenario(src: Located, path: Path | None = None) -> Scenario:
    """Build a Scenario from parsed YAML, or raise ScenarioError with every problem found."""
    c = _Checker(src)
    data = top_mapping(c, TOP_KEYS, "scenario", "'title' and 'keyframes'", FORMAT)

    title = c.text(data.get("title"), ("title",), required=True)
    summary = c.text(data.get("summary"), ("summary",))
    model = data.get("model", "full-body")
    if not isinstance(model, str) or not model:
        c.add(("model",), f"'model' must be a model name or a file path, not {_kind(model)}")
        model = "full-body"
    posture = c.choice(data.get("posture", "standing"), POSTURES, ("posture",)) or "standing"
    anchor = data.get("anchor")
    if anchor is not None and not isinstance(anchor, str):
        c.add(("anchor",), f"'anchor' must be a body name, not {_kind(anchor)}")
        anchor = None
    loop = c.choice(data.get("loop", "none"), LOOPS, ("loop",)) or "none"
    lab_start = c.number(data.get("lab_start", 0.0), ("lab_start",))

    keyframes = _read_keyframes(c, data.get("keyframes"))
    duration = keyframes[-1].time if keyframes else 0.0
    phases = _read_phases(c, data.get("phases", []), duration if keyframes else float("inf"))
    focus = _read_names(c, data.get("focus", []), ("focus",))
    hide = _read_names(c, data.get("hide", []), ("hide",))
    labels = _read_names(c, data.get("labels", []), ("labels",))
    bones = None
    if "bones" in data and (value := c.number(data["bones"], ("bones",), minimum=0)) is not None:
        if value > 1:
            c.add(("bones",), f"'bones' is the bone opacity from 0 (hidden) to 1 (solid), not {value:g}")
        else:
            bones = float(value)
    camera = _read_camera(c, data.get("camera", {}))
    measure = _read_measures(c, data.get("measure", []))
    colour = _read_colour(c, data.get("colour", {}))
    props = _read_props(c, data.get("props", []))
    contacts = _read_contacts(c, data.get("contacts", []))

    if c.problems:
        raise ScenarioError(c.problems)
    return Scenario(title=title, summary=summary, model=model, posture=posture, anchor=anchor, loop=loop,
                    keyframes=keyframes, phases=phases, focus=focus, hide=hide, labels=labels, bones=bones,
                    camera=camera, measure=measure, colour=colour, props=props, contacts=contacts,
                    lab_start=float(lab_start or 0.0), path=path, source=src)


def _read_keyframes(c: _Checker, raw) -> list[Keyframe]:
    if raw is None:
        c.add(("keyframes",), "'keyframes' is required: a list of {time, pose} entries")
        return []
    items = c.sequence(raw, ("keyframes",))
    if items is None:
        return []
    if not items:
        c.add(("keyframes",), "'keyframes' is empty: add at least one {time, pose} entry")
        return []
    if len(items) > limits.KEYFRAMES:
        c.add(("keyframes",), f"{len(items):,} keyframes; at most {limits.KEYFRAMES:,} are read")
        return []
    out = []
    previous = None
    for i, item in enumerate(items):
        path = ("keyframes", i)
        item = c.mapping(item, path)
        if item is None:
            continue
        c.keys(item, KEYFRAME_KEYS, path, f"keyframe {i + 1}")
        if "time" not in item:
            c.add(path, f"keyframe {i + 1} needs a 'time' (seconds)")
            continue
        time = c.number(item["time"], path + ("time",), minimum=0)
        if time is not None and time > limits.DURATION_S:
            c.add(path + ("time",), f"keyframe {i + 1} time {time:g} s is after {limits.DURATION_S:g} s, "
                                    f"the longest scenario read")
            time = None
        pose_raw = item.get("pose", {})
        pose = {}
        if c.mapping(pose_raw, path + ("pose",)) is not None:
            for key, value in pose_raw.items():
                number = c.number(value, path + ("pose", key))
                if number is not None:
                    pose[str(key)] = number
        ease = c.choice(item.get("ease", DEFAULT_EASE), EASES, path + ("ease",)) or DEFAULT_EASE
        if time is None:
            continue
        if previous is not None and time <= previous:
            word = "is at the same time as" if time == previous else "goes backwards from"
            c.add(path + ("time",), f"keyframe {i + 1} time {time:g} s {word} the keyframe before it "
                                    f"({previous:g} s); times must increase")
        previous = time
        out.append(Keyframe(time, pose, ease))
    return out


def _read_phases(c: _Checker, raw, duration: float) -> list[Phase]:
    items = c.sequence(raw, ("phases",), limits.PHASES)
    out = []
    for i, item in enumerate(items or []):
        path = ("phases", i)
        if c.mapping(item, path) is None:
            continue
        c.keys(item, PHASE_KEYS, path, f"phase {i + 1}")
        name = c.text(item.get("name"), path + ("name",), required=True)
        caption = c.text(item.get("caption"), path + ("caption",))
        ok = True
        bounds = []
        for key in ("from", "to"):
            if key not in item:
                c.add(path, f"phase {i + 1} needs '{key}' (seconds)")
                ok = False
                continue
            value = c.number(item[key], path + (key,), minimum=0)
            ok &= value is not None
            bounds.append(value)
        if not ok:
            continue
        start, end = bounds
        if end <= start:
            c.add(path + ("to",), f"phase '{name}' ends ({end:g} s) before it starts ({start:g} s)")
        elif end > duration + 1e-9:
            c.add(path + ("to",), f"phase '{name}' ends at {end:g} s, after the last keyframe ({duration:g} s)")
        out.append(Phase(name, start, end, caption))
    return out


def _read_names(c: _Checker, raw, path: tuple) -> list[str]:
    items = c.sequence(raw, path, limits.NAMES)
    names = []
    for i, item in enumerate(items or []):
        if isinstance(item, str):
            names.append(item)
        else:
            c.add(path + (i,), f"'{_dotted(path)}' entries must be names, not {_kind(item)}")
    return names


def _read_camera(c: _Checker, raw) -> dict:
    if c.mapping(raw, ("camera",)) is None:
        return {}
    c.keys(raw, CAMERA_KEYS, ("camera",), "'camera'")
    out = {}
    if "view" in raw:
        view = c.choice(raw["view"], VIEWS, ("camera", "view"))
        if view:
            out["view"] = view
    for key in ("azimuth", "elevation"):
        if key in raw and (value := c.number(raw[key], ("camera", key))) is not None:
            out[key] = value
    # Beyond 10× (the editor's range) the body overflows the picture and frames come out blank.
    if "zoom" in raw and (value := c.number(raw["zoom"], ("camera", "zoom"), minimum=0.1,
                                            maximum=MAX_ZOOM)) is not None:
        out["zoom"] = value
    if "view_angle" in raw and (value := c.number(raw["view_angle"], ("camera", "view_angle"), minimum=1,
                                                  maximum=120)) is not None:
        out["view_angle"] = value
    given = [k for k in EXACT_CAMERA_KEYS if k in raw]
    if given and len(given) < len(EXACT_CAMERA_KEYS):
        missing = ", ".join(k for k in EXACT_CAMERA_KEYS if k not in raw)
        c.add(("camera", given[0]), f"an exact camera needs position, focal_point and up together (missing: {missing})")
    elif given:
        exact = {k: _read_triple(c, raw[k], ("camera", k)) for k in EXACT_CAMERA_KEYS}
        if all(v is not None for v in exact.values()):
            position, focal, up = (np.array(exact[k]) for k in EXACT_CAMERA_KEYS)
            if degenerate_view(position - focal, up):
                c.add(("camera", "position"), "the camera's position, focal_point and up do not make a view "
                                              "(the camera sits on its target or looks along its up)")
            else:
                out.update({k: list(v) for k, v in exact.items()})
    return out


def _read_measures(c: _Checker, raw) -> list[Measure]:
    items = c.sequence(raw, ("measure",), limits.MEASURES)
    out = []
    for i, item in enumerate(items or []):
        path = ("measure", i)
        if c.mapping(item, path) is None:
            continue
        c.keys(item, MEASURE_KEYS, path, f"measurement {i + 1}")
        values = [c.text(item.get(k), path + (k,), required=True) for k in MEASURE_KEYS]
        if all(values):
            out.append(Measure(*values))
    return out


def _read_colour(c: _Checker, raw) -> dict:
    if c.mapping(raw, ("colour",)) is None:
        return {}
    c.keys(raw, COLOUR_KEYS, ("colour",), "'colour'")
    out = {}
    if "source" in raw and (source := c.choice(raw["source"], COLOUR_SOURCES, ("colour", "source"))):
        out["source"] = source
    if "limit" in raw and (value := c.number(raw["limit"], ("colour", "limit"), minimum=0.01)) is not None:
        out["limit"] = value
    if "neutral" in raw and (value := c.number(raw["neutral"], ("colour", "neutral"), minimum=0)) is not None:
        out["neutral"] = value
    return out


def _read_props(c: _Checker, raw) -> list[PropSpec]:
    items = c.sequence(raw, ("props",), limits.PROPS)
    out = []
    for i, item in enumerate(items or []):
        path = ("props", i)
        if c.mapping(item, path) is None:
            continue
        if True in item or "on" in item:  # `on:` is a contact's word, not a prop's
            c.add(path, f"prop {i + 1}: 'on' is not a prop key; write 'ride: BODY' for a prop "
                        f"that moves with a body")
            item = {k: v for k, v in item.items() if k is not True and k != "on"}
        c.keys(item, PROP_KEYS, path, f"prop {i + 1}")
        mesh = c.text(item.get("mesh"), path + ("mesh",), required=True)
        bodies = {key: _read_bodies(c, item[key], path + (key,)) for key in ("ride", "at") if key in item}
        if "ride" in item and "at" in item:
            c.add(path + ("at",), f"prop {i + 1} has both 'ride' (moves with a body) and 'at' (placed once "
                                  f"by a body); use one")
        vectors = {key: _read_triple(c, item[key], path + (key,)) for key in ("offset", "rotate") if key in item}
        colour = None
        if "colour" in item:
            colour = c.text(item["colour"], path + ("colour",))
            if colour and not _is_hex_colour(colour):
                c.add(path + ("colour",), f"'{_dotted(path + ('colour',))}' must be a colour like \"#8a9099\", "
                                          f"not '{colour}'")
                colour = None
        if mesh and None not in bodies.values() and None not in vectors.values():
            out.append(PropSpec(mesh, bodies.get("ride", ()), bodies.get("at", ()),
                                vectors.get("offset", (0.0, 0.0, 0.0)), vectors.get("rotate", (0.0, 0.0, 0.0)),
                                colour or None))
    return out


def _read_contacts(c: _Checker, raw) -> list[ContactSpec]:
    items = c.sequence(raw, ("contacts",), limits.CONTACTS)
    out = []
    for i, item in enumerate(items or []):
        path = ("contacts", i)
        if c.mapping(item, path) is None:
            continue
        if True in item:  # a YAML 1.1 reader's `on` key
            item = {("on" if k is True else k): v for k, v in item.items()}
        c.keys(item, CONTACT_KEYS, path, f"contact {i + 1}")
        body = c.text(item.get("body"), path + ("body",), required=True)
        key = "on" if "on" in item and "surface" not in item else "surface"
        if "on" in item and "surface" in item:
            c.add(path + ("on",), f"contact {i + 1} has both 'surface' and 'on' (its old name); keep 'surface'")
        on = c.text(item.get(key), path + (key,), required=True)
        slide = item.get("slide", True)
        if not isinstance(slide, bool):
            c.add(path + ("slide",), f"'{_dotted(path + ('slide',))}' must be true or false, not {_kind(slide)}")
            slide = True
        if body and on:
            out.append(ContactSpec(body, on, slide))
    return out


def _read_bodies(c: _Checker, raw, path: tuple) -> tuple[str, ...] | None:
    """A body name, or a list of two (a prop held between them)."""
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not 1 <= len(names) <= 2 or not all(isinstance(n, str) and n for n in names):
        c.add(path, f"'{_dotted(path)}' must be a body name or a list of two body names, not {_kind(raw)}")
        return None
    if len(names) == 2 and names[0] == names[1]:  # no line between a body and itself to lay the prop along
        c.add(path, f"'{_dotted(path)}' names {names[0]} twice: give two different bodies, or one body "
                    f"(write '{path[-1]}: {names[0]}')")
        return None
    return tuple(names)


def _read_triple(c: _Checker, raw, path: tuple) -> tuple[float, float, float] | None:
    if not isinstance(raw, list) or len(raw) != 3:
        c.add(path, f"'{_dotted(path)}' must be a list of three numbers [x, y, z], not {_kind(raw)}")
        return None
    values = [c.number(v, path + (k,)) for k, v in enumerate(raw)]
    return None if None in values else tuple(values)


def _is_hex_colour(text: str) -> bool:
    digits = text[1:]
    return text.startswith("#") and len(digits) == 6 and all(ch in "0123456789abcdefABCDEF" for ch in digits)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file and check its structure (not yet against its model)."""
    path = Path(path)
    return parse_scenario(read_yaml(path), path)


def scenario_from_text(text: str, name: str = "<text>", path: Path | None = None) -> Scenario:
    return parse_scenario(parse_yaml(text, name), path)

"""Writing a scenario: the Scenario back to version-1 YAML, flow style for poses, atomically."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..base.easing import DEFAULT_EASE
from ..base.files import atomic_write_text
from .format import SCHEMA_LINE, Scenario
from .read import parse_scenario
from ..base.yamlsrc import parse_yaml


# --- saving -------------------------------------------------------------------------------------
def _scalar(value) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True).strip().removesuffix("\n...").strip()


def _flow_scalar(value) -> str:
    """A value inside {...} or [...]: there ', ' and brackets need quotes, unlike in a block."""
    return yaml.safe_dump([value], default_flow_style=True, width=10_000, allow_unicode=True).strip()[1:-1]


def _flow(mapping: dict) -> str:
    return "{" + ", ".join(f"{k}: {_flow_scalar(v)}" for k, v in mapping.items()) + "}"


def _num(value: float):
    return int(value) if float(value).is_integer() else value


def dump_scenario(s: Scenario, schema_line: str = SCHEMA_LINE) -> str:
    """The scenario as YAML text, in the layout of the shipped files."""
    out = [schema_line, f"format: {s.format}", f"title: {_scalar(s.title)}"]
    if s.summary:
        out.append(f"summary: {_scalar(s.summary)}")
    out += [f"model: {_scalar(s.model)}", f"posture: {s.posture}"]
    if s.anchor:
        out.append(f"anchor: {_scalar(s.anchor)}")
    out.append(f"loop: {s.loop}")
    if s.lab_start:
        out.append(f"lab_start: {_num(s.lab_start)}")
    out.append("keyframes:")
    for i, k in enumerate(s.keyframes):
        out.append(f"  - time: {_num(k.time)}")
        out.append(f"    pose: {_flow({n: _num(v) for n, v in k.pose.items()})}")
        if i and k.ease != DEFAULT_EASE:
            out.append(f"    ease: {k.ease}")
    if s.phases:
        out.append("phases:")
        for p in s.phases:
            entry = {"name": p.name, "from": _num(p.start), "to": _num(p.end)}
            if p.caption:
                entry["caption"] = p.caption
            out.append(f"  - {_flow(entry)}")
    if s.focus:
        out.append(f"focus: [{', '.join(_flow_scalar(g) for g in s.focus)}]")
    if s.hide:
        out.append(f"hide: [{', '.join(_flow_scalar(g) for g in s.hide)}]")
    if s.labels:
        out.append(f"labels: [{', '.join(_flow_scalar(g) for g in s.labels)}]")
    if s.bones is not None:
        out.append(f"bones: {_num(s.bones)}")
    if s.camera:
        out.append(f"camera: {_flow({k: _num(v) if isinstance(v, float) else v for k, v in s.camera.items()})}")
    if s.measure:
        out.append("measure:")
        for m in s.measure:
            out.append(f"  - {_flow({'label': m.label, 'from': m.start, 'to': m.end})}")
    if s.colour:
        out.append(f"colour: {_flow(s.colour)}")
    if s.props:
        out.append("props:")
        out += [f"  - {_flow(p.as_dict())}" for p in s.props]
    if s.contacts:
        out.append("contacts:")
        out += [f"  - {_flow(c.as_dict())}" for c in s.contacts]
    return "\n".join(out) + "\n"


def save_scenario(s: Scenario, path: str | Path) -> None:
    """Write atomically, with a `$schema` line that works from where the file lands."""
    from .template import schema_line

    text = dump_scenario(s, schema_line(path))
    parse_scenario(parse_yaml(text, str(path)))  # never write a file we could not read back
    atomic_write_text(Path(path), text)

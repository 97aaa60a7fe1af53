"""The text the editor saves: the author's file with only the changed parts rewritten.

The original file is read with ruamel.yaml in round-trip mode, the differences between the
scenario it describes and the edited one are applied to that document in place, and the
document is written back: comments, key order, quoting, `ease:` lines and block/flow style of
everything that did not change stay as the author wrote them. A file with nothing changed
comes back byte for byte. List items are matched by content (a keyframe edit rewrites that
keyframe's values only; an inserted keyframe takes the style of its neighbours).
Without an original (a scenario made in memory) the standard layout of `dump_scenario` is used.
"""
from __future__ import annotations

import difflib
import io
import textwrap
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError

from ..base.easing import DEFAULT_EASE
from ..base.errors import Problem, ScenarioError, display_path
from ..base.files import atomic_write_text
from .format import SCHEMA_LINE, TOP_KEYS, Scenario
from .check import check_against_model
from .write import dump_scenario
from .read import parse_scenario
from ..base.yamlsrc import parse_yaml

WRAP = 96  # columns of a folded summary


def scenario_text(scenario: Scenario, target: str | Path | None, original: str | None = None) -> str:
    from .template import SCHEMA_PREFIX, schema_line

    schema = schema_line(target) if target else SCHEMA_LINE
    text = _round_trip(scenario, original) if original else None
    if text is None:
        return _fold_summary(dump_scenario(scenario, schema))
    first, _, rest = text.partition("\n")
    if first.startswith(SCHEMA_PREFIX) and target:  # the schema path is relative to where the file lands
        text = schema + "\n" + rest
    return text


# --- the scenario as the plain data a file holds ----------------------------------------------------
def _num(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def plain_data(s: Scenario) -> dict:
    """What a file for `s` says, key by key, defaults left out (as `dump_scenario` writes it)."""
    out: dict = {"format": s.format, "title": s.title}
    if s.summary:
        out["summary"] = s.summary
    out.update(model=s.model, posture=s.posture)
    if s.anchor:
        out["anchor"] = s.anchor
    out["loop"] = s.loop
    keys = []
    for i, k in enumerate(s.keyframes):
        item = {"time": _num(k.time), "pose": {n: _num(v) for n, v in k.pose.items()}}
        if i and k.ease != DEFAULT_EASE:
            item["ease"] = k.ease
        keys.append(item)
    out["keyframes"] = keys
    if s.phases:
        out["phases"] = [{"name": p.name, "from": _num(p.start), "to": _num(p.end),
                          **({"caption": p.caption} if p.caption else {})} for p in s.phases]
    if s.focus:
        out["focus"] = list(s.focus)
    if s.hide:
        out["hide"] = list(s.hide)
    if s.labels:
        out["labels"] = list(s.labels)
    if s.bones is not None:
        out["bones"] = _num(s.bones)
    if s.camera:
        out["camera"] = {k: [_num(x) for x in v] if isinstance(v, list) else _num(v) for k, v in s.camera.items()}
    if s.measure:
        out["measure"] = [{"label": m.label, "from": m.start, "to": m.end} for m in s.measure]
    if s.colour:
        out["colour"] = {k: _num(v) for k, v in s.colour.items()}
    if s.props:
        out["props"] = [p.as_dict() for p in s.props]
    if s.contacts:
        out["contacts"] = [c.as_dict() for c in s.contacts]
    return out


# --- round trip ------------------------------------------------------------------------------------
def _yaml() -> YAML:
    y = YAML()  # round-trip mode
    y.preserve_quotes = True
    y.width = 100_000  # never re-wrap the author's long lines
    y.indent(mapping=2, sequence=4, offset=2)  # the layout of the shipped files and the template
    return y


def _round_trip(scenario: Scenario, original: str) -> str | None:
    """`original` with the edits to `scenario` applied, or None where it cannot be read as it is."""
    try:
        y = _yaml()
        doc = y.load(original)
        before = plain_data(parse_scenario(parse_yaml(original, "<original>")))
    except (RuamelError, ScenarioError, yaml.YAMLError):
        return None
    if not isinstance(doc, CommentedMap):
        return None
    after = plain_data(scenario)
    _update_map(doc, before, after, order=TOP_KEYS)
    if before.get("summary") != after.get("summary") and isinstance(after.get("summary"), str):
        summary = _folded(after["summary"])
        if summary is not None:
            doc["summary"] = summary
    out = io.StringIO()
    y.dump(doc, out)
    text = out.getvalue()
    try:
        same = plain_data(parse_scenario(parse_yaml(text, "<saved>"))) == after
    except ScenarioError:
        same = True  # a state with problems: Save refuses it and the problem list shows why
    return text if same else None  # never write a file that says something else than the editor shows


def _update_map(node: CommentedMap, old: dict, new: dict, order: tuple = ()) -> None:
    for key in [k for k in old if k not in new]:
        node.pop(key, None)
    for key, value in new.items():
        if key in old and old[key] == value:
            continue  # unchanged, whether the file writes it or leaves the default
        if key not in node:
            node.insert(_position(node, key, order), key, _fresh(value, None))
            continue
        current = node[key]
        if isinstance(value, dict) and isinstance(current, CommentedMap) and isinstance(old.get(key), dict):
            _update_map(current, old[key], value)
        elif isinstance(value, list) and isinstance(current, CommentedSeq) and isinstance(old.get(key), list):
            _update_seq(current, old[key], value)
        else:
            node[key] = _fresh(value, current)


def _position(node: CommentedMap, key, order: tuple) -> int:
    """Where a new key goes: after the last key that comes before it in `order`, else at the end."""
    if key not in order:
        return len(node)
    earlier = order[:order.index(key)]
    positions = [i for i, k in enumerate(node) if k in earlier]
    return positions[-1] + 1 if positions else 0


def _update_seq(node: CommentedSeq, old: list, new: list) -> None:
    """Change `node` (which holds `old`) to hold `new`, touching only items that differ."""
    matcher = difflib.SequenceMatcher(a=[repr(v) for v in old], b=[repr(v) for v in new], autojunk=False)
    for op, a0, a1, b0, b1 in reversed(matcher.get_opcodes()):  # from the end: indices stay valid
        if op == "equal":
            continue
        if op == "replace" and a1 - a0 == b1 - b0:
            for i, j in zip(range(a0, a1), range(b0, b1)):
                if isinstance(new[j], dict) and isinstance(node[i], CommentedMap) and isinstance(old[i], dict):
                    _update_map(node[i], old[i], new[j])
                else:
                    node[i] = _fresh(new[j], node[i])
            continue
        neighbour = node[a0] if a0 < len(node) else (node[a0 - 1] if a0 else None)
        for i in range(a1 - 1, a0 - 1, -1):
            del node[i]
        for j in range(b1 - 1, b0 - 1, -1):
            node.insert(a0, _fresh(new[j], neighbour))


def _fresh(value, like):
    """A new value for the document, in the flow/block style of `like` (what it replaces or sits next to)."""
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _fresh(v, like.get(k) if isinstance(like, CommentedMap) else None)
        if isinstance(like, CommentedMap) and like.fa.flow_style():
            out.fa.set_flow_style()
        elif not isinstance(like, CommentedMap) and all(not isinstance(v, (dict, list)) for v in value.values()):
            out.fa.set_flow_style()  # a small new mapping reads best on one line: {view: left}
        return out
    if isinstance(value, list):
        first = like[0] if isinstance(like, CommentedSeq) and len(like) else None
        out = CommentedSeq(_fresh(v, first) for v in value)
        if not isinstance(like, CommentedSeq) or like.fa.flow_style():
            if all(not isinstance(v, (dict, list)) for v in value):
                out.fa.set_flow_style()
        return out
    return value


def _folded(summary: str):
    """A long summary as a folded block of short lines (as the shipped files write it)."""
    from ruamel.yaml.scalarstring import FoldedScalarString

    if len(summary) + len("summary: ") <= WRAP or "  " in summary or summary != summary.strip() or "\n" in summary:
        return None
    lines = textwrap.wrap(summary, WRAP - 2, break_long_words=False, break_on_hyphens=False)
    folded = FoldedScalarString("\n".join(lines))
    folded.fold_pos = []  # ruamel folds at the newlines of the string itself
    return folded if " ".join(lines) == summary else None


def _fold_summary(text: str) -> str:
    """In a fresh dump: a long summary as a folded block of short lines."""
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("summary: ") and len(line) > WRAP:
            value = yaml.safe_load(line[len("summary: "):])
            if not isinstance(value, str) or "  " in value or value != value.strip() or "\n" in value:
                return text
            block = textwrap.wrap(value, WRAP - 2, break_long_words=False, break_on_hyphens=False)
            folded = lines[:n] + ["summary: >-"] + ["  " + b for b in block] + lines[n + 1:]
            new = "\n".join(folded) + "\n"
            same = yaml.safe_load(new) == yaml.safe_load(text)  # folding must not change a character
            return new if same else text
    return text


def problems_in(text: str, path: str | Path | None, model) -> list[Problem]:
    """What `muscle-viewer validate` reports for this text saved at `path` (same words, same lines)."""
    name = display_path(path) if path else "<new scenario>"
    try:
        scenario = parse_scenario(parse_yaml(text, name), Path(path) if path else None)
        check_against_model(scenario, model)
    except ScenarioError as exc:
        return exc.problems
    return []


def save_text(path: str | Path, text: str, model) -> None:
    """Write atomically, but never a file `validate` would reject."""
    problems = problems_in(text, path, model)
    if problems:
        raise ScenarioError(problems)
    atomic_write_text(Path(path), text)

"""The text the editor saves: the standard layout of `dump_scenario`, plus the author's comments.

Comments are kept where they can be placed with confidence:
- the comment block at the top of the original file (below its `$schema` line, which is
  rewritten for wherever the file is saved);
- a comment block or blank lines right above a key or list item, and a comment at the end of
  a line, go back to the same key. List items are recognised by what they are, not by their
  position: a keyframe by its time, a phase by its name, a measurement by its label, so a
  comment stays with its keyframe when another one is inserted before it;
- comments after the last key stay at the end.
A comment whose key no longer exists (a deleted keyframe, a moved one) is dropped.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import yaml

from .errors import Problem, ScenarioError, display_path
from .files import atomic_write_text
from .scenario import SCHEMA_LINE, check_against_model, dump_scenario, parse_scenario
from .yamlsrc import parse_yaml

SCHEMA_MARK = "$schema"
WRAP = 96  # columns of a folded summary
_ITEM_ID = {"keyframes": "time", "phases": "name", "measure": "label"}  # what identifies a list item


def scenario_text(scenario, target: str | Path | None, original: str | None = None) -> str:
    from .template import schema_line

    text = _fold_summary(dump_scenario(scenario, schema_line(target) if target else SCHEMA_LINE))
    return keep_comments(text, original) if original else text


def _fold_summary(text: str) -> str:
    """A long summary as a folded block of short lines (as the shipped files write it)."""
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


# --- comments --------------------------------------------------------------------------------------
def _line_ends(text: str) -> dict[int, int]:
    """0-based line → column where its YAML content ends; lines inside multi-line values map to -1."""
    ends: dict[int, int] = {}
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        start, end = token.start_mark, token.end_mark
        last = end.line - 1 if end.line > start.line and end.column == 0 else end.line
        for line in range(start.line, last):
            ends[line] = -1
        if start.line != last:
            ends[last] = -1
        elif ends.get(last, 0) != -1:
            ends[last] = max(ends.get(last, 0), end.column)
    return ends


def _identity(data, path: tuple) -> tuple:
    """A key path with list positions replaced by what the item is ('keyframes', ('time', 2.5))."""
    out, node = [], data
    for part in path:
        if isinstance(part, int) and isinstance(node, list):
            item = node[part] if part < len(node) else None
            field = _ITEM_ID.get(out[-1]) if out and isinstance(out[-1], str) else None
            if isinstance(item, dict) and field in item:
                out.append((field, _hashable(item[field])))
            elif isinstance(item, (str, int, float)):
                out.append(("value", item))
            else:
                out.append(("index", part))
            node = item
        else:
            out.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return tuple(out)


def _hashable(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _paths_by_line(text: str) -> tuple[dict[int, list[tuple]], object]:
    """0-based line → identities of the keys and items that start there, shortest first."""
    located = parse_yaml(text, "<text>")
    by_line: dict[int, list[tuple]] = {}
    for path, line in located.lines.items():
        if path:
            by_line.setdefault(line - 1, []).append(_identity(located.data, path))
    for paths in by_line.values():
        paths.sort(key=len)
    return by_line, located.data


class _Comments:
    """The comments of the original text, keyed by the identity of the key they belong to."""

    def __init__(self, text: str):
        lines = text.splitlines()
        by_line, _ = _paths_by_line(text)
        ends = _line_ends(text)
        self.header: list[str] = []
        self.above: dict[tuple, list[str]] = {}
        self.after: dict[tuple, tuple[str, int]] = {}  # comment and the column it started at
        pending: list[str] = []
        seen_content = False
        for n, line in enumerate(lines):
            stripped = line.strip()
            if n not in by_line and ends.get(n, 0) != -1 and (not stripped or stripped.startswith("#")):
                if not seen_content:
                    if SCHEMA_MARK not in stripped or not stripped.startswith("#"):
                        self.header.append(line.rstrip())
                else:
                    pending.append(line.rstrip())
                continue
            if n not in by_line:
                continue  # inside a multi-line value
            seen_content = True
            paths = by_line[n]
            if pending:
                self.above.setdefault(paths[0], pending)
                pending = []
            end = ends.get(n, -1)
            if end > 0 and line[end:].strip().startswith("#"):
                column = end + len(line[end:]) - len(line[end:].lstrip())
                self.after.setdefault(paths[0], (line[column:].rstrip(), column))
        while self.header and not self.header[-1]:
            self.header.pop()
        self.tail = [p for p in pending if p] and pending


def keep_comments(new_text: str, original: str) -> str:
    """`new_text` (a fresh dump) with the comments of `original` put back where their keys are."""
    try:
        comments = _Comments(original)
        by_line, new_data = _paths_by_line(new_text)
    except (yaml.YAMLError, ScenarioError):
        return new_text  # an unreadable original has no comments we could place
    lines = new_text.splitlines()
    out: list[str] = []
    header_done = False
    used_above, used_after = set(), set()
    for n, line in enumerate(lines):
        paths = by_line.get(n, [])
        if paths and not header_done:
            header_done = True
            if comments.header:
                out += comments.header + [""]
        for path in paths:
            if path in comments.above and path not in used_above:
                used_above.add(path)
                block = comments.above[path]
                if out and out[-1] == "" and block and block[0] == "":
                    block = block[1:]
                out += block
                break
        for path in paths:
            if path in comments.after and path not in used_after:
                used_after.add(path)
                comment, column = comments.after[path]
                line = line.ljust(column - 1) + " " + comment if len(line) < column else f"{line}  {comment}"
                break
        out.append(line)
    if comments.tail:
        out += comments.tail
    text = "\n".join(out) + "\n"
    try:  # a comment must never change what the file says
        if parse_yaml(text, "<text>").data != parse_yaml(new_text, "<text>").data:
            return new_text
    except ScenarioError:
        return new_text
    return text

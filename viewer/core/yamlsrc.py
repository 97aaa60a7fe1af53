"""YAML with line numbers: plain Python data plus the line of every key and item.

Error messages must name the line a value sits on, which yaml.safe_load forgets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, ScenarioError, display_path, suggest

Path_ = tuple  # a key path: ("keyframes", 2, "pose", "hip_flexion")


@dataclass
class Located:
    """Parsed data and where each part of it came from."""

    data: Any
    file: str
    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, *path) -> int | None:
        """Line of the deepest known part of `path` (a missing key: its parent's line)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def problem(self, path: tuple, message: str) -> Problem:
        return Problem(self.file, self.line(*path), message)


class ProblemCollector:
    """Walks parsed YAML collecting every problem with its line, instead of stopping at the first."""

    def __init__(self, src: Located):
        self.src = src
        self.problems: list[Problem] = []

    def add(self, path: tuple, message: str) -> None:
        self.problems.append(self.src.problem(path, message))

    def keys(self, mapping: dict, allowed: tuple, path: tuple, what: str) -> None:
        """One problem per key that is not allowed, with the closest allowed name."""
        for key in mapping:
            if key not in allowed:
                self.add(path + (key,), f"unknown key '{key}' in {what}{suggest(str(key), allowed)}")


_constructor = yaml.constructor.SafeConstructor()


def _to_python(node: yaml.Node, path: tuple, lines: dict, file: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError([Problem(file, key_node.start_mark.line + 1, "a key must be a plain name")])
            key = _constructor.construct_object(key_node)
            if key in out:
                raise ScenarioError([Problem(file, key_node.start_mark.line + 1, f"key '{key}' appears twice")])
            out[key] = _to_python(value_node, path + (key,), lines, file)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), lines, file) for i, item in enumerate(node.value)]
    return _constructor.construct_object(node)


def parse_yaml(text: str, file: str) -> Located:
    """Parse YAML text; a syntax error becomes a ScenarioError naming the line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or "unreadable YAML"
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            what = f"{exc.context} (opened on line {exc.context_mark.line + 1}): {what}"
        raise ScenarioError([Problem(file, line, f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(file, None, f"not valid YAML: {exc}")]) from None
    lines: dict[tuple, int] = {}
    if node is None:
        return Located(None, file, {(): 1})
    try:
        data = _to_python(node, (), lines, file)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ScenarioError([Problem(file, line, f"not valid YAML: {exc.problem}")]) from None
    return Located(data, file, lines)


def read_yaml(path: str | Path) -> Located:
    """Read and parse a YAML file; unreadable files become one clear problem."""
    name = display_path(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem(name, None, "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(name, None, "is a folder, not a file")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(name, None, f"cannot read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError([Problem(name, line, "not a text file (invalid UTF-8)")]) from None
    return parse_yaml(text, name)

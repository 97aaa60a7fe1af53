"""YAML with line numbers: plain Python data plus the line of every key and item.

Error messages must name the line a value sits on, which yaml.safe_load forgets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import limits
from .errors import Problem, ScenarioError, display_path, quote, suggest
from .files import read_user_text

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



def describe(value) -> str:
    """A wrong value's kind for a message: 'a list', "text 'abc'" (shortened to one line)."""
    if value is None:
        return "empty"
    return {bool: "true/false", int: "a number", float: "a number", str: f"text '{quote(value)}'",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def top_mapping(c: ProblemCollector, allowed: tuple, what: str, needs: str, version: int) -> dict:
    """A file's top level (a scenario's, a plan's) with its keys and its `format:` checked into `c`;
    an empty file, or one that is not a mapping, is refused at once at line 1."""
    data, file = c.src.data, c.src.file
    if data is None:
        raise ScenarioError([Problem(file, 1, f"the file is empty: a {what} needs at least 'format: {version}', "
                                              f"{needs}")])
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, 1, f"a {what} must be a mapping of keys, not {describe(data)}")])
    c.keys(data, allowed, (), f"the {what}")
    found = data.get("format")
    if found is None:
        c.add((), f"'format: {version}' is required on top (the version of the {what} format)")
    elif found != version or isinstance(found, bool):
        c.add(("format",), f"format {found} is not supported: this version of muscle-viewer reads {what} "
                           f"format {version}")
    return data

class _Constructor(yaml.constructor.SafeConstructor):
    def construct_yaml_int(self, node):
        """YAML 1.2: 010 is ten (YAML 1.1 read it as octal eight)."""
        value = self.construct_scalar(node)
        if isinstance(value, str) and re.fullmatch(r"[-+]?[0-9]+", value):
            return int(value)
        return super().construct_yaml_int(node)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
_constructor = _Constructor()


class _Budget:
    """Counts values as aliases are expanded: a few hundred bytes of nested aliases (an 'alias
    bomb') would otherwise expand to billions of values; a recursive alias would never end."""

    def __init__(self, file: str):
        self.file, self.left = file, limits.YAML_NODES
        self.open: set[int] = set()  # nodes being expanded on the current path

    def enter(self, node: yaml.Node, depth: int) -> None:
        self.left -= 1
        line = node.start_mark.line + 1
        if id(node) in self.open:
            raise ScenarioError([Problem(self.file, line, "an alias refers to the value that contains it "
                                                          "(a recursive alias); it would never end")])
        if depth > limits.YAML_DEPTH:
            raise ScenarioError([Problem(self.file, line, f"nested more than {limits.YAML_DEPTH} levels deep")])
        if self.left < 0:
            raise ScenarioError([Problem(self.file, line, f"more than {limits.YAML_NODES:,} values once aliases "
                                                          f"are expanded (an alias bomb?); not read")])


def _to_python(node: yaml.Node, path: tuple, lines: dict, file: str, budget: _Budget | None = None) -> Any:
    budget = budget or _Budget(file)
    budget.enter(node, len(path))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        budget.open.add(id(node))
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError([Problem(file, key_node.start_mark.line + 1, "a key must be a plain name")])
            key = _scalar(key_node, file)
            if key in out:  # the key as written: `on` and `surface` are never 'True'
                raise ScenarioError([Problem(file, key_node.start_mark.line + 1,
                                             f"key '{key_node.value}' appears twice")])
            out[key] = _to_python(value_node, path + (key,), lines, file, budget)
            lines[path + (key,)] = key_node.start_mark.line + 1
        budget.open.discard(id(node))
        return out
    if isinstance(node, yaml.SequenceNode):
        if len(node.value) > limits.KEYFRAMES:  # longer than any list a file may hold: only its length is read
            return [None] * len(node.value)
        budget.open.add(id(node))
        items = [_to_python(item, path + (i,), lines, file, budget) for i, item in enumerate(node.value)]
        budget.open.discard(id(node))
        return items
    return _scalar(node, file)


_TAG_WORDS = {"bool": "true or false", "int": "a whole number", "float": "a number", "timestamp": "a date",
              "binary": "base64 data", "null": "empty"}


def _scalar(node: yaml.Node, file: str) -> Any:
    """A scalar's value; one whose explicit tag its text does not fit (`!!bool "maybe"`,
    `!!int "0x"`, `!!timestamp "tomorrow"`) is a problem on its line, not a crash."""
    try:
        return _constructor.construct_object(node)
    except yaml.constructor.ConstructorError:
        raise
    except Exception:  # PyYAML's constructors raise KeyError, IndexError, ValueError, TypeError…
        kind = str(node.tag).rsplit(":", 1)[-1]
        value = node.value if isinstance(node.value, str) else "…"
        raise ScenarioError([Problem(file, node.start_mark.line + 1,
                                     f"'{value}' cannot be read as !!{kind} ({_TAG_WORDS.get(kind, kind)})")]) \
            from None


def _yaml12(base: type) -> type:
    """`base` reading plain scalars as YAML 1.2 does, as the schema and editors read them: only
    true/false are booleans (so a contact's `on:` key is the word on), 2e0 is a number, 1:30
    and 2024-01-01 are text."""
    old = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
           "tag:yaml.org,2002:timestamp")
    cls = type(f"{base.__name__}12", (base,), {})
    cls.yaml_implicit_resolvers = {first: [(tag, rx) for tag, rx in pairs if tag not in old]
                                   for first, pairs in base.yaml_implicit_resolvers.items()}
    cls.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
    cls.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                              list("-+0123456789"))
    cls.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."))
    return cls


class _Loader(yaml.SafeLoader):
    """Where libyaml is missing: stops composing past the depth limit, as libyaml does at 1000
    levels; PyYAML would otherwise recurse (and scan ever slower) through [[[[…]]]]."""

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > limits.YAML_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested more than {limits.YAML_DEPTH} levels deep",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_LOADER = _yaml12(getattr(yaml, "CSafeLoader", _Loader))  # libyaml: 2-3× faster


def parse_yaml(text: str, file: str) -> Located:
    """Parse YAML text; a syntax error becomes a ScenarioError naming the line."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or "unreadable YAML"
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            what = f"{exc.context} (opened on line {exc.context_mark.line + 1}): {what}"
        raise ScenarioError([Problem(file, line, f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(file, None, f"not valid YAML: {exc}")]) from None
    except RecursionError:  # PyYAML's composer recurses once per level of [[[[…]]]]
        raise ScenarioError([Problem(file, None, f"nested more than {limits.YAML_DEPTH} levels deep")]) from None
    lines: dict[tuple, int] = {}
    if node is None:
        return Located(None, file, {(): 1})
    try:
        data = _to_python(node, (), lines, file)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ScenarioError([Problem(file, line, f"not valid YAML: {exc.problem}")]) from None
    except (ValueError, OverflowError) as exc:  # a scalar YAML types but cannot build: 2001-13-45
        raise ScenarioError([Problem(file, None, f"not valid YAML: a value cannot be read ({exc})")]) from None
    return Located(data, file, lines)


def read_yaml(path: str | Path) -> Located:
    """Read and parse a YAML file; unreadable files (missing, a FIFO, too large, not UTF-8)
    become one clear problem."""
    return parse_yaml(read_user_text(path, limits.SCENARIO_BYTES, ScenarioError), display_path(path))

"""Errors a user can act on: each problem names the file, the line and the key."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return printable(f"{where}: {self.message}")


class ViewerError(Exception):
    """Bad input. Carries one or more problems; str() gives one line per problem."""

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("muscle-viewer", None, problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ScenarioError(ViewerError):
    pass


class ModelError(ViewerError):
    pass


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x20), *range(0x7f, 0xa0))}


_CONTROL_KEEP_LINES = {c: v for c, v in _CONTROL.items() if chr(c) not in "\n\t"}


def printable(text: str, lines: bool = False) -> str:
    """Text safe for a terminal: control characters (escape sequences that clear the screen
    or move the cursor, carriage returns that overwrite a line) shown as \\x1b and the like.
    lines=True keeps line breaks and tabs."""
    return str(text).translate(_CONTROL_KEEP_LINES if lines else _CONTROL)


QUOTE_CHARS = 120  # an error never echoes more of a file than this


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """A piece of a user's file for an error message: one line, at most `limit` characters,
    so a wrong file (a motion table given as a scenario) never floods the terminal."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def plain_words(exc: BaseException) -> str:
    """An unexpected failure in plain words on one line, without Python's exception class names."""
    if isinstance(exc, ViewerError):
        return "; ".join(str(p) for p in exc.problems)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return printable(f"{where}{exc.strerror or 'the operating system refused'}")
    if isinstance(exc, MemoryError):
        return "out of memory: the input asks for more than this computer has (see Limits in README)"
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to read"
    return printable(f"internal error: {' '.join(str(exc).split()) or 'unexpected failure'}")


def suggest(name: str, choices: Iterable[str]) -> str:
    """' (did you mean x?)' for a close name, else ''."""
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def display_path(path: str | Path) -> str:
    """A path as the user typed it relative to where they are, when that is shorter."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a symlink loop: as typed
        return str(path)

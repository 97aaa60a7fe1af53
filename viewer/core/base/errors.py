"""Errors a user can act on: each problem names the file, the line and the key."""
from __future__ import annotations

import contextlib
import difflib
import re
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
        return _LONG_WORD.sub(lambda m: shorten(m.group()), printable(f"{where}: {self.message}"))


PROBLEMS = 20  # lines of one error report (limits.TABLE lists it; errors sit below limits)


class ViewerError(Exception):
    """Bad input. Carries one or more problems; str() gives one line per problem, at most
    limits.PROBLEMS lines (125,000 unknown names are 19 lines and "and 124,981 more")."""

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("muscle-viewer", None, problems)]
        self.problems = list(problems)
        if len(self.problems) > PROBLEMS:
            more = len(self.problems) - (PROBLEMS - 1)
            self.problems[PROBLEMS - 1:] = [Problem(self.problems[0].file, None,
                                                    f"and {more:,} more problems; fix these first")]
        super().__init__("\n".join(str(p) for p in self.problems))


class ScenarioError(ViewerError):
    pass


class ModelError(ViewerError):
    pass


_LONG_WORD = re.compile(r"[^\s'\"]{200,}")  # a 2,000,000-letter name echoed back: cut with '…'
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


_suggestions_left: list[int] = []  # budgets of the checks under way (few_suggestions)


@contextlib.contextmanager
def few_suggestions(limit: int):
    """Within the block only the first `limit` calls of suggest() search (about 1 ms each over
    MyoFullBody's names): a file of 125,000 unknown names answers in a moment, not minutes."""
    _suggestions_left.append(limit)
    try:
        yield
    finally:
        _suggestions_left.pop()


def suggest(name: str, choices: Iterable[str]) -> str:
    """' (did you mean x?)' for a close name (never the name itself), else ''."""
    if _suggestions_left:
        if _suggestions_left[-1] <= 0:
            return ""
        _suggestions_left[-1] -= 1
    name = str(name)
    if len(name) > 200:  # no name is that long; difflib would take seconds over it
        return ""
    close = [c for c in difflib.get_close_matches(name, list(choices), n=2, cutoff=0.6) if c != name]
    return f" (did you mean {shorten(close[0])}?)" if close else ""


def shorten(text: str, keep: int = 60) -> str:
    """A name as it may be echoed in a message: a 2,000,000-letter one is cut with '…'."""
    text = str(text)
    return text if len(text) <= keep + 20 else f"{text[:keep]}… ({len(text):,} characters)"


def display_path(path: str | Path) -> str:
    """A path as the user typed it relative to where they are, when that is shorter."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a symlink loop: as typed
        return str(path)

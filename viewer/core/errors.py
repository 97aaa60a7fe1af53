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
        return f"{where}: {self.message}"


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

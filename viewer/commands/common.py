"""Helpers shared by the command modules."""
from __future__ import annotations

import math
import sys
from pathlib import Path

from viewer.core.errors import ViewerError


def scenario_arg(parser, help_text: str = "scenario file (YAML), e.g. scenarios/leg_raise.yaml") -> None:
    parser.add_argument("scenario", metavar="SCENARIO", help=help_text)


def colour_arg(parser, default: str = "the scenario's, else rate of length change") -> None:
    """--colour: what the muscle colours show (the sources are core/colour's)."""
    from viewer.core.colour import SOURCES

    parser.add_argument("--colour", choices=tuple(SOURCES), default=None,
                        help=f"what the colours show (default: {default})")


def load(path: str):
    """(scenario, model, kinematics) for a scenario path, checked against its model."""
    from viewer.core.binding import bind, load_checked

    from viewer.core.files import check_outputs

    try:
        scenario, model = load_checked(path)
    finally:  # the scenario, its model or a mesh given as the output: refused first, before any work
        check_outputs()
    for note in getattr(model, "notes", []):  # e.g. an OpenSim mesh not found: drawn without it
        print(note, file=sys.stderr)
    return scenario, model, bind(model, scenario)


def view_output(path: str, view: str | None = None, colour: str | None = None, speed: float = 1.0, **options):
    """(feed, export options) for a scenario file as its saved view shows it (`camera`, `colour`,
    `hide`, `bones`), with the command line's --view/--colour/--speed on top: every output
    renders from a view state, like the window."""
    from viewer.core.colour import Colouring
    from viewer.core.feed import FrameFeed
    from viewer.core.viewstate import ViewState
    from viewer.render.export import options_from_view

    scenario, model, kin = load(path)
    state = ViewState.from_scenario(scenario, model, view=view, colour_source=colour, speed=speed)
    return FrameFeed(kin, Colouring(kin, source=state.colour_source)), options_from_view(state, model, **options)


def output_path(value: str, suffixes: tuple[str, ...]) -> Path:
    """Check an output path before any work: its folder exists, its suffix is known, and it is not
    (now or once the inputs are read) a file this command reads."""
    from viewer.core.files import guard_output

    path = Path(value)
    if suffixes and path.suffix.lower() not in suffixes:
        raise ViewerError(f"{value}: unsupported output type '{path.suffix or '(none)'}'; "
                          f"use {', '.join(suffixes)}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ViewerError(f"{value}: cannot write here: folder '{folder}' does not exist")
    if path.is_dir():
        raise ViewerError(f"{value}: is a folder; give a file name")
    guard_output(path)
    return path


def positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(f"not a number: {text}") from None
        if not math.isfinite(value):  # inf and nan would pass `> 0` checks and then allocate or loop forever
            raise ValueError(f"must be a finite number: {text}")
        if value <= 0:
            raise ValueError(f"must be positive: {text}")
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


def sample_times(kin, fps: float):
    """The times `lengths`/`convert` sample at, refused before any work when there would be too many."""
    from viewer.core import limits

    limits.frame_rate(fps, "--fps")
    limits.frame_count(kin.scenario.duration * fps + 1, f"{kin.scenario.duration:g} s at {fps:g} fps",
                       limits.SAMPLES)
    return kin.times(fps)


def say(text: str = "") -> None:
    from viewer.core.errors import printable

    print(printable(text, lines=True), file=sys.stdout)  # titles and captions are the user's: no escape sequences

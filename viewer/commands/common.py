"""Helpers shared by the command modules."""
from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

from viewer.core.base.errors import ViewerError


def scenario_arg(parser, help_text: str = "scenario file (YAML), e.g. scenarios/leg_raise.yaml, or a lab's "
                                           "OpenSim motion file (.mot, .sto) with --model") -> None:
    parser.add_argument("scenario", metavar="SCENARIO", help=help_text)
    lab_args(parser)


def lab_args(parser) -> None:
    """--model and --clamp: a motion file (.mot/.sto) opens wherever a scenario goes."""
    group = parser.add_argument_group("lab motion files (.mot, .sto)")
    group.add_argument("--model", default=None, metavar="MODEL.osim",
                       help="the model the motion's coordinates belong to (an .osim file or a built-in name)")
    group.add_argument("--clamp", action="store_true",
                       help="set values a hair outside a joint's range to the limit and count them per joint")
    group.add_argument("--grf", default=None, metavar="TRIAL_grf.mot",
                       help="the trial's ground reaction forces: arrows from each centre of pressure, "
                            "0.5 m per body weight")
    group.add_argument("--markers", default=None, metavar="TRIAL.trc", help="the trial's markers: small spheres")


def lab_input(args):
    from viewer.core.session.lab import LabInput

    return LabInput(model=getattr(args, "model", None), clamp=getattr(args, "clamp", False),
                    grf=getattr(args, "grf", None), markers=getattr(args, "markers", None))


def colour_arg(parser, default: str = "the scenario's, else rate of length change") -> None:
    """--colour: what the muscle colours show (the sources are core/analysis/colour's)."""
    from viewer.core.analysis.colour import SOURCES

    parser.add_argument("--colour", choices=tuple(SOURCES), default=None,
                        help=f"what the colours show (default: {default})")


def load(path: str, lab=None, draws: bool = True):
    """(scenario, model, kinematics) for a scenario path (or a motion file with `lab`'s model),
    checked against its model. `draws`: the command draws bones, so a missing mesh is worth a
    warning; lengths and summaries need no mesh and say nothing of them."""
    from viewer.core.model.binding import bind
    from viewer.core.session.lab import attach_recordings, load_any

    from viewer.core.base.files import check_outputs

    try:
        scenario, model = load_any(path, lab)
    finally:  # the scenario, its model or a mesh given as the output: refused first, before any work
        check_outputs()
    for note in model_notes(scenario, model) if draws else []:  # e.g. an OpenSim mesh not found: drawn without it
        print(note, file=sys.stderr)
    kin = bind(model, scenario)
    attach_recordings(kin, lab)
    return scenario, model, kin


def model_notes(scenario, model) -> list[str]:
    """The model's warnings (a mesh not drawn), each naming the scenario line that pulled the model in."""
    from viewer.core.base.errors import Problem

    return [str(scenario.problem(("model",), str(note))) if isinstance(note, Problem) else str(note)
            for note in getattr(model, "notes", [])]


def view_output(path: str, view: str | None = None, colour: str | None = None, speed: float = 1.0, lab=None,
                **options):
    """(feed, export options) for a scenario file as its saved view shows it (`camera`, `colour`,
    `hide`, `bones`), with the command line's --view/--colour/--speed on top: every output
    renders from a view state, like the window."""
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.core.view.viewstate import ViewState
    from viewer.render.export import options_from_view

    scenario, model, kin = load(path, lab)
    state = ViewState.from_scenario(scenario, model, view=view, colour_source=colour, speed=speed)
    return FrameFeed(kin, Colouring(kin, source=state.colour_source)), options_from_view(state, model, **options)


def output_path(value: str, suffixes: tuple[str, ...]) -> Path:
    """Check an output path before any work: its folder exists, its suffix is known, and it is not
    (now or once the inputs are read) a file this command reads."""
    from viewer.core.base.files import guard_output

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
    from viewer.core.base import limits

    limits.frame_rate(fps, "--fps")
    limits.frame_count(kin.scenario.duration * fps + 1, f"{kin.scenario.duration:g} s at {fps:g} fps",
                       limits.SAMPLES)
    return kin.times(fps)


def say(text: str = "") -> None:
    from viewer.core.base.errors import printable

    print(printable(text, lines=True), file=sys.stdout)  # titles and captions are the user's: no escape sequences


# --- the one progress bar of every command: export, share, compare and batch draw with it ----------

class ProgressBar:
    """Call with (done, total): the bar, the count, the rate and the time left. One line on stderr,
    redrawn in place at most ~10 times a second; silent when stderr is not a terminal, unless
    MUSCLE_VIEWER_PROGRESS=1 (the app's export dialog reads the bar from a child process this way)."""

    def __init__(self, label: str, width: int = 30, stream=None, unit: str = "frames"):
        self.label, self.width, self.unit = label, width, unit
        self.stream = stream or sys.stderr
        self.live = (hasattr(self.stream, "isatty") and self.stream.isatty()) \
            or os.environ.get("MUSCLE_VIEWER_PROGRESS") == "1"
        self.start = time.monotonic()
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.live or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        rate = done / max(now - self.start, 1e-9)
        left = (total - done) / rate if rate > 0 else 0.0
        per_second = "fps" if self.unit == "frames" else f"{self.unit}/s"
        self.show(done / total if total else 1.0,
                  f"{done}/{total} {self.unit}, {rate:4.1f} {per_second}, {left:4.0f} s left")

    def show(self, share: float, words: str) -> None:
        """Redraw the line: the bar filled to `share` (0…1), then `words`."""
        if not self.live:
            return
        filled = int(round(self.width * min(share, 1.0)))
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {words} ")
        self.stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()

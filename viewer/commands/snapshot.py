"""`muscle-viewer snapshot`: one PNG still of a scenario at a given time."""
from __future__ import annotations

import argparse
import math
import sys

from viewer.core.view.viewstate import VIEWS

from .common import colour_arg, output_path, scenario_arg, lab_input

HELP = "render the scenario at one time to a PNG image"
DESCRIPTION = """\
Render one moment of the scenario off-screen (no display needed) and write a PNG.

examples:
  muscle-viewer snapshot scenarios/leg_raise.yaml --time 1.25 -o leg_raise.png
  muscle-viewer snapshot scenarios/crunch.yaml --time 1 -o crunch.png --view three-quarter --transparent
"""


def _time(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds: {text}")
    return value


def scenario_time(scenario, shown: float | None) -> float:
    """--time on the clock the user sees (a motion file's lab time) → scenario seconds from 0."""
    from viewer.core.base.errors import ViewerError

    if shown is None:
        return 0.0
    t = shown - scenario.lab_start
    if t < -1e-9:
        start = f" (it starts at {scenario.lab_start:g} s, the lab's clock)" if scenario.lab_start else ""
        raise ViewerError(f"--time {shown:g} is before the motion starts{start}")
    return max(t, 0.0)


def add_parser(sub) -> None:
    p = sub.add_parser("snapshot", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    scenario_arg(p)
    p.add_argument("--time", type=_time, default=None, metavar="SECONDS",
                   help="scenario time (default the start); a motion file's own clock, as its rows give it")
    p.add_argument("-o", "--output", required=True, metavar="OUT.png", help="PNG file to write")
    p.add_argument("--size", default="1280x720", metavar="WxH", help="image size in pixels (default 1280x720)")
    p.add_argument("--view", choices=VIEWS, default=None, help="camera view (default: the scenario's)")
    p.add_argument("--transparent", action="store_true", help="transparent background instead of the dark one")
    p.add_argument("--text", choices=("dark", "light"), default=None,
                   help="words in dark (light halo; for slides) or light; default dark with --transparent")
    colour_arg(p)
    p.add_argument("--muscles", choices=("shapes", "lines"), default="shapes",
                   help="shapes: bellies and tendons from each muscle's volume (default); lines: thin lines of action")
    p.set_defaults(run=run)


def run(args) -> int:
    target = output_path(args.output, (".png",))
    options = write_snapshot(args.scenario, target, size=args.size, view=args.view, transparent=args.transparent,
                             text=args.text, colour=args.colour, muscles=args.muscles, lab=lab_input(args),
                             shown_time=args.time)
    w, h = options.size
    print(f"wrote {target}: {w}x{h} at {'the start' if args.time is None else f'{args.time:g} s'}", file=sys.stderr)
    return 0


def write_snapshot(scenario: str, target, time: float = 0.0, size: str = "1280x720", view: str | None = None,
                   transparent: bool = False, text: str | None = None, colour: str | None = None,
                   muscles: str = "shapes", lab=None, shown_time: float | None = None):
    """The PNG `snapshot` writes (batch jobs call this too, so theirs are the same image) at
    `time` scenario seconds, or at `shown_time` on the clock the user sees (a lab motion's own);
    returns the export options."""
    from viewer.render.export import parse_size, save_still

    from .common import view_output

    style = text or ("dark" if transparent else "light")
    feed, options = view_output(scenario, view, colour, lab=lab, size=parse_size(size), transparent=transparent,
                                anti_aliasing="msaa", text_style=style, muscle_style=muscles)
    save_still(feed, time if shown_time is None else scenario_time(feed.scenario, shown_time), target, options)
    return options

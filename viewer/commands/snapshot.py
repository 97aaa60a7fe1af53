"""`muscle-viewer snapshot`: one PNG still of a scenario at a given time."""
from __future__ import annotations

import argparse
import sys

from viewer.core.scenario import VIEWS

from .common import colour_arg, output_path, scenario_arg

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
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds: {text}")
    return value


def add_parser(sub) -> None:
    p = sub.add_parser("snapshot", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    scenario_arg(p)
    p.add_argument("--time", type=_time, default=0.0, metavar="SECONDS", help="scenario time (default 0)")
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
    options = write_snapshot(args.scenario, target, args.time, size=args.size, view=args.view,
                             transparent=args.transparent, text=args.text, colour=args.colour, muscles=args.muscles)
    w, h = options.size
    print(f"wrote {target}: {w}x{h} at {args.time:g} s", file=sys.stderr)
    return 0


def write_snapshot(scenario: str, target, time: float = 0.0, size: str = "1280x720", view: str | None = None,
                   transparent: bool = False, text: str | None = None, colour: str | None = None,
                   muscles: str = "shapes"):
    """The PNG `snapshot` writes (batch jobs call this too, so theirs are the same image);
    returns the export options."""
    from viewer.render.export import parse_size, save_still

    from .common import view_output

    style = text or ("dark" if transparent else "light")
    feed, options = view_output(scenario, view, colour, size=parse_size(size), transparent=transparent,
                                anti_aliasing="msaa", text_style=style, muscle_style=muscles)
    save_still(feed, time, target, options)
    return options

"""`muscle-viewer share`: one offline HTML page of a scenario for the patient to take home."""
from __future__ import annotations

import argparse
import sys

from viewer.core.view.viewstate import VIEWS

from .common import colour_arg, output_path, scenario_arg, lab_input

HELP = "write one self-contained HTML page that plays the exercise (offline, any phone)"
DESCRIPTION = """\
Write a single HTML file that plays the exercise on the 3D skeleton in any current browser,
phone or computer, with no network and nothing to install: drag to turn, pinch or scroll to
zoom, play, pause and scrub, captions per phase and the colour legend in plain words.
Add '#t=1.25' to the page's address to open it paused at 1.25 s.

examples:
  muscle-viewer share scenarios/leg_raise.yaml -o leg_raise.html
  muscle-viewer share scenarios/leg_raise.yaml -o leg_raise.html --note "Ten slow raises, twice a day."
"""


def add_parser(sub) -> None:
    p = sub.add_parser("share", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    scenario_arg(p)
    p.add_argument("-o", "--output", required=True, metavar="PAGE.html", help="HTML file to write")
    p.add_argument("--note", default="", metavar="TEXT", help="a note shown on top of the page")
    p.add_argument("--view", choices=VIEWS, default=None, help="starting camera view (default: the scenario's)")
    colour_arg(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    from .common import ProgressBar

    target = output_path(args.output, (".html", ".htm"))
    bar = None if args.quiet else ProgressBar(f"share {target.name}", unit="steps")
    try:
        size, scenario = write_share(args.scenario, target, note=args.note, view=args.view, colour=args.colour,
                                     progress=bar, lab=lab_input(args))
    finally:
        if bar:
            bar.finish()
    print(f"wrote {target}: {size / 1e6:.1f} MB, {scenario.duration:g} s of '{scenario.title}'", file=sys.stderr)
    return 0


def write_share(path: str, target, note: str = "", view: str | None = None, colour: str | None = None,
                progress=None, lab=None):
    """The page `share` writes (batch jobs call this too); returns (bytes written, scenario)."""
    from viewer.core.analysis.colour import Colouring
    from viewer.core.base.errors import ViewerError
    from viewer.core.session.feed import FrameFeed
    from viewer.core.view.viewstate import ViewState
    from viewer.share.page import PageOutput, refuse_too_long, write_page

    from .common import load

    try:
        note.encode("utf-8")
    except UnicodeEncodeError:  # a byte that is not UTF-8 on the command line (Python keeps it as a surrogate)
        raise ViewerError("--note: not UTF-8 text (a byte of another encoding?); write the note in UTF-8") from None
    scenario, model, kin = load(path, lab)
    # The file's saved view (hide, bones, colour, camera), as the window and `export` draw it.
    view = ViewState.from_scenario(scenario, model, view=view, colour_source=colour).snapshot()
    refuse_too_long(model, view)  # before the colouring samples the whole motion
    feed = FrameFeed(kin, Colouring(kin, source=view.colour_source))
    return write_page(target, feed, view, PageOutput(note=note), progress=progress), scenario

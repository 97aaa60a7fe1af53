"""`muscle-viewer gui`: the desktop app (also what plain `muscle-viewer` starts)."""
from __future__ import annotations

HELP = "open the desktop app (the default when no command is given)"
DESCRIPTION = """\
Open the app on a scenario (default: the last one you had open, or the lying leg raise).
Rotate with the left mouse button, zoom with the wheel, pan with the middle button.

examples:
  muscle-viewer gui scenarios/crunch.yaml
  muscle-viewer gui WALK_ik.mot --model SUBJECT.osim
  xvfb-run -a muscle-viewer gui scenarios/leg_raise.yaml --screenshot shot.png
"""


def add_parser(sub) -> None:
    import argparse

    p = sub.add_parser("gui", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario file to open")
    p.add_argument("--screenshot", metavar="F.png", help="render, save the whole window as PNG, and exit")
    p.add_argument("--time", type=float, default=None, metavar="SECONDS", help="open at this time of the exercise")
    p.add_argument("--edit", action="store_true", help="open in editor mode (sliders, keyframes, phases)")
    from .common import lab_args

    lab_args(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from viewer.app.main import run as run_app

    from .common import output_path

    if args.screenshot:
        output_path(args.screenshot, (".png",))
    from .common import lab_input

    return run_app(args.scenario, args.screenshot, time=args.time, edit=args.edit, lab=lab_input(args))

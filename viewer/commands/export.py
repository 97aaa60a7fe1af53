"""`muscle-viewer export`: an MP4 or GIF of a scenario, rendered headless."""
from __future__ import annotations

import argparse
import sys

from viewer.core.view.viewstate import VIEWS

from .common import ProgressBar, colour_arg, output_path, positive, scenario_arg, lab_input

HELP = "render the scenario to an MP4 or GIF video"
DESCRIPTION = """\
Render the scenario off-screen (no display needed) and write an MP4 (H.264) or a GIF.
Muscles turn warm while they shorten, cool while they are stretched, and stay plain while
their length holds. The file appears only when complete; Ctrl-C leaves nothing behind.

examples:
  muscle-viewer export scenarios/leg_raise.yaml -o leg_raise.mp4
  muscle-viewer export scenarios/crunch.yaml -o crunch.gif --size 640x360 --fps 15 --view three-quarter
  muscle-viewer export scenarios/leg_raise.yaml -o orbit.mp4 --orbit 360 --loops 2
"""


def add_parser(sub) -> None:
    p = sub.add_parser("export", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    scenario_arg(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT.mp4|OUT.gif", help="video file to write")
    p.add_argument("--size", default="1280x720", metavar="WxH", help="frame size in pixels (default 1280x720)")
    p.add_argument("--fps", type=positive(float), default=30.0, help="frames per second (default 30)")
    p.add_argument("--speed", type=positive(float), default=1.0, help="playback speed, 2 = twice as fast (default 1)")
    p.add_argument("--view", choices=VIEWS, default=None, help="camera view (default: the scenario's)")
    p.add_argument("--orbit", type=float, default=0.0, metavar="DEG",
                   help="turn the camera this many degrees around the body over the video")
    p.add_argument("--loops", type=positive(int), default=1, metavar="N", help="play the exercise N times")
    colour_arg(p)
    p.add_argument("--muscles", choices=("shapes", "lines"), default="shapes",
                   help="shapes: bellies and tendons from each muscle's volume (default); lines: thin lines of action")
    p.add_argument("--workers", type=positive(int), default=1, metavar="N",
                   help="render in N processes (e.g. the number of cores); the file is the same as with 1")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    target = output_path(args.output, (".mp4", ".gif"))
    bar = None if args.quiet else ProgressBar(f"export {target.name}")
    try:
        count, options = write_export(args.scenario, target, size=args.size, fps=args.fps, speed=args.speed,
                                      view=args.view, orbit=args.orbit, loops=args.loops, colour=args.colour,
                                      muscles=args.muscles, workers=args.workers, progress=bar, lab=lab_input(args))
    finally:
        if bar:
            bar.finish()
    w, h = options.size
    print(f"wrote {target}: {count} frames, {w}x{h}, {count / options.fps:.2f} s at {options.fps:g} fps",
          file=sys.stderr)
    return 0


def write_export(scenario: str, target, size: str = "1280x720", fps: float = 30.0, speed: float = 1.0,
                 view: str | None = None, orbit: float = 0.0, loops: int = 1, colour: str | None = None,
                 muscles: str = "shapes", workers: int = 1, progress=None, lab=None):
    """The video `export` writes (batch jobs call this too, so theirs are the same file):
    returns (frames written, export options). workers > 1 renders shares of the frames in that
    many processes and encodes them in order in this one: the same file as one process writes."""
    from viewer.render.export import check_video_options, export_video, parse_size

    from .common import view_output

    options_kw = dict(size=parse_size(size), fps=fps, orbit=orbit, loops=loops, muscle_style=muscles)
    if workers > 1 and lab is not None and lab.model is not None:
        from viewer.core.base.errors import ViewerError

        raise ViewerError("--workers goes with scenario files: a lab's motion file renders in one process")
    feed, options = view_output(scenario, view, colour, speed, lab=lab, **options_kw)
    check_video_options(target, options)
    if workers > 1:
        from viewer.batch.segments import export_parallel

        count = export_parallel(dict(path=scenario, view=view, colour=colour, speed=speed, **options_kw),
                                target, options, workers, progress=progress)
    else:
        count = export_video(feed, target, options, progress=progress)
    return count, options


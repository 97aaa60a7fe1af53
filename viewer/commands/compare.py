"""`muscle-viewer compare`: two scenarios side by side in one video, with one shared legend."""
from __future__ import annotations

import argparse
import sys

from viewer.core.view.viewstate import VIEWS

from .common import colour_arg, output_path, positive

HELP = "render two scenarios side by side, in sync, to one MP4 or GIF"
DESCRIPTION = """\
Render two scenarios off-screen next to each other, each panel labelled with its title, phase and
caption, and one colour legend under both. Both use the same colour scale, so the same colour
means the same speed of length change on either side.

The two play on one clock. When their durations differ, by default each plays at its own speed
and the shorter one holds its last pose until the longer one ends (--sync hold); --sync stretch
slows the shorter one so both start and end together.

examples:
  muscle-viewer compare scenarios/leg_raise.yaml scenarios/reverse_crunch.yaml -o compare.mp4
  muscle-viewer compare scenarios/leg_raise.yaml scenarios/leg_raise_pelvic_tilt.yaml -o tilt.gif --size 960x400 --fps 12
"""


def add_parser(sub) -> None:
    p = sub.add_parser("compare", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("first", metavar="SCENARIO_A", help="scenario shown on the left")
    p.add_argument("second", metavar="SCENARIO_B", help="scenario shown on the right")
    p.add_argument("-o", "--output", required=True, metavar="OUT.mp4|OUT.gif", help="video file to write")
    p.add_argument("--size", default="1600x720", metavar="WxH", help="whole frame in pixels (default 1600x720)")
    p.add_argument("--fps", type=positive(float), default=30.0, help="frames per second (default 30)")
    p.add_argument("--speed", type=positive(float), default=1.0, help="playback speed, 2 = twice as fast (default 1)")
    p.add_argument("--sync", choices=("hold", "stretch"), default="hold",
                   help="different durations: hold the shorter at its end (default) or stretch it to the longer")
    p.add_argument("--view", choices=VIEWS, default=None, help="camera view for both (default: each scenario's)")
    colour_arg(p, "rate of length change")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    from dataclasses import replace

    from viewer.core.analysis.colour import share_scale
    from viewer.render.compare import export_comparison
    from viewer.render.export import check_video_options, parse_size

    from .common import view_output
    from .common import ProgressBar

    target = output_path(args.output, (".mp4", ".gif"))
    size = parse_size(args.size)
    panels = [view_output(path, args.view, args.colour, args.speed, size=size, fps=args.fps)
              for path in (args.first, args.second)]
    options = replace(panels[0][1], camera=None, hidden=None, bone_opacity=1.0)  # shared: clock, size
    check_video_options(target, options)
    colourings = share_scale([feed.colouring for feed, _ in panels])  # one colour scale for both
    feeds = [feed.with_colouring(c) for (feed, _), c in zip(panels, colourings)]
    bar = None if args.quiet else ProgressBar(f"compare {target.name}")
    try:
        count = export_comparison(feeds, target, options, sync=args.sync, progress=bar,
                                  panel_options=[o for _, o in panels])
    finally:
        if bar:
            bar.finish()
    w, h = options.size
    print(f"wrote {target}: {count} frames, {w}x{h}, {count / options.fps:.2f} s at {options.fps:g} fps "
          f"({feeds[0].scenario.title} | {feeds[1].scenario.title})", file=sys.stderr)
    return 0

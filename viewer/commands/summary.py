"""`muscle-viewer summary`: per phase, the muscles that shorten and lengthen most."""
from __future__ import annotations

import numpy as np

from .common import load, positive, say, scenario_arg, lab_input

HELP = "per phase: which muscles shorten, which lengthen, which keep their length"
DESCRIPTION = """\
For each phase of the scenario, rank the muscles by how much their muscle-tendon length
changes from the start to the end of the phase (% of the length at the phase start).
Right and left are shown together when they change alike. Focus-group muscles that change
by less than 0.5 % are listed as unchanged.

For a lab's walk or run (a .mot whose feet step), the ranking is per gait phase instead:
stance and swing of each cycle (heel strike to heel strike, from --grf or foot kinematics),
by the range of each muscle's length (longest minus shortest, % of its mean).

Length change is not effort: a muscle can work hard at constant length (isometric).

example:  muscle-viewer summary scenarios/leg_raise.yaml
          muscle-viewer summary scenarios/leg_raise.yaml --group "hip flexors"
"""


def add_parser(sub) -> None:
    p = sub.add_parser("summary", help=HELP, description=DESCRIPTION,
                       formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    scenario_arg(p)
    p.add_argument("--top", type=positive(int), default=8, help="muscles listed per direction (default 8)")
    p.add_argument("--group", action="append", default=[], metavar="GROUP",
                   help="rank only the muscles of this group (repeatable); see `muscle-viewer muscles`")

    p.set_defaults(run=run)


def run(args) -> int:
    from viewer.core.analysis.lengths import UNCHANGED_PERCENT, landmark_distances, summarize

    scenario, model, kin = load(args.scenario, lab_input(args), draws=False)
    for group in args.group:
        if group not in model.groups:
            import sys

            from viewer.core.base.errors import suggest

            print(f"muscle-viewer: unknown muscle group '{group}'{suggest(group, model.groups)}; "
                  f"groups: {', '.join(model.groups)}", file=sys.stderr)
            return 1
    say(f"{scenario.title}  ({scenario.name}; model {model.name}, {len(model.muscles)} muscles)")
    if _gait_summary(scenario, model, kin, args):
        return 0
    say("Change in muscle-tendon length over each phase, % of its length at the phase start.")
    # the scenario's phases, or the whole exercise as one; with --group ranked within those groups
    phases = summarize(kin, top=len(model.muscles) if args.group else args.top)
    ends = kin.sample([t for p in phases for t in (p.start, p.end)])
    distances = landmark_distances(kin, ends)
    for i, phase in enumerate(phases):
        if args.group:  # ranked within the groups asked for
            phase.shortening = [m for m in phase.shortening if m.group in args.group][:args.top]
            phase.lengthening = [m for m in phase.lengthening if m.group in args.group][:args.top]
        say()
        start = scenario.lab_start  # a lab motion's own clock
        say(f"{phase.name}  ({phase.start + start:g}–{phase.end + start:g} s)")
        if phase.caption:
            say(f"  {phase.caption}")
        for title, movers in (("Shortening most", phase.shortening), ("Lengthening most", phase.lengthening)):
            say(f"  {title}{' in ' + ', '.join(args.group) if args.group else ''}:")
            if not movers:
                say(f"    (none changes by {UNCHANGED_PERCENT:g} % or more)")
            width = max((len(m.label) for m in movers), default=0)
            for m in movers:
                say(f"    {m.change:+6.1f} %  {m.label:<{width}}  {m.group}")
        if phase.unchanged_focus:
            say(f"  Unchanged (less than {UNCHANGED_PERCENT:g} %) in the focus groups: "
                + "; ".join(phase.unchanged_focus))
        for label, values in distances.items():
            a, b = values[2 * i], values[2 * i + 1]
            say(f"  {label}: {a * 100:.1f} cm → {b * 100:.1f} cm ({(b - a) * 100:+.1f} cm)")
    return 0


def _gait_summary(scenario, model, kin, args) -> bool:
    """A walk or run (a lab motion whose feet step): per stance and swing, each muscle's range
    (longest minus shortest, % of its mean length) over the cycles; end minus start would compare
    heel strike with mid-swing. False when the motion is not cyclic."""
    from viewer.core.motion.gait import gait_events, phase_ranges
    from viewer.core.session.lab import is_motion

    if scenario.path is None or not is_motion(scenario.path):
        return False
    events = gait_events(kin)
    side = "right"
    cycles = events.cycles(side) if events else []
    if not cycles:
        side = "left"
        cycles = events.cycles(side) if events else []
    ranges = phase_ranges(kin, cycles)
    if not ranges:
        return False
    start = scenario.lab_start
    strikes = ", ".join(f"{c.start + start:.2f}" for c in cycles) + f", {cycles[-1].end + start:.2f}"
    say(f"Gait: {len(cycles)} {side} cycle{'s' if len(cycles) > 1 else ''} (heel strikes at {strikes} s, "
        f"from {events.source}).")
    say("Range of muscle-tendon length in each phase: longest minus shortest over the cycles, % of its mean.")
    for phase in ranges:
        spread = (phase.high - phase.low) / phase.mean * 100.0
        # the stepping leg's muscles (and those of no side); a gait-model muscle with no lay name
        # carries its side in its name (quad_fem_r)
        other = "_l" if side == "right" else "_r"
        order = [i for i in np.argsort(-spread)
                 if (not args.group or model.muscles[i].group in args.group)
                 and model.muscles[i].side in ("", side) and not model.muscles[i].name.endswith(other)][:args.top]
        say()
        say(f"{side.capitalize()} {phase.name}  ({phase.percent[0]:.0f}–{phase.percent[1]:.0f} % of the cycle)")
        width = max((len(model.muscles[i].label) for i in order), default=0)
        for i in order:
            m = model.muscles[i]
            say(f"    {spread[i]:5.1f} %  {m.label:<{width}}  {phase.low[i] * 100:.1f}–{phase.high[i] * 100:.1f} cm"
                f"  {m.group}")
    return True

"""`muscle-viewer summary`: per phase, the muscles that shorten and lengthen most."""
from __future__ import annotations

from .common import load, positive, say, scenario_arg, lab_input

HELP = "per phase: which muscles shorten, which lengthen, which keep their length"
DESCRIPTION = """\
For each phase of the scenario, rank the muscles by how much their muscle-tendon length
changes from the start to the end of the phase (% of the length at the phase start).
Right and left are shown together when they change alike. Focus-group muscles that change
by less than 0.5 % are listed as unchanged.

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
    from viewer.core.analysis import UNCHANGED_PERCENT, landmark_distances, summarize

    scenario, model, kin = load(args.scenario, lab_input(args))
    for group in args.group:
        if group not in model.groups:
            import sys

            from viewer.core.errors import suggest

            print(f"muscle-viewer: unknown muscle group '{group}'{suggest(group, model.groups)}; "
                  f"groups: {', '.join(model.groups)}", file=sys.stderr)
            return 1
    say(f"{scenario.title}  ({scenario.name}; model {model.name}, {len(model.muscles)} muscles)")
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
        say(f"{phase.name}  ({phase.start:g}–{phase.end:g} s)")
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

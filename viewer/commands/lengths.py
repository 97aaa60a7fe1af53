"""`muscle-viewer lengths`: muscle-tendon lengths over time as CSV."""
from __future__ import annotations

import io
import sys

from .common import load, output_path, positive, sample_times, scenario_arg, lab_input

SAMPLE_BATCH = 1000

HELP = "write muscle-tendon (or fibre) lengths over time to a CSV file"
DESCRIPTION = """\
Sample the scenario at a fixed frame rate and write one row per time:
time_s (a motion file's own clock), then one column per muscle (the model's muscle
name), lengths in metres.
--quantity fibre writes fibre lengths L - LT (muscle-tendon length minus the
tendon slack length, docs/models.md) instead of muscle-tendon lengths.
The file is written only when the whole scenario is valid and sampled.

example:  muscle-viewer lengths scenarios/leg_raise.yaml -o leg_raise.csv --fps 60
a lab's motion:  muscle-viewer lengths WALK_ik.mot --model SUBJECT.osim -o walk.csv
gait cycles:     muscle-viewer lengths WALK_ik.mot --model SUBJECT.osim --grf WALK_grf.mot --cycle -o cycles.csv
"""


def add_parser(sub) -> None:
    p = sub.add_parser("lengths", help=HELP, description=DESCRIPTION,
                       formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    scenario_arg(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="CSV file to write ('-' for the terminal)")
    p.add_argument("--fps", type=positive(float), default=60.0, help="samples per second (default 60)")
    p.add_argument("--quantity", choices=("muscle-tendon", "fibre"), default="muscle-tendon",
                   help="muscle-tendon length L (default) or fibre length L - LT")
    p.add_argument("--cycle", nargs="?", const="right", choices=("right", "left"), default=None,
                   help="gait: one block of 101 rows (0-100 %%) per cycle of this foot (default right), "
                        "heel strike to heel strike, from --grf or else from foot kinematics")

    p.set_defaults(run=run)


def run(args) -> int:
    from viewer.core.base.files import atomic_write_text

    target = None if args.output == "-" else output_path(args.output, (".csv",))
    scenario, model, kin = load(args.scenario, lab_input(args), draws=False)
    if not model.muscles:  # a CSV of times alone would look like a result
        from viewer.core.base.errors import ModelError, Problem

        raise ModelError([Problem(model.name, None, "the model has no muscles (MuJoCo <muscle> actuators on "
                                                    "tendons, or OpenSim muscles): there are no lengths to write")])
    if args.cycle:
        return _cycles(args, scenario, model, kin, target)
    times = sample_times(kin, args.fps)
    buf = io.StringIO()
    buf.write(",".join(["time_s"] + [m.name for m in model.muscles]) + "\n")
    for start in range(0, len(times), SAMPLE_BATCH):  # batches: memory stays flat for long scenarios
        frames = kin.sample(times[start:start + SAMPLE_BATCH])
        values = model.shapes.fibre_length(frames.lengths) if args.quantity == "fibre" else frames.lengths
        for t, row in zip(frames.times, values):
            buf.write(f"{t + scenario.lab_start:.6f}," + ",".join(f"{v:.6f}" for v in row) + "\n")
    if target is None:
        sys.stdout.write(buf.getvalue())
    else:
        atomic_write_text(target, buf.getvalue())
        print(f"wrote {target}: {len(times)} times × {len(model.muscles)} muscles "
              f"({scenario.duration:g} s at {args.fps:g} fps)", file=sys.stderr)
    return 0


def _cycles(args, scenario, model, kin, target) -> int:
    """cycle, percent, time_s (the lab's clock), then one column per muscle: 101 rows per cycle."""
    from viewer.core.base.errors import ViewerError
    from viewer.core.base.files import atomic_write_text
    from viewer.core.motion.gait import cycle_times, gait_events

    events = gait_events(kin)
    cycles = events.cycles(args.cycle) if events else []
    if not cycles:
        why = ("the model has no feet (bodies pelvis, calcn_r/l, toes_r/l)" if events is None else
               f"fewer than two {args.cycle} heel strikes were found ({events.source})")
        raise ViewerError(f"{scenario.name}: no gait cycle: {why}")
    buf = io.StringIO()
    buf.write(",".join(["cycle", "percent", "time_s"] + [m.name for m in model.muscles]) + "\n")
    for number, cycle in enumerate(cycles, start=1):
        frames = kin.sample(cycle_times(cycle))
        values = model.shapes.fibre_length(frames.lengths) if args.quantity == "fibre" else frames.lengths
        for percent, (t, row) in enumerate(zip(frames.times, values)):
            buf.write(f"{number},{percent},{t + scenario.lab_start:.6f}," + ",".join(f"{v:.6f}" for v in row) + "\n")
    if target is None:
        sys.stdout.write(buf.getvalue())
    else:
        atomic_write_text(target, buf.getvalue())
        strikes = ", ".join(f"{c.start + scenario.lab_start:.2f}" for c in cycles) + \
            f", {cycles[-1].end + scenario.lab_start:.2f}"
        print(f"wrote {target}: {len(cycles)} {args.cycle} gait cycle{'s' if len(cycles) > 1 else ''} × 101 rows "
              f"(0-100 %), heel strikes at {strikes} s from {events.source}", file=sys.stderr)
    return 0

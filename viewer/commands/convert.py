"""`muscle-viewer convert`: scenario ↔ OpenSim motion file (.mot)."""
from __future__ import annotations

import argparse
import sys

from .common import positive
from .new import POSTURES

HELP = "convert a scenario to an OpenSim motion file (.mot) and back"
DESCRIPTION = """\
Scenario → .mot: sample the scenario (--fps) and write every joint a scenario can set, in
degrees (slides in metres). Coupled joints (lumbar vertebrae, shoulder girdle, knee
translations) are left out: OpenSim computes them from the joint they follow. The free root
is left out too, so OpenSim shows the pelvis still.

.mot → scenario: one keyframe per row (linear), only the joints that move; rows that a
straight line between their neighbours already gives are dropped (--every-row keeps them).
Columns for OpenSim's pelvis coordinates (pelvis_tilt, pelvis_tx, ...) and for coupled joints
are skipped with a note; any other unknown column is an error (--skip-unknown skips it).

examples:
  muscle-viewer convert scenarios/leg_raise.yaml leg_raise.mot --fps 60
  muscle-viewer convert leg_raise.mot leg_raise_again.yaml --posture supine

An existing OUT is never replaced unless you add --force.
"""
SCENARIO_SUFFIXES = (".yaml", ".yml")
MOTION_SUFFIXES = (".mot", ".sto")


def add_parser(sub) -> None:
    p = sub.add_parser("convert", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", metavar="IN", help="scenario (.yaml) or OpenSim motion file (.mot, .sto)")
    p.add_argument("output", metavar="OUT", help=".mot for a scenario input, .yaml for a motion input")
    p.add_argument("--fps", type=positive(float), default=60.0, help="rows per second for .yaml → .mot (default 60)")
    p.add_argument("--model", default=None, metavar="NAME|PATH",
                   help=".mot → .yaml: model whose joints the columns name (default full-body)")
    p.add_argument("--posture", default=None, choices=POSTURES, help=".mot → .yaml: starting posture (default standing)")
    p.add_argument("--every-row", action="store_true", help=".mot → .yaml: one keyframe per row, none dropped")
    p.add_argument("--skip-unknown", action="store_true", help=".mot → .yaml: skip columns that are not joints")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(run=run)


def run(args) -> int:
    from pathlib import Path

    from viewer.core.base.errors import ViewerError

    from .common import output_path

    source = Path(args.input).suffix.lower()
    if Path(args.output).exists() and not args.force:  # a hand-written scenario is never lost by accident
        raise ViewerError(f"{args.output}: already exists; choose another name or add --force to replace it")
    if source in SCENARIO_SUFFIXES:
        target = output_path(args.output, (".mot",))
        for flag, value in (("--model", args.model), ("--posture", args.posture)):
            if value is not None:
                raise ViewerError(f"{flag} applies to .mot input only: a scenario names its own {flag[2:]}")
        return _scenario_to_mot(args, target)
    if source in MOTION_SUFFIXES:
        return _mot_to_scenario(args, output_path(args.output, SCENARIO_SUFFIXES))
    raise ViewerError(f"{args.input}: unsupported input type '{source or '(none)'}'; "
                      f"use a scenario ({', '.join(SCENARIO_SUFFIXES)}) or a motion file ({', '.join(MOTION_SUFFIXES)})")


def _scenario_to_mot(args, target) -> int:
    from viewer.core.base.files import atomic_write_text
    from viewer.core.motion.motfile import scenario_to_mot

    from .common import load, sample_times

    scenario, model, kin = load(args.input, draws=False)
    sample_times(kin, args.fps)  # too many rows are refused before any work
    text = scenario_to_mot(kin, args.fps, target.stem)
    atomic_write_text(target, text)
    rows = text.count("\n") - 7  # header lines and the column row
    joints = len(model.poseable)
    print(f"wrote {target}: {rows} rows × {joints} joint{'s' if joints != 1 else ''} "
          f"({scenario.duration:g} s at {args.fps:g} fps, degrees)", file=sys.stderr)
    return 0


def _mot_to_scenario(args, target) -> int:
    from viewer.core.base.errors import ViewerError
    from viewer.core.model.binding import load_model
    from viewer.core.motion.motfile import mot_to_scenario, read_mot, title_from_path
    from viewer.core.scenario.write import save_scenario
    from viewer.core.scenario.check import check_against_model
    from viewer.core.scenario.template import model_reference

    table = read_mot(args.input)
    model = load_model(args.model or "full-body")  # a model path as typed, from the current folder
    model_ref = model_reference(args.model or "full-body", target)
    try:
        scenario = mot_to_scenario(table, model, model_ref, title_from_path(args.input), args.posture or "standing",
                                   thin=not args.every_row, skip_unknown=args.skip_unknown)
    except ViewerError as exc:
        if args.model is None:  # the default model does not take it: say which one would
            from viewer.core.base.errors import Problem
            from viewer.core.session.lab import fitting_models, needs_model

            if fitting_models(table):
                raise ViewerError(exc.problems + [Problem(table.file, None, needs_model(table))]) from None
        raise
    finally:
        for note in table.notes:
            print(note, file=sys.stderr)
    check_against_model(scenario, model)
    save_scenario(scenario, target)
    joints = len(scenario.keyframes[0].pose)
    print(f"wrote {target}: {len(scenario.keyframes)} keyframes from {len(table.times)} rows, "
          f"{joints} moving joint{'s' if joints > 1 else ''}",
          file=sys.stderr)
    return 0

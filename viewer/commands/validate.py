"""`muscle-viewer validate`: check scenario files, one FILE:LINE: message per problem."""
from __future__ import annotations

import sys

HELP = "check scenario files; exit 0 if all are valid, else 1 with FILE:LINE: messages"
DESCRIPTION = """\
Check each scenario file: YAML syntax, keys and types, times, eases, and, against the
model it names, joint names, angle ranges, groups, landmarks and anchor.

Then it plays the motion and warns (one line each, with the time) when a bone goes
through the floor, a mat or a bench, a contact is lost by more than 2 cm, or a joint sits
at the end of its range for more than a second. Warnings keep exit 0; --strict makes them errors.

example:  muscle-viewer validate scenarios/*.yaml --strict
"""


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help=HELP, description=DESCRIPTION,
                       formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files")
    p.add_argument("--strict", action="store_true", help="plausibility warnings are errors (exit 1)")

    p.set_defaults(run=run)


def run(args) -> int:
    from viewer.core.errors import ViewerError
    from viewer.core.scenario import load_checked

    failed = 0
    for name in args.files:
        try:
            scenario, model = load_checked(name)
        except ViewerError as exc:
            failed += 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        if _implausible(scenario, model, getattr(args, "strict", False)):
            failed += 1
            continue
        print(f"{scenario.name}: ok ({scenario.title}; {scenario.duration:g} s, "
              f"{len(scenario.keyframes)} keyframes, model {model.name})")
    return 1 if failed else 0


def _implausible(scenario, model, strict: bool) -> bool:
    """Print the motion's plausibility warnings; True when --strict turns them into a failure."""
    from viewer.core.kinematics import Kinematics
    from viewer.core.plausibility import as_problems, check_motion

    problems = as_problems(scenario, check_motion(Kinematics(model, scenario)), strict)
    for problem in problems:
        print(problem, file=sys.stderr)
    return strict and bool(problems)

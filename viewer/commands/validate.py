"""`muscle-viewer validate`: check scenario files, one FILE:LINE: message per problem."""
from __future__ import annotations

import sys

HELP = "check scenario files; exit 0 if all are valid, else 1 with FILE:LINE: messages"
DESCRIPTION = """\
Check each scenario file: YAML syntax, keys and types, times, eases, and, against the
model it names, joint names, angle ranges, groups, landmarks and anchor.

example:  muscle-viewer validate scenarios/*.yaml
"""


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help=HELP, description=DESCRIPTION,
                       formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files")

    p.set_defaults(run=run)


def run(args) -> int:
    from viewer.core.errors import ViewerError, printable
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
        print(printable(f"{scenario.name}: ok ({scenario.title}; {scenario.duration:g} s, "
                        f"{len(scenario.keyframes)} keyframes, model {model.name})"))
    return 1 if failed else 0

"""`muscle-viewer validate`: check scenario files, one FILE:LINE: message per problem."""
from __future__ import annotations

import sys

HELP = "check scenario files; exit 0 if all are valid, else 1 with FILE:LINE: messages"
DESCRIPTION = """\
Check each scenario file: YAML syntax, keys and types, times, eases, and, against the
model it names, joint names, angle ranges, groups, landmarks and anchor. A scenario whose
model needs an optional extra that is not installed is reported as skipped (exit 0).
Captions quoting a % or ° their phase no longer shows are warned about (exit 0).

example:  muscle-viewer validate scenarios/*.yaml
"""


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help=HELP, description=DESCRIPTION,
                       formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files")

    p.set_defaults(run=run)


def run(args) -> int:
    from viewer.core.errors import ViewerError
    from viewer.core.binding import load_checked
    from viewer.core.extras import missing_extra
    from viewer.core.scenario import load_scenario

    failed = 0
    for name in args.files:
        try:
            # A scenario whose model needs an extra that is not installed is skipped, not failed.
            hint = missing_extra(load_scenario(name))
            if hint:
                print(f"{name}: skipped ({hint})")
                continue
            scenario, model = load_checked(name)
        except ViewerError as exc:
            failed += 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        print(f"{scenario.name}: ok ({scenario.title}; {scenario.duration:g} s, "
              f"{len(scenario.keyframes)} keyframes, model {model.name})")
        from viewer.core.caption_check import caption_notes

        for note in caption_notes(scenario, model):  # warnings: the file is valid and plays
            where = note.file if note.line is None else f"{note.file}:{note.line}"
            print(f"{where}: warning: {note.message}")
    return 1 if failed else 0

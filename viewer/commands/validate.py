"""`muscle-viewer validate`: check scenario files, one FILE:LINE: message per problem."""
from __future__ import annotations

import sys

HELP = "check scenario files; exit 0 if all are valid, else 1 with FILE:LINE: messages"
DESCRIPTION = """\
Check each scenario file: YAML syntax, keys and types, times, eases, and, against the
model it names, joint names, angle ranges, groups, landmarks and anchor. A scenario whose
model needs an optional extra that is not installed is reported as skipped (exit 0).
Captions quoting a % or ° their phase no longer shows are warned about (exit 0).

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
    from viewer.core.model.binding import load_checked
    from viewer.core.base.errors import ViewerError, printable
    from viewer.core.base.extras import missing_extra
    from viewer.core.scenario.read import load_scenario

    failed = 0
    for name in args.files:
        if _is_motion(name):  # a lab's motion file: its format is checked; it plays with --model
            failed += not _motion_ok(name)
            continue
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
        for problem in unprintable_words(scenario):
            print(problem, file=sys.stderr)
        from .common import model_notes

        for note in model_notes(scenario, model):  # an OpenSim mesh not found: the model draws without it
            print(printable(note), file=sys.stderr)
        if _implausible(scenario, model, getattr(args, "strict", False)):
            failed += 1
            continue
        print(printable(f"{scenario.name}: ok ({scenario.title}; {scenario.duration:g} s, "
                        f"{len(scenario.keyframes)} keyframes, model {model.name})"))
        from viewer.core.analysis.caption_check import caption_notes

        for note in caption_notes(scenario, model):  # warnings: the file is valid and plays
            where = note.file if note.line is None else f"{note.file}:{note.line}"
            print(printable(f"{where}: warning: {note.message}"))
    return 1 if failed else 0


def unprintable_words(scenario) -> list:
    """Warnings for words a rendered frame could not show: characters no installed font has."""
    from viewer.render.fonts import missing_characters

    texts = [(("title",), scenario.title), (("summary",), scenario.summary)]
    texts += [(("phases", i, key), value) for i, p in enumerate(scenario.phases)
              for key, value in (("name", p.name), ("caption", p.caption))]
    out = []
    for path, text in texts:
        missing = missing_characters(text)
        if missing:
            out.append(scenario.problem(path, f"warning: no installed font has {' '.join(missing[:10])} "
                                              f"in {path[-1]}; frames would leave them out "
                                              f"(install fonts-noto-core, fonts-noto-cjk: scripts/setup.sh)"))
    return out


def _implausible(scenario, model, strict: bool) -> bool:
    """Print the motion's plausibility warnings; True when --strict turns them into a failure."""
    from viewer.core.base.errors import printable
    from viewer.core.analysis.plausibility import as_problems, check_motion

    problems = as_problems(scenario, check_motion(model.kinematics(scenario)), strict)
    for problem in problems:
        print(printable(str(problem)), file=sys.stderr)
    return strict and bool(problems)


def _is_motion(name: str) -> bool:
    from viewer.core.session.lab import is_motion

    return is_motion(name)


def _motion_ok(name: str) -> bool:
    from viewer.core.base.errors import ViewerError, printable
    from viewer.core.motion.motfile import read_mot

    try:
        table = read_mot(name)
    except ViewerError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return False
    for note in table.notes:
        print(note, file=sys.stderr)
    print(printable(f"{table.file}: ok (an OpenSim motion file: {len(table.times)} rows of {len(table.columns)} "
                    f"columns, {table.times[0]:g}–{table.times[-1]:g} s; it opens with --model MODEL)"))
    return True

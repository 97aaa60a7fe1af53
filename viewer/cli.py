"""The `muscle-viewer` command (DESIGN §7). Heavy imports happen inside each verb."""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from viewer import __version__, commands

# `--help` lists these verb modules first, then any other module in viewer/commands
ORDER = ["gui", "export", "snapshot", "batch", "lengths", "summary", "validate", "listing", "new", "convert"]
NOT_VERBS = {"common"}


def command_modules() -> list[str]:
    found = {m.name for m in pkgutil.iter_modules(commands.__path__)} - NOT_VERBS
    return [n for n in ORDER if n in found] + sorted(found - set(ORDER))

DESCRIPTION = """\
See on a real 3D skeleton which muscles shorten and which are stretched during an exercise.
Colour shows length change, not effort.

examples:
  muscle-viewer summary scenarios/leg_raise.yaml
  muscle-viewer lengths scenarios/leg_raise.yaml -o lengths.csv
  muscle-viewer validate scenarios/*.yaml
  muscle-viewer joints
  muscle-viewer scenarios/crunch.yaml --screenshot crunch.png   (no verb: the app, as `gui`)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="muscle-viewer", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"muscle-viewer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_modules():
        importlib.import_module(f"viewer.commands.{name}").add_parser(sub)
    parser.verbs = set(sub.choices)
    return parser


def main(argv: list[str] | None = None) -> int:
    from viewer.core.base import interrupt

    interrupt.install()  # before any slow import or VTK set-up: an early Ctrl-C/SIGTERM is honoured
    os.environ.setdefault("MUJOCO_GL", "disable")
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] not in parser.verbs and argv[0] not in ("-h", "--help", "--version"):
        argv = ["gui"] + argv  # `muscle-viewer --screenshot x.png` or `muscle-viewer FILE`: the app's options
    args = parser.parse_args(argv)
    if not args.command:  # plain `muscle-viewer` opens the app
        args = parser.parse_args(["gui"])
    from viewer.core.base.errors import ViewerError, plain_words
    from viewer.core.base.files import one_run

    try:
        with one_run():  # outputs are checked against the files this run reads
            return args.run(args)
    except ViewerError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("muscle-viewer: interrupted; nothing was written", file=sys.stderr)
        return interrupt.exit_code()
    except Exception as exc:  # never a traceback for the user; MUSCLE_VIEWER_DEBUG=1 shows it
        if os.environ.get("MUSCLE_VIEWER_DEBUG"):
            raise
        print(f"muscle-viewer: {plain_words(exc)} (set MUSCLE_VIEWER_DEBUG=1 for details)", file=sys.stderr)
        return 1 if isinstance(exc, (OSError, MemoryError)) else 2


if __name__ == "__main__":
    sys.exit(main())

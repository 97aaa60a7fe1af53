"""`muscle-viewer new`: write a commented starter scenario that validates."""
from __future__ import annotations

import argparse
import sys

HELP = "write a commented starter scenario (YAML) that validates"
DESCRIPTION = """\
Write a new scenario file: a short example exercise for the chosen posture, with a comment
on every key. Edit it in any text editor; editors with the YAML language server (VS Code
with the Red Hat YAML extension, and others) complete keys from the schema named on line 1.
An existing file is never replaced unless you add --force.

examples:
  muscle-viewer new my_exercise.yaml
  muscle-viewer new bridge.yaml --posture supine
  muscle-viewer validate my_exercise.yaml
"""
POSTURES = ("standing", "supine", "prone", "seated", "hanging")  # = scenario.POSTURES; no numpy for --help


def add_parser(sub) -> None:
    p = sub.add_parser("new", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE.yaml", help="scenario file to create")
    p.add_argument("--model", default="full-body", metavar="NAME|PATH",
                   help="catalogue name (full-body, lower-body) or model file; default full-body")
    p.add_argument("--posture", default="supine", choices=POSTURES, help="starting posture (default supine)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(run=run)


def run(args) -> int:
    from viewer.core.base.errors import ViewerError
    from viewer.core.base.files import atomic_write_text
    from viewer.core.model.binding import load_model
    from viewer.core.scenario.check import check_against_model
    from viewer.core.scenario.read import scenario_from_text
    from viewer.core.scenario.template import model_reference, template_text

    from .common import output_path

    target = output_path(args.file, (".yaml", ".yml"))
    if target.exists() and not args.force:
        raise ViewerError(f"{args.file}: already exists; choose another name or add --force to replace it")
    model = load_model(args.model)  # a model path as typed, from the current folder
    text = template_text(model, model_reference(args.model, target), args.posture, target)
    check_against_model(scenario_from_text(text, str(target), target), model)  # the promise: it validates
    atomic_write_text(target, text)
    print(f"wrote {target}: edit it, then run `muscle-viewer validate {target}`", file=sys.stderr)
    return 0

"""`muscle-viewer batch`: every output of a plan (scenarios × views × sizes × formats), resumable."""
from __future__ import annotations

import argparse
import sys

from .common import positive

HELP = "render a library from a plan file: videos, stills and pages, on every core or on Ray"
DESCRIPTION = """\
Render every output a plan file asks for (scenarios × views × sizes × colours × MP4, GIF, PNG
stills and take-home pages) into one folder, on every core of this machine or on a Ray
cluster. Each output is the file `export`, `snapshot` or `share` writes with the same options.
OUT/manifest.json records what each output was made from: a re-run renders only what changed;
an interrupted batch (Ctrl-C, SIGTERM) leaves no partial file and resumes where it stopped.

examples:
  muscle-viewer batch scenarios/plans/example.yaml -o library/
  muscle-viewer batch scenarios/plans/example.yaml -o library/ --workers 2 --only 'crunch/*'
  muscle-viewer batch scenarios/plans/example.yaml -o library/ --ray auto   (needs muscle-viewer[cluster])
"""


def add_parser(sub) -> None:
    p = sub.add_parser("batch", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("plan", metavar="PLAN.yaml", help="plan file (see scenarios/plans/example.yaml)")
    p.add_argument("-o", "--output", required=True, metavar="OUT/", help="folder for the outputs and manifest.json")
    p.add_argument("--workers", type=positive(int), default=None, metavar="N",
                   help="processes rendering at once (default: every core; with --ray: one per CPU of the cluster)")
    p.add_argument("--ray", default=None, metavar="auto|ADDRESS",
                   help="run on a Ray cluster: 'auto' (the one `ray start` made here) or its address")
    p.add_argument("--force", action="store_true", help="render every output again, current or not")
    p.add_argument("--verify", action="store_true",
                   help="read every existing output again and compare its checksum before skipping it")
    p.add_argument("--only", default=None, metavar="GLOB", help="only outputs whose name matches, e.g. 'crunch/*'")
    p.add_argument("--list", action="store_true", help="print the outputs the plan makes and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    from viewer.batch.run import plan_jobs, print_table, run_batch

    if args.list:
        for job in plan_jobs(args.plan):
            print(job.name)
        return 0
    try:
        summary = run_batch(args.plan, args.output, workers=args.workers, ray=args.ray, force=args.force,
                            verify=args.verify, only=args.only, progress=not args.quiet)
    except KeyboardInterrupt:
        from viewer.core.base import interrupt

        print("muscle-viewer: batch interrupted; the outputs it finished are kept and recorded in the manifest, "
              "no partial file is left: run the same command again to go on", file=sys.stderr)
        return interrupt.exit_code()
    print_table(summary)
    return 1 if summary.failed else 0

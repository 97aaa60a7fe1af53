"""One module per `muscle-viewer` verb, found automatically by viewer.cli.

Each has add_parser(subparsers), which must call `parser.set_defaults(run=run)`, and
run(args) -> exit code.

Modules must import only light things at top level; heavy imports (MuJoCo models, VTK,
Qt) happen inside run(), so `muscle-viewer --help` stays instant.
"""

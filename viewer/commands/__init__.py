"""One module per `muscle-viewer` verb: each has add_parser(subparsers) and run(args) -> exit code.

Modules must import only light things at top level; heavy imports (MuJoCo models, VTK,
Qt) happen inside run(), so `muscle-viewer --help` stays instant.
"""

#!/usr/bin/env bash
# Install what the tests need, then run them all (GUI tests on a virtual display).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export MUJOCO_GL=disable
if command -v xvfb-run >/dev/null; then
    exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest "$@"
else
    exec .venv/bin/python -m pytest "$@"
fi

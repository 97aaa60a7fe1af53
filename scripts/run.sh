#!/usr/bin/env bash
# Install muscle-viewer and run the main job on the default model and scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/muscle-viewer summary scenarios/leg_raise.yaml "$@"

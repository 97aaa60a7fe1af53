#!/usr/bin/env bash
# Install muscle-viewer and run the main job on the default model and scenario (the lying leg
# raise on MyoFullBody): the app where there is a display, else a video and the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec .venv/bin/muscle-viewer gui "$@"
fi
mkdir -p out
echo "no display: writing out/leg_raise.mp4 instead of opening the app" >&2
.venv/bin/muscle-viewer export scenarios/leg_raise.yaml -o out/leg_raise.mp4
exec .venv/bin/muscle-viewer summary scenarios/leg_raise.yaml

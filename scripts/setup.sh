#!/usr/bin/env bash
# Install everything muscle-viewer needs into .venv (and, as root, the Debian libraries for
# headless rendering and the virtual display used by the GUI tests). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"   # "test" to add the test tools

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    need=()
    for pkg in xvfb xauth libegl1 libgl1 libosmesa6 libxkbcommon-x11-0 libxcb-cursor0 libxrender1 libxi6 \
               libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 \
               libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 \
               libfontconfig1 libdbus-1-3 libglib2.0-0 chromium \
               fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji libraqm0 libfribidi0; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
    done
    if [ ${#need[@]} -gt 0 ]; then
        echo "installing Debian packages: ${need[*]}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$extras" = test ]; then
    .venv/bin/python -m pip install -q -e ".[test]"
    # OpenSim is optional: its tests skip where the package cannot be installed
    .venv/bin/python -m pip install -q -e ".[opensim]" || echo "note: OpenSim extra not installed; its tests will skip" >&2
    # Ray (`batch --ray`) is optional too: its tests skip without it, except in CI (CI=true), where they must run
    .venv/bin/python -m pip install -q -e ".[cluster]" || echo "note: cluster extra (Ray) not installed; its tests will skip" >&2
else
    .venv/bin/python -m pip install -q -e .
fi

#!/usr/bin/env bash
# Rebuild the vendored three.js bundle inlined into every take-home page:
#   bash tools/three/update.sh            # the versions in package.json
#   bash tools/three/update.sh latest     # move three to its newest release first
# Needs node and npm (registry access); the result is committed, so users never need either.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = latest ]; then
    npm install --no-audit --no-fund three@latest
else
    npm install --no-audit --no-fund
fi
out=../../viewer/share/assets/three.bundle.min.js
version=$(node -p "JSON.parse(require('fs').readFileSync('node_modules/three/package.json')).version")
{
    echo "/* three.js r$(echo "$version" | cut -d. -f2) ($version) + OrbitControls, MIT licence (c) 2010-2025 three.js authors; bundled by tools/three/update.sh */"
    npx esbuild entry.js --bundle --minify --format=iife --target=es2019 --legal-comments=none
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out: three $version, $(wc -c < "$out") bytes" >&2

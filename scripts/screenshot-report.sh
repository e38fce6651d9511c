#!/usr/bin/env bash
# Renders a report's index.html in headless Chromium (Debian's `chromium` package) and saves
# PNG screenshots of the page: the top, and slices further down, for a person to look at.
# Usage: scripts/screenshot-report.sh [REPORT_DIR] [OUT_DIR]
set -euo pipefail
report=${1:-reports/shipped-library-seed-20261123-runs-2000}
out=${2:-target/screenshots}
if ! command -v chromium >/dev/null 2>&1; then
    echo "installing chromium (Debian package)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
[ -f "$report/index.html" ] || { echo "no $report/index.html: run the report first (cargo run --release)" >&2; exit 2; }
mkdir -p "$out"
page="file://$(cd "$report" && pwd)/index.html"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
shoot() { # name width height
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" --window-size="$2,$3" \
        --screenshot="$out/$1.png" "$page" 2>/dev/null
    echo "$out/$1.png"
}
shoot top 1280 2200
# Each plot alone, as the browser draws it.
for svg in "$report"/plots/*.svg; do
    name=$(basename "$svg" .svg)
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" --window-size=1000,700 \
        --screenshot="$out/plot-$name.png" "file://$(cd "$(dirname "$svg")" && pwd)/$(basename "$svg")" 2>/dev/null
done
ls "$out" | wc -l | xargs echo "screenshots in $out:"

#!/usr/bin/env bash
# Renders the audit report of a synthetic archive in headless Chromium into docs/audit-report.png
# (the picture in README.md and docs/batch-audit.md). Needs `chromium` (Debian: apt-get install
# chromium fonts-wqy-microhei).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/caliper
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" audit --synthesize 20000 -o "$dir/archive.ndjson" --seed 1
"$bin" audit "$dir/archive.ndjson" --report "$dir/audit-report.html" --flagged "$dir/flagged.csv" \
    --json "$dir/summary.json"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,3000 \
    --screenshot="$dir/audit-report.png" "file://$dir/audit-report.html" 2>/dev/null
cp "$dir/audit-report.png" docs/audit-report.png
echo "docs/audit-report.png"

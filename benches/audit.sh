#!/usr/bin/env bash
# The audit end to end on synthetic archives of 100,000 and 1,000,000 cases, 2 threads: wall
# time, CPU time (user + system) and peak resident memory from /usr/bin/time -v. Memory should be
# flat in the archive's size.
#   bash benches/audit.sh [SIZES...]       (default: 100000 1000000)
# CALIPER=path/to/caliper uses that binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CALIPER:-}" ]; then
    cargo build --release --quiet
fi
bin=${CALIPER:-target/release/caliper}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for n in "${@:-100000 1000000}"; do
    for size in $n; do
        "$bin" audit --synthesize "$size" -o "$dir/archive-$size.ndjson" --seed 1
        /usr/bin/time -v "$bin" audit "$dir/archive-$size.ndjson" --threads 2 \
            --report "$dir/report.html" --flagged "$dir/flagged.csv" --json "$dir/summary.json" \
            2> "$dir/time.txt"
        wall=$(grep 'Elapsed (wall clock)' "$dir/time.txt" | awk '{print $NF}')
        user=$(grep 'User time' "$dir/time.txt" | awk '{print $NF}')
        sys=$(grep 'System time' "$dir/time.txt" | awk '{print $NF}')
        rss=$(grep 'Maximum resident' "$dir/time.txt" | awk '{print $NF}')
        flagged=$(grep -c . "$dir/flagged.csv")
        echo "audit of $size cases: wall $wall, CPU user ${user}s + system ${sys}s, peak RSS ${rss} KiB, $((flagged - 1)) flagged, archive $(du -h "$dir/archive-$size.ndjson" | cut -f1)"
    done
done

#!/usr/bin/env bash
# Load test of `caliper serve` on loopback with wrk (not a test: figures for the README).
#
#   bash benches/server.sh            # about 2 minutes
#
# Prints requests/s and p50/p99 latency of POST /api/v1/evaluate, records/s of
# POST /api/v1/decisions (synchronous=FULL: every record is synced before its 201), and the
# server's resident memory at rest and after at least 1,000,000 requests. The load generator
# runs on the same machine and shares its cores with the server.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-18088}"
EVAL_SECONDS="${EVAL_SECONDS:-20}"
MILLION_SECONDS_MAX="${MILLION_SECONDS_MAX:-120}"
RECORD_SECONDS="${RECORD_SECONDS:-10}"
# Connection counts to measure, in turn. Few connections: with C connections in flight the mean
# latency is C / throughput (Little's law), so 64 connections at 30,000 req/s could not show a p99
# under 2 ms whatever the server.
CONNECTIONS="${CONNECTIONS:-4 8 16}"

if ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
    echo "installing wrk and curl (Debian packages)" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq wrk curl >/dev/null
fi

cargo build --release --quiet
BIN=target/release/caliper
WORK="$(mktemp -d)"
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

CALIPER_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" --db "$WORK/bench.db" >"$WORK/out" 2>"$WORK/err" &
PID=$!
for _ in $(seq 1 100); do
    grep -q "http://" "$WORK/out" 2>/dev/null && break
    sleep 0.1
done
URL="http://127.0.0.1:$PORT/api/v1"

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$PID/status"; }
# The server's CPU time (user + system, in clock ticks): CPU per request holds even when other
# work shares the machine, where requests/s does not.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

cat >"$WORK/evaluate.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("CASE_FILE"), "r"))
wrk.body = f:read("*a")
f:close()
LUA

printf '{"case": %s, "final": {"outcome": "standard", "fine": 100, "penalties": ["fine"]}, "officer": "bench"}' \
    "$(cat examples/xr-49-2-individual.json)" >"$WORK/record.json"

curl -sf -XPOST "$URL/evaluate" -H 'content-type: application/json' \
    --data-binary @examples/xr-49-2-individual.json >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "RSS at rest: $(rss_kib) KiB"

total=0
non2xx() { grep -h "Non-2xx" "$@" || true; }
summary() { # file -> "req/s p50 p99 requests"
    awk '/Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
         /requests in/ { n = $1 } END { print rps, p50, p99, n }' "$1"
}

# One run per connection count: the generator shares the 2 cores with the server, so the
# fewest connections that keep the server busy give its latency, and more show the queueing.
for c in $CONNECTIONS; do
    t=$((c <= 4 ? 1 : 2))
    echo "POST /evaluate, $t wrk threads, $c connections, ${EVAL_SECONDS}s:"
    before=$(cpu_ticks)
    CASE_FILE=examples/xr-49-2-individual.json wrk -t"$t" -c"$c" -d"${EVAL_SECONDS}s" --latency \
        -s "$WORK/evaluate.lua" "$URL/evaluate" >"$WORK/wrk1"
    after=$(cpu_ticks)
    read -r rps p50 p99 n < <(summary "$WORK/wrk1")
    echo "  $rps req/s, p50 $p50, p99 $p99 ($n requests)"
    awk -v t=$((after - before)) -v u="$TICK_US" -v n="$n" \
        'BEGIN { printf "  server CPU per request: %.1f us\n", t * u / n }'
    total=$((total + n))
done

start=$(date +%s)
while [ "$total" -lt 1000000 ] && [ $(( $(date +%s) - start )) -lt "$MILLION_SECONDS_MAX" ]; do
    CASE_FILE=examples/jl-22-1-unit-tiers.json wrk -t2 -c16 -d20s --latency \
        -s "$WORK/evaluate.lua" "$URL/evaluate" >"$WORK/wrk2"
    read -r rps p50 p99 n < <(summary "$WORK/wrk2")
    total=$((total + n))
done
echo "RSS after $total requests: $(rss_kib) KiB"

echo "POST /decisions, 2 threads, 8 connections, ${RECORD_SECONDS}s:"
echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
CASE_FILE="$WORK/record.json" wrk -t2 -c8 -d"${RECORD_SECONDS}s" --latency \
    -s "$WORK/evaluate.lua" "$URL/decisions" >"$WORK/wrk3"
read -r rps p50 p99 n < <(summary "$WORK/wrk3")
echo "  $rps records/s, p50 $p50, p99 $p99 ($n records)"
curl -sf "$URL/decisions?limit=1" >/dev/null
non2xx "$WORK/wrk1" "$WORK/wrk2" "$WORK/wrk3"
echo "RSS at the end: $(rss_kib) KiB"

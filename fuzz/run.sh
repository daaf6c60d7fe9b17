#!/usr/bin/env bash
# Runs one fuzz target for a given time: fuzz/run.sh TARGET SECONDS [libFuzzer options…]
#
# Targets: rules, decide_json, hook_script (see src/checks.rs). The committed seeds
# (seeds/TARGET) start the corpus; what the fuzzer finds goes to corpus/TARGET (not committed),
# crashes to artifacts/TARGET. A crash worth keeping is copied to regressions/TARGET, where
# `cargo test --test fuzz_corpus` replays it on a stable toolchain.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). It builds with RUSTC_BOOTSTRAP=1 so that a
# stable toolchain accepts the unstable flags of the coverage instrumentation, and without a
# sanitizer (`-s none`): the engine has no unsafe code of its own.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
shift 2
mkdir -p "corpus/$target" "artifacts/$target"
export RUSTC_BOOTSTRAP=1
exec cargo fuzz run "$target" -s none --release \
    "corpus/$target" "seeds/$target" -- \
    -dict="dict/$target.dict" \
    -max_total_time="$seconds" \
    -timeout=10 \
    -rss_limit_mb=4096 \
    -max_len=65536 \
    -print_final_stats=1 \
    "$@"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The long fuzz mode (docs/devel/migration-testing.md, "Hostile streams"):
#   scripts/fuzz-long.sh [--runs N] [--max-time SECS] [--build-dir DIR]
#                        [TARGET]
# runs a libFuzzer target (default fuzz-migration-stream) for N
# executions (default 10,000,000; --max-time stops it earlier) at nice
# 19 with the target's own stderr closed (the loader's warnings would
# cost more than the fuzzing; crashes still leave their input), from a
# copy of its seed
# corpus into DIR/fuzz-long/TARGET/corpus, which it keeps and grows
# between runs.  Crashes, leaks, timeouts and out-of-memory inputs land
# in DIR/fuzz-long/TARGET/ as crash-*, leak-*, timeout-*, oom-*; the
# script exits 1 if there is one.  Not part of make check.

runs=10000000
maxtime=0
build=build
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) runs=$2; shift 2 ;;
    --max-time) maxtime=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    -*) echo "usage: $0 [--runs N] [--max-time SECS] [--build-dir DIR]" \
            "[TARGET]" >&2; exit 2 ;;
    *) break ;;
    esac
done
name=${1:-fuzz-migration-stream}
src=$(cd "$(dirname "$0")/.." && pwd)
bin="$build/tests/fuzz/$name"
if [ ! -x "$bin" ]; then
    echo "$bin is not built (clang with -fsanitize=fuzzer is needed)" >&2
    exit 2
fi
case "$name" in
fuzz-migration-stream) seeds="$src/tests/fuzz/migration-corpus" ;;
*) seeds="$src/tests/fuzz/corpus/$name" ;;
esac
out="$build/fuzz-long/$name"
mkdir -p "$out/corpus"
cp -n "$seeds"/* "$out/corpus/" 2>/dev/null
# a private copy: a rebuild during the run must not swap the binary
cp "$bin" "$out/$name.bin"
echo "$name: $runs executions from $(ls "$out/corpus" | wc -l) inputs"
# Same limits as the smoke run (fuzz-smoke.sh); -runs bounds the work.
nice -n 19 "$out/$name.bin" -runs="$runs" -max_total_time="$maxtime" \
    -close_fd_mask=2 -timeout=20 -rss_limit_mb=2048 \
    -max_len=16384 -error_exitcode=1 -timeout_exitcode=1 \
    -print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" \
    2>&1 | tee "$out/log"
found=$(ls "$out" | grep -E '^(crash|leak|timeout|oom)-' | wc -l)
echo "$name: $found finding(s) in $out"
[ "$found" -eq 0 ]

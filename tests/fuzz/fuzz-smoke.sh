#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Bounded fuzzing run for `make check`:
#   fuzz-smoke.sh TARGET SEED-CORPUS-DIR SECONDS ARTIFACT-DIR
#   fuzz-smoke.sh --skip REASON
# Runs the libFuzzer binary TARGET for SECONDS, starting from a scratch
# copy of the seed corpus (libFuzzer adds to its corpus directory, and the
# source tree must stay clean).  Any crash, sanitizer report, leak or
# timeout fails the test; the input that caused it is left in
# ARTIFACT-DIR.  Exit code 77 tells meson the test was skipped.

if [ "$1" = "--skip" ]; then
    echo "SKIP: $2"
    exit 77
fi

target=$1
seeds=$2
seconds=$3
artifacts=$4

if [ ! -x "$target" ] || [ ! -d "$seeds" ] || [ -z "$seconds" ] ||
   [ -z "$artifacts" ]; then
    echo "usage: $0 TARGET SEED-CORPUS-DIR SECONDS ARTIFACT-DIR" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-smoke.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
cp "$seeds"/* "$work"/ 2>/dev/null
mkdir -p "$artifacts"

name=$(basename "$target")
echo "$name: fuzzing for $seconds s from $(ls "$work" | wc -l) seeds"
# libFuzzer's own default error exit code is 77, which meson would read
# as "skipped": make every failure exit 1.
"$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -max_len=16384 -error_exitcode=1 -timeout_exitcode=1 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$name-" "$work"
rc=$?
if [ $rc -ne 0 ]; then
    echo "$name: FAILED (exit $rc); reproducer in $artifacts/" >&2
    exit 1
fi
echo "$name: OK"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot the test guest under real QEMU (TCG) for a few seconds and check
# that it completed at least one pass, i.e. wrote 'B' to the serial port.
# Exit 77 (skip) when qemu-system-x86_64 is not installed.

img="$1"
if [ -z "$img" ] || [ ! -f "$img" ]; then
    echo "usage: $0 guest.img" >&2
    exit 1
fi
qemu="${QEMU:-qemu-system-x86_64}"
if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "SKIP: $qemu is not installed (apt-get install qemu-system-x86)"
    exit 77
fi

dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
log="$dir/serial.log"

# A pass over the default 100 MiB range takes about 1 ms under TCG;
# booting SeaBIOS takes well under a second.  Give it 5 seconds.
timeout -s TERM 5 "$qemu" -M pc -accel tcg -m 128 -display none \
    -monitor none -nodefaults -drive file="$img",format=raw,if=ide \
    -serial file:"$log" >"$dir/qemu.out" 2>&1
rc=$?
if [ $rc -ne 124 ]; then
    echo "FAIL: QEMU exited early with status $rc:" >&2
    cat "$dir/qemu.out" >&2
    exit 1
fi
passes=$(tr -cd B <"$log" | wc -c)
others=$(tr -d B <"$log" | wc -c)
echo "guest completed $passes passes in 5 s under TCG"
if [ "$passes" -lt 1 ]; then
    echo "FAIL: no 'B' on the serial port" >&2
    exit 1
fi
if [ "$others" -ne 0 ]; then
    echo "FAIL: $others unexpected bytes on the serial port" >&2
    exit 1
fi
exit 0

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run a command as on a host without /dev/kvm: in a private mount
# namespace whose /dev is a tmpfs holding only the ordinary devices.
# Unlike TERN_HIDE_KVM (which Tern and its tests honour), nothing can
# open /dev/kvm here, so it also checks the KVM-only tests' own skips.
# Needs root (unshare --mount).
#
#   scripts/without-kvm.sh make check
#   scripts/without-kvm.sh bash .ci/run
set -eu
if [ "${1-}" != --inside ]; then
    [ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
    exec unshare --mount --propagation private "$0" --inside "$@"
fi
shift
dev=$(mktemp -d /tmp/without-kvm-dev.XXXXXX)
mount -t tmpfs -o mode=755 tern-dev "$dev"
for d in null zero full random urandom tty ptmx userfaultfd net/tun; do
    [ -e "/dev/$d" ] || continue
    mkdir -p "$dev/$(dirname "$d")"
    touch "$dev/$d"
    mount --bind "/dev/$d" "$dev/$d"
done
for d in shm pts mqueue hugepages; do
    [ -d "/dev/$d" ] || continue
    mkdir -p "$dev/$d"
    mount --bind "/dev/$d" "$dev/$d"
done
ln -s /proc/self/fd "$dev/fd"
for i in 0:stdin 1:stdout 2:stderr; do
    ln -s "/proc/self/fd/${i%%:*}" "$dev/${i#*:}"
done
mount --move "$dev" /dev
rmdir "$dev" 2>/dev/null || true
exec "$@"

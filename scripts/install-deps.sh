#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install the Debian packages Tern needs to build and test, if any are
# missing.  A no-op when everything is there.

set -e

# qemu-system-x86 is the peer for interop tests and benchmarks (QEMU 7.2).
packages="meson ninja-build pkg-config gcc make python3 binutils
libglib2.0-dev libpixman-1-dev libslirp-dev zlib1g-dev libzstd-dev
libgnutls28-dev gnutls-bin clang libclang-rt-14-dev iproute2 socat
qemu-system-x86 valgrind"

missing=
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "install-deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing

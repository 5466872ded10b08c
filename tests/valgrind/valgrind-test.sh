#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run one test program under valgrind's memcheck for the 'valgrind' meson
# suite: any definite or indirect leak, invalid access or use of
# uninitialised memory fails it.  Exits 77 (meson: skipped) when valgrind
# is not installed.

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind is not installed (scripts/install-deps.sh installs it)"
    exit 77
fi

# GLib's slice allocator and lazily freed caches would hide or fake leaks.
G_SLICE=always-malloc
G_DEBUG=gc-friendly
export G_SLICE G_DEBUG

exec valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --error-exitcode=1 --quiet "$@"

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The first header of every .c file: system headers, GLib and the few
 * macros everything relies on.
 */
#ifndef QEMU_OSDEP_H
#define QEMU_OSDEP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "config-host.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <glib.h>

#include "qemu/compiler.h"
#include "qemu/typedefs.h"

#ifndef MIN
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) (((a) > (b)) ? (a) : (b))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#endif

#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ROUND_UP(n, d) (DIV_ROUND_UP(n, d) * (d))
#define QEMU_ALIGN_DOWN(n, m) ((n) / (m) * (m))
#define QEMU_ALIGN_UP(n, m) QEMU_ALIGN_DOWN((n) + (m) - 1, (m))
#define QEMU_IS_ALIGNED(n, m) (((n) % (m)) == 0)
#define QEMU_ALIGN_PTR_UP(p, n) \
    ((typeof(p))QEMU_ALIGN_UP((uintptr_t)(p), (n)))

/* Retry a system call while it fails with EINTR. */
#define RETRY_ON_EINTR(expr) ({             \
        typeof(expr) __r;                   \
        do {                                \
            __r = (expr);                   \
        } while (__r == -1 && errno == EINTR); \
        __r; })

#define KiB (INT64_C(1) << 10)
#define MiB (INT64_C(1) << 20)
#define GiB (INT64_C(1) << 30)
#define TiB (INT64_C(1) << 40)

#define NANOSECONDS_PER_SECOND 1000000000LL
#define SCALE_MS 1000000
#define SCALE_US 1000
#define SCALE_NS 1

/*
 * The target page, defined here only: x86 uses 4 KiB pages everywhere
 * in the stream (the minimum page bits, so the configuration record
 * never carries target-page-bits).
 */
#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1 << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(int64_t)(TARGET_PAGE_SIZE - 1))

static inline size_t qemu_real_host_page_size(void)
{
    return (size_t)getpagesize();
}

/* Set or clear O_NONBLOCK on @fd; returns 0 or -errno. */
int qemu_set_blocking(int fd, bool blocking);
/* Set FD_CLOEXEC on @fd. */
void qemu_set_cloexec(int fd);
/* Anonymous memory, aligned to @align (a power of two, at least a page). */
void *qemu_memalign(size_t align, size_t size);
void qemu_vfree(void *ptr);
int qemu_open_cloexec(const char *path, int flags, mode_t mode);
/*
 * Write all @count bytes (retrying on EINTR and short writes, waiting
 * while a non-blocking fd is full); returns what was written, less than
 * @count only on an error (errno set).
 */
ssize_t qemu_write_full(int fd, const void *buf, size_t count);

#endif /* QEMU_OSDEP_H */

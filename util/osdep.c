/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small wrappers over POSIX calls that the rest of the tree shares.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <sys/mman.h>

int qemu_set_blocking(int fd, bool blocking)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0) {
        return -errno;
    }
    flags = blocking ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK);
    if (fcntl(fd, F_SETFL, flags) < 0) {
        return -errno;
    }
    return 0;
}

void qemu_set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);

    if (flags >= 0) {
        fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
}

int qemu_open_cloexec(const char *path, int flags, mode_t mode)
{
    return RETRY_ON_EINTR(open(path, flags | O_CLOEXEC, mode));
}

void *qemu_memalign(size_t align, size_t size)
{
    void *ptr;
    int ret;

    if (align < sizeof(void *)) {
        align = sizeof(void *);
    }
    ret = posix_memalign(&ptr, align, size);
    if (ret) {
        g_error("posix_memalign(%zu, %zu) failed: %s", align, size,
                g_strerror(ret));
    }
    return ptr;
}

void qemu_vfree(void *ptr)
{
    free(ptr);
}

ssize_t qemu_write_full(int fd, const void *buf, size_t count)
{
    const char *p = buf;
    size_t done = 0;

    while (done < count) {
        ssize_t n = write(fd, p + done, count - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };

            poll(&pfd, 1, -1);
            continue;
        }
        if (n <= 0) {
            break;
        }
        done += n;
    }
    return done;
}

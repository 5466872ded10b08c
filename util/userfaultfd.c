/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thin, checked wrappers around the userfaultfd ioctls.
 */
#include "qemu/osdep.h"
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include "qapi/error.h"
#include "qemu/userfaultfd.h"
#include "util/trace.h"

/*
 * /dev/userfaultfd (Linux 6.1+) hands out descriptors that may take
 * kernel-mode faults (a vCPU's, through KVM) subject only to the
 * device's permissions; the syscall needs CAP_SYS_PTRACE for that when
 * vm.unprivileged_userfaultfd is 0.  Try the device first.
 */
static int uffd_create(Error **errp)
{
    int flags = O_CLOEXEC | O_NONBLOCK;
    int dev_errno = 0;
    int fd;

    fd = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        int ufd = ioctl(fd, USERFAULTFD_IOC_NEW, flags);

        dev_errno = ufd < 0 ? errno : 0;
        close(fd);
        if (ufd >= 0) {
            return ufd;
        }
    } else {
        dev_errno = errno;
    }
#ifdef __NR_userfaultfd
    fd = syscall(__NR_userfaultfd, flags);
    if (fd >= 0) {
        return fd;
    }
    error_setg_errno(errp, errno, "userfaultfd syscall failed "
                     "(/dev/userfaultfd: %s)", g_strerror(dev_errno));
#else
    error_setg_errno(errp, dev_errno, "Cannot open /dev/userfaultfd");
#endif
    return -1;
}

int uffd_open(uint64_t features, Error **errp)
{
    struct uffdio_api api = { .api = UFFD_API, .features = features };
    int fd = uffd_create(errp);

    if (fd < 0) {
        return -1;
    }
    if (ioctl(fd, UFFDIO_API, &api)) {
        error_setg_errno(errp, errno, "UFFDIO_API failed (features 0x%"
                         PRIx64 ")", features);
        close(fd);
        return -1;
    }
    if ((api.features & features) != features) {
        error_setg(errp, "userfaultfd lacks features 0x%" PRIx64,
                   (uint64_t)(features & ~api.features));
        close(fd);
        return -1;
    }
    trace_uffd_open(fd, features);
    return fd;
}

bool uffd_query_features(uint64_t *features, Error **errp)
{
    struct uffdio_api api = { .api = UFFD_API, .features = 0 };
    int fd = uffd_create(errp);

    if (fd < 0) {
        return false;
    }
    if (ioctl(fd, UFFDIO_API, &api)) {
        error_setg_errno(errp, errno, "UFFDIO_API failed");
        close(fd);
        return false;
    }
    close(fd);
    *features = api.features;
    return true;
}

static bool uffd_register_mode(int fd, void *addr, uint64_t len,
                               uint64_t mode, uint64_t *ioctls, Error **errp)
{
    struct uffdio_register reg = {
        .range = { .start = (uintptr_t)addr, .len = len },
        .mode = mode,
    };

    if (ioctl(fd, UFFDIO_REGISTER, &reg)) {
        error_setg_errno(errp, errno, "UFFDIO_REGISTER of %p+0x%" PRIx64
                         " failed", addr, len);
        return false;
    }
    trace_uffd_register(fd, addr, len, (uint64_t)reg.ioctls);
    if (ioctls) {
        *ioctls = reg.ioctls;
    }
    return true;
}

bool uffd_register(int fd, void *addr, uint64_t len, uint64_t *ioctls,
                   Error **errp)
{
    return uffd_register_mode(fd, addr, len, UFFDIO_REGISTER_MODE_MISSING,
                              ioctls, errp);
}

bool uffd_register_wp(int fd, void *addr, uint64_t len, uint64_t *ioctls,
                      Error **errp)
{
    return uffd_register_mode(fd, addr, len, UFFDIO_REGISTER_MODE_WP,
                              ioctls, errp);
}

bool uffd_writeprotect(int fd, void *addr, uint64_t len, bool wp,
                       Error **errp)
{
    struct uffdio_writeprotect w = {
        .range = { .start = (uintptr_t)addr, .len = len },
        .mode = wp ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
    };

    while (ioctl(fd, UFFDIO_WRITEPROTECT, &w)) {
        /* EAGAIN: the mapping changed under it; try again. */
        if (errno != EAGAIN && errno != EINTR) {
            error_setg_errno(errp, errno, "UFFDIO_WRITEPROTECT (%s) of "
                             "%p+0x%" PRIx64 " failed",
                             wp ? "protect" : "unprotect", addr, len);
            return false;
        }
    }
    return true;
}

bool uffd_unregister(int fd, void *addr, uint64_t len, Error **errp)
{
    struct uffdio_range range = { .start = (uintptr_t)addr, .len = len };

    if (ioctl(fd, UFFDIO_UNREGISTER, &range)) {
        error_setg_errno(errp, errno, "UFFDIO_UNREGISTER of %p+0x%" PRIx64
                         " failed", addr, len);
        return false;
    }
    return true;
}

bool uffd_copy(int fd, void *dst, const void *src, uint64_t len,
               bool *existed, Error **errp)
{
    struct uffdio_copy copy = {
        .dst = (uintptr_t)dst, .src = (uintptr_t)src, .len = len,
    };

    if (existed) {
        *existed = false;
    }
    while (ioctl(fd, UFFDIO_COPY, &copy)) {
        if (errno == EEXIST) {
            if (existed) {
                *existed = true;
            }
            return true;
        }
        /* EAGAIN: the mapping changed under the copy; try again. */
        if (errno != EAGAIN && errno != EINTR) {
            error_setg_errno(errp, errno, "UFFDIO_COPY of %" PRIu64
                             " bytes to %p failed", len, dst);
            return false;
        }
        copy.copy = 0;
    }
    return true;
}

bool uffd_zeropage(int fd, void *dst, uint64_t len, bool *existed,
                   Error **errp)
{
    struct uffdio_zeropage zero = {
        .range = { .start = (uintptr_t)dst, .len = len },
    };

    if (existed) {
        *existed = false;
    }
    while (ioctl(fd, UFFDIO_ZEROPAGE, &zero)) {
        if (errno == EEXIST) {
            if (existed) {
                *existed = true;
            }
            return true;
        }
        if (errno != EAGAIN && errno != EINTR) {
            error_setg_errno(errp, errno, "UFFDIO_ZEROPAGE of %" PRIu64
                             " bytes at %p failed", len, dst);
            return false;
        }
        zero.zeropage = 0;
    }
    return true;
}

bool uffd_wake(int fd, void *addr, uint64_t len, Error **errp)
{
    struct uffdio_range range = { .start = (uintptr_t)addr, .len = len };

    if (ioctl(fd, UFFDIO_WAKE, &range)) {
        error_setg_errno(errp, errno, "UFFDIO_WAKE of %p+0x%" PRIx64
                         " failed", addr, len);
        return false;
    }
    return true;
}

int uffd_read_fault(int fd, UffdFault *fault, Error **errp)
{
    struct uffd_msg msg;
    ssize_t n;

    do {
        n = read(fd, &msg, sizeof(msg));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN) {
            return 0;
        }
        error_setg_errno(errp, errno, "Reading a userfaultfd event failed");
        return -1;
    }
    if (n != sizeof(msg)) {
        error_setg(errp, "Short userfaultfd event: %zd bytes", n);
        return -1;
    }
    if (msg.event != UFFD_EVENT_PAGEFAULT) {
        trace_uffd_event_dropped(msg.event);
        return 0;
    }
    fault->address = msg.arg.pagefault.address;
    fault->tid = msg.arg.pagefault.feat.ptid;
    fault->write = msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE;
    fault->wp = msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP;
    return 1;
}

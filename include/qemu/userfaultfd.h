/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linux userfaultfd: missing-page faults of a memory range are reported
 * on a file descriptor instead of being filled by the kernel, and are
 * resolved by placing a whole page atomically (UFFDIO_COPY or
 * UFFDIO_ZEROPAGE), which also wakes the faulting threads.  Postcopy
 * migration's destination is built on it (docs/devel/postcopy.md).
 * Write-protect mode (UFFDIO_WRITEPROTECT) reports the first write to a
 * protected page instead; the background snapshot is built on that.
 *
 * Every function reports failure through @errp naming the operation and
 * the errno; none of them blocks except uffd_read_fault().
 */
#ifndef QEMU_USERFAULTFD_H
#define QEMU_USERFAULTFD_H

/*
 * Open a userfaultfd (through /dev/userfaultfd, else the syscall),
 * close-on-exec and non-blocking, and agree on the API with @features
 * (UFFD_FEATURE_* bits that must all be there).  Returns the fd or -1.
 */
int uffd_open(uint64_t features, Error **errp);

/*
 * The features and ioctls this kernel offers (probing with a throwaway
 * descriptor).  False with @errp when userfaultfd cannot be used at all:
 * the message says why (no kernel support, no permission...).
 */
bool uffd_query_features(uint64_t *features, Error **errp);

/*
 * Register [@addr, @addr + @len) for missing-page faults.  On success
 * *@ioctls (if not NULL) holds the _UFFDIO_* bits the range allows, so
 * that a caller can check that UFFDIO_COPY and UFFDIO_ZEROPAGE work
 * there (they do not on every kind of memory).
 */
bool uffd_register(int fd, void *addr, uint64_t len, uint64_t *ioctls,
                   Error **errp);
bool uffd_unregister(int fd, void *addr, uint64_t len, Error **errp);
/* Register for write-protect faults (UFFDIO_REGISTER_MODE_WP). */
bool uffd_register_wp(int fd, void *addr, uint64_t len, uint64_t *ioctls,
                      Error **errp);
/*
 * Write-protect [@addr, @addr + @len) (@wp) or lift the protection,
 * which also wakes the threads waiting to write there.
 */
bool uffd_writeprotect(int fd, void *addr, uint64_t len, bool wp,
                       Error **errp);

/*
 * Place @len bytes of @src at @dst (page aligned, inside a registered
 * range) as one atomic operation and wake the threads waiting on it.
 * A page that is already there (EEXIST: another placement won the race)
 * counts as placed: *@existed says so when not NULL.
 */
bool uffd_copy(int fd, void *dst, const void *src, uint64_t len,
               bool *existed, Error **errp);
/* Same with a page of zeroes. */
bool uffd_zeropage(int fd, void *dst, uint64_t len, bool *existed,
                   Error **errp);
/* Wake the threads waiting on [@addr, @addr + @len) without placing. */
bool uffd_wake(int fd, void *addr, uint64_t len, Error **errp);

/*
 * One reported fault: the faulting address (page aligned by the
 * kernel unless UFFD_FEATURE_EXACT_ADDRESS) and the faulting thread's
 * id when UFFD_FEATURE_THREAD_ID was asked for (else 0).
 */
typedef struct UffdFault {
    uint64_t address;
    uint32_t tid;
    bool write;
    bool wp;        /* a write to a write-protected page */
} UffdFault;

/*
 * Read the next pagefault event.  Returns 1 with *@fault filled, 0 if no
 * event is pending (EAGAIN) or the event was not a page fault (other
 * events are dropped), -1 on error with @errp.
 */
int uffd_read_fault(int fd, UffdFault *fault, Error **errp);

/* Missing pages of a write-protected range fault too (Linux 6.4+). */
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif

#endif /* QEMU_USERFAULTFD_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File descriptors passed to the monitor over a unix socket (SCM_RIGHTS):
 * named fds (getfd, closefd; used by "fd:NAME" URIs through
 * monitor_fd_param) and fd sets (add-fd, remove-fd, query-fdsets; used by
 * /dev/fdset/N file names).
 */
#include "qemu/osdep.h"
#include "monitor-internal.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-misc.h"
#include "qemu/cutils.h"
#include "qemu/lockable.h"

typedef struct MonFdsetFd {
    int fd;
    char *opaque;
    QLIST_ENTRY(MonFdsetFd) next;
} MonFdsetFd;

typedef struct MonFdset {
    int64_t id;
    QLIST_HEAD(, MonFdsetFd) fds;
    QLIST_ENTRY(MonFdset) next;
} MonFdset;

static QemuMutex mon_fdsets_lock;
static QLIST_HEAD(, MonFdset) mon_fdsets;

static void __attribute__((constructor)) mon_fdsets_init(void)
{
    qemu_mutex_init(&mon_fdsets_lock);
}

/* ------------------------------------------------------------ named fds */

static int monitor_take_passed_fd(Monitor *mon, Error **errp)
{
    int fd = qemu_chr_fe_get_msgfd(&mon->chr);

    if (fd < 0) {
        error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
    }
    return fd;
}

static bool monitor_add_fd(Monitor *mon, int fd, const char *fdname,
                           Error **errp)
{
    MonFd *monfd;

    if (g_ascii_isdigit(fdname[0])) {
        close(fd);
        error_setg(errp, "Parameter 'fdname' expects a name not starting "
                   "with a digit");
        return false;
    }
    QEMU_LOCK_GUARD(&mon->mon_lock);
    QLIST_FOREACH(monfd, &mon->fds, next) {
        if (!strcmp(monfd->name, fdname)) {
            /* Same name: the new one replaces the old. */
            close(monfd->fd);
            monfd->fd = fd;
            return true;
        }
    }
    monfd = g_new0(MonFd, 1);
    monfd->name = g_strdup(fdname);
    monfd->fd = fd;
    QLIST_INSERT_HEAD(&mon->fds, monfd, next);
    return true;
}

void qmp_getfd(const char *fdname, Error **errp)
{
    Monitor *mon = monitor_cur();
    int fd;

    if (!mon) {
        error_setg(errp, "getfd needs a monitor");
        return;
    }
    fd = monitor_take_passed_fd(mon, errp);
    if (fd >= 0) {
        monitor_add_fd(mon, fd, fdname, errp);
    }
}

void qmp_closefd(const char *fdname, Error **errp)
{
    Monitor *mon = monitor_cur();
    MonFd *monfd;

    if (mon) {
        QEMU_LOCK_GUARD(&mon->mon_lock);
        QLIST_FOREACH(monfd, &mon->fds, next) {
            if (!strcmp(monfd->name, fdname)) {
                QLIST_REMOVE(monfd, next);
                close(monfd->fd);
                g_free(monfd->name);
                g_free(monfd);
                return;
            }
        }
    }
    error_setg(errp, "File descriptor named '%s' not found", fdname);
}

int monitor_get_fd(Monitor *mon, const char *fdname, Error **errp)
{
    MonFd *monfd;

    if (mon) {
        QEMU_LOCK_GUARD(&mon->mon_lock);
        QLIST_FOREACH(monfd, &mon->fds, next) {
            if (!strcmp(monfd->name, fdname)) {
                int fd = monfd->fd;

                /* The caller owns it now. */
                QLIST_REMOVE(monfd, next);
                g_free(monfd->name);
                g_free(monfd);
                return fd;
            }
        }
    }
    error_setg(errp, "File descriptor named '%s' has not been found",
               fdname);
    return -1;
}

int monitor_fd_param(Monitor *mon, const char *fdname, Error **errp)
{
    int64_t fd;

    if (!g_ascii_isdigit(fdname[0]) && mon) {
        return monitor_get_fd(mon, fdname, errp);
    }
    if (qemu_strtoi64(fdname, NULL, 10, &fd) < 0 || fd < 0 ||
        fd > INT_MAX) {
        error_setg(errp, "Invalid file descriptor number '%s'", fdname);
        return -1;
    }
    return fd;
}

void monitor_fds_cleanup(Monitor *mon)
{
    MonFd *monfd, *next;

    QLIST_FOREACH_SAFE(monfd, &mon->fds, next, next) {
        QLIST_REMOVE(monfd, next);
        close(monfd->fd);
        g_free(monfd->name);
        g_free(monfd);
    }
}

/* -------------------------------------------------------------- fd sets */

static MonFdset *fdset_find(int64_t id)
{
    MonFdset *set;

    QLIST_FOREACH(set, &mon_fdsets, next) {
        if (set->id == id) {
            return set;
        }
    }
    return NULL;
}

static void fdset_free_if_empty(MonFdset *set)
{
    if (QLIST_EMPTY(&set->fds)) {
        QLIST_REMOVE(set, next);
        g_free(set);
    }
}

AddfdInfo *qmp_add_fd(bool has_fdset_id, int64_t fdset_id,
                      const char *opaque, Error **errp)
{
    Monitor *mon = monitor_cur();
    MonFdset *set;
    MonFdsetFd *sfd;
    AddfdInfo *info;
    int fd;

    if (!mon) {
        error_setg(errp, "add-fd needs a monitor");
        return NULL;
    }
    if (has_fdset_id && fdset_id < 0) {
        error_setg(errp, "Parameter 'fdset-id' expects a non-negative "
                   "value");
        return NULL;
    }
    fd = monitor_take_passed_fd(mon, errp);
    if (fd < 0) {
        return NULL;
    }
    QEMU_LOCK_GUARD(&mon_fdsets_lock);
    if (has_fdset_id) {
        set = fdset_find(fdset_id);
    } else {
        /* The lowest free ID. */
        fdset_id = 0;
        while (fdset_find(fdset_id)) {
            fdset_id++;
        }
        set = NULL;
    }
    if (!set) {
        set = g_new0(MonFdset, 1);
        set->id = fdset_id;
        QLIST_INIT(&set->fds);
        QLIST_INSERT_HEAD(&mon_fdsets, set, next);
    }
    sfd = g_new0(MonFdsetFd, 1);
    sfd->fd = fd;
    sfd->opaque = g_strdup(opaque);
    QLIST_INSERT_HEAD(&set->fds, sfd, next);

    info = g_new0(AddfdInfo, 1);
    info->fdset_id = fdset_id;
    info->fd = fd;
    return info;
}

void qmp_remove_fd(int64_t fdset_id, bool has_fd, int64_t fd, Error **errp)
{
    MonFdset *set;
    MonFdsetFd *sfd, *next;

    QEMU_LOCK_GUARD(&mon_fdsets_lock);
    set = fdset_find(fdset_id);
    if (set) {
        bool found = false;

        QLIST_FOREACH_SAFE(sfd, &set->fds, next, next) {
            if (!has_fd || sfd->fd == fd) {
                QLIST_REMOVE(sfd, next);
                close(sfd->fd);
                g_free(sfd->opaque);
                g_free(sfd);
                found = true;
            }
        }
        fdset_free_if_empty(set);
        if (found) {
            return;
        }
    }
    if (has_fd) {
        error_setg(errp, "File descriptor named 'fdset-id:%" PRId64
                   ", fd:%" PRId64 "' not found", fdset_id, fd);
    } else {
        error_setg(errp, "File descriptor named 'fdset-id:%" PRId64
                   "' not found", fdset_id);
    }
}

FdsetInfoList *qmp_query_fdsets(Error **errp)
{
    FdsetInfoList *list = NULL;
    MonFdset *set;
    MonFdsetFd *sfd;

    QEMU_LOCK_GUARD(&mon_fdsets_lock);
    QLIST_FOREACH(set, &mon_fdsets, next) {
        FdsetInfo *info = g_new0(FdsetInfo, 1);

        info->fdset_id = set->id;
        QLIST_FOREACH(sfd, &set->fds, next) {
            FdsetFdInfo *fi = g_new0(FdsetFdInfo, 1);

            fi->fd = sfd->fd;
            fi->opaque = g_strdup(sfd->opaque);
            QAPI_LIST_PREPEND(info->fds, fi);
        }
        QAPI_LIST_PREPEND(list, info);
    }
    return list;
}

int monitor_fdset_dup_fd_add(int64_t fdset_id, int flags)
{
    MonFdset *set;
    MonFdsetFd *sfd;

    QEMU_LOCK_GUARD(&mon_fdsets_lock);
    set = fdset_find(fdset_id);
    if (!set) {
        errno = ENOENT;
        return -1;
    }
    QLIST_FOREACH(sfd, &set->fds, next) {
        int mode = fcntl(sfd->fd, F_GETFL);

        if (mode >= 0 && (mode & O_ACCMODE) == (flags & O_ACCMODE)) {
            return fcntl(sfd->fd, F_DUPFD_CLOEXEC, 0);
        }
    }
    errno = EACCES;
    return -1;
}

int qemu_open_fdset(const char *path, int flags, mode_t mode)
{
    const char *p;

    if (strstart(path, "/dev/fdset/", &p)) {
        int64_t id;

        if (qemu_strtoi64(p, NULL, 10, &id) < 0) {
            errno = EINVAL;
            return -1;
        }
        return monitor_fdset_dup_fd_add(id, flags);
    }
    return open(path, flags | O_CLOEXEC, mode);
}

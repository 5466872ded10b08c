/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file chardev (output to a file, truncated or appended) and the pipe
 * chardev (PATH.in / PATH.out, or PATH both ways).
 */
#include "qemu/osdep.h"
#include "chardev/char-fd.h"
#include "qapi/error.h"

static bool file_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                          Error **errp)
{
    const char *path = qemu_opt_get(opts, "path");
    bool append = qemu_opt_get_bool(opts, "append", false);
    int fd;

    if (!path) {
        error_setg(errp, "chardev: file: no filename given");
        return false;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
              (append ? O_APPEND : O_TRUNC), 0666);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", path);
        return false;
    }
    qemu_chr_open_fd(chr, -1, fd);
    chr->filename = g_strdup_printf("file:%s", path);
    return true;
}

static bool pipe_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                          Error **errp)
{
    const char *path = qemu_opt_get(opts, "path");
    g_autofree char *in = NULL, *out = NULL;
    int fd_in, fd_out;

    if (!path) {
        error_setg(errp, "chardev: pipe: no filename given");
        return false;
    }
    in = g_strdup_printf("%s.in", path);
    out = g_strdup_printf("%s.out", path);
    fd_in = open(in, O_RDWR | O_CLOEXEC);
    fd_out = open(out, O_RDWR | O_CLOEXEC);
    if (fd_in < 0 || fd_out < 0) {
        if (fd_in >= 0) {
            close(fd_in);
        }
        if (fd_out >= 0) {
            close(fd_out);
        }
        /* No PATH.in/PATH.out pair: use PATH for both directions. */
        fd_in = fd_out = open(path, O_RDWR | O_CLOEXEC);
        if (fd_in < 0) {
            error_setg_errno(errp, errno, "Could not open '%s'", path);
            return false;
        }
    }
    qemu_chr_open_fd(chr, fd_in, fd_out);
    chr->filename = g_strdup_printf("pipe:%s", path);
    return true;
}

static void file_chr_class_init(ObjectClass *oc, const void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->backend_name = "file";
    cc->open = file_chr_open;
}

static void pipe_chr_class_init(ObjectClass *oc, const void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->backend_name = "pipe";
    cc->open = pipe_chr_open;
}

static const TypeInfo file_chr_types[] = {
    {
        .name = TYPE_CHARDEV_FILE,
        .parent = TYPE_CHARDEV_FD,
        .class_init = file_chr_class_init,
    }, {
        .name = TYPE_CHARDEV_PIPE,
        .parent = TYPE_CHARDEV_FD,
        .class_init = pipe_chr_class_init,
    },
};

DEFINE_TYPES(file_chr_types)

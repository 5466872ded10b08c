/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to chardev/: the base of backends that read one fd and write
 * another (file, pipe, stdio).
 */
#ifndef CHARDEV_CHAR_FD_H
#define CHARDEV_CHAR_FD_H

#include "chardev/char.h"

#define TYPE_CHARDEV_FD "chardev-fd"

typedef struct FDChardev {
    Chardev parent;
    int fd_in;          /* -1: no input */
    int fd_out;
    GSource *watch;
} FDChardev;

#define FD_CHARDEV(obj) OBJECT_CHECK(FDChardev, (obj), TYPE_CHARDEV_FD)

/* Take ownership of @fd_in / @fd_out (either may be -1). */
void qemu_chr_open_fd(Chardev *chr, int fd_in, int fd_out);

#endif /* CHARDEV_CHAR_FD_H */

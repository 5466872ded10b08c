/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOChannelFile: a channel over a file descriptor (regular file, pipe,
 * tty).  Regular files are seekable: pread/pwrite at an offset work
 * (QIO_CHANNEL_FEATURE_SEEKABLE), for file: migration.
 */
#ifndef QIO_CHANNEL_FILE_H
#define QIO_CHANNEL_FILE_H

#include "io/channel.h"

#define TYPE_QIO_CHANNEL_FILE "qio-channel-file"
OBJECT_DECLARE_SIMPLE_TYPE(QIOChannelFile, QIO_CHANNEL_FILE)

struct QIOChannelFile {
    QIOChannel parent;
    int fd;
};

/* Wrap @fd, which the channel then owns. */
QIOChannelFile *qio_channel_file_new_fd(int fd);
/* Wrap a duplicate of @fd; the caller keeps @fd. */
QIOChannelFile *qio_channel_file_new_dupfd(int fd, Error **errp);
/* open(2) @path with @flags and @mode (O_CLOEXEC is added). */
QIOChannelFile *qio_channel_file_new_path(const char *path, int flags,
                                          mode_t mode, Error **errp);

#endif /* QIO_CHANNEL_FILE_H */

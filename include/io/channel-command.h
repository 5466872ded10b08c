/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOChannelCommand: a child process whose stdin (writes) and/or stdout
 * (reads) are the channel, for exec: migration.  Closing the channel
 * closes the pipes and reaps the child: a non-zero exit status is an
 * error; a child that does not exit within a few seconds is terminated.
 */
#ifndef QIO_CHANNEL_COMMAND_H
#define QIO_CHANNEL_COMMAND_H

#include "io/channel.h"

#define TYPE_QIO_CHANNEL_COMMAND "qio-channel-command"
OBJECT_DECLARE_SIMPLE_TYPE(QIOChannelCommand, QIO_CHANNEL_COMMAND)

struct QIOChannelCommand {
    QIOChannel parent;
    int writefd;                /* child's stdin, -1 if not writing */
    int readfd;                 /* child's stdout, -1 if not reading */
    pid_t pid;                  /* 0 once reaped */
    char *argv0;
};

/*
 * Run @argv (NULL-terminated; argv[0] searched in PATH).  @flags is
 * O_RDONLY (read its stdout), O_WRONLY (write its stdin) or O_RDWR.
 * The unused standard stream is /dev/null; stderr is inherited.
 */
QIOChannelCommand *qio_channel_command_new_spawn(const char *const argv[],
                                                 int flags, Error **errp);

#endif /* QIO_CHANNEL_COMMAND_H */

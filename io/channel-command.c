/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOChannelCommand: talk to a child process through pipes on its stdin
 * and stdout.
 */
#include "qemu/osdep.h"
#include <sys/wait.h>
#include "qapi/error.h"
#include "io/channel-command.h"
#include "io/channel-watch.h"
#include "io/trace.h"

QIOChannelCommand *qio_channel_command_new_spawn(const char *const argv[],
                                                 int flags, Error **errp)
{
    int acc = flags & O_ACCMODE;
    bool writing = acc == O_WRONLY || acc == O_RDWR;
    bool reading = acc == O_RDONLY || acc == O_RDWR;
    int in[2] = { -1, -1 }, out[2] = { -1, -1 };
    int devnull = -1;
    QIOChannelCommand *cioc;
    pid_t pid;

    if ((writing && pipe2(in, O_CLOEXEC) < 0) ||
        (reading && pipe2(out, O_CLOEXEC) < 0)) {
        error_setg_errno(errp, errno, "Unable to create pipe");
        goto fail;
    }
    devnull = qemu_open_cloexec("/dev/null", O_RDWR, 0);
    if (devnull < 0) {
        error_setg_errno(errp, errno, "Unable to open /dev/null");
        goto fail;
    }
    pid = fork();
    if (pid < 0) {
        error_setg_errno(errp, errno, "Unable to fork");
        goto fail;
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        dup2(writing ? in[0] : devnull, STDIN_FILENO);
        dup2(reading ? out[1] : devnull, STDOUT_FILENO);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    cioc = QIO_CHANNEL_COMMAND(object_new(TYPE_QIO_CHANNEL_COMMAND));
    cioc->pid = pid;
    cioc->argv0 = g_strdup(argv[0]);
    if (writing) {
        close(in[0]);
        cioc->writefd = in[1];
    }
    if (reading) {
        close(out[1]);
        cioc->readfd = out[0];
    }
    close(devnull);
    trace_qio_channel_command_new_spawn(cioc, argv[0], pid, flags);
    return cioc;

fail:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0) {
            close(in[i]);
        }
        if (out[i] >= 0) {
            close(out[i]);
        }
    }
    if (devnull >= 0) {
        close(devnull);
    }
    return NULL;
}

static ssize_t qio_channel_command_readv(QIOChannel *ioc,
                                         const struct iovec *iov,
                                         size_t niov, int **fds,
                                         size_t *nfds, int flags,
                                         Error **errp)
{
    QIOChannelCommand *cioc = QIO_CHANNEL_COMMAND(ioc);
    ssize_t ret;

    if (cioc->readfd < 0) {
        error_setg(errp, "Command channel is not readable");
        return -1;
    }
    ret = RETRY_ON_EINTR(readv(cioc->readfd, iov, niov));
    if (ret < 0) {
        if (errno == EAGAIN) {
            return QIO_CHANNEL_ERR_BLOCK;
        }
        error_setg_errno(errp, errno, "Unable to read from command");
        return -1;
    }
    return ret;
}

static ssize_t qio_channel_command_writev(QIOChannel *ioc,
                                          const struct iovec *iov,
                                          size_t niov, int *fds,
                                          size_t nfds, int flags,
                                          Error **errp)
{
    QIOChannelCommand *cioc = QIO_CHANNEL_COMMAND(ioc);
    ssize_t ret;

    if (cioc->writefd < 0) {
        error_setg(errp, "Command channel is not writable");
        return -1;
    }
    ret = RETRY_ON_EINTR(writev(cioc->writefd, iov, niov));
    if (ret < 0) {
        if (errno == EAGAIN) {
            return QIO_CHANNEL_ERR_BLOCK;
        }
        error_setg_errno(errp, errno, "Unable to write to command");
        return -1;
    }
    return ret;
}

static int qio_channel_command_set_blocking(QIOChannel *ioc, bool enabled,
                                            Error **errp)
{
    QIOChannelCommand *cioc = QIO_CHANNEL_COMMAND(ioc);

    if ((cioc->readfd >= 0 && qemu_set_blocking(cioc->readfd, enabled)) ||
        (cioc->writefd >= 0 && qemu_set_blocking(cioc->writefd, enabled))) {
        error_setg(errp, "Unable to set blocking mode of command pipes");
        return -1;
    }
    return 0;
}

/* Wait up to @ms for the child; true once reaped (status in *@status). */
static bool qio_channel_command_reap(QIOChannelCommand *cioc, int ms,
                                     int *status)
{
    for (int waited = 0;; waited += 10) {
        pid_t r = waitpid(cioc->pid, status, WNOHANG);

        if (r == cioc->pid || (r < 0 && errno != EINTR)) {
            cioc->pid = 0;
            return r > 0;
        }
        if (waited >= ms) {
            return false;
        }
        g_usleep(10 * 1000);
    }
}

static int qio_channel_command_close(QIOChannel *ioc, Error **errp)
{
    QIOChannelCommand *cioc = QIO_CHANNEL_COMMAND(ioc);
    bool was_reading = cioc->readfd >= 0;
    int status = 0;

    if (cioc->writefd >= 0) {
        close(cioc->writefd);
        cioc->writefd = -1;
    }
    if (cioc->readfd >= 0) {
        close(cioc->readfd);
        cioc->readfd = -1;
    }
    if (!cioc->pid) {
        return 0;
    }
    trace_qio_channel_command_close(cioc, cioc->pid);
    /* Closing stdin normally makes it finish; be patient, then firm. */
    if (!qio_channel_command_reap(cioc, 5000, &status)) {
        kill(cioc->pid, SIGTERM);
        if (!qio_channel_command_reap(cioc, 1000, &status)) {
            kill(cioc->pid, SIGKILL);
            qio_channel_command_reap(cioc, 5000, &status);
        }
        error_setg(errp, "Command '%s' did not exit and was terminated",
                   cioc->argv0);
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        error_setg(errp, "Command '%s' exited with status %d", cioc->argv0,
                   WEXITSTATUS(status));
        return -1;
    }
    /* SIGPIPE is expected when we stop reading early. */
    if (WIFSIGNALED(status) &&
        !(was_reading && WTERMSIG(status) == SIGPIPE)) {
        error_setg(errp, "Command '%s' was killed by signal %d",
                   cioc->argv0, WTERMSIG(status));
        return -1;
    }
    return 0;
}

static GSource *qio_channel_command_create_watch(QIOChannel *ioc,
                                                 GIOCondition condition)
{
    QIOChannelCommand *cioc = QIO_CHANNEL_COMMAND(ioc);

    return qio_channel_create_fd_pair_watch(ioc, cioc->readfd,
                                            cioc->writefd, condition);
}

static void qio_channel_command_init(Object *obj)
{
    QIOChannelCommand *cioc = QIO_CHANNEL_COMMAND(obj);

    cioc->readfd = cioc->writefd = -1;
}

static void qio_channel_command_finalize(Object *obj)
{
    QIOChannelCommand *cioc = QIO_CHANNEL_COMMAND(obj);

    qio_channel_command_close(QIO_CHANNEL(obj), NULL);
    g_free(cioc->argv0);
}

static void qio_channel_command_class_init(ObjectClass *klass,
                                           const void *class_data)
{
    QIOChannelClass *ioc_klass = QIO_CHANNEL_CLASS(klass);

    ioc_klass->io_writev = qio_channel_command_writev;
    ioc_klass->io_readv = qio_channel_command_readv;
    ioc_klass->io_set_blocking = qio_channel_command_set_blocking;
    ioc_klass->io_close = qio_channel_command_close;
    ioc_klass->io_create_watch = qio_channel_command_create_watch;
}

static const TypeInfo qio_channel_command_info = {
    .parent = TYPE_QIO_CHANNEL,
    .name = TYPE_QIO_CHANNEL_COMMAND,
    .instance_size = sizeof(QIOChannelCommand),
    .instance_init = qio_channel_command_init,
    .instance_finalize = qio_channel_command_finalize,
    .class_init = qio_channel_command_class_init,
};

static void qio_channel_command_register_types(void)
{
    type_register_static(&qio_channel_command_info);
}

type_init(qio_channel_command_register_types)

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOChannel: the abstract byte channel every transport implements
 * (socket, file, command, buffer, null).  Migration and chardevs see only
 * this interface.
 *
 * Blocking model: a channel is blocking or not (qio_channel_set_blocking).
 * On a non-blocking channel a read or write that would wait returns
 * QIO_CHANNEL_ERR_BLOCK; the *_all helpers then wait for the channel,
 * yielding the coroutine when called from one (the main loop keeps
 * running), or polling in a private GMainContext otherwise.
 *
 * Return values: the plain calls return a byte count, 0 on end of file
 * (reads), QIO_CHANNEL_ERR_BLOCK or -1 with @errp set.
 */
#ifndef QIO_CHANNEL_H
#define QIO_CHANNEL_H

#include "qom/object.h"
#include "qemu/coroutine.h"

#define TYPE_QIO_CHANNEL "qio-channel"
OBJECT_DECLARE_TYPE(QIOChannel, QIOChannelClass, QIO_CHANNEL)

#define QIO_CHANNEL_ERR_BLOCK -2

/* Flags of qio_channel_writev_full(). */
#define QIO_CHANNEL_WRITE_FLAG_ZERO_COPY 0x1
/*
 * Pass the buffers by reference through a pipe (vmsplice, then splice
 * into the socket) instead of copying them: the peer reads what they
 * hold when it reads, so this is only for memory whose later changes
 * are sent again anyway (guest RAM under dirty tracking).  Needs
 * QIO_CHANNEL_FEATURE_WRITE_SPLICE; no flush needed, the kernel holds
 * the pages until they are read.  splice() has no MSG_NOSIGNAL: a
 * closed peer raises SIGPIPE, which the program must ignore (Tern does).
 */
#define QIO_CHANNEL_WRITE_FLAG_SPLICE 0x2
/* Flags of qio_channel_readv_full(). */
#define QIO_CHANNEL_READ_FLAG_MSG_PEEK 0x1
/*
 * A TLS channel whose peer closes the connection without a TLS bye
 * reads end of file instead of failing (a peer known not to send one).
 */
#define QIO_CHANNEL_READ_FLAG_RELAXED_EOF 0x2

typedef enum QIOChannelFeature {
    QIO_CHANNEL_FEATURE_FD_PASS,        /* SCM_RIGHTS on unix sockets */
    QIO_CHANNEL_FEATURE_SHUTDOWN,       /* qio_channel_shutdown works */
    QIO_CHANNEL_FEATURE_LISTEN,         /* a listening socket */
    QIO_CHANNEL_FEATURE_WRITE_ZERO_COPY,
    QIO_CHANNEL_FEATURE_READ_MSG_PEEK,
    QIO_CHANNEL_FEATURE_SEEKABLE,       /* pread/pwrite at an offset */
    QIO_CHANNEL_FEATURE_WRITE_SPLICE,   /* Linux stream sockets */
} QIOChannelFeature;

typedef enum QIOChannelShutdown {
    QIO_CHANNEL_SHUTDOWN_READ = 1,
    QIO_CHANNEL_SHUTDOWN_WRITE = 2,
    QIO_CHANNEL_SHUTDOWN_BOTH = 3,
} QIOChannelShutdown;

/* Watch callback: return FALSE to remove the watch. */
typedef gboolean (*QIOChannelFunc)(QIOChannel *ioc, GIOCondition condition,
                                   gpointer data);

struct QIOChannel {
    Object parent;
    unsigned int features;      /* bitmask of 1 << QIOChannelFeature */
    char *name;
};

struct QIOChannelClass {
    ObjectClass parent;

    /* Mandatory. @fds/@nfds: descriptors to pass (FD_PASS only). */
    ssize_t (*io_writev)(QIOChannel *ioc, const struct iovec *iov,
                         size_t niov, int *fds, size_t nfds, int flags,
                         Error **errp);
    /*
     * Mandatory.  When @fds is not NULL, received descriptors are
     * returned in a g_new array (*fds, *nfds); otherwise they are closed.
     */
    ssize_t (*io_readv)(QIOChannel *ioc, const struct iovec *iov,
                        size_t niov, int **fds, size_t *nfds, int flags,
                        Error **errp);
    int (*io_close)(QIOChannel *ioc, Error **errp);
    GSource *(*io_create_watch)(QIOChannel *ioc, GIOCondition condition);
    int (*io_set_blocking)(QIOChannel *ioc, bool enabled, Error **errp);

    /* Optional. */
    void (*io_set_cloexec)(QIOChannel *ioc, bool enabled);
    void (*io_set_delay)(QIOChannel *ioc, bool enabled);
    int (*io_shutdown)(QIOChannel *ioc, QIOChannelShutdown how,
                       Error **errp);
    off_t (*io_seek)(QIOChannel *ioc, off_t offset, int whence,
                     Error **errp);
    ssize_t (*io_pwritev)(QIOChannel *ioc, const struct iovec *iov,
                          size_t niov, off_t offset, Error **errp);
    ssize_t (*io_preadv)(QIOChannel *ioc, const struct iovec *iov,
                         size_t niov, off_t offset, Error **errp);
    /* WRITE_ZERO_COPY channels: see qio_channel_flush(). */
    int (*io_flush)(QIOChannel *ioc, Error **errp);
};

/* ------------------------------------------------------------ features */

bool qio_channel_has_feature(QIOChannel *ioc, QIOChannelFeature feature);
void qio_channel_set_feature(QIOChannel *ioc, QIOChannelFeature feature);
/* A name for debugging and error messages. */
void qio_channel_set_name(QIOChannel *ioc, const char *name);

/* ------------------------------------------------------ single calls */

ssize_t qio_channel_readv_full(QIOChannel *ioc, const struct iovec *iov,
                               size_t niov, int **fds, size_t *nfds,
                               int flags, Error **errp);
ssize_t qio_channel_writev_full(QIOChannel *ioc, const struct iovec *iov,
                                size_t niov, int *fds, size_t nfds,
                                int flags, Error **errp);
ssize_t qio_channel_readv(QIOChannel *ioc, const struct iovec *iov,
                          size_t niov, Error **errp);
ssize_t qio_channel_writev(QIOChannel *ioc, const struct iovec *iov,
                           size_t niov, Error **errp);
ssize_t qio_channel_read(QIOChannel *ioc, char *buf, size_t buflen,
                         Error **errp);
ssize_t qio_channel_write(QIOChannel *ioc, const char *buf, size_t buflen,
                          Error **errp);

/* ---------------------------------------------- loops until complete */

/*
 * Read exactly the iovec's total length.  Returns 1 on success, 0 if the
 * channel was at end of file before the first byte, -1 on error
 * (including end of file part way).  @flags: QIO_CHANNEL_READ_FLAG_*
 * for every read (not MSG_PEEK).
 */
int coroutine_mixed_fn qio_channel_readv_full_all_eof(QIOChannel *ioc,
                                                      const struct iovec *iov,
                                                      size_t niov,
                                                      int **fds, size_t *nfds,
                                                      int flags,
                                                      Error **errp);
int coroutine_mixed_fn qio_channel_readv_all_eof(QIOChannel *ioc,
                                                 const struct iovec *iov,
                                                 size_t niov, Error **errp);
int coroutine_mixed_fn qio_channel_read_all_eof(QIOChannel *ioc, char *buf,
                                                size_t buflen, Error **errp);
/* As the _eof variants, but end of file is an error: 0 or -1. */
int coroutine_mixed_fn qio_channel_readv_full_all(QIOChannel *ioc,
                                                  const struct iovec *iov,
                                                  size_t niov,
                                                  int **fds, size_t *nfds,
                                                  Error **errp);
int coroutine_mixed_fn qio_channel_readv_all(QIOChannel *ioc,
                                             const struct iovec *iov,
                                             size_t niov, Error **errp);
int coroutine_mixed_fn qio_channel_read_all(QIOChannel *ioc, char *buf,
                                            size_t buflen, Error **errp);
/* Write everything: 0 or -1.  @fds go with the first byte. */
int coroutine_mixed_fn qio_channel_writev_full_all(QIOChannel *ioc,
                                                   const struct iovec *iov,
                                                   size_t niov,
                                                   int *fds, size_t nfds,
                                                   int flags, Error **errp);
int coroutine_mixed_fn qio_channel_writev_all(QIOChannel *ioc,
                                              const struct iovec *iov,
                                              size_t niov, Error **errp);
int coroutine_mixed_fn qio_channel_write_all(QIOChannel *ioc,
                                             const char *buf, size_t buflen,
                                             Error **errp);

/* ------------------------------------------------------ positioned I/O */

/* SEEKABLE channels only; others fail with a clear error. */
ssize_t qio_channel_pwritev(QIOChannel *ioc, const struct iovec *iov,
                            size_t niov, off_t offset, Error **errp);
ssize_t qio_channel_pwrite(QIOChannel *ioc, const char *buf, size_t buflen,
                           off_t offset, Error **errp);
ssize_t qio_channel_preadv(QIOChannel *ioc, const struct iovec *iov,
                           size_t niov, off_t offset, Error **errp);
ssize_t qio_channel_pread(QIOChannel *ioc, char *buf, size_t buflen,
                          off_t offset, Error **errp);
off_t qio_channel_io_seek(QIOChannel *ioc, off_t offset, int whence,
                          Error **errp);
/*
 * All of @buflen bytes at @offset, retrying short transfers; 0, or -1
 * with @errp (a read past the end of the file is an error naming it).
 */
int qio_channel_pwrite_all(QIOChannel *ioc, const char *buf, size_t buflen,
                           off_t offset, Error **errp);
int qio_channel_pread_all(QIOChannel *ioc, char *buf, size_t buflen,
                          off_t offset, Error **errp);

/* ------------------------------------------------------------- control */

/*
 * Wait until the kernel is done with every buffer written with
 * QIO_CHANNEL_WRITE_FLAG_ZERO_COPY so far (they may be changed again).
 * Returns 0 if all were sent without copying, 1 if the kernel had to
 * copy some (zero copy did not pay), -1 with @errp on error.  0 at
 * once on channels without zero copy.
 */
int qio_channel_flush(QIOChannel *ioc, Error **errp);

int qio_channel_set_blocking(QIOChannel *ioc, bool enabled, Error **errp);
void qio_channel_set_cloexec(QIOChannel *ioc, bool enabled);
/* TCP_NODELAY off (@enabled) or on; no-op where meaningless. */
void qio_channel_set_delay(QIOChannel *ioc, bool enabled);
/*
 * Make pending and future reads (and/or writes) return at once: EOF for
 * reads, an error for writes.  Needs QIO_CHANNEL_FEATURE_SHUTDOWN.
 */
int qio_channel_shutdown(QIOChannel *ioc, QIOChannelShutdown how,
                         Error **errp);
/* Close the channel; closing a closed channel does nothing. */
int qio_channel_close(QIOChannel *ioc, Error **errp);

/* ------------------------------------------------------------- watches */

/* A GSource ready when @condition holds; attach it yourself. */
GSource *qio_channel_create_watch(QIOChannel *ioc, GIOCondition condition);
/* Attach a watch to the default GMainContext; returns its source id. */
guint qio_channel_add_watch(QIOChannel *ioc, GIOCondition condition,
                            QIOChannelFunc func, gpointer user_data,
                            GDestroyNotify notify);
/* Same on @context (NULL: default); returns the attached GSource. */
GSource *qio_channel_add_watch_source(QIOChannel *ioc,
                                      GIOCondition condition,
                                      QIOChannelFunc func,
                                      gpointer user_data,
                                      GDestroyNotify notify,
                                      GMainContext *context);

/*
 * From a coroutine running in the main loop thread: yield until
 * @condition holds on @ioc (or it hangs up / errs).
 */
void coroutine_fn qio_channel_yield(QIOChannel *ioc, GIOCondition condition);
/* Outside coroutines: block the thread until @condition holds. */
void qio_channel_wait(QIOChannel *ioc, GIOCondition condition);

#endif /* QIO_CHANNEL_H */

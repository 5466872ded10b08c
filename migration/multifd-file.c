/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapped-ram with multifd, destination (see multifd-file.h): one thread
 * per channel, each with a range of pages to read at a time.  The load
 * gives a range to a free thread and waits only when none is free; one
 * mutex and condition guard the channels' state.  There are no packets:
 * the file's bitmap says what to read, and the reads may finish in any
 * order since every page is read once.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/thread.h"
#include "migration/file.h"
#include "migration/threadinfo.h"
#include "migration/multifd-file.h"
#include "migration/trace.h"

typedef struct FileRecvChannel {
    int id;
    QIOChannel *ioc;
    QemuThread thread;
    struct FileRecvState *st;
    /* Under FileRecvState.lock: */
    bool busy;              /* the range below is to be read */
    uint8_t *host;
    size_t size;
    uint64_t pos;
} FileRecvChannel;

typedef struct FileRecvState {
    int count;
    FileRecvChannel *ch;
    QemuMutex lock;
    QemuCond cond;          /* any channel's state changed */
    bool exiting;
    Error *error;           /* the first read that failed */
    uint64_t bytes;         /* read so far (a trace says it at the end) */
} FileRecvState;

static FileRecvState *file_recv;

static void *multifd_file_recv_thread(void *opaque)
{
    FileRecvChannel *ch = opaque;
    FileRecvState *st = ch->st;

    qemu_mutex_lock(&st->lock);
    for (;;) {
        Error *err = NULL;
        int ret;

        while (!st->exiting && !ch->busy) {
            qemu_cond_wait(&st->cond, &st->lock);
        }
        if (st->exiting) {
            break;
        }
        qemu_mutex_unlock(&st->lock);
        ret = qio_channel_pread_all(ch->ioc, (char *)ch->host, ch->size,
                                    ch->pos, &err);
        qemu_mutex_lock(&st->lock);
        if (ret < 0) {
            error_prepend(&err, "multifd channel %d: reading 0x%zx bytes at "
                          "file offset 0x%" PRIx64 ": ", ch->id, ch->size,
                          ch->pos);
            if (!st->error) {
                st->error = err;
            } else {
                error_free(err);
            }
        } else {
            st->bytes += ch->size;
        }
        ch->busy = false;
        qemu_cond_broadcast(&st->cond);
    }
    qemu_mutex_unlock(&st->lock);
    return NULL;
}

bool multifd_file_recv_started(void)
{
    return file_recv != NULL;
}

bool multifd_file_recv_start(QIOChannel *main, int n, bool direct_io,
                             Error **errp)
{
    FileRecvState *st = g_new0(FileRecvState, 1);

    st->ch = g_new0(FileRecvChannel, n);
    for (int i = 0; i < n; i++) {
        st->ch[i].ioc = file_recv_channel_create(main, direct_io, errp);
        if (!st->ch[i].ioc) {
            error_prepend(errp, "multifd channel %d: ", i);
            while (i--) {
                object_unref(OBJECT(st->ch[i].ioc));
            }
            g_free(st->ch);
            g_free(st);
            return false;
        }
    }
    st->count = n;
    qemu_mutex_init(&st->lock);
    qemu_cond_init(&st->cond);
    for (int i = 0; i < n; i++) {
        g_autofree char *name = g_strdup_printf(MIGRATION_THREAD_DST_MULTIFD,
                                                i);

        st->ch[i].id = i;
        st->ch[i].st = st;
        qemu_thread_create(&st->ch[i].thread, name, multifd_file_recv_thread,
                           &st->ch[i], QEMU_THREAD_JOINABLE);
    }
    trace_multifd_file_recv_start(n, direct_io);
    file_recv = st;
    return true;
}

/* Under lock: the first error, if a read failed. */
static bool multifd_file_recv_failed(FileRecvState *st, Error **errp)
{
    if (st->error) {
        error_propagate(errp, error_copy(st->error));
        return true;
    }
    return false;
}

bool multifd_file_recv_queue(uint8_t *host, size_t size, uint64_t pos,
                             Error **errp)
{
    FileRecvState *st = file_recv;
    static int next;

    qemu_mutex_lock(&st->lock);
    for (;;) {
        if (multifd_file_recv_failed(st, errp)) {
            qemu_mutex_unlock(&st->lock);
            return false;
        }
        for (int i = 0; i < st->count; i++) {
            FileRecvChannel *ch = &st->ch[(next + i) % st->count];

            if (!ch->busy) {
                ch->host = host;
                ch->size = size;
                ch->pos = pos;
                ch->busy = true;
                next = (next + i + 1) % st->count;
                qemu_cond_broadcast(&st->cond);
                qemu_mutex_unlock(&st->lock);
                return true;
            }
        }
        qemu_cond_wait(&st->cond, &st->lock);
    }
}

bool multifd_file_recv_wait(Error **errp)
{
    FileRecvState *st = file_recv;
    bool busy;
    bool ok;

    qemu_mutex_lock(&st->lock);
    do {
        busy = false;
        for (int i = 0; i < st->count; i++) {
            busy |= st->ch[i].busy;
        }
        if (busy) {
            qemu_cond_wait(&st->cond, &st->lock);
        }
    } while (busy);
    ok = !multifd_file_recv_failed(st, errp);
    trace_multifd_file_recv_wait(st->bytes);
    qemu_mutex_unlock(&st->lock);
    return ok;
}

void multifd_file_recv_cleanup(void)
{
    FileRecvState *st = file_recv;

    if (!st) {
        return;
    }
    file_recv = NULL;
    qemu_mutex_lock(&st->lock);
    st->exiting = true;
    qemu_cond_broadcast(&st->cond);
    qemu_mutex_unlock(&st->lock);
    for (int i = 0; i < st->count; i++) {
        qemu_thread_join(&st->ch[i].thread);
        qio_channel_close(st->ch[i].ioc, NULL);
        object_unref(OBJECT(st->ch[i].ioc));
    }
    qemu_cond_destroy(&st->cond);
    qemu_mutex_destroy(&st->lock);
    error_free(st->error);
    g_free(st->ch);
    g_free(st);
}

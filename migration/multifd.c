/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd channels: the send and receive threads, their packets and the
 * sync points (docs/devel/migration-multifd.md).
 *
 * Source: every channel has a thread that connects to the destination's
 * address, sends the initial packet, then sends one packet per batch
 * the migration thread hands it (up to MULTIFD_PACKET_SIZE of RAM from
 * one block) or a SYNC packet when asked.  One mutex and condition guard
 * the channels' state; the payload is the thread's own while it sends.
 *
 * With mapped-ram the channels are handles on the migration file
 * instead: no initial packet, no packets; a send thread writes its batch
 * to the pages' places in the file (mapped-ram.c), and a sync point only
 * waits for every channel to be idle (the destination's threads are
 * multifd-file.c's).
 *
 * Destination: every multifd connection gets a thread that reads the
 * initial packet (which says the channel's id), then packets, placing
 * pages straight into guest memory.  At a SYNC packet the thread waits
 * until the load has seen every channel reach its SYNC, so that a page
 * sent again after a sync point never lands before its older copy.
 */
#include "qemu/osdep.h"
#include "io/channel-socket.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-visit-migration.h"
#include "qapi/qapi-visit-sockets.h"
#include "qemu/coroutine.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "migration/register.h"
#include "migration/channel.h"
#include "migration/file.h"
#include "migration/mapped-ram.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/threadinfo.h"
#include "migration/tls.h"
#include "migration/trace.h"
#include "migration/multifd.h"
#include "migration/multifd-nocomp.h"
#include "migration/multifd-packet.h"
#include "migration/multifd-zero-page.h"
#include "system/ram_addr.h"
#ifdef CONFIG_ZLIB
#include "migration/multifd-zlib.h"
#endif
#ifdef CONFIG_ZSTD
#include "migration/multifd-zstd.h"
#endif

/* The backends, by multifd-compression value. */
static const MultiFDMethods *const multifd_ops[MULTIFD_COMPRESSION__MAX] = {
    [MULTIFD_COMPRESSION_NONE] = &multifd_nocomp_ops,
#ifdef CONFIG_ZLIB
    [MULTIFD_COMPRESSION_ZLIB] = &multifd_zlib_ops,
#endif
#ifdef CONFIG_ZSTD
    [MULTIFD_COMPRESSION_ZSTD] = &multifd_zstd_ops,
#endif
};

static const MultiFDMethods *multifd_get_ops(Error **errp)
{
    MultiFDCompression c = migrate_multifd_compression();

    if (!multifd_ops[c]) {
        error_setg(errp, "multifd-compression '%s' is not available: Tern "
                   "was built without it", MultiFDCompression_str(c));
        return NULL;
    }
    return multifd_ops[c];
}

static uint32_t multifd_page_count(void)
{
    return MULTIFD_PACKET_SIZE / TARGET_PAGE_SIZE;
}

/* =============================================================== source */

typedef struct MultiFDSendChannel {
    MultiFDSendParams p;
    struct MultiFDSendState *st;    /* its owner (send_state may be gone) */
    char *name;
    QemuThread thread;
    bool thread_created;
    RAMBlock *block;        /* the batch's block (mapped-ram writes) */
    uint8_t *packet;
    size_t packet_len;
    /* The thread's until it has ended: the packets go here (c or TLS). */
    QIOChannel *io;
    /* Under MultiFDSendState.lock: */
    QIOChannel *c;          /* the socket, shut down to stop the thread */
    bool ready;             /* connected, initial packet sent */
    bool job;               /* p holds a batch to send */
    bool sync;              /* a SYNC packet is wanted */
    bool ended;             /* the thread is leaving */
} MultiFDSendChannel;

typedef struct MultiFDSendState {
    int count;
    MultiFDSendChannel *ch;
    const MultiFDMethods *ops;
    SocketAddress *addr;
    FileMigrationArgs *file;    /* mapped-ram: the file, not addr */
    const char *hostname;   /* the certificate's name, from the URI */
    QemuMutex lock;
    QemuCond cond;          /* any channel's state changed */
    bool exiting;           /* under lock */
    Error *error;           /* the first error; under lock */
    int next;               /* round robin over channels */
    uint64_t packet_num;    /* atomic */
    /* The batch the migration thread fills. */
    RAMBlock *block;
    uint32_t num;
    uint64_t *offset;
} MultiFDSendState;

static MultiFDSendState *send_state;
/*
 * The return-path thread may shut the channels down while the main
 * thread's cleanup frees them: it takes send_state under this lock, and
 * cleanup takes it away under it first.  (Static, so no init needed.)
 */
static GMutex send_state_lock;
static SocketAddress *send_addr;
static FileMigrationArgs *send_file;

bool multifd_check_address(MigrationAddress *addr, Error **errp)
{
    if (migrate_mapped_ram() && !migrate_address_is_seekable(addr)) {
        error_setg(errp, "Migration requires seekable transport (e.g. file)");
        return false;
    }
    /* mapped-ram opens the file once more per channel. */
    if (migrate_multifd() && !migrate_address_is_multi_channel(addr) &&
        !(migrate_mapped_ram() && migrate_address_is_seekable(addr))) {
        error_setg(errp, "Migration requires multi-channel URIs (e.g. tcp)");
        return false;
    }
    return true;
}

bool multifd_send_set_address(MigrationAddress *addr, Error **errp)
{
    g_clear_pointer(&send_addr, qapi_free_SocketAddress);
    g_clear_pointer(&send_file, qapi_free_FileMigrationArgs);
    if (!multifd_check_address(addr, errp)) {
        return false;
    }
    if (!migrate_multifd()) {
        return true;
    }
    if (addr->transport == MIGRATION_ADDRESS_TYPE_FILE) {
        /* mapped-ram (the only way here): no packets, nothing to check. */
        send_file = QAPI_CLONE(FileMigrationArgs, &addr->u.file);
        return true;
    }
    if (migrate_multifd_flush_after_each_section() &&
        migrate_zero_page_detection() == ZERO_PAGE_DETECTION_MULTIFD) {
        error_setg(errp, "zero-page-detection 'multifd' needs QEMU 9.0 or "
                   "later on the destination, but "
                   "multifd-flush-after-each-section selects the QEMU 7.2 "
                   "stream, whose multifd packets cannot say a page is "
                   "zero: use zero-page-detection 'legacy'");
        return false;
    }
    if (!multifd_get_ops(errp)) {
        return false;
    }
    send_addr = QAPI_CLONE(SocketAddress, &addr->u.socket);
    return true;
}

/* Under lock: stop every channel, ending any I/O in progress. */
static void multifd_send_stop_locked(MultiFDSendState *st)
{
    st->exiting = true;
    for (int i = 0; i < st->count; i++) {
        if (st->ch[i].c) {
            qio_channel_shutdown(st->ch[i].c, QIO_CHANNEL_SHUTDOWN_BOTH, NULL);
        }
    }
    qemu_cond_broadcast(&st->cond);
}

/* Record @err (the first one wins), stop every channel.  Takes @err. */
static void multifd_send_fail(MultiFDSendState *st, Error *err)
{
    qemu_mutex_lock(&st->lock);
    trace_multifd_send_error(error_get_pretty(err));
    if (!st->error) {
        st->error = err;
    } else {
        error_free(err);
    }
    multifd_send_stop_locked(st);
    qemu_mutex_unlock(&st->lock);
}

/* Under lock: why the channels cannot be used. */
static void multifd_send_why(MultiFDSendState *st, Error **errp)
{
    if (st->error) {
        error_propagate(errp, error_copy(st->error));
    } else {
        error_setg(errp, "multifd: the channels were shut down");
    }
}

/*
 * mapped-ram's send thread: the batch in ch->p to the pages' places in
 * the file; zero pages are only cleared in the file's bitmap.  A sync
 * point has nothing to write.
 */
static bool multifd_send_file_batch(MultiFDSendChannel *ch, bool sync,
                                    Error **errp)
{
    MultiFDSendParams *p = &ch->p;
    uint32_t zero;

    if (sync) {
        return true;
    }
    multifd_send_zero_page_detect(p);
    zero = p->num - p->normal_num;
    for (uint32_t i = p->normal_num; i < p->num; i++) {
        mapped_ram_mark(ch->block, p->offset[i], false);
    }
    trace_multifd_send_file(p->id, p->normal_num, zero);
    if (!mapped_ram_write_pages(ch->io, ch->block, p->offset, p->normal_num,
                                errp)) {
        return false;
    }
    stat64_add(&mig_stats.multifd_bytes,
               (uint64_t)p->normal_num * p->page_size);
    stat64_add(&mig_stats.normal_pages, p->normal_num);
    stat64_add(&mig_stats.zero_pages, zero);
    return true;
}

/*
 * Write the packet in p->iov.  With zero-copy-send the pages go by
 * reference (MSG_ZEROCOPY); the flush at the next sync point waits until
 * the kernel is done with them, before any can be sent again.  Guest
 * pages on a plain socket go by reference too (spliced), with nothing
 * to wait for: the kernel holds them until the peer reads them, and a
 * page written meanwhile is dirty, so it is sent again after the next
 * sync point and its newer copy lands last.  The header is reused at
 * once: always copied.
 */
static bool multifd_send_write(MultiFDSendChannel *ch, Error **errp)
{
    MultiFDSendParams *p = &ch->p;
    int flags = 0;

    if (p->zero_copy) {
        flags = QIO_CHANNEL_WRITE_FLAG_ZERO_COPY;
    } else if (p->payload_in_ram &&
               qio_channel_has_feature(ch->io,
                                       QIO_CHANNEL_FEATURE_WRITE_SPLICE)) {
        flags = QIO_CHANNEL_WRITE_FLAG_SPLICE;
    }
    if (!flags || p->iovs_num == 1) {
        return qio_channel_writev_all(ch->io, p->iov, p->iovs_num,
                                      errp) == 0;
    }
    return qio_channel_writev_all(ch->io, p->iov, 1, errp) == 0 &&
           qio_channel_writev_full_all(ch->io, p->iov + 1, p->iovs_num - 1,
                                       NULL, 0, flags, errp) == 0;
}

/* Send thread: one packet, for the batch in ch->p or a SYNC. */
static bool multifd_send_packet(MultiFDSendState *st, MultiFDSendChannel *ch,
                                bool sync, Error **errp)
{
    MultiFDSendParams *p = &ch->p;
    MultiFDPacketInfo info = { 0 };
    uint32_t zero;

    if (sync) {
        p->num = 0;
    }
    p->flags = sync ? MULTIFD_FLAG_SYNC : 0;
    p->iovs_num = 1;
    p->next_packet_size = 0;
    p->payload_in_ram = false;
    multifd_send_zero_page_detect(p);
    if (!st->ops->send_prepare(p, errp)) {
        return false;
    }
    zero = p->num - p->normal_num;
    info.flags = p->flags;
    info.pages_alloc = p->page_count;
    info.normal_pages = p->normal_num;
    info.zero_pages = zero;
    info.next_packet_size = p->next_packet_size;
    info.packet_num = qatomic_fetch_inc(&st->packet_num);
    if (p->num) {
        g_strlcpy(info.ramblock, p->block_name, sizeof(info.ramblock));
    }
    multifd_packet_encode(ch->packet, p->page_count, &info, p->offset);
    p->iov[0].iov_base = ch->packet;
    p->iov[0].iov_len = ch->packet_len;
    trace_multifd_send(p->id, info.packet_num, p->normal_num, zero,
                       p->flags, p->next_packet_size);
    if (!multifd_send_write(ch, errp)) {
        return false;
    }
    if (sync && p->zero_copy) {
        int ret = qio_channel_flush(ch->io, errp);

        if (ret < 0) {
            return false;
        }
        if (ret == 1) {
            stat64_add(&mig_stats.dirty_sync_missed_zero_copy, 1);
        }
    }
    stat64_add(&mig_stats.multifd_bytes,
               ch->packet_len + p->next_packet_size);
    stat64_add(&mig_stats.normal_pages, p->normal_num);
    stat64_add(&mig_stats.zero_pages, zero);
    return true;
}

static void *multifd_send_thread(void *opaque)
{
    MultiFDSendChannel *ch = opaque;
    MultiFDSendState *st = ch->st;
    MigrationThread *info = migration_threads_add(ch->name,
                                                  qemu_get_thread_id());
    QIOChannelSocket *sioc = qio_channel_socket_new();
    uint8_t init[MULTIFD_INIT_PACKET_SIZE];
    Error *err = NULL;

    trace_multifd_send_thread_start(ch->p.id);
    if (st->file) {
        object_unref(OBJECT(sioc));
        qemu_mutex_lock(&st->lock);
        ch->c = ch->io = file_send_channel_create(st->file,
                                                  migrate_direct_io(), &err);
        qemu_mutex_unlock(&st->lock);
        if (!ch->c) {
            error_prepend(&err, "multifd channel %u: ", ch->p.id);
            goto out;
        }
        goto ready;
    }
    if (qio_channel_socket_connect_sync(sioc, st->addr, &err) < 0) {
        error_prepend(&err, "multifd channel %u: cannot connect: ",
                      ch->p.id);
        object_unref(OBJECT(sioc));
        goto out;
    }
    qio_channel_set_name(QIO_CHANNEL(sioc), "multifd-send");
    if (ch->p.zero_copy &&
        !qio_channel_has_feature(QIO_CHANNEL(sioc),
                                 QIO_CHANNEL_FEATURE_WRITE_ZERO_COPY)) {
        error_setg(&err, "multifd channel %u: Zero copy send feature not "
                   "detected in host kernel (zero-copy-send needs a tcp "
                   "address and MSG_ZEROCOPY)", ch->p.id);
        object_unref(OBJECT(sioc));
        goto out;
    }
    qemu_mutex_lock(&st->lock);
    ch->c = QIO_CHANNEL(sioc);
    if (st->exiting) {
        qemu_mutex_unlock(&st->lock);
        goto out;
    }
    qemu_mutex_unlock(&st->lock);

    /* TLS before the initial packet; a shutdown of c ends the handshake. */
    if (migrate_channel_requires_tls_upgrade(ch->c)) {
        ch->io = migration_tls_channel_wrap_sync(ch->c, false, st->hostname,
                                                 "multifd-tls-outgoing",
                                                 &err);
        if (!ch->io) {
            error_prepend(&err, "multifd channel %u: ", ch->p.id);
            goto out;
        }
    } else {
        ch->io = ch->c;
    }

    multifd_init_packet_encode(init, qemu_savevm_get_uuid(), ch->p.id);
    if (qio_channel_write_all(ch->io, (char *)init, sizeof(init), &err) < 0) {
        error_prepend(&err, "multifd channel %u: sending the initial "
                      "packet: ", ch->p.id);
        goto out;
    }
    stat64_add(&mig_stats.multifd_bytes, sizeof(init));
ready:
    if (!st->ops->send_setup(&ch->p, &err)) {
        goto out;
    }

    qemu_mutex_lock(&st->lock);
    ch->ready = true;
    qemu_cond_broadcast(&st->cond);
    for (;;) {
        bool sync;

        while (!st->exiting && !ch->job && !ch->sync) {
            qemu_cond_wait(&st->cond, &st->lock);
        }
        if (st->exiting) {
            break;
        }
        sync = !ch->job;    /* the batch first, then the SYNC */
        qemu_mutex_unlock(&st->lock);
        if (st->file ? !multifd_send_file_batch(ch, sync, &err)
                     : !multifd_send_packet(st, ch, sync, &err)) {
            if (!g_str_has_prefix(error_get_pretty(err), "multifd")) {
                error_prepend(&err, "multifd channel %u: ", ch->p.id);
            }
            qemu_mutex_lock(&st->lock);
            break;
        }
        qemu_mutex_lock(&st->lock);
        if (sync) {
            ch->sync = false;
        } else {
            ch->job = false;
            ch->p.num = 0;
        }
        qemu_cond_broadcast(&st->cond);
    }
    qemu_mutex_unlock(&st->lock);

out:
    if (err) {
        multifd_send_fail(st, err);
    }
    qemu_mutex_lock(&st->lock);
    ch->ended = true;
    qemu_cond_broadcast(&st->cond);
    qemu_mutex_unlock(&st->lock);
    trace_multifd_send_thread_end(ch->p.id);
    migration_threads_remove(info);
    return NULL;
}

bool multifd_send_setup(Error **errp)
{
    MultiFDSendState *st;
    uint32_t page_count = multifd_page_count();
    const MultiFDMethods *ops;
    int level = 0;

    if (!send_addr && !send_file) {
        error_setg(errp, "multifd: no address to connect the channels to");
        return false;
    }
    ops = multifd_get_ops(errp);
    if (!ops) {
        return false;
    }
    if (migrate_multifd_compression() == MULTIFD_COMPRESSION_ZLIB) {
        level = migrate_multifd_zlib_level();
    } else if (migrate_multifd_compression() != MULTIFD_COMPRESSION_NONE) {
        level = migrate_multifd_zstd_level();
    }
    st = g_new0(MultiFDSendState, 1);
    st->count = migrate_multifd_channels();
    st->ops = ops;
    if (send_file) {
        st->file = QAPI_CLONE(FileMigrationArgs, send_file);
    } else {
        st->addr = QAPI_CLONE(SocketAddress, send_addr);
    }
    if (st->addr && st->addr->type == SOCKET_ADDRESS_TYPE_INET) {
        st->hostname = st->addr->u.inet.host;
    }
    st->offset = g_new0(uint64_t, page_count);
    qemu_mutex_init(&st->lock);
    qemu_cond_init(&st->cond);
    st->ch = g_new0(MultiFDSendChannel, st->count);
    for (int i = 0; i < st->count; i++) {
        MultiFDSendChannel *ch = &st->ch[i];

        ch->p.id = i;
        ch->p.page_size = TARGET_PAGE_SIZE;
        ch->p.page_count = page_count;
        ch->p.zero_page_detection = migrate_zero_page_detection();
        ch->p.level = level;
        ch->p.zero_copy = migrate_zero_copy_send();
        ch->p.offset = g_new0(uint64_t, page_count);
        ch->p.iov = g_new0(struct iovec, page_count + 1);
        ch->packet_len = multifd_packet_len(page_count);
        ch->packet = g_malloc0(ch->packet_len);
        ch->name = g_strdup_printf(MIGRATION_THREAD_SRC_MULTIFD, i);
        ch->st = st;
    }
    trace_multifd_send_setup(st->count, ops->name);
    /* Complete before a cancel on the main thread can see it. */
    qatomic_store_release(&send_state, st);
    for (int i = 0; i < st->count; i++) {
        qemu_thread_create(&st->ch[i].thread, st->ch[i].name,
                           multifd_send_thread, &st->ch[i],
                           QEMU_THREAD_JOINABLE);
        st->ch[i].thread_created = true;
    }
    return true;
}

void multifd_send_shutdown(void)
{
    MultiFDSendState *st;

    g_mutex_lock(&send_state_lock);
    st = qatomic_load_acquire(&send_state);
    if (st) {
        qemu_mutex_lock(&st->lock);
        multifd_send_stop_locked(st);
        qemu_mutex_unlock(&st->lock);
    }
    g_mutex_unlock(&send_state_lock);
}

void multifd_send_cleanup(void)
{
    MultiFDSendState *st;
    g_autofree bool *idle = NULL;

    g_mutex_lock(&send_state_lock);
    st = send_state;
    qatomic_set(&send_state, NULL);
    g_mutex_unlock(&send_state_lock);
    if (!st) {
        return;
    }
    /*
     * Idle threads just leave; one still writing (the migration failed)
     * is stopped by shutting its socket down.  After a successful
     * migration every packet was written: closing loses nothing.
     */
    idle = g_new0(bool, st->count);
    qemu_mutex_lock(&st->lock);
    for (int i = 0; i < st->count; i++) {
        MultiFDSendChannel *ch = &st->ch[i];

        idle[i] = !st->exiting && ch->ready && !ch->job && !ch->sync;
    }
    st->exiting = true;
    for (int i = 0; i < st->count; i++) {
        MultiFDSendChannel *ch = &st->ch[i];

        if (ch->c && !idle[i]) {
            qio_channel_shutdown(ch->c, QIO_CHANNEL_SHUTDOWN_BOTH, NULL);
        }
    }
    qemu_cond_broadcast(&st->cond);
    qemu_mutex_unlock(&st->lock);

    /* All threads first: a failing one shuts the others' channels. */
    for (int i = 0; i < st->count; i++) {
        if (st->ch[i].thread_created) {
            qemu_thread_join(&st->ch[i].thread);
        }
    }
    for (int i = 0; i < st->count; i++) {
        MultiFDSendChannel *ch = &st->ch[i];

        st->ops->send_cleanup(&ch->p);
        if (ch->io && ch->io != ch->c) {
            /* A TLS bye, so that the destination sees a clean end. */
            if (idle[i]) {
                migration_tls_channel_end(ch->io, NULL);
            }
            object_unref(OBJECT(ch->io));
        }
        if (ch->c) {
            qio_channel_close(ch->c, NULL);
            object_unref(OBJECT(ch->c));
        }
        g_free(ch->p.offset);
        g_free(ch->p.iov);
        g_free(ch->packet);
        g_free(ch->name);
    }
    trace_multifd_send_cleanup(st->count);
    qemu_cond_destroy(&st->cond);
    qemu_mutex_destroy(&st->lock);
    error_free(st->error);
    qapi_free_SocketAddress(st->addr);
    qapi_free_FileMigrationArgs(st->file);
    g_free(st->offset);
    g_free(st->ch);
    g_free(st);
}

/* Migration thread: hand the batch to the next free channel. */
static bool multifd_send_batch(MultiFDSendState *st, Error **errp)
{
    MultiFDSendChannel *ch = NULL;
    uint64_t *tmp;

    qemu_mutex_lock(&st->lock);
    while (!ch) {
        if (st->exiting) {
            multifd_send_why(st, errp);
            qemu_mutex_unlock(&st->lock);
            st->num = 0;    /* dropped: the migration fails anyway */
            return false;
        }
        for (int i = 0; i < st->count; i++) {
            MultiFDSendChannel *c = &st->ch[(st->next + i) % st->count];

            if (c->ready && !c->job && !c->sync) {
                ch = c;
                st->next = (st->next + i + 1) % st->count;
                break;
            }
        }
        if (!ch) {
            qemu_cond_wait(&st->cond, &st->lock);
        }
    }
    tmp = ch->p.offset;
    ch->p.offset = st->offset;
    st->offset = tmp;
    ch->p.num = st->num;
    ch->p.host = st->block->host;
    ch->p.block_name = st->block->idstr;
    ch->block = st->block;
    ch->job = true;
    qemu_cond_broadcast(&st->cond);
    qemu_mutex_unlock(&st->lock);
    st->num = 0;
    st->block = NULL;
    return true;
}

bool multifd_queue_page(RAMBlock *block, ram_addr_t offset, Error **errp)
{
    MultiFDSendState *st = send_state;

    if (st->num && st->block != block && !multifd_send_batch(st, errp)) {
        return false;
    }
    st->block = block;
    st->offset[st->num++] = offset;
    if (st->num == multifd_page_count()) {
        return multifd_send_batch(st, errp);
    }
    return true;
}

bool multifd_send_sync(Error **errp)
{
    MultiFDSendState *st = send_state;
    bool pending;

    if (st->num && !multifd_send_batch(st, errp)) {
        return false;
    }
    qemu_mutex_lock(&st->lock);
    for (int i = 0; i < st->count; i++) {
        st->ch[i].sync = true;
    }
    qemu_cond_broadcast(&st->cond);
    do {
        pending = false;
        for (int i = 0; i < st->count; i++) {
            pending |= st->ch[i].sync;
        }
        if (pending && !st->exiting) {
            qemu_cond_wait(&st->cond, &st->lock);
        }
    } while (pending && !st->exiting);
    if (st->exiting) {
        multifd_send_why(st, errp);
        qemu_mutex_unlock(&st->lock);
        return false;
    }
    qemu_mutex_unlock(&st->lock);
    trace_multifd_send_sync(qatomic_read(&st->packet_num));
    return true;
}

/* ========================================================== destination */

typedef struct MultiFDRecvChannel {
    MultiFDRecvParams p;
    QemuThread thread;
    QIOChannel *c;          /* the socket; p.c is TLS over it or c */
    bool tls;               /* p.c is to be TLS over c */
    int conn;               /* arrival order, for messages before the id */
    uint8_t *packet;
    size_t packet_len;
    /* Under MultiFDRecvState.lock: */
    int id;                 /* -1 until the initial packet */
    bool in_sync;           /* waiting at a SYNC packet */
    bool ended;             /* the thread is leaving */
} MultiFDRecvChannel;

typedef struct MultiFDRecvState {
    int count;
    const MultiFDMethods *ops;
    MultiFDRecvChannel **conn;      /* @count, in arrival order */
    int nconn;
    MultiFDRecvChannel **by_id;     /* @count, by channel id */
    int nids;
    QemuMutex lock;
    QemuCond cond;
    bool exiting;
    Error *error;
    /* The load waiting in multifd_recv_sync(), and what wakes it. */
    Coroutine *waiter;
    QEMUBH *wake_bh;
    QEMUTimer *timer;
    void (*fail)(Error *err);
} MultiFDRecvState;

static MultiFDRecvState *recv_state;
static int64_t recv_channel_timeout_ms = 10000;

void multifd_recv_set_channel_timeout(int64_t ms)
{
    recv_channel_timeout_ms = ms;
}

/* Main loop: resume the load if it waits for the channels. */
static void multifd_recv_wake(void *opaque)
{
    MultiFDRecvState *st = opaque;
    Coroutine *co;

    qemu_mutex_lock(&st->lock);
    co = st->waiter;
    st->waiter = NULL;
    qemu_mutex_unlock(&st->lock);
    if (co) {
        qemu_coroutine_enter(co);
    }
}

/* Under lock: something the load may wait for changed. */
static void multifd_recv_kick(MultiFDRecvState *st)
{
    qemu_cond_broadcast(&st->cond);
    if (st->waiter) {
        qemu_bh_schedule(st->wake_bh);
    }
}

static MultiFDRecvState *multifd_recv_state_get(Error **errp)
{
    MultiFDRecvState *st = recv_state;
    const MultiFDMethods *ops;

    if (st) {
        return st;
    }
    ops = multifd_get_ops(errp);
    if (!ops) {
        return NULL;
    }
    st = recv_state = g_new0(MultiFDRecvState, 1);
    st->count = migrate_multifd_channels();
    st->ops = ops;
    st->conn = g_new0(MultiFDRecvChannel *, st->count);
    st->by_id = g_new0(MultiFDRecvChannel *, st->count);
    qemu_mutex_init(&st->lock);
    qemu_cond_init(&st->cond);
    st->wake_bh = qemu_bh_new(multifd_recv_wake, st);
    st->timer = timer_new_ms(QEMU_CLOCK_REALTIME, multifd_recv_wake, st);
    trace_multifd_recv_setup(st->count, ops->name);
    return st;
}

/* Main loop: tell the incoming side (a BH, so never under our lock). */
typedef struct MultiFDRecvFailure {
    void (*fail)(Error *err);
    Error *err;
} MultiFDRecvFailure;

static void multifd_recv_fail_bh(void *opaque)
{
    MultiFDRecvFailure *f = opaque;

    f->fail(f->err);
    g_free(f);
}

/* A channel failed: record @err, stop every channel.  Takes @err. */
static void multifd_recv_fail(MultiFDRecvState *st, Error *err)
{
    bool first;

    qemu_mutex_lock(&st->lock);
    first = !st->error && !st->exiting;
    trace_multifd_recv_error(error_get_pretty(err));
    if (first) {
        st->error = error_copy(err);
        st->exiting = true;
        for (int i = 0; i < st->nconn; i++) {
            qio_channel_shutdown(st->conn[i]->c, QIO_CHANNEL_SHUTDOWN_BOTH,
                                 NULL);
        }
    }
    multifd_recv_kick(st);
    qemu_mutex_unlock(&st->lock);
    if (first && st->fail) {
        MultiFDRecvFailure *f = g_new0(MultiFDRecvFailure, 1);

        f->fail = st->fail;
        f->err = err;
        qemu_bh_schedule_oneshot(multifd_recv_fail_bh, f);
    } else {
        error_free(err);
    }
}

/* Receive thread: the packet just read into ch->packet. */
static bool multifd_recv_packet(MultiFDRecvState *st, MultiFDRecvChannel *ch,
                                MultiFDPacketInfo *info, Error **errp)
{
    MultiFDRecvParams *p = &ch->p;
    RAMBlock *block = NULL;

    if (!multifd_packet_parse(ch->packet, p->page_count, info, p->offset,
                              errp)) {
        return false;
    }
    p->flags = info->flags;
    p->next_packet_size = info->next_packet_size;
    p->normal_num = info->normal_pages;
    p->zero_num = info->zero_pages;
    p->host = NULL;
    if (p->normal_num + p->zero_num) {
        block = qemu_ram_block_by_name(info->ramblock);
        if (!block) {
            error_setg(errp, "unknown ram block %s", info->ramblock);
            return false;
        }
        if (!multifd_packet_check_offsets(info, p->offset,
                                          block->used_length, p->page_size,
                                          errp)) {
            return false;
        }
        p->host = block->host;
    }
    trace_multifd_recv(p->id, info->packet_num, p->normal_num, p->zero_num,
                       p->flags, p->next_packet_size);
    if (!st->ops->recv(p, errp)) {
        return false;
    }
    multifd_recv_zero_page_process(p);
    return true;
}

static void *multifd_recv_thread(void *opaque)
{
    MultiFDRecvChannel *ch = opaque;
    MultiFDRecvState *st = recv_state;
    uint8_t init[MULTIFD_INIT_PACKET_SIZE];
    /* A source that closes without a TLS bye, if we are told to expect it. */
    int read_flags = migrate_multifd_clean_tls_termination() ?
                     0 : QIO_CHANNEL_READ_FLAG_RELAXED_EOF;
    Error *err = NULL;
    int id;

    if (ch->tls) {
        QIOChannel *tioc = migration_tls_channel_wrap_sync(
            ch->c, true, NULL, "multifd-tls-incoming", &err);

        if (!tioc) {
            error_prepend(&err, "multifd connection %d: ", ch->conn);
            goto out;
        }
        ch->p.c = tioc;
    }
    if (qio_channel_read_all(ch->p.c, (char *)init, sizeof(init),
                             &err) < 0) {
        error_prepend(&err, "multifd connection %d: no initial packet: ",
                      ch->conn);
        goto out;
    }
    id = multifd_init_packet_parse(init, qemu_savevm_get_uuid(), st->count,
                                   &err);
    if (id < 0) {
        error_prepend(&err, "multifd connection %d: ", ch->conn);
        goto out;
    }
    qemu_mutex_lock(&st->lock);
    if (st->by_id[id]) {
        qemu_mutex_unlock(&st->lock);
        error_setg(&err, "multifd channel %d connected twice", id);
        goto out;
    }
    st->by_id[id] = ch;
    st->nids++;
    ch->id = id;
    ch->p.id = id;
    multifd_recv_kick(st);
    qemu_mutex_unlock(&st->lock);
    trace_multifd_recv_new_channel(id);
    if (!st->ops->recv_setup(&ch->p, &err)) {
        goto out;
    }

    for (;;) {
        MultiFDPacketInfo info;
        struct iovec iov = { ch->packet, ch->packet_len };
        int ret = qio_channel_readv_full_all_eof(ch->p.c, &iov, 1, NULL, NULL,
                                                 read_flags, &err);

        if (ret == 0) {
            break;      /* the source closed between packets */
        }
        if (ret < 0) {
            error_prepend(&err, "multifd channel %d: ", id);
            break;
        }
        if (!multifd_recv_packet(st, ch, &info, &err)) {
            /* The backends' messages name the channel already. */
            if (!g_str_has_prefix(error_get_pretty(err), "multifd")) {
                error_prepend(&err, "multifd channel %d: ", id);
            }
            break;
        }
        if (info.flags & MULTIFD_FLAG_SYNC) {
            qemu_mutex_lock(&st->lock);
            ch->in_sync = true;
            multifd_recv_kick(st);
            while (ch->in_sync && !st->exiting) {
                qemu_cond_wait(&st->cond, &st->lock);
            }
            qemu_mutex_unlock(&st->lock);
        }
        if (qatomic_read(&st->exiting)) {
            break;
        }
    }

out:
    if (err) {
        if (qatomic_read(&st->exiting)) {
            error_free(err);    /* we were shut down: not news */
        } else {
            multifd_recv_fail(st, err);
        }
    }
    qemu_mutex_lock(&st->lock);
    ch->ended = true;
    multifd_recv_kick(st);
    qemu_mutex_unlock(&st->lock);
    trace_multifd_recv_thread_end(ch->id);
    return NULL;
}

void multifd_recv_new_channel(QIOChannel *ioc, void (*fail)(Error *err))
{
    Error *err = NULL;
    MultiFDRecvState *st = multifd_recv_state_get(&err);
    MultiFDRecvChannel *ch;
    uint32_t page_count = multifd_page_count();
    g_autofree char *name = NULL;

    if (!st) {
        fail(err);
        return;
    }
    st->fail = fail;
    qemu_mutex_lock(&st->lock);
    if (st->exiting) {
        qemu_mutex_unlock(&st->lock);
        return;     /* already failed or ended: drop the connection */
    }
    if (st->nconn == st->count) {
        qemu_mutex_unlock(&st->lock);
        error_setg(&err, "multifd: connection %d is one more than "
                   "multifd-channels (%d); is multifd-channels the same "
                   "on both sides?", st->count, st->count);
        multifd_recv_fail(st, err);
        return;
    }
    ch = g_new0(MultiFDRecvChannel, 1);
    ch->c = ioc;
    object_ref(OBJECT(ioc));
    /* The handshake runs in the channel's thread, before its first byte. */
    ch->tls = migrate_channel_requires_tls_upgrade(ioc);
    ch->conn = st->nconn;
    ch->id = -1;
    ch->p.page_size = TARGET_PAGE_SIZE;
    ch->p.page_count = page_count;
    ch->p.c = ioc;
    ch->p.offset = g_new0(uint64_t, page_count);
    ch->p.iov = g_new0(struct iovec, page_count);
    ch->packet_len = multifd_packet_len(page_count);
    ch->packet = g_malloc0(ch->packet_len);
    st->conn[st->nconn++] = ch;
    qemu_mutex_unlock(&st->lock);

    /* The receive threads read blocking; the load never does. */
    qio_channel_set_blocking(ioc, true, NULL);
    qio_channel_set_name(ioc, "multifd-recv");
    name = g_strdup_printf(MIGRATION_THREAD_DST_MULTIFD, ch->conn);
    qemu_thread_create(&ch->thread, name, multifd_recv_thread, ch,
                       QEMU_THREAD_JOINABLE);
}

bool multifd_recv_sync(Error **errp)
{
    MultiFDRecvState *st = multifd_recv_state_get(errp);
    int64_t deadline = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) +
                       recv_channel_timeout_ms;

    if (!st) {
        return false;
    }
    qemu_mutex_lock(&st->lock);
    for (;;) {
        int64_t now = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
        int waiting = 0;

        if (st->error) {
            error_propagate(errp, error_copy(st->error));
            break;
        }
        if (st->exiting) {
            error_setg(errp, "multifd: the channels were shut down");
            break;
        }
        if (st->nids == st->count) {
            for (int i = 0; i < st->count; i++) {
                MultiFDRecvChannel *ch = st->by_id[i];

                if (!ch->in_sync && ch->ended) {
                    error_setg(errp, "multifd channel %d: closed by the "
                               "source before the sync point", i);
                    goto out;
                }
                waiting += !ch->in_sync;
            }
            if (!waiting) {
                for (int i = 0; i < st->count; i++) {
                    st->by_id[i]->in_sync = false;
                }
                qemu_cond_broadcast(&st->cond);
                qemu_mutex_unlock(&st->lock);
                timer_del(st->timer);
                trace_multifd_recv_sync(st->count);
                return true;
            }
        } else if (now >= deadline) {
            g_autoptr(GString) missing = g_string_new("");

            for (int i = 0; i < st->count; i++) {
                if (!st->by_id[i]) {
                    g_string_append_printf(missing, "%s%d",
                                           missing->len ? ", " : "", i);
                }
            }
            error_setg(errp, "multifd: %d of %d channels connected within "
                       "%" PRId64 " ms; channel %s never came (is "
                       "multifd-channels the same on both sides?)",
                       st->nids, st->count, recv_channel_timeout_ms,
                       missing->str);
            break;
        }
        if (!qemu_in_coroutine()) {
            qemu_cond_timedwait(&st->cond, &st->lock, 100);
            continue;
        }
        st->waiter = qemu_coroutine_self();
        if (st->nids < st->count) {
            timer_mod(st->timer, deadline);
        }
        qemu_mutex_unlock(&st->lock);
        qemu_coroutine_yield();
        qemu_mutex_lock(&st->lock);
        st->waiter = NULL;
    }
out:
    qemu_mutex_unlock(&st->lock);
    timer_del(st->timer);
    return false;
}

void multifd_recv_shutdown(void)
{
    MultiFDRecvState *st = recv_state;

    if (!st) {
        return;
    }
    qemu_mutex_lock(&st->lock);
    st->exiting = true;
    for (int i = 0; i < st->nconn; i++) {
        qio_channel_shutdown(st->conn[i]->c, QIO_CHANNEL_SHUTDOWN_BOTH, NULL);
    }
    qemu_cond_broadcast(&st->cond);
    qemu_mutex_unlock(&st->lock);
}

void multifd_recv_cleanup(void)
{
    MultiFDRecvState *st = recv_state;

    if (!st) {
        return;
    }
    multifd_recv_shutdown();
    /* All threads first: a failing one shuts the others' channels. */
    for (int i = 0; i < st->nconn; i++) {
        qemu_thread_join(&st->conn[i]->thread);
    }
    for (int i = 0; i < st->nconn; i++) {
        MultiFDRecvChannel *ch = st->conn[i];

        st->ops->recv_cleanup(&ch->p);
        if (ch->p.c != ch->c) {
            object_unref(OBJECT(ch->p.c));
        }
        qio_channel_close(ch->c, NULL);
        object_unref(OBJECT(ch->c));
        g_free(ch->p.offset);
        g_free(ch->p.iov);
        g_free(ch->packet);
        g_free(ch);
    }
    trace_multifd_recv_cleanup(st->nconn);
    timer_free(st->timer);
    qemu_bh_delete(st->wake_bh);
    qemu_cond_destroy(&st->cond);
    qemu_mutex_destroy(&st->lock);
    error_free(st->error);
    g_free(st->conn);
    g_free(st->by_id);
    g_free(st);
    recv_state = NULL;
}

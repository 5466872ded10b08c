/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The source's queue of pages the destination asked for.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/queue.h"
#include "qemu/thread.h"
#include "migration/migration-stats.h"
#include "migration/postcopy-queue.h"
#include "migration/trace.h"

typedef struct PostcopyRequest {
    RAMBlock *block;
    ram_addr_t offset;
    QSIMPLEQ_ENTRY(PostcopyRequest) next;
} PostcopyRequest;

static struct {
    QemuMutex lock;
    bool init;
    QSIMPLEQ_HEAD(, PostcopyRequest) queue;
    int pending;                 /* atomic: entries in queue */
    RAMBlock *last_block;        /* of the previous request (REQ_PAGES) */
} req_queue;

static void queue_init(void)
{
    if (!req_queue.init) {
        qemu_mutex_init(&req_queue.lock);
        QSIMPLEQ_INIT(&req_queue.queue);
        req_queue.init = true;
    }
}

void postcopy_queue_reset(void)
{
    PostcopyRequest *r;

    queue_init();
    qemu_mutex_lock(&req_queue.lock);
    while ((r = QSIMPLEQ_FIRST(&req_queue.queue))) {
        QSIMPLEQ_REMOVE_HEAD(&req_queue.queue, next);
        g_free(r);
    }
    qatomic_set(&req_queue.pending, 0);
    req_queue.last_block = NULL;
    qemu_mutex_unlock(&req_queue.lock);
}

bool postcopy_queue_request(const char *name, uint64_t start,
                                uint64_t len, Error **errp)
{
    RAMBlock *block;
    uint64_t page;

    queue_init();
    stat64_add(&mig_stats.postcopy_requests, 1);
    if (!name[0]) {
        block = req_queue.last_block;
        if (!block) {
            error_setg(errp, "ram_save_queue_pages no previous block");
            return false;
        }
    } else {
        block = qemu_ram_block_by_name(name);
        if (!block) {
            error_setg(errp, "ram_save_queue_pages no block '%s'", name);
            return false;
        }
        req_queue.last_block = block;
    }
    trace_postcopy_out_request(block->idstr, start, len);
    if (!QEMU_IS_ALIGNED(start | len, TARGET_PAGE_SIZE)) {
        error_setg(errp, "Misaligned page request, start: 0x%" PRIx64
                   " len: 0x%" PRIx64, start, len);
        return false;
    }
    if (start > block->used_length || len > block->used_length - start) {
        error_setg(errp, "ram_save_queue_pages request overrun start=0x%"
                   PRIx64 " len=0x%" PRIx64 " blocklen=0x" RAM_ADDR_FMT,
                   start, len, block->used_length);
        return false;
    }
    qemu_mutex_lock(&req_queue.lock);
    for (page = start; page < start + len; page += TARGET_PAGE_SIZE) {
        PostcopyRequest *r = g_new(PostcopyRequest, 1);

        r->block = block;
        r->offset = page;
        QSIMPLEQ_INSERT_TAIL(&req_queue.queue, r, next);
        qatomic_inc(&req_queue.pending);
    }
    qemu_mutex_unlock(&req_queue.lock);
    return true;
}

bool postcopy_queue_has_request(void)
{
    return req_queue.init && qatomic_read(&req_queue.pending) > 0;
}

bool postcopy_queue_pop(RAMBlock **block, ram_addr_t *offset)
{
    PostcopyRequest *r;

    if (!postcopy_queue_has_request()) {
        return false;
    }
    qemu_mutex_lock(&req_queue.lock);
    r = QSIMPLEQ_FIRST(&req_queue.queue);
    if (r) {
        QSIMPLEQ_REMOVE_HEAD(&req_queue.queue, next);
        qatomic_dec(&req_queue.pending);
    }
    qemu_mutex_unlock(&req_queue.lock);
    if (!r) {
        return false;
    }
    *block = r->block;
    *offset = r->offset;
    g_free(r);
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Coroutine life cycle (see qemu/coroutine.h): creation from a pool of
 * finished coroutines, enter, yield, and waiting for an fd.
 */
#include "qemu/osdep.h"
#include "qemu/coroutine.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "coroutine-int.h"

/*
 * Finished coroutines kept for reuse: creating one costs an mmap and a
 * context switch, reusing one costs nothing.  Beyond POOL_MAX they are
 * freed.  Shared by all threads.
 */
#define POOL_MAX 64

static QemuMutex pool_lock;
static QSLIST_HEAD(, Coroutine) pool = QSLIST_HEAD_INITIALIZER(pool);
static unsigned int pool_size;

static void __attribute__((constructor)) coroutine_pool_init(void)
{
    qemu_mutex_init(&pool_lock);
}

Coroutine *qemu_coroutine_create(CoroutineEntry *entry, void *opaque)
{
    Coroutine *co;

    qemu_mutex_lock(&pool_lock);
    co = QSLIST_FIRST(&pool);
    if (co) {
        QSLIST_REMOVE_HEAD(&pool, pool_next);
        pool_size--;
    }
    qemu_mutex_unlock(&pool_lock);

    if (!co) {
        co = qemu_coroutine_new();
    }
    co->entry = entry;
    co->entry_arg = opaque;
    co->caller = NULL;
    return co;
}

static void coroutine_release(Coroutine *co)
{
    qemu_mutex_lock(&pool_lock);
    if (pool_size < POOL_MAX) {
        QSLIST_INSERT_HEAD(&pool, co, pool_next);
        pool_size++;
        co = NULL;
    }
    qemu_mutex_unlock(&pool_lock);
    if (co) {
        qemu_coroutine_delete(co);
    }
}

void qemu_coroutine_enter(Coroutine *co)
{
    Coroutine *self = qemu_coroutine_self();
    CoroutineAction ret;

    if (co->caller) {
        error_report("Coroutine re-entered while it is running");
        abort();
    }
    co->caller = self;
    ret = qemu_coroutine_switch(self, co, COROUTINE_ENTER);

    switch (ret) {
    case COROUTINE_YIELD:
        return;
    case COROUTINE_TERMINATE:
        co->caller = NULL;
        coroutine_release(co);
        return;
    default:
        g_assert_not_reached();
    }
}

void qemu_coroutine_enter_if_inactive(Coroutine *co)
{
    if (!qemu_coroutine_entered(co)) {
        qemu_coroutine_enter(co);
    }
}

void coroutine_fn qemu_coroutine_yield(void)
{
    Coroutine *self = qemu_coroutine_self();
    Coroutine *to = self->caller;

    if (!to) {
        error_report("Coroutine yielded outside a coroutine");
        abort();
    }
    self->caller = NULL;
    qemu_coroutine_switch(self, to, COROUTINE_YIELD);
}

bool qemu_coroutine_entered(Coroutine *co)
{
    return co->caller != NULL;
}

typedef struct FDYieldUntilData {
    Coroutine *co;
    int fd;
} FDYieldUntilData;

static void fd_readable_enter(void *opaque)
{
    FDYieldUntilData *data = opaque;

    qemu_set_fd_handler(data->fd, NULL, NULL, NULL);
    qemu_coroutine_enter(data->co);
}

void coroutine_fn yield_until_fd_readable(int fd)
{
    FDYieldUntilData data;

    assert(qemu_in_coroutine());
    data.co = qemu_coroutine_self();
    data.fd = fd;
    qemu_set_fd_handler(fd, fd_readable_enter, NULL, &data);
    qemu_coroutine_yield();
}

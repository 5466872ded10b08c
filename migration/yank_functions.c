/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration yank instance (see yank_functions.h).  The functions
 * run in the monitor I/O thread, without the BQL: they only shut the
 * channels down, which makes blocked reads and writes return at once.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/lockable.h"
#include "qemu/thread.h"
#include "qemu/yank.h"
#include "io/channel.h"
#include "migration/trace.h"
#include "migration/yank_functions.h"

static QemuMutex yank_channels_lock;
static GSList *yank_channels;
static bool yank_registered;
/* A yank shut a channel of the current migration down. */
static bool yanked;

static void __attribute__((constructor)) migration_yank_init(void)
{
    qemu_mutex_init(&yank_channels_lock);
}

static void migration_yank_iochannel(void *opaque)
{
    qatomic_set(&yanked, true);
    qio_channel_shutdown(QIO_CHANNEL(opaque), QIO_CHANNEL_SHUTDOWN_BOTH,
                         NULL);
}

void migration_yank_unregister(void)
{
    QEMU_LOCK_GUARD(&yank_channels_lock);
    for (GSList *l = yank_channels; l; l = l->next) {
        yank_unregister_function(MIGRATION_YANK_INSTANCE,
                                 migration_yank_iochannel, l->data);
        object_unref(l->data);
    }
    g_clear_pointer(&yank_channels, g_slist_free);
    if (yank_registered) {
        yank_unregister_instance(MIGRATION_YANK_INSTANCE);
        yank_registered = false;
    }
}

bool migration_yank_register(Error **errp)
{
    migration_yank_unregister();
    QEMU_LOCK_GUARD(&yank_channels_lock);
    if (!yank_register_instance(MIGRATION_YANK_INSTANCE, errp)) {
        return false;
    }
    yank_registered = true;
    qatomic_set(&yanked, false);
    return true;
}

void migration_ioc_register_yank(QIOChannel *ioc)
{
    QEMU_LOCK_GUARD(&yank_channels_lock);
    if (!yank_registered ||
        !qio_channel_has_feature(ioc, QIO_CHANNEL_FEATURE_SHUTDOWN) ||
        g_slist_find(yank_channels, ioc)) {
        return;
    }
    trace_migration_yank_register_channel(ioc);
    object_ref(ioc);
    yank_channels = g_slist_prepend(yank_channels, ioc);
    yank_register_function(MIGRATION_YANK_INSTANCE, migration_yank_iochannel,
                           ioc);
}

bool migration_yanked(void)
{
    return qatomic_read(&yanked);
}

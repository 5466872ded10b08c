/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of migration threads (query-migrationthreads).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands-migration.h"
#include "qemu/thread.h"
#include "migration/threadinfo.h"
#include "migration/trace.h"

static QemuMutex migration_threads_lock;
static GList *migration_threads;

static void __attribute__((constructor)) migration_threads_init(void)
{
    qemu_mutex_init(&migration_threads_lock);
}

MigrationThread *migration_threads_add(const char *name, int thread_id)
{
    MigrationThread *thread = g_new0(MigrationThread, 1);

    thread->name = name;
    thread->thread_id = thread_id;
    trace_migration_threads_add(name, thread_id);
    qemu_mutex_lock(&migration_threads_lock);
    migration_threads = g_list_append(migration_threads, thread);
    qemu_mutex_unlock(&migration_threads_lock);
    return thread;
}

void migration_threads_remove(MigrationThread *thread)
{
    if (!thread) {
        return;
    }
    trace_migration_threads_remove(thread->name);
    qemu_mutex_lock(&migration_threads_lock);
    migration_threads = g_list_remove(migration_threads, thread);
    qemu_mutex_unlock(&migration_threads_lock);
    g_free(thread);
}

MigrationThreadInfoList *qmp_query_migrationthreads(Error **errp)
{
    MigrationThreadInfoList *head = NULL, **tail = &head;

    qemu_mutex_lock(&migration_threads_lock);
    for (GList *l = migration_threads; l; l = l->next) {
        MigrationThread *thread = l->data;
        MigrationThreadInfo *info = g_new0(MigrationThreadInfo, 1);

        info->name = g_strdup(thread->name);
        info->thread_id = thread->thread_id;
        QAPI_LIST_APPEND(tail, info);
    }
    qemu_mutex_unlock(&migration_threads_lock);
    return head;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of migration threads behind query-migrationthreads.  Each
 * thread adds itself when it starts and removes itself before it ends.
 */
#ifndef MIGRATION_THREADINFO_H
#define MIGRATION_THREADINFO_H

typedef struct MigrationThread {
    const char *name;       /* a string literal, e.g. "live_migration" */
    int thread_id;          /* qemu_get_thread_id() */
} MigrationThread;

/* Multifd's threads (query-migrationthreads shows the source's). */
#define MIGRATION_THREAD_SRC_MULTIFD "mig/src/send_%d"
#define MIGRATION_THREAD_DST_MULTIFD "mig/dst/recv_%d"

MigrationThread *migration_threads_add(const char *name, int thread_id);
void migration_threads_remove(MigrationThread *info);

#endif /* MIGRATION_THREADINFO_H */

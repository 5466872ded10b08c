/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for the migration counters and rate limiter across a change of
 * main stream (a postcopy recovery continues on a new QEMUFile, whose
 * own count starts at zero).
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "io/channel-null.h"
#include "migration/migration.h"
#include "migration/migration-stats.h"
#include "migration/qemu-file.h"

static QEMUFile *open_null(void)
{
    g_autoptr(QIOChannelNull) ioc = qio_channel_null_new();

    return qemu_file_new_output(QIO_CHANNEL(ioc));
}

static void put_zeroes(QEMUFile *f, size_t len)
{
    g_autofree uint8_t *buf = g_malloc0(len);

    qemu_put_buffer(f, buf, len);
    qemu_fflush(f);
}

/*
 * 1 MB/s: 100000 bytes a window.  The old stream sent 3 MB; after the
 * resume the new one sent 1000 bytes in a fresh window: the totals go
 * on from 3 MB and the window is far from spent.  Without the closed
 * stream's bytes kept, "used" is 1000 - 3 MB, which wraps to a huge
 * number: the limiter says exceeded and the totals go backwards.
 */
static void test_resume_new_file(void)
{
    QEMUFile *a = open_null(), *b;

    migration_reset_vm_stats();
    migration_rate_set(1000 * 1000);
    migration_rate_reset();
    put_zeroes(a, 3 * 1000 * 1000);
    g_assert_true(migration_rate_exceeded(a));
    g_assert_cmpuint(migration_transferred_bytes(), ==, 3 * 1000 * 1000);

    migration_retire_file(a);
    qemu_fclose(a);
    b = open_null();
    migration_rate_reset();
    put_zeroes(b, 1000);
    g_assert_false(migration_rate_exceeded(b));
    g_assert_cmpuint(migration_transferred_bytes(), ==,
                     3 * 1000 * 1000 + 1000);
    g_assert_cmpuint(stat64_get(&mig_stats.transferred), ==,
                     3 * 1000 * 1000 + 1000);
    put_zeroes(b, 200 * 1000);
    g_assert_true(migration_rate_exceeded(b));
    qemu_fclose(b);
}

/* A new migration counts from zero again. */
static void test_reset(void)
{
    QEMUFile *f = open_null();

    migration_reset_vm_stats();
    put_zeroes(f, 5000);
    migration_retire_file(f);
    qemu_fclose(f);
    migration_reset_vm_stats();
    f = open_null();
    put_zeroes(f, 10);
    migration_update_transferred(f);
    g_assert_cmpuint(migration_transferred_bytes(), ==, 10);
    qemu_fclose(f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    g_test_add_func("/migration-stats/resume-new-file", test_resume_new_file);
    g_test_add_func("/migration-stats/reset", test_reset);
    return g_test_run();
}

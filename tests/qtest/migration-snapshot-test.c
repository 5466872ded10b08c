/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The background snapshot (docs/devel/background-snapshot.md): a
 * migration to file: or exec: with background-snapshot on, while a
 * writer keeps changing the guest's memory.  Loaded into a fresh VM,
 * the image must hold the memory as it was when the snapshot started,
 * byte for byte: it is compared with a third VM filled the same way
 * and never written again.
 */
#include "qemu/osdep.h"
#include "migration/framework.h"

#define SNAP_MEM   "32M"
#define SNAP_SIZE  (32ULL << 20)
#define SNAP_SEED  0x5a4b

static char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/%s", mig_tmpdir(), name);
}

/* Is userfaultfd write protection there?  (Else the test skips.) */
static bool snapshot_possible(QTestState *vm)
{
    g_autofree char *err = NULL;
    g_autoptr(QDict) rsp = qtest_qmp(vm, "{'execute': "
                                     "'migrate-set-capabilities', "
                                     "'arguments': {'capabilities': [ "
                                     "{'capability': 'background-snapshot', "
                                     "'state': true}]}}");

    if (qdict_haskey(rsp, "error")) {
        const char *desc = qdict_get_str(qdict_get_qdict(rsp, "error"),
                                         "desc");

        g_assert_cmpstr(desc, ==,
                        "Background-snapshot is not supported by host "
                        "kernel");
        g_test_skip(desc);
        return false;
    }
    return true;
}

static void snapshot_while_writing(const char *save_uri,
                                   const char *load_uri)
{
    MigrateStart args = { .mem = SNAP_MEM };
    QTestState *from, *to, *ref;
    g_autoptr(GRand) rand = g_rand_new_with_seed(SNAP_SEED);
    g_autofree char *rs = NULL;
    unsigned rounds = 0;
    gint64 deadline;

    migrate_start(&from, &ref, "defer", &args);
    if (!snapshot_possible(from)) {
        migrate_end(from, ref);
        return;
    }
    mig_ram_fill(from, 0, SNAP_SIZE, SNAP_SEED, 16);
    mig_ram_fill(ref, 0, SNAP_SIZE, SNAP_SEED, 16);
    /* Slow enough that the writer gets in while RAM is being sent. */
    migrate_set_parameter_int(from, "max-bandwidth", 8 << 20);
    migrate_qmp(from, save_uri, NULL);
    deadline = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;
    for (;;) {
        g_autofree char *st = migrate_query_status(from);

        if (g_str_equal(st, "completed")) {
            break;
        }
        g_assert_cmpstr(st, !=, "failed");
        if (g_str_equal(st, "active")) {
            mig_ram_dirty_some(from, 0, SNAP_SIZE, rand, 64);
            rounds++;
        }
        g_assert(g_get_monotonic_time() < deadline);
    }
    g_test_message("%u rounds of 64 writes during the snapshot", rounds);
    g_assert_cmpuint(rounds, >, 0);
    /* The VM ran on and keeps its changes (the writer's first page). */
    rs = query_runstate(from);
    g_assert_cmpstr(rs, ==, "running");
    {
        g_autoptr(GRand) again = g_rand_new_with_seed(SNAP_SEED);
        uint64_t p0 = g_rand_int_range(again, 0, SNAP_SIZE / 4096);
        uint8_t a[256], b[256];

        qtest_bufread(from, p0 * 4096 + 64, a, sizeof(a));
        qtest_bufread(ref, p0 * 4096 + 64, b, sizeof(b));
        g_assert(memcmp(a, b, sizeof(a)));
    }

    args.only_target = true;
    migrate_start(&from, &to, "defer", &args);
    migrate_incoming_qmp(to, load_uri, NULL);
    migrate_wait_complete(to);
    mig_ram_compare(to, ref, 0, SNAP_SIZE);
    migrate_end(from, to);
    migrate_end(ref, NULL);
}

static void test_snapshot_file(void)
{
    g_autofree char *file = tmp_path("bg-snapshot");
    g_autofree char *uri = g_strdup_printf("file:%s", file);

    snapshot_while_writing(uri, uri);
    unlink(file);
}

static void test_snapshot_exec(void)
{
    g_autofree char *file = tmp_path("bg-snapshot-exec");
    g_autofree char *save = g_strdup_printf("exec:cat > %s", file);
    g_autofree char *load = g_strdup_printf("file:%s", file);

    snapshot_while_writing(save, load);
    unlink(file);
}

static void test_snapshot_checks(void)
{
    QTestState *vm = qtest_init("-M none -accel qtest -m 32M");
    g_autofree char *e1 = NULL;

    if (!snapshot_possible(vm)) {
        qtest_quit(vm);
        return;
    }
    migrate_set_capability(vm, "background-snapshot", false);
    e1 = qmp_expect_error(vm, "{'execute': 'migrate-set-capabilities',"
                          " 'arguments': {'capabilities': ["
                          " {'capability': 'background-snapshot',"
                          "  'state': true},"
                          " {'capability': 'postcopy-ram', 'state': true}]}}");
    g_assert_cmpstr(e1, ==,
                    "Background-snapshot is not compatible with postcopy-ram");
    qtest_quit(vm);
}

/*
 * The test guest keeps writing its pattern during a snapshot on @data's
 * accelerator; the loaded image keeps the guest's invariant (it is one
 * moment of its memory) and the guest runs on from it.
 */
static void test_snapshot_guest(const void *data)
{
    const char *accel = data;
    MigrateStart args = {
        .machine = "tern", .mem = "64M", .guest = true, .accel = accel,
    };
    g_autofree char *file = tmp_path("bg-snapshot-guest");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    g_autofree char *rs = NULL;
    QTestState *from, *to;
    size_t n;

    if (!mig_guest_ok(accel, accel)) {
        return;
    }
    migrate_start(&from, &to, "defer", &args);
    migrate_end(NULL, to);
    if (!snapshot_possible(from)) {
        migrate_end(from, NULL);
        return;
    }
    mig_wait_serial_grows(mig_vm_serial(from), 2);
    migrate_set_parameter_int(from, "max-bandwidth", 32 << 20);
    migrate_qmp(from, uri, NULL);
    migrate_wait_complete(from);
    rs = query_runstate(from);
    g_assert_cmpstr(rs, ==, "running");
    n = mig_serial_passes(mig_vm_serial(from));
    mig_wait_serial_grows(mig_vm_serial(from), n + 1);

    args.only_target = true;
    migrate_start(&from, &to, "defer", &args);
    migrate_incoming_qmp(to, uri, NULL);
    migrate_wait_complete(to);
    mig_check_guest_runs_on(to);
    migrate_end(from, to);
    unlink(file);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_framework_init();
    qtest_add_func("/migration/bg-snapshot/checks", test_snapshot_checks);
    qtest_add_func("/migration/bg-snapshot/file", test_snapshot_file);
    qtest_add_func("/migration/bg-snapshot/exec", test_snapshot_exec);
    qtest_add_data_func("/migration/bg-snapshot/kvm/guest", "kvm",
                        test_snapshot_guest);
    qtest_add_data_func("/migration/bg-snapshot/tcg/guest", "tcg",
                        test_snapshot_guest);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy recovery when the link fails from the outside: the source
 * migrates through a TCP link the test controls (migration/link.c), and
 * the test cuts it (both directions shut down, neither end asked for
 * it).  Both ends must go postcopy-paused with the guest running on the
 * destination; migrate-recover and migrate resume=true continue it.
 * Cases: a plain cut; a cut under TLS (x509), the recovery's channel
 * handshaken again; and a double failure, where the link of the
 * recovery itself is cut (or each end paused with migrate-pause) while
 * both ends are in postcopy-recover and a second recovery succeeds.  RAM is compared page by page with a qtest
 * reader on the destination (which faults on the pages still missing).
 */
#include "qemu/osdep.h"
#include "migration/framework.h"
#include "migration/link.h"
#include "qapi/error.h"
#include "../unit/crypto-tls-certs.h"

#define PC_MEM  "32M"
#define PC_SIZE (32ULL << 20)

static char *certs;
static char *certs_skip;

typedef enum {
    CASE_CUT,
    CASE_TLS,
    CASE_CUT_IN_RECOVERY,
    CASE_PAUSE_IN_RECOVERY,
} RecoveryCase;

static void add_x509(QTestState *who, const char *endpoint)
{
    g_autofree char *dir = g_build_filename(certs, endpoint, NULL);

    qmp_ok_fmt(who, "{'execute': 'object-add', 'arguments':"
               " {'qom-type': 'tls-creds-x509', 'id': 'tlscreds0',"
               "  'dir': %s, 'endpoint': %s}}", dir, endpoint);
    migrate_set_parameter_str(who, "tls-creds", "tlscreds0");
}

/* Paused by the cut, and the source says why. */
static void wait_paused(QTestState *from, QTestState *to)
{
    g_autofree char *err = NULL;

    mig_postcopy_wait_paused(from, to);
    err = migrate_query_error(from);
    g_assert(err && *err);
    g_test_message("source after the cut: %s", err);
}

/* migrate-recover on a fresh tcp port; returns where it listens. */
static char *recover_listen(QTestState *to)
{
    qmp_ok_fmt(to, "{'execute': 'migrate-recover', 'arguments': "
               "{'uri': 'tcp:127.0.0.1:0'}}");
    migrate_wait_status(to, "postcopy-recover-setup", NULL);
    return migrate_get_listen_uri(to);
}

static void resume(QTestState *from, const char *uri)
{
    qmp_ok_fmt(from, "{'execute': 'migrate', 'arguments': "
               "{'uri': %s, 'resume': true}}", uri);
}

static void test_recovery(const void *data)
{
    RecoveryCase c = GPOINTER_TO_INT(data);
    MigrateStart args = { .mem = PC_MEM, .events = true };
    g_autoptr(GRand) rand = g_rand_new_with_seed(11);
    g_autofree char *dst = NULL, *rec = NULL, *se = NULL, *de = NULL;
    MigLink *link, *link2 = NULL;
    QTestState *from, *to;

    if (!mig_uffd_ok()) {
        return;
    }
    if (c == CASE_TLS && !certs) {
        g_test_skip(certs_skip);
        return;
    }
    migrate_start(&from, &to, "defer", &args);
    if (c == CASE_TLS) {
        add_x509(from, "client");
        add_x509(to, "server");
    }
    migrate_set_capability(from, "postcopy-ram", true);
    migrate_set_capability(to, "postcopy-ram", true);
    migrate_incoming_qmp(to, "tcp:127.0.0.1:0", NULL);
    dst = migrate_get_listen_uri(to);
    link = mig_link_new(dst);
    mig_ram_fill(from, 0, PC_SIZE, 0x51c0, 16);
    migrate_ensure_non_converge(from);
    migrate_set_parameter_int(from, "max-postcopy-bandwidth",
                              4 * 1000 * 1000);
    migrate_qmp(from, mig_link_uri(link), NULL);
    migrate_wait_passes(from, 1);
    mig_ram_dirty_some(from, 0, PC_SIZE, rand, 64);
    qmp_ok_fmt(from, "{'execute': 'migrate-start-postcopy'}");
    migrate_wait_status(from, "postcopy-active", NULL);
    migrate_wait_status(to, "postcopy-active", NULL);
    wait_runstate(to, "running");
    /* Some pages asked for and placed before the cut. */
    mig_ram_compare(from, to, 0, PC_SIZE / 8);

    mig_link_cut(link);
    wait_paused(from, to);

    if (c == CASE_CUT_IN_RECOVERY || c == CASE_PAUSE_IN_RECOVERY) {
        /*
         * The recovery's link passes the connection but no byte: both
         * ends reach postcopy-recover (the source waits for the received
         * bitmaps, for as long as it takes), then it is cut too, or each
         * end is paused with migrate-pause (as QEMU allows in
         * postcopy-recover).
         */
        rec = recover_listen(to);
        link2 = mig_link_new(rec);
        mig_link_hold(link2, true);
        resume(from, mig_link_uri(link2));
        mig_link_wait_connections(link2, 1);
        migrate_wait_status(from, "postcopy-recover", NULL);
        migrate_wait_status(to, "postcopy-recover", NULL);
        if (c == CASE_PAUSE_IN_RECOVERY) {
            qmp_ok_fmt(from, "{'execute': 'migrate-pause'}");
            migrate_wait_status(from, "postcopy-paused", NULL);
            /* The held link hides it: the destination still waits. */
            migrate_wait_status(to, "postcopy-recover", NULL);
            qmp_ok_fmt(to, "{'execute': 'migrate-pause'}");
        } else {
            mig_link_cut(link2);
        }
        wait_paused(from, to);
        g_free(rec);
    }
    /* The recovery goes straight to the destination. */
    rec = recover_listen(to);
    resume(from, rec);
    migrate_wait_status(from, "postcopy-active", NULL);
    migrate_wait_status(to, "postcopy-active", NULL);
    /* Every page, most still on the source: asked for after recovery. */
    mig_postcopy_finish(from, to, PC_SIZE);

    se = migrate_collect_events(from);
    de = migrate_collect_events(to);
    g_test_message("source: %s", se);
    g_test_message("destination: %s", de);
    /* Both ends went through the same states (events on from start). */
    g_assert_cmpstr(se, ==, de);
    g_assert_cmpstr(se, ==, c >= CASE_CUT_IN_RECOVERY ?
                    "setup active postcopy-active postcopy-paused "
                    "postcopy-recover-setup postcopy-recover postcopy-paused "
                    "postcopy-recover-setup postcopy-recover postcopy-active "
                    "completed" :
                    "setup active postcopy-active postcopy-paused "
                    "postcopy-recover-setup postcopy-recover postcopy-active "
                    "completed");
    g_assert_cmpint(mig_link_connections(link), ==, 1);
    mig_link_free(link);
    mig_link_free(link2);
    migrate_end(from, to);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    migration_framework_init();
    certs = tls_test_certs_create_in(mig_tmpdir(), &certs_skip);
    qtest_add_data_func("/migration/postcopy/recovery/cut",
                        GINT_TO_POINTER(CASE_CUT), test_recovery);
    qtest_add_data_func("/migration/postcopy/recovery/tls/x509",
                        GINT_TO_POINTER(CASE_TLS), test_recovery);
    qtest_add_data_func("/migration/postcopy/recovery/cut-in-recovery",
                        GINT_TO_POINTER(CASE_CUT_IN_RECOVERY),
                        test_recovery);
    qtest_add_data_func("/migration/postcopy/recovery/pause-in-recovery",
                        GINT_TO_POINTER(CASE_PAUSE_IN_RECOVERY),
                        test_recovery);
    ret = g_test_run();
    return ret | !tls_test_certs_remove(certs);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP under load while a migration runs: 100 clients one after another
 * and 8 at once on one QMP socket, each asking query-migrate; an
 * out-of-band command answered while the main loop is blocked; a client
 * that floods the socket with garbage and reads nothing is disconnected
 * while the VM goes on.  docs/devel/migration-testing.md lists them.
 */
#include "qemu/osdep.h"
#include "migration/framework.h"
#include "qobject/qjson.h"

#include <sys/socket.h>
#include <sys/stat.h>

#define CLIENTS         100
#define PARALLEL        8
#define GARBAGE_MAX     (1ULL << 30)

static char *load_path;

/* One client's life: connect, negotiate, query-migrate, go. */
static void one_client(void)
{
    MigQmpClient c;
    g_autoptr(QDict) r = NULL;
    QDict *ret;

    mig_qmp_client_open(&c, load_path, false);
    mig_qmp_client_send(&c, "{\"execute\": \"query-migrate\","
                        " \"id\": \"q\"}");
    r = mig_qmp_client_reply(&c, "q");
    ret = qdict_get_qdict(r, "return");
    g_assert(ret);
    g_assert_cmpstr(qdict_get_try_str(ret, "status"), ==, "active");
    mig_qmp_client_close(&c);
}

static int count_fds(QTestState *who)
{
    return mig_proc_count(qtest_pid(who), "fd");
}

static long rss_kib(QTestState *who)
{
    return mig_proc_rss(qtest_pid(who)) >> 10;
}

/* ------------------------------------------------------------ the rig */

static QTestState *from, *to;

static void start_migration(void)
{
    g_autofree char *opts = NULL;
    g_autofree char *sock = g_strdup_printf("%s/mig.sock", mig_tmpdir());
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = { .mem = "32M" };

    load_path = g_strdup_printf("%s/load.sock", mig_tmpdir());
    opts = g_strdup_printf("-chardev socket,id=load,path=%s,server=on,"
                           "wait=off -mon chardev=load,mode=control",
                           load_path);
    args.opts_source = opts;
    migrate_start(&from, &to, uri, &args);
    mig_ram_fill(from, 0, 32 << 20, 0x10ad, 64);
    /* 100 kB/s and a zero downtime: active for the whole test */
    migrate_ensure_non_converge(from);
    migrate_set_parameter_int(from, "max-bandwidth", 100 * 1000);
    migrate_qmp(from, uri, NULL);
    migrate_wait_status(from, "active", NULL);
}

static void end_migration(void)
{
    migrate_cancel(from);
    migrate_wait_status(from, "cancelled", (const char *[]){ "failed",
                                                              "completed",
                                                              NULL });
    wait_runstate(from, "running");
    qtest_kill_qemu(to);
    migrate_end(from, to);
    g_free(load_path);
}

/* ------------------------------------------------------------ tests */

static void test_clients_sequential(void)
{
    int fds;

    start_migration();
    /* one client first: the monitor's own state settles */
    one_client();
    fds = count_fds(from);
    for (int i = 0; i < CLIENTS; i++) {
        one_client();
    }
    /* every connection was closed on the source's side too */
    for (int i = 0; i < 500 && count_fds(from) > fds; i++) {
        g_usleep(10 * 1000);
    }
    g_assert_cmpint(count_fds(from), <=, fds);
    end_migration();
}

static gint clients_left;

static gpointer client_thread(gpointer unused)
{
    while (g_atomic_int_add(&clients_left, -1) > 0) {
        one_client();
    }
    return NULL;
}

static void test_clients_parallel(void)
{
    GThread *th[PARALLEL];
    g_autofree char *status = NULL;

    start_migration();
    /*
     * The socket serves one client at a time (as in QEMU); the others
     * wait in the listen backlog and each gets its greeting in turn.
     */
    g_atomic_int_set(&clients_left, CLIENTS);
    for (int i = 0; i < PARALLEL; i++) {
        th[i] = g_thread_new("qmp-client", client_thread, NULL);
    }
    for (int i = 0; i < PARALLEL; i++) {
        g_thread_join(th[i]);
    }
    g_assert_cmpint(g_atomic_int_get(&clients_left), <=, 0);
    /* the main monitor and the migration are unharmed */
    status = migrate_query_status(from);
    g_assert_cmpstr(status, ==, "active");
    end_migration();
}

/*
 * HMP 'logfile FIFO' opens the FIFO in the main thread, which blocks
 * (holding the BQL) until someone opens the other end.
 */
static void test_oob_while_blocked(void)
{
    g_autofree char *fifo = g_strdup_printf("%s/block.fifo", mig_tmpdir());
    g_autofree char *cmd = NULL;
    g_autoptr(QDict) r = NULL;
    g_autoptr(QDict) ib = NULL;
    g_autoptr(GString) json = NULL;
    MigQmpClient c;
    int fd;

    start_migration();
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    mig_qmp_client_open(&c, load_path, true);
    cmd = g_strdup_printf("{\"execute\": \"human-monitor-command\","
                          " \"arguments\": {\"command-line\":"
                          " \"logfile %s\"}, \"id\": \"blocked\"}", fifo);
    mig_qmp_client_send(&c, cmd);
    /* in band: queued behind the blocked command */
    mig_qmp_client_send(&c, "{\"execute\": \"query-migrate\","
                        " \"id\": \"ib\"}");
    for (int i = 0; i < 3; i++) {
        g_autofree char *id = g_strdup_printf("oob%d", i);
        g_autofree char *oob = g_strdup_printf(
            "{\"exec-oob\": \"query-yank\", \"id\": \"%s\"}", id);
        mig_qmp_client_send(&c, oob);
        r = mig_qmp_client_reply(&c, id);
        /* answered with the main loop blocked: lists the migration */
        json = qobject_to_json(QOBJECT(r));
        g_assert(qdict_haskey(r, "return"));
        g_assert(strstr(json->str, "migration"));
        qobject_unref(g_steal_pointer(&r));
        g_string_free(g_steal_pointer(&json), true);
    }
    fd = open(fifo, O_RDONLY | O_NONBLOCK);
    g_assert(fd >= 0);
    r = mig_qmp_client_reply(&c, "blocked");
    g_assert(qdict_haskey(r, "return"));
    ib = mig_qmp_client_reply(&c, "ib");
    g_assert_cmpstr(qdict_get_try_str(qdict_get_qdict(ib, "return"),
                                      "status"), ==, "active");
    close(fd);
    mig_qmp_client_close(&c);
    /* the log goes back to stderr so the FIFO can go */
    g_free(qtest_hmp(from, "logfile /dev/null"));
    unlink(fifo);
    end_migration();
}

typedef struct Flood {
    int fd;
    guint64 sent;
    int err;
} Flood;

static gpointer flood_thread(gpointer opaque)
{
    Flood *f = opaque;
    g_autofree guint8 *buf = g_malloc(1 << 20);
    GRand *rand = g_rand_new_with_seed(0x6a7b);

    for (size_t i = 0; i < (1 << 20) / 4; i++) {
        ((guint32 *)buf)[i] = g_rand_int(rand);
    }
    g_rand_free(rand);
    while (f->sent < GARBAGE_MAX) {
        ssize_t n = send(f->fd, buf, 1 << 20, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_atomic_int_set(&f->err, n < 0 ? errno : EPIPE);
            return NULL;
        }
        f->sent += n;
    }
    g_atomic_int_set(&f->err, -1);     /* all sent: not disconnected */
    return NULL;
}

static void test_garbage_client(void)
{
    Flood f = { 0 };
    GThread *th;
    long rss0, rss_max = 0;
    int probes = 0;
    g_autofree char *st = NULL;

    start_migration();
    rss0 = rss_kib(from);
    f.fd = mig_unix_connect(load_path);
    /* a server that stops reading for good fails the test, not hangs it */
    g_assert_cmpint(setsockopt(f.fd, SOL_SOCKET, SO_SNDTIMEO, &(struct timeval)
                               { .tv_sec = MIG_WAIT_SECS },
                               sizeof(struct timeval)), ==, 0);
    th = g_thread_new("flood", flood_thread, &f);
    /*
     * While it floods and reads nothing, the VM answers on its other
     * monitor and on qtest (its main loop runs), and holds bounded memory.
     */
    while (!g_atomic_int_get(&f.err)) {
        g_autofree char *s = migrate_query_status(from);

        g_assert_cmpstr(s, ==, "active");
        qtest_readb(from, 0);
        rss_max = MAX(rss_max, rss_kib(from));
        probes++;
        g_usleep(20 * 1000);
    }
    g_thread_join(th);
    close(f.fd);
    g_test_message("garbage sent: %" PRIu64 " MiB before the source"
                   " dropped the client (%s); %d probes answered; RSS %ld"
                   " -> max %ld KiB", f.sent >> 20,
                   f.err > 0 ? g_strerror(f.err) : "not dropped",
                   probes, rss0, rss_max);
    g_assert_cmpint(f.err, !=, -1);
    g_assert_cmpint(f.sent, <, GARBAGE_MAX);
    g_assert(f.err == EPIPE || f.err == ECONNRESET);
    g_assert_cmpint(rss_max - rss0, <, 128 * 1024);
    /* the socket serves the next client, the migration goes on */
    one_client();
    st = migrate_query_status(from);
    g_assert_cmpstr(st, ==, "active");
    end_migration();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_framework_init();
    signal(SIGPIPE, SIG_IGN);
    qtest_add_func("/qmp-load/clients/sequential", test_clients_sequential);
    qtest_add_func("/qmp-load/clients/parallel", test_clients_parallel);
    qtest_add_func("/qmp-load/oob-while-blocked", test_oob_while_blocked);
    qtest_add_func("/qmp-load/garbage-client", test_garbage_client);
    return g_test_run();
}

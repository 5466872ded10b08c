/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Two-process migration tests: every transport and incoming mode, the
 * return path and events, failures and cancels that must leave the source
 * running, capability and parameter checks, a chain A -> B -> C, a 1 GiB
 * qtest source compared page by page, and the KVM test guest.
 */
#include "qemu/osdep.h"
#include "migration/framework.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#define SMALL_MEM       "32M"
#define SMALL_SIZE      (32ULL << 20)

static char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/%s", mig_tmpdir(), name);
}

/* ------------------------------------------------------------ checks */

static void check_source_done(QTestState *from)
{
    /* 'completed' comes just before the run state leaves finish-migrate */
    wait_runstate(from, "postmigrate");
}

static void check_dest_running(QTestState *to)
{
    wait_runstate(to, "running");
}

static void check_source_recovered(QTestState *from)
{
    /*
     * 'failed' is set by the migration thread; the VM is restarted by
     * the cleanup that runs after it on the main thread.
     */
    wait_runstate(from, "running");
}

/* The statistics a completed migration of @size bytes must show. */
static void check_completed_stats(QTestState *from, uint64_t size)
{
    g_autoptr(QDict) info = migrate_query(from);
    QDict *ram = qdict_get_qdict(info, "ram");

    g_assert_cmpstr(qdict_get_str(info, "status"), ==, "completed");
    g_assert(ram);
    if (g_getenv("MIGRATION_TEST_MACHINE")) {
        /* another machine type may add ROM blocks */
        g_assert_cmpint(qdict_get_int(ram, "total"), >=, size);
    } else {
        g_assert_cmpint(qdict_get_int(ram, "total"), ==, size);
    }
    /* every page was filled with non-zero data */
    g_assert_cmpint(qdict_get_int(ram, "normal"), >=, size / 4096);
    g_assert_cmpint(qdict_get_int(ram, "transferred"), >=, size);
    g_assert_cmpint(qdict_get_int(ram, "dirty-sync-count"), >=, 1);
    g_assert(qdict_haskey(info, "total-time"));
    g_assert(qdict_haskey(info, "downtime"));
    g_assert(qdict_haskey(info, "setup-time"));
    /* QEMU 10.0 omits 'remaining' once completed; older ones say 0 */
    if (qdict_haskey(ram, "remaining")) {
        g_assert_cmpint(qdict_get_int(ram, "remaining"), ==, 0);
    }
}

/* ------------------------------------------------------------ precopy */

typedef struct Precopy {
    const char *listen;         /* -incoming; "defer" uses .incoming */
    const char *incoming;       /* migrate-incoming URI */
    const char *incoming_channels;
    const char *connect;        /* NULL: from the listener's address */
    const char *connect_channels;
    bool events;
    bool return_path;
    const char *src_events;     /* expected MIGRATION statuses */
    const char *dst_events;
} Precopy;

static void do_precopy(const Precopy *p)
{
    MigrateStart args = {
        .mem = SMALL_MEM,
        .events = p->events,
        .return_path = p->return_path,
    };
    QTestState *from, *to;
    g_autofree char *uri = NULL;

    migrate_start(&from, &to, p->listen, &args);
    if (g_str_equal(p->listen, "defer")) {
        migrate_incoming_qmp(to, p->incoming, p->incoming_channels);
    }
    mig_ram_fill(from, 0, SMALL_SIZE, 0x5eed, 16);
    migrate_ensure_converge(from);

    if (p->connect_channels) {
        migrate_qmp(from, NULL, p->connect_channels);
    } else {
        uri = p->connect ? g_strdup(p->connect) : migrate_get_listen_uri(to);
        migrate_qmp(from, uri, NULL);
    }
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    check_source_done(from);
    check_dest_running(to);
    check_completed_stats(from, SMALL_SIZE);
    mig_ram_compare(from, to, 0, SMALL_SIZE);

    if (p->events) {
        g_autofree char *se = migrate_collect_events(from);
        g_autofree char *de = migrate_collect_events(to);
        QDict *pass = qtest_qmp_event_ref(from, "MIGRATION_PASS");

        g_assert_cmpstr(se, ==, p->src_events);
        g_assert_cmpstr(de, ==, p->dst_events);
        g_assert(pass);
        g_assert_cmpint(qdict_get_int(qdict_get_qdict(pass, "data"), "pass"),
                        ==, 1);
        qobject_unref(pass);
    } else {
        g_autofree char *se = migrate_collect_events(from);
        g_autofree char *de = migrate_collect_events(to);

        g_assert_cmpstr(se, ==, "");
        g_assert_cmpstr(de, ==, "");
        g_assert(!qtest_qmp_event_ref(from, "MIGRATION_PASS"));
    }
    migrate_end(from, to);
}

#define SRC_EVENTS "setup active device completed"

static void test_unix_plain(void)
{
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    Precopy p = {
        .listen = uri, .events = true,
        .src_events = SRC_EVENTS,
        /* the listener was up before the capability was set */
        .dst_events = "active completed",
    };

    do_precopy(&p);
}

static void test_unix_no_events(void)
{
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    Precopy p = { .listen = uri };

    do_precopy(&p);
}

static void test_unix_defer(void)
{
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    Precopy p = {
        .listen = "defer", .incoming = uri, .events = true,
        .src_events = SRC_EVENTS,
        .dst_events = "setup active completed",
    };

    do_precopy(&p);
}

static void test_unix_return_path(void)
{
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    Precopy p = {
        .listen = "defer", .incoming = uri, .events = true,
        .return_path = true,
        .src_events = SRC_EVENTS,
        .dst_events = "setup active completed",
    };

    do_precopy(&p);
}

static void test_unix_channels(void)
{
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *ch = g_strdup_printf(
        "[{\"channel-type\": \"main\", \"addr\": {\"transport\": \"socket\","
        " \"type\": \"unix\", \"path\": \"%s\"}}]", sock);
    Precopy p = {
        .listen = "defer", .incoming_channels = ch, .connect_channels = ch,
        .events = true, .src_events = SRC_EVENTS,
        .dst_events = "setup active completed",
    };

    do_precopy(&p);
}

static void test_tcp_plain(void)
{
    Precopy p = {
        .listen = "tcp:127.0.0.1:0", .events = true,
        .src_events = SRC_EVENTS, .dst_events = "active completed",
    };

    do_precopy(&p);
}

static void test_tcp_defer_return_path(void)
{
    Precopy p = {
        .listen = "defer", .incoming = "tcp:127.0.0.1:0",
        .return_path = true,
    };

    do_precopy(&p);
}

static void test_tcp_ipv6(void)
{
    Precopy p = {
        .listen = "tcp:[::1]:0", .events = true, .return_path = true,
        .src_events = SRC_EVENTS, .dst_events = "active completed",
    };

    if (!mig_have_ipv6()) {
        g_test_skip("::1 is not available on this host");
        return;
    }
    do_precopy(&p);
}

static void test_fd(void)
{
    MigrateStart args = { .mem = SMALL_MEM, .events = true };
    QTestState *from, *to;
    int sv[2];
    QDict *rsp;

    g_assert_cmpint(socketpair(PF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    migrate_start(&from, &to, "defer", &args);

    rsp = qtest_qmp_fds(to, &sv[1], 1, "{'execute': 'getfd',"
                        " 'arguments': {'fdname': 'fd-mig'}}");
    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
    migrate_incoming_qmp(to, "fd:fd-mig", NULL);

    rsp = qtest_qmp_fds(from, &sv[0], 1, "{'execute': 'getfd',"
                        " 'arguments': {'fdname': 'fd-mig'}}");
    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
    close(sv[0]);
    close(sv[1]);

    mig_ram_fill(from, 0, SMALL_SIZE, 0xfd, 16);
    migrate_ensure_converge(from);
    migrate_qmp(from, "fd:fd-mig", NULL);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    check_source_done(from);
    check_dest_running(to);
    mig_ram_compare(from, to, 0, SMALL_SIZE);

    /* migrate consumed the named fd */
    g_free(qmp_expect_error(from, "{'execute': 'closefd',"
                            " 'arguments': {'fdname': 'fd-mig'}}"));
    migrate_end(from, to);
}

/*
 * exec: and file: write the whole stream before the destination exists:
 * migrate from a source, then start the destination on the saved stream.
 */
static void save_then_load(const char *out_uri, const char *in_uri,
                           const char *channels)
{
    MigrateStart args = { .mem = SMALL_MEM, .events = true };
    MigrateStart dst_args = { .mem = SMALL_MEM, .only_target = true };
    g_autofree char *quoted = g_shell_quote(in_uri);
    QTestState *from, *to, *unused = NULL;

    migrate_start(&from, &unused, "defer", &args);
    migrate_end(NULL, unused);
    mig_ram_fill(from, 0, SMALL_SIZE, 0xe7ec, 16);
    migrate_ensure_converge(from);
    migrate_qmp(from, channels ? NULL : out_uri, channels);
    migrate_wait_complete(from);
    check_source_done(from);

    migrate_start(&from, &to, quoted, &dst_args);
    migrate_wait_complete(to);
    check_dest_running(to);
    mig_ram_compare(from, to, 0, SMALL_SIZE);
    migrate_end(from, to);
}

static void test_exec(void)
{
    g_autofree char *file = tmp_path("stream-exec");
    g_autofree char *out = g_strdup_printf("exec:cat > %s", file);
    g_autofree char *in = g_strdup_printf("exec:cat %s", file);

    save_then_load(out, in, NULL);
    unlink(file);
}

static void test_file(void)
{
    g_autofree char *file = tmp_path("stream-file");
    g_autofree char *uri = g_strdup_printf("file:%s", file);

    save_then_load(uri, uri, NULL);
    unlink(file);
}

static void test_file_channels(void)
{
    g_autofree char *file = tmp_path("stream-file");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    g_autofree char *ch = g_strdup_printf(
        "[{\"channel-type\": \"main\", \"addr\": {\"transport\": \"file\","
        " \"filename\": \"%s\", \"offset\": 0}}]", file);

    save_then_load(NULL, uri, ch);
    unlink(file);
}

static void test_file_offset(void)
{
    const size_t off = 0x2000;
    g_autofree char *file = tmp_path("stream-offset");
    g_autofree char *uri = g_strdup_printf("file:%s,offset=0x%zx", file, off);
    g_autofree char *head = g_malloc(off);
    g_autofree char *data = NULL;
    gsize len;

    memset(head, 0xaa, off);
    g_assert(g_file_set_contents(file, head, off, NULL));
    save_then_load(uri, uri, NULL);

    g_assert(g_file_get_contents(file, &data, &len, NULL));
    g_assert_cmpuint(len, >, off + 4);
    /* the bytes before the offset are untouched, the stream starts there */
    g_assert(memcmp(data, head, off) == 0);
    g_assert(memcmp(data + off, "QEVM", 4) == 0);
    unlink(file);
}

static void test_file_offset_bad(void)
{
    MigrateStart args = { .mem = SMALL_MEM };
    QTestState *from, *to;
    g_autofree char *file = tmp_path("stream-bad");
    g_autofree char *uri = g_strdup_printf("file:%s,offset=0x20M", file);
    g_autofree char *err = NULL;

    migrate_start(&from, &to, "defer", &args);
    err = migrate_qmp_fail(from, uri, NULL);
    g_assert(strstr(err, "offset"));
    check_source_recovered(from);
    migrate_end(from, to);
}

/* ------------------------------------------------------------ failures */

/* After a failure or cancel, a new migration to a fresh target works. */
static void migrate_again(QTestState *from)
{
    MigrateStart args = { .mem = SMALL_MEM, .only_target = true };
    g_autofree char *sock = tmp_path("again.sock");
    g_autofree char *listen = g_strdup_printf("unix:%s", sock);
    QTestState *to;
    int64_t pps;

    /* the source may have left the pause capability on */
    migrate_set_capability(from, "pause-before-switchover", false);
    migrate_start(&from, &to, listen, &args);
    migrate_ensure_converge(from);
    migrate_qmp(from, listen, NULL);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    check_source_done(from);
    /*
     * The page rate of a second migration is its own: measured against
     * the previous migration's page count it wrapped around.
     */
    pps = migrate_ram_stat(from, "pages-per-second");
    g_assert_cmpint(pps, >=, 0);
    g_assert_cmpint(pps, <, 1LL << 40);
    mig_ram_compare(from, to, 0, SMALL_SIZE);
    migrate_end(NULL, to);
}

static void test_bad_dest(void)
{
    MigrateStart args = { .mem = SMALL_MEM, .events = true };
    g_autofree char *sock = tmp_path("nobody-listens.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to;
    g_autofree char *err = NULL;
    g_autofree char *ev = NULL;

    migrate_start(&from, &to, "defer", &args);
    migrate_end(NULL, to);
    mig_ram_fill(from, 0, SMALL_SIZE, 0xbad, 64);
    migrate_qmp(from, uri, NULL);
    err = migrate_wait_failed(from);
    g_test_message("error-desc: %s", err);
    /* the error names the connect failure */
    g_assert(strstr(err, sock) || strstr(err, "onnect") ||
             strstr(err, "No such file"));
    check_source_recovered(from);
    ev = migrate_collect_events(from);
    g_assert(g_str_has_suffix(ev, "failed"));
    migrate_again(from);
    migrate_end(from, NULL);
}

static void test_dest_killed(void)
{
    MigrateStart args = { .mem = SMALL_MEM };
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to;
    g_autofree char *err = NULL;

    migrate_start(&from, &to, uri, &args);
    mig_ram_fill(from, 0, SMALL_SIZE, 0xdead, 16);
    migrate_ensure_non_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_status(from, "active", NULL);
    qtest_kill_qemu(to);
    migrate_end(NULL, to);
    err = migrate_wait_failed(from);
    g_test_message("error-desc: %s", err);
    check_source_recovered(from);
    migrate_again(from);
    migrate_end(from, NULL);
}

/*
 * The destination refuses the stream.  With @dst_exits it was started with
 * -incoming URI and exits with status 1 (exit-on-error); otherwise it uses
 * migrate-incoming with exit-on-error=false and its error-desc must name
 * @cause.  The return path tells the source, which fails and runs on.
 */
static void dest_refuses(MigrateStart *args, bool dst_exits,
                         const char *src_cap, const char *cause)
{
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to;
    g_autofree char *err = NULL;

    args->return_path = true;
    migrate_start(&from, &to, dst_exits ? uri : "defer", args);
    if (dst_exits) {
        qtest_set_expected_status(to, 1);
    } else {
        qmp_ok_fmt(to, "{'execute': 'migrate-incoming', 'arguments':"
                   " {'uri': %s, 'exit-on-error': false}}", uri);
    }
    if (src_cap) {
        migrate_set_capability(from, src_cap, true);
    }
    mig_ram_fill(from, 0, SMALL_SIZE, 0x2, 64);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);
    err = migrate_wait_failed(from);
    g_test_message("source error-desc: %s", err);
    check_source_recovered(from);
    if (dst_exits) {
        for (int i = 0; i < MIG_WAIT_SECS * 50 && qtest_probe_child(to);
             i++) {
            g_usleep(20 * 1000);
        }
        g_assert(!qtest_probe_child(to));
    } else {
        g_autofree char *derr = migrate_wait_failed(to);

        g_test_message("destination error-desc: %s", derr);
        g_assert(strstr(derr, cause));
    }
    migrate_end(NULL, to);
    if (src_cap) {
        migrate_set_capability(from, src_cap, false);
    }
    migrate_again(from);
    migrate_end(from, NULL);
}

static void test_ram_size_exit(void)
{
    MigrateStart args = { .mem = SMALL_MEM, .mem_dst = "64M" };

    dest_refuses(&args, true, NULL, NULL);
}

static void test_ram_size_mismatch(void)
{
    MigrateStart args = { .mem = SMALL_MEM, .mem_dst = "64M" };

    /* the destination names the block whose size differs */
    dest_refuses(&args, false, NULL, "Size mismatch");
}

static void test_validate_uuid_mismatch(void)
{
    MigrateStart args = {
        .mem = SMALL_MEM,
        .uuid_src = "11111111-1111-1111-1111-111111111111",
        .uuid_dst = "22222222-2222-2222-2222-222222222222",
    };

    dest_refuses(&args, false, "validate-uuid", "UUID received is");
}

static void test_machine_mismatch(void)
{
    MigrateStart args = {
        .mem = SMALL_MEM, .machine = "none", .machine_dst = "tern",
    };

    if (!qtest_has_machine("tern")) {
        g_test_skip("the tern machine is not built");
        return;
    }
    dest_refuses(&args, false, NULL, "Machine type received is 'none'");
}

static void test_validate_uuid_match(void)
{
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = {
        .mem = SMALL_MEM,
        .uuid_src = "33333333-3333-3333-3333-333333333333",
        .uuid_dst = "33333333-3333-3333-3333-333333333333",
    };
    QTestState *from, *to;

    migrate_start(&from, &to, uri, &args);
    migrate_set_capability(from, "validate-uuid", true);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    migrate_end(from, to);
}

static void test_blocker(void)
{
    /*
     * Needs a way to add a migration blocker from the command line or a
     * monitor (a device without VMState, or a debug command); none
     * exists yet.
     */
    g_test_skip("no device or command adds a migration blocker yet");
}

/* ------------------------------------------------------------ cancel */

/* A listener that accepts connections and never reads. */
static int silent_listener(char **uri)
{
    g_autofree char *path = tmp_path("silent.sock");
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert(fd >= 0);
    unlink(path);
    g_strlcpy(a.sun_path, path, sizeof(a.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    *uri = g_strdup_printf("unix:%s", path);
    return fd;
}

static void test_cancel_setup(void)
{
    MigrateStart args = { .mem = SMALL_MEM, .events = true };
    QTestState *from, *to;
    g_autofree char *uri = NULL;
    g_autofree char *ev = NULL;
    int lfd;

    migrate_start(&from, &to, "defer", &args);
    migrate_end(NULL, to);
    lfd = silent_listener(&uri);
    mig_ram_fill(from, 0, SMALL_SIZE, 0xca, 64);
    migrate_ensure_non_converge(from);
    /* cancel at once: the migration is in setup or just past it */
    migrate_qmp(from, uri, NULL);
    migrate_cancel(from);
    migrate_wait_status(from, "cancelled", (const char *[]){ "failed",
                                                              "completed",
                                                              NULL });
    check_source_recovered(from);
    ev = migrate_collect_events(from);
    g_test_message("events: %s", ev);
    g_assert(g_str_has_prefix(ev, "setup"));
    g_assert(g_str_has_suffix(ev, "cancelling cancelled"));
    close(lfd);
    migrate_again(from);
    migrate_end(from, NULL);
}

/*
 * True when @buf (the whole stream read so far) ends with the source's
 * trailer: QEMU_VM_EOF (0x00), QEMU_VM_VMDESCRIPTION (0x06), a be32
 * length and that many bytes of JSON.  Nothing follows it.
 */
static bool stream_has_trailer(const GByteArray *buf)
{
    const guint8 *d = buf->data;
    /* the JSON is a few KiB: look at the last MiB only */
    gint64 stop = MAX((gint64)buf->len - (1 << 20), 0);

    for (gint64 i = (gint64)buf->len - 7; i >= stop; i--) {
        if (d[i] == 0x00 && d[i + 1] == 0x06 && d[i + 6] == '{' &&
            i + 6 + ldl_be_p(d + i + 2) == buf->len) {
            return true;
        }
    }
    return false;
}

/*
 * The destination received the whole stream, then its return path ended
 * without SHUT: it may be running the VM.  The source must report the
 * failure but never run again (it stays in postmigrate).  The test plays
 * the destination: it reads until the trailer and closes the connection.
 */
static void test_rp_no_shut(void)
{
    MigrateStart args = { .mem = SMALL_MEM, .return_path = true };
    g_autoptr(GByteArray) stream = g_byte_array_new();
    g_autofree char *uri = NULL;
    g_autofree char *err = NULL;
    g_autofree char *st = NULL;
    QTestState *from, *to;
    gint64 end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;
    int lfd, cfd;

    migrate_start(&from, &to, "defer", &args);
    migrate_end(NULL, to);
    lfd = silent_listener(&uri);
    mig_ram_fill(from, 0, SMALL_SIZE, 0x5b, 64);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);

    cfd = accept(lfd, NULL, NULL);
    g_assert_cmpint(cfd, >=, 0);
    while (!stream_has_trailer(stream)) {
        struct pollfd pfd = { .fd = cfd, .events = POLLIN };
        guint8 chunk[65536];
        ssize_t n;

        g_assert_cmpint(g_get_monotonic_time(), <, end);
        if (poll(&pfd, 1, 1000) <= 0) {
            continue;
        }
        n = read(cfd, chunk, sizeof(chunk));
        g_assert_cmpint(n, >, 0);
        g_byte_array_append(stream, chunk, n);
    }
    g_test_message("read the whole stream (%u bytes); closing without SHUT",
                   stream->len);
    close(cfd);
    close(lfd);

    err = migrate_wait_failed(from);
    g_test_message("source error-desc: %s", err);
    /* it must not be resumed: the destination may have the VM */
    wait_runstate(from, "postmigrate");
    st = qmp_expect_error(from, "{'execute': 'migrate', 'arguments':"
                          " {'uri': %s}}", uri);
    g_assert(strstr(st, "paused due to previous migration"));
    migrate_end(from, NULL);
}

/* Start a destination that stays alive on a load error. */
static QTestState *start_dest_no_exit(const char *uri)
{
    MigrateStart args = { .mem = SMALL_MEM, .only_target = true };
    QTestState *to, *unused = NULL;

    migrate_start(&unused, &to, "defer", &args);
    qmp_ok_fmt(to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", uri);
    return to;
}

/*
 * A source with events at @bandwidth bytes/s migrating to a destination
 * that stays alive on a load error; returns once the source is active.
 */
static void start_active_migration(QTestState **from, QTestState **to,
                                   int64_t bandwidth, uint32_t seed)
{
    MigrateStart args = { .mem = SMALL_MEM, .events = true };
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *unused;

    migrate_start(from, &unused, "defer", &args);
    migrate_end(NULL, unused);
    *to = start_dest_no_exit(uri);
    mig_ram_fill(*from, 0, SMALL_SIZE, seed, 16);
    migrate_ensure_non_converge(*from);
    migrate_set_parameter_int(*from, "max-bandwidth", bandwidth);
    migrate_qmp(*from, uri, NULL);
    migrate_wait_status(*from, "active", NULL);
}

static void test_cancel_active(void)
{
    QTestState *from, *to;
    g_autofree char *ev = NULL;
    g_autofree char *dst_err = NULL;

    start_active_migration(&from, &to, 8 * 1000 * 1000, 0xac);
    migrate_wait_passes(from, 1);
    migrate_cancel(from);
    migrate_wait_status(from, "cancelled", (const char *[]){ "failed",
                                                              "completed",
                                                              NULL });
    check_source_recovered(from);
    ev = migrate_collect_events(from);
    g_assert_cmpstr(ev, ==, "setup active cancelling cancelled");
    /* the destination saw the stream end early and stays alive */
    dst_err = migrate_wait_failed(to);
    g_test_message("destination error-desc: %s", dst_err);
    migrate_end(NULL, to);
    migrate_again(from);
    migrate_end(from, NULL);
}

/*
 * The source quits (QMP quit, or signal @sig) while a slow migration
 * runs: it must cancel the migration, join its thread and exit with
 * status 0 in time (qtest_quit() checks both); the destination sees the
 * stream end early and reports 'failed' with an error.
 */
static void quit_during_migration(int sig)
{
    QTestState *from, *to;
    g_autofree char *dst_err = NULL;
    g_autofree char *st = NULL;

    /* 1 MB/s: the 32 MiB take half a minute, so quit comes mid-way */
    start_active_migration(&from, &to, 1000 * 1000, 0x9e);
    st = migrate_query_status(to);
    g_assert_cmpstr(st, ==, "active");
    if (sig) {
        g_assert_cmpint(kill(qtest_pid(from), sig), ==, 0);
    } else {
        qtest_qmp_send(from, "{'execute': 'quit'}");
    }
    /* On its way out the source cancels: its last events say so. */
    for (;;) {
        g_autoptr(QDict) msg = qtest_qmp_receive_dict(from);
        QDict *data = qdict_get_qdict(msg, "data");
        const char *ev = qdict_get_try_str(msg, "event");

        if (ev && g_str_equal(ev, "MIGRATION") &&
            g_str_equal(qdict_get_str(data, "status"), "cancelled")) {
            break;
        }
    }
    qtest_quit(from);
    dst_err = migrate_wait_failed(to);
    g_test_message("destination error-desc: %s", dst_err);
    g_assert(strstr(dst_err, "load of migration failed"));
    migrate_end(NULL, to);
}

static void test_quit_active(void)
{
    quit_during_migration(0);
}

static void test_sigterm_active(void)
{
    quit_during_migration(SIGTERM);
}

static void test_sigint_active(void)
{
    quit_during_migration(SIGINT);
}

static void test_cancel_pre_switchover(void)
{
    MigrateStart args = { .mem = SMALL_MEM, .events = true };
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to, *unused;
    g_autofree char *ev = NULL;
    g_autofree char *err = NULL;

    migrate_start(&from, &unused, "defer", &args);
    migrate_end(NULL, unused);
    to = start_dest_no_exit(uri);
    migrate_set_capability(from, "pause-before-switchover", true);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_status(from, "pre-switchover", NULL);
    /* migrate-continue must name the state the migration is in */
    err = qmp_expect_error(from, "{'execute': 'migrate-continue',"
                           " 'arguments': {'state': 'active'}}");
    g_assert(strstr(err, "pre-switchover"));
    migrate_cancel(from);
    migrate_wait_status(from, "cancelled", (const char *[]){ "failed",
                                                              "completed",
                                                              NULL });
    check_source_recovered(from);
    ev = migrate_collect_events(from);
    g_assert_cmpstr(ev, ==,
                    "setup active pre-switchover cancelling cancelled");
    g_free(migrate_wait_failed(to));
    migrate_end(NULL, to);
    migrate_again(from);
    migrate_end(from, NULL);
}

static void test_cancel_none(void)
{
    MigrateStart args = { .mem = SMALL_MEM };
    QTestState *from, *to;
    g_autofree char *st = NULL;

    migrate_start(&from, &to, "defer", &args);
    migrate_cancel(from);           /* nothing runs: harmless */
    st = migrate_query_status(from);
    g_assert_cmpstr(st, ==, "none");
    check_source_recovered(from);
    migrate_end(from, to);
}

/* ------------------------------------------------------------ options */

typedef struct ParamCase {
    const char *json;           /* migrate-set-parameters arguments */
    const char *error;          /* expected error, exactly */
} ParamCase;

static const ParamCase bad_params[] = {
    { "{'throttle-trigger-threshold': 0}", "Parameter "
      "'throttle_trigger_threshold' expects an integer in the range of 1 "
      "to 100" },
    { "{'throttle-trigger-threshold': 101}", "Parameter "
      "'throttle_trigger_threshold' expects an integer in the range of 1 "
      "to 100" },
    { "{'cpu-throttle-initial': 0}", "Parameter 'cpu_throttle_initial' "
      "expects an integer in the range of 1 to 99" },
    { "{'cpu-throttle-initial': 100}", "Parameter 'cpu_throttle_initial' "
      "expects an integer in the range of 1 to 99" },
    { "{'cpu-throttle-increment': 0}", "Parameter 'cpu_throttle_increment' "
      "expects an integer in the range of 1 to 99" },
    { "{'downtime-limit': 2000001}", "Parameter 'downtime_limit' expects "
      "an integer in the range of 0 to (2000 * 1000) ms" },
    { "{'multifd-channels': 0}", "Parameter 'multifd_channels' expects a "
      "value between 1 and 255" },
    { "{'multifd-zlib-level': 10}", "Parameter 'multifd_zlib_level' "
      "expects a value between 0 and 9" },
    { "{'multifd-zstd-level': 21}", "Parameter 'multifd_zstd_level' "
      "expects a value between 0 and 20" },
    { "{'multifd-qatzip-level': 0}", "Parameter 'multifd_qatzip_level' "
      "expects a value between 1 and 9" },
    { "{'xbzrle-cache-size': 1000}", "Parameter 'xbzrle_cache_size' "
      "expects a power of two no less than the target page size" },
    { "{'xbzrle-cache-size': 12288}", "Parameter 'xbzrle_cache_size' "
      "expects a power of two no less than the target page size" },
    { "{'max-cpu-throttle': 100}", "Parameter 'max_cpu_throttle' expects "
      "an integer in the range of cpu_throttle_initial to 99" },
    { "{'max-cpu-throttle': 10}", "Parameter 'max_cpu_throttle' expects "
      "an integer in the range of cpu_throttle_initial to 99" },
    { "{'announce-initial': 100001}", "Parameter 'announce_initial' "
      "expects a value between 0 and 100000" },
    { "{'announce-max': 100001}", "Parameter 'announce_max' expects a "
      "value between 0 and 100000" },
    { "{'announce-rounds': 1001}", "Parameter 'announce_rounds' expects a "
      "value between 0 and 1000" },
    { "{'announce-step': 0}", "Parameter 'announce_step' expects a value "
      "between 0 and 10000" },
    { "{'announce-step': 10001}", "Parameter 'announce_step' expects a "
      "value between 0 and 10000" },
    { "{'x-vcpu-dirty-limit-period': 0}", "Parameter "
      "'x-vcpu-dirty-limit-period' expects a value between 1 and 1000" },
    { "{'x-vcpu-dirty-limit-period': 1001}", "Parameter "
      "'x-vcpu-dirty-limit-period' expects a value between 1 and 1000" },
    { "{'vcpu-dirty-limit': 0}", "Parameter 'vcpu_dirty_limit' must be "
      "greater than 1 MB/s" },
};

/* Every settable parameter with a value different from its default. */
static const char good_params[] =
    "{'announce-initial': 60, 'announce-max': 660, 'announce-rounds': 7,"
    " 'announce-step': 120, 'throttle-trigger-threshold': 40,"
    " 'cpu-throttle-initial': 30, 'cpu-throttle-increment': 15,"
    " 'cpu-throttle-tailslow': true, 'tls-creds': 'tc0',"
    " 'tls-hostname': 'example.org', 'tls-authz': 'az0',"
    " 'max-bandwidth': 123456789, 'avail-switchover-bandwidth': 98765432,"
    " 'downtime-limit': 1234, 'x-checkpoint-delay': 15000,"
    " 'multifd-channels': 5, 'xbzrle-cache-size': 33554432,"
    " 'max-postcopy-bandwidth': 55555555, 'max-cpu-throttle': 88,"
    " 'multifd-zlib-level': 3, 'multifd-zstd-level': 4,"
    " 'multifd-qatzip-level': 5, 'x-vcpu-dirty-limit-period': 500,"
    " 'vcpu-dirty-limit': 10, 'zero-page-detection': 'legacy'}";

static void test_parameters(void)
{
    QTestState *from, *to;
    MigrateStart args = { .mem = SMALL_MEM };
    g_autoptr(QDict) want = qdict_from_jsonf_nofail(good_params);
    g_autoptr(QDict) before = NULL;
    g_autoptr(QDict) got = NULL;
    const QDictEntry *e;

    migrate_start(&from, &to, "defer", &args);
    before = migrate_query_parameters(from);
    /* QEMU's defaults */
    g_assert_cmpint(qdict_get_int(before, "max-bandwidth"), ==, 134217728);
    g_assert_cmpint(qdict_get_int(before, "downtime-limit"), ==, 300);
    g_assert_cmpint(qdict_get_int(before, "multifd-channels"), ==, 2);
    g_assert_cmpint(qdict_get_int(before, "announce-initial"), ==, 50);
    g_assert_cmpstr(qdict_get_str(before, "tls-creds"), ==, "");
    g_assert(!qdict_haskey(before, "block-bitmap-mapping"));

    qmp_ok_fmt(from, "{'execute': 'migrate-set-parameters', 'arguments': %p}",
               qobject_ref(want));
    got = migrate_query_parameters(from);
    for (e = qdict_first(want); e; e = qdict_next(want, e)) {
        QObject *g = qdict_get(got, e->key);
        g_autoptr(GString) a = qobject_to_json(e->value);
        g_autoptr(GString) b = g ? qobject_to_json(g) : NULL;

        g_test_message("%s: set %s, got %s", e->key, a->str,
                       b ? b->str : "(missing)");
        g_assert(b);
        g_assert_cmpstr(a->str, ==, b->str);
    }

    /* null and "" both clear a TLS string */
    qmp_ok_fmt(from, "{'execute': 'migrate-set-parameters',"
               " 'arguments': {'tls-creds': null, 'tls-hostname': ''}}");
    {
        g_autofree char *c = migrate_get_parameter_str(from, "tls-creds");
        g_autofree char *h = migrate_get_parameter_str(from, "tls-hostname");

        g_assert_cmpstr(c, ==, "");
        g_assert_cmpstr(h, ==, "");
    }

    /* every range error, with its exact text; nothing changes */
    for (size_t i = 0; i < G_N_ELEMENTS(bad_params); i++) {
        QDict *a = qobject_to(QDict, qobject_from_json(bad_params[i].json,
                                                       &error_abort));
        g_autofree char *err = qmp_expect_error(from,
            "{'execute': 'migrate-set-parameters', 'arguments': %p}", a);
        g_autoptr(QDict) now = migrate_query_parameters(from);

        g_test_message("%s -> %s", bad_params[i].json, err);
        g_assert_cmpstr(err, ==, bad_params[i].error);
        g_assert_cmpint(qdict_get_int(now, "announce-step"), ==, 120);
        g_assert_cmpint(qdict_get_int(now, "max-cpu-throttle"), ==, 88);
    }
    /* a uint8 parameter out of its type's range */
    g_free(qmp_expect_error(from, "{'execute': 'migrate-set-parameters',"
                            " 'arguments': {'multifd-channels': 256}}"));
    migrate_end(from, to);
}

typedef struct CapCase {
    const char *caps;           /* capabilities to turn on together */
    const char *error;          /* expected error, exactly */
} CapCase;

static const CapCase bad_caps[] = {
    { "switchover-ack", "Capability 'switchover-ack' requires capability "
      "'return-path'" },
    { "postcopy-preempt", "Postcopy preempt requires postcopy-ram" },
    { "postcopy-ram x-ignore-shared", "Postcopy is not compatible with "
      "ignore-shared" },
    { "background-snapshot return-path", "Background-snapshot is not "
      "compatible with return-path" },
    { "background-snapshot validate-uuid", "Background-snapshot is not "
      "compatible with validate-uuid" },
    { "zero-copy-send", "Zero copy only available for non-compressed "
      "non-TLS multifd migration" },
    { "dirty-limit auto-converge", "dirty-limit conflicts with "
      "auto-converge either of then available currently" },
    { "multifd xbzrle", "Multifd is not compatible with xbzrle" },
    { "mapped-ram xbzrle", "Mapped-ram migration is incompatible with "
      "xbzrle" },
    { "mapped-ram postcopy-ram", "Mapped-ram migration is incompatible "
      "with postcopy" },
};

static void set_caps_expect(QTestState *who, const char *caps,
                            const char *error)
{
    g_auto(GStrv) names = g_strsplit(caps, " ", -1);
    QList *list = qlist_new();
    g_autofree char *err = NULL;

    for (int i = 0; names[i]; i++) {
        QDict *c = qdict_new();

        qdict_put_str(c, "capability", names[i]);
        qdict_put_bool(c, "state", true);
        qlist_append(list, c);
    }
    err = qmp_expect_error(who, "{'execute': 'migrate-set-capabilities',"
                           " 'arguments': {'capabilities': %p}}", list);
    g_test_message("%s -> %s", caps, err);
    g_assert_cmpstr(err, ==, error);
}

static void test_capabilities(void)
{
    static const char * const settable[] = {
        "events", "return-path", "pause-before-switchover", "validate-uuid",
        "postcopy-ram", "postcopy-blocktime",
    };
    QTestState *from, *to;
    MigrateStart args = { .mem = SMALL_MEM };

    migrate_start(&from, &to, "defer", &args);
    for (size_t i = 0; i < G_N_ELEMENTS(settable); i++) {
        g_assert(!migrate_get_capability(from, settable[i]));
        migrate_set_capability(from, settable[i], true);
        g_assert(migrate_get_capability(from, settable[i]));
    }
    for (size_t i = 0; i < G_N_ELEMENTS(settable); i++) {
        migrate_set_capability(from, settable[i], false);
        g_assert(!migrate_get_capability(from, settable[i]));
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad_caps); i++) {
        set_caps_expect(from, bad_caps[i].caps, bad_caps[i].error);
    }
    /* a refused set changes nothing */
    g_assert(!migrate_get_capability(from, "return-path"));
    migrate_end(from, to);
}

static void test_options_while_running(void)
{
    MigrateStart args = { .mem = SMALL_MEM };
    g_autofree char *sock = tmp_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to;
    g_autofree char *err = NULL;
    g_autofree char *err2 = NULL;

    migrate_start(&from, &to, uri, &args);
    mig_ram_fill(from, 0, SMALL_SIZE, 0x77, 16);
    migrate_ensure_non_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_status(from, "active", NULL);

    err = qmp_expect_error(from, "{'execute': 'migrate-set-capabilities',"
                           " 'arguments': {'capabilities': [{'capability':"
                           " 'events', 'state': true}]}}");
    g_assert_cmpstr(err, ==, "There's a migration process in progress");
    /* a second migrate is refused too */
    err2 = migrate_qmp_fail(from, uri, NULL);
    g_assert(strstr(err2, "progress"));
    /* bandwidth can change live; raising it lets the migration finish */
    migrate_ensure_converge(from);
    g_assert_cmpint(migrate_get_parameter_int(from, "max-bandwidth"), ==,
                    4LL << 30);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    mig_ram_compare(from, to, 0, SMALL_SIZE);
    migrate_end(from, to);
}

static void test_uri_channels_checks(void)
{
    MigrateStart args = { .mem = SMALL_MEM };
    QTestState *from, *to;
    g_autofree char *e1 = NULL;
    g_autofree char *e2 = NULL;
    g_autofree char *e3 = NULL;

    migrate_start(&from, &to, "defer", &args);
    e1 = migrate_qmp_fail(from, "unix:/nonexistent",
                          "[{\"channel-type\": \"main\", \"addr\":"
                          " {\"transport\": \"socket\", \"type\": \"unix\","
                          " \"path\": \"/nonexistent\"}}]");
    e2 = qmp_expect_error(from, "{'execute': 'migrate', 'arguments': {}}");
    e3 = migrate_qmp_fail(from, "bogus:xyz", NULL);
    g_test_message("both: %s; none: %s; bad protocol: %s", e1, e2, e3);
    g_assert(strstr(e3, "bogus") || strstr(e3, "protocol"));
    check_source_recovered(from);
    migrate_end(from, to);
}

/* ------------------------------------------------------------ chain */

static void test_chain(void)
{
    MigrateStart args = { .mem = SMALL_MEM };
    MigrateStart next = { .mem = SMALL_MEM, .only_target = true };
    g_autofree char *s1 = tmp_path("chain1.sock");
    g_autofree char *s2 = tmp_path("chain2.sock");
    g_autofree char *u1 = g_strdup_printf("unix:%s", s1);
    g_autofree char *u2 = g_strdup_printf("unix:%s", s2);
    QTestState *a, *b, *c;

    migrate_start(&a, &b, u1, &args);
    mig_ram_fill(a, 0, SMALL_SIZE, 0xabc, 8);
    migrate_ensure_converge(a);
    migrate_qmp(a, u1, NULL);
    migrate_wait_complete(a);
    migrate_wait_complete(b);
    check_dest_running(b);
    mig_ram_compare(a, b, 0, SMALL_SIZE);

    /* B changes some memory, then moves on to C */
    mig_ram_fill(b, 0, 4 << 20, 0xbbb, 1);
    migrate_start(&b, &c, u2, &next);
    migrate_ensure_converge(b);
    migrate_qmp(b, u2, NULL);
    migrate_wait_complete(b);
    migrate_wait_complete(c);
    check_source_done(b);
    check_dest_running(c);
    mig_ram_compare(b, c, 0, SMALL_SIZE);
    migrate_end(a, b);
    migrate_end(NULL, c);
}

/* ------------------------------------------------------------ 1 GiB */

#define BIG_SIZE (1ULL << 30)

static void test_big_ram(void)
{
    MigrateStart args = { .mem = "1G", .events = true };
    g_autofree char *sock = tmp_path("big.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to;
    g_autoptr(GRand) rand = g_rand_new_with_seed(0x1ee7);
    gint64 t0;
    g_autofree char *ev = NULL;

    migrate_start(&from, &to, uri, &args);
    t0 = g_get_monotonic_time();
    mig_ram_fill(from, 0, BIG_SIZE, 0x1e1e, 64);
    g_test_message("filled 1 GiB in %.1f s",
                   (g_get_monotonic_time() - t0) / 1e6);

    migrate_set_capability(from, "pause-before-switchover", true);
    /* 256 MiB/s: the first pass takes seconds, so rewrites are resent */
    migrate_set_parameter_int(from, "max-bandwidth", 256 << 20);
    migrate_set_parameter_int(from, "downtime-limit", 1);
    migrate_qmp(from, uri, NULL);
    migrate_wait_status(from, "active", NULL);
    while (migrate_ram_stat(from, "dirty-sync-count") < 3) {
        g_autofree char *st = migrate_query_status(from);

        g_assert_cmpstr(st, ==, "active");
        mig_ram_dirty_some(from, 0, BIG_SIZE, rand, 64);
        g_usleep(10 * 1000);
    }
    migrate_ensure_converge(from);
    migrate_wait_status(from, "pre-switchover", NULL);
    /* writes while paused before switchover must still reach the target */
    mig_ram_dirty_some(from, 0, BIG_SIZE, rand, 256);
    migrate_continue(from, "pre-switchover");
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    check_source_done(from);
    check_dest_running(to);
    check_completed_stats(from, BIG_SIZE);
    g_assert_cmpint(migrate_ram_stat(from, "dirty-sync-count"), >=, 4);
    ev = migrate_collect_events(from);
    g_assert_cmpstr(ev, ==, "setup active pre-switchover device completed");
    t0 = g_get_monotonic_time();
    mig_ram_compare(from, to, 0, BIG_SIZE);
    g_test_message("compared 1 GiB in %.1f s",
                   (g_get_monotonic_time() - t0) / 1e6);
    migrate_end(from, to);
}

/* ------------------------------------------------- running guests */

/* Migrate a running guest from @from to a new target under @accel. */
static QTestState *guest_hop(QTestState *from, const char *sockname,
                             const char *accel)
{
    MigrateStart args = {
        .machine = "tern", .mem = "64M", .guest = true, .only_target = true,
        .accel = accel,
    };
    g_autofree char *sock = tmp_path(sockname);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *to;
    size_t n;
    gint64 t0 = g_get_monotonic_time();
    g_autoptr(QDict) info = NULL;

    migrate_start(&from, &to, uri, &args);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    info = migrate_query(from);
    g_test_message("migrated in %.1f s (downtime %" PRId64 " ms)",
                   (g_get_monotonic_time() - t0) / 1e6,
                   qdict_get_int(info, "downtime"));
    check_source_done(from);
    check_dest_running(to);
    /* the source is stopped for good; the target goes on */
    n = mig_serial_passes(mig_vm_serial(to));
    mig_wait_serial_grows(mig_vm_serial(to), n + 2);
    g_test_message("target ran 2 passes at +%.1f s",
                   (g_get_monotonic_time() - t0) / 1e6);
    mig_check_guest_pattern(to);
    g_test_message("target pattern checked at +%.1f s",
                   (g_get_monotonic_time() - t0) / 1e6);
    return to;
}

static QTestState *guest_source(const char *accel)
{
    MigrateStart args = {
        .machine = "tern", .mem = "64M", .guest = true, .accel = accel,
    };
    QTestState *from, *unused;
    gint64 t0 = g_get_monotonic_time();

    migrate_start(&from, &unused, "defer", &args);
    migrate_end(NULL, unused);
    mig_wait_serial_grows(mig_vm_serial(from), 2);
    g_test_message("guest ran 2 passes in %.1f s",
                   (g_get_monotonic_time() - t0) / 1e6);
    mig_check_guest_pattern(from);
    return from;
}

/* @data: "SRC>DST" accelerators. */
static void test_guest(const void *data)
{
    g_auto(GStrv) acc = g_strsplit(data, ">", 2);
    QTestState *from, *to;
    size_t n;

    if (!mig_guest_ok(acc[0], acc[1])) {
        return;
    }
    from = guest_source(acc[0]);
    to = guest_hop(from, "guest.sock", acc[1]);
    /* the source prints nothing more once in postmigrate */
    n = mig_serial_passes(mig_vm_serial(from));
    g_usleep(200 * 1000);
    g_assert_cmpuint(mig_serial_passes(mig_vm_serial(from)), ==, n);
    migrate_end(from, to);
}

static void test_guest_chain(const void *data)
{
    const char *accel = data;
    QTestState *a, *b, *c;

    if (!mig_guest_ok(accel, accel)) {
        return;
    }
    a = guest_source(accel);
    b = guest_hop(a, "guest1.sock", accel);
    c = guest_hop(b, "guest2.sock", accel);
    migrate_end(a, b);
    migrate_end(NULL, c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_framework_init();

    qtest_add_func("/migration/precopy/unix/plain", test_unix_plain);
    qtest_add_func("/migration/precopy/unix/no-events", test_unix_no_events);
    qtest_add_func("/migration/precopy/unix/defer", test_unix_defer);
    qtest_add_func("/migration/precopy/unix/return-path",
                   test_unix_return_path);
    qtest_add_func("/migration/precopy/unix/channels", test_unix_channels);
    qtest_add_func("/migration/precopy/tcp/plain", test_tcp_plain);
    qtest_add_func("/migration/precopy/tcp/defer/return-path",
                   test_tcp_defer_return_path);
    qtest_add_func("/migration/precopy/tcp/ipv6", test_tcp_ipv6);
    qtest_add_func("/migration/precopy/fd/socketpair", test_fd);
    qtest_add_func("/migration/precopy/exec", test_exec);
    qtest_add_func("/migration/precopy/file", test_file);
    qtest_add_func("/migration/precopy/file/channels", test_file_channels);
    qtest_add_func("/migration/precopy/file/offset", test_file_offset);
    qtest_add_func("/migration/precopy/file/offset/bad",
                   test_file_offset_bad);

    qtest_add_func("/migration/bad_dest", test_bad_dest);
    qtest_add_func("/migration/failure/dest-killed", test_dest_killed);
    qtest_add_func("/migration/failure/ram-size", test_ram_size_mismatch);
    qtest_add_func("/migration/failure/ram-size/exit", test_ram_size_exit);
    qtest_add_func("/migration/validate_uuid", test_validate_uuid_match);
    qtest_add_func("/migration/validate_uuid_error",
                   test_validate_uuid_mismatch);
    qtest_add_func("/migration/failure/machine-type", test_machine_mismatch);
    qtest_add_func("/migration/failure/return-path/no-shut",
                   test_rp_no_shut);
    qtest_add_func("/migration/failure/blocker", test_blocker);

    qtest_add_func("/migration/cancel/src/after/none", test_cancel_none);
    qtest_add_func("/migration/cancel/src/after/setup", test_cancel_setup);
    qtest_add_func("/migration/cancel/src/after/active", test_cancel_active);
    qtest_add_func("/migration/cancel/src/after/pre-switchover",
                   test_cancel_pre_switchover);
    qtest_add_func("/migration/cancel/src/quit/active", test_quit_active);
    qtest_add_func("/migration/cancel/src/sigterm/active",
                   test_sigterm_active);
    qtest_add_func("/migration/cancel/src/sigint/active",
                   test_sigint_active);

    qtest_add_func("/migration/options/parameters", test_parameters);
    qtest_add_func("/migration/options/capabilities", test_capabilities);
    qtest_add_func("/migration/options/while-running",
                   test_options_while_running);
    qtest_add_func("/migration/validate_uri/channels",
                   test_uri_channels_checks);

    qtest_add_func("/migration/precopy/chain", test_chain);
    qtest_add_func("/migration/precopy/qtest/1G", test_big_ram);
    qtest_add_data_func("/migration/kvm/guest", "kvm>kvm", test_guest);
    qtest_add_data_func("/migration/kvm/chain", "kvm", test_guest_chain);
    qtest_add_data_func("/migration/tcg/guest", "tcg>tcg", test_guest);
    qtest_add_data_func("/migration/tcg/chain", "tcg", test_guest_chain);
    qtest_add_data_func("/migration/tcg-kvm/guest", "tcg>kvm", test_guest);
    qtest_add_data_func("/migration/kvm-tcg/guest", "kvm>tcg", test_guest);

    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS migration between two Tern processes: QEMU's TLS matrix (PSK keys,
 * x509 hostnames, IP addresses, CAs, client certificates, authz, dates),
 * a plaintext destination, multifd over TLS (every compression; a
 * multifd channel whose handshake fails), and yank of a hung TLS
 * migration.  Successful
 * cases compare guest RAM page by page; failing ones check the reason
 * each side gives, that the source runs on with no socket left, and that
 * it can then migrate again.  Postcopy with postcopy-preempt over TLS
 * (x509, tcp: the URI's host is checked) wraps the preempt channel too.
 * Credentials come from certtool at test time
 * (tests/unit/crypto-tls-certs.c).
 */
#include "qemu/osdep.h"
#include <signal.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "migration/framework.h"
#include "qapi/error.h"
#include "qobject/qlist.h"
#include "../unit/crypto-tls-certs.h"

#define SMALL_MEM       "32M"
#define SMALL_SIZE      (32ULL << 20)

static char *certs;
static char *skip_reason;

typedef struct TLSCase {
    const char *path;
    bool psk;
    const char *src_dir;
    const char *dst_dir;
    const char *hostname;       /* tls-hostname on the source */
    bool tcp;                   /* tcp:127.0.0.1 (else unix:) */
    bool src_lax;               /* sanity-check off on the source */
    bool dst_lax;               /* sanity-check off on the destination */
    const char *authz_simple;   /* identity of an authz-simple 'authz0' */
    const char *authz_rule;     /* policy of an authz-list rule 'tern-*' */
    const char *authz_default;  /* that list's default policy */
    int multifd;                /* multifd-channels, 0: no multifd */
    const char *compression;    /* multifd-compression */
    const char *src_err;        /* NULL: the migration completes */
    const char *dst_err;
} TLSCase;

static int count_sockets(QTestState *who)
{
    g_autofree char *dir = g_strdup_printf("/proc/%d/fd",
                                           (int)qtest_pid(who));
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    int n = 0;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autofree char *link = g_file_read_link(path, NULL);

        n += link && g_str_has_prefix(link, "socket:");
    }
    return n;
}

/*
 * 'failed' is set by the migration thread; the cleanup that closes the
 * sockets runs after it on the main thread: wait for it, bounded.
 */
static void wait_sockets(QTestState *who, int want)
{
    for (int i = 0; i < MIG_WAIT_SECS * 50 && count_sockets(who) != want;
         i++) {
        g_usleep(20 * 1000);
    }
    g_assert_cmpint(count_sockets(who), ==, want);
}

static void add_creds(QTestState *who, bool psk, const char *sub,
                      const char *endpoint, bool lax)
{
    g_autofree char *dir = g_build_filename(certs, sub, NULL);

    if (psk && g_str_equal(endpoint, "client")) {
        qmp_ok_fmt(who, "{'execute': 'object-add', 'arguments':"
                   " {'qom-type': 'tls-creds-psk', 'id': 'tlscreds0',"
                   "  'dir': %s, 'endpoint': 'client', 'username': 'tern'}}",
                   dir);
    } else if (psk) {
        qmp_ok_fmt(who, "{'execute': 'object-add', 'arguments':"
                   " {'qom-type': 'tls-creds-psk', 'id': 'tlscreds0',"
                   "  'dir': %s, 'endpoint': 'server'}}", dir);
    } else {
        qmp_ok_fmt(who, "{'execute': 'object-add', 'arguments':"
                   " {'qom-type': 'tls-creds-x509', 'id': 'tlscreds0',"
                   "  'dir': %s, 'endpoint': %s, 'sanity-check': %i}}",
                   dir, endpoint, !lax);
    }
    migrate_set_parameter_str(who, "tls-creds", "tlscreds0");
}

static void assert_has(const char *who, const char *text, const char *want)
{
    g_test_message("%s error-desc: %s", who, text);
    if (!strstr(text, want)) {
        g_error("%s: expected '%s' in '%s'", who, want, text);
    }
}

static void set_multifd(QTestState *who, int channels,
                        const char *compression)
{
    migrate_set_capability(who, "multifd", true);
    migrate_set_parameter_int(who, "multifd-channels", channels);
    migrate_set_parameter_str(who, "multifd-compression", compression);
}

/* Migrate the source on to a plain destination: it still works. */
static void migrate_again_plain(QTestState *from)
{
    MigrateStart args = { .mem = SMALL_MEM, .only_target = true };
    g_autofree char *sock = g_strdup_printf("%s/again.sock", mig_tmpdir());
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *to;

    migrate_set_parameter_str(from, "tls-creds", "");
    migrate_start(&from, &to, uri, &args);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    mig_ram_compare(from, to, 0, SMALL_SIZE);
    migrate_end(NULL, to);
}

static void test_tls(const void *opaque)
{
    const TLSCase *c = opaque;
    MigrateStart args = { .mem = SMALL_MEM, .return_path = true };
    g_autofree char *sock = g_strdup_printf("%s/tls.sock", mig_tmpdir());
    g_autofree char *listen = c->tcp ? g_strdup("tcp:127.0.0.1:0")
                                     : g_strdup_printf("unix:%s", sock);
    g_autofree char *uri = NULL;
    QTestState *from, *to;
    int sockets;

    if (!certs) {
        g_test_skip(skip_reason);
        return;
    }
    migrate_start(&from, &to, "defer", &args);
    add_creds(from, c->psk, c->src_dir, "client", c->src_lax);
    if (c->dst_dir) {
        add_creds(to, c->psk, c->dst_dir, "server", c->dst_lax);
    }
    if (c->hostname) {
        migrate_set_parameter_str(from, "tls-hostname", c->hostname);
    }
    if (c->authz_simple) {
        qmp_ok_fmt(to, "{'execute': 'object-add', 'arguments':"
                   " {'qom-type': 'authz-simple', 'id': 'authz0',"
                   "  'identity': %s}}", c->authz_simple);
    } else if (c->authz_rule) {
        qmp_ok_fmt(to, "{'execute': 'object-add', 'arguments':"
                   " {'qom-type': 'authz-list', 'id': 'authz0',"
                   "  'policy': %s, 'rules': [{'match': 'O=Tern,CN=tern-*',"
                   "  'format': 'glob', 'policy': %s}]}}",
                   c->authz_default, c->authz_rule);
    }
    if (c->authz_simple || c->authz_rule) {
        migrate_set_parameter_str(to, "tls-authz", "authz0");
    }
    if (c->multifd) {
        set_multifd(from, c->multifd, c->compression);
        set_multifd(to, c->multifd, c->compression);
    }
    qmp_ok_fmt(to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", listen);
    uri = migrate_get_listen_uri(to);
    mig_ram_fill(from, 0, SMALL_SIZE, 0x715, 16);
    migrate_ensure_converge(from);
    sockets = count_sockets(from);
    migrate_qmp(from, uri, NULL);

    if (!c->src_err) {
        migrate_wait_complete(from);
        migrate_wait_complete(to);
        wait_runstate(to, "running");
        mig_ram_compare(from, to, 0, SMALL_SIZE);
        if (c->multifd) {
            int64_t mfd = migrate_ram_stat(from, "multifd-bytes");

            /* The pages went over the (encrypted) multifd channels. */
            g_assert_cmpint(migrate_ram_stat(from, "normal"), >=,
                            SMALL_SIZE / 4096);
            g_assert_cmpint(mfd, >, g_str_equal(c->compression, "none") ?
                            SMALL_SIZE : 64 * 1024);
            g_assert_cmpint(migrate_ram_stat(from, "transferred") - mfd, <,
                            4 * 1024 * 1024);
        }
        migrate_end(from, to);
        return;
    } else {
        g_autofree char *serr = migrate_wait_failed(from);
        g_autofree char *derr = migrate_wait_failed(to);

        assert_has("source", serr, c->src_err);
        assert_has("destination", derr, c->dst_err);
        wait_runstate(from, "running");
        wait_sockets(from, sockets);
    }
    migrate_end(NULL, to);
    migrate_set_capability(from, "multifd", false);
    migrate_again_plain(from);
    migrate_end(from, NULL);
}

#define REFUSED_BY_SERVER "TLS handshake failed: the server sent alert"
#define REFUSED_BY_CLIENT "TLS handshake failed: the client sent alert"

static const TLSCase cases[] = {
    { "/migration/tls/psk/match", .psk = true, "psk", "psk" },
    { "/migration/tls/psk/mismatch", .psk = true, "psk-wrong", "psk",
      .src_err = "TLS handshake failed: ",
      .dst_err = "TLS handshake failed: " },
    { "/migration/tls/x509/default-host", .src_dir = "client",
      .dst_dir = "server", .tcp = true },
    { "/migration/tls/x509/valid-hostname", .src_dir = "client",
      .dst_dir = "server", .hostname = "tern-dst" },
    { "/migration/tls/x509/ip-address-in-san", .src_dir = "client",
      .dst_dir = "server", .hostname = "127.0.0.1" },
    { "/migration/tls/x509/invalid-hostname", .src_dir = "client",
      .dst_dir = "server", .hostname = "tern-other",
      .src_err = "Certificate does not match the hostname tern-other",
      .dst_err = REFUSED_BY_CLIENT },
    { "/migration/tls/x509/no-hostname", .src_dir = "client",
      .dst_dir = "server",
      .src_err = "No hostname for certificate validation",
      .dst_err = REFUSED_BY_CLIENT },
    { "/migration/tls/x509/mismatched-ca", .src_dir = "client-otherca",
      .dst_dir = "server", .hostname = "tern-dst",
      .src_err = "The certificate hasn't got a known issuer",
      .dst_err = REFUSED_BY_CLIENT },
    { "/migration/tls/x509/no-client-cert", .src_dir = "client-nocert",
      .dst_dir = "server", .hostname = "tern-dst",
      .src_err = REFUSED_BY_SERVER,
      .dst_err = "TLS handshake failed: the peer did not send a "
                 "certificate" },
    { "/migration/tls/x509/untrusted-client", .src_dir = "client-untrusted",
      .dst_dir = "server", .hostname = "tern-dst", .src_lax = true,
      .src_err = REFUSED_BY_SERVER,
      .dst_err = "The certificate hasn't got a known issuer" },
    { "/migration/tls/x509/authz-simple/allow", .src_dir = "client",
      .dst_dir = "server", .hostname = "tern-dst",
      .authz_simple = "O=Tern,CN=tern-src" },
    { "/migration/tls/x509/authz-simple/deny", .src_dir = "client",
      .dst_dir = "server", .hostname = "tern-dst",
      .authz_simple = "O=Tern,CN=someone-else",
      .src_err = REFUSED_BY_SERVER,
      .dst_err = "TLS x509 authz check for O=Tern,CN=tern-src is denied" },
    { "/migration/tls/x509/authz-list/allow", .src_dir = "client",
      .dst_dir = "server", .hostname = "tern-dst",
      .authz_rule = "allow", .authz_default = "deny" },
    { "/migration/tls/x509/authz-list/deny", .src_dir = "client",
      .dst_dir = "server", .hostname = "tern-dst",
      .authz_rule = "deny", .authz_default = "allow",
      .src_err = REFUSED_BY_SERVER,
      .dst_err = "TLS x509 authz check for O=Tern,CN=tern-src is denied" },
    { "/migration/tls/x509/expired", .src_dir = "client",
      .dst_dir = "server-expired", .hostname = "tern-dst", .dst_lax = true,
      .src_err = "The certificate has expired",
      .dst_err = REFUSED_BY_CLIENT },
    { "/migration/tls/x509/not-yet-valid", .src_dir = "client",
      .dst_dir = "server-future", .hostname = "tern-dst", .dst_lax = true,
      .src_err = "The certificate is not yet activated",
      .dst_err = REFUSED_BY_CLIENT },
    { "/migration/tls/psk/multifd/none", .psk = true, "psk", "psk",
      .multifd = 2, .compression = "none" },
    { "/migration/tls/psk/multifd/zlib", .psk = true, "psk", "psk",
      .multifd = 2, .compression = "zlib" },
    { "/migration/tls/psk/multifd/zstd", .psk = true, "psk", "psk",
      .multifd = 4, .compression = "zstd" },
    { "/migration/tls/x509/multifd/none", .src_dir = "client",
      .dst_dir = "server", .hostname = "tern-dst", .multifd = 4,
      .compression = "none" },
    { "/migration/tls/x509/multifd/zlib", .src_dir = "client",
      .dst_dir = "server", .tcp = true, .multifd = 2,
      .compression = "zlib" },
    { "/migration/tls/x509/multifd/zstd", .src_dir = "client",
      .dst_dir = "server", .hostname = "tern-dst", .multifd = 2,
      .compression = "zstd" },
    /* Refused on the main channel: no multifd channel is ever opened. */
    { "/migration/tls/psk/multifd/mismatch", .psk = true, "psk-wrong",
      "psk", .multifd = 2, .compression = "none",
      .src_err = "TLS handshake failed: ",
      .dst_err = "TLS handshake failed: " },
    /* The destination was not told about TLS: it reads a ClientHello. */
    { "/migration/tls/x509/plaintext-destination", .src_dir = "client",
      .hostname = "tern-dst",
      .src_err = "TLS handshake failed: the ",
      .dst_err = "" },
};

/* Does query-yank list the 'migration' instance? */
static bool yank_has_migration(QTestState *who)
{
    QDict *rsp = qtest_qmp(who, "{'execute': 'query-yank'}");
    QList *list = qdict_get_qlist(rsp, "return");
    bool found = false;

    g_assert_nonnull(list);
    for (const QListEntry *e = qlist_first(list); e; e = qlist_next(e)) {
        QDict *inst = qobject_to(QDict, qlist_entry_obj(e));

        found |= g_str_equal(qdict_get_str(inst, "type"), "migration");
    }
    qobject_unref(rsp);
    return found;
}

/*
 * A destination that stops answering (SIGSTOP) wedges the source's TLS
 * writes; yank of the 'migration' instance unsticks it.
 */
static void test_yank_hung(void)
{
    MigrateStart args = { .mem = "512M", .return_path = true };
    g_autofree char *sock = g_strdup_printf("%s/tls.sock", mig_tmpdir());
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to;
    g_autofree char *err = NULL;
    int sockets;

    if (!certs) {
        g_test_skip(skip_reason);
        return;
    }
    migrate_start(&from, &to, uri, &args);
    add_creds(from, true, "psk", "client", false);
    add_creds(to, true, "psk", "server", false);
    mig_ram_fill(from, 0, 512ULL << 20, 0x4a9c, 1);
    migrate_ensure_non_converge(from);
    migrate_set_parameter_int(from, "max-bandwidth", 1ULL << 40);
    sockets = count_sockets(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_status(from, "active", NULL);
    g_assert_cmpint(kill(qtest_pid(to), SIGSTOP), ==, 0);
    /* Let the socket buffers fill; the source is then stuck in a write. */
    g_usleep(500 * 1000);

    g_assert_true(yank_has_migration(from));
    qmp_ok_fmt(from, "{'execute': 'yank', 'arguments': {'instances':"
               " [{'type': 'migration'}]}}");
    err = migrate_wait_failed(from);
    g_test_message("source error-desc: %s", err);
    wait_runstate(from, "running");
    wait_sockets(from, sockets);
    g_assert_false(yank_has_migration(from));

    kill(qtest_pid(to), SIGCONT);
    qtest_kill_qemu(to);
    migrate_end(from, to);
}

/*
 * A man in the middle that passes the first connection (the main
 * channel) through to the destination and spoils every later one (the
 * multifd channels) on one side: it answers the source's ClientHello
 * with bytes that are not TLS (spoil_dst false), or sends such bytes to
 * the destination while the source's connection gets no answer at all
 * (spoil_dst true).  One side at a time, so that which error comes
 * first is certain.
 */
typedef struct Proxy {
    int listen_fd;
    char *dst_path;
    bool spoil_dst;
    int fds[2];                 /* source side, destination side */
    gint stop;                  /* atomic */
    int garbled;                /* multifd connections spoiled */
    int held[16];               /* spoil_dst: the source's, unanswered */
    GThread *thread;
} Proxy;

static void proxy_spoil(Proxy *px, int src)
{
    static const char junk[] = "GET / HTTP/1.0\r\nHost: not-tls\r\n\r\n";
    int fd = src;

    if (px->spoil_dst) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };

        g_assert_cmpint(px->garbled, <, G_N_ELEMENTS(px->held));
        px->held[px->garbled++] = src;
        /* Once one channel failed, the destination stops listening. */
        g_strlcpy(sa.sun_path, px->dst_path, sizeof(sa.sun_path));
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            close(fd);
            return;
        }
    } else {
        px->garbled++;
    }
    /* The peer may have hung up already: only the attempt matters. */
    if (write(fd, junk, sizeof(junk) - 1) < 0) {
        g_test_message("proxy: %s", g_strerror(errno));
    }
    shutdown(fd, SHUT_WR);
    close(fd);
}

static void *proxy_thread(void *opaque)
{
    Proxy *px = opaque;
    char buf[65536];

    while (!g_atomic_int_get(&px->stop)) {
        struct pollfd pfd[3] = {
            { .fd = px->listen_fd, .events = POLLIN },
            { .fd = px->fds[0], .events = POLLIN },
            { .fd = px->fds[1], .events = POLLIN },
        };

        if (poll(pfd, 3, 100) <= 0) {
            continue;
        }
        if (pfd[0].revents & POLLIN) {
            int fd = accept(px->listen_fd, NULL, NULL);

            if (fd >= 0 && px->fds[0] < 0) {
                px->fds[0] = fd;
                px->fds[1] = mig_unix_connect(px->dst_path);
            } else if (fd >= 0) {
                proxy_spoil(px, fd);
            }
        }
        for (int i = 0; i < 2; i++) {
            ssize_t n;

            if (px->fds[i] < 0 || !(pfd[i + 1].revents & (POLLIN | POLLHUP |
                                                          POLLERR))) {
                continue;
            }
            n = read(px->fds[i], buf, sizeof(buf));
            if (n <= 0 || write(px->fds[!i], buf, n) != n) {
                close(px->fds[0]);
                close(px->fds[1]);
                px->fds[0] = px->fds[1] = -1;
                break;
            }
        }
    }
    return NULL;
}

static void test_multifd_bad_channel(const void *opaque)
{
    bool spoil_dst = GPOINTER_TO_INT(opaque);
    MigrateStart args = { .mem = SMALL_MEM, .return_path = true };
    g_autofree char *dst_sock = g_strdup_printf("%s/mfd-dst.sock",
                                                mig_tmpdir());
    g_autofree char *px_sock = g_strdup_printf("%s/mfd-proxy.sock",
                                               mig_tmpdir());
    g_autofree char *listen_uri = g_strdup_printf("unix:%s", dst_sock);
    g_autofree char *px_uri = g_strdup_printf("unix:%s", px_sock);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_autofree char *serr = NULL;
    g_autofree char *derr = NULL;
    Proxy px = { .fds = { -1, -1 }, .spoil_dst = spoil_dst };
    QTestState *from, *to;
    QDict *rsp;
    int sockets;

    if (!certs) {
        g_test_skip(skip_reason);
        return;
    }
    px.dst_path = dst_sock;
    px.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_strlcpy(sa.sun_path, px_sock, sizeof(sa.sun_path));
    unlink(px_sock);
    g_assert_cmpint(bind(px.listen_fd, (struct sockaddr *)&sa, sizeof(sa)),
                    ==, 0);
    g_assert_cmpint(listen(px.listen_fd, 16), ==, 0);

    migrate_start(&from, &to, "defer", &args);
    add_creds(from, true, "psk", "client", false);
    add_creds(to, true, "psk", "server", false);
    set_multifd(from, 2, "none");
    set_multifd(to, 2, "none");
    qmp_ok_fmt(to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", listen_uri);
    mig_ram_fill(from, 0, SMALL_SIZE, 0x3b1, 16);
    migrate_ensure_converge(from);
    sockets = count_sockets(from);
    px.thread = g_thread_new("proxy", proxy_thread, &px);
    migrate_qmp(from, px_uri, NULL);

    serr = migrate_wait_failed(from);
    derr = migrate_wait_failed(to);
    if (spoil_dst) {
        assert_has("destination", derr, "multifd connection ");
        assert_has("destination", derr, "TLS handshake failed");
        g_test_message("source error-desc: %s", serr);
    } else {
        assert_has("source", serr, "multifd channel ");
        assert_has("source", serr, "TLS handshake failed");
        g_test_message("destination error-desc: %s", derr);
    }
    wait_runstate(from, "running");
    wait_sockets(from, sockets);
    /* No multifd thread is left on the source. */
    rsp = qtest_qmp(from, "{'execute': 'query-migrationthreads'}");
    g_assert_cmpint(qlist_size(qdict_get_qlist(rsp, "return")), ==, 0);
    qobject_unref(rsp);

    g_atomic_int_set(&px.stop, 1);
    g_thread_join(px.thread);
    g_assert_cmpint(px.garbled, >=, 1);
    for (int i = 0; spoil_dst && i < px.garbled; i++) {
        close(px.held[i]);
    }
    close(px.listen_fd);
    if (px.fds[0] >= 0) {
        close(px.fds[0]);
        close(px.fds[1]);
    }
    unlink(px_sock);
    migrate_end(NULL, to);
    migrate_set_capability(from, "multifd", false);
    migrate_again_plain(from);
    migrate_end(from, NULL);
}

/*
 * Postcopy with postcopy-preempt under TLS (x509 over tcp, with the
 * hostname check): the preempt channel is a second TLS client; the
 * destination's qtest reader faults pages that come on it (the trace
 * point counts them), and RAM is equal.
 */
static void test_tls_postcopy_preempt(void)
{
    g_autofree char *trace = g_strdup_printf("%s/tls-pre.trace",
                                             mig_tmpdir());
    g_autofree char *opts = g_strdup_printf("-trace enable=ram_load_preempt,"
                                            "file=%s", trace);
    MigrateStart args = { .mem = SMALL_MEM, .opts_target = opts };
    g_autofree char *uri = NULL, *text = NULL;
    QTestState *from, *to;

    if (!certs) {
        g_test_skip(skip_reason);
        return;
    }
    if (!mig_uffd_ok()) {
        return;
    }
    migrate_start(&from, &to, "defer", &args);
    add_creds(from, false, "client", "client", false);
    add_creds(to, false, "server", "server", false);
    for (int i = 0; i < 2; i++) {
        QTestState *who = i ? to : from;

        migrate_set_capability(who, "postcopy-ram", true);
        migrate_set_capability(who, "postcopy-preempt", true);
    }
    migrate_incoming_qmp(to, "tcp:127.0.0.1:0", NULL);
    uri = migrate_get_listen_uri(to);
    mig_ram_fill(from, 0, SMALL_SIZE, 0x7e3, 16);
    migrate_ensure_non_converge(from);
    migrate_set_parameter_int(from, "max-postcopy-bandwidth",
                              4 * 1000 * 1000);
    migrate_qmp(from, uri, NULL);
    migrate_wait_passes(from, 1);
    qmp_ok_fmt(from, "{'execute': 'migrate-start-postcopy'}");
    migrate_wait_status(to, "postcopy-active", NULL);
    wait_runstate(to, "running");
    mig_ram_compare(from, to, 0, SMALL_SIZE);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    g_assert_true(g_file_get_contents(trace, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "ram_load_preempt"));
    mig_ram_compare(from, to, 0, SMALL_SIZE);
    migrate_end(from, to);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    migration_framework_init();
    certs = tls_test_certs_create_in(mig_tmpdir(), &skip_reason);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        qtest_add_data_func(cases[i].path, &cases[i], test_tls);
    }
    qtest_add_func("/migration/tls/yank-hung", test_yank_hung);
    qtest_add_func("/migration/tls/x509/postcopy-preempt",
                   test_tls_postcopy_preempt);
    qtest_add_data_func("/migration/tls/multifd/bad-channel/source",
                        GINT_TO_POINTER(false), test_multifd_bad_channel);
    qtest_add_data_func("/migration/tls/multifd/bad-channel/destination",
                        GINT_TO_POINTER(true), test_multifd_bad_channel);
    ret = g_test_run();
    return ret | !tls_test_certs_remove(certs);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS migration between two Tern processes: QEMU's TLS matrix (PSK keys,
 * x509 hostnames, IP addresses, CAs, client certificates, authz, dates),
 * a plaintext destination, and yank of a hung TLS migration.  Successful
 * cases compare guest RAM page by page; failing ones check the reason
 * each side gives, that the source runs on with no socket left, and that
 * it can then migrate again.  Credentials come from certtool at test
 * time (tests/unit/crypto-tls-certs.c).
 */
#include "qemu/osdep.h"
#include <signal.h>
#include "migration/framework.h"
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

int main(int argc, char **argv)
{
    g_autofree char *tmp = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    migration_framework_init();
    tmp = g_build_filename(mig_tmpdir(), "certs", NULL);
    if (tls_test_certs_create(tmp, &skip_reason)) {
        certs = g_steal_pointer(&tmp);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        qtest_add_data_func(cases[i].path, &cases[i], test_tls);
    }
    qtest_add_func("/migration/tls/yank-hung", test_yank_hung);
    ret = g_test_run();
    if (certs) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", certs);

        ret |= system(cmd) != 0;
    }
    return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * secret, tls-creds-{x509,psk,anon}, tls-cipher-suites, authz-* and
 * QIOChannelTLS.  TLS sessions run between the two ends of a socketpair
 * in this process, both handshakes driven by the main loop, over
 * credentials certtool makes in a temporary directory (QEMU's TLS test
 * matrix: hostnames, IP addresses, CAs, client certificates, authz,
 * validity dates, PSK keys).  Every case checks the message each side
 * gives and that no descriptor is left open.
 */
#include "qemu/osdep.h"
#include <gnutls/crypto.h>
#include <sys/socket.h>
#include "qapi/error.h"
#include "qemu/base64.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qom/object_interfaces.h"
#include "authz/base.h"
#include "crypto/pskfile.h"
#include "crypto/secret.h"
#include "io/channel-socket.h"
#include "io/channel-tls.h"
#include "crypto-tls-certs.h"

static char *certs;             /* the credential tree, or NULL to skip */
static char *certs_skip_reason;

static bool need_certs(void)
{
    if (!certs) {
        g_test_skip(certs_skip_reason);
        return false;
    }
    return true;
}

static int count_fds(void)
{
    g_autoptr(GDir) d = g_dir_open("/proc/self/fd", 0, NULL);
    int n = 0;

    while (d && g_dir_read_name(d)) {
        n++;
    }
    return n;
}

/* Run the main loop until *@flag, for up to about 10 s. */
static void wait_for(bool *flag)
{
    for (int i = 0; i < 10000 && !*flag; i++) {
        main_loop_wait(true);
        if (!*flag) {
            g_usleep(1000);
        }
    }
    g_assert_true(*flag);
}

/* object-add from a JSON template (qdict_from_jsonf_nofail syntax). */
#define ADD_OBJECT(...) do {                                            \
        QDict *d_ = qdict_from_jsonf_nofail(__VA_ARGS__);                \
        user_creatable_add_dict(d_, false, &error_abort);               \
        qobject_unref(d_);                                              \
    } while (0)

static char *certs_path(const char *sub)
{
    return g_build_filename(certs, sub, NULL);
}

/* A tls-creds-TYPE object /objects/@id over certs/@sub. */
static Object *creds_new(const char *type, const char *id, const char *sub,
                         const char *endpoint, Error **errp, ...)
    G_GNUC_NULL_TERMINATED;
static Object *creds_new(const char *type, const char *id, const char *sub,
                         const char *endpoint, Error **errp, ...)
{
    g_autofree char *dir = sub ? certs_path(sub) : NULL;
    Object *obj = object_new(type);
    va_list ap;
    const char *name;

    if (dir) {
        object_property_set_str(obj, "dir", dir, &error_abort);
    }
    object_property_parse(obj, "endpoint", endpoint, &error_abort);
    va_start(ap, errp);
    while ((name = va_arg(ap, const char *))) {
        object_property_parse(obj, name, va_arg(ap, const char *),
                              &error_abort);
    }
    va_end(ap);
    object_property_add_child(object_get_objects_root(), id, obj);
    object_unref(obj);
    if (!user_creatable_complete(USER_CREATABLE(obj), errp)) {
        object_unparent(obj);
        return NULL;
    }
    return obj;
}

static void del(const char *id)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(),
                                                id);
    if (obj) {
        object_unparent(obj);
    }
}

/* ------------------------------------------------------ a TLS session */

typedef struct Side {
    QIOChannelTLS *tioc;
    bool done;
    Error *err;
} Side;

typedef struct Pair {
    Side client, server;
} Pair;

static void handshake_done(QIOTask *task, gpointer opaque)
{
    Side *side = opaque;

    qio_task_propagate_error(task, &side->err);
    side->done = true;
}

/* Connect a client and a server session and run both handshakes. */
static void pair_run(Pair *p, Object *ccreds, Object *screds,
                     const char *hostname, const char *authz)
{
    int sv[2];
    QIOChannelSocket *cs, *ss;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    cs = qio_channel_socket_new_fd(sv[0], &error_abort);
    ss = qio_channel_socket_new_fd(sv[1], &error_abort);
    p->client.tioc = qio_channel_tls_new_client(QIO_CHANNEL(cs),
                                                QCRYPTO_TLS_CREDS(ccreds),
                                                hostname, &error_abort);
    p->server.tioc = qio_channel_tls_new_server(QIO_CHANNEL(ss),
                                                QCRYPTO_TLS_CREDS(screds),
                                                authz, &error_abort);
    object_unref(cs);
    object_unref(ss);
    qio_channel_tls_handshake(p->server.tioc, handshake_done, &p->server,
                              NULL, NULL);
    qio_channel_tls_handshake(p->client.tioc, handshake_done, &p->client,
                              NULL, NULL);
    wait_for(&p->client.done);
    wait_for(&p->server.done);
}

/*
 * With TLS 1.3 a client finishes its handshake before the server has
 * checked the client: the server's refusal arrives on the first read.
 */
static Error *client_first_read_error(Pair *p)
{
    Error *err = NULL;
    char c;

    if (p->client.err) {
        return g_steal_pointer(&p->client.err);
    }
    /* A server that failed closes its end: the read cannot hang. */
    g_clear_pointer(&p->server.tioc, object_unref);
    qio_channel_set_blocking(QIO_CHANNEL(p->client.tioc), true,
                             &error_abort);
    g_assert_cmpint(qio_channel_read(QIO_CHANNEL(p->client.tioc), &c, 1,
                                     &err), ==, -1);
    return err;
}

static void pair_free(Pair *p)
{
    g_clear_pointer(&p->client.tioc, object_unref);
    g_clear_pointer(&p->server.tioc, object_unref);
    error_free(p->client.err);
    error_free(p->server.err);
    *p = (Pair) { };
}

static void assert_error_has(Error *err, const char *text)
{
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), text)) {
        g_error("expected '%s' in '%s'", text, error_get_pretty(err));
    }
}

typedef struct Writer {
    QIOChannel *ioc;
    struct iovec *iov;
    size_t niov;
} Writer;

static gpointer writer_thread(gpointer opaque)
{
    Writer *w = opaque;

    g_assert_cmpint(qio_channel_writev_all(w->ioc, w->iov, w->niov,
                                           &error_abort), ==, 0);
    return NULL;
}

/*
 * @len bytes from @src to @dst (writer in a thread, both blocking), in
 * 4 KiB pieces like pages: the first half adjacent in memory (records
 * go straight from it), the second half with gaps between the pieces
 * (gathered), all in one write (several batches of records).
 */
static void transfer(QIOChannel *src, QIOChannel *dst, size_t len)
{
    size_t piece = 4096, niov = DIV_ROUND_UP(len, piece);
    g_autofree char *out = g_malloc(len);
    g_autofree char *gapped = g_malloc(niov * 2 * piece);
    g_autofree char *in = g_malloc(len);
    g_autofree struct iovec *iov = g_new(struct iovec, niov);
    Writer w = { src, iov, niov };
    GThread *th;

    for (size_t i = 0; i < len; i++) {
        out[i] = i * 7 + (i >> 13);
    }
    for (size_t i = 0; i < niov; i++) {
        size_t off = i * piece, n = MIN(piece, len - off);

        iov[i].iov_len = n;
        if (i < niov / 2) {
            iov[i].iov_base = out + off;
        } else {
            iov[i].iov_base = gapped + 2 * off;
            memcpy(iov[i].iov_base, out + off, n);
        }
    }
    qio_channel_set_blocking(src, true, &error_abort);
    qio_channel_set_blocking(dst, true, &error_abort);
    th = g_thread_new("writer", writer_thread, &w);
    g_assert_cmpint(qio_channel_read_all(dst, in, len, &error_abort), ==, 0);
    g_thread_join(th);
    g_assert(memcmp(in, out, len) == 0);
}

/* ------------------------------------------------------- the x509 matrix */

typedef struct X509Case {
    const char *path;
    const char *server_dir;
    const char *client_dir;
    const char *hostname;
    bool no_verify;             /* the server does not verify the client */
    bool no_sanity;             /* the server skips the sanity check */
    bool client_lax;            /* the client checks nothing */
    const char *authz;          /* an authz id created by the test */
    const char *client_err;     /* NULL: success */
    const char *server_err;
} X509Case;

static void make_authz_objects(void)
{
    object_new_with_props("authz-simple", object_get_objects_root(),
                          "authz-ok", &error_abort,
                          "identity", TLS_TEST_CLIENT_DN, NULL);
    object_new_with_props("authz-simple", object_get_objects_root(),
                          "authz-no", &error_abort,
                          "identity", "CN=someone-else", NULL);
    ADD_OBJECT(
        "{'qom-type': 'authz-list', 'id': 'authz-list-ok',"
        " 'rules': [{'match': 'CN=nobody', 'policy': 'deny'},"
        "           {'match': 'O=Tern,CN=tern-*', 'policy': 'allow',"
        "            'format': 'glob'}]}");
    ADD_OBJECT(
        "{'qom-type': 'authz-list', 'id': 'authz-list-no', 'policy': 'allow',"
        " 'rules': [{'match': %s, 'policy': 'deny'}]}", TLS_TEST_CLIENT_DN);
}

static void test_x509(const void *opaque)
{
    const X509Case *c = opaque;
    int fds = count_fds();
    Object *screds, *ccreds;
    Pair p = { };

    if (!need_certs()) {
        return;
    }
    screds = creds_new("tls-creds-x509", "tls-server", c->server_dir,
                       "server", &error_abort,
                       "verify-peer", c->no_verify ? "off" : "on",
                       "sanity-check", c->no_sanity ? "off" : "on", NULL);
    ccreds = creds_new("tls-creds-x509", "tls-client", c->client_dir,
                       "client", &error_abort,
                       "verify-peer", c->client_lax ? "off" : "on",
                       "sanity-check", c->client_lax ? "off" : "on", NULL);
    pair_run(&p, ccreds, screds, c->hostname, c->authz);
    if (c->server_err) {
        assert_error_has(p.server.err, c->server_err);
    } else if (p.server.err) {
        g_error("server: %s", error_get_pretty(p.server.err));
    }
    if (c->client_err) {
        Error *err = client_first_read_error(&p);

        assert_error_has(err, c->client_err);
        error_free(err);
    } else {
        g_autofree char *peer = NULL;

        g_assert_null(p.client.err);
        peer = qcrypto_tls_session_get_peer_name(
            qio_channel_tls_get_session(p.server.tioc));
        if (!c->no_verify) {
            g_assert_cmpstr(peer, ==, TLS_TEST_CLIENT_DN);
        }
        transfer(QIO_CHANNEL(p.client.tioc), QIO_CHANNEL(p.server.tioc),
                 3 * MiB + 17);
        transfer(QIO_CHANNEL(p.server.tioc), QIO_CHANNEL(p.client.tioc),
                 100000);
    }
    pair_free(&p);
    del("tls-server");
    del("tls-client");
    g_assert_cmpint(count_fds(), ==, fds);
}

static const X509Case x509_cases[] = {
    { "/tls/x509/default-host", "server", "client", "tern-dst" },
    { "/tls/x509/ipv4-in-san", "server", "client", "127.0.0.1" },
    { "/tls/x509/ipv6-in-san", "server", "client", "::1" },
    { "/tls/x509/invalid-hostname", "server", "client", "tern-other",
      .client_err = "Certificate does not match the hostname tern-other",
      .server_err = "TLS handshake failed: the client sent alert" },
    { "/tls/x509/no-hostname", "server", "client", NULL,
      .client_err = "No hostname for certificate validation",
      .server_err = "TLS handshake failed: the client sent alert" },
    { "/tls/x509/mismatched-ca", "server", "client-otherca", "tern-dst",
      .client_err = "The certificate hasn't got a known issuer",
      .server_err = "TLS handshake failed: the client sent alert" },
    { "/tls/x509/no-client-cert", "server", "client-nocert", "tern-dst",
      .server_err = "TLS handshake failed: the peer did not send a "
                    "certificate",
      .client_err = "TLS handshake failed: the server sent alert" },
    { "/tls/x509/no-client-cert-no-verify", "server", "client-nocert",
      "tern-dst", .no_verify = true },
    { "/tls/x509/untrusted-client", "server", "client-untrusted",
      "tern-dst", .client_lax = true,
      .server_err = "The certificate hasn't got a known issuer",
      .client_err = "TLS handshake failed: the server sent alert" },
    { "/tls/x509/authz-simple-allow", "server", "client", "tern-dst",
      .authz = "authz-ok" },
    { "/tls/x509/authz-simple-deny", "server", "client", "tern-dst",
      .authz = "authz-no",
      .server_err = "TLS x509 authz check for " TLS_TEST_CLIENT_DN
                    " is denied",
      .client_err = "TLS handshake failed: the server sent alert" },
    { "/tls/x509/authz-list-allow", "server", "client", "tern-dst",
      .authz = "authz-list-ok" },
    { "/tls/x509/authz-list-deny", "server", "client", "tern-dst",
      .authz = "authz-list-no",
      .server_err = "TLS x509 authz check for " TLS_TEST_CLIENT_DN
                    " is denied",
      .client_err = "TLS handshake failed: the server sent alert" },
    { "/tls/x509/authz-missing", "server", "client", "tern-dst",
      .authz = "authz-nonexistent",
      .server_err = "Cannot find QAuthZ object ID authz-nonexistent",
      .client_err = "TLS handshake failed: the server sent alert" },
    { "/tls/x509/server-expired", "server-expired", "client", "tern-dst",
      .no_sanity = true,
      .client_err = "The certificate has expired",
      .server_err = "TLS handshake failed: the client sent alert" },
    { "/tls/x509/server-not-yet-active", "server-future", "client",
      "tern-dst", .no_sanity = true,
      .client_err = "The certificate is not yet activated",
      .server_err = "TLS handshake failed: the client sent alert" },
};

/* -------------------------------------------------------- PSK and anon */

static void test_psk(void)
{
    int fds = count_fds();
    Object *screds, *ccreds;
    g_autofree char *peer = NULL;
    Pair p = { };

    if (!need_certs()) {
        return;
    }
    screds = creds_new("tls-creds-psk", "psk-server", "psk", "server",
                       &error_abort, NULL);
    ccreds = creds_new("tls-creds-psk", "psk-client", "psk", "client",
                       &error_abort, "username", "tern", NULL);
    pair_run(&p, ccreds, screds, NULL, NULL);
    g_assert_null(p.client.err);
    g_assert_null(p.server.err);
    peer = qcrypto_tls_session_get_peer_name(
        qio_channel_tls_get_session(p.server.tioc));
    g_assert_cmpstr(peer, ==, "tern");
    transfer(QIO_CHANNEL(p.client.tioc), QIO_CHANNEL(p.server.tioc), MiB);
    pair_free(&p);

    /* The default user name is "qemu", and authz sees the user name. */
    del("psk-client");
    ccreds = creds_new("tls-creds-psk", "psk-client", "psk", "client",
                       &error_abort, NULL);
    object_new_with_props("authz-simple", object_get_objects_root(),
                          "authz-psk", &error_abort, "identity", "tern",
                          NULL);
    pair_run(&p, ccreds, screds, NULL, "authz-psk");
    assert_error_has(p.server.err, "TLS PSK authz check for qemu is denied");
    pair_free(&p);
    del("authz-psk");

    /* Mismatched keys: neither side gets through. */
    del("psk-client");
    ccreds = creds_new("tls-creds-psk", "psk-client", "psk-wrong", "client",
                       &error_abort, "username", "tern", NULL);
    pair_run(&p, ccreds, screds, NULL, NULL);
    assert_error_has(p.server.err, "TLS handshake failed: ");
    assert_error_has(p.client.err, "TLS handshake failed: ");
    pair_free(&p);
    del("psk-client");
    del("psk-server");
    g_assert_cmpint(count_fds(), ==, fds);
}

static void test_psk_creds_errors(void)
{
    Error *err = NULL;

    if (!need_certs()) {
        return;
    }
    g_assert_null(creds_new("tls-creds-psk", "p", "psk", "client", &err,
                            "username", "nobody", NULL));
    assert_error_has(err, "Username nobody not found in PSK file ");
    g_clear_pointer(&err, error_free);
    g_assert_null(creds_new("tls-creds-psk", "p", "psk", "server", &err,
                            "username", "tern", NULL));
    assert_error_has(err, "username should not be set when endpoint=server");
    g_clear_pointer(&err, error_free);
    g_assert_null(creds_new("tls-creds-psk", "p", "server", "server", &err,
                            NULL));
    assert_error_has(err, "Unable to access credentials ");
    assert_error_has(err, "keys.psk: No such file or directory");
    error_free(err);
}

static void test_anon(void)
{
    Object *screds, *ccreds;
    Pair p = { };

    screds = creds_new("tls-creds-anon", "anon-server", NULL, "server",
                       &error_abort, NULL);
    ccreds = creds_new("tls-creds-anon", "anon-client", NULL, "client",
                       &error_abort, NULL);
    pair_run(&p, ccreds, screds, NULL, NULL);
    g_assert_null(p.client.err);
    g_assert_null(p.server.err);
    transfer(QIO_CHANNEL(p.server.tioc), QIO_CHANNEL(p.client.tioc), MiB);
    pair_free(&p);
    del("anon-server");
    del("anon-client");
}

/* --------------------------------------------- a peer speaking plaintext */

static void test_plaintext_peer(void)
{
    Object *screds, *ccreds;
    int sv[2];
    g_autoptr(QIOChannelSocket) cs = NULL, ss = NULL;
    g_autoptr(QIOChannelTLS) tioc = NULL;
    Side side = { };
    char buf[64];

    if (!need_certs()) {
        return;
    }
    ccreds = creds_new("tls-creds-x509", "tls-client", "client", "client",
                       &error_abort, NULL);
    screds = creds_new("tls-creds-x509", "tls-server", "server", "server",
                       &error_abort, NULL);

    /* A TLS client whose server reads the hello and hangs up. */
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    cs = qio_channel_socket_new_fd(sv[0], &error_abort);
    ss = qio_channel_socket_new_fd(sv[1], &error_abort);
    side.tioc = tioc = qio_channel_tls_new_client(
        QIO_CHANNEL(cs), QCRYPTO_TLS_CREDS(ccreds), "tern-dst", &error_abort);
    qio_channel_tls_handshake(tioc, handshake_done, &side, NULL, NULL);
    g_assert_cmpint(qio_channel_read(QIO_CHANNEL(ss), buf, 8, &error_abort),
                    >, 0);
    qio_channel_close(QIO_CHANNEL(ss), &error_abort);
    wait_for(&side.done);
    /* A close with our hello unread is a reset: either wording. */
    assert_error_has(side.err, "TLS handshake failed: the ");
    assert_error_has(side.err, "server");
    assert_error_has(side.err, "is it set up for TLS");
    g_clear_pointer(&side.err, error_free);
    g_clear_pointer(&tioc, object_unref);
    g_clear_pointer(&cs, object_unref);
    g_clear_pointer(&ss, object_unref);

    /* A TLS server whose client sends a migration stream header. */
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    cs = qio_channel_socket_new_fd(sv[0], &error_abort);
    ss = qio_channel_socket_new_fd(sv[1], &error_abort);
    side = (Side) { };
    side.tioc = tioc = qio_channel_tls_new_server(
        QIO_CHANNEL(ss), QCRYPTO_TLS_CREDS(screds), NULL, &error_abort);
    qio_channel_tls_handshake(tioc, handshake_done, &side, NULL, NULL);
    g_assert_cmpint(qio_channel_write(QIO_CHANNEL(cs), "QEVM\0\0\0\3", 8,
                                      &error_abort), ==, 8);
    wait_for(&side.done);
    assert_error_has(side.err, "TLS handshake failed: ");
    error_free(side.err);
    del("tls-client");
    del("tls-server");
}

/* ------------------------------------------------- x509 creation checks */

static void test_x509_creds_errors(void)
{
    Error *err = NULL;
    g_autofree char *secret_msg = NULL;
    g_autofree char *suites = NULL;

    if (!need_certs()) {
        return;
    }
    g_assert_null(creds_new("tls-creds-x509", "x", NULL, "server", &err,
                            NULL));
    assert_error_has(err, "Missing 'dir' property value");
    g_clear_pointer(&err, error_free);
    g_assert_null(creds_new("tls-creds-x509", "x", "psk", "server", &err,
                            NULL));
    assert_error_has(err, "Unable to access credentials ");
    assert_error_has(err, "ca-cert.pem: No such file or directory");
    g_clear_pointer(&err, error_free);
    g_assert_null(creds_new("tls-creds-x509", "x", "server-expired",
                            "server", &err, NULL));
    assert_error_has(err, "The server certificate ");
    assert_error_has(err, "server-cert.pem has expired");
    g_clear_pointer(&err, error_free);
    g_assert_null(creds_new("tls-creds-x509", "x", "server-future",
                            "server", &err, NULL));
    assert_error_has(err, "server-cert.pem is not yet active");
    g_clear_pointer(&err, error_free);
    g_assert_null(creds_new("tls-creds-x509", "x", "client-untrusted",
                            "client", &err, NULL));
    assert_error_has(err, "Our own certificate ");
    assert_error_has(err, "The certificate hasn't got a known issuer");
    g_clear_pointer(&err, error_free);

    /* An encrypted key needs its password, from a secret. */
    g_assert_null(creds_new("tls-creds-x509", "x", "client-enc", "client",
                            &err, NULL));
    assert_error_has(err, "Cannot load certificate ");
    g_clear_pointer(&err, error_free);
    g_assert_null(creds_new("tls-creds-x509", "x", "client-enc", "client",
                            &err, "passwordid", "pw", NULL));
    assert_error_has(err, "No secret with id 'pw'");
    g_clear_pointer(&err, error_free);
    object_new_with_props("secret", object_get_objects_root(), "pw",
                          &error_abort, "data", TLS_TEST_KEY_PASSWORD, NULL);
    g_assert_nonnull(creds_new("tls-creds-x509", "x", "client-enc", "client",
                               &error_abort, "passwordid", "pw", NULL));
    g_assert_true(object_property_get_bool(
        object_resolve_path_component(object_get_objects_root(), "x"),
        "loaded", &error_abort));
    del("x");
    del("pw");

    /* Client credentials cannot serve. */
    {
        Object *c = creds_new("tls-creds-x509", "x", "client", "client",
                              &error_abort, NULL);
        int sv[2];
        g_autoptr(QIOChannelSocket) s = NULL;

        g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
        close(sv[1]);
        s = qio_channel_socket_new_fd(sv[0], &error_abort);
        g_assert_null(qio_channel_tls_new_server(QIO_CHANNEL(s),
                                                 QCRYPTO_TLS_CREDS(c), NULL,
                                                 &err));
        assert_error_has(err, "Credentials endpoint doesn't match session");
        g_clear_pointer(&err, error_free);
        g_assert_false(qcrypto_tls_creds_check_endpoint(
            QCRYPTO_TLS_CREDS(c), QCRYPTO_TLS_CREDS_ENDPOINT_SERVER, &err));
        assert_error_has(err, "Expected TLS credentials for a server "
                         "endpoint");
        g_clear_pointer(&err, error_free);
        del("x");
    }

    /* tls-cipher-suites checks its priority. */
    g_assert_nonnull(creds_new("tls-cipher-suites", "cs", NULL, "client",
                               &error_abort, "priority",
                               "NORMAL:-VERS-ALL:+VERS-TLS1.2", NULL));
    suites = object_property_get_str(
        object_resolve_path_component(object_get_objects_root(), "cs"),
        "suites", &error_abort);
    g_assert_nonnull(strstr(suites, "0x"));
    del("cs");
    g_assert_null(creds_new("tls-cipher-suites", "cs", NULL, "client", &err,
                            "priority", "NONSENSE-PRIORITY", NULL));
    assert_error_has(err, "Syntax error using priority 'NONSENSE-PRIORITY'");
    error_free(err);
}

/* ------------------------------------------------------------- secrets */

static Object *secret_new(const char *id, Error **errp, ...)
    G_GNUC_NULL_TERMINATED;
static Object *secret_new(const char *id, Error **errp, ...)
{
    va_list ap;
    Object *obj;

    va_start(ap, errp);
    obj = object_new_with_propv("secret", object_get_objects_root(), id,
                                errp, ap);
    va_end(ap);
    return obj;
}

static void assert_secret(const char *id, const void *data, size_t len)
{
    g_autofree uint8_t *got = NULL;
    size_t gotlen;

    g_assert_true(qcrypto_secret_lookup(id, &got, &gotlen, &error_abort));
    g_assert_cmpuint(gotlen, ==, len);
    g_assert(memcmp(got, data, len) == 0);
}

/* AES-256-CBC with PKCS#7 padding, as a management tool would do it. */
static char *encrypt_b64(const uint8_t *key, const uint8_t *iv,
                         const char *text)
{
    size_t len = strlen(text), padded = (len / 16 + 1) * 16;
    g_autofree uint8_t *buf = g_malloc(padded);
    gnutls_datum_t kd = { (uint8_t *)key, 32 }, ivd = { (uint8_t *)iv, 16 };
    gnutls_cipher_hd_t h;

    memcpy(buf, text, len);
    memset(buf + len, padded - len, padded - len);
    g_assert_cmpint(gnutls_cipher_init(&h, GNUTLS_CIPHER_AES_256_CBC, &kd,
                                       &ivd), ==, 0);
    g_assert_cmpint(gnutls_cipher_encrypt(h, buf, padded), ==, 0);
    gnutls_cipher_deinit(h);
    return qbase64_encode(buf, padded);
}

static void test_secret(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-secret-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "s", NULL);
    uint8_t key[32], iv[16];
    g_autofree char *key64 = NULL, *iv64 = NULL, *ct = NULL;
    g_autofree char *utf8 = NULL;
    Error *err = NULL;

    secret_new("s-raw", &error_abort, "data", "p4ssw0rd", NULL);
    assert_secret("s-raw", "p4ssw0rd", 8);
    utf8 = qcrypto_secret_lookup_as_utf8("s-raw", &error_abort);
    g_assert_cmpstr(utf8, ==, "p4ssw0rd");
    secret_new("s-b64", &error_abort, "data", "AAEC/w==", "format", "base64",
               NULL);
    assert_secret("s-b64", "\x00\x01\x02\xff", 4);
    g_assert_null(qcrypto_secret_lookup_as_utf8("s-b64", &err));
    assert_error_has(err, "Data from secret s-b64 is not valid UTF-8");
    g_clear_pointer(&err, error_free);
    g_assert_true(g_file_set_contents(file, "from\nfile", -1, NULL));
    secret_new("s-file", &error_abort, "file", file, NULL);
    assert_secret("s-file", "from\nfile", 9);

    g_assert_null(secret_new("s-bad", &err, "data", "x", "file", file,
                             NULL));
    assert_error_has(err, "'data' and 'file' are mutually exclusive");
    g_clear_pointer(&err, error_free);
    g_assert_null(secret_new("s-bad", &err, NULL));
    assert_error_has(err, "Either 'file' or 'data' must be provided");
    g_clear_pointer(&err, error_free);
    g_assert_null(secret_new("s-bad", &err, "data", "not base64!",
                             "format", "base64", NULL));
    g_assert_nonnull(err);
    g_clear_pointer(&err, error_free);
    g_assert_null(secret_new("s-bad", &err, "file", "/nonexistent/x", NULL));
    assert_error_has(err, "Unable to read /nonexistent/x: ");
    g_clear_pointer(&err, error_free);

    /* Encrypted under another secret. */
    for (int i = 0; i < 32; i++) {
        key[i] = i * 13 + 1;
    }
    for (int i = 0; i < 16; i++) {
        iv[i] = 255 - i;
    }
    key64 = qbase64_encode(key, 32);
    iv64 = qbase64_encode(iv, 16);
    ct = encrypt_b64(key, iv, "the real password");
    secret_new("master", &error_abort, "data", key64, "format", "base64",
               NULL);
    secret_new("s-enc", &error_abort, "data", ct, "format", "base64",
               "keyid", "master", "iv", iv64, NULL);
    assert_secret("s-enc", "the real password", 17);
    g_assert_null(secret_new("s-bad", &err, "data", ct, "format", "base64",
                             "keyid", "master", NULL));
    assert_error_has(err, "IV is required to decrypt secret");
    g_clear_pointer(&err, error_free);
    g_assert_null(secret_new("s-bad", &err, "data", ct, "format", "base64",
                             "keyid", "s-raw", "iv", iv64, NULL));
    assert_error_has(err, "Key should be 32 bytes in length");
    g_clear_pointer(&err, error_free);

    g_assert_false(qcrypto_secret_lookup_as_utf8("nope", &err));
    assert_error_has(err, "No secret with id 'nope'");
    g_clear_pointer(&err, error_free);
    object_new_with_props("authz-simple", object_get_objects_root(), "az",
                          &error_abort, "identity", "x", NULL);
    g_assert_false(qcrypto_secret_lookup_as_utf8("az", &err));
    assert_error_has(err, "Object with id 'az' is not a secret");
    g_clear_pointer(&err, error_free);
    g_assert_false(qauthz_is_allowed_by_id("s-raw", "x", &err));
    assert_error_has(err, "Object 's-raw' is not a QAuthZ subclass");
    error_free(err);

    for (const char *const *id = (const char *const[]) {
             "s-raw", "s-b64", "s-file", "master", "s-enc", "az", NULL };
         *id; id++) {
        del(*id);
    }
    unlink(file);
    rmdir(dir);
}

/* --------------------------------------------------------------- authz */

static bool allowed(const char *id, const char *identity)
{
    return qauthz_is_allowed_by_id(id, identity, &error_abort);
}

static void test_authz_list(void)
{
    ADD_OBJECT(
        "{'qom-type': 'authz-list', 'id': 'al',"
        " 'rules': [{'match': 'fred', 'policy': 'allow'},"
        "           {'match': 'b?b*', 'policy': 'deny', 'format': 'glob'},"
        "           {'match': 'b*', 'policy': 'allow', 'format': 'glob'}]}");
    g_assert_true(allowed("al", "fred"));
    g_assert_false(allowed("al", "fredx"));
    g_assert_false(allowed("al", "bobby"));
    g_assert_true(allowed("al", "bill"));
    g_assert_false(allowed("al", "nobody"));       /* default: deny */
    object_property_parse(object_resolve_path_component(
                              object_get_objects_root(), "al"),
                          "policy", "allow", &error_abort);
    g_assert_true(allowed("al", "nobody"));
    del("al");
}

static void test_authz_listfile(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-authz-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "acl.json", NULL);
    g_autofree char *tmp = g_build_filename(dir, "acl.json.new", NULL);
    Error *err = NULL;

    g_assert_true(g_file_set_contents(file,
        "{\"policy\": \"deny\", \"rules\": [{\"match\": \"CN=tern-*\","
        " \"policy\": \"allow\", \"format\": \"glob\"}]}", -1, NULL));
    object_new_with_props("authz-listfile", object_get_objects_root(), "alf",
                          &error_abort, "filename", file, NULL);
    g_assert_true(allowed("alf", "CN=tern-src"));
    g_assert_false(allowed("alf", "CN=other"));

    /* Replace the file the way tools do (rename over it): reloaded. */
    g_assert_true(g_file_set_contents(tmp, "{\"policy\": \"allow\"}", -1,
                                      NULL));
    g_assert_cmpint(rename(tmp, file), ==, 0);
    for (int i = 0; i < 5000 && !allowed("alf", "CN=other"); i++) {
        main_loop_wait(true);
        g_usleep(1000);
    }
    g_assert_true(allowed("alf", "CN=other"));

    /* A file that does not load refuses everyone until it is fixed. */
    g_assert_true(g_file_set_contents(file, "{\"policy\": ", -1, NULL));
    for (int i = 0; i < 5000 && allowed("alf", "CN=other"); i++) {
        main_loop_wait(true);
        g_usleep(1000);
    }
    g_assert_false(allowed("alf", "CN=other"));
    del("alf");

    g_assert_null(object_new_with_props("authz-listfile",
                                        object_get_objects_root(), "alf",
                                        &err, "filename", file, NULL));
    g_assert_nonnull(err);
    g_clear_pointer(&err, error_free);
    g_assert_true(g_file_set_contents(file, "[1]", -1, NULL));
    g_assert_null(object_new_with_props("authz-listfile",
                                        object_get_objects_root(), "alf",
                                        &err, "filename", file, NULL));
    assert_error_has(err, "must contain a JSON object");
    g_clear_pointer(&err, error_free);
    g_assert_true(g_file_set_contents(file, "{\"rules\": 3}", -1, NULL));
    g_assert_null(object_new_with_props("authz-listfile",
                                        object_get_objects_root(), "alf",
                                        &err, "filename", file, NULL));
    g_assert_nonnull(err);
    g_clear_pointer(&err, error_free);
    g_assert_true(g_file_set_contents(file, "{}", -1, NULL));
    g_assert_null(object_new_with_props("authz-listfile",
                                        object_get_objects_root(), "alf",
                                        &err, "filename", "acl.json", NULL));
    assert_error_has(err, "Unable to read 'acl.json'");
    g_clear_pointer(&err, error_free);
    g_assert_null(object_new_with_props("authz-listfile",
                                        object_get_objects_root(), "alf",
                                        &err, NULL));
    assert_error_has(err, "filename not provided");
    g_clear_pointer(&err, error_free);
    g_assert_false(qauthz_is_allowed_by_id("alf", "x", &err));
    assert_error_has(err, "Cannot find QAuthZ object ID alf");
    error_free(err);
    unlink(file);
    rmdir(dir);
}

/* ------------------------------------------------------------ keys.psk */

static void test_psk_file(void)
{
    const char text[] = "alice:00ff10\r\nbob:zz\nodd:abc\n:00\ncarol:0A0b";
    g_autofree uint8_t *key = NULL;
    size_t len;
    Error *err = NULL;

    g_assert_true(qcrypto_psk_file_lookup(text, strlen(text), "f", "alice",
                                          &key, &len, &error_abort));
    g_assert_cmpuint(len, ==, 3);
    g_assert(memcmp(key, "\x00\xff\x10", 3) == 0);
    g_clear_pointer(&key, g_free);
    g_assert_true(qcrypto_psk_file_lookup(text, strlen(text), "f", "carol",
                                          &key, &len, &error_abort));
    g_assert(len == 2 && key[0] == 0x0a && key[1] == 0x0b);
    g_clear_pointer(&key, g_free);
    g_assert_false(qcrypto_psk_file_lookup(text, strlen(text), "f", "bob",
                                           &key, &len, &err));
    assert_error_has(err, "Key of user bob in PSK file f is not hexadecimal");
    g_clear_pointer(&err, error_free);
    g_assert_false(qcrypto_psk_file_lookup(text, strlen(text), "f", "odd",
                                           &key, &len, &err));
    assert_error_has(err, "an even number");
    g_clear_pointer(&err, error_free);
    g_assert_false(qcrypto_psk_file_lookup(text, strlen(text), "f", "al",
                                           &key, &len, &err));
    assert_error_has(err, "Username al not found in PSK file f");
    g_clear_pointer(&err, error_free);
    g_assert_false(qcrypto_psk_file_lookup(text, strlen(text), "f", "",
                                           &key, &len, &err));
    g_assert_nonnull(err);
    error_free(err);
}

int main(int argc, char **argv)
{
    g_autofree char *tmp = g_dir_make_tmp("tern-tls-XXXXXX", NULL);
    int ret;

    g_test_init(&argc, &argv, NULL);
    signal(SIGPIPE, SIG_IGN);
    module_call_init(MODULE_INIT_QOM);
    qemu_init_main_loop(&error_abort);
    bql_lock();

    certs = g_build_filename(tmp, "certs", NULL);
    if (!tls_test_certs_create(certs, &certs_skip_reason)) {
        g_clear_pointer(&certs, g_free);
    } else {
        make_authz_objects();
    }

    for (size_t i = 0; i < G_N_ELEMENTS(x509_cases); i++) {
        g_test_add_data_func(x509_cases[i].path, &x509_cases[i], test_x509);
    }
    g_test_add_func("/tls/x509/creds-errors", test_x509_creds_errors);
    g_test_add_func("/tls/psk/session", test_psk);
    g_test_add_func("/tls/psk/creds-errors", test_psk_creds_errors);
    g_test_add_func("/tls/psk/file", test_psk_file);
    g_test_add_func("/tls/anon", test_anon);
    g_test_add_func("/tls/plaintext-peer", test_plaintext_peer);
    g_test_add_func("/crypto/secret", test_secret);
    g_test_add_func("/authz/list", test_authz_list);
    g_test_add_func("/authz/listfile", test_authz_listfile);
    ret = g_test_run();

    if (certs) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp);

        ret |= system(cmd) != 0;
    } else {
        rmdir(tmp);
    }
    return ret;
}

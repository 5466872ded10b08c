/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test credentials from certtool (see crypto-tls-certs.h). */
#include "qemu/osdep.h"
#include "crypto-tls-certs.h"

static bool run(char **reason, const char *const *argv)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree char *err = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
                      G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                      &status, &gerr)) {
        *reason = g_strdup_printf("cannot run %s: %s", argv[0],
                                  gerr->message);
        return false;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        *reason = g_strdup_printf("%s %s failed: %s", argv[0], argv[1], err);
        return false;
    }
    return true;
}

/* RFC 7919 parameters, so that no server generates its own (slow). */
static bool dh_params(char **text, char **reason)
{
    g_autoptr(GError) gerr = NULL;
    const char *argv[] = { "certtool", "--get-dh-params", "--sec-param",
                           "medium", NULL };
    int status;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
                      G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, text, NULL,
                      &status, &gerr) ||
        !g_spawn_check_wait_status(status, NULL) ||
        !strstr(*text, "BEGIN DH PARAMETERS")) {
        *reason = g_strdup("certtool --get-dh-params failed");
        return false;
    }
    return true;
}

static bool write_file(const char *dir, const char *name, const char *text,
                       char **reason)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) gerr = NULL;

    if (!g_file_set_contents(path, text, -1, &gerr)) {
        *reason = g_strdup(gerr->message);
        return false;
    }
    return true;
}

static bool copy_file(const char *from, const char *dir, const char *name,
                      char **reason)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) gerr = NULL;

    if (!g_file_get_contents(from, &text, NULL, &gerr)) {
        *reason = g_strdup(gerr->message);
        return false;
    }
    return write_file(dir, name, text, reason);
}

static bool genkey(const char *path, char **reason)
{
    const char *argv[] = { "certtool", "--generate-privkey", "--key-type",
                           "rsa", "--bits", "2048", "--outfile", path, NULL };

    return run(reason, argv);
}

/* Sign a certificate for @tmpl_text with (@cakey, @cacert) or self-signed. */
static bool gencert(const char *base, const char *out, const char *key,
                    const char *cacert, const char *cakey,
                    const char *tmpl_text, char **reason)
{
    g_autofree char *tmpl = g_build_filename(base, "template.info", NULL);

    if (!g_file_set_contents(tmpl, tmpl_text, -1, NULL)) {
        *reason = g_strdup("cannot write the certtool template");
        return false;
    }
    if (!cacert) {
        const char *argv[] = { "certtool", "--generate-self-signed",
                               "--load-privkey", key, "--template", tmpl,
                               "--outfile", out, NULL };
        return run(reason, argv);
    } else {
        const char *argv[] = { "certtool", "--generate-certificate",
                               "--load-privkey", key,
                               "--load-ca-certificate", cacert,
                               "--load-ca-privkey", cakey,
                               "--template", tmpl, "--outfile", out, NULL };
        return run(reason, argv);
    }
}

/* base/NAME/ with ca-cert.pem from @ca, CERT-cert.pem and CERT-key.pem. */
static bool make_dir(const char *base, const char *name, const char *ca,
                     const char *role, const char *cert, const char *key,
                     char **reason)
{
    g_autofree char *dir = g_build_filename(base, name, NULL);
    g_autofree char *certname = g_strdup_printf("%s-cert.pem", role);
    g_autofree char *keyname = g_strdup_printf("%s-key.pem", role);

    g_mkdir_with_parents(dir, 0700);
    return copy_file(ca, dir, "ca-cert.pem", reason) &&
           (!cert || copy_file(cert, dir, certname, reason)) &&
           (!key || copy_file(key, dir, keyname, reason));
}

#define SERVER_TMPL(dates) \
    "organization = \"Tern\"\ncn = \"tern-dst\"\ndns_name = \"tern-dst\"\n" \
    "ip_address = \"127.0.0.1\"\nip_address = \"::1\"\ntls_www_server\n" \
    "encryption_key\nsigning_key\n" dates

bool tls_test_certs_create(const char *base, char **reason)
{
    g_autofree char *ca1key = g_build_filename(base, "ca1-key.pem", NULL);
    g_autofree char *ca1 = g_build_filename(base, "ca1-cert.pem", NULL);
    g_autofree char *ca2key = g_build_filename(base, "ca2-key.pem", NULL);
    g_autofree char *ca2 = g_build_filename(base, "ca2-cert.pem", NULL);
    g_autofree char *key = g_build_filename(base, "leaf-key.pem", NULL);
    g_autofree char *enckey = g_build_filename(base, "leaf-enc.pem", NULL);
    g_autofree char *srv = g_build_filename(base, "server.pem", NULL);
    g_autofree char *srvold = g_build_filename(base, "server-old.pem", NULL);
    g_autofree char *srvnew = g_build_filename(base, "server-new.pem", NULL);
    g_autofree char *cli = g_build_filename(base, "client.pem", NULL);
    g_autofree char *cli2 = g_build_filename(base, "client-ca2.pem", NULL);
    g_autofree char *psk = g_build_filename(base, "psk", NULL);
    g_autofree char *pskwrong = g_build_filename(base, "psk-wrong", NULL);
    const char *ca_tmpl = "cn = \"Tern test CA\"\nca\ncert_signing_key\n"
                          "expiration_days = 2\n";
    const char *client_tmpl = "organization = \"Tern\"\ncn = \"tern-src\"\n"
                              "tls_www_client\nencryption_key\n"
                              "signing_key\nexpiration_days = 2\n";
    const char *p8[] = { "certtool", "--to-p8", "--load-privkey", key,
                         "--password", TLS_TEST_KEY_PASSWORD, "--outfile",
                         enckey, NULL };

    g_mkdir_with_parents(base, 0700);
    if (!genkey(ca1key, reason) || !genkey(ca2key, reason) ||
        !genkey(key, reason) || !run(reason, p8) ||
        !gencert(base, ca1, ca1key, NULL, NULL, ca_tmpl, reason) ||
        !gencert(base, ca2, ca2key, NULL, NULL, ca_tmpl, reason) ||
        !gencert(base, srv, key, ca1, ca1key,
                 SERVER_TMPL("expiration_days = 2\n"), reason) ||
        !gencert(base, srvold, key, ca1, ca1key,
                 SERVER_TMPL("activation_date = \"2019-01-01 00:00:00\"\n"
                             "expiration_date = \"2020-01-01 00:00:00\"\n"),
                 reason) ||
        !gencert(base, srvnew, key, ca1, ca1key,
                 SERVER_TMPL("activation_date = \"2099-01-01 00:00:00\"\n"
                             "expiration_date = \"2100-01-01 00:00:00\"\n"),
                 reason) ||
        !gencert(base, cli, key, ca1, ca1key, client_tmpl, reason) ||
        !gencert(base, cli2, key, ca2, ca2key, client_tmpl, reason)) {
        return false;
    }
    g_autofree char *dh = NULL;
    g_autofree char *srvdir = g_build_filename(base, "server", NULL);

    g_mkdir_with_parents(psk, 0700);
    g_mkdir_with_parents(pskwrong, 0700);
    return dh_params(&dh, reason) &&
           write_file(psk, "dh-params.pem", dh, reason) &&
           make_dir(base, "server", ca1, "server", srv, key, reason) &&
           write_file(srvdir, "dh-params.pem", dh, reason) &&
           make_dir(base, "server-expired", ca1, "server", srvold, key,
                    reason) &&
           make_dir(base, "server-future", ca1, "server", srvnew, key,
                    reason) &&
           make_dir(base, "client", ca1, "client", cli, key, reason) &&
           make_dir(base, "client-enc", ca1, "client", cli, enckey,
                    reason) &&
           make_dir(base, "client-nocert", ca1, "client", NULL, NULL,
                    reason) &&
           make_dir(base, "client-otherca", ca2, "client", cli2, key,
                    reason) &&
           make_dir(base, "client-untrusted", ca1, "client", cli2, key,
                    reason) &&
           write_file(psk, "keys.psk",
                      "tern:9a4f7d1c0b2e3f405162738495a6b7c8\n"
                      "qemu:00112233445566778899aabbccddeeff\n", reason) &&
           write_file(pskwrong, "keys.psk",
                      "tern:ffeeddccbbaa99887766554433221100\n"
                      "qemu:0f1e2d3c4b5a69788796a5b4c3d2e1f0\n", reason);
}

char *tls_test_certs_create_in(const char *tmpdir, char **reason)
{
    g_autofree char *base = g_build_filename(tmpdir, "certs", NULL);

    return tls_test_certs_create(base, reason) ? g_steal_pointer(&base)
                                               : NULL;
}

bool tls_test_certs_remove(const char *base)
{
    g_autofree char *cmd = NULL;

    if (!base) {
        return true;
    }
    cmd = g_strdup_printf("rm -rf '%s'", base);
    return system(cmd) == 0;
}

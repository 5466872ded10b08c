/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test credentials made at test time with certtool (gnutls-bin): a tree
 * of tls-creds-* directories under @base covering the TLS test matrix.
 *
 *   server/          CA 1, server cert CN=tern-dst (DNS tern-dst,
 *                    IP 127.0.0.1 and ::1), dh-params.pem
 *   client/          CA 1, client cert O=Tern,CN=tern-src
 *   client-enc/      as client/, key encrypted with password "tern-pw"
 *   client-nocert/   CA 1 only
 *   client-otherca/  CA 2 and a client cert it signed (mismatched CA)
 *   client-untrusted/ CA 1, client cert signed by CA 2
 *   server-expired/  server cert that expired in 2020
 *   server-future/   server cert valid from 2099
 *   psk/             keys.psk with "tern" and "qemu", dh-params.pem
 *   psk-wrong/       keys.psk with other keys for the same users
 */
#ifndef TESTS_CRYPTO_TLS_CERTS_H
#define TESTS_CRYPTO_TLS_CERTS_H

/* The client certificate's distinguished name, as GnuTLS prints it. */
#define TLS_TEST_CLIENT_DN "O=Tern,CN=tern-src"
#define TLS_TEST_SERVER_NAME "tern-dst"
#define TLS_TEST_KEY_PASSWORD "tern-pw"

/*
 * Make the tree; false (and @reason set, g_free it) when certtool is
 * missing or fails, so that the caller can skip.
 */
bool tls_test_certs_create(const char *base, char **reason);
/* The tree under @tmpdir/certs: its path (g_free it), or NULL and @reason. */
char *tls_test_certs_create_in(const char *tmpdir, char **reason);
/* Remove a tree made here (NULL: none); false when that failed. */
bool tls_test_certs_remove(const char *base);

#endif /* TESTS_CRYPTO_TLS_CERTS_H */

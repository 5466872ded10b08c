/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The keys.psk file of tls-creds-psk: one "username:hexkey" per line
 * (GnuTLS's psktool format, which QEMU reads too).  The parser is apart
 * from the credentials so that it can be fuzzed on its own.
 */
#ifndef CRYPTO_PSKFILE_H
#define CRYPTO_PSKFILE_H

/*
 * Look @username up in @len bytes of keys.psk text (@filename is only
 * for messages).  On success *@key is the binary key (g_free it) and
 * *@keylen its length.  Errors: "Username U not found in PSK file F",
 * or a line for U whose key is not an even number of hex digits.
 */
bool qcrypto_psk_file_lookup(const char *content, size_t len,
                             const char *filename, const char *username,
                             uint8_t **key, size_t *keylen, Error **errp);

#endif /* CRYPTO_PSKFILE_H */

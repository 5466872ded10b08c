/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "secret" object: a password or key given inline (data=) or in a
 * file (file=), as raw bytes or base64 (format=), optionally encrypted
 * with AES-256-CBC under another secret (keyid=, iv=).  Other objects
 * name it by id (tls-creds-x509's passwordid) and read it with
 * qcrypto_secret_lookup*().
 */
#ifndef CRYPTO_SECRET_H
#define CRYPTO_SECRET_H

#include "qom/object.h"
#include "qapi/qapi-types-crypto.h"

#define TYPE_QCRYPTO_SECRET "secret"
OBJECT_DECLARE_SIMPLE_TYPE(QCryptoSecret, QCRYPTO_SECRET)

struct QCryptoSecret {
    Object parent_obj;
    QCryptoSecretFormat format;
    char *data;
    char *file;
    char *keyid;
    char *iv;
    /* The decoded (and decrypted) bytes, NUL-terminated; set by complete. */
    uint8_t *rawdata;
    size_t rawlen;
};

/* Copy of the bytes of the secret /objects/@secretid (g_free *data). */
bool qcrypto_secret_lookup(const char *secretid, uint8_t **data,
                           size_t *datalen, Error **errp);
/* The same as a string; fails unless it is valid UTF-8. */
char *qcrypto_secret_lookup_as_utf8(const char *secretid, Error **errp);

#endif /* CRYPTO_SECRET_H */

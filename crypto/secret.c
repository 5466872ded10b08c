/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "secret" object (see include/crypto/secret.h).  Messages are
 * QEMU's, so that management tools see the same text.
 */
#include "qemu/osdep.h"
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include "qapi/error.h"
#include "qemu/base64.h"
#include "qom/object_interfaces.h"
#include "crypto/secret.h"
#include "crypto/trace.h"

static bool secret_load_data(QCryptoSecret *secret, uint8_t **out,
                             size_t *outlen, Error **errp)
{
    if (secret->data && secret->file) {
        error_setg(errp, "'data' and 'file' are mutually exclusive");
        return false;
    }
    if (secret->file) {
        g_autoptr(GError) gerr = NULL;
        gchar *content;
        gsize len;

        if (!g_file_get_contents(secret->file, &content, &len, &gerr)) {
            error_setg(errp, "Unable to read %s: %s", secret->file,
                       gerr->message);
            return false;
        }
        *out = (uint8_t *)content;
        *outlen = len;
        return true;
    }
    if (secret->data) {
        *outlen = strlen(secret->data);
        *out = (uint8_t *)g_strdup(secret->data);
        return true;
    }
    error_setg(errp, "Either 'file' or 'data' must be provided");
    return false;
}

/* AES-256-CBC with PKCS#7 padding, the key in the secret @keyid. */
static bool secret_decrypt(QCryptoSecret *secret, const uint8_t *in,
                           size_t inlen, uint8_t **out, size_t *outlen,
                           Error **errp)
{
    g_autofree uint8_t *key = NULL, *iv = NULL, *ciphertext = NULL;
    g_autofree uint8_t *plain = NULL;
    size_t keylen, ivlen, len;
    gnutls_cipher_hd_t aes;
    gnutls_datum_t kd, ivd;
    uint8_t pad;
    int ret;

    if (!qcrypto_secret_lookup(secret->keyid, &key, &keylen, errp)) {
        return false;
    }
    if (keylen != 32) {
        error_setg(errp, "Key should be 32 bytes in length");
        return false;
    }
    if (!secret->iv) {
        error_setg(errp, "IV is required to decrypt secret");
        return false;
    }
    iv = qbase64_decode(secret->iv, -1, &ivlen, errp);
    if (!iv) {
        return false;
    }
    if (ivlen != 16) {
        error_setg(errp, "IV should be 16 bytes in length not %zu", ivlen);
        return false;
    }
    if (secret->format == QCRYPTO_SECRET_FORMAT_BASE64) {
        ciphertext = qbase64_decode((const char *)in, inlen, &len, errp);
        if (!ciphertext) {
            return false;
        }
    } else {
        ciphertext = g_memdup2(in, inlen);
        len = inlen;
    }
    if (len == 0 || len % 16) {
        error_setg(errp, "Encrypted data must be a multiple of 16 bytes "
                   "(the AES block size), not %zu", len);
        return false;
    }
    kd = (gnutls_datum_t) { .data = key, .size = keylen };
    ivd = (gnutls_datum_t) { .data = iv, .size = ivlen };
    ret = gnutls_cipher_init(&aes, GNUTLS_CIPHER_AES_256_CBC, &kd, &ivd);
    if (ret < 0) {
        error_setg(errp, "Cannot initialize cipher: %s",
                   gnutls_strerror(ret));
        return false;
    }
    plain = g_malloc0(len + 1);
    ret = gnutls_cipher_decrypt2(aes, ciphertext, len, plain, len);
    gnutls_cipher_deinit(aes);
    if (ret < 0) {
        error_setg(errp, "Cannot decrypt secret: %s", gnutls_strerror(ret));
        return false;
    }
    pad = plain[len - 1];
    if (pad == 0 || pad > 16 || pad > len) {
        error_setg(errp, "Incorrect number of padding bytes (%d) found on "
                   "decrypted data", pad);
        return false;
    }
    len -= pad;
    plain[len] = '\0';
    *out = g_steal_pointer(&plain);
    *outlen = len;
    return true;
}

static void secret_complete(UserCreatable *uc, Error **errp)
{
    QCryptoSecret *secret = QCRYPTO_SECRET(uc);
    g_autofree uint8_t *input = NULL;
    uint8_t *output = NULL;
    size_t inlen, outlen;

    if (!secret_load_data(secret, &input, &inlen, errp)) {
        return;
    }
    if (secret->keyid) {
        if (!secret_decrypt(secret, input, inlen, &output, &outlen, errp)) {
            return;
        }
    } else if (secret->format == QCRYPTO_SECRET_FORMAT_BASE64) {
        output = qbase64_decode((const char *)input, inlen, &outlen, errp);
        if (!output) {
            return;
        }
    } else {
        output = g_steal_pointer(&input);
        outlen = inlen;
    }
    trace_qcrypto_secret_loaded(secret, outlen);
    secret->rawdata = output;
    secret->rawlen = outlen;
}

bool qcrypto_secret_lookup(const char *secretid, uint8_t **data,
                           size_t *datalen, Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(),
                                                 secretid);
    QCryptoSecret *secret;

    if (!obj) {
        error_setg(errp, "No secret with id '%s'", secretid);
        return false;
    }
    secret = (QCryptoSecret *)object_dynamic_cast(obj, TYPE_QCRYPTO_SECRET);
    if (!secret) {
        error_setg(errp, "Object with id '%s' is not a secret", secretid);
        return false;
    }
    if (!secret->rawdata) {
        error_setg(errp, "Secret with id '%s' has no data", secretid);
        return false;
    }
    *data = g_malloc(secret->rawlen + 1);
    memcpy(*data, secret->rawdata, secret->rawlen);
    (*data)[secret->rawlen] = '\0';
    *datalen = secret->rawlen;
    return true;
}

char *qcrypto_secret_lookup_as_utf8(const char *secretid, Error **errp)
{
    uint8_t *data;
    size_t len;

    if (!qcrypto_secret_lookup(secretid, &data, &len, errp)) {
        return NULL;
    }
    if (!g_utf8_validate((const char *)data, len, NULL)) {
        error_setg(errp, "Data from secret %s is not valid UTF-8", secretid);
        g_free(data);
        return NULL;
    }
    return (char *)data;
}

/* ---------------------------------------------------------- properties */

#define SECRET_STR_PROP(field)                                          \
static char *secret_get_##field(Object *obj, Error **errp)              \
{                                                                       \
    return g_strdup(QCRYPTO_SECRET(obj)->field);                        \
}                                                                       \
static void secret_set_##field(Object *obj, const char *v, Error **errp) \
{                                                                       \
    QCryptoSecret *s = QCRYPTO_SECRET(obj);                             \
                                                                        \
    g_free(s->field);                                                   \
    s->field = g_strdup(v);                                             \
}

SECRET_STR_PROP(data)
SECRET_STR_PROP(file)
SECRET_STR_PROP(keyid)
SECRET_STR_PROP(iv)

static int secret_get_format(Object *obj, Error **errp)
{
    return QCRYPTO_SECRET(obj)->format;
}

static void secret_set_format(Object *obj, int value, Error **errp)
{
    QCRYPTO_SECRET(obj)->format = value;
}

static bool secret_get_loaded(Object *obj, Error **errp)
{
    return QCRYPTO_SECRET(obj)->rawdata != NULL;
}

static void secret_finalize(Object *obj)
{
    QCryptoSecret *s = QCRYPTO_SECRET(obj);

    g_free(s->data);
    g_free(s->file);
    g_free(s->keyid);
    g_free(s->iv);
    if (s->rawdata) {
        memset(s->rawdata, 0, s->rawlen);
        g_free(s->rawdata);
    }
}

static void secret_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = secret_complete;
    object_class_property_add_bool(oc, "loaded", secret_get_loaded, NULL);
    object_class_property_add_enum(oc, "format", "QCryptoSecretFormat",
                                   &QCryptoSecretFormat_lookup,
                                   secret_get_format, secret_set_format);
    object_class_property_add_str(oc, "keyid", secret_get_keyid,
                                  secret_set_keyid);
    object_class_property_add_str(oc, "iv", secret_get_iv, secret_set_iv);
    object_class_property_add_str(oc, "data", secret_get_data,
                                  secret_set_data);
    object_class_property_add_str(oc, "file", secret_get_file,
                                  secret_set_file);
}

static const TypeInfo secret_info = {
    .name = TYPE_QCRYPTO_SECRET,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(QCryptoSecret),
    .instance_finalize = secret_finalize,
    .class_init = secret_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void secret_register_types(void)
{
    type_register_static(&secret_info);
}

type_init(secret_register_types);

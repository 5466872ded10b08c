/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The abstract TLS credentials type (see include/crypto/tlscreds.h). */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "crypto/tlscreds.h"
#include "crypto/trace.h"

bool qcrypto_tls_creds_get_path(QCryptoTLSCreds *creds, const char *filename,
                                bool required, char **path, Error **errp)
{
    g_autofree char *p = NULL;
    struct stat st;

    *path = NULL;
    if (!creds->dir) {
        if (required) {
            error_setg(errp, "Missing 'dir' property value");
            return false;
        }
        return true;
    }
    p = g_build_filename(creds->dir, filename, NULL);
    if (stat(p, &st) < 0) {
        if (errno == ENOENT && !required) {
            trace_qcrypto_tls_creds_get_path(creds, filename, "<none>");
            return true;
        }
        error_setg_errno(errp, errno, "Unable to access credentials %s", p);
        return false;
    }
    trace_qcrypto_tls_creds_get_path(creds, filename, p);
    *path = g_steal_pointer(&p);
    return true;
}

bool qcrypto_tls_creds_load_dh_params(QCryptoTLSCreds *creds,
                                      const char *path, Error **errp)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree gchar *content = NULL;
    gnutls_datum_t data;
    gsize len;
    int ret;

    if (!g_file_get_contents(path, &content, &len, &gerr)) {
        error_setg(errp, "%s", gerr->message);
        return false;
    }
    ret = gnutls_dh_params_init(&creds->dh_params);
    if (ret < 0) {
        error_setg(errp, "Unable to initialize DH parameters: %s",
                   gnutls_strerror(ret));
        return false;
    }
    data = (gnutls_datum_t) { .data = (unsigned char *)content, .size = len };
    ret = gnutls_dh_params_import_pkcs3(creds->dh_params, &data,
                                        GNUTLS_X509_FMT_PEM);
    if (ret < 0) {
        gnutls_dh_params_deinit(creds->dh_params);
        creds->dh_params = NULL;
        error_setg(errp, "Unable to load DH parameters from %s: %s",
                   path, gnutls_strerror(ret));
        return false;
    }
    return true;
}

char *qcrypto_tls_creds_priority(QCryptoTLSCreds *creds, const char *extra)
{
    const char *base = creds->priority ? creds->priority
                                       : QCRYPTO_TLS_DEFAULT_PRIORITY;

    return extra ? g_strdup_printf("%s:%s", base, extra) : g_strdup(base);
}

bool qcrypto_tls_creds_set_session(QCryptoTLSCreds *creds,
                                   gnutls_session_t session,
                                   const char *extra,
                                   gnutls_credentials_type_t type,
                                   void *cred, Error **errp)
{
    g_autofree char *prio = qcrypto_tls_creds_priority(creds, extra);
    int ret;

    ret = gnutls_priority_set_direct(session, prio, NULL);
    if (ret < 0) {
        error_setg(errp, "Unable to set TLS session priority %s: %s", prio,
                   gnutls_strerror(ret));
        return false;
    }
    ret = gnutls_credentials_set(session, type, cred);
    if (ret < 0) {
        error_setg(errp, "Cannot set session credentials: %s",
                   gnutls_strerror(ret));
        return false;
    }
    return true;
}

bool qcrypto_tls_creds_check_endpoint(QCryptoTLSCreds *creds,
                                      QCryptoTLSCredsEndpoint e,
                                      Error **errp)
{
    if (creds->endpoint != e) {
        error_setg(errp, "Expected TLS credentials for a %s endpoint",
                   QCryptoTLSCredsEndpoint_str(e));
        return false;
    }
    return true;
}

static bool creds_get_verify(Object *obj, Error **errp)
{
    return QCRYPTO_TLS_CREDS(obj)->verify_peer;
}

static void creds_set_verify(Object *obj, bool value, Error **errp)
{
    QCRYPTO_TLS_CREDS(obj)->verify_peer = value;
}

static char *creds_get_dir(Object *obj, Error **errp)
{
    return g_strdup(QCRYPTO_TLS_CREDS(obj)->dir);
}

static void creds_set_dir(Object *obj, const char *value, Error **errp)
{
    QCryptoTLSCreds *creds = QCRYPTO_TLS_CREDS(obj);

    g_free(creds->dir);
    creds->dir = g_strdup(value);
}

static char *creds_get_priority(Object *obj, Error **errp)
{
    return g_strdup(QCRYPTO_TLS_CREDS(obj)->priority);
}

static void creds_set_priority(Object *obj, const char *value, Error **errp)
{
    QCryptoTLSCreds *creds = QCRYPTO_TLS_CREDS(obj);

    g_free(creds->priority);
    creds->priority = g_strdup(value);
}

static int creds_get_endpoint(Object *obj, Error **errp)
{
    return QCRYPTO_TLS_CREDS(obj)->endpoint;
}

static void creds_set_endpoint(Object *obj, int value, Error **errp)
{
    QCRYPTO_TLS_CREDS(obj)->endpoint = value;
}

static void creds_init(Object *obj)
{
    QCRYPTO_TLS_CREDS(obj)->verify_peer = true;
}

static void creds_finalize(Object *obj)
{
    QCryptoTLSCreds *creds = QCRYPTO_TLS_CREDS(obj);

    g_free(creds->dir);
    g_free(creds->priority);
    if (creds->dh_params) {
        gnutls_dh_params_deinit(creds->dh_params);
    }
}

static void creds_class_init(ObjectClass *oc, const void *data)
{
    object_class_property_add_bool(oc, "verify-peer", creds_get_verify,
                                   creds_set_verify);
    object_class_property_add_str(oc, "dir", creds_get_dir, creds_set_dir);
    object_class_property_add_enum(oc, "endpoint", "QCryptoTLSCredsEndpoint",
                                   &QCryptoTLSCredsEndpoint_lookup,
                                   creds_get_endpoint, creds_set_endpoint);
    object_class_property_add_str(oc, "priority", creds_get_priority,
                                  creds_set_priority);
}

static const TypeInfo creds_info = {
    .name = TYPE_QCRYPTO_TLS_CREDS,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(QCryptoTLSCreds),
    .instance_init = creds_init,
    .instance_finalize = creds_finalize,
    .class_size = sizeof(QCryptoTLSCredsClass),
    .class_init = creds_class_init,
    .abstract = true,
};

static void creds_register_types(void)
{
    type_register_static(&creds_info);
}

type_init(creds_register_types);

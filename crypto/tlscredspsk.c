/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tls-creds-psk (see include/crypto/tlscredspsk.h). */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object_interfaces.h"
#include "crypto/pskfile.h"
#include "crypto/tlscredspsk.h"
#include "crypto/trace.h"

/* Key exchanges a PSK session adds to the priority (QEMU's list). */
#define PSK_PRIORITY_EXTRA "+ECDHE-PSK:+DHE-PSK:+PSK"

static bool psk_load_server(QCryptoTLSCredsPSK *creds, Error **errp)
{
    QCryptoTLSCreds *base = &creds->parent_obj;
    g_autofree char *pskfile = NULL, *dhparams = NULL;
    int ret;

    if (creds->username) {
        error_setg(errp, "username should not be set when endpoint=server");
        return false;
    }
    if (!qcrypto_tls_creds_get_path(base, QCRYPTO_TLS_CREDS_DH_PARAMS, false,
                                    &dhparams, errp) ||
        !qcrypto_tls_creds_get_path(base, QCRYPTO_TLS_CREDS_PSKFILE, true,
                                    &pskfile, errp)) {
        return false;
    }
    ret = gnutls_psk_allocate_server_credentials(&creds->server);
    if (ret < 0) {
        error_setg(errp, "Cannot allocate credentials: %s",
                   gnutls_strerror(ret));
        return false;
    }
    if (dhparams) {
        if (!qcrypto_tls_creds_load_dh_params(base, dhparams, errp)) {
            return false;
        }
        gnutls_psk_set_server_dh_params(creds->server, base->dh_params);
    } else {
        gnutls_psk_set_server_known_dh_params(creds->server,
                                              GNUTLS_SEC_PARAM_MEDIUM);
    }
    /* GnuTLS reads the file at each handshake: keys can be rotated. */
    ret = gnutls_psk_set_server_credentials_file(creds->server, pskfile);
    if (ret < 0) {
        error_setg(errp, "Cannot use PSK file %s: %s", pskfile,
                   gnutls_strerror(ret));
        return false;
    }
    return true;
}

static bool psk_load_client(QCryptoTLSCredsPSK *creds, Error **errp)
{
    QCryptoTLSCreds *base = &creds->parent_obj;
    const char *username = creds->username ? creds->username
                           : QCRYPTO_TLS_CREDS_PSK_DEFAULT_USERNAME;
    g_autofree char *pskfile = NULL;
    g_autofree gchar *content = NULL;
    g_autofree uint8_t *key = NULL;
    g_autoptr(GError) gerr = NULL;
    gnutls_datum_t kd;
    size_t keylen;
    gsize len;
    int ret;

    if (!qcrypto_tls_creds_get_path(base, QCRYPTO_TLS_CREDS_PSKFILE, true,
                                    &pskfile, errp)) {
        return false;
    }
    if (!g_file_get_contents(pskfile, &content, &len, &gerr)) {
        error_setg(errp, "Cannot read PSK file %s: %s", pskfile,
                   gerr->message);
        return false;
    }
    if (!qcrypto_psk_file_lookup(content, len, pskfile, username, &key,
                                 &keylen, errp)) {
        return false;
    }
    ret = gnutls_psk_allocate_client_credentials(&creds->client);
    if (ret < 0) {
        error_setg(errp, "Cannot allocate credentials: %s",
                   gnutls_strerror(ret));
        return false;
    }
    kd = (gnutls_datum_t) { .data = key, .size = keylen };
    ret = gnutls_psk_set_client_credentials(creds->client, username, &kd,
                                            GNUTLS_PSK_KEY_RAW);
    memset(key, 0, keylen);
    if (ret < 0) {
        error_setg(errp, "Cannot set PSK client credentials: %s",
                   gnutls_strerror(ret));
        return false;
    }
    return true;
}

static void psk_unload(QCryptoTLSCredsPSK *creds)
{
    if (creds->client) {
        gnutls_psk_free_client_credentials(creds->client);
        creds->client = NULL;
    }
    if (creds->server) {
        gnutls_psk_free_server_credentials(creds->server);
        creds->server = NULL;
    }
}

static void psk_complete(UserCreatable *uc, Error **errp)
{
    QCryptoTLSCredsPSK *creds = QCRYPTO_TLS_CREDS_PSK(uc);
    QCryptoTLSCreds *base = &creds->parent_obj;
    bool ok;

    trace_qcrypto_tls_creds_psk_load(creds, base->dir ? base->dir
                                                      : "<nodir>");
    ok = base->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER ?
         psk_load_server(creds, errp) : psk_load_client(creds, errp);
    if (!ok) {
        psk_unload(creds);
    }
}

static bool psk_session_setup(QCryptoTLSCreds *base, gnutls_session_t s,
                              Error **errp)
{
    QCryptoTLSCredsPSK *creds = QCRYPTO_TLS_CREDS_PSK(base);
    bool server = base->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER;

    return qcrypto_tls_creds_set_session(base, s, PSK_PRIORITY_EXTRA,
                                         GNUTLS_CRD_PSK,
                                         server ? (void *)creds->server
                                                : (void *)creds->client,
                                         errp);
}

static bool psk_get_loaded(Object *obj, Error **errp)
{
    QCryptoTLSCredsPSK *creds = QCRYPTO_TLS_CREDS_PSK(obj);

    return creds->client || creds->server;
}

static char *psk_get_username(Object *obj, Error **errp)
{
    return g_strdup(QCRYPTO_TLS_CREDS_PSK(obj)->username);
}

static void psk_set_username(Object *obj, const char *value, Error **errp)
{
    QCryptoTLSCredsPSK *creds = QCRYPTO_TLS_CREDS_PSK(obj);

    g_free(creds->username);
    creds->username = g_strdup(value);
}

static void psk_finalize(Object *obj)
{
    QCryptoTLSCredsPSK *creds = QCRYPTO_TLS_CREDS_PSK(obj);

    psk_unload(creds);
    g_free(creds->username);
}

static void psk_class_init(ObjectClass *oc, const void *data)
{
    USER_CREATABLE_CLASS(oc)->complete = psk_complete;
    QCRYPTO_TLS_CREDS_CLASS(oc)->session_setup = psk_session_setup;
    object_class_property_add_bool(oc, "loaded", psk_get_loaded, NULL);
    object_class_property_add_str(oc, "username", psk_get_username,
                                  psk_set_username);
}

static const TypeInfo psk_info = {
    .name = TYPE_QCRYPTO_TLS_CREDS_PSK,
    .parent = TYPE_QCRYPTO_TLS_CREDS,
    .instance_size = sizeof(QCryptoTLSCredsPSK),
    .instance_finalize = psk_finalize,
    .class_size = sizeof(QCryptoTLSCredsClass),
    .class_init = psk_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void psk_register_types(void)
{
    type_register_static(&psk_info);
}

type_init(psk_register_types);

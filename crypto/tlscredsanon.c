/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tls-creds-anon (see include/crypto/tlscredsanon.h). */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object_interfaces.h"
#include "crypto/tlscredsanon.h"
#include "crypto/trace.h"

#define ANON_PRIORITY_EXTRA "+ANON-DH"

static bool anon_load(QCryptoTLSCredsAnon *creds, Error **errp)
{
    QCryptoTLSCreds *base = &creds->parent_obj;
    g_autofree char *dhparams = NULL;
    int ret;

    trace_qcrypto_tls_creds_anon_load(creds, base->dir ? base->dir
                                                       : "<nodir>");
    if (base->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_CLIENT) {
        ret = gnutls_anon_allocate_client_credentials(&creds->client);
        if (ret < 0) {
            error_setg(errp, "Cannot allocate credentials: %s",
                       gnutls_strerror(ret));
            return false;
        }
        return true;
    }
    if (!qcrypto_tls_creds_get_path(base, QCRYPTO_TLS_CREDS_DH_PARAMS, false,
                                    &dhparams, errp)) {
        return false;
    }
    ret = gnutls_anon_allocate_server_credentials(&creds->server);
    if (ret < 0) {
        error_setg(errp, "Cannot allocate credentials: %s",
                   gnutls_strerror(ret));
        return false;
    }
    if (dhparams) {
        if (!qcrypto_tls_creds_load_dh_params(base, dhparams, errp)) {
            return false;
        }
        gnutls_anon_set_server_dh_params(creds->server, base->dh_params);
    } else {
        gnutls_anon_set_server_known_dh_params(creds->server,
                                               GNUTLS_SEC_PARAM_MEDIUM);
    }
    return true;
}

static void anon_unload(QCryptoTLSCredsAnon *creds)
{
    if (creds->client) {
        gnutls_anon_free_client_credentials(creds->client);
        creds->client = NULL;
    }
    if (creds->server) {
        gnutls_anon_free_server_credentials(creds->server);
        creds->server = NULL;
    }
}

static void anon_complete(UserCreatable *uc, Error **errp)
{
    QCryptoTLSCredsAnon *creds = QCRYPTO_TLS_CREDS_ANON(uc);

    if (!anon_load(creds, errp)) {
        anon_unload(creds);
    }
}

static bool anon_session_setup(QCryptoTLSCreds *base, gnutls_session_t s,
                               Error **errp)
{
    QCryptoTLSCredsAnon *creds = QCRYPTO_TLS_CREDS_ANON(base);
    bool server = base->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER;

    return qcrypto_tls_creds_set_session(base, s, ANON_PRIORITY_EXTRA,
                                         GNUTLS_CRD_ANON,
                                         server ? (void *)creds->server
                                                : (void *)creds->client,
                                         errp);
}

static bool anon_get_loaded(Object *obj, Error **errp)
{
    QCryptoTLSCredsAnon *creds = QCRYPTO_TLS_CREDS_ANON(obj);

    return creds->client || creds->server;
}

static void anon_finalize(Object *obj)
{
    anon_unload(QCRYPTO_TLS_CREDS_ANON(obj));
}

static void anon_class_init(ObjectClass *oc, const void *data)
{
    USER_CREATABLE_CLASS(oc)->complete = anon_complete;
    QCRYPTO_TLS_CREDS_CLASS(oc)->session_setup = anon_session_setup;
    object_class_property_add_bool(oc, "loaded", anon_get_loaded, NULL);
}

static const TypeInfo anon_info = {
    .name = TYPE_QCRYPTO_TLS_CREDS_ANON,
    .parent = TYPE_QCRYPTO_TLS_CREDS,
    .instance_size = sizeof(QCryptoTLSCredsAnon),
    .instance_finalize = anon_finalize,
    .class_size = sizeof(QCryptoTLSCredsClass),
    .class_init = anon_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void anon_register_types(void)
{
    type_register_static(&anon_info);
}

type_init(anon_register_types);

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls-creds-x509 (see include/crypto/tlscredsx509.h).  The sanity
 * checks and their messages follow QEMU's, so that a bad certificate
 * directory is reported the same way by both.
 */
#include "qemu/osdep.h"
#include <gnutls/x509.h>
#include "qapi/error.h"
#include "qom/object_interfaces.h"
#include "crypto/secret.h"
#include "crypto/tlscredsx509.h"
#include "crypto/trace.h"

#define MAX_CA_CERTS 16

static const char *cert_role(bool is_server, bool is_ca)
{
    return is_ca ? "CA" : is_server ? "server" : "client";
}

static bool check_cert_times(gnutls_x509_crt_t cert, const char *file,
                             bool is_server, bool is_ca, Error **errp)
{
    time_t now = time(NULL);

    if (gnutls_x509_crt_get_expiration_time(cert) < now) {
        error_setg(errp, "The %s certificate %s has expired",
                   cert_role(is_server, is_ca), file);
        return false;
    }
    if (gnutls_x509_crt_get_activation_time(cert) > now) {
        error_setg(errp, "The %s certificate %s is not yet active",
                   cert_role(is_server, is_ca), file);
        return false;
    }
    return true;
}

static bool check_basic_constraints(gnutls_x509_crt_t cert, const char *file,
                                    bool is_server, bool is_ca, Error **errp)
{
    int status = gnutls_x509_crt_get_basic_constraints(cert, NULL, NULL,
                                                        NULL);

    if (status > 0) {
        if (!is_ca) {
            error_setg(errp, "The certificate %s basic constraints show a "
                       "CA, but we need one for a %s", file,
                       is_server ? "server" : "client");
            return false;
        }
    } else if (status == 0) {
        if (is_ca) {
            error_setg(errp, "The certificate %s basic constraints do not "
                       "show a CA", file);
            return false;
        }
    } else if (status == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
        if (is_ca) {
            error_setg(errp, "The certificate %s is missing basic "
                       "constraints for a CA", file);
            return false;
        }
    } else {
        error_setg(errp, "Unable to query certificate %s basic "
                   "constraints: %s", file, gnutls_strerror(status));
        return false;
    }
    return true;
}

static bool check_key_usage(gnutls_x509_crt_t cert, const char *file,
                            bool is_ca, Error **errp)
{
    unsigned int usage = 0, critical = 0;
    int status = gnutls_x509_crt_get_key_usage(cert, &usage, &critical);

    if (status == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
        return true;     /* no extension: any use */
    }
    if (status < 0) {
        error_setg(errp, "Unable to query certificate %s key usage: %s",
                   file, gnutls_strerror(status));
        return false;
    }
    if (!critical) {
        return true;
    }
    if (is_ca && !(usage & GNUTLS_KEY_KEY_CERT_SIGN)) {
        error_setg(errp, "Certificate %s usage does not permit certificate "
                   "signing", file);
        return false;
    }
    if (!is_ca && !(usage & GNUTLS_KEY_DIGITAL_SIGNATURE)) {
        error_setg(errp, "Certificate %s usage does not permit digital "
                   "signature", file);
        return false;
    }
    if (!is_ca && !(usage & GNUTLS_KEY_KEY_ENCIPHERMENT)) {
        error_setg(errp, "Certificate %s usage does not permit key "
                   "encipherment", file);
        return false;
    }
    return true;
}

static bool check_key_purpose(gnutls_x509_crt_t cert, const char *file,
                              bool is_server, Error **errp)
{
    bool allow_server = false, allow_client = false, critical = false;

    for (unsigned int i = 0;; i++) {
        char oid[256];
        size_t size = sizeof(oid);
        unsigned int crit = 0;
        int status = gnutls_x509_crt_get_key_purpose_oid(cert, i, oid, &size,
                                                         &crit);

        if (status == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
            if (i == 0) {
                return true;    /* no extension: any purpose */
            }
            break;
        }
        if (status < 0) {
            error_setg(errp, "Unable to query certificate %s key purpose: %s",
                       file, gnutls_strerror(status));
            return false;
        }
        critical |= crit;
        if (!strcmp(oid, GNUTLS_KP_TLS_WWW_SERVER)) {
            allow_server = true;
        } else if (!strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT)) {
            allow_client = true;
        } else if (!strcmp(oid, GNUTLS_KP_ANY)) {
            allow_server = allow_client = true;
        }
    }
    if (critical && is_server && !allow_server) {
        error_setg(errp, "Certificate %s purpose does not allow use with a "
                   "TLS server", file);
        return false;
    }
    if (critical && !is_server && !allow_client) {
        error_setg(errp, "Certificate %s purpose does not allow use with a "
                   "TLS client", file);
        return false;
    }
    return true;
}

static bool check_cert(gnutls_x509_crt_t cert, const char *file,
                       bool is_server, bool is_ca, Error **errp)
{
    return check_cert_times(cert, file, is_server, is_ca, errp) &&
           check_basic_constraints(cert, file, is_server, is_ca, errp) &&
           check_key_usage(cert, file, is_ca, errp) &&
           (is_ca || check_key_purpose(cert, file, is_server, errp));
}

const char *qcrypto_tls_cert_status_reason(unsigned int status)
{
    if (status & GNUTLS_CERT_INSECURE_ALGORITHM) {
        return "The certificate uses an insecure algorithm";
    }
    if (status & GNUTLS_CERT_REVOKED) {
        return "The certificate has been revoked";
    }
    if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
        return "The certificate hasn't got a known issuer";
    }
    if (status & GNUTLS_CERT_EXPIRED) {
        return "The certificate has expired";
    }
    if (status & GNUTLS_CERT_NOT_ACTIVATED) {
        return "The certificate is not yet activated";
    }
    if (status & GNUTLS_CERT_INVALID) {
        return "The certificate is not trusted";
    }
    return "Invalid certificate";
}

static bool check_cert_pair(gnutls_x509_crt_t cert, const char *file,
                            gnutls_x509_crt_t *cacerts, unsigned int ncacerts,
                            const char *cafile, bool is_server, Error **errp)
{
    unsigned int status;

    if (gnutls_x509_crt_list_verify(&cert, 1, cacerts, ncacerts, NULL, 0, 0,
                                    &status) < 0) {
        error_setg(errp, "Unable to verify %s certificate %s against CA "
                   "certificate %s", is_server ? "server" : "client", file,
                   cafile);
        return false;
    }
    if (status) {
        error_setg(errp, "Our own certificate %s failed validation against "
                   "%s: %s", file, cafile,
                   qcrypto_tls_cert_status_reason(status));
        return false;
    }
    return true;
}

static bool read_pem(const char *file, gnutls_datum_t *data, char **buf,
                     Error **errp)
{
    g_autoptr(GError) gerr = NULL;
    gsize len;

    if (!g_file_get_contents(file, buf, &len, &gerr)) {
        error_setg(errp, "Cannot load CA cert list %s: %s", file,
                   gerr->message);
        return false;
    }
    data->data = (unsigned char *)*buf;
    data->size = len;
    return true;
}

static bool sanity_check(QCryptoTLSCredsX509 *creds, bool is_server,
                         const char *cafile, const char *certfile,
                         Error **errp)
{
    gnutls_x509_crt_t cert = NULL;
    gnutls_x509_crt_t cacerts[MAX_CA_CERTS];
    unsigned int ncacerts = 0;
    gnutls_datum_t data;
    bool ok = false;
    int ret;

    if (certfile && access(certfile, R_OK) == 0) {
        g_autofree char *buf = NULL;

        if (!read_pem(certfile, &data, &buf, errp)) {
            return false;
        }
        gnutls_x509_crt_init(&cert);
        ret = gnutls_x509_crt_import(cert, &data, GNUTLS_X509_FMT_PEM);
        if (ret < 0) {
            error_setg(errp, "Unable to import %s certificate %s: %s",
                       is_server ? "server" : "client", certfile,
                       gnutls_strerror(ret));
            goto out;
        }
    }
    if (access(cafile, R_OK) == 0) {
        g_autofree char *buf = NULL;

        if (!read_pem(cafile, &data, &buf, errp)) {
            goto out;
        }
        ncacerts = MAX_CA_CERTS;
        if (gnutls_x509_crt_list_import(cacerts, &ncacerts, &data,
                                        GNUTLS_X509_FMT_PEM, 0) < 0) {
            ncacerts = 0;
            error_setg(errp, "Unable to import CA certificate list %s",
                       cafile);
            goto out;
        }
    }
    if (cert && !check_cert(cert, certfile, is_server, false, errp)) {
        goto out;
    }
    for (unsigned int i = 0; i < ncacerts; i++) {
        if (!check_cert(cacerts[i], cafile, is_server, true, errp)) {
            goto out;
        }
    }
    if (cert && ncacerts &&
        !check_cert_pair(cert, certfile, cacerts, ncacerts, cafile,
                         is_server, errp)) {
        goto out;
    }
    ok = true;
out:
    if (cert) {
        gnutls_x509_crt_deinit(cert);
    }
    for (unsigned int i = 0; i < ncacerts; i++) {
        gnutls_x509_crt_deinit(cacerts[i]);
    }
    return ok;
}

static bool x509_load(QCryptoTLSCredsX509 *creds, Error **errp)
{
    QCryptoTLSCreds *base = &creds->parent_obj;
    bool server = base->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER;
    g_autofree char *cacert = NULL, *cacrl = NULL, *cert = NULL;
    g_autofree char *key = NULL, *dhparams = NULL;
    int ret;

    trace_qcrypto_tls_creds_x509_load(creds, base->dir ? base->dir
                                                       : "<nodir>");
    if (!qcrypto_tls_creds_get_path(base, QCRYPTO_TLS_CREDS_X509_CA_CERT,
                                    true, &cacert, errp) ||
        !qcrypto_tls_creds_get_path(base, QCRYPTO_TLS_CREDS_X509_CA_CRL,
                                    false, &cacrl, errp) ||
        !qcrypto_tls_creds_get_path(base,
                                    server ? QCRYPTO_TLS_CREDS_X509_SERVER_CERT
                                           : QCRYPTO_TLS_CREDS_X509_CLIENT_CERT,
                                    server, &cert, errp) ||
        !qcrypto_tls_creds_get_path(base,
                                    server ? QCRYPTO_TLS_CREDS_X509_SERVER_KEY
                                           : QCRYPTO_TLS_CREDS_X509_CLIENT_KEY,
                                    server, &key, errp) ||
        (server && !qcrypto_tls_creds_get_path(base,
                                               QCRYPTO_TLS_CREDS_DH_PARAMS,
                                               false, &dhparams, errp))) {
        return false;
    }
    if (creds->sanity_check &&
        !sanity_check(creds, server, cacert, cert, errp)) {
        return false;
    }
    ret = gnutls_certificate_allocate_credentials(&creds->data);
    if (ret < 0) {
        error_setg(errp, "Cannot allocate credentials: '%s'",
                   gnutls_strerror(ret));
        return false;
    }
    ret = gnutls_certificate_set_x509_trust_file(creds->data, cacert,
                                                 GNUTLS_X509_FMT_PEM);
    if (ret < 0) {
        error_setg(errp, "Cannot load CA certificate '%s': %s", cacert,
                   gnutls_strerror(ret));
        return false;
    }
    if (cert && key) {
        g_autofree char *password = NULL;

        if (creds->passwordid) {
            password = qcrypto_secret_lookup_as_utf8(creds->passwordid, errp);
            if (!password) {
                return false;
            }
        }
        ret = gnutls_certificate_set_x509_key_file2(creds->data, cert, key,
                                                    GNUTLS_X509_FMT_PEM,
                                                    password, 0);
        if (ret < 0) {
            error_setg(errp, "Cannot load certificate '%s' & key '%s': %s",
                       cert, key, gnutls_strerror(ret));
            return false;
        }
    }
    if (cacrl) {
        ret = gnutls_certificate_set_x509_crl_file(creds->data, cacrl,
                                                   GNUTLS_X509_FMT_PEM);
        if (ret < 0) {
            error_setg(errp, "Cannot load CRL '%s': %s", cacrl,
                       gnutls_strerror(ret));
            return false;
        }
    }
    if (server) {
        if (dhparams) {
            if (!qcrypto_tls_creds_load_dh_params(base, dhparams, errp)) {
                return false;
            }
            gnutls_certificate_set_dh_params(creds->data, base->dh_params);
        } else {
            /* RFC 7919 groups: no minutes-long generation at startup. */
            gnutls_certificate_set_known_dh_params(creds->data,
                                                   GNUTLS_SEC_PARAM_MEDIUM);
        }
    }
    return true;
}

static void x509_unload(QCryptoTLSCredsX509 *creds)
{
    if (creds->data) {
        gnutls_certificate_free_credentials(creds->data);
        creds->data = NULL;
    }
}

static void x509_complete(UserCreatable *uc, Error **errp)
{
    QCryptoTLSCredsX509 *creds = QCRYPTO_TLS_CREDS_X509(uc);

    if (!x509_load(creds, errp)) {
        x509_unload(creds);
    }
}

static bool x509_session_setup(QCryptoTLSCreds *base, gnutls_session_t s,
                               Error **errp)
{
    QCryptoTLSCredsX509 *creds = QCRYPTO_TLS_CREDS_X509(base);
    g_autofree char *prio = qcrypto_tls_creds_priority(base, NULL);
    int ret;

    ret = gnutls_priority_set_direct(s, prio, NULL);
    if (ret < 0) {
        error_setg(errp, "Cannot set default TLS session priority %s: %s",
                   prio, gnutls_strerror(ret));
        return false;
    }
    ret = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, creds->data);
    if (ret < 0) {
        error_setg(errp, "Cannot set session credentials: %s",
                   gnutls_strerror(ret));
        return false;
    }
    if (base->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER) {
        /* Refuse a client without a certificate when we verify peers. */
        gnutls_certificate_server_set_request(s, base->verify_peer ?
                                              GNUTLS_CERT_REQUIRE :
                                              GNUTLS_CERT_REQUEST);
    }
    return true;
}

static bool x509_get_loaded(Object *obj, Error **errp)
{
    return QCRYPTO_TLS_CREDS_X509(obj)->data != NULL;
}

static bool x509_get_sanity(Object *obj, Error **errp)
{
    return QCRYPTO_TLS_CREDS_X509(obj)->sanity_check;
}

static void x509_set_sanity(Object *obj, bool value, Error **errp)
{
    QCRYPTO_TLS_CREDS_X509(obj)->sanity_check = value;
}

static char *x509_get_passwordid(Object *obj, Error **errp)
{
    return g_strdup(QCRYPTO_TLS_CREDS_X509(obj)->passwordid);
}

static void x509_set_passwordid(Object *obj, const char *value, Error **errp)
{
    QCryptoTLSCredsX509 *creds = QCRYPTO_TLS_CREDS_X509(obj);

    g_free(creds->passwordid);
    creds->passwordid = g_strdup(value);
}

static void x509_init(Object *obj)
{
    QCRYPTO_TLS_CREDS_X509(obj)->sanity_check = true;
}

static void x509_finalize(Object *obj)
{
    QCryptoTLSCredsX509 *creds = QCRYPTO_TLS_CREDS_X509(obj);

    x509_unload(creds);
    g_free(creds->passwordid);
}

static void x509_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = x509_complete;
    QCRYPTO_TLS_CREDS_CLASS(oc)->session_setup = x509_session_setup;
    object_class_property_add_bool(oc, "loaded", x509_get_loaded, NULL);
    object_class_property_add_bool(oc, "sanity-check", x509_get_sanity,
                                   x509_set_sanity);
    object_class_property_add_str(oc, "passwordid", x509_get_passwordid,
                                  x509_set_passwordid);
}

static const TypeInfo x509_info = {
    .name = TYPE_QCRYPTO_TLS_CREDS_X509,
    .parent = TYPE_QCRYPTO_TLS_CREDS,
    .instance_size = sizeof(QCryptoTLSCredsX509),
    .instance_init = x509_init,
    .instance_finalize = x509_finalize,
    .class_size = sizeof(QCryptoTLSCredsClass),
    .class_init = x509_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void x509_register_types(void)
{
    type_register_static(&x509_info);
}

type_init(x509_register_types);

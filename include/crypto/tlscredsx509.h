/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls-creds-x509: certificates from 'dir' (ca-cert.pem, the endpoint's
 * {server,client}-{cert,key}.pem, optional ca-crl.pem and, on a server,
 * dh-params.pem).  sanity-check (default true) checks the certificates
 * at creation as QEMU does: validity times, basic constraints, key
 * usage and purpose, and the certificate against the CA.  passwordid
 * names a secret holding the password of an encrypted key.
 */
#ifndef CRYPTO_TLSCREDSX509_H
#define CRYPTO_TLSCREDSX509_H

#include "crypto/tlscreds.h"

#define TYPE_QCRYPTO_TLS_CREDS_X509 "tls-creds-x509"
OBJECT_DECLARE_SIMPLE_TYPE(QCryptoTLSCredsX509, QCRYPTO_TLS_CREDS_X509)

struct QCryptoTLSCredsX509 {
    QCryptoTLSCreds parent_obj;
    gnutls_certificate_credentials_t data;
    bool sanity_check;
    char *passwordid;
};

/* Why GnuTLS refused a certificate (a verify status), in QEMU's words. */
const char *qcrypto_tls_cert_status_reason(unsigned int status);

#endif /* CRYPTO_TLSCREDSX509_H */

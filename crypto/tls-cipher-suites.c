/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls-cipher-suites: the TLS cipher suites a GnuTLS priority string
 * selects.  QEMU hands the list to guest firmware through fw_cfg; Tern
 * has no fw_cfg, so the object checks the priority, counts the suites
 * and shows them in its read-only "suites" property (IANA code points,
 * "0xHH:0xHH" each, comma-separated).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object_interfaces.h"
#include "crypto/tlscreds.h"

#define TYPE_QCRYPTO_TLS_CIPHER_SUITES "tls-cipher-suites"
OBJECT_DECLARE_SIMPLE_TYPE(QCryptoTLSCipherSuites, QCRYPTO_TLS_CIPHER_SUITES)

struct QCryptoTLSCipherSuites {
    QCryptoTLSCreds parent_obj;
    char *suites;
};

static void suites_complete(UserCreatable *uc, Error **errp)
{
    QCryptoTLSCipherSuites *s = QCRYPTO_TLS_CIPHER_SUITES(uc);
    g_autofree char *prio = qcrypto_tls_creds_priority(&s->parent_obj, NULL);
    g_autoptr(GString) out = g_string_new("");
    gnutls_priority_t pcache;
    const char *err_pos;
    int ret;

    ret = gnutls_priority_init(&pcache, prio, &err_pos);
    if (ret < 0) {
        error_setg(errp, "Syntax error using priority '%s': %s", prio,
                   gnutls_strerror(ret));
        return;
    }
    for (size_t i = 0;; i++) {
        unsigned int idx;
        unsigned char id[2];

        ret = gnutls_priority_get_cipher_suite_index(pcache, i, &idx);
        if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
            break;
        }
        if (ret == GNUTLS_E_UNKNOWN_CIPHER_SUITE) {
            continue;
        }
        if (gnutls_cipher_suite_info(idx, id, NULL, NULL, NULL, NULL)) {
            g_string_append_printf(out, "%s0x%02x:0x%02x",
                                   out->len ? "," : "", id[0], id[1]);
        }
    }
    gnutls_priority_deinit(pcache);
    if (!out->len) {
        error_setg(errp, "No cipher suite found for priority '%s'", prio);
        return;
    }
    s->suites = g_string_free(g_steal_pointer(&out), false);
}

static char *suites_get(Object *obj, Error **errp)
{
    return g_strdup(QCRYPTO_TLS_CIPHER_SUITES(obj)->suites);
}

static void suites_finalize(Object *obj)
{
    g_free(QCRYPTO_TLS_CIPHER_SUITES(obj)->suites);
}

static void suites_class_init(ObjectClass *oc, const void *data)
{
    USER_CREATABLE_CLASS(oc)->complete = suites_complete;
    object_class_property_add_str(oc, "suites", suites_get, NULL);
}

static const TypeInfo suites_info = {
    .name = TYPE_QCRYPTO_TLS_CIPHER_SUITES,
    .parent = TYPE_QCRYPTO_TLS_CREDS,
    .instance_size = sizeof(QCryptoTLSCipherSuites),
    .instance_finalize = suites_finalize,
    .class_size = sizeof(QCryptoTLSCredsClass),
    .class_init = suites_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void suites_register_types(void)
{
    type_register_static(&suites_info);
}

type_init(suites_register_types);

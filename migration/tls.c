/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TLS on migration channels (see migration/tls.h). */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "crypto/tlscreds.h"
#include "io/channel-file.h"
#include "io/channel-tls.h"
#include "migration/options.h"
#include "migration/tls.h"
#include "migration/trace.h"

bool migrate_channel_requires_tls_upgrade(QIOChannel *ioc)
{
    return migrate_tls() && !object_dynamic_cast(OBJECT(ioc),
                                                 TYPE_QIO_CHANNEL_TLS);
}

/* The tls-creds object, which must serve @endpoint. */
static QCryptoTLSCreds *migration_tls_get_creds(QCryptoTLSCredsEndpoint
                                                endpoint, Error **errp)
{
    const char *id = migrate_tls_creds();
    Object *obj = object_resolve_path_component(object_get_objects_root(),
                                                id);
    QCryptoTLSCreds *creds;

    if (!obj) {
        error_setg(errp, "No TLS credentials with id '%s'", id);
        return NULL;
    }
    creds = (QCryptoTLSCreds *)object_dynamic_cast(obj,
                                                   TYPE_QCRYPTO_TLS_CREDS);
    if (!creds) {
        error_setg(errp, "Object with id '%s' is not TLS credentials", id);
        return NULL;
    }
    if (!qcrypto_tls_creds_check_endpoint(creds, endpoint, errp)) {
        return NULL;
    }
    return creds;
}

static QIOChannelTLS *migration_tls_create(QIOChannel *ioc, bool incoming,
                                           const char *hostname,
                                           Error **errp)
{
    QCryptoTLSCreds *creds;

    if (object_dynamic_cast(OBJECT(ioc), TYPE_QIO_CHANNEL_FILE) &&
        qio_channel_has_feature(ioc, QIO_CHANNEL_FEATURE_SEEKABLE)) {
        error_setg(errp, "TLS cannot be used with the file: transport "
                   "(parameter 'tls-creds' is set)");
        return NULL;
    }
    creds = migration_tls_get_creds(incoming ?
                                    QCRYPTO_TLS_CREDS_ENDPOINT_SERVER :
                                    QCRYPTO_TLS_CREDS_ENDPOINT_CLIENT, errp);
    if (!creds) {
        return NULL;
    }
    if (incoming) {
        return qio_channel_tls_new_server(ioc, creds, migrate_tls_authz(),
                                          errp);
    }
    /* tls-hostname wins over the URI's host. */
    if (migrate_tls_hostname()) {
        hostname = migrate_tls_hostname();
    }
    return qio_channel_tls_new_client(ioc, creds, hostname, errp);
}

typedef struct MigrationTLSHandshake {
    MigrationTLSDone *done;
    void *opaque;
    bool incoming;
} MigrationTLSHandshake;

static void migration_tls_handshake_done(QIOTask *task, gpointer opaque)
{
    MigrationTLSHandshake *hs = opaque;
    QIOChannel *tioc = QIO_CHANNEL(qio_task_get_source(task));
    Error *err = NULL;

    if (!qio_task_propagate_error(task, &err)) {
        trace_migration_tls_handshake_error(hs->incoming ? "incoming"
                                                         : "outgoing",
                                            error_get_pretty(err));
        hs->done(NULL, err, hs->opaque);
        return;
    }
    trace_migration_tls_handshake_complete(hs->incoming ? "incoming"
                                                        : "outgoing");
    if (!hs->incoming) {
        /* As the plain socket was: the migration thread blocks on it. */
        qio_channel_set_blocking(tioc, true, NULL);
    }
    hs->done(QIO_CHANNEL(object_ref(tioc)), NULL, hs->opaque);
}

bool migration_tls_channel_start(QIOChannel *ioc, bool incoming,
                                 const char *hostname,
                                 MigrationTLSDone *done, void *opaque,
                                 Error **errp)
{
    QIOChannelTLS *tioc = migration_tls_create(ioc, incoming, hostname,
                                               errp);
    MigrationTLSHandshake *hs;

    if (!tioc) {
        return false;
    }
    hs = g_new0(MigrationTLSHandshake, 1);
    hs->done = done;
    hs->opaque = opaque;
    hs->incoming = incoming;
    qio_channel_set_name(QIO_CHANNEL(tioc), incoming ?
                         "migration-tls-incoming" : "migration-tls-outgoing");
    trace_migration_tls_handshake_start(incoming ? "incoming" : "outgoing",
                                        hostname ? hostname : "");
    /* The task holds the channel until the callback has run. */
    qio_channel_tls_handshake(tioc, migration_tls_handshake_done, hs,
                              g_free, NULL);
    object_unref(tioc);
    return true;
}

QIOChannel *migration_tls_channel_wrap_sync(QIOChannel *ioc, bool incoming,
                                            const char *hostname,
                                            const char *name, Error **errp)
{
    QIOChannelTLS *tioc = migration_tls_create(ioc, incoming, hostname,
                                               errp);

    if (!tioc) {
        return NULL;
    }
    qio_channel_set_name(QIO_CHANNEL(tioc), name);
    trace_migration_tls_handshake_start(name, hostname ? hostname : "");
    if (!qio_channel_tls_handshake_sync(tioc, errp)) {
        object_unref(tioc);
        return NULL;
    }
    trace_migration_tls_handshake_complete(name);
    if (!incoming) {
        /* The sending thread blocks on it; TLS then batches its records. */
        qio_channel_set_blocking(QIO_CHANNEL(tioc), true, NULL);
    }
    return QIO_CHANNEL(tioc);
}

void migration_tls_channel_end(QIOChannel *ioc, Error **errp)
{
    bool ok = qio_channel_tls_bye(QIO_CHANNEL_TLS(ioc), errp);

    trace_migration_tls_bye(ioc->name ? ioc->name : "", ok);
}

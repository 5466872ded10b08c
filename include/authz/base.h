/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Authorization objects: the abstract base of authz-simple, authz-list
 * and authz-listfile.  A TLS server with an authz id asks it whether a
 * client identity (an x509 distinguished name or a PSK user name) may
 * connect.
 */
#ifndef AUTHZ_BASE_H
#define AUTHZ_BASE_H

#include "qom/object.h"

#define TYPE_QAUTHZ "authz"
OBJECT_DECLARE_TYPE(QAuthZ, QAuthZClass, QAUTHZ)

struct QAuthZ {
    Object parent_obj;
};

struct QAuthZClass {
    ObjectClass parent_class;
    /* Mandatory: may @identity connect?  false with @errp on failure. */
    bool (*is_allowed)(QAuthZ *authz, const char *identity, Error **errp);
};

bool qauthz_is_allowed(QAuthZ *authz, const char *identity, Error **errp);
/*
 * The same with the object /objects/@authzid.  Errors: "Cannot find
 * QAuthZ object ID X", "Object 'X' is not a QAuthZ subclass".
 */
bool qauthz_is_allowed_by_id(const char *authzid, const char *identity,
                             Error **errp);

#endif /* AUTHZ_BASE_H */

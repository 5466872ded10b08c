/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The abstract authorization type (see include/authz/base.h). */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "authz/base.h"
#include "authz/trace.h"

bool qauthz_is_allowed(QAuthZ *authz, const char *identity, Error **errp)
{
    bool allowed = QAUTHZ_GET_CLASS(authz)->is_allowed(authz, identity, errp);

    trace_qauthz_is_allowed(authz, identity, allowed);
    return allowed;
}

bool qauthz_is_allowed_by_id(const char *authzid, const char *identity,
                             Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(),
                                                authzid);

    if (!obj) {
        error_setg(errp, "Cannot find QAuthZ object ID %s", authzid);
        return false;
    }
    if (!object_dynamic_cast(obj, TYPE_QAUTHZ)) {
        error_setg(errp, "Object '%s' is not a QAuthZ subclass", authzid);
        return false;
    }
    return qauthz_is_allowed(QAUTHZ(obj), identity, errp);
}

static const TypeInfo authz_info = {
    .name = TYPE_QAUTHZ,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(QAuthZ),
    .class_size = sizeof(QAuthZClass),
    .abstract = true,
};

static void authz_register_types(void)
{
    type_register_static(&authz_info);
}

type_init(authz_register_types);

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* authz-simple (see include/authz/simple.h). */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object_interfaces.h"
#include "authz/simple.h"

static bool simple_is_allowed(QAuthZ *authz, const char *identity,
                              Error **errp)
{
    return g_str_equal(QAUTHZ_SIMPLE(authz)->identity, identity);
}

static void simple_complete(UserCreatable *uc, Error **errp)
{
    if (!QAUTHZ_SIMPLE(uc)->identity) {
        error_setg(errp, "The 'identity' property must be set");
    }
}

static char *simple_get_identity(Object *obj, Error **errp)
{
    return g_strdup(QAUTHZ_SIMPLE(obj)->identity);
}

static void simple_set_identity(Object *obj, const char *value, Error **errp)
{
    QAuthZSimple *s = QAUTHZ_SIMPLE(obj);

    g_free(s->identity);
    s->identity = g_strdup(value);
}

static void simple_finalize(Object *obj)
{
    g_free(QAUTHZ_SIMPLE(obj)->identity);
}

static void simple_class_init(ObjectClass *oc, const void *data)
{
    USER_CREATABLE_CLASS(oc)->complete = simple_complete;
    QAUTHZ_CLASS(oc)->is_allowed = simple_is_allowed;
    object_class_property_add_str(oc, "identity", simple_get_identity,
                                  simple_set_identity);
}

static const TypeInfo simple_info = {
    .name = TYPE_QAUTHZ_SIMPLE,
    .parent = TYPE_QAUTHZ,
    .instance_size = sizeof(QAuthZSimple),
    .instance_finalize = simple_finalize,
    .class_size = sizeof(QAuthZClass),
    .class_init = simple_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void simple_register_types(void)
{
    type_register_static(&simple_info);
}

type_init(simple_register_types);

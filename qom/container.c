/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Containers: property-less objects that only group children in the
 * composition tree ("/", "/objects", "/machine/peripheral"...).
 */
#include "qemu/osdep.h"
#include "qom/object.h"

static const TypeInfo container_info = {
    .name = TYPE_CONTAINER,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Object),
};

static void container_register_types(void)
{
    type_register_static(&container_info);
}

type_init(container_register_types)

Object *object_property_add_new_container(Object *obj, const char *name)
{
    Object *child = object_new(TYPE_CONTAINER);

    object_property_add_child(obj, name, child);
    object_unref(child);        /* @obj's reference keeps it */
    return child;
}

Object *container_get(Object *root, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", 0);
    Object *obj = root;

    assert(parts != NULL);
    /* A leading '/' gives an empty first part: skip empty parts. */
    for (int i = 0; parts[i]; i++) {
        Object *child;

        if (!*parts[i]) {
            continue;
        }
        child = object_resolve_path_component(obj, parts[i]);
        if (!child) {
            child = object_property_add_new_container(obj, parts[i]);
        }
        obj = child;
    }
    return obj;
}

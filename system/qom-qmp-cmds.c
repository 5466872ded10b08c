/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QOM QMP commands: qom-list, qom-get, qom-set, qom-list-types,
 * qom-list-properties, object-add, object-del.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-qom.h"
#include "qapi/qapi-visit-qom.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qobject/qdict.h"
#include "qom/object_interfaces.h"
#include "qom/qom-qobject.h"

static Object *qom_resolve(const char *path, Error **errp)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);

    if (!obj) {
        if (ambiguous) {
            error_setg(errp, "Path '%s' is ambiguous", path);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
    }
    return obj;
}

ObjectPropertyInfoList *qmp_qom_list(const char *path, Error **errp)
{
    Object *obj = qom_resolve(path, errp);
    ObjectPropertyInfoList *props = NULL;
    ObjectPropertyIterator iter;
    ObjectProperty *prop;

    if (!obj) {
        return NULL;
    }
    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        ObjectPropertyInfo *value = g_new0(ObjectPropertyInfo, 1);

        value->name = g_strdup(prop->name);
        value->type = g_strdup(prop->type);
        QAPI_LIST_PREPEND(props, value);
    }
    return props;
}

QObject *qmp_qom_get(const char *path, const char *property, Error **errp)
{
    Object *obj = qom_resolve(path, errp);

    return obj ? object_property_get_qobject(obj, property, errp) : NULL;
}

void qmp_qom_set(const char *path, const char *property, QObject *value,
                 Error **errp)
{
    Object *obj = qom_resolve(path, errp);

    if (obj) {
        object_property_set_qobject(obj, property, value, errp);
    }
}

static void add_type_info(ObjectClass *klass, void *opaque)
{
    ObjectTypeInfoList **list = opaque;
    ObjectTypeInfo *info = g_new0(ObjectTypeInfo, 1);
    ObjectClass *parent = object_class_get_parent(klass);

    info->name = g_strdup(object_class_get_name(klass));
    if (object_class_is_abstract(klass)) {
        info->has_abstract = info->abstract = true;
    }
    if (parent) {
        info->parent = g_strdup(object_class_get_name(parent));
    }
    QAPI_LIST_PREPEND(*list, info);
}

ObjectTypeInfoList *qmp_qom_list_types(const char *implements,
                                       bool has_abstract, bool abstract,
                                       Error **errp)
{
    ObjectTypeInfoList *list = NULL;

    object_class_foreach(add_type_info, implements, abstract, &list);
    return list;
}

/* Properties every object or device has, which QEMU leaves out. */
static bool property_is_internal(const char *name)
{
    return !strcmp(name, "type") || !strcmp(name, "realized") ||
           !strcmp(name, "hotpluggable") || !strcmp(name, "hotplugged") ||
           !strcmp(name, "parent_bus");
}

ObjectPropertyInfoList *qmp_qom_list_properties(const char *typename,
                                                Error **errp)
{
    ObjectClass *klass = object_class_by_name(typename);
    ObjectPropertyInfoList *props = NULL;
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    Object *obj = NULL;

    if (!klass) {
        error_setg(errp, "Class '%s' not found", typename);
        return NULL;
    }
    if (object_class_is_abstract(klass)) {
        object_class_property_iter_init(&iter, klass);
    } else {
        obj = object_new(typename);
        object_property_iter_init(&iter, obj);
    }
    while ((prop = object_property_iter_next(&iter))) {
        ObjectPropertyInfo *info;

        if (property_is_internal(prop->name)) {
            continue;
        }
        info = g_new0(ObjectPropertyInfo, 1);
        info->name = g_strdup(prop->name);
        info->type = g_strdup(prop->type);
        info->description = g_strdup(prop->description);
        info->default_value = qobject_ref(prop->defval);
        QAPI_LIST_PREPEND(props, info);
    }
    if (obj) {
        object_unref(obj);
    }
    return props;
}

void qmp_object_add(ObjectOptions *options, Error **errp)
{
    Visitor *v;
    QObject *qobj = NULL;
    QDict *props;
    Object *obj;

    /* The typed options become the property dict of the new object. */
    v = qobject_output_visitor_new(&qobj);
    visit_type_ObjectOptions(v, NULL, &options, &error_abort);
    visit_complete(v, &qobj);
    visit_free(v);

    props = qobject_to(QDict, qobj);
    qdict_del(props, "qom-type");
    qdict_del(props, "id");
    v = qobject_input_visitor_new(QOBJECT(props));
    obj = user_creatable_add_type(ObjectType_str(options->qom_type),
                                  options->id, props, v, errp);
    visit_free(v);
    qobject_unref(qobj);
    if (obj) {
        object_unref(obj);
    }
}

void qmp_object_del(const char *id, Error **errp)
{
    user_creatable_del(id, errp);
}

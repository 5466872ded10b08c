/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU Object Model core: type registry, lazy class construction,
 * casts, object life cycle and the generic property machinery.  The
 * composition tree (child/link properties, paths) is in this file too
 * because finalization and property release depend on it.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qapi/string-input-visitor.h"
#include "qapi/string-output-visitor.h"
#include "qemu/error-report.h"
#include "qobject/qbool.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "qom/qom-qobject.h"

#define MAX_INTERFACES 32

typedef struct TypeImpl TypeImpl;

struct TypeImpl {
    const char *name;
    size_t class_size;
    size_t instance_size;
    size_t instance_align;

    void (*class_init)(ObjectClass *klass, const void *data);
    void (*class_base_init)(ObjectClass *klass, const void *data);
    const void *class_data;

    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);

    bool abstract;

    const char *parent;
    TypeImpl *parent_type;

    ObjectClass *class;

    int num_interfaces;
    InterfaceInfo interfaces[MAX_INTERFACES];
};

static Type type_interface;

/* --- the type table --- */

static GHashTable *type_table_get(void)
{
    static GHashTable *type_table;

    if (!type_table) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return type_table;
}

static TypeImpl *type_table_lookup(const char *name)
{
    return g_hash_table_lookup(type_table_get(), name);
}

static TypeImpl *type_new(const TypeInfo *info)
{
    TypeImpl *ti = g_new0(TypeImpl, 1);
    int i;

    ti->name = g_strdup(info->name);
    ti->parent = g_strdup(info->parent);
    ti->class_size = info->class_size;
    ti->instance_size = info->instance_size;
    ti->instance_align = info->instance_align;
    ti->class_init = info->class_init;
    ti->class_base_init = info->class_base_init;
    ti->class_data = info->class_data;
    ti->instance_init = info->instance_init;
    ti->instance_post_init = info->instance_post_init;
    ti->instance_finalize = info->instance_finalize;
    ti->abstract = info->abstract;

    for (i = 0; info->interfaces && info->interfaces[i].type; i++) {
        assert(i < MAX_INTERFACES);
        ti->interfaces[i].type = g_strdup(info->interfaces[i].type);
    }
    ti->num_interfaces = i;
    return ti;
}

Type type_register_static(const TypeInfo *info)
{
    TypeImpl *ti;

    assert(info->name);
    if (type_table_lookup(info->name)) {
        error_report("type '%s' is registered twice", info->name);
        abort();
    }
    ti = type_new(info);
    g_hash_table_insert(type_table_get(), (void *)ti->name, ti);
    return ti;
}

void type_register_static_array(const TypeInfo *infos, int nr_infos)
{
    for (int i = 0; i < nr_infos; i++) {
        type_register_static(&infos[i]);
    }
}

static TypeImpl *type_get_by_name(const char *name)
{
    return name ? type_table_lookup(name) : NULL;
}

static TypeImpl *type_get_parent(TypeImpl *type)
{
    if (!type->parent_type && type->parent) {
        type->parent_type = type_get_by_name(type->parent);
        if (!type->parent_type) {
            error_report("type '%s' has unknown parent '%s'",
                         type->name, type->parent);
            abort();
        }
    }
    return type->parent_type;
}

static bool type_has_parent(TypeImpl *type)
{
    return type->parent != NULL;
}

static size_t type_class_get_size(TypeImpl *ti)
{
    if (ti->class_size) {
        return ti->class_size;
    }
    if (type_has_parent(ti)) {
        return type_class_get_size(type_get_parent(ti));
    }
    return sizeof(ObjectClass);
}

static size_t type_object_get_size(TypeImpl *ti)
{
    if (ti->instance_size) {
        return ti->instance_size;
    }
    if (type_has_parent(ti)) {
        return type_object_get_size(type_get_parent(ti));
    }
    return 0;
}

static size_t type_object_get_align(TypeImpl *ti)
{
    if (ti->instance_align) {
        return ti->instance_align;
    }
    if (type_has_parent(ti)) {
        return type_object_get_align(type_get_parent(ti));
    }
    return 0;
}

/* Is @parent @type itself or one of its ancestors? */
static bool type_is_ancestor(TypeImpl *type, TypeImpl *parent)
{
    assert(type);
    while (type) {
        if (type == parent) {
            return true;
        }
        type = type_has_parent(type) ? type_get_parent(type) : NULL;
    }
    return false;
}

static void type_initialize(TypeImpl *ti);

/*
 * Give @ti's class its own InterfaceClass for @interface_type, copied
 * from @parent_type's class (the interface itself, or the parent class's
 * implementation of it, whose overrides are then inherited).
 */
static void type_initialize_interface(TypeImpl *ti, TypeImpl *interface_type,
                                      TypeImpl *parent_type)
{
    InterfaceClass *new_iface;
    TypeInfo info = { };
    TypeImpl *iface_impl;
    char *name = g_strdup_printf("%s::%s", ti->name, interface_type->name);

    info.parent = parent_type->name;
    info.name = name;
    info.abstract = true;

    iface_impl = type_new(&info);
    g_free(name);
    iface_impl->parent_type = parent_type;
    type_initialize(iface_impl);

    new_iface = (InterfaceClass *)iface_impl->class;
    new_iface->concrete_class = ti->class;
    new_iface->interface_type = interface_type;

    ti->class->interfaces = g_slist_append(ti->class->interfaces, new_iface);
}

static void object_property_free(gpointer data)
{
    ObjectProperty *prop = data;

    if (prop->defval) {
        qobject_unref(prop->defval);
        prop->defval = NULL;
    }
    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    g_free(prop);
}

static void type_initialize(TypeImpl *ti)
{
    TypeImpl *parent;

    if (ti->class) {
        return;
    }

    ti->class_size = type_class_get_size(ti);
    ti->instance_size = type_object_get_size(ti);
    ti->instance_align = type_object_get_align(ti);
    /* A type without instances cannot be instantiated. */
    if (ti->instance_size == 0) {
        ti->abstract = true;
    }
    if (type_interface && type_is_ancestor(ti, type_interface)) {
        assert(ti->instance_size == 0);
        assert(ti->abstract);
        assert(!ti->instance_init);
        assert(!ti->instance_post_init);
        assert(!ti->instance_finalize);
        assert(!ti->num_interfaces);
    }
    ti->class = g_malloc0(ti->class_size);

    parent = type_has_parent(ti) ? type_get_parent(ti) : NULL;
    if (parent) {
        GSList *e;

        type_initialize(parent);
        g_assert(parent->class_size <= ti->class_size);
        g_assert(parent->instance_size <= ti->instance_size);
        memcpy(ti->class, parent->class, parent->class_size);
        ti->class->interfaces = NULL;

        for (e = parent->class->interfaces; e; e = e->next) {
            InterfaceClass *iface = e->data;
            ObjectClass *klass = OBJECT_CLASS(iface);

            type_initialize_interface(ti, iface->interface_type, klass->type);
        }

        for (int i = 0; i < ti->num_interfaces; i++) {
            TypeImpl *t = type_get_by_name(ti->interfaces[i].type);

            if (!t) {
                error_report("missing interface '%s' for object '%s'",
                             ti->interfaces[i].type, ti->name);
                abort();
            }
            for (e = ti->class->interfaces; e; e = e->next) {
                TypeImpl *target_type = OBJECT_CLASS(e->data)->type;

                if (type_is_ancestor(target_type, t)) {
                    break;
                }
            }
            if (e) {
                continue;       /* already implemented by the parent */
            }
            type_initialize_interface(ti, t, t);
        }
    }

    ti->class->properties = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                  NULL,
                                                  object_property_free);
    ti->class->type = ti;

    for (TypeImpl *p = parent; p; p = type_has_parent(p) ?
                                        type_get_parent(p) : NULL) {
        if (p->class_base_init) {
            p->class_base_init(ti->class, ti->class_data);
        }
    }
    if (ti->class_init) {
        ti->class_init(ti->class, ti->class_data);
    }
}

/* --- classes --- */

ObjectClass *object_class_by_name(const char *typename)
{
    TypeImpl *type = type_get_by_name(typename);

    if (!type) {
        return NULL;
    }
    type_initialize(type);
    return type->class;
}

ObjectClass *object_class_by_name_or_load(const char *typename)
{
    return object_class_by_name(typename);
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    TypeImpl *type = type_has_parent(klass->type) ?
                     type_get_parent(klass->type) : NULL;

    if (!type) {
        return NULL;
    }
    type_initialize(type);
    return type->class;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->name;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->abstract;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename)
{
    ObjectClass *ret = NULL;
    TypeImpl *target_type;
    TypeImpl *type;

    if (!klass) {
        return NULL;
    }
    type = klass->type;
    if (type->name == typename || !strcmp(type->name, typename)) {
        return klass;
    }
    target_type = type_get_by_name(typename);
    if (!target_type) {
        return NULL;
    }

    if (type->class->interfaces &&
        type_is_ancestor(target_type, type_interface)) {
        int found = 0;

        for (GSList *i = klass->interfaces; i; i = i->next) {
            ObjectClass *target_class = i->data;

            if (type_is_ancestor(target_class->type, target_type)) {
                ret = target_class;
                found++;
            }
        }
        /* Two implementations would make the cast ambiguous. */
        if (found > 1) {
            ret = NULL;
        }
    } else if (type_is_ancestor(type, target_type)) {
        ret = klass;
    }
    return ret;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func)
{
    ObjectClass *ret;

    if (!klass) {
        return NULL;
    }
    ret = object_class_dynamic_cast(klass, typename);
    if (!ret) {
        error_report("%s:%d:%s: class '%s' is not a subclass of '%s'",
                     file, line, func, klass->type->name, typename);
        abort();
    }
    return ret;
}

typedef struct OCFData {
    void (*fn)(ObjectClass *klass, void *opaque);
    const char *implements_type;
    bool include_abstract;
    void *opaque;
} OCFData;

static void object_class_foreach_tramp(gpointer key, gpointer value,
                                       gpointer opaque)
{
    OCFData *data = opaque;
    TypeImpl *type = value;
    ObjectClass *k;

    type_initialize(type);
    k = type->class;
    if (!data->include_abstract && type->abstract) {
        return;
    }
    if (data->implements_type &&
        !object_class_dynamic_cast(k, data->implements_type)) {
        return;
    }
    data->fn(k, data->opaque);
}

void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type, bool include_abstract,
                          void *opaque)
{
    OCFData data = { fn, implements_type, include_abstract, opaque };

    /* Class init of a type never registers types, so the table is stable. */
    g_hash_table_foreach(type_table_get(), object_class_foreach_tramp, &data);
}

static void object_class_get_list_tramp(ObjectClass *klass, void *opaque)
{
    GSList **list = opaque;

    *list = g_slist_prepend(*list, klass);
}

GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract)
{
    GSList *list = NULL;

    object_class_foreach(object_class_get_list_tramp, implements_type,
                         include_abstract, &list);
    return list;
}

static gint object_class_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract)
{
    return g_slist_sort(object_class_get_list(implements_type,
                                              include_abstract),
                        object_class_cmp);
}

/* --- instances --- */

static void object_class_property_init_all(Object *obj)
{
    ObjectPropertyIterator iter;
    ObjectProperty *prop;

    object_class_property_iter_init(&iter, object_get_class(obj));
    while ((prop = object_property_iter_next(&iter))) {
        if (prop->init) {
            prop->init(obj, prop);
        }
    }
}

static void object_init_with_type(Object *obj, TypeImpl *ti)
{
    if (type_has_parent(ti)) {
        object_init_with_type(obj, type_get_parent(ti));
    }
    if (ti->instance_init) {
        ti->instance_init(obj);
    }
}

static void object_post_init_with_type(Object *obj, TypeImpl *ti)
{
    if (ti->instance_post_init) {
        ti->instance_post_init(obj);
    }
    if (type_has_parent(ti)) {
        object_post_init_with_type(obj, type_get_parent(ti));
    }
}

static void object_initialize_with_type(Object *obj, size_t size,
                                        TypeImpl *type)
{
    type_initialize(type);

    g_assert(type->instance_size >= sizeof(Object));
    g_assert(!type->abstract);
    g_assert(size >= type->instance_size);

    memset(obj, 0, type->instance_size);
    obj->class = type->class;
    obj->ref = 1;
    obj->properties = g_hash_table_new_full(g_str_hash, g_str_equal,
                                            NULL, object_property_free);
    object_class_property_init_all(obj);
    object_init_with_type(obj, type);
    object_post_init_with_type(obj, type);
}

void object_initialize(void *data, size_t size, const char *typename)
{
    TypeImpl *type = type_get_by_name(typename);

    if (!type) {
        error_report("missing object type '%s'", typename);
        abort();
    }
    object_initialize_with_type(data, size, type);
}

static void object_free_aligned(void *obj)
{
    free(obj);
}

static Object *object_new_with_type(TypeImpl *type)
{
    Object *obj;
    size_t size, align;
    ObjectFree *obj_free;

    g_assert(type != NULL);
    type_initialize(type);
    if (type->abstract) {
        error_report("cannot create an object of abstract type '%s'",
                     type->name);
        abort();
    }

    size = type->instance_size;
    align = type->instance_align;
    /* g_malloc's alignment is good enough for everything but SIMD fields. */
    if (align <= 2 * sizeof(void *)) {
        obj = g_malloc(size);
        obj_free = g_free;
    } else {
        void *p = NULL;

        if (posix_memalign(&p, align, size)) {
            error_report("out of memory for an object of type '%s'",
                         type->name);
            abort();
        }
        obj = p;
        obj_free = object_free_aligned;
    }
    object_initialize_with_type(obj, size, type);
    obj->free = obj_free;
    return obj;
}

Object *object_new_with_class(ObjectClass *klass)
{
    return object_new_with_type(klass->type);
}

Object *object_new(const char *typename)
{
    TypeImpl *ti = type_get_by_name(typename);

    if (!ti) {
        error_report("missing object type '%s'", typename);
        abort();
    }
    return object_new_with_type(ti);
}

bool object_set_propv(Object *obj, Error **errp, va_list vargs)
{
    const char *propname = va_arg(vargs, char *);

    while (propname) {
        const char *value = va_arg(vargs, char *);

        g_assert(value != NULL);
        if (!object_property_parse(obj, propname, value, errp)) {
            return false;
        }
        propname = va_arg(vargs, char *);
    }
    return true;
}

bool object_set_props(Object *obj, Error **errp, ...)
{
    va_list vargs;
    bool ret;

    va_start(vargs, errp);
    ret = object_set_propv(obj, errp, vargs);
    va_end(vargs);
    return ret;
}

Object *object_new_with_propv(const char *typename, Object *parent,
                              const char *id, Error **errp, va_list vargs)
{
    Object *obj;
    ObjectClass *klass = object_class_by_name(typename);
    UserCreatable *uc;

    if (!klass) {
        error_setg(errp, "invalid object type: %s", typename);
        return NULL;
    }
    if (object_class_is_abstract(klass)) {
        error_setg(errp, "object type '%s' is abstract", typename);
        return NULL;
    }
    obj = object_new_with_type(klass->type);

    if (!object_set_propv(obj, errp, vargs)) {
        goto error;
    }
    if (id != NULL && !object_property_try_add_child(parent, id, obj, errp)) {
        goto error;
    }
    uc = (UserCreatable *)object_dynamic_cast(obj, TYPE_USER_CREATABLE);
    if (uc && !user_creatable_complete(uc, errp)) {
        if (id != NULL) {
            object_unparent(obj);
        }
        goto error;
    }
    if (id != NULL) {
        /* The parent's reference is the one that keeps it alive. */
        object_unref(obj);
    }
    return obj;

error:
    object_unref(obj);
    return NULL;
}

Object *object_new_with_props(const char *typename, Object *parent,
                              const char *id, Error **errp, ...)
{
    va_list vargs;
    Object *obj;

    va_start(vargs, errp);
    obj = object_new_with_propv(typename, parent, id, errp, vargs);
    va_end(vargs);
    return obj;
}

bool object_initialize_child_with_propsv(Object *parentobj,
                                         const char *propname,
                                         void *childobj, size_t size,
                                         const char *type, Error **errp,
                                         va_list vargs)
{
    Object *obj = childobj;
    UserCreatable *uc;
    bool ok = false;

    object_initialize(childobj, size, type);
    if (!object_set_propv(obj, errp, vargs)) {
        goto out;
    }
    object_property_add_child(parentobj, propname, obj);

    uc = (UserCreatable *)object_dynamic_cast(obj, TYPE_USER_CREATABLE);
    if (uc && !user_creatable_complete(uc, errp)) {
        object_unparent(obj);
        goto out;
    }
    ok = true;
out:
    /*
     * Drop the initial reference: on success the parent's one remains,
     * on failure this finalizes the half-built child.
     */
    object_unref(obj);
    return ok;
}

bool object_initialize_child_with_props(Object *parentobj,
                                        const char *propname,
                                        void *childobj, size_t size,
                                        const char *type, Error **errp, ...)
{
    va_list vargs;
    bool ok;

    va_start(vargs, errp);
    ok = object_initialize_child_with_propsv(parentobj, propname, childobj,
                                             size, type, errp, vargs);
    va_end(vargs);
    return ok;
}

void object_initialize_child_internal(Object *parent, const char *propname,
                                      void *child, size_t size,
                                      const char *type)
{
    object_initialize_child_with_props(parent, propname, child, size, type,
                                       &error_abort, NULL);
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(object_get_class(obj), typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func)
{
    Object *inst = object_dynamic_cast(obj, typename);

    if (!inst && obj) {
        error_report("%s:%d:%s: object %p of type '%s' is not an instance "
                     "of type '%s'", file, line, func, (void *)obj,
                     object_get_typename(obj), typename);
        abort();
    }
    return inst;
}

ObjectClass *object_get_class(Object *obj)
{
    return obj->class;
}

const char *object_get_typename(const Object *obj)
{
    return obj->class->type->name;
}

/*
 * Call every release hook (instance and class properties) once.  A hook
 * may add or delete properties, so restart the walk after each one.
 */
static void object_property_del_all(Object *obj)
{
    g_autoptr(GHashTable) done = g_hash_table_new(NULL, NULL);
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    bool released;

    do {
        released = false;
        object_property_iter_init(&iter, obj);
        while ((prop = object_property_iter_next(&iter)) != NULL) {
            if (g_hash_table_add(done, prop) && prop->release) {
                prop->release(obj, prop->name, prop->opaque);
                released = true;
                break;
            }
        }
    } while (released);

    g_hash_table_unref(obj->properties);
    obj->properties = NULL;
}

static void object_deinit(Object *obj, TypeImpl *type)
{
    if (type->instance_finalize) {
        type->instance_finalize(obj);
    }
    if (type_has_parent(type)) {
        object_deinit(obj, type_get_parent(type));
    }
}

static void object_finalize(Object *obj)
{
    TypeImpl *ti = obj->class->type;

    object_property_del_all(obj);
    object_deinit(obj, ti);

    g_assert(obj->ref == 0);
    g_assert(obj->parent == NULL);
    if (obj->free) {
        obj->free(obj);
    }
}

Object *object_ref(void *objptr)
{
    Object *obj = OBJECT(objptr);

    if (!obj) {
        return NULL;
    }
    __atomic_fetch_add(&obj->ref, 1, __ATOMIC_RELAXED);
    return obj;
}

void object_unref(void *objptr)
{
    Object *obj = OBJECT(objptr);

    if (!obj) {
        return;
    }
    g_assert(obj->ref > 0);
    if (__atomic_fetch_sub(&obj->ref, 1, __ATOMIC_ACQ_REL) == 1) {
        object_finalize(obj);
    }
}

/* --- properties --- */

static bool object_property_name_taken(Object *obj, const char *name)
{
    return object_property_find(obj, name) != NULL;
}

ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyAccessor *get,
                                        ObjectPropertyAccessor *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, Error **errp)
{
    ObjectProperty *prop;
    size_t name_len = strlen(name);

    if (name_len >= 3 && !memcmp(name + name_len - 3, "[*]", 4)) {
        g_autofree char *name_no_array = g_strndup(name, name_len - 3);

        for (int i = 0; i < INT16_MAX; ++i) {
            g_autofree char *full_name = g_strdup_printf("%s[%d]",
                                                         name_no_array, i);

            if (!object_property_name_taken(obj, full_name)) {
                return object_property_try_add(obj, full_name, type, get,
                                               set, release, opaque, errp);
            }
        }
        error_setg(errp, "too many '%s' properties on object (type '%s')",
                   name, object_get_typename(obj));
        return NULL;
    }

    if (object_property_name_taken(obj, name)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type '%s')", name, object_get_typename(obj));
        return NULL;
    }

    prop = g_new0(ObjectProperty, 1);
    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->get = get;
    prop->set = set;
    prop->release = release;
    prop->opaque = opaque;
    g_hash_table_insert(obj->properties, prop->name, prop);
    return prop;
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type,
                                    ObjectPropertyAccessor *get,
                                    ObjectPropertyAccessor *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    return object_property_try_add(obj, name, type, get, set, release,
                                   opaque, &error_abort);
}

ObjectProperty *object_class_property_add(ObjectClass *klass,
                                          const char *name,
                                          const char *type,
                                          ObjectPropertyAccessor *get,
                                          ObjectPropertyAccessor *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque)
{
    ObjectProperty *prop;

    if (object_class_property_find(klass, name)) {
        error_report("attempt to add duplicate property '%s' to class "
                     "(type '%s')", name, object_class_get_name(klass));
        abort();
    }
    prop = g_new0(ObjectProperty, 1);
    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->get = get;
    prop->set = set;
    prop->release = release;
    prop->opaque = opaque;
    g_hash_table_insert(klass->properties, prop->name, prop);
    return prop;
}

ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name)
{
    ObjectClass *parent_klass;
    ObjectProperty *prop;

    prop = g_hash_table_lookup(klass->properties, name);
    if (prop) {
        return prop;
    }
    parent_klass = object_class_get_parent(klass);
    return parent_klass ? object_class_property_find(parent_klass, name)
                        : NULL;
}

ObjectProperty *object_class_property_find_err(ObjectClass *klass,
                                               const char *name,
                                               Error **errp)
{
    ObjectProperty *prop = object_class_property_find(klass, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_class_get_name(klass), name);
    }
    return prop;
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    ObjectProperty *prop;

    prop = object_class_property_find(object_get_class(obj), name);
    if (prop) {
        return prop;
    }
    return g_hash_table_lookup(obj->properties, name);
}

ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
    }
    return prop;
}

void object_property_iter_init(ObjectPropertyIterator *iter, Object *obj)
{
    g_hash_table_iter_init(&iter->iter, obj->properties);
    iter->nextclass = object_get_class(obj);
}

void object_class_property_iter_init(ObjectPropertyIterator *iter,
                                     ObjectClass *klass)
{
    g_hash_table_iter_init(&iter->iter, klass->properties);
    iter->nextclass = object_class_get_parent(klass);
}

ObjectProperty *object_property_iter_next(ObjectPropertyIterator *iter)
{
    gpointer key, val;

    while (!g_hash_table_iter_next(&iter->iter, &key, &val)) {
        if (!iter->nextclass) {
            return NULL;
        }
        g_hash_table_iter_init(&iter->iter, iter->nextclass->properties);
        iter->nextclass = object_class_get_parent(iter->nextclass);
    }
    return val;
}

void object_property_del(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    if (!prop) {
        return;
    }
    if (prop->release) {
        prop->release(obj, name, prop->opaque);
    }
    g_hash_table_remove(obj->properties, name);
}

bool object_property_get(Object *obj, const char *name, Visitor *v,
                         Error **errp)
{
    ERRP_GUARD();
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return false;
    }
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), name);
        return false;
    }
    prop->get(obj, v, name, prop->opaque, errp);
    return !*errp;
}

bool object_property_set(Object *obj, const char *name, Visitor *v,
                         Error **errp)
{
    ERRP_GUARD();
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return false;
    }
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    prop->set(obj, v, name, prop->opaque, errp);
    return !*errp;
}

static void object_property_init_defval(Object *obj, ObjectProperty *prop)
{
    Visitor *v = qobject_input_visitor_new(prop->defval);

    assert(prop->set != NULL);
    prop->set(obj, v, prop->name, prop->opaque, &error_abort);
    visit_free(v);
}

static void object_property_set_default(ObjectProperty *prop,
                                        QObject *defval)
{
    assert(!prop->defval);
    assert(!prop->init);
    prop->defval = defval;
    prop->init = object_property_init_defval;
}

void object_property_set_default_bool(ObjectProperty *prop, bool value)
{
    object_property_set_default(prop, QOBJECT(qbool_from_bool(value)));
}

void object_property_set_default_str(ObjectProperty *prop,
                                     const char *value)
{
    object_property_set_default(prop, QOBJECT(qstring_from_str(value)));
}

void object_property_set_default_int(ObjectProperty *prop, int64_t value)
{
    object_property_set_default(prop, QOBJECT(qnum_from_int(value)));
}

void object_property_set_default_uint(ObjectProperty *prop, uint64_t value)
{
    object_property_set_default(prop, QOBJECT(qnum_from_uint(value)));
}

/* Set property @name to @value, taking over the reference to @value. */
static bool object_property_set_qobject_take(Object *obj, const char *name,
                                             QObject *value, Error **errp)
{
    g_autoptr(QObject) owned = value;

    return object_property_set_qobject(obj, name, owned, errp);
}

/*
 * The value of property @name, which must be a @type (@what names it in
 * the error); NULL with @errp set otherwise.
 */
static QObject *object_property_get_typed(Object *obj, const char *name,
                                          QType type, const char *what,
                                          Error **errp)
{
    QObject *ret = object_property_get_qobject(obj, name, errp);

    if (ret && qobject_type(ret) != type) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name, what);
        qobject_unref(ret);
        return NULL;
    }
    return ret;
}

bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp)
{
    return object_property_set_qobject_take(obj, name,
                                            QOBJECT(qstring_from_str(value)),
                                            errp);
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    g_autoptr(QObject) ret = object_property_get_typed(obj, name,
                                                       QTYPE_QSTRING,
                                                       "string", errp);

    return ret ? g_strdup(qstring_get_str(qobject_to(QString, ret))) : NULL;
}

bool object_property_set_link(Object *obj, const char *name,
                              Object *value, Error **errp)
{
    g_autofree char *path = NULL;

    if (value) {
        path = object_get_canonical_path(value);
        if (!path) {
            error_setg(errp, "cannot link property '%s' to an object that "
                       "is not in the composition tree", name);
            return false;
        }
    }
    return object_property_set_str(obj, name, path ? path : "", errp);
}

Object *object_property_get_link(Object *obj, const char *name,
                                 Error **errp)
{
    g_autofree char *str = object_property_get_str(obj, name, errp);
    Object *target = NULL;

    if (str && *str) {
        target = object_resolve_path(str, NULL);
        if (!target) {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", str);
        }
    }
    return target;
}

bool object_property_set_bool(Object *obj, const char *name,
                              bool value, Error **errp)
{
    return object_property_set_qobject_take(obj, name,
                                            QOBJECT(qbool_from_bool(value)),
                                            errp);
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    g_autoptr(QObject) ret = object_property_get_typed(obj, name,
                                                       QTYPE_QBOOL,
                                                       "boolean", errp);

    return ret ? qbool_get_bool(qobject_to(QBool, ret)) : false;
}

bool object_property_set_int(Object *obj, const char *name,
                             int64_t value, Error **errp)
{
    return object_property_set_qobject_take(obj, name,
                                            QOBJECT(qnum_from_int(value)),
                                            errp);
}

int64_t object_property_get_int(Object *obj, const char *name,
                                Error **errp)
{
    g_autoptr(QObject) ret = object_property_get_typed(obj, name, QTYPE_QNUM,
                                                       "int", errp);
    int64_t retval;

    if (!ret) {
        return -1;
    }
    if (!qnum_get_try_int(qobject_to(QNum, ret), &retval)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name, "int");
        return -1;
    }
    return retval;
}

bool object_property_set_uint(Object *obj, const char *name,
                              uint64_t value, Error **errp)
{
    return object_property_set_qobject_take(obj, name,
                                            QOBJECT(qnum_from_uint(value)),
                                            errp);
}

uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp)
{
    g_autoptr(QObject) ret = object_property_get_typed(obj, name, QTYPE_QNUM,
                                                       "uint", errp);
    uint64_t retval;

    if (!ret) {
        return 0;
    }
    if (!qnum_get_try_uint(qobject_to(QNum, ret), &retval)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name, "uint");
        return 0;
    }
    return retval;
}

typedef struct EnumProperty {
    const QEnumLookup *lookup;
    int (*get)(Object *, Error **);
    void (*set)(Object *, int, Error **);
} EnumProperty;

int object_property_get_enum(Object *obj, const char *name,
                             const char *typename, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    g_autofree char *str = NULL;
    EnumProperty *enumprop;

    if (!prop) {
        return -1;
    }
    if (!g_str_equal(prop->type, typename)) {
        error_setg(errp, "Property %s on %s is not '%s' enum type",
                   name, object_get_typename(obj), typename);
        return -1;
    }
    enumprop = prop->opaque;
    str = object_property_get_str(obj, name, errp);
    if (!str) {
        return -1;
    }
    return qapi_enum_parse(enumprop->lookup, str, -1, errp);
}

bool object_property_parse(Object *obj, const char *name,
                           const char *string, Error **errp)
{
    Visitor *v = string_input_visitor_new(string);
    bool ok = object_property_set(obj, name, v, errp);

    visit_free(v);
    return ok;
}

char *object_property_print(Object *obj, const char *name, bool human,
                            Error **errp)
{
    char *string = NULL;
    Visitor *v = string_output_visitor_new(human, &string);

    if (object_property_get(obj, name, v, errp)) {
        visit_complete(v, &string);
    }
    visit_free(v);
    return string;
}

const char *object_property_get_type(Object *obj, const char *name,
                                     Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    return prop ? prop->type : NULL;
}

void object_property_set_description(Object *obj, const char *name,
                                     const char *description)
{
    ObjectProperty *op = object_property_find(obj, name);

    assert(op);
    g_free(op->description);
    op->description = g_strdup(description);
}

void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *description)
{
    ObjectProperty *op = g_hash_table_lookup(klass->properties, name);

    assert(op);
    g_free(op->description);
    op->description = g_strdup(description);
}

bool object_property_is_child(ObjectProperty *prop)
{
    return g_str_has_prefix(prop->type, "child<");
}

bool object_property_is_link(ObjectProperty *prop)
{
    return g_str_has_prefix(prop->type, "link<");
}

/* --- the composition tree --- */

Object *object_get_root(void)
{
    static Object *root;

    if (!root) {
        root = object_new(TYPE_CONTAINER);
    }
    return root;
}

Object *object_get_container(const char *name)
{
    return container_get(object_get_root(), name);
}

Object *object_get_objects_root(void)
{
    return object_get_container("objects");
}

Object *object_get_internal_root(void)
{
    return object_get_container("internal-objects");
}

static void object_get_child_property(Object *obj, Visitor *v,
                                      const char *name, void *opaque,
                                      Error **errp)
{
    Object *child = opaque;
    g_autofree char *path = object_get_canonical_path(child);

    visit_type_str(v, name, &path, errp);
}

static Object *object_resolve_child_property(Object *parent, void *opaque,
                                             const char *part)
{
    return opaque;
}

static void object_finalize_child_property(Object *obj, const char *name,
                                           void *opaque)
{
    Object *child = opaque;

    if (child->class->unparent) {
        child->class->unparent(child);
    }
    child->parent = NULL;
    object_unref(child);
}

ObjectProperty *object_property_try_add_child(Object *obj, const char *name,
                                              Object *child, Error **errp)
{
    g_autofree char *type = NULL;
    ObjectProperty *op;

    assert(!child->parent);
    type = g_strdup_printf("child<%s>", object_get_typename(child));
    op = object_property_try_add(obj, name, type, object_get_child_property,
                                 NULL, object_finalize_child_property,
                                 child, errp);
    if (!op) {
        return NULL;
    }
    op->resolve = object_resolve_child_property;
    object_ref(child);
    child->parent = obj;
    return op;
}

ObjectProperty *object_property_add_child(Object *obj, const char *name,
                                          Object *child)
{
    return object_property_try_add_child(obj, name, child, &error_abort);
}

static void object_property_del_child(Object *obj, Object *child)
{
    ObjectProperty *prop;
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, obj->properties);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        prop = value;
        if (object_property_is_child(prop) && prop->opaque == child) {
            if (prop->release) {
                prop->release(obj, prop->name, prop->opaque);
                prop->release = NULL;
            }
            break;
        }
    }
    /* The release hook may have changed the table: look again. */
    g_hash_table_iter_init(&iter, obj->properties);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        prop = value;
        if (object_property_is_child(prop) && prop->opaque == child) {
            g_hash_table_iter_remove(&iter);
            break;
        }
    }
}

void object_unparent(Object *obj)
{
    if (obj->parent) {
        object_property_del_child(obj->parent, obj);
    }
}

char *object_get_canonical_path_component(const Object *obj)
{
    ObjectProperty *prop;
    GHashTableIter iter;

    if (obj->parent == NULL) {
        return NULL;
    }
    g_hash_table_iter_init(&iter, obj->parent->properties);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&prop)) {
        if (object_property_is_child(prop) && prop->opaque == obj) {
            return g_strdup(prop->name);
        }
    }
    /* A parent that does not list us as a child is a broken tree. */
    g_assert_not_reached();
}

char *object_get_canonical_path(const Object *obj)
{
    Object *root = object_get_root();
    GString *path = g_string_new("");

    if (obj == root) {
        g_string_free(path, true);
        return g_strdup("/");
    }
    while (obj != root) {
        g_autofree char *component = object_get_canonical_path_component(obj);

        if (!component) {
            /* Not attached under the root. */
            g_string_free(path, true);
            return NULL;
        }
        g_string_prepend(path, component);
        g_string_prepend_c(path, '/');
        obj = obj->parent;
    }
    return g_string_free(path, false);
}

Object *object_resolve_path_component(Object *parent, const char *part)
{
    ObjectProperty *prop = object_property_find(parent, part);

    if (prop == NULL) {
        return NULL;
    }
    if (prop->resolve) {
        return prop->resolve(parent, prop->opaque, part);
    }
    return NULL;
}

static Object *object_resolve_abs_path(Object *parent, char **parts,
                                       const char *typename)
{
    Object *child;

    if (*parts == NULL) {
        return object_dynamic_cast(parent, typename);
    }
    if (strcmp(*parts, "") == 0) {
        return object_resolve_abs_path(parent, parts + 1, typename);
    }
    child = object_resolve_path_component(parent, *parts);
    if (!child) {
        return NULL;
    }
    return object_resolve_abs_path(child, parts + 1, typename);
}

static Object *object_resolve_partial_path(Object *parent, char **parts,
                                           const char *typename,
                                           bool *ambiguous)
{
    Object *obj;
    GHashTableIter iter;
    ObjectProperty *prop;

    obj = object_resolve_abs_path(parent, parts, typename);

    g_hash_table_iter_init(&iter, parent->properties);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&prop)) {
        Object *found;

        if (!object_property_is_child(prop)) {
            continue;
        }
        found = object_resolve_partial_path(prop->opaque, parts,
                                            typename, ambiguous);
        if (found) {
            if (obj) {
                *ambiguous = true;
                return NULL;
            }
            obj = found;
        }
        if (*ambiguous) {
            return NULL;
        }
    }
    return obj;
}

static Object *object_resolve_path_type_at(Object *root, const char *path,
                                           const char *typename,
                                           bool *ambiguousp)
{
    g_auto(GStrv) parts = NULL;
    bool ambiguous = false;
    Object *obj;

    assert(path);
    parts = g_strsplit(path, "/", 0);

    if (parts[0] == NULL || strcmp(parts[0], "") != 0) {
        obj = object_resolve_partial_path(root, parts, typename,
                                          &ambiguous);
    } else {
        obj = object_resolve_abs_path(object_get_root(), parts + 1,
                                      typename);
    }
    if (ambiguousp) {
        *ambiguousp = ambiguous;
    }
    return obj;
}

Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous)
{
    return object_resolve_path_type_at(object_get_root(), path, typename,
                                       ambiguous);
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    return object_resolve_path_type(path, TYPE_OBJECT, ambiguous);
}

Object *object_resolve_path_at(Object *parent, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", 0);

    if (*path == '/') {
        return object_resolve_abs_path(object_get_root(), parts + 1,
                                       TYPE_OBJECT);
    }
    return object_resolve_abs_path(parent, parts, TYPE_OBJECT);
}

static int do_object_child_foreach(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque, bool recurse)
{
    GHashTableIter iter;
    ObjectProperty *prop;
    int ret = 0;

    g_hash_table_iter_init(&iter, obj->properties);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&prop)) {
        if (object_property_is_child(prop)) {
            Object *child = prop->opaque;

            ret = fn(child, opaque);
            if (ret != 0) {
                break;
            }
            if (recurse) {
                ret = do_object_child_foreach(child, fn, opaque, true);
                if (ret != 0) {
                    break;
                }
            }
        }
    }
    return ret;
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    return do_object_child_foreach(obj, fn, opaque, false);
}

int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque)
{
    return do_object_child_foreach(obj, fn, opaque, true);
}

/* --- link properties --- */

typedef struct {
    union {
        Object **targetp;
        Object *target;         /* for const links */
        ptrdiff_t offset;       /* for class links */
    };
    void (*check)(const Object *, const char *, Object *, Error **);
    ObjectPropertyLinkFlags flags;
} LinkProperty;

static Object **object_link_get_targetp(Object *obj, LinkProperty *lprop)
{
    if (lprop->flags & OBJ_PROP_LINK_DIRECT) {
        return &lprop->target;
    } else if (lprop->flags & OBJ_PROP_LINK_CLASS) {
        return (Object **)((char *)obj + lprop->offset);
    }
    return lprop->targetp;
}

void object_property_allow_set_link(const Object *obj, const char *name,
                                    Object *val, Error **errp)
{
    /* Any target of the right type is fine. */
}

static void object_get_link_property(Object *obj, Visitor *v,
                                     const char *name, void *opaque,
                                     Error **errp)
{
    LinkProperty *lprop = opaque;
    Object **targetp = object_link_get_targetp(obj, lprop);
    char *path;

    if (*targetp) {
        path = object_get_canonical_path(*targetp);
        visit_type_str(v, name, &path, errp);
        g_free(path);
    } else {
        path = (char *)"";
        visit_type_str(v, name, &path, errp);
    }
}

/* The object @path names, checked against the link's target type. */
static Object *object_resolve_link(Object *obj, const char *name,
                                   const char *path, Error **errp)
{
    const char *type = object_property_get_type(obj, name, NULL);
    g_autofree char *target_type = NULL;
    bool ambiguous = false;
    Object *target;

    /* "link<TYPE>" -> "TYPE" */
    g_assert(g_str_has_prefix(type, "link<"));
    target_type = g_strndup(&type[5], strlen(type) - 6);
    target = object_resolve_path_type(path, target_type, &ambiguous);

    if (ambiguous) {
        error_setg(errp, "Path '%s' does not uniquely identify an object",
                   path);
    } else if (!target) {
        target = object_resolve_path(path, &ambiguous);
        if (target || ambiguous) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       name, target_type);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
        target = NULL;
    }
    return target;
}

static void object_set_link_property(Object *obj, Visitor *v,
                                     const char *name, void *opaque,
                                     Error **errp)
{
    ERRP_GUARD();
    LinkProperty *prop = opaque;
    Object **targetp = object_link_get_targetp(obj, prop);
    Object *old_target = *targetp;
    Object *new_target = NULL;
    g_autofree char *path = NULL;

    if (!visit_type_str(v, name, &path, errp)) {
        return;
    }
    if (*path) {
        new_target = object_resolve_link(obj, name, path, errp);
        if (!new_target) {
            return;
        }
    }
    prop->check(obj, name, new_target, errp);
    if (*errp) {
        return;
    }

    *targetp = new_target;
    if (prop->flags & OBJ_PROP_LINK_STRONG) {
        object_ref(new_target);
        object_unref(old_target);
    }
}

static Object *object_resolve_link_property(Object *parent, void *opaque,
                                            const char *part)
{
    LinkProperty *lprop = opaque;

    return *object_link_get_targetp(parent, lprop);
}

static void object_release_link_property(Object *obj, const char *name,
                                         void *opaque)
{
    LinkProperty *prop = opaque;
    Object **targetp = object_link_get_targetp(obj, prop);

    if ((prop->flags & OBJ_PROP_LINK_STRONG) && *targetp) {
        object_unref(*targetp);
        *targetp = NULL;
    }
    /* A class link's LinkProperty is shared by every instance. */
    if (!(prop->flags & OBJ_PROP_LINK_CLASS)) {
        g_free(prop);
    }
}

static ObjectProperty *object_add_link_prop(Object *obj, const char *name,
                              const char *type, void *ptr,
                              void (*check)(const Object *, const char *,
                                            Object *, Error **),
                              ObjectPropertyLinkFlags flags)
{
    LinkProperty *prop = g_new0(LinkProperty, 1);
    g_autofree char *full_type = NULL;
    ObjectProperty *op;

    if (flags & OBJ_PROP_LINK_DIRECT) {
        prop->target = ptr;
    } else {
        prop->targetp = ptr;
    }
    prop->check = check;
    prop->flags = flags;

    full_type = g_strdup_printf("link<%s>", type);
    op = object_property_add(obj, name, full_type,
                             object_get_link_property,
                             check ? object_set_link_property : NULL,
                             object_release_link_property, prop);
    op->resolve = object_resolve_link_property;
    return op;
}

ObjectProperty *object_property_add_link(Object *obj, const char *name,
                              const char *type, Object **targetp,
                              void (*check)(const Object *, const char *,
                                            Object *, Error **),
                              ObjectPropertyLinkFlags flags)
{
    return object_add_link_prop(obj, name, type, targetp, check, flags);
}

ObjectProperty *object_class_property_add_link(ObjectClass *oc,
                              const char *name, const char *type,
                              ptrdiff_t offset,
                              void (*check)(const Object *, const char *,
                                            Object *, Error **),
                              ObjectPropertyLinkFlags flags)
{
    LinkProperty *prop = g_new0(LinkProperty, 1);
    g_autofree char *full_type = NULL;
    ObjectProperty *op;

    prop->offset = offset;
    prop->check = check;
    prop->flags = flags | OBJ_PROP_LINK_CLASS;

    full_type = g_strdup_printf("link<%s>", type);
    op = object_class_property_add(oc, name, full_type,
                                   object_get_link_property,
                                   check ? object_set_link_property : NULL,
                                   object_release_link_property, prop);
    op->resolve = object_resolve_link_property;
    return op;
}

ObjectProperty *object_property_add_const_link(Object *obj,
                                               const char *name,
                                               Object *target)
{
    return object_add_link_prop(obj, name, object_get_typename(target),
                                target, NULL, OBJ_PROP_LINK_DIRECT);
}

/* --- string, bool and enum properties --- */

typedef struct StringProperty {
    char *(*get)(Object *, Error **);
    void (*set)(Object *, const char *, Error **);
} StringProperty;

static void property_get_str(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    StringProperty *prop = opaque;
    char *value;
    Error *err = NULL;

    value = prop->get(obj, &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    visit_type_str(v, name, &value, errp);
    g_free(value);
}

static void property_set_str(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    StringProperty *prop = opaque;
    char *value;

    if (!visit_type_str(v, name, &value, errp)) {
        return;
    }
    prop->set(obj, value, errp);
    g_free(value);
}

static void property_release_data(Object *obj, const char *name,
                                  void *opaque)
{
    g_free(opaque);
}

ObjectProperty *object_property_add_str(Object *obj, const char *name,
                              char *(*get)(Object *, Error **),
                              void (*set)(Object *, const char *, Error **))
{
    StringProperty *prop = g_new0(StringProperty, 1);

    prop->get = get;
    prop->set = set;
    return object_property_add(obj, name, "string",
                               get ? property_get_str : NULL,
                               set ? property_set_str : NULL,
                               property_release_data, prop);
}

ObjectProperty *object_class_property_add_str(ObjectClass *klass,
                              const char *name,
                              char *(*get)(Object *, Error **),
                              void (*set)(Object *, const char *, Error **))
{
    StringProperty *prop = g_new0(StringProperty, 1);

    prop->get = get;
    prop->set = set;
    /* Class data lives as long as the class: no release. */
    return object_class_property_add(klass, name, "string",
                                     get ? property_get_str : NULL,
                                     set ? property_set_str : NULL,
                                     NULL, prop);
}

typedef struct BoolProperty {
    bool (*get)(Object *, Error **);
    void (*set)(Object *, bool, Error **);
} BoolProperty;

static void property_get_bool(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    BoolProperty *prop = opaque;
    Error *err = NULL;
    bool value = prop->get(obj, &err);

    if (err) {
        error_propagate(errp, err);
        return;
    }
    visit_type_bool(v, name, &value, errp);
}

static void property_set_bool(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    BoolProperty *prop = opaque;
    bool value;

    if (!visit_type_bool(v, name, &value, errp)) {
        return;
    }
    prop->set(obj, value, errp);
}

ObjectProperty *object_property_add_bool(Object *obj, const char *name,
                              bool (*get)(Object *, Error **),
                              void (*set)(Object *, bool, Error **))
{
    BoolProperty *prop = g_new0(BoolProperty, 1);

    prop->get = get;
    prop->set = set;
    return object_property_add(obj, name, "bool",
                               get ? property_get_bool : NULL,
                               set ? property_set_bool : NULL,
                               property_release_data, prop);
}

ObjectProperty *object_class_property_add_bool(ObjectClass *klass,
                              const char *name,
                              bool (*get)(Object *, Error **),
                              void (*set)(Object *, bool, Error **))
{
    BoolProperty *prop = g_new0(BoolProperty, 1);

    prop->get = get;
    prop->set = set;
    return object_class_property_add(klass, name, "bool",
                                     get ? property_get_bool : NULL,
                                     set ? property_set_bool : NULL,
                                     NULL, prop);
}

static void property_get_enum(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    EnumProperty *prop = opaque;
    Error *err = NULL;
    int value = prop->get(obj, &err);

    if (err) {
        error_propagate(errp, err);
        return;
    }
    visit_type_enum(v, name, &value, prop->lookup, errp);
}

static void property_set_enum(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    EnumProperty *prop = opaque;
    int value;

    if (!visit_type_enum(v, name, &value, prop->lookup, errp)) {
        return;
    }
    prop->set(obj, value, errp);
}

ObjectProperty *object_property_add_enum(Object *obj, const char *name,
                              const char *typename,
                              const QEnumLookup *lookup,
                              int (*get)(Object *, Error **),
                              void (*set)(Object *, int, Error **))
{
    EnumProperty *prop = g_new0(EnumProperty, 1);

    prop->lookup = lookup;
    prop->get = get;
    prop->set = set;
    return object_property_add(obj, name, typename,
                               get ? property_get_enum : NULL,
                               set ? property_set_enum : NULL,
                               property_release_data, prop);
}

ObjectProperty *object_class_property_add_enum(ObjectClass *klass,
                              const char *name, const char *typename,
                              const QEnumLookup *lookup,
                              int (*get)(Object *, Error **),
                              void (*set)(Object *, int, Error **))
{
    EnumProperty *prop = g_new0(EnumProperty, 1);

    prop->lookup = lookup;
    prop->get = get;
    prop->set = set;
    return object_class_property_add(klass, name, typename,
                                     get ? property_get_enum : NULL,
                                     set ? property_set_enum : NULL,
                                     NULL, prop);
}

/* --- integer properties over a pointer --- */

#define DEFINE_UINT_PTR_PROP(bits) \
static void property_get_uint##bits##_ptr(Object *obj, Visitor *v, \
                                          const char *name, void *opaque, \
                                          Error **errp) \
{ \
    uint##bits##_t value = *(uint##bits##_t *)opaque; \
    visit_type_uint##bits(v, name, &value, errp); \
} \
\
static void property_set_uint##bits##_ptr(Object *obj, Visitor *v, \
                                          const char *name, void *opaque, \
                                          Error **errp) \
{ \
    uint##bits##_t *field = opaque; \
    uint##bits##_t value; \
    if (!visit_type_uint##bits(v, name, &value, errp)) { \
        return; \
    } \
    *field = value; \
} \
\
ObjectProperty *object_property_add_uint##bits##_ptr(Object *obj, \
                                          const char *name, \
                                          const uint##bits##_t *v, \
                                          ObjectPropertyFlags flags) \
{ \
    return object_property_add(obj, name, "uint" #bits, \
        (flags & OBJ_PROP_FLAG_READ) ? property_get_uint##bits##_ptr : NULL, \
        (flags & OBJ_PROP_FLAG_WRITE) ? property_set_uint##bits##_ptr : NULL, \
        NULL, (void *)v); \
} \
\
ObjectProperty *object_class_property_add_uint##bits##_ptr( \
                                          ObjectClass *klass, \
                                          const char *name, \
                                          const uint##bits##_t *v, \
                                          ObjectPropertyFlags flags) \
{ \
    return object_class_property_add(klass, name, "uint" #bits, \
        (flags & OBJ_PROP_FLAG_READ) ? property_get_uint##bits##_ptr : NULL, \
        (flags & OBJ_PROP_FLAG_WRITE) ? property_set_uint##bits##_ptr : NULL, \
        NULL, (void *)v); \
}

DEFINE_UINT_PTR_PROP(8)
DEFINE_UINT_PTR_PROP(16)
DEFINE_UINT_PTR_PROP(32)
DEFINE_UINT_PTR_PROP(64)

/* --- alias properties --- */

typedef struct {
    Object *target_obj;
    char *target_name;
} AliasProperty;

static void property_get_alias(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    AliasProperty *prop = opaque;

    object_property_get(prop->target_obj, prop->target_name, v, errp);
}

static void property_set_alias(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    AliasProperty *prop = opaque;

    object_property_set(prop->target_obj, prop->target_name, v, errp);
}

static Object *property_resolve_alias(Object *obj, void *opaque,
                                      const char *part)
{
    AliasProperty *prop = opaque;

    return object_resolve_path_component(prop->target_obj,
                                         prop->target_name);
}

static void property_release_alias(Object *obj, const char *name,
                                   void *opaque)
{
    AliasProperty *prop = opaque;

    g_free(prop->target_name);
    g_free(prop);
}

ObjectProperty *object_property_add_alias(Object *obj, const char *name,
                                          Object *target_obj,
                                          const char *target_name)
{
    AliasProperty *prop;
    ObjectProperty *op, *target_prop;
    g_autofree char *prop_type = NULL;

    target_prop = object_property_find_err(target_obj, target_name,
                                           &error_abort);
    if (object_property_is_child(target_prop)) {
        /* The alias does not own the child: it is a link to it. */
        prop_type = g_strdup_printf("link%s",
                                    target_prop->type + strlen("child"));
    } else {
        prop_type = g_strdup(target_prop->type);
    }

    prop = g_new(AliasProperty, 1);
    prop->target_obj = target_obj;
    prop->target_name = g_strdup(target_name);

    op = object_property_add(obj, name, prop_type,
                             property_get_alias, property_set_alias,
                             property_release_alias, prop);
    op->resolve = property_resolve_alias;
    if (target_prop->defval) {
        op->defval = qobject_ref(target_prop->defval);
    }
    object_property_set_description(obj, op->name,
                                    target_prop->description);
    return op;
}

/* --- global and compat properties --- */

bool object_apply_global_props(Object *obj, const GPtrArray *props,
                               Error **errp)
{
    if (!props) {
        return true;
    }
    for (guint i = 0; i < props->len; i++) {
        GlobalProperty *p = g_ptr_array_index(props, i);
        Error *err = NULL;

        if (object_dynamic_cast(obj, p->driver) == NULL) {
            continue;
        }
        if (p->optional && !object_property_find(obj, p->property)) {
            continue;
        }
        p->used = true;
        if (!object_property_parse(obj, p->property, p->value, &err)) {
            error_prepend(&err, "can't apply global %s.%s=%s: ",
                          p->driver, p->property, p->value);
            if (errp) {
                error_propagate(errp, err);
                return false;
            }
            warn_report_err(err);
        }
    }
    return true;
}

/* [0] accelerator, [1] machine, [2] command-line sugar. */
static GPtrArray *object_compat_props[3];

void object_set_accelerator_compat_props(GPtrArray *compat_props)
{
    object_compat_props[0] = compat_props;
}

void object_set_machine_compat_props(GPtrArray *compat_props)
{
    object_compat_props[1] = compat_props;
}

void object_register_sugar_prop(const char *driver, const char *prop,
                                const char *value, bool optional)
{
    GlobalProperty *g;

    if (!object_compat_props[2]) {
        object_compat_props[2] = g_ptr_array_new();
    }
    g = g_new0(GlobalProperty, 1);
    g->driver = g_strdup(driver);
    g->property = g_strdup(prop);
    g->value = g_strdup(value);
    g->optional = optional;
    g_ptr_array_add(object_compat_props[2], g);
}

void object_apply_compat_props(Object *obj)
{
    for (int i = 0; i < (int)ARRAY_SIZE(object_compat_props); i++) {
        /*
         * Compat tables are written by us: a bad entry is a bug.  Sugar
         * comes from the command line: a bad one ends the program.
         */
        object_apply_global_props(obj, object_compat_props[i],
                                  i == 2 ? &error_fatal : &error_abort);
    }
}

/* --- the base types --- */

static char *object_get_type(Object *obj, Error **errp)
{
    return g_strdup(object_get_typename(obj));
}

static void object_class_init(ObjectClass *klass, const void *data)
{
    /* Every object shows its type name as a read-only property. */
    object_class_property_add_str(klass, "type", object_get_type, NULL);
}

static void register_types(void)
{
    static const TypeInfo interface_info = {
        .name = TYPE_INTERFACE,
        .class_size = sizeof(InterfaceClass),
        .abstract = true,
    };
    static const TypeInfo object_info = {
        .name = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .class_init = object_class_init,
        .abstract = true,
    };

    type_interface = type_register_static(&interface_info);
    type_register_static(&object_info);
}

type_init(register_types)

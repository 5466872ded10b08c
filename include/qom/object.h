/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU Object Model: named types with single inheritance plus
 * interfaces, lazily built classes, reference-counted instances, dynamic
 * properties read and written through visitors, and the composition tree
 * rooted at "/" (child<> and link<> properties).
 *
 * A type is described by a static TypeInfo and registered from a
 * type_init() function; module_call_init(MODULE_INIT_QOM) runs those.
 * Its class is built the first time it is needed: the parent's class is
 * copied in, the ancestors' class_base_init run (root first), then the
 * type's own class_init.  An instance is zeroed, its class properties
 * with defaults are initialised, then instance_init runs from the root
 * type down to the leaf, then instance_post_init from the leaf up.
 * When the last reference goes, every property's release hook runs,
 * instance_finalize runs from the leaf up, and the memory is freed.
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include "qemu/module.h"

/*
 * Declared, not included: qapi/util.h and qemu/atomic.h currently both
 * define typeof_strip_qual, and this header is included very widely.
 */
typedef struct QEnumLookup QEnumLookup;

struct TypeImpl;
typedef struct TypeImpl *Type;

typedef struct TypeInfo TypeInfo;
typedef struct InterfaceClass InterfaceClass;
typedef struct InterfaceInfo InterfaceInfo;
typedef struct ObjectProperty ObjectProperty;

#define TYPE_OBJECT "object"
#define TYPE_INTERFACE "interface"
#define TYPE_CONTAINER "container"

/*
 * Property accessors.  A getter visits the value out with @v (an output
 * visitor), a setter visits it in.  @name is the property's name, @opaque
 * what was passed when the property was added.
 */
typedef void (ObjectPropertyAccessor)(Object *obj, Visitor *v,
                                      const char *name, void *opaque,
                                      Error **errp);
/* For properties that lead to another object (child<>, link<>). */
typedef Object *(ObjectPropertyResolve)(Object *obj, void *opaque,
                                        const char *part);
/* Called when the property is deleted or its object finalized. */
typedef void (ObjectPropertyRelease)(Object *obj, const char *name,
                                     void *opaque);
/* Called on each new instance for class properties (defaults). */
typedef void (ObjectPropertyInit)(Object *obj, ObjectProperty *prop);

struct ObjectProperty {
    char *name;
    char *type;
    char *description;
    ObjectPropertyAccessor *get;
    ObjectPropertyAccessor *set;
    ObjectPropertyResolve *resolve;
    ObjectPropertyRelease *release;
    ObjectPropertyInit *init;
    void *opaque;
    /* The default value, for introspection and for @init. */
    QObject *defval;
};

/* Called when an object leaves the composition tree. */
typedef void (ObjectUnparent)(Object *obj);
/* Frees an object's memory once it is finalized (NULL: not ours). */
typedef void (ObjectFree)(void *obj);

/* The base of every class; a class is shared by all its instances. */
struct ObjectClass {
    Type type;
    GSList *interfaces;         /* InterfaceClass *, one per interface */
    ObjectUnparent *unparent;
    GHashTable *properties;     /* class properties, by name */
};

/* The base of every instance. */
struct Object {
    ObjectClass *class;
    ObjectFree *free;
    GHashTable *properties;     /* instance properties, by name */
    uint32_t ref;
    Object *parent;
};

struct TypeInfo {
    const char *name;
    const char *parent;

    size_t instance_size;
    size_t instance_align;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);

    /* Abstract types cannot be instantiated (object_new refuses). */
    bool abstract;
    /* 0: the parent's sizes are inherited. */
    size_t class_size;

    void (*class_init)(ObjectClass *klass, const void *data);
    /* Runs for every descendant class, before its class_init. */
    void (*class_base_init)(ObjectClass *klass, const void *data);
    const void *class_data;

    /* Terminated by an entry with a NULL type. */
    const InterfaceInfo *interfaces;
};

struct InterfaceInfo {
    const char *type;
};

/*
 * The class of an interface as seen from one implementing class.  Casting
 * an object to an interface type yields the object itself; casting its
 * class yields this per-implementation InterfaceClass.
 */
struct InterfaceClass {
    ObjectClass parent_class;
    ObjectClass *concrete_class;
    Type interface_type;
};

/* --- casts --- */

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(class) ((ObjectClass *)(class))

/* Checked casts; they abort with a message when the type is wrong. */
#define OBJECT_CHECK(type, obj, name) \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name), \
                                        __FILE__, __LINE__, __func__))
#define OBJECT_CLASS_CHECK(class_type, class, name) \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(class), \
                                         (name), __FILE__, __LINE__, \
                                         __func__))
#define OBJECT_GET_CLASS(class, obj, name) \
    OBJECT_CLASS_CHECK(class, object_get_class(OBJECT(obj)), name)

#define INTERFACE_CHECK(interface, obj, name) \
    ((interface *)object_dynamic_cast_assert(OBJECT((obj)), (name), \
                                             __FILE__, __LINE__, __func__))
#define INTERFACE_CLASS(klass) \
    OBJECT_CLASS_CHECK(InterfaceClass, klass, TYPE_INTERFACE)

/* --- declaration helpers (they generate the typedefs and casts) --- */

#define DECLARE_INSTANCE_CHECKER(InstanceType, OBJ_NAME, TYPENAME) \
    static inline G_GNUC_UNUSED InstanceType *OBJ_NAME(const void *obj) \
    { return OBJECT_CHECK(InstanceType, obj, TYPENAME); }

#define DECLARE_CLASS_CHECKERS(ClassType, OBJ_NAME, TYPENAME) \
    static inline G_GNUC_UNUSED ClassType * \
    OBJ_NAME##_GET_CLASS(const void *obj) \
    { return OBJECT_GET_CLASS(ClassType, obj, TYPENAME); } \
    static inline G_GNUC_UNUSED ClassType * \
    OBJ_NAME##_CLASS(const void *klass) \
    { return OBJECT_CLASS_CHECK(ClassType, klass, TYPENAME); }

#define DECLARE_OBJ_CHECKERS(InstanceType, ClassType, OBJ_NAME, TYPENAME) \
    DECLARE_INSTANCE_CHECKER(InstanceType, OBJ_NAME, TYPENAME) \
    DECLARE_CLASS_CHECKERS(ClassType, OBJ_NAME, TYPENAME)

/*
 * OBJECT_DECLARE_TYPE(Foo, FooClass, FOO): typedefs for struct Foo and
 * struct FooClass, g_autoptr(Foo), and FOO(), FOO_CLASS(),
 * FOO_GET_CLASS() checked against TYPE_FOO.
 */
#define OBJECT_DECLARE_TYPE(InstanceType, ClassType, MODULE_OBJ_NAME) \
    typedef struct InstanceType InstanceType; \
    typedef struct ClassType ClassType; \
    G_DEFINE_AUTOPTR_CLEANUP_FUNC(InstanceType, object_unref) \
    DECLARE_OBJ_CHECKERS(InstanceType, ClassType, \
                         MODULE_OBJ_NAME, TYPE_##MODULE_OBJ_NAME)

/* Same for a type that adds nothing to its parent's class: only FOO(). */
#define OBJECT_DECLARE_SIMPLE_TYPE(InstanceType, MODULE_OBJ_NAME) \
    typedef struct InstanceType InstanceType; \
    G_DEFINE_AUTOPTR_CLEANUP_FUNC(InstanceType, object_unref) \
    DECLARE_INSTANCE_CHECKER(InstanceType, MODULE_OBJ_NAME, \
                             TYPE_##MODULE_OBJ_NAME)

/*
 * OBJECT_DEFINE_TYPE(Foo, foo, FOO, PARENT): a static TypeInfo for
 * TYPE_FOO whose hooks are foo_init, foo_finalize and foo_class_init
 * (which the file must define), registered with type_init().
 */
#define OBJECT_DEFINE_TYPE_EXTENDED(ModuleObjName, module_obj_name, \
                                    MODULE_OBJ_NAME, PARENT_MODULE_OBJ_NAME, \
                                    CLASS_SIZE, ABSTRACT, ...) \
    static void module_obj_name##_finalize(Object *obj); \
    static void module_obj_name##_class_init(ObjectClass *oc, \
                                             const void *data); \
    static void module_obj_name##_init(Object *obj); \
    static const TypeInfo module_obj_name##_info = { \
        .parent = TYPE_##PARENT_MODULE_OBJ_NAME, \
        .name = TYPE_##MODULE_OBJ_NAME, \
        .instance_size = sizeof(ModuleObjName), \
        .instance_align = __alignof__(ModuleObjName), \
        .instance_init = module_obj_name##_init, \
        .instance_finalize = module_obj_name##_finalize, \
        .class_size = CLASS_SIZE, \
        .class_init = module_obj_name##_class_init, \
        .abstract = ABSTRACT, \
        .interfaces = (const InterfaceInfo[]) { __VA_ARGS__ }, \
    }; \
    static void module_obj_name##_register_types(void) \
    { \
        type_register_static(&module_obj_name##_info); \
    } \
    type_init(module_obj_name##_register_types)

#define OBJECT_DEFINE_TYPE(ModuleObjName, module_obj_name, MODULE_OBJ_NAME, \
                           PARENT_MODULE_OBJ_NAME) \
    OBJECT_DEFINE_TYPE_EXTENDED(ModuleObjName, module_obj_name, \
                                MODULE_OBJ_NAME, PARENT_MODULE_OBJ_NAME, \
                                sizeof(ModuleObjName##Class), false, \
                                { NULL })

#define OBJECT_DEFINE_TYPE_WITH_INTERFACES(ModuleObjName, module_obj_name, \
                                           MODULE_OBJ_NAME, \
                                           PARENT_MODULE_OBJ_NAME, ...) \
    OBJECT_DEFINE_TYPE_EXTENDED(ModuleObjName, module_obj_name, \
                                MODULE_OBJ_NAME, PARENT_MODULE_OBJ_NAME, \
                                sizeof(ModuleObjName##Class), false, \
                                __VA_ARGS__)

#define OBJECT_DEFINE_ABSTRACT_TYPE(ModuleObjName, module_obj_name, \
                                    MODULE_OBJ_NAME, PARENT_MODULE_OBJ_NAME) \
    OBJECT_DEFINE_TYPE_EXTENDED(ModuleObjName, module_obj_name, \
                                MODULE_OBJ_NAME, PARENT_MODULE_OBJ_NAME, \
                                sizeof(ModuleObjName##Class), true, \
                                { NULL })

/* For OBJECT_DECLARE_SIMPLE_TYPE types: the parent's class is reused. */
#define OBJECT_DEFINE_SIMPLE_TYPE(ModuleObjName, module_obj_name, \
                                  MODULE_OBJ_NAME, PARENT_MODULE_OBJ_NAME) \
    OBJECT_DEFINE_TYPE_EXTENDED(ModuleObjName, module_obj_name, \
                                MODULE_OBJ_NAME, PARENT_MODULE_OBJ_NAME, \
                                0, false, { NULL })

#define OBJECT_DEFINE_SIMPLE_TYPE_WITH_INTERFACES(ModuleObjName, \
                                                  module_obj_name, \
                                                  MODULE_OBJ_NAME, \
                                                  PARENT_MODULE_OBJ_NAME, \
                                                  ...) \
    OBJECT_DEFINE_TYPE_EXTENDED(ModuleObjName, module_obj_name, \
                                MODULE_OBJ_NAME, PARENT_MODULE_OBJ_NAME, \
                                0, false, __VA_ARGS__)

/* --- types and classes --- */

/* Register @info (kept by pointer: it must be static). Aborts on dups. */
Type type_register_static(const TypeInfo *info);
void type_register_static_array(const TypeInfo *infos, int nr_infos);

/* Register an array of TypeInfo from a type_init() function. */
#define DEFINE_TYPES(type_array) \
    static void do_qemu_init_ ## type_array(void) \
    { \
        type_register_static_array(type_array, ARRAY_SIZE(type_array)); \
    } \
    type_init(do_qemu_init_ ## type_array)

ObjectClass *object_class_by_name(const char *typename);
/* Like object_class_by_name (no module loading here: all is built in). */
ObjectClass *object_class_by_name_or_load(const char *typename);
ObjectClass *object_class_get_parent(ObjectClass *klass);
const char *object_class_get_name(ObjectClass *klass);
bool object_class_is_abstract(ObjectClass *klass);

/* @klass as @typename (a parent type or an interface), or NULL. */
ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);
/* Same, aborting with a message on failure; a NULL @klass passes. */
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func);

/*
 * Every class that can be cast to @implements_type (NULL: all), without
 * abstract ones unless @include_abstract; the caller frees the list.
 */
GSList *object_class_get_list(const char *implements_type,
                              bool include_abstract);
/* The same list sorted by type name. */
GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract);
void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements_type, bool include_abstract,
                          void *opaque);

/* --- instances --- */

/* A new instance with one reference; aborts on unknown/abstract types. */
Object *object_new(const char *typename);
Object *object_new_with_class(ObjectClass *klass);

/*
 * A new object of @typename with properties set from the NULL-terminated
 * list of (name, value-string) pairs, added as child @id of @parent when
 * @id is not NULL, and completed if it is user-creatable.  The returned
 * reference is the one held by @parent (or the caller's when @id is NULL).
 */
Object *object_new_with_props(const char *typename, Object *parent,
                              const char *id, Error **errp, ...)
    QEMU_SENTINEL;
Object *object_new_with_propv(const char *typename, Object *parent,
                              const char *id, Error **errp, va_list vargs);
/* Set (name, value-string) pairs until a NULL name. */
bool object_set_props(Object *obj, Error **errp, ...) QEMU_SENTINEL;
bool object_set_propv(Object *obj, Error **errp, va_list vargs);

/* Construct an object in caller-provided memory of @size bytes. */
void object_initialize(void *obj, size_t size, const char *typename);
/*
 * Initialise @childobj in place and make it child @propname of @parent;
 * the parent then holds the only reference.
 */
bool object_initialize_child_with_props(Object *parentobj,
                                        const char *propname,
                                        void *childobj, size_t size,
                                        const char *type, Error **errp,
                                        ...) QEMU_SENTINEL;
bool object_initialize_child_with_propsv(Object *parentobj,
                                         const char *propname,
                                         void *childobj, size_t size,
                                         const char *type, Error **errp,
                                         va_list vargs);
#define object_initialize_child(parent, propname, child, type) \
    object_initialize_child_internal((parent), (propname), \
                                     (child), sizeof(*(child)), (type))
void object_initialize_child_internal(Object *parent, const char *propname,
                                      void *child, size_t size,
                                      const char *type);

/* @obj as @typename (a parent type or interface), or NULL. */
Object *object_dynamic_cast(Object *obj, const char *typename);
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func);

ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(const Object *obj);

/* Take a reference; returns @obj (an Object or any subtype). */
Object *object_ref(void *obj);
/* Drop a reference; the last one finalizes and frees the object. */
void object_unref(void *obj);

/* --- properties --- */

ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyAccessor *get,
                                        ObjectPropertyAccessor *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, Error **errp);
/*
 * Add an instance property; aborts if @name exists.  A name ending in
 * "[*]" picks the first free "name[N]".
 */
ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type,
                                    ObjectPropertyAccessor *get,
                                    ObjectPropertyAccessor *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque);
void object_property_del(Object *obj, const char *name);

/* A class property: every instance of @klass and its subtypes has it. */
ObjectProperty *object_class_property_add(ObjectClass *klass,
                                          const char *name,
                                          const char *type,
                                          ObjectPropertyAccessor *get,
                                          ObjectPropertyAccessor *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque);

/* Record a default (introspection) and apply it to new instances. */
void object_property_set_default_bool(ObjectProperty *prop, bool value);
void object_property_set_default_str(ObjectProperty *prop,
                                     const char *value);
void object_property_set_default_int(ObjectProperty *prop, int64_t value);
void object_property_set_default_uint(ObjectProperty *prop, uint64_t value);

/* Instance properties first, then class properties (NULL: not found). */
ObjectProperty *object_property_find(Object *obj, const char *name);
ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp);
ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name);
ObjectProperty *object_class_property_find_err(ObjectClass *klass,
                                               const char *name,
                                               Error **errp);

typedef struct ObjectPropertyIterator {
    ObjectClass *nextclass;
    GHashTableIter iter;
} ObjectPropertyIterator;

/*
 * Walk @obj's instance properties then its class properties (leaf class
 * to root).  Properties must not be added or removed during the walk.
 */
void object_property_iter_init(ObjectPropertyIterator *iter, Object *obj);
void object_class_property_iter_init(ObjectPropertyIterator *iter,
                                     ObjectClass *klass);
ObjectProperty *object_property_iter_next(ObjectPropertyIterator *iter);

/* Visit property @name out of (get) or into (set) @obj with @v. */
bool object_property_get(Object *obj, const char *name, Visitor *v,
                         Error **errp);
bool object_property_set(Object *obj, const char *name, Visitor *v,
                         Error **errp);

/* Typed accessors (through the QObject visitors). */
bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp);
/* A new string (g_free it), or NULL with @errp set. */
char *object_property_get_str(Object *obj, const char *name, Error **errp);
bool object_property_set_link(Object *obj, const char *name,
                              Object *value, Error **errp);
Object *object_property_get_link(Object *obj, const char *name,
                                 Error **errp);
bool object_property_set_bool(Object *obj, const char *name,
                              bool value, Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
bool object_property_set_int(Object *obj, const char *name,
                             int64_t value, Error **errp);
/* -1 on error (check @errp to tell it from a real -1). */
int64_t object_property_get_int(Object *obj, const char *name,
                                Error **errp);
bool object_property_set_uint(Object *obj, const char *name,
                              uint64_t value, Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp);
/* For properties added with object_property_add_enum(); -1 on error. */
int object_property_get_enum(Object *obj, const char *name,
                             const char *typename, Error **errp);

/* Set from a string, as -object, -global and HMP qom-set do. */
bool object_property_parse(Object *obj, const char *name,
                           const char *string, Error **errp);
/* The value as a string (g_free it), as HMP qom-get prints it. */
char *object_property_print(Object *obj, const char *name, bool human,
                            Error **errp);

const char *object_property_get_type(Object *obj, const char *name,
                                     Error **errp);

void object_property_set_description(Object *obj, const char *name,
                                     const char *description);
void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *description);

/* Property kind tests by type-name prefix. */
bool object_property_is_child(ObjectProperty *prop);
bool object_property_is_link(ObjectProperty *prop);

/* --- the composition tree --- */

/* "/", created on first use. */
Object *object_get_root(void);
/* "/objects": where user-created objects (-object, object-add) live. */
Object *object_get_objects_root(void);
/* "/internal-objects": objects the user must not see or delete. */
Object *object_get_internal_root(void);
/* The container "/@name", created if needed. */
Object *object_get_container(const char *name);

/*
 * Make @child the child @name of @obj ("child<TYPE>" property); the parent
 * takes its own reference.  @child must not have a parent yet.
 */
ObjectProperty *object_property_try_add_child(Object *obj, const char *name,
                                              Object *child, Error **errp);
ObjectProperty *object_property_add_child(Object *obj, const char *name,
                                          Object *child);

/* Remove @obj from its parent (drops the parent's reference). */
void object_unparent(Object *obj);

/* The last path component ("name" in the parent), or NULL; g_free it. */
char *object_get_canonical_path_component(const Object *obj);
/* "/a/b/c", "/" for the root, NULL when not in the tree; g_free it. */
char *object_get_canonical_path(const Object *obj);

/*
 * Resolve @path.  An absolute path starts at the root and follows child<>
 * and link<> properties.  A partial path (no leading '/') matches that
 * suffix anywhere below the root through child<> properties; if it matches
 * more than one object, NULL is returned and *@ambiguous (if not NULL)
 * set to true.
 */
Object *object_resolve_path(const char *path, bool *ambiguous);
/* Same, counting only objects that can be cast to @typename. */
Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous);
/* @path relative to @parent (or absolute when it starts with '/'). */
Object *object_resolve_path_at(Object *parent, const char *path);
/* The object that property @part of @parent leads to, or NULL. */
Object *object_resolve_path_component(Object *parent, const char *part);

/* Call @fn on each child (not recursive); stops at a non-zero return. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);
/* Same, depth first through the whole subtree. */
int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque);

/* The container at @path below @root, creating missing containers. */
Object *container_get(Object *root, const char *path);
/* A new container as child @name of @parent. */
Object *object_property_add_new_container(Object *obj, const char *name);

/* --- convenience property adders --- */

typedef enum {
    /* The target is referenced while linked and unreferenced after. */
    OBJ_PROP_LINK_STRONG = 0x1,
    /* Internal: @targetp is the field itself (the default for objects). */
    OBJ_PROP_LINK_DIRECT = 0x2,
    /* Internal: class property, the field is at an offset in the object. */
    OBJ_PROP_LINK_CLASS = 0x4,
} ObjectPropertyLinkFlags;

/*
 * Link checks: refuse @val by setting @errp.  With a NULL check a link
 * cannot be set through the property at all.
 */
void object_property_allow_set_link(const Object *obj, const char *name,
                                    Object *val, Error **errp);

/*
 * A "link<@type>" property over the pointer *@targetp.  Its value reads
 * as the target's canonical path ("" when NULL) and is set from a path.
 */
ObjectProperty *object_property_add_link(Object *obj, const char *name,
                              const char *type, Object **targetp,
                              void (*check)(const Object *obj,
                                            const char *name,
                                            Object *val, Error **errp),
                              ObjectPropertyLinkFlags flags);
/* Same for every instance: the pointer field is at @offset in it. */
ObjectProperty *object_class_property_add_link(ObjectClass *oc,
                              const char *name, const char *type,
                              ptrdiff_t offset,
                              void (*check)(const Object *obj,
                                            const char *name,
                                            Object *val, Error **errp),
                              ObjectPropertyLinkFlags flags);
/* A read-only link to @target. */
ObjectProperty *object_property_add_const_link(Object *obj,
                                               const char *name,
                                               Object *target);

ObjectProperty *object_property_add_str(Object *obj, const char *name,
                              char *(*get)(Object *, Error **),
                              void (*set)(Object *, const char *, Error **));
ObjectProperty *object_class_property_add_str(ObjectClass *klass,
                              const char *name,
                              char *(*get)(Object *, Error **),
                              void (*set)(Object *, const char *, Error **));
ObjectProperty *object_property_add_bool(Object *obj, const char *name,
                              bool (*get)(Object *, Error **),
                              void (*set)(Object *, bool, Error **));
ObjectProperty *object_class_property_add_bool(ObjectClass *klass,
                              const char *name,
                              bool (*get)(Object *, Error **),
                              void (*set)(Object *, bool, Error **));
/* An enum travels as its name; @typename names the QAPI enum type. */
ObjectProperty *object_property_add_enum(Object *obj, const char *name,
                              const char *typename,
                              const QEnumLookup *lookup,
                              int (*get)(Object *, Error **),
                              void (*set)(Object *, int, Error **));
ObjectProperty *object_class_property_add_enum(ObjectClass *klass,
                              const char *name, const char *typename,
                              const QEnumLookup *lookup,
                              int (*get)(Object *, Error **),
                              void (*set)(Object *, int, Error **));

typedef enum {
    OBJ_PROP_FLAG_READ = 1 << 0,
    OBJ_PROP_FLAG_WRITE = 1 << 1,
    OBJ_PROP_FLAG_READWRITE = (OBJ_PROP_FLAG_READ | OBJ_PROP_FLAG_WRITE),
} ObjectPropertyFlags;

/* Integer properties over a variable that outlives the object. */
ObjectProperty *object_property_add_uint8_ptr(Object *obj, const char *name,
                                              const uint8_t *v,
                                              ObjectPropertyFlags flags);
ObjectProperty *object_class_property_add_uint8_ptr(ObjectClass *klass,
                                              const char *name,
                                              const uint8_t *v,
                                              ObjectPropertyFlags flags);
ObjectProperty *object_property_add_uint16_ptr(Object *obj,
                                               const char *name,
                                               const uint16_t *v,
                                               ObjectPropertyFlags flags);
ObjectProperty *object_class_property_add_uint16_ptr(ObjectClass *klass,
                                               const char *name,
                                               const uint16_t *v,
                                               ObjectPropertyFlags flags);
ObjectProperty *object_property_add_uint32_ptr(Object *obj,
                                               const char *name,
                                               const uint32_t *v,
                                               ObjectPropertyFlags flags);
ObjectProperty *object_class_property_add_uint32_ptr(ObjectClass *klass,
                                               const char *name,
                                               const uint32_t *v,
                                               ObjectPropertyFlags flags);
ObjectProperty *object_property_add_uint64_ptr(Object *obj,
                                               const char *name,
                                               const uint64_t *v,
                                               ObjectPropertyFlags flags);
ObjectProperty *object_class_property_add_uint64_ptr(ObjectClass *klass,
                                               const char *name,
                                               const uint64_t *v,
                                               ObjectPropertyFlags flags);

/*
 * Property @name of @obj forwards to @target_name of @target_obj (same
 * type; a child<> target is seen as a link<>).
 */
ObjectProperty *object_property_add_alias(Object *obj, const char *name,
                                          Object *target_obj,
                                          const char *target_name);

/* --- global and compat properties --- */

/*
 * "DRIVER.PROPERTY=VALUE" applied to every new object of DRIVER or a
 * subtype (-global, machine compat properties).  @used is set once it was
 * applied; @optional ones are skipped where the property does not exist.
 */
typedef struct GlobalProperty {
    const char *driver;
    const char *property;
    const char *value;
    bool used;
    bool optional;
} GlobalProperty;

/*
 * Apply the GlobalProperty array @props to @obj.  On a bad value: with
 * @errp NULL warn and go on, else set @errp and return false.
 */
bool object_apply_global_props(Object *obj, const GPtrArray *props,
                               Error **errp);
/* Compat properties of the accelerator and of the machine type. */
void object_set_machine_compat_props(GPtrArray *compat_props);
void object_set_accelerator_compat_props(GPtrArray *compat_props);
/* Defaults the command line's sugar options turn into (-no-foo...). */
void object_register_sugar_prop(const char *driver, const char *prop,
                                const char *value, bool optional);
/* Apply accelerator, machine then sugar compat properties to @obj. */
void object_apply_compat_props(Object *obj);

#endif /* QOM_OBJECT_H */

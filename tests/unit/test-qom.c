/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the object model: type hierarchy and casts, interfaces,
 * class construction order, properties of every kind through the QObject
 * and string paths, links, children, paths, finalization and
 * user-creatable objects.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qobject/qdict.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "qom/qom-qobject.h"

/* A log that hooks append to, to check ordering. */
static GString *hook_log;

static void log_hook(const char *fmt, const char *name)
{
    g_string_append_printf(hook_log, fmt, name);
}

/* --- the test hierarchy: animal (abstract) > dog > puppy; animal > cat */

#define TYPE_PET "pet"
typedef struct Pet Pet;
typedef struct PetClass {
    InterfaceClass parent_class;
    const char *(*cuddle)(Pet *pet);
} PetClass;
#define PET(obj) INTERFACE_CHECK(Pet, (obj), TYPE_PET)
#define PET_CLASS(klass) OBJECT_CLASS_CHECK(PetClass, (klass), TYPE_PET)
#define PET_GET_CLASS(obj) OBJECT_GET_CLASS(PetClass, (obj), TYPE_PET)

#define TYPE_ANIMAL "animal"
OBJECT_DECLARE_TYPE(Animal, AnimalClass, ANIMAL)

struct Animal {
    Object parent_obj;
    uint32_t legs;
    Object *friend;
    Object *rival;
    bool *finalized;            /* set to true by instance_finalize */
};

struct AnimalClass {
    ObjectClass parent_class;
    const char *(*sound)(Animal *a);
};

#define TYPE_DOG "dog"
OBJECT_DECLARE_SIMPLE_TYPE(Dog, DOG)
struct Dog {
    Animal parent_obj;
    char *name;
};

#define TYPE_PUPPY "puppy"
#define TYPE_CAT "cat"

static void animal_get_legs(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    visit_type_uint32(v, name, &ANIMAL(obj)->legs, errp);
}

static void animal_set_legs(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    uint32_t value;

    if (!visit_type_uint32(v, name, &value, errp)) {
        return;
    }
    if (value > 8) {
        error_setg(errp, "too many legs: %u", value);
        return;
    }
    ANIMAL(obj)->legs = value;
}

static void animal_class_init(ObjectClass *oc, const void *data)
{
    ObjectProperty *op;

    op = object_class_property_add(oc, "legs", "uint32", animal_get_legs,
                                   animal_set_legs, NULL, NULL);
    object_property_set_default_uint(op, 4);
    object_class_property_set_description(oc, "legs", "Number of legs");
    object_class_property_add_link(oc, "rival", TYPE_ANIMAL,
                                   offsetof(Animal, rival),
                                   object_property_allow_set_link, 0);
}

static void animal_init(Object *obj)
{
    log_hook("i:%s;", "animal");
}

static void animal_post_init(Object *obj)
{
    log_hook("p:%s;", "animal");
}

static void animal_finalize(Object *obj)
{
    Animal *a = ANIMAL(obj);

    log_hook("f:%s;", "animal");
    if (a->finalized) {
        *a->finalized = true;
    }
}

static const char *dog_sound(Animal *a)
{
    return "woof";
}

static const char *dog_cuddle(Pet *p)
{
    return "wag";
}

static const char *puppy_sound(Animal *a)
{
    return "yip";
}

static const char *puppy_cuddle(Pet *p)
{
    return "lick";
}

static const char *cat_sound(Animal *a)
{
    return "meow";
}

static void dog_check_friend(const Object *obj, const char *name,
                             Object *val, Error **errp)
{
    if (val && !strcmp(object_get_typename(val), TYPE_PUPPY)) {
        error_setg(errp, "dogs do not befriend puppies");
    }
}

static char *dog_get_name(Object *obj, Error **errp)
{
    return g_strdup(DOG(obj)->name);
}

static void dog_set_name(Object *obj, const char *value, Error **errp)
{
    if (!*value) {
        error_setg(errp, "a dog needs a name");
        return;
    }
    g_free(DOG(obj)->name);
    DOG(obj)->name = g_strdup(value);
}

static void dog_init(Object *obj)
{
    log_hook("i:%s;", "dog");
    object_property_add_link(obj, "friend", TYPE_ANIMAL,
                             &ANIMAL(obj)->friend, dog_check_friend,
                             OBJ_PROP_LINK_STRONG);
    object_property_add_str(obj, "name", dog_get_name, dog_set_name);
}

static void dog_post_init(Object *obj)
{
    log_hook("p:%s;", "dog");
}

static void dog_finalize(Object *obj)
{
    log_hook("f:%s;", "dog");
    g_free(DOG(obj)->name);
}

static void dog_class_init(ObjectClass *oc, const void *data)
{
    ANIMAL_CLASS(oc)->sound = dog_sound;
    PET_CLASS(oc)->cuddle = dog_cuddle;
}

static void puppy_init(Object *obj)
{
    log_hook("i:%s;", "puppy");
}

static void puppy_finalize(Object *obj)
{
    log_hook("f:%s;", "puppy");
}

static void puppy_class_init(ObjectClass *oc, const void *data)
{
    ANIMAL_CLASS(oc)->sound = puppy_sound;
    PET_CLASS(oc)->cuddle = puppy_cuddle;
}

static void cat_class_init(ObjectClass *oc, const void *data)
{
    ANIMAL_CLASS(oc)->sound = cat_sound;
}

/* A separate hierarchy whose classes no other test touches first. */
static void order_base_init(ObjectClass *oc, const void *data)
{
    log_hook("B:%s;", object_class_get_name(oc));
}

static void order_class_init(ObjectClass *oc, const void *data)
{
    log_hook("I:%s;", (const char *)data);
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_PET,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(PetClass),
    }, {
        .name = TYPE_ANIMAL,
        .parent = TYPE_OBJECT,
        .abstract = true,
        .instance_size = sizeof(Animal),
        .instance_init = animal_init,
        .instance_post_init = animal_post_init,
        .instance_finalize = animal_finalize,
        .class_size = sizeof(AnimalClass),
        .class_init = animal_class_init,
    }, {
        .name = TYPE_DOG,
        .parent = TYPE_ANIMAL,
        .instance_size = sizeof(Dog),
        .instance_init = dog_init,
        .instance_post_init = dog_post_init,
        .instance_finalize = dog_finalize,
        .class_init = dog_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_PET },
            { }
        },
    }, {
        .name = TYPE_PUPPY,
        .parent = TYPE_DOG,
        .instance_init = puppy_init,
        .instance_finalize = puppy_finalize,
        .class_init = puppy_class_init,
    }, {
        .name = TYPE_CAT,
        .parent = TYPE_ANIMAL,
        .class_init = cat_class_init,
    }, {
        .name = "order-a",
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .class_base_init = order_base_init,
        .class_init = order_class_init,
        .class_data = "a",
    }, {
        .name = "order-b",
        .parent = "order-a",
        .class_init = order_class_init,
        .class_data = "b",
    }, {
        .name = "order-c",
        .parent = "order-b",
        .class_init = order_class_init,
        .class_data = "c",
    },
};

DEFINE_TYPES(test_types)

/* --- a user-creatable type --- */

#define TYPE_GADGET "gadget"
OBJECT_DECLARE_SIMPLE_TYPE(Gadget, GADGET)
struct Gadget {
    Object parent_obj;
    char *data;
    uint64_t size;
    bool locked;
    bool completed;
};

static char *gadget_get_data(Object *obj, Error **errp)
{
    return g_strdup(GADGET(obj)->data);
}

static void gadget_set_data(Object *obj, const char *value, Error **errp)
{
    g_free(GADGET(obj)->data);
    GADGET(obj)->data = g_strdup(value);
}

static void gadget_get_size(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    visit_type_size(v, name, &GADGET(obj)->size, errp);
}

static void gadget_set_size(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    visit_type_size(v, name, &GADGET(obj)->size, errp);
}

static bool gadget_get_locked(Object *obj, Error **errp)
{
    return GADGET(obj)->locked;
}

static void gadget_set_locked(Object *obj, bool value, Error **errp)
{
    GADGET(obj)->locked = value;
}

static void gadget_complete(UserCreatable *uc, Error **errp)
{
    Gadget *g = GADGET(uc);

    if (!g->data) {
        error_setg(errp, "gadget needs 'data'");
        return;
    }
    g->completed = true;
}

static bool gadget_can_be_deleted(UserCreatable *uc)
{
    return !GADGET(uc)->locked;
}

static void gadget_finalize(Object *obj)
{
    g_free(GADGET(obj)->data);
}

static void gadget_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = gadget_complete;
    ucc->can_be_deleted = gadget_can_be_deleted;
    object_class_property_add_str(oc, "data", gadget_get_data,
                                  gadget_set_data);
    object_class_property_set_description(oc, "data", "The payload");
    object_class_property_add(oc, "size", "size", gadget_get_size,
                              gadget_set_size, NULL, NULL);
    object_class_property_add_bool(oc, "locked", gadget_get_locked,
                                   gadget_set_locked);
}

static const TypeInfo gadget_info = {
    .name = TYPE_GADGET,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Gadget),
    .instance_finalize = gadget_finalize,
    .class_init = gadget_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void gadget_register(void)
{
    type_register_static(&gadget_info);
}

type_init(gadget_register)

/* --- a type written with the declaration helpers --- */

#define TYPE_WIDGET "widget"
OBJECT_DECLARE_TYPE(Widget, WidgetClass, WIDGET)

struct Widget {
    Object parent_obj;
    int inits;
};

struct WidgetClass {
    ObjectClass parent_class;
    int answer;
};

OBJECT_DEFINE_TYPE_WITH_INTERFACES(Widget, widget, WIDGET, OBJECT,
                                   { TYPE_USER_CREATABLE }, { })

static void widget_init(Object *obj)
{
    WIDGET(obj)->inits++;
}

static void widget_finalize(Object *obj)
{
}

static void widget_class_init(ObjectClass *oc, const void *data)
{
    WIDGET_CLASS(oc)->answer = 42;
}

static void test_define_type_macros(void)
{
    g_autoptr(Widget) w = WIDGET(object_new(TYPE_WIDGET));

    g_assert_cmpint(w->inits, ==, 1);
    g_assert_cmpint(WIDGET_GET_CLASS(w)->answer, ==, 42);
    g_assert_nonnull(object_dynamic_cast(OBJECT(w), TYPE_USER_CREATABLE));
    g_assert_false(object_class_is_abstract(OBJECT_CLASS(
                                                WIDGET_GET_CLASS(w))));
}

/* --- helpers --- */

/* A fresh container under / for one test, removed by the caller. */
static Object *test_container(const char *name)
{
    return object_property_add_new_container(object_get_root(), name);
}

static char *error_text(Error *err)
{
    char *s = g_strdup(error_get_pretty(err));

    error_free(err);
    return s;
}

/* --- types and casts --- */

static void test_class_init_order(void)
{
    ObjectClass *c;

    g_string_truncate(hook_log, 0);
    c = object_class_by_name("order-c");
    g_assert_nonnull(c);
    g_assert_cmpstr(hook_log->str, ==,
                    "I:a;B:order-b;I:b;B:order-c;I:c;");
    /* Classes are built once. */
    g_string_truncate(hook_log, 0);
    g_assert_true(object_class_by_name("order-c") == c);
    g_assert_cmpstr(object_class_get_name(object_class_get_parent(c)), ==,
                    "order-b");
    g_assert_cmpstr(hook_log->str, ==, "");
}

static void test_casts(void)
{
    Object *dog = object_new(TYPE_DOG);
    Object *puppy = object_new(TYPE_PUPPY);
    Object *cat = object_new(TYPE_CAT);

    g_assert_true(OBJECT(DOG(dog)) == dog);
    g_assert_true(OBJECT(ANIMAL(dog)) == dog);
    g_assert_true(OBJECT(DOG(puppy)) == puppy);
    g_assert_null(object_dynamic_cast(cat, TYPE_DOG));
    g_assert_null(object_dynamic_cast(dog, TYPE_PUPPY));
    g_assert_null(object_dynamic_cast(dog, "no-such-type"));
    g_assert_nonnull(object_dynamic_cast(cat, TYPE_OBJECT));
    g_assert_null(DOG(NULL));

    /* Virtual methods, overridden in the subclass. */
    g_assert_cmpstr(ANIMAL_GET_CLASS(dog)->sound(ANIMAL(dog)), ==, "woof");
    g_assert_cmpstr(ANIMAL_GET_CLASS(puppy)->sound(ANIMAL(puppy)), ==,
                    "yip");
    g_assert_cmpstr(ANIMAL_GET_CLASS(cat)->sound(ANIMAL(cat)), ==, "meow");
    g_assert_cmpstr(object_get_typename(puppy), ==, "puppy");
    g_assert_cmpstr(object_class_get_name(object_get_class(cat)), ==, "cat");

    object_unref(dog);
    object_unref(puppy);
    object_unref(cat);
}

static void test_bad_cast_aborts(void)
{
    if (g_test_subprocess()) {
        Object *cat = object_new(TYPE_CAT);

        DOG(cat);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*not an instance of type 'dog'*");
}

static void test_interfaces(void)
{
    Object *dog = object_new(TYPE_DOG);
    Object *puppy = object_new(TYPE_PUPPY);
    Object *cat = object_new(TYPE_CAT);
    ObjectClass *dc = object_class_by_name(TYPE_DOG);
    ObjectClass *pc = object_class_by_name(TYPE_PUPPY);

    /* An interface cast of an object yields the object itself. */
    g_assert_true((Object *)PET(dog) == dog);
    g_assert_null(object_dynamic_cast(cat, TYPE_PET));
    g_assert_null(object_class_dynamic_cast(object_get_class(cat),
                                            TYPE_PET));
    /* Each implementing class has its own InterfaceClass. */
    g_assert_true(PET_CLASS(dc) != PET_CLASS(pc));
    g_assert_true(INTERFACE_CLASS(PET_CLASS(dc))->concrete_class == dc);
    g_assert_cmpstr(PET_GET_CLASS(dog)->cuddle(PET(dog)), ==, "wag");
    /* Inherited implementation, overridden by puppy_class_init. */
    g_assert_cmpstr(PET_GET_CLASS(puppy)->cuddle(PET(puppy)), ==, "lick");

    object_unref(dog);
    object_unref(puppy);
    object_unref(cat);
}

static void test_abstract(void)
{
    ObjectClass *ac = object_class_by_name(TYPE_ANIMAL);
    Error *err = NULL;
    Object *obj;

    g_assert_true(object_class_is_abstract(ac));
    g_assert_false(object_class_is_abstract(object_class_by_name(TYPE_DOG)));
    obj = object_new_with_props(TYPE_ANIMAL, object_get_root(), "a1", &err,
                                NULL);
    g_assert_null(obj);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "object type 'animal' is abstract");
    error_free(err);
    err = NULL;
    obj = object_new_with_props("no-such-type", object_get_root(), "a1",
                                &err, NULL);
    g_assert_null(obj);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "invalid object type: no-such-type");
    error_free(err);
}

static void test_abstract_aborts(void)
{
    if (g_test_subprocess()) {
        object_new(TYPE_ANIMAL);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*abstract type 'animal'*");
}

static void test_class_list(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_ANIMAL, false);
    GString *names = g_string_new("");

    for (GSList *l = list; l; l = l->next) {
        g_string_append_printf(names, "%s,", object_class_get_name(l->data));
    }
    g_assert_cmpstr(names->str, ==, "cat,dog,puppy,");
    g_slist_free(list);

    list = object_class_get_list(TYPE_ANIMAL, true);
    g_assert_cmpint(g_slist_length(list), ==, 4);
    g_slist_free(list);

    list = object_class_get_list(TYPE_PET, false);
    g_assert_cmpint(g_slist_length(list), ==, 2);       /* dog, puppy */
    g_slist_free(list);
    g_string_free(names, true);
}

static void test_init_finalize_order(void)
{
    Object *puppy;

    g_string_truncate(hook_log, 0);
    puppy = object_new(TYPE_PUPPY);
    g_assert_cmpstr(hook_log->str, ==,
                    "i:animal;i:dog;i:puppy;p:dog;p:animal;");
    g_string_truncate(hook_log, 0);
    object_ref(puppy);
    object_unref(puppy);
    g_assert_cmpstr(hook_log->str, ==, "");
    object_unref(puppy);
    g_assert_cmpstr(hook_log->str, ==, "f:puppy;f:dog;f:animal;");
}

/* --- properties --- */

static const char *const color_names[] = { "red", "green", "blue" };
static const QEnumLookup color_lookup = {
    .array = color_names,
    .size = 3,
};

static int color_value;
static char *str_value;
static bool bool_value;
static int released;

static int get_color(Object *obj, Error **errp)
{
    return color_value;
}

static void set_color(Object *obj, int value, Error **errp)
{
    color_value = value;
}

static char *get_string(Object *obj, Error **errp)
{
    return g_strdup(str_value ? str_value : "");
}

static void set_string(Object *obj, const char *value, Error **errp)
{
    g_free(str_value);
    str_value = g_strdup(value);
}

static bool get_boolean(Object *obj, Error **errp)
{
    return bool_value;
}

static void set_boolean(Object *obj, bool value, Error **errp)
{
    bool_value = value;
}

static void count_release(Object *obj, const char *name, void *opaque)
{
    released++;
}

static void get_nothing(Object *obj, Visitor *v, const char *name,
                        void *opaque, Error **errp)
{
    int64_t value = 7;

    visit_type_int(v, name, &value, errp);
}

static void test_props_scalar(void)
{
    Object *obj = object_new(TYPE_CONTAINER);
    static uint8_t u8 = 5;
    static uint16_t u16 = 6;
    static uint32_t u32 = 7;
    static uint64_t u64 = 8;
    static uint8_t ro = 9;
    Error *err = NULL;
    g_autofree char *s = NULL;
    QObject *qobj;

    object_property_add_str(obj, "s", get_string, set_string);
    object_property_add_bool(obj, "b", get_boolean, set_boolean);
    object_property_add_enum(obj, "color", "Color", &color_lookup,
                             get_color, set_color);
    object_property_add_uint8_ptr(obj, "u8", &u8, OBJ_PROP_FLAG_READWRITE);
    object_property_add_uint16_ptr(obj, "u16", &u16,
                                   OBJ_PROP_FLAG_READWRITE);
    object_property_add_uint32_ptr(obj, "u32", &u32,
                                   OBJ_PROP_FLAG_READWRITE);
    object_property_add_uint64_ptr(obj, "u64", &u64,
                                   OBJ_PROP_FLAG_READWRITE);
    object_property_add_uint8_ptr(obj, "ro", &ro, OBJ_PROP_FLAG_READ);

    /* Strings. */
    g_assert_true(object_property_set_str(obj, "s", "hello", &error_abort));
    s = object_property_get_str(obj, "s", &error_abort);
    g_assert_cmpstr(s, ==, "hello");
    g_free(s);
    g_assert_true(object_property_parse(obj, "s", "a,b", &error_abort));
    g_assert_cmpstr(str_value, ==, "a,b");
    s = object_property_print(obj, "s", false, &error_abort);
    g_assert_cmpstr(s, ==, "a,b");
    g_free(s);
    g_assert_cmpstr(object_property_get_type(obj, "s", NULL), ==, "string");
    /* A string is not an int. */
    g_assert_cmpint(object_property_get_int(obj, "s", &err), ==, -1);
    error_free_or_abort(&err);

    /* Booleans. */
    g_assert_true(object_property_set_bool(obj, "b", true, &error_abort));
    g_assert_true(bool_value);
    g_assert_true(object_property_parse(obj, "b", "off", &error_abort));
    g_assert_false(object_property_get_bool(obj, "b", &error_abort));
    g_assert_true(object_property_parse(obj, "b", "on", &error_abort));
    g_assert_true(bool_value);
    g_assert_false(object_property_parse(obj, "b", "maybe", &err));
    error_free_or_abort(&err);
    g_assert_true(bool_value);

    /* Enums travel as names. */
    g_assert_true(object_property_set_str(obj, "color", "green",
                                          &error_abort));
    g_assert_cmpint(color_value, ==, 1);
    g_assert_cmpint(object_property_get_enum(obj, "color", "Color",
                                             &error_abort), ==, 1);
    g_assert_true(object_property_parse(obj, "color", "blue", &error_abort));
    s = object_property_get_str(obj, "color", &error_abort);
    g_assert_cmpstr(s, ==, "blue");
    g_free(s);
    g_assert_false(object_property_parse(obj, "color", "pink", &err));
    error_free_or_abort(&err);
    g_assert_cmpint(color_value, ==, 2);
    g_assert_cmpint(object_property_get_enum(obj, "color", "Colour", &err),
                    ==, -1);
    error_free_or_abort(&err);

    /* Unsigned integers of each width, with range checks. */
    g_assert_cmpuint(object_property_get_uint(obj, "u8", &error_abort),
                     ==, 5);
    g_assert_true(object_property_set_uint(obj, "u8", 255, &error_abort));
    g_assert_cmpuint(u8, ==, 255);
    g_assert_false(object_property_set_uint(obj, "u8", 256, &err));
    error_free_or_abort(&err);
    g_assert_cmpuint(u8, ==, 255);
    g_assert_false(object_property_set_int(obj, "u16", -1, &err));
    error_free_or_abort(&err);
    g_assert_true(object_property_parse(obj, "u16", "65535", &error_abort));
    g_assert_cmpuint(u16, ==, 65535);
    g_assert_true(object_property_set_int(obj, "u32", 100000,
                                          &error_abort));
    g_assert_cmpint(object_property_get_int(obj, "u32", &error_abort), ==,
                    100000);
    g_assert_true(object_property_set_uint(obj, "u64", UINT64_MAX,
                                           &error_abort));
    g_assert_cmpuint(object_property_get_uint(obj, "u64", &error_abort),
                     ==, UINT64_MAX);
    s = object_property_print(obj, "u32", false, &error_abort);
    g_assert_cmpstr(s, ==, "100000");
    g_free(s);
    qobj = object_property_get_qobject(obj, "u8", &error_abort);
    g_assert_nonnull(qobject_to(QNum, qobj));
    g_assert_cmpint(qnum_get_int(qobject_to(QNum, qobj)), ==, 255);
    qobject_unref(qobj);

    /* Read-only and missing properties. */
    g_assert_false(object_property_set_uint(obj, "ro", 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'container.ro' is not writable");
    error_free(err);
    err = NULL;
    g_assert_cmpuint(ro, ==, 9);
    g_assert_false(object_property_set_uint(obj, "nope", 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'container.nope' not found");
    error_free(err);
    err = NULL;

    /* "type" is a class property of every object. */
    s = object_property_get_str(obj, "type", &error_abort);
    g_assert_cmpstr(s, ==, "container");

    object_unref(obj);
    g_clear_pointer(&str_value, g_free);
}

static void test_props_add_del(void)
{
    Object *obj = object_new(TYPE_CONTAINER);
    Error *err = NULL;
    ObjectProperty *op;

    released = 0;
    object_property_add(obj, "x", "int", get_nothing, NULL, count_release,
                        NULL);
    g_assert_null(object_property_try_add(obj, "x", "int", get_nothing,
                                          NULL, NULL, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "attempt to add duplicate property 'x' to object "
                    "(type 'container')");
    error_free(err);
    err = NULL;
    g_assert_cmpint(object_property_get_int(obj, "x", &error_abort), ==, 7);
    g_assert_false(object_property_set_int(obj, "x", 1, &err));
    error_free_or_abort(&err);

    /* Automatic array names. */
    op = object_property_add(obj, "slot[*]", "int", get_nothing, NULL,
                             count_release, NULL);
    g_assert_cmpstr(op->name, ==, "slot[0]");
    op = object_property_add(obj, "slot[*]", "int", get_nothing, NULL,
                             count_release, NULL);
    g_assert_cmpstr(op->name, ==, "slot[1]");

    object_property_set_description(obj, "x", "the x");
    g_assert_cmpstr(object_property_find(obj, "x")->description, ==,
                    "the x");

    object_property_del(obj, "x");
    g_assert_cmpint(released, ==, 1);
    g_assert_null(object_property_find(obj, "x"));
    g_assert_null(object_property_find_err(obj, "x", &err));
    error_free_or_abort(&err);

    /* The rest are released by finalization. */
    object_unref(obj);
    g_assert_cmpint(released, ==, 3);
}

static void test_class_props(void)
{
    Object *dog = object_new(TYPE_DOG);
    Object *puppy = object_new(TYPE_PUPPY);
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    bool seen_legs = false, seen_name = false, seen_type = false;
    Error *err = NULL;

    /* Defined on animal, inherited, default applied at instance init. */
    g_assert_cmpuint(ANIMAL(puppy)->legs, ==, 4);
    g_assert_cmpuint(object_property_get_uint(puppy, "legs", &error_abort),
                     ==, 4);
    g_assert_true(object_property_find(dog, "legs") ==
                  object_class_property_find(object_class_by_name(
                                             TYPE_ANIMAL), "legs"));
    g_assert_cmpstr(object_property_find(dog, "legs")->description, ==,
                    "Number of legs");
    g_assert_true(object_property_parse(dog, "legs", "3", &error_abort));
    g_assert_cmpuint(ANIMAL(dog)->legs, ==, 3);
    g_assert_false(object_property_parse(dog, "legs", "9", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "too many legs: 9");
    error_free(err);
    /* Per instance: the puppy is unchanged. */
    g_assert_cmpuint(ANIMAL(puppy)->legs, ==, 4);

    object_property_iter_init(&iter, dog);
    while ((prop = object_property_iter_next(&iter))) {
        seen_legs |= !strcmp(prop->name, "legs");
        seen_name |= !strcmp(prop->name, "name");
        seen_type |= !strcmp(prop->name, "type");
    }
    g_assert_true(seen_legs && seen_name && seen_type);

    object_unref(dog);
    object_unref(puppy);
}

/* --- the composition tree --- */

static void test_children_and_paths(void)
{
    Object *top = test_container("test-paths");
    Object *a = object_new(TYPE_DOG);
    Object *b = object_new(TYPE_CAT);
    Object *loose = object_new(TYPE_CAT);
    g_autofree char *path = NULL;
    g_autofree char *value = NULL;
    g_autofree char *comp = NULL;

    object_property_add_child(top, "a", a);
    object_property_add_child(a, "b", b);
    g_assert_cmpint(a->ref, ==, 2);
    object_unref(a);
    object_unref(b);

    g_assert_true(a->parent == top && b->parent == a);
    path = object_get_canonical_path(b);
    g_assert_cmpstr(path, ==, "/test-paths/a/b");
    comp = object_get_canonical_path_component(b);
    g_assert_cmpstr(comp, ==, "b");
    g_free(path);
    path = object_get_canonical_path(object_get_root());
    g_assert_cmpstr(path, ==, "/");
    g_assert_null(object_get_canonical_path(loose));
    g_assert_null(object_get_canonical_path_component(loose));

    g_assert_cmpstr(object_property_get_type(a, "b", NULL), ==,
                    "child<cat>");
    value = object_property_get_str(a, "b", &error_abort);
    g_assert_cmpstr(value, ==, "/test-paths/a/b");
    g_assert_true(object_resolve_path_component(a, "b") == b);
    g_assert_true(object_resolve_path_at(top, "a/b") == b);
    g_assert_true(object_resolve_path_at(top, "/test-paths/a") == a);

    object_unref(loose);
    object_unparent(top);
}

static int count_child(Object *child, void *opaque)
{
    (*(int *)opaque)++;
    return 0;
}

static void test_resolve_path(void)
{
    Object *top = test_container("test-resolve");
    Object *x1 = object_new(TYPE_DOG);
    Object *x2 = object_new(TYPE_CAT);
    Object *mid = object_property_add_new_container(top, "mid");
    bool ambiguous = true;
    int n = 0;

    object_property_add_child(top, "uniq-x", x1);
    object_property_add_child(mid, "uniq-x", x2);
    object_unref(x1);
    object_unref(x2);

    /* Absolute. */
    g_assert_true(object_resolve_path("/test-resolve/mid/uniq-x",
                                      &ambiguous) == x2);
    g_assert_false(ambiguous);
    g_assert_null(object_resolve_path("/test-resolve/none", &ambiguous));
    g_assert_false(ambiguous);
    /* Partial, unique. */
    g_assert_true(object_resolve_path("mid/uniq-x", &ambiguous) == x2);
    g_assert_false(ambiguous);
    g_assert_true(object_resolve_path("mid", &ambiguous) == mid);
    /* Partial, ambiguous. */
    g_assert_null(object_resolve_path("uniq-x", &ambiguous));
    g_assert_true(ambiguous);
    ambiguous = false;
    g_assert_null(object_resolve_path("uniq-x", NULL));
    /* The type disambiguates. */
    g_assert_true(object_resolve_path_type("uniq-x", TYPE_DOG,
                                           &ambiguous) == x1);
    g_assert_false(ambiguous);
    g_assert_true(object_resolve_path_type("uniq-x", TYPE_CAT,
                                           &ambiguous) == x2);
    g_assert_null(object_resolve_path_type("uniq-x", TYPE_PUPPY,
                                           &ambiguous));
    g_assert_false(ambiguous);

    g_assert_cmpint(object_child_foreach(top, count_child, &n), ==, 0);
    g_assert_cmpint(n, ==, 2);
    n = 0;
    object_child_foreach_recursive(top, count_child, &n);
    g_assert_cmpint(n, ==, 3);

    object_unparent(top);
}

static void test_links(void)
{
    Object *top = test_container("test-links");
    Object *dog = object_new(TYPE_DOG);
    Object *cat = object_new(TYPE_CAT);
    Object *puppy = object_new(TYPE_PUPPY);
    Object *box = object_new(TYPE_CONTAINER);
    bool cat_gone = false;
    Error *err = NULL;
    char *s;

    ANIMAL(cat)->finalized = &cat_gone;
    object_property_add_child(top, "dog", dog);
    object_property_add_child(top, "cat", cat);
    object_property_add_child(top, "puppy", puppy);
    object_property_add_child(top, "box", box);
    object_unref(dog);
    object_unref(puppy);
    object_unref(box);

    g_assert_cmpstr(object_property_get_type(dog, "friend", NULL), ==,
                    "link<animal>");
    s = object_property_get_str(dog, "friend", &error_abort);
    g_assert_cmpstr(s, ==, "");
    g_free(s);

    /* Set by path; strong: the link holds a reference. */
    g_assert_cmpint(cat->ref, ==, 2);
    g_assert_true(object_property_set_str(dog, "friend", "/test-links/cat",
                                          &error_abort));
    g_assert_true(ANIMAL(dog)->friend == cat);
    g_assert_cmpint(cat->ref, ==, 3);
    s = object_property_get_str(dog, "friend", &error_abort);
    g_assert_cmpstr(s, ==, "/test-links/cat");
    g_free(s);
    g_assert_true(object_property_get_link(dog, "friend", &error_abort) ==
                  cat);
    /* Paths follow links. */
    g_assert_true(object_resolve_path("/test-links/dog/friend", NULL) ==
                  cat);

    /* Wrong type, missing target, refused by the check. */
    g_assert_false(object_property_set_str(dog, "friend", "/test-links/box",
                                           &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'friend', expected: animal");
    error_free(err);
    err = NULL;
    g_assert_false(object_property_set_str(dog, "friend", "/nowhere", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device '/nowhere' not found");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    error_free(err);
    err = NULL;
    g_assert_false(object_property_set_link(dog, "friend", puppy, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "dogs do not befriend puppies");
    error_free(err);
    err = NULL;
    g_assert_true(ANIMAL(dog)->friend == cat);

    /* Class link (weak), by partial path. */
    g_assert_true(object_property_set_str(dog, "rival", "puppy",
                                          &error_abort));
    g_assert_true(ANIMAL(dog)->rival == puppy);
    g_assert_cmpint(puppy->ref, ==, 1);
    g_assert_true(object_property_set_link(dog, "rival", NULL,
                                           &error_abort));
    g_assert_null(ANIMAL(dog)->rival);

    /* Const links are read-only. */
    object_property_add_const_link(box, "pet", dog);
    g_assert_true(object_property_get_link(box, "pet", &error_abort) == dog);
    g_assert_false(object_property_set_str(box, "pet", "", &err));
    error_free_or_abort(&err);

    /* Out of the tree the cat survives through the strong link. */
    object_unparent(cat);
    g_assert_false(cat_gone);
    g_assert_cmpint(cat->ref, ==, 2);
    object_unref(cat);
    g_assert_false(cat_gone);
    /* Clearing the link drops the last reference. */
    g_assert_true(object_property_set_str(dog, "friend", "", &error_abort));
    g_assert_true(cat_gone);

    object_unparent(top);
}

static void test_alias(void)
{
    Object *top = test_container("test-alias");
    Object *dog = object_new(TYPE_DOG);
    Object *cat = object_new(TYPE_CAT);
    g_autofree char *s = NULL;

    object_property_add_child(top, "dog", dog);
    object_property_add_child(dog, "kitten", cat);
    object_unref(cat);
    object_property_add_alias(top, "dogname", dog, "name");
    object_property_add_alias(top, "kitten", dog, "kitten");
    object_property_add_alias(top, "limbs", dog, "legs");

    g_assert_true(object_property_set_str(top, "dogname", "rex",
                                          &error_abort));
    g_assert_cmpstr(DOG(dog)->name, ==, "rex");
    s = object_property_get_str(top, "dogname", &error_abort);
    g_assert_cmpstr(s, ==, "rex");
    g_assert_cmpstr(object_property_get_type(top, "kitten", NULL), ==,
                    "link<cat>");
    g_assert_true(object_resolve_path("/test-alias/kitten", NULL) == cat);
    g_assert_cmpstr(object_property_find(top, "limbs")->description, ==,
                    "Number of legs");
    g_assert_true(object_property_parse(top, "limbs", "2", &error_abort));
    g_assert_cmpuint(ANIMAL(dog)->legs, ==, 2);

    object_unref(dog);
    object_unparent(top);
}

static void test_unref_releases_children(void)
{
    Object *parent = object_new(TYPE_DOG);
    Object *child = object_new(TYPE_CAT);
    Object *grandchild = object_new(TYPE_CAT);
    bool child_gone = false, grandchild_gone = false;
    g_autofree Animal *embedded_mem = NULL;
    bool embedded_gone = false;

    ANIMAL(child)->finalized = &child_gone;
    ANIMAL(grandchild)->finalized = &grandchild_gone;
    object_property_add_child(parent, "c", child);
    object_property_add_child(child, "g", grandchild);
    object_unref(child);
    object_unref(grandchild);

    /* A child constructed in memory the parent owns. */
    embedded_mem = g_new0(Animal, 1);
    object_initialize_child(parent, "e", embedded_mem, TYPE_CAT);
    embedded_mem->finalized = &embedded_gone;
    g_assert_cmpint(OBJECT(embedded_mem)->ref, ==, 1);
    g_assert_true(OBJECT(embedded_mem)->parent == parent);

    g_assert_false(child_gone || grandchild_gone || embedded_gone);
    object_unref(parent);
    g_assert_true(child_gone);
    g_assert_true(grandchild_gone);
    g_assert_true(embedded_gone);
}

static void test_new_with_props(void)
{
    Object *top = test_container("test-nwp");
    Error *err = NULL;
    Object *obj;

    obj = object_new_with_props(TYPE_DOG, top, "d1", &error_abort,
                                "name", "fido", "legs", "3", NULL);
    g_assert_nonnull(obj);
    g_assert_cmpint(obj->ref, ==, 1);
    g_assert_true(obj->parent == top);
    g_assert_cmpstr(DOG(obj)->name, ==, "fido");
    g_assert_cmpuint(ANIMAL(obj)->legs, ==, 3);

    g_assert_null(object_new_with_props(TYPE_DOG, top, "d2", &err,
                                        "name", "", NULL));
    g_assert_cmpstr(error_get_pretty(err), ==, "a dog needs a name");
    error_free(err);
    err = NULL;
    g_assert_null(object_resolve_path_component(top, "d2"));
    /* Duplicate id. */
    g_assert_null(object_new_with_props(TYPE_DOG, top, "d1", &err, NULL));
    error_free_or_abort(&err);

    object_unparent(top);
}

/* --- user-creatable objects --- */

static void test_user_creatable(void)
{
    Object *objects = object_get_objects_root();
    Error *err = NULL;
    Object *obj;
    Gadget *g;
    char *text;

    obj = user_creatable_add_opts_str("gadget,id=g0,data=a,,b,size=2M",
                                      &error_abort);
    g_assert_nonnull(obj);
    g_assert_true(object_resolve_path_component(objects, "g0") == obj);
    g = GADGET(obj);
    g_assert_cmpstr(g->data, ==, "a,b");
    g_assert_cmpuint(g->size, ==, 2 * MiB);
    g_assert_true(g->completed);
    g_assert_cmpint(obj->ref, ==, 1);
    text = object_get_canonical_path(obj);
    g_assert_cmpstr(text, ==, "/objects/g0");
    g_free(text);

    /* The qom-type= spelling. */
    g_assert_nonnull(user_creatable_add_opts_str(
                         "qom-type=gadget,id=g1,data=x", &error_abort));

#define CHECK_ERR(str, msg) do { \
        g_assert_null(user_creatable_add_opts_str((str), &err)); \
        text = error_text(err); \
        err = NULL; \
        g_assert_cmpstr(text, ==, (msg)); \
        g_free(text); \
    } while (0)

    CHECK_ERR("gadget,id=0bad,data=x", "Parameter 'id' expects an identifier");
    CHECK_ERR("gadget,id=a b,data=x", "Parameter 'id' expects an identifier");
    CHECK_ERR("nope,id=n0", "invalid object type: nope");
    CHECK_ERR("dog,id=n0", "object type 'dog' isn't supported by object-add");
    CHECK_ERR("gadget,id=n0,data=x,bogus=1",
              "Property 'gadget.bogus' not found");
    CHECK_ERR("gadget,data=x", "Parameter 'id' is missing");
    CHECK_ERR("id=n0,data=x", "Parameter 'qom-type' is missing");
    CHECK_ERR("gadget,id=n0,data=x,data=y",
              "Parameter 'data' is set more than once");
    CHECK_ERR("gadget,id=n0,data", "Expected '=' after parameter 'data'");
    CHECK_ERR("gadget,id=n0,size=lots",
              "Parameter 'size' expects a non-negative number "
              "below 2^64");
    CHECK_ERR("gadget,id=n0", "gadget needs 'data'");
    CHECK_ERR("gadget,id=g0,data=x", "attempt to add duplicate property "
              "'g0' to object (type 'container')");
#undef CHECK_ERR
    /* Nothing was left behind by the failures. */
    g_assert_null(object_resolve_path_component(objects, "n0"));

    /* From a dictionary of strings (keyval). */
    {
        QDict *args = qdict_new();

        qdict_put_str(args, "qom-type", "gadget");
        qdict_put_str(args, "id", "g2");
        qdict_put_str(args, "data", "dict");
        qdict_put_str(args, "locked", "on");
        g_assert_true(user_creatable_add_dict(args, true, &error_abort));
        qobject_unref(args);
    }
    obj = object_resolve_path_component(objects, "g2");
    g_assert_cmpstr(GADGET(obj)->data, ==, "dict");
    g_assert_true(GADGET(obj)->locked);

    /* Deletion. */
    g_assert_false(user_creatable_del("g2", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "object 'g2' is in use, can not be deleted");
    error_free(err);
    err = NULL;
    g_assert_true(object_property_set_bool(obj, "locked", false,
                                           &error_abort));
    g_assert_true(user_creatable_del("g2", &error_abort));
    g_assert_null(object_resolve_path_component(objects, "g2"));
    g_assert_false(user_creatable_del("g2", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "object 'g2' not found");
    error_free(err);
    err = NULL;

    /* Help. */
    g_assert_null(user_creatable_help("gadget,id=x", &error_abort));
    text = user_creatable_help("help", &error_abort);
    g_assert_nonnull(strstr(text, "List of user creatable objects:\n"));
    g_assert_nonnull(strstr(text, "  gadget\n"));
    g_assert_null(strstr(text, "dog"));
    g_free(text);
    text = user_creatable_help("gadget,help", &error_abort);
    g_assert_true(g_str_has_prefix(text, "gadget options:\n"));
    g_assert_nonnull(strstr(text, "  data=<string>"));
    g_assert_nonnull(strstr(text, " - The payload\n"));
    g_assert_nonnull(strstr(text, "  size=<size>"));
    g_assert_null(strstr(text, "type="));      /* read-only: not listed */
    g_free(text);
    g_assert_null(user_creatable_help("dog,help", &err));
    error_free_or_abort(&err);
    g_assert_true(user_creatable_add_from_str("gadget,id=g3,data=z",
                                              &error_abort));
    g_assert_nonnull(object_resolve_path_component(objects, "g3"));

    user_creatable_cleanup();
    g_assert_null(object_resolve_path("/objects/g0", NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    hook_log = g_string_new("");
    module_call_init(MODULE_INIT_QOM);

    g_test_add_func("/qom/class-init-order", test_class_init_order);
    g_test_add_func("/qom/casts", test_casts);
    g_test_add_func("/qom/define-type-macros", test_define_type_macros);
    g_test_add_func("/qom/bad-cast-aborts", test_bad_cast_aborts);
    g_test_add_func("/qom/interfaces", test_interfaces);
    g_test_add_func("/qom/abstract", test_abstract);
    g_test_add_func("/qom/abstract-aborts", test_abstract_aborts);
    g_test_add_func("/qom/class-list", test_class_list);
    g_test_add_func("/qom/init-finalize-order", test_init_finalize_order);
    g_test_add_func("/qom/props/scalar", test_props_scalar);
    g_test_add_func("/qom/props/add-del", test_props_add_del);
    g_test_add_func("/qom/props/class", test_class_props);
    g_test_add_func("/qom/tree/children-paths", test_children_and_paths);
    g_test_add_func("/qom/tree/resolve", test_resolve_path);
    g_test_add_func("/qom/tree/links", test_links);
    g_test_add_func("/qom/tree/alias", test_alias);
    g_test_add_func("/qom/tree/unref-releases-children",
                    test_unref_releases_children);
    g_test_add_func("/qom/new-with-props", test_new_with_props);
    g_test_add_func("/qom/user-creatable", test_user_creatable);

    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the device core: realize/unrealize, static properties
 * (defaults, every kind, refusal after realize), tree placement, vmstate
 * hooks, global properties (-global) and machine compat properties.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qobject/qnum.h"
#include "qemu/uuid.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"

#define TYPE_TEST_DEV "test-dev"
OBJECT_DECLARE_TYPE(TestDev, TestDevClass, TEST_DEV)

struct TestDev {
    DeviceState parent_obj;
    bool b;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    int32_t i32;
    uint64_t u64;
    int64_t i64;
    uint64_t size;
    char *str;
    uint32_t flags;
    uint64_t flags64;
    int color;
    QemuUUID uuid;
    Object *peer;
    bool fail_realize;
    int realized;
    int unrealized;
    int resets;
};

struct TestDevClass {
    DeviceClass parent_class;
    DeviceRealize parent_realize;
};

static const char *const color_names[] = { "red", "green", "blue" };
static const QEnumLookup color_lookup = {
    .array = color_names,
    .size = 3,
};

static const PropertyInfo test_prop_color = {
    .type = "Color",
    .description = "red/green/blue",
    .enum_table = &color_lookup,
    .get = qdev_propinfo_get_enum,
    .set = qdev_propinfo_set_enum,
    .set_default_value = qdev_propinfo_set_default_value_enum,
};

static const Property test_dev_props[] = {
    DEFINE_PROP_BOOL("b", TestDev, b, true),
    DEFINE_PROP_UINT8("u8", TestDev, u8, 8),
    DEFINE_PROP_UINT16("u16", TestDev, u16, 16),
    DEFINE_PROP_UINT32("u32", TestDev, u32, 32),
    DEFINE_PROP_INT32("i32", TestDev, i32, -32),
    DEFINE_PROP_UINT64("u64", TestDev, u64, 64),
    DEFINE_PROP_INT64("i64", TestDev, i64, -64),
    DEFINE_PROP_SIZE("size", TestDev, size, 4 * KiB),
    DEFINE_PROP_STRING("str", TestDev, str),
    DEFINE_PROP_BIT("bit3", TestDev, flags, 3, true),
    DEFINE_PROP_BIT("bit4", TestDev, flags, 4, false),
    DEFINE_PROP_BIT64("bit40", TestDev, flags64, 40, true),
    DEFINE_PROP_SIGNED("color", TestDev, color, 2, test_prop_color, int),
    DEFINE_PROP_UUID("uuid", TestDev, uuid),
    DEFINE_PROP_LINK("peer", TestDev, peer, TYPE_TEST_DEV, Object *),
    DEFINE_PROP_BOOL("fail-realize", TestDev, fail_realize, false),
};

static void test_dev_realize(DeviceState *dev, Error **errp)
{
    TestDev *t = TEST_DEV(dev);

    if (t->fail_realize) {
        error_setg(errp, "realize refused");
        return;
    }
    t->realized++;
}

static void test_dev_unrealize(DeviceState *dev)
{
    TEST_DEV(dev)->unrealized++;
}

static void test_dev_reset(DeviceState *dev)
{
    TEST_DEV(dev)->resets++;
}

static void test_dev_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = test_dev_realize;
    dc->unrealize = test_dev_unrealize;
    dc->desc = "a device for tests";
    device_class_set_legacy_reset(dc, test_dev_reset);
    device_class_set_props(dc, test_dev_props);
}

/* A subclass with its own properties and a chained realize. */
#define TYPE_TEST_SUBDEV "test-subdev"
typedef struct TestSubDev {
    TestDev parent_obj;
    uint32_t extra;
    bool sub_realized;
} TestSubDev;

static const Property test_subdev_props[] = {
    DEFINE_PROP_UINT32("extra", TestSubDev, extra, 1000),
};

static void test_subdev_realize(DeviceState *dev, Error **errp)
{
    TestDevClass *tc = TEST_DEV_GET_CLASS(dev);
    Error *err = NULL;

    tc->parent_realize(dev, &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    ((TestSubDev *)dev)->sub_realized = true;
}

static void test_subdev_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    device_class_set_parent_realize(dc, test_subdev_realize,
                                    &TEST_DEV_CLASS(oc)->parent_realize);
    device_class_set_props(dc, test_subdev_props);
}

/* Separate types for globals and compat, so they do not leak elsewhere. */
#define TYPE_GLOBAL_DEV "global-dev"
#define TYPE_GLOBAL_SUBDEV "global-subdev"
#define TYPE_COMPAT_DEV "compat-dev"

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_DEV,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestDev),
        .class_size = sizeof(TestDevClass),
        .class_init = test_dev_class_init,
    }, {
        .name = TYPE_TEST_SUBDEV,
        .parent = TYPE_TEST_DEV,
        .instance_size = sizeof(TestSubDev),
        .class_init = test_subdev_class_init,
    }, {
        .name = TYPE_GLOBAL_DEV,
        .parent = TYPE_TEST_DEV,
    }, {
        .name = TYPE_GLOBAL_SUBDEV,
        .parent = TYPE_GLOBAL_DEV,
    }, {
        .name = TYPE_COMPAT_DEV,
        .parent = TYPE_TEST_DEV,
    },
};

DEFINE_TYPES(test_types)

static void test_defaults(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    TestDev *t = TEST_DEV(dev);
    ObjectProperty *op;
    g_autofree char *s = NULL;

    g_assert_false(dev->realized);
    g_assert_true(t->b);
    g_assert_cmpuint(t->u8, ==, 8);
    g_assert_cmpuint(t->u16, ==, 16);
    g_assert_cmpuint(t->u32, ==, 32);
    g_assert_cmpint(t->i32, ==, -32);
    g_assert_cmpuint(t->u64, ==, 64);
    g_assert_cmpint(t->i64, ==, -64);
    g_assert_cmpuint(t->size, ==, 4096);
    g_assert_null(t->str);
    g_assert_cmpuint(t->flags, ==, 1u << 3);
    g_assert_cmpuint(t->flags64, ==, 1ull << 40);
    g_assert_cmpint(t->color, ==, 2);
    g_assert_false(qemu_uuid_is_null(&t->uuid));        /* "auto" */
    g_assert_null(t->peer);

    /* The default is recorded for introspection. */
    op = object_property_find(OBJECT(dev), "u8");
    g_assert_cmpstr(op->type, ==, "uint8");
    g_assert_cmpint(qnum_get_int(qobject_to(QNum, op->defval)), ==, 8);
    op = object_property_find(OBJECT(dev), "color");
    g_assert_cmpstr(op->description, ==, "red/green/blue");
    g_assert_cmpstr(object_property_get_type(OBJECT(dev), "peer", NULL), ==,
                    "link<test-dev>");
    s = object_property_get_str(OBJECT(dev), "str", &error_abort);
    g_assert_cmpstr(s, ==, "");

    object_unref(dev);
}

static void test_prop_kinds(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    Object *obj = OBJECT(dev);
    TestDev *t = TEST_DEV(dev);
    Error *err = NULL;
    char *s;

    g_assert_true(object_property_parse(obj, "b", "off", &error_abort));
    g_assert_false(t->b);
    g_assert_true(object_property_parse(obj, "u8", "200", &error_abort));
    g_assert_cmpuint(t->u8, ==, 200);
    g_assert_false(object_property_parse(obj, "u8", "300", &err));
    error_free_or_abort(&err);
    g_assert_cmpuint(t->u8, ==, 200);
    qdev_prop_set_uint16(dev, "u16", 65535);
    g_assert_cmpuint(t->u16, ==, 65535);
    qdev_prop_set_uint32(dev, "u32", 0xdeadbeef);
    g_assert_cmpuint(object_property_get_uint(obj, "u32", &error_abort),
                     ==, 0xdeadbeef);
    qdev_prop_set_int32(dev, "i32", INT32_MIN);
    g_assert_cmpint(object_property_get_int(obj, "i32", &error_abort), ==,
                    INT32_MIN);
    g_assert_false(object_property_set_int(obj, "i32", INT64_MAX, &err));
    error_free_or_abort(&err);
    qdev_prop_set_uint64(dev, "u64", UINT64_MAX);
    g_assert_cmpuint(t->u64, ==, UINT64_MAX);
    g_assert_true(object_property_parse(obj, "i64", "-5", &error_abort));
    g_assert_cmpint(t->i64, ==, -5);
    g_assert_true(object_property_parse(obj, "size", "2M", &error_abort));
    g_assert_cmpuint(t->size, ==, 2 * MiB);
    qdev_prop_set_string(dev, "str", "hello");
    g_assert_cmpstr(t->str, ==, "hello");
    g_assert_true(object_property_parse(obj, "str", "bye", &error_abort));
    g_assert_cmpstr(t->str, ==, "bye");

    qdev_prop_set_bit(dev, "bit4", true);
    g_assert_cmpuint(t->flags, ==, (1u << 3) | (1u << 4));
    g_assert_true(object_property_parse(obj, "bit3", "off", &error_abort));
    g_assert_cmpuint(t->flags, ==, 1u << 4);
    g_assert_true(object_property_parse(obj, "bit40", "off",
                                        &error_abort));
    g_assert_cmpuint(t->flags64, ==, 0);

    g_assert_true(object_property_parse(obj, "color", "green",
                                        &error_abort));
    g_assert_cmpint(t->color, ==, 1);
    qdev_prop_set_enum(dev, "color", 0);
    s = object_property_get_str(obj, "color", &error_abort);
    g_assert_cmpstr(s, ==, "red");
    g_free(s);
    g_assert_false(object_property_parse(obj, "color", "pink", &err));
    error_free_or_abort(&err);

    g_assert_true(object_property_parse(obj, "uuid",
                                        "12345678-9abc-def0-1234-56789abcdef0",
                                        &error_abort));
    s = object_property_get_str(obj, "uuid", &error_abort);
    g_assert_cmpstr(s, ==, "12345678-9abc-def0-1234-56789abcdef0");
    g_free(s);
    g_assert_false(object_property_parse(obj, "uuid", "not-a-uuid", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-dev.uuid' doesn't take value "
                    "'not-a-uuid'");
    error_free(err);

    /* The string is freed with the device (checked under valgrind). */
    object_unref(dev);
}

static void test_realize(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    DeviceState *peer = qdev_new(TYPE_TEST_DEV);
    TestDev *t = TEST_DEV(dev);
    Error *err = NULL;
    g_autofree char *path = NULL;

    /* Links are set by path: the peer needs a place in the tree. */
    qdev_set_id(peer, g_strdup("peer0"), &error_abort);
    g_assert_true(OBJECT(peer)->parent ==
                  object_resolve_path("/machine/peripheral", NULL));
    g_assert_true(object_property_set_link(OBJECT(dev), "peer",
                                           OBJECT(peer), &error_abort));
    g_assert_true(t->peer == OBJECT(peer));

    g_assert_true(qdev_realize(dev, NULL, &error_abort));
    g_assert_true(dev->realized);
    g_assert_cmpint(t->realized, ==, 1);
    g_assert_true(object_property_get_bool(OBJECT(dev), "realized",
                                           &error_abort));
    /* An orphan is put under /machine/unattached. */
    path = object_get_canonical_path(OBJECT(dev));
    g_assert_true(g_str_has_prefix(path, "/machine/unattached/device["));
    g_assert_cmpstr(dev->canonical_path, ==, path);

    /* Realizing twice is a no-op. */
    g_assert_true(object_property_set_bool(OBJECT(dev), "realized", true,
                                           &error_abort));
    g_assert_cmpint(t->realized, ==, 1);

    /* No writes after realize. */
    g_assert_false(object_property_set_uint(OBJECT(dev), "u8", 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Attempt to set property 'u8' on anonymous device "
                    "(type 'test-dev') after it was realized");
    error_free(err);
    err = NULL;
    g_assert_cmpuint(t->u8, ==, 8);
    g_assert_false(object_property_set_link(OBJECT(dev), "peer", NULL,
                                            &err));
    error_free_or_abort(&err);
    g_assert_true(t->peer == OBJECT(peer));

    qdev_realize(peer, NULL, &error_abort);
    g_assert_false(object_property_parse(OBJECT(peer), "str", "x", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Attempt to set property 'str' on device 'peer0' "
                    "(type 'test-dev') after it was realized");
    error_free(err);
    err = NULL;

    device_cold_reset(dev);
    g_assert_cmpint(t->resets, ==, 1);

    /* Unparenting unrealizes; our reference keeps the object. */
    object_unparent(OBJECT(dev));
    g_assert_false(dev->realized);
    g_assert_cmpint(t->unrealized, ==, 1);
    /* Unrealized, properties are writable again. */
    g_assert_true(object_property_set_uint(OBJECT(dev), "u8", 1,
                                           &error_abort));
    /* The strong link holds the peer until the device goes. */
    object_unparent(OBJECT(peer));
    g_assert_cmpint(OBJECT(peer)->ref, ==, 2);
    object_unref(peer);
    g_assert_cmpint(OBJECT(peer)->ref, ==, 1);
    object_unref(dev);
}

static void test_realize_fails(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_SUBDEV);
    TestSubDev *s = (TestSubDev *)dev;
    Error *err = NULL;

    g_assert_cmpuint(s->extra, ==, 1000);
    /* Inherited properties and defaults. */
    g_assert_cmpuint(TEST_DEV(dev)->u16, ==, 16);
    qdev_prop_set_bit(dev, "fail-realize", true);
    g_assert_false(qdev_realize(dev, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "realize refused");
    error_free(err);
    g_assert_false(dev->realized);
    g_assert_false(s->sub_realized);

    qdev_prop_set_bit(dev, "fail-realize", false);
    g_assert_true(qdev_realize_and_unref(dev, NULL, &error_abort));
    g_assert_true(s->sub_realized);
    /* The tree holds the only reference now. */
    g_assert_cmpint(OBJECT(dev)->ref, ==, 1);
    object_unparent(OBJECT(dev));
}

/* --- vmstate hooks --- */

static int vmsd_registered;
static bool vmsd_refuse;
static int fake_vmsd_storage;
#define FAKE_VMSD ((const VMStateDescription *)&fake_vmsd_storage)

static bool hook_register(DeviceState *dev, const VMStateDescription *vmsd,
                          Error **errp)
{
    g_assert_true(vmsd == FAKE_VMSD);
    if (vmsd_refuse) {
        error_setg(errp, "no room for vmstate");
        return false;
    }
    vmsd_registered++;
    return true;
}

static void hook_unregister(DeviceState *dev,
                            const VMStateDescription *vmsd)
{
    vmsd_registered--;
}

static void test_vmstate_hooks(void)
{
    static const QdevVMStateHooks hooks = {
        .register_vmsd = hook_register,
        .unregister_vmsd = hook_unregister,
    };
    DeviceClass *dc = DEVICE_CLASS(object_class_by_name(TYPE_COMPAT_DEV));
    DeviceState *dev;
    Error *err = NULL;

    qdev_set_vmstate_hooks(&hooks);
    dc->vmsd = FAKE_VMSD;

    dev = qdev_new(TYPE_COMPAT_DEV);
    g_assert_true(qdev_get_vmsd(dev) == FAKE_VMSD);
    qdev_realize(dev, NULL, &error_abort);
    g_assert_cmpint(vmsd_registered, ==, 1);
    qdev_unrealize(dev);
    g_assert_cmpint(vmsd_registered, ==, 0);

    /* A refused registration fails realize and undoes it. */
    vmsd_refuse = true;
    g_assert_false(qdev_realize(dev, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "no room for vmstate");
    error_free(err);
    g_assert_false(dev->realized);
    g_assert_cmpint(TEST_DEV(dev)->realized, ==, 2);
    g_assert_cmpint(TEST_DEV(dev)->unrealized, ==, 2);

    object_unparent(OBJECT(dev));
    object_unref(dev);
    vmsd_refuse = false;
    dc->vmsd = NULL;
    qdev_set_vmstate_hooks(NULL);
}

/* --- global and compat properties --- */

static GlobalProperty *find_global(const char *driver, const char *prop)
{
    const GPtrArray *g = qdev_prop_get_globals();

    for (guint i = 0; i < g->len; i++) {
        GlobalProperty *p = g_ptr_array_index(g, i);

        if (!strcmp(p->driver, driver) && !strcmp(p->property, prop)) {
            return p;
        }
    }
    return NULL;
}

static void test_globals(void)
{
    static GlobalProperty optional = {
        .driver = TYPE_GLOBAL_DEV, .property = "no-such-prop",
        .value = "1", .optional = true,
    };
    GlobalProperty *g_u32, *g_sub;
    DeviceState *dev, *sub, *other;
    Error *err = NULL;

    g_assert_true(qdev_prop_register_global_str("global-dev.u32=77",
                                                &error_abort));
    g_assert_true(qdev_prop_register_global_str(
                      "driver=global-subdev,property=str,value=a,b=c",
                      &error_abort));
    qdev_prop_register_global(&optional);
    g_u32 = find_global(TYPE_GLOBAL_DEV, "u32");
    g_sub = find_global(TYPE_GLOBAL_SUBDEV, "str");
    g_assert_nonnull(g_u32);
    g_assert_nonnull(g_sub);
    g_assert_cmpstr(g_sub->value, ==, "a,b=c");
    g_assert_false(g_u32->used);

    g_assert_false(qdev_prop_register_global_str("global-dev", &err));
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "Invalid -global format"));
    error_free(err);
    err = NULL;
    g_assert_false(qdev_prop_register_global_str(".u8=1", &err));
    error_free_or_abort(&err);
    g_assert_false(qdev_prop_register_global_str("driver=x,bogus=1", &err));
    error_free_or_abort(&err);

    /* The driver's type and its subtypes get it, others do not. */
    other = qdev_new(TYPE_TEST_DEV);
    g_assert_cmpuint(TEST_DEV(other)->u32, ==, 32);
    g_assert_false(g_u32->used);
    dev = qdev_new(TYPE_GLOBAL_DEV);
    g_assert_cmpuint(TEST_DEV(dev)->u32, ==, 77);
    g_assert_null(TEST_DEV(dev)->str);
    g_assert_true(g_u32->used);
    g_assert_false(g_sub->used);
    g_assert_false(optional.used);
    sub = qdev_new(TYPE_GLOBAL_SUBDEV);
    g_assert_cmpuint(TEST_DEV(sub)->u32, ==, 77);
    g_assert_cmpstr(TEST_DEV(sub)->str, ==, "a,b=c");
    g_assert_true(g_sub->used);
    /* A user may still override a global before realize. */
    qdev_prop_set_uint32(sub, "u32", 5);
    g_assert_cmpuint(TEST_DEV(sub)->u32, ==, 5);

    object_unref(other);
    object_unref(dev);
    object_unref(sub);
}

static void test_globals_check(void)
{
    if (g_test_subprocess()) {
        g_assert_true(qdev_prop_register_global_str("no-such-dev.x=1",
                                                    &error_abort));
        g_assert_cmpint(qdev_prop_check_globals(), ==, 1);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*global no-such-dev.x has invalid class "
                              "name*");
}

static void test_globals_bad_value_is_fatal(void)
{
    if (g_test_subprocess()) {
        qdev_prop_register_global_str("compat-dev.u8=lots", &error_abort);
        qdev_new(TYPE_COMPAT_DEV);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*can't apply global compat-dev.u8=lots*");
}

static void test_compat_props(void)
{
    static GlobalProperty compat[] = {
        { TYPE_COMPAT_DEV, "u16", "5" },
        { TYPE_COMPAT_DEV, "b", "off" },
        { TYPE_TEST_DEV, "i32", "7" },
    };
    static GlobalProperty user = { TYPE_COMPAT_DEV, "u16", "6" };
    GPtrArray *arr = g_ptr_array_new();
    DeviceState *dev;

    for (size_t i = 0; i < ARRAY_SIZE(compat); i++) {
        g_ptr_array_add(arr, &compat[i]);
    }
    object_set_machine_compat_props(arr);

    dev = qdev_new(TYPE_COMPAT_DEV);
    g_assert_cmpuint(TEST_DEV(dev)->u16, ==, 5);
    g_assert_false(TEST_DEV(dev)->b);
    g_assert_cmpint(TEST_DEV(dev)->i32, ==, 7);
    object_unref(dev);

    /* -global is applied after compat, so the user wins. */
    qdev_prop_register_global(&user);
    dev = qdev_new(TYPE_COMPAT_DEV);
    g_assert_cmpuint(TEST_DEV(dev)->u16, ==, 6);
    g_assert_false(TEST_DEV(dev)->b);
    object_unref(dev);

    object_set_machine_compat_props(NULL);
    g_ptr_array_free(arr, true);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);

    g_test_add_func("/qdev/props/defaults", test_defaults);
    g_test_add_func("/qdev/props/kinds", test_prop_kinds);
    g_test_add_func("/qdev/realize", test_realize);
    g_test_add_func("/qdev/realize-fails", test_realize_fails);
    g_test_add_func("/qdev/vmstate-hooks", test_vmstate_hooks);
    g_test_add_func("/qdev/globals/apply", test_globals);
    g_test_add_func("/qdev/globals/check", test_globals_check);
    g_test_add_func("/qdev/globals/bad-value-is-fatal",
                    test_globals_bad_value_is_fatal);
    g_test_add_func("/qdev/compat-props", test_compat_props);

    return g_test_run();
}

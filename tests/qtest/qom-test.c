/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM over QMP: walk the whole composition tree from "/" with qom-list
 * (through child<> properties) and qom-get every property, on the none
 * and tern machines; the standard containers; qom-set round trips;
 * object-add/object-del; qom-list-types and qom-list-properties; and
 * the device commands (device-list-properties, device_add, device_del
 * and DEVICE_DELETED) on the hot-pluggable loader and on devices that
 * cannot be hot-plugged.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "qapi/error.h"
#include "qobject/qbool.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

static char *to_json(QObject *obj)
{
    g_autoptr(GString) json = qobject_to_json(obj);

    return g_strdup(json->str);
}

/* The "return" of @rsp (a new reference); fails on an error reply. */
static QObject *ret_of(QDict *rsp)
{
    QObject *ret = qdict_get(rsp, "return");

    if (!ret) {
        g_autofree char *json = to_json(QOBJECT(rsp));

        g_error("expected success, got %s", json);
    }
    qobject_ref(ret);
    qobject_unref(rsp);
    return ret;
}

/* Check that @rsp is an error of @klass containing @desc; frees @rsp. */
static void assert_error(QDict *rsp, const char *klass, const char *desc)
{
    QDict *err = qdict_get_qdict(rsp, "error");

    if (!err) {
        g_autofree char *json = to_json(QOBJECT(rsp));

        g_error("expected an error, got %s", json);
    }
    g_test_message("error: %s", qdict_get_str(err, "desc"));
    g_assert_cmpstr(qdict_get_str(err, "class"), ==, klass);
    if (desc && !strstr(qdict_get_str(err, "desc"), desc)) {
        g_error("error '%s' lacks '%s'", qdict_get_str(err, "desc"), desc);
    }
    qobject_unref(rsp);
}

/* ------------------------------------------------------------------ */
/* The walk                                                           */

typedef struct Walk {
    QTestState *qts;
    int objects;
    int props;
    GPtrArray *failures;        /* "path property: error" */
} Walk;

static QList *qom_list(QTestState *qts, const char *path)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'qom-list',"
                           " 'arguments': {'path': %s}}", path);

    return qobject_to(QList, ret_of(rsp));
}

static void walk(Walk *w, const char *path)
{
    g_autoptr(QList) props = qom_list(w->qts, path);
    QListEntry *e;

    w->objects++;
    QLIST_FOREACH_ENTRY(props, e) {
        QDict *p = qobject_to(QDict, qlist_entry_obj(e));
        const char *name = qdict_get_str(p, "name");
        const char *type = qdict_get_str(p, "type");
        g_autofree char *child = g_strdup_printf("%s/%s",
                                                 strcmp(path, "/") ? path
                                                                   : "",
                                                 name);
        QDict *rsp;

        w->props++;
        rsp = qtest_qmp(w->qts, "{'execute': 'qom-get', 'arguments':"
                        " {'path': %s, 'property': %s}}", path, name);
        if (qdict_haskey(rsp, "error")) {
            g_ptr_array_add(w->failures, g_strdup_printf(
                "%s %s (%s): %s", path, name, type,
                qdict_get_str(qdict_get_qdict(rsp, "error"), "desc")));
        } else if (g_str_has_prefix(type, "child<")) {
            /* A child reads as its own canonical path. */
            g_assert_cmpstr(qdict_get_str(rsp, "return"), ==, child);
        } else if (g_str_has_prefix(type, "link<")) {
            const char *target = qdict_get_str(rsp, "return");

            /* "" for an unset link, else an absolute path. */
            g_assert_true(!*target || target[0] == '/');
        }
        qobject_unref(rsp);
        if (g_str_has_prefix(type, "child<")) {
            walk(w, child);
        }
    }
}

/*
 * Properties whose getter may refuse: none so far.  Tern's write-only
 * properties are simply not readable (no getter), and qom-get reports
 * that as "Property 'X' is not readable"; those are listed in the log.
 */
static bool failure_allowed(const char *failure)
{
    return strstr(failure, "is not readable") != NULL;
}

static void walk_machine(const char *args)
{
    QTestState *qts = qtest_init(args);
    Walk w = { .qts = qts, .failures = g_ptr_array_new_with_free_func(g_free) };
    int bad = 0;

    walk(&w, "/");
    g_test_message("%s: %d objects, %d properties, %u qom-get errors",
                   args, w.objects, w.props, w.failures->len);
    for (guint i = 0; i < w.failures->len; i++) {
        const char *f = g_ptr_array_index(w.failures, i);

        g_test_message("  qom-get failed: %s", f);
        bad += !failure_allowed(f);
    }
    g_assert_cmpint(bad, ==, 0);
    /* A real tree: the root, /machine, its containers, /objects... */
    g_assert_cmpint(w.objects, >=, 5);
    /* And the process is still fine after all that. */
    qtest_qmp_assert_success(qts, "{'execute': 'query-status'}");
    g_ptr_array_free(w.failures, true);
    qtest_quit(qts);
}

static void test_walk_none(void)
{
    walk_machine("-M none -m 64M");
}

static void test_walk_tern(void)
{
    walk_machine("-M tern -m 64M -serial null -device loader,id=ld,"
                 "data=0x11,data-len=1,addr=0x1000");
}

/* ------------------------------------------------------------------ */
/* Containers                                                         */

static bool list_has(QList *list, const char *name, const char *type)
{
    QListEntry *e;

    QLIST_FOREACH_ENTRY(list, e) {
        QDict *p = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(p, "name"), name)) {
            return !type || !strcmp(qdict_get_str(p, "type"), type);
        }
    }
    return false;
}

static void test_containers(void)
{
    QTestState *qts = qtest_init("-M none -m 64M "
                                 "-object memory-backend-ram,id=mem0,"
                                 "size=1M -device loader,id=ld0,"
                                 "data=1,data-len=1,addr=0");
    g_autoptr(QList) root = qom_list(qts, "/");
    g_autoptr(QList) machine = qom_list(qts, "/machine");
    g_autoptr(QList) objects = qom_list(qts, "/objects");
    g_autoptr(QList) periph = qom_list(qts, "/machine/peripheral");
    g_autoptr(QList) unatt = qom_list(qts, "/machine/unattached");
    QDict *rsp;

    g_assert_true(list_has(root, "machine", "child<none-machine>"));
    g_assert_true(list_has(root, "objects", "child<container>"));
    g_assert_true(list_has(machine, "peripheral", "child<container>"));
    g_assert_true(list_has(machine, "unattached", "child<container>"));
    g_assert_true(list_has(objects, "mem0", "child<memory-backend-ram>"));
    /* -M none's RAM is a backend named "ram" under /objects too. */
    g_assert_true(list_has(objects, "ram", "child<memory-backend-ram>"));
    g_assert_true(list_has(periph, "ld0", "child<loader>"));
    g_assert_nonnull(unatt);

    /* Partial paths resolve when unique. */
    rsp = qtest_qmp(qts, "{'execute': 'qom-get', 'arguments':"
                    " {'path': 'ld0', 'property': 'type'}}");
    g_assert_cmpstr(qdict_get_str(rsp, "return"), ==, "loader");
    qobject_unref(rsp);
    assert_error(qtest_qmp(qts, "{'execute': 'qom-list', 'arguments':"
                           " {'path': '/no/such/path'}}"),
                 "DeviceNotFound", "/no/such/path");
    assert_error(qtest_qmp(qts, "{'execute': 'qom-get', 'arguments':"
                           " {'path': '/machine', 'property': 'nope'}}"),
                 "GenericError", "nope");
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */
/* qom-set                                                            */

static QObject *qom_get(QTestState *qts, const char *path, const char *prop)
{
    return ret_of(qtest_qmp(qts, "{'execute': 'qom-get', 'arguments':"
                            " {'path': %s, 'property': %s}}", path, prop));
}

static void test_qom_set(void)
{
    QTestState *qts = qtest_init("-M none -m 64M -S "
                                 "-object memory-backend-ram,id=m0,"
                                 "size=1M -device loader,id=ld0,"
                                 "data=1,data-len=1,addr=0");
    g_autoptr(QObject) v = NULL;
    g_autoptr(QObject) b = NULL;
    g_autoptr(QObject) s = NULL;

    /* A bool on the machine (not fixed once running). */
    qtest_qmp_assert_success(qts, "{'execute': 'qom-set', 'arguments':"
                             " {'path': '/machine', 'property': 'mem-merge',"
                             " 'value': false}}");
    b = qom_get(qts, "/machine", "mem-merge");
    g_assert_false(qbool_get_bool(qobject_to(QBool, b)));
    qobject_unref(b);
    qtest_qmp_assert_success(qts, "{'execute': 'qom-set', 'arguments':"
                             " {'path': '/machine', 'property': 'mem-merge',"
                             " 'value': true}}");
    b = qom_get(qts, "/machine", "mem-merge");
    g_assert_true(qbool_get_bool(qobject_to(QBool, b)));

    /* A string: the machine's firmware name. */
    qtest_qmp_assert_success(qts, "{'execute': 'qom-set', 'arguments':"
                             " {'path': '/machine', 'property': 'firmware',"
                             " 'value': 'fw.bin'}}");
    s = qom_get(qts, "/machine", "firmware");
    g_assert_cmpstr(qstring_get_str(qobject_to(QString, s)), ==, "fw.bin");

    /* Wrong value types are refused, and the value is kept. */
    assert_error(qtest_qmp(qts, "{'execute': 'qom-set', 'arguments':"
                           " {'path': '/machine', 'property': 'mem-merge',"
                           " 'value': 'maybe'}}"), "GenericError", NULL);
    v = qom_get(qts, "/machine", "mem-merge");
    g_assert_true(qbool_get_bool(qobject_to(QBool, v)));

    /* A realized device's static property is fixed. */
    assert_error(qtest_qmp(qts, "{'execute': 'qom-set', 'arguments':"
                           " {'path': '/machine/peripheral/ld0',"
                           " 'property': 'addr', 'value': 4096}}"),
                 "GenericError", "after it was realized");
    /* Read-only properties refuse writes. */
    assert_error(qtest_qmp(qts, "{'execute': 'qom-set', 'arguments':"
                           " {'path': '/machine/peripheral/ld0',"
                           " 'property': 'hotplugged', 'value': true}}"),
                 "GenericError", NULL);
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */
/* object-add / object-del                                            */

static void test_object_add_del(void)
{
    QTestState *qts = qtest_init("-M none -m 64M");
    g_autoptr(QObject) size = NULL;
    g_autoptr(QList) objects = NULL;

    qtest_qmp_assert_success(qts, "{'execute': 'object-add', 'arguments':"
                             " {'qom-type': 'memory-backend-ram',"
                             " 'id': 'hot0', 'size': 2097152}}");
    size = qom_get(qts, "/objects/hot0", "size");
    g_assert_cmpuint(qnum_get_uint(qobject_to(QNum, size)), ==, 2 * MiB);
    /* The same id again is refused. */
    assert_error(qtest_qmp(qts, "{'execute': 'object-add', 'arguments':"
                           " {'qom-type': 'memory-backend-ram',"
                           " 'id': 'hot0', 'size': 1048576}}"),
                 "GenericError", "hot0");
    /* A type that does not exist, and a bad property value. */
    assert_error(qtest_qmp(qts, "{'execute': 'object-add', 'arguments':"
                           " {'qom-type': 'no-such-type', 'id': 'x'}}"),
                 "GenericError", NULL);
    assert_error(qtest_qmp(qts, "{'execute': 'object-add', 'arguments':"
                           " {'qom-type': 'memory-backend-ram',"
                           " 'id': 'x', 'size': 'big'}}"),
                 "GenericError", NULL);
    assert_error(qtest_qmp(qts, "{'execute': 'object-add', 'arguments':"
                           " {'qom-type': 'memory-backend-ram',"
                           " 'id': '1x', 'size': 1048576}}"),
                 "GenericError", "id");
    qtest_qmp_assert_success(qts, "{'execute': 'object-del', 'arguments':"
                             " {'id': 'hot0'}}");
    objects = qom_list(qts, "/objects");
    g_assert_false(list_has(objects, "hot0", NULL));
    g_assert_false(list_has(objects, "x", NULL));
    assert_error(qtest_qmp(qts, "{'execute': 'object-del', 'arguments':"
                           " {'id': 'hot0'}}"), "GenericError", "hot0");
    /* Main RAM is in use: it cannot go. */
    assert_error(qtest_qmp(qts, "{'execute': 'object-del', 'arguments':"
                           " {'id': 'ram'}}"), "GenericError", NULL);
    /* The id is free again. */
    qtest_qmp_assert_success(qts, "{'execute': 'object-add', 'arguments':"
                             " {'qom-type': 'memory-backend-ram',"
                             " 'id': 'hot0', 'size': 1048576}}");
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */
/* Types and their properties                                         */

static QList *list_types(QTestState *qts, const char *args)
{
    return qobject_to(QList, ret_of(qtest_qmp(qts,
        "{'execute': 'qom-list-types', 'arguments': %p}",
        qobject_from_json(args, &error_abort))));
}

static const char *type_field(QList *list, const char *name,
                              const char *field)
{
    QListEntry *e;

    QLIST_FOREACH_ENTRY(list, e) {
        QDict *t = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(t, "name"), name)) {
            return field ? qdict_get_try_str(t, field) : name;
        }
    }
    return NULL;
}

static void test_list_types(void)
{
    QTestState *qts = qtest_init("-M none");
    g_autoptr(QList) all = list_types(qts, "{}");
    g_autoptr(QList) abs = list_types(qts, "{'abstract': true}");
    g_autoptr(QList) devs = list_types(qts, "{'implements': 'device'}");
    g_autoptr(QList) uc = list_types(qts, "{'implements':"
                                     " 'user-creatable'}");
    g_autoptr(QList) none = list_types(qts, "{'implements': 'no-such'}");
    QListEntry *e;

    /* Without abstract=true the abstract types are left out. */
    g_assert_nonnull(type_field(all, "loader", NULL));
    g_assert_null(type_field(all, "device", NULL));
    g_assert_nonnull(type_field(abs, "device", NULL));
    g_assert_cmpstr(type_field(all, "loader", "parent"), ==, "device");
    /* implements= filters: devices, and user-creatable objects. */
    g_assert_nonnull(type_field(devs, "isa-serial", NULL));
    g_assert_null(type_field(devs, "memory-backend-ram", NULL));
    g_assert_nonnull(type_field(uc, "memory-backend-ram", NULL));
    g_assert_null(type_field(uc, "loader", NULL));
    QLIST_FOREACH_ENTRY(devs, e) {
        QDict *t = qobject_to(QDict, qlist_entry_obj(e));

        g_assert_false(qdict_get_try_bool(t, "abstract", false));
    }
    g_assert_true(qlist_empty(none));
    qtest_quit(qts);
}

static QList *props_of(QTestState *qts, const char *cmd, const char *type)
{
    return qobject_to(QList, ret_of(qtest_qmp(qts,
        "{'execute': %s, 'arguments': {'typename': %s}}", cmd, type)));
}

static void test_list_properties(void)
{
    QTestState *qts = qtest_init("-M none");
    g_autoptr(QList) ser = props_of(qts, "qom-list-properties",
                                    "isa-serial");
    g_autoptr(QList) mem = props_of(qts, "qom-list-properties",
                                    "memory-backend-ram");
    g_autoptr(QList) ld = props_of(qts, "device-list-properties", "loader");
    g_autoptr(QList) absdev = props_of(qts, "qom-list-properties", "device");

    g_assert_true(list_has(ser, "iobase", "uint32"));
    g_assert_true(list_has(ser, "chardev", NULL));
    g_assert_true(list_has(mem, "size", "int"));
    g_assert_true(list_has(mem, "share", "bool"));
    g_assert_true(list_has(ld, "addr", "uint64"));
    g_assert_true(list_has(ld, "file", "str"));
    /* What every device has is left out, as QEMU does. */
    g_assert_false(list_has(ld, "realized", NULL));
    g_assert_false(list_has(ld, "hotpluggable", NULL));
    g_assert_nonnull(absdev);

    assert_error(qtest_qmp(qts, "{'execute': 'qom-list-properties',"
                           " 'arguments': {'typename': 'no-such'}}"),
                 "GenericError", "no-such");
    assert_error(qtest_qmp(qts, "{'execute': 'device-list-properties',"
                           " 'arguments': {'typename': 'no-such'}}"),
                 "DeviceNotFound", "Device 'no-such' not found");
    assert_error(qtest_qmp(qts, "{'execute': 'device-list-properties',"
                           " 'arguments': {'typename': 'device'}}"),
                 "GenericError", "a non-abstract device type");
    assert_error(qtest_qmp(qts, "{'execute': 'device-list-properties',"
                           " 'arguments': {'typename':"
                           " 'memory-backend-ram'}}"),
                 "GenericError", "a non-abstract device type");
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */
/* device_add / device_del                                            */

static void test_device_hotplug(void)
{
    QTestState *qts = qtest_init("-M none -m 64M");
    g_autoptr(QObject) hp = NULL;
    g_autoptr(QList) periph = NULL;
    QDict *ev;

    /* The loader can be hot-plugged (as in QEMU): it writes at once. */
    qtest_qmp_assert_success(qts, "{'execute': 'device_add', 'arguments':"
                             " {'driver': 'loader', 'id': 'ld1',"
                             " 'data': 305419896, 'data-len': 4,"
                             " 'addr': 4096}}");
    g_assert_cmphex(qtest_readl(qts, 0x1000), ==, 0x12345678);
    hp = qom_get(qts, "/machine/peripheral/ld1", "hotplugged");
    g_assert_true(qbool_get_bool(qobject_to(QBool, hp)));
    /* Values may also be strings, as QEMU's device_add takes them. */
    qtest_qmp_assert_success(qts, "{'execute': 'device_add', 'arguments':"
                             " {'driver': 'loader', 'id': 'ld2',"
                             " 'data': '0xab', 'data-len': '1',"
                             " 'addr': '0x2000'}}");
    g_assert_cmphex(qtest_readb(qts, 0x2000), ==, 0xab);
    /* Without an id it goes to peripheral-anon. */
    qtest_qmp_assert_success(qts, "{'execute': 'device_add', 'arguments':"
                             " {'driver': 'loader', 'data': 1,"
                             " 'data-len': 1, 'addr': 12288}}");

    /* Refusals. */
    assert_error(qtest_qmp(qts, "{'execute': 'device_add', 'arguments':"
                           " {'driver': 'loader', 'id': 'ld1', 'data': 1,"
                           " 'data-len': 1}}"),
                 "GenericError", "Duplicate device ID 'ld1'");
    assert_error(qtest_qmp(qts, "{'execute': 'device_add', 'arguments':"
                           " {'driver': 'isa-serial', 'id': 's1'}}"),
                 "GenericError",
                 "Device 'isa-serial' does not support hotplugging");
    assert_error(qtest_qmp(qts, "{'execute': 'device_add', 'arguments':"
                           " {'driver': 'isa-debugcon'}}"),
                 "GenericError",
                 "Device 'isa-debugcon' does not support hotplugging");
    assert_error(qtest_qmp(qts, "{'execute': 'device_add', 'arguments':"
                           " {'driver': 'no-such-device'}}"),
                 "GenericError", "no-such-device");
    assert_error(qtest_qmp(qts, "{'execute': 'device_add', 'arguments':"
                           " {'driver': 'loader', 'id': 'ld9',"
                           " 'no-such-prop': 1}}"),
                 "GenericError", "no-such-prop");
    assert_error(qtest_qmp(qts, "{'execute': 'device_add', 'arguments':"
                           " {'driver': 'loader', 'bus': 'isa.0'}}"),
                 "GenericError", "isa.0");
    assert_error(qtest_qmp(qts, "{'execute': 'device_add', 'arguments':"
                           " {'id': 'x'}}"),
                 "GenericError", "driver");
    assert_error(qtest_qmp(qts, "{'execute': 'device_add', 'arguments':"
                           " {'driver': 42}}"),
                 "GenericError", "driver");
    /* A failed realize leaves nothing behind. */
    assert_error(qtest_qmp(qts, "{'execute': 'device_add', 'arguments':"
                           " {'driver': 'loader', 'id': 'ld9'}}"),
                 "GenericError", "loader");
    periph = qom_list(qts, "/machine/peripheral");
    g_assert_true(list_has(periph, "ld1", "child<loader>"));
    g_assert_false(list_has(periph, "ld9", NULL));
    g_assert_false(list_has(periph, "s1", NULL));

    /* device_del: synchronous, with DEVICE_DELETED. */
    qtest_qmp_assert_success(qts, "{'execute': 'device_del', 'arguments':"
                             " {'id': 'ld1'}}");
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "device"),
                    ==, "ld1");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "path"),
                    ==, "/machine/peripheral/ld1");
    qobject_unref(ev);
    /* By QOM path. */
    qtest_qmp_assert_success(qts, "{'execute': 'device_del', 'arguments':"
                             " {'id': '/machine/peripheral/ld2'}}");
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "path"),
                    ==, "/machine/peripheral/ld2");
    qobject_unref(ev);
    assert_error(qtest_qmp(qts, "{'execute': 'device_del', 'arguments':"
                           " {'id': 'ld1'}}"),
                 "DeviceNotFound", "Device 'ld1' not found");
    assert_error(qtest_qmp(qts, "{'execute': 'device_del', 'arguments':"
                           " {'id': '/machine'}}"),
                 "GenericError", "not a hotpluggable device");
    /* The id can be used again. */
    qtest_qmp_assert_success(qts, "{'execute': 'device_add', 'arguments':"
                             " {'driver': 'loader', 'id': 'ld1', 'data': 2,"
                             " 'data-len': 1, 'addr': 0}}");
    qtest_quit(qts);
}

/* Devices from -device: non-hotpluggable ones cannot be unplugged. */
static void test_device_del_coldplugged(void)
{
    QTestState *qts = qtest_init("-M tern -m 64M -serial null "
                                 "-device isa-debugcon,id=dbg,iobase=0x402"
                                 " -device loader,id=ld,data=1,data-len=1,"
                                 "addr=0");
    QDict *ev;

    assert_error(qtest_qmp(qts, "{'execute': 'device_del', 'arguments':"
                           " {'id': 'dbg'}}"),
                 "GenericError",
                 "Device 'isa-debugcon' does not support hotplugging");
    qtest_qmp_assert_success(qts, "{'execute': 'device_del', 'arguments':"
                             " {'id': 'ld'}}");
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "device"),
                    ==, "ld");
    qobject_unref(ev);
    /* The -device id is free for device_add. */
    qtest_qmp_assert_success(qts, "{'execute': 'device_add', 'arguments':"
                             " {'driver': 'loader', 'id': 'ld', 'data': 1,"
                             " 'data-len': 1, 'addr': 0}}");
    qtest_quit(qts);
}

/*
 * A bad -global stops start-up for -device, but only warns for a
 * hot-plugged device (as QEMU): device_add must not kill the VM.
 */
static void test_device_add_bad_global(void)
{
    QTestState *qts = qtest_init("-M none -m 64M "
                                 "-global loader.data-be=maybe");
    g_autoptr(QObject) be = NULL;

    qtest_qmp_assert_success(qts, "{'execute': 'device_add', 'arguments':"
                             " {'driver': 'loader', 'id': 'g1', 'data': 1,"
                             " 'data-len': 1, 'addr': 0}}");
    be = qom_get(qts, "/machine/peripheral/g1", "data-be");
    g_assert_false(qbool_get_bool(qobject_to(QBool, be)));
    qtest_qmp_assert_success(qts, "{'execute': 'query-status'}");
    qtest_quit(qts);
}

static void test_device_hmp(void)
{
    QTestState *qts = qtest_init("-M none -m 64M");
    g_autofree char *out1 = NULL, *out2 = NULL, *out3 = NULL;
    g_autofree char *out4 = NULL, *out5 = NULL, *out6 = NULL;
    QDict *ev;

    out1 = qtest_hmp(qts, "device_add loader,id=h1,data=0x5a,data-len=1,"
                     "addr=0x3000");
    g_assert_cmpstr(out1, ==, "");
    g_assert_cmphex(qtest_readb(qts, 0x3000), ==, 0x5a);
    out2 = qtest_hmp(qts, "device_add isa-serial");
    g_assert_nonnull(strstr(out2, "does not support hotplugging"));
    out3 = qtest_hmp(qts, "device_add help");
    g_assert_nonnull(strstr(out3, "name \"loader\""));
    out4 = qtest_hmp(qts, "device_add loader,help");
    g_assert_nonnull(strstr(out4, "addr=<uint64>"));
    out5 = qtest_hmp(qts, "device_del h1");
    g_assert_cmpstr(out5, ==, "");
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    qobject_unref(ev);
    out6 = qtest_hmp(qts, "device_del h1");
    g_assert_nonnull(strstr(out6, "Device 'h1' not found"));
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/qom/walk/none", test_walk_none);
    qtest_add_func("/qom/walk/tern", test_walk_tern);
    qtest_add_func("/qom/containers", test_containers);
    qtest_add_func("/qom/qom-set", test_qom_set);
    qtest_add_func("/qom/object-add-del", test_object_add_del);
    qtest_add_func("/qom/list-types", test_list_types);
    qtest_add_func("/qom/list-properties", test_list_properties);
    qtest_add_func("/qdev/device-add-del", test_device_hotplug);
    qtest_add_func("/qdev/device-del-coldplugged",
                   test_device_del_coldplugged);
    qtest_add_func("/qdev/hmp", test_device_hmp);
    qtest_add_func("/qdev/device-add-bad-global",
                   test_device_add_bad_global);
    return g_test_run();
}

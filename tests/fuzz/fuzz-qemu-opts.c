/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the command-line option parsers:
 * - qemu_opts_parse() / qemu_opts_parse_noisily() over option lists of
 *   the shapes vl.c uses: merged with an implied name (-m), typed with
 *   an implied name (-incoming style), typed without one, and one that
 *   accepts anything (later checked with qemu_opts_validate());
 * - qdev_prop_register_global_str(), the -global parser;
 * - user_creatable_add_opts_str(), the -object parser, creating an
 *   object of a user-creatable type of ours (its properties only store
 *   values, its complete() can refuse) which is deleted again.
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * failure always comes with an Error; accepted options read back through
 * the typed getters and qemu_opts_to_qdict() / qemu_opts_from_qdict()
 * give the same values; a -global entry has a non-empty driver and
 * property; a created object is at /objects/ID.
 *
 * The first byte picks the parser; the rest is the option string.
 * Seeds: tests/fuzz/corpus/fuzz-qemu-opts.
 */
#include "qemu/osdep.h"
#include "hw/qdev-properties.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/error-report.h"
#include "qemu/module.h"
#include "qemu/option.h"
#include "qobject/qdict.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ------------------------------------------------------ option lists */

static QemuOptsList list_merged = {
    .name = "memory",
    .implied_opt_name = "size",
    .merge_lists = true,
    .head = QTAILQ_HEAD_INITIALIZER(list_merged.head),
    .desc = {
        { .name = "size", .type = QEMU_OPT_SIZE },
        { .name = "slots", .type = QEMU_OPT_NUMBER },
        { .name = "maxmem", .type = QEMU_OPT_SIZE, .def_value_str = "0" },
        { /* end */ }
    },
};

static QemuOptsList list_implied = {
    .name = "incoming",
    .implied_opt_name = "uri",
    .head = QTAILQ_HEAD_INITIALIZER(list_implied.head),
    .desc = {
        { .name = "uri", .type = QEMU_OPT_STRING },
        { .name = "exit-on-error", .type = QEMU_OPT_BOOL,
          .def_value_str = "on" },
        { .name = "channels", .type = QEMU_OPT_NUMBER },
        { /* end */ }
    },
};

static QemuOptsList list_typed = {
    .name = "machine",
    .head = QTAILQ_HEAD_INITIALIZER(list_typed.head),
    .desc = {
        { .name = "type", .type = QEMU_OPT_STRING },
        { .name = "accel", .type = QEMU_OPT_STRING },
        { .name = "kernel-irqchip", .type = QEMU_OPT_BOOL },
        { .name = "dump-guest-core", .type = QEMU_OPT_BOOL,
          .def_value_str = "off" },
        { .name = "memory-size", .type = QEMU_OPT_SIZE },
        { .name = "dirty-ring-size", .type = QEMU_OPT_NUMBER },
        { /* end */ }
    },
};

static QemuOptsList list_any = {
    .name = "chardev",
    .implied_opt_name = "backend",
    .head = QTAILQ_HEAD_INITIALIZER(list_any.head),
    .desc = {
        { /* end: accepts anything */ }
    },
};

static const QemuOptDesc any_desc[] = {
    { .name = "backend", .type = QEMU_OPT_STRING },
    { .name = "path", .type = QEMU_OPT_STRING },
    { .name = "server", .type = QEMU_OPT_BOOL },
    { .name = "port", .type = QEMU_OPT_NUMBER },
    { .name = "logfile", .type = QEMU_OPT_STRING },
    { /* end */ }
};

static QemuOptsList *const lists[] = {
    &list_merged, &list_implied, &list_typed, &list_any,
};

/* Read every described option through its typed getter. */
static void read_typed(QemuOpts *opts, const QemuOptDesc *desc)
{
    for (; desc->name; desc++) {
        switch (desc->type) {
        case QEMU_OPT_BOOL:
            qemu_opt_get_bool(opts, desc->name, false);
            break;
        case QEMU_OPT_NUMBER:
            qemu_opt_get_number(opts, desc->name, 0);
            break;
        case QEMU_OPT_SIZE:
            qemu_opt_get_size(opts, desc->name, 0);
            break;
        default:
            qemu_opt_get(opts, desc->name);
            break;
        }
    }
}

/* error_report() output, counted and dropped. */
static size_t reported;

static int count_report(const char *fmt, va_list ap)
{
    g_autofree char *text = g_strdup_vprintf(fmt, ap);

    reported += strlen(text);
    return strlen(text);
}

static void fuzz_opts(QemuOptsList *list, const char *str, bool noisily)
{
    Error *err = NULL;
    QemuOpts *opts;

    if (noisily) {
        reported = 0;
        opts = qemu_opts_parse_noisily(list, str, true);
        /* A failure says why (help goes to stdout instead). */
        assert(opts || reported || has_help_option(str));
    } else {
        opts = qemu_opts_parse(list, str, true, &err);
        assert(!opts != !err);
        error_free(err);
        err = NULL;
    }
    if (opts) {
        g_autoptr(QDict) dict = qemu_opts_to_qdict(opts, NULL);
        const QDictEntry *e;

        if (list == &list_any) {
            if (qemu_opts_validate(opts, any_desc, &err)) {
                read_typed(opts, any_desc);
            } else {
                assert(err);
                error_free(err);
                err = NULL;
            }
        } else {
            read_typed(opts, list->desc);
        }
        for (e = qdict_first(dict); e; e = qdict_next(dict, e)) {
            const char *key = qdict_entry_key(e);

            /* The dict holds the last value given for each name. */
            if (strcmp(key, "id")) {
                g_autofree char *last = NULL;
                QemuOptsIter it;
                const char *v;

                qemu_opt_iter_init(&it, opts, key);
                while ((v = qemu_opt_iter_next(&it))) {
                    g_free(last);
                    last = g_strdup(v);
                }
                assert(last && !strcmp(last, qdict_get_str(dict, key)));
            }
        }
        qemu_opts_del(opts);

        /* Back from the dict, into a list with nothing else in it. */
        qemu_opts_reset(list);
        opts = qemu_opts_from_qdict(list, dict, &err);
        if (opts) {
            qemu_opts_del(opts);
        } else {
            /* Only a value that qemu_opts_parse() took may... not fail. */
            fuzz_fail("qemu_opts_from_qdict refused what parsing gave: %s",
                    error_get_pretty(err));
        }
    }
    qemu_opts_reset(list);
}

/* ----------------------------------------------------------- -global */

static void fuzz_global(const char *str)
{
    GPtrArray *globals = (GPtrArray *)qdev_prop_get_globals();
    Error *err = NULL;
    guint before = globals->len;
    bool ok = qdev_prop_register_global_str(str, &err);

    assert(ok == !err);
    if (ok) {
        GlobalProperty *g;

        assert(globals->len == before + 1);
        g = g_ptr_array_index(globals, before);
        assert(g->driver && *g->driver && g->property && *g->property);
        assert(g->value);
        /* The list has no remove function: take ours back. */
        g_ptr_array_remove_index(globals, before);
        g_free((char *)g->driver);
        g_free((char *)g->property);
        g_free((char *)g->value);
        g_free(g);
    } else {
        assert(globals->len == before);
        error_free(err);
    }
}

/* ----------------------------------------------------------- -object */

#define TYPE_FUZZ_OBJECT "fuzz-object"

typedef struct FuzzObject {
    Object parent_obj;
    uint64_t size;
    uint32_t count;
    bool flag;
    bool refuse;
    char *name;
} FuzzObject;

#define FUZZ_OBJECT(obj) OBJECT_CHECK(FuzzObject, (obj), TYPE_FUZZ_OBJECT)

static void fuzz_object_set_size(Object *obj, Visitor *v, const char *name,
                                 void *opaque, Error **errp)
{
    visit_type_size(v, name, &FUZZ_OBJECT(obj)->size, errp);
}

static void fuzz_object_set_count(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    visit_type_uint32(v, name, &FUZZ_OBJECT(obj)->count, errp);
}

static void fuzz_object_set_flag(Object *obj, Visitor *v, const char *name,
                                 void *opaque, Error **errp)
{
    visit_type_bool(v, name, opaque ? &FUZZ_OBJECT(obj)->refuse
                                    : &FUZZ_OBJECT(obj)->flag, errp);
}

static void fuzz_object_set_name(Object *obj, Visitor *v, const char *name,
                                 void *opaque, Error **errp)
{
    FuzzObject *fo = FUZZ_OBJECT(obj);
    char *value;

    if (visit_type_str(v, name, &value, errp)) {
        g_free(fo->name);
        fo->name = value;
    }
}

static void fuzz_object_complete(UserCreatable *uc, Error **errp)
{
    if (FUZZ_OBJECT(uc)->refuse) {
        error_setg(errp, "refused as asked");
    }
}

static void fuzz_object_finalize(Object *obj)
{
    g_free(FUZZ_OBJECT(obj)->name);
}

static void fuzz_object_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = fuzz_object_complete;
    object_class_property_add(oc, "size", "size", NULL,
                              fuzz_object_set_size, NULL, NULL);
    object_class_property_add(oc, "count", "uint32", NULL,
                              fuzz_object_set_count, NULL, NULL);
    object_class_property_add(oc, "flag", "bool", NULL,
                              fuzz_object_set_flag, NULL, NULL);
    object_class_property_add(oc, "refuse", "bool", NULL,
                              fuzz_object_set_flag, NULL, (void *)1);
    object_class_property_add(oc, "name", "str", NULL,
                              fuzz_object_set_name, NULL, NULL);
}

static const TypeInfo fuzz_object_info = {
    .name = TYPE_FUZZ_OBJECT,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(FuzzObject),
    .instance_finalize = fuzz_object_finalize,
    .class_init = fuzz_object_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void fuzz_object(const char *str)
{
    Error *err = NULL;
    Object *obj = user_creatable_add_opts_str(str, &err);

    assert(!obj != !err);
    if (obj) {
        g_autofree char *path = object_get_canonical_path(obj);

        assert(g_str_has_prefix(path, "/objects/"));
        if (!user_creatable_del(path + strlen("/objects/"), &err)) {
            fuzz_fail("cannot delete %s: %s", path, error_get_pretty(err));
        }
    } else {
        error_free(err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    g_autofree char *str = NULL;
    unsigned sel;

    if (!initialized) {
        /* Help texts go to stdout, messages to our counter. */
        int null = open("/dev/null", O_WRONLY);

        assert(null >= 0);
        dup2(null, STDOUT_FILENO);
        close(null);
        error_set_vprintf_hook(count_report);
        module_call_init(MODULE_INIT_QOM);
        type_register_static(&fuzz_object_info);
        initialized = true;
    }
    if (!size) {
        return 0;
    }
    str = g_strndup((const char *)data + 1, size - 1);
    sel = data[0] % 10;
    if (sel < 8) {
        fuzz_opts(lists[sel % 4], str, sel >= 4);
    } else if (sel == 8) {
        fuzz_global(str);
    } else {
        fuzz_object(str);
    }
    return 0;
}

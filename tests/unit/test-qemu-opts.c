/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for QemuOpts: parsing with escapes and implied names, ids, typed
 * getters, setters, validation and iteration, with exact error messages.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/option.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"

static QemuOptsList opts_list_typed = {
    .name = "typed",
    .implied_opt_name = "str1",
    .head = QTAILQ_HEAD_INITIALIZER(opts_list_typed.head),
    .desc = {
        { .name = "str1", .type = QEMU_OPT_STRING },
        { .name = "str2", .type = QEMU_OPT_STRING,
          .def_value_str = "dflt" },
        { .name = "bool1", .type = QEMU_OPT_BOOL },
        { .name = "bool2", .type = QEMU_OPT_BOOL, .def_value_str = "on" },
        { .name = "number1", .type = QEMU_OPT_NUMBER },
        { .name = "number2", .type = QEMU_OPT_NUMBER,
          .def_value_str = "42" },
        { .name = "size1", .type = QEMU_OPT_SIZE },
        { .name = "size2", .type = QEMU_OPT_SIZE, .def_value_str = "1k" },
        { /* end of list */ }
    },
};

/* Like QEMU's -chardev: implied backend, no description (any key). */
static QemuOptsList opts_list_chardev = {
    .name = "chardev",
    .implied_opt_name = "backend",
    .head = QTAILQ_HEAD_INITIALIZER(opts_list_chardev.head),
    .desc = {
        { /* end of list: accepts anything */ }
    },
};

/* Like QEMU's -m: one merged QemuOpts. */
static QemuOptsList opts_list_memory = {
    .name = "memory",
    .implied_opt_name = "size",
    .merge_lists = true,
    .head = QTAILQ_HEAD_INITIALIZER(opts_list_memory.head),
    .desc = {
        { .name = "size", .type = QEMU_OPT_SIZE },
        { .name = "slots", .type = QEMU_OPT_NUMBER },
        { .name = "maxmem", .type = QEMU_OPT_SIZE },
        { /* end of list */ }
    },
};

static const QemuOptDesc socket_desc[] = {
    { .name = "backend", .type = QEMU_OPT_STRING },
    { .name = "path", .type = QEMU_OPT_STRING },
    { .name = "server", .type = QEMU_OPT_BOOL },
    { .name = "wait", .type = QEMU_OPT_BOOL },
    { .name = "port", .type = QEMU_OPT_NUMBER },
    { /* end of list */ }
};

static void reset_all(void)
{
    qemu_opts_reset(&opts_list_typed);
    qemu_opts_reset(&opts_list_chardev);
    qemu_opts_reset(&opts_list_memory);
}

/* Parse expecting failure; check the message. */
static void parse_fails(QemuOptsList *list, const char *params,
                        bool permit_abbrev, const char *msg)
{
    Error *err = NULL;

    g_assert_null(qemu_opts_parse(list, params, permit_abbrev, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_get_opt_value(void)
{
    char *v;
    const char *rest;

    rest = get_opt_value("a,,b,,,,c,d", &v);
    g_assert_cmpstr(v, ==, "a,b,,c");
    g_assert_cmpstr(rest, ==, ",d");
    g_free(v);
    rest = get_opt_value("", &v);
    g_assert_cmpstr(v, ==, "");
    g_assert_cmpstr(rest, ==, "");
    g_free(v);
    rest = get_opt_value("x,,", &v);
    g_assert_cmpstr(v, ==, "x,");
    g_assert_cmpstr(rest, ==, "");
    g_free(v);
}

static void test_parse_basic(void)
{
    QemuOpts *opts;

    reset_all();
    opts = qemu_opts_parse(&opts_list_typed,
                           "str1=hello,bool1=on,number1=0x10,size1=1.5G",
                           false, &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "str1"), ==, "hello");
    g_assert_true(qemu_opt_get_bool(opts, "bool1", false));
    g_assert_cmpuint(qemu_opt_get_number(opts, "number1", 0), ==, 16);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size1", 0), ==,
                     GiB + GiB / 2);
    g_assert_null(qemu_opts_id(opts));

    /* Defaults from the description, then from the caller. */
    g_assert_cmpstr(qemu_opt_get(opts, "str2"), ==, "dflt");
    g_assert_true(qemu_opt_get_bool(opts, "bool2", false));
    g_assert_cmpuint(qemu_opt_get_number(opts, "number2", 7), ==, 42);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size2", 7), ==, 1024);
    g_assert_null(qemu_opt_get(opts, "nothere"));
    qemu_opts_del(opts);
    g_assert_null(qemu_opts_find(&opts_list_typed, NULL));
}

static void test_parse_escapes_and_last_wins(void)
{
    QemuOpts *opts;

    reset_all();
    opts = qemu_opts_parse(&opts_list_typed,
                           "str1=a,,b,str2=x=y,str1=c,,,,d,str2=", false,
                           &error_abort);
    /* The last value set wins; ",," is a comma; '=' in values is kept */
    g_assert_cmpstr(qemu_opt_get(opts, "str1"), ==, "c,,d");
    g_assert_cmpstr(qemu_opt_get(opts, "str2"), ==, "");
    qemu_opts_del(opts);

    opts = qemu_opts_parse(&opts_list_typed, "str2=x=y,", false,
                           &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "str2"), ==, "x=y");
    qemu_opts_del(opts);
}

static void test_parse_implied(void)
{
    QemuOpts *opts;

    reset_all();
    /* -chardev socket,id=mon0,path=/tmp/a,,b,server=on,wait=off */
    opts = qemu_opts_parse(&opts_list_chardev,
                           "socket,id=mon0,path=/tmp/a,,b,server=on,wait=off",
                           true, &error_abort);
    g_assert_cmpstr(qemu_opts_id(opts), ==, "mon0");
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "socket");
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "/tmp/a,b");
    g_assert_null(qemu_opt_get(opts, "id"));    /* not an option */
    g_assert_true(qemu_opts_find(&opts_list_chardev, "mon0") == opts);
    g_assert_null(qemu_opts_find(&opts_list_chardev, "mon1"));

    /* Without permit_abbrev, a bare word is a flag. */
    opts = qemu_opts_parse(&opts_list_chardev, "socket,id=c2", false,
                           &error_abort);
    g_assert_null(qemu_opt_get(opts, "backend"));
    g_assert_cmpstr(qemu_opt_get(opts, "socket"), ==, "on");

    /* An explicit key first is not taken as the implied one. */
    opts = qemu_opts_parse(&opts_list_chardev, "path=x,id=c3", true,
                           &error_abort);
    g_assert_null(qemu_opt_get(opts, "backend"));
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "x");

    /* The implied value may contain escaped commas. */
    opts = qemu_opts_parse(&opts_list_chardev, "a,,b,id=c4", true,
                           &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "a,b");
    reset_all();
}

static void test_flags(void)
{
    QemuOpts *opts;

    reset_all();
    opts = qemu_opts_parse(&opts_list_typed, "x,bool1,nobool2", true,
                           &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "str1"), ==, "x");
    g_assert_true(qemu_opt_get_bool(opts, "bool1", false));
    g_assert_false(qemu_opt_get_bool(opts, "bool2", true));
    g_assert_cmpstr(qemu_opt_get(opts, "bool2"), ==, "off");
    qemu_opts_del(opts);
}

static void test_duplicate_id(void)
{
    Error *err = NULL;
    QemuOpts *opts;

    reset_all();
    opts = qemu_opts_parse(&opts_list_chardev, "socket,id=x", true,
                           &error_abort);
    g_assert_nonnull(opts);
    parse_fails(&opts_list_chardev, "file,id=x", true,
                "Duplicate ID 'x' for chardev");
    /* The first one is untouched. */
    g_assert_cmpstr(qemu_opt_get(qemu_opts_find(&opts_list_chardev, "x"),
                                 "backend"), ==, "socket");

    /* qemu_opts_create() without fail_if_exists returns the existing. */
    g_assert_true(qemu_opts_create(&opts_list_chardev, "x", 0,
                                   &error_abort) == opts);
    g_assert_null(qemu_opts_create(&opts_list_chardev, "x", 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Duplicate ID 'x' for chardev");
    error_free(err);
    err = NULL;

    /* Ids must be identifiers. */
    parse_fails(&opts_list_chardev, "socket,id=1abc", true,
                "Parameter 'id' expects an identifier");
    parse_fails(&opts_list_chardev, "socket,id=a b", true,
                "Parameter 'id' expects an identifier");
    g_assert_nonnull(qemu_opts_parse(&opts_list_chardev,
                                     "socket,id=a-b.c_d9", true,
                                     &error_abort));

    /* Without ids, every use is a new QemuOpts. */
    g_assert_true(qemu_opts_parse(&opts_list_chardev, "a", true,
                                  &error_abort) !=
                  qemu_opts_parse(&opts_list_chardev, "b", true,
                                  &error_abort));
    reset_all();
}

static void test_merge_lists(void)
{
    QemuOpts *a, *b;

    reset_all();
    /* -m 1G -m slots=2: one QemuOpts */
    a = qemu_opts_parse(&opts_list_memory, "1G", true, &error_abort);
    b = qemu_opts_parse(&opts_list_memory, "slots=2,maxmem=4G", true,
                        &error_abort);
    g_assert_true(a == b);
    g_assert_cmpuint(qemu_opt_get_size(a, "size", 0), ==, GiB);
    g_assert_cmpuint(qemu_opt_get_number(a, "slots", 0), ==, 2);
    g_assert_cmpuint(qemu_opt_get_size(a, "maxmem", 0), ==, 4 * GiB);
    parse_fails(&opts_list_memory, "2G,id=m", true, "Invalid parameter 'id'");

    /* Defaults only fill what is unset. */
    qemu_opts_set_defaults(&opts_list_memory, "size=128M,slots=8", 0);
    g_assert_cmpuint(qemu_opt_get_size(a, "size", 0), ==, GiB);
    g_assert_cmpuint(qemu_opt_get_number(a, "slots", 0), ==, 2);
    qemu_opts_reset(&opts_list_memory);
    qemu_opts_set_defaults(&opts_list_memory, "size=128M", 0);
    a = qemu_opts_find(&opts_list_memory, NULL);
    g_assert_cmpuint(qemu_opt_get_size(a, "size", 0), ==, 128 * MiB);
    reset_all();
}

static void test_parse_errors(void)
{
    reset_all();
    parse_fails(&opts_list_typed, "foo=bar", false,
                "Invalid parameter 'foo'");
    parse_fails(&opts_list_typed, "str1=a,such", false,
                "Invalid parameter 'such'");
    /* "noX" is the flag X=off, so the error names X */
    parse_fails(&opts_list_typed, "str1=a,nosuch", false,
                "Invalid parameter 'such'");
    parse_fails(&opts_list_typed, "bool1=maybe", false,
                "Parameter 'bool1' expects 'on' or 'off'");
    parse_fails(&opts_list_typed, "bool1=", false,
                "Parameter 'bool1' expects 'on' or 'off'");
    parse_fails(&opts_list_typed, "number1=12x", false,
                "Parameter 'number1' expects a number");
    parse_fails(&opts_list_typed, "number1=", false,
                "Parameter 'number1' expects a number");
    parse_fails(&opts_list_typed, "size1=1.5", false,
                "Parameter 'size1' expects a non-negative number "
                "below 2^64");
    parse_fails(&opts_list_typed, "size1=0x20M", false,
                "Parameter 'size1' expects a non-negative number "
                "below 2^64");
    parse_fails(&opts_list_typed, "size1=16E", false,
                "Value '16E' is out of range for parameter 'size1'");
    parse_fails(&opts_list_typed, "size1=-1", false,
                "Value '-1' is out of range for parameter 'size1'");
    /* A failed parse leaves nothing behind. */
    g_assert_null(qemu_opts_find(&opts_list_typed, NULL));
}

static void test_bool_spellings(void)
{
    static const struct {
        const char *str;
        bool val;
    } cases[] = {
        { "on", true }, { "yes", true }, { "true", true }, { "y", true },
        { "off", false }, { "no", false }, { "false", false },
        { "n", false },
    };
    size_t i;

    reset_all();
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *p = g_strdup_printf("bool1=%s", cases[i].str);
        QemuOpts *opts = qemu_opts_parse(&opts_list_typed, p, false,
                                         &error_abort);

        g_assert_cmpint(qemu_opt_get_bool(opts, "bool1", !cases[i].val),
                        ==, cases[i].val);
        qemu_opts_del(opts);
    }
    parse_fails(&opts_list_typed, "bool1=ON", false,
                "Parameter 'bool1' expects 'on' or 'off'");
    parse_fails(&opts_list_typed, "bool1=1", false,
                "Parameter 'bool1' expects 'on' or 'off'");
}

static void test_set_and_del(void)
{
    Error *err = NULL;
    QemuOpts *opts;
    char *s;

    reset_all();
    opts = qemu_opts_create(&opts_list_typed, NULL, 0, &error_abort);
    g_assert_true(qemu_opt_set(opts, "str1", "v1", &error_abort));
    g_assert_true(qemu_opt_set_bool(opts, "bool1", true, &error_abort));
    g_assert_cmpstr(qemu_opt_get(opts, "bool1"), ==, "on");
    g_assert_true(qemu_opt_set_number(opts, "number1", 1234, &error_abort));
    g_assert_cmpstr(qemu_opt_get(opts, "number1"), ==, "1234");
    g_assert_cmpuint(qemu_opt_get_number(opts, "number1", 0), ==, 1234);
    g_assert_true(qemu_opt_set(opts, "size1", "2M", &error_abort));

    g_assert_false(qemu_opt_set(opts, "bogus", "1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'bogus'");
    error_free(err);
    err = NULL;
    g_assert_false(qemu_opt_set(opts, "number1", "abc", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'number1' expects a number");
    error_free(err);
    err = NULL;
    /* The failed set did not replace the old value. */
    g_assert_cmpuint(qemu_opt_get_number(opts, "number1", 0), ==, 1234);

    g_assert_true(qemu_opt_set(opts, "str1", "v2", &error_abort));
    s = qemu_opt_get_del(opts, "str1");
    g_assert_cmpstr(s, ==, "v2");
    g_free(s);
    g_assert_null(qemu_opt_find(opts, "str1"));     /* both removed */
    s = qemu_opt_get_del(opts, "str2");
    g_assert_cmpstr(s, ==, "dflt");                 /* the default */
    g_free(s);
    g_assert_cmpuint(qemu_opt_get_size_del(opts, "size1", 0), ==, 2 * MiB);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size1", 5), ==, 5);
    g_assert_true(qemu_opt_get_bool_del(opts, "bool1", false));
    g_assert_false(qemu_opt_get_bool(opts, "bool1", false));
    g_assert_cmpuint(qemu_opt_get_number_del(opts, "number1", 0), ==, 1234);
    g_assert_cmpint(qemu_opt_unset(opts, "number1"), ==, -1);
    qemu_opts_del(opts);
    qemu_opts_del(NULL);
}

static void test_validate(void)
{
    Error *err = NULL;
    QemuOpts *opts;

    reset_all();
    opts = qemu_opts_parse(&opts_list_chardev,
                           "socket,id=s,path=/x,server=on,wait=off,port=99",
                           true, &error_abort);
    /* Before validation the values are untyped text. */
    g_assert_true(qemu_opt_get_bool(opts, "server", false));
    g_assert_true(qemu_opts_validate(opts, socket_desc, &error_abort));
    g_assert_true(qemu_opt_get_bool(opts, "server", false));
    g_assert_false(qemu_opt_get_bool(opts, "wait", true));
    g_assert_cmpuint(qemu_opt_get_number(opts, "port", 0), ==, 99);

    opts = qemu_opts_parse(&opts_list_chardev, "socket,id=t,foo=1", true,
                           &error_abort);
    g_assert_false(qemu_opts_validate(opts, socket_desc, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'foo'");
    error_free(err);
    err = NULL;

    opts = qemu_opts_parse(&opts_list_chardev, "socket,id=u,server=perhaps",
                           true, &error_abort);
    g_assert_false(qemu_opts_validate(opts, socket_desc, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'server' expects 'on' or 'off'");
    error_free(err);
    reset_all();
}

static int count_opt(void *opaque, const char *name, const char *value,
                     Error **errp)
{
    GString *s = opaque;

    g_string_append_printf(s, "%s=%s;", name, value);
    return !strcmp(name, "stop") ? 7 : 0;
}

static int count_opts(void *opaque, QemuOpts *opts, Error **errp)
{
    GString *s = opaque;

    g_string_append_printf(s, "[%s]", qemu_opts_id(opts));
    if (!strcmp(qemu_opts_id(opts), "b")) {
        error_setg(errp, "stop at b");
        return -1;
    }
    return 0;
}

static void test_foreach_and_iter(void)
{
    g_autoptr(GString) s = g_string_new("");
    Error *err = NULL;
    QemuOpts *opts;
    QemuOptsIter iter;
    const char *v;

    reset_all();
    opts = qemu_opts_parse(&opts_list_chardev, "k,id=a,x=1,y=2,x=3", true,
                           &error_abort);
    g_assert_cmpint(qemu_opt_foreach(opts, count_opt, s, &error_abort), ==,
                    0);
    g_assert_cmpstr(s->str, ==, "backend=k;x=1;y=2;x=3;");

    qemu_opt_iter_init(&iter, opts, "x");
    v = qemu_opt_iter_next(&iter);
    g_assert_cmpstr(v, ==, "1");
    v = qemu_opt_iter_next(&iter);
    g_assert_cmpstr(v, ==, "3");
    g_assert_null(qemu_opt_iter_next(&iter));

    g_string_truncate(s, 0);
    opts = qemu_opts_parse(&opts_list_chardev, "k,id=b,stop=1,after=2", true,
                           &error_abort);
    g_assert_cmpint(qemu_opt_foreach(opts, count_opt, s, &error_abort), ==,
                    7);
    g_assert_cmpstr(s->str, ==, "backend=k;stop=1;");

    qemu_opts_parse(&opts_list_chardev, "k,id=c", true, &error_abort);
    g_string_truncate(s, 0);
    g_assert_cmpint(qemu_opts_foreach(&opts_list_chardev, count_opts, s,
                                      &err), ==, -1);
    g_assert_cmpstr(s->str, ==, "[a][b]");
    g_assert_cmpstr(error_get_pretty(err), ==, "stop at b");
    error_free(err);
    reset_all();
}

static void test_help(void)
{
    g_assert_true(has_help_option("help"));
    g_assert_true(has_help_option("a=1,?"));
    g_assert_true(has_help_option("socket,help"));
    g_assert_false(has_help_option("a=help"));
    g_assert_false(has_help_option("helpful"));
    g_assert_true(is_help_option("?"));
    g_assert_false(is_help_option(NULL));
}

static void test_append(void)
{
    QemuOptsList *merged = qemu_opts_append(NULL, &opts_list_memory);
    QemuOpts *opts;

    merged = qemu_opts_append(merged, &opts_list_typed);
    /* size from memory, then the typed ones; nothing twice */
    g_assert_cmpstr(merged->desc[0].name, ==, "size");
    g_assert_cmpstr(merged->desc[3].name, ==, "str1");
    g_assert_null(merged->desc[11].name);
    merged = qemu_opts_append(merged, &opts_list_memory);
    g_assert_null(merged->desc[11].name);
    merged->name = "merged";
    opts = qemu_opts_parse(merged, "size=1k,bool1=on", false, &error_abort);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, 1024);
    qemu_opts_del(opts);
    qemu_opts_free(merged);
}

static void test_qdict(void)
{
    g_autoptr(QDict) d = NULL;
    g_autoptr(QDict) in = qdict_new();
    g_autoptr(QDict) rest = qdict_new();
    Error *err = NULL;
    QemuOpts *opts;

    reset_all();
    opts = qemu_opts_parse(&opts_list_chardev, "socket,id=q,x=1,x=2,y=a,,b",
                           true, &error_abort);
    d = qemu_opts_to_qdict(opts, NULL);
    g_assert_cmpint(qdict_size(d), ==, 4);
    g_assert_cmpstr(qdict_get_str(d, "id"), ==, "q");
    g_assert_cmpstr(qdict_get_str(d, "backend"), ==, "socket");
    g_assert_cmpstr(qdict_get_str(d, "x"), ==, "2");
    g_assert_cmpstr(qdict_get_str(d, "y"), ==, "a,b");

    qdict_put_str(in, "id", "fromdict");
    qdict_put_str(in, "str1", "s");
    qdict_put_int(in, "number1", 77);
    qdict_put_bool(in, "bool1", true);
    qdict_put_str(in, "size1", "2k");
    qdict_put_obj(in, "ignored", QOBJECT(qlist_new()));
    opts = qemu_opts_from_qdict(&opts_list_typed, in, &error_abort);
    g_assert_cmpstr(qemu_opts_id(opts), ==, "fromdict");
    g_assert_cmpstr(qemu_opt_get(opts, "str1"), ==, "s");
    g_assert_cmpuint(qemu_opt_get_number(opts, "number1", 0), ==, 77);
    g_assert_true(qemu_opt_get_bool(opts, "bool1", false));
    g_assert_cmpuint(qemu_opt_get_size(opts, "size1", 0), ==, 2048);
    g_assert_null(qemu_opt_find(opts, "ignored"));
    /* The same id again is a duplicate. */
    qdict_del(in, "ignored");
    g_assert_null(qemu_opts_from_qdict(&opts_list_typed, in, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Duplicate ID 'fromdict' for typed");
    error_free(err);
    err = NULL;
    /* A bad value is reported and leaves no QemuOpts behind. */
    qdict_put_str(in, "id", "other");
    qdict_put_str(in, "bool1", "perhaps");
    g_assert_null(qemu_opts_from_qdict(&opts_list_typed, in, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'bool1' expects 'on' or 'off'");
    error_free(err);
    g_assert_null(qemu_opts_find(&opts_list_typed, "other"));

    /* absorb takes what the list describes and leaves the rest. */
    opts = qemu_opts_create(&opts_list_typed, "abs", 1, &error_abort);
    qdict_put_str(rest, "str2", "v");
    qdict_put_str(rest, "unknown", "u");
    qdict_put_int(rest, "number2", 5);
    g_assert_true(qemu_opts_absorb_qdict(opts, rest, &error_abort));
    g_assert_cmpint(qdict_size(rest), ==, 1);
    g_assert_cmpstr(qdict_get_str(rest, "unknown"), ==, "u");
    g_assert_cmpstr(qemu_opt_get(opts, "str2"), ==, "v");
    g_assert_cmpuint(qemu_opt_get_number(opts, "number2", 0), ==, 5);
    reset_all();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-opts/get-opt-value", test_get_opt_value);
    g_test_add_func("/qemu-opts/parse-basic", test_parse_basic);
    g_test_add_func("/qemu-opts/escapes", test_parse_escapes_and_last_wins);
    g_test_add_func("/qemu-opts/implied", test_parse_implied);
    g_test_add_func("/qemu-opts/flags", test_flags);
    g_test_add_func("/qemu-opts/duplicate-id", test_duplicate_id);
    g_test_add_func("/qemu-opts/merge-lists", test_merge_lists);
    g_test_add_func("/qemu-opts/parse-errors", test_parse_errors);
    g_test_add_func("/qemu-opts/bool-spellings", test_bool_spellings);
    g_test_add_func("/qemu-opts/set-and-del", test_set_and_del);
    g_test_add_func("/qemu-opts/validate", test_validate);
    g_test_add_func("/qemu-opts/foreach", test_foreach_and_iter);
    g_test_add_func("/qemu-opts/help", test_help);
    g_test_add_func("/qemu-opts/append", test_append);
    g_test_add_func("/qemu-opts/qdict", test_qdict);
    return g_test_run();
}

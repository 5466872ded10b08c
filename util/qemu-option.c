/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QemuOpts: parsing "key=value,..." option strings into option groups
 * and reading them back typed (see qemu/option.h).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

struct QemuOpt {
    char *name;
    char *str;                  /* the value as given */
    const QemuOptDesc *desc;    /* NULL until typed */
    union {
        bool boolean;
        uint64_t uint;
    } value;
    QemuOpts *opts;
    QTAILQ_ENTRY(QemuOpt) next;
};

struct QemuOpts {
    char *id;
    QemuOptsList *list;
    QTAILQ_HEAD(, QemuOpt) head;
    QTAILQ_ENTRY(QemuOpts) next;
};

/* Values */

const char *get_opt_value(const char *p, char **value)
{
    GString *s = g_string_new(NULL);

    for (;;) {
        size_t n = strcspn(p, ",");

        g_string_append_len(s, p, n);
        p += n;
        if (p[0] != ',' || p[1] != ',') {
            break;
        }
        /* ",," is a literal comma; keep going */
        g_string_append_c(s, ',');
        p += 2;
    }
    *value = g_string_free(s, false);
    return p;
}

static bool parse_option_bool(const char *name, const char *value, bool *ret,
                              Error **errp)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    size_t i;

    if (value) {
        for (i = 0; i < ARRAY_SIZE(yes); i++) {
            if (!strcmp(value, yes[i])) {
                *ret = true;
                return true;
            }
            if (!strcmp(value, no[i])) {
                *ret = false;
                return true;
            }
        }
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

static bool parse_option_number(const char *name, const char *value,
                                uint64_t *ret, Error **errp)
{
    uint64_t number;

    if (!value || qemu_strtou64(value, NULL, 0, &number)) {
        error_setg(errp, "Parameter '%s' expects a number", name);
        return false;
    }
    *ret = number;
    return true;
}

bool parse_option_size(const char *name, const char *value,
                       uint64_t *ret, Error **errp)
{
    uint64_t size;
    int err = qemu_strtosz(value, NULL, &size);

    if (err == -ERANGE) {
        error_setg(errp, "Value '%s' is out of range for parameter '%s'",
                   value, name);
        return false;
    }
    if (err) {
        error_setg(errp, "Parameter '%s' expects a non-negative number "
                   "below 2^64", name);
        error_append_hint(errp, "Optional suffix k, M, G, T, P or E means"
                          " kilo-, mega-, giga-, tera-, peta-\n"
                          "and exabytes, respectively.\n");
        return false;
    }
    *ret = size;
    return true;
}

bool is_help_option(const char *name)
{
    return name && (!strcmp(name, "help") || !strcmp(name, "?"));
}

/* Type @opt's string according to its desc. */
static bool qemu_opt_parse(QemuOpt *opt, Error **errp)
{
    if (!opt->desc) {
        return true;
    }
    switch (opt->desc->type) {
    case QEMU_OPT_STRING:
        return true;
    case QEMU_OPT_BOOL:
        return parse_option_bool(opt->name, opt->str, &opt->value.boolean,
                                 errp);
    case QEMU_OPT_NUMBER:
        return parse_option_number(opt->name, opt->str, &opt->value.uint,
                                   errp);
    case QEMU_OPT_SIZE:
        return parse_option_size(opt->name, opt->str, &opt->value.uint,
                                 errp);
    }
    g_assert_not_reached();
}

/* Descriptions */

static const QemuOptDesc *find_desc_by_name(const QemuOptDesc *desc,
                                            const char *name)
{
    for (; desc && desc->name; desc++) {
        if (!strcmp(desc->name, name)) {
            return desc;
        }
    }
    return NULL;
}

/* A list without descriptions takes any name (checked later). */
static bool opts_accepts_any(const QemuOptsList *list)
{
    return list->desc[0].name == NULL;
}

static const char *find_default_by_name(QemuOpts *opts, const char *name)
{
    const QemuOptDesc *desc = find_desc_by_name(opts->list->desc, name);

    return desc ? desc->def_value_str : NULL;
}

/* Single options */

QemuOpt *qemu_opt_find(QemuOpts *opts, const char *name)
{
    QemuOpt *opt;

    /* The last one set wins. */
    QTAILQ_FOREACH_REVERSE(opt, &opts->head, next) {
        if (!strcmp(opt->name, name)) {
            return opt;
        }
    }
    return NULL;
}

static void qemu_opt_del(QemuOpt *opt)
{
    QTAILQ_REMOVE(&opt->opts->head, opt, next);
    g_free(opt->name);
    g_free(opt->str);
    g_free(opt);
}

/* Delete every value of @name; returns how many there were. */
static int qemu_opt_del_all(QemuOpts *opts, const char *name)
{
    QemuOpt *opt, *next_opt;
    int n = 0;

    QTAILQ_FOREACH_SAFE(opt, &opts->head, next, next_opt) {
        if (!strcmp(opt->name, name)) {
            qemu_opt_del(opt);
            n++;
        }
    }
    return n;
}

const char *qemu_opt_get(QemuOpts *opts, const char *name)
{
    QemuOpt *opt;

    if (!opts) {
        return NULL;
    }
    opt = qemu_opt_find(opts, name);
    return opt ? opt->str : find_default_by_name(opts, name);
}

char *qemu_opt_get_del(QemuOpts *opts, const char *name)
{
    QemuOpt *opt;
    char *str;

    if (!opts) {
        return NULL;
    }
    opt = qemu_opt_find(opts, name);
    if (!opt) {
        return g_strdup(find_default_by_name(opts, name));
    }
    str = g_strdup(opt->str);
    qemu_opt_del_all(opts, name);
    return str;
}

bool qemu_opt_has_help_opt(QemuOpts *opts)
{
    QemuOpt *opt;

    QTAILQ_FOREACH_REVERSE(opt, &opts->head, next) {
        if (is_help_option(opt->name)) {
            return true;
        }
    }
    return false;
}

/*
 * The typed value of @name as a uint64_t (bools as 0/1), falling back to
 * the desc default and then @defval.  With @del, remove the option.
 */
static uint64_t qemu_opt_get_typed(QemuOpts *opts, const char *name,
                                   enum QemuOptType type, uint64_t defval,
                                   bool del)
{
    QemuOpt *opt;
    const char *str;
    uint64_t ret = defval;
    bool b;

    if (!opts) {
        return defval;
    }
    opt = qemu_opt_find(opts, name);
    if (opt && opt->desc) {
        /* Already typed when it was set or validated. */
        assert(opt->desc->type == type);
        ret = type == QEMU_OPT_BOOL ? opt->value.boolean : opt->value.uint;
    } else {
        str = opt ? opt->str : find_default_by_name(opts, name);
        if (str) {
            switch (type) {
            case QEMU_OPT_BOOL:
                if (parse_option_bool(name, str, &b, NULL)) {
                    ret = b;
                }
                break;
            case QEMU_OPT_NUMBER:
                parse_option_number(name, str, &ret, NULL);
                break;
            case QEMU_OPT_SIZE:
                parse_option_size(name, str, &ret, NULL);
                break;
            default:
                g_assert_not_reached();
            }
        }
    }
    if (del && opt) {
        qemu_opt_del_all(opts, name);
    }
    return ret;
}

bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval)
{
    return qemu_opt_get_typed(opts, name, QEMU_OPT_BOOL, defval, false);
}

uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval)
{
    return qemu_opt_get_typed(opts, name, QEMU_OPT_NUMBER, defval, false);
}

uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name,
                           uint64_t defval)
{
    return qemu_opt_get_typed(opts, name, QEMU_OPT_SIZE, defval, false);
}

bool qemu_opt_get_bool_del(QemuOpts *opts, const char *name, bool defval)
{
    return qemu_opt_get_typed(opts, name, QEMU_OPT_BOOL, defval, true);
}

uint64_t qemu_opt_get_number_del(QemuOpts *opts, const char *name,
                                 uint64_t defval)
{
    return qemu_opt_get_typed(opts, name, QEMU_OPT_NUMBER, defval, true);
}

uint64_t qemu_opt_get_size_del(QemuOpts *opts, const char *name,
                               uint64_t defval)
{
    return qemu_opt_get_typed(opts, name, QEMU_OPT_SIZE, defval, true);
}

int qemu_opt_unset(QemuOpts *opts, const char *name)
{
    return qemu_opt_del_all(opts, name) ? 0 : -1;
}

/*
 * Look up @name in the list's desc[].  NULL with no error for a list that
 * accepts anything; NULL with an error for an unknown name.
 */
static bool opt_lookup_desc(QemuOpts *opts, const char *name,
                            const QemuOptDesc **desc, Error **errp)
{
    *desc = find_desc_by_name(opts->list->desc, name);
    if (!*desc && !opts_accepts_any(opts->list)) {
        error_setg(errp, "Invalid parameter '%s'", name);
        return false;
    }
    return true;
}

/* Append an option; takes ownership of @name and @value. */
static QemuOpt *opt_create(QemuOpts *opts, char *name, char *value)
{
    QemuOpt *opt = g_new0(QemuOpt, 1);

    opt->name = name;
    opt->str = value;
    opt->opts = opts;
    QTAILQ_INSERT_TAIL(&opts->head, opt, next);
    return opt;
}

/* Set from text; takes ownership of @name and @value. */
static bool opt_set(QemuOpts *opts, char *name, char *value, Error **errp)
{
    const QemuOptDesc *desc;
    QemuOpt *opt;

    if (!opt_lookup_desc(opts, name, &desc, errp)) {
        g_free(name);
        g_free(value);
        return false;
    }
    opt = opt_create(opts, name, value);
    opt->desc = desc;
    if (!qemu_opt_parse(opt, errp)) {
        qemu_opt_del(opt);
        return false;
    }
    return true;
}

bool qemu_opt_set(QemuOpts *opts, const char *name, const char *value,
                  Error **errp)
{
    return opt_set(opts, g_strdup(name), g_strdup(value), errp);
}

bool qemu_opt_set_bool(QemuOpts *opts, const char *name, bool val,
                       Error **errp)
{
    const QemuOptDesc *desc;
    QemuOpt *opt;

    if (!opt_lookup_desc(opts, name, &desc, errp)) {
        return false;
    }
    if (desc && desc->type != QEMU_OPT_BOOL) {
        error_setg(errp, "Parameter '%s' is not a boolean", name);
        return false;
    }
    opt = opt_create(opts, g_strdup(name), g_strdup(val ? "on" : "off"));
    opt->desc = desc;
    opt->value.boolean = val;
    return true;
}

bool qemu_opt_set_number(QemuOpts *opts, const char *name, int64_t val,
                         Error **errp)
{
    const QemuOptDesc *desc;
    QemuOpt *opt;

    if (!opt_lookup_desc(opts, name, &desc, errp)) {
        return false;
    }
    if (desc && desc->type != QEMU_OPT_NUMBER && desc->type != QEMU_OPT_SIZE) {
        error_setg(errp, "Parameter '%s' is not a number", name);
        return false;
    }
    opt = opt_create(opts, g_strdup(name),
                     g_strdup_printf("%" PRId64, val));
    opt->desc = desc;
    opt->value.uint = val;
    return true;
}

int qemu_opt_foreach(QemuOpts *opts, qemu_opt_loopfunc func, void *opaque,
                     Error **errp)
{
    QemuOpt *opt;
    int rc;

    QTAILQ_FOREACH(opt, &opts->head, next) {
        rc = func(opaque, opt->name, opt->str, errp);
        if (rc) {
            return rc;
        }
        assert(!errp || !*errp);
    }
    return 0;
}

void qemu_opt_iter_init(QemuOptsIter *iter, QemuOpts *opts,
                        const char *name)
{
    iter->opts = opts;
    iter->opt = QTAILQ_FIRST(&opts->head);
    iter->name = name;
}

const char *qemu_opt_iter_next(QemuOptsIter *iter)
{
    QemuOpt *opt;

    while ((opt = iter->opt) != NULL) {
        iter->opt = QTAILQ_NEXT(opt, next);
        if (!iter->name || !strcmp(opt->name, iter->name)) {
            return opt->str;
        }
    }
    return NULL;
}

/* Option groups */

QemuOpts *qemu_opts_find(QemuOptsList *list, const char *id)
{
    QemuOpts *opts;

    QTAILQ_FOREACH(opts, &list->head, next) {
        if (!opts->id && !id) {
            return opts;
        }
        if (opts->id && id && !strcmp(opts->id, id)) {
            return opts;
        }
    }
    return NULL;
}

/* Ids are identifiers: a letter, then letters, digits, '-', '.', '_'. */
static bool id_wellformed(const char *id)
{
    int i;

    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (i = 1; id[i]; i++) {
        if (!g_ascii_isalnum(id[i]) && !strchr("-._", id[i])) {
            return false;
        }
    }
    return true;
}

QemuOpts *qemu_opts_create(QemuOptsList *list, const char *id,
                           int fail_if_exists, Error **errp)
{
    QemuOpts *opts;

    if (list->merge_lists) {
        if (id) {
            error_setg(errp, "Invalid parameter 'id'");
            return NULL;
        }
        opts = qemu_opts_find(list, NULL);
        if (opts) {
            return opts;
        }
    } else if (id) {
        if (!id_wellformed(id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            error_append_hint(errp, "Identifiers consist of letters, "
                              "digits, '-', '.', '_', starting with a "
                              "letter.\n");
            return NULL;
        }
        opts = qemu_opts_find(list, id);
        if (opts) {
            if (fail_if_exists) {
                error_setg(errp, "Duplicate ID '%s' for %s", id,
                           list->name);
                return NULL;
            }
            return opts;
        }
    }
    opts = g_new0(QemuOpts, 1);
    opts->id = g_strdup(id);
    opts->list = list;
    QTAILQ_INIT(&opts->head);
    QTAILQ_INSERT_TAIL(&list->head, opts, next);
    return opts;
}

void qemu_opts_reset(QemuOptsList *list)
{
    QemuOpts *opts, *next_opts;

    QTAILQ_FOREACH_SAFE(opts, &list->head, next, next_opts) {
        qemu_opts_del(opts);
    }
}

const char *qemu_opts_id(QemuOpts *opts)
{
    return opts->id;
}

void qemu_opts_set_id(QemuOpts *opts, char *id)
{
    g_free(opts->id);
    opts->id = id;
}

void qemu_opts_del(QemuOpts *opts)
{
    QemuOpt *opt, *next_opt;

    if (!opts) {
        return;
    }
    QTAILQ_FOREACH_SAFE(opt, &opts->head, next, next_opt) {
        qemu_opt_del(opt);
    }
    QTAILQ_REMOVE(&opts->list->head, opts, next);
    g_free(opts->id);
    g_free(opts);
}

bool qemu_opts_validate(QemuOpts *opts, const QemuOptDesc *desc,
                        Error **errp)
{
    QemuOpt *opt;

    assert(opts_accepts_any(opts->list));
    QTAILQ_FOREACH(opt, &opts->head, next) {
        opt->desc = find_desc_by_name(desc, opt->name);
        if (!opt->desc) {
            error_setg(errp, "Invalid parameter '%s'", opt->name);
            return false;
        }
        if (!qemu_opt_parse(opt, errp)) {
            return false;
        }
    }
    return true;
}

/* Parsing */

/*
 * One "name=value" (or bare "value") from @p.  A bare first item is the
 * value of @firstname when there is one; other bare items are flags.
 * Sets *is_flag for those.  Returns where the next item starts.
 */
static const char *get_opt_name_value(const char *p, const char *firstname,
                                      char **name, char **value,
                                      bool *is_flag)
{
    size_t len = strcspn(p, "=,");

    *is_flag = false;
    if (p[len] == '=') {
        *name = g_strndup(p, len);
        p = get_opt_value(p + len + 1, value);
    } else if (firstname) {
        *name = g_strdup(firstname);
        p = get_opt_value(p, value);
    } else {
        *is_flag = true;
        if (!strncmp(p, "no", 2) && !is_help_option(p)) {
            *name = g_strndup(p + 2, len - 2);
            *value = g_strdup("off");
        } else {
            *name = g_strndup(p, len);
            *value = g_strdup("on");
        }
        p += len;
    }
    if (*p == ',') {
        p++;
    }
    return p;
}

static bool opts_do_parse(QemuOpts *opts, const char *params,
                          const char *firstname, bool defaults,
                          bool warn_on_flag, bool *help_wanted,
                          Error **errp)
{
    const char *p = params;

    while (*p) {
        char *name, *value;
        bool is_flag;
        const char *start = p;

        p = get_opt_name_value(p, firstname, &name, &value, &is_flag);
        firstname = NULL;
        if (is_flag && help_wanted && is_help_option(name)) {
            *help_wanted = true;
        }
        if (!strcmp(name, "id")) {
            /* consumed by opts_parse_id() */
            g_free(name);
            g_free(value);
            continue;
        }
        if (is_flag && warn_on_flag && !is_help_option(name)) {
            size_t len = strcspn(start, ",");

            warn_report("short-form boolean option '%.*s' deprecated",
                        (int)len, start);
            error_printf("Please use %s=%s instead\n", name, value);
        }
        if (defaults) {
            if (qemu_opt_find(opts, name)) {
                g_free(name);
                g_free(value);
                continue;
            }
        }
        if (!opt_set(opts, name, value, errp)) {
            return false;
        }
    }
    return true;
}

bool qemu_opts_do_parse(QemuOpts *opts, const char *params,
                        const char *firstname, Error **errp)
{
    return opts_do_parse(opts, params, firstname, false, false, NULL, errp);
}

/* The value of the first "id=" item, or NULL (g_free it). */
static char *opts_parse_id(const char *params, const char *firstname)
{
    const char *p = params;

    while (*p) {
        char *name, *value;
        bool is_flag;

        p = get_opt_name_value(p, firstname, &name, &value, &is_flag);
        firstname = NULL;
        if (!strcmp(name, "id")) {
            g_free(name);
            return value;
        }
        g_free(name);
        g_free(value);
    }
    return NULL;
}

bool has_help_option(const char *param)
{
    const char *p = param;

    while (*p) {
        char *name, *value;
        bool is_flag, help;

        p = get_opt_name_value(p, NULL, &name, &value, &is_flag);
        help = is_flag && is_help_option(name);
        g_free(name);
        g_free(value);
        if (help) {
            return true;
        }
    }
    return false;
}

static QemuOpts *opts_parse(QemuOptsList *list, const char *params,
                            bool permit_abbrev, bool defaults,
                            bool warn_on_flag, bool *help_wanted,
                            Error **errp)
{
    const char *firstname = permit_abbrev ? list->implied_opt_name : NULL;
    g_autofree char *id = opts_parse_id(params, firstname);
    QemuOpts *opts;

    assert(!defaults || list->merge_lists);
    opts = qemu_opts_create(list, id, !defaults, errp);
    if (!opts) {
        return NULL;
    }
    if (!opts_do_parse(opts, params, firstname, defaults, warn_on_flag,
                       help_wanted, errp)) {
        qemu_opts_del(opts);
        return NULL;
    }
    return opts;
}

QemuOpts *qemu_opts_parse(QemuOptsList *list, const char *params,
                          bool permit_abbrev, Error **errp)
{
    return opts_parse(list, params, permit_abbrev, false, false, NULL, errp);
}

QemuOpts *qemu_opts_parse_noisily(QemuOptsList *list, const char *params,
                                  bool permit_abbrev)
{
    Error *err = NULL;
    bool help_wanted = false;
    QemuOpts *opts;

    opts = opts_parse(list, params, permit_abbrev, false, true,
                      &help_wanted, &err);
    if (!opts) {
        assert(err);
        if (help_wanted) {
            qemu_opts_print_help(list, true);
            error_free(err);
        } else {
            error_report_err(err);
        }
    }
    return opts;
}

void qemu_opts_set_defaults(QemuOptsList *list, const char *params,
                            int permit_abbrev)
{
    QemuOpts *opts = opts_parse(list, params, permit_abbrev, true, false,
                                NULL, &error_abort);

    assert(opts);
}

int qemu_opts_foreach(QemuOptsList *list, qemu_opts_loopfunc func,
                      void *opaque, Error **errp)
{
    QemuOpts *opts, *next_opts;
    int rc;

    /* SAFE, so that @func may delete the QemuOpts it is given. */
    QTAILQ_FOREACH_SAFE(opts, &list->head, next, next_opts) {
        rc = func(opaque, opts, errp);
        if (rc) {
            return rc;
        }
        assert(!errp || !*errp);
    }
    return 0;
}

/* QDict conversions */

QDict *qemu_opts_to_qdict(QemuOpts *opts, QDict *qdict)
{
    QemuOpt *opt;

    if (!qdict) {
        qdict = qdict_new();
    }
    if (opts->id) {
        qdict_put_str(qdict, "id", opts->id);
    }
    QTAILQ_FOREACH(opt, &opts->head, next) {
        qdict_put_str(qdict, opt->name, opt->str);
    }
    return qdict;
}

/*
 * The text form of a scalar QDict member, or NULL for other types
 * (g_free it).
 */
static char *qobject_scalar_to_str(QObject *obj)
{
    switch (qobject_type(obj)) {
    case QTYPE_QSTRING:
        return g_strdup(qstring_get_str(qobject_to(QString, obj)));
    case QTYPE_QNUM:
        return qnum_to_string(qobject_to(QNum, obj));
    case QTYPE_QBOOL:
        return g_strdup(qbool_get_bool(qobject_to(QBool, obj)) ?
                        "on" : "off");
    default:
        return NULL;
    }
}

QemuOpts *qemu_opts_from_qdict(QemuOptsList *list, const QDict *qdict,
                               Error **errp)
{
    const QDictEntry *e;
    QemuOpts *opts;

    opts = qemu_opts_create(list, qdict_get_try_str(qdict, "id"), 1, errp);
    if (!opts) {
        return NULL;
    }
    for (e = qdict_first(qdict); e; e = qdict_next(qdict, e)) {
        const char *key = qdict_entry_key(e);
        char *value;

        if (!strcmp(key, "id")) {
            continue;
        }
        value = qobject_scalar_to_str(qdict_entry_value(e));
        if (!value) {
            continue;
        }
        if (!opt_set(opts, g_strdup(key), value, errp)) {
            qemu_opts_del(opts);
            return NULL;
        }
    }
    return opts;
}

bool qemu_opts_absorb_qdict(QemuOpts *opts, QDict *qdict, Error **errp)
{
    const QDictEntry *e = qdict_first(qdict);

    while (e) {
        /* Find the next entry before this one may be deleted. */
        const QDictEntry *next = qdict_next(qdict, e);
        const char *key = qdict_entry_key(e);

        if (find_desc_by_name(opts->list->desc, key)) {
            char *value = qobject_scalar_to_str(qdict_entry_value(e));

            if (value) {
                if (!opt_set(opts, g_strdup(key), value, errp)) {
                    return false;
                }
                qdict_del(qdict, key);
            }
        }
        e = next;
    }
    return true;
}

/* Print @str with ',' doubled, so that it parses back. */
static void print_escaped(const char *str)
{
    for (; *str; str++) {
        if (*str == ',') {
            putchar(',');
        }
        putchar(*str);
    }
}

void qemu_opts_print(QemuOpts *opts, const char *sep)
{
    QemuOpt *opt;
    const char *s = "";

    if (opts->id) {
        printf("id=%s", opts->id);
        s = sep;
    }
    QTAILQ_FOREACH(opt, &opts->head, next) {
        printf("%s%s=", s, opt->name);
        print_escaped(opt->str);
        s = sep;
    }
}

static const char *opt_type_name(enum QemuOptType type)
{
    switch (type) {
    case QEMU_OPT_STRING:
        return "str";
    case QEMU_OPT_BOOL:
        return "bool (on/off)";
    case QEMU_OPT_NUMBER:
        return "num";
    case QEMU_OPT_SIZE:
        return "size";
    }
    return "?";
}

static int compare_desc_name(const void *a, const void *b)
{
    const QemuOptDesc *const *da = a;
    const QemuOptDesc *const *db = b;

    return strcmp((*da)->name, (*db)->name);
}

void qemu_opts_print_help(QemuOptsList *list, bool print_caption)
{
    g_autoptr(GPtrArray) descs = g_ptr_array_new();
    const QemuOptDesc *desc;
    guint i;

    for (desc = list->desc; desc->name; desc++) {
        g_ptr_array_add(descs, (gpointer)desc);
    }
    g_ptr_array_sort(descs, compare_desc_name);
    if (print_caption && descs->len) {
        printf("%s options:\n", list->name);
    } else if (!descs->len) {
        printf("There are no options for %s.\n", list->name);
        return;
    }
    for (i = 0; i < descs->len; i++) {
        desc = g_ptr_array_index(descs, i);
        printf("  %s=<%s>", desc->name, opt_type_name(desc->type));
        if (desc->help) {
            printf(" - %s", desc->help);
        }
        if (desc->def_value_str) {
            printf(" (default: %s)", desc->def_value_str);
        }
        putchar('\n');
    }
}

void qemu_opts_free(QemuOptsList *list)
{
    g_free(list);
}

static size_t count_opts_list(const QemuOptsList *list)
{
    size_t n = 0;

    while (list && list->desc[n].name) {
        n++;
    }
    return n;
}

QemuOptsList *qemu_opts_append(QemuOptsList *dst, QemuOptsList *list)
{
    size_t num_dst = count_opts_list(dst);
    size_t num_list = count_opts_list(list);
    size_t i;

    dst = g_realloc(dst, sizeof(QemuOptsList) +
                    (num_dst + num_list + 1) * sizeof(QemuOptDesc));
    if (num_dst == 0) {
        /* A new list: no identity until the caller gives it one. */
        dst->name = NULL;
        dst->implied_opt_name = NULL;
        dst->merge_lists = false;
    } else {
        /* g_realloc() may have moved the head, so it cannot hold opts. */
        assert(QTAILQ_EMPTY(&dst->head));
    }
    QTAILQ_INIT(&dst->head);
    for (i = 0; i < num_list; i++) {
        dst->desc[num_dst].name = NULL;     /* keep dst->desc terminated */
        if (!find_desc_by_name(dst->desc, list->desc[i].name)) {
            dst->desc[num_dst++] = list->desc[i];
        }
    }
    dst->desc[num_dst].name = NULL;
    return dst;
}

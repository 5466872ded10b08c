/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QemuOpts: the "key=value,key2=value2" options of the command line
 * (-m, -chardev, -machine, -incoming ...), QEMU's model and names.
 *
 * A QemuOptsList describes one option group (its name, its accepted keys
 * in desc[], and the key a leading bare value stands for).  Each use of
 * the group on the command line becomes a QemuOpts: an optional id plus
 * the name=value pairs in the order given.  A list whose desc[] is empty
 * accepts any key; such options are checked later with
 * qemu_opts_validate().
 *
 * Syntax: options are separated by ','; ",," inside a value is a literal
 * comma.  "id=x" names the QemuOpts.  With permit_abbrev, a first option
 * without '=' is the value of implied_opt_name ("-m 1G" is size=1G).
 * Any other option without '=' is a flag: "foo" means foo=on and "nofoo"
 * foo=off.
 */
#ifndef QEMU_OPTION_H
#define QEMU_OPTION_H

#include "qemu/queue.h"

enum QemuOptType {
    QEMU_OPT_STRING = 0,    /* no parsing (use string as-is) */
    QEMU_OPT_BOOL,          /* on/off, yes/no, true/false */
    QEMU_OPT_NUMBER,        /* simple number */
    QEMU_OPT_SIZE,          /* size, with optional K/M/G/T/P/E suffix */
};

typedef struct QemuOptDesc {
    const char *name;
    enum QemuOptType type;
    const char *help;
    const char *def_value_str;  /* used by the getters when unset */
} QemuOptDesc;

typedef struct QemuOpt QemuOpt;

struct QemuOptsList {
    const char *name;
    const char *implied_opt_name;
    /* All uses merge into one QemuOpts without id (-machine, -m...). */
    bool merge_lists;
    QTAILQ_HEAD(, QemuOpts) head;
    QemuOptDesc desc[];         /* ends with an entry whose name is NULL */
};

/*
 * Parse one value from @p up to an unescaped ',' (",," gives ','); the
 * result goes to *@value (g_free it).  Returns where parsing stopped.
 */
const char *get_opt_value(const char *p, char **value);
/* Parse @value as a size for option @name, with QEMU's messages. */
bool parse_option_size(const char *name, const char *value,
                       uint64_t *ret, Error **errp);
/* Is @name "help" or "?" */
bool is_help_option(const char *name);
/* Does the option string @param contain a help request? */
bool has_help_option(const char *param);

/* Single options.  A getter sees the last value set for @name. */
QemuOpt *qemu_opt_find(QemuOpts *opts, const char *name);
const char *qemu_opt_get(QemuOpts *opts, const char *name);
/* Return (g_strdup'd) and remove every value of @name. */
char *qemu_opt_get_del(QemuOpts *opts, const char *name);
bool qemu_opt_has_help_opt(QemuOpts *opts);
/*
 * Typed getters: the value if set, else the desc's def_value_str if any,
 * else @defval.  A value that does not parse as the type gives @defval.
 */
bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval);
uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval);
uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name,
                           uint64_t defval);
bool qemu_opt_get_bool_del(QemuOpts *opts, const char *name, bool defval);
uint64_t qemu_opt_get_number_del(QemuOpts *opts, const char *name,
                                 uint64_t defval);
uint64_t qemu_opt_get_size_del(QemuOpts *opts, const char *name,
                               uint64_t defval);
/* Remove every value of @name; -1 if there was none. */
int qemu_opt_unset(QemuOpts *opts, const char *name);
/* Append name=value, checked against the list's desc[]. */
bool qemu_opt_set(QemuOpts *opts, const char *name, const char *value,
                  Error **errp);
bool qemu_opt_set_bool(QemuOpts *opts, const char *name, bool val,
                       Error **errp);
bool qemu_opt_set_number(QemuOpts *opts, const char *name, int64_t val,
                         Error **errp);

/* Call @func for each name=value in order; stop at a non-zero result. */
typedef int (*qemu_opt_loopfunc)(void *opaque, const char *name,
                                 const char *value, Error **errp);
int qemu_opt_foreach(QemuOpts *opts, qemu_opt_loopfunc func, void *opaque,
                     Error **errp);

/* Iterate over the values of one name (or all, with name NULL). */
typedef struct QemuOptsIter {
    QemuOpts *opts;
    QemuOpt *opt;
    const char *name;
} QemuOptsIter;

void qemu_opt_iter_init(QemuOptsIter *iter, QemuOpts *opts,
                        const char *name);
const char *qemu_opt_iter_next(QemuOptsIter *iter);

/* Option groups. */
/* The QemuOpts with id @id (NULL: the first one without an id). */
QemuOpts *qemu_opts_find(QemuOptsList *list, const char *id);
/*
 * A new, empty QemuOpts in @list.  With an id that is already used, fail
 * ("Duplicate ID 'x' for chardev") if @fail_if_exists, else return the
 * existing one.  A merge_lists list has a single QemuOpts and no ids.
 */
QemuOpts *qemu_opts_create(QemuOptsList *list, const char *id,
                           int fail_if_exists, Error **errp);
/* Delete every QemuOpts of @list. */
void qemu_opts_reset(QemuOptsList *list);
const char *qemu_opts_id(QemuOpts *opts);
/* Takes ownership of @id. */
void qemu_opts_set_id(QemuOpts *opts, char *id);
/* Remove @opts from its list and free it; NULL is fine. */
void qemu_opts_del(QemuOpts *opts);
/*
 * Check and type every option of @opts (of a list accepting anything)
 * against @desc: "Invalid parameter 'foo'" for unknown names.
 */
bool qemu_opts_validate(QemuOpts *opts, const QemuOptDesc *desc,
                        Error **errp);
/* Parse @params into existing @opts; @firstname is the implied name. */
bool qemu_opts_do_parse(QemuOpts *opts, const char *params,
                        const char *firstname, Error **errp);
/* Parse @params into a new QemuOpts of @list (see the syntax above). */
QemuOpts *qemu_opts_parse(QemuOptsList *list, const char *params,
                          bool permit_abbrev, Error **errp);
/*
 * The same, reporting errors with error_report(); a help request prints
 * the list's options.  Warns about the deprecated flag short forms.
 */
QemuOpts *qemu_opts_parse_noisily(QemuOptsList *list, const char *params,
                                  bool permit_abbrev);
/* Set options of the id-less QemuOpts that are not yet set. */
void qemu_opts_set_defaults(QemuOptsList *list, const char *params,
                            int permit_abbrev);

typedef int (*qemu_opts_loopfunc)(void *opaque, QemuOpts *opts,
                                  Error **errp);
/* Call @func for each QemuOpts of @list; stop at a non-zero result. */
int qemu_opts_foreach(QemuOptsList *list, qemu_opts_loopfunc func,
                      void *opaque, Error **errp);

/*
 * QDict conversions.  to_qdict adds "id" and every option as a string
 * (later values replace earlier ones) to @qdict, or to a new QDict when
 * @qdict is NULL.  from_qdict creates a QemuOpts (id from "id") from the
 * string, number and bool members of @qdict; other members are ignored.
 * absorb_qdict moves the members that @opts's list describes from
 * @qdict into @opts, leaving the others in @qdict.
 */
QDict *qemu_opts_to_qdict(QemuOpts *opts, QDict *qdict);
QemuOpts *qemu_opts_from_qdict(QemuOptsList *list, const QDict *qdict,
                               Error **errp);
bool qemu_opts_absorb_qdict(QemuOpts *opts, QDict *qdict, Error **errp);

/* "id=x<sep>a=1<sep>b=2" on stdout, for -writeconfig style dumps. */
void qemu_opts_print(QemuOpts *opts, const char *sep);
/* The options accepted by @list, one per line, on stdout. */
void qemu_opts_print_help(QemuOptsList *list, bool print_caption);
/* Free a list created by qemu_opts_append(). */
void qemu_opts_free(QemuOptsList *list);
/*
 * A list with the desc[] of @dst followed by those of @list that @dst
 * lacks.  @dst is NULL or an earlier result (consumed, and holding no
 * QemuOpts); free the result with qemu_opts_free().
 */
QemuOptsList *qemu_opts_append(QemuOptsList *dst, QemuOptsList *list);

#endif /* QEMU_OPTION_H */

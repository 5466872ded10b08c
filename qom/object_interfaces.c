/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-creatable objects (-object, object-add, object-del): the interface,
 * creation with property setting and completion under /objects, the
 * -object string syntax and its help output.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qapi/qobject-input-visitor.h"
#include "qemu/error-report.h"
#include "qobject/qdict.h"
#include "qobject/qstring.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"

bool user_creatable_complete(UserCreatable *uc, Error **errp)
{
    UserCreatableClass *ucc = USER_CREATABLE_GET_CLASS(uc);
    Error *err = NULL;

    if (ucc->complete) {
        ucc->complete(uc, &err);
        error_propagate(errp, err);
    }
    return !err;
}

bool user_creatable_can_be_deleted(UserCreatable *uc)
{
    UserCreatableClass *ucc = USER_CREATABLE_GET_CLASS(uc);

    return ucc->can_be_deleted ? ucc->can_be_deleted(uc) : true;
}

bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (int i = 1; id[i]; i++) {
        if (!g_ascii_isalnum(id[i]) && !strchr("-._", id[i])) {
            return false;
        }
    }
    return true;
}

static bool user_creatable_check_id(const char *id, Error **errp)
{
    if (id != NULL && !id_wellformed(id)) {
        error_setg(errp, "Parameter '%s' expects %s", "id", "an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return false;
    }
    return true;
}

/* The class of @type if objects of it may be created by the user. */
static ObjectClass *user_creatable_class(const char *type, Error **errp)
{
    ObjectClass *klass = object_class_by_name(type);

    if (!klass) {
        error_setg(errp, "invalid object type: %s", type);
        return NULL;
    }
    if (!object_class_dynamic_cast(klass, TYPE_USER_CREATABLE)) {
        error_setg(errp, "object type '%s' isn't supported by object-add",
                   type);
        return NULL;
    }
    if (object_class_is_abstract(klass)) {
        error_setg(errp, "object type '%s' is abstract", type);
        return NULL;
    }
    return klass;
}

typedef bool (UCSetProps)(Object *obj, void *opaque, Error **errp);

/*
 * The common path: check, create, set properties with @set_props, add
 * under /objects, complete.  Returns the object with the caller's
 * reference.
 */
static Object *user_creatable_create(const char *type, const char *id,
                                     UCSetProps *set_props, void *opaque,
                                     Error **errp)
{
    Object *obj;

    if (!user_creatable_check_id(id, errp) ||
        !user_creatable_class(type, errp)) {
        return NULL;
    }
    obj = object_new(type);
    if (!set_props(obj, opaque, errp)) {
        goto fail;
    }
    if (id != NULL &&
        !object_property_try_add_child(object_get_objects_root(), id, obj,
                                       errp)) {
        goto fail;
    }
    if (!user_creatable_complete(USER_CREATABLE(obj), errp)) {
        if (id != NULL) {
            object_property_del(object_get_objects_root(), id);
        }
        goto fail;
    }
    return obj;

fail:
    object_unref(obj);
    return NULL;
}

typedef struct QDictProps {
    const QDict *qdict;
    Visitor *v;
} QDictProps;

static bool set_props_from_qdict(Object *obj, void *opaque, Error **errp)
{
    QDictProps *p = opaque;
    bool ok = false;

    if (!visit_start_struct(p->v, NULL, NULL, 0, errp)) {
        return false;
    }
    for (const QDictEntry *e = qdict_first(p->qdict); e;
         e = qdict_next(p->qdict, e)) {
        if (!object_property_set(obj, qdict_entry_key(e), p->v, errp)) {
            goto out;
        }
    }
    ok = visit_check_struct(p->v, errp);
out:
    visit_end_struct(p->v, NULL);
    return ok;
}

Object *user_creatable_add_type(const char *type, const char *id,
                                const QDict *qdict, Visitor *v,
                                Error **errp)
{
    QDictProps p = { qdict, v };

    assert(qdict);
    return user_creatable_create(type, id, set_props_from_qdict, &p, errp);
}

bool user_creatable_add_dict(const QDict *qdict, bool keyval, Error **errp)
{
    g_autoptr(QDict) props = NULL;
    const char *type, *id;
    Visitor *v;
    Object *obj;

    type = qdict_get_try_str(qdict, "qom-type");
    if (!type) {
        error_setg(errp, "Parameter '%s' is missing", "qom-type");
        return false;
    }
    id = qdict_get_try_str(qdict, "id");
    if (!id) {
        error_setg(errp, "Parameter '%s' is missing", "id");
        return false;
    }

    props = qdict_clone_shallow(qdict);
    qdict_del(props, "qom-type");
    qdict_del(props, "id");
    v = keyval ? qobject_input_visitor_new_keyval(QOBJECT(props))
               : qobject_input_visitor_new(QOBJECT(props));
    obj = user_creatable_add_type(type, id, props, v, errp);
    visit_free(v);
    object_unref(obj);
    return obj != NULL;
}

/* --- the -object string syntax --- */

typedef struct OptPair {
    char *key;
    char *value;        /* NULL for a bare word ("help") */
} OptPair;

static void opt_pair_free(gpointer data)
{
    OptPair *p = data;

    g_free(p->key);
    g_free(p->value);
    g_free(p);
}

/*
 * Read up to an unescaped @stop character (or ',' / end of string);
 * ",," is a literal comma.  Returns where reading stopped.
 */
static const char *opt_read(const char *s, char stop, GString *out)
{
    while (*s) {
        if (*s == ',') {
            if (s[1] != ',') {
                break;
            }
            g_string_append_c(out, ',');
            s += 2;
            continue;
        }
        if (*s == stop) {
            break;
        }
        g_string_append_c(out, *s++);
    }
    return s;
}

/*
 * Split "a,b=c,,d" into pairs ("a", NULL), ("b", "c,d").  A bare word is
 * only accepted first (the type) or as "help"/"?".
 */
static GPtrArray *opt_split(const char *str, Error **errp)
{
    g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func(
                                    opt_pair_free);
    const char *s = str;

    while (*s) {
        g_autoptr(GString) key = g_string_new("");
        OptPair *p;

        s = opt_read(s, '=', key);
        p = g_new0(OptPair, 1);
        p->key = g_strdup(key->str);
        g_ptr_array_add(pairs, p);

        if (*s == '=') {
            g_autoptr(GString) value = g_string_new("");

            s = opt_read(s + 1, '\0', value);
            p->value = g_strdup(value->str);
        }
        if (!*p->key) {
            error_setg(errp, "Invalid parameter ''");
            return NULL;
        }
        if (!p->value && pairs->len > 1 && strcmp(p->key, "help") &&
            strcmp(p->key, "?")) {
            error_setg(errp, "Expected '=' after parameter '%s'", p->key);
            return NULL;
        }
        if (*s == ',') {
            s++;
        }
    }
    return g_steal_pointer(&pairs);
}

static const char *opt_find(GPtrArray *pairs, const char *key)
{
    for (guint i = 0; i < pairs->len; i++) {
        OptPair *p = g_ptr_array_index(pairs, i);

        if (p->value && !strcmp(p->key, key)) {
            return p->value;
        }
    }
    return NULL;
}

static bool opt_wants_help(GPtrArray *pairs)
{
    for (guint i = 0; i < pairs->len; i++) {
        OptPair *p = g_ptr_array_index(pairs, i);

        if (!p->value && (!strcmp(p->key, "help") || !strcmp(p->key, "?"))) {
            return true;
        }
    }
    return false;
}

/* The type: "qom-type=T" or a leading bare word. */
static const char *opt_type(GPtrArray *pairs)
{
    OptPair *first;

    if (opt_find(pairs, "qom-type")) {
        return opt_find(pairs, "qom-type");
    }
    if (pairs->len == 0) {
        return NULL;
    }
    first = g_ptr_array_index(pairs, 0);
    if (first->value || !strcmp(first->key, "help") ||
        !strcmp(first->key, "?")) {
        return NULL;
    }
    return first->key;
}

static bool set_props_from_pairs(Object *obj, void *opaque, Error **errp)
{
    GPtrArray *pairs = opaque;

    for (guint i = 0; i < pairs->len; i++) {
        OptPair *p = g_ptr_array_index(pairs, i);

        if (!p->value || !strcmp(p->key, "qom-type") ||
            !strcmp(p->key, "id")) {
            continue;
        }
        if (!object_property_parse(obj, p->key, p->value, errp)) {
            return false;
        }
    }
    return true;
}

static bool opt_check_dups(GPtrArray *pairs, Error **errp)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < pairs->len; i++) {
        OptPair *p = g_ptr_array_index(pairs, i);

        if (p->value && !g_hash_table_add(seen, p->key)) {
            error_setg(errp, "Parameter '%s' is set more than once", p->key);
            return false;
        }
    }
    return true;
}

Object *user_creatable_add_opts_str(const char *optarg, Error **errp)
{
    g_autoptr(GPtrArray) pairs = opt_split(optarg, errp);
    const char *type, *id;
    Object *obj;

    if (!pairs || !opt_check_dups(pairs, errp)) {
        return NULL;
    }
    type = opt_type(pairs);
    if (!type) {
        error_setg(errp, "Parameter '%s' is missing", "qom-type");
        return NULL;
    }
    id = opt_find(pairs, "id");
    if (!id) {
        error_setg(errp, "Parameter '%s' is missing", "id");
        return NULL;
    }
    obj = user_creatable_create(type, id, set_props_from_pairs, pairs, errp);
    /* /objects/ID keeps it alive. */
    object_unref(obj);
    return obj;
}

/* --- help --- */

static char *user_creatable_type_list(void)
{
    GString *out = g_string_new("List of user creatable objects:\n");
    GSList *list = object_class_get_list_sorted(TYPE_USER_CREATABLE, false);

    for (GSList *l = list; l; l = l->next) {
        g_string_append_printf(out, "  %s\n",
                               object_class_get_name(l->data));
    }
    g_slist_free(list);
    return g_string_free(out, false);
}

static gint prop_name_cmp(gconstpointer a, gconstpointer b)
{
    const ObjectProperty *pa = *(ObjectProperty *const *)a;
    const ObjectProperty *pb = *(ObjectProperty *const *)b;

    return strcmp(pa->name, pb->name);
}

/* One line per settable property, as "  name=<type> - description". */
static char *user_creatable_prop_list(const char *type, Error **errp)
{
    ObjectClass *klass = user_creatable_class(type, errp);
    g_autoptr(GPtrArray) props = NULL;
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    GString *out;
    Object *obj;

    if (!klass) {
        return NULL;
    }
    /* Instance properties only exist once an instance does. */
    obj = object_new_with_class(klass);
    props = g_ptr_array_new();
    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        if (prop->set) {
            g_ptr_array_add(props, prop);
        }
    }
    g_ptr_array_sort(props, prop_name_cmp);

    out = g_string_new("");
    g_string_append_printf(out, "%s options:\n", type);
    for (guint i = 0; i < props->len; i++) {
        g_autofree char *left = NULL;

        prop = g_ptr_array_index(props, i);
        left = g_strdup_printf("  %s=<%s>", prop->name, prop->type);
        g_string_append_printf(out, "%-24s", left);
        if (prop->description) {
            g_string_append_printf(out, " - %s", prop->description);
        }
        g_string_append_c(out, '\n');
    }
    if (props->len == 0) {
        g_string_append(out, "There are no options for this type.\n");
    }
    g_ptr_array_set_size(props, 0);
    object_unref(obj);
    return g_string_free(out, false);
}

char *user_creatable_help(const char *optarg, Error **errp)
{
    g_autoptr(GPtrArray) pairs = NULL;
    const char *type;

    if (!strcmp(optarg, "help") || !strcmp(optarg, "?")) {
        return user_creatable_type_list();
    }
    pairs = opt_split(optarg, NULL);
    if (!pairs || !opt_wants_help(pairs)) {
        return NULL;
    }
    type = opt_type(pairs);
    if (!type) {
        return user_creatable_type_list();
    }
    return user_creatable_prop_list(type, errp);
}

bool user_creatable_print_help_str(const char *optarg)
{
    Error *err = NULL;
    g_autofree char *text = user_creatable_help(optarg, &err);

    if (err) {
        error_report_err(err);
        return true;
    }
    if (!text) {
        return false;
    }
    /* Help goes to stdout, like every -foo help listing. */
    fputs(text, stdout);
    return true;
}

bool user_creatable_add_from_str(const char *str, Error **errp)
{
    g_autofree char *text = NULL;
    Error *err = NULL;

    text = user_creatable_help(str, &err);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    if (text) {
        fputs(text, stdout);
        return true;
    }
    return user_creatable_add_opts_str(str, errp) != NULL;
}

void user_creatable_process_cmdline(const char *cmdline)
{
    g_autofree char *text = NULL;

    text = user_creatable_help(cmdline, &error_fatal);
    if (text) {
        fputs(text, stdout);
        exit(0);
    }
    user_creatable_add_opts_str(cmdline, &error_fatal);
}

/* --- deletion --- */

bool user_creatable_del(const char *id, Error **errp)
{
    Object *container = object_get_objects_root();
    Object *obj = object_resolve_path_component(container, id);

    if (!obj) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    if (object_dynamic_cast(obj, TYPE_USER_CREATABLE) &&
        !user_creatable_can_be_deleted(USER_CREATABLE(obj))) {
        error_setg(errp, "object '%s' is in use, can not be deleted", id);
        return false;
    }
    object_unparent(obj);
    return true;
}

void user_creatable_cleanup(void)
{
    object_unparent(object_get_objects_root());
}

static void register_types(void)
{
    static const TypeInfo uc_interface_info = {
        .name = TYPE_USER_CREATABLE,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(UserCreatableClass),
    };

    type_register_static(&uc_interface_info);
}

type_init(register_types)

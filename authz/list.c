/* SPDX-License-Identifier: GPL-2.0-or-later */
/* authz-list (see include/authz/list.h). */
#include "qemu/osdep.h"
#include <fnmatch.h>
#include "qapi/error.h"
#include "qapi/qapi-visit-authz.h"
#include "qapi/visitor.h"
#include "qom/object_interfaces.h"
#include "authz/list.h"
#include "authz/trace.h"

static bool rule_matches(QAuthZListRule *rule, const char *identity)
{
    QAuthZListFormat format = rule->has_format ? rule->format
                                               : QAUTHZ_LIST_FORMAT_EXACT;

    if (format == QAUTHZ_LIST_FORMAT_GLOB) {
        return fnmatch(rule->match, identity, 0) == 0;
    }
    return g_str_equal(rule->match, identity);
}

static bool list_is_allowed(QAuthZ *authz, const char *identity,
                            Error **errp)
{
    QAuthZList *list = QAUTHZ_LIST(authz);

    for (QAuthZListRuleList *r = list->rules; r; r = r->next) {
        if (rule_matches(r->value, identity)) {
            trace_qauthz_list_check_rule(authz, r->value->match, identity,
                                         r->value->policy);
            return r->value->policy == QAUTHZ_LIST_POLICY_ALLOW;
        }
    }
    trace_qauthz_list_default_policy(authz, identity, list->policy);
    return list->policy == QAUTHZ_LIST_POLICY_ALLOW;
}

static int list_get_policy(Object *obj, Error **errp)
{
    return QAUTHZ_LIST(obj)->policy;
}

static void list_set_policy(Object *obj, int value, Error **errp)
{
    QAUTHZ_LIST(obj)->policy = value;
}

static void list_get_rules(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    visit_type_QAuthZListRuleList(v, name, &QAUTHZ_LIST(obj)->rules, errp);
}

static void list_set_rules(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    QAuthZList *list = QAUTHZ_LIST(obj);
    QAuthZListRuleList *rules = NULL;

    if (!visit_type_QAuthZListRuleList(v, name, &rules, errp)) {
        return;
    }
    qapi_free_QAuthZListRuleList(list->rules);
    list->rules = rules;
}

static void list_finalize(Object *obj)
{
    qapi_free_QAuthZListRuleList(QAUTHZ_LIST(obj)->rules);
}

static void list_class_init(ObjectClass *oc, const void *data)
{
    QAUTHZ_CLASS(oc)->is_allowed = list_is_allowed;
    object_class_property_add_enum(oc, "policy", "QAuthZListPolicy",
                                   &QAuthZListPolicy_lookup,
                                   list_get_policy, list_set_policy);
    object_class_property_add(oc, "rules", "QAuthZListRule",
                              list_get_rules, list_set_rules, NULL, NULL);
}

static const TypeInfo list_info = {
    .name = TYPE_QAUTHZ_LIST,
    .parent = TYPE_QAUTHZ,
    .instance_size = sizeof(QAuthZList),
    .instance_finalize = list_finalize,
    .class_size = sizeof(QAuthZClass),
    .class_init = list_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void list_register_types(void)
{
    type_register_static(&list_info);
}

type_init(list_register_types);

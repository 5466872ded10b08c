/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * authz-list: an ordered list of rules ('rules', QAuthZListRule: match,
 * policy, format exact or glob); the first rule matching the identity
 * decides, and 'policy' (default deny) decides when none does.
 */
#ifndef AUTHZ_LIST_H
#define AUTHZ_LIST_H

#include "authz/base.h"
#include "qapi/qapi-types-authz.h"

#define TYPE_QAUTHZ_LIST "authz-list"
OBJECT_DECLARE_SIMPLE_TYPE(QAuthZList, QAUTHZ_LIST)

struct QAuthZList {
    QAuthZ parent_obj;
    QAuthZListPolicy policy;
    QAuthZListRuleList *rules;
};

#endif /* AUTHZ_LIST_H */

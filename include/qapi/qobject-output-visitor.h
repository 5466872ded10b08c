/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QObject output visitor: turns a QAPI value into a QObject tree
 * (QDict for structs, QList for lists, QNum, QString, QBool, QNull).
 * visit_complete(v, result) stores a new reference to the root in
 * *result, where @result must be the pointer given at creation.
 */
#ifndef QAPI_QOBJECT_OUTPUT_VISITOR_H
#define QAPI_QOBJECT_OUTPUT_VISITOR_H

#include "qapi/visitor.h"

typedef struct QObjectOutputVisitor QObjectOutputVisitor;

Visitor *qobject_output_visitor_new(QObject **result);

/* Like qobject_output_visitor_new() but with the global compat_policy. */
Visitor *qobject_output_visitor_new_qmp(QObject **result);

#endif /* QAPI_QOBJECT_OUTPUT_VISITOR_H */

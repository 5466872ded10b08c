/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QObject input visitor: builds a QAPI value from a QObject tree (a
 * parsed QMP request, say), strictly: every member must have the right
 * QType, required members must be present and unknown members are
 * errors.  Messages name the member's full path ("caps[0].state").
 *
 * The keyval flavour takes a tree whose scalars are all strings, as made
 * from a command line ("on", "123", "1G"), and parses each per its type.
 */
#ifndef QAPI_QOBJECT_INPUT_VISITOR_H
#define QAPI_QOBJECT_INPUT_VISITOR_H

#include "qapi/visitor.h"

typedef struct QObjectInputVisitor QObjectInputVisitor;

/* Visit @obj (a reference is taken and dropped by visit_free()). */
Visitor *qobject_input_visitor_new(QObject *obj);
/* The same for QMP command arguments: applies the global compat_policy. */
Visitor *qobject_input_visitor_new_qmp(QObject *obj);
/* Scalars are QStrings parsed per type; list indexes print as ".0". */
Visitor *qobject_input_visitor_new_keyval(QObject *obj);

#endif /* QAPI_QOBJECT_INPUT_VISITOR_H */

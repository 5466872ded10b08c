/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dealloc visitor: walks a QAPI value, complete or half built by a
 * failed input visit, and frees it (generated qapi_free_FOO() use it).
 * NULL strings, structs and list tails are fine.
 */
#ifndef QAPI_DEALLOC_VISITOR_H
#define QAPI_DEALLOC_VISITOR_H

#include "qapi/visitor.h"

typedef struct QapiDeallocVisitor QapiDeallocVisitor;

Visitor *qapi_dealloc_visitor_new(void);

#endif /* QAPI_DEALLOC_VISITOR_H */

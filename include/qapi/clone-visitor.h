/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Deep copies of QAPI values through their generated visit functions:
 *     MigrationParameters *copy = QAPI_CLONE(MigrationParameters, params);
 *     QAPI_CLONE_MEMBERS(MigrationParameters, &dst, &src);
 * Strings are duplicated, QObjects get a new reference, lists and nested
 * structs are copied node by node.
 */
#ifndef QAPI_CLONE_VISITOR_H
#define QAPI_CLONE_VISITOR_H

#include "qapi/visitor.h"

typedef struct QapiCloneVisitor QapiCloneVisitor;

/* A deep copy of @src (NULL for NULL); cannot fail. */
void *qapi_clone(const void *src,
                 bool (*visit_type)(Visitor *, const char *, void **,
                                    Error **));
/* Deep-copy the members of the struct at @src into @dst (@sz bytes). */
void qapi_clone_members(void *dst, const void *src, size_t sz,
                        bool (*visit_type_members)(Visitor *, void *,
                                                   Error **));

#define QAPI_CLONE(type, src)                                           \
    ((type *)qapi_clone(src,                                            \
                        (bool (*)(Visitor *, const char *, void **,     \
                                  Error **))visit_type_ ## type))

#define QAPI_CLONE_MEMBERS(type, dst, src)                              \
    qapi_clone_members(dst, src, sizeof(type),                          \
                       (bool (*)(Visitor *, void *,                     \
                                 Error **))visit_type_ ## type ## _members)

#endif /* QAPI_CLONE_VISITOR_H */

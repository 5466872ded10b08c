/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The visitor: one walk over a QAPI value that, depending on the visitor,
 * builds it from input (QObject, string), writes it out (QObject, string),
 * clones it or frees it.  Generated visit_type_FOO() functions call these
 * primitives; visitor implementations provide them (visitor-impl.h).
 *
 * Contract shared by generated code and every visitor:
 *
 * - Scalars: visit_type_int(v, name, &value, errp) etc.  An input visitor
 *   stores into *obj; an output visitor reads *obj.  @name is the member
 *   name inside a struct, NULL inside a list or at the top level.
 * - Structs: visit_start_struct(v, name, (void **)&ptr, sizeof(*ptr), errp);
 *   visit the members; visit_check_struct(v, errp) (input: rejects unknown
 *   members); visit_end_struct(v, (void **)&ptr).  An input visitor
 *   allocates *ptr (zeroed) when @obj is non-NULL; with @obj NULL it only
 *   checks the shape (used for "boxed" and virtual walks).
 * - Lists: visit_start_list(v, name, &head, sizeof(*head), errp); then
 *   "for (tail = head; tail; tail = visit_next_list(v, tail, size))" visit
 *   tail->value with a NULL name; visit_check_list(); visit_end_list().
 *   Input visitors allocate list nodes; output visitors walk the existing
 *   ones.  Every list type starts with GenericList's "next" member.
 * - Alternates: visit_start_alternate(v, name, &obj, size, errp) sets
 *   (*obj)->type to the QType found in the input, then the generated code
 *   visits the matching branch; visit_end_alternate().
 * - Optional members: "if (visit_optional(v, name, &has_member))" guards
 *   the visit.  Input: tells whether the member is present.  Output: the
 *   member is visited iff *present is true.
 * - Every visit_start_* that succeeded is paired with its visit_end_*,
 *   also on error paths (the generated code does this), so visitors can
 *   keep a stack.  After a failed input visit the partial object must be
 *   freed with the dealloc visitor (qapi_free_FOO does that).
 * - visit_complete(v, &result) finishes an output visitor and stores the
 *   result; visit_free(v) releases the visitor.
 *
 * Functions returning bool return true on success; on failure they set
 * @errp.  Error messages name the member path, e.g.
 * "Parameter 'multifd-channels' expects uint8_t" (QEMU's text).
 */
#ifndef QAPI_VISITOR_H
#define QAPI_VISITOR_H

#include "qapi/util.h"
#include "qapi/compat-policy.h"
#include "qobject/qobject.h"

typedef struct GenericList {
    struct GenericList *next;
    char padding[];
} GenericList;

typedef struct GenericAlternate {
    QType type;
    char padding[];
} GenericAlternate;

/* The kinds of visitor; a few generated paths differ between them. */
typedef enum VisitorType {
    VISITOR_INPUT = 1 << 0,
    VISITOR_OUTPUT = 1 << 1,
    VISITOR_CLONE = 1 << 2,
    VISITOR_DEALLOC = 1 << 3,
} VisitorType;

void visit_complete(Visitor *v, void *opaque);
void visit_free(Visitor *v);

bool visit_start_struct(Visitor *v, const char *name, void **obj,
                        size_t size, Error **errp);
bool visit_check_struct(Visitor *v, Error **errp);
void visit_end_struct(Visitor *v, void **obj);

bool visit_start_list(Visitor *v, const char *name, GenericList **list,
                      size_t size, Error **errp);
GenericList *visit_next_list(Visitor *v, GenericList *tail, size_t size);
bool visit_check_list(Visitor *v, Error **errp);
void visit_end_list(Visitor *v, void **list);

bool visit_start_alternate(Visitor *v, const char *name,
                           GenericAlternate **obj, size_t size,
                           Error **errp);
void visit_end_alternate(Visitor *v, void **obj);

bool visit_optional(Visitor *v, const char *name, bool *present);

/*
 * Special features (deprecated, unstable) under the compat policy: input
 * visitors may refuse a member (policy_reject sets @errp) and output
 * visitors may hide one (policy_skip returns true).
 */
bool visit_policy_reject(Visitor *v, const char *name,
                         unsigned special_features, Error **errp);
bool visit_policy_skip(Visitor *v, const char *name,
                       unsigned special_features);
void visit_set_policy(Visitor *v, CompatPolicy *policy);

bool visit_is_input(Visitor *v);
bool visit_is_dealloc(Visitor *v);

bool visit_type_int(Visitor *v, const char *name, int64_t *obj,
                    Error **errp);
bool visit_type_uint8(Visitor *v, const char *name, uint8_t *obj,
                      Error **errp);
bool visit_type_uint16(Visitor *v, const char *name, uint16_t *obj,
                       Error **errp);
bool visit_type_uint32(Visitor *v, const char *name, uint32_t *obj,
                       Error **errp);
bool visit_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                       Error **errp);
bool visit_type_int8(Visitor *v, const char *name, int8_t *obj,
                     Error **errp);
bool visit_type_int16(Visitor *v, const char *name, int16_t *obj,
                      Error **errp);
bool visit_type_int32(Visitor *v, const char *name, int32_t *obj,
                      Error **errp);
bool visit_type_int64(Visitor *v, const char *name, int64_t *obj,
                      Error **errp);
/* Like uint64, but string visitors accept suffixes ("1G"). */
bool visit_type_size(Visitor *v, const char *name, uint64_t *obj,
                     Error **errp);
bool visit_type_bool(Visitor *v, const char *name, bool *obj,
                     Error **errp);
/* Input allocates *obj (g_free it); output requires a non-NULL *obj. */
bool visit_type_str(Visitor *v, const char *name, char **obj,
                    Error **errp);
bool visit_type_number(Visitor *v, const char *name, double *obj,
                       Error **errp);
/* Any QObject; input stores a new reference. */
bool visit_type_any(Visitor *v, const char *name, QObject **obj,
                    Error **errp);
bool visit_type_null(Visitor *v, const char *name, QNull **obj,
                     Error **errp);
/* Enums travel as their names; @lookup maps names to values. */
bool visit_type_enum(Visitor *v, const char *name, int *obj,
                     const QEnumLookup *lookup, Error **errp);

#endif /* QAPI_VISITOR_H */

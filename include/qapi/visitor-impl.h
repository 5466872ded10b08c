/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inside of a Visitor: the callbacks a visitor implementation fills
 * in.  Only visitor implementations include this; everybody else uses the
 * visit_*() functions of qapi/visitor.h, which check the contract and
 * dispatch here.
 */
#ifndef QAPI_VISITOR_IMPL_H
#define QAPI_VISITOR_IMPL_H

#include "qapi/visitor.h"

struct Visitor {
    /*
     * Structs, lists and alternates.  A NULL start_* means the visitor
     * cannot handle that shape; the core then fails with an error.
     */
    bool (*start_struct)(Visitor *v, const char *name, void **obj,
                         size_t size, Error **errp);
    /* Optional; input visitors reject left-over members here. */
    bool (*check_struct)(Visitor *v, Error **errp);
    void (*end_struct)(Visitor *v, void **obj);

    bool (*start_list)(Visitor *v, const char *name, GenericList **list,
                       size_t size, Error **errp);
    GenericList *(*next_list)(Visitor *v, GenericList *tail, size_t size);
    /* Optional; input visitors reject left-over elements here. */
    bool (*check_list)(Visitor *v, Error **errp);
    void (*end_list)(Visitor *v, void **list);

    bool (*start_alternate)(Visitor *v, const char *name,
                            GenericAlternate **obj, size_t size,
                            Error **errp);
    void (*end_alternate)(Visitor *v, void **obj);

    /* Scalars.  type_int64, type_uint64, type_bool, type_str required. */
    bool (*type_int64)(Visitor *v, const char *name, int64_t *obj,
                       Error **errp);
    bool (*type_uint64)(Visitor *v, const char *name, uint64_t *obj,
                        Error **errp);
    /* Optional; type_uint64 is used when NULL. */
    bool (*type_size)(Visitor *v, const char *name, uint64_t *obj,
                      Error **errp);
    bool (*type_bool)(Visitor *v, const char *name, bool *obj,
                      Error **errp);
    bool (*type_str)(Visitor *v, const char *name, char **obj,
                     Error **errp);
    /* Optional ones: the core reports "not supported" when NULL. */
    bool (*type_number)(Visitor *v, const char *name, double *obj,
                        Error **errp);
    bool (*type_any)(Visitor *v, const char *name, QObject **obj,
                     Error **errp);
    bool (*type_null)(Visitor *v, const char *name, QNull **obj,
                      Error **errp);

    /* Optional; input visitors say whether @name is present. */
    void (*optional)(Visitor *v, const char *name, bool *present);
    /* Optional compat policy hooks (see visit_policy_reject/skip). */
    bool (*policy_reject)(Visitor *v, const char *name,
                          unsigned special_features, Error **errp);
    bool (*policy_skip)(Visitor *v, const char *name,
                        unsigned special_features);

    /*
     * Optional: the path of member @name for error messages
     * ("capabilities[0].state").  The core uses it for range errors; when
     * NULL it uses @name itself, or "null" for list elements.
     */
    const char *(*member_path)(Visitor *v, const char *name);

    VisitorType type;
    CompatPolicy compat_policy;

    /* Required for output visitors: hand the result to @opaque. */
    void (*complete)(Visitor *v, void *opaque);
    /* Required: release the visitor (not the visited object). */
    void (*free)(Visitor *v);
};

#endif /* QAPI_VISITOR_IMPL_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The string output visitor: prints one scalar, or a list of them, as
 * text for HMP and property getters.  Integer lists print as ranges
 * ("1-3,5").  With @human, integers also show hex ("1048576 (0x100000)"),
 * sizes a binary unit ("1048576 (1 MiB)") and strings are quoted.
 * visit_complete(v, result) stores a newly allocated string in *result
 * (@result must be the pointer given at creation).
 */
#ifndef QAPI_STRING_OUTPUT_VISITOR_H
#define QAPI_STRING_OUTPUT_VISITOR_H

#include "qapi/visitor.h"

typedef struct StringOutputVisitor StringOutputVisitor;

Visitor *string_output_visitor_new(bool human, char **result);

#endif /* QAPI_STRING_OUTPUT_VISITOR_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The string input visitor: parses one scalar, or a comma-separated list
 * of them, from text as typed at the HMP prompt or in a property value.
 *   integers: "42", "0x2a", "-1"; in lists also ranges: "1-3,5"
 *   sizes:    "4096", "64k", "1.5G" (suffixes B K M G T P E, powers of 2)
 *   bools:    on/off, yes/no, true/false, y/n
 *   numbers:  "3.25";  strings: taken as they are;  null: ""
 * Structs, alternates and "any" are not supported.
 */
#ifndef QAPI_STRING_INPUT_VISITOR_H
#define QAPI_STRING_INPUT_VISITOR_H

#include "qapi/visitor.h"

typedef struct StringInputVisitor StringInputVisitor;

/* @str must stay valid until visit_free(). */
Visitor *string_input_visitor_new(const char *str);

#endif /* QAPI_STRING_INPUT_VISITOR_H */

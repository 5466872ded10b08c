/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSONMessageParser: a streaming JSON parser.  It takes a byte stream in
 * chunks of any size (as they come off a socket), splits it into
 * top-level JSON values ("messages") and hands each one, or an error, to
 * an emit callback.  QMP reads its commands with it; qobject_from_json()
 * is built on it too.
 *
 * Grammar: RFC 8259, strictly, plus one extension QEMU has always had:
 * strings may be 'single-quoted'.  In a single-quoted string '"' needs no
 * escape and \' is a valid escape; \' is rejected in "double-quoted"
 * strings.  Any value may be a message, not only objects; whitespace
 * between messages is skipped.
 *
 * Rejected, each with a message "JSON parse error, <what> at offset N"
 * (N counts bytes from the first byte fed to this parser): trailing
 * commas, invalid escapes, lone UTF-16 surrogates (valid \uD83D\uDE00
 * pairs are joined), invalid UTF-8 (overlong forms, encoded surrogates,
 * code points above U+10FFFF, truncated or stray continuation bytes),
 * raw control characters in strings, leading zeros, '+' signs, NaN and
 * Infinity, numbers that overflow a double, duplicate keys in an object,
 * nesting deeper than JSON_MAX_NESTING, messages larger than
 * JSON_MAX_MESSAGE_SIZE bytes or with more than JSON_MAX_MESSAGE_TOKENS
 * tokens.
 *
 * Numbers: an integer becomes a QNum holding int64 when it fits, else
 * uint64 when it fits, else a double; any number with a fraction or an
 * exponent is a double.  "\u0000" is stored as 0xC0 0x80 (see qstring.h).
 *
 * Errors and recovery: a message is reported by at most one error,
 * emitted as soon as it is detected.  The parser then drops the rest of
 * that message: it keeps lexing (so brackets inside strings don't count)
 * and resumes with the next byte after the brackets the bad message
 * opened are closed again.  Stray closing brackets at top level are each
 * an error of their own.  Because an unterminated string would swallow
 * everything after it, a raw control character (below 0x20, including
 * newline) inside a string, or a byte 0xFE/0xFF outside one, ends the bad
 * message at once and resets the parser to top level: a client that has
 * lost track can always resynchronise by sending a newline after a
 * control byte such as 0x1B, or 0xFF, as with QEMU.
 *
 * Memory is bounded: a message's text is never stored as a whole; the
 * value is built as tokens arrive, and at most one token (at most
 * JSON_MAX_MESSAGE_SIZE bytes) is buffered.  Time is linear in the input.
 */
#ifndef QOBJECT_JSON_PARSER_H
#define QOBJECT_JSON_PARSER_H

#include "qobject/qobject.h"

/* Limits on one message (QEMU's: 64 MiB, 2 Mi tokens, 1024 levels). */
#define JSON_MAX_MESSAGE_SIZE   (64 * 1024 * 1024)
#define JSON_MAX_MESSAGE_TOKENS (2 * 1024 * 1024)
#define JSON_MAX_NESTING        1024

typedef struct JSONParserState JSONParserState;

/*
 * Called once per complete message with exactly one of @json and @err
 * set; the callee owns both (qobject_unref / error_free them).  It may
 * not destroy or feed the parser that called it.
 */
typedef void JSONMessageEmit(void *opaque, QObject *json, Error *err);

typedef struct JSONMessageParser {
    JSONMessageEmit *emit;
    void *opaque;
    /*
     * When non-NULL, %-directives outside strings are interpolated from
     * this va_list (see qobject_from_jsonf_nofail() in qjson.h) and "%%"
     * in a string stands for '%'.
     */
    va_list *ap;
    JSONParserState *state;             /* private */
} JSONMessageParser;

void json_message_parser_init(JSONMessageParser *parser,
                              JSONMessageEmit *emit, void *opaque,
                              va_list *ap);
/* Feed @size bytes; emits every message they complete. */
void json_message_parser_feed(JSONMessageParser *parser,
                              const char *buffer, size_t size);
/*
 * End of input: complete a pending top-level number or literal, and
 * report a message left unfinished as an error ("unexpected end of
 * input").  The parser is reset and may be fed again.
 */
void json_message_parser_flush(JSONMessageParser *parser);
void json_message_parser_destroy(JSONMessageParser *parser);

#endif /* QOBJECT_JSON_PARSER_H */

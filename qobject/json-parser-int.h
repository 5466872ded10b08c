/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private interfaces between the JSON lexer, the push parser and the
 * message streamer (json-lexer.c, json-parser.c, json-streamer.c).
 *
 * Data flow: bytes -> JSONLexer (tokens, strings already decoded and
 * validated, words classified) -> JSONMessageParser's token handler
 * (limits, error recovery) -> JSONParser (grammar, builds the QObject).
 */
#ifndef QOBJECT_JSON_PARSER_INT_H
#define QOBJECT_JSON_PARSER_INT_H

#include "qobject/json-parser.h"

typedef enum JSONTokenType {
    JSON_LCURLY,
    JSON_RCURLY,
    JSON_LSQUARE,
    JSON_RSQUARE,
    JSON_COLON,
    JSON_COMMA,
    JSON_STRING,        /* text: the decoded string (modified UTF-8) */
    JSON_INTEGER,       /* text: the number as written */
    JSON_FLOAT,
    JSON_TRUE,
    JSON_FALSE,
    JSON_NULL,
    JSON_INTERP,        /* text: the %-directive */
    JSON_ERROR,         /* text: what is wrong; the lexer stays in sync */
    JSON_RESET,         /* text: what is wrong; everything starts over */
} JSONTokenType;

/*
 * One token, starting at stream offset @offset.  @text is NUL-terminated
 * and only valid during the call; it is empty for structural tokens and
 * when the lexer is discarding.
 */
typedef void JSONLexerEmit(void *opaque, JSONTokenType type,
                           const char *text, size_t len, uint64_t offset);

typedef struct JSONLexer {
    JSONLexerEmit *emit;
    void *opaque;
    bool interp;            /* %-directives allowed */
    bool discard;           /* don't build token text (skipping) */
    bool stop;              /* stop feeding at once */
    /* Size limit: counted from here while a message is in progress. */
    bool in_message;
    uint64_t message_start;

    int state;
    uint64_t offset;        /* stream offset of the next byte */
    uint64_t token_start;
    GString *text;
    /* strings */
    char quote;
    bool string_bad;        /* error already reported for this string */
    uint8_t utf8_need;      /* continuation bytes still expected */
    uint8_t utf8_lo, utf8_hi;   /* range of the next continuation byte */
    uint8_t utf8_lead;          /* lead byte of the sequence */
    uint8_t hex_digits;
    uint32_t hex;
    uint32_t high_surrogate;    /* pending \uD800-\uDBFF, or 0 */
    uint64_t escape_start;      /* offset of the last backslash */
    uint64_t surrogate_start;   /* offset of the pending surrogate */
} JSONLexer;

void json_lexer_init(JSONLexer *lexer, bool interp,
                     JSONLexerEmit *emit, void *opaque);
void json_lexer_feed(JSONLexer *lexer, const char *buffer, size_t size);
/* End of input: finish or reject the token in progress; back to start. */
void json_lexer_flush(JSONLexer *lexer);
/* Forget any token in progress. */
void json_lexer_reset(JSONLexer *lexer);
void json_lexer_destroy(JSONLexer *lexer);

typedef enum JSONParseStatus {
    JSON_PARSE_MORE,        /* value not complete yet */
    JSON_PARSE_DONE,        /* json_parser_take() has it */
    JSON_PARSE_ERROR,       /* *errmsg says why; parser must be reset */
} JSONParseStatus;

typedef struct JSONParserFrame JSONParserFrame;

typedef struct JSONParser {
    va_list *ap;
    GArray *stack;          /* of JSONParserFrame */
    QObject *result;
} JSONParser;

void json_parser_init(JSONParser *parser, va_list *ap);
/*
 * Push one token (never JSON_ERROR/JSON_RESET).  On error, *@errmsg gets
 * a g_malloc'd description without offset.
 */
JSONParseStatus json_parser_push(JSONParser *parser, JSONTokenType type,
                                 const char *text, size_t len,
                                 char **errmsg);
/* Containers currently open. */
unsigned json_parser_depth(const JSONParser *parser);
/* The completed value (the caller owns it). */
QObject *json_parser_take(JSONParser *parser);
/* Drop a partial value. */
void json_parser_reset(JSONParser *parser);
void json_parser_destroy(JSONParser *parser);

/* A short human description of a token for error messages (g_free). */
char *json_token_describe(JSONTokenType type, const char *text);

/* For qobject_from_json(): stream offset where the last message began. */
uint64_t json_message_parser_last_start(JSONMessageParser *parser);
/* Make json_message_parser_feed() return without looking further. */
void json_message_parser_stop(JSONMessageParser *parser);

#endif /* QOBJECT_JSON_PARSER_INT_H */

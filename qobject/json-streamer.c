/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSONMessageParser: glue between lexer and parser that cuts the stream
 * into messages, enforces the per-message limits and recovers from
 * errors (the rules are in include/qobject/json-parser.h).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "json-parser-int.h"

struct JSONParserState {
    JSONLexer lexer;
    JSONParser parser;
    bool in_message;
    uint64_t message_start;     /* offset of the message's first token */
    uint64_t tokens;            /* tokens in the current message */
    /*
     * After an error: brackets still open in the bad message.  While it
     * is above zero, tokens are only counted, not parsed.
     */
    uint64_t skip_depth;
};

static JSONParserState *state_of(JSONMessageParser *parser)
{
    return parser->state;
}

static void emit_error(JSONMessageParser *parser, const char *what,
                       uint64_t offset)
{
    Error *err = NULL;

    error_setg(&err, "JSON parse error, %s at offset %" PRIu64,
               what, offset);
    parser->emit(parser->opaque, NULL, err);
}

static void end_message(JSONParserState *st)
{
    st->in_message = false;
    st->lexer.in_message = false;
    st->tokens = 0;
}

static void start_skipping(JSONParserState *st, uint64_t depth)
{
    st->skip_depth = depth;
    st->lexer.discard = depth > 0;
}

/*
 * The current message is bad: report it, drop what was built and skip
 * the rest of it.  @type is the offending token (JSON_ERROR if none).
 */
static void fail(JSONMessageParser *parser, JSONTokenType type,
                 const char *what, uint64_t offset)
{
    JSONParserState *st = state_of(parser);
    int64_t depth = json_parser_depth(&st->parser);

    if (type == JSON_LCURLY || type == JSON_LSQUARE) {
        depth++;
    } else if (type == JSON_RCURLY || type == JSON_RSQUARE) {
        depth--;
    }
    json_parser_reset(&st->parser);
    end_message(st);
    start_skipping(st, MAX(depth, 0));
    emit_error(parser, what, offset);
}

static void skip_token(JSONParserState *st, JSONTokenType type)
{
    if (type == JSON_LCURLY || type == JSON_LSQUARE) {
        st->skip_depth++;
    } else if (type == JSON_RCURLY || type == JSON_RSQUARE) {
        if (--st->skip_depth == 0) {
            st->lexer.discard = false;
        }
    }
}

static void streamer_token(void *opaque, JSONTokenType type,
                           const char *text, size_t len, uint64_t offset)
{
    JSONMessageParser *parser = opaque;
    JSONParserState *st = state_of(parser);
    g_autofree char *errmsg = NULL;
    QObject *obj;

    if (type == JSON_RESET) {
        bool quiet = st->skip_depth || !len;

        json_parser_reset(&st->parser);
        end_message(st);
        start_skipping(st, 0);
        if (!quiet) {
            st->message_start = offset;
            emit_error(parser, text, offset);
        }
        return;
    }
    if (st->skip_depth) {
        skip_token(st, type);
        return;
    }
    if (!st->in_message) {
        st->in_message = true;
        st->message_start = offset;
        st->lexer.in_message = true;
        st->lexer.message_start = offset;
    }
    if (type == JSON_ERROR) {
        fail(parser, type, text, offset);
        return;
    }
    if (++st->tokens > JSON_MAX_MESSAGE_TOKENS) {
        errmsg = g_strdup_printf("too many tokens in message (limit %d)",
                                 JSON_MAX_MESSAGE_TOKENS);
        fail(parser, type, errmsg, offset);
        return;
    }
    if (offset - st->message_start >= JSON_MAX_MESSAGE_SIZE) {
        errmsg = g_strdup_printf("message too large (limit %d MiB)",
                                 JSON_MAX_MESSAGE_SIZE >> 20);
        fail(parser, type, errmsg, offset);
        return;
    }
    switch (json_parser_push(&st->parser, type, text, len, &errmsg)) {
    case JSON_PARSE_MORE:
        break;
    case JSON_PARSE_DONE:
        obj = json_parser_take(&st->parser);
        end_message(st);
        parser->emit(parser->opaque, obj, NULL);
        break;
    case JSON_PARSE_ERROR:
        fail(parser, type, errmsg, offset);
        break;
    }
}

void json_message_parser_init(JSONMessageParser *parser,
                              JSONMessageEmit *emit, void *opaque,
                              va_list *ap)
{
    JSONParserState *st = g_new0(JSONParserState, 1);

    parser->emit = emit;
    parser->opaque = opaque;
    parser->ap = ap;
    parser->state = st;
    json_lexer_init(&st->lexer, ap != NULL, streamer_token, parser);
    json_parser_init(&st->parser, ap);
}

void json_message_parser_feed(JSONMessageParser *parser,
                              const char *buffer, size_t size)
{
    json_lexer_feed(&state_of(parser)->lexer, buffer, size);
}

void json_message_parser_flush(JSONMessageParser *parser)
{
    JSONParserState *st = state_of(parser);

    if (st->lexer.stop) {
        return;
    }
    json_lexer_flush(&st->lexer);
    if (st->in_message && !st->skip_depth && !st->lexer.stop) {
        json_parser_reset(&st->parser);
        end_message(st);
        emit_error(parser, "unexpected end of input", st->lexer.offset);
    }
    json_parser_reset(&st->parser);
    end_message(st);
    start_skipping(st, 0);
}

void json_message_parser_destroy(JSONMessageParser *parser)
{
    JSONParserState *st = state_of(parser);

    if (!st) {
        return;
    }
    json_lexer_destroy(&st->lexer);
    json_parser_destroy(&st->parser);
    g_free(st);
    parser->state = NULL;
}

uint64_t json_message_parser_last_start(JSONMessageParser *parser)
{
    return state_of(parser)->message_start;
}

void json_message_parser_stop(JSONMessageParser *parser)
{
    state_of(parser)->lexer.stop = true;
}

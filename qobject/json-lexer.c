/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON lexer: turns a byte stream, fed in chunks of any size, into
 * tokens.  Strings are decoded (escapes, surrogate pairs) and validated
 * (UTF-8) here, so the parser gets finished text.  Numbers and literals
 * are read as a "word" (a run of bytes that are not whitespace,
 * structural characters, quotes or control bytes) and classified when
 * the word ends; that gives one precise error per bad word ("01", "+1",
 * "NaN", "tru") instead of a cascade.
 *
 * Errors inside a string leave the lexer in sync: it keeps scanning to
 * the closing quote without further reports.  Control bytes and 0xFE /
 * 0xFF force a JSON_RESET, the documented way to resynchronise.
 */
#include "qemu/osdep.h"
#include "json-parser-int.h"

enum {
    LX_START,
    LX_WORD,
    LX_STRING,
    LX_ESCAPE,
    LX_UHEX,
    LX_UTF8,
    LX_PERCENT,
};

#define WORD_SHOWN_MAX 40

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Bytes that may never appear in JSON text outside a string. */
static bool is_reset_byte(unsigned char c)
{
    return (c < 0x20 && !is_ws(c)) || c >= 0xFE;
}

static bool is_word_byte(unsigned char c)
{
    if (c <= 0x20 || c >= 0xFE) {
        return false;
    }
    switch (c) {
    case '{': case '}': case '[': case ']': case ':': case ',':
    case '"': case '\'':
        return false;
    }
    return true;
}

static void lexer_emit(JSONLexer *lx, JSONTokenType type, const char *text,
                       size_t len, uint64_t offset)
{
    lx->emit(lx->opaque, type, text, len, offset);
}

static void G_GNUC_PRINTF(4, 5)
lexer_error(JSONLexer *lx, JSONTokenType type, uint64_t offset,
            const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    lexer_emit(lx, type, msg, strlen(msg), offset);
}

/* Report an error in the current string, once, and stop decoding it. */
#define string_error(lx, offset, fmt, ...) do {                         \
        if (!(lx)->string_bad) {                                        \
            (lx)->string_bad = true;                                    \
            lexer_error(lx, JSON_ERROR, offset, fmt, ## __VA_ARGS__);   \
        }                                                               \
    } while (0)

static bool accumulating(JSONLexer *lx)
{
    return !lx->discard && !lx->string_bad;
}

/* Enforce JSON_MAX_MESSAGE_SIZE on the bytes up to @end (exclusive). */
static void check_size(JSONLexer *lx, uint64_t end)
{
    uint64_t base = lx->in_message ? lx->message_start : lx->token_start;

    if (accumulating(lx) && end - base > JSON_MAX_MESSAGE_SIZE) {
        string_error(lx, end - 1, "message too large (limit %d MiB)",
                     JSON_MAX_MESSAGE_SIZE >> 20);
    }
}

/* @text for an error message: bounded, non-printable bytes escaped. */
static char *word_shown(const char *text, size_t len)
{
    GString *s = g_string_new(NULL);
    size_t i;

    for (i = 0; i < len && i < WORD_SHOWN_MAX; i++) {
        unsigned char c = text[i];

        if (c >= 0x20 && c < 0x7F) {
            g_string_append_c(s, c);
        } else {
            g_string_append_printf(s, "\\x%02x", c);
        }
    }
    if (len > WORD_SHOWN_MAX) {
        g_string_append(s, "...");
    }
    return g_string_free(s, false);
}

/*
 * RFC 8259 number grammar.  Returns JSON_INTEGER, JSON_FLOAT or
 * JSON_ERROR; *leading_zero tells a leading zero from other errors.
 */
static JSONTokenType classify_number(const char *s, size_t len,
                                     bool *leading_zero)
{
    size_t i = 0;
    bool is_float = false;

    *leading_zero = false;
    if (s[i] == '-') {
        i++;
    }
    if (s[i] == '0') {
        i++;
        if (g_ascii_isdigit(s[i])) {
            *leading_zero = true;
            return JSON_ERROR;
        }
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (g_ascii_isdigit(s[i])) {
            i++;
        }
    } else {
        return JSON_ERROR;
    }
    if (s[i] == '.') {
        i++;
        if (!g_ascii_isdigit(s[i])) {
            return JSON_ERROR;
        }
        while (g_ascii_isdigit(s[i])) {
            i++;
        }
        is_float = true;
    }
    if (s[i] == 'e' || s[i] == 'E') {
        i++;
        if (s[i] == '+' || s[i] == '-') {
            i++;
        }
        if (!g_ascii_isdigit(s[i])) {
            return JSON_ERROR;
        }
        while (g_ascii_isdigit(s[i])) {
            i++;
        }
        is_float = true;
    }
    if (i != len) {
        return JSON_ERROR;
    }
    return is_float ? JSON_FLOAT : JSON_INTEGER;
}

static bool is_interp_directive(const char *s)
{
    static const char *const directives[] = {
        "%d", "%i", "%ld", "%lld", "%u", "%lu", "%llu", "%s", "%f", "%p",
        "%" PRId64, "%" PRIu64,
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(directives); i++) {
        if (!strcmp(s, directives[i])) {
            return true;
        }
    }
    return false;
}

static bool is_nan_or_inf(const char *s)
{
    if (*s == '-' || *s == '+') {
        s++;
    }
    return !g_ascii_strcasecmp(s, "nan") || !g_ascii_strcasecmp(s, "inf") ||
           !g_ascii_strcasecmp(s, "infinity");
}

static void finish_word(JSONLexer *lx)
{
    const char *s = lx->text->str;
    size_t len = lx->text->len;
    g_autofree char *shown = NULL;
    JSONTokenType type;
    bool leading_zero;

    lx->state = LX_START;
    if (!accumulating(lx)) {
        if (!lx->string_bad) {
            /* Skipping: only brackets matter, any token will do. */
            lexer_emit(lx, JSON_NULL, "", 0, lx->token_start);
        }
        return;
    }
    if (len == 4 && !memcmp(s, "true", 4)) {
        lexer_emit(lx, JSON_TRUE, s, len, lx->token_start);
        return;
    }
    if (len == 5 && !memcmp(s, "false", 5)) {
        lexer_emit(lx, JSON_FALSE, s, len, lx->token_start);
        return;
    }
    if (len == 4 && !memcmp(s, "null", 4)) {
        lexer_emit(lx, JSON_NULL, s, len, lx->token_start);
        return;
    }
    shown = word_shown(s, len);
    if (s[0] == '%' && lx->interp) {
        if (is_interp_directive(s)) {
            lexer_emit(lx, JSON_INTERP, s, len, lx->token_start);
        } else {
            lexer_error(lx, JSON_ERROR, lx->token_start,
                        "invalid interpolation '%s'", shown);
        }
        return;
    }
    if (is_nan_or_inf(s)) {
        lexer_error(lx, JSON_ERROR, lx->token_start,
                    "NaN and Infinity are not valid JSON ('%s')", shown);
        return;
    }
    if (s[0] == '+') {
        lexer_error(lx, JSON_ERROR, lx->token_start,
                    "'+' sign is not allowed in numbers ('%s')", shown);
        return;
    }
    if (s[0] == '-' || g_ascii_isdigit(s[0]) ||
        (s[0] == '.' && g_ascii_isdigit(s[1]))) {
        type = classify_number(s, len, &leading_zero);
        if (type != JSON_ERROR) {
            lexer_emit(lx, type, s, len, lx->token_start);
        } else if (leading_zero) {
            lexer_error(lx, JSON_ERROR, lx->token_start,
                        "leading zeros are not allowed in numbers ('%s')",
                        shown);
        } else {
            lexer_error(lx, JSON_ERROR, lx->token_start,
                        "invalid number '%s'", shown);
        }
        return;
    }
    if (g_ascii_isalpha(s[0])) {
        lexer_error(lx, JSON_ERROR, lx->token_start,
                    "invalid literal '%s'", shown);
    } else {
        lexer_error(lx, JSON_ERROR, lx->token_start,
                    "unexpected character '%s'", shown);
    }
}

/* Append code point @cp in UTF-8; U+0000 becomes 0xC0 0x80. */
static void append_utf8(GString *s, uint32_t cp)
{
    char buf[4];
    size_t n;

    if (cp == 0) {
        buf[0] = (char)0xC0;
        buf[1] = (char)0x80;
        n = 2;
    } else if (cp < 0x80) {
        buf[0] = cp;
        n = 1;
    } else if (cp < 0x800) {
        buf[0] = 0xC0 | (cp >> 6);
        buf[1] = 0x80 | (cp & 0x3F);
        n = 2;
    } else if (cp < 0x10000) {
        buf[0] = 0xE0 | (cp >> 12);
        buf[1] = 0x80 | ((cp >> 6) & 0x3F);
        buf[2] = 0x80 | (cp & 0x3F);
        n = 3;
    } else {
        buf[0] = 0xF0 | (cp >> 18);
        buf[1] = 0x80 | ((cp >> 12) & 0x3F);
        buf[2] = 0x80 | ((cp >> 6) & 0x3F);
        buf[3] = 0x80 | (cp & 0x3F);
        n = 4;
    }
    g_string_append_len(s, buf, n);
}

static void lone_surrogate(JSONLexer *lx, uint32_t cp, uint64_t offset)
{
    string_error(lx, offset, "lone surrogate \\u%04x in string", cp);
}

static void unicode_escape_done(JSONLexer *lx)
{
    uint32_t cp = lx->hex;

    if (lx->high_surrogate) {
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0x10000 + ((lx->high_surrogate - 0xD800) << 10) +
                 (cp - 0xDC00);
            lx->high_surrogate = 0;
            if (accumulating(lx)) {
                append_utf8(lx->text, cp);
            }
            return;
        }
        lone_surrogate(lx, lx->high_surrogate, lx->surrogate_start);
        lx->high_surrogate = 0;
        return;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        lx->high_surrogate = cp;
        lx->surrogate_start = lx->escape_start;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        lone_surrogate(lx, cp, lx->escape_start);
    } else if (accumulating(lx)) {
        append_utf8(lx->text, cp);
    }
}

/* A byte >= 0x80 in a string: the lead of a UTF-8 sequence. */
static void utf8_lead(JSONLexer *lx, unsigned char c)
{
    uint8_t need, lo = 0x80, hi = 0xBF;

    if (c < 0xC0) {
        string_error(lx, lx->offset, "invalid UTF-8 sequence in string "
                     "(stray continuation byte 0x%02x)", c);
        return;
    } else if (c < 0xC2) {
        string_error(lx, lx->offset, "invalid UTF-8 sequence in string "
                     "(overlong encoding)");
        return;
    } else if (c < 0xE0) {
        need = 1;
    } else if (c < 0xF0) {
        need = 2;
        if (c == 0xE0) {
            lo = 0xA0;
        } else if (c == 0xED) {
            hi = 0x9F;
        }
    } else if (c < 0xF5) {
        need = 3;
        if (c == 0xF0) {
            lo = 0x90;
        } else if (c == 0xF4) {
            hi = 0x8F;
        }
    } else {
        string_error(lx, lx->offset, "invalid UTF-8 sequence in string "
                     "(code point above U+10FFFF)");
        return;
    }
    lx->utf8_need = need;
    lx->utf8_lo = lo;
    lx->utf8_hi = hi;
    lx->utf8_lead = c;
    lx->state = LX_UTF8;
    if (accumulating(lx)) {
        g_string_append_c(lx->text, c);
    }
}

/* A continuation byte did not fit: say why as precisely as we can. */
static void utf8_bad_continuation(JSONLexer *lx, unsigned char c)
{
    bool first = c >= 0x80 && c <= 0xBF;   /* in range, but not allowed */
    const char *why = "truncated sequence";

    if (first) {
        switch (lx->utf8_lead) {
        case 0xE0:
        case 0xF0:
            why = "overlong encoding";
            break;
        case 0xED:
            why = "UTF-16 surrogate encoded in UTF-8";
            break;
        case 0xF4:
            why = "code point above U+10FFFF";
            break;
        }
    }
    string_error(lx, lx->offset, "invalid UTF-8 sequence in string (%s)",
                 why);
}

static void string_reset_byte(JSONLexer *lx, unsigned char c)
{
    lx->state = LX_START;
    if (lx->string_bad || lx->discard) {
        /* Already reported: just start over. */
        lexer_emit(lx, JSON_RESET, "", 0, lx->offset);
    } else if (c < 0x20) {
        lexer_error(lx, JSON_RESET, lx->offset,
                    "control character 0x%02x in string", c);
    } else {
        lexer_error(lx, JSON_RESET, lx->offset,
                    "invalid byte 0x%02x in string", c);
    }
}

static void start_token(JSONLexer *lx, int state)
{
    lx->state = state;
    lx->token_start = lx->offset;
    lx->string_bad = false;
    g_string_truncate(lx->text, 0);
}

/*
 * Process one byte (not the string fast path).  Returns false if the
 * byte must be looked at again in the new state.
 */
static bool lexer_step(JSONLexer *lx, unsigned char c)
{
    static const JSONTokenType structural[256] = {
        ['{'] = JSON_LCURLY + 1, ['}'] = JSON_RCURLY + 1,
        ['['] = JSON_LSQUARE + 1, [']'] = JSON_RSQUARE + 1,
        [':'] = JSON_COLON + 1, [','] = JSON_COMMA + 1,
    };

    switch (lx->state) {
    case LX_START:
        if (is_ws(c)) {
            return true;
        }
        if (structural[c]) {
            lexer_emit(lx, structural[c] - 1, "", 0, lx->offset);
            return true;
        }
        if (c == '"' || c == '\'') {
            start_token(lx, LX_STRING);
            lx->quote = c;
            lx->high_surrogate = 0;
            return true;
        }
        if (is_reset_byte(c)) {
            lexer_error(lx, JSON_RESET, lx->offset,
                        c < 0x20 ? "invalid control character 0x%02x"
                                 : "invalid byte 0x%02x", c);
            return true;
        }
        start_token(lx, LX_WORD);
        return false;

    case LX_WORD:
        if (!is_word_byte(c)) {
            finish_word(lx);
            return false;
        }
        if (accumulating(lx)) {
            check_size(lx, lx->offset + 1);
            if (accumulating(lx)) {
                g_string_append_c(lx->text, c);
            }
        }
        return true;

    case LX_STRING:
        if (lx->high_surrogate && c != '\\') {
            lone_surrogate(lx, lx->high_surrogate, lx->surrogate_start);
            lx->high_surrogate = 0;
        }
        if (c == lx->quote) {
            lx->state = LX_START;
            if (!lx->string_bad) {
                lexer_emit(lx, JSON_STRING, lx->text->str, lx->text->len,
                           lx->token_start);
            }
            return true;
        }
        if (c == '\\') {
            lx->state = LX_ESCAPE;
            lx->escape_start = lx->offset;
            return true;
        }
        if (c < 0x20 || c >= 0xFE) {
            string_reset_byte(lx, c);
            return true;
        }
        if (c >= 0x80) {
            utf8_lead(lx, c);
            return true;
        }
        if (c == '%' && lx->interp) {
            lx->state = LX_PERCENT;
            return true;
        }
        if (accumulating(lx)) {
            g_string_append_c(lx->text, c);
        }
        return true;

    case LX_ESCAPE:
        lx->state = LX_STRING;
        if (lx->high_surrogate && c != 'u') {
            lone_surrogate(lx, lx->high_surrogate, lx->surrogate_start);
            lx->high_surrogate = 0;
        }
        switch (c) {
        case '"':
        case '\\':
        case '/':
            break;
        case '\'':
            if (lx->quote != '\'') {
                string_error(lx, lx->escape_start, "invalid escape '\\'' "
                             "(only valid in single-quoted strings)");
            }
            break;
        case 'b':
            c = '\b';
            break;
        case 'f':
            c = '\f';
            break;
        case 'n':
            c = '\n';
            break;
        case 'r':
            c = '\r';
            break;
        case 't':
            c = '\t';
            break;
        case 'u':
            lx->state = LX_UHEX;
            lx->hex = 0;
            lx->hex_digits = 0;
            return true;
        default:
            if (c < 0x20 || c >= 0xFE) {
                return false;       /* LX_STRING resets */
            }
            if (c < 0x7F) {
                string_error(lx, lx->escape_start, "invalid escape '\\%c'",
                             c);
            } else {
                string_error(lx, lx->escape_start, "invalid escape "
                             "(backslash followed by byte 0x%02x)", c);
            }
            return true;
        }
        if (accumulating(lx)) {
            g_string_append_c(lx->text, c);
        }
        return true;

    case LX_UHEX:
        if (!g_ascii_isxdigit(c)) {
            string_error(lx, lx->escape_start,
                         "invalid \\u escape (expected 4 hex digits)");
            lx->high_surrogate = 0;
            lx->state = LX_STRING;
            return false;
        }
        lx->hex = lx->hex * 16 + g_ascii_xdigit_value(c);
        if (++lx->hex_digits == 4) {
            lx->state = LX_STRING;
            unicode_escape_done(lx);
        }
        return true;

    case LX_UTF8:
        if (c < lx->utf8_lo || c > lx->utf8_hi) {
            utf8_bad_continuation(lx, c);
            lx->state = LX_STRING;
            return false;
        }
        if (accumulating(lx)) {
            g_string_append_c(lx->text, c);
        }
        lx->utf8_lo = 0x80;
        lx->utf8_hi = 0xBF;
        if (--lx->utf8_need == 0) {
            lx->state = LX_STRING;
        }
        return true;

    case LX_PERCENT:
        lx->state = LX_STRING;
        if (c != '%') {
            string_error(lx, lx->offset - 1, "can't interpolate into a "
                         "string (write %%%% for a '%%')");
            return false;
        }
        if (accumulating(lx)) {
            g_string_append_c(lx->text, '%');
        }
        return true;
    }
    g_assert_not_reached();
}

void json_lexer_feed(JSONLexer *lx, const char *buffer, size_t size)
{
    const unsigned char *start = (const unsigned char *)buffer;
    const unsigned char *p = start, *end = start + size;
    uint64_t base = lx->offset;

    while (p < end && !lx->stop) {
        lx->offset = base + (p - start);
        if (lx->state == LX_STRING && !lx->high_surrogate) {
            /* Fast path: a run of plain printable ASCII. */
            const unsigned char *q = p;
            unsigned char quote = lx->quote;

            while (q < end && *q >= 0x20 && *q < 0x80 && *q != quote &&
                   *q != '\\' && !(*q == '%' && lx->interp)) {
                q++;
            }
            if (q > p) {
                if (accumulating(lx)) {
                    check_size(lx, base + (q - start));
                    if (accumulating(lx)) {
                        g_string_append_len(lx->text, (const char *)p,
                                            q - p);
                    }
                }
                p = q;
                continue;
            }
        } else if (lx->state == LX_START && is_ws(*p)) {
            p++;
            continue;
        }
        if (lexer_step(lx, *p)) {
            p++;
        }
    }
    lx->offset = base + (p - start);
}

void json_lexer_flush(JSONLexer *lx)
{
    switch (lx->state) {
    case LX_START:
        break;
    case LX_WORD:
        finish_word(lx);
        break;
    default:
        if (accumulating(lx)) {
            lexer_error(lx, JSON_ERROR, lx->token_start,
                        "unterminated string");
        }
        break;
    }
    json_lexer_reset(lx);
}

void json_lexer_reset(JSONLexer *lx)
{
    lx->state = LX_START;
    lx->string_bad = false;
    lx->high_surrogate = 0;
    g_string_truncate(lx->text, 0);
}

void json_lexer_init(JSONLexer *lx, bool interp, JSONLexerEmit *emit,
                     void *opaque)
{
    memset(lx, 0, sizeof(*lx));
    lx->emit = emit;
    lx->opaque = opaque;
    lx->interp = interp;
    lx->text = g_string_sized_new(64);
    lx->state = LX_START;
}

void json_lexer_destroy(JSONLexer *lx)
{
    g_string_free(lx->text, true);
    lx->text = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict base64 decoding and encoding (see qemu/base64.h).  GLib's
 * decoder silently skips junk, which would turn a typo in a secret into
 * a different secret, so the input is checked here first.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/base64.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The 6-bit value of @c, or -1 if it is not in the alphabet. */
static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

uint8_t *qbase64_decode(const char *input, size_t in_len, size_t *out_len,
                        Error **errp)
{
    size_t pad = 0, i, o;
    uint8_t *out;

    *out_len = 0;
    if (in_len == (size_t)-1) {
        in_len = strlen(input);
    } else if (memchr(input, '\0', in_len)) {
        error_setg(errp, "Base64 data contains embedded NUL characters");
        return NULL;
    }
    while (pad < 2 && pad < in_len && input[in_len - 1 - pad] == '=') {
        pad++;
    }
    for (i = 0; i < in_len - pad; i++) {
        if (b64_value(input[i]) < 0) {
            error_setg(errp, "Base64 data contains invalid characters");
            return NULL;
        }
    }
    if (in_len % 4) {
        error_setg(errp, "Base64 data length is not a multiple of 4");
        return NULL;
    }

    out = g_malloc(in_len / 4 * 3 + 1);
    for (i = 0, o = 0; i < in_len; i += 4) {
        /* Padding counts as zero bits; it only occurs in the last group */
        uint32_t group = 0;
        int k;

        for (k = 0; k < 4; k++) {
            int v = i + k < in_len - pad ? b64_value(input[i + k]) : 0;

            group = (group << 6) | v;
        }
        out[o++] = group >> 16;
        out[o++] = group >> 8;
        out[o++] = group;
    }
    o -= pad;
    out[o] = '\0';
    *out_len = o;
    return out;
}

char *qbase64_encode(const uint8_t *data, size_t len)
{
    char *out = g_malloc(DIV_ROUND_UP(len, 3) * 4 + 1);
    size_t i, o = 0;

    for (i = 0; i < len; i += 3) {
        size_t n = MIN(len - i, 3);
        uint32_t group = (uint32_t)data[i] << 16;

        if (n > 1) {
            group |= (uint32_t)data[i + 1] << 8;
        }
        if (n > 2) {
            group |= data[i + 2];
        }
        out[o++] = b64_alphabet[(group >> 18) & 63];
        out[o++] = b64_alphabet[(group >> 12) & 63];
        out[o++] = n > 1 ? b64_alphabet[(group >> 6) & 63] : '=';
        out[o++] = n > 2 ? b64_alphabet[group & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

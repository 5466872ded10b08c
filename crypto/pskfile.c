/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The keys.psk parser (see include/crypto/pskfile.h). */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "crypto/pskfile.h"

/* Longest key accepted: GnuTLS itself refuses keys over 64 bytes. */
#define PSK_MAX_KEY_HEX 1024

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = g_ascii_tolower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

static bool decode_key(const char *hex, size_t hexlen, const char *filename,
                       const char *username, uint8_t **key, size_t *keylen,
                       Error **errp)
{
    g_autofree uint8_t *out = NULL;

    if (hexlen == 0 || hexlen % 2 || hexlen > PSK_MAX_KEY_HEX) {
        error_setg(errp, "Key of user %s in PSK file %s must be 2 to %d "
                   "hex digits, an even number", username, filename,
                   PSK_MAX_KEY_HEX);
        return false;
    }
    out = g_malloc(hexlen / 2);
    for (size_t i = 0; i < hexlen; i += 2) {
        int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);

        if (hi < 0 || lo < 0) {
            error_setg(errp, "Key of user %s in PSK file %s is not "
                       "hexadecimal", username, filename);
            return false;
        }
        out[i / 2] = hi << 4 | lo;
    }
    *key = g_steal_pointer(&out);
    *keylen = hexlen / 2;
    return true;
}

bool qcrypto_psk_file_lookup(const char *content, size_t len,
                             const char *filename, const char *username,
                             uint8_t **key, size_t *keylen, Error **errp)
{
    size_t ulen = strlen(username);
    const char *p = content, *end = content + len;

    *key = NULL;
    *keylen = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        const char *eol = nl ? nl : end;
        size_t linelen = eol - p;

        /* A file written on Windows ends its lines with "\r\n". */
        if (linelen && p[linelen - 1] == '\r') {
            linelen--;
        }
        if (ulen && linelen > ulen && p[ulen] == ':' &&
            !memcmp(p, username, ulen)) {
            return decode_key(p + ulen + 1, linelen - ulen - 1, filename,
                              username, key, keylen, errp);
        }
        p = nl ? nl + 1 : end;
    }
    error_setg(errp, "Username %s not found in PSK file %s", username,
               filename);
    return false;
}

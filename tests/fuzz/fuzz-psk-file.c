/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the keys.psk parser (crypto/pskfile.c).  The
 * input's first line is the user name to look up, the rest the file.
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * a failure always says why and names the user; a key found is the hex
 * text of the first "user:" line, decoded: re-encoding it gives that
 * text back (ignoring case and a trailing '\r').
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "crypto/pskfile.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The text after "@user:" on the first line that starts with it. */
static bool first_line_for(const char *text, size_t len, const char *user,
                           const char **val, size_t *vlen)
{
    size_t ulen = strlen(user);
    const char *p = text, *end = text + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        const char *eol = nl ? nl : end;

        if ((size_t)(eol - p) > ulen && p[ulen] == ':' &&
            !memcmp(p, user, ulen)) {
            *val = p + ulen + 1;
            *vlen = eol - *val;
            if (*vlen && (*val)[*vlen - 1] == '\r') {
                (*vlen)--;
            }
            return true;
        }
        p = nl ? nl + 1 : end;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    g_autofree char *user = NULL;
    g_autofree uint8_t *key = NULL;
    const char *file, *val;
    size_t filelen, keylen, vlen;
    Error *err = NULL;

    if (!nl || nl - text > 64 || memchr(text, '\0', nl - text)) {
        return 0;
    }
    user = g_strndup(text, nl - text);
    file = nl + 1;
    filelen = size - (file - text);
    if (qcrypto_psk_file_lookup(file, filelen, "keys.psk", user, &key,
                                &keylen, &err)) {
        if (!first_line_for(file, filelen, user, &val, &vlen)) {
            fuzz_fail("key found for '%s' without a line for it", user);
        }
        if (keylen == 0 || vlen != keylen * 2) {
            fuzz_fail("key of %zu bytes from %zu hex digits", keylen, vlen);
        }
        for (size_t i = 0; i < keylen; i++) {
            char hex[3];

            snprintf(hex, sizeof(hex), "%02x", key[i]);
            if (g_ascii_strncasecmp(hex, val + 2 * i, 2)) {
                fuzz_fail("byte %zu is 0x%s, the file says %.2s", i, hex,
                          val + 2 * i);
            }
        }
        return 0;
    }
    if (!err || !strstr(error_get_pretty(err), user)) {
        fuzz_fail("failure without a reason naming '%s'", user);
    }
    error_free(err);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict base64 (RFC 4648, standard alphabet, '=' padding) for QMP
 * arguments that carry binary data, such as secrets.
 */
#ifndef QEMU_BASE64_H
#define QEMU_BASE64_H

/*
 * Decode @in_len bytes of @input, or up to its NUL if @in_len is -1.
 * The input must be whole 4-character groups of the base64 alphabet,
 * with at most two '=' at the very end; no whitespace or line breaks.
 * Returns a g_malloc'd buffer of *@out_len bytes plus a NUL (so text
 * can be used as a string), or NULL with *@out_len = 0 and @errp set.
 */
uint8_t *qbase64_decode(const char *input, size_t in_len, size_t *out_len,
                        Error **errp);

/* Encode @len bytes of @data, padded; free with g_free(). */
char *qbase64_encode(const uint8_t *data, size_t len);

#endif /* QEMU_BASE64_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UUID generation, comparison and text conversion (see qemu/uuid.h).
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/uuid.h"

/* Offsets of the hyphens in the text form. */
static bool uuid_is_hyphen_pos(int i)
{
    return i == 8 || i == 13 || i == 18 || i == 23;
}

void qemu_uuid_generate(QemuUUID *out)
{
    int i;

    for (i = 0; i < 16; i += 4) {
        uint32_t r = g_random_int();

        memcpy(out->data + i, &r, 4);
    }
    /* Version 4 (random) in the high nibble of byte 6 ... */
    out->data[6] = (out->data[6] & 0x0f) | 0x40;
    /* ... and variant 10b (RFC 4122) in the top bits of byte 8. */
    out->data[8] = (out->data[8] & 0x3f) | 0x80;
}

int qemu_uuid_is_null(const QemuUUID *uu)
{
    static const QemuUUID null_uuid;

    return qemu_uuid_is_equal(uu, &null_uuid);
}

int qemu_uuid_is_equal(const QemuUUID *lhv, const QemuUUID *rhv)
{
    return memcmp(lhv->data, rhv->data, sizeof(lhv->data)) == 0;
}

void qemu_uuid_unparse(const QemuUUID *uuid, char *out)
{
    static const char hex[] = "0123456789abcdef";
    int i, o = 0;

    for (i = 0; i < 16; i++) {
        if (uuid_is_hyphen_pos(o)) {
            out[o++] = '-';
        }
        out[o++] = hex[uuid->data[i] >> 4];
        out[o++] = hex[uuid->data[i] & 0xf];
    }
    out[o] = '\0';
}

char *qemu_uuid_unparse_strdup(const QemuUUID *uuid)
{
    char *out = g_malloc(UUID_STR_LEN);

    qemu_uuid_unparse(uuid, out);
    return out;
}

int qemu_uuid_parse(const char *str, QemuUUID *uuid)
{
    QemuUUID tmp;
    int i, b = 0;

    if (!str || strlen(str) != UUID_FMT_LEN) {
        return -1;
    }
    for (i = 0; i < UUID_FMT_LEN; i++) {
        if (uuid_is_hyphen_pos(i)) {
            if (str[i] != '-') {
                return -1;
            }
            continue;
        }
        if (!g_ascii_isxdigit(str[i]) || !g_ascii_isxdigit(str[i + 1])) {
            return -1;
        }
        tmp.data[b++] = g_ascii_xdigit_value(str[i]) << 4 |
                        g_ascii_xdigit_value(str[i + 1]);
        i++;
    }
    *uuid = tmp;
    return 0;
}

QemuUUID qemu_uuid_bswap(QemuUUID uuid)
{
    bswap32s(&uuid.fields.time_low);
    bswap16s(&uuid.fields.time_mid);
    bswap16s(&uuid.fields.time_high_and_version);
    return uuid;
}

uint32_t qemu_uuid_hash(const void *uuid)
{
    const QemuUUID *u = uuid;
    uint32_t h = 0, w;
    int i;

    for (i = 0; i < 16; i += 4) {
        memcpy(&w, u->data + i, 4);
        h = h * 31 + w;
    }
    return h;
}

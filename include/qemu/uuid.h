/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UUIDs (RFC 4122): 16 bytes in big-endian (network) order, their
 * 36-character text form, and random (version 4) generation.
 */
#ifndef QEMU_UUID_H
#define QEMU_UUID_H

typedef struct QemuUUID {
    union {
        unsigned char data[16];
        /*
         * The RFC's fields.  Stored big-endian like data[]; use
         * qemu_uuid_bswap() to get them in host order on x86.
         */
        struct {
            uint32_t time_low;
            uint16_t time_mid;
            uint16_t time_high_and_version;
            uint8_t clock_seq_and_reserved;
            uint8_t clock_seq_low;
            uint8_t node[6];
        } fields;
    };
} QemuUUID;

QEMU_BUILD_BUG_ON(sizeof(QemuUUID) != 16);

/* printf format and arguments of the text form. */
#define UUID_FMT "%02hhx%02hhx%02hhx%02hhx-" \
                 "%02hhx%02hhx-%02hhx%02hhx-" \
                 "%02hhx%02hhx-" \
                 "%02hhx%02hhx%02hhx%02hhx%02hhx%02hhx"
#define UUID_FMT_LEN 36
/* Room for the text form and its NUL. */
#define UUID_STR_LEN (UUID_FMT_LEN + 1)
#define UUID_NONE "00000000-0000-0000-0000-000000000000"

/* A random version 4, variant 1 UUID. */
void qemu_uuid_generate(QemuUUID *out);
/* Whether all 16 bytes are zero. */
int qemu_uuid_is_null(const QemuUUID *uu);
int qemu_uuid_is_equal(const QemuUUID *lhv, const QemuUUID *rhv);
/* Lower-case text into @out, which has room for UUID_STR_LEN bytes. */
void qemu_uuid_unparse(const QemuUUID *uuid, char *out);
char *qemu_uuid_unparse_strdup(const QemuUUID *uuid);
/*
 * Parse exactly 36 characters: hex digits (either case) with hyphens at
 * offsets 8, 13, 18 and 23.  Returns 0, or -1 leaving @uuid unchanged.
 */
int qemu_uuid_parse(const char *str, QemuUUID *uuid);
/* Byte-swap the three multi-byte fields (big-endian <-> little-endian). */
QemuUUID qemu_uuid_bswap(QemuUUID uuid);
/* A hash of the 16 bytes at @uuid, for GHashTable. */
uint32_t qemu_uuid_hash(const void *uuid);

#endif /* QEMU_UUID_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: the payloads of the postcopy stream commands
 * (source -> destination, QEMU_VM_COMMAND) and return-path messages
 * (destination -> source), encoded and decoded apart from what either
 * side does with them, so that they can be tested and fuzzed alone.
 * The byte layouts are QEMU 7.2's (docs/devel/postcopy.md, "Wire").
 *
 * Decoders take the whole payload (the command or message length was
 * read by the caller) and fail with the error QEMU would print.
 */
#ifndef MIGRATION_POSTCOPY_MSG_H
#define MIGRATION_POSTCOPY_MSG_H

#include "migration/qemu-file.h"

/* The only POSTCOPY_RAM_DISCARD version there is. */
#define POSTCOPY_RAM_DISCARD_VERSION 0
/* Ranges per POSTCOPY_RAM_DISCARD command, as QEMU sends them. */
#define POSTCOPY_DISCARDS_PER_COMMAND 12
/* RESUME_ACK's value. */
#define MIGRATION_RESUME_ACK_VALUE 1
/* Ends a received bitmap on the return path. */
#define RAMBLOCK_RECV_BITMAP_ENDING 0x0123456789abcdefULL

/* POSTCOPY_ADVISE: 16 bytes with postcopy-ram, else none. */
#define POSTCOPY_ADVISE_LEN 16
void postcopy_advise_encode(uint8_t buf[POSTCOPY_ADVISE_LEN],
                            uint64_t pagesize_summary,
                            uint64_t target_page_size);
/*
 * Check an ADVISE of @len bytes against the local postcopy-ram setting;
 * on success *@has_ram says whether RAM postcopy was advised and, if
 * so, the two sizes are decoded.
 */
bool postcopy_advise_decode(const uint8_t *buf, unsigned len,
                            bool postcopy_ram, bool *has_ram,
                            uint64_t *pagesize_summary,
                            uint64_t *target_page_size, Error **errp);
/* The sizes advised against the local ones ("Postcopy needs ..."). */
bool postcopy_advise_check(uint64_t remote_summary, uint64_t local_summary,
                           uint64_t remote_tps, uint64_t local_tps,
                           Error **errp);

/*
 * POSTCOPY_RAM_DISCARD: version 0, str8 block, a 0 byte, then @n
 * (be64 start, be64 length) byte ranges.  Returns the payload length
 * written to @buf, which must hold postcopy_discard_len(name, n).
 */
size_t postcopy_discard_len(const char *block, unsigned n);
size_t postcopy_discard_encode(uint8_t *buf, const char *block,
                               const uint64_t *start, const uint64_t *len,
                               unsigned n);
/*
 * Decode a discard payload: the block name into @block (NUL-terminated)
 * and the ranges (g_free *@start and *@len).
 */
bool postcopy_discard_decode(const uint8_t *buf, unsigned len,
                             char block[256], uint64_t **start,
                             uint64_t **length, unsigned *n, Error **errp);

/*
 * str8 block name: the payload of the RECV_BITMAP command and of the
 * return path's RECV_BITMAP message.  Encode returns the length.
 */
size_t postcopy_block_name_encode(uint8_t *buf, const char *block);
bool postcopy_block_name_decode(const uint8_t *buf, unsigned len,
                                const char *what, char block[256],
                                Error **errp);

/*
 * Return path REQ_PAGES (be64 start, be32 len) and REQ_PAGES_ID (the
 * same and str8 block).  @block NULL: REQ_PAGES.  Returns the length.
 */
#define POSTCOPY_REQ_PAGES_MAX_LEN (12 + 1 + 255)
size_t postcopy_req_pages_encode(uint8_t *buf, const char *block,
                                 uint64_t start, uint32_t len);
/*
 * Decode either; @block is set to "" for REQ_PAGES (same block as the
 * last request).
 */
bool postcopy_req_pages_decode(bool with_id, const uint8_t *buf,
                               unsigned len, char block[256],
                               uint64_t *start, uint32_t *pages_len,
                               Error **errp);

/*
 * The received bitmap the destination writes on the return path after
 * a RECV_BITMAP message: be64 size in bytes (a multiple of 8), the
 * bitmap as little-endian 64-bit words, be64 RAMBLOCK_RECV_BITMAP_ENDING.
 */
void postcopy_recv_bitmap_put(QEMUFile *f, const unsigned long *bitmap,
                              uint64_t nbits);
/*
 * Read one for @block of @nbits pages into @bitmap (nbits bits).  Fails
 * on a size other than the local one, a short read, or a bad end mark.
 */
bool postcopy_recv_bitmap_get(QEMUFile *f, const char *block,
                              unsigned long *bitmap, uint64_t nbits,
                              Error **errp);

#endif /* MIGRATION_POSTCOPY_MSG_H */

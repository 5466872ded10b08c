/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XBZRLE: a page as the difference from an older copy of itself.
 *
 * The encoding alternates two kinds of run over the page, each led by
 * its length as a one- or two-byte uleb128: an unchanged run (no bytes
 * follow; zero-length only as the very first run) and a changed run of
 * at least one byte, followed by the new bytes.  Runs are maximal, the
 * last unchanged run is left out, and an unchanged page encodes to
 * nothing.  This is QEMU's format, byte for byte (see
 * docs/devel/migration-stream.md).
 */
#ifndef MIGRATION_XBZRLE_H
#define MIGRATION_XBZRLE_H

#include "qapi/error.h"

/*
 * Encode @new_buf against @old_buf (both @slen bytes, @slen a multiple
 * of 8) into @dst.  Returns the encoded length, 0 if the buffers are
 * equal, or -1 if the encoding would need more than @dlen bytes.
 */
int xbzrle_encode_buffer(const uint8_t *old_buf, const uint8_t *new_buf,
                         int slen, uint8_t *dst, int dlen);

/*
 * Apply the @slen-byte encoding @src to the @dlen-byte page @dst.
 * Returns how far into @dst the last run reached, or -1 if the encoding
 * is malformed or would run past either buffer (@dst may then be
 * partly written).
 */
int xbzrle_decode_buffer(const uint8_t *src, int slen, uint8_t *dst,
                         int dlen);

/*
 * Like xbzrle_decode_buffer(), but a malformed encoding sets @errp to
 * what was wrong and where ("changed run of 300 bytes at page offset
 * 3900 goes past the 4096-byte page").
 */
bool xbzrle_decode_page(const uint8_t *src, int slen, uint8_t *dst,
                        int dlen, Error **errp);

#endif /* MIGRATION_XBZRLE_H */

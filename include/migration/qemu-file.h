/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMUFile: the buffered, error-latching byte stream the migration code
 * writes and reads, over a QIOChannel.
 *
 * A QEMUFile is either an output or an input.  All integers are
 * big-endian.  The first error sticks: after it every put is dropped and
 * every get returns zeros, so callers can write straight-line code and
 * check qemu_file_get_error() at convenient points.  End of file while
 * reading is an error (-EIO): a stream always ends with explicit markers.
 *
 * Output: bytes are copied into a 32 KiB buffer and handed to the channel
 * with writev when it fills, when the iovec array fills, or on
 * qemu_fflush().  qemu_put_buffer_async() queues a reference to the
 * caller's memory instead of copying (guest RAM pages); that memory must
 * stay unchanged until the next qemu_fflush() returns.
 *
 * Input: reads fill the buffer from the channel.  If the channel is
 * non-blocking and has no data, the reader yields its coroutine until it
 * is readable (the incoming migration runs in a coroutine on the main
 * loop); outside a coroutine it blocks in poll.
 *
 * Rate limiting is not QEMUFile's business: it only counts bytes
 * (qemu_file_transferred); the migration code paces itself with them.
 *
 * Not thread-safe: one thread uses a QEMUFile at a time.  An input and
 * its return path (an output on the same channel) may be used by two
 * threads at once.
 */
#ifndef MIGRATION_QEMU_FILE_H
#define MIGRATION_QEMU_FILE_H

#include "io/channel.h"

/* The staging buffer size and the longest iovec array handed to writev. */
#define IO_BUF_SIZE 32768
#define MAX_IOV_SIZE 64

QEMUFile *qemu_file_new_input(QIOChannel *ioc);
QEMUFile *qemu_file_new_output(QIOChannel *ioc);
/*
 * The other direction on the same channel: an output for an input file,
 * an input for an output one.  Each call makes a new QEMUFile, which the
 * caller closes.
 */
QEMUFile *qemu_file_get_return_path(QEMUFile *f);
/*
 * Flush (outputs), close the channel and free @f.  Returns the first
 * error the file saw (negative errno), else the close result, else 0.
 */
int qemu_fclose(QEMUFile *f);
/* Shut the channel down both ways so a blocked peer thread wakes. */
int qemu_file_shutdown(QEMUFile *f);
QIOChannel *qemu_file_get_ioc(QEMUFile *f);
bool qemu_file_is_writable(QEMUFile *f);

/* ---------------------------------------------------------------- write */

void qemu_put_byte(QEMUFile *f, int v);
void qemu_put_be16(QEMUFile *f, unsigned int v);
void qemu_put_be32(QEMUFile *f, unsigned int v);
void qemu_put_be64(QEMUFile *f, uint64_t v);
void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, size_t size);
/*
 * Queue @buf by reference (no copy).  With @may_free, the whole pages
 * inside it are given back to the kernel (MADV_DONTNEED) once written.
 */
void qemu_put_buffer_async(QEMUFile *f, const uint8_t *buf, size_t size,
                           bool may_free);
/* str8: one length byte then the bytes; @str must be < 256 bytes. */
void qemu_put_counted_string(QEMUFile *f, const char *str);
/* Hand everything buffered or queued to the channel. */
void qemu_fflush(QEMUFile *f);

/*
 * Seekable channels only (file:, for mapped-ram).  The channel's
 * position (output flushed first); a move to @off (output flushed, input
 * read ahead dropped); and @size bytes written at @pos outside the
 * stream's order, counted as transferred.  Errors are latched on @f.
 */
off_t qemu_get_offset(QEMUFile *f);
void qemu_set_offset(QEMUFile *f, off_t off, int whence);
void qemu_put_buffer_at(QEMUFile *f, const uint8_t *buf, size_t size,
                        off_t pos);

static inline void qemu_put_8s(QEMUFile *f, const uint8_t *pv)
{
    qemu_put_byte(f, *pv);
}
static inline void qemu_put_be16s(QEMUFile *f, const uint16_t *pv)
{
    qemu_put_be16(f, *pv);
}
static inline void qemu_put_be32s(QEMUFile *f, const uint32_t *pv)
{
    qemu_put_be32(f, *pv);
}
static inline void qemu_put_be64s(QEMUFile *f, const uint64_t *pv)
{
    qemu_put_be64(f, *pv);
}
#define qemu_put_sbyte qemu_put_byte

/* ----------------------------------------------------------------- read */

int qemu_get_byte(QEMUFile *f);
unsigned int qemu_get_be16(QEMUFile *f);
unsigned int qemu_get_be32(QEMUFile *f);
uint64_t qemu_get_be64(QEMUFile *f);
/* Read @size bytes; returns how many were read (less only on error). */
size_t qemu_get_buffer(QEMUFile *f, uint8_t *buf, size_t size);
/*
 * Like qemu_get_buffer, but when the bytes sit contiguously in the
 * internal buffer, *@buf is pointed at them instead of copying (valid
 * until the next read on @f).  Otherwise they are copied to *@buf.
 */
size_t qemu_get_buffer_in_place(QEMUFile *f, uint8_t **buf, size_t size);
/*
 * str8: read a length byte and that many bytes into @buf, NUL
 * terminated (@buf holds 256).  Returns the length, 0 on failure.
 */
size_t qemu_get_counted_string(QEMUFile *f, char buf[256]);
/* The byte @offset bytes ahead, without consuming it. */
int qemu_peek_byte(QEMUFile *f, int offset);
/*
 * Point *@buf at the @size bytes starting @offset bytes ahead, without
 * consuming them; @offset + @size must not exceed IO_BUF_SIZE.  Returns
 * how many bytes are available (less than @size at end of file).
 */
size_t qemu_peek_buffer(QEMUFile *f, uint8_t **buf, size_t size,
                        size_t offset);
/* Consume @size bytes that were peeked. */
void qemu_file_skip(QEMUFile *f, int size);

static inline void qemu_get_8s(QEMUFile *f, uint8_t *pv)
{
    *pv = qemu_get_byte(f);
}
static inline void qemu_get_be16s(QEMUFile *f, uint16_t *pv)
{
    *pv = qemu_get_be16(f);
}
static inline void qemu_get_be32s(QEMUFile *f, uint32_t *pv)
{
    *pv = qemu_get_be32(f);
}
static inline void qemu_get_be64s(QEMUFile *f, uint64_t *pv)
{
    *pv = qemu_get_be64(f);
}
#define qemu_get_sbyte(f) ((int8_t)qemu_get_byte(f))

/* --------------------------------------------------------------- errors */

/* Negative errno of the first error, or 0. */
int qemu_file_get_error(QEMUFile *f);
/*
 * True when the latched error is the channel's clean end of file rather
 * than a failure with a more specific reason.
 */
bool qemu_file_error_is_eof(QEMUFile *f);
/* As above, and a copy of its Error in *@errp (NULL if none was given). */
int qemu_file_get_error_obj(QEMUFile *f, Error **errp);
/*
 * Same, but also reports an error of @f_rp (the return path) if @f has
 * none.
 */
int qemu_file_get_error_obj_any(QEMUFile *f, QEMUFile *f_rp, Error **errp);
/* Latch @ret (negative errno) unless an error is already latched. */
void qemu_file_set_error(QEMUFile *f, int ret);
/* Same with a message; @err is taken over (freed if not kept). */
void qemu_file_set_error_obj(QEMUFile *f, int ret, Error *err);

/* -------------------------------------------------------------- counters */

/*
 * Output: bytes handed to the file so far, buffered ones included.
 * Input: bytes consumed so far (the read position in the stream).
 */
uint64_t qemu_file_transferred(QEMUFile *f);

#endif /* MIGRATION_QEMU_FILE_H */

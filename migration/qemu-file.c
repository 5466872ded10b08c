/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMUFile: a buffered big-endian byte stream over a QIOChannel with a
 * sticky first error.  See include/migration/qemu-file.h.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "migration/qemu-file.h"

/*
 * Input reads up to this much at a time: a 1 GiB stream in 32 KiB reads
 * was 38000 read calls, each a trip through the main loop.  The buffer
 * starts at IO_BUF_SIZE and doubles whenever a read fills it, so a short
 * stream (a packaged blob, a COLO checkpoint's device state) never pays
 * for 256 KiB.  Output still copies at most IO_BUF_SIZE before a flush.
 */
#define QEMU_FILE_IN_SIZE (256 * KiB)

struct QEMUFile {
    QIOChannel *ioc;
    bool is_writable;

    /* Output: bytes put; input: bytes consumed. */
    uint64_t total_transferred;

    /*
     * Output: buf[0, buf_index) holds copied bytes not yet written.
     * Input: buf[buf_index, buf_size) holds bytes read but not consumed.
     */
    size_t buf_index;
    size_t buf_size;
    /* buf_cap bytes, never zeroed: only what was put or read is used. */
    uint8_t *buf;
    size_t buf_cap;

    /* Output: what the next writev sends, in stream order. */
    struct iovec iov[MAX_IOV_SIZE];
    bool may_free[MAX_IOV_SIZE];
    unsigned int iovcnt;

    int last_error;
    Error *last_error_obj;
    /* The latched error is the channel's clean end of file. */
    bool last_error_is_eof;
};

static QEMUFile *qemu_file_new_impl(QIOChannel *ioc, bool is_writable)
{
    QEMUFile *f = g_new0(QEMUFile, 1);

    f->ioc = QIO_CHANNEL(object_ref(ioc));
    f->is_writable = is_writable;
    f->buf_cap = IO_BUF_SIZE;
    f->buf = g_malloc(f->buf_cap);
    return f;
}

QEMUFile *qemu_file_new_input(QIOChannel *ioc)
{
    return qemu_file_new_impl(ioc, false);
}

QEMUFile *qemu_file_new_output(QIOChannel *ioc)
{
    return qemu_file_new_impl(ioc, true);
}

QEMUFile *qemu_file_get_return_path(QEMUFile *f)
{
    return qemu_file_new_impl(f->ioc, !f->is_writable);
}

QIOChannel *qemu_file_get_ioc(QEMUFile *f)
{
    return f->ioc;
}

bool qemu_file_is_writable(QEMUFile *f)
{
    return f->is_writable;
}

/* --------------------------------------------------------------- errors */

void qemu_file_set_error_obj(QEMUFile *f, int ret, Error *err)
{
    if (f->last_error == 0 && ret) {
        f->last_error = ret;
        f->last_error_obj = err;
    } else {
        error_free(err);
    }
}

void qemu_file_set_error(QEMUFile *f, int ret)
{
    qemu_file_set_error_obj(f, ret, NULL);
}

int qemu_file_get_error_obj(QEMUFile *f, Error **errp)
{
    if (errp) {
        *errp = f->last_error_obj ? error_copy(f->last_error_obj) : NULL;
    }
    return f->last_error;
}

bool qemu_file_error_is_eof(QEMUFile *f)
{
    return f->last_error && f->last_error_is_eof;
}

int qemu_file_get_error(QEMUFile *f)
{
    return f->last_error;
}

int qemu_file_get_error_obj_any(QEMUFile *f, QEMUFile *f_rp, Error **errp)
{
    int ret = qemu_file_get_error_obj(f, errp);

    if (!ret && f_rp) {
        ret = qemu_file_get_error_obj(f_rp, errp);
    }
    return ret;
}

/* ---------------------------------------------------------------- write */

/* Give whole pages inside an already written buffer back to the kernel. */
static void qemu_file_release_pages(const struct iovec *iov)
{
    uintptr_t page = qemu_real_host_page_size();
    uintptr_t start = ROUND_UP((uintptr_t)iov->iov_base, page);
    uintptr_t end = QEMU_ALIGN_DOWN((uintptr_t)iov->iov_base + iov->iov_len,
                                    page);

    if (end > start) {
        madvise((void *)start, end - start, MADV_DONTNEED);
    }
}

void qemu_fflush(QEMUFile *f)
{
    Error *local_err = NULL;

    if (!f->is_writable || f->iovcnt == 0) {
        f->buf_index = 0;
        return;
    }
    if (!f->last_error) {
        if (qio_channel_writev_all(f->ioc, f->iov, f->iovcnt,
                                   &local_err) < 0) {
            qemu_file_set_error_obj(f, -EIO, local_err);
        } else {
            for (unsigned int i = 0; i < f->iovcnt; i++) {
                if (f->may_free[i]) {
                    qemu_file_release_pages(&f->iov[i]);
                }
            }
        }
    }
    f->buf_index = 0;
    f->iovcnt = 0;
}

/* Queue @size bytes at @buf; merge with the previous entry if adjacent. */
static void add_to_iovec(QEMUFile *f, const uint8_t *buf, size_t size,
                         bool may_free)
{
    if (f->iovcnt > 0 && !may_free && !f->may_free[f->iovcnt - 1] &&
        (uint8_t *)f->iov[f->iovcnt - 1].iov_base +
        f->iov[f->iovcnt - 1].iov_len == buf) {
        f->iov[f->iovcnt - 1].iov_len += size;
    } else {
        if (f->iovcnt >= MAX_IOV_SIZE) {
            /* Only reachable with async entries; make room. */
            qemu_fflush(f);
        }
        f->may_free[f->iovcnt] = may_free;
        f->iov[f->iovcnt].iov_base = (uint8_t *)buf;
        f->iov[f->iovcnt++].iov_len = size;
    }
    if (f->iovcnt >= MAX_IOV_SIZE) {
        qemu_fflush(f);
    }
}

void qemu_put_buffer_async(QEMUFile *f, const uint8_t *buf, size_t size,
                           bool may_free)
{
    assert(f->is_writable);
    if (f->last_error || size == 0) {
        return;
    }
    f->total_transferred += size;
    add_to_iovec(f, buf, size, may_free);
}

void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, size_t size)
{
    assert(f->is_writable);
    if (f->last_error) {
        return;
    }
    while (size > 0) {
        size_t l = MIN(IO_BUF_SIZE - f->buf_index, size);
        uint8_t *dst = f->buf + f->buf_index;

        memcpy(dst, buf, l);
        f->total_transferred += l;
        f->buf_index += l;
        add_to_iovec(f, dst, l, false);
        if (f->buf_index == IO_BUF_SIZE) {
            qemu_fflush(f);
        }
        if (f->last_error) {
            return;
        }
        buf += l;
        size -= l;
    }
}

void qemu_put_byte(QEMUFile *f, int v)
{
    uint8_t b = v;

    qemu_put_buffer(f, &b, 1);
}

void qemu_put_be16(QEMUFile *f, unsigned int v)
{
    uint8_t b[2] = { v >> 8, v };

    qemu_put_buffer(f, b, sizeof(b));
}

void qemu_put_be32(QEMUFile *f, unsigned int v)
{
    uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

    qemu_put_buffer(f, b, sizeof(b));
}

void qemu_put_be64(QEMUFile *f, uint64_t v)
{
    uint8_t b[8];

    stq_be_p(b, v);
    qemu_put_buffer(f, b, sizeof(b));
}

void qemu_put_counted_string(QEMUFile *f, const char *str)
{
    size_t len = strlen(str);

    assert(len < 256);
    qemu_put_byte(f, len);
    qemu_put_buffer(f, (const uint8_t *)str, len);
}

/* ----------------------------------------------------------------- read */

/*
 * Move unread bytes to the front and read more from the channel, waiting
 * if it has none yet.  Returns the number of bytes added; 0 (with the
 * error latched) at end of file or on error.
 */
static size_t qemu_fill_buffer(QEMUFile *f)
{
    size_t pending = f->buf_size - f->buf_index;
    Error *local_err = NULL;
    ssize_t len;

    assert(!f->is_writable);
    if (f->last_error) {
        return 0;
    }
    if (pending > 0 && f->buf_index > 0) {
        memmove(f->buf, f->buf + f->buf_index, pending);
    }
    f->buf_index = 0;
    f->buf_size = pending;
    if (pending == f->buf_cap) {
        return 0;
    }

    for (;;) {
        len = qio_channel_read(f->ioc, (char *)f->buf + f->buf_size,
                               f->buf_cap - f->buf_size, &local_err);
        if (len != QIO_CHANNEL_ERR_BLOCK) {
            break;
        }
        if (qemu_in_coroutine()) {
            qio_channel_yield(f->ioc, G_IO_IN);
        } else {
            qio_channel_wait(f->ioc, G_IO_IN);
        }
    }
    if (len > 0) {
        f->buf_size += len;
        if (f->buf_size == f->buf_cap && f->buf_cap < QEMU_FILE_IN_SIZE) {
            /* The channel had more than fitted: take bigger reads. */
            f->buf_cap *= 2;
            f->buf = g_realloc(f->buf, f->buf_cap);
        }
        return len;
    }
    if (len == 0) {
        error_setg(&local_err, "Unexpected end of migration stream");
        f->last_error_is_eof = !f->last_error;
    }
    qemu_file_set_error_obj(f, -EIO, local_err);
    return 0;
}

size_t qemu_peek_buffer(QEMUFile *f, uint8_t **buf, size_t size,
                        size_t offset)
{
    size_t pending;

    assert(!f->is_writable);
    assert(offset < IO_BUF_SIZE);
    assert(size <= IO_BUF_SIZE - offset);

    if (f->last_error) {
        return 0;
    }
    pending = f->buf_size - f->buf_index;
    while (pending < offset + size) {
        size_t got = qemu_fill_buffer(f);

        if (got == 0) {
            break;
        }
        pending += got;
    }
    if (pending <= offset) {
        return 0;
    }
    *buf = f->buf + f->buf_index + offset;
    return MIN(size, pending - offset);
}

int qemu_peek_byte(QEMUFile *f, int offset)
{
    uint8_t *p;

    if (offset < 0 || qemu_peek_buffer(f, &p, 1, offset) != 1) {
        return 0;
    }
    return *p;
}

void qemu_file_skip(QEMUFile *f, int size)
{
    if (size > 0 && f->buf_index + size <= f->buf_size) {
        f->buf_index += size;
        f->total_transferred += size;
    }
}

size_t qemu_get_buffer(QEMUFile *f, uint8_t *buf, size_t size)
{
    size_t done = 0;

    while (done < size) {
        uint8_t *src;
        size_t res = qemu_peek_buffer(f, &src, MIN(size - done, IO_BUF_SIZE),
                                      0);

        if (res == 0) {
            /* Failed reads give zeros, never stale bytes. */
            memset(buf + done, 0, size - done);
            break;
        }
        memcpy(buf + done, src, res);
        qemu_file_skip(f, res);
        done += res;
    }
    return done;
}

size_t qemu_get_buffer_in_place(QEMUFile *f, uint8_t **buf, size_t size)
{
    if (size <= IO_BUF_SIZE) {
        uint8_t *src;
        size_t res = qemu_peek_buffer(f, &src, size, 0);

        if (res == size) {
            qemu_file_skip(f, res);
            *buf = src;
            return res;
        }
    }
    return qemu_get_buffer(f, *buf, size);
}

int qemu_get_byte(QEMUFile *f)
{
    int v = qemu_peek_byte(f, 0);

    qemu_file_skip(f, 1);
    return v;
}

/* A short read (error latched) gives 0, never a partial value. */
unsigned int qemu_get_be16(QEMUFile *f)
{
    uint8_t b[2];

    if (qemu_get_buffer(f, b, sizeof(b)) != sizeof(b)) {
        return 0;
    }
    return (b[0] << 8) | b[1];
}

unsigned int qemu_get_be32(QEMUFile *f)
{
    uint8_t b[4];

    if (qemu_get_buffer(f, b, sizeof(b)) != sizeof(b)) {
        return 0;
    }
    return ((unsigned int)b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
}

uint64_t qemu_get_be64(QEMUFile *f)
{
    uint8_t b[8];
    uint64_t v = 0;

    if (qemu_get_buffer(f, b, sizeof(b)) != sizeof(b)) {
        return 0;
    }
    for (int i = 0; i < 8; i++) {
        v = (v << 8) | b[i];
    }
    return v;
}

size_t qemu_get_counted_string(QEMUFile *f, char buf[256])
{
    size_t len = qemu_get_byte(f);
    size_t res = qemu_get_buffer(f, (uint8_t *)buf, len);

    buf[res] = '\0';
    return res == len && !f->last_error ? len : 0;
}

/* ------------------------------------------------------------- seekable */

off_t qemu_get_offset(QEMUFile *f)
{
    Error *local_err = NULL;
    off_t ret;

    qemu_fflush(f);
    ret = qio_channel_io_seek(f->ioc, 0, SEEK_CUR, &local_err);
    if (ret < 0) {
        qemu_file_set_error_obj(f, -EIO, local_err);
    }
    return ret;
}

void qemu_set_offset(QEMUFile *f, off_t off, int whence)
{
    Error *local_err = NULL;

    if (f->is_writable) {
        qemu_fflush(f);
    } else {
        f->buf_index = 0;
        f->buf_size = 0;
    }
    if (qio_channel_io_seek(f->ioc, off, whence, &local_err) < 0) {
        qemu_file_set_error_obj(f, -EIO, local_err);
    }
}

void qemu_put_buffer_at(QEMUFile *f, const uint8_t *buf, size_t size,
                        off_t pos)
{
    Error *local_err = NULL;

    if (f->last_error) {
        return;
    }
    if (qio_channel_pwrite_all(f->ioc, (const char *)buf, size, pos,
                               &local_err) < 0) {
        qemu_file_set_error_obj(f, -EIO, local_err);
        return;
    }
    f->total_transferred += size;
}

/* -------------------------------------------------------------- control */

uint64_t qemu_file_transferred(QEMUFile *f)
{
    return f->total_transferred;
}

int qemu_file_shutdown(QEMUFile *f)
{
    Error *local_err = NULL;

    if (!qio_channel_has_feature(f->ioc, QIO_CHANNEL_FEATURE_SHUTDOWN)) {
        return -ENOSYS;
    }
    if (qio_channel_shutdown(f->ioc, QIO_CHANNEL_SHUTDOWN_BOTH,
                             &local_err) < 0) {
        qemu_file_set_error_obj(f, -EIO, local_err);
        return -EIO;
    }
    /* Whatever follows on this file fails fast. */
    if (!f->last_error) {
        error_setg(&local_err, "Migration stream was shut down");
        qemu_file_set_error_obj(f, -EIO, local_err);
    }
    return 0;
}

int qemu_fclose(QEMUFile *f)
{
    int ret;

    if (f->is_writable) {
        qemu_fflush(f);
    }
    ret = f->last_error;
    if (qio_channel_close(f->ioc, NULL) < 0 && ret == 0) {
        ret = -EIO;
    }
    object_unref(OBJECT(f->ioc));
    error_free(f->last_error_obj);
    g_free(f->buf);
    g_free(f);
    return ret;
}

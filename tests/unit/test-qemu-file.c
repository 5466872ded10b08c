/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for QEMUFile: every width through a buffer channel, large and
 * async buffers, peeking, in-place reads, error latching, counters, and
 * (when io/channel-socket exists) a socketpair with a return path.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "qapi/error.h"
#include "qemu/module.h"
#include "qemu/main-loop.h"
#include "io/channel-buffer.h"
#include "io/channel-null.h"
#include "io/channel-socket.h"
#include "migration/qemu-file.h"

/*
 * An output file on a fresh buffer; *bioc gets the buffer with a reference
 * of its own, which the caller drops after qemu_fclose().
 */
static QEMUFile *open_out(QIOChannelBuffer **bioc)
{
    *bioc = qio_channel_buffer_new(0);
    return qemu_file_new_output(QIO_CHANNEL(*bioc));
}

/* An input file reading @len bytes of @data. */
static QEMUFile *open_in(const void *data, size_t len)
{
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(len);
    QEMUFile *f;

    qio_channel_write_all(QIO_CHANNEL(bioc), data, len, &error_abort);
    bioc->offset = 0;
    f = qemu_file_new_input(QIO_CHANNEL(bioc));
    return f;
}

static void test_widths(void)
{
    QIOChannelBuffer *bioc;
    QEMUFile *f = open_out(&bioc);
    static const uint8_t expect[] = {
        0xab, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef,
        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
        'x', 'y', 'z', 0x03, 'a', 'b', 'c', 0x00,
    };
    char str[256];
    uint8_t buf[3];

    qemu_put_byte(f, 0x1ab);            /* only the low byte counts */
    qemu_put_be16(f, 0x1234);
    qemu_put_be32(f, 0xdeadbeef);
    qemu_put_be64(f, 0x0123456789abcdefULL);
    qemu_put_buffer(f, (const uint8_t *)"xyz", 3);
    qemu_put_counted_string(f, "abc");
    qemu_put_counted_string(f, "");
    g_assert_cmpuint(qemu_file_transferred(f), ==, sizeof(expect));
    /* Nothing reaches the channel before a flush. */
    g_assert_cmpuint(bioc->usage, ==, 0);
    qemu_fflush(f);
    g_assert_cmpuint(bioc->usage, ==, sizeof(expect));
    g_assert_cmpmem(bioc->data, bioc->usage, expect, sizeof(expect));
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    object_unref(bioc);

    f = open_in(expect, sizeof(expect));
    g_assert_cmphex(qemu_get_byte(f), ==, 0xab);
    g_assert_cmphex(qemu_get_be16(f), ==, 0x1234);
    g_assert_cmphex(qemu_get_be32(f), ==, 0xdeadbeef);
    g_assert_cmphex(qemu_get_be64(f), ==, 0x0123456789abcdefULL);
    g_assert_cmpuint(qemu_get_buffer(f, buf, 3), ==, 3);
    g_assert_cmpmem(buf, 3, "xyz", 3);
    g_assert_cmpuint(qemu_get_counted_string(f, str), ==, 3);
    g_assert_cmpstr(str, ==, "abc");
    g_assert_cmpuint(qemu_file_transferred(f), ==, sizeof(expect) - 1);
    g_assert_cmpint(qemu_file_get_error(f), ==, 0);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
}

/* Large copied buffers interleaved with async ones keep their order. */
static void test_large_and_async(void)
{
    QIOChannelBuffer *bioc;
    QEMUFile *f = open_out(&bioc);
    size_t big = 3 * IO_BUF_SIZE + 123;
    g_autofree uint8_t *a = g_malloc(big);
    g_autofree uint8_t *b = g_malloc(4096);
    g_autofree uint8_t *expect = g_malloc(2 * big + 4096 * 100 + 100);
    size_t pos = 0;

    for (size_t i = 0; i < big; i++) {
        a[i] = i * 7;
    }
    memset(b, 0x5a, 4096);
    qemu_put_buffer(f, a, big);
    memcpy(expect + pos, a, big);
    pos += big;
    /* More async entries than MAX_IOV_SIZE forces flushes in between. */
    for (int i = 0; i < 100; i++) {
        qemu_put_byte(f, i);
        expect[pos++] = i;
        qemu_put_buffer_async(f, b, 4096, false);
        memcpy(expect + pos, b, 4096);
        pos += 4096;
    }
    qemu_put_buffer(f, a, big);
    memcpy(expect + pos, a, big);
    pos += big;
    g_assert_cmpuint(qemu_file_transferred(f), ==, pos);
    qemu_fflush(f);
    g_assert_cmpuint(bioc->usage, ==, pos);
    g_assert(memcmp(bioc->data, expect, pos) == 0);
    g_assert_cmpint(qemu_fclose(f), ==, 0);

    /* And read back in odd-sized pieces. */
    f = open_in(expect, pos);
    {
        g_autofree uint8_t *got = g_malloc(pos);
        size_t off = 0, step = 1;

        while (off < pos) {
            size_t n = MIN(step, pos - off);

            g_assert_cmpuint(qemu_get_buffer(f, got + off, n), ==, n);
            off += n;
            step = step * 3 + 1;
        }
        g_assert(memcmp(got, expect, pos) == 0);
    }
    g_assert_cmpint(qemu_file_get_error(f), ==, 0);
    qemu_fclose(f);
    object_unref(bioc);
}

static void test_peek_skip_in_place(void)
{
    static const uint8_t data[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    QEMUFile *f = open_in(data, sizeof(data));
    uint8_t *p;
    uint8_t local[4];
    uint8_t *dst = local;

    g_assert_cmpint(qemu_peek_byte(f, 0), ==, 1);
    g_assert_cmpint(qemu_peek_byte(f, 5), ==, 6);
    g_assert_cmpuint(qemu_peek_buffer(f, &p, 3, 2), ==, 3);
    g_assert_cmpmem(p, 3, data + 2, 3);
    /* Peeking past the end gives what there is. */
    g_assert_cmpuint(qemu_peek_buffer(f, &p, 6, 4), ==, 4);
    g_assert_cmpint(qemu_file_get_error(f), ==, -EIO);
    qemu_fclose(f);

    f = open_in(data, sizeof(data));
    qemu_file_skip(f, 2);
    g_assert_cmpuint(qemu_file_transferred(f), ==, 0);  /* not peeked */
    g_assert_cmpint(qemu_peek_byte(f, 1), ==, 2);
    qemu_file_skip(f, 2);
    g_assert_cmpuint(qemu_file_transferred(f), ==, 2);
    /* In place: points into the file's buffer, not at @local. */
    g_assert_cmpuint(qemu_get_buffer_in_place(f, &dst, 4), ==, 4);
    g_assert(dst != local);
    g_assert_cmpmem(dst, 4, data + 2, 4);
    g_assert_cmpint(qemu_get_byte(f), ==, 7);
    g_assert_cmpint(qemu_get_byte(f), ==, 8);
    g_assert_cmpint(qemu_file_get_error(f), ==, 0);
    qemu_fclose(f);
}

static void test_in_place_copy(void)
{
    size_t len = IO_BUF_SIZE + 10;
    g_autofree uint8_t *data = g_malloc(len);
    g_autofree uint8_t *local = g_malloc(len);
    uint8_t *dst = local;
    QEMUFile *f;

    for (size_t i = 0; i < len; i++) {
        data[i] = i;
    }
    f = open_in(data, len);
    /* Too big for the buffer: copied into the caller's memory. */
    g_assert_cmpuint(qemu_get_buffer_in_place(f, &dst, len), ==, len);
    g_assert(dst == local);
    g_assert(memcmp(local, data, len) == 0);
    qemu_fclose(f);
}

static void test_error_latching(void)
{
    static const uint8_t data[] = { 0x11, 0x22, 0x33 };
    QEMUFile *f = open_in(data, sizeof(data));
    Error *err = NULL;
    uint8_t buf[4] = { 0xff, 0xff, 0xff, 0xff };

    g_assert_cmphex(qemu_get_be16(f), ==, 0x1122);
    /* Only one byte left: the be32 fails and reads as 0. */
    g_assert_cmphex(qemu_get_be32(f), ==, 0);
    g_assert_cmpint(qemu_file_get_error_obj(f, &err), ==, -EIO);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Unexpected end of migration stream");
    g_assert_true(qemu_file_error_is_eof(f));
    error_free(err);
    err = NULL;
    /* Later errors do not replace the first. */
    qemu_file_set_error(f, -EPERM);
    g_assert_cmpint(qemu_file_get_error(f), ==, -EIO);
    g_assert_true(qemu_file_error_is_eof(f));
    /* Everything after is a no-op returning zeros. */
    g_assert_cmpint(qemu_get_byte(f), ==, 0);
    g_assert_cmpuint(qemu_get_buffer(f, buf, 4), ==, 0);
    g_assert_cmphex(buf[0] | buf[3], ==, 0);
    g_assert_cmpint(qemu_fclose(f), ==, -EIO);

    /* Output: a latched error drops puts and comes back from fclose. */
    {
        QIOChannelBuffer *bioc;
        QEMUFile *o = open_out(&bioc);

        qemu_put_be32(o, 1);
        error_setg(&err, "injected");
        qemu_file_set_error_obj(o, -ENOSPC, err);
        g_assert_false(qemu_file_error_is_eof(o));
        qemu_put_be32(o, 2);
        g_assert_cmpuint(qemu_file_transferred(o), ==, 4);
        g_assert_cmpint(qemu_fclose(o), ==, -ENOSPC);
        g_assert_cmpuint(bioc->usage, ==, 0);
        object_unref(bioc);
    }
}

/*
 * A read failing for a reason (a closed channel) is not an end of file,
 * nor is an end of file met after another error was latched.
 */
static void test_read_error_not_eof(void)
{
    g_autoptr(QIOChannelNull) nioc = qio_channel_null_new();
    QEMUFile *f = qemu_file_new_input(QIO_CHANNEL(nioc));
    Error *err = NULL;

    g_assert_false(qemu_file_error_is_eof(f));
    qio_channel_close(QIO_CHANNEL(nioc), &error_abort);
    g_assert_cmpint(qemu_get_byte(f), ==, 0);
    g_assert_cmpint(qemu_file_get_error_obj(f, &err), ==, -EIO);
    g_assert_nonnull(err);
    g_assert_false(qemu_file_error_is_eof(f));
    error_free(err);
    qemu_fclose(f);

    f = open_in("", 0);
    qemu_file_set_error(f, -EPERM);
    g_assert_cmpint(qemu_get_byte(f), ==, 0);
    g_assert_cmpint(qemu_file_get_error(f), ==, -EPERM);
    g_assert_false(qemu_file_error_is_eof(f));
    qemu_fclose(f);
}

/* Writing to a closed channel fails at flush time with its message. */
static void test_write_error(void)
{
    g_autoptr(QIOChannelNull) nioc = qio_channel_null_new();
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(nioc));
    Error *err = NULL;

    qemu_put_be64(f, 42);
    qemu_fflush(f);
    g_assert_cmpint(qemu_file_get_error(f), ==, 0);
    qio_channel_close(QIO_CHANNEL(nioc), &error_abort);
    qemu_put_be64(f, 43);
    qemu_fflush(f);
    g_assert_cmpint(qemu_file_get_error_obj(f, &err), ==, -EIO);
    g_assert_nonnull(strstr(error_get_pretty(err), "closed channel"));
    error_free(err);
    qemu_fclose(f);
}

/* ------------------------------------------------------------ sockets */

typedef struct SockPeer {
    QIOChannelSocket *sioc;
    size_t len;
} SockPeer;

/* The far end: echo @len bytes back, reversed direction via return path. */
static gpointer echo_thread(gpointer opaque)
{
    SockPeer *p = opaque;
    QEMUFile *in = qemu_file_new_input(QIO_CHANNEL(p->sioc));
    QEMUFile *rp = qemu_file_get_return_path(in);
    g_autofree uint8_t *buf = g_malloc(p->len);

    g_assert(qemu_file_is_writable(rp));
    qemu_get_buffer(in, buf, p->len);
    qemu_put_buffer(rp, buf, p->len);
    qemu_put_be32(rp, qemu_get_be32(in) + 1);
    qemu_fflush(rp);
    g_assert_cmpint(qemu_file_get_error(in), ==, 0);
    qemu_fclose(rp);
    qemu_fclose(in);
    return NULL;
}

static void test_socketpair_return_path(void)
{
    int sv[2];
    SockPeer peer;
    QIOChannelSocket *mine;
    QEMUFile *out, *rp;
    GThread *th;
    size_t len = 5 * IO_BUF_SIZE + 7;
    g_autofree uint8_t *data = g_malloc(len);
    g_autofree uint8_t *back = g_malloc(len);

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    mine = qio_channel_socket_new_fd(sv[0], &error_abort);
    peer.sioc = qio_channel_socket_new_fd(sv[1], &error_abort);
    peer.len = len;
    for (size_t i = 0; i < len; i++) {
        data[i] = i ^ (i >> 8);
    }
    th = g_thread_new("echo", echo_thread, &peer);

    out = qemu_file_new_output(QIO_CHANNEL(mine));
    rp = qemu_file_get_return_path(out);
    g_assert(!qemu_file_is_writable(rp));
    g_assert(qemu_file_get_ioc(rp) == QIO_CHANNEL(mine));
    qemu_put_buffer(out, data, len);
    qemu_put_be32(out, 41);
    qemu_fflush(out);
    g_assert_cmpuint(qemu_get_buffer(rp, back, len), ==, len);
    g_assert(memcmp(back, data, len) == 0);
    g_assert_cmpuint(qemu_get_be32(rp), ==, 42);
    g_assert_cmpint(qemu_file_get_error(rp), ==, 0);
    g_thread_join(th);
    /* The peer closed: the next read is end of stream. */
    qemu_get_byte(rp);
    g_assert_cmpint(qemu_file_get_error(rp), ==, -EIO);
    qemu_fclose(rp);
    g_assert_cmpint(qemu_fclose(out), ==, 0);
    object_unref(mine);
    object_unref(peer.sioc);
}

/* A non-blocking input read from a coroutine yields until data comes. */
typedef struct CoRead {
    QEMUFile *f;
    uint32_t val;
    bool done;
} CoRead;

static void coroutine_fn co_read(void *opaque)
{
    CoRead *c = opaque;

    c->val = qemu_get_be32(c->f);
    c->done = true;
}

static void test_coroutine_yield(void)
{
    int sv[2];
    QIOChannelSocket *a, *b;
    CoRead c = { 0 };
    Coroutine *co;
    uint8_t half[2] = { 0xca, 0xfe };
    uint8_t rest[2] = { 0xba, 0xbe };

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    a = qio_channel_socket_new_fd(sv[0], &error_abort);
    b = qio_channel_socket_new_fd(sv[1], &error_abort);
    qio_channel_set_blocking(QIO_CHANNEL(b), false, &error_abort);
    c.f = qemu_file_new_input(QIO_CHANNEL(b));

    co = qemu_coroutine_create(co_read, &c);
    qemu_coroutine_enter(co);
    g_assert_false(c.done);             /* parked: no data yet */
    qio_channel_write_all(QIO_CHANNEL(a), (char *)half, 2, &error_abort);
    for (int i = 0; i < 10 && !c.done; i++) {
        main_loop_wait(true);
    }
    g_assert_false(c.done);             /* half a be32 is not enough */
    qio_channel_write_all(QIO_CHANNEL(a), (char *)rest, 2, &error_abort);
    for (int i = 0; i < 1000 && !c.done; i++) {
        main_loop_wait(false);
    }
    g_assert_true(c.done);
    g_assert_cmphex(c.val, ==, 0xcafebabe);
    qemu_fclose(c.f);
    object_unref(a);
    object_unref(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    qemu_init_main_loop(&error_abort);
    bql_lock();

    g_test_add_func("/qemu-file/widths", test_widths);
    g_test_add_func("/qemu-file/large-and-async", test_large_and_async);
    g_test_add_func("/qemu-file/peek-skip-in-place",
                    test_peek_skip_in_place);
    g_test_add_func("/qemu-file/in-place-copy", test_in_place_copy);
    g_test_add_func("/qemu-file/error-latching", test_error_latching);
    g_test_add_func("/qemu-file/write-error", test_write_error);
    g_test_add_func("/qemu-file/read-error-not-eof",
                    test_read_error_not_eof);
    g_test_add_func("/qemu-file/socketpair-return-path",
                    test_socketpair_return_path);
    g_test_add_func("/qemu-file/coroutine-yield", test_coroutine_yield);
    return g_test_run();
}

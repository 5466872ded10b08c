/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for the QIOChannel backends: sockets (unix and TCP with port 0,
 * async connect, fd passing, shutdown), file (offsets, seek), command,
 * buffer, null, watches on the main loop and the net listener.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "io/channel-buffer.h"
#include "io/channel-command.h"
#include "io/channel-file.h"
#include "io/channel-null.h"
#include "io/channel-socket.h"
#include "io/net-listener.h"

/* Run the main loop until *@flag or about 10 s (generous, not timed). */
static void wait_for(bool *flag)
{
    for (int i = 0; i < 10000 && !*flag; i++) {
        main_loop_wait(true);
        if (!*flag) {
            g_usleep(1000);
        }
    }
    g_assert_true(*flag);
}

/* Listen on @addr, connect a client, accept: a connected pair. */
static void socket_pair(SocketAddress *addr, QIOChannelSocket **client,
                        QIOChannelSocket **server)
{
    g_autoptr(QIOChannelSocket) lioc = qio_channel_socket_new();
    g_autoptr(SocketAddress) local = NULL;

    g_assert_cmpint(qio_channel_socket_listen_sync(lioc, addr, 1,
                                                   &error_abort), ==, 0);
    g_assert_true(qio_channel_has_feature(QIO_CHANNEL(lioc),
                                          QIO_CHANNEL_FEATURE_LISTEN));
    local = qio_channel_socket_get_local_address(lioc, &error_abort);
    *client = qio_channel_socket_new();
    g_assert_cmpint(qio_channel_socket_connect_sync(*client, local,
                                                    &error_abort), ==, 0);
    *server = qio_channel_socket_accept(lioc, &error_abort);
    g_assert_nonnull(*server);
}

typedef struct Writer {
    QIOChannel *ioc;
    const char *buf;
    size_t len;
    int flags;
} Writer;

static gpointer writer_thread(gpointer opaque)
{
    Writer *w = opaque;
    struct iovec iov[2] = {
        { (char *)w->buf, 10 }, { (char *)w->buf + 10, w->len - 10 },
    };

    g_assert_cmpint(qio_channel_writev_full_all(w->ioc, iov, 2, NULL, 0,
                                                w->flags, &error_abort),
                    ==, 0);
    return NULL;
}

static void transfer_full(QIOChannel *src, QIOChannel *dst, int flags)
{
    size_t len = 3 * MiB + 123;
    g_autofree char *out = g_malloc(len);
    g_autofree char *in = g_malloc(len);
    Writer w = { src, out, len, flags };
    GThread *th;

    for (size_t i = 0; i < len; i++) {
        out[i] = i * 31;
    }
    th = g_thread_new("writer", writer_thread, &w);
    g_assert_cmpint(qio_channel_read_all(dst, in, len, &error_abort), ==, 0);
    g_thread_join(th);
    g_assert(memcmp(in, out, len) == 0);
}

static void transfer(QIOChannel *src, QIOChannel *dst)
{
    transfer_full(src, dst, 0);
}

/*
 * Spliced writes (pages by reference through a pipe) carry the same
 * bytes, over unix and TCP sockets, blocking or not (more than the pipe
 * holds, from unaligned buffers); after a shutdown they fail, leaving
 * nothing behind for a later write.
 */
static void test_splice(void)
{
#ifdef __linux__
    g_autofree char *dir = g_dir_make_tmp("tern-io-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "sock", NULL);
    SocketAddress addrs[2] = {
        { .type = SOCKET_ADDRESS_TYPE_UNIX, .u.q_unix.path = path },
        { .type = SOCKET_ADDRESS_TYPE_INET,
          .u.inet = { .host = (char *)"127.0.0.1", .port = (char *)"0" } },
    };

    for (int i = 0; i < 2; i++) {
        QIOChannelSocket *c, *s;
        char page[4096] = { 1 };
        Error *err = NULL;

        socket_pair(&addrs[i], &c, &s);
        g_assert_true(qio_channel_has_feature(
                          QIO_CHANNEL(c), QIO_CHANNEL_FEATURE_WRITE_SPLICE));
        transfer_full(QIO_CHANNEL(c), QIO_CHANNEL(s),
                      QIO_CHANNEL_WRITE_FLAG_SPLICE);
        qio_channel_set_blocking(QIO_CHANNEL(c), false, &error_abort);
        transfer_full(QIO_CHANNEL(c), QIO_CHANNEL(s),
                      QIO_CHANNEL_WRITE_FLAG_SPLICE);
        qio_channel_set_blocking(QIO_CHANNEL(c), true, &error_abort);
        qio_channel_shutdown(QIO_CHANNEL(c), QIO_CHANNEL_SHUTDOWN_BOTH,
                             &error_abort);
        g_assert_cmpint(qio_channel_writev_full(
                            QIO_CHANNEL(c),
                            &(struct iovec){ page, sizeof(page) }, 1, NULL,
                            0, QIO_CHANNEL_WRITE_FLAG_SPLICE, &err), ==, -1);
        g_assert_nonnull(err);
        error_free(err);
        g_assert_cmpint(c->splice_pipe[0], ==, -1);
        object_unref(c);
        object_unref(s);
        unlink(path);
    }
    rmdir(dir);
#else
    g_test_skip("spliced writes are Linux only");
#endif
}

static void test_unix_socket(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-io-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "sock", NULL);
    SocketAddress addr = {
        .type = SOCKET_ADDRESS_TYPE_UNIX,
        .u.q_unix.path = path,
    };
    QIOChannelSocket *c, *s;
    char buf[4];
    Error *err = NULL;

    socket_pair(&addr, &c, &s);
    g_assert_true(qio_channel_has_feature(QIO_CHANNEL(c),
                                          QIO_CHANNEL_FEATURE_FD_PASS));
    transfer(QIO_CHANNEL(c), QIO_CHANNEL(s));
    transfer(QIO_CHANNEL(s), QIO_CHANNEL(c));
    /* Non-blocking read with nothing there: ERR_BLOCK. */
    qio_channel_set_blocking(QIO_CHANNEL(s), false, &error_abort);
    g_assert_cmpint(qio_channel_read(QIO_CHANNEL(s), buf, 4, NULL), ==,
                    QIO_CHANNEL_ERR_BLOCK);
    /* Shutdown: the peer sees end of file. */
    qio_channel_shutdown(QIO_CHANNEL(c), QIO_CHANNEL_SHUTDOWN_BOTH,
                         &error_abort);
    qio_channel_set_blocking(QIO_CHANNEL(s), true, &error_abort);
    g_assert_cmpint(qio_channel_read_all_eof(QIO_CHANNEL(s), buf, 4,
                                             &error_abort), ==, 0);
    g_assert_cmpint(qio_channel_read_all(QIO_CHANNEL(s), buf, 4, &err), ==,
                    -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Unexpected end-of-file before all data were read");
    error_free(err);
    object_unref(c);
    object_unref(s);
    rmdir(dir);
}

static void test_tcp_socket(void)
{
    SocketAddress addr = {
        .type = SOCKET_ADDRESS_TYPE_INET,
        .u.inet = { .host = (char *)"127.0.0.1", .port = (char *)"0" },
    };
    QIOChannelSocket *c, *s;
    g_autoptr(SocketAddress) remote = NULL;
    g_autoptr(SocketAddress) local = NULL;

    socket_pair(&addr, &c, &s);
    g_assert_false(qio_channel_has_feature(QIO_CHANNEL(c),
                                           QIO_CHANNEL_FEATURE_FD_PASS));
    remote = qio_channel_socket_get_remote_address(s, &error_abort);
    local = qio_channel_socket_get_local_address(c, &error_abort);
    g_assert_cmpstr(remote->u.inet.port, ==, local->u.inet.port);
    qio_channel_set_delay(QIO_CHANNEL(c), false);
    transfer(QIO_CHANNEL(c), QIO_CHANNEL(s));
    object_unref(c);
    object_unref(s);
}

static void test_fd_passing(void)
{
    int sv[2], pfd[2];
    QIOChannelSocket *a, *b;
    int fds[2];
    int *rfds = NULL;
    size_t nrfds = 0;
    char c = 'm';
    struct iovec iov = { &c, 1 };
    char got;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    g_assert_cmpint(pipe(pfd), ==, 0);
    a = qio_channel_socket_new_fd(sv[0], &error_abort);
    b = qio_channel_socket_new_fd(sv[1], &error_abort);
    fds[0] = pfd[0];
    fds[1] = pfd[1];
    g_assert_cmpint(qio_channel_writev_full_all(QIO_CHANNEL(a), &iov, 1,
                                                fds, 2, 0, &error_abort),
                    ==, 0);
    iov.iov_base = &got;
    g_assert_cmpint(qio_channel_readv_full_all(QIO_CHANNEL(b), &iov, 1,
                                               &rfds, &nrfds, &error_abort),
                    ==, 0);
    g_assert_cmpint(got, ==, 'm');
    g_assert_cmpuint(nrfds, ==, 2);
    /* The received pair is the same pipe: write one end, read the other. */
    g_assert_cmpint(write(rfds[1], "p", 1), ==, 1);
    g_assert_cmpint(read(pfd[0], &got, 1), ==, 1);
    g_assert_cmpint(got, ==, 'p');
    close(rfds[0]);
    close(rfds[1]);
    g_free(rfds);
    close(pfd[0]);
    close(pfd[1]);
    object_unref(a);
    object_unref(b);
}

typedef struct AsyncConnect {
    bool done;
    bool ok;
} AsyncConnect;

static void async_connected(QIOTask *task, gpointer opaque)
{
    AsyncConnect *ac = opaque;

    ac->ok = qio_task_propagate_error(task, NULL);
    ac->done = true;
}

static void test_connect_async(void)
{
    SocketAddress addr = {
        .type = SOCKET_ADDRESS_TYPE_INET,
        .u.inet = { .host = (char *)"127.0.0.1", .port = (char *)"0" },
    };
    g_autoptr(QIOChannelSocket) lioc = qio_channel_socket_new();
    g_autoptr(QIOChannelSocket) cioc = qio_channel_socket_new();
    g_autoptr(QIOChannelSocket) bad = qio_channel_socket_new();
    g_autoptr(SocketAddress) local = NULL;
    AsyncConnect ac = { 0 }, ac2 = { 0 };
    QIOChannelSocket *sioc;

    qio_channel_socket_listen_sync(lioc, &addr, 1, &error_abort);
    local = qio_channel_socket_get_local_address(lioc, &error_abort);
    qio_channel_socket_connect_async(cioc, local, async_connected, &ac,
                                     NULL, NULL);
    wait_for(&ac.done);
    g_assert_true(ac.ok);
    sioc = qio_channel_socket_accept(lioc, &error_abort);
    object_unref(sioc);

    /* Nobody listens after close: the callback reports the failure. */
    qio_channel_close(QIO_CHANNEL(lioc), &error_abort);
    qio_channel_socket_connect_async(bad, local, async_connected, &ac2,
                                     NULL, NULL);
    wait_for(&ac2.done);
    g_assert_false(ac2.ok);
}

static void test_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-io-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "f", NULL);
    QIOChannelFile *fioc;
    char buf[8] = { 0 };
    Error *err = NULL;

    fioc = qio_channel_file_new_path(path, O_RDWR | O_CREAT | O_TRUNC, 0600,
                                     &error_abort);
    g_assert_true(qio_channel_has_feature(QIO_CHANNEL(fioc),
                                          QIO_CHANNEL_FEATURE_SEEKABLE));
    qio_channel_write_all(QIO_CHANNEL(fioc), "hello", 5, &error_abort);
    g_assert_cmpint(qio_channel_pwrite(QIO_CHANNEL(fioc), "XY", 2, 1000,
                                       &error_abort), ==, 2);
    g_assert_cmpint(qio_channel_pread(QIO_CHANNEL(fioc), buf, 2, 1000,
                                      &error_abort), ==, 2);
    g_assert_cmpmem(buf, 2, "XY", 2);
    /* pwrite does not move the stream position. */
    g_assert_cmpint(qio_channel_io_seek(QIO_CHANNEL(fioc), 0, SEEK_CUR,
                                        &error_abort), ==, 5);
    g_assert_cmpint(qio_channel_io_seek(QIO_CHANNEL(fioc), 1, SEEK_SET,
                                        &error_abort), ==, 1);
    g_assert_cmpint(qio_channel_read(QIO_CHANNEL(fioc), buf, 4,
                                     &error_abort), ==, 4);
    g_assert_cmpmem(buf, 4, "ello", 4);
    qio_channel_close(QIO_CHANNEL(fioc), &error_abort);
    object_unref(fioc);

    g_assert_null(qio_channel_file_new_path(path, O_RDONLY | O_DIRECTORY, 0,
                                            &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "Unable to open"));
    error_free(err);
    err = NULL;

    /* A pipe is not seekable. */
    {
        int pfd[2];
        QIOChannelFile *p;

        g_assert_cmpint(pipe(pfd), ==, 0);
        p = qio_channel_file_new_fd(pfd[0]);
        close(pfd[1]);
        g_assert_false(qio_channel_has_feature(
                           QIO_CHANNEL(p), QIO_CHANNEL_FEATURE_SEEKABLE));
        g_assert_cmpint(qio_channel_pread(QIO_CHANNEL(p), buf, 1, 0, &err),
                        ==, -1);
        g_assert_nonnull(err);
        error_free(err);
        object_unref(p);
    }
    unlink(path);
    rmdir(dir);
}

static void test_command(void)
{
    const char *cat[] = { "cat", NULL };
    const char *fail[] = { "sh", "-c", "cat >/dev/null; exit 3", NULL };
    const char *echo[] = { "sh", "-c", "printf tern", NULL };
    QIOChannelCommand *cioc;
    char buf[16] = { 0 };
    Error *err = NULL;

    /* cat: what goes in comes out. */
    cioc = qio_channel_command_new_spawn(cat, O_RDWR, &error_abort);
    qio_channel_write_all(QIO_CHANNEL(cioc), "abc", 3, &error_abort);
    g_assert_cmpint(qio_channel_read_all(QIO_CHANNEL(cioc), buf, 3,
                                         &error_abort), ==, 0);
    g_assert_cmpstr(buf, ==, "abc");
    g_assert_cmpint(qio_channel_close(QIO_CHANNEL(cioc), &error_abort), ==,
                    0);
    object_unref(cioc);

    /* Read-only: the child's output, then end of file. */
    cioc = qio_channel_command_new_spawn(echo, O_RDONLY, &error_abort);
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(qio_channel_read_all(QIO_CHANNEL(cioc), buf, 4,
                                         &error_abort), ==, 0);
    g_assert_cmpstr(buf, ==, "tern");
    g_assert_cmpint(qio_channel_read_all_eof(QIO_CHANNEL(cioc), buf, 1,
                                             &error_abort), ==, 0);
    g_assert_cmpint(qio_channel_close(QIO_CHANNEL(cioc), &error_abort), ==,
                    0);
    object_unref(cioc);

    /* A non-zero exit is reported by close. */
    cioc = qio_channel_command_new_spawn(fail, O_WRONLY, &error_abort);
    qio_channel_write_all(QIO_CHANNEL(cioc), "x", 1, &error_abort);
    g_assert_cmpint(qio_channel_close(QIO_CHANNEL(cioc), &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Command 'sh' exited with status 3");
    error_free(err);
    object_unref(cioc);
}

static void test_buffer_null(void)
{
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(2);
    g_autoptr(QIOChannelNull) nioc = qio_channel_null_new();
    char buf[8];

    qio_channel_write_all(QIO_CHANNEL(bioc), "0123456", 7, &error_abort);
    g_assert_cmpuint(bioc->usage, ==, 7);
    g_assert_cmpuint(bioc->capacity, >=, 7);
    qio_channel_io_seek(QIO_CHANNEL(bioc), 2, SEEK_SET, &error_abort);
    g_assert_cmpint(qio_channel_read(QIO_CHANNEL(bioc), buf, 8,
                                     &error_abort), ==, 5);
    g_assert_cmpmem(buf, 5, "23456", 5);
    g_assert_cmpint(qio_channel_read(QIO_CHANNEL(bioc), buf, 8,
                                     &error_abort), ==, 0);

    g_assert_cmpint(qio_channel_write(QIO_CHANNEL(nioc), "abc", 3,
                                      &error_abort), ==, 3);
    g_assert_cmpint(qio_channel_read(QIO_CHANNEL(nioc), buf, 8,
                                     &error_abort), ==, 0);
}

typedef struct WatchState {
    int calls;
    GIOCondition cond;
} WatchState;

static gboolean watch_cb(QIOChannel *ioc, GIOCondition cond, gpointer opaque)
{
    WatchState *ws = opaque;

    ws->calls++;
    ws->cond = cond;
    return FALSE;
}

static void test_watch(void)
{
    int sv[2];
    QIOChannelSocket *a, *b;
    WatchState ws = { 0 };
    guint id;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    a = qio_channel_socket_new_fd(sv[0], &error_abort);
    b = qio_channel_socket_new_fd(sv[1], &error_abort);
    id = qio_channel_add_watch(QIO_CHANNEL(b), G_IO_IN, watch_cb, &ws, NULL);
    g_assert_cmpuint(id, >, 0);
    for (int i = 0; i < 5; i++) {
        main_loop_wait(true);
    }
    g_assert_cmpint(ws.calls, ==, 0);       /* nothing to read yet */
    qio_channel_write_all(QIO_CHANNEL(a), "!", 1, &error_abort);
    for (int i = 0; i < 10000 && !ws.calls; i++) {
        main_loop_wait(false);
    }
    g_assert_cmpint(ws.calls, ==, 1);
    g_assert_true(ws.cond & G_IO_IN);
    object_unref(a);
    object_unref(b);
}

typedef struct Accepted {
    int count;
    QIOChannelSocket *last;
} Accepted;

static void client_func(QIONetListener *listener, QIOChannelSocket *sioc,
                        gpointer data)
{
    Accepted *acc = data;

    acc->count++;
    if (acc->last) {
        object_unref(acc->last);
    }
    acc->last = QIO_CHANNEL_SOCKET(object_ref(sioc));
}

static void test_net_listener(void)
{
    g_autoptr(SocketAddress) addr = socket_parse("tcp:localhost:0",
                                                 &error_abort);
    QIONetListener *l = qio_net_listener_new();
    g_autoptr(SocketAddress) bound = NULL;
    Accepted acc = { 0 };
    bool got = false;

    qio_net_listener_set_name(l, "test-listener");
    g_assert_cmpint(qio_net_listener_open_sync(l, addr, 1, &error_abort), ==,
                    0);
    g_assert_cmpuint(l->nsioc, >=, 1);
    g_assert_true(qio_net_listener_is_connected(l));
    bound = qio_net_listener_get_local_address(l, 0, &error_abort);
    g_assert_cmpstr(bound->u.inet.port, !=, "0");
    /* Every socket of the listener shares the picked port. */
    for (size_t i = 1; i < l->nsioc; i++) {
        g_autoptr(SocketAddress) o = qio_net_listener_get_local_address(
            l, i, &error_abort);
        g_assert_cmpstr(o->u.inet.port, ==, bound->u.inet.port);
    }
    qio_net_listener_set_client_func(l, client_func, &acc, NULL);

    for (int n = 1; n <= 2; n++) {
        g_autoptr(QIOChannelSocket) c = qio_channel_socket_new();
        char b = 0;

        qio_channel_socket_connect_sync(c, bound, &error_abort);
        for (int i = 0; i < 10000 && acc.count < n; i++) {
            main_loop_wait(false);
        }
        g_assert_cmpint(acc.count, ==, n);
        qio_channel_write_all(QIO_CHANNEL(c), "k", 1, &error_abort);
        qio_channel_read_all(QIO_CHANNEL(acc.last), &b, 1, &error_abort);
        g_assert_cmpint(b, ==, 'k');
    }
    got = acc.count == 2;
    g_assert_true(got);
    qio_net_listener_disconnect(l);
    g_assert_false(qio_net_listener_is_connected(l));
    object_unref(acc.last);
    object_unref(l);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* Writes to a dead peer must fail, not kill us (as in main()). */
    signal(SIGPIPE, SIG_IGN);
    module_call_init(MODULE_INIT_QOM);
    qemu_init_main_loop(&error_abort);
    bql_lock();

    g_test_add_func("/io/socket/unix", test_unix_socket);
    g_test_add_func("/io/socket/tcp", test_tcp_socket);
    g_test_add_func("/io/socket/fd-passing", test_fd_passing);
    g_test_add_func("/io/socket/splice", test_splice);
    g_test_add_func("/io/socket/connect-async", test_connect_async);
    g_test_add_func("/io/file", test_file);
    g_test_add_func("/io/command", test_command);
    g_test_add_func("/io/buffer-null", test_buffer_null);
    g_test_add_func("/io/watch", test_watch);
    g_test_add_func("/io/net-listener", test_net_listener);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * colo-compare on its own, under -accel qtest: the test plays both
 * guests (frames written to primary_in and secondary_in, unix sockets
 * that Tern's chardevs connect to), reads what leaves through outdev,
 * and plays Xen's COLO frame on notify_dev, which is where the object
 * asks for a checkpoint ("DO_CHECKPOINT") and hears that one was taken
 * ("COLO_CHECKPOINT").  The TCP cases show QEMU's sequence tracking:
 * the guests may cut a stream differently, retransmissions of matched
 * bytes and bare ACKs leave at once, a difference asks for a
 * checkpoint.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "qemu/bswap.h"
#include "libqtest.h"

typedef struct Sock {
    char *path;
    int lfd;
    int fd;
} Sock;

static void sock_listen(Sock *s, const char *dir, const char *name)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    s->path = g_build_filename(dir, name, NULL);
    g_strlcpy(sa.sun_path, s->path, sizeof(sa.sun_path));
    s->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(s->lfd, 1), ==, 0);
}

static void sock_accept(Sock *s)
{
    struct timeval tv = { .tv_sec = 10 };

    s->fd = accept(s->lfd, NULL, NULL);
    g_assert_cmpint(s->fd, >=, 0);
    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void sock_close(Sock *s)
{
    close(s->fd);
    close(s->lfd);
    unlink(s->path);
    g_free(s->path);
}

/* One message in QEMU's framing: be32 length, then the bytes. */
static void send_msg(Sock *s, const void *buf, size_t len)
{
    uint8_t hdr[4];

    stl_be_p(hdr, len);
    g_assert_cmpint(send(s->fd, hdr, 4, 0), ==, 4);
    g_assert_cmpint(send(s->fd, buf, len, 0), ==, len);
}

static void read_full(Sock *s, void *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = recv(s->fd, (uint8_t *)buf + got, len - got, 0);

        g_assert_cmpint(n, >, 0);
        got += n;
    }
}

/* The next message on @s must be @want. */
static void expect_msg(Sock *s, const void *want, size_t len)
{
    g_autofree uint8_t *got = g_malloc(len);
    uint8_t hdr[4];

    read_full(s, hdr, 4);
    g_assert_cmpuint(ldl_be_p(hdr), ==, len);
    read_full(s, got, len);
    g_assert(!memcmp(got, want, len));
}

/* Nothing on @s for @ms milliseconds. */
static bool quiet(Sock *s, int ms)
{
    struct timeval tv = { .tv_usec = ms * 1000 };
    struct timeval back = { .tv_sec = 10 };
    uint8_t b;
    bool none;

    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    none = recv(s->fd, &b, 1, 0) < 0;
    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &back, sizeof(back));
    return none;
}

/*
 * A TCP segment 10.0.0.1:1000 -> 10.0.0.2:2000 carrying @len bytes of
 * @fill from stream offset @seq - 1000 (so equal offsets carry equal
 * bytes whatever the segmenting); returns the frame length.
 */
static size_t tcp_seg(uint8_t *f, uint32_t seq, uint32_t ack,
                      uint8_t flags, size_t len, char fill)
{
    uint8_t *ip = f + 14, *tcp = ip + 20;

    memcpy(f, "\x52\x54\x00\x12\x34\x56\x52\x54\x00\x12\x34\x57\x08\x00",
           14);
    memset(ip, 0, 40);
    ip[0] = 0x45;
    stw_be_p(ip + 2, 40 + len);
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
    stw_be_p(tcp, 1000);
    stw_be_p(tcp + 2, 2000);
    stl_be_p(tcp + 4, seq);
    stl_be_p(tcp + 8, ack);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    stw_be_p(tcp + 14, 65535);
    for (size_t i = 0; i < len; i++) {
        tcp[20 + i] = fill + (seq - 1000 + i) % 23;
    }
    return 14 + 40 + len;
}

typedef struct Rig {
    char *dir;
    Sock pin, sin, out, notify;
    QTestState *qts;
} Rig;

static void rig_start(Rig *r)
{
    r->dir = g_dir_make_tmp("tern-colo-cmp-XXXXXX", NULL);
    sock_listen(&r->pin, r->dir, "pin.sock");
    sock_listen(&r->sin, r->dir, "sin.sock");
    sock_listen(&r->out, r->dir, "out.sock");
    sock_listen(&r->notify, r->dir, "notify.sock");
    r->qts = qtest_initf("-M tern -m 32M -object iothread,id=io1 "
                         "-chardev socket,id=pin,path=%s "
                         "-chardev socket,id=sin,path=%s "
                         "-chardev socket,id=cout,path=%s "
                         "-chardev socket,id=nd,path=%s "
                         "-object colo-compare,id=cmp0,primary_in=pin,"
                         "secondary_in=sin,outdev=cout,iothread=io1,"
                         "notify_dev=nd,compare_timeout=600000",
                         r->pin.path, r->sin.path, r->out.path,
                         r->notify.path);
    sock_accept(&r->pin);
    sock_accept(&r->sin);
    sock_accept(&r->out);
    sock_accept(&r->notify);
}

static void rig_stop(Rig *r)
{
    if (r->qts) {
        qtest_quit(r->qts);
    }
    sock_close(&r->pin);
    sock_close(&r->sin);
    sock_close(&r->out);
    sock_close(&r->notify);
    rmdir(r->dir);
    g_free(r->dir);
}

static void test_tcp(void)
{
    static const char ckpt[] = "DO_CHECKPOINT";
    Rig r = { 0 };
    uint8_t p[300], s1[300], s2[300], a[100];
    size_t lp, l1, l2, la;

    rig_start(&r);

    /* One 200-byte segment from the primary, two of 100 from the other. */
    lp = tcp_seg(p, 1000, 5000, 0x18, 200, 'a');
    l1 = tcp_seg(s1, 1000, 5000, 0x10, 100, 'a');
    l2 = tcp_seg(s2, 1100, 5000, 0x18, 100, 'a');
    send_msg(&r.pin, p, lp);
    send_msg(&r.sin, s1, l1);
    g_assert(quiet(&r.out, 200));       /* half matched: it waits */
    send_msg(&r.sin, s2, l2);
    expect_msg(&r.out, p, lp);
    g_assert(quiet(&r.notify, 100));

    /* Both retransmit matched bytes: out at once, no checkpoint. */
    send_msg(&r.pin, p, lp);
    send_msg(&r.sin, s2, l2);
    expect_msg(&r.out, p, lp);

    /* Bare ACKs carry no payload: out, whatever their ack says. */
    la = tcp_seg(a, 1200, 5100, 0x10, 0, 0);
    send_msg(&r.pin, a, la);
    tcp_seg(s1, 1200, 5200, 0x10, 0, 0);
    send_msg(&r.sin, s1, la);
    expect_msg(&r.out, a, la);
    g_assert(quiet(&r.notify, 100));

    /* Different bytes at the same place: a checkpoint is asked for. */
    lp = tcp_seg(p, 1200, 5200, 0x18, 50, 'x');
    l1 = tcp_seg(s1, 1200, 5200, 0x18, 50, 'y');
    send_msg(&r.pin, p, lp);
    send_msg(&r.sin, s1, l1);
    expect_msg(&r.notify, ckpt, strlen(ckpt));
    g_assert(quiet(&r.out, 100));
    /* The frame takes it; then the primary's frame leaves. */
    send_msg(&r.notify, "COLO_CHECKPOINT", strlen("COLO_CHECKPOINT"));
    expect_msg(&r.out, p, lp);
    rig_stop(&r);
}

/* notify_dev's handshake and an unknown message (reported, no harm). */
static void test_notify_dev(void)
{
    static const char reply[] = "COLO_COMPARE_GET_XEN_INIT";
    Rig r = { 0 };
    uint8_t p[100];
    size_t lp;

    rig_start(&r);
    send_msg(&r.notify, "COLO_USERSPACE_PROXY_INIT",
             strlen("COLO_USERSPACE_PROXY_INIT"));
    expect_msg(&r.notify, reply, strlen(reply));
    send_msg(&r.notify, "NONSENSE", 8);
    /* Still comparing: an equal pair leaves. */
    lp = tcp_seg(p, 7000, 1, 0x18, 30, 'q');
    send_msg(&r.pin, p, lp);
    send_msg(&r.sin, p, lp);
    expect_msg(&r.out, p, lp);
    qtest_qmp_assert_success(r.qts, "{'execute': 'query-status'}");
    rig_stop(&r);
}

/* Reads what leaves through outdev until Tern closes it. */
static gpointer drain_out(gpointer opaque)
{
    Sock *out = opaque;
    struct timeval tv = { .tv_sec = 120 };
    uint8_t buf[65536];

    setsockopt(out->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (recv(out->fd, buf, sizeof(buf), 0) > 0) {
        /* only kept from blocking the compare's writes */
    }
    return NULL;
}

/*
 * object-del while frames are being compared: the object is torn down
 * between two of its iothread's callbacks, never under one (that was a
 * use after free of the queues).  The VM goes on and quits cleanly.
 */
static void test_object_del(void)
{
    for (int run = 0; run < 3; run++) {
        struct timeval tv = { .tv_sec = 60 };
        Rig r = { 0 };
        uint8_t p[200];
        GThread *drain;
        size_t lp;

        rig_start(&r);
        /* A compare that stopped reading fails the send, not hangs it. */
        setsockopt(r.pin.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        setsockopt(r.sin.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        drain = g_thread_new("drain-out", drain_out, &r.out);
        for (uint32_t i = 0; i < 4000; i++) {
            lp = tcp_seg(p, 1000 + i * 100, 1, 0x18, 100, 'e');
            send_msg(&r.pin, p, lp);
            send_msg(&r.sin, p, lp);
        }
        /* Much of that is still in the sockets: delete mid-stream. */
        qtest_qmp_assert_success(r.qts, "{'execute': 'object-del',"
                                 " 'arguments': {'id': 'cmp0'}}");
        qtest_qmp_assert_success(r.qts, "{'execute': 'query-status'}");
        /* Tern's exit closes outdev, which ends the drain. */
        qtest_quit(r.qts);
        r.qts = NULL;
        g_thread_join(drain);
        rig_stop(&r);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/colo-compare/tcp", test_tcp);
    qtest_add_func("/colo-compare/notify-dev", test_notify_dev);
    qtest_add_func("/colo-compare/object-del", test_object_del);
    return g_test_run();
}

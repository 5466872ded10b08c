/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter-buffer, filter-mirror and filter-redirector on the e1000's
 * socket netdev, under -accel qtest.  The guest side is the e1000 driven
 * through its rings (e1000-util.c); the chardev side is a unix socket the
 * test listens on, which Tern's socket chardev connects to; frames on it
 * are QEMU's framing (be32 length, with vnet_hdr_support a be32 header
 * length, then the bytes).
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "e1000-util.h"

typedef struct Chr {
    char *path;
    int listen_fd;
    int fd;
} Chr;

static void chr_listen(Chr *c, const char *dir, const char *name)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    c->path = g_build_filename(dir, name, NULL);
    g_strlcpy(sa.sun_path, c->path, sizeof(sa.sun_path));
    c->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(c->listen_fd, >=, 0);
    g_assert_cmpint(bind(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa)),
                    ==, 0);
    g_assert_cmpint(listen(c->listen_fd, 1), ==, 0);
    c->fd = -1;
}

static void chr_accept(Chr *c)
{
    struct timeval tv = { .tv_sec = 10 };

    c->fd = accept(c->listen_fd, NULL, NULL);
    g_assert_cmpint(c->fd, >=, 0);
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void chr_close(Chr *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    close(c->listen_fd);
    unlink(c->path);
    g_free(c->path);
}

static void read_full(int fd, void *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = recv(fd, (uint8_t *)buf + got, len - got, 0);

        g_assert_cmpint(n, >, 0);
        got += n;
    }
}

/* Read one framed frame from @c; returns its length. */
static size_t chr_read_frame(Chr *c, bool vnet, uint8_t *buf, size_t max)
{
    uint8_t hdr[8];
    uint32_t len;

    read_full(c->fd, hdr, vnet ? 8 : 4);
    len = ldl_be_p(hdr);
    if (vnet) {
        g_assert_cmpuint(ldl_be_p(hdr + 4), ==, 0);
    }
    g_assert_cmpuint(len, <=, max);
    read_full(c->fd, buf, len);
    return len;
}

static void chr_write_frame(Chr *c, uint32_t vnet_len, const uint8_t *buf,
                            size_t len, bool vnet)
{
    uint8_t hdr[8];
    g_autofree uint8_t *pad = g_malloc0(vnet_len);

    stl_be_p(hdr, len + vnet_len);
    stl_be_p(hdr + 4, vnet_len);
    g_assert_cmpint(send(c->fd, hdr, vnet ? 8 : 4, 0), ==, vnet ? 8 : 4);
    if (vnet_len) {
        g_assert_cmpint(send(c->fd, pad, vnet_len, 0), ==, vnet_len);
    }
    g_assert_cmpint(send(c->fd, buf, len, 0), ==, len);
}

/* Nothing from the NIC on @p for @ms milliseconds. */
static bool peer_quiet(Peer *p, int ms)
{
    struct timeval tv = { .tv_sec = 0, .tv_usec = ms * 1000 };
    uint8_t buf[2048];

    setsockopt(p->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return recv(p->fd, buf, sizeof(buf), 0) < 0;
}

/* The guest sends one @len-byte broadcast frame (TX descriptor @i). */
static void guest_send(QTestState *qts, int i, uint8_t *frame, size_t len,
                       uint8_t fill)
{
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    make_frame(frame, len, bcast, fill);
    qtest_memwrite(qts, BUF_TX + 2048 * i, frame, len);
    put_tx_desc(qts, i, BUF_TX + 2048 * i, len);
    mw(qts, TDT, i + 1);
}

static QTestState *start_filtered(Peer *p, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static QTestState *start_filtered(Peer *p, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *extra = NULL;
    QTestState *qts;

    va_start(ap, fmt);
    extra = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qts = start_vm(p, extra);
    pci_enable(qts);
    setup_tx(qts);
    setup_rx(qts);
    return qts;
}

/* filter-buffer holds the guest's frames until its interval or "off". */
static void test_buffer(void)
{
    Peer p;
    QTestState *qts;
    uint8_t frame[200], got[2048];

    peer_open(&p);
    /* A minute: nothing leaves unless the filter is switched off. */
    qts = start_filtered(&p, "-object filter-buffer,id=b0,netdev=n0,"
                         "queue=rx,interval=60000000");
    guest_send(qts, 0, frame, sizeof(frame), 0x10);
    g_assert(peer_quiet(&p, 300));
    qtest_qmp_assert_success(qts, "{'execute': 'qom-set', 'arguments': "
                             "{'path': '/objects/b0', 'property': 'status',"
                             " 'value': 'off'}}");
    g_assert_cmpint(peer_recv_data(&p, got, sizeof(got)), ==,
                    sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));
    /* Off, it passes frames straight on. */
    guest_send(qts, 1, frame, sizeof(frame), 0x20);
    g_assert_cmpint(peer_recv_data(&p, got, sizeof(got)), ==,
                    sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));
    qtest_quit(qts);
    close(p.fd);

    /* 50 ms: the timer releases them, in order. */
    peer_open(&p);
    qts = start_filtered(&p, "-object filter-buffer,id=b0,netdev=n0,"
                         "queue=rx,interval=50000");
    guest_send(qts, 0, frame, sizeof(frame), 0x30);
    guest_send(qts, 1, frame + 100, 100, 0x40);
    g_assert_cmpint(peer_recv_data(&p, got, sizeof(got)), ==,
                    sizeof(frame));
    make_frame(frame, sizeof(frame), got, 0x30);
    g_assert(!memcmp(got, frame, sizeof(frame)));
    g_assert_cmpint(peer_recv_data(&p, got, sizeof(got)), ==, 100);
    qtest_quit(qts);
    close(p.fd);
}

/* filter-mirror copies the guest's frames to its chardev. */
static void test_mirror(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-filter-XXXXXX", NULL);
    Chr c;
    Peer p;
    QTestState *qts;
    uint8_t frame[300], got[2048];

    for (int vnet = 0; vnet < 2; vnet++) {
        chr_listen(&c, dir, "mirror.sock");
        peer_open(&p);
        qts = start_filtered(&p, "-chardev socket,id=m0,path=%s "
                             "-object filter-mirror,id=f0,netdev=n0,"
                             "queue=rx,outdev=m0,vnet_hdr_support=%s",
                             c.path, vnet ? "on" : "off");
        chr_accept(&c);
        guest_send(qts, 0, frame, sizeof(frame), 0x50 + vnet);
        /* The copy on the chardev, the frame itself at the peer. */
        g_assert_cmpuint(chr_read_frame(&c, vnet, got, sizeof(got)), ==,
                         sizeof(frame));
        g_assert(!memcmp(got, frame, sizeof(frame)));
        g_assert_cmpint(peer_recv_data(&p, got, sizeof(got)), ==,
                        sizeof(frame));
        g_assert(!memcmp(got, frame, sizeof(frame)));
        qtest_quit(qts);
        close(p.fd);
        chr_close(&c);
    }
    rmdir(dir);
}

/*
 * filter-redirector: the guest's frames go to outdev and not to the
 * peer; frames written to indev reach the guest's RX ring.
 */
static void test_redirector(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-filter-XXXXXX", NULL);
    Chr out, in;
    Peer p;
    QTestState *qts;
    uint8_t frame[400], got[2048];

    chr_listen(&out, dir, "out.sock");
    chr_listen(&in, dir, "in.sock");
    peer_open(&p);
    qts = start_filtered(&p, "-chardev socket,id=red0,path=%s "
                         "-chardev socket,id=red1,path=%s "
                         "-object filter-redirector,id=r0,netdev=n0,"
                         "queue=rx,outdev=red0 "
                         "-object filter-redirector,id=r1,netdev=n0,"
                         "queue=tx,indev=red1,vnet_hdr_support=on",
                         out.path, in.path);
    chr_accept(&out);
    chr_accept(&in);
    guest_send(qts, 0, frame, sizeof(frame), 0x60);
    g_assert_cmpuint(chr_read_frame(&out, false, got, sizeof(got)), ==,
                     sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));
    g_assert(peer_quiet(&p, 300));

    /* Into the guest, past a 12-byte virtio-net header that is dropped. */
    make_frame(frame, sizeof(frame), nic_mac, 0x70);
    chr_write_frame(&in, 12, frame, sizeof(frame), true);
    g_assert(wait_rx_done(qts, 0));
    g_assert_cmpuint(qtest_readw(qts, RING_RX + 8), ==, sizeof(frame));
    qtest_memread(qts, BUF_RX, got, sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));
    qtest_quit(qts);
    close(p.fd);
    chr_close(&out);
    chr_close(&in);
    rmdir(dir);
}

/* Nothing on @c for @ms milliseconds. */
static bool chr_quiet(Chr *c, int ms)
{
    struct timeval tv = { .tv_sec = 0, .tv_usec = ms * 1000 };
    struct timeval back = { .tv_sec = 10 };
    uint8_t b;
    bool quiet;

    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    quiet = recv(c->fd, &b, 1, 0) < 0;
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &back, sizeof(back));
    return quiet;
}

/*
 * The order of a chain, QEMU's: head to tail for what the netdev sends
 * (tx), tail to head for what it receives (rx).  A filter-mirror m and
 * a filter-redirector r on the same queue: whoever runs first decides
 * whether the mirror sees the frame the redirector takes.
 */
static void test_order(void)
{
    static const struct {
        const char *queue;
        const char *where;      /* r's position properties */
        bool mirrored;
    } cases[] = {
        { "rx", "", false },                        /* [m, r]: r first */
        { "rx", ",position=head", true },           /* [r, m]: m first */
        { "rx", ",position=id=m,insert=before", true },
        { "rx", ",position=id=m,insert=behind", false },
        { "tx", "", true },                         /* [m, r]: m first */
        { "tx", ",position=head", false },
    };
    g_autofree char *dir = g_dir_make_tmp("tern-filter-XXXXXX", NULL);
    uint8_t frame[200], got[2048];

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        bool rx = !strcmp(cases[i].queue, "rx");
        Chr mc, rc;
        Peer p;
        QTestState *qts;

        chr_listen(&mc, dir, "m.sock");
        chr_listen(&rc, dir, "r.sock");
        peer_open(&p);
        qts = start_filtered(&p, "-chardev socket,id=c0,path=%s "
                             "-chardev socket,id=c1,path=%s "
                             "-object filter-mirror,id=m,netdev=n0,"
                             "queue=%s,outdev=c0 "
                             "-object filter-redirector,id=r,netdev=n0,"
                             "queue=%s,outdev=c1%s", mc.path, rc.path,
                             cases[i].queue, cases[i].queue,
                             cases[i].where);
        chr_accept(&mc);
        chr_accept(&rc);
        if (rx) {
            guest_send(qts, 0, frame, sizeof(frame), 0x11 + i);
        } else {
            make_frame(frame, sizeof(frame), nic_mac, 0x11 + i);
            peer_send(&p, frame, sizeof(frame));
        }
        g_assert_cmpuint(chr_read_frame(&rc, false, got, sizeof(got)), ==,
                         sizeof(frame));
        g_assert(!memcmp(got, frame, sizeof(frame)));
        if (cases[i].mirrored) {
            g_assert_cmpuint(chr_read_frame(&mc, false, got, sizeof(got)),
                             ==, sizeof(frame));
            g_assert(!memcmp(got, frame, sizeof(frame)));
        } else {
            g_assert(chr_quiet(&mc, 300));
        }
        /* Redirected: neither the peer nor the guest has it. */
        if (rx) {
            g_assert(peer_quiet(&p, 100));
        } else {
            g_assert_cmphex(qtest_readb(qts, RING_RX + 12) & 1, ==, 0);
        }
        qtest_quit(qts);
        close(p.fd);
        chr_close(&mc);
        chr_close(&rc);
    }
    rmdir(dir);
}

/* Each bad option is one error line naming what is wrong. */
static void test_bad_filters(void)
{
    static const struct {
        const char *args;
        const char *want;
    } cases[] = {
        { "-object filter-buffer,id=f,netdev=n0,queue=rx",
          "Parameter 'interval' expects a non-zero interval" },
        { "-object filter-buffer,id=f,netdev=n0,interval=0",
          "Property 'filter-buffer.interval' requires a positive value" },
        { "-object filter-mirror,id=f,netdev=n0",
          "filter-mirror parameter 'outdev' cannot be empty" },
        { "-object filter-mirror,id=f,netdev=n0,outdev=nope",
          "Device 'nope' not found" },
        { "-object filter-redirector,id=f,netdev=n0",
          "filter redirector needs 'indev' or 'outdev' at least one "
          "property set" },
        { "-chardev null,id=c0 -object filter-redirector,id=f,netdev=n0,"
          "indev=c0,outdev=c0",
          "'indev' and 'outdev' could not be same for filter redirector" },
        { "-object filter-redirector,id=f,netdev=n0,indev=nope",
          "IN Device 'nope' not found" },
        { "-object filter-mirror,id=f,netdev=n0,outdev=c,"
          "vnet_hdr_support=maybe",
          "vnet_hdr_support" },
        { "-object filter-dump,id=f,netdev=n0,file=/dev/null,"
          "position=middle",
          "Parameter 'position' expects 'head', 'tail' or 'id=<id>'" },
        { "-object filter-dump,id=f,netdev=n0,file=/dev/null,"
          "position=id=nope", "filter 'nope' not found" },
        { "-object filter-dump,id=f,netdev=n0,file=/dev/null,insert=under",
          "Invalid value for netfilter insert, should be 'before' or "
          "'behind'" },
        { "-netdev user,id=n1 -object filter-dump,id=g,netdev=n1,"
          "file=/dev/null -object filter-dump,id=f,netdev=n0,"
          "file=/dev/null,position=id=g",
          "filter 'g' belongs to a different netdev" },
    };
    Peer p;

    peer_open(&p);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *args = g_strdup_printf(
            "-netdev socket,id=n0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d "
            "%s", p.port, p.nic_port, cases[i].args);

        expect_one_error(args, cases[i].want);
    }
    close(p.fd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/net-filter/buffer", test_buffer);
    qtest_add_func("/net-filter/mirror", test_mirror);
    qtest_add_func("/net-filter/redirector", test_redirector);
    qtest_add_func("/net-filter/order", test_order);
    qtest_add_func("/net-filter/bad-options", test_bad_filters);
    return g_test_run();
}

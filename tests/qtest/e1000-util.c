/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Driving the e1000 from a qtest: see e1000-util.h.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <netinet/in.h>
#include "e1000-util.h"

const uint8_t nic_mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };


int udp_bound(int port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_port = htons(port) };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    g_assert_cmpint(fd, >=, 0);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &len), ==, 0);
    return fd;
}

int sock_port(int fd)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);

    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &len), ==, 0);
    return ntohs(sa.sin_port);
}

void peer_open(Peer *p)
{
    int tmp;

    p->fd = udp_bound(0);
    p->port = sock_port(p->fd);
    /* A free port for the netdev's end (released just before use). */
    tmp = udp_bound(0);
    p->nic_port = sock_port(tmp);
    close(tmp);
}

void peer_send(Peer *p, const uint8_t *buf, size_t len)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_port = htons(p->nic_port) };

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(sendto(p->fd, buf, len, 0, (struct sockaddr *)&sa,
                           sizeof(sa)), ==, len);
}

/* A frame from the NIC, waiting up to 10 s; returns its length. */
ssize_t peer_recv(Peer *p, uint8_t *buf, size_t len)
{
    struct timeval tv = { .tv_sec = 10 };

    setsockopt(p->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return recv(p->fd, buf, len, 0);
}

/* The next frame that is not a self-announcement (RARP). */
ssize_t peer_recv_data(Peer *p, uint8_t *buf, size_t len)
{
    for (;;) {
        ssize_t n = peer_recv(p, buf, len);

        if (n != 60 || buf[12] != 0x80 || buf[13] != 0x35) {
            return n;
        }
    }
}

QTestState *start_vm(Peer *p, const char *extra)
{
    return qtest_initf("-M tern -m 32M -netdev socket,id=n0,"
                       "udp=127.0.0.1:%d,localaddr=127.0.0.1:%d "
                       "-device e1000,netdev=n0,id=nic0,addr=%d,"
                       "mac=52:54:00:aa:bb:cc %s", p->port, p->nic_port,
                       SLOT, extra ? extra : "");
}

uint32_t cfg_addr(int reg)
{
    return 0x80000000u | (SLOT << 11) | (reg & 0xfc);
}

uint32_t cfg_readl(QTestState *qts, int reg)
{
    qtest_outl(qts, CONF_ADDR, cfg_addr(reg));
    return qtest_inl(qts, CONF_DATA);
}

void cfg_writel(QTestState *qts, int reg, uint32_t val)
{
    qtest_outl(qts, CONF_ADDR, cfg_addr(reg));
    qtest_outl(qts, CONF_DATA, val);
}

uint32_t mr(QTestState *qts, uint32_t reg)
{
    return qtest_readl(qts, MMIO + reg);
}

void mw(QTestState *qts, uint32_t reg, uint32_t val)
{
    qtest_writel(qts, MMIO + reg, val);
}

/* Map the BARs and enable decoding and bus mastering. */
void pci_enable(QTestState *qts)
{
    cfg_writel(qts, 0x10, MMIO);
    cfg_writel(qts, 0x14, IOBASE);
    cfg_writel(qts, 0x04, 0x7);
}

void setup_tx(QTestState *qts)
{
    qtest_memset(qts, RING_TX, 0, NDESC * 16);
    mw(qts, TDBAL, RING_TX);
    mw(qts, TDBAH, 0);
    mw(qts, TDLEN, NDESC * 16);
    mw(qts, TDH, 0);
    mw(qts, TDT, 0);
    mw(qts, TCTL, 0x2);
}

void setup_rx(QTestState *qts)
{
    qtest_memset(qts, RING_RX, 0, NDESC * 16);
    for (int i = 0; i < NDESC; i++) {
        qtest_writeq(qts, RING_RX + 16 * i, BUF_RX + 2048 * i);
    }
    mw(qts, RDBAL, RING_RX);
    mw(qts, RDBAH, 0);
    mw(qts, RDLEN, NDESC * 16);
    mw(qts, RDH, 0);
    mw(qts, RDT, NDESC - 1);
    /* Enabled, broadcast accepted, CRC stripped, 2 KiB buffers. */
    mw(qts, RCTL, 0x2 | 0x8000 | 0x04000000);
}

void make_frame(uint8_t *f, size_t len, const uint8_t *dst, uint8_t fill)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
    f[12] = 0x08;
    f[13] = 0x00;
    for (size_t i = 14; i < len; i++) {
        f[i] = fill + i;
    }
}

/* Legacy TX descriptor @i: buffer, length, EOP|IFCS|RS. */
void put_tx_desc(QTestState *qts, int i, uint64_t buf, uint16_t len)
{
    qtest_writeq(qts, RING_TX + 16 * i, buf);
    qtest_writel(qts, RING_TX + 16 * i + 8, len | (0x0b << 24));
    qtest_writel(qts, RING_TX + 16 * i + 12, 0);
}

/* Wait until RX descriptor @i is done (DD), up to 10 s. */
bool wait_rx_done(QTestState *qts, int i)
{
    for (int n = 0; n < 1000; n++) {
        if (qtest_readb(qts, RING_RX + 16 * i + 12) & 1) {
            return true;
        }
        g_usleep(10 * 1000);
        /* The main loop delivers datagrams between qtest commands. */
        qtest_readl(qts, MMIO + STATUS);
    }
    return false;
}


void expect_one_error(const char *args, const char *msg)
{
    g_autofree char *out = NULL;
    g_autofree char *cmd = g_strdup_printf(
        "%s -M tern -accel qtest -display none %s 2>&1",
        qtest_qemu_binary(), args);
    char *argv[] = { (char *)"sh", (char *)"-c", cmd, NULL };
    int status;

    g_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                          NULL, &out, NULL, &status, NULL));
    g_assert_cmpint(status, !=, 0);
    if (!strstr(out, msg)) {
        g_printerr("'%s': got '%s'\n", args, out);
    }
    g_assert_nonnull(strstr(out, msg));
    /* One line: the error only. */
    g_assert_cmpint(strchr(out, '\n') - out + 1, ==, strlen(out));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The e1000 (82540EM) driven as a driver would, under -accel qtest:
 * found and sized through PCI configuration cycles, its BARs mapped,
 * the MAC read from the EEPROM (EERD and Microwire bit-banging), frames
 * sent through a TX descriptor ring written by the test and received on
 * a UDP socket peer (-netdev socket,udp=), frames from that peer landing
 * in an RX ring, interrupts through ICR/IMS and PCI STATUS, link down
 * and up, a migration with frames in both rings, and the announcements
 * after it seen in a filter-dump capture on the destination.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "qemu/bswap.h"
#include "libqtest.h"
#include "e1000-util.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void test_pci_bars(void)
{
    Peer p;
    QTestState *qts;
    QDict *rsp, *dev = NULL;
    QList *devs;
    QListEntry *e;

    peer_open(&p);
    qts = start_vm(&p, NULL);
    g_assert_cmphex(cfg_readl(qts, 0), ==, 0x100e8086);
    g_assert_cmphex(cfg_readl(qts, 0x08) >> 16, ==, 0x0200);
    /* INTA, routed to an ISA line. */
    g_assert_cmphex((cfg_readl(qts, 0x3c) >> 8) & 0xff, ==, 1);
    /* Sizing: BAR0 is 128 KiB of 32-bit memory, BAR1 64 I/O ports. */
    cfg_writel(qts, 0x10, 0xffffffff);
    g_assert_cmphex(cfg_readl(qts, 0x10), ==, 0xfffe0000);
    cfg_writel(qts, 0x14, 0xffffffff);
    g_assert_cmphex(cfg_readl(qts, 0x14), ==, 0xffffffc1);
    cfg_writel(qts, 0x18, 0xffffffff);
    g_assert_cmphex(cfg_readl(qts, 0x18), ==, 0);
    /* Programmed but not enabled: nothing answers at the address. */
    cfg_writel(qts, 0x10, MMIO);
    cfg_writel(qts, 0x14, IOBASE);
    g_assert_cmphex(mr(qts, STATUS), ==, 0xffffffff);
    cfg_writel(qts, 0x04, 0x7);
    g_assert_cmphex(mr(qts, STATUS) & 0x2, ==, 0x2);      /* LU */
    /* The I/O window reaches the same registers. */
    qtest_outl(qts, IOBASE, STATUS);
    g_assert_cmphex(qtest_inl(qts, IOBASE + 4), ==, mr(qts, STATUS));
    /* Memory decoding off: unmapped again. */
    cfg_writel(qts, 0x04, 0x5);
    g_assert_cmphex(mr(qts, STATUS), ==, 0xffffffff);
    cfg_writel(qts, 0x04, 0x7);

    rsp = qtest_qmp(qts, "{'execute': 'query-pci'}");
    devs = qdict_get_qlist(qobject_to(QDict, qlist_peek(
                               qdict_get_qlist(rsp, "return"))), "devices");
    QLIST_FOREACH_ENTRY(devs, e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (qdict_get_int(d, "slot") == SLOT) {
            dev = d;
        }
    }
    g_assert_nonnull(dev);
    g_assert_cmpstr(qdict_get_str(dev, "qdev_id"), ==, "nic0");
    g_assert_cmpint(qdict_get_int(dev, "irq_pin"), ==, 1);
    {
        QList *regions = qdict_get_qlist(dev, "regions");
        QDict *bar0 = qobject_to(QDict, qlist_peek(regions));

        g_assert_cmpint(qdict_get_int(bar0, "address"), ==, MMIO);
        g_assert_cmpint(qdict_get_int(bar0, "size"), ==, 0x20000);
        g_assert_cmpstr(qdict_get_str(bar0, "type"), ==, "memory");
    }
    qobject_unref(rsp);

    /* PCI devices cannot be hot-plugged or unplugged on this bus. */
    rsp = qtest_qmp(qts, "{'execute': 'device_add', 'arguments': "
                    "{'driver': 'e1000', 'id': 'late'}}");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(rsp, "error"), "desc"),
                    ==, "Bus 'pci.0' does not support hotplugging");
    qobject_unref(rsp);
    rsp = qtest_qmp(qts, "{'execute': 'device_del', 'arguments': "
                    "{'id': 'nic0'}}");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(rsp, "error"), "desc"),
                    ==, "Bus 'pci.0' does not support hotplugging");
    qobject_unref(rsp);
    qtest_quit(qts);
    close(p.fd);
}

static uint16_t eeprom_microwire_read(QTestState *qts, int word)
{
    uint32_t cmd = (6 << 6) | word;         /* READ opcode, address */
    uint16_t val = 0;

    mw(qts, EECD, 0x2);                     /* CS */
    for (int i = 8; i >= 0; i--) {
        uint32_t di = (cmd >> i) & 1 ? 0x4 : 0;

        mw(qts, EECD, 0x2 | di);
        mw(qts, EECD, 0x2 | di | 0x1);      /* SK rises */
        mw(qts, EECD, 0x2 | di);
    }
    for (int i = 0; i < 16; i++) {
        mw(qts, EECD, 0x2 | 0x1);
        val = (val << 1) | !!(mr(qts, EECD) & 0x8);     /* DO */
        mw(qts, EECD, 0x2);
    }
    mw(qts, EECD, 0);
    return val;
}

static void test_eeprom(void)
{
    Peer p;
    QTestState *qts;
    uint16_t sum = 0;

    peer_open(&p);
    qts = start_vm(&p, NULL);
    pci_enable(qts);
    for (int i = 0; i < 64; i++) {
        uint32_t v;

        mw(qts, EERD, (i << 8) | 1);
        v = mr(qts, EERD);
        g_assert_cmphex(v & 0x10, ==, 0x10);        /* DONE */
        sum += v >> 16;
        if (i < 3) {
            g_assert_cmphex(v >> 16, ==, nic_mac[2 * i] |
                                         nic_mac[2 * i + 1] << 8);
        }
    }
    g_assert_cmphex(sum, ==, 0xbaba);
    g_assert_cmphex(eeprom_microwire_read(qts, 1), ==, 0xaa00);
    g_assert_cmphex(eeprom_microwire_read(qts, 11), ==, 0x100e);
    qtest_quit(qts);
    close(p.fd);
}

static void test_tx(void)
{
    Peer p;
    QTestState *qts;
    uint8_t frame[100], got[2048];
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    peer_open(&p);
    qts = start_vm(&p, NULL);
    pci_enable(qts);
    setup_tx(qts);
    mw(qts, IMS, 0x1);                              /* TXDW */
    g_assert_cmphex(cfg_readl(qts, 0x04) & 0x80000, ==, 0);
    for (int i = 0; i < 3; i++) {
        make_frame(frame, sizeof(frame), bcast, i * 16);
        qtest_memwrite(qts, BUF_TX + 2048 * i, frame, sizeof(frame));
        put_tx_desc(qts, i, BUF_TX + 2048 * i, sizeof(frame));
    }
    mw(qts, TDT, 3);
    for (int i = 0; i < 3; i++) {
        make_frame(frame, sizeof(frame), bcast, i * 16);
        g_assert_cmpint(peer_recv(&p, got, sizeof(got)), ==, sizeof(frame));
        g_assert(!memcmp(got, frame, sizeof(frame)));
        /* Descriptor done. */
        g_assert_cmphex(qtest_readb(qts, RING_TX + 16 * i + 12) & 1, ==, 1);
    }
    g_assert_cmpuint(mr(qts, TDH), ==, 3);
    g_assert_cmpuint(mr(qts, GPTC), ==, 3);
    g_assert_cmpuint(mr(qts, GPTC), ==, 0);         /* clear on read */
    /* TXDW is unmasked: the pin is asserted, PCI STATUS shows it. */
    g_assert_cmphex(cfg_readl(qts, 0x04) & 0x80000, ==, 0x80000);
    g_assert_cmphex(mr(qts, ICR) & 0x3, ==, 0x3);   /* TXDW | TXQE */
    g_assert_cmphex(cfg_readl(qts, 0x04) & 0x80000, ==, 0);
    g_assert_cmphex(mr(qts, ICR), ==, 0);
    qtest_quit(qts);
    close(p.fd);
}

static void test_rx(void)
{
    Peer p;
    QTestState *qts;
    uint8_t frame[200], buf[2048];
    const uint8_t other[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    peer_open(&p);
    qts = start_vm(&p, NULL);
    pci_enable(qts);
    setup_rx(qts);
    mw(qts, IMS, 0x80);                             /* RXT0 */

    /* Another station's unicast is filtered, ours and broadcast land. */
    make_frame(frame, sizeof(frame), other, 1);
    peer_send(&p, frame, sizeof(frame));
    make_frame(frame, sizeof(frame), nic_mac, 2);
    peer_send(&p, frame, sizeof(frame));
    g_assert(wait_rx_done(qts, 0));
    g_assert_cmpuint(qtest_readw(qts, RING_RX + 8), ==, sizeof(frame));
    g_assert_cmphex(qtest_readb(qts, RING_RX + 12) & 0x3, ==, 0x3);
    qtest_memread(qts, BUF_RX, buf, sizeof(frame));
    g_assert(!memcmp(buf, frame, sizeof(frame)));
    /* A short frame is padded to 60 bytes. */
    make_frame(frame, 20, bcast, 3);
    peer_send(&p, frame, 20);
    g_assert(wait_rx_done(qts, 1));
    g_assert_cmpuint(qtest_readw(qts, RING_RX + 16 + 8), ==, 60);
    qtest_memread(qts, BUF_RX + 2048, buf, 60);
    g_assert(!memcmp(buf, frame, 20));
    g_assert_cmpuint(mr(qts, RDH), ==, 2);
    g_assert_cmpuint(mr(qts, TPR), ==, 2);
    g_assert_cmphex(cfg_readl(qts, 0x04) & 0x80000, ==, 0x80000);
    g_assert_cmphex(mr(qts, ICR) & 0x80, ==, 0x80);
    qtest_quit(qts);
    close(p.fd);
}

static void test_link(void)
{
    Peer p;
    QTestState *qts;
    g_autofree char *info = NULL;

    peer_open(&p);
    qts = start_vm(&p, NULL);
    pci_enable(qts);
    mw(qts, IMS, 0x4);                              /* LSC */
    qtest_qmp_assert_success(qts, "{'execute': 'set_link', 'arguments': "
                             "{'name': 'n0', 'up': false}}");
    g_assert_cmphex(mr(qts, STATUS) & 0x2, ==, 0);
    g_assert_cmphex(mr(qts, ICR) & 0x4, ==, 0x4);
    info = qtest_hmp(qts, "info network");
    g_assert_nonnull(strstr(info, "link down"));
    qtest_qmp_assert_success(qts, "{'execute': 'set_link', 'arguments': "
                             "{'name': 'n0', 'up': true}}");
    g_assert_cmphex(mr(qts, STATUS) & 0x2, ==, 0x2);
    g_assert_cmphex(mr(qts, ICR) & 0x4, ==, 0x4);
    /* Reset puts the NIC back: RCTL off, link as the netdev says. */
    mw(qts, RCTL, 0x2);
    mw(qts, CTRL, 0x04000000);
    g_assert_cmphex(mr(qts, RCTL), ==, 0);
    g_assert_cmphex(mr(qts, STATUS) & 0x2, ==, 0x2);
    qtest_quit(qts);
    close(p.fd);
}

#define PCI_STATUS_INT 0x80000      /* in the dword at 0x04 */
#define VET    0x0038
#define ITR    0x00c4
#define RDTR   0x2820
#define RADV   0x282c
#define VFTA   0x5600

static bool irq_pin(QTestState *qts)
{
    return cfg_readl(qts, 0x04) & PCI_STATUS_INT;
}

/* A frame to our MAC tagged with @tci (ethertype 0x8100). */
static void make_tagged(uint8_t *f, size_t len, uint16_t tci)
{
    make_frame(f, len, nic_mac, 7);
    memmove(f + 16, f + 12, len - 16);
    f[12] = 0x81;
    f[13] = 0x00;
    f[14] = tci >> 8;
    f[15] = tci;
}

static void test_vlan_rx(void)
{
    Peer p;
    QTestState *qts;
    uint8_t frame[100], buf[2048];

    peer_open(&p);
    qts = start_vm(&p, NULL);
    pci_enable(qts);
    setup_rx(qts);
    g_assert_cmphex(mr(qts, VET), ==, 0x8100);
    /* VFE on, VLAN 5 allowed; no stripping while CTRL.VME is clear. */
    mw(qts, VFTA, 1u << 5);
    mw(qts, RCTL, mr(qts, RCTL) | 0x40000);
    make_tagged(frame, sizeof(frame), 0x6006);      /* VLAN 6: filtered */
    peer_send(&p, frame, sizeof(frame));
    make_tagged(frame, sizeof(frame), 0x2005);      /* priority 1, VLAN 5 */
    peer_send(&p, frame, sizeof(frame));
    g_assert(wait_rx_done(qts, 0));
    g_assert_cmpuint(qtest_readw(qts, RING_RX + 8), ==, sizeof(frame));
    g_assert_cmphex(qtest_readb(qts, RING_RX + 12) & 0x08, ==, 0);
    qtest_memread(qts, BUF_RX, buf, sizeof(frame));
    g_assert(!memcmp(buf, frame, sizeof(frame)));
    g_assert_cmpuint(mr(qts, RDH), ==, 1);
    /* CTRL.VME: the tag goes to the descriptor, VP is set. */
    mw(qts, CTRL, mr(qts, CTRL) | 0x40000000);
    peer_send(&p, frame, sizeof(frame));
    g_assert(wait_rx_done(qts, 1));
    g_assert_cmpuint(qtest_readw(qts, RING_RX + 16 + 8), ==,
                     sizeof(frame) - 4);
    g_assert_cmphex(qtest_readb(qts, RING_RX + 16 + 12) & 0x08, ==, 0x08);
    g_assert_cmphex(qtest_readw(qts, RING_RX + 16 + 14), ==, 0x2005);
    qtest_memread(qts, BUF_RX + 2048, buf, sizeof(frame) - 4);
    g_assert(!memcmp(buf, frame, 12));
    g_assert(!memcmp(buf + 12, frame + 16, sizeof(frame) - 16));
    /* VFE off: any VLAN passes. */
    mw(qts, RCTL, mr(qts, RCTL) & ~0x40000);
    make_tagged(frame, sizeof(frame), 0x0006);
    peer_send(&p, frame, sizeof(frame));
    g_assert(wait_rx_done(qts, 2));
    g_assert_cmphex(qtest_readw(qts, RING_RX + 32 + 14), ==, 6);
    /* Another VET: 0x8100 is then an ordinary ethertype. */
    mw(qts, VET, 0x88a8);
    peer_send(&p, frame, sizeof(frame));
    g_assert(wait_rx_done(qts, 3));
    g_assert_cmpuint(qtest_readw(qts, RING_RX + 48 + 8), ==, sizeof(frame));
    g_assert_cmphex(qtest_readb(qts, RING_RX + 48 + 12) & 0x08, ==, 0);
    qtest_quit(qts);
    close(p.fd);
}

/* Send one frame through TX descriptor @i and wait for it at the peer. */
static void tx_one(QTestState *qts, Peer *p, int i)
{
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t frame[64], got[2048];

    make_frame(frame, sizeof(frame), bcast, i);
    qtest_memwrite(qts, BUF_TX + 2048 * i, frame, sizeof(frame));
    put_tx_desc(qts, i, BUF_TX + 2048 * i, sizeof(frame));
    mw(qts, TDT, i + 1);
    g_assert_cmpint(peer_recv_data(p, got, sizeof(got)), ==, sizeof(frame));
}

/*
 * A rising edge opens a window (ITR, here 1000 * 256 ns) within which
 * the next one waits; the virtual clock, stepped by the test, ends it.
 */
static void test_mitigation_itr(void)
{
    Peer p;
    QTestState *qts;

    peer_open(&p);
    qts = start_vm(&p, NULL);
    pci_enable(qts);
    setup_tx(qts);
    mw(qts, ITR, 0x10003e8);                        /* 16 bits kept */
    g_assert_cmphex(mr(qts, ITR), ==, 1000);
    mw(qts, IMS, 0x1);                              /* TXDW */
    tx_one(qts, &p, 0);
    g_assert(irq_pin(qts));                         /* the first at once */
    g_assert_cmphex(mr(qts, ICR) & 1, ==, 1);
    g_assert(!irq_pin(qts));
    tx_one(qts, &p, 1);
    g_assert(!irq_pin(qts));                        /* held */
    g_assert_cmphex(mr(qts, 0x00c8) & 1, ==, 1);    /* ICS shows it */
    qtest_clock_step(qts, 200 * 1000);
    g_assert(!irq_pin(qts));                        /* 200 us < 256 us */
    qtest_clock_step(qts, 100 * 1000);
    g_assert(irq_pin(qts));
    qtest_quit(qts);
    close(p.fd);
}

/* RADV counts once RDTR is set; without mitigation nothing waits. */
static void test_mitigation_radv(void)
{
    Peer p;
    QTestState *qts;
    uint8_t frame[64];

    peer_open(&p);
    qts = start_vm(&p, NULL);
    pci_enable(qts);
    setup_rx(qts);
    mw(qts, RDTR, 1);
    mw(qts, RADV, 1000);                            /* 1.024 ms */
    mw(qts, IMS, 0x80);                             /* RXT0 */
    make_frame(frame, sizeof(frame), nic_mac, 1);
    peer_send(&p, frame, sizeof(frame));
    g_assert(wait_rx_done(qts, 0));
    g_assert(irq_pin(qts));
    mr(qts, ICR);
    peer_send(&p, frame, sizeof(frame));
    g_assert(wait_rx_done(qts, 1));
    qtest_clock_step(qts, 900 * 1000);
    g_assert(!irq_pin(qts));                        /* ITR alone: 128 us */
    qtest_clock_step(qts, 200 * 1000);
    g_assert(irq_pin(qts));
    qtest_quit(qts);

    qts = start_vm(&p, "-global e1000.mitigation=off");
    pci_enable(qts);
    setup_rx(qts);
    mw(qts, RDTR, 1);
    mw(qts, RADV, 1000);
    mw(qts, IMS, 0x80);
    peer_send(&p, frame, sizeof(frame));
    g_assert(wait_rx_done(qts, 0));
    g_assert(irq_pin(qts));
    mr(qts, ICR);
    peer_send(&p, frame, sizeof(frame));
    g_assert(wait_rx_done(qts, 1));
    g_assert(irq_pin(qts));
    qtest_quit(qts);
    close(p.fd);
}

/*
 * -netdev socket,mcast=: the test joins the same group on the loopback
 * interface; the guest's frame reaches it and its frame the guest.
 */
static void test_socket_mcast(void)
{
    const char *group = "239.255.77.1";
    struct ip_mreq mreq = { 0 };
    struct sockaddr_in sa = { .sin_family = AF_INET };
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t frame[90], got[2048];
    int one = 1, port, i;
    Peer p = { 0 };
    QTestState *qts;
    ssize_t n;
    g_autofree char *info = NULL;
    g_autofree char *want = NULL;

    port = sock_port(p.fd = udp_bound(0));
    close(p.fd);
    p.fd = socket(AF_INET, SOCK_DGRAM, 0);
    g_assert_cmpint(p.fd, >=, 0);
    setsockopt(p.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sa.sin_port = htons(port);
    inet_aton(group, &sa.sin_addr);
    g_assert_cmpint(bind(p.fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    mreq.imr_multiaddr = sa.sin_addr;
    inet_aton("127.0.0.1", &mreq.imr_interface);
    if (setsockopt(p.fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
                   sizeof(mreq)) < 0 ||
        setsockopt(p.fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq.imr_interface,
                   sizeof(mreq.imr_interface)) < 0) {
        g_autofree char *why = g_strdup_printf(
            "no multicast on the loopback interface: %s", strerror(errno));

        close(p.fd);
        g_test_skip(why);
        return;
    }
    qts = qtest_initf("-M tern -m 32M -netdev socket,id=n0,mcast=%s:%d,"
                      "localaddr=127.0.0.1 -device e1000,netdev=n0,"
                      "addr=%d,mac=52:54:00:aa:bb:cc", group, port, SLOT);
    info = qtest_hmp(qts, "info network");
    want = g_strdup_printf("mcast=%s:%d", group, port);
    g_assert_nonnull(strstr(info, want));
    pci_enable(qts);
    setup_tx(qts);
    make_frame(frame, sizeof(frame), bcast, 0x33);
    qtest_memwrite(qts, BUF_TX, frame, sizeof(frame));
    put_tx_desc(qts, 0, BUF_TX, sizeof(frame));
    mw(qts, TDT, 1);
    n = peer_recv_data(&p, got, sizeof(got));
    g_assert_cmpint(n, ==, sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));

    setup_rx(qts);
    make_frame(frame, sizeof(frame), nic_mac, 0x44);
    g_assert_cmpint(sendto(p.fd, frame, sizeof(frame), 0,
                           (struct sockaddr *)&sa, sizeof(sa)), ==,
                    sizeof(frame));
    /* The group loops the guest's own broadcast back to it first. */
    for (i = 0; i < 2; i++) {
        g_assert(wait_rx_done(qts, i));
        qtest_memread(qts, BUF_RX + 2048 * i, got, sizeof(frame));
        if (!memcmp(got, frame, sizeof(frame))) {
            break;
        }
    }
    g_assert_cmpint(i, <, 2);
    g_assert_cmpuint(qtest_readw(qts, RING_RX + 16 * i + 8), ==,
                     sizeof(frame));
    qtest_quit(qts);
    close(p.fd);
}

/*
 * -netdev socket,fd=: one end of a socketpair the test made, datagram
 * (one frame per datagram) and stream (each frame after its be32
 * length); frames go both ways.
 */
static void test_socket_fd(void)
{
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    struct timeval tv = { .tv_sec = 10 };
    uint8_t frame[80], got[2048], hdr[4];

    for (int stream = 0; stream < 2; stream++) {
        g_autofree char *info = NULL;
        QTestState *qts;
        int sv[2];

        g_assert_cmpint(socketpair(AF_UNIX, stream ? SOCK_STREAM
                                                   : SOCK_DGRAM, 0, sv),
                        ==, 0);
        setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        qts = qtest_initf("-M tern -m 32M -netdev socket,id=n0,fd=%d "
                          "-device e1000,netdev=n0,addr=%d,"
                          "mac=52:54:00:aa:bb:cc", sv[1], SLOT);
        close(sv[1]);
        info = qtest_hmp(qts, "info network");
        g_assert_nonnull(strstr(info, "socket: fd="));
        pci_enable(qts);
        setup_tx(qts);
        make_frame(frame, sizeof(frame), bcast, 0x21 + stream);
        qtest_memwrite(qts, BUF_TX, frame, sizeof(frame));
        put_tx_desc(qts, 0, BUF_TX, sizeof(frame));
        mw(qts, TDT, 1);
        if (stream) {
            g_assert_cmpint(recv(sv[0], hdr, 4, MSG_WAITALL), ==, 4);
            g_assert_cmpuint(ldl_be_p(hdr), ==, sizeof(frame));
            g_assert_cmpint(recv(sv[0], got, sizeof(frame), MSG_WAITALL),
                            ==, sizeof(frame));
        } else {
            g_assert_cmpint(recv(sv[0], got, sizeof(got), 0), ==,
                            sizeof(frame));
        }
        g_assert(!memcmp(got, frame, sizeof(frame)));

        setup_rx(qts);
        make_frame(frame, sizeof(frame), nic_mac, 0x31 + stream);
        if (stream) {
            stl_be_p(hdr, sizeof(frame));
            g_assert_cmpint(send(sv[0], hdr, 4, 0), ==, 4);
        }
        g_assert_cmpint(send(sv[0], frame, sizeof(frame), 0), ==,
                        sizeof(frame));
        g_assert(wait_rx_done(qts, 0));
        qtest_memread(qts, BUF_RX, got, sizeof(frame));
        g_assert(!memcmp(got, frame, sizeof(frame)));
        qtest_quit(qts);
        close(sv[0]);
    }
}

static void test_bad_options(void)
{
    static const struct {
        const char *args;
        const char *msg;
    } cases[] = {
        { "-netdev socket,id=n0", "exactly one of listen=, connect=, mcast= "
          "or udp= is required" },
        { "-netdev socket,id=n0,mcast=127.0.0.1:5000", "specified mcastaddr "
          "127.0.0.1:5000 does not contain a multicast address" },
        { "-netdev socket,id=n0,mcast=239.1.2.3:5000,localaddr=x",
          "localaddr 'x' is not a valid IPv4 address" },
        { "-netdev socket,id=n0,mcast=239.1.2.3:x", "address resolution "
          "failed for 239.1.2.3:x" },
        { "-netdev socket,id=n0,fd=0", "can't get socket option SO_TYPE" },
        { "-netdev user,id=n0,hostfwd=tcp::x-:22", "Invalid host forwarding "
          "rule 'tcp::x-:22' (Bad host port)" },
        { "-netdev bogus,id=n0", "Parameter 'type' does not accept value "
          "'bogus'" },
        { "-netdev user", "Parameter 'id' is missing" },
        { "-netdev user,id=n0,guestfwd=tcp:10.0.2.100:1-",
          "Invalid guest forwarding rule 'tcp:10.0.2.100:1-'" },
        { "-netdev user,id=n0,guestfwd=tcp:10.0.2.100:1-bogus:x",
          "Could not open guest forwarding device 'guestfwd.tcp.1'" },
        { "-netdev user,id=0x", "Parameter 'id' expects an identifier" },
        { "-device e1000,netdev=nope", "Property 'e1000.netdev' can't find "
          "value 'nope'" },
        { "-device e1000,mac=zz", "Property 'e1000.mac' doesn't take value "
          "'zz'" },
        { "-device e1000,addr=40", "Property 'e1000.addr' doesn't take "
          "value '40'" },
        { "-device e1000,bus=pci.9", "Bus 'pci.9' not found" },
        { "-device e1000,addr=0", "PCI: slot 0 function 0 not available "
          "for e1000, in use by tern-host-bridge,id=" },
        { "-object filter-dump,id=f0,netdev=nope,file=/dev/null",
          "Parameter 'netdev' expects a network backend id, no netdev "
          "'nope'" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        expect_one_error(cases[i].args, cases[i].msg);
    }
}

/* ------------------------------------------------------------------ */
/* Migration: frames in both rings survive; the destination announces  */

static void migrate_to_file(QTestState *src, const char *file)
{
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    QDict *rsp;
    const char *status = NULL;

    qtest_qmp_assert_success(src, "{'execute': 'migrate', 'arguments': "
                             "{'uri': %s}}", uri);
    for (int i = 0; i < 600; i++) {
        rsp = qtest_qmp(src, "{'execute': 'query-migrate'}");
        status = qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                   "status");
        if (status && (!strcmp(status, "completed") ||
                       !strcmp(status, "failed"))) {
            g_assert_cmpstr(status, ==, "completed");
            qobject_unref(rsp);
            return;
        }
        qobject_unref(rsp);
        g_usleep(50 * 1000);
    }
    g_assert_not_reached();
}

/*
 * Count the RARP frames from @mac in a pcap file that may still be
 * growing: a last record not wholly written yet is not counted.
 */
static int count_rarp(const char *pcap, const uint8_t *mac)
{
    g_autofree gchar *data = NULL;
    gsize len, off = 24;
    int n = 0;

    g_assert(g_file_get_contents(pcap, &data, &len, NULL));
    g_assert_cmpuint(len, >=, 24);
    g_assert_cmphex(*(uint32_t *)data, ==, 0xa1b2c3d4);
    while (off + 16 <= len) {
        uint32_t caplen = *(uint32_t *)(data + off + 8);
        const uint8_t *f = (const uint8_t *)data + off + 16;

        g_assert_cmpuint(caplen, <=, 65536);
        if (off + 16 + caplen > len) {
            break;
        }
        if (caplen == 60 && !memcmp(f, "\xff\xff\xff\xff\xff\xff", 6) &&
            !memcmp(f + 6, mac, 6) && f[12] == 0x80 && f[13] == 0x35 &&
            f[21] == 3 && !memcmp(f + 22, mac, 6) &&
            !memcmp(f + 32, mac, 6)) {
            n++;
        }
        off += 16 + caplen;
    }
    return n;
}

static void test_migrate_rings(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-e1000-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "stream", NULL);
    g_autofree char *pcap = g_build_filename(dir, "dst.pcap", NULL);
    g_autofree char *extra = NULL;
    g_autofree char *incoming = NULL;
    Peer ps, pd;
    QTestState *src, *dst;
    uint8_t frame[300], got[2048];
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    peer_open(&ps);
    src = start_vm(&ps, NULL);
    pci_enable(src);
    setup_rx(src);
    setup_tx(src);
    /* Two frames received before the migration... */
    for (int i = 0; i < 2; i++) {
        make_frame(frame, sizeof(frame), nic_mac, 0x40 + i);
        peer_send(&ps, frame, sizeof(frame));
        g_assert(wait_rx_done(src, i));
    }
    /* ...and two queued for transmission with the transmitter off. */
    mw(src, TCTL, 0);
    for (int i = 0; i < 2; i++) {
        make_frame(frame, sizeof(frame), bcast, 0x80 + i);
        qtest_memwrite(src, BUF_TX + 2048 * i, frame, sizeof(frame));
        put_tx_desc(src, i, BUF_TX + 2048 * i, sizeof(frame));
    }
    mw(src, TDT, 2);
    g_assert_cmpuint(mr(src, TDH), ==, 0);
    qtest_qmp_assert_success(src, "{'execute': 'stop'}");
    migrate_to_file(src, file);
    qtest_quit(src);
    close(ps.fd);

    peer_open(&pd);
    incoming = g_strdup_printf("file:%s", file);
    extra = g_strdup_printf("-object filter-dump,id=f0,netdev=n0,file=%s "
                            "-incoming defer", pcap);
    dst = start_vm(&pd, extra);
    /* Three announcement rounds after the switchover, not the default 5. */
    qtest_qmp_assert_success(dst, "{'execute': 'migrate-set-parameters', "
                             "'arguments': {'announce-rounds': 3, "
                             "'announce-initial': 20, 'announce-step': 30, "
                             "'announce-max': 40}}");
    qtest_qmp_assert_success(dst, "{'execute': 'migrate-incoming', "
                             "'arguments': {'uri': %s}}", incoming);
    for (int i = 0; i < 600; i++) {
        QDict *rsp = qtest_qmp(dst, "{'execute': 'query-migrate'}");
        const char *st = qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                           "status");
        bool done = st && !strcmp(st, "completed");

        qobject_unref(rsp);
        if (done) {
            break;
        }
        g_usleep(50 * 1000);
    }
    /* The ring positions and the received frames came along. */
    g_assert_cmpuint(mr(dst, RDH), ==, 2);
    g_assert_cmpuint(mr(dst, TDT), ==, 2);
    g_assert_cmpuint(mr(dst, TDH), ==, 0);
    qtest_memread(dst, BUF_RX + 2048, got, sizeof(frame));
    make_frame(frame, sizeof(frame), nic_mac, 0x41);
    g_assert(!memcmp(got, frame, sizeof(frame)));
    /* The queued frames go out from the destination once enabled. */
    mw(dst, TCTL, 0x2);
    for (int i = 0; i < 2; i++) {
        make_frame(frame, sizeof(frame), bcast, 0x80 + i);
        g_assert_cmpint(peer_recv_data(&pd, got, sizeof(got)), ==,
                        sizeof(frame));
        g_assert(!memcmp(got, frame, sizeof(frame)));
    }
    g_assert_cmpuint(mr(dst, TDH), ==, 2);
    /*
     * The destination announced the NIC's MAC: announce-rounds (3)
     * gratuitous RARPs in the capture, and no more after that.
     */
    for (int i = 0; i < 200 && count_rarp(pcap, nic_mac) < 3; i++) {
        g_usleep(50 * 1000);
    }
    g_assert_cmpint(count_rarp(pcap, nic_mac), ==, 3);
    g_usleep(500 * 1000);
    g_assert_cmpint(count_rarp(pcap, nic_mac), ==, 3);
    qtest_quit(dst);
    close(pd.fd);
    unlink(file);
    unlink(pcap);
    rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* User networking (libslirp)                                          */

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;

    for (size_t i = 0; i < len; i += 2) {
        sum += p[i] << 8 | p[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum;
}

/* A DHCPDISCOVER from the NIC, broadcast; returns the frame length. */
static size_t make_dhcp_discover(uint8_t *f)
{
    uint8_t *ip = f + 14, *udp = ip + 20, *bootp = udp + 8;
    size_t blen = 300;
    uint16_t c;

    memset(f, 0, 14 + 20 + 8 + blen);
    memset(f, 0xff, 6);
    memcpy(f + 6, nic_mac, 6);
    f[12] = 0x08;
    ip[0] = 0x45;
    ip[2] = (20 + 8 + blen) >> 8;
    ip[3] = (20 + 8 + blen) & 0xff;
    ip[8] = 64;
    ip[9] = 17;                                 /* UDP */
    memset(ip + 16, 0xff, 4);                   /* to 255.255.255.255 */
    c = ip_checksum(ip, 20);
    ip[10] = c >> 8;
    ip[11] = c & 0xff;
    udp[1] = 68;
    udp[3] = 67;
    udp[4] = (8 + blen) >> 8;
    udp[5] = (8 + blen) & 0xff;
    bootp[0] = 1;                               /* BOOTREQUEST */
    bootp[1] = 1;
    bootp[2] = 6;
    memcpy(bootp + 4, "\x12\x34\x56\x78", 4);  /* xid */
    bootp[10] = 0x80;                           /* broadcast reply */
    memcpy(bootp + 28, nic_mac, 6);
    memcpy(bootp + 236, "\x63\x82\x53\x63", 4);
    memcpy(bootp + 240, "\x35\x01\x01\xff", 4);  /* DISCOVER, end */
    return 14 + 20 + 8 + blen;
}

static QTestState *start_user_vm(const char *netdev_opts)
{
    return qtest_initf("-M tern -m 32M -netdev user,id=n0%s "
                       "-device e1000,netdev=n0,id=nic0,addr=%d,"
                       "mac=52:54:00:aa:bb:cc", netdev_opts, SLOT);
}

static void dhcp_exchange(QTestState *qts)
{
    uint8_t frame[400], got[600];
    size_t len = make_dhcp_discover(frame);
    const uint8_t *bootp = got + 14 + 20 + 8;

    qtest_memwrite(qts, BUF_TX, frame, len);
    put_tx_desc(qts, 0, BUF_TX, len);
    mw(qts, TDT, 1);
    g_assert(wait_rx_done(qts, 0));
    qtest_memread(qts, BUF_RX, got, sizeof(got));
    /* A BOOTREPLY for our xid offering QEMU's first address. */
    g_assert_cmphex(got[12] << 8 | got[13], ==, 0x0800);
    g_assert_cmpint(got[14 + 9], ==, 17);
    g_assert_cmpint(bootp[0], ==, 2);
    g_assert(!memcmp(bootp + 4, "\x12\x34\x56\x78", 4));
    g_assert(!memcmp(bootp + 16, "\x0a\x00\x02\x0f", 4));   /* 10.0.2.15 */
}

static void test_user_dhcp(void)
{
    QTestState *qts = start_user_vm("");
    g_autofree char *info = NULL;

    pci_enable(qts);
    setup_tx(qts);
    setup_rx(qts);
    dhcp_exchange(qts);
    info = qtest_hmp(qts, "info network");
    g_assert_nonnull(strstr(info, "n0: index=0,type=user,net=10.0.2.0"));
    qtest_quit(qts);
}

static int tcp_free_port(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &len), ==, 0);
    port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

static void test_user_hostfwd(void)
{
    int port = tcp_free_port();
    g_autofree char *opts = g_strdup_printf(",hostfwd=tcp:127.0.0.1:%d-:22",
                                            port);
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_port = htons(port) };
    QTestState *qts = start_user_vm(opts);
    uint8_t got[200];
    const uint8_t *ip = got + 14;
    int fd;

    pci_enable(qts);
    setup_tx(qts);
    setup_rx(qts);
    dhcp_exchange(qts);             /* slirp now knows the guest's MAC */
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    /* The connection reaches the guest as a SYN to 10.0.2.15:22. */
    g_assert(wait_rx_done(qts, 1));
    qtest_memread(qts, BUF_RX + 2048, got, sizeof(got));
    g_assert_cmphex(got[12] << 8 | got[13], ==, 0x0800);
    g_assert_cmpint(ip[9], ==, 6);                          /* TCP */
    g_assert(!memcmp(ip + 16, "\x0a\x00\x02\x0f", 4));
    g_assert_cmpint(ip[20 + 2] << 8 | ip[20 + 3], ==, 22);  /* dport */
    g_assert_cmphex(ip[20 + 13] & 0x12, ==, 0x02);          /* SYN */
    close(fd);
    qtest_quit(qts);
}

/* Wait for the end of an incoming migration; returns the status. */
/* A TCP segment 10.0.2.15:40000 -> 10.0.2.100:4321 from the guest. */
static size_t make_guest_tcp(uint8_t *f, const uint8_t *router_mac,
                             uint32_t seq, uint32_t ack, uint8_t flags,
                             const char *data)
{
    size_t dlen = strlen(data), tlen = 20 + dlen;
    uint8_t *ip = f + 14, *tcp = ip + 20;
    uint8_t pseudo[12 + 20 + 64];
    uint16_t c;

    g_assert(dlen <= 64);
    memset(f, 0, 14 + 20 + tlen);
    memcpy(f, router_mac, 6);
    memcpy(f + 6, nic_mac, 6);
    f[12] = 0x08;
    ip[0] = 0x45;
    ip[2] = (20 + tlen) >> 8;
    ip[3] = (20 + tlen) & 0xff;
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, "\x0a\x00\x02\x0f", 4);
    memcpy(ip + 16, "\x0a\x00\x02\x64", 4);
    c = ip_checksum(ip, 20);
    ip[10] = c >> 8;
    ip[11] = c & 0xff;
    stw_be_p(tcp, 40000);
    stw_be_p(tcp + 2, 4321);
    stl_be_p(tcp + 4, seq);
    stl_be_p(tcp + 8, ack);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    stw_be_p(tcp + 14, 65535);
    memcpy(tcp + 20, data, dlen);
    /* Checksum over the pseudo-header, the header and the data. */
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = 6;
    stw_be_p(pseudo + 10, tlen);
    memcpy(pseudo + 12, tcp, tlen);
    if (tlen & 1) {
        pseudo[12 + tlen] = 0;
    }
    c = ip_checksum(pseudo, 12 + tlen + (tlen & 1));
    stw_be_p(tcp + 16, c);
    return 14 + 20 + tlen;
}

static void guest_tx(QTestState *qts, int i, const uint8_t *f, size_t len)
{
    qtest_memwrite(qts, BUF_TX + 2048 * i, f, len);
    put_tx_desc(qts, i, BUF_TX + 2048 * i, len);
    mw(qts, TDT, i + 1);
}

/*
 * guestfwd=tcp:10.0.2.100:4321-tcp:127.0.0.1:PORT: the guest's TCP
 * connection to 10.0.2.100:4321 is carried by a socket chardev that
 * connects to the test; bytes flow both ways.
 */
static void test_user_guestfwd_chardev(void)
{
    int port = tcp_free_port(), lfd, fd, i;
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_port = htons(port) };
    struct timeval tv = { .tv_sec = 10 };
    g_autofree char *opts = g_strdup_printf(
        ",guestfwd=tcp:10.0.2.100:4321-tcp:127.0.0.1:%d", port);
    uint8_t router[6], f[200], got[200];
    const uint8_t *tcp = got + 14 + 20;
    char buf[16] = "";
    uint32_t srv_seq;
    QTestState *qts;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    g_assert_cmpint(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(lfd, 1), ==, 0);
    qts = start_user_vm(opts);
    fd = accept(lfd, NULL, NULL);
    g_assert_cmpint(fd, >=, 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    pci_enable(qts);
    setup_tx(qts);
    setup_rx(qts);
    dhcp_exchange(qts);
    qtest_memread(qts, BUF_RX + 6, router, 6);

    guest_tx(qts, 1, f, make_guest_tcp(f, router, 1000, 0, 0x02, ""));
    g_assert(wait_rx_done(qts, 1));
    qtest_memread(qts, BUF_RX + 2048, got, sizeof(got));
    g_assert_cmpint(got[14 + 9], ==, 6);
    g_assert_cmphex(tcp[13] & 0x12, ==, 0x12);              /* SYN+ACK */
    g_assert_cmpuint(ldl_be_p(tcp + 8), ==, 1001);
    srv_seq = ldl_be_p(tcp + 4);

    guest_tx(qts, 2, f, make_guest_tcp(f, router, 1001, srv_seq + 1, 0x18,
                                       "hello"));
    g_assert_cmpint(recv(fd, buf, 5, MSG_WAITALL), ==, 5);
    g_assert_cmpstr(buf, ==, "hello");

    g_assert_cmpint(send(fd, "world", 5, 0), ==, 5);
    for (i = 2; i < NDESC - 1; i++) {
        g_assert(wait_rx_done(qts, i));
        qtest_memread(qts, BUF_RX + 2048 * i, got, sizeof(got));
        if (lduw_be_p(got + 14 + 2) == 20 + 20 + 5) {
            break;                              /* not a bare ACK */
        }
    }
    g_assert_cmpint(i, <, NDESC - 1);
    g_assert(!memcmp(tcp + 20, "world", 5));
    qtest_quit(qts);
    close(fd);
    close(lfd);
}

static char *wait_incoming(QTestState *qts)
{
    for (int i = 0; i < 600; i++) {
        QDict *rsp = qtest_qmp(qts, "{'execute': 'query-migrate'}");
        const char *st = qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                           "status");
        char *ret = NULL;

        if (st && (!strcmp(st, "completed") || !strcmp(st, "failed"))) {
            ret = g_strdup(st);
        }
        qobject_unref(rsp);
        if (ret) {
            return ret;
        }
        g_usleep(50 * 1000);
    }
    return NULL;
}

/*
 * The user netdev's state travels in QEMU's "slirp" section: a
 * destination with user networking takes it (and still answers DHCP),
 * one without refuses the section by name.
 */
static void test_user_migrate(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-e1000-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "stream", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    g_autofree char *st = NULL;
    QTestState *src, *dst;
    Peer p;

    src = start_user_vm("");
    pci_enable(src);
    setup_tx(src);
    setup_rx(src);
    dhcp_exchange(src);
    qtest_qmp_assert_success(src, "{'execute': 'stop'}");
    migrate_to_file(src, file);
    qtest_quit(src);

    dst = qtest_initf("-M tern -m 32M -netdev user,id=n0 -device e1000,"
                      "netdev=n0,id=nic0,addr=%d,mac=52:54:00:aa:bb:cc "
                      "-incoming %s", SLOT, uri);
    st = wait_incoming(dst);
    g_assert_cmpstr(st, ==, "completed");
    /* The NIC's rings came along: the next frame lands in slot 1. */
    g_assert_cmpuint(mr(dst, RDH), ==, 1);
    setup_tx(dst);
    setup_rx(dst);
    dhcp_exchange(dst);
    qtest_quit(dst);

    /* A socket netdev has no "slirp" section to load it into. */
    peer_open(&p);
    {
        QDict *rsp;

        dst = start_vm(&p, "-incoming defer");
        qtest_qmp_assert_success(dst, "{'execute': 'migrate-incoming', "
                                 "'arguments': {'uri': %s, "
                                 "'exit-on-error': false}}", uri);
        g_free(st);
        st = wait_incoming(dst);
        g_assert_cmpstr(st, ==, "failed");
        rsp = qtest_qmp(dst, "{'execute': 'query-migrate'}");
        g_assert_nonnull(strstr(qdict_get_str(qdict_get_qdict(rsp, "return"),
                                              "error-desc"),
                                "'slirp' 0"));
        qobject_unref(rsp);
        qtest_quit(dst);
    }
    close(p.fd);
    unlink(file);
    rmdir(dir);
}

static void wait_rarps(const char *pcap, int n)
{
    for (int i = 0; i < 200 && count_rarp(pcap, nic_mac) < n; i++) {
        g_usleep(50 * 1000);
    }
    g_assert_cmpint(count_rarp(pcap, nic_mac), ==, n);
}

static void test_announce_self(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-e1000-XXXXXX", NULL);
    g_autofree char *pcap = g_build_filename(dir, "a.pcap", NULL);
    g_autofree char *extra = NULL;
    g_autofree char *out = NULL;
    uint8_t got[2048];
    QTestState *qts;
    QDict *rsp;
    Peer p;

    peer_open(&p);
    extra = g_strdup_printf("-object filter-dump,id=f0,netdev=n0,file=%s",
                            pcap);
    qts = start_vm(&p, extra);
    g_assert_cmpint(count_rarp(pcap, nic_mac), ==, 0);
    qtest_qmp_assert_success(qts, "{'execute': 'announce-self', "
                             "'arguments': {'initial': 10, 'max': 50, "
                             "'rounds': 4, 'step': 10}}");
    wait_rarps(pcap, 4);
    /* The peer got them too: QEMU's 60-byte RARP from the NIC's MAC. */
    g_assert_cmpint(peer_recv(&p, got, sizeof(got)), ==, 60);
    g_assert(!memcmp(got + 6, nic_mac, 6));
    g_assert_cmphex(got[12] << 8 | got[13], ==, 0x8035);
    /* An interface list that names another NIC announces nothing. */
    qtest_qmp_assert_success(qts, "{'execute': 'announce-self', "
                             "'arguments': {'initial': 10, 'max': 50, "
                             "'rounds': 2, 'step': 10, "
                             "'interfaces': ['other']}}");
    qtest_qmp_assert_success(qts, "{'execute': 'announce-self', "
                             "'arguments': {'initial': 10, 'max': 50, "
                             "'rounds': 2, 'step': 10, "
                             "'interfaces': ['nic0'], 'id': 'x'}}");
    wait_rarps(pcap, 6);
    /* HMP uses the announce-* migration parameters (5 rounds). */
    out = qtest_hmp(qts, "announce_self");
    g_assert_cmpstr(out, ==, "");
    wait_rarps(pcap, 11);
    rsp = qtest_qmp(qts, "{'execute': 'announce-self', 'arguments': "
                    "{'initial': -1, 'max': 50, 'rounds': 2, 'step': 10}}");
    g_assert_nonnull(qdict_get_qdict(rsp, "error"));
    qobject_unref(rsp);
    qtest_quit(qts);
    close(p.fd);
    unlink(pcap);
    rmdir(dir);
}

/* The status of the last migration on @qts. */
static char *mig_status(QTestState *qts)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-migrate'}");
    char *st = g_strdup(qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                          "status"));

    qobject_unref(rsp);
    return st;
}

static void wait_mig_status(QTestState *qts, const char *want)
{
    for (int i = 0; i < 1200; i++) {
        g_autofree char *st = mig_status(qts);

        g_assert_cmpstr(st, !=, "failed");
        if (st && !strcmp(st, want)) {
            return;
        }
        g_usleep(25 * 1000);
    }
    g_assert_not_reached();
}

/*
 * Postcopy: the destination announces when the source's RUN command
 * starts it, while pages are still coming (QEMU announces at RUN too),
 * and only then: the end of the page stream adds no round.
 */
static void test_postcopy_announce(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-e1000-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "mig.sock", NULL);
    g_autofree char *pcap = g_build_filename(dir, "dst.pcap", NULL);
    g_autofree char *extra = NULL;
    g_autofree char *st = NULL;
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    Peer ps, pd;
    QTestState *src, *dst;
    int uffd = syscall(__NR_userfaultfd, O_CLOEXEC);

    if (uffd < 0) {
        g_autofree char *why = g_strdup_printf("postcopy needs userfaultfd:"
                                               " %s", g_strerror(errno));
        g_test_skip(why);
        return;
    }
    close(uffd);
    peer_open(&ps);
    peer_open(&pd);
    src = start_vm(&ps, NULL);
    extra = g_strdup_printf("-object filter-dump,id=f0,netdev=n0,file=%s "
                            "-incoming unix:%s", pcap, sock);
    dst = start_vm(&pd, extra);
    /* 16 MiB of data at 4 MB/s: postcopy lasts about four seconds. */
    qtest_memset(src, 0x400000, 0x5a, 16 << 20);
    qtest_qmp_assert_success(dst, "{'execute': 'migrate-set-parameters', "
                             "'arguments': {'announce-rounds': 2, "
                             "'announce-initial': 20, 'announce-step': 20,"
                             " 'announce-max': 40}}");
    for (int i = 0; i < 2; i++) {
        qtest_qmp_assert_success(i ? dst : src,
                                 "{'execute': 'migrate-set-capabilities', "
                                 "'arguments': {'capabilities': [{"
                                 "'capability': 'postcopy-ram', "
                                 "'state': true}]}}");
    }
    qtest_qmp_assert_success(src, "{'execute': 'migrate-set-parameters', "
                             "'arguments': {'max-bandwidth': 4000000, "
                             "'max-postcopy-bandwidth': 4000000}}");
    qtest_qmp_assert_success(src, "{'execute': 'migrate', 'arguments': "
                             "{'uri': %s}}", uri);
    wait_mig_status(src, "active");
    qtest_qmp_assert_success(src, "{'execute': 'migrate-start-postcopy'}");
    wait_mig_status(dst, "postcopy-active");
    /* Both rounds while most of the pages are still on their way. */
    for (int i = 0; i < 400 && count_rarp(pcap, nic_mac) < 2; i++) {
        g_usleep(10 * 1000);
    }
    st = mig_status(dst);
    g_assert_cmpint(count_rarp(pcap, nic_mac), ==, 2);
    g_assert_cmpstr(st, ==, "postcopy-active");
    wait_mig_status(src, "completed");
    wait_mig_status(dst, "completed");
    g_usleep(300 * 1000);
    g_assert_cmpint(count_rarp(pcap, nic_mac), ==, 2);
    qtest_quit(src);
    qtest_quit(dst);
    close(ps.fd);
    close(pd.fd);
    unlink(pcap);
    unlink(sock);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/e1000/pci-bars", test_pci_bars);
    qtest_add_func("/e1000/eeprom", test_eeprom);
    qtest_add_func("/e1000/tx", test_tx);
    qtest_add_func("/e1000/rx", test_rx);
    qtest_add_func("/e1000/link", test_link);
    qtest_add_func("/e1000/vlan-rx", test_vlan_rx);
    qtest_add_func("/e1000/socket-mcast", test_socket_mcast);
    qtest_add_func("/e1000/socket-fd", test_socket_fd);
    qtest_add_func("/e1000/mitigation-itr", test_mitigation_itr);
    qtest_add_func("/e1000/mitigation-radv", test_mitigation_radv);
    qtest_add_func("/e1000/bad-options", test_bad_options);
    qtest_add_func("/e1000/migrate-rings", test_migrate_rings);
    qtest_add_func("/e1000/announce-self", test_announce_self);
    qtest_add_func("/e1000/postcopy-announce", test_postcopy_announce);
    qtest_add_func("/e1000/user-dhcp", test_user_dhcp);
    qtest_add_func("/e1000/user-hostfwd", test_user_hostfwd);
    qtest_add_func("/e1000/user-guestfwd-chardev",
                   test_user_guestfwd_chardev);
    qtest_add_func("/e1000/user-migrate", test_user_migrate);
    return g_test_run();
}

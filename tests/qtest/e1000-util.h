/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Driving the e1000 from a qtest (tests/qtest/e1000-util.c): PCI
 * configuration cycles, register access, TX and RX rings in guest
 * memory at fixed places, and a UDP socket as the netdev's peer.
 */
#ifndef TESTS_QTEST_E1000_UTIL_H
#define TESTS_QTEST_E1000_UTIL_H

#include "libqtest.h"

#define CONF_ADDR 0xcf8
#define CONF_DATA 0xcfc
#define SLOT      3
#define MMIO      0xfebc0000u
#define IOBASE    0xc000

#define RING_TX   0x100000
#define RING_RX   0x110000
#define BUF_TX    0x200000
#define BUF_RX    0x300000
#define NDESC     8

#define CTRL   0x0000
#define STATUS 0x0008
#define EECD   0x0010
#define EERD   0x0014
#define ICR    0x00c0
#define IMS    0x00d0
#define RCTL   0x0100
#define TCTL   0x0400
#define RDBAL  0x2800
#define RDBAH  0x2804
#define RDLEN  0x2808
#define RDH    0x2810
#define RDT    0x2818
#define TDBAL  0x3800
#define TDBAH  0x3804
#define TDLEN  0x3808
#define TDH    0x3810
#define TDT    0x3818
#define GPTC   0x4080
#define TPR    0x40d0

typedef struct Peer {
    int fd;                 /* the test's UDP socket */
    int port;               /* its port (the netdev's udp=) */
    int nic_port;           /* the netdev's localaddr port */
} Peer;

extern const uint8_t nic_mac[6];

/* A UDP socket bound to 127.0.0.1:@port (0: any); its port. */
int udp_bound(int port);
int sock_port(int fd);
/* The test's socket and a free port for the netdev's end. */
void peer_open(Peer *p);
void peer_send(Peer *p, const uint8_t *buf, size_t len);
/* A frame from the NIC within 10 s (the next that is not a RARP). */
ssize_t peer_recv(Peer *p, uint8_t *buf, size_t len);
ssize_t peer_recv_data(Peer *p, uint8_t *buf, size_t len);
/* -M tern with the e1000 at SLOT on a UDP socket netdev n0 to @p. */
QTestState *start_vm(Peer *p, const char *extra);
uint32_t cfg_addr(int reg);
uint32_t cfg_readl(QTestState *qts, int reg);
void cfg_writel(QTestState *qts, int reg, uint32_t val);
uint32_t mr(QTestState *qts, uint32_t reg);
void mw(QTestState *qts, uint32_t reg, uint32_t val);
/* Map the BARs, enable decoding and bus mastering; the rings. */
void pci_enable(QTestState *qts);
void setup_tx(QTestState *qts);
void setup_rx(QTestState *qts);
void make_frame(uint8_t *f, size_t len, const uint8_t *dst, uint8_t fill);
/* Legacy TX descriptor @i (EOP|IFCS|RS); RX descriptor @i done. */
void put_tx_desc(QTestState *qts, int i, uint64_t buf, uint16_t len);
bool wait_rx_done(QTestState *qts, int i);
/* Tern -M tern with @args fails with one line that contains @msg. */
void expect_one_error(const char *args, const char *msg);

#endif /* TESTS_QTEST_E1000_UTIL_H */

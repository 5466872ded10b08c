/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "e1000": the Intel 82540EM gigabit Ethernet controller on PCI, the NIC
 * QEMU gives -nic user by default.  BAR 0 is the register file (128 KiB
 * of memory), BAR 1 the I/O window (IOADDR/IODATA).  The MAC address is
 * in the EEPROM (Microwire bit-banging through EECD, or EERD) and in
 * receive address 0.  Transmit and receive use the legacy and extended
 * descriptor rings in guest memory through bus-master DMA; transmission
 * runs at once when the guest moves TDT, so a descriptor is marked done
 * only after its frame went to the netdev.  Checksum offload and TCP
 * segmentation follow the context descriptors.  Interrupts are ICR
 * causes masked by IMS on INTA; a rising edge opens a mitigation window
 * (ITR, RADV when RDTR is set, TADV after an IDE descriptor; at least
 * 128 us) within which further rising edges wait, as QEMU models it.
 * Receive filters VLAN-tagged frames through VFTA (RCTL.VFE) and strips
 * the tag into the descriptor with CTRL.VME.  The PHY (M88E1011)
 * completes auto-negotiation at once.
 *
 * Not modelled: flow control, wake-up, the relative timers of RDTR and
 * TIDV (QEMU leaves them out too: RDTR only enables RADV).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "e1000_regs.h"
#include "hw/net/trace.h"

#define TYPE_E1000 "e1000"
OBJECT_DECLARE_SIMPLE_TYPE(E1000State, E1000)

#define E1000_DEVID      0x100E     /* 82540EM */
#define E1000_PHY_ID2    0x0C20
/* The whole 128 KiB register window, as QEMU's full_mac_state sends it. */
#define E1000_NREGS      0x8000
#define E1000_TX_MAX     0x10000
/* tx.size travels as 16 bits (QEMU's layout): a packet stops one short. */
#define E1000_TX_LIMIT   0xffff
#define E1000_HDR_MAX    256
#define MIN_FRAME        60
#define ETH_P_VLAN       0x8100

#define REG(s, r) ((s)->mac_reg[(r) >> 2])

/* One context descriptor's checksum and TSO setup. */
typedef struct E1000TxProps {
    uint8_t ipcss, ipcso, tucss, tucso;
    uint16_t ipcse, tucse;
    uint8_t hdr_len;
    uint16_t mss;
    uint32_t paylen;
    int8_t ip;                  /* IPv4 (else IPv6) */
    int8_t tcp;                 /* TCP (else UDP) */
} E1000TxProps;

typedef struct E1000TxState {
    uint8_t header[E1000_HDR_MAX];
    uint8_t data[E1000_TX_MAX];
    uint16_t size;
    uint16_t tso_frames;
    uint8_t sum_needed;         /* POPTS of the current packet */
    bool tse;                   /* this descriptor segments (TSE) */
    bool vlan_needed;
    uint16_t vlan_special;
    /*
     * The last context descriptor without TSE (props) and with it
     * (tso_props): drivers keep one of each, as QEMU models.
     */
    E1000TxProps props;
    E1000TxProps tso_props;
} E1000TxState;

typedef struct E1000EecdState {
    uint16_t bitnum_in;
    uint16_t bitnum_out;
    uint32_t val_in;
    uint32_t old_eecd;
    uint16_t reading;
} E1000EecdState;

struct E1000State {
    PCIDevice parent_obj;

    NICState *nic;
    NICConf conf;
    char *netdev_id;
    char *mac_str;

    MemoryRegion mmio;
    MemoryRegion io;
    uint32_t ioaddr;            /* the I/O window's address register */

    uint32_t mac_reg[E1000_NREGS];
    uint16_t phy_reg[0x20];
    uint16_t eeprom_data[64];
    E1000EecdState eecd_state;
    E1000TxState tx;
    uint32_t rxbuf_size;
    uint32_t rxbuf_min_shift;
    /* Interrupt mitigation (QEMU's "mitigation" property). */
    bool mitigation;
    QEMUTimer *mit_timer;
    bool mit_timer_on;          /* a mitigation window is open */
    bool mit_irq_level;         /* the level of INTA */
    bool mit_ide;               /* an IDE descriptor since the last window */
    /* Migration only: QEMU's names for what its stream carries. */
    E1000TxProps mig_props;
    bool received_tx_tso;
};

static const uint16_t e1000_eeprom_template[64] = {
    0x0000, 0x0000, 0x0000, 0x0000, 0xffff, 0x0000, 0x0000, 0x0000,
    0x3000, 0x1000, 0x6403, E1000_DEVID, 0x8086, E1000_DEVID, 0x8086, 0x3040,
    0x0008, 0x2000, 0x7e14, 0x0048, 0x1000, 0x00d8, 0x0000, 0x2700,
    0x6cc9, 0x3150, 0x0722, 0x040b, 0x0984, 0x0000, 0xc000, 0x0706,
    0x1008, 0x0000, 0x0f04, 0x7fff, 0x4d01, 0xffff, 0xffff, 0xffff,
    0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
    0x0100, 0x4000, 0x121c, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
    0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0x0000,
};

/* PHY register reset values (M88E1011 after auto-negotiation). */
static const uint16_t e1000_phy_init[0x20] = {
    [PHY_CTRL] = 0x1140,
    [PHY_STATUS] = 0x796d,
    [PHY_ID1] = 0x0141,
    [PHY_ID2] = E1000_PHY_ID2,
    [PHY_AUTONEG_ADV] = 0x0de1,
    [PHY_LP_ABILITY] = 0x07e0,
    [PHY_1000T_CTRL] = 0x0e00,
    [PHY_1000T_STATUS] = 0x3c00,
    [M88E1000_PHY_SPEC_CTRL] = 0x0360,
    [M88E1000_PHY_SPEC_STATUS] = 0xac00,
    [M88E1000_EXT_PHY_SPEC_CTRL] = 0x0d60,
};

/* Which PHY registers the guest may read and write. */
static const uint8_t phy_writable[0x20] = {
    [PHY_CTRL] = 1, [PHY_AUTONEG_ADV] = 1, [PHY_1000T_CTRL] = 1,
    [M88E1000_PHY_SPEC_CTRL] = 1, [M88E1000_EXT_PHY_SPEC_CTRL] = 1,
};

/* ------------------------------------------------------------------ */
/* Interrupts and link                                                 */

/* The shortest delay of the armed timers; 0 is "none yet". */
static void e1000_mit_min(uint32_t *delay, uint32_t value)
{
    if (value && (*delay == 0 || value < *delay)) {
        *delay = value;
    }
}

/*
 * ICR becomes @icr (ICS reads the same).  A rising edge of INTA inside
 * a mitigation window waits for the window's end; one outside it is
 * raised at once and opens a window of the smallest armed delay, in
 * 256 ns units: TADV (1.024 us units) if a descriptor asked for a
 * delayed interrupt and a TX cause is pending, RADV if RDTR is set and
 * RXT0 is pending, ITR; never less than 500 (the 82540EM's ceiling of
 * 7813 interrupts a second).
 */
static void e1000_set_interrupt_cause(E1000State *s, uint32_t icr)
{
    uint32_t pending;

    REG(s, E1000_ICR) = icr;
    REG(s, E1000_ICS) = icr;
    pending = icr & REG(s, E1000_IMS);
    if (!s->mit_irq_level && pending) {
        uint32_t delay = 0;

        if (s->mit_timer_on) {
            trace_e1000_mit_held(icr);
            return;
        }
        if (s->mitigation) {
            if (s->mit_ide &&
                (pending & (E1000_ICR_TXQE | E1000_ICR_TXDW))) {
                e1000_mit_min(&delay, REG(s, E1000_TADV) * 4);
            }
            if (REG(s, E1000_RDTR) && (pending & E1000_ICR_RXT0)) {
                e1000_mit_min(&delay, REG(s, E1000_RADV) * 4);
            }
            e1000_mit_min(&delay, REG(s, E1000_ITR));
            delay = MAX(delay, 500);
            s->mit_timer_on = true;
            timer_mod_ns(s->mit_timer,
                         qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                         delay * 256ULL);
            s->mit_ide = false;
            trace_e1000_mit_window(delay * 256ULL);
        }
    }
    s->mit_irq_level = pending != 0;
    pci_set_irq(PCI_DEVICE(s), s->mit_irq_level);
}

static void e1000_mit_timer(void *opaque)
{
    E1000State *s = opaque;

    s->mit_timer_on = false;
    /* Raise what waited for the window's end. */
    e1000_set_interrupt_cause(s, REG(s, E1000_ICR));
}

static void e1000_update_irq(E1000State *s)
{
    e1000_set_interrupt_cause(s, REG(s, E1000_ICR));
}

static void e1000_set_ics(E1000State *s, uint32_t cause)
{
    trace_e1000_irq(REG(s, E1000_ICR) | cause, REG(s, E1000_IMS));
    e1000_set_interrupt_cause(s, REG(s, E1000_ICR) | cause);
}

static bool e1000_link_up(E1000State *s)
{
    return REG(s, E1000_STATUS) & E1000_STATUS_LU;
}

static void e1000_set_link(E1000State *s, bool up)
{
    if (up) {
        REG(s, E1000_STATUS) |= E1000_STATUS_LU;
        s->phy_reg[PHY_STATUS] |= MII_SR_LINK_STATUS |
                                  MII_SR_AUTONEG_COMPLETE;
    } else {
        REG(s, E1000_STATUS) &= ~E1000_STATUS_LU;
        s->phy_reg[PHY_STATUS] &= ~(MII_SR_LINK_STATUS |
                                    MII_SR_AUTONEG_COMPLETE);
    }
}

static void e1000_link_status_changed(NetClientState *nc)
{
    E1000State *s = qemu_get_nic_opaque(nc);
    bool up = !nc->link_down;

    if (up == e1000_link_up(s)) {
        return;
    }
    trace_e1000_link(up);
    e1000_set_link(s, up);
    e1000_set_ics(s, E1000_ICR_LSC);
    if (up) {
        qemu_flush_queued_packets(qemu_get_queue(s->nic));
    }
}

/* ------------------------------------------------------------------ */
/* Reset                                                               */

static void e1000_set_rx_control(E1000State *s, uint32_t val);

static void e1000_reset(E1000State *s)
{
    const uint8_t *mac = s->conf.macaddr.a;

    timer_del(s->mit_timer);
    s->mit_timer_on = false;
    s->mit_irq_level = false;
    s->mit_ide = false;
    memset(s->mac_reg, 0, sizeof(s->mac_reg));
    memcpy(s->phy_reg, e1000_phy_init, sizeof(s->phy_reg));
    memset(&s->eecd_state, 0, sizeof(s->eecd_state));
    memset(&s->tx, 0, sizeof(s->tx));
    s->ioaddr = 0;
    REG(s, E1000_PBA) = 0x00100030;
    REG(s, E1000_LEDCTL) = 0x602;
    REG(s, E1000_CTRL) = E1000_CTRL_SWDPIN2 | E1000_CTRL_SWDPIN0 |
                         E1000_CTRL_SPD_1000 | E1000_CTRL_SLU;
    REG(s, E1000_STATUS) = E1000_STATUS_ASDV | E1000_STATUS_MTXCKOK |
                           E1000_STATUS_SPEED_1000 | E1000_STATUS_FD |
                           E1000_STATUS_LU;
    REG(s, E1000_MANC) = 0x00080000;    /* SMBus disabled, ARP to host */
    REG(s, E1000_VET) = ETH_P_VLAN;     /* QEMU's "init-vet" default */
    /* Receive address 0 is the EEPROM's MAC. */
    REG(s, E1000_RA) = mac[0] | mac[1] << 8 | mac[2] << 16 |
                       (uint32_t)mac[3] << 24;
    REG(s, E1000_RA + 4) = mac[4] | mac[5] << 8 | E1000_RAH_AV;
    e1000_set_rx_control(s, 0);
    if (s->nic && qemu_get_queue(s->nic)->link_down) {
        e1000_set_link(s, false);
    }
    e1000_update_irq(s);
}

static void e1000_qdev_reset(DeviceState *dev)
{
    e1000_reset(E1000(dev));
}

/* ------------------------------------------------------------------ */
/* EEPROM and PHY                                                      */

static uint32_t e1000_get_eecd(E1000State *s)
{
    uint32_t ret = E1000_EECD_PRES | E1000_EECD_GNT | s->eecd_state.old_eecd;
    uint16_t bit = s->eecd_state.bitnum_out;

    /* DO carries the addressed word, MSB first, while reading. */
    if (!s->eecd_state.reading ||
        ((s->eeprom_data[(bit >> 4) & 0x3f] >> ((bit & 0xf) ^ 0xf)) & 1)) {
        ret |= E1000_EECD_DO;
    }
    return ret;
}

static void e1000_set_eecd(E1000State *s, uint32_t val)
{
    uint32_t old = s->eecd_state.old_eecd;

    s->eecd_state.old_eecd = val & (E1000_EECD_SK | E1000_EECD_CS |
                              E1000_EECD_DI | E1000_EECD_FWE_MASK |
                              E1000_EECD_REQ);
    if (!(val & E1000_EECD_CS)) {
        return;                         /* not selected */
    }
    if ((val ^ old) & E1000_EECD_CS) {
        /* Chip select rises: a new command starts. */
        s->eecd_state.val_in = 0;
        s->eecd_state.bitnum_in = 0;
        s->eecd_state.bitnum_out = 0;
        s->eecd_state.reading = false;
    }
    if (!((val ^ old) & E1000_EECD_SK)) {
        return;                         /* no clock edge */
    }
    if (!(val & E1000_EECD_SK)) {
        /* Falling edge: the next output bit. */
        s->eecd_state.bitnum_out++;
        return;
    }
    /* Rising edge: shift in DI; after 3 opcode + 6 address bits, decode. */
    s->eecd_state.val_in = (s->eecd_state.val_in << 1) |
                           !!(val & E1000_EECD_DI);
    if (++s->eecd_state.bitnum_in == 9 && !s->eecd_state.reading) {
        s->eecd_state.bitnum_out = ((s->eecd_state.val_in & 0x3f) << 4) - 1;
        s->eecd_state.reading = ((s->eecd_state.val_in >> 6) & 7) ==
                          EEPROM_READ_OPCODE_MICROWIRE;
    }
}

static uint32_t e1000_get_eerd(E1000State *s)
{
    uint32_t eerd = REG(s, E1000_EERD);
    unsigned idx = (eerd >> E1000_EEPROM_RW_ADDR_SHIFT) & 0xff;

    if (!(eerd & E1000_EEPROM_RW_REG_START)) {
        return eerd;
    }
    if (idx > EEPROM_CHECKSUM_REG) {
        return 0;
    }
    return ((uint32_t)s->eeprom_data[idx] << E1000_EEPROM_RW_REG_DATA) |
           E1000_EEPROM_RW_REG_DONE | (eerd & 0xffff);
}

static void e1000_set_mdic(E1000State *s, uint32_t val)
{
    uint32_t data = val & E1000_MDIC_DATA_MASK;
    uint32_t addr = (val >> E1000_MDIC_REG_SHIFT) & 0x1f;

    if (((val >> E1000_MDIC_PHY_SHIFT) & 0x1f) != 1) {
        val |= E1000_MDIC_ERROR;        /* only PHY address 1 answers */
    } else if (val & E1000_MDIC_OP_READ) {
        val = (val & ~E1000_MDIC_DATA_MASK) | s->phy_reg[addr];
    } else if (val & E1000_MDIC_OP_WRITE) {
        if (!phy_writable[addr]) {
            val |= E1000_MDIC_ERROR;
        } else if (addr == PHY_CTRL) {
            /* Reset and restart-autoneg complete at once. */
            s->phy_reg[PHY_CTRL] = data & ~(MII_CR_RESET |
                                            MII_CR_RESTART_AUTO_NEG);
        } else {
            s->phy_reg[addr] = data;
        }
    }
    REG(s, E1000_MDIC) = val | E1000_MDIC_READY;
    if (val & E1000_MDIC_INT_EN) {
        e1000_set_ics(s, E1000_ICR_MDAC);
    }
}

/* ------------------------------------------------------------------ */
/* Transmit                                                            */

static uint64_t tx_ring_base(E1000State *s)
{
    return ((uint64_t)REG(s, E1000_TDBAH) << 32) | REG(s, E1000_TDBAL);
}

static uint64_t rx_ring_base(E1000State *s)
{
    return ((uint64_t)REG(s, E1000_RDBAH) << 32) | REG(s, E1000_RDBAL);
}

/* One's complement sum of @data[css..end] stored at @sloc (big-endian). */
static void e1000_putsum(uint8_t *data, uint32_t n, uint32_t sloc,
                         uint32_t css, uint32_t cse)
{
    uint32_t sum = 0;

    if (cse && cse < n) {
        n = cse + 1;
    }
    if (sloc + 1 >= n || css >= n) {
        return;
    }
    for (uint32_t i = css; i < n; i += 2) {
        sum += data[i] << 8 | (i + 1 < n ? data[i + 1] : 0);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum = ~sum & 0xffff;
    stw_be_p(data + sloc, sum ? sum : 0xffff);
}

static void e1000_count_tx(E1000State *s, const uint8_t *buf, size_t size)
{
    uint64_t tot = ((uint64_t)REG(s, E1000_TOTH) << 32) | REG(s, E1000_TOTL);

    tot += size + 4;
    REG(s, E1000_TOTL) = tot;
    REG(s, E1000_TOTH) = tot >> 32;
    REG(s, E1000_GOTCL) = REG(s, E1000_TOTL);
    REG(s, E1000_GOTCH) = REG(s, E1000_TOTH);
    REG(s, E1000_TPT)++;
    REG(s, E1000_GPTC)++;
    if (!memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6)) {
        REG(s, E1000_BPTC)++;
    } else if (buf[0] & 1) {
        REG(s, E1000_MPTC)++;
    }
}

static void e1000_send(E1000State *s, uint8_t *buf, size_t size)
{
    E1000TxState *tp = &s->tx;
    g_autofree uint8_t *tagged = NULL;

    if (tp->vlan_needed && size >= 12) {
        /* Insert the 802.1Q tag after the two MAC addresses. */
        tagged = g_malloc(size + 4);
        memcpy(tagged, buf, 12);
        stw_be_p(tagged + 12, REG(s, E1000_VET) & 0xffff);
        stw_be_p(tagged + 14, tp->vlan_special);
        memcpy(tagged + 16, buf + 12, size - 12);
        buf = tagged;
        size += 4;
    }
    trace_e1000_tx(size);
    e1000_count_tx(s, buf, size);
    qemu_send_packet(qemu_get_queue(s->nic), buf, size);
}

/* Finish one frame (or one TSO segment) of the current packet. */
static void e1000_xmit_seg(E1000State *s)
{
    E1000TxState *tp = &s->tx;
    E1000TxProps *p = tp->tse ? &tp->tso_props : &tp->props;
    uint32_t css = p->ipcss;
    uint32_t len = tp->size;

    if (tp->tse) {
        uint32_t sofar = tp->tso_frames * p->mss;

        if (p->ip) {
            /* IPv4: total length and a fresh identification. */
            stw_be_p(tp->data + css + 2, len - css);
            stw_be_p(tp->data + css + 4,
                     lduw_be_p(tp->data + css + 4) + tp->tso_frames);
        } else {
            stw_be_p(tp->data + css + 4, len - css - 40);
        }
        css = p->tucss;
        if (p->tcp) {
            stl_be_p(tp->data + css + 4, ldl_be_p(tp->data + css + 4) +
                     sofar);
            if (p->paylen - sofar > p->mss) {
                tp->data[css + 13] &= ~0x09;    /* PSH and FIN: last only */
            }
        } else {
            stw_be_p(tp->data + css + 4, len - css);
        }
        if (tp->sum_needed & E1000_TXD_POPTS_TXSM) {
            /* The driver's pseudo-header sum lacks the segment length. */
            uint32_t phsum = lduw_be_p(tp->data + p->tucso) + len - css;

            phsum = (phsum >> 16) + (phsum & 0xffff);
            stw_be_p(tp->data + p->tucso, phsum);
        }
        tp->tso_frames++;
    }
    if (tp->sum_needed & E1000_TXD_POPTS_TXSM) {
        e1000_putsum(tp->data, tp->size, p->tucso, p->tucss, p->tucse);
    }
    if (tp->sum_needed & E1000_TXD_POPTS_IXSM) {
        e1000_putsum(tp->data, tp->size, p->ipcso, p->ipcss, p->ipcse);
    }
    e1000_send(s, tp->data, tp->size);
}

static void e1000_context_desc(E1000State *s, const uint8_t *d)
{
    E1000TxState *tx = &s->tx;
    uint32_t cmd_len = ldl_le_p(d + 8);
    E1000TxProps *tp = (cmd_len & E1000_TXD_CMD_TSE) ? &tx->tso_props
                                                      : &tx->props;

    tp->ipcss = d[0];
    tp->ipcso = d[1];
    tp->ipcse = lduw_le_p(d + 2);
    tp->tucss = d[4];
    tp->tucso = d[5];
    tp->tucse = lduw_le_p(d + 6);
    tp->paylen = cmd_len & 0xfffff;
    tp->ip = !!(cmd_len & E1000_TXD_CMD_IP);
    tp->tcp = !!(cmd_len & E1000_TXD_CMD_TCP);
    tp->hdr_len = d[13];
    tp->mss = lduw_le_p(d + 14);
    if (cmd_len & E1000_TXD_CMD_TSE) {
        tx->tso_frames = 0;
    }
}

/* Append @len bytes at guest @addr to the packet, cutting TSO segments. */
static void e1000_tx_data(E1000State *s, uint64_t addr, uint32_t len,
                          bool eop)
{
    PCIDevice *d = PCI_DEVICE(s);
    E1000TxState *tp = &s->tx;
    const E1000TxProps *p = &tp->tso_props;

    if (tp->tse && p->hdr_len && p->mss) {
        uint32_t seg_end = MIN(p->hdr_len + p->mss, E1000_TX_LIMIT);

        while (len) {
            uint32_t bytes;

            if (tp->size >= seg_end) {
                /* A context descriptor shrank the segment mid-packet. */
                qemu_log_mask(LOG_GUEST_ERROR, "e1000: TSO segment past "
                              "its end, rest of the packet dropped\n");
                return;
            }
            bytes = MIN(len, seg_end - tp->size);

            pci_dma_read(d, addr, tp->data + tp->size, bytes);
            tp->size += bytes;
            addr += bytes;
            len -= bytes;
            if (tp->size >= p->hdr_len && tp->size - bytes < p->hdr_len) {
                memcpy(tp->header, tp->data,
                       MIN(p->hdr_len, E1000_HDR_MAX));
            }
            if (tp->size == seg_end) {
                e1000_xmit_seg(s);
                memcpy(tp->data, tp->header, p->hdr_len);
                tp->size = p->hdr_len;
            }
        }
        if (eop && tp->size > p->hdr_len) {
            e1000_xmit_seg(s);
        }
        return;
    }
    if (tp->size + len > E1000_TX_LIMIT) {
        qemu_log_mask(LOG_GUEST_ERROR, "e1000: packet over %d bytes "
                      "truncated\n", E1000_TX_LIMIT);
        len = E1000_TX_LIMIT - tp->size;
    }
    pci_dma_read(d, addr, tp->data + tp->size, len);
    tp->size += len;
    if (eop) {
        e1000_xmit_seg(s);
    }
}

/* Handle one descriptor; returns the interrupt causes it raises. */
static uint32_t e1000_process_tx_desc(E1000State *s, uint8_t *desc)
{
    E1000TxState *tp = &s->tx;
    uint64_t addr = ldq_le_p(desc);
    uint32_t lower = ldl_le_p(desc + 8);
    uint32_t upper = ldl_le_p(desc + 12);
    bool ext = lower & E1000_TXD_CMD_DEXT;
    uint32_t len;

    s->mit_ide |= !!(lower & E1000_TXD_CMD_IDE);
    if (ext && !(lower & E1000_TXD_DTYP_D)) {
        e1000_context_desc(s, desc);
        goto done;
    }
    /*
     * TSE and the VLAN tag are read from each descriptor, so a packet
     * cut by a migration goes on from what the stream carries.
     */
    if (ext) {
        /* Data descriptor: the first one's options hold for the packet. */
        tp->tse = !!(lower & E1000_TXD_CMD_TSE);
        if (tp->size == 0) {
            tp->sum_needed = (upper >> 8) & 0xff;
            if (tp->tse) {
                tp->tso_frames = 0;
            }
        }
        len = lower & 0xfffff;
    } else {
        /* Legacy: an optional checksum at cso, summed from css. */
        tp->tse = false;
        if (tp->size == 0) {
            tp->sum_needed = 0;
            if (lower & E1000_TXD_CMD_IC) {
                tp->sum_needed = E1000_TXD_POPTS_TXSM;
                tp->props.tucso = (lower >> 16) & 0xff;
                tp->props.tucss = (upper >> 8) & 0xff;
                tp->props.tucse = 0;
            }
        }
        len = lower & 0xffff;
    }
    if ((lower & E1000_TXD_CMD_VLE) && (REG(s, E1000_CTRL) & E1000_CTRL_VME)
        && (tp->tse || (lower & E1000_TXD_CMD_EOP))) {
        tp->vlan_needed = true;
        tp->vlan_special = upper >> 16;
    }
    e1000_tx_data(s, addr, len, lower & E1000_TXD_CMD_EOP);
    if (lower & E1000_TXD_CMD_EOP) {
        tp->size = 0;
        tp->tse = false;
        tp->vlan_needed = false;
        tp->tso_frames = 0;
    }

done:
    if (!(lower & (E1000_TXD_CMD_RS | E1000_TXD_CMD_RPS))) {
        return 0;
    }
    /* Report the descriptor done (DD) in its status byte. */
    desc[12] |= E1000_TXD_STAT_DD;
    return E1000_ICR_TXDW;
}

static void e1000_start_xmit(E1000State *s)
{
    PCIDevice *d = PCI_DEVICE(s);
    uint32_t n = REG(s, E1000_TDLEN) / 16;
    uint32_t cause = E1000_ICR_TXQE;
    uint32_t start = REG(s, E1000_TDH);

    if (!(REG(s, E1000_TCTL) & E1000_TCTL_EN)) {
        return;
    }
    while (n && REG(s, E1000_TDH) != REG(s, E1000_TDT)) {
        uint64_t a = tx_ring_base(s) + 16ULL * REG(s, E1000_TDH);
        uint8_t desc[16];
        uint32_t c;

        if (pci_dma_read(d, a, desc, 16)) {
            break;
        }
        trace_e1000_tx_desc(REG(s, E1000_TDH), ldl_le_p(desc + 8));
        c = e1000_process_tx_desc(s, desc);
        if (c) {
            pci_dma_write(d, a + 12, desc + 12, 1);
            cause |= c;
        }
        if (++REG(s, E1000_TDH) * 16 >= REG(s, E1000_TDLEN)) {
            REG(s, E1000_TDH) = 0;
        }
        /* A TDT beyond the ring would loop for ever: stop after a lap. */
        if (REG(s, E1000_TDH) == start) {
            qemu_log_mask(LOG_GUEST_ERROR, "e1000: TDH wrapped: TDT %u "
                          "outside the ring\n", REG(s, E1000_TDT));
            break;
        }
    }
    e1000_set_ics(s, cause);
}

/* ------------------------------------------------------------------ */
/* Receive                                                             */

static void e1000_set_rx_control(E1000State *s, uint32_t val)
{
    static const uint32_t sizes[4] = { 2048, 1024, 512, 256 };
    static const uint32_t ext_sizes[4] = { 2048, 16384, 8192, 4096 };
    unsigned sz = (val >> E1000_RCTL_SZ_SHIFT) & 3;

    REG(s, E1000_RCTL) = val;
    s->rxbuf_size = (val & E1000_RCTL_BSEX) ? ext_sizes[sz] : sizes[sz];
    s->rxbuf_min_shift = ((val >> E1000_RCTL_RDMTS_SHIFT) & 3) + 1;
}

static uint32_t e1000_rx_free_descs(E1000State *s)
{
    uint32_t n = REG(s, E1000_RDLEN) / 16;
    uint32_t h = REG(s, E1000_RDH), t = REG(s, E1000_RDT);

    if (!n || h >= n || t >= n || h == t) {
        return 0;
    }
    return t > h ? t - h : n + t - h;
}

static bool e1000_rx_ready(E1000State *s)
{
    return (REG(s, E1000_RCTL) & E1000_RCTL_EN) && e1000_link_up(s) &&
           (pci_get_word(PCI_DEVICE(s)->config + PCI_COMMAND) &
            PCI_COMMAND_MASTER);
}

static bool e1000_can_receive(NetClientState *nc)
{
    E1000State *s = qemu_get_nic_opaque(nc);

    return e1000_rx_ready(s) && e1000_rx_free_descs(s) > 0;
}

static bool e1000_is_vlan_frame(E1000State *s, const uint8_t *buf)
{
    return lduw_be_p(buf + 12) == (REG(s, E1000_VET) & 0xffff);
}

/* A tagged frame (ethertype VET) passes VFTA when RCTL.VFE is set. */
static bool e1000_rx_vlan_filter(E1000State *s, const uint8_t *buf)
{
    uint16_t vid = lduw_be_p(buf + 14) & 0xfff;

    if (!(REG(s, E1000_RCTL) & E1000_RCTL_VFE) ||
        !e1000_is_vlan_frame(s, buf)) {
        return true;
    }
    if (REG(s, E1000_VFTA + 4 * (vid >> 5)) & (1u << (vid & 0x1f))) {
        return true;
    }
    trace_e1000_rx_vlan_filtered(vid);
    return false;
}

static bool e1000_rx_filter(E1000State *s, const uint8_t *buf, size_t size)
{
    static const int mta_shift[] = { 4, 3, 2, 0 };
    uint32_t rctl = REG(s, E1000_RCTL);
    bool multicast = buf[0] & 1;
    unsigned f;

    if (!e1000_rx_vlan_filter(s, buf)) {
        return false;
    }

    if (!multicast && (rctl & E1000_RCTL_UPE)) {
        return true;
    }
    if (multicast && (rctl & E1000_RCTL_MPE)) {
        return true;
    }
    if (!memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6)) {
        return rctl & E1000_RCTL_BAM;
    }
    for (int i = 0; i < 16; i++) {
        uint32_t ral = REG(s, E1000_RA + 8 * i);
        uint32_t rah = REG(s, E1000_RA + 8 * i + 4);
        uint8_t ra[6] = { ral, ral >> 8, ral >> 16, ral >> 24, rah,
                          rah >> 8 };

        if ((rah & E1000_RAH_AV) && !memcmp(buf, ra, 6)) {
            return true;
        }
    }
    if (multicast) {
        f = mta_shift[(rctl >> E1000_RCTL_MO_SHIFT) & 3];
        f = (((buf[5] << 8) | buf[4]) >> f) & 0xfff;
        return REG(s, E1000_MTA + 4 * (f >> 5)) & (1u << (f & 0x1f));
    }
    return false;
}

static void e1000_count_rx(E1000State *s, const uint8_t *buf, size_t size)
{
    uint64_t tot = ((uint64_t)REG(s, E1000_TORH) << 32) | REG(s, E1000_TORL);

    tot += size;
    REG(s, E1000_TORL) = tot;
    REG(s, E1000_TORH) = tot >> 32;
    REG(s, E1000_GORCL) = REG(s, E1000_TORL);
    REG(s, E1000_GORCH) = REG(s, E1000_TORH);
    REG(s, E1000_TPR)++;
    REG(s, E1000_GPRC)++;
    if (!memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6)) {
        REG(s, E1000_BPRC)++;
    } else if (buf[0] & 1) {
        REG(s, E1000_MPRC)++;
    }
}

static ssize_t e1000_receive(NetClientState *nc, const uint8_t *data,
                             size_t size)
{
    E1000State *s = qemu_get_nic_opaque(nc);
    PCIDevice *d = PCI_DEVICE(s);
    uint8_t min_buf[MIN_FRAME];
    g_autofree uint8_t *untagged = NULL;
    const uint8_t *buf = data;
    size_t total, copied = 0;
    uint32_t n = REG(s, E1000_RDLEN) / 16;
    uint32_t cause = E1000_ICR_RXT0;
    uint32_t free;
    uint16_t vlan_special = 0;
    uint8_t vlan_status = 0;

    if (!e1000_rx_ready(s)) {
        return size;                /* off or link down: dropped */
    }
    if (size < MIN_FRAME) {
        /* Pad short frames to the Ethernet minimum, as hardware does. */
        memcpy(min_buf, data, size);
        memset(min_buf + size, 0, MIN_FRAME - size);
        buf = min_buf;
        size = MIN_FRAME;
    }
    if (size > 1522 && !(REG(s, E1000_RCTL) & E1000_RCTL_LPE)) {
        return size;                /* too long without long packets */
    }
    if (!e1000_rx_filter(s, buf, size)) {
        trace_e1000_rx_filtered(size);
        return size;
    }
    if ((REG(s, E1000_CTRL) & E1000_CTRL_VME) && e1000_is_vlan_frame(s, buf)) {
        /* Strip the tag: its TCI goes to the descriptor's special field. */
        vlan_special = lduw_be_p(buf + 14);
        vlan_status = E1000_RXD_STAT_VP;
        untagged = g_malloc(size - 4);
        memcpy(untagged, buf, 12);
        memcpy(untagged + 12, buf + 16, size - 16);
        buf = untagged;
        size -= 4;
    }
    total = size + ((REG(s, E1000_RCTL) & E1000_RCTL_SECRC) ? 0 : 4);
    free = e1000_rx_free_descs(s);
    if (free == 0) {
        return 0;                   /* queued until the guest adds room */
    }
    if ((uint64_t)free * s->rxbuf_size < total) {
        /* Would not fit: dropped, as the hardware does (overrun). */
        REG(s, E1000_MPC)++;
        REG(s, E1000_RNBC)++;
        e1000_set_ics(s, E1000_ICR_RXO);
        return size;
    }
    trace_e1000_rx(size, REG(s, E1000_RDH));
    while (copied < total) {
        uint64_t a = rx_ring_base(s) + 16ULL * REG(s, E1000_RDH);
        uint8_t desc[16];
        size_t chunk = MIN(total - copied, s->rxbuf_size);
        size_t data_len = copied < size ? MIN(chunk, size - copied) : 0;
        uint64_t buf_addr;

        pci_dma_read(d, a, desc, 16);
        buf_addr = ldq_le_p(desc);
        if (buf_addr && data_len) {
            pci_dma_write(d, buf_addr, buf + copied, data_len);
        }
        copied += chunk;
        stw_le_p(desc + 8, chunk);
        stw_le_p(desc + 10, 0);             /* checksum */
        desc[12] = E1000_RXD_STAT_DD | E1000_RXD_STAT_IXSM | vlan_status |
                   (copied >= total ? E1000_RXD_STAT_EOP : 0);
        desc[13] = 0;                       /* errors */
        stw_le_p(desc + 14, vlan_special);
        pci_dma_write(d, a + 8, desc + 8, 8);
        if (++REG(s, E1000_RDH) >= n) {
            REG(s, E1000_RDH) = 0;
        }
    }
    e1000_count_rx(s, buf, size);
    free = e1000_rx_free_descs(s);
    if ((uint64_t)free * 16 <= (REG(s, E1000_RDLEN) >> s->rxbuf_min_shift)) {
        cause |= E1000_ICR_RXDMT0;
    }
    e1000_set_ics(s, cause);
    return size;
}

/* ------------------------------------------------------------------ */
/* Registers                                                           */

static bool e1000_is_stat(hwaddr off)
{
    return off >= E1000_STATS && off < E1000_STATS_END;
}

static uint32_t e1000_reg_read(E1000State *s, hwaddr off)
{
    uint32_t val;

    if (off >= E1000_REGS_END) {
        return 0;
    }
    switch (off) {
    case E1000_EECD:
        return e1000_get_eecd(s);
    case E1000_EERD:
        return e1000_get_eerd(s);
    case E1000_ICR:
        /* Reading ICR acknowledges every cause. */
        val = REG(s, E1000_ICR);
        REG(s, E1000_ICR) = 0;
        e1000_update_irq(s);
        return val;
    case E1000_ICS:
        return REG(s, E1000_ICR);
    case E1000_IMC:
        return 0;
    }
    val = REG(s, off);
    if (e1000_is_stat(off)) {
        REG(s, off) = 0;            /* statistics clear on read */
    }
    return val;
}

static void e1000_reg_write(E1000State *s, hwaddr off, uint32_t val)
{
    if (off >= E1000_REGS_END || e1000_is_stat(off)) {
        return;
    }
    switch (off) {
    case E1000_CTRL:
        if (val & E1000_CTRL_RST) {
            e1000_reset(s);
            return;
        }
        REG(s, off) = val & ~(E1000_CTRL_RST | E1000_CTRL_PHY_RST);
        return;
    case E1000_STATUS:
        return;                     /* read-only */
    case E1000_EECD:
        e1000_set_eecd(s, val);
        return;
    case E1000_MDIC:
        e1000_set_mdic(s, val);
        return;
    case E1000_ICR:
        REG(s, E1000_ICR) &= ~val;
        e1000_update_irq(s);
        return;
    case E1000_ICS:
        e1000_set_ics(s, val);
        return;
    case E1000_IMS:
        REG(s, E1000_IMS) |= val;
        e1000_update_irq(s);
        return;
    case E1000_IMC:
        REG(s, E1000_IMS) &= ~val;
        e1000_update_irq(s);
        return;
    case E1000_RCTL:
        e1000_set_rx_control(s, val);
        qemu_flush_queued_packets(qemu_get_queue(s->nic));
        return;
    case E1000_TDLEN:
    case E1000_RDLEN:
        REG(s, off) = val & 0xfff80;
        return;
    case E1000_TDBAL:
    case E1000_RDBAL:
        REG(s, off) = val & ~0xf;
        return;
    case E1000_TDH:
    case E1000_RDH:
        REG(s, off) = val & 0xffff;
        return;
    case E1000_TDT:
        REG(s, off) = val & 0xffff;
        e1000_start_xmit(s);
        return;
    case E1000_TCTL:
        REG(s, off) = val;
        e1000_start_xmit(s);
        return;
    case E1000_RDT:
        REG(s, off) = val & 0xffff;
        qemu_flush_queued_packets(qemu_get_queue(s->nic));
        return;
    case E1000_RDTR:
    case E1000_RADV:
    case E1000_TADV:
    case E1000_ITR:
        REG(s, off) = val & 0xffff;
        return;
    }
    REG(s, off) = val;
}

static uint64_t e1000_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    E1000State *s = opaque;
    uint32_t val = e1000_reg_read(s, addr & ~3);

    trace_e1000_mmio_read(addr, val);
    return val;
}

static void e1000_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    E1000State *s = opaque;

    trace_e1000_mmio_write(addr, val);
    e1000_reg_write(s, addr & ~3, val);
}

static const MemoryRegionOps e1000_mmio_ops = {
    .read = e1000_mmio_read,
    .write = e1000_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* The I/O window: IOADDR at 0 selects a register, IODATA at 4 reaches it. */
static uint64_t e1000_io_read(void *opaque, hwaddr addr, unsigned size)
{
    E1000State *s = opaque;

    if (addr == 0) {
        return s->ioaddr;
    }
    return e1000_reg_read(s, s->ioaddr & 0x1fffc);
}

static void e1000_io_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    E1000State *s = opaque;

    if (addr == 0) {
        s->ioaddr = val;
        return;
    }
    e1000_reg_write(s, s->ioaddr & 0x1fffc, val);
}

static const MemoryRegionOps e1000_io_ops = {
    .read = e1000_io_read,
    .write = e1000_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ------------------------------------------------------------------ */
/* Migration                                                           */

/*
 * QEMU's register indices (offset / 4) under QEMU's names, so that the
 * fields of the section are named as in QEMU's stream description.
 */
enum {
    CTRL = E1000_CTRL >> 2, EECD = E1000_EECD >> 2, EERD = E1000_EERD >> 2,
    GPRC = E1000_GPRC >> 2, GPTC = E1000_GPTC >> 2, ICR = E1000_ICR >> 2,
    ICS = E1000_ICS >> 2, IMC = E1000_IMC >> 2, IMS = E1000_IMS >> 2,
    LEDCTL = E1000_LEDCTL >> 2, MANC = E1000_MANC >> 2,
    MDIC = E1000_MDIC >> 2, MPC = E1000_MPC >> 2, PBA = E1000_PBA >> 2,
    RCTL = E1000_RCTL >> 2, RDBAH = E1000_RDBAH >> 2,
    RDBAL = E1000_RDBAL >> 2, RDH = E1000_RDH >> 2,
    RDLEN = E1000_RDLEN >> 2, RDT = E1000_RDT >> 2,
    STATUS = E1000_STATUS >> 2, SWSM = E1000_SWSM >> 2,
    TCTL = E1000_TCTL >> 2, TDBAH = E1000_TDBAH >> 2,
    TDBAL = E1000_TDBAL >> 2, TDH = E1000_TDH >> 2,
    TDLEN = E1000_TDLEN >> 2, TDT = E1000_TDT >> 2,
    TORH = E1000_TORH >> 2, TORL = E1000_TORL >> 2,
    TOTH = E1000_TOTH >> 2, TOTL = E1000_TOTL >> 2, TPR = E1000_TPR >> 2,
    TPT = E1000_TPT >> 2, TXDCTL = E1000_TXDCTL >> 2,
    WUFC = E1000_WUFC >> 2, VET = E1000_VET >> 2, RDTR = E1000_RDTR >> 2,
    RADV = E1000_RADV >> 2, TADV = E1000_TADV >> 2, ITR = E1000_ITR >> 2,
    RA = E1000_RA >> 2, MTA = E1000_MTA >> 2, VFTA = E1000_VFTA >> 2,
};
#define E1000_MC_TBL_SIZE           128
#define E1000_VLAN_FILTER_TBL_SIZE  128

static int e1000_pre_save(void *opaque)
{
    E1000State *s = opaque;

    /* The link is the netdev's: send what the guest sees. */
    if (s->nic && qemu_get_queue(s->nic)->link_down) {
        e1000_set_link(s, false);
    }
    /* The main part carries the non-TSO context, the subsection the other. */
    s->mig_props = s->tx.props;
    return 0;
}

static int e1000_pre_load(void *opaque)
{
    E1000State *s = opaque;

    s->received_tx_tso = false;
    return 0;
}

static bool e1000_post_load(void *opaque, int version_id, Error **errp)
{
    E1000State *s = opaque;
    NetClientState *nc = qemu_get_queue(s->nic);

    s->tx.props = s->mig_props;
    if (!s->received_tx_tso) {
        /* A stream without the TSO context: one context serves both. */
        s->tx.tso_props = s->mig_props;
    }
    /* Per-descriptor state of a packet in progress is read again. */
    s->tx.tse = false;
    s->tx.vlan_needed = false;
    s->rxbuf_size = 0;
    e1000_set_rx_control(s, REG(s, E1000_RCTL));
    if (!s->mitigation) {
        REG(s, E1000_ITR) = REG(s, E1000_RDTR) = 0;
        REG(s, E1000_RADV) = REG(s, E1000_TADV) = 0;
    }
    /* The window is not migrated: INTA is raised again from ICR & IMS. */
    s->mit_irq_level = false;
    s->mit_timer_on = false;
    s->mit_ide = false;
    timer_del(s->mit_timer);
    /* The destination's netdev decides the link. */
    if (nc->link_down != !e1000_link_up(s)) {
        e1000_set_link(s, !nc->link_down);
        e1000_set_ics(s, E1000_ICR_LSC);
    }
    e1000_update_irq(s);
    qemu_flush_queued_packets(nc);
    return true;
}

static int e1000_tx_tso_post_load(void *opaque, int version_id)
{
    E1000State *s = opaque;

    s->received_tx_tso = true;
    return 0;
}

static bool e1000_is_version_1(void *opaque, int version_id)
{
    return version_id == 1;
}

/*
 * Tern has no compatibility machines: the three subsections are always
 * sent, as by QEMU's current machine types; each is optional on load.
 */
static bool e1000_subsection_needed(void *opaque)
{
    return true;
}

static bool e1000_mit_state_needed(void *opaque)
{
    E1000State *s = opaque;

    return s->mitigation;
}

/* The mitigation registers and the level of INTA. */
static const VMStateDescription vmstate_e1000_mit_state = {
    .name = "e1000/mit_state",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = e1000_mit_state_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(mac_reg[RDTR], E1000State),
        VMSTATE_UINT32(mac_reg[RADV], E1000State),
        VMSTATE_UINT32(mac_reg[TADV], E1000State),
        VMSTATE_UINT32(mac_reg[ITR], E1000State),
        VMSTATE_BOOL(mit_irq_level, E1000State),
        VMSTATE_END_OF_LIST()
    },
};

/* Every register, over the ones the main part names. */
static const VMStateDescription vmstate_e1000_full_mac_state = {
    .name = "e1000/full_mac_state",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = e1000_subsection_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_ARRAY(mac_reg, E1000State, E1000_NREGS),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_e1000_tx_tso_state = {
    .name = "e1000/tx_tso_state",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = e1000_subsection_needed,
    .post_load = e1000_tx_tso_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(tx.tso_props.ipcss, E1000State),
        VMSTATE_UINT8(tx.tso_props.ipcso, E1000State),
        VMSTATE_UINT16(tx.tso_props.ipcse, E1000State),
        VMSTATE_UINT8(tx.tso_props.tucss, E1000State),
        VMSTATE_UINT8(tx.tso_props.tucso, E1000State),
        VMSTATE_UINT16(tx.tso_props.tucse, E1000State),
        VMSTATE_UINT32(tx.tso_props.paylen, E1000State),
        VMSTATE_UINT8(tx.tso_props.hdr_len, E1000State),
        VMSTATE_UINT16(tx.tso_props.mss, E1000State),
        VMSTATE_INT8(tx.tso_props.ip, E1000State),
        VMSTATE_INT8(tx.tso_props.tcp, E1000State),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * QEMU's "e1000" section, version 2, field for field in QEMU's order
 * (docs/devel/net.md): the PCI function, two unused words, the receive
 * buffer size, the Microwire state, the non-TSO context, the packet
 * being assembled, the EEPROM, the PHY, 37 named registers, the receive
 * addresses and the two filter tables; then the subsections.
 */
static const VMStateDescription vmstate_e1000 = {
    .name = "e1000",
    .version_id = 2,
    .minimum_version_id = 1,
    .pre_save = e1000_pre_save,
    .pre_load = e1000_pre_load,
    .post_load_errp = e1000_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, E1000State),
        VMSTATE_UNUSED_TEST(e1000_is_version_1, 4),
        VMSTATE_UNUSED(4),
        VMSTATE_UINT32(rxbuf_size, E1000State),
        VMSTATE_UINT32(rxbuf_min_shift, E1000State),
        VMSTATE_UINT32(eecd_state.val_in, E1000State),
        VMSTATE_UINT16(eecd_state.bitnum_in, E1000State),
        VMSTATE_UINT16(eecd_state.bitnum_out, E1000State),
        VMSTATE_UINT16(eecd_state.reading, E1000State),
        VMSTATE_UINT32(eecd_state.old_eecd, E1000State),
        VMSTATE_UINT8(mig_props.ipcss, E1000State),
        VMSTATE_UINT8(mig_props.ipcso, E1000State),
        VMSTATE_UINT16(mig_props.ipcse, E1000State),
        VMSTATE_UINT8(mig_props.tucss, E1000State),
        VMSTATE_UINT8(mig_props.tucso, E1000State),
        VMSTATE_UINT16(mig_props.tucse, E1000State),
        VMSTATE_UINT32(mig_props.paylen, E1000State),
        VMSTATE_UINT8(mig_props.hdr_len, E1000State),
        VMSTATE_UINT16(mig_props.mss, E1000State),
        VMSTATE_UINT16(tx.size, E1000State),
        VMSTATE_UINT16(tx.tso_frames, E1000State),
        VMSTATE_UINT8(tx.sum_needed, E1000State),
        VMSTATE_INT8(mig_props.ip, E1000State),
        VMSTATE_INT8(mig_props.tcp, E1000State),
        VMSTATE_BUFFER(tx.header, E1000State),
        VMSTATE_BUFFER(tx.data, E1000State),
        VMSTATE_UINT16_ARRAY(eeprom_data, E1000State, 64),
        VMSTATE_UINT16_ARRAY(phy_reg, E1000State, 0x20),
        VMSTATE_UINT32(mac_reg[CTRL], E1000State),
        VMSTATE_UINT32(mac_reg[EECD], E1000State),
        VMSTATE_UINT32(mac_reg[EERD], E1000State),
        VMSTATE_UINT32(mac_reg[GPRC], E1000State),
        VMSTATE_UINT32(mac_reg[GPTC], E1000State),
        VMSTATE_UINT32(mac_reg[ICR], E1000State),
        VMSTATE_UINT32(mac_reg[ICS], E1000State),
        VMSTATE_UINT32(mac_reg[IMC], E1000State),
        VMSTATE_UINT32(mac_reg[IMS], E1000State),
        VMSTATE_UINT32(mac_reg[LEDCTL], E1000State),
        VMSTATE_UINT32(mac_reg[MANC], E1000State),
        VMSTATE_UINT32(mac_reg[MDIC], E1000State),
        VMSTATE_UINT32(mac_reg[MPC], E1000State),
        VMSTATE_UINT32(mac_reg[PBA], E1000State),
        VMSTATE_UINT32(mac_reg[RCTL], E1000State),
        VMSTATE_UINT32(mac_reg[RDBAH], E1000State),
        VMSTATE_UINT32(mac_reg[RDBAL], E1000State),
        VMSTATE_UINT32(mac_reg[RDH], E1000State),
        VMSTATE_UINT32(mac_reg[RDLEN], E1000State),
        VMSTATE_UINT32(mac_reg[RDT], E1000State),
        VMSTATE_UINT32(mac_reg[STATUS], E1000State),
        VMSTATE_UINT32(mac_reg[SWSM], E1000State),
        VMSTATE_UINT32(mac_reg[TCTL], E1000State),
        VMSTATE_UINT32(mac_reg[TDBAH], E1000State),
        VMSTATE_UINT32(mac_reg[TDBAL], E1000State),
        VMSTATE_UINT32(mac_reg[TDH], E1000State),
        VMSTATE_UINT32(mac_reg[TDLEN], E1000State),
        VMSTATE_UINT32(mac_reg[TDT], E1000State),
        VMSTATE_UINT32(mac_reg[TORH], E1000State),
        VMSTATE_UINT32(mac_reg[TORL], E1000State),
        VMSTATE_UINT32(mac_reg[TOTH], E1000State),
        VMSTATE_UINT32(mac_reg[TOTL], E1000State),
        VMSTATE_UINT32(mac_reg[TPR], E1000State),
        VMSTATE_UINT32(mac_reg[TPT], E1000State),
        VMSTATE_UINT32(mac_reg[TXDCTL], E1000State),
        VMSTATE_UINT32(mac_reg[WUFC], E1000State),
        VMSTATE_UINT32(mac_reg[VET], E1000State),
        VMSTATE_UINT32_SUB_ARRAY(mac_reg, E1000State, RA, 32),
        VMSTATE_UINT32_SUB_ARRAY(mac_reg, E1000State, MTA,
                                 E1000_MC_TBL_SIZE),
        VMSTATE_UINT32_SUB_ARRAY(mac_reg, E1000State, VFTA,
                                 E1000_VLAN_FILTER_TBL_SIZE),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_e1000_mit_state,
        &vmstate_e1000_full_mac_state,
        &vmstate_e1000_tx_tso_state,
        NULL
    },
};

/* ------------------------------------------------------------------ */
/* Device                                                              */

static const NetClientInfo net_e1000_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .can_receive = e1000_can_receive,
    .receive = e1000_receive,
    .link_status_changed = e1000_link_status_changed,
};

static bool e1000_parse_mac(const char *str, MACAddr *mac)
{
    unsigned int b[6];
    char c;

    if (sscanf(str, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
               &b[4], &b[5], &c) != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        if (b[i] > 0xff) {
            return false;
        }
        mac->a[i] = b[i];
    }
    return true;
}

static void e1000_realize(PCIDevice *d, Error **errp)
{
    E1000State *s = E1000(d);
    DeviceState *dev = DEVICE(d);
    g_autofree char *name = NULL;
    uint16_t checksum = 0;
    static int e1000_count;

    if (s->mac_str && !e1000_parse_mac(s->mac_str, &s->conf.macaddr)) {
        error_setg(errp, "Property 'e1000.mac' doesn't take value '%s'",
                   s->mac_str);
        return;
    }
    if (s->netdev_id) {
        s->conf.peer = qemu_find_netdev(s->netdev_id);
        if (!s->conf.peer) {
            error_setg(errp, "Property 'e1000.netdev' can't find value "
                       "'%s'", s->netdev_id);
            return;
        }
        if (s->conf.peer->peer) {
            error_setg(errp, "Property 'e1000.netdev' can't take value "
                       "'%s', it's in use", s->netdev_id);
            return;
        }
    }
    qemu_macaddr_default_if_unset(&s->conf.macaddr);
    s->mit_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, e1000_mit_timer, s);

    d->config[PCI_CACHE_LINE_SIZE] = 0x10;
    d->config[PCI_INTERRUPT_PIN] = 1;
    memory_region_init_io(&s->mmio, OBJECT(s), &e1000_mmio_ops, s,
                          "e1000-mmio", E1000_MMIO_SIZE);
    memory_region_init_io(&s->io, OBJECT(s), &e1000_io_ops, s, "e1000-io",
                          0x40);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    pci_register_bar(d, 1, PCI_BASE_ADDRESS_SPACE_IO, &s->io);

    memcpy(s->eeprom_data, e1000_eeprom_template, sizeof(s->eeprom_data));
    for (int i = 0; i < 3; i++) {
        s->eeprom_data[i] = s->conf.macaddr.a[2 * i] |
                            s->conf.macaddr.a[2 * i + 1] << 8;
    }
    for (int i = 0; i < EEPROM_CHECKSUM_REG; i++) {
        checksum += s->eeprom_data[i];
    }
    s->eeprom_data[EEPROM_CHECKSUM_REG] = EEPROM_SUM - checksum;

    name = dev->id ? g_strdup(dev->id)
                   : g_strdup_printf("e1000.%d", e1000_count++);
    s->nic = qemu_new_nic(&net_e1000_info, &s->conf, TYPE_E1000, name, s);
    {
        g_autofree char *mac = qemu_mac_strdup_printf(s->conf.macaddr.a);

        snprintf(qemu_get_queue(s->nic)->info_str,
                 sizeof(qemu_get_queue(s->nic)->info_str),
                 "model=e1000,macaddr=%s", mac);
    }
    e1000_reset(s);
}

static void e1000_exit(PCIDevice *d)
{
    E1000State *s = E1000(d);

    timer_free(s->mit_timer);
    s->mit_timer = NULL;
    qemu_del_nic(s->nic);
    s->nic = NULL;
}

static const Property e1000_props[] = {
    DEFINE_PROP_STRING("mac", E1000State, mac_str),
    DEFINE_PROP_STRING("netdev", E1000State, netdev_id),
    DEFINE_PROP_BOOL("mitigation", E1000State, mitigation, true),
};

static void e1000_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = e1000_realize;
    pc->exit = e1000_exit;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = E1000_DEVID;
    pc->revision = 0x03;
    pc->class_id = PCI_CLASS_NETWORK_ETHERNET;
    dc->desc = "Intel Gigabit Ethernet";
    dc->vmsd = &vmstate_e1000;
    device_class_set_legacy_reset(dc, e1000_qdev_reset);
    device_class_set_props(dc, e1000_props);
}

static const TypeInfo e1000_info = {
    .name = TYPE_E1000,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(E1000State),
    .class_init = e1000_class_init,
};

static void e1000_register_types(void)
{
    type_register_static(&e1000_info);
}

type_init(e1000_register_types)

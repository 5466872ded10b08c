/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 16550A UART core (registers, receive FIFO, interrupts, chardev
 * output) and its migration state.  See include/hw/char/serial.h.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/char/serial.h"

/* Register offsets. */
#define UART_RBR 0      /* read; THR on write; DLL with DLAB */
#define UART_IER 1      /* DLM with DLAB */
#define UART_IIR 2      /* read; FCR on write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_LCR_DLAB   0x80

#define UART_IER_RDI    0x01    /* received data available */
#define UART_IER_THRI   0x02    /* transmitter holding register empty */
#define UART_IER_RLSI   0x04    /* receiver line status */
#define UART_IER_MSI    0x08    /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_ID     0x0e
#define UART_IIR_MSI    0x00
#define UART_IIR_THRI   0x02
#define UART_IIR_RDI    0x04
#define UART_IIR_RLSI   0x06
#define UART_IIR_FE     0xc0    /* FIFOs enabled */

#define UART_MCR_LOOP   0x10
#define UART_MCR_OUT2   0x08
#define UART_MCR_OUT1   0x04
#define UART_MCR_RTS    0x02
#define UART_MCR_DTR    0x01

#define UART_MSR_DCD    0x80
#define UART_MSR_RI     0x40
#define UART_MSR_DSR    0x20
#define UART_MSR_CTS    0x10
#define UART_MSR_ANY_DELTA 0x0f

#define UART_LSR_TEMT   0x40
#define UART_LSR_THRE   0x20
#define UART_LSR_BI     0x10
#define UART_LSR_OE     0x02
#define UART_LSR_DR     0x01
#define UART_LSR_INT_ANY 0x1e

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLR_RX 0x02
#define UART_FCR_CLR_TX 0x04
#define UART_FCR_MASK   0xc9    /* bits that read back (through IIR) */

static bool fifo_enabled(SerialState *s)
{
    return s->fcr & UART_FCR_ENABLE;
}

static void serial_update_irq(SerialState *s)
{
    uint8_t id = UART_IIR_NO_INT;
    int level;

    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_INT_ANY)) {
        id = UART_IIR_RLSI;
    } else if ((s->ier & UART_IER_RDI) && (s->lsr & UART_LSR_DR) &&
               (!fifo_enabled(s) || s->recv_count >= s->recv_trigger)) {
        id = UART_IIR_RDI;
    } else if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        id = UART_IIR_THRI;
    } else if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_ANY_DELTA)) {
        id = UART_IIR_MSI;
    }
    s->iir = id | (s->iir & UART_IIR_FE);
    /* On a PC the line reaches the PIC only with OUT2 set. */
    level = id != UART_IIR_NO_INT;
    if (level != s->level) {
        s->level = level;
        if (s->irq_handler) {
            s->irq_handler(s->irq_opaque, level);
        }
    }
}

static void recv_clear(SerialState *s)
{
    s->recv_head = s->recv_count = 0;
    s->lsr &= ~(UART_LSR_DR | UART_LSR_BI);
}

/* One byte arrives (from the chardev or the loopback). */
static void serial_receive_byte(SerialState *s, uint8_t b)
{
    if (fifo_enabled(s)) {
        if (s->recv_count == UART_FIFO_LENGTH) {
            s->lsr |= UART_LSR_OE;      /* the new byte is lost */
        } else {
            unsigned int tail = (s->recv_head + s->recv_count) %
                                UART_FIFO_LENGTH;
            s->recv_fifo[tail] = b;
            s->recv_count++;
        }
    } else {
        if (s->lsr & UART_LSR_DR) {
            s->lsr |= UART_LSR_OE;
        }
        s->rbr = b;
    }
    s->lsr |= UART_LSR_DR;
    serial_update_irq(s);
}

static void serial_tx_flush(SerialState *s);

static gboolean serial_tx_ready(int fd, GIOCondition cond, void *opaque)
{
    SerialState *s = opaque;

    g_source_unref(s->tx_watch);
    s->tx_watch = NULL;
    serial_tx_flush(s);
    return G_SOURCE_REMOVE;
}

static void serial_tx_cancel(SerialState *s)
{
    if (s->tx_watch) {
        g_source_destroy(s->tx_watch);
        g_source_unref(s->tx_watch);
        s->tx_watch = NULL;
    }
}

/*
 * Write what waits in TSR (and THR) to the chardev without blocking.
 * When it takes nothing, wait for room; a chardev that cannot say when
 * (no watch) is written blocking; one that failed loses the byte, as a
 * line nobody listens to.
 */
static void serial_tx_flush(SerialState *s)
{
    while (s->tx_count && !s->tx_watch) {
        int n;

        errno = 0;
        n = qemu_chr_fe_write(&s->chr, &s->tsr, 1);
        if (n != 1 && errno == EAGAIN) {
            s->tx_watch = qemu_chr_fe_add_watch(&s->chr,
                                                G_IO_OUT | G_IO_HUP,
                                                serial_tx_ready, s);
            if (s->tx_watch) {
                return;
            }
            /* A backend that cannot say when: wait for it, as before. */
            qemu_chr_fe_write_all(&s->chr, &s->tsr, 1);
        }
        /* Sent, or lost: THR moves on to TSR and becomes empty. */
        if (--s->tx_count) {
            s->tsr = s->thr;
            s->lsr |= UART_LSR_THRE;
            s->thr_ipending = 1;
            serial_update_irq(s);
        }
    }
    if (!s->tx_count) {
        s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
        s->thr_ipending = 1;
        serial_update_irq(s);
    }
}

static void serial_transmit(SerialState *s, uint8_t b)
{
    if (s->mcr & UART_MCR_LOOP) {
        serial_receive_byte(s, b);
        s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
        s->thr_ipending = 1;
        serial_update_irq(s);
        return;
    }
    if (!s->tx_count) {
        s->tsr = b;
        s->tx_count = 1;
    } else {
        /* TSR is busy: the byte waits in THR (replacing one there). */
        s->thr = b;
        s->tx_count = 2;
        return;
    }
    serial_tx_flush(s);
}

/* In loopback, the modem inputs follow the modem control outputs. */
static uint8_t loopback_msr(SerialState *s)
{
    uint8_t msr = s->msr & UART_MSR_ANY_DELTA;

    if (s->mcr & UART_MCR_RTS) {
        msr |= UART_MSR_CTS;
    }
    if (s->mcr & UART_MCR_DTR) {
        msr |= UART_MSR_DSR;
    }
    if (s->mcr & UART_MCR_OUT1) {
        msr |= UART_MSR_RI;
    }
    if (s->mcr & UART_MCR_OUT2) {
        msr |= UART_MSR_DCD;
    }
    return msr;
}

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    static const uint8_t trigger[4] = { 1, 4, 8, 14 };

    if ((val ^ s->fcr) & UART_FCR_ENABLE) {
        val |= UART_FCR_CLR_RX | UART_FCR_CLR_TX;
    }
    if (val & UART_FCR_CLR_RX) {
        recv_clear(s);
    }
    if (val & UART_FCR_CLR_TX) {
        /* THR empties; a byte in TSR is still sent. */
        if (s->tx_count == 2) {
            s->tx_count = 1;
        }
        s->lsr |= UART_LSR_THRE;
        if (!s->tx_count) {
            s->lsr |= UART_LSR_TEMT;
        }
    }
    s->fcr = val & UART_FCR_MASK;
    s->recv_trigger = trigger[val >> 6];
    if (fifo_enabled(s)) {
        s->iir |= UART_IIR_FE;
    } else {
        s->iir &= ~UART_IIR_FE;
    }
    serial_update_irq(s);
}

void serial_io_write(SerialState *s, unsigned int reg, uint8_t val)
{
    switch (reg & 7) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | val;
        } else {
            s->thr_ipending = 0;
            s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
            serial_transmit(s, val);
        }
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | (val << 8);
        } else {
            uint8_t changed = (s->ier ^ val) & 0x0f;

            s->ier = val & 0x0f;
            /* Enabling THRI with THR empty raises it at once. */
            if (changed & UART_IER_THRI) {
                s->thr_ipending = (s->ier & UART_IER_THRI) &&
                                  (s->lsr & UART_LSR_THRE);
            }
            serial_update_irq(s);
        }
        break;
    case UART_IIR:
        serial_write_fcr(s, val);
        break;
    case UART_LCR:
        s->lcr = val;
        break;
    case UART_MCR:
        s->mcr = val & 0x1f;
        if (s->mcr & UART_MCR_LOOP) {
            s->msr = loopback_msr(s);
        }
        serial_update_irq(s);
        break;
    case UART_LSR:
        break;          /* read-only (factory test only) */
    case UART_MSR:
        break;
    case UART_SCR:
        s->scr = val;
        break;
    }
}

uint8_t serial_io_read(SerialState *s, unsigned int reg)
{
    uint8_t ret = 0xff;

    switch (reg & 7) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider & 0xff;
        }
        if (fifo_enabled(s)) {
            if (s->recv_count) {
                ret = s->recv_fifo[s->recv_head];
                s->recv_head = (s->recv_head + 1) % UART_FIFO_LENGTH;
                s->recv_count--;
            } else {
                ret = 0;
            }
            if (!s->recv_count) {
                s->lsr &= ~(UART_LSR_DR | UART_LSR_BI);
            }
        } else {
            ret = s->rbr;
            s->lsr &= ~(UART_LSR_DR | UART_LSR_BI);
        }
        serial_update_irq(s);
        if (!(s->mcr & UART_MCR_LOOP)) {
            qemu_chr_fe_accept_input(&s->chr);
        }
        return ret;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider >> 8;
        }
        return s->ier;
    case UART_IIR:
        ret = s->iir;
        /* Reading the THRI identification acknowledges it. */
        if ((ret & UART_IIR_ID) == UART_IIR_THRI) {
            s->thr_ipending = 0;
            serial_update_irq(s);
        }
        return ret;
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        ret = s->lsr;
        s->lsr &= ~(UART_LSR_BI | UART_LSR_OE);
        serial_update_irq(s);
        return ret;
    case UART_MSR:
        ret = (s->mcr & UART_MCR_LOOP) ? loopback_msr(s) : s->msr;
        /* Reading clears the delta bits. */
        s->msr &= ~UART_MSR_ANY_DELTA;
        serial_update_irq(s);
        return ret;
    case UART_SCR:
        return s->scr;
    }
    return ret;
}

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    if (fifo_enabled(s)) {
        return UART_FIFO_LENGTH - s->recv_count;
    }
    return !(s->lsr & UART_LSR_DR);
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;

    for (int i = 0; i < size; i++) {
        serial_receive_byte(s, buf[i]);
    }
}

void serial_reset(SerialState *s)
{
    s->divider = 12;            /* 9600 baud at 1.8432 MHz / 16 */
    s->rbr = 0;
    s->ier = 0;
    s->iir = UART_IIR_NO_INT;
    s->lcr = 0;
    s->mcr = UART_MCR_OUT2;
    s->lsr = UART_LSR_TEMT | UART_LSR_THRE;
    s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    s->scr = 0;
    s->fcr = 0;
    s->thr_ipending = 0;
    s->recv_trigger = 1;
    serial_tx_cancel(s);
    s->tx_count = 0;
    recv_clear(s);
    serial_update_irq(s);
}

bool serial_realize_core(SerialState *s, Chardev *chr,
                         SerialIRQHandler *irq, void *opaque, Error **errp)
{
    if (chr && !qemu_chr_fe_init(&s->chr, chr, errp)) {
        return false;
    }
    s->irq_handler = irq;
    s->irq_opaque = opaque;
    s->level = 0;
    qemu_chr_fe_set_handlers(&s->chr, serial_can_receive, serial_receive,
                             NULL, NULL, s, NULL, true);
    serial_reset(s);
    return true;
}

void serial_unrealize_core(SerialState *s)
{
    serial_tx_cancel(s);
    qemu_chr_fe_deinit(&s->chr, false);
}

static bool serial_thr_ipending_needed(void *opaque)
{
    SerialState *s = opaque;

    return s->thr_ipending;
}

static const VMStateDescription vmstate_serial_thr_ipending = {
    .name = "serial/thr_ipending",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = serial_thr_ipending_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(thr_ipending, SerialState),
        VMSTATE_END_OF_LIST()
    },
};

static bool serial_recv_fifo_needed(void *opaque)
{
    SerialState *s = opaque;

    return s->recv_count;
}

static bool serial_recv_fifo_valid(void *opaque, int version_id)
{
    SerialState *s = opaque;

    return s->recv_count <= UART_FIFO_LENGTH &&
           s->recv_head < UART_FIFO_LENGTH;
}

static const VMStateDescription vmstate_serial_recv_fifo = {
    .name = "serial/recv_fifo",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = serial_recv_fifo_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(recv_head, SerialState),
        VMSTATE_UINT8(recv_count, SerialState),
        VMSTATE_VALIDATE("receive FIFO position in range",
                         serial_recv_fifo_valid),
        VMSTATE_UINT8_ARRAY(recv_fifo, SerialState, UART_FIFO_LENGTH),
        VMSTATE_END_OF_LIST()
    },
};

static bool serial_tx_needed(void *opaque)
{
    SerialState *s = opaque;

    return s->tx_count;
}

static bool serial_tx_valid(void *opaque, int version_id)
{
    SerialState *s = opaque;

    return s->tx_count >= 1 && s->tx_count <= 2;
}

/* Bytes the chardev had not taken yet: the destination sends them. */
static const VMStateDescription vmstate_serial_tx = {
    .name = "serial/tx",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = serial_tx_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(tx_count, SerialState),
        VMSTATE_VALIDATE("transmit count 1 or 2", serial_tx_valid),
        VMSTATE_UINT8(tsr, SerialState),
        VMSTATE_UINT8(thr, SerialState),
        VMSTATE_END_OF_LIST()
    },
};

static bool serial_pre_load(void *opaque, Error **errp)
{
    SerialState *s = opaque;

    /* Absent subsections mean "nothing pending". */
    s->thr_ipending = 0;
    s->recv_head = s->recv_count = 0;
    serial_tx_cancel(s);
    s->tx_count = 0;
    return true;
}

static bool serial_post_load(void *opaque, int version_id, Error **errp)
{
    static const uint8_t trigger[4] = { 1, 4, 8, 14 };
    SerialState *s = opaque;

    s->recv_trigger = trigger[s->fcr >> 6];
    /* Re-derive the line from the loaded registers and tell the PIC. */
    s->level = -1;
    serial_update_irq(s);
    if (s->tx_count) {
        serial_tx_flush(s);
    }
    return true;
}

const VMStateDescription vmstate_serial = {
    .name = "serial",
    .version_id = 3,
    .minimum_version_id = 3,
    .pre_load_errp = serial_pre_load,
    .post_load_errp = serial_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(divider, SerialState),
        VMSTATE_UINT8(rbr, SerialState),
        VMSTATE_UINT8(ier, SerialState),
        VMSTATE_UINT8(iir, SerialState),
        VMSTATE_UINT8(lcr, SerialState),
        VMSTATE_UINT8(mcr, SerialState),
        VMSTATE_UINT8(lsr, SerialState),
        VMSTATE_UINT8(msr, SerialState),
        VMSTATE_UINT8(scr, SerialState),
        VMSTATE_UINT8(fcr, SerialState),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_serial_thr_ipending,
        &vmstate_serial_recv_fifo,
        &vmstate_serial_tx,
        NULL
    },
};

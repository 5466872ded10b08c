/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 16550A UART core: its eight registers, the 16-byte receive FIFO,
 * the interrupt identification logic, and output to a chardev.  Bus
 * glue (the ISA port range and IRQ line) sits on top and calls
 * serial_io_read() / serial_io_write() with register offsets 0..7.
 *
 * Transmission: a byte written to THR moves to the shift register (TSR)
 * and is written to the chardev at once when the chardev takes it.  A
 * chardev that cannot (a socket whose reader stopped reading) keeps the
 * byte in TSR, THR takes one more, and a watch sends them when there is
 * room, with LSR's THRE and TEMT clear meanwhile, as on the hardware: a
 * guest that polls THRE waits, a guest that does not overwrites THR.
 * So the VM does not block on its serial peer (a chardev without
 * watches is still written blocking).  In loopback mode a byte goes
 * to the receive FIFO at once.  There is no transmit FIFO.
 *
 * Locking: everything runs under the BQL.
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "chardev/char-fe.h"
#include "migration/vmstate.h"

#define UART_FIFO_LENGTH 16

/* Raise (1) or lower (0) the UART's interrupt line. */
typedef void SerialIRQHandler(void *opaque, int level);

typedef struct SerialState {
    uint16_t divider;
    uint8_t rbr;            /* last byte received without the FIFO */
    uint8_t ier;
    uint8_t iir;
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;
    uint8_t scr;
    uint8_t fcr;
    /* A THR-empty interrupt is pending (cleared by reading IIR). */
    uint32_t thr_ipending;
    /* Receive FIFO: a ring of @recv_count bytes from @recv_head. */
    uint8_t recv_fifo[UART_FIFO_LENGTH];
    uint8_t recv_head;
    uint8_t recv_count;
    uint8_t recv_trigger;   /* from FCR: 1, 4, 8 or 14 */
    int level;              /* the line as last set */
    /* Bytes waiting for the chardev: 0, 1 (@tsr) or 2 (@tsr, then @thr). */
    uint8_t tx_count;
    uint8_t tsr;
    uint8_t thr;
    GSource *tx_watch;      /* waiting for the chardev to take @tsr */

    CharBackend chr;
    SerialIRQHandler *irq_handler;
    void *irq_opaque;
} SerialState;

/* Power-on state; also what a system reset does. */
void serial_reset(SerialState *s);
/*
 * Attach @s to its chardev (@chr may be NULL: output is dropped) and its
 * interrupt line, then reset it.
 */
bool serial_realize_core(SerialState *s, Chardev *chr,
                         SerialIRQHandler *irq, void *opaque, Error **errp);
void serial_unrealize_core(SerialState *s);

uint8_t serial_io_read(SerialState *s, unsigned int reg);
void serial_io_write(SerialState *s, unsigned int reg, uint8_t val);

/*
 * Section "serial", version 3 (QEMU's field order for the registers):
 * divider, rbr, ier, iir, lcr, mcr, lsr, msr, scr, fcr.  Subsections
 * "serial/thr_ipending", "serial/recv_fifo" and (Tern's) "serial/tx"
 * when they hold something.
 */
extern const VMStateDescription vmstate_serial;

#endif

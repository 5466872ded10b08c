/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The userspace 8254 PIT ("isa-pit": ports 0x40-0x43, and 0x61 for
 * channel 2's gate), channel 0 on ISA IRQ 0.  Its section "i8254" has
 * the in-kernel PIT's layout (flags, then three channels of
 * struct kvm_pit_channel_state), with count_load_time on the guest clock
 * (QEMU_CLOCK_VIRTUAL).  Used by the tcg accelerator.
 */
#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include "migration/vmstate.h"

#define TYPE_ISA_PIT "isa-pit"
#define PIT_FREQ 1193182

/*
 * One 8254 channel: the fields of struct kvm_pit_channel_state, which is
 * also what kvm-pit (hw/i386/kvm-irqchip.c) migrates.
 */
typedef struct PITChannelState {
    uint32_t count;             /* reload value, 1..0x10000 */
    uint16_t latched_count;
    uint8_t count_latched;      /* access mode of a pending latch, or 0 */
    uint8_t status_latched;
    uint8_t status;
    uint8_t read_state;
    uint8_t write_state;
    uint8_t write_latch;
    uint8_t rw_mode;
    uint8_t mode;
    uint8_t bcd;
    uint8_t gate;
    /* When the count was loaded, in guest-clock nanoseconds. */
    int64_t count_load_time;
} PITChannelState;

/* "pit channel", version 1: the fields above in order. */
extern const VMStateDescription vmstate_pit_channel;

/*
 * The guest clock value the incoming stream's PIT times are based on
 * (its "kvmclock" section): the next i8254 load shifts count_load_time
 * by (QEMU_CLOCK_VIRTUAL now - @clock), so a PIT saved under KVM (times
 * on kvmclock) or under tcg (on the virtual clock) keeps its phase.
 */
void i8254_set_incoming_clock(int64_t clock);

#endif

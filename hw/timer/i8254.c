/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 8254 programmable interval timer in userspace: three 16-bit
 * counters at 1.193182 MHz with modes 0-5, LSB/MSB/word access, counter
 * latch and read-back commands, BCD flag kept but counted in binary.
 * Channel 0 drives ISA IRQ 0: a pulse per period in modes 2 and 3, a
 * rising edge at terminal count in modes 0 and 1, a pulse in 4 and 5.
 * Channel 2's gate and output are bits 0 and 5 of port 0x61.  Counts
 * follow QEMU_CLOCK_VIRTUAL, which stops with the VM and migrates.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/i386/tern.h"
#include "hw/qdev-core.h"
#include "hw/timer/i8254.h"
#include "migration/vmstate.h"
#include "qemu/timer.h"
#include "system/memory.h"
#include "system/reset.h"

enum { RW_LATCH, RW_LSB, RW_MSB, RW_WORD0, RW_WORD1 };

typedef PITChannelState PITChannel;

OBJECT_DECLARE_SIMPLE_TYPE(PITState, ISA_PIT)

struct PITState {
    DeviceState parent_obj;

    MemoryRegion io;
    MemoryRegion speaker_io;
    QEMUTimer *timer;
    uint32_t flags;
    PITChannel channels[3];
    uint8_t speaker_data;
    int irq_level;
};

/* Set by the "kvmclock" section of an incoming stream, used once. */
static bool incoming_clock_valid;
static int64_t incoming_clock;

void i8254_set_incoming_clock(int64_t clock)
{
    incoming_clock = clock;
    incoming_clock_valid = true;
}

static int64_t now_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/* Ticks since the count was loaded. */
static uint64_t elapsed(PITChannel *c, int64_t now)
{
    int64_t ns = now - c->count_load_time;

    if (ns < 0) {
        return 0;
    }
    return (uint64_t)((unsigned __int128)ns * PIT_FREQ / 1000000000ULL);
}

/* Rounded up, so that elapsed() at that time has reached @ticks. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
    return (uint64_t)(((unsigned __int128)ticks * 1000000000ULL +
                       PIT_FREQ - 1) / PIT_FREQ);
}

static int mode_of(PITChannel *c)
{
    return c->mode > 5 ? c->mode & 3 : c->mode;     /* 6, 7 alias 2, 3 */
}

static uint32_t pit_count(PITChannel *c, int64_t now)
{
    uint64_t d = elapsed(c, now);

    switch (mode_of(c)) {
    case 2:
        return c->count - d % c->count;
    case 3:
        return c->count - (2 * d) % c->count;
    default:
        return (c->count - d) & 0xffff;
    }
}

static int pit_out(PITChannel *c, int64_t now)
{
    uint64_t d = elapsed(c, now);

    switch (mode_of(c)) {
    case 0:
        return d >= c->count;
    case 1:
        return d < c->count;
    case 2:
        return d % c->count != c->count - 1;
    case 3:
        return d % c->count < (c->count + 1) / 2;
    default:
        return d != c->count;
    }
}

/* Channel 0's next event (a period start or terminal count), or -1. */
static int64_t pit_next_event(PITChannel *c, int64_t now)
{
    uint64_t d = elapsed(c, now);

    switch (mode_of(c)) {
    case 2:
    case 3:
        return c->count_load_time + ticks_to_ns((d / c->count + 1) *
                                                c->count);
    default:
        if (d >= c->count) {
            return -1;
        }
        return c->count_load_time + ticks_to_ns(c->count);
    }
}

static void pit_set_irq(PITState *s, int level)
{
    s->irq_level = level;
    tern_isa_set_irq(0, level);
}

static void pit_arm(PITState *s, int64_t now)
{
    PITChannel *c = &s->channels[0];
    int64_t next;

    if (!c->gate) {
        timer_del(s->timer);
        return;
    }
    next = pit_next_event(c, now);
    if (next < 0) {
        timer_del(s->timer);
    } else {
        timer_mod_ns(s->timer, next);
    }
}

static void pit_timer_cb(void *opaque)
{
    PITState *s = opaque;
    PITChannel *c = &s->channels[0];
    int64_t now = now_ns();

    switch (mode_of(c)) {
    case 0:
    case 1:
        pit_set_irq(s, 1);      /* high until the next load */
        break;
    default:
        /* An edge for the PIC: periodic modes and the 4/5 strobe. */
        pit_set_irq(s, 1);
        pit_set_irq(s, 0);
        break;
    }
    pit_arm(s, now);
}

static void pit_load_count(PITState *s, int ch, uint32_t v)
{
    PITChannel *c = &s->channels[ch];
    int64_t now = now_ns();

    c->count = v ? v : 0x10000;
    c->count_load_time = now;
    if (ch == 0) {
        if (s->irq_level) {
            pit_set_irq(s, 0);
        }
        pit_arm(s, now);
    }
}

static void pit_latch_count(PITChannel *c)
{
    if (!c->count_latched) {
        c->latched_count = pit_count(c, now_ns());
        c->count_latched = c->rw_mode;
    }
}

static void pit_latch_status(PITChannel *c)
{
    if (!c->status_latched) {
        c->status = (pit_out(c, now_ns()) << 7) | (c->rw_mode << 4) |
                    (c->mode << 1) | c->bcd;
        c->status_latched = 1;
    }
}

static void pit_write(void *opaque, hwaddr addr, uint64_t val,
                      unsigned size)
{
    PITState *s = opaque;
    PITChannel *c;
    int ch;

    addr &= 3;
    if (addr == 3) {
        ch = val >> 6;
        if (ch == 3) {              /* read-back */
            for (int i = 0; i < 3; i++) {
                if (!(val & (2 << i))) {
                    continue;
                }
                if (!(val & 0x20)) {
                    pit_latch_count(&s->channels[i]);
                }
                if (!(val & 0x10)) {
                    pit_latch_status(&s->channels[i]);
                }
            }
            return;
        }
        c = &s->channels[ch];
        if (((val >> 4) & 3) == RW_LATCH) {
            pit_latch_count(c);
            return;
        }
        c->rw_mode = (val >> 4) & 3;
        c->read_state = c->rw_mode;
        c->write_state = c->rw_mode;
        c->mode = (val >> 1) & 7;
        c->bcd = val & 1;
        return;
    }
    c = &s->channels[addr];
    switch (c->write_state) {
    case RW_LSB:
        pit_load_count(s, addr, val & 0xff);
        break;
    case RW_MSB:
        pit_load_count(s, addr, (val & 0xff) << 8);
        break;
    case RW_WORD0:
        c->write_latch = val;
        c->write_state = RW_WORD1;
        break;
    default:
        pit_load_count(s, addr, c->write_latch | ((val & 0xff) << 8));
        c->write_state = RW_WORD0;
        break;
    }
}

static uint64_t pit_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;
    PITChannel *c;
    uint32_t count;
    int ret;

    addr &= 3;
    if (addr == 3) {
        return 0xff;                /* the control word is write-only */
    }
    c = &s->channels[addr];
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    if (c->count_latched) {
        switch (c->count_latched) {
        case RW_LSB:
            c->count_latched = 0;
            return c->latched_count & 0xff;
        case RW_MSB:
            c->count_latched = 0;
            return c->latched_count >> 8;
        case RW_WORD0:
            c->count_latched = RW_MSB;
            return c->latched_count & 0xff;
        default:
            c->count_latched = 0;
            return c->latched_count >> 8;
        }
    }
    count = pit_count(c, now_ns());
    switch (c->read_state) {
    case RW_LSB:
        ret = count & 0xff;
        break;
    case RW_MSB:
        ret = (count >> 8) & 0xff;
        break;
    case RW_WORD0:
        ret = count & 0xff;
        c->read_state = RW_WORD1;
        break;
    default:
        ret = (count >> 8) & 0xff;
        c->read_state = RW_WORD0;
        break;
    }
    return ret;
}

static uint64_t speaker_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;
    int64_t now = now_ns();
    /* Bit 4 toggles with the DRAM refresh, every 15 us. */
    int refresh = (now / 15085) & 1;

    return (pit_out(&s->channels[2], now) << 5) | (refresh << 4) |
           (s->speaker_data << 1) | s->channels[2].gate;
}

static void speaker_write(void *opaque, hwaddr addr, uint64_t val,
                          unsigned size)
{
    PITState *s = opaque;
    PITChannel *c = &s->channels[2];
    int gate = val & 1;

    s->speaker_data = (val >> 1) & 1;
    /* A rising gate restarts modes 1, 2, 3 and 5. */
    if (gate && !c->gate && mode_of(c) != 0 && mode_of(c) != 4) {
        c->count_load_time = now_ns();
    }
    c->gate = gate;
}

static const MemoryRegionOps pit_ops = {
    .read = pit_read,
    .write = pit_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps speaker_ops = {
    .read = speaker_read,
    .write = speaker_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void pit_reset(DeviceState *dev)
{
    PITState *s = ISA_PIT(dev);

    s->flags = 0;
    s->speaker_data = 0;
    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->channels[i];

        memset(c, 0, sizeof(*c));
        c->mode = 3;
        c->gate = i != 2;
        pit_load_count(s, i, 0);
    }
}

static void pit_reset_handler(void *opaque)
{
    device_cold_reset(opaque);
}

static void pit_realize(DeviceState *dev, Error **errp)
{
    PITState *s = ISA_PIT(dev);

    memory_region_init_io(&s->io, OBJECT(s), &pit_ops, s, "pit", 4);
    memory_region_init_io(&s->speaker_io, OBJECT(s), &speaker_ops, s,
                          "pcspk", 1);
    tern_isa_register_ioport(&s->io, 0x40);
    tern_isa_register_ioport(&s->speaker_io, 0x61);
    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, pit_timer_cb, s);
    pit_reset(dev);
    qemu_register_reset(pit_reset_handler, dev);
}

static void pit_unrealize(DeviceState *dev)
{
    PITState *s = ISA_PIT(dev);

    qemu_unregister_reset(pit_reset_handler, dev);
    timer_free(s->timer);
    memory_region_del_subregion(get_system_io(), &s->io);
    memory_region_del_subregion(get_system_io(), &s->speaker_io);
}

static bool pit_post_load(void *opaque, int version_id, Error **errp)
{
    PITState *s = opaque;
    int64_t shift = incoming_clock_valid ? now_ns() - incoming_clock : 0;

    incoming_clock_valid = false;
    for (int i = 0; i < 3; i++) {
        s->channels[i].count_load_time += shift;
    }
    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->channels[i];

        if (c->count == 0 || c->count > 0x10000) {
            error_setg(errp, "i8254: channel %d count %" PRIu32 " is out "
                       "of range (1..65536)", i, c->count);
            return false;
        }
    }
    pit_arm(s, now_ns());
    return true;
}

const VMStateDescription vmstate_pit_channel = {
    .name = "pit channel",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(count, PITChannel),
        VMSTATE_UINT16(latched_count, PITChannel),
        VMSTATE_UINT8(count_latched, PITChannel),
        VMSTATE_UINT8(status_latched, PITChannel),
        VMSTATE_UINT8(status, PITChannel),
        VMSTATE_UINT8(read_state, PITChannel),
        VMSTATE_UINT8(write_state, PITChannel),
        VMSTATE_UINT8(write_latch, PITChannel),
        VMSTATE_UINT8(rw_mode, PITChannel),
        VMSTATE_UINT8(mode, PITChannel),
        VMSTATE_UINT8(bcd, PITChannel),
        VMSTATE_UINT8(gate, PITChannel),
        VMSTATE_INT64(count_load_time, PITChannel),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_pit = {
    .name = "i8254",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load_errp = pit_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(flags, PITState),
        VMSTATE_STRUCT_ARRAY(channels, PITState, 3, 1,
                             vmstate_pit_channel, PITChannel),
        VMSTATE_END_OF_LIST()
    },
};

static void pit_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pit_realize;
    dc->unrealize = pit_unrealize;
    dc->vmsd = &vmstate_pit;
    dc->desc = "ISA 8254 PIT (userspace, for tcg)";
    /* An ISA device: QEMU's ISA bus cannot hot-plug. */
    dc->hotpluggable = false;
    /* Board state: the tern machine creates the one there is. */
    dc->user_creatable = false;
    device_class_set_legacy_reset(dc, pit_reset);
}

static const TypeInfo pit_info = {
    .name = TYPE_ISA_PIT,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PITState),
    .class_init = pit_class_init,
};

static void pit_register_types(void)
{
    type_register_static(&pit_info);
}

type_init(pit_register_types)

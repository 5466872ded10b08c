/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interpreter's test machine: see x86-interp-tvm.h. */
#include "qemu/osdep.h"
#include "tests/unit/x86-interp-tvm.h"

static bool t_ram_range(void *opaque, uint64_t pa, X86RamRange *r)
{
    TVM *t = opaque;

    if (pa >= RAM_SIZE) {
        return false;
    }
    *r = (X86RamRange) { .start = 0, .size = RAM_SIZE, .host = t->ram };
    return true;
}

static void t_mark_dirty(void *opaque, uint64_t pa)
{
    TVM *t = opaque;

    t->dirty[(pa >> 12) / 64] |= 1UL << ((pa >> 12) % 64);
}

static uint64_t t_mmio_read(void *opaque, uint64_t pa, unsigned size)
{
    return ~0ULL;
}

static void t_mmio_write(void *opaque, uint64_t pa, uint64_t v,
                         unsigned size)
{
}

static uint32_t t_io_in(void *opaque, uint16_t port, unsigned size)
{
    return port == 0x60 ? 0x42 : 0xffffffff;
}

static void t_io_out(void *opaque, uint16_t port, uint32_t v, unsigned size)
{
    TVM *t = opaque;

    g_string_append_printf(t->io, "%x:%x/%u;", port, v, size);
}

static int t_irq_ack(void *opaque)
{
    TVM *t = opaque;

    t->x.irq_line = 0;
    return t->irq_vec;
}

static uint64_t t_ticks(void *opaque)
{
    TVM *t = opaque;

    return t->ticks += 100;
}

static const X86InterpOps t_ops = {
    .ram_range = t_ram_range,
    .mark_dirty = t_mark_dirty,
    .mmio_read = t_mmio_read,
    .mmio_write = t_mmio_write,
    .io_in = t_io_in,
    .io_out = t_io_out,
    .irq_ack = t_irq_ack,
    .host_ticks = t_ticks,
};

void tvm_put8(TVM *t, uint64_t a, uint64_t v)
{
    memcpy(t->ram + a, &v, 8);
}

uint64_t tvm_get8(TVM *t, uint64_t a)
{
    uint64_t v;

    memcpy(&v, t->ram + a, 8);
    return v;
}

static void flat(X86Segment *s, uint16_t sel, uint8_t type, bool db, bool l)
{
    memset(s, 0, sizeof(*s));
    s->selector = sel;
    s->limit = 0xffffffff;
    s->type = type;
    s->present = 1;
    s->s = 1;
    s->g = 1;
    s->db = db;
    s->l = l;
}

/* A VM in @mode with HLT handlers for every vector and a flat stack. */
TVM *tvm_new(int mode)
{
    TVM *t = g_new0(TVM, 1);

    t->ram = g_malloc0(RAM_SIZE);
    t->io = g_string_new("");
    tvm_reset(t, mode);
    return t;
}

void tvm_reset(TVM *t, int mode)
{
    /* Only pages the guest wrote (and the code) need clearing. */
    for (unsigned long p = 0; p < RAM_SIZE / 4096; p++) {
        if (t->dirty[p / 64] & (1UL << (p % 64))) {
            memset(t->ram + p * 4096, 0, 4096);
        }
    }
    memset(t->dirty, 0, sizeof(t->dirty));
    memset(t->ram + CODE, 0, 0x8000);
    g_string_truncate(t->io, 0);
    t->irq_vec = 0;
    x86_cpu_state_reset(&t->st, 0xf000, 0xfff0);
    x86_interp_init(&t->x, &t->st, &t_ops, t);
    for (int v = 0; v < 256; v++) {
        t->ram[HANDLER + v * 16] = 0xf4;     /* hlt */
    }
    /* GDT: null, code32, data32, code64, code16, data16 */
    tvm_put8(t, GDT + 0x08, 0x00cf9b000000ffffULL);
    tvm_put8(t, GDT + 0x10, 0x00cf93000000ffffULL);
    tvm_put8(t, GDT + 0x18, 0x00af9b000000ffffULL);
    tvm_put8(t, GDT + 0x20, 0x00009b000000ffffULL);
    tvm_put8(t, GDT + 0x28, 0x000093000000ffffULL);
    t->st.gdt.base = GDT;
    t->st.gdt.limit = 0x2f;
    t->st.regs[X86_REG_RSP] = STACK_TOP;

    if (mode == M16) {
        /* Real mode: IVT at 0 pointing at the handlers; CS = 0x1000. */
        for (int v = 0; v < 256; v++) {
            uint32_t ent = ((HANDLER >> 4) << 16) | (v * 16);

            memcpy(t->ram + v * 4, &ent, 4);
        }
        t->st.idt.base = 0;
        t->st.idt.limit = 0x3ff;
        t->st.segs[X86_SEG_CS].selector = CODE >> 4;
        t->st.segs[X86_SEG_CS].base = CODE;
        t->st.rip = 0;
        return;
    }
    t->st.cr0 |= 1;
    for (int i = 0; i < 6; i++) {
        flat(&t->st.segs[i], 0x10, 3, true, false);
    }
    t->st.segs[X86_SEG_TR].type = 0xb;
    if (mode == M32) {
        flat(&t->st.segs[X86_SEG_CS], 0x08, 0xb, true, false);
        for (int v = 0; v < 256; v++) {
            uint64_t off = HANDLER + v * 16;

            tvm_put8(t, IDT + v * 8, (off & 0xffff) | (0x08ULL << 16) |
                 (0x8eULL << 40) | ((off >> 16) << 48));
        }
        t->st.idt.base = IDT;
        t->st.idt.limit = 256 * 8 - 1;
    } else {
        /* Identity map: 4 KiB pages below 2 MiB, then 2 MiB pages. */
        tvm_put8(t, PML4, (PML4 + 0x1000) | 7);
        tvm_put8(t, PML4 + 0x1000, (PML4 + 0x2000) | 7);
        tvm_put8(t, PML4 + 0x2000, (PML4 + 0x3000) | 7);
        tvm_put8(t, PML4 + 0x2008, 0x200000 | 0x87);
        for (int i = 0; i < 512; i++) {
            tvm_put8(t, PML4 + 0x3000 + i * 8, (i * 0x1000ULL) | 7);
        }
        t->st.cr3 = PML4;
        t->st.cr4 = 0x20;
        t->st.efer = 0x500;
        t->st.cr0 |= 0x80000000;
        flat(&t->st.segs[X86_SEG_CS], 0x18, 0xb, false, true);
        for (int v = 0; v < 256; v++) {
            uint64_t off = HANDLER + v * 16;

            tvm_put8(t, IDT + v * 16, (off & 0xffff) | (0x18ULL << 16) |
                 (0x8eULL << 40) | ((off >> 16) << 48));
            tvm_put8(t, IDT + v * 16 + 8, off >> 32);
        }
        t->st.idt.base = IDT;
        t->st.idt.limit = 256 * 16 - 1;
    }
    t->st.rip = CODE;
}

void tvm_free(TVM *t)
{
    x86_interp_destroy(&t->x);
    g_string_free(t->io, true);
    g_free(t->ram);
    g_free(t);
}

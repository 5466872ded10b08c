/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 vCPU state description (vmstate_x86_vcpu_state): a filled
 * X86VCPUState survives a save/load round trip through a QEMUFile,
 * optional subsections are sent only when needed and reset when absent,
 * and a stream asking for more MSRs or XSAVE bytes than fit is refused.
 * The KVM round trip (save a running guest's vCPU, restore into a fresh
 * one, resume) is in test-kvm-guest.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/module.h"
#include "io/channel-buffer.h"
#include "migration/qemu-file.h"
#include "hw/i386/x86-cpu.h"

static void fill(X86VCPUState *st, bool optional)
{
    uint8_t *p = (uint8_t *)st;

    /* A byte pattern everywhere, then the counts made consistent. */
    for (size_t i = 0; i < sizeof(*st); i++) {
        p[i] = (uint8_t)(i * 7 + 3);
    }
    st->xsave_len = 4096;
    st->nxcrs = 1;
    st->nmsrs = 40;
    st->pdptrs_valid = optional;
    st->has_lapic = optional;
    st->events.has_smm = true;
    st->events.has_payload = false;
    st->events.has_triple_fault = true;
}

/* Save @st into a buffer channel; returns it rewound for reading. */
static QIOChannelBuffer *save(X86VCPUState *st)
{
    g_autoptr(QIOChannelBuffer) out = qio_channel_buffer_new(64 * KiB);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(out));
    QIOChannelBuffer *bioc;

    g_assert_cmpint(vmstate_save_state(f, &vmstate_x86_vcpu_state, st,
                                       NULL, &error_abort), ==, 0);
    /* What follows a device's state in a real stream (QEMU_VM_EOF). */
    qemu_put_byte(f, 0);
    qemu_fflush(f);
    /* Closing the file closes (and empties) the channel: copy first. */
    bioc = qio_channel_buffer_new(out->usage);
    qio_channel_write_all(QIO_CHANNEL(bioc), (char *)out->data, out->usage,
                          &error_abort);
    bioc->offset = 0;
    qemu_fclose(f);
    return bioc;
}

/* Load from a copy of @bioc's bytes; *@consumed: bytes read. */
static int load(QIOChannelBuffer *bioc, X86VCPUState *st, size_t *consumed,
                Error **errp)
{
    QIOChannelBuffer *in = qio_channel_buffer_new(bioc->usage);
    QEMUFile *f;
    int ret;

    qio_channel_write_all(QIO_CHANNEL(in), (char *)bioc->data, bioc->usage,
                          &error_abort);
    in->offset = 0;
    f = qemu_file_new_input(QIO_CHANNEL(in));
    object_unref(OBJECT(in));
    ret = vmstate_load_state(f, &vmstate_x86_vcpu_state, st, 1, errp);
    if (consumed) {
        *consumed = qemu_file_transferred(f);
    }
    qemu_fclose(f);
    return ret;
}

static void check_equal(const X86VCPUState *a, const X86VCPUState *b)
{
    g_assert_cmpmem(a->regs, sizeof(a->regs), b->regs, sizeof(b->regs));
    g_assert_cmphex(a->rip, ==, b->rip);
    g_assert_cmphex(a->rflags, ==, b->rflags);
    for (int i = 0; i < X86_SEG_NUM; i++) {
        g_assert_cmphex(a->segs[i].base, ==, b->segs[i].base);
        g_assert_cmphex(a->segs[i].limit, ==, b->segs[i].limit);
        g_assert_cmphex(a->segs[i].selector, ==, b->segs[i].selector);
        g_assert_cmphex(a->segs[i].type, ==, b->segs[i].type);
        g_assert_cmphex(a->segs[i].unusable, ==, b->segs[i].unusable);
    }
    g_assert_cmphex(a->gdt.base, ==, b->gdt.base);
    g_assert_cmphex(a->idt.limit, ==, b->idt.limit);
    g_assert_cmphex(a->cr0, ==, b->cr0);
    g_assert_cmphex(a->cr3, ==, b->cr3);
    g_assert_cmphex(a->cr8, ==, b->cr8);
    g_assert_cmphex(a->efer, ==, b->efer);
    g_assert_cmphex(a->apic_base, ==, b->apic_base);
    g_assert_cmpuint(a->xsave_len, ==, b->xsave_len);
    g_assert_cmpmem(a->xsave, a->xsave_len, b->xsave, b->xsave_len);
    g_assert_cmpuint(a->nxcrs, ==, b->nxcrs);
    for (uint32_t i = 0; i < a->nxcrs; i++) {
        g_assert_cmphex(a->xcrs[i].xcr, ==, b->xcrs[i].xcr);
        g_assert_cmphex(a->xcrs[i].value, ==, b->xcrs[i].value);
    }
    g_assert_cmpuint(a->nmsrs, ==, b->nmsrs);
    for (uint32_t i = 0; i < a->nmsrs; i++) {
        g_assert_cmphex(a->msrs[i].index, ==, b->msrs[i].index);
        g_assert_cmphex(a->msrs[i].data, ==, b->msrs[i].data);
    }
    g_assert_cmpuint(a->events.exception_nr, ==, b->events.exception_nr);
    g_assert_cmphex(a->events.exception_error_code, ==,
                    b->events.exception_error_code);
    g_assert_cmpuint(a->events.interrupt_nr, ==, b->events.interrupt_nr);
    g_assert_cmpuint(a->events.nmi_masked, ==, b->events.nmi_masked);
    g_assert_cmphex(a->events.sipi_vector, ==, b->events.sipi_vector);
    g_assert_cmpuint(a->events.smi_latched_init, ==,
                     b->events.smi_latched_init);
    g_assert_cmpuint(a->events.has_triple_fault, ==,
                     b->events.has_triple_fault);
    g_assert_cmpmem(a->db, sizeof(a->db), b->db, sizeof(b->db));
    g_assert_cmphex(a->dr6, ==, b->dr6);
    g_assert_cmphex(a->dr7, ==, b->dr7);
    g_assert_cmpuint(a->mp_state, ==, b->mp_state);
    g_assert_cmpuint(a->pdptrs_valid, ==, b->pdptrs_valid);
    if (a->pdptrs_valid) {
        g_assert_cmpmem(a->pdptrs, sizeof(a->pdptrs), b->pdptrs,
                        sizeof(b->pdptrs));
    }
    g_assert_cmpuint(a->has_lapic, ==, b->has_lapic);
    if (a->has_lapic) {
        g_assert_cmpmem(a->lapic, sizeof(a->lapic), b->lapic,
                        sizeof(b->lapic));
    }
}

static void round_trip(bool optional)
{
    g_autofree X86VCPUState *st = g_new0(X86VCPUState, 1);
    g_autofree X86VCPUState *out = g_new0(X86VCPUState, 1);
    g_autoptr(QIOChannelBuffer) bioc = NULL;
    size_t len, consumed;

    fill(st, optional);
    bioc = save(st);
    len = bioc->usage;
    /* Only the used parts travel: far less than the struct's size. */
    g_assert_cmpuint(len, <, sizeof(*st) / 2);
    g_assert_cmpuint(len, >, st->xsave_len + st->nmsrs * 12);

    /* Loading over a struct that has the optional parts set. */
    memset(out, 0xff, sizeof(*out));
    out->pdptrs_valid = true;
    out->has_lapic = true;
    g_assert_cmpint(load(bioc, out, &consumed, &error_abort), ==, 0);
    check_equal(st, out);
    g_assert_cmpuint(consumed, ==, len - 1);
}

static void test_round_trip(void)
{
    round_trip(false);
}

static void test_round_trip_optional(void)
{
    round_trip(true);
}

/* The optional parts cost nothing when absent. */
static void test_subsection_size(void)
{
    g_autofree X86VCPUState *st = g_new0(X86VCPUState, 1);
    g_autoptr(QIOChannelBuffer) without = NULL;
    g_autoptr(QIOChannelBuffer) with = NULL;

    fill(st, false);
    without = save(st);
    fill(st, true);
    with = save(st);
    g_assert_cmpuint(with->usage, >, without->usage + X86_KVM_LAPIC_BYTES);
}

/* Find the big-endian 32-bit @value at or after @from in @bioc. */
static size_t find_be32(QIOChannelBuffer *bioc, size_t from, uint32_t value)
{
    for (size_t i = from; i + 4 <= bioc->usage; i++) {
        if (ldl_be_p(bioc->data + i) == value) {
            return i;
        }
    }
    g_assert_not_reached();
}

static void corrupt_count(uint32_t good, uint32_t bad, const char *what)
{
    g_autofree X86VCPUState *st = g_new0(X86VCPUState, 1);
    g_autofree X86VCPUState *out = g_new0(X86VCPUState, 1);
    g_autoptr(QIOChannelBuffer) bioc = NULL;
    Error *err = NULL;
    size_t at;

    fill(st, false);
    /* Distinct counts so that the one to corrupt can be found. */
    st->xsave_len = 0x123;
    st->nmsrs = 0x21;
    st->nxcrs = 1;
    /* regs, rip, rflags, segments... come first; search after them. */
    bioc = save(st);
    at = find_be32(bioc, 0, good);
    stl_be_p(bioc->data + at, bad);
    g_assert_cmpint(load(bioc, out, NULL, &err), <, 0);
    g_assert_nonnull(err);
    g_test_message("%s: %s", what, error_get_pretty(err));
    error_free(err);
}

/* A hostile stream cannot overflow the embedded arrays. */
static void test_oversized_counts(void)
{
    corrupt_count(0x123, X86_KVM_XSAVE_BYTES + 1, "xsave");
    corrupt_count(0x21, X86_KVM_MAX_MSRS + 1, "msrs");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    g_test_add_func("/x86-vmstate/round-trip", test_round_trip);
    g_test_add_func("/x86-vmstate/round-trip-optional",
                    test_round_trip_optional);
    g_test_add_func("/x86-vmstate/subsection-size", test_subsection_size);
    g_test_add_func("/x86-vmstate/oversized-counts", test_oversized_counts);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration state of an x86 vCPU: X86VCPUState (the whole KVM vCPU
 * state, see include/system/kvm-x86.h) described field by field.
 * Optional parts (PAE PDPTRs, the in-kernel local APIC page) are
 * subsections, present only when the source had them.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "migration/vmstate.h"
#include "hw/i386/x86-cpu.h"

/*
 * An embedded array of structs whose used length is a uint32 field; the
 * engine refuses a stream count above the array's capacity.
 */
#define X86_VMSTATE_STRUCT_VARRAY_UINT32(_field, _state, _num, _vmsd,   \
                                         _type) {                       \
    .name = (stringify(_field)),                                        \
    .num_offset = vmstate_offset_value(_state, _num, uint32_t),         \
    .vmsd = &(_vmsd),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_STRUCT | VMS_VARRAY_UINT32,                            \
    .offset = offsetof(_state, _field),                                 \
    .capacity = sizeof(typeof_field(_state, _field)),                   \
}

/* The first N bytes of an embedded buffer, N a uint32 field. */
#define X86_VMSTATE_PARTIAL_VBUFFER_UINT32(_field, _state, _size) {     \
    .name = (stringify(_field)),                                        \
    .size_offset = vmstate_offset_value(_state, _size, uint32_t),       \
    .info = &vmstate_info_buffer,                                       \
    .flags = VMS_VBUFFER,                                               \
    .offset = offsetof(_state, _field),                                 \
    .capacity = sizeof(typeof_field(_state, _field)),                   \
}

static const VMStateDescription vmstate_x86_segment = {
    .name = "x86-segment",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(base, X86Segment),
        VMSTATE_UINT32(limit, X86Segment),
        VMSTATE_UINT16(selector, X86Segment),
        VMSTATE_UINT8(type, X86Segment),
        VMSTATE_UINT8(present, X86Segment),
        VMSTATE_UINT8(dpl, X86Segment),
        VMSTATE_UINT8(db, X86Segment),
        VMSTATE_UINT8(s, X86Segment),
        VMSTATE_UINT8(l, X86Segment),
        VMSTATE_UINT8(g, X86Segment),
        VMSTATE_UINT8(avl, X86Segment),
        VMSTATE_UINT8(unusable, X86Segment),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_x86_dtable = {
    .name = "x86-dtable",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(base, X86DescTable),
        VMSTATE_UINT16(limit, X86DescTable),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_x86_xcr = {
    .name = "x86-xcr",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(xcr, X86XCREntry),
        VMSTATE_UINT64(value, X86XCREntry),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_x86_msr = {
    .name = "x86-msr",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(index, X86MSREntry),
        VMSTATE_UINT64(data, X86MSREntry),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_x86_events = {
    .name = "x86-vcpu-events",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(exception_injected, X86VCPUEvents),
        VMSTATE_UINT8(exception_nr, X86VCPUEvents),
        VMSTATE_UINT8(exception_has_error_code, X86VCPUEvents),
        VMSTATE_UINT8(exception_pending, X86VCPUEvents),
        VMSTATE_UINT32(exception_error_code, X86VCPUEvents),
        VMSTATE_BOOL(has_payload, X86VCPUEvents),
        VMSTATE_UINT8(exception_has_payload, X86VCPUEvents),
        VMSTATE_UINT64(exception_payload, X86VCPUEvents),
        VMSTATE_UINT8(interrupt_injected, X86VCPUEvents),
        VMSTATE_UINT8(interrupt_nr, X86VCPUEvents),
        VMSTATE_UINT8(interrupt_soft, X86VCPUEvents),
        VMSTATE_UINT8(interrupt_shadow, X86VCPUEvents),
        VMSTATE_UINT8(nmi_injected, X86VCPUEvents),
        VMSTATE_UINT8(nmi_pending, X86VCPUEvents),
        VMSTATE_UINT8(nmi_masked, X86VCPUEvents),
        VMSTATE_UINT32(sipi_vector, X86VCPUEvents),
        VMSTATE_BOOL(has_smm, X86VCPUEvents),
        VMSTATE_UINT8(smi_smm, X86VCPUEvents),
        VMSTATE_UINT8(smi_pending, X86VCPUEvents),
        VMSTATE_UINT8(smi_inside_nmi, X86VCPUEvents),
        VMSTATE_UINT8(smi_latched_init, X86VCPUEvents),
        VMSTATE_BOOL(has_triple_fault, X86VCPUEvents),
        VMSTATE_UINT8(triple_fault_pending, X86VCPUEvents),
        VMSTATE_END_OF_LIST()
    },
};

static bool pdptrs_needed(void *opaque)
{
    X86VCPUState *st = opaque;

    return st->pdptrs_valid;
}

static const VMStateDescription vmstate_x86_pdptrs = {
    .name = "x86-vcpu/pdptrs",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = pdptrs_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(pdptrs_valid, X86VCPUState),
        VMSTATE_UINT64_ARRAY(pdptrs, X86VCPUState, 4),
        VMSTATE_END_OF_LIST()
    },
};

static bool lapic_needed(void *opaque)
{
    X86VCPUState *st = opaque;

    return st->has_lapic;
}

/* The in-kernel local APIC's register page (struct kvm_lapic_state). */
static const VMStateDescription vmstate_x86_lapic = {
    .name = "x86-vcpu/lapic",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = lapic_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(has_lapic, X86VCPUState),
        VMSTATE_BUFFER(lapic, X86VCPUState),
        VMSTATE_END_OF_LIST()
    },
};

/* Subsections that are absent from a stream mean "not there". */
static bool x86_vcpu_state_pre_load(void *opaque, Error **errp)
{
    X86VCPUState *st = opaque;

    st->pdptrs_valid = false;
    st->has_lapic = false;
    return true;
}

const VMStateDescription vmstate_x86_vcpu_state = {
    .name = "x86-vcpu",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_load_errp = x86_vcpu_state_pre_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64_ARRAY(regs, X86VCPUState, X86_REG_NUM),
        VMSTATE_UINT64(rip, X86VCPUState),
        VMSTATE_UINT64(rflags, X86VCPUState),
        VMSTATE_STRUCT_ARRAY(segs, X86VCPUState, X86_SEG_NUM, 1,
                             vmstate_x86_segment, X86Segment),
        VMSTATE_STRUCT(gdt, X86VCPUState, 1, vmstate_x86_dtable,
                       X86DescTable),
        VMSTATE_STRUCT(idt, X86VCPUState, 1, vmstate_x86_dtable,
                       X86DescTable),
        VMSTATE_UINT64(cr0, X86VCPUState),
        VMSTATE_UINT64(cr2, X86VCPUState),
        VMSTATE_UINT64(cr3, X86VCPUState),
        VMSTATE_UINT64(cr4, X86VCPUState),
        VMSTATE_UINT64(cr8, X86VCPUState),
        VMSTATE_UINT64(efer, X86VCPUState),
        VMSTATE_UINT64(apic_base, X86VCPUState),
        VMSTATE_UINT32(xsave_len, X86VCPUState),
        X86_VMSTATE_PARTIAL_VBUFFER_UINT32(xsave, X86VCPUState, xsave_len),
        VMSTATE_UINT32(nxcrs, X86VCPUState),
        X86_VMSTATE_STRUCT_VARRAY_UINT32(xcrs, X86VCPUState, nxcrs,
                                         vmstate_x86_xcr, X86XCREntry),
        VMSTATE_UINT32(nmsrs, X86VCPUState),
        X86_VMSTATE_STRUCT_VARRAY_UINT32(msrs, X86VCPUState, nmsrs,
                                         vmstate_x86_msr, X86MSREntry),
        VMSTATE_STRUCT(events, X86VCPUState, 1, vmstate_x86_events,
                       X86VCPUEvents),
        VMSTATE_UINT64_ARRAY(db, X86VCPUState, 4),
        VMSTATE_UINT64(dr6, X86VCPUState),
        VMSTATE_UINT64(dr7, X86VCPUState),
        VMSTATE_UINT32(mp_state, X86VCPUState),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_x86_pdptrs,
        &vmstate_x86_lapic,
        NULL
    },
};

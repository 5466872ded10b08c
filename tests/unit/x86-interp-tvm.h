/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small machine for the x86 interpreter's tests and fuzz target: RAM
 * as a plain buffer, port output logged, one interrupt vector, and a
 * vCPU set up in real, 32-bit protected or 64-bit long mode (identity
 * paging) with a HLT handler for every vector.
 */
#ifndef TESTS_UNIT_X86_INTERP_TVM_H
#define TESTS_UNIT_X86_INTERP_TVM_H

#include "target/i386/interp.h"

#define RAM_SIZE   (4 << 20)
#define CODE       0x10000
#define GDT        0x500
#define IDT        0x1000
#define HANDLER    0x3000   /* one HLT per vector, 16 bytes apart */
#define PML4       0x20000
#define STACK_TOP  0x9000

enum { M16, M32, M64 };

typedef struct TVM {
    uint8_t *ram;
    X86VCPUState st;
    X86Interp x;
    GString *io;
    int irq_vec;
    uint64_t ticks;
    unsigned long dirty[RAM_SIZE / 4096 / 64];
} TVM;

TVM *tvm_new(int mode);
/* Back to the state tvm_new() gave, clearing only what was written. */
void tvm_reset(TVM *t, int mode);
void tvm_free(TVM *t);
void tvm_put8(TVM *t, uint64_t a, uint64_t v);
uint64_t tvm_get8(TVM *t, uint64_t a);

#endif

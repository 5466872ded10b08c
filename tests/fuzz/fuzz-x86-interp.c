/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the x86 interpreter: random instruction bytes run
 * from a fixed state, for a bounded number of instructions.
 *
 * Input: byte 0 picks the mode (real, 32-bit protected, 64-bit long),
 * byte 1 the initial RFLAGS bits IF/DF/TF, bytes 2..8 RAX/RCX/RBX seeds, byte 9 the interrupt vector; the
 * rest is the code at CODE.  Checks: no crash, overflow or leak (ASan),
 * the run returns within its instruction budget with a known exit, the
 * instruction count never exceeds the budget, and a triple fault stays
 * stopped.
 */
#include "qemu/osdep.h"
#include "tests/unit/x86-interp-tvm.h"
#include "tests/fuzz/fuzz-fail.h"

#define BUDGET 2000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static TVM *t;
    X86InterpExit e;
    uint64_t before;

    if (size < 10) {
        return 0;
    }
    if (!t) {
        t = tvm_new(data[0] % 3);
    } else {
        tvm_reset(t, data[0] % 3);
    }
    t->st.rflags |= (data[1] & 1 ? 0x200 : 0) | (data[1] & 2 ? 0x400 : 0) |
                    (data[1] & 4 ? 0x100 : 0);
    t->st.regs[X86_REG_RAX] = data[2] | (data[3] << 8) | (data[4] << 16);
    /* A small count: REP runs stay quick. */
    t->st.regs[X86_REG_RCX] = data[5] | ((data[6] & 0xf) << 8);
    t->st.regs[X86_REG_RBX] = data[7] | (data[8] << 8);
    t->irq_vec = data[9];
    t->x.irq_line = data[1] & 8;
    size -= 10;
    memcpy(t->ram + CODE, data + 10, MIN(size, 0x8000));
    x86_interp_flush(&t->x);

    for (int round = 0; round < 4; round++) {
        before = t->x.icount;
        e = x86_interp_run(&t->x, BUDGET / 4);
        /* One instruction may overshoot by a REP chunk. */
        if (t->x.icount - before > BUDGET / 4 + 1024) {
            fuzz_fail("ran %" PRIu64 " instructions for a budget of %d",
                      t->x.icount - before, BUDGET / 4);
        }
        if (e != X86_EXIT_BUDGET && e != X86_EXIT_HLT &&
            e != X86_EXIT_SHUTDOWN) {
            fuzz_fail("unexpected exit %d", e);
        }
        if (e == X86_EXIT_SHUTDOWN) {
            if (x86_interp_run(&t->x, 10) != X86_EXIT_SHUTDOWN) {
                fuzz_fail("a triple-faulted vCPU ran again");
            }
            break;
        }
        if (e == X86_EXIT_HLT) {
            /* Wake it as an interrupt controller would. */
            t->x.irq_line = 1;
        }
    }
    return 0;
}

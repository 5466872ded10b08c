/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The userspace 8259A pair ("isa-i8259", master at 0x20 and ELCR 0x4d0,
 * slave at 0xa0 and 0x4d1, cascaded on the master's IR2).  Its section
 * "i8259" (instances 0 and 1) has the fields of the in-kernel PIC's
 * state, in the same order, so a stream of kvm-i8259 loads here and
 * back.  Used by the tcg accelerator; KVM keeps its PIC in the kernel.
 */
#ifndef HW_INTC_I8259_H
#define HW_INTC_I8259_H

#include "hw/qdev-core.h"

#define TYPE_ISA_I8259 "isa-i8259"

/*
 * The master's INTR output changed; called under the BQL.  The CPU
 * side (accel/tcg) installs it.
 */
typedef void I8259IntrHandler(void *opaque, int level);
void i8259_set_intr_handler(I8259IntrHandler *fn, void *opaque);

/* Drive ISA IRQ line @irq (0-15); false if no userspace PIC exists. */
bool i8259_set_irq(int irq, int level);

/* INTA: the vector of the highest-priority request (spurious: IR7). */
int i8259_ack(void);

#endif

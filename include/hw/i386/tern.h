/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tern x86 machine (hw/i386/tern.c) and the small ISA-style devices
 * it builds: what they are called and how they reach the interrupt
 * controller.  docs/devel/x86-machine.md describes the board.
 */
#ifndef HW_I386_TERN_H
#define HW_I386_TERN_H

#include "hw/boards.h"

#define TYPE_TERN_MACHINE MACHINE_TYPE_NAME("tern-common")

/* Main RAM below 4 GiB ends here; the rest is mapped from 4 GiB. */
#define TERN_BELOW_4G_MAX  (3ULL * GiB)
#define TERN_ABOVE_4G_BASE (4ULL * GiB)
/* The RAMBlock id of main RAM made from -m (a backend keeps its own id). */
#define TERN_RAM_ID "tern.ram"
/* -bios images end at 1 MiB and may be this large. */
#define TERN_BIOS_MAX (256 * KiB)

#define TYPE_ISA_SERIAL   "isa-serial"
#define TYPE_ISA_DEBUGCON "isa-debugcon"
#define TYPE_PORT92       "port92"
#define TYPE_KVM_I8259    "kvm-i8259"
#define TYPE_KVM_IOAPIC   "kvm-ioapic"
#define TYPE_KVM_PIT      "kvm-pit"

/*
 * Drive ISA interrupt line @irq (0-15): into the in-kernel PIC/IOAPIC
 * with KVM, nowhere without an interrupt controller (qtest, or
 * kernel-irqchip=off, where Tern has no userspace PIC).
 */
void tern_isa_set_irq(int irq, int level);

/* Map a device's I/O region at @port of the I/O address space. */
void tern_isa_register_ioport(MemoryRegion *mr, uint16_t port);

#endif /* HW_I386_TERN_H */

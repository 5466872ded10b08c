/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "tcg-ioapic": under tcg, the IOAPIC's registers as a KVM source sent
 * them (section "ioapic", kvm-ioapic's fields), kept so that they go back
 * to KVM on the next migration.  tcg has no IOAPIC (nor local APICs): the
 * 8259 drives the CPU's INTR line, so a stream whose IOAPIC routes an
 * interrupt (an unmasked redirection entry) is refused.
 */
#ifndef HW_INTC_IOAPIC_STATE_H
#define HW_INTC_IOAPIC_STATE_H

#define TYPE_TCG_IOAPIC "tcg-ioapic"

#endif

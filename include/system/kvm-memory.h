/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM memory listener (accel/kvm/kvm-memory.c): maps the RAM of an
 * address space into KVM memory slots of @s and carries dirty logging
 * between KVM and the RAMBlock bitmaps.  The kvm accelerator registers
 * one on address_space_memory; tests may register their own.
 */
#ifndef SYSTEM_KVM_MEMORY_H
#define SYSTEM_KVM_MEMORY_H

#include "system/kvm-low.h"
#include "system/memory.h"

/* BQL held.  The listener lives as long as the process. */
void kvm_memory_listener_register(KVMState *s, AddressSpace *as);

#endif /* SYSTEM_KVM_MEMORY_H */

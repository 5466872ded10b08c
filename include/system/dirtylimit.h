/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dirty page rate limits per vCPU (set-vcpu-dirty-limit and the
 * dirty-limit migration capability), measured on the KVM dirty ring;
 * docs/devel/dirty-limit.md has the design.  The QMP commands are
 * declared by the generated qapi-commands-migration.h.  Everything runs
 * under the BQL.
 */
#ifndef SYSTEM_DIRTYLIMIT_H
#define SYSTEM_DIRTYLIMIT_H

/* The accelerator can limit dirty rates (KVM with the dirty ring). */
bool dirtylimit_available(void);
/*
 * KVM runs with dirty bitmaps (no ring): what calc-dirty-rate's
 * dirty-bitmap mode counts.
 */
bool dirtylimit_kvm_bitmap(void);
/*
 * Harvest the rings, then the pages each vCPU dirtied so far in
 * cpu_index order (g_free it), *@nvcpu of them: calc-dirty-rate's
 * dirty-ring mode.
 */
uint64_t *dirtylimit_vcpu_pages(int *nvcpu);
/* At least one vCPU is limited. */
bool dirtylimit_in_service(void);

/*
 * For the migration: limit every vCPU to @quota MB/s, or remove every
 * limit.  Unlike the QMP commands these are never refused.
 */
void dirtylimit_set_all(uint64_t quota);
void dirtylimit_cancel_all(void);

/*
 * For query-migrate: the longest sleep of a vCPU per dirty ring's worth
 * of pages it dirties, and the time the vCPUs take on average to dirty
 * a ring's worth at their current rate, both in microseconds.
 */
uint64_t dirtylimit_throttle_time_per_round(void);
uint64_t dirtylimit_ring_full_time(void);

/* The dirty rate of vCPU @cpu_index over the last period, in MB/s. */
uint64_t dirtylimit_vcpu_dirty_rate(int cpu_index);

#endif /* SYSTEM_DIRTYLIMIT_H */

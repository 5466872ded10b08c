/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * calc-dirty-rate / query-dirty-rate (the QMP commands are declared by
 * the generated qapi-commands-migration.h).
 */
#ifndef MIGRATION_DIRTYRATE_H
#define MIGRATION_DIRTYRATE_H

/*
 * What the accelerator offers calc-dirty-rate (system/dirtylimit.c,
 * registered by vl.c); without it only page-sampling works.
 */
typedef struct DirtyRateOps {
    bool (*ring_enabled)(void);     /* KVM with the dirty ring */
    bool (*bitmap_enabled)(void);   /* KVM with dirty bitmaps */
    /*
     * Harvest the rings, then the pages each vCPU dirtied so far, in
     * cpu_index order (g_free it); *@nvcpu gets their number.
     */
    uint64_t *(*vcpu_pages)(int *nvcpu);
} DirtyRateOps;

void dirtyrate_register_ops(const DirtyRateOps *ops);

/* The last measured dirty rate in MiB/s; false if none was measured. */
bool dirtyrate_last_measured(int64_t *mib_per_s);

#endif /* MIGRATION_DIRTYRATE_H */

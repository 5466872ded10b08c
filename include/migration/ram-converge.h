/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Auto-converge: when the guest dirties memory faster than a share
 * (throttle-trigger-threshold) of what the migration sends, twice in a
 * row, throttle the vCPUs, and more each time it happens again.
 *
 * Migration does not own the vCPUs: the emulator registers the
 * throttle (system/cpu-throttle.c) at start-up.  Without one (unit
 * tests, no accelerator) auto-converge measures but throttles nothing.
 */
#ifndef MIGRATION_RAM_CONVERGE_H
#define MIGRATION_RAM_CONVERGE_H

typedef struct MigrationThrottleOps {
    void (*set)(int pct);
    void (*stop)(void);
    int (*get)(void);          /* 0: not throttling */
} MigrationThrottleOps;

void migration_register_throttle(const MigrationThrottleOps *ops);

/* A migration starts: forget earlier periods. */
void ram_converge_start(void);
/* A migration ends: stop throttling. */
void ram_converge_stop(void);

/*
 * A measuring period (at least a second, between two bitmap syncs)
 * ended in which the guest dirtied @dirtied bytes and the migration
 * transferred @sent bytes.
 */
void ram_converge_period(uint64_t dirtied, uint64_t sent);

/* The throttle in force, in percent (0: none). */
int ram_converge_throttle_percentage(void);

#endif /* MIGRATION_RAM_CONVERGE_H */

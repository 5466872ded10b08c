/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "globalstate" section: the source's run state when migration
 * started, so that the destination resumes in the same state
 * (docs/devel/migration-stream.md, "timer and globalstate").  Saved
 * when the migration property store-global-state is on (the default).
 */
#ifndef MIGRATION_GLOBAL_STATE_H
#define MIGRATION_GLOBAL_STATE_H

#include "qapi/qapi-types-run-state.h"

/* Register the section; once, at start-up (after the timer section). */
void register_global_state(void);
/* Remember @state as the one to send (the migration start calls it). */
void global_state_store_runstate(RunState state);
/* Remember the current run state (needs system/runstate.h). */
#define global_state_store() global_state_store_runstate(runstate_get())
/* Remember "running" (a running VM about to be stopped for a save). */
void global_state_store_running(void);
/* Destination: was the section received in this load? */
bool global_state_received(void);
/* Destination: the run state received (RUN_STATE_RUNNING if none). */
RunState global_state_get_runstate(void);
/* Forget what was received (before a new load). */
void global_state_reset(void);

#endif /* MIGRATION_GLOBAL_STATE_H */

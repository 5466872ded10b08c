/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run states (QEMU's RunState and its transition table), starting and
 * stopping the VM, state-change handlers, and the requests (shutdown,
 * reset, powerdown, stop) that the main loop carries out.
 *
 * Everything here runs under the BQL except the *_request() functions,
 * which any thread (vCPUs, signal handlers for qemu_system_killed) may
 * call: they only record the request and wake the main loop.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include "qapi/qapi-types-run-state.h"
#include "qemu/notify.h"

bool runstate_check(RunState state);
/* Change state; an invalid transition is a bug (aborts, see runstate.c). */
void runstate_set(RunState new_state);
RunState runstate_get(void);
bool runstate_is_running(void);
/* Internal error or shutdown: only a reset lets the guest run again. */
bool runstate_needs_reset(void);
/* Running or suspended: the guest's clock ticks. */
bool runstate_is_live(RunState state);
/* Whether @from -> @to is in the table. */
bool runstate_transition_valid(RunState from, RunState to);

typedef void VMChangeStateHandler(void *opaque, bool running,
                                  RunState state);
typedef struct VMChangeStateEntry VMChangeStateEntry;

/*
 * Call @cb on every start and stop.  Handlers with a higher @priority
 * run first on start and last on stop.
 */
VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb,
                                                     void *opaque);
VMChangeStateEntry *
qemu_add_vm_change_state_handler_prio(VMChangeStateHandler *cb,
                                      void *opaque, int priority);
void qemu_del_vm_change_state_handler(VMChangeStateEntry *e);
void vm_state_notify(bool running, RunState state);

/* Start the guest: RESUME event, clocks on, vCPUs resumed. */
void vm_start(void);
/* vm_start() minus resuming vCPUs; -1 if already running. */
int vm_prepare_start(bool step_pending);
/* Stop into @state: vCPUs paused, clocks off, STOP event. */
int vm_stop(RunState state);
/* vm_stop(), or just set @state when the guest is not running. */
int vm_stop_force_state(RunState state);
/* Resume into @state: vm_start() if it is a live state, else set it. */
void vm_resume(RunState state);
int vm_shutdown(void);

/* Set by -S (false) and by stop/cont during an incoming migration. */
extern bool autostart;

/* --- requests, carried out by qemu_main_loop() --- */

void qemu_system_shutdown_request(ShutdownCause reason);
void qemu_system_reset_request(ShutdownCause reason);
void qemu_system_powerdown_request(void);
void qemu_system_vmstop_request(RunState reason);
void qemu_system_vmstop_request_prepare(void);
/* The pending stop request, consumed (false if none). */
bool qemu_vmstop_requested(RunState *r);
void qemu_system_debug_request(void);
/* From a signal handler: report the sender and shut down. */
void qemu_system_killed(int signal, pid_t pid);
/* -no-shutdown: a guest shutdown stops the VM instead of exiting. */
void qemu_system_set_no_shutdown(bool pause);

void qemu_register_powerdown_notifier(Notifier *notifier);
/* Run at exit (after the main loop returns, or on exit()). */
void qemu_add_exit_notifier(Notifier *notify);
void qemu_remove_exit_notifier(Notifier *notify);
void qemu_run_exit_notifiers(void);

/* Reset the machine now (mc->reset or every reset handler) + RESET event. */
void qemu_system_reset(ShutdownCause reason);
bool qemu_wakeup_suspend_enabled(void);

/* Run the main loop until a shutdown request; returns the exit status. */
int qemu_main_loop(void);
/* Install SIGINT/SIGTERM/SIGHUP handlers that request a shutdown. */
void os_setup_signal_handling(void);

#endif /* SYSTEM_RUNSTATE_H */

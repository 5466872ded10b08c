/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run states and their transitions, vm_start/vm_stop, state-change
 * handlers, reset handlers, the shutdown/reset/stop requests and the
 * main loop that carries them out, and the run-state QMP commands
 * (query-status, stop, cont, system_reset, system_powerdown,
 * system_wakeup, quit).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-control.h"
#include "qapi/qapi-commands-machine.h"
#include "qapi/qapi-commands-misc.h"
#include "qapi/qapi-commands-run-state.h"
#include "qapi/qapi-events-run-state.h"
#include "qemu/atomic.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"
#include "qemu/timer.h"
#include "hw/boards.h"
#include "system/cpus.h"
#include "system/reset.h"
#include "system/runstate.h"

/* ------------------------------------------------------------------ */
/* States                                                             */

typedef struct RunStateTransition {
    RunState from;
    RunState to;
} RunStateTransition;

/* QEMU's table: every change of state the VM may make. */
static const RunStateTransition runstate_transitions_def[] = {
    { RUN_STATE_PRELAUNCH, RUN_STATE_INMIGRATE },
    { RUN_STATE_PRELAUNCH, RUN_STATE_SUSPENDED },
    { RUN_STATE_PRELAUNCH, RUN_STATE_RUNNING },
    { RUN_STATE_PRELAUNCH, RUN_STATE_FINISH_MIGRATE },

    { RUN_STATE_DEBUG, RUN_STATE_RUNNING },
    { RUN_STATE_DEBUG, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_DEBUG, RUN_STATE_PRELAUNCH },
    { RUN_STATE_DEBUG, RUN_STATE_SUSPENDED },

    { RUN_STATE_INMIGRATE, RUN_STATE_INTERNAL_ERROR },
    { RUN_STATE_INMIGRATE, RUN_STATE_IO_ERROR },
    { RUN_STATE_INMIGRATE, RUN_STATE_PAUSED },
    { RUN_STATE_INMIGRATE, RUN_STATE_RUNNING },
    { RUN_STATE_INMIGRATE, RUN_STATE_SHUTDOWN },
    { RUN_STATE_INMIGRATE, RUN_STATE_SUSPENDED },
    { RUN_STATE_INMIGRATE, RUN_STATE_WATCHDOG },
    { RUN_STATE_INMIGRATE, RUN_STATE_GUEST_PANICKED },
    { RUN_STATE_INMIGRATE, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_INMIGRATE, RUN_STATE_PRELAUNCH },
    { RUN_STATE_INMIGRATE, RUN_STATE_POSTMIGRATE },
    { RUN_STATE_INMIGRATE, RUN_STATE_COLO },

    { RUN_STATE_INTERNAL_ERROR, RUN_STATE_PAUSED },
    { RUN_STATE_INTERNAL_ERROR, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_INTERNAL_ERROR, RUN_STATE_PRELAUNCH },

    { RUN_STATE_IO_ERROR, RUN_STATE_RUNNING },
    { RUN_STATE_IO_ERROR, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_IO_ERROR, RUN_STATE_PRELAUNCH },

    { RUN_STATE_PAUSED, RUN_STATE_RUNNING },
    { RUN_STATE_PAUSED, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_PAUSED, RUN_STATE_POSTMIGRATE },
    { RUN_STATE_PAUSED, RUN_STATE_PRELAUNCH },
    { RUN_STATE_PAUSED, RUN_STATE_COLO },
    { RUN_STATE_PAUSED, RUN_STATE_SUSPENDED },

    { RUN_STATE_POSTMIGRATE, RUN_STATE_RUNNING },
    { RUN_STATE_POSTMIGRATE, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_POSTMIGRATE, RUN_STATE_PRELAUNCH },

    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_RUNNING },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_PAUSED },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_POSTMIGRATE },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_PRELAUNCH },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_COLO },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_INTERNAL_ERROR },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_IO_ERROR },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_SHUTDOWN },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_SUSPENDED },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_WATCHDOG },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_GUEST_PANICKED },

    { RUN_STATE_RESTORE_VM, RUN_STATE_RUNNING },
    { RUN_STATE_RESTORE_VM, RUN_STATE_PRELAUNCH },

    { RUN_STATE_COLO, RUN_STATE_RUNNING },
    { RUN_STATE_COLO, RUN_STATE_PRELAUNCH },
    { RUN_STATE_COLO, RUN_STATE_SHUTDOWN },

    { RUN_STATE_RUNNING, RUN_STATE_DEBUG },
    { RUN_STATE_RUNNING, RUN_STATE_INTERNAL_ERROR },
    { RUN_STATE_RUNNING, RUN_STATE_IO_ERROR },
    { RUN_STATE_RUNNING, RUN_STATE_PAUSED },
    { RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_RUNNING, RUN_STATE_RESTORE_VM },
    { RUN_STATE_RUNNING, RUN_STATE_SAVE_VM },
    { RUN_STATE_RUNNING, RUN_STATE_SHUTDOWN },
    { RUN_STATE_RUNNING, RUN_STATE_WATCHDOG },
    { RUN_STATE_RUNNING, RUN_STATE_GUEST_PANICKED },
    { RUN_STATE_RUNNING, RUN_STATE_COLO },
    { RUN_STATE_RUNNING, RUN_STATE_SUSPENDED },

    { RUN_STATE_SAVE_VM, RUN_STATE_RUNNING },
    { RUN_STATE_SAVE_VM, RUN_STATE_SUSPENDED },

    { RUN_STATE_SHUTDOWN, RUN_STATE_PAUSED },
    { RUN_STATE_SHUTDOWN, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_SHUTDOWN, RUN_STATE_PRELAUNCH },
    { RUN_STATE_SHUTDOWN, RUN_STATE_COLO },

    { RUN_STATE_SUSPENDED, RUN_STATE_RUNNING },
    { RUN_STATE_SUSPENDED, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_SUSPENDED, RUN_STATE_PRELAUNCH },
    { RUN_STATE_SUSPENDED, RUN_STATE_COLO },
    { RUN_STATE_SUSPENDED, RUN_STATE_PAUSED },
    { RUN_STATE_SUSPENDED, RUN_STATE_SAVE_VM },
    { RUN_STATE_SUSPENDED, RUN_STATE_RESTORE_VM },
    { RUN_STATE_SUSPENDED, RUN_STATE_SHUTDOWN },

    { RUN_STATE_WATCHDOG, RUN_STATE_RUNNING },
    { RUN_STATE_WATCHDOG, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_WATCHDOG, RUN_STATE_PRELAUNCH },
    { RUN_STATE_WATCHDOG, RUN_STATE_COLO },

    { RUN_STATE_GUEST_PANICKED, RUN_STATE_RUNNING },
    { RUN_STATE_GUEST_PANICKED, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_GUEST_PANICKED, RUN_STATE_PRELAUNCH },
};

static RunState current_run_state = RUN_STATE_PRELAUNCH;
/* Set when a stop interrupted a suspended guest, so start resumes it so. */
static bool vm_was_suspended;
bool autostart = true;

bool runstate_transition_valid(RunState from, RunState to)
{
    for (size_t i = 0; i < ARRAY_SIZE(runstate_transitions_def); i++) {
        if (runstate_transitions_def[i].from == from &&
            runstate_transitions_def[i].to == to) {
            return true;
        }
    }
    return false;
}

bool runstate_check(RunState state)
{
    return current_run_state == state;
}

RunState runstate_get(void)
{
    return current_run_state;
}

void runstate_set(RunState new_state)
{
    assert(new_state < RUN_STATE__MAX);
    if (current_run_state == new_state) {
        return;
    }
    if (!runstate_transition_valid(current_run_state, new_state)) {
        error_report("invalid runstate transition: '%s' -> '%s'",
                     RunState_str(current_run_state),
                     RunState_str(new_state));
#ifndef NDEBUG
        abort();
#else
        return;
#endif
    }
    current_run_state = new_state;
}

bool runstate_is_running(void)
{
    return runstate_check(RUN_STATE_RUNNING);
}

bool runstate_is_live(RunState state)
{
    return state == RUN_STATE_RUNNING || state == RUN_STATE_SUSPENDED;
}

bool runstate_needs_reset(void)
{
    return runstate_check(RUN_STATE_INTERNAL_ERROR) ||
           runstate_check(RUN_STATE_SHUTDOWN);
}

/* ------------------------------------------------------------------ */
/* State-change handlers                                              */

struct VMChangeStateEntry {
    VMChangeStateHandler *cb;
    void *opaque;
    QTAILQ_ENTRY(VMChangeStateEntry) entries;
    int priority;
};

static QTAILQ_HEAD(, VMChangeStateEntry) vm_change_state_head =
    QTAILQ_HEAD_INITIALIZER(vm_change_state_head);

VMChangeStateEntry *
qemu_add_vm_change_state_handler_prio(VMChangeStateHandler *cb,
                                      void *opaque, int priority)
{
    VMChangeStateEntry *e = g_new0(VMChangeStateEntry, 1), *other;

    e->cb = cb;
    e->opaque = opaque;
    e->priority = priority;
    /* Sorted by priority, highest first; equal ones in addition order. */
    QTAILQ_FOREACH(other, &vm_change_state_head, entries) {
        if (priority > other->priority) {
            QTAILQ_INSERT_BEFORE(other, e, entries);
            return e;
        }
    }
    QTAILQ_INSERT_TAIL(&vm_change_state_head, e, entries);
    return e;
}

VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb,
                                                     void *opaque)
{
    return qemu_add_vm_change_state_handler_prio(cb, opaque, 0);
}

void qemu_del_vm_change_state_handler(VMChangeStateEntry *e)
{
    QTAILQ_REMOVE(&vm_change_state_head, e, entries);
    g_free(e);
}

void vm_state_notify(bool running, RunState state)
{
    VMChangeStateEntry *e, *next;

    if (running) {
        QTAILQ_FOREACH_SAFE(e, &vm_change_state_head, entries, next) {
            e->cb(e->opaque, running, state);
        }
    } else {
        QTAILQ_FOREACH_REVERSE_SAFE(e, &vm_change_state_head, entries,
                                    next) {
            e->cb(e->opaque, running, state);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Start and stop                                                     */

static int do_vm_stop(RunState state, bool send_stop)
{
    RunState oldstate = runstate_get();

    if (runstate_is_live(oldstate)) {
        vm_was_suspended = oldstate == RUN_STATE_SUSPENDED;
        runstate_set(state);
        cpu_disable_ticks();
        if (oldstate == RUN_STATE_RUNNING) {
            pause_all_vcpus();
        }
        vm_state_notify(false, state);
        if (send_stop) {
            qapi_event_send_stop();
        }
    }
    return 0;
}

int vm_stop(RunState state)
{
    if (qemu_in_vcpu_thread()) {
        /* A vCPU cannot pause itself: let the main loop do it. */
        qemu_system_vmstop_request_prepare();
        qemu_system_vmstop_request(state);
        cpu_stop_current();
        return 0;
    }
    return do_vm_stop(state, true);
}

int vm_stop_force_state(RunState state)
{
    if (runstate_is_live(runstate_get())) {
        return vm_stop(state);
    }
    runstate_set(state);
    return 0;
}

int vm_shutdown(void)
{
    return do_vm_stop(RUN_STATE_SHUTDOWN, false);
}

int vm_prepare_start(bool step_pending)
{
    int ret = vm_was_suspended ? 1 : 0;
    RunState state = vm_was_suspended ? RUN_STATE_SUSPENDED
                                      : RUN_STATE_RUNNING;
    RunState requested;

    qemu_vmstop_requested(&requested);
    if (runstate_is_running() && requested == RUN_STATE__MAX) {
        return -1;
    }
    /*
     * A stop was pending while running: emit STOP then RESUME, so that
     * clients that saw a reason for the stop also see the resume.
     */
    if (runstate_is_running()) {
        qapi_event_send_stop();
        qapi_event_send_resume();
        return -1;
    }
    qapi_event_send_resume();
    cpu_enable_ticks();
    runstate_set(state);
    vm_state_notify(true, state);
    vm_was_suspended = false;
    return ret;
}

void vm_start(void)
{
    if (!vm_prepare_start(false)) {
        resume_all_vcpus();
    }
}

void vm_resume(RunState state)
{
    if (runstate_is_live(state)) {
        vm_start();
    } else {
        runstate_set(state);
    }
}

/* ------------------------------------------------------------------ */
/* Reset handlers                                                     */

typedef struct QEMUResetEntry {
    QTAILQ_ENTRY(QEMUResetEntry) entry;
    QEMUResetHandler *func;
    void *opaque;
} QEMUResetEntry;

static QTAILQ_HEAD(, QEMUResetEntry) reset_handlers =
    QTAILQ_HEAD_INITIALIZER(reset_handlers);

void qemu_register_reset(QEMUResetHandler *func, void *opaque)
{
    QEMUResetEntry *re = g_new0(QEMUResetEntry, 1);

    re->func = func;
    re->opaque = opaque;
    QTAILQ_INSERT_TAIL(&reset_handlers, re, entry);
}

void qemu_unregister_reset(QEMUResetHandler *func, void *opaque)
{
    QEMUResetEntry *re;

    QTAILQ_FOREACH(re, &reset_handlers, entry) {
        if (re->func == func && re->opaque == opaque) {
            QTAILQ_REMOVE(&reset_handlers, re, entry);
            g_free(re);
            return;
        }
    }
}

void qemu_devices_reset(ShutdownCause reason)
{
    QEMUResetEntry *re, *next;

    QTAILQ_FOREACH_SAFE(re, &reset_handlers, entry, next) {
        re->func(re->opaque);
    }
}

static bool shutdown_caused_by_guest(ShutdownCause cause)
{
    return cause >= SHUTDOWN_CAUSE_GUEST_SHUTDOWN &&
           cause != SHUTDOWN_CAUSE_SUBSYSTEM_RESET;
}

void qemu_system_reset(ShutdownCause reason)
{
    MachineClass *mc = current_machine ? MACHINE_GET_CLASS(current_machine)
                                       : NULL;

    if (mc && mc->reset) {
        mc->reset(current_machine, reason);
    } else {
        qemu_devices_reset(reason);
    }
    if (reason && reason != SHUTDOWN_CAUSE_SUBSYSTEM_RESET &&
        reason != SHUTDOWN_CAUSE_SNAPSHOT_LOAD) {
        qapi_event_send_reset(shutdown_caused_by_guest(reason), reason);
    }
    cpu_synchronize_all_post_reset();
}

/* ------------------------------------------------------------------ */
/* Requests                                                           */

static ShutdownCause reset_requested;
static ShutdownCause shutdown_requested;
static int shutdown_signal;
static pid_t shutdown_pid;
static int powerdown_requested;
static int debug_requested;
static RunState vmstop_requested = RUN_STATE__MAX;
static QemuMutex vmstop_lock;
static bool shutdown_pauses;       /* -no-shutdown */
static NotifierList powerdown_notifiers =
    NOTIFIER_LIST_INITIALIZER(powerdown_notifiers);
static NotifierList exit_notifiers =
    NOTIFIER_LIST_INITIALIZER(exit_notifiers);

static void __attribute__((constructor)) runstate_lock_init(void)
{
    qemu_mutex_init(&vmstop_lock);
}

void qemu_system_set_no_shutdown(bool pause)
{
    shutdown_pauses = pause;
}

void qemu_system_shutdown_request(ShutdownCause reason)
{
    qatomic_set(&shutdown_requested, reason);
    qemu_notify_event();
}

void qemu_system_reset_request(ShutdownCause reason)
{
    qatomic_set(&reset_requested, reason);
    cpu_stop_current();
    qemu_notify_event();
}

void qemu_system_powerdown_request(void)
{
    qatomic_set(&powerdown_requested, 1);
    qemu_notify_event();
}

void qemu_system_debug_request(void)
{
    qatomic_set(&debug_requested, 1);
    qemu_notify_event();
}

/* Signal-safe: plain stores and an eventfd write. */
void qemu_system_killed(int signal, pid_t pid)
{
    shutdown_signal = signal;
    shutdown_pid = pid;
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
}

void qemu_system_vmstop_request_prepare(void)
{
    qemu_mutex_lock(&vmstop_lock);
}

void qemu_system_vmstop_request(RunState state)
{
    vmstop_requested = state;
    qemu_mutex_unlock(&vmstop_lock);
    qemu_notify_event();
}

bool qemu_vmstop_requested(RunState *r)
{
    qemu_mutex_lock(&vmstop_lock);
    *r = vmstop_requested;
    vmstop_requested = RUN_STATE__MAX;
    qemu_mutex_unlock(&vmstop_lock);
    return *r < RUN_STATE__MAX;
}

void qemu_register_powerdown_notifier(Notifier *notifier)
{
    notifier_list_add(&powerdown_notifiers, notifier);
}

void qemu_add_exit_notifier(Notifier *notify)
{
    notifier_list_add(&exit_notifiers, notify);
}

void qemu_remove_exit_notifier(Notifier *notify)
{
    notifier_remove(notify);
}

void qemu_run_exit_notifiers(void)
{
    notifier_list_notify(&exit_notifiers, NULL);
}

bool qemu_wakeup_suspend_enabled(void)
{
    return false;   /* no guest can suspend itself in Tern yet */
}

static void qemu_kill_report(void)
{
    if (shutdown_signal) {
        g_autofree char *comm = NULL;
        g_autofree char *path = g_strdup_printf("/proc/%d/cmdline",
                                                (int)shutdown_pid);

        if (shutdown_pid && g_file_get_contents(path, &comm, NULL, NULL)) {
            error_report("terminating on signal %d from pid %d (%s)",
                         shutdown_signal, (int)shutdown_pid, comm);
        } else {
            error_report("terminating on signal %d", shutdown_signal);
        }
        shutdown_signal = 0;
    }
}

static bool handle_shutdown(void)
{
    ShutdownCause req = qatomic_xchg(&shutdown_requested,
                                     SHUTDOWN_CAUSE_NONE);

    if (!req) {
        return false;
    }
    qemu_kill_report();
    qapi_event_send_shutdown(shutdown_caused_by_guest(req), req);
    if (shutdown_pauses && req != SHUTDOWN_CAUSE_HOST_QMP_QUIT &&
        req != SHUTDOWN_CAUSE_HOST_SIGNAL) {
        vm_stop(RUN_STATE_SHUTDOWN);
        return false;
    }
    return true;
}

static void handle_reset(void)
{
    ShutdownCause req = qatomic_xchg(&reset_requested, SHUTDOWN_CAUSE_NONE);

    if (!req) {
        return;
    }
    pause_all_vcpus();
    qemu_system_reset(req);
    resume_all_vcpus();
    if (!runstate_check(RUN_STATE_RUNNING) &&
        !runstate_check(RUN_STATE_INMIGRATE) &&
        !runstate_check(RUN_STATE_FINISH_MIGRATE)) {
        runstate_set(RUN_STATE_PRELAUNCH);
    }
}

static bool main_loop_should_exit(void)
{
    RunState r;

    if (qatomic_xchg(&debug_requested, 0)) {
        vm_stop(RUN_STATE_DEBUG);
    }
    if (handle_shutdown()) {
        return true;
    }
    handle_reset();
    if (qatomic_xchg(&powerdown_requested, 0)) {
        qapi_event_send_powerdown();
        notifier_list_notify(&powerdown_notifiers, NULL);
    }
    if (qemu_vmstop_requested(&r)) {
        vm_stop(r);
    }
    return false;
}

int qemu_main_loop(void)
{
    while (!main_loop_should_exit()) {
        main_loop_wait(false);
    }
    return EXIT_SUCCESS;
}

static void termsig_handler(int signal, siginfo_t *info, void *c)
{
    qemu_system_killed(info->si_signo, info->si_pid);
}

void os_setup_signal_handling(void)
{
    struct sigaction act = { 0 };

    act.sa_sigaction = termsig_handler;
    act.sa_flags = SA_SIGINFO;
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGHUP, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    /* A closed socket must not kill the process. */
    signal(SIGPIPE, SIG_IGN);
}

/* ------------------------------------------------------------------ */
/* QMP                                                                */

StatusInfo *qmp_query_status(Error **errp)
{
    StatusInfo *info = g_new0(StatusInfo, 1);

    info->running = runstate_is_running();
    info->status = runstate_get();
    return info;
}

void qmp_stop(Error **errp)
{
    /* Before an incoming migration completes, only the intent changes. */
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        autostart = false;
    } else {
        vm_stop(RUN_STATE_PAUSED);
    }
}

void qmp_cont(Error **errp)
{
    if (runstate_needs_reset()) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return;
    } else if (runstate_check(RUN_STATE_SUSPENDED)) {
        return;
    } else if (runstate_check(RUN_STATE_FINISH_MIGRATE)) {
        error_setg(errp, "Migration is not finalized yet");
        return;
    }
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        autostart = true;
    } else {
        vm_start();
    }
}

void qmp_system_reset(Error **errp)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}

void qmp_system_powerdown(Error **errp)
{
    qemu_system_powerdown_request();
}

void qmp_system_wakeup(Error **errp)
{
    if (!qemu_wakeup_suspend_enabled()) {
        error_setg(errp,
                   "wake-up from suspend is not supported by this guest");
        return;
    }
}

void qmp_quit(Error **errp)
{
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

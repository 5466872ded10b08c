/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Coroutines: functions with their own stack that can suspend themselves
 * (qemu_coroutine_yield) and be resumed later (qemu_coroutine_enter), so
 * that code waiting for I/O reads as straight-line code while the main
 * loop keeps running.  The incoming migration runs in one.
 *
 * A coroutine runs in the thread that enters it, until it yields or its
 * entry function returns (it is then freed).  Entering a coroutine that
 * is already running, or yielding outside a coroutine, aborts.
 *
 * coroutine_fn marks functions that may yield, so must only be called from
 * coroutine context; it is documentation only.
 */
#ifndef QEMU_COROUTINE_H
#define QEMU_COROUTINE_H

#define coroutine_fn
#define coroutine_mixed_fn

typedef void coroutine_fn CoroutineEntry(void *opaque);

/*
 * Create a coroutine that will run @entry(@opaque) when first entered.
 * Each has a 1 MiB stack with a guard page below it.
 */
Coroutine *qemu_coroutine_create(CoroutineEntry *entry, void *opaque);

/* Run @co until it yields or returns; @co must not be running already. */
void qemu_coroutine_enter(Coroutine *co);
/* Enter @co unless it is running (has been entered and not yielded). */
void qemu_coroutine_enter_if_inactive(Coroutine *co);

/* Suspend the calling coroutine and return to whoever entered it. */
void coroutine_fn qemu_coroutine_yield(void);

/* The running coroutine; outside coroutines, one standing for the thread. */
Coroutine *qemu_coroutine_self(void);
bool qemu_in_coroutine(void);
/* True while @co is running: entered and neither yielded nor returned. */
bool qemu_coroutine_entered(Coroutine *co);

/*
 * Yield until @fd is readable, then continue (in the main loop thread).
 * Uses qemu_set_fd_handler() on @fd, replacing any handler it had and
 * leaving none afterwards.  BQL.
 */
void coroutine_fn yield_until_fd_readable(int fd);

#endif /* QEMU_COROUTINE_H */

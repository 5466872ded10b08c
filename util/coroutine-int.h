/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract between the generic coroutine code (qemu-coroutine.c) and
 * the stack-switching backend (coroutine-ucontext.c); private to util/.
 */
#ifndef UTIL_COROUTINE_INT_H
#define UTIL_COROUTINE_INT_H

#include "qemu/coroutine.h"
#include "qemu/queue.h"

#define COROUTINE_STACK_SIZE (1 * MiB)

typedef enum CoroutineAction {
    COROUTINE_YIELD = 1,
    COROUTINE_TERMINATE = 2,
    COROUTINE_ENTER = 3,
} CoroutineAction;

struct Coroutine {
    CoroutineEntry *entry;
    void *entry_arg;
    Coroutine *caller;          /* who entered us; NULL while not running */
    QSLIST_ENTRY(Coroutine) pool_next;
};

/*
 * Backend: a new coroutine with its stack, whose first entry calls
 * co->entry(co->entry_arg) and then switches to co->caller with
 * COROUTINE_TERMINATE; entered again after that, it calls the (new)
 * entry again, which is how the pool reuses it.
 */
Coroutine *qemu_coroutine_new(void);
void qemu_coroutine_delete(Coroutine *co);
/* Save @from, resume @to; returns the action @from is resumed with. */
CoroutineAction qemu_coroutine_switch(Coroutine *from, Coroutine *to,
                                      CoroutineAction action);

#endif /* UTIL_COROUTINE_INT_H */

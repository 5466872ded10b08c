/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Coroutine stack switching with ucontext.
 *
 * makecontext()/swapcontext() are used once per coroutine, to start it on
 * its own stack.  swapcontext() saves and restores the signal mask with a
 * system call each time, so every later switch uses sigsetjmp() and
 * siglongjmp() without the mask (savesigs 0), which only swap registers.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "coroutine-int.h"
#include <setjmp.h>
#include <sys/mman.h>
#include <ucontext.h>
/*
 * Under valgrind, a coroutine stack must be registered, or every switch
 * onto it reads as an invalid access below the stack pointer.  The client
 * requests cost a few instructions when valgrind is not there.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define TERN_VALGRIND_STACKS 1
#endif
#endif

typedef struct CoroutineUContext {
    Coroutine base;
    void *map;                  /* guard page + stack */
    size_t map_size;
    unsigned valgrind_stack_id; /* valgrind's id of the stack, if any */
    sigjmp_buf env;             /* where to resume this coroutine */
    sigjmp_buf *creator_env;    /* only during the first switch */
} CoroutineUContext;

/*
 * The thread's own stack, standing in as a coroutine so that entering and
 * yielding are symmetric.
 */
static __thread CoroutineUContext leader;
static __thread Coroutine *current;

/*
 * A coroutine may be resumed in another thread than the one it yielded in;
 * reading the thread-local variables through calls the compiler cannot
 * inline keeps it from reusing a TLS address computed before the switch.
 */
static Coroutine * __attribute__((noinline)) get_current(void)
{
    return current;
}

static void __attribute__((noinline)) set_current(Coroutine *co)
{
    current = co;
}

static CoroutineUContext * __attribute__((noinline)) get_leader(void)
{
    return &leader;
}

/* makecontext() passes ints only: carry the pointer in two of them. */
union CoroutinePtrArg {
    void *p;
    int i[2];
};

static void coroutine_trampoline(int i0, int i1)
{
    union CoroutinePtrArg arg = { .i = { i0, i1 } };
    CoroutineUContext *self = arg.p;
    Coroutine *co = &self->base;

    /* Started: save this spot and go back to qemu_coroutine_new(). */
    if (!sigsetjmp(self->env, 0)) {
        siglongjmp(*self->creator_env, 1);
    }

    for (;;) {
        co->entry(co->entry_arg);
        qemu_coroutine_switch(co, co->caller, COROUTINE_TERMINATE);
    }
}

Coroutine *qemu_coroutine_new(void)
{
    CoroutineUContext *co = g_new0(CoroutineUContext, 1);
    size_t guard = qemu_real_host_page_size();
    union CoroutinePtrArg arg = { .p = co };
    ucontext_t old_uc, uc;
    sigjmp_buf old_env;

    QEMU_BUILD_BUG_ON(sizeof(arg.i) < sizeof(arg.p));

    co->map_size = COROUTINE_STACK_SIZE + guard;
    co->map = mmap(NULL, co->map_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (co->map == MAP_FAILED) {
        error_report("Cannot allocate a coroutine stack: %s",
                     strerror(errno));
        abort();
    }
    /* Stacks grow down: an overflow hits the guard page and faults. */
    if (mprotect(co->map, guard, PROT_NONE) < 0) {
        error_report("Cannot protect a coroutine stack guard page: %s",
                     strerror(errno));
        abort();
    }

    if (getcontext(&uc) < 0) {
        error_report("getcontext: %s", strerror(errno));
        abort();
    }
    uc.uc_link = &old_uc;       /* never reached: the trampoline loops */
    uc.uc_stack.ss_sp = (char *)co->map + guard;
    uc.uc_stack.ss_size = COROUTINE_STACK_SIZE;
    uc.uc_stack.ss_flags = 0;
#ifdef TERN_VALGRIND_STACKS
    co->valgrind_stack_id =
        VALGRIND_STACK_REGISTER(uc.uc_stack.ss_sp,
                                (char *)uc.uc_stack.ss_sp +
                                COROUTINE_STACK_SIZE);
#endif
    makecontext(&uc, (void (*)(void))coroutine_trampoline, 2,
                arg.i[0], arg.i[1]);

    co->creator_env = &old_env;
    if (!sigsetjmp(old_env, 0)) {
        swapcontext(&old_uc, &uc);
    }
    co->creator_env = NULL;
    return &co->base;
}

void qemu_coroutine_delete(Coroutine *co_)
{
    CoroutineUContext *co = container_of(co_, CoroutineUContext, base);

#ifdef TERN_VALGRIND_STACKS
    VALGRIND_STACK_DEREGISTER(co->valgrind_stack_id);
#endif
    munmap(co->map, co->map_size);
    g_free(co);
}

CoroutineAction qemu_coroutine_switch(Coroutine *from_, Coroutine *to_,
                                      CoroutineAction action)
{
    CoroutineUContext *from = container_of(from_, CoroutineUContext, base);
    CoroutineUContext *to = container_of(to_, CoroutineUContext, base);
    int ret;

    set_current(to_);
    ret = sigsetjmp(from->env, 0);
    if (ret == 0) {
        siglongjmp(to->env, action);
    }
    return ret;
}

Coroutine *qemu_coroutine_self(void)
{
    Coroutine *self = get_current();

    if (!self) {
        self = &get_leader()->base;
        set_current(self);
    }
    return self;
}

bool qemu_in_coroutine(void)
{
    Coroutine *self = get_current();

    return self && self->caller;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Threads and the synchronisation primitives built on POSIX threads:
 * mutexes (plain and recursive), condition variables, counting semaphores
 * and one-shot-resettable events.
 *
 * Every pthread failure is a programming error here (a destroyed mutex, a
 * double unlock...), so these functions never return errors: they print
 * which call failed and abort.
 */
#ifndef QEMU_THREAD_H
#define QEMU_THREAD_H

#include <pthread.h>

typedef struct QemuMutex {
    pthread_mutex_t lock;
    bool initialized;
} QemuMutex;

/* A mutex the owning thread may lock again; unlock as often as locked. */
typedef struct QemuRecMutex {
    pthread_mutex_t lock;
    bool initialized;
} QemuRecMutex;

typedef struct QemuCond {
    pthread_cond_t cond;    /* waits are timed on CLOCK_MONOTONIC */
    bool initialized;
} QemuCond;

typedef struct QemuSemaphore {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    unsigned int count;
    bool initialized;
} QemuSemaphore;

/*
 * A level-triggered flag threads can wait on: qemu_event_wait() returns at
 * once while the event is set, and blocks after qemu_event_reset() until
 * the next qemu_event_set().
 */
typedef struct QemuEvent {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    bool value;
    bool initialized;
} QemuEvent;

typedef struct QemuThread {
    pthread_t thread;
} QemuThread;

#define QEMU_THREAD_JOINABLE 0
#define QEMU_THREAD_DETACHED 1

void qemu_mutex_init(QemuMutex *mutex);
void qemu_mutex_destroy(QemuMutex *mutex);
void qemu_mutex_lock(QemuMutex *mutex);
/* Returns 0 when the lock was taken, -EBUSY when another thread holds it. */
int qemu_mutex_trylock(QemuMutex *mutex);
void qemu_mutex_unlock(QemuMutex *mutex);

void qemu_rec_mutex_init(QemuRecMutex *mutex);
void qemu_rec_mutex_destroy(QemuRecMutex *mutex);
void qemu_rec_mutex_lock(QemuRecMutex *mutex);
/* Returns 0 when the lock was taken, -EBUSY otherwise. */
int qemu_rec_mutex_trylock(QemuRecMutex *mutex);
void qemu_rec_mutex_unlock(QemuRecMutex *mutex);

void qemu_cond_init(QemuCond *cond);
void qemu_cond_destroy(QemuCond *cond);
void qemu_cond_signal(QemuCond *cond);
void qemu_cond_broadcast(QemuCond *cond);
/* @mutex must be held; it is released while waiting and held again after. */
void qemu_cond_wait(QemuCond *cond, QemuMutex *mutex);
/* As qemu_cond_wait(), giving up after @ms; false on timeout. */
bool qemu_cond_timedwait(QemuCond *cond, QemuMutex *mutex, int ms);

void qemu_sem_init(QemuSemaphore *sem, int init);
void qemu_sem_destroy(QemuSemaphore *sem);
void qemu_sem_post(QemuSemaphore *sem);
void qemu_sem_wait(QemuSemaphore *sem);
/* Returns 0 when the count was taken, -1 when @ms passed first. */
int qemu_sem_timedwait(QemuSemaphore *sem, int ms);

void qemu_event_init(QemuEvent *ev, bool init);
void qemu_event_destroy(QemuEvent *ev);
void qemu_event_set(QemuEvent *ev);
void qemu_event_reset(QemuEvent *ev);
void qemu_event_wait(QemuEvent *ev);

/*
 * Start @start_routine(@arg) in a new thread.  @name is shown by ps/top
 * and gdb when qemu_thread_naming(true) was called (truncated to the
 * kernel's 15 characters).  The new thread starts with every signal
 * blocked, so only threads that ask for a signal (vCPU kicks) get it.
 * @mode is QEMU_THREAD_JOINABLE or QEMU_THREAD_DETACHED.
 */
void qemu_thread_create(QemuThread *thread, const char *name,
                        void *(*start_routine)(void *), void *arg,
                        int mode);
/* Wait for a joinable thread and return what its routine returned. */
void *qemu_thread_join(QemuThread *thread);
void qemu_thread_get_self(QemuThread *thread);
bool qemu_thread_is_self(QemuThread *thread);
/* End the calling thread with @retval, as if its routine had returned. */
QEMU_NORETURN void qemu_thread_exit(void *retval);
/* The kernel's id of the calling thread (gettid()), as ps -L shows. */
int qemu_get_thread_id(void);
/* Whether threads created from now on are given their names. */
void qemu_thread_naming(bool enable);

#endif /* QEMU_THREAD_H */

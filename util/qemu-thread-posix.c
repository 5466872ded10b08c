/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu/thread.h on POSIX threads.  Semaphores and events are built from a
 * mutex and a condition variable so that timed waits use CLOCK_MONOTONIC
 * and are immune to wall-clock jumps.
 */
#include "qemu/osdep.h"
#include "qemu/thread.h"
#include "qemu/error-report.h"
#include <sys/syscall.h>

static bool name_threads;

/* A pthread call failed: the program's locking is broken, stop here. */
static QEMU_NORETURN void error_exit(int err, const char *func)
{
    error_report("%s: %s", func, strerror(err));
    abort();
}

#define CHECK(expr) do {                                \
        int check_err_ = (expr);                        \
        if (check_err_) {                               \
            error_exit(check_err_, __func__);           \
        }                                               \
    } while (0)

/* Absolute CLOCK_MONOTONIC time @ms milliseconds from now. */
static struct timespec deadline_after_ms(int ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (ms < 0) {
        ms = 0;
    }
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static void monotonic_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;

    CHECK(pthread_condattr_init(&attr));
    CHECK(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
    CHECK(pthread_cond_init(cond, &attr));
    CHECK(pthread_condattr_destroy(&attr));
}

/* ------------------------------------------------------------- mutexes */

/* QemuMutex and QemuRecMutex differ only in the pthread mutex type. */
static void mutex_init_type(pthread_mutex_t *lock, int type)
{
    pthread_mutexattr_t attr;

    CHECK(pthread_mutexattr_init(&attr));
    CHECK(pthread_mutexattr_settype(&attr, type));
    CHECK(pthread_mutex_init(lock, &attr));
    CHECK(pthread_mutexattr_destroy(&attr));
}

/* 0 if locked, -EBUSY if another thread holds it; @func names the caller. */
static int mutex_trylock(pthread_mutex_t *lock, const char *func)
{
    int err = pthread_mutex_trylock(lock);

    if (err == 0) {
        return 0;
    }
    if (err != EBUSY) {
        error_exit(err, func);
    }
    return -EBUSY;
}

void qemu_mutex_init(QemuMutex *mutex)
{
    /* Error checking turns a double unlock into an abort, not a hang. */
    mutex_init_type(&mutex->lock, PTHREAD_MUTEX_ERRORCHECK);
    mutex->initialized = true;
}

void qemu_mutex_destroy(QemuMutex *mutex)
{
    assert(mutex->initialized);
    mutex->initialized = false;
    CHECK(pthread_mutex_destroy(&mutex->lock));
}

void qemu_mutex_lock(QemuMutex *mutex)
{
    assert(mutex->initialized);
    CHECK(pthread_mutex_lock(&mutex->lock));
}

int qemu_mutex_trylock(QemuMutex *mutex)
{
    assert(mutex->initialized);
    return mutex_trylock(&mutex->lock, __func__);
}

void qemu_mutex_unlock(QemuMutex *mutex)
{
    assert(mutex->initialized);
    CHECK(pthread_mutex_unlock(&mutex->lock));
}

void qemu_rec_mutex_init(QemuRecMutex *mutex)
{
    mutex_init_type(&mutex->lock, PTHREAD_MUTEX_RECURSIVE);
    mutex->initialized = true;
}

void qemu_rec_mutex_destroy(QemuRecMutex *mutex)
{
    assert(mutex->initialized);
    mutex->initialized = false;
    CHECK(pthread_mutex_destroy(&mutex->lock));
}

void qemu_rec_mutex_lock(QemuRecMutex *mutex)
{
    assert(mutex->initialized);
    CHECK(pthread_mutex_lock(&mutex->lock));
}

int qemu_rec_mutex_trylock(QemuRecMutex *mutex)
{
    assert(mutex->initialized);
    return mutex_trylock(&mutex->lock, __func__);
}

void qemu_rec_mutex_unlock(QemuRecMutex *mutex)
{
    assert(mutex->initialized);
    CHECK(pthread_mutex_unlock(&mutex->lock));
}

/* ------------------------------------------------- condition variables */

void qemu_cond_init(QemuCond *cond)
{
    monotonic_cond_init(&cond->cond);
    cond->initialized = true;
}

void qemu_cond_destroy(QemuCond *cond)
{
    assert(cond->initialized);
    cond->initialized = false;
    CHECK(pthread_cond_destroy(&cond->cond));
}

void qemu_cond_signal(QemuCond *cond)
{
    assert(cond->initialized);
    CHECK(pthread_cond_signal(&cond->cond));
}

void qemu_cond_broadcast(QemuCond *cond)
{
    assert(cond->initialized);
    CHECK(pthread_cond_broadcast(&cond->cond));
}

void qemu_cond_wait(QemuCond *cond, QemuMutex *mutex)
{
    assert(cond->initialized);
    assert(mutex->initialized);
    CHECK(pthread_cond_wait(&cond->cond, &mutex->lock));
}

bool qemu_cond_timedwait(QemuCond *cond, QemuMutex *mutex, int ms)
{
    struct timespec ts = deadline_after_ms(ms);
    int err;

    assert(cond->initialized);
    assert(mutex->initialized);
    err = pthread_cond_timedwait(&cond->cond, &mutex->lock, &ts);
    if (err && err != ETIMEDOUT) {
        error_exit(err, __func__);
    }
    return err != ETIMEDOUT;
}

/* ---------------------------------------------------------- semaphores */

void qemu_sem_init(QemuSemaphore *sem, int init)
{
    assert(init >= 0);
    CHECK(pthread_mutex_init(&sem->mutex, NULL));
    monotonic_cond_init(&sem->cond);
    sem->count = init;
    sem->initialized = true;
}

void qemu_sem_destroy(QemuSemaphore *sem)
{
    assert(sem->initialized);
    sem->initialized = false;
    CHECK(pthread_cond_destroy(&sem->cond));
    CHECK(pthread_mutex_destroy(&sem->mutex));
}

void qemu_sem_post(QemuSemaphore *sem)
{
    assert(sem->initialized);
    CHECK(pthread_mutex_lock(&sem->mutex));
    if (sem->count == UINT_MAX) {
        error_exit(EINVAL, __func__);
    }
    sem->count++;
    CHECK(pthread_cond_signal(&sem->cond));
    CHECK(pthread_mutex_unlock(&sem->mutex));
}

void qemu_sem_wait(QemuSemaphore *sem)
{
    assert(sem->initialized);
    CHECK(pthread_mutex_lock(&sem->mutex));
    while (sem->count == 0) {
        CHECK(pthread_cond_wait(&sem->cond, &sem->mutex));
    }
    sem->count--;
    CHECK(pthread_mutex_unlock(&sem->mutex));
}

int qemu_sem_timedwait(QemuSemaphore *sem, int ms)
{
    struct timespec ts = deadline_after_ms(ms);
    int err = 0;
    int ret;

    assert(sem->initialized);
    CHECK(pthread_mutex_lock(&sem->mutex));
    while (sem->count == 0 && err != ETIMEDOUT) {
        err = pthread_cond_timedwait(&sem->cond, &sem->mutex, &ts);
        if (err && err != ETIMEDOUT) {
            error_exit(err, __func__);
        }
    }
    /* A post that raced with the timeout still counts. */
    if (sem->count > 0) {
        sem->count--;
        ret = 0;
    } else {
        ret = -1;
    }
    CHECK(pthread_mutex_unlock(&sem->mutex));
    return ret;
}

/* -------------------------------------------------------------- events */

void qemu_event_init(QemuEvent *ev, bool init)
{
    CHECK(pthread_mutex_init(&ev->mutex, NULL));
    CHECK(pthread_cond_init(&ev->cond, NULL));
    ev->value = init;
    ev->initialized = true;
}

void qemu_event_destroy(QemuEvent *ev)
{
    assert(ev->initialized);
    ev->initialized = false;
    CHECK(pthread_cond_destroy(&ev->cond));
    CHECK(pthread_mutex_destroy(&ev->mutex));
}

void qemu_event_set(QemuEvent *ev)
{
    assert(ev->initialized);
    CHECK(pthread_mutex_lock(&ev->mutex));
    if (!ev->value) {
        ev->value = true;
        CHECK(pthread_cond_broadcast(&ev->cond));
    }
    CHECK(pthread_mutex_unlock(&ev->mutex));
}

void qemu_event_reset(QemuEvent *ev)
{
    assert(ev->initialized);
    CHECK(pthread_mutex_lock(&ev->mutex));
    ev->value = false;
    CHECK(pthread_mutex_unlock(&ev->mutex));
}

void qemu_event_wait(QemuEvent *ev)
{
    assert(ev->initialized);
    CHECK(pthread_mutex_lock(&ev->mutex));
    while (!ev->value) {
        CHECK(pthread_cond_wait(&ev->cond, &ev->mutex));
    }
    CHECK(pthread_mutex_unlock(&ev->mutex));
}

/* ------------------------------------------------------------- threads */

typedef struct QemuThreadStart {
    void *(*start_routine)(void *);
    void *arg;
    char *name;
} QemuThreadStart;

void qemu_thread_naming(bool enable)
{
    name_threads = enable;
}

static void *qemu_thread_start(void *args)
{
    QemuThreadStart *qts = args;
    void *(*start_routine)(void *) = qts->start_routine;
    void *arg = qts->arg;

    if (qts->name) {
        /* The kernel keeps 15 characters and a NUL; longer names fail. */
        char comm[16];

        g_strlcpy(comm, qts->name, sizeof(comm));
        pthread_setname_np(pthread_self(), comm);
    }
    g_free(qts->name);
    g_free(qts);
    return start_routine(arg);
}

void qemu_thread_create(QemuThread *thread, const char *name,
                        void *(*start_routine)(void *), void *arg,
                        int mode)
{
    QemuThreadStart *qts = g_new0(QemuThreadStart, 1);
    sigset_t all, old;
    pthread_attr_t attr;
    int err;

    qts->start_routine = start_routine;
    qts->arg = arg;
    qts->name = (name_threads && name) ? g_strdup(name) : NULL;

    CHECK(pthread_attr_init(&attr));
    if (mode == QEMU_THREAD_DETACHED) {
        CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
    }

    /* The new thread inherits the mask in force while it is created. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = pthread_create(&thread->thread, &attr, qemu_thread_start, qts);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err) {
        error_exit(err, __func__);
    }
    CHECK(pthread_attr_destroy(&attr));
}

void *qemu_thread_join(QemuThread *thread)
{
    void *ret;

    CHECK(pthread_join(thread->thread, &ret));
    return ret;
}

void qemu_thread_get_self(QemuThread *thread)
{
    thread->thread = pthread_self();
}

bool qemu_thread_is_self(QemuThread *thread)
{
    return pthread_equal(pthread_self(), thread->thread);
}

void qemu_thread_exit(void *retval)
{
    pthread_exit(retval);
}

int qemu_get_thread_id(void)
{
    return (int)syscall(SYS_gettid);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for qemu/thread.h and qemu/lockable.h.
 */
#include "qemu/osdep.h"
#include "qemu/thread.h"
#include "qemu/lockable.h"

#define N_THREADS 4
#define N_INCREMENTS 100000

static QemuMutex counter_lock;
static long counter;

static void *increment_thread(void *opaque)
{
    for (int i = 0; i < N_INCREMENTS; i++) {
        qemu_mutex_lock(&counter_lock);
        /* A non-atomic read-modify-write: loses counts without the lock. */
        long v = counter;
        counter = v + 1;
        qemu_mutex_unlock(&counter_lock);
    }
    return NULL;
}

static void test_mutex_counter(void)
{
    QemuThread threads[N_THREADS];

    qemu_mutex_init(&counter_lock);
    counter = 0;
    for (int i = 0; i < N_THREADS; i++) {
        qemu_thread_create(&threads[i], "counter", increment_thread, NULL,
                           QEMU_THREAD_JOINABLE);
    }
    for (int i = 0; i < N_THREADS; i++) {
        qemu_thread_join(&threads[i]);
    }
    g_assert_cmpint(counter, ==, (long)N_THREADS * N_INCREMENTS);
    qemu_mutex_destroy(&counter_lock);
}

static void *trylock_thread(void *opaque)
{
    int r = qemu_mutex_trylock(opaque);

    if (r == 0) {
        qemu_mutex_unlock(opaque);
    }
    return GINT_TO_POINTER(r);
}

static void test_trylock(void)
{
    QemuMutex m;
    QemuThread t;

    qemu_mutex_init(&m);
    qemu_mutex_lock(&m);
    qemu_thread_create(&t, "try", trylock_thread, &m, QEMU_THREAD_JOINABLE);
    g_assert_cmpint(GPOINTER_TO_INT(qemu_thread_join(&t)), ==, -EBUSY);
    qemu_mutex_unlock(&m);

    qemu_thread_create(&t, "try", trylock_thread, &m, QEMU_THREAD_JOINABLE);
    g_assert_cmpint(GPOINTER_TO_INT(qemu_thread_join(&t)), ==, 0);
    qemu_mutex_destroy(&m);
}

static void *rec_trylock_thread(void *opaque)
{
    int r = qemu_rec_mutex_trylock(opaque);

    if (r == 0) {
        qemu_rec_mutex_unlock(opaque);
    }
    return GINT_TO_POINTER(r);
}

static void test_rec_mutex(void)
{
    QemuRecMutex m;
    QemuThread t;

    qemu_rec_mutex_init(&m);
    qemu_rec_mutex_lock(&m);
    qemu_rec_mutex_lock(&m);
    g_assert_cmpint(qemu_rec_mutex_trylock(&m), ==, 0);
    qemu_rec_mutex_unlock(&m);
    qemu_rec_mutex_unlock(&m);
    /* Still held once: another thread must not get it. */
    qemu_thread_create(&t, "rec", rec_trylock_thread, &m,
                       QEMU_THREAD_JOINABLE);
    g_assert_cmpint(GPOINTER_TO_INT(qemu_thread_join(&t)), ==, -EBUSY);
    qemu_rec_mutex_unlock(&m);
    qemu_thread_create(&t, "rec", rec_trylock_thread, &m,
                       QEMU_THREAD_JOINABLE);
    g_assert_cmpint(GPOINTER_TO_INT(qemu_thread_join(&t)), ==, 0);
    qemu_rec_mutex_destroy(&m);
}

/* Ping-pong through a condition variable: each side waits for its turn. */
typedef struct {
    QemuMutex lock;
    QemuCond cond;
    int turn;           /* 0: main, 1: worker */
    int rounds;
    int worker_seen;
} Handoff;

static void *cond_worker(void *opaque)
{
    Handoff *h = opaque;

    qemu_mutex_lock(&h->lock);
    for (int i = 0; i < h->rounds; i++) {
        while (h->turn != 1) {
            qemu_cond_wait(&h->cond, &h->lock);
        }
        h->worker_seen++;
        h->turn = 0;
        qemu_cond_broadcast(&h->cond);
    }
    qemu_mutex_unlock(&h->lock);
    return NULL;
}

static void test_cond_handoff(void)
{
    Handoff h = { .rounds = 1000 };
    QemuThread t;

    qemu_mutex_init(&h.lock);
    qemu_cond_init(&h.cond);
    qemu_thread_create(&t, "cond", cond_worker, &h, QEMU_THREAD_JOINABLE);
    qemu_mutex_lock(&h.lock);
    for (int i = 0; i < h.rounds; i++) {
        g_assert_cmpint(h.worker_seen, ==, i);
        h.turn = 1;
        qemu_cond_broadcast(&h.cond);
        while (h.turn != 0) {
            qemu_cond_wait(&h.cond, &h.lock);
        }
    }
    qemu_mutex_unlock(&h.lock);
    qemu_thread_join(&t);
    g_assert_cmpint(h.worker_seen, ==, h.rounds);
    qemu_cond_destroy(&h.cond);
    qemu_mutex_destroy(&h.lock);
}

static void test_cond_timedwait(void)
{
    QemuMutex m;
    QemuCond c;

    qemu_mutex_init(&m);
    qemu_cond_init(&c);
    qemu_mutex_lock(&m);
    /* Nobody signals: the wait must end by timing out. */
    g_assert_false(qemu_cond_timedwait(&c, &m, 10));
    /* The mutex is held again after the wait. */
    g_assert_cmpint(qemu_mutex_trylock(&m), ==, -EBUSY);
    qemu_mutex_unlock(&m);
    qemu_cond_destroy(&c);
    qemu_mutex_destroy(&m);
}

typedef struct {
    QemuSemaphore to_worker;
    QemuSemaphore to_main;
    int value;
} SemPair;

static void *sem_worker(void *opaque)
{
    SemPair *p = opaque;

    for (int i = 0; i < 500; i++) {
        qemu_sem_wait(&p->to_worker);
        p->value = p->value * 2 + 1;
        qemu_sem_post(&p->to_main);
    }
    return NULL;
}

static void test_sem_handoff(void)
{
    SemPair p = { .value = 0 };
    QemuThread t;

    qemu_sem_init(&p.to_worker, 0);
    qemu_sem_init(&p.to_main, 0);
    qemu_thread_create(&t, "sem", sem_worker, &p, QEMU_THREAD_JOINABLE);
    for (int i = 0; i < 500; i++) {
        p.value = i;
        qemu_sem_post(&p.to_worker);
        /* Generous: a loaded 2-core machine can stall a thread a while. */
        g_assert_cmpint(qemu_sem_timedwait(&p.to_main, 30000), ==, 0);
        g_assert_cmpint(p.value, ==, i * 2 + 1);
    }
    qemu_thread_join(&t);
    qemu_sem_destroy(&p.to_worker);
    qemu_sem_destroy(&p.to_main);
}

static void test_sem_count_and_timeout(void)
{
    QemuSemaphore s;

    qemu_sem_init(&s, 2);
    g_assert_cmpint(qemu_sem_timedwait(&s, 0), ==, 0);
    g_assert_cmpint(qemu_sem_timedwait(&s, 0), ==, 0);
    g_assert_cmpint(qemu_sem_timedwait(&s, 0), ==, -1);
    g_assert_cmpint(qemu_sem_timedwait(&s, 20), ==, -1);
    qemu_sem_post(&s);
    qemu_sem_wait(&s);
    g_assert_cmpint(qemu_sem_timedwait(&s, 0), ==, -1);
    qemu_sem_destroy(&s);
}

typedef struct {
    QemuEvent go;
    QemuSemaphore passed;
} EventTest;

static void *event_waiter(void *opaque)
{
    EventTest *e = opaque;

    qemu_event_wait(&e->go);
    qemu_sem_post(&e->passed);
    return NULL;
}

static void test_event(void)
{
    EventTest e;
    QemuThread t;

    qemu_event_init(&e.go, false);
    qemu_sem_init(&e.passed, 0);

    qemu_thread_create(&t, "event", event_waiter, &e, QEMU_THREAD_JOINABLE);
    /* The waiter is blocked while the event is clear. */
    g_assert_cmpint(qemu_sem_timedwait(&e.passed, 50), ==, -1);
    qemu_event_set(&e.go);
    g_assert_cmpint(qemu_sem_timedwait(&e.passed, 30000), ==, 0);
    qemu_thread_join(&t);

    /* Still set: a new waiter passes at once. */
    qemu_thread_create(&t, "event", event_waiter, &e, QEMU_THREAD_JOINABLE);
    g_assert_cmpint(qemu_sem_timedwait(&e.passed, 30000), ==, 0);
    qemu_thread_join(&t);

    /* Reset: blocks again until the next set. */
    qemu_event_reset(&e.go);
    qemu_thread_create(&t, "event", event_waiter, &e, QEMU_THREAD_JOINABLE);
    g_assert_cmpint(qemu_sem_timedwait(&e.passed, 50), ==, -1);
    qemu_event_set(&e.go);
    g_assert_cmpint(qemu_sem_timedwait(&e.passed, 30000), ==, 0);
    qemu_thread_join(&t);

    /* Initially set. */
    qemu_event_destroy(&e.go);
    qemu_event_init(&e.go, true);
    qemu_event_wait(&e.go);

    qemu_event_destroy(&e.go);
    qemu_sem_destroy(&e.passed);
}

static void *return_arg_plus_one(void *opaque)
{
    return (char *)opaque + 1;
}

static void *exit_early(void *opaque)
{
    qemu_thread_exit(opaque);
}

static void test_join_value(void)
{
    static char buf[4];
    QemuThread t;

    qemu_thread_create(&t, "join", return_arg_plus_one, buf,
                       QEMU_THREAD_JOINABLE);
    g_assert_true(qemu_thread_join(&t) == buf + 1);

    qemu_thread_create(&t, "exit", exit_early, buf + 2,
                       QEMU_THREAD_JOINABLE);
    g_assert_true(qemu_thread_join(&t) == buf + 2);
}

typedef struct {
    QemuThread self;
    bool is_self;
    int tid;
    char comm[64];
} ThreadInfo;

static void *describe_self(void *opaque)
{
    ThreadInfo *info = opaque;
    g_autofree char *path = NULL;
    g_autofree char *comm = NULL;

    qemu_thread_get_self(&info->self);
    info->is_self = qemu_thread_is_self(&info->self);
    info->tid = qemu_get_thread_id();
    path = g_strdup_printf("/proc/self/task/%d/comm", info->tid);
    if (g_file_get_contents(path, &comm, NULL, NULL)) {
        g_strchomp(comm);
        g_strlcpy(info->comm, comm, sizeof(info->comm));
    }
    return NULL;
}

static void test_self_and_tid(void)
{
    ThreadInfo info = { 0 };
    QemuThread me, t;

    qemu_thread_get_self(&me);
    g_assert_true(qemu_thread_is_self(&me));
    /* The main thread's kernel id is the process id. */
    g_assert_cmpint(qemu_get_thread_id(), ==, getpid());

    qemu_thread_create(&t, "self", describe_self, &info,
                       QEMU_THREAD_JOINABLE);
    qemu_thread_join(&t);
    g_assert_true(info.is_self);
    g_assert_false(qemu_thread_is_self(&info.self));
    g_assert_cmpint(info.tid, >, 0);
    g_assert_cmpint(info.tid, !=, getpid());
}

static void test_naming(void)
{
    ThreadInfo info = { 0 };
    QemuThread t;

    if (!g_file_test("/proc/self/task", G_FILE_TEST_IS_DIR)) {
        g_test_skip("no /proc/self/task to read thread names from");
        return;
    }
    qemu_thread_naming(true);
    qemu_thread_create(&t, "live_migration_thread", describe_self, &info,
                       QEMU_THREAD_JOINABLE);
    qemu_thread_join(&t);
    /* Truncated to the kernel's 15 characters. */
    g_assert_cmpstr(info.comm, ==, "live_migration_");

    qemu_thread_create(&t, "short", describe_self, &info,
                       QEMU_THREAD_JOINABLE);
    qemu_thread_join(&t);
    g_assert_cmpstr(info.comm, ==, "short");

    qemu_thread_naming(false);
    qemu_thread_create(&t, "unnamed", describe_self, &info,
                       QEMU_THREAD_JOINABLE);
    qemu_thread_join(&t);
    g_assert_cmpstr(info.comm, !=, "unnamed");
}

static void *detached_thread(void *opaque)
{
    qemu_sem_post(opaque);
    return NULL;
}

static void test_detached(void)
{
    QemuSemaphore done;
    QemuThread t;

    qemu_sem_init(&done, 0);
    qemu_thread_create(&t, "detached", detached_thread, &done,
                       QEMU_THREAD_DETACHED);
    g_assert_cmpint(qemu_sem_timedwait(&done, 30000), ==, 0);
    /* Not destroyed: the thread may still be between post and exit. */
}

static void *signal_mask_thread(void *opaque)
{
    sigset_t cur;

    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    return GINT_TO_POINTER(sigismember(&cur, SIGUSR1) &&
                           sigismember(&cur, SIGTERM));
}

static void test_signals_blocked(void)
{
    QemuThread t;
    sigset_t cur;

    qemu_thread_create(&t, "sigmask", signal_mask_thread, NULL,
                       QEMU_THREAD_JOINABLE);
    g_assert_true(GPOINTER_TO_INT(qemu_thread_join(&t)));
    /* The creator's own mask is left as it was. */
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    g_assert_false(sigismember(&cur, SIGUSR1));
}

static bool guarded_return(QemuMutex *m, bool early)
{
    QEMU_LOCK_GUARD(m);

    g_assert_cmpint(qemu_mutex_trylock(m), ==, -EBUSY);
    if (early) {
        return true;
    }
    return false;
}

static void test_lock_guard(void)
{
    QemuMutex m;
    QemuRecMutex rm;
    int iterations = 0;

    qemu_mutex_init(&m);
    qemu_rec_mutex_init(&rm);

    g_assert_true(guarded_return(&m, true));
    g_assert_cmpint(qemu_mutex_trylock(&m), ==, 0);
    qemu_mutex_unlock(&m);
    g_assert_false(guarded_return(&m, false));
    g_assert_cmpint(qemu_mutex_trylock(&m), ==, 0);
    qemu_mutex_unlock(&m);

    WITH_QEMU_LOCK_GUARD(&m) {
        iterations++;
        g_assert_cmpint(qemu_mutex_trylock(&m), ==, -EBUSY);
    }
    g_assert_cmpint(iterations, ==, 1);
    g_assert_cmpint(qemu_mutex_trylock(&m), ==, 0);
    qemu_mutex_unlock(&m);

    /* break leaves the block and unlocks too. */
    for (int i = 0; i < 3; i++) {
        WITH_QEMU_LOCK_GUARD(&m) {
            if (i == 1) {
                break;
            }
        }
        g_assert_cmpint(qemu_mutex_trylock(&m), ==, 0);
        qemu_mutex_unlock(&m);
    }

    WITH_QEMU_LOCK_GUARD(&rm) {
        QemuThread t;

        qemu_thread_create(&t, "rec", rec_trylock_thread, &rm,
                           QEMU_THREAD_JOINABLE);
        g_assert_cmpint(GPOINTER_TO_INT(qemu_thread_join(&t)), ==, -EBUSY);
    }
    {
        QemuThread t;

        qemu_thread_create(&t, "rec", rec_trylock_thread, &rm,
                           QEMU_THREAD_JOINABLE);
        g_assert_cmpint(GPOINTER_TO_INT(qemu_thread_join(&t)), ==, 0);
    }

    qemu_rec_mutex_destroy(&rm);
    qemu_mutex_destroy(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/thread/mutex/counter", test_mutex_counter);
    g_test_add_func("/thread/mutex/trylock", test_trylock);
    g_test_add_func("/thread/rec-mutex", test_rec_mutex);
    g_test_add_func("/thread/cond/handoff", test_cond_handoff);
    g_test_add_func("/thread/cond/timedwait", test_cond_timedwait);
    g_test_add_func("/thread/sem/handoff", test_sem_handoff);
    g_test_add_func("/thread/sem/count-timeout", test_sem_count_and_timeout);
    g_test_add_func("/thread/event", test_event);
    g_test_add_func("/thread/join-value", test_join_value);
    g_test_add_func("/thread/self-and-tid", test_self_and_tid);
    g_test_add_func("/thread/naming", test_naming);
    g_test_add_func("/thread/detached", test_detached);
    g_test_add_func("/thread/signals-blocked", test_signals_blocked);
    g_test_add_func("/thread/lock-guard", test_lock_guard);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scoped locking: QEMU_LOCK_GUARD(&lock) holds a lock until the end of the
 * enclosing block, WITH_QEMU_LOCK_GUARD(&lock) { ... } for the statement
 * that follows.  Leaving the scope by any path (return, break, goto)
 * unlocks.  Works for QemuMutex and QemuRecMutex.
 *
 *     WITH_QEMU_LOCK_GUARD(&s->lock) {
 *         if (s->busy) {
 *             return false;       // unlocked on the way out
 *         }
 *         s->busy = true;
 *     }
 */
#ifndef QEMU_LOCKABLE_H
#define QEMU_LOCKABLE_H

#include "qemu/thread.h"

typedef void QemuLockUnlockFunc(void *lock);

/* Any lock, seen through its lock and unlock functions. */
typedef struct QemuLockable {
    void *object;
    QemuLockUnlockFunc *lock;
    QemuLockUnlockFunc *unlock;
} QemuLockable;

static inline void qemu_lockable_mutex_lock(void *m)
{
    qemu_mutex_lock(m);
}

static inline void qemu_lockable_mutex_unlock(void *m)
{
    qemu_mutex_unlock(m);
}

static inline void qemu_lockable_rec_mutex_lock(void *m)
{
    qemu_rec_mutex_lock(m);
}

static inline void qemu_lockable_rec_mutex_unlock(void *m)
{
    qemu_rec_mutex_unlock(m);
}

static inline QemuLockable qemu_make_lockable_mutex(QemuMutex *m)
{
    return (QemuLockable) {
        m, qemu_lockable_mutex_lock, qemu_lockable_mutex_unlock
    };
}

static inline QemuLockable qemu_make_lockable_rec_mutex(QemuRecMutex *m)
{
    return (QemuLockable) {
        m, qemu_lockable_rec_mutex_lock, qemu_lockable_rec_mutex_unlock
    };
}

#define QEMU_MAKE_LOCKABLE(x)                                   \
    _Generic((x),                                               \
             QemuMutex *: qemu_make_lockable_mutex,             \
             QemuRecMutex *: qemu_make_lockable_rec_mutex)(x)

static inline void qemu_lockable_lock(QemuLockable *x)
{
    x->lock(x->object);
}

static inline void qemu_lockable_unlock(QemuLockable *x)
{
    x->unlock(x->object);
}

/* A held lock that is released when the guard goes out of scope. */
typedef struct QemuLockGuard {
    QemuLockable lockable;
    bool held;
} QemuLockGuard;

static inline QemuLockGuard qemu_lock_guard_take(QemuLockable l)
{
    QemuLockGuard g = { l, true };

    qemu_lockable_lock(&g.lockable);
    return g;
}

static inline void qemu_lock_guard_release(QemuLockGuard *g)
{
    if (g->held) {
        g->held = false;
        qemu_lockable_unlock(&g->lockable);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(QemuLockGuard, qemu_lock_guard_release)

#define QEMU_LOCK_GUARD_GLUE_(a, b) a##b
#define QEMU_LOCK_GUARD_NAME_(n) QEMU_LOCK_GUARD_GLUE_(qemu_lock_guard_, n)

#define QEMU_LOCK_GUARD(x)                                              \
    g_auto(QemuLockGuard) QEMU_LOCK_GUARD_NAME_(__COUNTER__)            \
        G_GNUC_UNUSED = qemu_lock_guard_take(QEMU_MAKE_LOCKABLE(x))

#define WITH_QEMU_LOCK_GUARD_(x, var)                                   \
    for (g_auto(QemuLockGuard) var =                                    \
             qemu_lock_guard_take(QEMU_MAKE_LOCKABLE(x));               \
         var.held;                                                      \
         qemu_lock_guard_release(&var))

#define WITH_QEMU_LOCK_GUARD(x)                                         \
    WITH_QEMU_LOCK_GUARD_((x), QEMU_LOCK_GUARD_NAME_(__COUNTER__))

#endif /* QEMU_LOCKABLE_H */

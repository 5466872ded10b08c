/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Atomic operations and memory barriers, with QEMU's qatomic_* names,
 * built on the compiler's __atomic builtins.
 *
 * Ordering, as in QEMU:
 * - qatomic_read/qatomic_set are relaxed: the access is not torn and not
 *   elided, but orders nothing else.
 * - The read-modify-write operations (qatomic_inc, qatomic_fetch_or,
 *   qatomic_xchg, qatomic_cmpxchg...) are sequentially consistent: they
 *   are full barriers.
 * - qatomic_load_acquire/qatomic_store_release and qatomic_rcu_read/
 *   qatomic_rcu_set give acquire/release ordering for one access.
 * - smp_mb() is a full fence; smp_rmb()/smp_wmb() order loads against
 *   loads and stores against stores.
 *
 * Only naturally aligned objects no wider than a pointer may be used, so
 * that every operation is lock-free; a wider type fails to build.
 */
#ifndef QEMU_ATOMIC_H
#define QEMU_ATOMIC_H

/* Stop the compiler from moving memory accesses across this point. */
#define barrier()   __asm__ __volatile__("" ::: "memory")

/* Refuse, at build time, objects the CPU cannot access atomically. */
#define ATOMIC_REG_SIZE sizeof(void *)
#define qatomic_check_size_(ptr) \
    QEMU_BUILD_BUG_ON(sizeof(*(ptr)) > ATOMIC_REG_SIZE)

/* Strip qualifiers so that a local copy of *ptr can be declared. */
#define typeof_strip_qual(expr) typeof(+(0 ? (expr) : (expr)))

/* Fences. */
#define smp_mb()            __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_mb_acquire()    __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_mb_release()    __atomic_thread_fence(__ATOMIC_RELEASE)
#if defined(__x86_64__) || defined(__i386__)
/* x86 (TSO) never reorders loads with loads or stores with stores. */
#define smp_rmb()           barrier()
#define smp_wmb()           barrier()
#else
#define smp_rmb()           smp_mb_acquire()
#define smp_wmb()           smp_mb_release()
#endif
/* Against a signal handler running on this same thread. */
#define signal_barrier()    __atomic_signal_fence(__ATOMIC_SEQ_CST)

/* Relaxed, untorn loads and stores. */
#define qatomic_read__nocheck(ptr) __atomic_load_n(ptr, __ATOMIC_RELAXED)
#define qatomic_set__nocheck(ptr, i) \
    __atomic_store_n(ptr, i, __ATOMIC_RELAXED)

#define qatomic_read(ptr)                       \
    ({                                          \
        qatomic_check_size_(ptr);               \
        qatomic_read__nocheck(ptr);             \
    })

#define qatomic_set(ptr, i)                     \
    do {                                        \
        qatomic_check_size_(ptr);               \
        qatomic_set__nocheck(ptr, i);           \
    } while (0)

/* One-access acquire/release. */
#define qatomic_load_acquire(ptr)               \
    ({                                          \
        qatomic_check_size_(ptr);               \
        __atomic_load_n(ptr, __ATOMIC_ACQUIRE); \
    })

#define qatomic_store_release(ptr, i)                   \
    do {                                                \
        qatomic_check_size_(ptr);                       \
        __atomic_store_n(ptr, i, __ATOMIC_RELEASE);     \
    } while (0)

/* Publishing a pointer to readers that follow it without a lock. */
#define qatomic_rcu_read(ptr)   qatomic_load_acquire(ptr)
#define qatomic_rcu_set(ptr, i) qatomic_store_release(ptr, i)

/* Sequentially consistent load and store. */
#define qatomic_mb_read(ptr)                    \
    ({                                          \
        qatomic_check_size_(ptr);               \
        __atomic_load_n(ptr, __ATOMIC_SEQ_CST); \
    })

#define qatomic_mb_set(ptr, i)                          \
    do {                                                \
        qatomic_check_size_(ptr);                       \
        __atomic_store_n(ptr, i, __ATOMIC_SEQ_CST);     \
    } while (0)

/* Exchange; returns the old value. */
#define qatomic_xchg__nocheck(ptr, i) \
    __atomic_exchange_n(ptr, (i), __ATOMIC_SEQ_CST)

#define qatomic_xchg(ptr, i)                    \
    ({                                          \
        qatomic_check_size_(ptr);               \
        qatomic_xchg__nocheck(ptr, i);          \
    })

/*
 * Compare and swap: if *ptr == old, store new.  Returns the value *ptr
 * had before, so the swap happened iff the result equals @old.
 */
#define qatomic_cmpxchg__nocheck(ptr, old, new)                         \
    ({                                                                  \
        typeof_strip_qual(*(ptr)) cmpxchg_old_ = (old);                 \
        (void)__atomic_compare_exchange_n(ptr, &cmpxchg_old_, new,      \
                                          false, __ATOMIC_SEQ_CST,      \
                                          __ATOMIC_SEQ_CST);            \
        cmpxchg_old_;                                                   \
    })

#define qatomic_cmpxchg(ptr, old, new)                  \
    ({                                                  \
        qatomic_check_size_(ptr);                       \
        qatomic_cmpxchg__nocheck(ptr, old, new);        \
    })

/* Read-modify-write returning the old value. */
#define qatomic_fetch_inc(ptr)  __atomic_fetch_add(ptr, 1, __ATOMIC_SEQ_CST)
#define qatomic_fetch_dec(ptr)  __atomic_fetch_sub(ptr, 1, __ATOMIC_SEQ_CST)
#define qatomic_fetch_add(ptr, n) \
    __atomic_fetch_add(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_sub(ptr, n) \
    __atomic_fetch_sub(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_and(ptr, n) \
    __atomic_fetch_and(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_or(ptr, n) \
    __atomic_fetch_or(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_xor(ptr, n) \
    __atomic_fetch_xor(ptr, n, __ATOMIC_SEQ_CST)

/* Read-modify-write returning the new value. */
#define qatomic_inc_fetch(ptr)  __atomic_add_fetch(ptr, 1, __ATOMIC_SEQ_CST)
#define qatomic_dec_fetch(ptr)  __atomic_sub_fetch(ptr, 1, __ATOMIC_SEQ_CST)
#define qatomic_add_fetch(ptr, n) \
    __atomic_add_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_sub_fetch(ptr, n) \
    __atomic_sub_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_and_fetch(ptr, n) \
    __atomic_and_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_or_fetch(ptr, n) \
    __atomic_or_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_xor_fetch(ptr, n) \
    __atomic_xor_fetch(ptr, n, __ATOMIC_SEQ_CST)

/* Read-modify-write whose result is not needed. */
#define qatomic_inc(ptr)        ((void)qatomic_fetch_inc(ptr))
#define qatomic_dec(ptr)        ((void)qatomic_fetch_dec(ptr))
#define qatomic_add(ptr, n)     ((void)qatomic_fetch_add(ptr, n))
#define qatomic_sub(ptr, n)     ((void)qatomic_fetch_sub(ptr, n))
#define qatomic_and(ptr, n)     ((void)qatomic_fetch_and(ptr, n))
#define qatomic_or(ptr, n)      ((void)qatomic_fetch_or(ptr, n))
#define qatomic_xor(ptr, n)     ((void)qatomic_fetch_xor(ptr, n))

/*
 * 64-bit counters: on every host we support a uint64_t fits a register,
 * so these are the plain operations under QEMU's names.
 */
#define qatomic_read_u64(ptr)       qatomic_read(ptr)
#define qatomic_set_u64(ptr, v)     qatomic_set(ptr, v)
#define qatomic_read_i64(ptr)       qatomic_read(ptr)
#define qatomic_set_i64(ptr, v)     qatomic_set(ptr, v)

#endif /* QEMU_ATOMIC_H */

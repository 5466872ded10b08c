/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intrusive lists in the BSD <sys/queue.h> style, under QEMU's names:
 *
 *   QLIST    doubly linked list; O(1) removal of any element, no tail.
 *   QSLIST   singly linked list; cheapest, removal is O(n) except at head.
 *   QSIMPLEQ singly linked tail queue; O(1) append, removal O(n).
 *   QTAILQ   doubly linked tail queue; O(1) append and removal, reverse
 *            walk, QTAILQ_LAST and QTAILQ_PREV without naming the head type.
 *
 * The element embeds a *_ENTRY(type) member; the head is a separate
 * structure declared with *_HEAD(name, type).  The *_FOREACH_SAFE forms
 * allow the loop body to remove (and free) the current element.
 * None of these lists are thread-safe: callers lock.
 */
#ifndef QEMU_QUEUE_H
#define QEMU_QUEUE_H

/* ------------------------------------------------------------------ QLIST */

#define QLIST_HEAD(name, type)                                          \
struct name {                                                           \
    struct type *lh_first;                                              \
}

#define QLIST_HEAD_INITIALIZER(head) { NULL }

#define QLIST_ENTRY(type)                                               \
struct {                                                                \
    struct type *le_next;   /* next element */                          \
    struct type **le_prev;  /* the pointer that points at us */         \
}

#define QLIST_INIT(head) do {                                           \
        (head)->lh_first = NULL;                                        \
    } while (0)

#define QLIST_EMPTY(head)           ((head)->lh_first == NULL)
#define QLIST_FIRST(head)           ((head)->lh_first)
#define QLIST_NEXT(elm, field)      ((elm)->field.le_next)

/* True while @elm is on a list (le_prev is cleared by QLIST_SAFE_REMOVE). */
#define QLIST_IS_INSERTED(elm, field) ((elm)->field.le_prev != NULL)

#define QLIST_INSERT_HEAD(head, elm, field) do {                        \
        if (((elm)->field.le_next = (head)->lh_first) != NULL) {        \
            (head)->lh_first->field.le_prev = &(elm)->field.le_next;    \
        }                                                               \
        (head)->lh_first = (elm);                                       \
        (elm)->field.le_prev = &(head)->lh_first;                       \
    } while (0)

#define QLIST_INSERT_AFTER(listelm, elm, field) do {                    \
        if (((elm)->field.le_next = (listelm)->field.le_next) != NULL) { \
            (listelm)->field.le_next->field.le_prev =                   \
                &(elm)->field.le_next;                                  \
        }                                                               \
        (listelm)->field.le_next = (elm);                               \
        (elm)->field.le_prev = &(listelm)->field.le_next;               \
    } while (0)

#define QLIST_INSERT_BEFORE(listelm, elm, field) do {                   \
        (elm)->field.le_prev = (listelm)->field.le_prev;                \
        (elm)->field.le_next = (listelm);                               \
        *(listelm)->field.le_prev = (elm);                              \
        (listelm)->field.le_prev = &(elm)->field.le_next;               \
    } while (0)

#define QLIST_REMOVE(elm, field) do {                                   \
        if ((elm)->field.le_next != NULL) {                             \
            (elm)->field.le_next->field.le_prev = (elm)->field.le_prev; \
        }                                                               \
        *(elm)->field.le_prev = (elm)->field.le_next;                   \
        (elm)->field.le_next = NULL;                                    \
        (elm)->field.le_prev = NULL;                                    \
    } while (0)

/* Remove @elm if it is on a list; a no-op otherwise. */
#define QLIST_SAFE_REMOVE(elm, field) do {                              \
        if ((elm)->field.le_prev != NULL) {                             \
            QLIST_REMOVE(elm, field);                                   \
        }                                                               \
    } while (0)

/* Exchange the contents of two lists. */
#define QLIST_SWAP(head1, head2, field) do {                            \
        typeof((head1)->lh_first) qlist_tmp_ = (head1)->lh_first;       \
        (head1)->lh_first = (head2)->lh_first;                          \
        (head2)->lh_first = qlist_tmp_;                                 \
        if ((head1)->lh_first != NULL) {                                \
            (head1)->lh_first->field.le_prev = &(head1)->lh_first;      \
        }                                                               \
        if ((head2)->lh_first != NULL) {                                \
            (head2)->lh_first->field.le_prev = &(head2)->lh_first;      \
        }                                                               \
    } while (0)

#define QLIST_FOREACH(var, head, field)                                 \
    for ((var) = (head)->lh_first; (var); (var) = (var)->field.le_next)

#define QLIST_FOREACH_SAFE(var, head, field, next_var)                  \
    for ((var) = (head)->lh_first;                                      \
         (var) && ((next_var) = (var)->field.le_next, 1);               \
         (var) = (next_var))

/* ----------------------------------------------------------------- QSLIST */

#define QSLIST_HEAD(name, type)                                         \
struct name {                                                           \
    struct type *slh_first;                                             \
}

#define QSLIST_HEAD_INITIALIZER(head) { NULL }

#define QSLIST_ENTRY(type)                                              \
struct {                                                                \
    struct type *sle_next;                                              \
}

#define QSLIST_INIT(head) do {                                          \
        (head)->slh_first = NULL;                                       \
    } while (0)

#define QSLIST_EMPTY(head)          ((head)->slh_first == NULL)
#define QSLIST_FIRST(head)          ((head)->slh_first)
#define QSLIST_NEXT(elm, field)     ((elm)->field.sle_next)

#define QSLIST_INSERT_HEAD(head, elm, field) do {                       \
        (elm)->field.sle_next = (head)->slh_first;                      \
        (head)->slh_first = (elm);                                      \
    } while (0)

#define QSLIST_INSERT_AFTER(slistelm, elm, field) do {                  \
        (elm)->field.sle_next = (slistelm)->field.sle_next;             \
        (slistelm)->field.sle_next = (elm);                             \
    } while (0)

#define QSLIST_REMOVE_HEAD(head, field) do {                            \
        typeof((head)->slh_first) qslist_elm_ = (head)->slh_first;      \
        (head)->slh_first = qslist_elm_->field.sle_next;                \
        qslist_elm_->field.sle_next = NULL;                             \
    } while (0)

#define QSLIST_REMOVE_AFTER(slistelm, field) do {                       \
        typeof(slistelm) qslist_gone_ = (slistelm)->field.sle_next;     \
        (slistelm)->field.sle_next = qslist_gone_->field.sle_next;      \
        qslist_gone_->field.sle_next = NULL;                            \
    } while (0)

/* O(n): walks from the head to find the predecessor of @elm. */
#define QSLIST_REMOVE(head, elm, type, field) do {                      \
        if ((head)->slh_first == (elm)) {                               \
            QSLIST_REMOVE_HEAD((head), field);                          \
        } else {                                                        \
            struct type *qslist_cur_ = (head)->slh_first;               \
            while (qslist_cur_->field.sle_next != (elm)) {              \
                qslist_cur_ = qslist_cur_->field.sle_next;              \
            }                                                           \
            QSLIST_REMOVE_AFTER(qslist_cur_, field);                    \
        }                                                               \
    } while (0)

/* Lock-free push, for lists that are drained with QSLIST_MOVE_ATOMIC. */
#define QSLIST_INSERT_HEAD_ATOMIC(head, elm, field) do {                \
        typeof(elm) qslist_old_;                                        \
        do {                                                            \
            qslist_old_ = __atomic_load_n(&(head)->slh_first,           \
                                          __ATOMIC_RELAXED);            \
            (elm)->field.sle_next = qslist_old_;                        \
        } while (!__atomic_compare_exchange_n(&(head)->slh_first,       \
                                              &qslist_old_, (elm), false, \
                                              __ATOMIC_SEQ_CST,         \
                                              __ATOMIC_SEQ_CST));       \
    } while (0)

/* Atomically take the whole of @src, leaving it empty, into @dest. */
#define QSLIST_MOVE_ATOMIC(dest, src) do {                              \
        (dest)->slh_first = __atomic_exchange_n(&(src)->slh_first, NULL, \
                                                __ATOMIC_SEQ_CST);      \
    } while (0)

#define QSLIST_FOREACH(var, head, field)                                \
    for ((var) = (head)->slh_first; (var); (var) = (var)->field.sle_next)

#define QSLIST_FOREACH_SAFE(var, head, field, next_var)                 \
    for ((var) = (head)->slh_first;                                     \
         (var) && ((next_var) = (var)->field.sle_next, 1);              \
         (var) = (next_var))

/* --------------------------------------------------------------- QSIMPLEQ */

#define QSIMPLEQ_HEAD(name, type)                                       \
struct name {                                                           \
    struct type *sqh_first;                                             \
    struct type **sqh_last; /* the next pointer of the last element */  \
}

#define QSIMPLEQ_HEAD_INITIALIZER(head) { NULL, &(head).sqh_first }

#define QSIMPLEQ_ENTRY(type)                                            \
struct {                                                                \
    struct type *sqe_next;                                              \
}

#define QSIMPLEQ_INIT(head) do {                                        \
        (head)->sqh_first = NULL;                                       \
        (head)->sqh_last = &(head)->sqh_first;                          \
    } while (0)

#define QSIMPLEQ_EMPTY(head)        ((head)->sqh_first == NULL)
#define QSIMPLEQ_FIRST(head)        ((head)->sqh_first)
#define QSIMPLEQ_NEXT(elm, field)   ((elm)->field.sqe_next)

/* The last element, or NULL; the element type is recovered from @head. */
#define QSIMPLEQ_LAST(head, type, field)                                \
    (QSIMPLEQ_EMPTY(head) ? NULL :                                      \
     container_of((head)->sqh_last, struct type, field.sqe_next))

#define QSIMPLEQ_INSERT_HEAD(head, elm, field) do {                     \
        if (((elm)->field.sqe_next = (head)->sqh_first) == NULL) {      \
            (head)->sqh_last = &(elm)->field.sqe_next;                  \
        }                                                               \
        (head)->sqh_first = (elm);                                      \
    } while (0)

#define QSIMPLEQ_INSERT_TAIL(head, elm, field) do {                     \
        (elm)->field.sqe_next = NULL;                                   \
        *(head)->sqh_last = (elm);                                      \
        (head)->sqh_last = &(elm)->field.sqe_next;                      \
    } while (0)

#define QSIMPLEQ_INSERT_AFTER(head, listelm, elm, field) do {           \
        if (((elm)->field.sqe_next = (listelm)->field.sqe_next) == NULL) { \
            (head)->sqh_last = &(elm)->field.sqe_next;                  \
        }                                                               \
        (listelm)->field.sqe_next = (elm);                              \
    } while (0)

#define QSIMPLEQ_REMOVE_HEAD(head, field) do {                          \
        typeof((head)->sqh_first) qsq_elm_ = (head)->sqh_first;         \
        if (((head)->sqh_first = qsq_elm_->field.sqe_next) == NULL) {   \
            (head)->sqh_last = &(head)->sqh_first;                      \
        }                                                               \
        qsq_elm_->field.sqe_next = NULL;                                \
    } while (0)

/* O(n) unless @elm is the head. */
#define QSIMPLEQ_REMOVE(head, elm, type, field) do {                    \
        if ((head)->sqh_first == (elm)) {                               \
            QSIMPLEQ_REMOVE_HEAD((head), field);                        \
        } else {                                                        \
            struct type *qsq_cur_ = (head)->sqh_first;                  \
            while (qsq_cur_->field.sqe_next != (elm)) {                 \
                qsq_cur_ = qsq_cur_->field.sqe_next;                    \
            }                                                           \
            if ((qsq_cur_->field.sqe_next =                             \
                 qsq_cur_->field.sqe_next->field.sqe_next) == NULL) {   \
                (head)->sqh_last = &qsq_cur_->field.sqe_next;           \
            }                                                           \
            (elm)->field.sqe_next = NULL;                               \
        }                                                               \
    } while (0)

/* Append all of @head2 to @head1, leaving @head2 empty. */
#define QSIMPLEQ_CONCAT(head1, head2) do {                              \
        if (!QSIMPLEQ_EMPTY((head2))) {                                 \
            *(head1)->sqh_last = (head2)->sqh_first;                    \
            (head1)->sqh_last = (head2)->sqh_last;                      \
            QSIMPLEQ_INIT((head2));                                     \
        }                                                               \
    } while (0)

/* Put all of @head2 in front of @head1, leaving @head2 empty. */
#define QSIMPLEQ_PREPEND(head1, head2) do {                             \
        if (!QSIMPLEQ_EMPTY((head2))) {                                 \
            *(head2)->sqh_last = (head1)->sqh_first;                    \
            if (QSIMPLEQ_EMPTY((head1))) {                              \
                (head1)->sqh_last = (head2)->sqh_last;                  \
            }                                                           \
            (head1)->sqh_first = (head2)->sqh_first;                    \
            QSIMPLEQ_INIT((head2));                                     \
        }                                                               \
    } while (0)

#define QSIMPLEQ_FOREACH(var, head, field)                              \
    for ((var) = (head)->sqh_first; (var); (var) = (var)->field.sqe_next)

#define QSIMPLEQ_FOREACH_SAFE(var, head, field, next_var)               \
    for ((var) = (head)->sqh_first;                                     \
         (var) && ((next_var) = (var)->field.sqe_next, 1);              \
         (var) = (next_var))

/* ----------------------------------------------------------------- QTAILQ */

/*
 * Every element and the head carry a QTailQLink: a forward pointer and a
 * pointer to the previous link.  The head's back pointer names the last
 * element's link, and the first element's back pointer names the head's
 * link, so both QTAILQ_LAST and QTAILQ_PREV are two hops back and one
 * forward, without knowing the head's type.
 */
typedef struct QTailQLink {
    void *tql_next;
    struct QTailQLink *tql_prev;
} QTailQLink;

#define QTAILQ_HEAD(name, type)                                         \
union name {                                                            \
    struct type *tqh_first;                                             \
    QTailQLink tqh_circ;                                                \
}

#define QTAILQ_HEAD_INITIALIZER(head) { .tqh_circ = { NULL, &(head).tqh_circ } }

#define QTAILQ_ENTRY(type)                                              \
union {                                                                 \
    struct type *tqe_next;                                              \
    QTailQLink tqe_circ;                                                \
}

#define QTAILQ_INIT(head) do {                                          \
        (head)->tqh_first = NULL;                                       \
        (head)->tqh_circ.tql_prev = &(head)->tqh_circ;                  \
    } while (0)

#define QTAILQ_EMPTY(head)          ((head)->tqh_first == NULL)
#define QTAILQ_FIRST(head)          ((head)->tqh_first)
#define QTAILQ_NEXT(elm, field)     ((elm)->field.tqe_next)

/* True while @elm is on a queue (QTAILQ_REMOVE clears the back link). */
#define QTAILQ_IN_USE(elm, field)   ((elm)->field.tqe_circ.tql_prev != NULL)

#define QTAILQ_LAST(head)                                               \
    ((typeof((head)->tqh_first))                                        \
     (head)->tqh_circ.tql_prev->tql_prev->tql_next)

#define QTAILQ_PREV(elm, field)                                         \
    ((typeof((elm)->field.tqe_next))                                    \
     (elm)->field.tqe_circ.tql_prev->tql_prev->tql_next)

#define QTAILQ_INSERT_HEAD(head, elm, field) do {                       \
        if (((elm)->field.tqe_next = (head)->tqh_first) != NULL) {      \
            (head)->tqh_first->field.tqe_circ.tql_prev =                \
                &(elm)->field.tqe_circ;                                 \
        } else {                                                        \
            (head)->tqh_circ.tql_prev = &(elm)->field.tqe_circ;         \
        }                                                               \
        (head)->tqh_first = (elm);                                      \
        (elm)->field.tqe_circ.tql_prev = &(head)->tqh_circ;             \
    } while (0)

#define QTAILQ_INSERT_TAIL(head, elm, field) do {                       \
        (elm)->field.tqe_next = NULL;                                   \
        (elm)->field.tqe_circ.tql_prev = (head)->tqh_circ.tql_prev;     \
        (head)->tqh_circ.tql_prev->tql_next = (elm);                    \
        (head)->tqh_circ.tql_prev = &(elm)->field.tqe_circ;             \
    } while (0)

#define QTAILQ_INSERT_AFTER(head, listelm, elm, field) do {             \
        if (((elm)->field.tqe_next = (listelm)->field.tqe_next) != NULL) { \
            (elm)->field.tqe_next->field.tqe_circ.tql_prev =            \
                &(elm)->field.tqe_circ;                                 \
        } else {                                                        \
            (head)->tqh_circ.tql_prev = &(elm)->field.tqe_circ;         \
        }                                                               \
        (listelm)->field.tqe_next = (elm);                              \
        (elm)->field.tqe_circ.tql_prev = &(listelm)->field.tqe_circ;    \
    } while (0)

#define QTAILQ_INSERT_BEFORE(listelm, elm, field) do {                  \
        (elm)->field.tqe_circ.tql_prev = (listelm)->field.tqe_circ.tql_prev; \
        (elm)->field.tqe_next = (listelm);                              \
        (listelm)->field.tqe_circ.tql_prev->tql_next = (elm);           \
        (listelm)->field.tqe_circ.tql_prev = &(elm)->field.tqe_circ;    \
    } while (0)

#define QTAILQ_REMOVE(head, elm, field) do {                            \
        if ((elm)->field.tqe_next != NULL) {                            \
            (elm)->field.tqe_next->field.tqe_circ.tql_prev =            \
                (elm)->field.tqe_circ.tql_prev;                         \
        } else {                                                        \
            (head)->tqh_circ.tql_prev = (elm)->field.tqe_circ.tql_prev; \
        }                                                               \
        (elm)->field.tqe_circ.tql_prev->tql_next = (elm)->field.tqe_next; \
        (elm)->field.tqe_circ.tql_prev = NULL;                          \
        (elm)->field.tqe_circ.tql_next = NULL;                          \
    } while (0)

/* Exchange the contents of two queues. */
#define QTAILQ_SWAP(head1, head2, field) do {                           \
        typeof((head1)->tqh_first) qtq_first_ = (head1)->tqh_first;     \
        QTailQLink *qtq_last_ = (head1)->tqh_circ.tql_prev;             \
        (head1)->tqh_first = (head2)->tqh_first;                        \
        (head1)->tqh_circ.tql_prev = (head2)->tqh_circ.tql_prev;        \
        (head2)->tqh_first = qtq_first_;                                \
        (head2)->tqh_circ.tql_prev = qtq_last_;                         \
        if ((head1)->tqh_first != NULL) {                               \
            (head1)->tqh_first->field.tqe_circ.tql_prev =               \
                &(head1)->tqh_circ;                                     \
        } else {                                                        \
            (head1)->tqh_circ.tql_prev = &(head1)->tqh_circ;            \
        }                                                               \
        if ((head2)->tqh_first != NULL) {                               \
            (head2)->tqh_first->field.tqe_circ.tql_prev =               \
                &(head2)->tqh_circ;                                     \
        } else {                                                        \
            (head2)->tqh_circ.tql_prev = &(head2)->tqh_circ;            \
        }                                                               \
    } while (0)

/* Append all of @head2 to @head1, leaving @head2 empty. */
#define QTAILQ_CONCAT(head1, head2, field) do {                         \
        if (!QTAILQ_EMPTY(head2)) {                                     \
            (head1)->tqh_circ.tql_prev->tql_next = (head2)->tqh_first;  \
            (head2)->tqh_first->field.tqe_circ.tql_prev =               \
                (head1)->tqh_circ.tql_prev;                             \
            (head1)->tqh_circ.tql_prev = (head2)->tqh_circ.tql_prev;    \
            QTAILQ_INIT((head2));                                       \
        }                                                               \
    } while (0)

#define QTAILQ_FOREACH(var, head, field)                                \
    for ((var) = (head)->tqh_first; (var); (var) = (var)->field.tqe_next)

#define QTAILQ_FOREACH_SAFE(var, head, field, next_var)                 \
    for ((var) = (head)->tqh_first;                                     \
         (var) && ((next_var) = (var)->field.tqe_next, 1);              \
         (var) = (next_var))

#define QTAILQ_FOREACH_REVERSE(var, head, field)                        \
    for ((var) = QTAILQ_LAST(head); (var); (var) = QTAILQ_PREV(var, field))

#define QTAILQ_FOREACH_REVERSE_SAFE(var, head, field, prev_var)         \
    for ((var) = QTAILQ_LAST(head);                                     \
         (var) && ((prev_var) = QTAILQ_PREV(var, field), 1);            \
         (var) = (prev_var))

#endif /* QEMU_QUEUE_H */

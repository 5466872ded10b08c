/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOTask: a small asynchronous operation helper.  A task runs a worker
 * in a thread (or completes inline) and then calls its completion
 * callback in a GMainContext (the main loop's by default), where the
 * callback picks up the result with qio_task_propagate_error().
 */
#ifndef QIO_TASK_H
#define QIO_TASK_H

#include "qom/object.h"

typedef struct QIOTask QIOTask;

/* Completion callback, run in the task's context. */
typedef void (*QIOTaskFunc)(QIOTask *task, gpointer opaque);
/* Worker, run in a new thread. */
typedef void (*QIOTaskWorker)(QIOTask *task, gpointer opaque);

/* @source is referenced for the task's lifetime (may be NULL). */
QIOTask *qio_task_new(Object *source, QIOTaskFunc func, gpointer opaque,
                      GDestroyNotify destroy);
/*
 * Run @worker(@task, @opaque) in a thread, then complete the task in
 * @context (NULL: the default context).  The task frees itself after
 * its callback.
 */
void qio_task_run_in_thread(QIOTask *task, QIOTaskWorker worker,
                            gpointer opaque, GDestroyNotify destroy,
                            GMainContext *context);
/* Complete now, in the calling thread; frees the task. */
void qio_task_complete(QIOTask *task);
/* Record the outcome (takes over @err; the first error wins). */
void qio_task_set_error(QIOTask *task, Error *err);
/* In the callback: false with *@errp set if the task failed. */
bool qio_task_propagate_error(QIOTask *task, Error **errp);
void qio_task_set_result_pointer(QIOTask *task, gpointer result,
                                 GDestroyNotify notify);
gpointer qio_task_get_result_pointer(QIOTask *task);
Object *qio_task_get_source(QIOTask *task);

#endif /* QIO_TASK_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOTask: run a worker in a thread and report its result to a callback
 * in a GMainContext.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/thread.h"
#include "io/task.h"

struct QIOTask {
    Object *source;
    QIOTaskFunc func;
    gpointer opaque;
    GDestroyNotify destroy;
    Error *err;
    gpointer result;
    GDestroyNotify result_destroy;

    /* Worker state. */
    QIOTaskWorker worker;
    gpointer worker_opaque;
    GDestroyNotify worker_destroy;
    GMainContext *context;
};

QIOTask *qio_task_new(Object *source, QIOTaskFunc func, gpointer opaque,
                      GDestroyNotify destroy)
{
    QIOTask *task = g_new0(QIOTask, 1);

    task->source = source ? object_ref(source) : NULL;
    task->func = func;
    task->opaque = opaque;
    task->destroy = destroy;
    return task;
}

static void qio_task_free(QIOTask *task)
{
    if (task->destroy) {
        task->destroy(task->opaque);
    }
    if (task->result_destroy) {
        task->result_destroy(task->result);
    }
    if (task->context) {
        g_main_context_unref(task->context);
    }
    error_free(task->err);
    if (task->source) {
        object_unref(task->source);
    }
    g_free(task);
}

void qio_task_complete(QIOTask *task)
{
    task->func(task, task->opaque);
    qio_task_free(task);
}

static gboolean qio_task_thread_result(gpointer opaque)
{
    QIOTask *task = opaque;

    if (task->worker_destroy) {
        task->worker_destroy(task->worker_opaque);
    }
    qio_task_complete(task);
    return FALSE;
}

static gpointer qio_task_thread_worker(gpointer opaque)
{
    QIOTask *task = opaque;
    GSource *idle;

    task->worker(task, task->worker_opaque);
    /* Hand the completion to the task's context. */
    idle = g_idle_source_new();
    g_source_set_callback(idle, qio_task_thread_result, task, NULL);
    g_source_attach(idle, task->context);
    g_source_unref(idle);
    return NULL;
}

void qio_task_run_in_thread(QIOTask *task, QIOTaskWorker worker,
                            gpointer opaque, GDestroyNotify destroy,
                            GMainContext *context)
{
    task->worker = worker;
    task->worker_opaque = opaque;
    task->worker_destroy = destroy;
    task->context = context ? g_main_context_ref(context)
                            : g_main_context_ref(g_main_context_default());
    g_thread_unref(g_thread_new("io-task-worker", qio_task_thread_worker,
                                task));
}

void qio_task_set_error(QIOTask *task, Error *err)
{
    if (!task->err) {
        task->err = err;
    } else {
        error_free(err);
    }
}

bool qio_task_propagate_error(QIOTask *task, Error **errp)
{
    if (task->err) {
        error_propagate(errp, task->err);
        task->err = NULL;
        return false;
    }
    return true;
}

void qio_task_set_result_pointer(QIOTask *task, gpointer result,
                                 GDestroyNotify notify)
{
    task->result = result;
    task->result_destroy = notify;
}

gpointer qio_task_get_result_pointer(QIOTask *task)
{
    return task->result;
}

Object *qio_task_get_source(QIOTask *task)
{
    return task->source;
}

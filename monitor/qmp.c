/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP server.
 *
 * Input of every QMP monitor is read and parsed in the monitor I/O
 * thread.  A request with "exec-oob" (once the client enabled the "oob"
 * capability) is dispatched right there, without the BQL.  Every other
 * request is queued on its monitor and run, in order, by a bottom half
 * in the main thread with the BQL held.  While a monitor's queue holds
 * QMP_REQ_QUEUE_LEN_MAX requests (or one, when OOB is off) the monitor
 * stops reading input, as QEMU does; it reads again once the main thread
 * takes a request off the queue (without OOB, once that request has
 * run).  Responses and events are written by
 * whichever thread produced them, serialised by the monitor's lock.
 */
#include "qemu/osdep.h"
#include "monitor-internal.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-control.h"
#include "qapi/qmp/dispatch.h"
#include "qemu/atomic.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qobject/qjson.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"
#include "config-host.h"
#include "monitor/trace.h"

/* The ABI of this QEMU release is what Tern implements. */
#define QMP_QEMU_MAJOR 10
#define QMP_QEMU_MINOR 0
#define QMP_QEMU_MICRO 0

typedef struct QMPRequest {
    MonitorQMP *mon;
    QObject *req;       /* the request, or NULL with err */
    Error *err;         /* a parse error to answer with */
} QMPRequest;

static QEMUBH *qmp_dispatcher_bh;

bool qmp_oob_enabled(MonitorQMP *mon)
{
    return mon->capab[QMP_CAPABILITY_OOB];
}

void qmp_send_response(MonitorQMP *mon, const QDict *rsp)
{
    g_autoptr(GString) json = qobject_to_json_pretty(QOBJECT(rsp),
                                                     mon->pretty);

    trace_monitor_qmp_respond(mon, json->str);
    g_string_append_c(json, '\n');
    monitor_puts(&mon->common, json->str);
}

/* ------------------------------------------------------------ dispatch */

static void monitor_qmp_dispatch(MonitorQMP *mon, QObject *req)
{
    QDict *rsp;
    QDict *error;

    rsp = qmp_dispatch(mon->commands, req, qmp_oob_enabled(mon),
                       &mon->common);
    if (!rsp) {
        return;
    }
    if (mon->commands == &qmp_cap_negotiation_commands) {
        error = qdict_get_qdict(rsp, "error");
        if (error && !g_strcmp0(qdict_get_try_str(error, "class"),
                                "CommandNotFound")) {
            /* Tell the client what it is expected to do. */
            qdict_put_str(error, "desc", "Expecting capabilities negotiation"
                          " with 'qmp_capabilities'");
        }
    }
    qmp_send_response(mon, rsp);
    qobject_unref(rsp);
}

/* The command a request names, for traces; "" if it names none. */
static const char *qmp_request_name(QObject *req)
{
    QDict *qdict = qobject_to(QDict, req);
    const char *name = NULL;

    if (qdict) {
        name = qdict_get_try_str(qdict, "execute");
        name = name ? name : qdict_get_try_str(qdict, "exec-oob");
    }
    return name ? name : "";
}

static void qmp_request_free(QMPRequest *req)
{
    qobject_unref(req->req);
    error_free(req->err);
    g_free(req);
}

/*
 * Take the next request of some monitor, round robin so that one busy
 * client cannot starve the others.  The monitor goes to the end of the
 * list.  Called with monitor_lock held.
 *
 * A pop that lifts the suspension a push imposed resumes the monitor:
 * with OOB at once, so that out-of-band requests are read while this
 * one runs, as QEMU does; without OOB after the request has run
 * (*@resume_after).  Whether it does is decided under the same hold of
 * the queue lock as the pop.  Decided later, a request the I/O thread
 * pushed in between could make a queue look just-unfilled and resume a
 * monitor nobody suspended: suspend_cnt went to -1 and reading stopped
 * for good.
 */
static QMPRequest *monitor_qmp_requests_pop_any_with_lock(bool *resume_after)
{
    Monitor *mon;
    MonitorQMP *qmp_mon = NULL;
    QMPRequest *req = NULL;
    bool resume_now = false;

    QTAILQ_FOREACH(mon, &mon_list, entry) {
        if (!mon->is_qmp) {
            continue;
        }
        qmp_mon = (MonitorQMP *)mon;
        qemu_mutex_lock(&qmp_mon->qmp_queue_lock);
        req = g_queue_pop_head(qmp_mon->qmp_requests);
        if (req) {
            trace_monitor_qmp_in_band_dequeue(req,
                                              qmp_mon->qmp_requests->length);
            if (!qmp_oob_enabled(qmp_mon)) {
                *resume_after = true;
            } else {
                /* Had the queue been full, reading stopped. */
                resume_now = qmp_mon->qmp_requests->length ==
                             QMP_REQ_QUEUE_LEN_MAX - 1;
            }
        }
        qemu_mutex_unlock(&qmp_mon->qmp_queue_lock);
        if (resume_now) {
            monitor_resume(mon);
        }
        if (req) {
            break;
        }
    }
    if (req) {
        QTAILQ_REMOVE(&mon_list, mon, entry);
        QTAILQ_INSERT_TAIL(&mon_list, mon, entry);
    }
    return req;
}

static bool monitor_qmp_requests_pending(void)
{
    Monitor *mon;
    bool pending = false;

    QTAILQ_FOREACH(mon, &mon_list, entry) {
        MonitorQMP *qmp_mon = (MonitorQMP *)mon;

        if (mon->is_qmp) {
            qemu_mutex_lock(&qmp_mon->qmp_queue_lock);
            pending |= !g_queue_is_empty(qmp_mon->qmp_requests);
            qemu_mutex_unlock(&qmp_mon->qmp_queue_lock);
        }
    }
    return pending;
}

/* Main thread, BQL: run one queued in-band request. */
static void monitor_qmp_bh_dispatcher(void *opaque)
{
    QMPRequest *req;
    MonitorQMP *mon;
    bool resume_after = false;

    qemu_mutex_lock(&monitor_lock);
    req = monitor_qmp_requests_pop_any_with_lock(&resume_after);
    qemu_mutex_unlock(&monitor_lock);
    if (!req) {
        return;
    }
    mon = req->mon;

    if (req->req) {
        trace_monitor_qmp_cmd_in_band(mon, qmp_request_name(req->req));
        monitor_qmp_dispatch(mon, req->req);
    } else {
        QDict *rsp;

        trace_monitor_qmp_err_in_band(mon, error_get_pretty(req->err));
        rsp = qmp_error_response(req->err);

        req->err = NULL;
        qmp_send_response(mon, rsp);
        qobject_unref(rsp);
    }
    if (resume_after) {
        monitor_resume(&mon->common);
    }
    qmp_request_free(req);

    qemu_mutex_lock(&monitor_lock);
    if (monitor_qmp_requests_pending()) {
        /* One request per run, so the main loop stays responsive. */
        qemu_bh_schedule(qmp_dispatcher_bh);
    }
    qemu_mutex_unlock(&monitor_lock);
}

void monitor_qmp_dispatcher_init(void)
{
    qmp_dispatcher_bh = qemu_bh_new(monitor_qmp_bh_dispatcher, NULL);
}

/* --------------------------------------------------------------- input */

/* I/O thread: a complete message (or a parse error) arrived. */
static void handle_qmp_command(void *opaque, QObject *req, Error *err)
{
    MonitorQMP *mon = opaque;
    QDict *qdict = qobject_to(QDict, req);
    QMPRequest *req_obj;

    /* Only when enabled: the request goes back to JSON for the trace. */
    if (req && TRACE_HANDLE_QMP_COMMAND_BACKEND_DSTATE()) {
        g_autoptr(GString) json = qobject_to_json(req);

        trace_handle_qmp_command(mon, json->str);
    }
    if (qdict && qmp_is_oob(qdict)) {
        /* Out of band: answer at once, in this thread. */
        if (qmp_oob_enabled(mon)) {
            trace_monitor_qmp_cmd_out_of_band(mon, qmp_request_name(req));
            monitor_qmp_dispatch(mon, req);
            qobject_unref(req);
            return;
        }
        /* Not negotiated: qmp_dispatch() refuses it in band. */
    }

    req_obj = g_new0(QMPRequest, 1);
    req_obj->mon = mon;
    req_obj->req = req;
    req_obj->err = err;

    qemu_mutex_lock(&mon->qmp_queue_lock);
    /*
     * Stop reading once this request fills the queue; without OOB,
     * after every request (one at a time, as older QEMU always did).
     */
    if (!qmp_oob_enabled(mon) ||
        mon->qmp_requests->length == QMP_REQ_QUEUE_LEN_MAX - 1) {
        if (qmp_oob_enabled(mon)) {
            trace_monitor_qmp_queue_full(mon, mon->qmp_requests->length + 1);
        }
        monitor_suspend(&mon->common);
    }
    g_queue_push_tail(mon->qmp_requests, req_obj);
    trace_monitor_qmp_in_band_enqueue(req_obj, mon,
                                      mon->qmp_requests->length);
    qemu_mutex_unlock(&mon->qmp_queue_lock);

    qemu_bh_schedule(qmp_dispatcher_bh);
}

/*
 * Feed buffered input to the parser one byte at a time, stopping as soon
 * as the monitor is suspended, so the queue bound holds exactly; what is
 * left waits in mon->pending.  I/O thread.
 */
static void monitor_qmp_feed_pending(MonitorQMP *mon)
{
    guint used = 0;

    while (used < mon->pending->len &&
           !qatomic_read(&mon->common.suspend_cnt)) {
        json_message_parser_feed(&mon->parser,
                                 (const char *)mon->pending->data + used, 1);
        used++;
    }
    g_byte_array_remove_range(mon->pending, 0, used);
}

static int monitor_qmp_can_read(void *opaque)
{
    MonitorQMP *mon = opaque;

    if (mon->pending->len || qatomic_read(&mon->common.suspend_cnt)) {
        return 0;
    }
    return CHR_READ_BUF_LEN;
}

static void monitor_qmp_read(void *opaque, const uint8_t *buf, int size)
{
    MonitorQMP *mon = opaque;

    g_byte_array_append(mon->pending, buf, size);
    monitor_qmp_feed_pending(mon);
}

static gboolean monitor_qmp_resume_cb(gpointer opaque)
{
    MonitorQMP *mon = opaque;

    monitor_qmp_feed_pending(mon);
    qemu_chr_fe_accept_input(&mon->common.chr);
    return G_SOURCE_REMOVE;
}

void monitor_qmp_resume_input(MonitorQMP *mon)
{
    trace_monitor_qmp_resume_input(mon);
    /* Parse what was held back, in the thread that owns the parser. */
    g_main_context_invoke(mon->common.use_io_thread ? mon_iothread_ctx
                                                    : NULL,
                          monitor_qmp_resume_cb, mon);
    if (!mon->common.use_io_thread) {
        qemu_notify_event();
    }
}

/* ----------------------------------------------------- greeting, events */

static QDict *qmp_greeting(MonitorQMP *mon)
{
    QList *cap_list = qlist_new();
    QObject *ver;
    QMPCapability cap;

    ver = qobject_from_jsonf_nofail(
        "{'qemu': {'major': %d, 'minor': %d, 'micro': %d}, 'package': %s}",
        QMP_QEMU_MAJOR, QMP_QEMU_MINOR, QMP_QEMU_MICRO, TERN_PKGVERSION);
    for (cap = 0; cap < QMP_CAPABILITY__MAX; cap++) {
        if (mon->capab_offered[cap]) {
            qlist_append_str(cap_list, QMPCapability_str(cap));
        }
    }
    return qobject_to(QDict, qobject_from_jsonf_nofail(
                          "{'QMP': {'version': %p, 'capabilities': %p}}",
                          ver, cap_list));
}

/* Drop what a gone client left in the queue.  */
static void monitor_qmp_cleanup_queue_and_resume(MonitorQMP *mon)
{
    bool need_resume = false;
    QMPRequest *req;

    qemu_mutex_lock(&mon->qmp_queue_lock);
    need_resume = !g_queue_is_empty(mon->qmp_requests) &&
        (!qmp_oob_enabled(mon) ||
         mon->qmp_requests->length == QMP_REQ_QUEUE_LEN_MAX);
    while ((req = g_queue_pop_head(mon->qmp_requests))) {
        qmp_request_free(req);
    }
    qemu_mutex_unlock(&mon->qmp_queue_lock);
    g_byte_array_set_size(mon->pending, 0);
    if (need_resume) {
        monitor_resume(&mon->common);
    }
}

static void monitor_qmp_event(void *opaque, QEMUChrEvent event)
{
    MonitorQMP *mon = opaque;
    QDict *data;

    trace_monitor_qmp_event(mon, event);
    switch (event) {
    case CHR_EVENT_OPENED:
        /* Each session starts in negotiation mode with no capability. */
        mon->commands = &qmp_cap_negotiation_commands;
        memset(mon->capab, 0, sizeof(mon->capab));
        data = qmp_greeting(mon);
        qmp_send_response(mon, data);
        qobject_unref(data);
        break;
    case CHR_EVENT_CLOSED:
        /* what the last client did not read is not the next one's */
        monitor_output_reset(&mon->common);
        monitor_qmp_cleanup_queue_and_resume(mon);
        json_message_parser_destroy(&mon->parser);
        json_message_parser_init(&mon->parser, handle_qmp_command, mon,
                                 NULL);
        mon->commands = &qmp_cap_negotiation_commands;
        break;
    default:
        break;
    }
}

void monitor_data_destroy_qmp(MonitorQMP *mon)
{
    json_message_parser_destroy(&mon->parser);
    monitor_qmp_cleanup_queue_and_resume(mon);
    g_queue_free(mon->qmp_requests);
    g_byte_array_free(mon->pending, true);
    qemu_mutex_destroy(&mon->qmp_queue_lock);
}

void monitor_init_qmp(Chardev *chr, bool pretty, Error **errp)
{
    MonitorQMP *mon = g_new0(MonitorQMP, 1);

    monitor_init_globals();
    if (!qemu_chr_fe_init(&mon->common.chr, chr, errp)) {
        g_free(mon);
        return;
    }
    /* Every backend we have can be polled from the I/O thread. */
    monitor_data_init(&mon->common, true, true);
    mon->pretty = pretty;
    mon->commands = &qmp_cap_negotiation_commands;
    mon->capab_offered[QMP_CAPABILITY_OOB] = true;
    mon->pending = g_byte_array_new();
    qemu_mutex_init(&mon->qmp_queue_lock);
    mon->qmp_requests = g_queue_new();
    json_message_parser_init(&mon->parser, handle_qmp_command, mon, NULL);

    monitor_iothread_init();
    monitor_list_append(&mon->common);
    /*
     * Handlers are set last: from here on, the I/O thread may call them
     * (a client may already be connected, and the greeting goes out).
     */
    qemu_chr_fe_set_handlers(&mon->common.chr, monitor_qmp_can_read,
                             monitor_qmp_read, monitor_qmp_event, NULL,
                             &mon->common, mon_iothread_ctx, true);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Monitor core: the list of monitors, the current monitor, text output,
 * suspend/resume, the monitor I/O thread, event broadcast with rate
 * limiting, -mon, and start-up and shutdown.
 */
#include "qemu/osdep.h"
#include "monitor-internal.h"
#include "monitor/hmp.h"
#include "chardev/char.h"
#include "qapi/error.h"
#include "qapi/qapi-emit-events.h"
#include "qapi/qapi-visit-control.h"
#include "qemu/atomic.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "monitor/trace.h"

QemuMutex monitor_lock;
union TernMonitorList mon_list = QTAILQ_HEAD_INITIALIZER(mon_list);
GMainContext *mon_iothread_ctx;

static QemuThread mon_iothread;
static bool mon_iothread_running;
static bool mon_iothread_stop;
static bool monitor_destroyed;
static __thread Monitor *cur_mon;

QemuOptsList qemu_mon_opts = {
    .name = "mon",
    .implied_opt_name = "chardev",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_mon_opts.head),
    .desc = {
        { .name = "mode", .type = QEMU_OPT_STRING },
        { .name = "chardev", .type = QEMU_OPT_STRING },
        { .name = "pretty", .type = QEMU_OPT_BOOL },
        { /* end of list */ }
    },
};

/* ---------------------------------------------------- current monitor */

Monitor *monitor_cur(void)
{
    return cur_mon;
}

Monitor *monitor_set_cur(Monitor *mon)
{
    Monitor *old = cur_mon;

    cur_mon = mon;
    return old;
}

bool monitor_is_qmp(const Monitor *mon)
{
    return mon->is_qmp;
}

bool monitor_cur_is_qmp(void)
{
    return cur_mon && cur_mon->is_qmp;
}

bool monitor_is_hmp_non_interactive(const Monitor *mon)
{
    return mon->capture;
}

/* error_report() & co. print to the HMP monitor running the command. */
static int monitor_error_vprintf(const char *fmt, va_list ap)
{
    Monitor *mon = monitor_cur();

    if (!mon || mon->is_qmp) {
        return -1;
    }
    return monitor_vprintf(mon, fmt, ap);
}

/* --------------------------------------------------------------- output */

/*
 * Output a client has not taken beyond this means it stopped reading
 * (or floods us with requests whose errors it ignores): it is
 * disconnected rather than let it hold memory or a thread.
 */
#define MONITOR_OUTBUF_MAX (16 * 1024 * 1024)

static void monitor_flush_locked(Monitor *mon);

static gboolean monitor_unblocked(int fd, GIOCondition cond, void *opaque)
{
    Monitor *mon = opaque;

    qemu_mutex_lock(&mon->mon_lock);
    /* a reset may have replaced the watch meanwhile */
    if (mon->out_watch && mon->out_watch == g_main_current_source()) {
        g_source_unref(mon->out_watch);
        mon->out_watch = NULL;
        monitor_flush_locked(mon);
    }
    qemu_mutex_unlock(&mon->mon_lock);
    return G_SOURCE_REMOVE;
}

/*
 * Call with mon_lock held.  Never blocks on a socket: what the client
 * cannot take yet waits in outbuf for a watch, because responses are
 * written from the main thread and a client that stops reading must not
 * stall the VM.
 */
static void monitor_flush_locked(Monitor *mon)
{
    int n;

    if (mon->capture || !mon->outbuf->len) {
        return;
    }
    if (!qemu_chr_fe_backend_connected(&mon->chr)) {
        g_string_truncate(mon->outbuf, 0);
        return;
    }
    if (!mon->out_watch) {
        n = qemu_chr_fe_write(&mon->chr, (const uint8_t *)mon->outbuf->str,
                              mon->outbuf->len);
        if (n > 0) {
            g_string_erase(mon->outbuf, 0, n);
        }
        if (!mon->outbuf->len) {
            return;
        }
    }
    if (mon->outbuf->len > MONITOR_OUTBUF_MAX) {
        trace_monitor_output_overflow(mon, mon->outbuf->len);
        if (mon->out_watch) {
            g_source_destroy(mon->out_watch);
            g_source_unref(mon->out_watch);
            mon->out_watch = NULL;
        }
        g_string_truncate(mon->outbuf, 0);
        qemu_chr_fe_disconnect_later(&mon->chr);
        return;
    }
    if (mon->out_watch) {
        return;     /* it flushes once the client reads */
    }
    mon->out_watch = qemu_chr_fe_add_watch(&mon->chr, G_IO_OUT | G_IO_HUP,
                                           monitor_unblocked, mon);
    if (!mon->out_watch) {
        /* a backend without watches (stdio, a file): as it always was */
        qemu_chr_fe_write_all(&mon->chr, (const uint8_t *)mon->outbuf->str,
                              mon->outbuf->len);
        g_string_truncate(mon->outbuf, 0);
    }
}

void monitor_output_reset(Monitor *mon)
{
    qemu_mutex_lock(&mon->mon_lock);
    if (mon->out_watch) {
        g_source_destroy(mon->out_watch);
        g_source_unref(mon->out_watch);
        mon->out_watch = NULL;
    }
    g_string_truncate(mon->outbuf, 0);
    qemu_mutex_unlock(&mon->mon_lock);
}

void monitor_flush(Monitor *mon)
{
    qemu_mutex_lock(&mon->mon_lock);
    monitor_flush_locked(mon);
    qemu_mutex_unlock(&mon->mon_lock);
}

int monitor_puts(Monitor *mon, const char *str)
{
    int i;

    qemu_mutex_lock(&mon->mon_lock);
    for (i = 0; str[i]; i++) {
        /* Terminals want CR LF; QEMU sends it on every monitor. */
        if (str[i] == '\n') {
            g_string_append_c(mon->outbuf, '\r');
        }
        g_string_append_c(mon->outbuf, str[i]);
        if (str[i] == '\n') {
            monitor_flush_locked(mon);
        }
    }
    qemu_mutex_unlock(&mon->mon_lock);
    return i;
}

int monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
{
    g_autofree char *buf = NULL;

    if (!mon || mon->is_qmp) {
        return -1;
    }
    buf = g_strdup_vprintf(fmt, ap);
    return monitor_puts(mon, buf);
}

int monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = monitor_vprintf(mon, fmt, ap);
    va_end(ap);
    return ret;
}

/* ------------------------------------------------------ suspend/resume */

int monitor_suspend(Monitor *mon)
{
    if (mon->capture || !qemu_chr_fe_backend_connected(&mon->chr)) {
        return -ENOTTY;
    }
    qatomic_inc(&mon->suspend_cnt);
    trace_monitor_suspend(mon, qatomic_read(&mon->suspend_cnt));
    return 0;
}

void monitor_resume(Monitor *mon)
{
    int cnt;

    if (mon->capture || !qemu_chr_fe_backend_connected(&mon->chr)) {
        return;
    }
    cnt = qatomic_dec_fetch(&mon->suspend_cnt);
    trace_monitor_resume(mon, cnt);
    if (cnt == 0) {
        if (mon->is_qmp) {
            monitor_qmp_resume_input((MonitorQMP *)mon);
        } else {
            MonitorHMP *hmp = (MonitorHMP *)mon;

            if (hmp->use_readline) {
                monitor_hmp_print_prompt(hmp);
            }
            qemu_chr_fe_accept_input(&mon->chr);
        }
    }
}

int monitor_can_read(void *opaque)
{
    Monitor *mon = opaque;

    return qatomic_read(&mon->suspend_cnt) ? 0 : CHR_READ_BUF_LEN;
}

/* ------------------------------------------------------ the I/O thread */

static void *monitor_iothread_run(void *opaque)
{
    g_main_context_push_thread_default(mon_iothread_ctx);
    while (!qatomic_read(&mon_iothread_stop)) {
        g_main_context_iteration(mon_iothread_ctx, TRUE);
    }
    g_main_context_pop_thread_default(mon_iothread_ctx);
    return NULL;
}

void monitor_iothread_init(void)
{
    if (mon_iothread_running) {
        return;
    }
    mon_iothread_ctx = g_main_context_new();
    qemu_thread_create(&mon_iothread, "mon_iothread", monitor_iothread_run,
                       NULL, QEMU_THREAD_JOINABLE);
    mon_iothread_running = true;
}

static void monitor_iothread_stop(void)
{
    if (!mon_iothread_running) {
        return;
    }
    qatomic_set(&mon_iothread_stop, true);
    g_main_context_wakeup(mon_iothread_ctx);
    qemu_thread_join(&mon_iothread);
    mon_iothread_running = false;
}

/* ------------------------------------------------------------- events */

/*
 * Events a guest can trigger in bursts are sent at most once per period
 * (per event and, for some, per id).  The first is sent at once; later
 * ones within the period replace each other and the last is sent when
 * the period ends.  These names follow QEMU's table; events that do not
 * exist in our schema simply never match.
 */
typedef struct MonitorQAPIEventConf {
    const char *name;
    int64_t rate_ns;
    const char *key;            /* data member telling instances apart */
} MonitorQAPIEventConf;

static const MonitorQAPIEventConf monitor_qapi_event_conf[] = {
    { "RTC_CHANGE", 1000 * SCALE_MS, NULL },
    { "WATCHDOG", 1000 * SCALE_MS, NULL },
    { "BALLOON_CHANGE", 1000 * SCALE_MS, NULL },
    { "QUORUM_REPORT_BAD", 1000 * SCALE_MS, "node-name" },
    { "QUORUM_FAILURE", 1000 * SCALE_MS, NULL },
    { "VSERPORT_CHANGE", 1000 * SCALE_MS, "id" },
    { "MEMORY_DEVICE_SIZE_CHANGE", 1000 * SCALE_MS, "qom-path" },
    { "HV_BALLOON_STATUS_REPORT", 1000 * SCALE_MS, NULL },
};

typedef struct MonitorQAPIEventState {
    QAPIEvent event;
    char *key;                  /* instance, or "" */
    QDict *qdict;               /* the event waiting for the period end */
    QEMUTimer *timer;
} MonitorQAPIEventState;

static GHashTable *monitor_qapi_event_state;    /* "EVENT/key" -> state */

static const MonitorQAPIEventConf *monitor_event_conf(QAPIEvent event)
{
    const char *name = QAPIEvent_str(event);

    for (size_t i = 0; i < G_N_ELEMENTS(monitor_qapi_event_conf); i++) {
        if (!strcmp(monitor_qapi_event_conf[i].name, name)) {
            return &monitor_qapi_event_conf[i];
        }
    }
    return NULL;
}

/* Send to every QMP monitor out of negotiation.  monitor_lock held. */
static void monitor_qapi_event_emit(QAPIEvent event, QDict *qdict)
{
    Monitor *mon;

    trace_monitor_qapi_event_emit(QAPIEvent_str(event));
    QTAILQ_FOREACH(mon, &mon_list, entry) {
        MonitorQMP *qmp = (MonitorQMP *)mon;

        if (mon->is_qmp && qmp->commands != &qmp_cap_negotiation_commands) {
            qmp_send_response(qmp, qdict);
        }
    }
}

static void monitor_qapi_event_timer_cb(void *opaque)
{
    MonitorQAPIEventState *st = opaque;
    const MonitorQAPIEventConf *conf = monitor_event_conf(st->event);

    qemu_mutex_lock(&monitor_lock);
    trace_monitor_qapi_event_timer_cb(QAPIEvent_str(st->event), st->key,
                                      st->qdict != NULL);
    if (st->qdict) {
        /* Send the last one of the period; start a new period. */
        monitor_qapi_event_emit(st->event, st->qdict);
        qobject_unref(st->qdict);
        st->qdict = NULL;
        timer_mod_ns(st->timer,
                     qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + conf->rate_ns);
    } else {
        /* A quiet period: forget the state; the next one goes at once. */
        g_autofree char *hkey = g_strdup_printf("%s/%s",
                                                QAPIEvent_str(st->event),
                                                st->key);

        g_hash_table_remove(monitor_qapi_event_state, hkey);
    }
    qemu_mutex_unlock(&monitor_lock);
}

static void monitor_qapi_event_state_free(gpointer data)
{
    MonitorQAPIEventState *st = data;

    timer_free(st->timer);
    qobject_unref(st->qdict);
    g_free(st->key);
    g_free(st);
}

void qapi_event_emit(QAPIEvent event, QDict *qdict)
{
    const MonitorQAPIEventConf *conf = monitor_event_conf(event);
    MonitorQAPIEventState *st;
    g_autofree char *hkey = NULL;
    const char *key = "";

    trace_qapi_event_emit(QAPIEvent_str(event));
    qemu_mutex_lock(&monitor_lock);
    if (monitor_destroyed) {
        qemu_mutex_unlock(&monitor_lock);
        return;
    }
    if (!conf || !monitor_qapi_event_state) {
        monitor_qapi_event_emit(event, qdict);
        qemu_mutex_unlock(&monitor_lock);
        return;
    }
    if (conf->key) {
        QDict *data = qdict_get_qdict(qdict, "data");

        key = data ? qdict_get_try_str(data, conf->key) : NULL;
        key = key ? key : "";
    }
    hkey = g_strdup_printf("%s/%s", QAPIEvent_str(event), key);
    st = g_hash_table_lookup(monitor_qapi_event_state, hkey);
    if (!st) {
        monitor_qapi_event_emit(event, qdict);
        st = g_new0(MonitorQAPIEventState, 1);
        st->event = event;
        st->key = g_strdup(key);
        st->timer = timer_new_ns(QEMU_CLOCK_REALTIME,
                                 monitor_qapi_event_timer_cb, st);
        timer_mod_ns(st->timer,
                     qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + conf->rate_ns);
        g_hash_table_insert(monitor_qapi_event_state, g_steal_pointer(&hkey),
                            st);
    } else {
        trace_monitor_qapi_event_delay(QAPIEvent_str(event), key);
        qobject_unref(st->qdict);
        st->qdict = qobject_ref(qdict);
    }
    qemu_mutex_unlock(&monitor_lock);
}

/* ---------------------------------------------------------- lifecycle */

void monitor_data_init(Monitor *mon, bool is_qmp, bool use_io_thread)
{
    qemu_mutex_init(&mon->mon_lock);
    mon->outbuf = g_string_new(NULL);
    mon->is_qmp = is_qmp;
    mon->use_io_thread = use_io_thread;
    QLIST_INIT(&mon->fds);
}

void monitor_data_destroy(Monitor *mon)
{
    qemu_chr_fe_deinit(&mon->chr, false);
    if (mon->is_qmp) {
        monitor_data_destroy_qmp((MonitorQMP *)mon);
    } else {
        monitor_data_destroy_hmp((MonitorHMP *)mon);
    }
    monitor_fds_cleanup(mon);
    monitor_output_reset(mon);
    g_string_free(mon->outbuf, true);
    qemu_mutex_destroy(&mon->mon_lock);
}

void monitor_list_append(Monitor *mon)
{
    qemu_mutex_lock(&monitor_lock);
    if (!monitor_destroyed) {
        QTAILQ_INSERT_HEAD(&mon_list, mon, entry);
        mon = NULL;
    }
    qemu_mutex_unlock(&monitor_lock);
    if (mon) {
        /* Shutting down: this monitor is not wanted any more. */
        monitor_data_destroy(mon);
        g_free(mon);
    }
}

void monitor_init_globals(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    qemu_mutex_init(&monitor_lock);
    monitor_qapi_event_state = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, monitor_qapi_event_state_free);
    error_set_vprintf_hook(monitor_error_vprintf);
    qmp_dispatch_set_cur_mon_hook(monitor_set_cur);
    monitor_init_qmp_commands();
    monitor_qmp_dispatcher_init();
    hmp_commands_init();
}

int monitor_init_opts(QemuOpts *opts, Error **errp)
{
    const char *chardev = qemu_opt_get(opts, "chardev");
    const char *mode = qemu_opt_get(opts, "mode");
    bool pretty = qemu_opt_get_bool(opts, "pretty", false);
    Error *err = NULL;
    Chardev *chr;
    int m;

    if (!chardev) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return -1;
    }
    m = mode ? qapi_enum_parse(&MonitorMode_lookup, mode, -1, NULL)
             : MONITOR_MODE_READLINE;
    if (m < 0) {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'",
                   mode);
        return -1;
    }
    chr = qemu_chr_find(chardev);
    if (!chr) {
        error_setg(errp, "chardev \"%s\" not found", chardev);
        return -1;
    }
    monitor_init_globals();
    if (m == MONITOR_MODE_CONTROL) {
        monitor_init_qmp(chr, pretty, &err);
    } else {
        if (pretty) {
            error_setg(errp, "'pretty' is not compatible with HMP monitors");
            return -1;
        }
        monitor_init_hmp(chr, true, &err);
    }
    if (err) {
        error_propagate(errp, err);
        return -1;
    }
    return 0;
}

void monitor_cleanup(void)
{
    Monitor *mon;

    /*
     * Stop input first: the I/O thread goes away, and the main loop will
     * not run again.  Then free the monitors; events emitted from now on
     * are dropped.
     */
    monitor_iothread_stop();
    qemu_mutex_lock(&monitor_lock);
    monitor_destroyed = true;
    while ((mon = QTAILQ_FIRST(&mon_list))) {
        QTAILQ_REMOVE(&mon_list, mon, entry);
        qemu_mutex_unlock(&monitor_lock);
        monitor_flush(mon);
        monitor_data_destroy(mon);
        g_free(mon);
        qemu_mutex_lock(&monitor_lock);
    }
    qemu_mutex_unlock(&monitor_lock);
}

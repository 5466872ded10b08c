/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of trace events and the switches that enable them.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "trace/control.h"

/* Registration happens in constructors, before main() and any thread. */
static GPtrArray *trace_groups;

void trace_event_register_group(TraceEvent **events)
{
    if (!trace_groups) {
        trace_groups = g_ptr_array_new();
    }
    g_ptr_array_add(trace_groups, events);
}

void trace_event_log(const char *name, const char *fmt, ...)
{
    g_autofree char *body = NULL;
    struct timeval tv;
    va_list ap;

    va_start(ap, fmt);
    body = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gettimeofday(&tv, NULL);
    /* One call, so lines from different threads do not interleave. */
    qemu_log("%d@%lu.%06lu:%s %s", getpid(), (unsigned long)tv.tv_sec,
             (unsigned long)tv.tv_usec, name, body);
}

void trace_event_foreach(const char *pattern,
                         void (*fn)(TraceEvent *ev, void *opaque),
                         void *opaque)
{
    g_autoptr(GPatternSpec) spec = pattern ? g_pattern_spec_new(pattern)
                                           : NULL;

    if (!trace_groups) {
        return;
    }
    for (guint i = 0; i < trace_groups->len; i++) {
        TraceEvent **ev = g_ptr_array_index(trace_groups, i);

        for (; *ev; ev++) {
            if (!spec || g_pattern_spec_match_string(spec, (*ev)->name)) {
                fn(*ev, opaque);
            }
        }
    }
}

static void find_one(TraceEvent *ev, void *opaque)
{
    TraceEvent **found = opaque;

    *found = ev;
}

TraceEvent *trace_event_find(const char *name)
{
    TraceEvent *found = NULL;

    if (strpbrk(name, "*?")) {
        return NULL;
    }
    trace_event_foreach(name, find_one, &found);
    return found;
}

bool trace_event_get_state(const TraceEvent *ev)
{
    return qatomic_read(ev->dstate) != 0;
}

void trace_event_set_state(TraceEvent *ev, bool enabled)
{
    /* Trace output goes through the log, which writes only when enabled. */
    if (enabled && !qemu_loglevel_mask(LOG_TRACE)) {
        qemu_set_log(qemu_loglevel | LOG_TRACE, NULL);
    }
    qatomic_set(ev->dstate, enabled ? 1 : 0);
}

typedef struct EnableState {
    bool enable;
    int changed;
} EnableState;

static void set_one(TraceEvent *ev, void *opaque)
{
    EnableState *s = opaque;

    trace_event_set_state(ev, s->enable);
    s->changed++;
}

int trace_enable_events(const char *pattern, Error **errp)
{
    EnableState s = { .enable = true };

    if (pattern[0] == '-') {
        s.enable = false;
        pattern++;
    }
    trace_event_foreach(pattern, set_one, &s);
    if (!s.changed && !strpbrk(pattern, "*?")) {
        error_setg(errp, "trace event '%s' does not exist", pattern);
    }
    return s.changed;
}

static bool enable_from_file(const char *fname, Error **errp)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) gerr = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(fname, &text, NULL, &gerr)) {
        error_setg(errp, "cannot read trace events file: %s",
                   gerr->message);
        return false;
    }
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_strstrip(*l);
        if (**l == '\0' || **l == '#') {
            continue;
        }
        trace_enable_events(*l, errp);
        if (errp && *errp) {
            error_prepend(errp, "%s: ", fname);
            return false;
        }
    }
    return true;
}

bool trace_opt_parse(const char *optarg, Error **errp)
{
    ERRP_GUARD();
    g_auto(GStrv) parts = g_strsplit(optarg, ",", -1);

    for (char **p = parts; *p; p++) {
        const char *val;

        if (g_str_has_prefix(*p, "enable=")) {
            val = *p + strlen("enable=");
            trace_enable_events(val, errp);
        } else if (g_str_has_prefix(*p, "events=")) {
            val = *p + strlen("events=");
            enable_from_file(val, errp);
        } else if (g_str_has_prefix(*p, "file=")) {
            val = *p + strlen("file=");
            qemu_set_log_filename(val, errp);
        } else if (strchr(*p, '=')) {
            error_setg(errp, "Invalid parameter '%.*s' for -trace",
                       (int)(strchr(*p, '=') - *p), *p);
        } else if (**p) {
            trace_enable_events(*p, errp);
        }
        if (*errp) {
            return false;
        }
    }
    return true;
}

static void print_one(TraceEvent *ev, void *opaque)
{
    fprintf(opaque, "%s\n", ev->name);
}

void trace_list_events(FILE *f)
{
    trace_event_foreach(NULL, print_one, f);
}

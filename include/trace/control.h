/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trace points.  Each directory declares its events in a trace-events
 * file; scripts/tracetool.py turns them into inline trace_NAME() calls
 * (DIR/trace.h) that cost one branch while disabled.  Enabled events are
 * written through the log (-D file, else stderr) as
 * "PID@SECONDS.MICROSECONDS:name args".
 */
#ifndef TRACE_CONTROL_H
#define TRACE_CONTROL_H

#include "qemu/atomic.h"

typedef struct TraceEvent {
    const char *name;
    uint16_t *dstate;       /* non-zero while the event is enabled */
} TraceEvent;

/* Called by the generated constructors; @events ends with NULL. */
void trace_event_register_group(TraceEvent **events);

/* Write one enabled event; used by the generated trace_NAME(). */
void trace_event_log(const char *name, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Exact name lookup; NULL when there is no such event. */
TraceEvent *trace_event_find(const char *name);
bool trace_event_get_state(const TraceEvent *ev);
void trace_event_set_state(TraceEvent *ev, bool enabled);

/*
 * Enable (or, with a leading '-', disable) every event matching the
 * glob @pattern.  Returns the number of events changed; 0 sets @errp
 * when @pattern has no wildcard and names no event.
 */
int trace_enable_events(const char *pattern, Error **errp);

/* Call @fn for every event matching @pattern (NULL = all), by name. */
void trace_event_foreach(const char *pattern,
                         void (*fn)(TraceEvent *ev, void *opaque),
                         void *opaque);

/*
 * Parse a -trace argument: "PATTERN", "enable=PATTERN", "events=FILE"
 * (one pattern per line) and "file=FILE" (the log file), comma-separated.
 */
bool trace_opt_parse(const char *optarg, Error **errp);

/* Print the name of every event, one per line. */
void trace_list_events(FILE *f);

#endif /* TRACE_CONTROL_H */

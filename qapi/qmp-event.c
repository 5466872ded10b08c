/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP events: the envelope every event message shares.  Sending and rate
 * limiting are the monitor's business.
 */
#include "qemu/osdep.h"
#include "qapi/qmp-event.h"
#include "qobject/qdict.h"

QDict *qmp_event_build_dict(const char *event_name)
{
    QDict *dict = qdict_new();
    QDict *ts = qdict_new();
    /* Wall-clock time, so clients can relate events to their own logs. */
    int64_t now = g_get_real_time();

    qdict_put_str(dict, "event", event_name);
    qdict_put_int(ts, "seconds", now / G_USEC_PER_SEC);
    qdict_put_int(ts, "microseconds", now % G_USEC_PER_SEC);
    qdict_put(dict, "timestamp", ts);
    return dict;
}

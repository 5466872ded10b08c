/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP events: the common part of every event message.  Generated
 * qapi_event_send_FOO() functions build the dict here, add "data" and
 * hand it to the monitor (which also rate-limits bursty events).
 */
#ifndef QAPI_QMP_EVENT_H
#define QAPI_QMP_EVENT_H

#include "qobject/qdict.h"

/*
 * A new dict {"event": @event_name, "timestamp": {"seconds": S,
 * "microseconds": U}} stamped with the wall clock now.
 */
QDict *qmp_event_build_dict(const char *event_name);

#endif /* QAPI_QMP_EVENT_H */

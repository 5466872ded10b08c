/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * colo-compare (net/colo-compare.c): compares the frames the primary
 * and the secondary guest send, connection by connection; a difference,
 * or a primary frame left unmatched for compare_timeout ms, asks for a
 * COLO checkpoint through the registered notifiers.  After a checkpoint
 * (or at failover) the COLO code tells every compare object, which then
 * releases the primary's frames and drops the secondary's.
 *
 * The COLO primary (migration/colo.c) registers the notifier; this side
 * knows nothing of migration.
 */
#ifndef NET_COLO_COMPARE_H
#define NET_COLO_COMPARE_H

#include "qemu/notify.h"

#define TYPE_COLO_COMPARE "colo-compare"

typedef enum COLOEvent {
    COLO_EVENT_NONE,
    COLO_EVENT_CHECKPOINT,
    COLO_EVENT_FAILOVER,
} COLOEvent;

/* @notify runs (in a compare object's iothread) when one asks for a
 * checkpoint; its data is the compare object. */
void colo_compare_register_notifier(Notifier *notify);
void colo_compare_unregister_notifier(Notifier *notify);

/* Any thread: a checkpoint was taken, or failover happened (@event). */
void colo_notify_compares_event(void *opaque, int event, Error **errp);

/*
 * For the compare objects: ask for a checkpoint (runs the notifiers
 * above), and hear of the events (the handler's data points to the
 * COLOEvent as an int).  Implemented in net/colo-compare-notify.c.
 */
void colo_compare_request_checkpoint(void *compare);
void colo_compare_add_event_handler(Notifier *handler);
void colo_compare_remove_event_handler(Notifier *handler);

#endif /* NET_COLO_COMPARE_H */

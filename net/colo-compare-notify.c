/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The meeting point of colo-compare and COLO's checkpoint loop (see
 * include/net/colo-compare.h): who wants to hear that the guests'
 * output differs, and which compare objects want to hear that a
 * checkpoint was taken.  It needs nothing but the notifier lists, so it
 * is built into libmigration, which migration/colo.c is part of and
 * which unit tests link without the devices.
 */
#include "qemu/osdep.h"
#include "qemu/lockable.h"
#include "qemu/thread.h"
#include "net/colo-compare.h"

static QemuMutex colo_compare_lock;
static NotifierList checkpoint_notifiers =
    NOTIFIER_LIST_INITIALIZER(checkpoint_notifiers);
static NotifierList event_handlers =
    NOTIFIER_LIST_INITIALIZER(event_handlers);

static void __attribute__((constructor)) colo_compare_notify_init(void)
{
    qemu_mutex_init(&colo_compare_lock);
}

void colo_compare_register_notifier(Notifier *notify)
{
    QEMU_LOCK_GUARD(&colo_compare_lock);
    notifier_list_add(&checkpoint_notifiers, notify);
}

void colo_compare_unregister_notifier(Notifier *notify)
{
    QEMU_LOCK_GUARD(&colo_compare_lock);
    notifier_remove(notify);
}

void colo_compare_request_checkpoint(void *compare)
{
    QEMU_LOCK_GUARD(&colo_compare_lock);
    notifier_list_notify(&checkpoint_notifiers, compare);
}

void colo_compare_add_event_handler(Notifier *handler)
{
    QEMU_LOCK_GUARD(&colo_compare_lock);
    notifier_list_add(&event_handlers, handler);
}

void colo_compare_remove_event_handler(Notifier *handler)
{
    QEMU_LOCK_GUARD(&colo_compare_lock);
    notifier_remove(handler);
}

void colo_notify_compares_event(void *opaque, int event, Error **errp)
{
    QEMU_LOCK_GUARD(&colo_compare_lock);
    notifier_list_notify(&event_handlers, &event);
}

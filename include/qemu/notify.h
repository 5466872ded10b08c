/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Notifier lists: a subsystem announces an event (VM state change,
 * migration state change, shutdown...) and every registered Notifier is
 * called with the event's data.
 *
 * As in QEMU, a notifier added later is called earlier (lists grow at the
 * head).  A notifier may remove itself from within its own callback.
 * Lists are not locked: add, remove and notify under the same lock (for
 * most lists, the BQL).
 */
#ifndef QEMU_NOTIFY_H
#define QEMU_NOTIFY_H

#include "qemu/queue.h"

struct Notifier {
    void (*notify)(Notifier *notifier, void *data);
    QLIST_ENTRY(Notifier) node;
};

struct NotifierList {
    QLIST_HEAD(, Notifier) notifiers;
};

#define NOTIFIER_LIST_INITIALIZER(head) \
    { QLIST_HEAD_INITIALIZER((head).notifiers) }

void notifier_list_init(NotifierList *list);
void notifier_list_add(NotifierList *list, Notifier *notifier);
/* Take @notifier off whatever list it is on (a no-op if on none). */
void notifier_remove(Notifier *notifier);
void notifier_list_notify(NotifierList *list, void *data);
bool notifier_list_empty(NotifierList *list);

/*
 * Notifiers that may refuse: each returns 0 or a negative errno-style
 * value and sets @errp.  Notification stops at the first failure.
 */
typedef struct NotifierWithReturn NotifierWithReturn;

struct NotifierWithReturn {
    int (*notify)(NotifierWithReturn *notifier, void *data, Error **errp);
    QLIST_ENTRY(NotifierWithReturn) node;
};

typedef struct NotifierWithReturnList {
    QLIST_HEAD(, NotifierWithReturn) notifiers;
} NotifierWithReturnList;

#define NOTIFIER_WITH_RETURN_LIST_INITIALIZER(head) \
    { QLIST_HEAD_INITIALIZER((head).notifiers) }

void notifier_with_return_list_init(NotifierWithReturnList *list);
void notifier_with_return_list_add(NotifierWithReturnList *list,
                                   NotifierWithReturn *notifier);
void notifier_with_return_remove(NotifierWithReturn *notifier);
/*
 * Call each notifier until one returns non-zero; return that value (0 when
 * all succeeded).  The failing notifier's error is left in @errp.
 */
int notifier_with_return_list_notify(NotifierWithReturnList *list,
                                     void *data, Error **errp);

#endif /* QEMU_NOTIFY_H */

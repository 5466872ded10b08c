/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "iothread" objects (iothread.c): -object iothread,id=ID starts a thread
 * that runs its own GLib main context, for front ends (colo-compare)
 * that poll their chardevs away from the main loop.
 */
#ifndef SYSTEM_IOTHREAD_H
#define SYSTEM_IOTHREAD_H

#include "qom/object.h"

#define TYPE_IOTHREAD "iothread"
OBJECT_DECLARE_SIMPLE_TYPE(IOThread, IOTHREAD)

/* The context the thread runs; sources attached to it run there. */
GMainContext *iothread_get_g_main_context(IOThread *iothread);

/*
 * At exit: quit and join every iothread's thread (the objects stay), so
 * nothing runs in their contexts while what they use is torn down.
 */
/*
 * Run @fn in @iothread and wait until it has run: between two of the
 * thread's callbacks, so that what they use can be torn down safely.
 * Called directly where the thread is stopped or is the caller.  The
 * caller waits for the callback the thread is in to finish.
 */
void iothread_call_sync(IOThread *iothread, void (*fn)(void *opaque),
                        void *opaque);

void iothread_stop_all(void);

#endif /* SYSTEM_IOTHREAD_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Yank: a registry of objects (the migration, chardevs, block nodes)
 * whose network connections can be shut down at once by the "yank" QMP
 * command, so a hung peer cannot wedge the VMM.  An object registers an
 * instance, then the functions that shut its connections down.  "yank"
 * runs out of band, in the monitor I/O thread, so the functions must not
 * take the BQL; they usually just call shutdown() on a socket.
 *
 * Every call is thread safe.
 */
#ifndef QEMU_YANK_H
#define QEMU_YANK_H

#include "qapi/qapi-types-yank.h"

typedef void YankFn(void *opaque);

/* Add @instance; fails if it is registered already. */
bool yank_register_instance(const YankInstance *instance, Error **errp);
/* Remove @instance, which must have no functions left. */
void yank_unregister_instance(const YankInstance *instance);
/* Make "yank" of @instance (registered) call @func(@opaque). */
void yank_register_function(const YankInstance *instance, YankFn *func,
                            void *opaque);
void yank_unregister_function(const YankInstance *instance, YankFn *func,
                              void *opaque);

#define MIGRATION_YANK_INSTANCE \
    (&(YankInstance) { .type = YANK_INSTANCE_TYPE_MIGRATION })
#define CHARDEV_YANK_INSTANCE(the_id) \
    (&(YankInstance) { .type = YANK_INSTANCE_TYPE_CHARDEV, \
                       .u.chardev.id = (char *)(the_id) })
#define BLOCKDEV_YANK_INSTANCE(the_node_name) \
    (&(YankInstance) { .type = YANK_INSTANCE_TYPE_BLOCK_NODE, \
                       .u.block_node.node_name = (char *)(the_node_name) })

#endif /* QEMU_YANK_H */

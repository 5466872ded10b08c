/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: the COLO messages on the wire (QEMU's
 * COLOMessage values as be32, VMSTATE_SIZE followed by a be64), sent
 * and checked on either side.  docs/devel/colo.md has the sequence.
 */
#ifndef MIGRATION_COLO_MSG_H
#define MIGRATION_COLO_MSG_H

#include "qapi/qapi-types-migration.h"
#include "migration/qemu-file.h"

/* Write @msg and flush; false with @errp when the stream failed. */
bool colo_send_message(QEMUFile *f, COLOMessage msg, Error **errp);
/* @msg, then be64 @value, and flush. */
bool colo_send_message_value(QEMUFile *f, COLOMessage msg, uint64_t value,
                             Error **errp);
/* The next message; false with @errp on a stream error or a bad value. */
bool colo_receive_message(QEMUFile *f, COLOMessage *msg, Error **errp);
/* The next message must be @expect. */
bool colo_receive_check_message(QEMUFile *f, COLOMessage expect,
                                Error **errp);
/* @expect and its be64 value. */
bool colo_receive_message_value(QEMUFile *f, COLOMessage expect,
                                uint64_t *value, Error **errp);
/*
 * VMSTATE_SIZE, its be64 size (at most @max) and that many bytes of
 * device state, returned in a new buffer; NULL with @errp otherwise.
 */
uint8_t *colo_receive_device_state(QEMUFile *f, uint64_t max, uint64_t *size,
                                   Error **errp);

#endif /* MIGRATION_COLO_MSG_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Return-path messages (destination -> source): reading and checking one
 * message from the stream, apart from what the source does with it, so
 * that the parser can be tested and fuzzed alone.
 *
 * On the wire each message is be16 type, be16 payload length, then the
 * payload; types are enum mig_rp_message_type (migration/migration.h).
 */
#ifndef MIGRATION_RETURN_PATH_H
#define MIGRATION_RETURN_PATH_H

#include "migration/migration.h"
#include "migration/qemu-file.h"

typedef struct MigRPMessage {
    enum mig_rp_message_type type;
    unsigned int len;                   /* bytes of payload */
    uint8_t payload[MIG_RP_MAX_PAYLOAD];
    /* SHUT, PONG and RESUME_ACK: their be32 payload, decoded. */
    uint32_t value;
} MigRPMessage;

/*
 * Read the next message of @rp into @msg.  Fails, saying why, if the
 * stream ends or errs, the type is unknown, or the length is not the
 * type's (or over MIG_RP_MAX_PAYLOAD for a variable-length type).
 * Types are only checked, not handled: the caller refuses those it does
 * not support.
 */
bool migration_rp_read_message(QEMUFile *rp, MigRPMessage *msg,
                               Error **errp);

/* "SHUT", "PONG"...; "unknown" outside the enum. */
const char *migration_rp_message_name(unsigned int type);

#endif /* MIGRATION_RETURN_PATH_H */

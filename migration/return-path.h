/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Return-path messages (destination -> source), both halves: the
 * destination's writers and the source's reader, which reads and checks
 * one message apart from what the source does with it (outgoing.c's
 * reader thread), so that the parser can be tested and fuzzed alone.
 *
 * On the wire each message is be16 type, be16 payload length, then the
 * payload (docs/devel/migration-stream.md, "Return path").
 */
#ifndef MIGRATION_RETURN_PATH_H
#define MIGRATION_RETURN_PATH_H

#include "migration/migration.h"
#include "migration/qemu-file.h"

/* Return-path message types (destination -> source). */
enum mig_rp_message_type {
    MIG_RP_MSG_INVALID = 0,
    MIG_RP_MSG_SHUT,            /* be32: 0 = clean end, else an error */
    MIG_RP_MSG_PONG,            /* be32: echo of a PING */
    MIG_RP_MSG_REQ_PAGES_ID,    /* postcopy: be64 start, be32 len, str8 */
    MIG_RP_MSG_REQ_PAGES,       /* postcopy: be64 start, be32 len */
    MIG_RP_MSG_RECV_BITMAP,     /* postcopy recovery */
    MIG_RP_MSG_RESUME_ACK,      /* postcopy recovery: be32 1 */
    MIG_RP_MSG_SWITCHOVER_ACK,  /* 8.1+: no payload */
    MIG_RP_MSG_MAX
};

/* Longest return-path payload the source reader accepts. */
#define MIG_RP_MAX_PAYLOAD 512

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

/*
 * Writers (destination side): each writes one framed message under
 * mis->rp_mutex and flushes.  Without a return path they do nothing and
 * return -EIO.  Return 0 or a negative errno.
 */
int migrate_send_rp_message(MigrationIncomingState *mis,
                            enum mig_rp_message_type type,
                            uint16_t len, const void *data);
void migrate_send_rp_shut(MigrationIncomingState *mis, uint32_t value);
void migrate_send_rp_pong(MigrationIncomingState *mis, uint32_t value);
void migrate_send_rp_resume_ack(MigrationIncomingState *mis, uint32_t value);
/*
 * A message followed, under the same lock, by what @put (if not NULL)
 * writes outside it (RECV_BITMAP's bitmap).  Returns 0 or a negative errno.
 */
int migrate_send_rp_message_with(MigrationIncomingState *mis,
                                 enum mig_rp_message_type type,
                                 uint16_t len, const void *data,
                                 void (*put)(QEMUFile *f, void *opaque),
                                 void *opaque);

#endif /* MIGRATION_RETURN_PATH_H */

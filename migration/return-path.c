/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The return path's messages: the destination's writers, and reading
 * one message on the source (the header, the checks of type and length
 * against the message table, and the payload).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/lockable.h"
#include "migration/return-path.h"
#include "migration/trace.h"

/* Payload length of each type; -1: variable (up to MIG_RP_MAX_PAYLOAD). */
static const int rp_fixed_len[MIG_RP_MSG_MAX] = {
    [MIG_RP_MSG_INVALID] = -1,
    [MIG_RP_MSG_SHUT] = 4,
    [MIG_RP_MSG_PONG] = 4,
    [MIG_RP_MSG_REQ_PAGES_ID] = -1,
    [MIG_RP_MSG_REQ_PAGES] = 12,
    [MIG_RP_MSG_RECV_BITMAP] = -1,
    [MIG_RP_MSG_RESUME_ACK] = 4,
    [MIG_RP_MSG_SWITCHOVER_ACK] = 0,
};

static const char *const rp_name[MIG_RP_MSG_MAX] = {
    [MIG_RP_MSG_INVALID] = "INVALID",
    [MIG_RP_MSG_SHUT] = "SHUT",
    [MIG_RP_MSG_PONG] = "PONG",
    [MIG_RP_MSG_REQ_PAGES_ID] = "REQ_PAGES_ID",
    [MIG_RP_MSG_REQ_PAGES] = "REQ_PAGES",
    [MIG_RP_MSG_RECV_BITMAP] = "RECV_BITMAP",
    [MIG_RP_MSG_RESUME_ACK] = "RESUME_ACK",
    [MIG_RP_MSG_SWITCHOVER_ACK] = "SWITCHOVER_ACK",
};

const char *migration_rp_message_name(unsigned int type)
{
    return type < MIG_RP_MSG_MAX ? rp_name[type] : "unknown";
}

bool migration_rp_read_message(QEMUFile *rp, MigRPMessage *msg,
                               Error **errp)
{
    unsigned int type, len;

    type = qemu_get_be16(rp);
    len = qemu_get_be16(rp);
    if (qemu_file_get_error(rp)) {
        g_autoptr(Error) cause = NULL;

        /* Say why (a TLS alert, a reset): the channel's error, if any. */
        qemu_file_get_error_obj(rp, &cause);
        error_setg(errp, "Failed to read return path header%s%s",
                   cause ? ": " : "", cause ? error_get_pretty(cause) : "");
        return false;
    }
    trace_migration_rp_message(type, len);
    if (type >= MIG_RP_MSG_MAX || type == MIG_RP_MSG_INVALID) {
        error_setg(errp, "Received invalid message 0x%04x length 0x%04x",
                   type, len);
        return false;
    }
    if (rp_fixed_len[type] != -1 && len != rp_fixed_len[type]) {
        error_setg(errp, "Received '%s' message (0x%04x) with incorrect "
                   "length %u expecting %d", rp_name[type], type, len,
                   rp_fixed_len[type]);
        return false;
    }
    if (len > sizeof(msg->payload)) {
        error_setg(errp, "Received '%s' message (0x%04x) of length %u, "
                   "over the limit of %zu", rp_name[type], type, len,
                   sizeof(msg->payload));
        return false;
    }
    if (qemu_get_buffer(rp, msg->payload, len) != len ||
        qemu_file_get_error(rp)) {
        error_setg(errp, "Failed reading data for message 0x%04x "
                   "length 0x%04x", type, len);
        return false;
    }
    msg->type = type;
    msg->len = len;
    msg->value = rp_fixed_len[type] == 4 ? ldl_be_p(msg->payload) : 0;
    return true;
}

/* ------------------------------------------------------------- writers */

int migrate_send_rp_message(MigrationIncomingState *mis,
                            enum mig_rp_message_type type,
                            uint16_t len, const void *data)
{
    return migrate_send_rp_message_with(mis, type, len, data, NULL, NULL);
}

static void migrate_send_rp_u32(MigrationIncomingState *mis,
                                enum mig_rp_message_type type,
                                uint32_t value)
{
    uint8_t buf[4];

    stl_be_p(buf, value);
    migrate_send_rp_message(mis, type, sizeof(buf), buf);
}

void migrate_send_rp_shut(MigrationIncomingState *mis, uint32_t value)
{
    migrate_send_rp_u32(mis, MIG_RP_MSG_SHUT, value);
}

void migrate_send_rp_pong(MigrationIncomingState *mis, uint32_t value)
{
    migrate_send_rp_u32(mis, MIG_RP_MSG_PONG, value);
}

void migrate_send_rp_resume_ack(MigrationIncomingState *mis, uint32_t value)
{
    migrate_send_rp_u32(mis, MIG_RP_MSG_RESUME_ACK, value);
}

int migrate_send_rp_message_with(MigrationIncomingState *mis,
                                 enum mig_rp_message_type type,
                                 uint16_t len, const void *data,
                                 void (*put)(QEMUFile *f, void *opaque),
                                 void *opaque)
{
    QEMU_LOCK_GUARD(&mis->rp_mutex);

    trace_migrate_send_rp_message(type, len);
    if (!mis->to_src_file) {
        return -EIO;
    }
    qemu_put_be16(mis->to_src_file, type);
    qemu_put_be16(mis->to_src_file, len);
    qemu_put_buffer(mis->to_src_file, data, len);
    if (put) {
        put(mis->to_src_file, opaque);
    }
    qemu_fflush(mis->to_src_file);
    return qemu_file_get_error(mis->to_src_file);
}

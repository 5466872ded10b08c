/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading one return-path message: the header, the checks of type and
 * length against the message table, and the payload.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
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
        error_setg(errp, "Failed to read return path header");
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * COLO messages: a be32 COLOMessage on the stream (primary to secondary)
 * or on its return direction (secondary to primary), flushed at once
 * because the other side waits for each one.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "migration/colo-msg.h"
#include "migration/trace.h"

bool colo_send_message(QEMUFile *f, COLOMessage msg, Error **errp)
{
    int ret;

    qemu_put_be32(f, msg);
    qemu_fflush(f);
    ret = qemu_file_get_error(f);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Can't send COLO message");
        return false;
    }
    trace_colo_send_message(COLOMessage_str(msg));
    return true;
}

bool colo_send_message_value(QEMUFile *f, COLOMessage msg, uint64_t value,
                             Error **errp)
{
    int ret;

    if (!colo_send_message(f, msg, errp)) {
        return false;
    }
    qemu_put_be64(f, value);
    qemu_fflush(f);
    ret = qemu_file_get_error(f);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to send value for message:%s",
                         COLOMessage_str(msg));
        return false;
    }
    return true;
}

bool colo_receive_message(QEMUFile *f, COLOMessage *msg, Error **errp)
{
    uint32_t v = qemu_get_be32(f);
    int ret = qemu_file_get_error(f);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Can't receive COLO message");
        return false;
    }
    if (v >= COLO_MESSAGE__MAX) {
        error_setg(errp, "colo_receive_message: Invalid message");
        return false;
    }
    *msg = v;
    trace_colo_receive_message(COLOMessage_str(v));
    return true;
}

bool colo_receive_check_message(QEMUFile *f, COLOMessage expect,
                                Error **errp)
{
    COLOMessage msg;

    if (!colo_receive_message(f, &msg, errp)) {
        return false;
    }
    if (msg != expect) {
        error_setg(errp, "Unexpected COLO message %d, expected %d",
                   msg, expect);
        return false;
    }
    return true;
}

bool colo_receive_message_value(QEMUFile *f, COLOMessage expect,
                                uint64_t *value, Error **errp)
{
    int ret;

    if (!colo_receive_check_message(f, expect, errp)) {
        return false;
    }
    *value = qemu_get_be64(f);
    ret = qemu_file_get_error(f);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to get value for COLO message: "
                         "%s", COLOMessage_str(expect));
        return false;
    }
    return true;
}

uint8_t *colo_receive_device_state(QEMUFile *f, uint64_t max, uint64_t *size,
                                   Error **errp)
{
    g_autofree uint8_t *buf = NULL;
    size_t got;

    if (!colo_receive_message_value(f, COLO_MESSAGE_VMSTATE_SIZE, size,
                                    errp)) {
        return NULL;
    }
    if (*size > max) {
        error_setg(errp, "COLO: device state of %" PRIu64 " bytes is more "
                   "than the %" PRIu64 " accepted", *size, max);
        return NULL;
    }
    buf = g_malloc(*size ?: 1);
    got = qemu_get_buffer(f, buf, *size);
    if (got != *size) {
        error_setg(errp, "Got %zu VMState data, less than expected %" PRIu64,
                   got, *size);
        return NULL;
    }
    return g_steal_pointer(&buf);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd without compression: the payload is the normal pages, sent
 * straight from guest memory and read straight into it.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "migration/multifd-nocomp.h"
#include "migration/multifd-packet.h"

static bool nocomp_send_setup(MultiFDSendParams *p, Error **errp)
{
    return true;
}

static void nocomp_send_cleanup(MultiFDSendParams *p)
{
}

static bool nocomp_send_prepare(MultiFDSendParams *p, Error **errp)
{
    for (uint32_t i = 0; i < p->normal_num; i++) {
        p->iov[p->iovs_num].iov_base = p->host + p->offset[i];
        p->iov[p->iovs_num].iov_len = p->page_size;
        p->iovs_num++;
    }
    p->next_packet_size = p->normal_num * p->page_size;
    p->flags |= MULTIFD_FLAG_NOCOMP;
    p->payload_in_ram = true;
    return true;
}

static bool nocomp_recv_setup(MultiFDRecvParams *p, Error **errp)
{
    return true;
}

static void nocomp_recv_cleanup(MultiFDRecvParams *p)
{
}

bool multifd_recv_check_flags(MultiFDRecvParams *p, uint32_t flag,
                              Error **errp)
{
    uint32_t flags = p->flags & MULTIFD_FLAG_COMPRESSION_MASK;

    if (flags != flag) {
        error_setg(errp, "multifd %u: flags received %x (%s) flags expected "
                   "%x (%s)", p->id, flags,
                   multifd_flag_compression_name(flags), flag,
                   multifd_flag_compression_name(flag));
        return false;
    }
    return true;
}

bool multifd_recv_read_payload(MultiFDRecvParams *p, uint32_t flag,
                               uint8_t *buf, uint32_t buf_len, Error **errp)
{
    if (!p->normal_num) {
        /*
         * No payload, whatever next_packet_size says, and no compression
         * flag to check: QEMU 7.2's SYNC packets repeat the previous
         * packet's size and leave the compression bits 0.
         */
        return true;
    }
    if (!multifd_recv_check_flags(p, flag, errp)) {
        return false;
    }
    if (p->next_packet_size > buf_len) {
        error_setg(errp, "multifd %u: packet payload of %u bytes is larger "
                   "than the %u bytes a packet may need", p->id,
                   p->next_packet_size, buf_len);
        return false;
    }
    return qio_channel_read_all(p->c, (char *)buf, p->next_packet_size,
                                errp) == 0;
}

static bool nocomp_recv(MultiFDRecvParams *p, Error **errp)
{
    if (!p->normal_num) {
        /* QEMU 7.2's SYNC packets repeat the last next_packet_size. */
        return true;
    }
    if (!multifd_recv_check_flags(p, MULTIFD_FLAG_NOCOMP, errp)) {
        return false;
    }
    if (p->next_packet_size != p->normal_num * p->page_size) {
        error_setg(errp, "multifd %u: packet payload of %u bytes, expected "
                   "%u for %u pages", p->id, p->next_packet_size,
                   p->normal_num * p->page_size, p->normal_num);
        return false;
    }
    for (uint32_t i = 0; i < p->normal_num; i++) {
        p->iov[i].iov_base = p->host + p->offset[i];
        p->iov[i].iov_len = p->page_size;
    }
    return qio_channel_readv_all(p->c, p->iov, p->normal_num, errp) == 0;
}

const MultiFDMethods multifd_nocomp_ops = {
    .name = "none",
    .send_setup = nocomp_send_setup,
    .send_cleanup = nocomp_send_cleanup,
    .send_prepare = nocomp_send_prepare,
    .recv_setup = nocomp_recv_setup,
    .recv_cleanup = nocomp_recv_cleanup,
    .recv = nocomp_recv,
};

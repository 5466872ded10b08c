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
    return true;
}

static bool nocomp_recv_setup(MultiFDRecvParams *p, Error **errp)
{
    return true;
}

static void nocomp_recv_cleanup(MultiFDRecvParams *p)
{
}

static bool nocomp_recv(MultiFDRecvParams *p, Error **errp)
{
    uint32_t flags = p->flags & MULTIFD_FLAG_COMPRESSION_MASK;

    if (flags != MULTIFD_FLAG_NOCOMP) {
        error_setg(errp, "multifd %u: flags received %x (%s) flags expected "
                   "%x (none)", p->id, flags,
                   multifd_flag_compression_name(flags), MULTIFD_FLAG_NOCOMP);
        return false;
    }
    if (!p->normal_num) {
        /* QEMU 7.2's SYNC packets repeat the last next_packet_size. */
        return true;
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

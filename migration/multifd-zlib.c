/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd with zlib (multifd-compression=zlib, multifd-zlib-level).
 *
 * Each channel keeps one deflate stream for the whole migration: a
 * packet's payload is its normal pages deflated one after the other,
 * the last with Z_SYNC_FLUSH so that the receiver can inflate every
 * page of the packet before the next packet arrives.  The receiver's
 * inflate stream runs across packets the same way (QEMU's format).
 */
#include "qemu/osdep.h"
#include <zlib.h>
#include "qapi/error.h"
#include "migration/multifd-nocomp.h"
#include "migration/multifd-packet.h"
#include "migration/multifd-zlib.h"

typedef struct ZlibData {
    z_stream zs;
    uint8_t *zbuff;         /* compressed payload */
    uint32_t zbuff_len;
    uint8_t *page;          /* a stable copy of the page being deflated */
} ZlibData;

static bool zlib_send_setup(MultiFDSendParams *p, Error **errp)
{
    ZlibData *z = g_new0(ZlibData, 1);

    if (deflateInit(&z->zs, p->level) != Z_OK) {
        error_setg(errp, "multifd %u: deflate init failed (level %d)",
                   p->id, p->level);
        g_free(z);
        return false;
    }
    z->zbuff_len = multifd_compress_buf_len(p->page_count, p->page_size);
    z->zbuff = g_malloc(z->zbuff_len);
    z->page = g_malloc(p->page_size);
    p->compress = z;
    return true;
}

static void zlib_send_cleanup(MultiFDSendParams *p)
{
    ZlibData *z = p->compress;

    if (z) {
        deflateEnd(&z->zs);
        g_free(z->zbuff);
        g_free(z->page);
        g_free(z);
        p->compress = NULL;
    }
}

static bool zlib_send_prepare(MultiFDSendParams *p, Error **errp)
{
    ZlibData *z = p->compress;
    z_stream *zs = &z->zs;
    uint32_t out_size = 0;
    int ret;

    for (uint32_t i = 0; i < p->normal_num; i++) {
        uint32_t available = z->zbuff_len - out_size;
        int flush = i == p->normal_num - 1 ? Z_SYNC_FLUSH : Z_NO_FLUSH;

        /*
         * The guest may write the page meanwhile; deflate must see one
         * version of it (a later write dirties the page again).
         */
        memcpy(z->page, p->host + p->offset[i], p->page_size);
        zs->next_in = z->page;
        zs->avail_in = p->page_size;
        zs->next_out = z->zbuff + out_size;
        zs->avail_out = available;
        do {
            ret = deflate(zs, flush);
        } while (ret == Z_OK && zs->avail_in && zs->avail_out);
        if (ret == Z_OK && zs->avail_in) {
            error_setg(errp, "multifd %u: deflate failed to compress all "
                       "input", p->id);
            return false;
        }
        if (ret != Z_OK) {
            error_setg(errp, "multifd %u: deflate returned %d instead of "
                       "Z_OK", p->id, ret);
            return false;
        }
        out_size += available - zs->avail_out;
    }
    if (out_size) {
        p->iov[p->iovs_num].iov_base = z->zbuff;
        p->iov[p->iovs_num].iov_len = out_size;
        p->iovs_num++;
    }
    p->next_packet_size = out_size;
    p->flags |= MULTIFD_FLAG_ZLIB;
    return true;
}

static bool zlib_recv_setup(MultiFDRecvParams *p, Error **errp)
{
    ZlibData *z = g_new0(ZlibData, 1);

    if (inflateInit(&z->zs) != Z_OK) {
        error_setg(errp, "multifd %u: inflate init failed", p->id);
        g_free(z);
        return false;
    }
    z->zbuff_len = multifd_compress_buf_len(p->page_count, p->page_size);
    z->zbuff = g_malloc(z->zbuff_len);
    p->compress = z;
    return true;
}

static void zlib_recv_cleanup(MultiFDRecvParams *p)
{
    ZlibData *z = p->compress;

    if (z) {
        inflateEnd(&z->zs);
        g_free(z->zbuff);
        g_free(z);
        p->compress = NULL;
    }
}

static bool zlib_recv(MultiFDRecvParams *p, Error **errp)
{
    ZlibData *z = p->compress;
    z_stream *zs = &z->zs;
    uint32_t in_size = p->next_packet_size;
    uint64_t out_start = zs->total_out;
    uint64_t out_size;
    int ret;

    if (!multifd_recv_read_payload(p, MULTIFD_FLAG_ZLIB, z->zbuff, z->zbuff_len,
                                   errp)) {
        return false;
    }
    if (!p->normal_num) {
        return true;
    }
    zs->next_in = z->zbuff;
    zs->avail_in = in_size;
    for (uint32_t i = 0; i < p->normal_num; i++) {
        int flush = i == p->normal_num - 1 ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        uint64_t start = zs->total_out;

        zs->next_out = p->host + p->offset[i];
        zs->avail_out = p->page_size;
        do {
            ret = inflate(zs, flush);
        } while (ret == Z_OK && zs->avail_in &&
                 zs->total_out - start < p->page_size);
        if (ret == Z_OK && zs->total_out - start < p->page_size) {
            error_setg(errp, "multifd %u: inflate generated too few output "
                       "(page %u of %u)", p->id, i + 1, p->normal_num);
            return false;
        }
        if (ret != Z_OK) {
            error_setg(errp, "multifd %u: inflate returned %d instead of "
                       "Z_OK%s%s", p->id, ret, zs->msg ? ": " : "",
                       zs->msg ? zs->msg : "");
            return false;
        }
    }
    out_size = zs->total_out - out_start;
    if (out_size != (uint64_t)p->normal_num * p->page_size) {
        error_setg(errp, "multifd %u: packet size received %" PRIu64
                   " size expected %u", p->id, out_size,
                   p->normal_num * p->page_size);
        return false;
    }
    return true;
}

const MultiFDMethods multifd_zlib_ops = {
    .name = "zlib",
    .send_setup = zlib_send_setup,
    .send_cleanup = zlib_send_cleanup,
    .send_prepare = zlib_send_prepare,
    .recv_setup = zlib_recv_setup,
    .recv_cleanup = zlib_recv_cleanup,
    .recv = zlib_recv,
};

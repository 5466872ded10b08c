/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd with zstd (multifd-compression=zstd, multifd-zstd-level).
 *
 * As with zlib, each channel keeps one zstd stream for the whole
 * migration; a packet's payload is its normal pages compressed in turn,
 * the last one flushed (ZSTD_e_flush) so that the packet decodes on its
 * own given the stream before it.
 */
#include "qemu/osdep.h"
#include <zstd.h>
#include "qapi/error.h"
#include "migration/multifd-nocomp.h"
#include "migration/multifd-packet.h"
#include "migration/multifd-zstd.h"

typedef struct ZstdData {
    ZSTD_CStream *zcs;
    ZSTD_DStream *zds;
    uint8_t *zbuff;
    uint32_t zbuff_len;
} ZstdData;

static bool zstd_send_setup(MultiFDSendParams *p, Error **errp)
{
    ZstdData *z = g_new0(ZstdData, 1);
    size_t ret;

    z->zcs = ZSTD_createCStream();
    if (!z->zcs) {
        error_setg(errp, "multifd %u: zstd createCStream failed", p->id);
        g_free(z);
        return false;
    }
    ret = ZSTD_initCStream(z->zcs, p->level);
    if (ZSTD_isError(ret)) {
        error_setg(errp, "multifd %u: initCStream failed with error %s",
                   p->id, ZSTD_getErrorName(ret));
        ZSTD_freeCStream(z->zcs);
        g_free(z);
        return false;
    }
    z->zbuff_len = multifd_compress_buf_len(p->page_count, p->page_size);
    z->zbuff = g_malloc(z->zbuff_len);
    p->compress = z;
    return true;
}

static void zstd_send_cleanup(MultiFDSendParams *p)
{
    ZstdData *z = p->compress;

    if (z) {
        ZSTD_freeCStream(z->zcs);
        g_free(z->zbuff);
        g_free(z);
        p->compress = NULL;
    }
}

static bool zstd_send_prepare(MultiFDSendParams *p, Error **errp)
{
    ZstdData *z = p->compress;
    ZSTD_outBuffer out = { .dst = z->zbuff, .size = z->zbuff_len };
    size_t ret = 0;

    for (uint32_t i = 0; i < p->normal_num; i++) {
        bool last = i == p->normal_num - 1;
        ZSTD_EndDirective mode = last ? ZSTD_e_flush : ZSTD_e_continue;
        ZSTD_inBuffer in = { .src = p->host + p->offset[i],
                             .size = p->page_size };

        /*
         * zstd copies its input into its window before compressing, so
         * a guest write meanwhile gives one version of the page.
         */
        do {
            ret = ZSTD_compressStream2(z->zcs, &out, &in, mode);
        } while (!ZSTD_isError(ret) && out.pos < out.size &&
                 (in.pos < in.size || (last && ret > 0)));
        if (ZSTD_isError(ret)) {
            error_setg(errp, "multifd %u: compressStream error %s", p->id,
                       ZSTD_getErrorName(ret));
            return false;
        }
        if (in.pos < in.size || (last && ret > 0)) {
            error_setg(errp, "multifd %u: compressStream buffer too small",
                       p->id);
            return false;
        }
    }
    if (out.pos) {
        p->iov[p->iovs_num].iov_base = z->zbuff;
        p->iov[p->iovs_num].iov_len = out.pos;
        p->iovs_num++;
    }
    p->next_packet_size = out.pos;
    p->flags |= MULTIFD_FLAG_ZSTD;
    return true;
}

static bool zstd_recv_setup(MultiFDRecvParams *p, Error **errp)
{
    ZstdData *z = g_new0(ZstdData, 1);
    size_t ret;

    z->zds = ZSTD_createDStream();
    if (!z->zds) {
        error_setg(errp, "multifd %u: zstd createDStream failed", p->id);
        g_free(z);
        return false;
    }
    ret = ZSTD_initDStream(z->zds);
    if (ZSTD_isError(ret)) {
        error_setg(errp, "multifd %u: initDStream failed with error %s",
                   p->id, ZSTD_getErrorName(ret));
        ZSTD_freeDStream(z->zds);
        g_free(z);
        return false;
    }
    z->zbuff_len = multifd_compress_buf_len(p->page_count, p->page_size);
    z->zbuff = g_malloc(z->zbuff_len);
    p->compress = z;
    return true;
}

static void zstd_recv_cleanup(MultiFDRecvParams *p)
{
    ZstdData *z = p->compress;

    if (z) {
        ZSTD_freeDStream(z->zds);
        g_free(z->zbuff);
        g_free(z);
        p->compress = NULL;
    }
}

static bool zstd_recv(MultiFDRecvParams *p, Error **errp)
{
    ZstdData *z = p->compress;
    uint32_t in_size = p->next_packet_size;
    ZSTD_inBuffer in = { .src = z->zbuff, .size = in_size };
    size_t ret;

    if (!multifd_recv_read_payload(p, MULTIFD_FLAG_ZSTD, z->zbuff, z->zbuff_len,
                                   errp)) {
        return false;
    }
    if (!p->normal_num) {
        return true;
    }
    for (uint32_t i = 0; i < p->normal_num; i++) {
        ZSTD_outBuffer out = { .dst = p->host + p->offset[i],
                               .size = p->page_size };

        do {
            ret = ZSTD_decompressStream(z->zds, &out, &in);
        } while (!ZSTD_isError(ret) && out.pos < out.size &&
                 in.pos < in.size);
        if (ZSTD_isError(ret)) {
            error_setg(errp, "multifd %u: decompressStream returned %s",
                       p->id, ZSTD_getErrorName(ret));
            return false;
        }
        if (out.pos < out.size) {
            error_setg(errp, "multifd %u: packet decompressed to %u pages "
                       "and %zu bytes, expected %u pages", p->id, i, out.pos,
                       p->normal_num);
            return false;
        }
    }
    /* What is left can only be block framing: it decodes to nothing. */
    while (in.pos < in.size) {
        uint8_t dummy;
        ZSTD_outBuffer none = { .dst = &dummy, .size = 0 };
        size_t before = in.pos;

        ret = ZSTD_decompressStream(z->zds, &none, &in);
        if (ZSTD_isError(ret) || in.pos == before) {
            break;
        }
    }
    if (in.pos < in.size) {
        error_setg(errp, "multifd %u: %zu bytes of the packet left after "
                   "its %u pages", p->id, in.size - in.pos, p->normal_num);
        return false;
    }
    return true;
}

const MultiFDMethods multifd_zstd_ops = {
    .name = "zstd",
    .send_setup = zstd_send_setup,
    .send_cleanup = zstd_send_cleanup,
    .send_prepare = zstd_send_prepare,
    .recv_setup = zstd_recv_setup,
    .recv_cleanup = zstd_recv_cleanup,
    .recv = zstd_recv,
};

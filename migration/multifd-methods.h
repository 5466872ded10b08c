/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a multifd compression backend sees of a channel, and the method
 * table it fills.  Types only: multifd.c owns the channels and threads
 * and calls the backends through MultiFDMethods; a backend never calls
 * back into multifd.c.
 */
#ifndef MIGRATION_MULTIFD_METHODS_H
#define MIGRATION_MULTIFD_METHODS_H

#include "io/channel.h"
#include "qapi/qapi-types-migration.h"

/* One send channel's current batch and output (the send thread's own). */
typedef struct MultiFDSendParams {
    uint8_t id;
    uint32_t page_size;
    uint32_t page_count;            /* pages per packet */
    /* Settings of this migration, copied at setup. */
    ZeroPageDetection zero_page_detection;
    int level;                      /* zlib / zstd level */
    bool zero_copy;                 /* zero-copy-send: pages by MSG_ZEROCOPY */
    /* The batch: @num pages of one block, by offset. */
    uint8_t *host;                  /* the block's memory */
    const char *block_name;
    uint32_t num;
    uint64_t *offset;               /* @page_count slots */
    /* Zero-page detection moved the normal pages first: */
    uint32_t normal_num;
    /* Filled by send_prepare: flags, payload size, payload in iov[1..]. */
    uint32_t flags;
    uint32_t next_packet_size;
    struct iovec *iov;              /* page_count + 1; [0] is the header */
    int iovs_num;
    bool payload_in_ram;            /* iov[1..] point into guest RAM */
    /* The backend's state. */
    void *compress;
} MultiFDSendParams;

/* One receive channel's current packet (the receive thread's own). */
typedef struct MultiFDRecvParams {
    uint8_t id;
    QIOChannel *c;
    uint32_t page_size;
    uint32_t page_count;
    /* From the packet header: */
    uint32_t flags;
    uint32_t next_packet_size;
    uint8_t *host;                  /* the named block's memory */
    uint32_t normal_num;
    uint32_t zero_num;
    uint64_t *offset;               /* normal pages, then zero pages */
    struct iovec *iov;              /* @page_count */
    void *compress;
} MultiFDRecvParams;

/*
 * A backend.  send_prepare turns the normal pages of the batch into the
 * payload (iov[1..iovs_num), next_packet_size, its compression flag);
 * recv reads next_packet_size payload bytes from the channel into the
 * normal pages.  Setup allocates the per-channel state (a compression
 * stream lives as long as the channel: QEMU's zlib and zstd streams run
 * across packets), cleanup frees it.  All return false / -1 with @errp.
 */
typedef struct MultiFDMethods {
    const char *name;
    bool (*send_setup)(MultiFDSendParams *p, Error **errp);
    void (*send_cleanup)(MultiFDSendParams *p);
    bool (*send_prepare)(MultiFDSendParams *p, Error **errp);
    bool (*recv_setup)(MultiFDRecvParams *p, Error **errp);
    void (*recv_cleanup)(MultiFDRecvParams *p);
    bool (*recv)(MultiFDRecvParams *p, Error **errp);
} MultiFDMethods;

/*
 * The compressed payload buffer of a zlib or zstd channel: twice a
 * packet's pages, far above either library's worst case.
 */
static inline uint32_t multifd_compress_buf_len(uint32_t page_count,
                                                uint32_t page_size)
{
    return page_count * page_size * 2;
}

#endif /* MIGRATION_MULTIFD_METHODS_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Multifd without compression: pages as they are. */
#ifndef MIGRATION_MULTIFD_NOCOMP_H
#define MIGRATION_MULTIFD_NOCOMP_H

#include "migration/multifd-methods.h"

extern const MultiFDMethods multifd_nocomp_ops;

/*
 * For every backend's recv: the packet's compression flag must be @flag
 * (else an error naming both).
 */
bool multifd_recv_check_flags(MultiFDRecvParams *p, uint32_t flag,
                              Error **errp);
/*
 * Check the flag, then read the payload (at most @buf_len bytes) into
 * @buf.  A packet without normal pages has neither (QEMU 7.2 leaves the
 * compression bits of its SYNC packets 0).
 */
bool multifd_recv_read_payload(MultiFDRecvParams *p, uint32_t flag,
                               uint8_t *buf, uint32_t buf_len, Error **errp);

#endif /* MIGRATION_MULTIFD_NOCOMP_H */

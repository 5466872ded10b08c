/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zero-page-detection=multifd: zero pages found by the send threads
 * travel as offsets in the packet header, without their bytes.
 */
#ifndef MIGRATION_MULTIFD_ZERO_PAGE_H
#define MIGRATION_MULTIFD_ZERO_PAGE_H

#include "migration/multifd-methods.h"

/*
 * Put the batch's normal pages first and its zero pages after them, and
 * set normal_num.  Without zero-page-detection=multifd every page is
 * normal.
 */
void multifd_send_zero_page_detect(MultiFDSendParams *p);

/* Clear the packet's zero pages (unless they read as zero already). */
void multifd_recv_zero_page_process(MultiFDRecvParams *p);

#endif /* MIGRATION_MULTIFD_ZERO_PAGE_H */

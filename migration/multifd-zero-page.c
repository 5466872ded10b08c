/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Zero pages in multifd packets (zero-page-detection=multifd).  The send
 * thread, not the migration thread, reads each page: the test costs as
 * much as reading the page, so it spreads over the channels.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "migration/multifd-zero-page.h"

void multifd_send_zero_page_detect(MultiFDSendParams *p)
{
    uint32_t i = 0, j;

    if (p->zero_page_detection != ZERO_PAGE_DETECTION_MULTIFD) {
        p->normal_num = p->num;
        return;
    }
    /* Partition in place: [0, i) normal, [j, num) zero. */
    j = p->num;
    while (i < j) {
        if (!buffer_is_zero(p->host + p->offset[i], p->page_size)) {
            i++;
        } else {
            uint64_t t = p->offset[--j];

            p->offset[j] = p->offset[i];
            p->offset[i] = t;
        }
    }
    p->normal_num = i;
}

void multifd_recv_zero_page_process(MultiFDRecvParams *p)
{
    for (uint32_t i = 0; i < p->zero_num; i++) {
        uint8_t *page = p->host + p->offset[p->normal_num + i];

        /* Reading untouched memory allocates nothing; writing would. */
        if (!buffer_is_zero(page, p->page_size)) {
            memset(page, 0, p->page_size);
        }
    }
}

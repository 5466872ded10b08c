/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Self-announcements (net/announce.c): gratuitous RARP frames from every
 * NIC, on a timer with QEMU's AnnounceParameters.
 */
#ifndef NET_ANNOUNCE_H
#define NET_ANNOUNCE_H

#include "qapi/qapi-types-net.h"

/* Start (or restart, by id) the announcements @params describe. */
void qemu_announce_self(const AnnounceParameters *params);
/* Write the 60-byte RARP frame for @mac into @buf; returns 60. */
size_t announce_self_create(uint8_t *buf, const uint8_t *mac);

#endif /* NET_ANNOUNCE_H */

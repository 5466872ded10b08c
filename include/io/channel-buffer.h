/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOChannelBuffer: a growable in-memory byte buffer as a channel.
 * Writes go at @offset (growing @usage), reads come from @offset up to
 * @usage and return end of file after that.  It never blocks.  Used by
 * tests and for packaging a stream in memory (postcopy, COLO).
 */
#ifndef QIO_CHANNEL_BUFFER_H
#define QIO_CHANNEL_BUFFER_H

#include "io/channel.h"

#define TYPE_QIO_CHANNEL_BUFFER "qio-channel-buffer"
OBJECT_DECLARE_SIMPLE_TYPE(QIOChannelBuffer, QIO_CHANNEL_BUFFER)

struct QIOChannelBuffer {
    QIOChannel parent;
    size_t capacity;            /* allocated size of @data */
    size_t usage;               /* bytes of @data holding content */
    size_t offset;              /* next read/write position */
    uint8_t *data;
};

/* A new empty buffer with @capacity bytes preallocated. */
QIOChannelBuffer *qio_channel_buffer_new(size_t capacity);

#endif /* QIO_CHANNEL_BUFFER_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOChannelNull: writes are discarded, reads see end of file.  Handy to
 * measure a stream's size without storing it.
 */
#ifndef QIO_CHANNEL_NULL_H
#define QIO_CHANNEL_NULL_H

#include "io/channel.h"

#define TYPE_QIO_CHANNEL_NULL "qio-channel-null"
OBJECT_DECLARE_SIMPLE_TYPE(QIOChannelNull, QIO_CHANNEL_NULL)

struct QIOChannelNull {
    QIOChannel parent;
    bool closed;
};

QIOChannelNull *qio_channel_null_new(void);

#endif /* QIO_CHANNEL_NULL_H */

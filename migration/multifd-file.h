/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapped-ram with multifd, destination: the multifd channels are extra
 * handles on the migration file, each with a thread (mig/dst/recv_N)
 * that reads the ranges of pages the load hands it straight into guest
 * memory (docs/devel/migration-multifd.md, "Mapped-ram").
 */
#ifndef MIGRATION_MULTIFD_FILE_H
#define MIGRATION_MULTIFD_FILE_H

#include "io/channel.h"

/*
 * Start @n threads, each on its own handle of @main's file (with
 * O_DIRECT for @direct_io).  False with @errp if a handle cannot be had.
 */
bool multifd_file_recv_start(QIOChannel *main, int n, bool direct_io,
                             Error **errp);
bool multifd_file_recv_started(void);
/*
 * The load: @size bytes at @pos of the file into @host, by the next
 * free thread (waits while all are busy).  False if a read failed.
 */
bool multifd_file_recv_queue(uint8_t *host, size_t size, uint64_t pos,
                             Error **errp);
/* Wait until every queued read is done; false with the first error. */
bool multifd_file_recv_wait(Error **errp);
/* Stop and join the threads, close the handles. */
void multifd_file_recv_cleanup(void);

#endif /* MIGRATION_MULTIFD_FILE_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A TCP link between a migration's two ends that the test controls: a
 * thread forwards every connection made to it to the destination's
 * address, and the test can hold the traffic or cut the link (each
 * connection is shut down both ways, as a failing network or a middle
 * box resetting it would), which neither end asked for.
 */
#ifndef TESTS_QTEST_MIGRATION_LINK_H
#define TESTS_QTEST_MIGRATION_LINK_H

typedef struct MigLink MigLink;

/* Listen on 127.0.0.1 and forward to @dst_uri ("tcp:HOST:PORT"). */
MigLink *mig_link_new(const char *dst_uri);
/* "tcp:127.0.0.1:PORT": where the source connects. */
const char *mig_link_uri(MigLink *link);
/*
 * While held, connections are still accepted and made to the
 * destination, but no byte passes either way.
 */
void mig_link_hold(MigLink *link, bool hold);
/* Shut every connection down both ways; later connections pass. */
void mig_link_cut(MigLink *link);
/* Connections accepted so far. */
int mig_link_connections(MigLink *link);
/* Wait (bounded) until @n connections have been accepted. */
void mig_link_wait_connections(MigLink *link, int n);
/* Stop the thread, close everything. */
void mig_link_free(MigLink *link);

#endif

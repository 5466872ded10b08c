/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netdev backends' constructors, called by net/net.c for -netdev
 * and netdev_add.  Each creates one client named @name.
 */
#ifndef NET_CLIENTS_H
#define NET_CLIENTS_H

#include "net/net.h"

bool net_init_user(const NetdevUserOptions *opts, const char *name,
                   Error **errp);
bool net_init_socket(const NetdevSocketOptions *opts, const char *name,
                     Error **errp);
bool net_init_tap(const NetdevTapOptions *opts, const char *name,
                  Error **errp);

#endif /* NET_CLIENTS_H */

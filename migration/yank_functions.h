/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "migration" yank instance: registered while a migration (either
 * side) runs, with a function per network channel that shuts it down,
 * so that "yank" unsticks a migration whose peer stopped answering.
 */
#ifndef MIGRATION_YANK_FUNCTIONS_H
#define MIGRATION_YANK_FUNCTIONS_H

#include "io/channel.h"

/* Register the instance (dropping what a previous migration left). */
bool migration_yank_register(Error **errp);
/* Make yank shut @ioc down (a reference is held until unregister). */
void migration_ioc_register_yank(QIOChannel *ioc);
/* Remove every channel's function, then the instance; idempotent. */
void migration_yank_unregister(void);
/*
 * Did "yank" shut a channel of the current migration down?  The errors
 * that follow are its consequence, and the error-desc says so.
 */
bool migration_yanked(void);

#endif /* MIGRATION_YANK_FUNCTIONS_H */

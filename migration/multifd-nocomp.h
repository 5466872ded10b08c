/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Multifd without compression: pages as they are. */
#ifndef MIGRATION_MULTIFD_NOCOMP_H
#define MIGRATION_MULTIFD_NOCOMP_H

#include "migration/multifd-methods.h"

extern const MultiFDMethods multifd_nocomp_ops;

#endif /* MIGRATION_MULTIFD_NOCOMP_H */

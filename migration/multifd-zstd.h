/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Multifd with zstd: one zstd stream per channel. */
#ifndef MIGRATION_MULTIFD_ZSTD_H
#define MIGRATION_MULTIFD_ZSTD_H

#include "migration/multifd-methods.h"

extern const MultiFDMethods multifd_zstd_ops;

#endif /* MIGRATION_MULTIFD_ZSTD_H */

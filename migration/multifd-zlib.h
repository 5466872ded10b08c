/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Multifd with zlib: one deflate stream per channel. */
#ifndef MIGRATION_MULTIFD_ZLIB_H
#define MIGRATION_MULTIFD_ZLIB_H

#include "migration/multifd-methods.h"

extern const MultiFDMethods multifd_zlib_ops;

#endif /* MIGRATION_MULTIFD_ZLIB_H */

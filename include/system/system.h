/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Process-wide settings from the command line (-name, -uuid, -incoming,
 * -bios...) that other subsystems read.
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

#include "qemu/uuid.h"

/* -name NAME, or NULL. */
extern const char *qemu_name;
/* -uuid; qemu_uuid_set says whether one was given. */
extern QemuUUID qemu_uuid;
extern bool qemu_uuid_set;

/* -incoming URI|defer as given, or NULL (for migration). */
const char *qemu_get_incoming(void);
/* -bios FILE (also the machine's "firmware" property), or NULL. */
const char *qemu_get_bios_name(void);
/* -nographic / -display none: no display (always true in Tern). */
extern bool display_none;

/* The program's version line, shared by -version and query-version. */
#define TERN_QEMU_VERSION_MAJOR 10
#define TERN_QEMU_VERSION_MINOR 0
#define TERN_QEMU_VERSION_MICRO 0
#define TERN_QEMU_VERSION "10.0.0"

#endif /* SYSTEM_SYSTEM_H */

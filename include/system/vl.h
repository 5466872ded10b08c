/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The emulator's start-up and tear-down (system/vl.c), called by main(),
 * and what the command line set up for boards.
 */
#ifndef SYSTEM_VL_H
#define SYSTEM_VL_H

/* Parse the command line and build the VM; exits on any error. */
void qemu_init(int argc, char **argv);
/* After the main loop: exit notifiers, monitors. */
void qemu_cleanup(int status);

/* The chardev of -serial number @i (0-based), or NULL. */
Chardev *serial_hd(int i);

#endif /* SYSTEM_VL_H */

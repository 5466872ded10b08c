/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -device: create, configure and realize a device from
 * "driver=NAME,id=ID,prop=value..." (QEMU's qdev_device_add).
 */
#ifndef SYSTEM_QDEV_MONITOR_H
#define SYSTEM_QDEV_MONITOR_H

#include "qemu/option.h"

/* -device's options: any key; the implied first one is "driver". */
extern QemuOptsList qemu_device_opts;

/* Returns the realized device (owned by the composition tree) or NULL. */
DeviceState *qdev_device_add(QemuOpts *opts, Error **errp);
/* "-device help": the devices -device can create, one per line. */
void qdev_device_list_print(void);
/* "-device DRIVER,help": the driver's properties; false if unknown. */
bool qdev_device_help(const char *driver, Error **errp);

#endif /* SYSTEM_QDEV_MONITOR_H */

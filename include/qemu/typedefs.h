/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Forward declarations of the types that many headers pass around, so that
 * a header can name a pointer to one without including its definition.
 */
#ifndef QEMU_TYPEDEFS_H
#define QEMU_TYPEDEFS_H

typedef struct Error Error;
typedef struct QObject QObject;
typedef struct QDict QDict;
typedef struct QList QList;
typedef struct QString QString;
typedef struct QNum QNum;
typedef struct QBool QBool;
typedef struct QNull QNull;
typedef struct Visitor Visitor;
typedef struct Object Object;
typedef struct ObjectClass ObjectClass;
typedef struct DeviceState DeviceState;
typedef struct MachineState MachineState;
typedef struct Monitor Monitor;
typedef struct Chardev Chardev;
typedef struct QEMUFile QEMUFile;
typedef struct QEMUTimer QEMUTimer;
typedef struct QEMUBH QEMUBH;
typedef struct QemuOpts QemuOpts;
typedef struct QemuOptsList QemuOptsList;
typedef struct Notifier Notifier;
typedef struct NotifierList NotifierList;
typedef struct Coroutine Coroutine;
typedef struct QIOChannel QIOChannel;
typedef struct MigrationState MigrationState;
typedef struct MigrationIncomingState MigrationIncomingState;
typedef struct RAMBlock RAMBlock;
typedef struct MemoryRegion MemoryRegion;
typedef struct CPUState CPUState;
typedef struct VMStateDescription VMStateDescription;

#endif /* QEMU_TYPEDEFS_H */

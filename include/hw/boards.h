/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine types (TYPE_MACHINE): what a board is made of, chosen with -M.
 *
 * A machine type "NAME" is the QOM type "NAME-machine".  Versioned types
 * ("tern-1.0") carry compat properties that pin device defaults to what
 * that release did, and an alias ("tern") names the newest.  The machine
 * object is created by vl.c, put at /machine, configured from -machine,
 * -m and -smp, then mc->init builds the board.
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "qom/object.h"
#include "qapi/qapi-types-machine.h"
#include "qapi/qapi-types-run-state.h"
#include "system/memory.h"

#define TYPE_MACHINE_SUFFIX "-machine"
#define MACHINE_TYPE_NAME(machinename) (machinename TYPE_MACHINE_SUFFIX)
#define TYPE_MACHINE "machine"

typedef struct MachineClass MachineClass;
typedef struct HostMemoryBackend HostMemoryBackend;
typedef struct AccelState AccelState;

#define MACHINE(obj) OBJECT_CHECK(MachineState, (obj), TYPE_MACHINE)
#define MACHINE_CLASS(klass) \
    OBJECT_CLASS_CHECK(MachineClass, (klass), TYPE_MACHINE)
#define MACHINE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(MachineClass, (obj), TYPE_MACHINE)

/* -smp: the CPU topology. */
typedef struct CpuTopology {
    unsigned int cpus;
    unsigned int sockets;
    unsigned int dies;
    unsigned int clusters;
    unsigned int cores;
    unsigned int threads;
    unsigned int max_cpus;
} CpuTopology;

/*
 * -smp as given (QEMU's QAPI SMPConfiguration, which Tern's schema does
 * not carry since no QMP command takes it): has_X says X was given.
 */
typedef struct SMPConfiguration {
    bool has_cpus, has_sockets, has_dies, has_clusters, has_cores;
    bool has_threads, has_maxcpus;
    int64_t cpus, sockets, dies, clusters, cores, threads, maxcpus;
} SMPConfiguration;

struct MachineClass {
    ObjectClass parent_class;

    const char *family;         /* "tern" for tern-1.0, tern-1.1... */
    char *name;                 /* the type name without "-machine" */
    const char *alias;
    const char *desc;
    const char *deprecation_reason;

    void (*init)(MachineState *ms);
    /* NULL: run every registered reset handler. */
    void (*reset)(MachineState *ms, ShutdownCause reason);

    int max_cpus;
    int min_cpus;
    int default_cpus;
    bool is_default;
    bool no_serial, no_parallel, no_floppy, no_cdrom, no_sdcard;
    bool has_hotpluggable_cpus;
    bool numa_mem_supported;
    bool acpi;
    /* Older types prefer sockets over cores when -smp leaves both out. */
    bool smp_prefer_sockets;
    ram_addr_t default_ram_size;
    /* The RAM block / backend id of main RAM ("ram", "tern.ram"). */
    const char *default_ram_id;
    const char *default_cpu_type;
    /* GlobalProperty *, applied like -global (see compat_props_add). */
    GPtrArray *compat_props;
};

struct MachineState {
    Object parent_obj;

    /* Properties. */
    char *firmware;             /* "firmware" (-bios) */
    bool dump_guest_core;       /* "dump-guest-core" */
    bool mem_merge;             /* "mem-merge" */
    bool usb;
    bool enable_graphics;       /* "graphics" */
    char *ram_memdev_id;        /* "memory-backend" */

    /* From -m and -smp. */
    ram_addr_t ram_size;
    ram_addr_t maxram_size;
    uint64_t ram_slots;
    CpuTopology smp;

    /* Main RAM: the backend's region (mapped by mc->init). */
    MemoryRegion *ram;
    HostMemoryBackend *memdev;

    const char *cpu_type;
    AccelState *accelerator;
};

/* The machine being run (NULL until vl.c creates it). */
extern MachineState *current_machine;

/* The class of machine type @name (or alias), or NULL. */
MachineClass *find_machine(const char *name);
/* The default machine type (is_default), or NULL. */
MachineClass *find_default_machine(void);
/* Every non-abstract machine class, sorted for -machine help. */
GSList *machine_class_list_sorted(void);
/* -machine help: "Supported machines are:" and one line per type. */
void machine_help_func(void);

/* Append @nelem GlobalProperty entries of @props to @arr. */
void compat_props_add(GPtrArray *arr, GlobalProperty *props, size_t nelem);

/*
 * Parse -smp into ms->smp, QEMU's rules: missing values are computed,
 * the product of the topology must equal maxcpus, cpus <= maxcpus <=
 * mc->max_cpus.
 */
bool machine_parse_smp_config(MachineState *ms,
                              const SMPConfiguration *config, Error **errp);
/* Topology as "sockets (2) * cores (2) * threads (1)...". */
char *cpu_hierarchy_to_string(MachineState *ms);

/*
 * Create main RAM: with ms->ram_memdev_id, that backend; else a
 * memory-backend-ram "mc->default_ram_id" of ms->ram_size under
 * /objects.  Sets ms->ram and ms->memdev.  A no-op with no RAM.
 */
bool machine_create_ram(MachineState *ms, Error **errp);
/* Run mc->init (after machine_create_ram). */
bool machine_run_board_init(MachineState *ms, Error **errp);

/*
 * Define machine type "namestr" whose class_init is
 * machine_initfn(MachineClass *mc), as QEMU's DEFINE_MACHINE.
 */
#define DEFINE_MACHINE(namestr, machine_initfn)                            \
    static void machine_initfn##_class_init(ObjectClass *oc,               \
                                            const void *data)              \
    {                                                                      \
        MachineClass *mc = MACHINE_CLASS(oc);                              \
        machine_initfn(mc);                                                \
    }                                                                      \
    static const TypeInfo machine_initfn##_typeinfo = {                    \
        .name = MACHINE_TYPE_NAME(namestr),                                \
        .parent = TYPE_MACHINE,                                            \
        .class_init = machine_initfn##_class_init,                         \
    };                                                                     \
    static void machine_initfn##_register_types(void)                      \
    {                                                                      \
        type_register_static(&machine_initfn##_typeinfo);                  \
    }                                                                      \
    type_init(machine_initfn##_register_types)

/*
 * Versioned types: DEFINE_VERSIONED_MACHINE(tern, 1, 0, parent, fn)
 * defines "tern-1.0" as a child of @parent_type; fn(mc) sets the
 * version's options (compat properties, alias, is_default).
 */
#define DEFINE_VERSIONED_MACHINE(family_, major, minor, parent_type, fn)   \
    static void fn##_class_init(ObjectClass *oc, const void *data)         \
    {                                                                      \
        MachineClass *mc = MACHINE_CLASS(oc);                              \
        mc->family = #family_;                                             \
        fn(mc);                                                            \
    }                                                                      \
    static const TypeInfo fn##_typeinfo = {                                \
        .name = MACHINE_TYPE_NAME(#family_ "-" #major "." #minor),         \
        .parent = parent_type,                                             \
        .class_init = fn##_class_init,                                     \
    };                                                                     \
    static void fn##_register_types(void)                                  \
    {                                                                      \
        type_register_static(&fn##_typeinfo);                              \
    }                                                                      \
    type_init(fn##_register_types)

#endif /* HW_BOARDS_H */

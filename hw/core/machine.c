/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TYPE_MACHINE: the abstract machine, its properties, machine type lookup
 * and -machine help, -smp parsing, and main RAM creation.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qom/object_interfaces.h"
#include "hw/boards.h"
#include "system/hostmem.h"
#include "system/ram_addr.h"

MachineState *current_machine;

/* ------------------------------------------------------------------ */
/* Properties                                                         */

static char *machine_get_firmware(Object *obj, Error **errp)
{
    return g_strdup(MACHINE(obj)->firmware);
}

static void machine_set_firmware(Object *obj, const char *value,
                                 Error **errp)
{
    MachineState *ms = MACHINE(obj);

    g_free(ms->firmware);
    ms->firmware = g_strdup(value);
}

static char *machine_get_memdev(Object *obj, Error **errp)
{
    return g_strdup(MACHINE(obj)->ram_memdev_id);
}

static void machine_set_memdev(Object *obj, const char *value, Error **errp)
{
    MachineState *ms = MACHINE(obj);

    g_free(ms->ram_memdev_id);
    ms->ram_memdev_id = g_strdup(value);
}

#define MACHINE_BOOL_PROP(field)                                           \
    static bool machine_get_##field(Object *obj, Error **errp)             \
    {                                                                      \
        return MACHINE(obj)->field;                                        \
    }                                                                      \
    static void machine_set_##field(Object *obj, bool v, Error **errp)     \
    {                                                                      \
        MACHINE(obj)->field = v;                                           \
    }

MACHINE_BOOL_PROP(dump_guest_core)
MACHINE_BOOL_PROP(mem_merge)
MACHINE_BOOL_PROP(usb)
MACHINE_BOOL_PROP(enable_graphics)

static void machine_class_init(ObjectClass *oc, const void *data)
{
    object_class_property_add_str(oc, "firmware", machine_get_firmware,
                                  machine_set_firmware);
    object_class_property_set_description(oc, "firmware",
                                          "Firmware image");
    object_class_property_add_str(oc, "memory-backend", machine_get_memdev,
                                  machine_set_memdev);
    object_class_property_set_description(oc, "memory-backend",
        "Set RAM backend (valid value: ID of hostmem based backend)");
    object_class_property_add_bool(oc, "dump-guest-core",
                                   machine_get_dump_guest_core,
                                   machine_set_dump_guest_core);
    object_class_property_set_description(oc, "dump-guest-core",
        "Include guest memory in a core dump");
    object_class_property_add_bool(oc, "mem-merge", machine_get_mem_merge,
                                   machine_set_mem_merge);
    object_class_property_set_description(oc, "mem-merge",
        "Enable/disable memory merge support");
    object_class_property_add_bool(oc, "usb", machine_get_usb,
                                   machine_set_usb);
    object_class_property_set_description(oc, "usb",
        "Set on/off to enable/disable usb (no USB in Tern)");
    object_class_property_add_bool(oc, "graphics",
                                   machine_get_enable_graphics,
                                   machine_set_enable_graphics);
    object_class_property_set_description(oc, "graphics",
        "Set on/off to enable/disable graphics emulation");
}

/* Every machine class gets its own name and compat property array. */
static void machine_class_base_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const char *cname = object_class_get_name(oc);

    if (g_str_has_suffix(cname, TYPE_MACHINE_SUFFIX)) {
        mc->name = g_strndup(cname,
                             strlen(cname) - strlen(TYPE_MACHINE_SUFFIX));
    }
    mc->compat_props = g_ptr_array_new();
    mc->is_default = false;
    mc->alias = NULL;
}

static void machine_initfn(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    MachineClass *mc = MACHINE_GET_CLASS(obj);

    ms->dump_guest_core = true;
    ms->mem_merge = true;
    ms->enable_graphics = true;
    ms->ram_size = mc->default_ram_size;
    ms->maxram_size = mc->default_ram_size;
    ms->smp.cpus = mc->default_cpus ? mc->default_cpus : 1;
    ms->smp.max_cpus = ms->smp.cpus;
    ms->smp.sockets = ms->smp.dies = ms->smp.clusters = 1;
    ms->smp.cores = ms->smp.threads = 1;
    ms->cpu_type = mc->default_cpu_type;
}

static void machine_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    g_free(ms->firmware);
    g_free(ms->ram_memdev_id);
    if (current_machine == ms) {
        current_machine = NULL;
    }
}

static const TypeInfo machine_info = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .class_size = sizeof(MachineClass),
    .class_init = machine_class_init,
    .class_base_init = machine_class_base_init,
    .instance_size = sizeof(MachineState),
    .instance_init = machine_initfn,
    .instance_finalize = machine_finalize,
};

static void machine_register_types(void)
{
    type_register_static(&machine_info);
}

type_init(machine_register_types)

void compat_props_add(GPtrArray *arr, GlobalProperty *props, size_t nelem)
{
    for (size_t i = 0; i < nelem; i++) {
        g_ptr_array_add(arr, &props[i]);
    }
}

/* ------------------------------------------------------------------ */
/* Machine types                                                      */

MachineClass *find_machine(const char *name)
{
    g_autoptr(GSList) list = object_class_get_list(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *el = list; el; el = el->next) {
        MachineClass *mc = el->data;

        if (!strcmp(mc->name, name) || (mc->alias &&
                                        !strcmp(mc->alias, name))) {
            found = mc;
            break;
        }
    }
    return found;
}

MachineClass *find_default_machine(void)
{
    g_autoptr(GSList) list = object_class_get_list(TYPE_MACHINE, false);

    for (GSList *el = list; el; el = el->next) {
        MachineClass *mc = el->data;

        if (mc->is_default) {
            return mc;
        }
    }
    /* Until a board claims the default, "none" is it. */
    return find_machine("none");
}

/*
 * Families together, newest version first inside a family (so the alias
 * line comes right before its target), as QEMU lists them.
 */
static gint machine_class_cmp(gconstpointer a, gconstpointer b)
{
    const MachineClass *ma = a, *mb = b;
    const char *fa = ma->family ? ma->family : ma->name;
    const char *fb = mb->family ? mb->family : mb->name;
    int r = strcmp(fa, fb);

    if (r) {
        return r;
    }
    return -g_strcmp0(ma->name, mb->name);
}

GSList *machine_class_list_sorted(void)
{
    return g_slist_sort(object_class_get_list(TYPE_MACHINE, false),
                        machine_class_cmp);
}

void machine_help_func(void)
{
    g_autoptr(GSList) list = machine_class_list_sorted();
    MachineClass *def = find_default_machine();

    printf("Supported machines are:\n");
    for (GSList *el = list; el; el = el->next) {
        MachineClass *mc = el->data;

        if (mc->alias) {
            printf("%-20s %s (alias of %s)\n", mc->alias, mc->desc,
                   mc->name);
        }
        printf("%-20s %s%s%s\n", mc->name, mc->desc,
               mc == def ? " (default)" : "",
               mc->deprecation_reason ? " (deprecated)" : "");
    }
}

/* ------------------------------------------------------------------ */
/* -smp                                                               */

char *cpu_hierarchy_to_string(MachineState *ms)
{
    return g_strdup_printf("sockets (%u) * cores (%u) * threads (%u)",
                           ms->smp.sockets, ms->smp.cores, ms->smp.threads);
}

static bool smp_check_given(const SMPConfiguration *c, Error **errp)
{
    /* QEMU >= 9.0 refuses an explicit zero anywhere, cpus included. */
    if ((c->has_cpus && !c->cpus) || (c->has_maxcpus && !c->maxcpus) ||
        (c->has_sockets && !c->sockets) || (c->has_cores && !c->cores) ||
        (c->has_threads && !c->threads) || (c->has_dies && !c->dies) ||
        (c->has_clusters && !c->clusters)) {
        error_setg(errp, "Invalid CPU topology: CPU topology parameters "
                   "must be greater than zero");
        return false;
    }
    if ((c->has_dies && c->dies > 1) ||
        (c->has_clusters && c->clusters > 1)) {
        error_setg(errp, "%s not supported by this machine's CPU topology",
                   c->has_dies && c->dies > 1 ? "dies" : "clusters");
        return false;
    }
    return true;
}

/* Fill in what -smp left out; QEMU >= 6.2 prefers cores to sockets. */
static void smp_compute(MachineClass *mc, uint64_t *cpus, uint64_t *sockets,
                        uint64_t *cores, uint64_t *threads,
                        uint64_t *maxcpus)
{
    if (!*cpus && !*maxcpus) {
        *sockets = *sockets ? *sockets : 1;
        *cores = *cores ? *cores : 1;
        *threads = *threads ? *threads : 1;
    } else {
        *maxcpus = *maxcpus ? *maxcpus : *cpus;
        if (mc->smp_prefer_sockets && !*sockets) {
            *cores = *cores ? *cores : 1;
            *threads = *threads ? *threads : 1;
            *sockets = *maxcpus / (*cores * *threads);
        } else if (!*cores) {
            *sockets = *sockets ? *sockets : 1;
            *threads = *threads ? *threads : 1;
            *cores = *maxcpus / (*sockets * *threads);
        } else if (!*sockets) {
            *threads = *threads ? *threads : 1;
            *sockets = *maxcpus / (*cores * *threads);
        }
        if (!*threads) {
            *threads = *maxcpus / (*sockets * *cores);
        }
    }
    *maxcpus = *maxcpus ? *maxcpus : *sockets * *cores * *threads;
    *cpus = *cpus ? *cpus : *maxcpus;
}

bool machine_parse_smp_config(MachineState *ms,
                              const SMPConfiguration *config, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    uint64_t cpus = config->has_cpus ? config->cpus : 0;
    uint64_t sockets = config->has_sockets ? config->sockets : 0;
    uint64_t cores = config->has_cores ? config->cores : 0;
    uint64_t threads = config->has_threads ? config->threads : 0;
    uint64_t maxcpus = config->has_maxcpus ? config->maxcpus : 0;
    g_autofree char *topo = NULL;

    if (!smp_check_given(config, errp)) {
        return false;
    }
    smp_compute(mc, &cpus, &sockets, &cores, &threads, &maxcpus);
    if (cpus > UINT32_MAX || maxcpus > UINT32_MAX) {
        error_setg(errp, "Invalid CPU topology: the values are out of "
                   "range");
        return false;
    }
    ms->smp = (CpuTopology) {
        .cpus = cpus, .sockets = sockets, .dies = 1, .clusters = 1,
        .cores = cores, .threads = threads, .max_cpus = maxcpus,
    };
    topo = cpu_hierarchy_to_string(ms);
    if (sockets * cores * threads != maxcpus) {
        error_setg(errp, "Invalid CPU topology: product of the hierarchy "
                   "must match maxcpus: %s != maxcpus (%" PRIu64 ")",
                   topo, maxcpus);
        return false;
    }
    if (maxcpus < cpus) {
        error_setg(errp, "Invalid CPU topology: maxcpus must be equal to "
                   "or greater than smp: %s == maxcpus (%" PRIu64
                   ") < smp_cpus (%" PRIu64 ")", topo, maxcpus, cpus);
        return false;
    }
    if (mc->min_cpus && cpus < (uint64_t)mc->min_cpus) {
        error_setg(errp, "Invalid SMP CPUs %" PRIu64 ". The min CPUs "
                   "supported by machine '%s' is %d", cpus, mc->name,
                   mc->min_cpus);
        return false;
    }
    if (maxcpus > (uint64_t)mc->max_cpus) {
        error_setg(errp, "Invalid SMP CPUs %" PRIu64 ". The max CPUs "
                   "supported by machine '%s' is %d", maxcpus, mc->name,
                   mc->max_cpus);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Main RAM and board init                                            */

static bool create_default_memdev(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    Object *obj = object_new(TYPE_MEMORY_BACKEND_RAM);
    bool ok = false;

    if (!object_property_set_uint(obj, "size", ms->ram_size, errp)) {
        goto out;
    }
    if (!object_property_try_add_child(object_get_objects_root(),
                                       mc->default_ram_id, obj, errp)) {
        goto out;
    }
    /* The RAMBlock must be called default_ram_id, not a path. */
    if (!object_property_set_bool(obj,
                                  "x-use-canonical-path-for-ramblock-id",
                                  false, errp) ||
        !user_creatable_complete(USER_CREATABLE(obj), errp)) {
        object_unparent(obj);
        goto out;
    }
    ms->ram_memdev_id = g_strdup(mc->default_ram_id);
    ok = true;
out:
    object_unref(obj);
    return ok;
}

/* Take @backend as main RAM: mapped once, migrated. */
static bool machine_consume_memdev(MachineState *ms,
                                   HostMemoryBackend *backend, Error **errp)
{
    MemoryRegion *mr = host_memory_backend_get_memory(backend);

    if (host_memory_backend_is_mapped(backend)) {
        g_autofree char *path = object_get_canonical_path_component(
            OBJECT(backend));
        error_setg(errp, "memory backend %s can't be used multiple times.",
                   path);
        return false;
    }
    host_memory_backend_set_mapped(backend, true);
    qemu_ram_set_migratable(mr->ram_block);
    ms->ram = mr;
    ms->memdev = backend;
    return true;
}

bool machine_create_ram(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    Object *o;

    if (!ms->ram_memdev_id) {
        if (!ms->ram_size) {
            return true;
        }
        if (!mc->default_ram_id) {
            error_setg(errp, "machine type '%s' does not take RAM", mc->name);
            return false;
        }
        if (!create_default_memdev(ms, errp)) {
            return false;
        }
    }
    o = object_resolve_path_type(ms->ram_memdev_id, TYPE_MEMORY_BACKEND,
                                 NULL);
    if (!o) {
        error_setg(errp, "Memory backend '%s' not found", ms->ram_memdev_id);
        return false;
    }
    return machine_consume_memdev(ms, MEMORY_BACKEND(o), errp);
}

bool machine_run_board_init(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);

    if (!ms->ram && ms->ram_size && !machine_create_ram(ms, errp)) {
        return false;
    }
    mc->init(ms);
    return true;
}

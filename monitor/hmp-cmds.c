/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic HMP commands: run state, version, name, uuid, QOM,
 * chardevs, memory dumps, objects, fds, trace events and logging.  Each
 * goes through the QMP command where one exists, as QEMU's do.
 */
#include "qemu/osdep.h"
#include "monitor-internal.h"
#include "monitor/hmp.h"
#include "chardev/char.h"
#include "hw/core/cpu.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-char.h"
#include "qapi/qapi-commands-control.h"
#include "qapi/qapi-commands-machine.h"
#include "qapi/qapi-commands-misc.h"
#include "qapi/qapi-commands-qom.h"
#include "qapi/qapi-commands-run-state.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "qobject/qjson.h"
#include "qom/object_interfaces.h"
#include "system/memory.h"
#include "trace/control.h"

static void hmp_info_status(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;
    g_autoptr(StatusInfo) info = qmp_query_status(&err);

    if (err) {
        hmp_handle_error(mon, err);
        return;
    }
    monitor_printf(mon, "VM status: %s", info->running ? "running"
                                                       : "paused");
    if (!info->running && info->status != RUN_STATE_PAUSED) {
        monitor_printf(mon, " (%s)", RunState_str(info->status));
    }
    monitor_printf(mon, "\n");
}

/* QEMU's wording; under tcg or qtest KVM is present but disabled. */
static void hmp_info_kvm(Monitor *mon, const QDict *qdict)
{
    g_autoptr(KvmInfo) info = qmp_query_kvm(NULL);

    monitor_printf(mon, "kvm support: ");
    if (info->present) {
        monitor_printf(mon, "%s\n", info->enabled ? "enabled" : "disabled");
    } else {
        monitor_printf(mon, "not compiled\n");
    }
}

/* As QEMU: the first vCPU's registers, or every vCPU's with -a. */
static void hmp_info_registers(Monitor *mon, const QDict *qdict)
{
    bool all = qdict_get_try_bool(qdict, "cpustate_all", false);
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        g_autoptr(GString) buf = g_string_new(NULL);

        cpu_synchronize_state(cpu);
        cpu_dump_state(cpu, buf, 0);
        if (all) {
            monitor_printf(mon, "\nCPU#%d\n", cpu->cpu_index);
        }
        monitor_printf(mon, "%s", buf->str);
        if (!all) {
            return;
        }
    }
    if (!first_cpu) {
        monitor_printf(mon, "No CPU available\n");
    }
}

static void hmp_stop(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_stop(&err);
    hmp_handle_error(mon, err);
}

static void hmp_cont(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_cont(&err);
    hmp_handle_error(mon, err);
}

static void hmp_quit(Monitor *mon, const QDict *qdict)
{
    monitor_flush(mon);
    qmp_quit(NULL);
}

static void hmp_system_reset(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_system_reset(&err);
    hmp_handle_error(mon, err);
}

static void hmp_info_version(Monitor *mon, const QDict *qdict)
{
    g_autoptr(VersionInfo) info = qmp_query_version(NULL);

    monitor_printf(mon, "%" PRId64 ".%" PRId64 ".%" PRId64 " (%s)\n",
                   info->qemu->major, info->qemu->minor, info->qemu->micro,
                   info->package);
}

static void hmp_info_name(Monitor *mon, const QDict *qdict)
{
    g_autoptr(NameInfo) info = qmp_query_name(NULL);

    if (info && info->name) {
        monitor_printf(mon, "%s\n", info->name);
    }
}

static void hmp_info_uuid(Monitor *mon, const QDict *qdict)
{
    g_autoptr(UuidInfo) info = qmp_query_uuid(NULL);

    if (info) {
        monitor_printf(mon, "%s\n", info->UUID);
    }
}

/* ----------------------------------------------------------------- QOM */

static int qom_tree_cmp(gconstpointer a, gconstpointer b)
{
    g_autofree char *na = object_get_canonical_path_component(
        *(Object *const *)a);
    g_autofree char *nb = object_get_canonical_path_component(
        *(Object *const *)b);

    return g_strcmp0(na, nb);
}

static int qom_tree_collect(Object *obj, void *opaque)
{
    g_ptr_array_add(opaque, obj);
    return 0;
}

static void qom_tree_print(Monitor *mon, Object *obj, int indent)
{
    g_autoptr(GPtrArray) children = g_ptr_array_new();
    g_autofree char *name = NULL;

    if (obj != object_get_root()) {
        name = object_get_canonical_path_component(obj);
    }
    monitor_printf(mon, "%*s/%s (%s)\n", indent, "", name ? name : "",
                   object_get_typename(obj));
    object_child_foreach(obj, qom_tree_collect, children);
    g_ptr_array_sort(children, qom_tree_cmp);
    for (guint i = 0; i < children->len; i++) {
        qom_tree_print(mon, g_ptr_array_index(children, i), indent + 2);
    }
}

static void hmp_info_qom_tree(Monitor *mon, const QDict *qdict)
{
    const char *path = qdict_get_try_str(qdict, "path");
    Object *obj;
    bool ambiguous = false;

    if (path) {
        obj = object_resolve_path(path, &ambiguous);
        if (!obj) {
            monitor_printf(mon, "Path '%s' could not be resolved.\n", path);
            return;
        }
        if (ambiguous) {
            monitor_printf(mon, "Warning: Path '%s' is ambiguous.\n", path);
            return;
        }
    } else {
        obj = object_get_root();
    }
    qom_tree_print(mon, obj, 0);
}

static void hmp_qom_list(Monitor *mon, const QDict *qdict)
{
    const char *path = qdict_get_try_str(qdict, "path");
    Error *err = NULL;
    ObjectPropertyInfoList *list, *l;

    if (!path) {
        monitor_printf(mon, "/\n");
        return;
    }
    list = qmp_qom_list(path, &err);
    if (err) {
        hmp_handle_error(mon, err);
        return;
    }
    for (l = list; l; l = l->next) {
        monitor_printf(mon, "%s (%s)\n", l->value->name, l->value->type);
    }
    qapi_free_ObjectPropertyInfoList(list);
}

static void hmp_qom_get(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;
    QObject *obj = qmp_qom_get(qdict_get_str(qdict, "path"),
                               qdict_get_str(qdict, "property"), &err);

    if (err) {
        hmp_handle_error(mon, err);
        return;
    }
    {
        g_autoptr(GString) str = qobject_to_json_pretty(obj, true);

        monitor_printf(mon, "%s\n", str->str);
    }
    qobject_unref(obj);
}

static void hmp_qom_set(Monitor *mon, const QDict *qdict)
{
    const char *path = qdict_get_str(qdict, "path");
    const char *property = qdict_get_str(qdict, "property");
    const char *value = qdict_get_str(qdict, "value");
    Error *err = NULL;

    if (qdict_get_try_bool(qdict, "json", false)) {
        QObject *obj = qobject_from_json(value, &err);

        if (!err) {
            qmp_qom_set(path, property, obj, &err);
        }
        qobject_unref(obj);
    } else {
        Object *obj = object_resolve_path(path, NULL);

        if (!obj) {
            error_set(&err, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        } else {
            object_property_parse(obj, property, value, &err);
        }
    }
    hmp_handle_error(mon, err);
}

static void hmp_object_add(Monitor *mon, const QDict *qdict)
{
    const char *arg = qdict_get_str(qdict, "object");
    g_autofree char *text = NULL;
    Error *err = NULL;

    /* Help goes to this monitor, not to the process's stdout. */
    text = user_creatable_help(arg, &err);
    if (text) {
        monitor_printf(mon, "%s", text);
    } else if (!err) {
        user_creatable_add_opts_str(arg, &err);
    }
    hmp_handle_error(mon, err);
}

static void hmp_object_del(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_object_del(qdict_get_str(qdict, "id"), &err);
    hmp_handle_error(mon, err);
}

/* ------------------------------------------------------------ chardevs */

static void hmp_info_chardev(Monitor *mon, const QDict *qdict)
{
    ChardevInfoList *list = qmp_query_chardev(NULL), *l;

    for (l = list; l; l = l->next) {
        monitor_printf(mon, "%s: filename=%s\n", l->value->label,
                       l->value->filename);
    }
    qapi_free_ChardevInfoList(list);
}

/* -------------------------------------------------------------- memory */

static void hmp_info_mtree(Monitor *mon, const QDict *qdict)
{
    g_autofree char *text = mtree_info(
        qdict_get_try_bool(qdict, "flatview", false),
        qdict_get_try_bool(qdict, "owner", false),
        qdict_get_try_bool(qdict, "disabled", false));

    monitor_puts(mon, text);
}

static void monitor_printc(Monitor *mon, int c)
{
    monitor_printf(mon, "'");
    switch (c) {
    case '\'':
        monitor_printf(mon, "\\'");
        break;
    case '\\':
        monitor_printf(mon, "\\\\");
        break;
    case '\n':
        monitor_printf(mon, "\\n");
        break;
    case '\r':
        monitor_printf(mon, "\\r");
        break;
    default:
        if (c >= 32 && c <= 126) {
            monitor_printf(mon, "%c", c);
        } else {
            monitor_printf(mon, "\\x%02x", c);
        }
        break;
    }
    monitor_printf(mon, "'");
}

/* QEMU's memory_dump() layout: address, then up to a line of values. */
static void memory_dump(Monitor *mon, int count, int format, int wsize,
                        uint64_t addr)
{
    int line_size = wsize == 1 ? 8 : 16;
    int max_digits = 0;
    int64_t len = (int64_t)wsize * count;
    uint8_t buf[16];

    switch (format) {
    case 'o':
        max_digits = DIV_ROUND_UP(wsize * 8, 3);
        break;
    case 'x':
        max_digits = (wsize * 8) / 4;
        break;
    case 'u':
    case 'd':
        max_digits = DIV_ROUND_UP(wsize * 8 * 10, 33);
        break;
    default:
        break;
    }
    while (len > 0) {
        int l = MIN(len, line_size);

        monitor_printf(mon, "%016" PRIx64 ":", addr);
        cpu_physical_memory_read(addr, buf, l);
        for (int i = 0; i < l; i += wsize) {
            uint64_t v = 0;

            switch (wsize) {
            case 1:
                v = buf[i];
                break;
            case 2:
                v = (uint64_t)buf[i] | (uint64_t)buf[i + 1] << 8;
                break;
            case 4:
                v = (uint32_t)ldl_le_p(buf + i);
                break;
            default:
                v = ldq_le_p(buf + i);
                break;
            }
            monitor_printf(mon, " ");
            switch (format) {
            case 'o':
                monitor_printf(mon, "%#*" PRIo64, max_digits, v);
                break;
            case 'x':
                monitor_printf(mon, "0x%0*" PRIx64, max_digits, v);
                break;
            case 'u':
                monitor_printf(mon, "%*" PRIu64, max_digits, v);
                break;
            case 'd':
                monitor_printf(mon, "%*" PRId64, max_digits, (int64_t)v);
                break;
            case 'c':
                monitor_printc(mon, v);
                break;
            }
        }
        monitor_printf(mon, "\n");
        addr += l;
        len -= l;
    }
}

static void hmp_physical_memory_dump(Monitor *mon, const QDict *qdict)
{
    memory_dump(mon, qdict_get_int(qdict, "count"),
                qdict_get_int(qdict, "format"), qdict_get_int(qdict, "size"),
                qdict_get_int(qdict, "addr"));
}

static void hmp_memory_dump(Monitor *mon, const QDict *qdict)
{
    /*
     * Virtual addresses need a vCPU's page tables, which the monitor
     * cannot walk yet: say so instead of guessing.
     */
    monitor_printf(mon, "x: virtual address translation is not "
                   "implemented; use xp with a physical address\n");
}

/* ------------------------------------------------------------- fds */

static void hmp_getfd(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_getfd(qdict_get_str(qdict, "fdname"), &err);
    hmp_handle_error(mon, err);
}

static void hmp_closefd(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_closefd(qdict_get_str(qdict, "fdname"), &err);
    hmp_handle_error(mon, err);
}

/* -------------------------------------------------- trace and logging */

typedef struct TraceSetState {
    bool enable;
    int count;
} TraceSetState;

static void trace_set_one(TraceEvent *ev, void *opaque)
{
    TraceSetState *st = opaque;

    trace_event_set_state(ev, st->enable);
    st->count++;
}

static void hmp_trace_event(Monitor *mon, const QDict *qdict)
{
    const char *name = qdict_get_str(qdict, "name");
    TraceSetState st = { .enable = qdict_get_bool(qdict, "option") };

    trace_event_foreach(name, trace_set_one, &st);
    if (!st.count) {
        monitor_printf(mon, "Error: No such event '%s'\n", name);
    }
}

static void trace_print_one(TraceEvent *ev, void *opaque)
{
    monitor_printf(opaque, "%s : state %u\n", ev->name,
                   trace_event_get_state(ev) ? 1 : 0);
}

static void hmp_info_trace_events(Monitor *mon, const QDict *qdict)
{
    const char *name = qdict_get_try_str(qdict, "name");

    trace_event_foreach(name ? name : "*", trace_print_one, mon);
}

static void hmp_log(Monitor *mon, const QDict *qdict)
{
    const char *items = qdict_get_str(qdict, "items");
    Error *err = NULL;
    int mask = 0;

    if (strcmp(items, "none")) {
        mask = qemu_str_to_log_mask(items);
        if (!mask) {
            monitor_printf(mon, "Invalid parameter '%s'\n", items);
            return;
        }
    }
    qemu_set_log(mask, &err);
    hmp_handle_error(mon, err);
}

static void hmp_logfile(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qemu_set_log_filename(qdict_get_str(qdict, "filename"), &err);
    hmp_handle_error(mon, err);
}

static const HMPCommand hmp_generic_cmds[] = {
    { "stop|s", "", "", "stop emulation", hmp_stop },
    { "cont|c", "", "", "resume emulation", hmp_cont },
    { "quit|q", "", "", "quit the emulator", hmp_quit },
    { "system_reset", "", "", "reset the system", hmp_system_reset },
    { "x", "fmt:/,addr:l", "/fmt addr",
      "virtual memory dump starting at 'addr'", hmp_memory_dump },
    { "xp", "fmt:/,addr:l", "/fmt addr",
      "physical memory dump starting at 'addr'", hmp_physical_memory_dump },
    { "qom-list", "path:s?", "path",
      "list QOM properties", hmp_qom_list },
    { "qom-get", "path:s,property:s", "path property",
      "print QOM property", hmp_qom_get },
    { "qom-set", "json:-j,path:s,property:s,value:S",
      "[-j] path property value",
      "set QOM property (-j: value is JSON)", hmp_qom_set },
    { "object_add", "object:S", "[qom-type=]type,id=str[,prop=value][,...]",
      "create QOM object", hmp_object_add },
    { "object_del", "id:s", "id", "destroy QOM object", hmp_object_del },
    { "getfd", "fdname:s", "getfd name",
      "receive a file descriptor via SCM rights and assign it a name",
      hmp_getfd },
    { "closefd", "fdname:s", "closefd name",
      "close a file descriptor previously passed via SCM rights",
      hmp_closefd },
    { "trace-event", "name:s,option:b", "name on|off",
      "changes status of a specific trace event", hmp_trace_event },
    { "log", "items:s", "item1[,...]",
      "activate logging of the specified items", hmp_log },
    { "logfile", "filename:F", "filename", "output logs to 'filename'",
      hmp_logfile },
    { NULL }
};

static const HMPCommand hmp_info_generic_cmds[] = {
    { "status", "", "", "show the current VM status (running|paused)",
      hmp_info_status },
    { "version", "", "", "show the version of QEMU", hmp_info_version },
    { "kvm", "", "", "show KVM information", hmp_info_kvm },
    { "registers", "cpustate_all:-a", "[-a]",
      "show the cpu registers (-a: all vCPUs)", hmp_info_registers },
    { "name", "", "", "show the current VM name", hmp_info_name },
    { "uuid", "", "", "show the current VM UUID", hmp_info_uuid },
    { "qom-tree", "path:s?", "[path]",
      "show QOM composition tree", hmp_info_qom_tree },
    { "chardev", "", "", "show the character devices", hmp_info_chardev },
    { "mtree", "flatview:-f,dispatch_tree:-d,owner:-o,disabled:-D",
      "[-f][-d][-o][-D]", "show memory tree", hmp_info_mtree },
    { "trace-events", "name:s?", "[name]",
      "show available trace-events & their state", hmp_info_trace_events },
    { NULL }
};

void hmp_generic_commands_init(void)
{
    hmp_register_commands(hmp_generic_cmds);
    hmp_register_info_commands(hmp_info_generic_cmds);
}

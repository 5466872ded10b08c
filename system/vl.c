/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line of tern-system-x86_64 and the start-up sequence:
 * parse every option, then create the machine, objects, chardevs,
 * monitors, accelerator, board, devices and qtest server, in QEMU's
 * order, and leave the VM prelaunch (-S), inmigrate (-incoming) or
 * running.  Any bad option or value ends the process with status 1 and
 * one line naming the option.
 */
#include "qemu/osdep.h"
#include "net/net.h"
#include <sys/file.h>
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qemu/accel.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/option.h"
#include "qemu/sockets.h"
#include "qemu/uuid.h"
#include "qom/object_interfaces.h"
#include "trace/control.h"
#include "chardev/char.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "migration/dirtyrate.h"
#include "migration/misc.h"
#include "migration/ram-converge.h"
#include "migration/options.h"
#include "migration/register.h"
#include "monitor/monitor.h"
#include "system/hostmem.h"
#include "system/iothread.h"
#include "system/cpu-throttle.h"
#include "system/dirtylimit.h"
#include "system/kvm-hide.h"
#include "system/qdev-monitor.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "system/system.h"
#include "system/vl.h"

#define MAX_SERIAL_PORTS 4

const char *qemu_name;
QemuUUID qemu_uuid;
bool qemu_uuid_set;
bool display_none = true;

/* What the command line asked for, filled in by the option handlers. */
typedef struct MonitorArg {
    const char *spec;
    bool qmp;
    bool pretty;
} MonitorArg;

static struct {
    const char *opt;            /* option being handled (error prefix) */
    const char *optarg;
    const char *mem_str;        /* -m */
    const char *incoming;
    const char *bios;
    const char *qtest_chrdev;
    const char *qtest_log;
    const char *pidfile;
    const char *log_items;      /* -d */
    const char *log_file;       /* -D */
    bool daemonize;
    bool nodefaults;
    bool nographic;
    bool machine_help;
    GPtrArray *objects;         /* -object strings */
    GPtrArray *netdevs;         /* -netdev strings */
    GPtrArray *nics;            /* -nic strings */
    GArray *monitors;           /* MonitorArg */
    const char *serials[MAX_SERIAL_PORTS];
    int nb_serials;
} cl;

static Chardev *serial_hds[MAX_SERIAL_PORTS];
static int daemon_pipe = -1;

/* ------------------------------------------------------------------ */
/* Option lists                                                       */

static QemuOptsList qemu_machine_opts = {
    .name = "machine",
    .implied_opt_name = "type",
    .merge_lists = true,
    .head = QTAILQ_HEAD_INITIALIZER(qemu_machine_opts.head),
    .desc = { { 0 } },      /* checked against the machine's properties */
};

static QemuOptsList qemu_accel_opts = {
    .name = "accel",
    .implied_opt_name = "accel",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_accel_opts.head),
    .desc = { { 0 } },      /* checked against the accelerator's */
};

static QemuOptsList qemu_mem_opts = {
    .name = "memory",
    .implied_opt_name = "size",
    .merge_lists = true,
    .head = QTAILQ_HEAD_INITIALIZER(qemu_mem_opts.head),
    .desc = {
        { .name = "size", .type = QEMU_OPT_STRING },
        { .name = "slots", .type = QEMU_OPT_NUMBER },
        { .name = "maxmem", .type = QEMU_OPT_SIZE },
        { /* end */ }
    },
};

static QemuOptsList qemu_smp_opts = {
    .name = "smp-opts",
    .implied_opt_name = "cpus",
    .merge_lists = true,
    .head = QTAILQ_HEAD_INITIALIZER(qemu_smp_opts.head),
    .desc = {
        { .name = "cpus", .type = QEMU_OPT_NUMBER },
        { .name = "sockets", .type = QEMU_OPT_NUMBER },
        { .name = "dies", .type = QEMU_OPT_NUMBER },
        { .name = "clusters", .type = QEMU_OPT_NUMBER },
        { .name = "cores", .type = QEMU_OPT_NUMBER },
        { .name = "threads", .type = QEMU_OPT_NUMBER },
        { .name = "maxcpus", .type = QEMU_OPT_NUMBER },
        { /* end */ }
    },
};

static QemuOptsList qemu_name_opts = {
    .name = "name",
    .implied_opt_name = "guest",
    .merge_lists = true,
    .head = QTAILQ_HEAD_INITIALIZER(qemu_name_opts.head),
    .desc = {
        { .name = "guest", .type = QEMU_OPT_STRING },
        { .name = "process", .type = QEMU_OPT_STRING },
        { .name = "debug-threads", .type = QEMU_OPT_BOOL },
        { /* end */ }
    },
};

static QemuOptsList qemu_msg_opts = {
    .name = "msg",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_msg_opts.head),
    .desc = {
        { .name = "timestamp", .type = QEMU_OPT_BOOL },
        { .name = "guest-name", .type = QEMU_OPT_BOOL },
        { /* end */ }
    },
};

static QemuOptsList qemu_display_opts = {
    .name = "display",
    .implied_opt_name = "type",
    .merge_lists = true,
    .head = QTAILQ_HEAD_INITIALIZER(qemu_display_opts.head),
    .desc = { { 0 } },
};

/* ------------------------------------------------------------------ */
/* Errors                                                             */

/* Report @err against the option being handled and exit. */
static void G_NORETURN opt_fail(Error *err)
{
    if (cl.opt) {
        error_report("-%s%s%s: %s", cl.opt, cl.optarg ? " " : "",
                     cl.optarg ? cl.optarg : "", error_get_pretty(err));
    } else {
        error_report("%s", error_get_pretty(err));
    }
    error_free(err);
    exit(EXIT_FAILURE);
}

static void G_GNUC_PRINTF(1, 2) G_NORETURN opt_failf(const char *fmt, ...)
{
    Error *err = NULL;
    va_list ap;

    va_start(ap, fmt);
    /* opt_fail() does not return, so nothing may be left to free. */
    error_vsetg_internal(&err, __FILE__, __LINE__, __func__, fmt, ap);
    va_end(ap);
    opt_fail(err);
}

/* Parse @arg into @list, exiting on a bad value. */
static QemuOpts *opts_parse(QemuOptsList *list, const char *arg,
                            bool permit_abbrev)
{
    Error *err = NULL;
    QemuOpts *opts = qemu_opts_parse(list, arg, permit_abbrev, &err);

    if (!opts) {
        opt_fail(err);
    }
    return opts;
}

/* ------------------------------------------------------------------ */
/* Help and version                                                   */

static const MigrationThrottleOps vl_cpu_throttle_ops = {
    .set = cpu_throttle_set,
    .stop = cpu_throttle_stop,
    .get = cpu_throttle_get_percentage,
};

static const MigrationDirtyLimitOps vl_dirty_limit_ops = {
    .available = dirtylimit_available,
    .set_all = dirtylimit_set_all,
    .cancel_all = dirtylimit_cancel_all,
    .in_service = dirtylimit_in_service,
    .throttle_time_per_round = dirtylimit_throttle_time_per_round,
    .ring_full_time = dirtylimit_ring_full_time,
};

static const DirtyRateOps vl_dirty_rate_ops = {
    .ring_enabled = dirtylimit_available,
    .bitmap_enabled = dirtylimit_kvm_bitmap,
    .vcpu_pages = dirtylimit_vcpu_pages,
};

static void G_NORETURN version(void)
{
    printf("QEMU emulator version " TERN_QEMU_VERSION " (" TERN_PKGVERSION
           ")\n"
           "Tern implements the command line, QMP and migration interfaces "
           "of QEMU " TERN_QEMU_VERSION ";\nit is its own program, not "
           "QEMU.\n");
    exit(EXIT_SUCCESS);
}

static void G_NORETURN help(void)
{
    printf("usage: tern-system-x86_64 [options]\n\n"
"Machine:\n"
"-machine [type=]name[,prop=value...]  (-M; -machine help lists types)\n"
"                 memory-backend=id, dump-guest-core=on|off, mem-merge=on|off\n"
"                 kernel-irqchip=on|off (passed to -accel kvm)\n"
"-accel name[,prop=value...]  kvm (e.g. dirty-ring-size=N), tcg or qtest\n"
"-m [size=]megs[,slots=n,maxmem=size]  RAM (default: the machine's)\n"
"-smp [cpus=]n[,maxcpus=n][,sockets=n][,cores=n][,threads=n]\n"
"-bios file       firmware image\n"
"-name string[,debug-threads=on|off]\n"
"-uuid uuid       the machine's UUID\n"
"\nDevices and objects:\n"
"-object type,id=id[,prop=value...]  (-object help)\n"
"-device driver[,prop=value...]      (-device help)\n"
"-global driver.prop=value\n"
"-chardev backend,id=id[,options]    (-chardev help)\n"
"-serial dev      serial port (file:F, stdio, unix:P, chardev:ID, null)\n"
"\nMonitors and control:\n"
"-qmp dev         QMP monitor (e.g. unix:/path,server=on,wait=off)\n"
"-qmp-pretty dev  QMP monitor with indented output\n"
"-monitor dev     HMP monitor\n"
"-mon [chardev=]id[,mode=control|readline][,pretty=on|off]\n"
"-qtest dev       qtest protocol server; -qtest-log file\n"
"-S               do not start the guest (prelaunch until 'cont')\n"
"-incoming uri|defer  wait for an incoming migration\n"
"-no-shutdown     stop instead of exiting when the guest shuts down\n"
"\nDisplay (Tern has none):\n"
"-display none, -nographic, -nodefaults\n"
"\nDebugging and process:\n"
"-d item1,...     log items (-d help); trace:PATTERN enables trace events\n"
"-D logfile       log to a file\n"
"-trace [enable=]pattern[,events=file][,file=file]\n"
"-msg timestamp=on|off\n"
"-pidfile file    write the process id to file\n"
"-daemonize       run in the background once started\n"
"-version, -h\n");
    exit(EXIT_SUCCESS);
}

/* ------------------------------------------------------------------ */
/* Option handlers                                                    */

typedef void OptHandler(const char *arg);

static void opt_machine(const char *arg)
{
    QemuOpts *opts = opts_parse(&qemu_machine_opts, arg, true);
    const char *type = qemu_opt_get(opts, "type");

    if (type && is_help_option(type)) {
        cl.machine_help = true;
    }
}

static void opt_accel(const char *arg)
{
    QemuOpts *opts = opts_parse(&qemu_accel_opts, arg, true);
    const char *name = qemu_opt_get(opts, "accel");

    if (name && is_help_option(name)) {
        printf("Accelerators supported in Tern:\n");
        if (accel_find("kvm")) {
            printf("kvm\n");
        }
        printf("qtest\n");
        printf("tcg\n");
        exit(EXIT_SUCCESS);
    }
}

static void opt_m(const char *arg)
{
    opts_parse(&qemu_mem_opts, arg, true);
}

static void opt_smp(const char *arg)
{
    opts_parse(&qemu_smp_opts, arg, true);
}

static void opt_name(const char *arg)
{
    QemuOpts *opts = opts_parse(&qemu_name_opts, arg, true);

    qemu_name = qemu_opt_get(opts, "guest");
}

static void opt_uuid(const char *arg)
{
    if (qemu_uuid_parse(arg, &qemu_uuid) < 0) {
        opt_failf("Fail to parse UUID string");
    }
    qemu_uuid_set = true;
}

static void opt_object(const char *arg)
{
    if (user_creatable_print_help_str(arg)) {
        exit(EXIT_SUCCESS);
    }
    g_ptr_array_add(cl.objects, (gpointer)arg);
}

static void opt_device(const char *arg)
{
    QemuOpts *opts;
    const char *driver;
    Error *err = NULL;

    if (is_help_option(arg)) {
        qdev_device_list_print();
        exit(EXIT_SUCCESS);
    }
    opts = opts_parse(&qemu_device_opts, arg, true);
    driver = qemu_opt_get(opts, "driver");
    if (driver && qemu_opt_has_help_opt(opts)) {
        if (!qdev_device_help(driver, &err)) {
            opt_fail(err);
        }
        exit(EXIT_SUCCESS);
    }
}

static void opt_netdev(const char *arg)
{
    g_ptr_array_add(cl.netdevs, (gpointer)arg);
}

static void opt_nic(const char *arg)
{
    g_ptr_array_add(cl.nics, (gpointer)arg);
}

static void opt_global(const char *arg)
{
    Error *err = NULL;

    if (!qdev_prop_register_global_str(arg, &err)) {
        opt_fail(err);
    }
}

static void opt_chardev(const char *arg)
{
    QemuOpts *opts;

    if (is_help_option(arg)) {
        qemu_chr_print_backends();
        exit(EXIT_SUCCESS);
    }
    opts = opts_parse(&qemu_chardev_opts, arg, true);
    if (!qemu_opts_id(opts)) {
        opt_failf("Parameter 'id' is missing");
    }
}

static void add_monitor(const char *arg, bool qmp, bool pretty)
{
    MonitorArg m = { .spec = arg, .qmp = qmp, .pretty = pretty };

    g_array_append_val(cl.monitors, m);
}

static void opt_qmp(const char *arg)
{
    add_monitor(arg, true, false);
}

static void opt_qmp_pretty(const char *arg)
{
    add_monitor(arg, true, true);
}

static void opt_monitor(const char *arg)
{
    add_monitor(arg, false, false);
}

static void opt_mon(const char *arg)
{
    opts_parse(&qemu_mon_opts, arg, true);
}

static void opt_serial(const char *arg)
{
    if (cl.nb_serials == MAX_SERIAL_PORTS) {
        opt_failf("too many serial ports");
    }
    cl.serials[cl.nb_serials++] = arg;
}

static void opt_display(const char *arg)
{
    QemuOpts *opts = opts_parse(&qemu_display_opts, arg, true);
    const char *type = qemu_opt_get(opts, "type");

    if (type && is_help_option(type)) {
        printf("Available display backend types:\nnone\n");
        exit(EXIT_SUCCESS);
    }
    if (!type || strcmp(type, "none")) {
        opt_failf("Display '%s' is not available: Tern only has "
                  "'-display none'", type ? type : "");
    }
}

static void opt_nographic(const char *arg)
{
    display_none = true;
    cl.nographic = true;
}

static void opt_nodefaults(const char *arg)
{
    cl.nodefaults = true;
}

static void opt_S(const char *arg)
{
    autostart = false;
}

static void opt_no_shutdown(const char *arg)
{
    qemu_system_set_no_shutdown(true);
}

static void opt_incoming(const char *arg)
{
    cl.incoming = arg;
}

static void opt_bios(const char *arg)
{
    cl.bios = arg;
}

static void opt_qtest(const char *arg)
{
    cl.qtest_chrdev = arg;
}

static void opt_qtest_log(const char *arg)
{
    cl.qtest_log = arg;
}

static void opt_d(const char *arg)
{
    if (is_help_option(arg)) {
        qemu_print_log_usage(stdout);
        printf("trace:PATTERN   enable trace events\n");
        exit(EXIT_SUCCESS);
    }
    cl.log_items = arg;
}

static void opt_D(const char *arg)
{
    cl.log_file = arg;
}

static void opt_trace(const char *arg)
{
    Error *err = NULL;

    if (!trace_opt_parse(arg, &err)) {
        opt_fail(err);
    }
}

static void opt_msg(const char *arg)
{
    QemuOpts *opts = opts_parse(&qemu_msg_opts, arg, false);

    message_with_timestamp = qemu_opt_get_bool(opts, "timestamp", false);
}

static void opt_pidfile(const char *arg)
{
    cl.pidfile = arg;
}

static void opt_daemonize(const char *arg)
{
    cl.daemonize = true;
}

static void opt_version(const char *arg)
{
    version();
}

static void opt_help(const char *arg)
{
    help();
}

typedef struct OptionDef {
    const char *name;
    bool has_arg;
    OptHandler *handler;
} OptionDef;

static const OptionDef options[] = {
    { "machine", true, opt_machine }, { "M", true, opt_machine },
    { "accel", true, opt_accel }, { "m", true, opt_m },
    { "smp", true, opt_smp }, { "name", true, opt_name },
    { "uuid", true, opt_uuid }, { "object", true, opt_object },
    { "device", true, opt_device }, { "global", true, opt_global },
    { "netdev", true, opt_netdev }, { "nic", true, opt_nic },
    { "chardev", true, opt_chardev }, { "qmp", true, opt_qmp },
    { "qmp-pretty", true, opt_qmp_pretty },
    { "monitor", true, opt_monitor }, { "mon", true, opt_mon },
    { "serial", true, opt_serial }, { "display", true, opt_display },
    { "nographic", false, opt_nographic },
    { "nodefaults", false, opt_nodefaults }, { "S", false, opt_S },
    { "no-shutdown", false, opt_no_shutdown },
    { "incoming", true, opt_incoming }, { "bios", true, opt_bios },
    { "qtest", true, opt_qtest }, { "qtest-log", true, opt_qtest_log },
    { "d", true, opt_d }, { "D", true, opt_D },
    { "trace", true, opt_trace }, { "msg", true, opt_msg },
    { "pidfile", true, opt_pidfile },
    { "daemonize", false, opt_daemonize },
    { "version", false, opt_version }, { "h", false, opt_help },
    { "help", false, opt_help },
    { NULL }
};

static const OptionDef *find_option(const char *name)
{
    for (const OptionDef *o = options; o->name; o++) {
        if (!strcmp(o->name, name)) {
            return o;
        }
    }
    return NULL;
}

static void parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const OptionDef *o;

        cl.opt = NULL;
        cl.optarg = NULL;
        if (a[0] != '-' || !a[1]) {
            error_report("%s: non-option arguments (disk images) are not "
                         "supported", a);
            exit(EXIT_FAILURE);
        }
        a += a[1] == '-' ? 2 : 1;       /* -opt or --opt */
        o = find_option(a);
        cl.opt = a;
        if (!o) {
            opt_failf("invalid option");
        }
        if (o->has_arg) {
            if (i + 1 >= argc) {
                opt_failf("requires an argument");
            }
            cl.optarg = argv[++i];
        }
        o->handler(cl.optarg);
    }
    cl.opt = NULL;
    cl.optarg = NULL;
}

/* ------------------------------------------------------------------ */
/* Start-up steps                                                     */

static void setup_logging(void)
{
    Error *err = NULL;
    int mask = 0;

    if (cl.log_file && !qemu_set_log_filename(cl.log_file, &err)) {
        opt_fail(err);
    }
    if (cl.log_items) {
        g_auto(GStrv) items = g_strsplit(cl.log_items, ",", -1);
        g_autoptr(GString) plain = g_string_new(NULL);

        for (char **p = items; *p; p++) {
            if (g_str_has_prefix(*p, "trace:")) {
                /* It returns how many changed; an unknown name sets err. */
                trace_enable_events(*p + 6, &err);
                if (err) {
                    error_report("-d %s: %s", cl.log_items,
                                 error_get_pretty(err));
                    exit(EXIT_FAILURE);
                }
                mask |= LOG_TRACE;
            } else {
                g_string_append_printf(plain, "%s%s", plain->len ? "," : "",
                                       *p);
            }
        }
        if (plain->len) {
            int m = qemu_str_to_log_mask(plain->str);

            if (!m) {
                error_report("-d %s: unknown log item (see -d help)",
                             cl.log_items);
                exit(EXIT_FAILURE);
            }
            mask |= m;
        }
    }
    /* -trace may already have enabled trace output: keep it. */
    mask |= qemu_loglevel & LOG_TRACE;
    if ((mask || cl.log_file) && !qemu_set_log(mask, &err)) {
        opt_fail(err);
    }
}

static MachineClass *select_machine(void)
{
    QemuOpts *opts = qemu_opts_find(&qemu_machine_opts, NULL);
    const char *type = opts ? qemu_opt_get(opts, "type") : NULL;
    MachineClass *mc = type ? find_machine(type) : find_default_machine();

    if (!mc) {
        if (type) {
            error_report("unsupported machine type: \"%s\" (-machine help "
                         "lists them)", type);
        } else {
            error_report("no machine type is available");
        }
        exit(EXIT_FAILURE);
    }
    return mc;
}

/* Machine options that really belong to the accelerator (as QEMU). */
static bool machine_sugar(const char *name, const char *value)
{
    if (!strcmp(name, "kernel-irqchip") || !strcmp(name, "kernel_irqchip")) {
        object_register_sugar_prop(ACCEL_CLASS_NAME("kvm"),
                                   "kernel-irqchip", value, true);
        return true;
    }
    if (!strcmp(name, "dirty-ring-size")) {
        object_register_sugar_prop(ACCEL_CLASS_NAME("kvm"), name, value,
                                   true);
        return true;
    }
    return !strcmp(name, "type") || !strcmp(name, "accel");
}

static int machine_set_prop(void *opaque, const char *name,
                            const char *value, Error **errp)
{
    if (machine_sugar(name, value)) {
        return 0;
    }
    return object_property_parse(opaque, name, value, errp) ? 0 : -1;
}

static void create_machine(MachineClass *mc)
{
    QemuOpts *opts = qemu_opts_find(&qemu_machine_opts, NULL);
    Object *obj;
    Error *err = NULL;

    object_set_machine_compat_props(mc->compat_props);
    obj = object_new(object_class_get_name(OBJECT_CLASS(mc)));
    object_property_add_child(object_get_root(), "machine", obj);
    object_unref(obj);
    /* QEMU 10 creates these with the machine, devices or not. */
    container_get(obj, "/unattached");
    container_get(obj, "/peripheral");
    container_get(obj, "/peripheral-anon");
    current_machine = MACHINE(obj);
    if (opts && qemu_opt_foreach(opts, machine_set_prop, obj, &err)) {
        error_report("-machine: %s", error_get_pretty(err));
        exit(EXIT_FAILURE);
    }
    if (cl.bios) {
        object_property_set_str(obj, "firmware", cl.bios, &error_abort);
    }
}

/* "-m 512" means MiB; a suffix gives the unit. */
static uint64_t parse_mem_size(const char *str, const char *what)
{
    uint64_t sz;

    if (qemu_strtosz_MiB(str, NULL, &sz) < 0) {
        error_report("-m %s: Parameter '%s' expects a non-negative number "
                     "below 2^64", str, what);
        exit(EXIT_FAILURE);
    }
    return sz;
}

static void configure_memory(MachineState *ms)
{
    QemuOpts *opts = qemu_opts_find(&qemu_mem_opts, NULL);
    const char *size = opts ? qemu_opt_get(opts, "size") : NULL;
    const char *maxmem = opts ? qemu_opt_get(opts, "maxmem") : NULL;

    if (size) {
        ms->ram_size = QEMU_ALIGN_UP(parse_mem_size(size, "size"), 8192);
        if (!ms->ram_size) {
            error_report("-m %s: ram size too small", size);
            exit(EXIT_FAILURE);
        }
    }
    ms->maxram_size = ms->ram_size;
    if (maxmem) {
        ms->maxram_size = qemu_opt_get_size(opts, "maxmem", 0);
        if (ms->maxram_size < ms->ram_size) {
            error_report("invalid value of maxmem: maximum memory size "
                         "(0x%" PRIx64 ") must be at least the initial "
                         "memory size (0x%" PRIx64 ")",
                         ms->maxram_size, ms->ram_size);
            exit(EXIT_FAILURE);
        }
        ms->ram_slots = qemu_opt_get_number(opts, "slots", 0);
    } else if (opts && qemu_opt_get(opts, "slots")) {
        error_report("invalid -m option value: missing 'maxmem' option");
        exit(EXIT_FAILURE);
    }
    cl.mem_str = size;
}

static int64_t smp_get(QemuOpts *opts, const char *name, bool *has)
{
    *has = qemu_opt_get(opts, name) != NULL;
    return qemu_opt_get_number(opts, name, 0);
}

static void configure_smp(MachineState *ms)
{
    QemuOpts *opts = qemu_opts_find(&qemu_smp_opts, NULL);
    SMPConfiguration c = { 0 };
    Error *err = NULL;

    if (!opts) {
        return;
    }
    c.cpus = smp_get(opts, "cpus", &c.has_cpus);
    c.sockets = smp_get(opts, "sockets", &c.has_sockets);
    c.dies = smp_get(opts, "dies", &c.has_dies);
    c.clusters = smp_get(opts, "clusters", &c.has_clusters);
    c.cores = smp_get(opts, "cores", &c.has_cores);
    c.threads = smp_get(opts, "threads", &c.has_threads);
    c.maxcpus = smp_get(opts, "maxcpus", &c.has_maxcpus);
    if (!machine_parse_smp_config(ms, &c, &err)) {
        error_report("-smp: %s", error_get_pretty(err));
        exit(EXIT_FAILURE);
    }
}

/* With -machine memory-backend, -m must agree and the backend sizes RAM. */
static void resolve_machine_memdev(MachineState *ms)
{
    Object *backend;
    uint64_t size;

    if (!ms->ram_memdev_id) {
        return;
    }
    backend = object_resolve_path_type(ms->ram_memdev_id,
                                       TYPE_MEMORY_BACKEND, NULL);
    if (!backend) {
        error_report("Memory backend '%s' not found", ms->ram_memdev_id);
        exit(EXIT_FAILURE);
    }
    size = object_property_get_uint(backend, "size", &error_abort);
    if (cl.mem_str && size != ms->ram_size) {
        error_report("Size specified by -m option must match size of "
                     "explicitly specified 'memory-backend' property");
        exit(EXIT_FAILURE);
    }
    ms->ram_size = size;
    if (ms->maxram_size < size) {
        ms->maxram_size = size;
    }
}

/* Before -object: filters attach to netdevs when they are completed. */
static void create_netdevs(void)
{
    for (guint i = 0; i < cl.netdevs->len; i++) {
        Error *err = NULL;

        cl.opt = "netdev";
        cl.optarg = g_ptr_array_index(cl.netdevs, i);
        if (!net_client_init_str(cl.optarg, true, &err)) {
            opt_fail(err);
        }
    }
    for (guint i = 0; i < cl.nics->len; i++) {
        Error *err = NULL;

        cl.opt = "nic";
        cl.optarg = g_ptr_array_index(cl.nics, i);
        if (!net_nic_init_str(cl.optarg, &err)) {
            opt_fail(err);
        }
    }
    cl.opt = cl.optarg = NULL;
}

static void create_objects(void)
{
    for (guint i = 0; i < cl.objects->len; i++) {
        Error *err = NULL;

        cl.opt = "object";
        cl.optarg = g_ptr_array_index(cl.objects, i);
        if (!user_creatable_add_opts_str(cl.optarg, &err)) {
            opt_fail(err);
        }
    }
    cl.opt = cl.optarg = NULL;
}

static int chardev_init_func(void *opaque, QemuOpts *opts, Error **errp)
{
    return qemu_chr_new_from_opts(opts, NULL, errp) ? 0 : -1;
}

static int mon_init_func(void *opaque, QemuOpts *opts, Error **errp)
{
    return monitor_init_opts(opts, errp);
}

/* @errp, not the Error: the failing call in @failed sets it first. */
static void fail_if(bool failed, const char *what, Error **errp)
{
    if (failed) {
        error_report("%s: %s", what, error_get_pretty(*errp));
        exit(EXIT_FAILURE);
    }
}

static void create_chardevs(void)
{
    Error *err = NULL;

    fail_if(qemu_opts_foreach(&qemu_chardev_opts, chardev_init_func, NULL,
                              &err), "-chardev", &err);
}

/* fd:NAME addresses (migration, sockets) take fds passed with getfd. */
static int monitor_fd_resolver(const char *name, Error **errp)
{
    return monitor_get_fd(monitor_cur(), name, errp);
}

/*
 * -nographic without -nodefaults: QEMU puts the first serial port and
 * an HMP monitor on stdio, multiplexed (Ctrl-A c switches).  Tern has
 * no multiplexing chardev, so stdio gets one of them: the serial port
 * (the guest's console, what -nographic is mostly for) when the
 * machine has one and no -serial was given, else the monitor when no
 * -monitor, -mon or -qmp was given.  When both wanted it, a warning
 * says the monitor is missing.
 */
static void nographic_defaults(MachineClass *mc)
{
    bool default_serial = !cl.nb_serials && !mc->no_serial;
    bool default_monitor = !cl.monitors->len &&
                           !qemu_opts_find(&qemu_mon_opts, NULL) &&
                           !QTAILQ_FIRST(&qemu_mon_opts.head);

    if (!cl.nographic || cl.nodefaults) {
        return;
    }
    if (default_serial) {
        cl.serials[cl.nb_serials++] = "stdio";
        if (default_monitor) {
            warn_report("-nographic: the serial port is on stdio and there "
                        "is no monitor there (Tern cannot multiplex them); "
                        "add -monitor or -qmp for one");
        }
    } else if (default_monitor) {
        add_monitor("stdio", false, false);
    }
}

static void create_monitors(void)
{
    Error *err = NULL;

    monitor_init_globals();
    for (guint i = 0; i < cl.monitors->len; i++) {
        MonitorArg *m = &g_array_index(cl.monitors, MonitorArg, i);
        g_autofree char *label = g_strdup_printf("compat_monitor%u", i);
        Chardev *chr;

        if (!strcmp(m->spec, "none")) {
            continue;
        }
        chr = qemu_chr_new_noreport(label, m->spec, NULL, &err);
        if (chr && m->qmp) {
            monitor_init_qmp(chr, m->pretty, &err);
        } else if (chr) {
            monitor_init_hmp(chr, true, &err);
        }
        fail_if(err != NULL, m->qmp ? "-qmp" : "-monitor", &err);
    }
    fail_if(qemu_opts_foreach(&qemu_mon_opts, mon_init_func, NULL, &err),
            "-mon", &err);
}

static void create_serials(void)
{
    for (int i = 0; i < cl.nb_serials; i++) {
        g_autofree char *label = g_strdup_printf("serial%d", i);
        Error *err = NULL;

        if (!strcmp(cl.serials[i], "none")) {
            continue;
        }
        serial_hds[i] = qemu_chr_new_noreport(label, cl.serials[i], NULL,
                                              &err);
        fail_if(!serial_hds[i], "-serial", &err);
    }
}

Chardev *serial_hd(int i)
{
    return i >= 0 && i < MAX_SERIAL_PORTS ? serial_hds[i] : NULL;
}

/* /dev/kvm usable (and not hidden)?  Then KVM is the default. */
static bool kvm_usable(void)
{
    int fd;

    if (!accel_find("kvm") || kvm_hidden_by_env()) {
        return false;
    }
    fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    close(fd);
    return true;
}

static const char *choose_accel(MachineState *ms, QemuOpts **opts)
{
    QemuOpts *o = QTAILQ_FIRST(&qemu_accel_opts.head);
    QemuOpts *mo = qemu_opts_find(&qemu_machine_opts, NULL);
    const char *legacy = mo ? qemu_opt_get(mo, "accel") : NULL;

    *opts = o;
    if (o) {
        return qemu_opt_get(o, "accel");
    }
    if (legacy) {
        return legacy;
    }
    if (cl.qtest_chrdev) {
        return "qtest";
    }
    if (kvm_usable()) {
        return "kvm";
    }
    /*
     * A machine with CPUs runs its guest in the interpreter; "-M none"
     * runs no guest code under any accelerator and stays on qtest.
     */
    if (MACHINE_GET_CLASS(ms)->default_cpu_type && accel_find("tcg")) {
        info_report("KVM is not available (%s); using the tcg "
                    "accelerator (the x86 interpreter)",
                    kvm_hidden_by_env() ? "hidden by " KVM_HIDE_ENV
                                        : "/dev/kvm cannot be opened");
        return "tcg";
    }
    return "qtest";
}

static int accel_set_prop(void *opaque, const char *name, const char *value,
                          Error **errp)
{
    if (!strcmp(name, "accel")) {
        return 0;
    }
    return object_property_parse(opaque, name, value, errp) ? 0 : -1;
}

/* Create accelerator @name with @opts and initialise it for @ms. */
static bool try_accelerator(MachineState *ms, const char *name,
                            QemuOpts *opts, Error **errp)
{
    AccelClass *ac = accel_find(name);
    Object *accel;

    if (!ac) {
        if (!strcmp(name, "kvm")) {
            error_setg(errp, "KVM support is not available");
        } else {
            error_setg(errp, "invalid accelerator %s", name);
        }
        return false;
    }
    accel = object_new(object_class_get_name(OBJECT_CLASS(ac)));
    object_apply_compat_props(accel);
    if (opts && qemu_opt_foreach(opts, accel_set_prop, accel, errp)) {
        object_unref(accel);
        return false;
    }
    if (!accel_init_machine(ACCEL(accel), ms, errp)) {
        object_unref(accel);
        return false;
    }
    return true;
}

static int collect_accel_opts(void *opaque, QemuOpts *opts, Error **errp)
{
    g_ptr_array_add(opaque, opts);
    return 0;
}

/* -machine accel=kvm:tcg: each name in turn until one initialises. */
static void configure_accelerator_list(MachineState *ms, const char *list)
{
    g_auto(GStrv) names = g_strsplit(list, ":", 0);
    Error *err = NULL;

    for (int i = 0; names[i]; i++) {
        if (try_accelerator(ms, names[i], NULL, &err)) {
            return;
        }
        if (!names[i + 1]) {
            error_report("-machine accel=%s: failed to initialize %s: %s",
                         list, names[i], error_get_pretty(err));
            exit(EXIT_FAILURE);
        }
        warn_report("-machine accel=%s: %s; trying the next accelerator",
                    list, error_get_pretty(err));
        g_clear_pointer(&err, error_free);
    }
}

/*
 * Several -accel options are tried in order until one initialises, as
 * in QEMU ("-accel kvm -accel qtest": KVM where it works, else qtest).
 */
static void configure_accelerator(MachineState *ms)
{
    g_autoptr(GPtrArray) all = g_ptr_array_new();
    QemuOpts *opts;
    const char *name = choose_accel(ms, &opts);
    Error *err = NULL;

    if (!opts && name && strchr(name, ':')) {
        configure_accelerator_list(ms, name);
        return;
    }
    qemu_opts_foreach(&qemu_accel_opts, collect_accel_opts, all, NULL);
    for (guint i = 0;; i++) {
        if (!name) {
            error_report("-accel: Parameter 'accel' is missing");
            exit(EXIT_FAILURE);
        }
        if (try_accelerator(ms, name, opts, &err)) {
            return;
        }
        if (!opts || i + 1 >= all->len) {
            error_report("-accel %s: failed to initialize %s: %s", name,
                         name, error_get_pretty(err));
            exit(EXIT_FAILURE);
        }
        warn_report("-accel %s: %s; trying the next accelerator", name,
                    error_get_pretty(err));
        g_clear_pointer(&err, error_free);
        opts = g_ptr_array_index(all, i + 1);
        name = qemu_opt_get(opts, "accel");
    }
}

static int device_init_func(void *opaque, QemuOpts *opts, Error **errp)
{
    return qdev_device_add(opts, errp) ? 0 : -1;
}

static void create_board_and_devices(MachineState *ms)
{
    Error *err = NULL;

    fail_if(!machine_run_board_init(ms, &err), "machine", &err);
    fail_if(qemu_opts_foreach(&qemu_device_opts, device_init_func, NULL,
                              &err), "-device", &err);
    net_create_pending_nics(&err);
    fail_if(err != NULL, "-nic", &err);
    fail_if(!accel_setup_post(ms, &err), "accelerator", &err);
    /* Power-on state for CPUs and devices (loaders place the start). */
    qemu_system_reset(SHUTDOWN_CAUSE_NONE);
    /* As QEMU: later devices are hot-plugged; report unused -global. */
    qdev_machine_creation_done();
    qdev_prop_check_globals();
}

static void start_qtest(void)
{
    Error *err = NULL;

    if (cl.qtest_chrdev) {
        qtest_server_init(cl.qtest_chrdev, cl.qtest_log, &err);
        fail_if(err != NULL, "-qtest", &err);
    }
}

static void start_incoming(void)
{
    Error *err = NULL;

    if (strcmp(cl.incoming, "defer")) {
        qmp_migrate_incoming(cl.incoming, NULL, true, true, &err);
        fail_if(err != NULL, "-incoming", &err);
    }
}

const char *qemu_get_incoming(void)
{
    return cl.incoming;
}

const char *qemu_get_bios_name(void)
{
    return cl.bios;
}

/* ------------------------------------------------------------------ */
/* Process: pidfile, daemon                                           */

static void remove_pidfile(Notifier *n, void *data)
{
    unlink(cl.pidfile);
}

static Notifier pidfile_notifier = { .notify = remove_pidfile };

static void write_pidfile(void)
{
    g_autofree char *pid = g_strdup_printf("%d\n", (int)getpid());
    int fd;

    if (!cl.pidfile) {
        return;
    }
    fd = open(cl.pidfile, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 ||
        ftruncate(fd, 0) < 0 ||
        write(fd, pid, strlen(pid)) != (ssize_t)strlen(pid)) {
        error_report("cannot create PID file %s: %s", cl.pidfile,
                     strerror(errno));
        exit(EXIT_FAILURE);
    }
    /* The fd stays open so the lock lasts as long as the process. */
    qemu_add_exit_notifier(&pidfile_notifier);
}

/*
 * -daemonize: fork now; the parent waits for the child to say it is
 * ready (one byte) and exits 0, or 1 if the child died first.
 */
static void daemonize_start(void)
{
    int fds[2];
    pid_t pid;
    char c;

    if (!cl.daemonize) {
        return;
    }
    if (pipe(fds) < 0 || (pid = fork()) < 0) {
        error_report("-daemonize: %s", strerror(errno));
        exit(EXIT_FAILURE);
    }
    if (pid > 0) {
        close(fds[1]);
        exit(RETRY_ON_EINTR(read(fds[0], &c, 1)) == 1 ? EXIT_SUCCESS
                                                      : EXIT_FAILURE);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    setsid();
}

static void daemonize_finish(void)
{
    int null;

    if (daemon_pipe < 0) {
        return;
    }
    null = open("/dev/null", O_RDWR);
    if (chdir("/") < 0 || null < 0) {
        error_report("-daemonize: %s", strerror(errno));
        exit(EXIT_FAILURE);
    }
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close(null);
    if (write(daemon_pipe, "", 1) != 1) {
        exit(EXIT_FAILURE);
    }
    close(daemon_pipe);
}

/* ------------------------------------------------------------------ */
/* Entry points (called by main.c)                                    */

static void setup_runstate(void)
{
    if (cl.incoming) {
        runstate_set(RUN_STATE_INMIGRATE);
        start_incoming();
    } else if (autostart) {
        vm_start();
    }
}

void qemu_init(int argc, char **argv)
{
    Error *err = NULL;
    MachineState *ms;

    g_set_prgname("tern-system-x86_64");
    module_call_init(MODULE_INIT_QOM);
    cl.objects = g_ptr_array_new();
    cl.netdevs = g_ptr_array_new();
    cl.nics = g_ptr_array_new();
    cl.monitors = g_array_new(false, false, sizeof(MonitorArg));
    parse_args(argc, argv);
    if (cl.machine_help) {
        machine_help_func();
        exit(EXIT_SUCCESS);
    }
    if (cl.daemonize && cl.nographic) {
        /* stdio is gone once daemonized (QEMU refuses this too). */
        error_report("-nographic cannot be used with -daemonize");
        exit(EXIT_FAILURE);
    }
    daemonize_start();
    setup_logging();
    if (!qemu_init_main_loop(&err)) {
        error_report_err(err);
        exit(EXIT_FAILURE);
    }
    bql_lock();
    os_setup_signal_handling();

    create_machine(select_machine());
    ms = current_machine;
    configure_memory(ms);
    configure_smp(ms);
    create_chardevs();
    create_netdevs();
    create_objects();
    resolve_machine_memdev(ms);
    nographic_defaults(MACHINE_GET_CLASS(ms));
    create_monitors();
    create_serials();
    configure_accelerator(ms);
    /*
     * A QOM object: only now are global and compat properties known.
     * Before any device is realized: its vmsd registers through hooks.
     */
    migration_object_init();
    /* Auto-converge slows the vCPUs through the throttle. */
    cpu_throttle_init();
    migration_register_throttle(&vl_cpu_throttle_ops);
    /* dirty-limit holds the vCPUs' dirty rates (KVM dirty ring). */
    migration_register_dirty_limit(&vl_dirty_limit_ops);
    dirtyrate_register_ops(&vl_dirty_rate_ops);
    socket_set_fd_resolver(monitor_fd_resolver);
    if (qemu_uuid_set) {
        qemu_savevm_set_uuid(&qemu_uuid);
    }
    create_board_and_devices(ms);
    start_qtest();
    write_pidfile();
    setup_runstate();
    daemonize_finish();
}

void qemu_cleanup(int status)
{
    /*
     * First, while devices and the monitor still work: a running
     * migration is cancelled and its thread joined.
     */
    migration_shutdown();
    qemu_run_exit_notifiers();
    monitor_cleanup();
    /*
     * Join the iothreads before the chardevs go: a front end running in
     * one (colo-compare) may be inside a chardev write, holding its
     * chr_write_lock, when the main loop ends; finalizing that chardev
     * then destroyed a held mutex and the writer unlocked a dead one.
     * A writer waiting for a peer that stopped reading gives up first,
     * so that the join cannot wait forever.
     */
    qemu_chr_stop_waiting();
    iothread_stop_all();
    qemu_chr_cleanup();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The debug log (see qemu/log.h): the -d mask, the -D file and serialised
 * writes.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/thread.h"
#include "qapi/error.h"

typedef struct LogItem {
    int mask;
    const char *name;
    const char *help;
} LogItem;

static const LogItem log_items[] = {
    { CPU_LOG_INT, "int",
      "show interrupts and exceptions" },
    { CPU_LOG_EXEC, "exec",
      "show vCPU entries and exits" },
    { CPU_LOG_TB_CPU, "cpu",
      "show CPU registers with 'exec' and 'int'" },
    { CPU_LOG_RESET, "cpu_reset",
      "show CPU state at reset" },
    { LOG_UNIMP, "unimp",
      "log unimplemented functionality" },
    { LOG_GUEST_ERROR, "guest_errors",
      "log when the guest does something invalid (for example, touches "
      "a device register that does not exist)" },
    { CPU_LOG_MMU, "mmu",
      "log guest memory mapping changes" },
    { CPU_LOG_PAGE, "page",
      "log host memory allocations for the guest" },
    { LOG_TRACE, "trace",
      "send enabled trace events to the log" },
    { LOG_INVALID_MEM, "invalid_mem",
      "log accesses to unassigned guest memory" },
};

int qemu_loglevel;

/*
 * log_lock guards log_file, log_filename and every write, so a message is
 * never split by another thread's and the file cannot be closed under a
 * writer.
 */
static QemuMutex log_lock;
static GOnce log_lock_once = G_ONCE_INIT;
static FILE *log_file;           /* NULL: stderr */
static char *log_filename;
static bool log_file_opened_once;

static bool log_open_locked(Error **errp);

static gpointer log_lock_init(gpointer unused)
{
    qemu_mutex_init(&log_lock);
    return NULL;
}

static void log_lock_take(void)
{
    g_once(&log_lock_once, log_lock_init, NULL);
    qemu_mutex_lock(&log_lock);
}

FILE *qemu_log_trylock(void)
{
    if (!qemu_log_enabled()) {
        return NULL;
    }
    log_lock_take();
    if (log_filename && !log_file) {
        /* Reopen after qemu_log_close(); stderr if that fails. */
        log_open_locked(NULL);
    }
    return log_file ? log_file : stderr;
}

void qemu_log_unlock(FILE *logfile)
{
    if (logfile) {
        fflush(logfile);
        qemu_mutex_unlock(&log_lock);
    }
}

void qemu_log_vprintf(const char *fmt, va_list ap)
{
    FILE *f = qemu_log_trylock();

    if (f) {
        vfprintf(f, fmt, ap);
        qemu_log_unlock(f);
    }
}

void qemu_log(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qemu_log_vprintf(fmt, ap);
    va_end(ap);
}

int qemu_str_to_log_mask(const char *str)
{
    g_auto(GStrv) parts = g_strsplit(str, ",", -1);
    int mask = 0;

    for (char **p = parts; *p; p++) {
        const LogItem *item = NULL;

        if (g_str_equal(*p, "all")) {
            for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
                mask |= log_items[i].mask;
            }
            continue;
        }
        for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
            if (g_str_equal(*p, log_items[i].name)) {
                item = &log_items[i];
                break;
            }
        }
        if (!item) {
            return 0;
        }
        mask |= item->mask;
    }
    return mask;
}

/* Open log_filename if it is not open yet; called with log_lock held. */
static bool log_open_locked(Error **errp)
{
    FILE *f;

    if (!log_filename || log_file) {
        return true;
    }
    /* Truncate on the first open only, so reopening keeps earlier lines. */
    f = fopen(log_filename, log_file_opened_once ? "a" : "w");
    if (!f) {
        error_setg_errno(errp, errno, "Cannot open log file '%s'",
                         log_filename);
        return false;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    log_file = f;
    log_file_opened_once = true;
    return true;
}

static void log_close_locked(void)
{
    if (log_file) {
        fclose(log_file);
        log_file = NULL;
    }
}

bool qemu_set_log(int log_flags, Error **errp)
{
    bool ok = true;

    log_lock_take();
    if (log_flags) {
        ok = log_open_locked(errp);
    }
    if (ok) {
        qemu_loglevel = log_flags;
    }
    qemu_mutex_unlock(&log_lock);
    return ok;
}

bool qemu_set_log_filename(const char *filename, Error **errp)
{
    g_autofree char *name = NULL;
    bool ok = true;

    if (filename) {
        const char *pid = strstr(filename, "%d");

        int percents = 0;

        for (const char *c = filename; *c; c++) {
            percents += *c == '%';
        }
        /* The only '%' allowed is one "%d". */
        if (percents > (pid ? 1 : 0)) {
            error_setg(errp, "Log file name '%s' may hold one '%%d' and no "
                       "other '%%'", filename);
            return false;
        }
        if (pid) {
            name = g_strdup_printf("%.*s%d%s", (int)(pid - filename),
                                   filename, (int)getpid(), pid + 2);
        } else {
            name = g_strdup(filename);
        }
    }

    log_lock_take();
    log_close_locked();
    g_free(log_filename);
    log_filename = g_steal_pointer(&name);
    log_file_opened_once = false;
    /* Open at once, so a bad -D path is reported on the command line. */
    ok = log_open_locked(errp);
    if (!ok) {
        g_free(log_filename);
        log_filename = NULL;
    }
    qemu_mutex_unlock(&log_lock);
    return ok;
}

void qemu_log_close(void)
{
    log_lock_take();
    log_close_locked();
    qemu_mutex_unlock(&log_lock);
}

void qemu_print_log_usage(FILE *f)
{
    fprintf(f, "Log items (comma separated):\n");
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        fprintf(f, "%-15s %s\n", log_items[i].name, log_items[i].help);
    }
    fprintf(f, "%-15s %s\n", "all", "every item above");
}

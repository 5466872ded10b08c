/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for HMP command-line parsing (monitor/hmp.c): a line
 * through handle_hmp_command() over a command table of our own that uses
 * every argument type (s S F i l o M b, /fmt, -X flag runs, optional
 * '?') plus "info" sub-commands.  The handlers only check what the parser
 * handed them, so no command has a side effect; the monitor underneath
 * is replaced by a counter of printed text.
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * a handler sees only the arguments its args_type names, each of the
 * type it promises ('i' within 32 bits, sizes not negative, flags and
 * 'b' bools, /fmt as count/format/size), every required one present; a
 * line that runs no handler printed why.
 *
 * Seeds: tests/fuzz/corpus/fuzz-hmp.
 */
#include "qemu/osdep.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "monitor/monitor-internal.h"
#include "chardev/char-fe.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ------------------------------------------------- monitor, faked */

static size_t printed;

int monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    printed += len;
    return len;
}
int monitor_puts(Monitor *mon, const char *str)
{
    printed += strlen(str);
    return strlen(str);
}
Monitor *monitor_set_cur(Monitor *mon) { return NULL; }
void monitor_flush(Monitor *mon) { }
void monitor_output_reset(Monitor *mon) { }
void monitor_init_globals(void) { }
void monitor_data_init(Monitor *mon, bool is_qmp, bool use_io_thread)
{
    g_assert_not_reached();
}
void monitor_data_destroy(Monitor *mon) { g_assert_not_reached(); }
void monitor_list_append(Monitor *mon) { g_assert_not_reached(); }
void hmp_generic_commands_init(void) { g_assert_not_reached(); }
bool qemu_chr_fe_init(CharBackend *b, Chardev *s, Error **errp)
{
    g_assert_not_reached();
}
void qemu_chr_fe_set_handlers(CharBackend *b, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read,
                              IOEventHandler *fd_event,
                              BackendChangeHandler *be_change,
                              void *opaque, GMainContext *context,
                              bool set_open)
{
    g_assert_not_reached();
}

/* ------------------------------------------------- the commands */

static const HMPCommand *running;
static bool ran;

/* Check @qdict against the args_type of the running command. */
static void check_args(Monitor *mon, const QDict *qdict)
{
    g_auto(GStrv) specs = g_strsplit(running->args_type, ",", -1);
    const QDictEntry *e;
    size_t known = 0;

    ran = true;
    for (int i = 0; specs[i]; i++) {
        const char *colon = strchr(specs[i], ':');
        g_autofree char *name = g_strndup(specs[i], colon - specs[i]);
        const char *type = colon + 1;
        QObject *v = qdict_get(qdict, name);

        if (type[0] == '/') {
            int64_t size;

            assert(qdict_haskey(qdict, "count"));
            assert(qdict_haskey(qdict, "format"));
            size = qdict_get_int(qdict, "size");
            assert(size == 1 || size == 2 || size == 4 || size == 8);
            known += 3;
            continue;
        }
        if (!v) {
            /* Optional ones and flags may be missing. */
            assert(type[0] == '-' || type[strlen(type) - 1] == '?');
            continue;
        }
        known++;
        switch (type[0]) {
        case 's': case 'S': case 'F':
            assert(qobject_type(v) == QTYPE_QSTRING);
            break;
        case 'i': {
            int64_t n = qdict_get_int(qdict, name);

            assert(n >= INT32_MIN && n <= UINT32_MAX);
            break;
        }
        case 'l':
            assert(qobject_type(v) == QTYPE_QNUM);
            break;
        case 'o': case 'M':
            assert(qdict_get_int(qdict, name) >= 0);
            break;
        case 'b': case '-':
            assert(qobject_type(v) == QTYPE_QBOOL);
            break;
        default:
            g_assert_not_reached();
        }
    }
    /* Nothing the spec does not name. */
    for (e = qdict_first(qdict); e; e = qdict_next(qdict, e)) {
        (void)e;
        assert(known-- > 0);
    }
}

#define CMD(n, a) { .name = (n), .args_type = (a), .params = "", \
                    .help = "", .cmd = check_args }

static const HMPCommand fuzz_cmds[] = {
    CMD("words|w", "a:s,b:s?,c:s?"),
    CMD("rest", "first:s,text:S?"),
    CMD("file", "filename:F"),
    CMD("ints", "n:i,m:i?"),
    CMD("long", "value:l"),
    CMD("size", "bytes:o,mib:M?"),
    CMD("onoff", "name:s,state:b"),
    CMD("x", "fmt:/,addr:l"),
    CMD("xp", "fmt:/,addr:l,len:i?"),
    CMD("migrate", "detach:-d,resume:-r,uri:s"),
    CMD("flags", "a:-a,b:-b,c:-c"),
    CMD("mixed", "all:-a,count:i,rest:S?"),
    CMD("none", ""),
    { NULL }
};

static const HMPCommand fuzz_info_cmds[] = {
    CMD("status", ""),
    CMD("migrate|m", "verbose:-v,item:s?"),
    { NULL }
};

/* Which command a line names, so check_args knows its spec. */
static const HMPCommand *lookup(const HMPCommand *t, const char *name,
                                size_t len)
{
    for (; t->name; t++) {
        g_auto(GStrv) names = g_strsplit(t->name, "|", -1);

        for (int i = 0; names[i]; i++) {
            if (strlen(names[i]) == len && !strncmp(names[i], name, len)) {
                return t;
            }
        }
    }
    return NULL;
}

static const HMPCommand *command_of(const char *line)
{
    const char *p = line + strspn(line, " \t");
    size_t len = strcspn(p, " \t");

    if (len == 4 && !strncmp(p, "info", 4)) {
        p += len;
        p += strspn(p, " \t");
        return lookup(fuzz_info_cmds, p, strcspn(p, " \t"));
    }
    return lookup(fuzz_cmds, p, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    g_autofree char *line = NULL;

    if (!initialized) {
        hmp_register_commands(fuzz_cmds);
        hmp_register_info_commands(fuzz_info_cmds);
        initialized = true;
    }
    line = g_strndup((const char *)data, size);
    running = command_of(line);
    ran = false;
    printed = 0;
    handle_hmp_command(NULL, line);
    if (!ran) {
        const char *p = line + strspn(line, " \t");

        /* An empty line is silently ignored; anything else says why. */
        if (*p && !printed) {
            fuzz_fail("'%s' ran nothing and printed nothing", line);
        }
    } else {
        assert(running);
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP: the command tables, the argument parser driven by each command's
 * args_type, the line reader (echo, backspace, prompt), help, and the
 * human-monitor-command QMP command.
 */
#include "qemu/osdep.h"
#include "monitor-internal.h"
#include "monitor/hmp.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-misc.h"
#include "qemu/atomic.h"
#include "qemu/cutils.h"
#include "qobject/qdict.h"

#define HMP_PROMPT "(qemu) "

/* The commands and info sub-commands, by registration. */
static GPtrArray *hmp_cmds, *hmp_info_cmds;

void hmp_register_commands(const HMPCommand *table)
{
    if (!hmp_cmds) {
        hmp_cmds = g_ptr_array_new();
    }
    for (; table->name; table++) {
        g_ptr_array_add(hmp_cmds, (gpointer)table);
    }
}

void hmp_register_info_commands(const HMPCommand *table)
{
    if (!hmp_info_cmds) {
        hmp_info_cmds = g_ptr_array_new();
    }
    for (; table->name; table++) {
        g_ptr_array_add(hmp_info_cmds, (gpointer)table);
    }
}

void hmp_handle_error(Monitor *mon, Error *err)
{
    if (err) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

/* Does @name ("a|b") name @cmd? */
static bool hmp_name_matches(const char *names, const char *name, size_t len)
{
    const char *p = names;

    while (*p) {
        const char *end = qemu_strchrnul(p, '|');

        if ((size_t)(end - p) == len && !strncmp(p, name, len)) {
            return true;
        }
        p = *end ? end + 1 : end;
    }
    return false;
}

static const HMPCommand *hmp_find(GPtrArray *cmds, const char *name,
                                  size_t len)
{
    for (guint i = 0; cmds && i < cmds->len; i++) {
        const HMPCommand *cmd = g_ptr_array_index(cmds, i);

        if (hmp_name_matches(cmd->name, name, len)) {
            return cmd;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------- help */

static void hmp_help_list(Monitor *mon, GPtrArray *cmds, const char *prefix,
                          const char *only)
{
    bool found = false;

    for (guint i = 0; cmds && i < cmds->len; i++) {
        const HMPCommand *cmd = g_ptr_array_index(cmds, i);

        if (only && !hmp_name_matches(cmd->name, only, strlen(only))) {
            continue;
        }
        monitor_printf(mon, "%s%s %s -- %s\n", prefix, cmd->name,
                       cmd->params, cmd->help);
        found = true;
    }
    if (only && !found) {
        monitor_printf(mon, "unknown command: '%s%s'\n", prefix, only);
    }
}

static void hmp_help(Monitor *mon, const QDict *qdict)
{
    const char *name = qdict_get_try_str(qdict, "name");

    if (!name) {
        hmp_help_list(mon, hmp_cmds, "", NULL);
        return;
    }
    if (!strncmp(name, "info", 4) && (!name[4] || name[4] == ' ')) {
        const char *sub = name + 4;

        while (*sub == ' ') {
            sub++;
        }
        hmp_help_list(mon, hmp_info_cmds, "info ", *sub ? sub : NULL);
        return;
    }
    hmp_help_list(mon, hmp_cmds, "", name);
}

static void hmp_info_help(Monitor *mon, const QDict *qdict)
{
    hmp_help_list(mon, hmp_info_cmds, "info ", NULL);
}

/* ------------------------------------------------------ arg parsing */

static const char *skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* A word, or a "quoted string" with \" \\ \n escapes. */
static char *get_word(const char **pp)
{
    const char *p = skip_spaces(*pp);
    GString *s = g_string_new(NULL);

    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1]) {
                p++;
                g_string_append_c(s, *p == 'n' ? '\n' : *p);
            } else {
                g_string_append_c(s, *p);
            }
            p++;
        }
        if (*p != '"') {
            g_string_free(s, true);
            return NULL;
        }
        p++;
    } else {
        while (*p && *p != ' ' && *p != '\t') {
            g_string_append_c(s, *p++);
        }
    }
    *pp = p;
    return g_string_free(s, false);
}

/*
 * An integer: terms (decimal, 0x hex, 0 octal), each with an optional
 * sign, joined by + and -, whose sum must lie in [@min, @max].  The sum is
 * kept in 128 bits and checked after every term, so it cannot overflow.
 * A sum above INT64_MAX (an address such as 0xffffffff81000000) is
 * stored as its 64-bit pattern.
 */
static bool get_number(const char *word, __int128 min, __int128 max,
                       int64_t *val, Error **errp)
{
    const char *p = word;
    __int128 sum = 0;
    int sign = 1;

    do {
        uint64_t n;

        if (*p == '+' || *p == '-') {
            sign = *p == '-' ? -sign : sign;
            p++;
        }
        if (!g_ascii_isdigit(*p)) {
            error_setg(errp, "invalid number '%s'", word);
            return false;
        }
        if (parse_uint(p, &p, 0, &n) == -ERANGE) {
            error_setg(errp, "number '%s' is out of range", word);
            return false;
        }
        sum += sign * (__int128)n;
        if (sum < INT64_MIN || sum > UINT64_MAX) {
            error_setg(errp, "number '%s' is out of range", word);
            return false;
        }
        if (*p == '+' || *p == '-') {
            sign = *p == '-' ? -1 : 1;
            p++;
            if (!*p) {
                error_setg(errp, "invalid number '%s'", word);
                return false;
            }
        } else if (*p) {
            error_setg(errp, "invalid number '%s'", word);
            return false;
        }
    } while (*p);
    if (sum < min || sum > max) {
        error_setg(errp, "number '%s' is out of range", word);
        return false;
    }
    *val = (int64_t)(uint64_t)sum;
    return true;
}

/* The "/fmt" of x and xp: /[count][format][size]. */
static bool get_fmt(Monitor *mon, const char **pp, QDict *qdict)
{
    const char *p = skip_spaces(*pp);
    int count = 1, format = 'x', size = -1;

    if (*p == '/') {
        p++;
        if (g_ascii_isdigit(*p) && qemu_strtoi(p, &p, 10, &count) < 0) {
            monitor_printf(mon, "invalid count in format\n");
            return false;
        }
        while (*p && *p != ' ') {
            switch (*p) {
            case 'x': case 'd': case 'u': case 'o': case 'c':
                format = *p;
                break;
            case 'b':
                size = 1;
                break;
            case 'h':
                size = 2;
                break;
            case 'w':
                size = 4;
                break;
            case 'g': case 'L':
                size = 8;
                break;
            default:
                monitor_printf(mon, "invalid char in format: '%c'\n", *p);
                return false;
            }
            p++;
        }
    }
    if (size < 0) {
        size = format == 'c' ? 1 : 4;
    }
    qdict_put_int(qdict, "count", count);
    qdict_put_int(qdict, "format", format);
    qdict_put_int(qdict, "size", size);
    *pp = p;
    return true;
}

/*
 * Parse the arguments after the command name per @cmd->args_type into a
 * new QDict; NULL (and a message) on error.
 */
static QDict *hmp_parse_args(Monitor *mon, const HMPCommand *cmd,
                             const char **endp)
{
    g_autoptr(QDict) qdict = qdict_new();
    g_auto(GStrv) specs = g_strsplit(cmd->args_type, ",", -1);
    const char *p = *endp;

    for (int i = 0; specs[i]; i++) {
        const char *spec = specs[i];
        const char *colon = strchr(spec, ':');
        g_autofree char *name = NULL;
        const char *type;
        bool optional;
        g_autofree char *word = NULL;

        if (!*spec) {
            continue;
        }
        assert(colon);
        name = g_strndup(spec, colon - spec);
        type = colon + 1;
        optional = type[0] && type[strlen(type) - 1] == '?';

        if (type[0] == '-') {
            /*
             * A run of flag specs ("detach:-d,resume:-r"): accept their
             * "-X" words in any order before the next argument.
             */
            int last = i;
            const char *q;

            while (specs[last + 1] && strstr(specs[last + 1], ":-")) {
                last++;
            }
            for (q = skip_spaces(p); q[0] == '-' && g_ascii_isalpha(q[1]) &&
                 (q[2] == ' ' || q[2] == '\t' || !q[2]);
                 q = skip_spaces(p)) {
                bool known = false;

                for (int j = i; j <= last; j++) {
                    const char *c = strchr(specs[j], ':');

                    if (c[2] == q[1]) {
                        g_autofree char *fname = g_strndup(specs[j],
                                                           c - specs[j]);

                        qdict_put_bool(qdict, fname, true);
                        known = true;
                    }
                }
                if (!known) {
                    monitor_printf(mon, "%s: unsupported option -%c\n",
                                   cmd->name, q[1]);
                    return NULL;
                }
                p = q + 2;
            }
            i = last;
            continue;
        }
        if (type[0] == '/') {
            if (!get_fmt(mon, &p, qdict)) {
                return NULL;
            }
            continue;
        }
        p = skip_spaces(p);
        if (!*p) {
            if (optional) {
                continue;
            }
            monitor_printf(mon, "%s: missing argument '%s'\n",
                           cmd->name, name);
            return NULL;
        }
        if (type[0] == 'S') {
            /* The rest of the line. */
            g_autofree char *rest = g_strdup(p);

            g_strchomp(rest);
            qdict_put_str(qdict, name, rest);
            p += strlen(p);
            continue;
        }
        word = get_word(&p);
        if (!word) {
            monitor_printf(mon, "%s: unterminated string\n", cmd->name);
            return NULL;
        }
        switch (type[0]) {
        case 's':
        case 'F':
            qdict_put_str(qdict, name, word);
            break;
        case 'i':
        case 'l': {
            int64_t v;
            Error *err = NULL;

            if (!get_number(word, type[0] == 'i' ? INT32_MIN : INT64_MIN,
                            type[0] == 'i' ? UINT32_MAX : UINT64_MAX,
                            &v, &err)) {
                monitor_printf(mon, "%s: %s\n", cmd->name,
                               error_get_pretty(err));
                error_free(err);
                return NULL;
            }
            qdict_put_int(qdict, name, v);
            break;
        }
        case 'o':
        case 'M': {
            uint64_t v;
            int ret = type[0] == 'M' ? qemu_strtosz_MiB(word, NULL, &v)
                                     : qemu_strtosz(word, NULL, &v);

            if (ret < 0 || v > INT64_MAX) {
                monitor_printf(mon, "%s: invalid size '%s'\n",
                               cmd->name, word);
                return NULL;
            }
            qdict_put_int(qdict, name, v);
            break;
        }
        case 'b':
            if (!strcmp(word, "on")) {
                qdict_put_bool(qdict, name, true);
            } else if (!strcmp(word, "off")) {
                qdict_put_bool(qdict, name, false);
            } else {
                monitor_printf(mon, "%s: expected 'on' or 'off'\n",
                               cmd->name);
                return NULL;
            }
            break;
        default:
            monitor_printf(mon, "%s: unknown argument type '%s'\n",
                           cmd->name, type);
            return NULL;
        }
    }
    p = skip_spaces(p);
    if (*p) {
        monitor_printf(mon, "%s: extraneous characters at the end of line\n",
                       cmd->name);
        return NULL;
    }
    *endp = p;
    return g_steal_pointer(&qdict);
}

void handle_hmp_command(Monitor *mon, const char *cmdline)
{
    const char *p = skip_spaces(cmdline);
    const char *name = p;
    const HMPCommand *cmd;
    GPtrArray *table = hmp_cmds;
    const char *prefix = "";
    g_autoptr(QDict) qdict = NULL;
    Monitor *old;
    size_t len;

    while (*p && *p != ' ' && *p != '\t') {
        p++;
    }
    len = p - name;
    if (!len) {
        return;
    }
    if (len == 4 && !strncmp(name, "info", 4)) {
        /* "info" alone lists the sub-commands. */
        p = skip_spaces(p);
        if (!*p) {
            hmp_help_list(mon, hmp_info_cmds, "info ", NULL);
            return;
        }
        name = p;
        while (*p && *p != ' ' && *p != '\t') {
            p++;
        }
        len = p - name;
        table = hmp_info_cmds;
        prefix = "info ";
    }
    cmd = hmp_find(table, name, len);
    if (!cmd) {
        monitor_printf(mon, "unknown command: '%s%.*s'\n", prefix,
                       (int)len, name);
        return;
    }
    qdict = hmp_parse_args(mon, cmd, &p);
    if (!qdict) {
        monitor_printf(mon, "Try \"help %s%.*s\" for more information\n",
                       prefix, (int)len, name);
        return;
    }
    old = monitor_set_cur(mon);
    cmd->cmd(mon, qdict);
    monitor_set_cur(old);
}

/* ---------------------------------------------------- the line reader */

void monitor_hmp_print_prompt(MonitorHMP *mon)
{
    monitor_puts(&mon->common, HMP_PROMPT);
    monitor_flush(&mon->common);
}

static int monitor_hmp_can_read(void *opaque)
{
    Monitor *mon = opaque;

    /* One byte at a time, so a suspension stops input exactly. */
    return qatomic_read(&mon->suspend_cnt) ? 0 : 1;
}

static void monitor_hmp_run_line(MonitorHMP *mon)
{
    g_autofree char *line = g_strdup(mon->line->str);

    g_string_truncate(mon->line, 0);
    handle_hmp_command(&mon->common, line);
    if (mon->use_readline && !qatomic_read(&mon->common.suspend_cnt)) {
        monitor_hmp_print_prompt(mon);
    }
}

static void monitor_hmp_read(void *opaque, const uint8_t *buf, int size)
{
    MonitorHMP *mon = opaque;

    for (int i = 0; i < size; i++) {
        uint8_t c = buf[i];
        char echo[2] = { c, 0 };

        if (mon->esc_state == 1) {
            /* ESC x, or ESC [ ... final byte: skip (cursor keys &c.) */
            mon->esc_state = (c == '[' || c == 'O') ? 2 : 0;
            continue;
        }
        if (mon->esc_state == 2) {
            if (c >= 0x40 && c <= 0x7e) {
                mon->esc_state = 0;
            }
            continue;
        }
        if (c == '\n' && mon->last_cr) {
            mon->last_cr = false;
            continue;
        }
        mon->last_cr = c == '\r';
        switch (c) {
        case 0x1b:
            mon->esc_state = 1;
            break;
        case '\r':
        case '\n':
            if (mon->use_readline) {
                monitor_puts(&mon->common, "\n");
            }
            monitor_hmp_run_line(mon);
            break;
        case 0x7f:
        case 0x08:
            if (mon->line->len) {
                g_string_truncate(mon->line, mon->line->len - 1);
                if (mon->use_readline) {
                    monitor_puts(&mon->common, "\b \b");
                    monitor_flush(&mon->common);
                }
            }
            break;
        default:
            if (c >= 0x20) {
                g_string_append_c(mon->line, c);
                if (mon->use_readline) {
                    monitor_puts(&mon->common, echo);
                    monitor_flush(&mon->common);
                }
            }
            break;
        }
    }
}

static void monitor_hmp_event(void *opaque, QEMUChrEvent event)
{
    MonitorHMP *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        g_string_truncate(mon->line, 0);
        monitor_printf(&mon->common, "QEMU 10.0.0 monitor - type 'help' "
                       "for more information\n");
        if (mon->use_readline) {
            monitor_hmp_print_prompt(mon);
        }
        break;
    case CHR_EVENT_CLOSED:
        monitor_output_reset(&mon->common);
        g_string_truncate(mon->line, 0);
        break;
    default:
        break;
    }
}

void monitor_data_destroy_hmp(MonitorHMP *mon)
{
    g_string_free(mon->line, true);
}

void monitor_init_hmp(Chardev *chr, bool use_readline, Error **errp)
{
    MonitorHMP *mon = g_new0(MonitorHMP, 1);

    monitor_init_globals();
    if (!qemu_chr_fe_init(&mon->common.chr, chr, errp)) {
        g_free(mon);
        return;
    }
    /* HMP runs in the main loop: its commands need the BQL anyway. */
    monitor_data_init(&mon->common, false, false);
    mon->use_readline = use_readline;
    mon->line = g_string_new(NULL);
    monitor_list_append(&mon->common);
    qemu_chr_fe_set_handlers(&mon->common.chr, monitor_hmp_can_read,
                             monitor_hmp_read, monitor_hmp_event, NULL,
                             &mon->common, NULL, true);
}

/* ------------------------------------------------ human-monitor-command */

char *qmp_human_monitor_command(const char *command_line, bool has_cpu_index,
                                int64_t cpu_index, Error **errp)
{
    MonitorHMP hmp = { };
    char *output;

    /*
     * A monitor without a chardev: everything printed stays in its
     * buffer, which is the reply.  cpu-index is accepted and ignored:
     * no HMP command of ours depends on a current vCPU.
     */
    monitor_data_init(&hmp.common, false, false);
    hmp.common.capture = true;
    hmp.line = g_string_new(NULL);
    handle_hmp_command(&hmp.common, command_line);
    output = g_strdup(hmp.common.outbuf->str);
    monitor_data_destroy(&hmp.common);
    return output;
}

/* ------------------------------------------------------ the core table */

static const HMPCommand hmp_core_cmds[] = {
    {
        .name = "help|?",
        .args_type = "name:S?",
        .params = "[cmd]",
        .help = "show the help",
        .cmd = hmp_help,
    }, {
        /* Dispatched by handle_hmp_command(); listed here for "help". */
        .name = "info",
        .args_type = "item:s?",
        .params = "[subcommand]",
        .help = "show various information about the system state",
        .cmd = hmp_info_help,
    },
    { NULL }
};

void hmp_commands_init(void)
{
    hmp_register_commands(hmp_core_cmds);
    hmp_generic_commands_init();
}

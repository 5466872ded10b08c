/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP: the human monitor's command table.
 *
 * Commands are described by HMPCommand entries.  args_type lists the
 * arguments as "name:TYPE" separated by commas; the parser fills a QDict
 * the handler reads with qdict_get_*():
 *   s   a word (or "quoted string"), stored as a string
 *   S   the rest of the line, as a string
 *   F   a file name (a word)
 *   i   a 32-bit integer, o   a size with optional K/M/G/T suffix,
 *   l   a 64-bit integer (an expression: numbers, + - * / ( ) in QEMU;
 *       here numbers with optional 0x prefix, + and -)
 *   M   a size in MiB unless suffixed, stored in bytes
 *   b   on|off, stored as a bool
 *   /   the "/fmt" of x/xp: stored as "count", "format", "size" ints
 *   -X  a flag "-X", stored as bool "name" when given (e.g. "detach:-d")
 *   A type followed by '?' is optional.
 * params and help are shown by "help".
 *
 * Other directories add commands at start-up with
 * hmp_register_commands(table) / hmp_register_info_commands(table) from
 * a type_init()/module_init() function or any init code that runs
 * before the monitors read input (see docs/devel/monitor.md).
 */
#ifndef MONITOR_HMP_H
#define MONITOR_HMP_H

#include "qobject/qdict.h"

typedef struct HMPCommand {
    const char *name;           /* "stop", or "c|cont" for aliases */
    const char *args_type;
    const char *params;
    const char *help;
    void (*cmd)(Monitor *mon, const QDict *qdict);
} HMPCommand;

/* Add the commands of @table (ended by an entry with a NULL name). */
void hmp_register_commands(const HMPCommand *table);
/* Add "info" sub-commands. */
void hmp_register_info_commands(const HMPCommand *table);

/* Print @err to @mon ("Error: ..."), free it; nothing if NULL. */
void hmp_handle_error(Monitor *mon, Error *err);

/*
 * Run one HMP command line on @mon (output goes to @mon).  Used by the
 * HMP line reader and by human-monitor-command.
 */
void handle_hmp_command(Monitor *mon, const char *cmdline);

#endif /* MONITOR_HMP_H */

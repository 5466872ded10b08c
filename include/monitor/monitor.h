/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monitors: QMP (JSON, for management tools) and HMP (text, for
 * humans), each on a chardev.  See docs/devel/monitor.md for the threads:
 * QMP input is read in the monitor I/O thread, out-of-band commands run
 * there, everything else runs in the main thread under the BQL.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "qemu/option.h"

/* -mon's options: chardev=ID,mode=control|readline,pretty=on|off. */
extern QemuOptsList qemu_mon_opts;

/* Set up global state; call once, early, from the main thread. */
void monitor_init_globals(void);
/* Stop the I/O thread, flush and free every monitor (at exit). */
void monitor_cleanup(void);

/* A QMP monitor on @chr; @pretty indents responses. */
void monitor_init_qmp(Chardev *chr, bool pretty, Error **errp);
/* An HMP monitor on @chr, with line editing and prompt if @use_readline. */
void monitor_init_hmp(Chardev *chr, bool use_readline, Error **errp);
/* A monitor from -mon options; 0 or -1 (with @errp). */
int monitor_init_opts(QemuOpts *opts, Error **errp);

/* The monitor running the current command in this thread, or NULL. */
Monitor *monitor_cur(void);
/* Make @mon current in this thread; returns the previous one. */
Monitor *monitor_set_cur(Monitor *mon);
bool monitor_cur_is_qmp(void);
bool monitor_is_qmp(const Monitor *mon);

/*
 * Text output.  On an HMP monitor it is written out; on QMP it is
 * dropped (QMP commands return data instead), as with QEMU.
 */
int monitor_puts(Monitor *mon, const char *str);
int monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);
int monitor_printf(Monitor *mon, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void monitor_flush(Monitor *mon);

/*
 * Stop (suspend) and restart (resume) reading input; nested.  HMP
 * "migrate" without -d suspends its monitor until the migration ends.
 * Returns -ENOTTY for monitors that cannot be suspended.
 */
int monitor_suspend(Monitor *mon);
void monitor_resume(Monitor *mon);

/*
 * Named fds passed with getfd.  monitor_get_fd() takes the fd named
 * @fdname out of @mon (the caller owns it then); monitor_fd_param()
 * accepts either such a name or a decimal fd number.
 */
int monitor_get_fd(Monitor *mon, const char *fdname, Error **errp);
int monitor_fd_param(Monitor *mon, const char *fdname, Error **errp);

/* fd sets (add-fd): a dup of a matching fd of set @fdset_id, or -1. */
int monitor_fdset_dup_fd_add(int64_t fdset_id, int flags);
/* Open @path, handling /dev/fdset/N names; -1 with errno. */
int qemu_open_fdset(const char *path, int flags, mode_t mode);

/* Whether @mon is the human-monitor-command capture monitor. */
bool monitor_is_hmp_non_interactive(const Monitor *mon);

#endif /* MONITOR_MONITOR_H */

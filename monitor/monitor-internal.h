/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to monitor/: the Monitor structures shared by its files. */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include "chardev/char-fe.h"
#include "monitor/monitor.h"
#include "qapi/qmp/dispatch.h"
#include "qapi/qapi-types-control.h"
#include "qobject/json-parser.h"
#include "qemu/queue.h"
#include "qemu/thread.h"

/* In-band requests a QMP monitor queues before it stops reading. */
#define QMP_REQ_QUEUE_LEN_MAX 8

typedef struct MonFd {
    char *name;
    int fd;
    QLIST_ENTRY(MonFd) next;
} MonFd;

struct Monitor {
    CharBackend chr;
    bool is_qmp;
    /* human-monitor-command's capture monitor: output stays in outbuf. */
    bool capture;
    /* Input is read in the monitor I/O thread. */
    bool use_io_thread;
    int suspend_cnt;            /* atomic */

    /* Guards outbuf, out_watch and mon_fds. */
    QemuMutex mon_lock;
    GString *outbuf;
    /* Armed while the client has not taken all of outbuf. */
    GSource *out_watch;
    QLIST_HEAD(, MonFd) fds;

    QTAILQ_ENTRY(Monitor) entry;
};

typedef struct MonitorHMP {
    Monitor common;
    bool use_readline;
    GString *line;              /* the line being typed */
    int esc_state;              /* skipping an escape sequence */
    bool last_cr;               /* swallow the \n of a \r\n */
} MonitorHMP;

typedef struct MonitorQMP {
    Monitor common;
    JSONMessageParser parser;
    bool pretty;
    /* qmp_commands once negotiated, qmp_cap_negotiation_commands before */
    const QmpCommandList *commands;
    bool capab_offered[QMP_CAPABILITY__MAX];
    bool capab[QMP_CAPABILITY__MAX];
    /* Input read but not parsed yet because the monitor is suspended. */
    GByteArray *pending;
    /* Guards qmp_requests. */
    QemuMutex qmp_queue_lock;
    GQueue *qmp_requests;       /* of QMPRequest */
} MonitorQMP;

static inline bool monitor_is_hmp(const Monitor *mon)
{
    return !mon->is_qmp;
}

extern QmpCommandList qmp_commands, qmp_cap_negotiation_commands;
/* Guards mon_list and the event rate-limit state. */
extern QemuMutex monitor_lock;
extern QTAILQ_HEAD(TernMonitorList, Monitor) mon_list;
/* The monitor I/O thread's context. */
extern GMainContext *mon_iothread_ctx;

void monitor_data_init(Monitor *mon, bool is_qmp, bool use_io_thread);
/* Drop unsent output and its watch (the client went away). */
void monitor_output_reset(Monitor *mon);
void monitor_data_destroy(Monitor *mon);
void monitor_list_append(Monitor *mon);
int monitor_can_read(void *opaque);
/* Start the monitor I/O thread if it does not run yet. */
void monitor_iothread_init(void);

void monitor_data_destroy_qmp(MonitorQMP *mon);
void monitor_data_destroy_hmp(MonitorHMP *mon);
/* qmp.c: the main-thread side that runs queued in-band requests. */
void monitor_qmp_dispatcher_init(void);
void monitor_init_qmp_commands(void);
bool qmp_oob_enabled(MonitorQMP *mon);
void qmp_send_response(MonitorQMP *mon, const QDict *rsp);
void monitor_qmp_resume_input(MonitorQMP *mon);

/* hmp.c */
void hmp_commands_init(void);
void hmp_generic_commands_init(void);
void monitor_hmp_print_prompt(MonitorHMP *mon);
/* fds.c */
void monitor_fds_cleanup(Monitor *mon);

#endif /* MONITOR_INTERNAL_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices (chardevs): byte-stream backends (socket, file,
 * stdio, null, pipe) that a front end such as a monitor or a serial port
 * reads from and writes to.  A chardev is a QOM object of TYPE_CHARDEV,
 * child of /chardevs, named by its id.
 *
 * Backends are created from QemuOpts (-chardev BACKEND,id=ID,...) or
 * from QEMU's legacy shorthand strings (-serial, -qmp, -monitor).  Each
 * backend's input is polled by a GSource attached to the GMainContext its
 * front end chose (NULL: the main loop), so a monitor may move a chardev
 * into its own I/O thread.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "qom/object.h"
#include "qemu/option.h"
#include "qemu/thread.h"

#define TYPE_CHARDEV        "chardev"
#define TYPE_CHARDEV_NULL   "chardev-null"
#define TYPE_CHARDEV_SOCKET "chardev-socket"
#define TYPE_CHARDEV_FILE   "chardev-file"
#define TYPE_CHARDEV_PIPE   "chardev-pipe"
#define TYPE_CHARDEV_STDIO  "chardev-stdio"

typedef struct ChardevClass ChardevClass;
DECLARE_OBJ_CHECKERS(Chardev, ChardevClass, CHARDEV, TYPE_CHARDEV)

/* Events a backend reports to its front end (QEMU's values). */
typedef enum QEMUChrEvent {
    CHR_EVENT_BREAK,
    CHR_EVENT_OPENED,
    CHR_EVENT_MUX_IN,
    CHR_EVENT_MUX_OUT,
    CHR_EVENT_CLOSED,
} QEMUChrEvent;

/* Largest chunk a backend reads at once. */
#define CHR_READ_BUF_LEN 4096
/* Most file descriptors one message may carry (SCM_RIGHTS). */
#define CHR_MAX_MSGFDS 16

typedef struct CharBackend CharBackend;

struct Chardev {
    Object parent_obj;

    /* Serialises writers (main thread, monitor I/O thread). */
    QemuMutex chr_write_lock;
    CharBackend *be;
    char *label;
    /* Human description for query-chardev ("unix:/p,server=on"). */
    char *filename;
    /* Whether the backend is connected (OPENED sent, CLOSED not yet). */
    bool be_open;
    /* Where the input sources live; NULL is the main loop. */
    GMainContext *gcontext;
    /* Log of the traffic (logfile=PATH), -1 if none. */
    int logfd;
};

struct ChardevClass {
    ObjectClass parent_class;

    /* Name used with -chardev and query-chardev-backends. */
    const char *backend_name;
    /*
     * Open the backend from @opts.  Clear *@be_opened if the backend is
     * not connected yet (a server waiting for a client): OPENED is then
     * sent by the backend later, with qemu_chr_be_event().
     */
    bool (*open)(Chardev *chr, QemuOpts *opts, bool *be_opened,
                 Error **errp);
    /*
     * Write up to @len bytes; return how many, or -1 with errno set
     * (EAGAIN when the backend cannot take more now).  Called with
     * chr_write_lock held.
     */
    int (*chr_write)(Chardev *chr, const uint8_t *buf, int len);
    /* The front end's handlers or context changed: re-arm input. */
    void (*chr_update_read_handler)(Chardev *chr);
    /* Take up to @num fds received with the last data (see char-fe.h). */
    int (*get_msgfds)(Chardev *chr, int *fds, int num);
    /* Send @num fds with the next write; @num 0 cancels. */
    int (*set_msgfds)(Chardev *chr, int *fds, int num);
    /* The front end can take input again. */
    void (*chr_accept_input)(Chardev *chr);
    /* Drop the connection, if the backend has one (yank, HMP). */
    void (*chr_disconnect)(Chardev *chr);
    /*
     * A source (not attached) that fires on @cond on the connection, or
     * NULL when there is none; lets a writer wait for room without
     * blocking its thread.
     */
    GSource *(*chr_add_watch)(Chardev *chr, GIOCondition cond);
    /* Release resources; runs from instance finalize. */
    void (*chr_cleanup)(Chardev *chr);
};

/* -chardev's options, implied option "backend". */
extern QemuOptsList qemu_chardev_opts;

/*
 * Create a chardev from -chardev options (id and backend required).
 * "-chardev help" (backend=help) lists the backends and returns NULL
 * without an error; callers check is_help_option() first if they care.
 * @context is where its input is polled until a front end says else.
 */
Chardev *qemu_chr_new_from_opts(QemuOpts *opts, GMainContext *context,
                                Error **errp);
/*
 * Create a chardev labelled @label from a legacy shorthand: "stdio",
 * "null", "file:PATH", "pipe:PATH", "unix:PATH[,opts]",
 * "tcp:HOST:PORT[,opts]", or "chardev:ID" for an existing one (returned
 * as is).  Errors are reported with error_report(); returns NULL.
 */
Chardev *qemu_chr_new(const char *label, const char *filename,
                      GMainContext *context);
/* Same, with an Error. */
Chardev *qemu_chr_new_noreport(const char *label, const char *filename,
                               GMainContext *context, Error **errp);
/* Translate a shorthand into -chardev options; NULL if not one. */
QemuOpts *qemu_chr_parse_compat(const char *label, const char *filename,
                                Error **errp);

/* The chardev with id @id, or NULL. */
Chardev *qemu_chr_find(const char *id);
/* Remove chardev @id (it must not be in use by a front end). */
bool qemu_chr_delete(const char *id, Error **errp);
/* Finalize every chardev, at exit after the monitors are gone. */
void qemu_chr_cleanup(void);
/*
 * From now on a write_all write to a peer that does not read gives up
 * instead of waiting for room (at exit, before threads that may be
 * writing are joined).
 */
void qemu_chr_stop_waiting(void);
/* Print the backends, one per line (-chardev help). */
void qemu_chr_print_backends(void);

/* --- for backends --- */

/* Feed input to the front end (its chr_read). */
void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len);
/* How much the front end can take now (its chr_can_read). */
int qemu_chr_be_can_write(Chardev *chr);
/* Report an event; OPENED/CLOSED also update chr->be_open. */
void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event);
/* Write everything (retrying on EAGAIN) or nothing: bytes or -1. */
int qemu_chr_write(Chardev *chr, const uint8_t *buf, int len,
                   bool write_all);
/* Wake the context @chr's input lives in, to re-check readiness. */
void qemu_chr_kick(Chardev *chr);

/*
 * A GSource polling @fd for input while @can_read says the front end can
 * take some.  @read is called when @fd is readable or hung up; it returns
 * FALSE to destroy the source.  Attached to @context (NULL: main loop).
 */
typedef int ChrFdCanRead(void *opaque);
typedef gboolean ChrFdRead(int fd, GIOCondition cond, void *opaque);
GSource *chr_fd_watch_add(int fd, ChrFdCanRead *can_read, ChrFdRead *read,
                          void *opaque, GMainContext *context);
/* Destroy and unref *@src, if any, and clear it. */
void chr_fd_watch_remove(GSource **src);

#endif /* CHARDEV_CHAR_H */

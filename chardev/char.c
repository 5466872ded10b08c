/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev core: the abstract TYPE_CHARDEV, creation from -chardev options
 * and legacy shorthands, the backend-side helpers, the fd input GSource
 * and the query-chardev / query-chardev-backends commands.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "chardev/char-fe.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-char.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/cutils.h"
#include "chardev/trace.h"

/* ------------------------------------------------------------ options */

QemuOptsList qemu_chardev_opts = {
    .name = "chardev",
    .implied_opt_name = "backend",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_chardev_opts.head),
    .desc = {
        { .name = "backend", .type = QEMU_OPT_STRING },
        { .name = "path", .type = QEMU_OPT_STRING },
        { .name = "host", .type = QEMU_OPT_STRING },
        { .name = "port", .type = QEMU_OPT_STRING },
        { .name = "to", .type = QEMU_OPT_NUMBER },
        { .name = "ipv4", .type = QEMU_OPT_BOOL },
        { .name = "ipv6", .type = QEMU_OPT_BOOL },
        { .name = "server", .type = QEMU_OPT_BOOL },
        { .name = "wait", .type = QEMU_OPT_BOOL },
        { .name = "nodelay", .type = QEMU_OPT_BOOL },
        { .name = "reconnect", .type = QEMU_OPT_NUMBER },
        { .name = "reconnect-ms", .type = QEMU_OPT_NUMBER },
        { .name = "telnet", .type = QEMU_OPT_BOOL },
        { .name = "abstract", .type = QEMU_OPT_BOOL },
        { .name = "append", .type = QEMU_OPT_BOOL },
        { .name = "signal", .type = QEMU_OPT_BOOL },
        { .name = "mux", .type = QEMU_OPT_BOOL },
        { .name = "logfile", .type = QEMU_OPT_STRING },
        { .name = "logappend", .type = QEMU_OPT_BOOL },
        { .name = "fd", .type = QEMU_OPT_STRING },
        { /* end of list */ }
    },
};

/* -------------------------------------------------------- the QOM type */

static Object *get_chardevs_root(void)
{
    return object_get_container("chardevs");
}

static void char_init(Object *obj)
{
    Chardev *chr = CHARDEV(obj);

    qemu_mutex_init(&chr->chr_write_lock);
    chr->logfd = -1;
}

static void char_finalize(Object *obj)
{
    Chardev *chr = CHARDEV(obj);
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);

    trace_char_finalize(chr->label ? chr->label : "");
    if (chr->be) {
        chr->be->chr = NULL;
    }
    if (cc->chr_cleanup) {
        cc->chr_cleanup(chr);
    }
    if (chr->logfd != -1) {
        close(chr->logfd);
    }
    g_free(chr->filename);
    g_free(chr->label);
    qemu_mutex_destroy(&chr->chr_write_lock);
}

static const TypeInfo char_type_info = {
    .name = TYPE_CHARDEV,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Chardev),
    .instance_init = char_init,
    .instance_finalize = char_finalize,
    .abstract = true,
    .class_size = sizeof(ChardevClass),
};

static void register_types(void)
{
    type_register_static(&char_type_info);
}

type_init(register_types);

/* ------------------------------------------------------ backend helpers */

void qemu_chr_kick(Chardev *chr)
{
    if (chr->gcontext) {
        g_main_context_wakeup(chr->gcontext);
    } else {
        qemu_notify_event();
    }
}

int qemu_chr_be_can_write(Chardev *chr)
{
    CharBackend *be = chr->be;

    if (!be || !be->chr_can_read) {
        return 0;
    }
    return be->chr_can_read(be->opaque);
}

void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len)
{
    CharBackend *be = chr->be;

    if (chr->logfd != -1 && len > 0) {
        /* The log is best effort; a short write loses log text only. */
        if (write(chr->logfd, buf, len) < 0) {
            /* nothing useful to do */
        }
    }
    if (be && be->chr_read) {
        be->chr_read(be->opaque, buf, len);
    }
}

void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event)
{
    CharBackend *be = chr->be;

    trace_qemu_chr_be_event(chr->label ? chr->label : "", event);
    /* Record the state even without a front end: it may attach later. */
    if (event == CHR_EVENT_OPENED) {
        chr->be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        chr->be_open = false;
    }
    if (be && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}

/* Set at exit: a writer waiting for a peer that does not read gives up. */
static bool chr_exiting;

void qemu_chr_stop_waiting(void)
{
    qatomic_set(&chr_exiting, true);
}

int qemu_chr_write(Chardev *chr, const uint8_t *buf, int len,
                   bool write_all)
{
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);
    int done = 0;

    if (!cc->chr_write) {
        errno = ENOTSUP;
        return -1;
    }
    qemu_mutex_lock(&chr->chr_write_lock);
    while (done < len) {
        int n = cc->chr_write(chr, buf + done, len - done);

        if (n < 0 && errno == EAGAIN && write_all &&
            !qatomic_read(&chr_exiting)) {
            /*
             * The peer is slow: wait briefly for room, as QEMU does.
             * The lock keeps other writers from interleaving bytes.
             */
            g_usleep(100);
            continue;
        }
        if (n <= 0) {
            break;
        }
        done += n;
        if (!write_all) {
            break;
        }
    }
    if (done > 0 && chr->logfd != -1) {
        if (write(chr->logfd, buf, done) < 0) {
            /* best effort */
        }
    }
    qemu_mutex_unlock(&chr->chr_write_lock);
    return done > 0 || len == 0 ? done : -1;
}

/* ----------------------------------------------------- fd input source */

typedef struct ChrFdSource {
    GSource source;
    gpointer tag;
    int fd;
    ChrFdCanRead *can_read;
    ChrFdRead *read;
    void *opaque;
    GIOCondition events;    /* what the fd is polled for now */
} ChrFdSource;

static gboolean chr_fd_prepare(GSource *source, gint *timeout)
{
    ChrFdSource *s = (ChrFdSource *)source;
    bool want = !s->can_read || s->can_read(s->opaque) > 0;
    GIOCondition events = want ? G_IO_IN | G_IO_HUP | G_IO_ERR : 0;

    /*
     * Poll the fd only while the front end can take input; when it can
     * again it calls qemu_chr_fe_accept_input(), which wakes the context
     * so this runs again.
     */
    /*
     * Only on a change: modifying a polled fd wakes the context up, and
     * doing it on every prepare made the I/O thread spin a whole core.
     */
    if (events != s->events) {
        g_source_modify_unix_fd(source, s->tag, events);
        s->events = events;
    }
    *timeout = -1;
    return FALSE;
}

static gboolean chr_fd_check(GSource *source)
{
    ChrFdSource *s = (ChrFdSource *)source;

    return g_source_query_unix_fd(source, s->tag) != 0;
}

static gboolean chr_fd_dispatch(GSource *source, GSourceFunc cb,
                                gpointer data)
{
    ChrFdSource *s = (ChrFdSource *)source;
    GIOCondition cond = g_source_query_unix_fd(source, s->tag);

    return s->read(s->fd, cond, s->opaque);
}

static GSourceFuncs chr_fd_source_funcs = {
    .prepare = chr_fd_prepare,
    .check = chr_fd_check,
    .dispatch = chr_fd_dispatch,
};

GSource *chr_fd_watch_add(int fd, ChrFdCanRead *can_read, ChrFdRead *read,
                          void *opaque, GMainContext *context)
{
    GSource *source = g_source_new(&chr_fd_source_funcs,
                                   sizeof(ChrFdSource));
    ChrFdSource *s = (ChrFdSource *)source;

    s->fd = fd;
    s->can_read = can_read;
    s->read = read;
    s->opaque = opaque;
    s->events = G_IO_IN | G_IO_HUP;
    s->tag = g_source_add_unix_fd(source, fd, s->events);
    g_source_set_name(source, "chardev-fd");
    g_source_attach(source, context);
    if (!context) {
        qemu_notify_event();
    } else {
        g_main_context_wakeup(context);
    }
    return source;
}

void chr_fd_watch_remove(GSource **src)
{
    if (*src) {
        g_source_destroy(*src);
        g_source_unref(*src);
        *src = NULL;
    }
}

/* ------------------------------------------------------------ creation */

static ChardevClass *chr_find_backend(const char *name)
{
    GSList *list = object_class_get_list(TYPE_CHARDEV, false);
    ChardevClass *found = NULL;

    for (GSList *l = list; l; l = l->next) {
        ChardevClass *cc = l->data;

        if (cc->backend_name && !strcmp(cc->backend_name, name)) {
            found = cc;
            break;
        }
    }
    g_slist_free(list);
    return found;
}

void qemu_chr_print_backends(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_CHARDEV, false);

    printf("Available chardev backend types:\n");
    for (GSList *l = list; l; l = l->next) {
        ChardevClass *cc = l->data;

        if (cc->backend_name) {
            printf("  %s\n", cc->backend_name);
        }
    }
    g_slist_free(list);
}

Chardev *qemu_chr_find(const char *id)
{
    Object *obj = object_resolve_path_component(get_chardevs_root(), id);

    return obj ? (Chardev *)object_dynamic_cast(obj, TYPE_CHARDEV) : NULL;
}

Chardev *qemu_chr_new_from_opts(QemuOpts *opts, GMainContext *context,
                                Error **errp)
{
    const char *backend = qemu_opt_get(opts, "backend");
    const char *id = qemu_opts_id(opts);
    const char *logfile = qemu_opt_get(opts, "logfile");
    ChardevClass *cc;
    Chardev *chr;
    bool be_opened = true;

    if (backend && is_help_option(backend)) {
        qemu_chr_print_backends();
        return NULL;
    }
    if (!backend) {
        error_setg(errp, "chardev: \"%s\" missing backend",
                   id ? id : "<no-id>");
        return NULL;
    }
    if (!id) {
        error_setg(errp, "chardev: no id specified");
        return NULL;
    }
    if (qemu_opt_get_bool(opts, "mux", false)) {
        error_setg(errp, "chardev: mux=on is not supported by Tern");
        return NULL;
    }
    cc = chr_find_backend(backend);
    if (!cc) {
        error_setg(errp, "'%s' is not a valid char driver name", backend);
        return NULL;
    }
    if (qemu_chr_find(id)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type 'container')", id);
        return NULL;
    }

    chr = CHARDEV(object_new(object_class_get_name(OBJECT_CLASS(cc))));
    chr->label = g_strdup(id);
    chr->gcontext = context;
    if (logfile) {
        int flags = O_WRONLY | O_CREAT | O_CLOEXEC |
            (qemu_opt_get_bool(opts, "logappend", false) ? O_APPEND
                                                          : O_TRUNC);

        chr->logfd = open(logfile, flags, 0666);
        if (chr->logfd < 0) {
            error_setg_errno(errp, errno, "Unable to open logfile %s",
                             logfile);
            object_unref(chr);
            return NULL;
        }
    }
    if (!cc->open(chr, opts, &be_opened, errp)) {
        trace_qemu_chr_new_from_opts_failed(id, backend);
        object_unref(chr);
        return NULL;
    }
    if (!chr->filename) {
        chr->filename = g_strdup(backend);
    }
    trace_qemu_chr_new_from_opts(id, backend, chr->filename);
    if (be_opened) {
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    }
    if (!object_property_try_add_child(get_chardevs_root(), id,
                                       OBJECT(chr), errp)) {
        object_unref(chr);
        return NULL;
    }
    object_unref(chr);      /* the container holds it now */
    return chr;
}

/* Append ",opts" text after a shorthand's address to @opts. */
static bool chr_parse_tail(QemuOpts *opts, const char *tail, Error **errp)
{
    if (!tail || !*tail) {
        return true;
    }
    if (*tail != ',') {
        error_setg(errp, "chardev: bad option text '%s'", tail);
        return false;
    }
    return qemu_opts_do_parse(opts, tail + 1, NULL, errp);
}

QemuOpts *qemu_chr_parse_compat(const char *label, const char *filename,
                                Error **errp)
{
    QemuOpts *opts;
    const char *p;

    opts = qemu_opts_create(&qemu_chardev_opts, label, 1, errp);
    if (!opts) {
        return NULL;
    }
    if (!strcmp(filename, "null") || !strcmp(filename, "stdio") ||
        !strcmp(filename, "none")) {
        qemu_opt_set(opts, "backend",
                     !strcmp(filename, "none") ? "null" : filename,
                     &error_abort);
        return opts;
    }
    if (strstart(filename, "file:", &p)) {
        qemu_opt_set(opts, "backend", "file", &error_abort);
        qemu_opt_set(opts, "path", p, &error_abort);
        return opts;
    }
    if (strstart(filename, "pipe:", &p)) {
        qemu_opt_set(opts, "backend", "pipe", &error_abort);
        qemu_opt_set(opts, "path", p, &error_abort);
        return opts;
    }
    if (strstart(filename, "unix:", &p)) {
        const char *comma = strchr(p, ',');
        g_autofree char *path = comma ? g_strndup(p, comma - p)
                                      : g_strdup(p);

        qemu_opt_set(opts, "backend", "socket", &error_abort);
        qemu_opt_set(opts, "path", path, &error_abort);
        if (!chr_parse_tail(opts, comma, errp)) {
            goto fail;
        }
        return opts;
    }
    if (strstart(filename, "tcp:", &p) || strstart(filename, "telnet:", &p)) {
        const char *comma = strchr(p, ',');
        g_autofree char *addr = comma ? g_strndup(p, comma - p)
                                      : g_strdup(p);
        char *colon = strrchr(addr, ':');
        char *host = addr;

        if (!colon) {
            error_setg(errp, "chardev: '%s' lacks a port", filename);
            goto fail;
        }
        *colon = '\0';
        /* [::1]:port */
        if (host[0] == '[' && host[strlen(host) - 1] == ']') {
            host[strlen(host) - 1] = '\0';
            host++;
        }
        qemu_opt_set(opts, "backend", "socket", &error_abort);
        qemu_opt_set(opts, "host", host, &error_abort);
        qemu_opt_set(opts, "port", colon + 1, &error_abort);
        if (g_str_has_prefix(filename, "telnet:")) {
            qemu_opt_set(opts, "telnet", "on", &error_abort);
        }
        if (!chr_parse_tail(opts, comma, errp)) {
            goto fail;
        }
        return opts;
    }
    error_setg(errp, "'%s' is not a valid char driver", filename);
fail:
    qemu_opts_del(opts);
    return NULL;
}

Chardev *qemu_chr_new_noreport(const char *label, const char *filename,
                               GMainContext *context, Error **errp)
{
    QemuOpts *opts;
    Chardev *chr;
    const char *p;

    if (strstart(filename, "chardev:", &p)) {
        chr = qemu_chr_find(p);
        if (!chr) {
            error_setg(errp, "chardev '%s' not found", p);
        }
        return chr;
    }
    opts = qemu_chr_parse_compat(label, filename, errp);
    if (!opts) {
        return NULL;
    }
    chr = qemu_chr_new_from_opts(opts, context, errp);
    qemu_opts_del(opts);
    return chr;
}

Chardev *qemu_chr_new(const char *label, const char *filename,
                      GMainContext *context)
{
    Error *err = NULL;
    Chardev *chr = qemu_chr_new_noreport(label, filename, context, &err);

    if (err) {
        error_report_err(err);
    }
    return chr;
}

bool qemu_chr_delete(const char *id, Error **errp)
{
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "Chardev '%s' not found", id);
        return false;
    }
    if (chr->be) {
        error_setg(errp, "Chardev '%s' is busy", id);
        return false;
    }
    object_unparent(OBJECT(chr));
    return true;
}

void qemu_chr_cleanup(void)
{
    /*
     * Finalizes every chardev (front ends hold no reference), so each
     * backend closes its descriptors and a unix server removes its
     * socket file.
     */
    object_unparent(get_chardevs_root());
}

/* ---------------------------------------------------------------- QMP */

static int chr_info_one(Object *obj, void *opaque)
{
    ChardevInfoList ***tail = opaque;
    Chardev *chr = (Chardev *)object_dynamic_cast(obj, TYPE_CHARDEV);
    ChardevInfo *info;

    if (!chr) {
        return 0;
    }
    info = g_new0(ChardevInfo, 1);
    info->label = g_strdup(chr->label);
    info->filename = g_strdup(chr->filename);
    info->frontend_open = chr->be && chr->be->fe_is_open;
    QAPI_LIST_APPEND(*tail, info);
    return 0;
}

ChardevInfoList *qmp_query_chardev(Error **errp)
{
    ChardevInfoList *list = NULL, **tail = &list;

    object_child_foreach(get_chardevs_root(), chr_info_one, &tail);
    return list;
}

ChardevBackendInfoList *qmp_query_chardev_backends(Error **errp)
{
    ChardevBackendInfoList *list = NULL, **tail = &list;
    GSList *classes = object_class_get_list_sorted(TYPE_CHARDEV, false);

    for (GSList *l = classes; l; l = l->next) {
        ChardevClass *cc = l->data;

        if (cc->backend_name) {
            ChardevBackendInfo *info = g_new0(ChardevBackendInfo, 1);

            info->name = g_strdup(cc->backend_name);
            QAPI_LIST_APPEND(tail, info);
        }
    }
    g_slist_free(classes);
    return list;
}

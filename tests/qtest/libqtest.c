/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: see libqtest.h.  The test process listens on two unix
 * sockets in a private directory and the VMM connects to both, as QEMU's
 * libqtest does; every wait is bounded and ends the test with a message.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "qapi/error.h"
#include "qemu/base64.h"
#include "qobject/json-parser.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"
#include "system/kvm-hide.h"
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

/* Generous: a loaded 2-core machine may be slow, but never this slow. */
#define QTEST_TIMEOUT_S 120
#define QTEST_EVENT_TIMEOUT_S 60

struct QTestState {
    pid_t pid;
    int fd;                 /* qtest protocol */
    int qmp_fd;
    int expected_status;
    bool reaped;
    bool killed;            /* by qtest_kill_qemu(): any status is fine */
    int wstatus;            /* valid once reaped */
    char *tmpdir;
    GString *rx;            /* qtest protocol input */
    JSONMessageParser qmp_parser;
    GQueue *qmp_msgs;       /* parsed, not yet consumed messages */
    GList *pending_events;  /* events seen while waiting for a reply */
};

static GList *qtest_instances;
static bool qtest_handlers_installed;

/* ----------------------------------------------------- process control */

static void qtest_kill_all(void)
{
    for (GList *l = qtest_instances; l; l = l->next) {
        QTestState *s = l->data;

        if (!s->reaped && s->pid > 0) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, NULL, 0);
            s->reaped = true;
        }
    }
}

static void qtest_sigabrt_handler(int sig)
{
    qtest_kill_all();
    signal(SIGABRT, SIG_DFL);
    raise(SIGABRT);
}

static void qtest_install_handlers(void)
{
    if (qtest_handlers_installed) {
        return;
    }
    qtest_handlers_installed = true;
    atexit(qtest_kill_all);
    signal(SIGABRT, qtest_sigabrt_handler);
    /* The VMM may close a socket under us: report EPIPE, not a signal. */
    signal(SIGPIPE, SIG_IGN);
}

const char *qtest_get_arch(void)
{
    return "x86_64";
}

const char *qtest_qemu_binary(void)
{
    static char *binary;

    if (!binary) {
        const char *env = getenv("QTEST_QEMU_BINARY");

        if (!env) {
            env = getenv("QTEST_BINARY");
        }
        if (env) {
            binary = g_strdup(env);
        } else {
            /* build/tests/qtest/<test> -> build/tern-system-x86_64 */
            g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
            g_autofree char *dir = g_path_get_dirname(exe ? exe : ".");

            binary = g_build_filename(dir, "..", "..",
                                      "tern-system-x86_64", NULL);
        }
    }
    return binary;
}

static int qtest_listen(const char *path)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert(fd >= 0);
    g_assert(strlen(path) < sizeof(un.sun_path));
    strcpy(un.sun_path, path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0 ||
        listen(fd, 1) < 0) {
        g_error("libqtest: cannot listen on %s: %s", path, strerror(errno));
    }
    return fd;
}

bool qtest_probe_child(QTestState *s)
{
    pid_t pid;

    if (s->reaped) {
        return false;
    }
    pid = waitpid(s->pid, &s->wstatus, WNOHANG);
    if (pid == s->pid) {
        s->reaped = true;
        return false;
    }
    return true;
}

pid_t qtest_pid(QTestState *s)
{
    return s->pid;
}

/* Accept the VMM's connection, failing if it exits or takes too long. */
static int qtest_accept(QTestState *s, int listen_fd, const char *what)
{
    for (int i = 0; i < QTEST_TIMEOUT_S * 10; i++) {
        struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };

        if (poll(&pfd, 1, 100) > 0) {
            int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

            if (fd >= 0) {
                return fd;
            }
        }
        if (!qtest_probe_child(s)) {
            g_error("libqtest: %s exited (status 0x%x) before connecting "
                    "its %s socket", qtest_qemu_binary(), s->wstatus, what);
        }
    }
    g_error("libqtest: %s did not connect its %s socket within %d s",
            qtest_qemu_binary(), what, QTEST_TIMEOUT_S);
}

static void qtest_qmp_emit(void *opaque, QObject *obj, Error *err)
{
    QTestState *s = opaque;

    if (err) {
        g_error("libqtest: bad JSON from QMP: %s", error_get_pretty(err));
    }
    g_queue_push_tail(s->qmp_msgs, obj);
}

QTestState *qtest_init_without_qmp_handshake(const char *extra_args)
{
    QTestState *s = g_new0(QTestState, 1);
    g_autofree char *qtest_path = NULL, *qmp_path = NULL, *cmd = NULL;
    int qtest_listen_fd, qmp_listen_fd;

    qtest_install_handlers();
    s->tmpdir = g_dir_make_tmp("tern-qtest-XXXXXX", NULL);
    g_assert(s->tmpdir);
    qtest_path = g_build_filename(s->tmpdir, "qtest.sock", NULL);
    qmp_path = g_build_filename(s->tmpdir, "qmp.sock", NULL);
    qtest_listen_fd = qtest_listen(qtest_path);
    qmp_listen_fd = qtest_listen(qmp_path);

    cmd = g_strdup_printf("exec %s -qtest unix:%s -qtest-log %s "
                          "-chardev socket,path=%s,id=char0 "
                          "-mon chardev=char0,mode=control "
                          "-display none %s -accel qtest",
                          qtest_qemu_binary(), qtest_path,
                          getenv("QTEST_LOG") ? "/dev/fd/2" : "/dev/null",
                          qmp_path, extra_args ? extra_args : "");
    if (getenv("QTEST_LOG")) {
        fprintf(stderr, "libqtest: %s\n", cmd);
    }
    s->pid = fork();
    g_assert(s->pid >= 0);
    if (s->pid == 0) {
        /* Never outlive the test, whatever happens to it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execlp("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    qtest_instances = g_list_prepend(qtest_instances, s);
    s->expected_status = 0;
    s->rx = g_string_new(NULL);
    s->qmp_msgs = g_queue_new();
    json_message_parser_init(&s->qmp_parser, qtest_qmp_emit, s, NULL);

    s->fd = qtest_accept(s, qtest_listen_fd, "qtest");
    s->qmp_fd = qtest_accept(s, qmp_listen_fd, "QMP");
    close(qtest_listen_fd);
    close(qmp_listen_fd);
    unlink(qtest_path);
    unlink(qmp_path);
    return s;
}

QTestState *qtest_init(const char *extra_args)
{
    QTestState *s = qtest_init_without_qmp_handshake(extra_args);
    QDict *greeting = qtest_qmp_receive(s);

    g_assert(qdict_haskey(greeting, "QMP"));
    qobject_unref(greeting);
    qobject_unref(qtest_qmp(s, "{'execute': 'qmp_capabilities'}"));
    return s;
}

QTestState *qtest_initf(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *args = NULL;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return qtest_init(args);
}

void qtest_set_expected_status(QTestState *s, int status)
{
    s->expected_status = status;
}

static void qtest_free(QTestState *s)
{
    qtest_instances = g_list_remove(qtest_instances, s);
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->qmp_fd >= 0) {
        close(s->qmp_fd);
    }
    json_message_parser_destroy(&s->qmp_parser);
    while (!g_queue_is_empty(s->qmp_msgs)) {
        qobject_unref((QObject *)g_queue_pop_head(s->qmp_msgs));
    }
    g_queue_free(s->qmp_msgs);
    g_list_free_full(s->pending_events, (GDestroyNotify)qobject_unref_impl);
    g_string_free(s->rx, true);
    rmdir(s->tmpdir);
    g_free(s->tmpdir);
    g_free(s);
}

void qtest_kill_qemu(QTestState *s)
{
    if (!s->reaped) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &s->wstatus, 0);
        s->reaped = true;
        s->killed = true;
    }
}

void qtest_quit(QTestState *s)
{
    if (qtest_probe_child(s)) {
        /* The reply may not come: the process exits while sending it. */
        g_autofree char *quit = g_strdup("{\"execute\": \"quit\"}\n");

        if (write(s->qmp_fd, quit, strlen(quit)) < 0) {
            /* already gone; reaped below */
        }
        for (int i = 0; i < QTEST_TIMEOUT_S * 10 && qtest_probe_child(s);
             i++) {
            g_usleep(100 * 1000);
        }
        if (qtest_probe_child(s)) {
            qtest_kill_qemu(s);
            g_error("libqtest: %s did not quit within %d s; killed",
                    qtest_qemu_binary(), QTEST_TIMEOUT_S);
        }
    }
    /*
     * Reaped just now or earlier by qtest_probe_child(), which kept the
     * status: a process that exited on its own is checked either way.
     */
    if (!s->killed && (!WIFEXITED(s->wstatus) ||
                       WEXITSTATUS(s->wstatus) != s->expected_status)) {
        g_error("libqtest: %s ended with status 0x%x, expected exit %d",
                qtest_qemu_binary(), s->wstatus, s->expected_status);
    }
    qtest_free(s);
}

/* ----------------------------------------------------------------- QMP */

/* Read more QMP input; false on timeout or end of stream. */
static bool qtest_qmp_read_more(QTestState *s, int timeout_s)
{
    char buf[4096];
    struct pollfd pfd = { .fd = s->qmp_fd, .events = POLLIN };
    ssize_t n;
    int ret;

    do {
        ret = poll(&pfd, 1, timeout_s * 1000);
    } while (ret < 0 && errno == EINTR);
    if (ret <= 0) {
        return false;
    }
    do {
        n = read(s->qmp_fd, buf, sizeof(buf));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        return false;
    }
    json_message_parser_feed(&s->qmp_parser, buf, n);
    return true;
}

/* The next message off the wire, waiting up to @timeout_s; NULL if none. */
static QDict *qtest_qmp_next(QTestState *s, int timeout_s)
{
    gint64 end = g_get_monotonic_time() + timeout_s * G_USEC_PER_SEC;

    while (g_queue_is_empty(s->qmp_msgs)) {
        int left = (end - g_get_monotonic_time()) / G_USEC_PER_SEC + 1;

        if (g_get_monotonic_time() >= end ||
            !qtest_qmp_read_more(s, left)) {
            return NULL;
        }
    }
    return qobject_to(QDict, (QObject *)g_queue_pop_head(s->qmp_msgs));
}

QDict *qtest_qmp_receive_dict(QTestState *s)
{
    QDict *msg;

    if (s->pending_events) {
        msg = s->pending_events->data;
        s->pending_events = g_list_delete_link(s->pending_events,
                                               s->pending_events);
        return msg;
    }
    msg = qtest_qmp_next(s, QTEST_TIMEOUT_S);
    if (!msg) {
        g_error("libqtest: no QMP message within %d s (process %s)",
                QTEST_TIMEOUT_S, qtest_probe_child(s) ? "running" : "gone");
    }
    return msg;
}

QDict *qtest_qmp_receive(QTestState *s)
{
    for (;;) {
        QDict *msg = qtest_qmp_next(s, QTEST_TIMEOUT_S);

        if (!msg) {
            g_error("libqtest: no QMP reply within %d s (process %s)",
                    QTEST_TIMEOUT_S,
                    qtest_probe_child(s) ? "running" : "gone");
        }
        if (!qdict_haskey(msg, "event")) {
            return msg;
        }
        s->pending_events = g_list_append(s->pending_events, msg);
    }
}

static void qtest_qmp_send_obj(QTestState *s, QObject *obj, int *fds,
                               size_t fds_num)
{
    g_autoptr(GString) json = qobject_to_json(obj);
    struct iovec iov;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * 16)];
    } control;
    size_t off = 0;

    g_string_append_c(json, '\n');
    g_assert(fds_num <= 16);
    if (fds_num) {
        struct cmsghdr *cmsg;

        memset(&control, 0, sizeof(control));
        msg.msg_control = &control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds_num);
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds_num);
        memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * fds_num);
    }
    while (off < json->len) {
        ssize_t n;

        iov.iov_base = json->str + off;
        iov.iov_len = json->len - off;
        n = sendmsg(s->qmp_fd, &msg, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_error("libqtest: QMP send failed: %s", strerror(errno));
        }
        off += n;
        msg.msg_control = NULL;     /* fds go with the first byte only */
        msg.msg_controllen = 0;
    }
}

static void qtest_vqmp_send_fds(QTestState *s, int *fds, size_t fds_num,
                                const char *fmt, va_list ap)
{
    QObject *obj = qobject_from_vjsonf_nofail(fmt, ap);

    qtest_qmp_send_obj(s, obj, fds, fds_num);
    qobject_unref(obj);
}

QDict *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
{
    qtest_vqmp_send_fds(s, NULL, 0, fmt, ap);
    return qtest_qmp_receive(s);
}

QDict *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    QDict *rsp;

    va_start(ap, fmt);
    rsp = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    return rsp;
}

QDict *qtest_qmp_fds(QTestState *s, int *fds, size_t fds_num,
                     const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_vqmp_send_fds(s, fds, fds_num, fmt, ap);
    va_end(ap);
    return qtest_qmp_receive(s);
}

void qtest_qmp_send(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_vqmp_send_fds(s, NULL, 0, fmt, ap);
    va_end(ap);
}

void qtest_qmp_send_raw(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;
    size_t off = 0, len;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    len = strlen(text);
    while (off < len) {
        ssize_t n = write(s->qmp_fd, text + off, len - off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        g_assert(n > 0);
        off += n;
    }
}

QDict *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    QDict *rsp, *ret;

    va_start(ap, fmt);
    rsp = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    if (!qdict_haskey(rsp, "return")) {
        g_autoptr(GString) json = qobject_to_json(QOBJECT(rsp));

        g_error("libqtest: command failed: %s", json->str);
    }
    ret = qdict_get_qdict(rsp, "return");
    if (ret) {
        qobject_ref(ret);
    }
    qobject_unref(rsp);
    return ret;
}

void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    QDict *rsp;

    va_start(ap, fmt);
    rsp = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    if (!qdict_haskey(rsp, "return")) {
        g_autoptr(GString) json = qobject_to_json(QOBJECT(rsp));

        g_error("libqtest: command failed: %s", json->str);
    }
    qobject_unref(rsp);
}

QDict *qtest_qmp_event_ref(QTestState *s, const char *event)
{
    for (GList *l = s->pending_events; l; l = l->next) {
        QDict *ev = l->data;

        if (!strcmp(qdict_get_str(ev, "event"), event)) {
            s->pending_events = g_list_delete_link(s->pending_events, l);
            return ev;
        }
    }
    return NULL;
}

QDict *qtest_qmp_eventwait_ref(QTestState *s, const char *event)
{
    gint64 end = g_get_monotonic_time() +
        QTEST_EVENT_TIMEOUT_S * G_USEC_PER_SEC;
    QDict *msg = qtest_qmp_event_ref(s, event);

    while (!msg) {
        int left = (end - g_get_monotonic_time()) / G_USEC_PER_SEC;

        msg = left > 0 ? qtest_qmp_next(s, left) : NULL;
        if (!msg) {
            g_error("libqtest: event %s not received within %d s", event,
                    QTEST_EVENT_TIMEOUT_S);
        }
        if (!qdict_haskey(msg, "event")) {
            g_autoptr(GString) json = qobject_to_json(QOBJECT(msg));

            g_error("libqtest: unexpected reply while waiting for %s: %s",
                    event, json->str);
        }
        if (strcmp(qdict_get_str(msg, "event"), event)) {
            s->pending_events = g_list_append(s->pending_events, msg);
            msg = NULL;
        }
    }
    return msg;
}

void qtest_qmp_eventwait(QTestState *s, const char *event)
{
    qobject_unref(qtest_qmp_eventwait_ref(s, event));
}

char *qtest_hmp(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *cmd = NULL;
    QDict *rsp;
    char *ret;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rsp = qtest_qmp(s, "{'execute': 'human-monitor-command',"
                    " 'arguments': {'command-line': %s}}", cmd);
    if (!qdict_haskey(rsp, "return")) {
        g_autoptr(GString) json = qobject_to_json(QOBJECT(rsp));

        g_error("libqtest: human-monitor-command failed: %s", json->str);
    }
    ret = g_strdup(qdict_get_str(rsp, "return"));
    qobject_unref(rsp);
    return ret;
}

bool qtest_has_machine(const char *machine)
{
    QTestState *s = qtest_init("-machine none");
    QDict *rsp = qtest_qmp(s, "{'execute': 'query-machines'}");
    QList *list = qdict_get_qlist(rsp, "return");
    bool found = false;

    for (const QListEntry *e = list ? qlist_first(list) : NULL; e;
         e = qlist_next(e)) {
        QDict *m = qobject_to(QDict, qlist_entry_obj(e));
        const char *alias = qdict_get_try_str(m, "alias");

        if (!strcmp(qdict_get_str(m, "name"), machine) ||
            (alias && !strcmp(alias, machine))) {
            found = true;
        }
    }
    qobject_unref(rsp);
    qtest_quit(s);
    return found;
}

/* ------------------------------------------------------ qtest protocol */

char *qtest_send_raw(QTestState *s, const char *line)
{
    return qtest_send_raw_len(s, line, strlen(line));
}

char *qtest_send_raw_len(QTestState *s, const void *data, size_t len)
{
    const char *line = data, *eol = memchr(line, '\n', len);
    size_t off = 0, scanned = 0;
    char *nl;

    while (off < len) {
        ssize_t n = write(s->fd, line + off, len - off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_error("libqtest: qtest send failed: %s", strerror(errno));
        }
        off += n;
    }
    /* Only new bytes are searched: rescanning made big replies quadratic. */
    while (!(nl = memchr(s->rx->str + scanned, '\n',
                         s->rx->len - scanned))) {
        char buf[65536];
        struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, QTEST_TIMEOUT_S * 1000) <= 0) {
            g_error("libqtest: no qtest reply to '%.*s' within %d s",
                    (int)(eol ? eol - line : MIN(len, 80)), line,
                    QTEST_TIMEOUT_S);
        }
        n = read(s->fd, buf, sizeof(buf));
        if (n <= 0) {
            g_error("libqtest: qtest connection closed");
        }
        scanned = s->rx->len;
        g_string_append_len(s->rx, buf, n);
    }
    {
        char *reply = g_strndup(s->rx->str, nl - s->rx->str);

        g_string_erase(s->rx, 0, nl - s->rx->str + 1);
        return reply;
    }
}

static char *G_GNUC_PRINTF(2, 3) qtest_cmdf(QTestState *s,
                                            const char *fmt, ...)
{
    va_list ap;
    g_autofree char *line = NULL;
    char *reply;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    reply = qtest_send_raw(s, line);
    if (strncmp(reply, "OK", 2)) {
        g_error("libqtest: '%.*s' failed: %s", (int)strcspn(line, "\n"),
                line, reply);
    }
    return reply;
}

static uint64_t qtest_cmd_u64(QTestState *s, const char *cmd, uint64_t addr)
{
    g_autofree char *reply = qtest_cmdf(s, "%s 0x%" PRIx64 "\n", cmd, addr);

    return g_ascii_strtoull(reply + 3, NULL, 0);
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return qtest_cmd_u64(s, "readb", addr);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return qtest_cmd_u64(s, "readw", addr);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return qtest_cmd_u64(s, "readl", addr);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return qtest_cmd_u64(s, "readq", addr);
}

static void qtest_write(QTestState *s, const char *cmd, uint64_t addr,
                        uint64_t val)
{
    g_free(qtest_cmdf(s, "%s 0x%" PRIx64 " 0x%" PRIx64 "\n", cmd, addr,
                      val));
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value)
{
    qtest_write(s, "writeb", addr, value);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t value)
{
    qtest_write(s, "writew", addr, value);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t value)
{
    qtest_write(s, "writel", addr, value);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value)
{
    qtest_write(s, "writeq", addr, value);
}

uint8_t qtest_inb(QTestState *s, uint16_t port)
{
    return qtest_cmd_u64(s, "inb", port);
}

uint16_t qtest_inw(QTestState *s, uint16_t port)
{
    return qtest_cmd_u64(s, "inw", port);
}

uint32_t qtest_inl(QTestState *s, uint16_t port)
{
    return qtest_cmd_u64(s, "inl", port);
}

void qtest_outb(QTestState *s, uint16_t port, uint8_t value)
{
    qtest_write(s, "outb", port, value);
}

void qtest_outw(QTestState *s, uint16_t port, uint16_t value)
{
    qtest_write(s, "outw", port, value);
}

void qtest_outl(QTestState *s, uint16_t port, uint32_t value)
{
    qtest_write(s, "outl", port, value);
}

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_autofree char *reply = NULL;
    uint8_t *p = data;

    if (!size) {
        return;
    }
    reply = qtest_cmdf(s, "read 0x%" PRIx64 " 0x%zx\n", addr, size);
    g_assert(g_str_has_prefix(reply, "OK 0x"));
    g_assert_cmpuint(strlen(reply + 5), ==, size * 2);
    for (size_t i = 0; i < size; i++) {
        p[i] = g_ascii_xdigit_value(reply[5 + 2 * i]) << 4 |
               g_ascii_xdigit_value(reply[6 + 2 * i]);
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    const uint8_t *p = data;
    GString *hex;

    if (!size) {
        return;
    }
    hex = g_string_sized_new(size * 2 + 64);
    g_string_printf(hex, "write 0x%" PRIx64 " 0x%zx 0x", addr, size);
    for (size_t i = 0; i < size; i++) {
        g_string_append_printf(hex, "%02x", p[i]);
    }
    g_string_append_c(hex, '\n');
    g_free(qtest_cmdf(s, "%s", hex->str));
    g_string_free(hex, true);
}

void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_autofree char *reply = qtest_cmdf(s, "b64read 0x%" PRIx64 " 0x%zx\n",
                                        addr, size);
    g_autofree uint8_t *dec = NULL;
    size_t len = 0;

    dec = qbase64_decode(reply + 3, strlen(reply + 3), &len, &error_abort);
    g_assert_cmpuint(len, ==, size);
    memcpy(data, dec, size);
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    g_autofree char *enc = qbase64_encode(data, size);

    g_free(qtest_cmdf(s, "b64write 0x%" PRIx64 " 0x%zx %s\n", addr, size,
                      enc));
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t patt, size_t size)
{
    g_free(qtest_cmdf(s, "memset 0x%" PRIx64 " 0x%zx 0x%02x\n", addr, size,
                      patt));
}

int64_t qtest_clock_step(QTestState *s, int64_t step)
{
    g_autofree char *reply = qtest_cmdf(s, "clock_step %" PRIi64 "\n", step);

    return g_ascii_strtoll(reply + 3, NULL, 0);
}

int64_t qtest_clock_step_next(QTestState *s)
{
    g_autofree char *reply = qtest_cmdf(s, "clock_step\n");

    return g_ascii_strtoll(reply + 3, NULL, 0);
}

int64_t qtest_clock_set(QTestState *s, int64_t val)
{
    g_autofree char *reply = qtest_cmdf(s, "clock_set %" PRIi64 "\n", val);

    return g_ascii_strtoll(reply + 3, NULL, 0);
}

/* ---------------------------------------------------------------- misc */

void qtest_add_func(const char *str, void (*fn)(void))
{
    g_autofree char *path = g_strdup_printf("/%s/%s", qtest_get_arch(),
                                            str[0] == '/' ? str + 1 : str);

    g_test_add_func(path, fn);
}

void qtest_add_data_func(const char *str, const void *data,
                         void (*fn)(const void *))
{
    g_autofree char *path = g_strdup_printf("/%s/%s", qtest_get_arch(),
                                            str[0] == '/' ? str + 1 : str);

    g_test_add_data_func(path, data, fn);
}

bool qtest_kvm_usable(const char **why)
{
    int fd;

    if (kvm_hidden_by_env()) {
        if (why) {
            *why = "/dev/kvm is hidden by " KVM_HIDE_ENV;
        }
        return false;
    }
    fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (why) {
            *why = "no /dev/kvm: it cannot be opened read-write";
        }
        return false;
    }
    close(fd);
    return true;
}

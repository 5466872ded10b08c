/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line of tern-system-x86_64, run directly (not through
 * libqtest): every bad option or value exits with status 1 and one line
 * on stderr that starts with the program name and names the option or
 * value; help options print and exit 0; -nographic's stdio defaults;
 * and the "done when": -M none -m 1G -qmp unix:... answers QMP
 * and stops on quit.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "libqtest.h"
#include "qapi/error.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"

#define PROG "tern-system-x86_64"
/* Generous: a loaded 2-core machine may be slow to start a process. */
#define WAIT_S 60

typedef struct Child {
    pid_t pid;
    int in_fd;                  /* -1 unless stdin is a pipe */
    int out_fd, err_fd;
    GString *out, *err;
    int status;
} Child;

static void child_spawn(Child *c, char **args, bool stdin_pipe)
{
    int in[2] = { -1, -1 }, out[2], err[2];
    g_autoptr(GPtrArray) argv = g_ptr_array_new();

    g_ptr_array_add(argv, (char *)qtest_qemu_binary());
    for (char **a = args; *a; a++) {
        g_ptr_array_add(argv, *a);
    }
    g_ptr_array_add(argv, NULL);
    g_assert_cmpint(pipe(out), ==, 0);
    g_assert_cmpint(pipe(err), ==, 0);
    if (stdin_pipe) {
        g_assert_cmpint(pipe(in), ==, 0);
    }
    c->pid = fork();
    g_assert_cmpint(c->pid, >=, 0);
    if (c->pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(stdin_pipe ? in[0] : null, STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        execv(argv->pdata[0], (char **)argv->pdata);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    if (stdin_pipe) {
        close(in[0]);
    }
    c->in_fd = in[1];
    c->out_fd = out[0];
    c->err_fd = err[0];
    c->out = g_string_new(NULL);
    c->err = g_string_new(NULL);
}

/* Read what is there (waiting at most @ms); false once both are at EOF. */
static bool child_pump(Child *c, int ms)
{
    struct pollfd p[2] = { { c->out_fd, POLLIN, 0 }, { c->err_fd, POLLIN, 0 } };
    GString *dst[2] = { c->out, c->err };
    int *fds[2] = { &c->out_fd, &c->err_fd };
    char buf[4096];

    if (c->out_fd < 0 && c->err_fd < 0) {
        return false;
    }
    if (poll(p, 2, ms) <= 0) {
        return true;
    }
    for (int i = 0; i < 2; i++) {
        if (p[i].revents) {
            ssize_t n = read(*fds[i], buf, sizeof(buf));

            if (n > 0) {
                g_string_append_len(dst[i], buf, n);
            } else if (n == 0 || errno != EINTR) {
                close(*fds[i]);
                *fds[i] = -1;
                p[i].fd = -1;
            }
        }
    }
    return true;
}

/* Wait until stdout or stderr contains @needle; fails after WAIT_S. */
static void child_wait_text(Child *c, bool on_err, const char *needle)
{
    gint64 end = g_get_monotonic_time() + WAIT_S * G_USEC_PER_SEC;
    GString *s = on_err ? c->err : c->out;

    while (!strstr(s->str, needle)) {
        if (g_get_monotonic_time() > end || !child_pump(c, 100)) {
            g_error("'%s' never appeared on %s; got '%s'", needle,
                    on_err ? "stderr" : "stdout", s->str);
        }
    }
}

/* Collect all output and the exit status; kill and fail after WAIT_S. */
static void child_finish(Child *c)
{
    gint64 end = g_get_monotonic_time() + WAIT_S * G_USEC_PER_SEC;

    if (c->in_fd >= 0) {
        close(c->in_fd);
        c->in_fd = -1;
    }
    while (child_pump(c, 100)) {
        if (g_get_monotonic_time() > end) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, NULL, 0);
            g_error("%s did not exit within %d s; stderr: '%s'",
                    qtest_qemu_binary(), WAIT_S, c->err->str);
        }
    }
    g_assert_cmpint(waitpid(c->pid, &c->status, 0), ==, c->pid);
}

static void child_free(Child *c)
{
    g_string_free(c->out, true);
    g_string_free(c->err, true);
}

/* Run @cmdline (shell-like words) to completion. */
static void run(const char *cmdline, Child *c)
{
    g_auto(GStrv) args = NULL;
    g_autoptr(GError) gerr = NULL;

    g_assert_true(g_shell_parse_argv(cmdline, NULL, &args, &gerr));
    child_spawn(c, args, false);
    child_finish(c);
}

/* ------------------------------------------------------------------ */
/* Bad options                                                        */

typedef struct BadCase {
    const char *args;
    const char *expect;         /* the line must contain this */
} BadCase;

static const BadCase bad_cases[] = {
    /* the parser */
    { "-no-such-option", "-no-such-option: invalid option" },
    { "--no-such-option", "-no-such-option: invalid option" },
    { "-M none -m", "-m: requires an argument" },
    { "-M none disk.img", "disk.img" },
    /* -m */
    { "-M none -m foo", "-m foo" },
    { "-M none -m -1", "-m -1" },
    { "-M none -m 1Q", "-m 1Q" },
    { "-M none -m 0", "-m 0" },
    { "-M none -m 1G,maxmem=512M", "maxmem" },
    { "-M none -m 64M,slots=2", "maxmem" },
    { "-M none -m size=1G,bogus=1", "bogus" },
    /* -machine */
    { "-M no-such-machine", "no-such-machine" },
    { "-machine none,no-such-prop=1", "no-such-prop" },
    { "-machine none,mem-merge=maybe", "mem-merge" },
    { "-machine none,memory-backend=nomem", "nomem" },
    /* -smp */
    { "-M none -smp 0", "-smp" },
    { "-M none -smp foo", "-smp foo" },
    { "-M none -smp 2", "-smp" },
    { "-M none -smp cpus=2,maxcpus=1", "maxcpus" },
    { "-M none -smp dies=2", "dies" },
    { "-M tern -accel qtest -smp 4,sockets=2,cores=3", "-smp" },
    { "-M none -smp 1,bogus=1", "bogus" },
    /* -accel */
    { "-M none -accel no-such-accel", "no-such-accel" },
    { "-M none -accel qtest,no-such-prop=1", "no-such-prop" },
    /* identity */
    { "-M none -uuid not-a-uuid", "-uuid not-a-uuid" },
    { "-M none -name guest,bogus=1", "bogus" },
    { "-M none -msg bogus=on", "bogus" },
    /* logging and tracing */
    { "-M none -d no-such-item", "no-such-item" },
    { "-M none -d trace:no_such_event_xyz", "no_such_event_xyz" },
    { "-M none -D /nonexistent-dir/x/tern.log", "/nonexistent-dir/x/tern.log" },
    { "-M none -trace no_such_event_xyz", "no_such_event_xyz" },
    /* chardevs and monitors */
    { "-M none -chardev no-such-backend,id=c", "no-such-backend" },
    { "-M none -chardev null", "'id'" },
    { "-M none -chardev null,id=c -chardev null,id=c", "Duplicate ID 'c'" },
    { "-M none -chardev socket,id=s", "-chardev" },
    { "-M none -chardev file,id=f,path=/nonexistent-dir/f", "/nonexistent-dir/f" },
    { "-M none -serial no-such:x", "no-such:x" },
    { "-M none -serial chardev:nope", "nope" },
    { "-M none -qmp no-such-spec", "no-such-spec" },
    { "-M none -qmp unix:/nonexistent-dir/q.sock,server=on,wait=off",
      "/nonexistent-dir/q.sock" },
    { "-M none -monitor no-such-spec", "no-such-spec" },
    { "-M none -mon mode=control", "chardev" },
    { "-M none -mon chardev=nope", "nope" },
    { "-M none -chardev null,id=c -mon chardev=c,mode=bogus", "bogus" },
    { "-M none -qtest no-such-spec", "no-such-spec" },
    /* -object */
    { "-M none -object no-such-type,id=o", "no-such-type" },
    { "-M none -object memory-backend-ram,id=1bad,size=1M", "'id'" },
    { "-M none -object memory-backend-ram,size=1M", "'id'" },
    { "-M none -object memory-backend-ram,id=m,size=1M,no-such-prop=1",
      "no-such-prop" },
    { "-M none -object memory-backend-ram,id=m,size=lots", "size" },
    { "-M none -object memory-backend-ram,id=m,size=1M "
      "-object memory-backend-ram,id=m,size=1M", "'m'" },
    /* -global and -device */
    { "-M none -global no-dot-or-equals", "no-dot-or-equals" },
    { "-M tern -accel qtest -global isa-serial.no-such-prop=1",
      "isa-serial.no-such-prop" },
    { "-M none -device no-such-device", "no-such-device" },
    { "-M none -device isa-serial,no-such-prop=1", "no-such-prop" },
    { "-M none -device loader", "loader" },
    { "-M none -m 16M -device loader,id=a,data=1,data-len=1 "
      "-device loader,id=a,data=1,data-len=1", "Duplicate ID 'a'" },
    { "-M none -device loader,data=1,data-len=9", "data-len" },
    { "-M none -device isa-serial,bus=isa.0", "isa.0" },
    /* devices only the machine creates */
    { "-M none -device kvm-pit",
      "Parameter 'driver' expects a pluggable device type" },
    { "-M none -device kvm-i8259",
      "Parameter 'driver' expects a pluggable device type" },
    { "-M none -device kvm-ioapic",
      "Parameter 'driver' expects a pluggable device type" },
    { "-M none -device port92",
      "Parameter 'driver' expects a pluggable device type" },
    { "-M tern -accel qtest -device port92",
      "Parameter 'driver' expects a pluggable device type" },
    /* the rest */
    { "-M none -incoming no-such-proto:x", "no-such-proto:x" },
    { "-M none -display sdl", "sdl" },
    { "-M none -pidfile /nonexistent-dir/tern.pid", "/nonexistent-dir/tern.pid" },
    { "-M none -nographic -daemonize", "-nographic" },
};

static void test_bad_option(const void *opaque)
{
    const BadCase *bc = opaque;
    Child c;
    g_autofree char *line = NULL;

    run(bc->args, &c);
    g_test_message("%s -> status %d, stderr: %.*s", bc->args,
                   WIFEXITED(c.status) ? WEXITSTATUS(c.status) : -1,
                   (int)(c.err->len ? c.err->len - 1 : 0), c.err->str);
    g_assert_true(WIFEXITED(c.status));
    g_assert_cmpint(WEXITSTATUS(c.status), ==, 1);
    /* Exactly one line, starting with the program name. */
    g_assert_true(g_str_has_suffix(c.err->str, "\n"));
    g_assert_true(strchr(c.err->str, '\n') == c.err->str + c.err->len - 1);
    g_assert_true(g_str_has_prefix(c.err->str, PROG ": "));
    line = g_strndup(c.err->str, c.err->len - 1);
    if (!strstr(line, bc->expect)) {
        g_error("'%s' does not name '%s'", line, bc->expect);
    }
    /* Nothing on stdout: the error is not mixed with other output. */
    g_assert_cmpstr(c.out->str, ==, "");
    child_free(&c);
}

/* ------------------------------------------------------------------ */
/* Help and version                                                   */

typedef struct GoodCase {
    const char *args;
    const char *expect;         /* stdout must contain this */
} GoodCase;

static const GoodCase good_cases[] = {
    { "-version", "QEMU emulator version 10.0.0 (Tern " },
    { "--version", "QEMU emulator version" },
    { "-h", "usage: tern-system-x86_64" },
    { "-help", "-machine" },
    { "-machine help", "none " },
    { "-M help", "tern " },
    { "-accel help", "qtest" },
    { "-chardev help", "socket" },
    { "-device help", "name \"loader\"" },
    { "-device loader,help", "addr=<uint64>" },
    { "-object help", "memory-backend-ram" },
    { "-object memory-backend-ram,help", "size=" },
    { "-d help", "trace:" },
    { "-display help", "none" },
};

static void test_good_option(const void *opaque)
{
    const GoodCase *gc = opaque;
    Child c;

    run(gc->args, &c);
    g_test_message("%s -> status %d", gc->args,
                   WIFEXITED(c.status) ? WEXITSTATUS(c.status) : -1);
    g_assert_true(WIFEXITED(c.status));
    g_assert_cmpint(WEXITSTATUS(c.status), ==, 0);
    g_assert_cmpstr(c.err->str, ==, "");
    if (!strstr(c.out->str, gc->expect)) {
        g_error("stdout of '%s' lacks '%s': %s", gc->args, gc->expect,
                c.out->str);
    }
    child_free(&c);
}

/* ------------------------------------------------------------------ */
/* A tiny QMP client on a unix socket                                 */

typedef struct Qmp {
    int fd;
    GString *buf;
} Qmp;

static void qmp_connect(Qmp *q, Child *c, const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    gint64 end = g_get_monotonic_time() + WAIT_S * G_USEC_PER_SEC;

    g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    for (;;) {
        q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        g_assert_cmpint(q->fd, >=, 0);
        if (connect(q->fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
            break;
        }
        close(q->fd);
        /* Keep draining the child so it never blocks on a full pipe. */
        if (g_get_monotonic_time() > end || !child_pump(c, 50)) {
            g_error("no QMP socket at %s; stderr: %s", path, c->err->str);
        }
    }
    q->buf = g_string_new(NULL);
}

/* The next JSON line from the server, as a QDict. */
static QDict *qmp_read(Qmp *q)
{
    gint64 end = g_get_monotonic_time() + WAIT_S * G_USEC_PER_SEC;
    char *nl;

    while (!(nl = strchr(q->buf->str, '\n'))) {
        struct pollfd p = { q->fd, POLLIN, 0 };
        char buf[4096];
        ssize_t n;

        g_assert_cmpint(g_get_monotonic_time(), <, end);
        if (poll(&p, 1, 100) <= 0) {
            continue;
        }
        n = read(q->fd, buf, sizeof(buf));
        g_assert_cmpint(n, >, 0);
        g_string_append_len(q->buf, buf, n);
    }
    {
        g_autofree char *line = g_strndup(q->buf->str, nl - q->buf->str);
        QObject *obj;

        g_string_erase(q->buf, 0, nl - q->buf->str + 1);
        obj = qobject_from_json(line, &error_abort);
        g_assert_nonnull(qobject_to(QDict, obj));
        return qobject_to(QDict, obj);
    }
}

/* Send @json and return the reply, skipping (and freeing) events. */
static QDict *qmp_cmd(Qmp *q, const char *json)
{
    g_autofree char *msg = g_strdup_printf("%s\n", json);
    QDict *resp;

    g_assert_cmpint(write(q->fd, msg, strlen(msg)), ==, strlen(msg));
    while ((resp = qmp_read(q)) && qdict_haskey(resp, "event")) {
        qobject_unref(resp);
    }
    return resp;
}

static void qmp_close(Qmp *q)
{
    close(q->fd);
    g_string_free(q->buf, true);
}

/*
 * The "done when": -M none -m 1G -qmp unix:P,server=on,wait=off
 * -display none runs, answers QMP and stops on quit.
 */
static void test_qmp_done_when(void)
{
    g_autofree char *dir = g_dir_make_tmp("cmdline-test-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "q", NULL);
    g_autofree char *qmparg = g_strdup_printf("unix:%s,server=on,wait=off",
                                              sock);
    char *args[] = { (char *)"-M", (char *)"none", (char *)"-m",
                     (char *)"1G", (char *)"-qmp", qmparg,
                     (char *)"-display", (char *)"none", NULL };
    Child c;
    Qmp q;
    QDict *resp, *ret;

    child_spawn(&c, args, false);
    qmp_connect(&q, &c, sock);
    resp = qmp_read(&q);
    g_assert_true(qdict_haskey(resp, "QMP"));
    qobject_unref(resp);
    resp = qmp_cmd(&q, "{\"execute\": \"qmp_capabilities\"}");
    g_assert_true(qdict_haskey(resp, "return"));
    qobject_unref(resp);
    resp = qmp_cmd(&q, "{\"execute\": \"query-status\"}");
    ret = qdict_get_qdict(resp, "return");
    g_assert_cmpstr(qdict_get_str(ret, "status"), ==, "running");
    qobject_unref(resp);
    resp = qmp_cmd(&q, "{\"execute\": \"query-memory-size-summary\"}");
    if (qdict_haskey(resp, "return")) {
        g_assert_cmpint(qdict_get_int(qdict_get_qdict(resp, "return"),
                                      "base-memory"), ==, 1 * GiB);
    }
    qobject_unref(resp);
    resp = qmp_cmd(&q, "{\"execute\": \"quit\"}");
    g_assert_true(qdict_haskey(resp, "return"));
    qobject_unref(resp);
    qmp_close(&q);
    child_finish(&c);
    g_assert_true(WIFEXITED(c.status));
    g_assert_cmpint(WEXITSTATUS(c.status), ==, 0);
    child_free(&c);
    unlink(sock);
    rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* -nographic                                                         */

/* No serial port on 'none': stdio gets an HMP monitor. */
static void test_nographic_monitor(void)
{
    char *args[] = { (char *)"-M", (char *)"none", (char *)"-nographic",
                     NULL };
    const char *input = "info status\nquit\n";
    Child c;

    child_spawn(&c, args, true);
    child_wait_text(&c, false, "(qemu) ");
    g_assert_cmpint(write(c.in_fd, input, strlen(input)), ==,
                    strlen(input));
    child_finish(&c);
    g_test_message("stdout: %s", c.out->str);
    g_assert_true(WIFEXITED(c.status));
    g_assert_cmpint(WEXITSTATUS(c.status), ==, 0);
    g_assert_nonnull(strstr(c.out->str, "VM status: running"));
    g_assert_cmpstr(c.err->str, ==, "");
    child_free(&c);
}

/* The labels and backends of query-chardev, as "label=filename;...". */
static char *chardevs_of(Qmp *q)
{
    QDict *resp = qmp_cmd(q, "{\"execute\": \"query-chardev\"}");
    QList *list = qdict_get_qlist(resp, "return");
    GString *s = g_string_new(NULL);
    QListEntry *e;

    QLIST_FOREACH_ENTRY(list, e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        g_string_append_printf(s, "%s=%s;", qdict_get_str(d, "label"),
                               qdict_get_str(d, "filename"));
    }
    qobject_unref(resp);
    return g_string_free(s, false);
}

/* Start -M tern -accel qtest @extra with QMP; returns query-chardev. */
static char *nographic_chardevs(const char *extra, Child *c)
{
    g_autofree char *dir = g_dir_make_tmp("cmdline-test-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "q", NULL);
    g_autofree char *cmdline = g_strdup_printf(
        "-M tern -accel qtest -m 32M %s -qmp unix:%s,server=on,wait=off",
        extra, sock);
    g_auto(GStrv) args = NULL;
    Qmp q;
    QDict *resp;
    char *chardevs;

    g_assert_true(g_shell_parse_argv(cmdline, NULL, &args, NULL));
    child_spawn(c, args, true);
    qmp_connect(&q, c, sock);
    qobject_unref(qmp_read(&q));
    qobject_unref(qmp_cmd(&q, "{\"execute\": \"qmp_capabilities\"}"));
    chardevs = chardevs_of(&q);
    resp = qmp_cmd(&q, "{\"execute\": \"quit\"}");
    qobject_unref(resp);
    qmp_close(&q);
    child_finish(c);
    g_assert_true(WIFEXITED(c->status));
    g_assert_cmpint(WEXITSTATUS(c->status), ==, 0);
    unlink(sock);
    rmdir(dir);
    g_test_message("%s: chardevs %s", extra, chardevs);
    return chardevs;
}

/* A machine with a serial port, -qmp given: the port gets stdio. */
static void test_nographic_serial(void)
{
    Child c;
    g_autofree char *chardevs = nographic_chardevs("-nographic", &c);

    g_assert_nonnull(strstr(chardevs, "serial0=stdio;"));
    g_assert_cmpstr(c.err->str, ==, "");
    child_free(&c);
}

/* -nodefaults: nothing is put on stdio. */
static void test_nographic_nodefaults(void)
{
    Child c;
    g_autofree char *chardevs =
        nographic_chardevs("-nographic -nodefaults", &c);

    g_assert_null(strstr(chardevs, "stdio"));
    child_free(&c);
}

/* With -serial given, the default monitor goes to stdio. */
static void test_nographic_serial_given(void)
{
    char *args[] = { (char *)"-M", (char *)"tern", (char *)"-accel",
                     (char *)"qtest", (char *)"-m", (char *)"32M",
                     (char *)"-serial", (char *)"null",
                     (char *)"-nographic", NULL };
    const char *input = "info chardev\nquit\n";
    Child c;

    child_spawn(&c, args, true);
    child_wait_text(&c, false, "(qemu) ");
    g_assert_cmpint(write(c.in_fd, input, strlen(input)), ==,
                    strlen(input));
    child_finish(&c);
    g_test_message("stdout: %s", c.out->str);
    g_assert_true(WIFEXITED(c.status));
    g_assert_cmpint(WEXITSTATUS(c.status), ==, 0);
    g_assert_nonnull(strstr(c.out->str, "serial0: filename=null"));
    child_free(&c);
}

/*
 * Both the serial port and the monitor would want stdio: the port gets
 * it and one warning line says the monitor is missing.
 */
static void test_nographic_both(void)
{
    char *args[] = { (char *)"-M", (char *)"tern", (char *)"-accel",
                     (char *)"qtest", (char *)"-m", (char *)"32M",
                     (char *)"-nographic", NULL };
    Child c;

    child_spawn(&c, args, true);
    child_wait_text(&c, true, "\n");
    g_test_message("stderr: %s", c.err->str);
    g_assert_true(g_str_has_prefix(c.err->str, PROG ": warning: "));
    g_assert_nonnull(strstr(c.err->str, "-nographic"));
    g_assert_nonnull(strstr(c.err->str, "monitor"));
    /* Running, with no monitor: stop it as a user would. */
    kill(c.pid, SIGTERM);
    child_finish(&c);
    g_assert_true(WIFEXITED(c.status));
    g_assert_cmpint(WEXITSTATUS(c.status), ==, 0);
    child_free(&c);
}

/* ------------------------------------------------------------------ */
/* Accelerator lists                                                  */

typedef struct AccelCase {
    const char *args;
    bool hide_kvm;              /* TERN_HIDE_KVM=1 for the child */
    const char *warning;        /* on stderr, or NULL for none */
    const char *info_kvm;       /* what HMP "info kvm" answers */
} AccelCase;

static const AccelCase accel_cases[] = {
    /* Without KVM the next in the list runs the machine (as QEMU). */
    { "-machine tern,accel=kvm:tcg", true,
      PROG ": warning: -machine accel=kvm:tcg: kvm: cannot open /dev/kvm: "
      "hidden by TERN_HIDE_KVM; trying the next accelerator\n",
      "kvm support: disabled" },
    { "-M tern -accel kvm -accel tcg", true,
      PROG ": warning: -accel kvm: kvm: cannot open /dev/kvm: hidden by "
      "TERN_HIDE_KVM; trying the next accelerator\n",
      "kvm support: disabled" },
    { "-M tern -accel tcg", false, NULL, "kvm support: disabled" },
    /* With KVM the first one wins (skipped where KVM cannot run). */
    { "-machine tern,accel=kvm:tcg", false, NULL, "kvm support: enabled" },
    { "-M tern -accel kvm -accel tcg", false, NULL, "kvm support: enabled" },
};

/*
 * Which accelerator a list picks: its warning on the way, and HMP
 * "info kvm" (query-kvm) saying whether KVM runs the machine.
 */
static void test_accel_list(const void *opaque)
{
    const AccelCase *ac = opaque;
    const char *input = "info kvm\nquit\n";
    g_autofree char *cmdline = g_strdup_printf(
        "%s -m 32M -S -display none -serial none -monitor stdio", ac->args);
    g_auto(GStrv) args = NULL;
    const char *why;
    Child c;

    if (!ac->hide_kvm && !strcmp(ac->info_kvm, "kvm support: enabled") &&
        !qtest_kvm_usable(&why)) {
        g_test_skip(why);
        return;
    }
    g_assert_true(g_shell_parse_argv(cmdline, NULL, &args, NULL));
    if (ac->hide_kvm) {
        g_setenv("TERN_HIDE_KVM", "1", true);
    }
    child_spawn(&c, args, true);
    if (ac->hide_kvm) {
        g_unsetenv("TERN_HIDE_KVM");
    }
    child_wait_text(&c, false, "(qemu) ");
    g_assert_cmpint(write(c.in_fd, input, strlen(input)), ==,
                    strlen(input));
    child_finish(&c);
    g_test_message("stdout: %s\nstderr: %s", c.out->str, c.err->str);
    g_assert_true(WIFEXITED(c.status));
    g_assert_cmpint(WEXITSTATUS(c.status), ==, 0);
    g_assert_nonnull(strstr(c.out->str, ac->info_kvm));
    if (ac->warning) {
        g_assert_nonnull(strstr(c.err->str, ac->warning));
    } else {
        g_assert_null(strstr(c.err->str, "warning"));
    }
    child_free(&c);
}

/* -global that never applies: warnings once start-up is done (QEMU's). */
static void test_global_unused(void)
{
    char *args[] = { (char *)"-M", (char *)"none",
                     (char *)"-global", (char *)"no-such-driver.x=1",
                     (char *)"-global", (char *)"isa-serial.iobase=0x2f8",
                     NULL };
    Child c;

    child_spawn(&c, args, false);
    child_wait_text(&c, true, "isa-serial.iobase=0x2f8 not used\n");
    g_test_message("stderr: %s", c.err->str);
    g_assert_nonnull(strstr(c.err->str, PROG ": warning: global "
                            "no-such-driver.x has invalid class name\n"));
    kill(c.pid, SIGTERM);
    child_finish(&c);
    g_assert_true(WIFEXITED(c.status));
    g_assert_cmpint(WEXITSTATUS(c.status), ==, 0);
    child_free(&c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        g_autofree char *name = g_strdup_printf("/cmdline/bad/%zu", i);

        qtest_add_data_func(name, &bad_cases[i], test_bad_option);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(good_cases); i++) {
        g_autofree char *name = g_strdup_printf("/cmdline/good/%zu", i);

        qtest_add_data_func(name, &good_cases[i], test_good_option);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(accel_cases); i++) {
        g_autofree char *name = g_strdup_printf("/cmdline/accel-list/%zu",
                                                i);

        qtest_add_data_func(name, &accel_cases[i], test_accel_list);
    }
    qtest_add_func("/cmdline/qmp-done-when", test_qmp_done_when);
    qtest_add_func("/cmdline/nographic/monitor", test_nographic_monitor);
    qtest_add_func("/cmdline/nographic/serial", test_nographic_serial);
    qtest_add_func("/cmdline/nographic/nodefaults",
                   test_nographic_nodefaults);
    qtest_add_func("/cmdline/nographic/serial-given",
                   test_nographic_serial_given);
    qtest_add_func("/cmdline/nographic/both", test_nographic_both);
    qtest_add_func("/cmdline/global-unused", test_global_unused);
    return g_test_run();
}

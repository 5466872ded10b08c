/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP protocol tests: greeting, capability negotiation, malformed input
 * and recovery, error classes, id echo, out-of-band execution and the
 * request queue bound, events on several monitors, and the schema.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static void assert_error(QDict *rsp, const char *klass, const char *desc)
{
    QDict *error = qdict_get_qdict(rsp, "error");

    if (!error) {
        g_autoptr(GString) json = qobject_to_json(QOBJECT(rsp));

        g_error("expected an error, got %s", json->str);
    }
    g_assert_cmpstr(qdict_get_str(error, "class"), ==, klass);
    if (desc) {
        g_assert_cmpstr(qdict_get_str(error, "desc"), ==, desc);
    }
    qobject_unref(rsp);
}

static void assert_return(QDict *rsp)
{
    if (!qdict_haskey(rsp, "return")) {
        g_autoptr(GString) json = qobject_to_json(QOBJECT(rsp));

        g_error("expected success, got %s", json->str);
    }
    qobject_unref(rsp);
}

static void test_greeting_and_negotiation(void)
{
    QTestState *qts = qtest_init_without_qmp_handshake("-M none");
    QDict *rsp = qtest_qmp_receive(qts);
    QDict *qmp = qdict_get_qdict(rsp, "QMP");
    QDict *ver, *qemu;
    QList *caps;

    g_assert(qmp);
    ver = qdict_get_qdict(qmp, "version");
    qemu = qdict_get_qdict(ver, "qemu");
    g_assert_cmpint(qdict_get_int(qemu, "major"), ==, 10);
    g_assert_cmpint(qdict_get_int(qemu, "minor"), ==, 0);
    g_assert_cmpint(qdict_get_int(qemu, "micro"), ==, 0);
    g_assert(g_str_has_prefix(qdict_get_str(ver, "package"), "Tern "));
    caps = qdict_get_qlist(qmp, "capabilities");
    g_assert_cmpint(qlist_size(caps), ==, 1);
    g_assert_cmpstr(qstring_get_str(qobject_to(QString,
                        qlist_entry_obj(qlist_first(caps)))), ==, "oob");
    qobject_unref(rsp);

    /* Negotiation mode: nothing but qmp_capabilities. */
    assert_error(qtest_qmp(qts, "{'execute': 'query-version'}"),
                 "CommandNotFound",
                 "Expecting capabilities negotiation with "
                 "'qmp_capabilities'");
    assert_error(qtest_qmp(qts, "{'execute': 'qmp_capabilities',"
                           " 'arguments': {'enable': ['cheese']}}"),
                 "GenericError", NULL);
    assert_return(qtest_qmp(qts, "{'execute': 'qmp_capabilities'}"));
    /* Command mode. */
    assert_error(qtest_qmp(qts, "{'execute': 'qmp_capabilities'}"),
                 "CommandNotFound",
                 "Capabilities negotiation is already complete, command "
                 "ignored");
    rsp = qtest_qmp(qts, "{'execute': 'query-version'}");
    qemu = qdict_get_qdict(qdict_get_qdict(rsp, "return"), "qemu");
    g_assert_cmpint(qdict_get_int(qemu, "major"), ==, 10);
    qobject_unref(rsp);
    /* OOB was not enabled: exec-oob is refused. */
    assert_error(qtest_qmp(qts, "{'exec-oob': 'query-yank'}"),
                 "GenericError", NULL);
    qtest_quit(qts);
}

static void test_malformed_and_errors(void)
{
    QTestState *qts = qtest_init("-M none");
    QDict *rsp;

    /* Bad JSON gets an error, and the session goes on. */
    qtest_qmp_send_raw(qts, "}\n");
    assert_error(qtest_qmp_receive(qts), "GenericError", NULL);
    qtest_qmp_send_raw(qts, "{'execute': 'query-version', }\n");
    assert_error(qtest_qmp_receive(qts), "GenericError", NULL);
    /* A control character ends the bad message at once. */
    qtest_qmp_send_raw(qts, "{'execute': 'quer\x1b\n");
    assert_error(qtest_qmp_receive(qts), "GenericError", NULL);
    assert_return(qtest_qmp(qts, "{'execute': 'query-version'}"));

    /* Requests that are JSON but not valid QMP. */
    qtest_qmp_send_raw(qts, "[]\n");
    assert_error(qtest_qmp_receive(qts), "GenericError",
                 "QMP input must be a JSON object");
    assert_error(qtest_qmp(qts, "{'execute': 42}"), "GenericError",
                 "QMP input member 'execute' must be a string");
    assert_error(qtest_qmp(qts, "{'foo': 'bar'}"), "GenericError", NULL);

    assert_error(qtest_qmp(qts, "{'execute': 'no-such-command'}"),
                 "CommandNotFound",
                 "The command no-such-command has not been found");
    /* Unknown member, wrong type. */
    assert_error(qtest_qmp(qts, "{'execute': 'query-version',"
                           " 'arguments': {'foo': 1}}"),
                 "GenericError", "Parameter 'foo' is unexpected");
    rsp = qtest_qmp(qts, "{'execute': 'qom-list', 'arguments': {'path': 42}}");
    g_assert(strstr(qdict_get_str(qdict_get_qdict(rsp, "error"), "desc"),
                    "'path'"));
    assert_error(rsp, "GenericError", NULL);

    /* id is echoed, whatever its type, on success and on error. */
    rsp = qtest_qmp(qts, "{'execute': 'query-version', 'id': 'abc'}");
    g_assert_cmpstr(qdict_get_str(rsp, "id"), ==, "abc");
    assert_return(rsp);
    rsp = qtest_qmp(qts, "{'execute': 'no-such', 'id': {'a': [1, 2]}}");
    g_assert(qdict_get_qdict(rsp, "id"));
    assert_error(rsp, "CommandNotFound", NULL);
    qtest_quit(qts);
}

static void recv_id(QTestState *qts, const char *id)
{
    QDict *rsp = qtest_qmp_receive(qts);
    const char *got = qdict_get_try_str(rsp, "id");

    if (g_strcmp0(got, id)) {
        g_autoptr(GString) json = qobject_to_json(QOBJECT(rsp));

        g_error("expected the reply to '%s', got %s", id, json->str);
    }
    qobject_unref(rsp);
}

/*
 * Hold the main thread: an in-band "logfile FIFO" blocks in open() until
 * the test opens the FIFO for reading (see docs/devel/monitor.md).
 */
static void send_blocking_cmd(QTestState *qts, const char *fifo,
                              const char *id)
{
    g_autofree char *line = g_strdup_printf("logfile %s", fifo);

    qtest_qmp_send(qts, "{'execute': 'human-monitor-command',"
                   " 'arguments': {'command-line': %s}, 'id': %s}",
                   line, id);
}

static int unblock(const char *fifo)
{
    int fd = open(fifo, O_RDONLY | O_NONBLOCK);

    g_assert(fd >= 0);
    return fd;
}

static QTestState *start_with_oob(void)
{
    QTestState *qts = qtest_init_without_qmp_handshake("-M none");

    qobject_unref(qtest_qmp_receive(qts));
    assert_return(qtest_qmp(qts, "{'execute': 'qmp_capabilities',"
                            " 'arguments': {'enable': ['oob']}}"));
    return qts;
}

static void test_oob_overtakes(void)
{
    QTestState *qts = start_with_oob();
    g_autofree char *dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_autofree char *fifo = g_build_filename(dir, "fifo", NULL);
    int fd;

    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    /* A command that does not allow OOB is refused out of band. */
    assert_error(qtest_qmp(qts, "{'exec-oob': 'query-version'}"),
                 "GenericError",
                 "The command query-version does not support OOB");

    send_blocking_cmd(qts, fifo, "ib1");
    qtest_qmp_send(qts, "{'execute': 'query-version', 'id': 'ib2'}");
    qtest_qmp_send(qts, "{'exec-oob': 'query-yank', 'id': 'oob1'}");
    /* ib1 cannot finish before the FIFO is opened: oob1 overtook it. */
    recv_id(qts, "oob1");
    fd = unblock(fifo);
    recv_id(qts, "ib1");
    recv_id(qts, "ib2");
    close(fd);
    unlink(fifo);
    rmdir(dir);
    qtest_quit(qts);
}

static void test_queue_full(void)
{
    QTestState *qts = start_with_oob();
    g_autofree char *dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_autofree char *fifo = g_build_filename(dir, "fifo", NULL);
    QDict *rsp;
    int fd, i, seen_oob_at = -1, next_ib = 0;

    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    send_blocking_cmd(qts, fifo, "ib-block");
    /* More than the queue (8) holds, then an OOB request. */
    for (i = 0; i < 12; i++) {
        qtest_qmp_send(qts, "{'execute': 'query-version', 'id': %d}", i);
    }
    qtest_qmp_send(qts, "{'exec-oob': 'query-yank', 'id': 'oob'}");
    /*
     * With the queue full the monitor stops reading, so the OOB request
     * is not even seen until the blocked command finishes: its reply
     * comes after ib-block's.  (A server that read on would answer it at
     * once, while ib-block is still stuck.)
     */
    fd = unblock(fifo);
    recv_id(qts, "ib-block");
    for (i = 0; i < 13; i++) {
        rsp = qtest_qmp_receive(qts);
        if (qdict_get_try_str(rsp, "id")) {
            g_assert_cmpstr(qdict_get_str(rsp, "id"), ==, "oob");
            seen_oob_at = i;
        } else {
            /* In-band replies come in order, none lost. */
            g_assert_cmpint(qdict_get_int(rsp, "id"), ==, next_ib);
            next_ib++;
        }
        assert_return(rsp);
    }
    g_assert_cmpint(next_ib, ==, 12);
    g_assert_cmpint(seen_oob_at, >=, 0);
    close(fd);
    unlink(fifo);
    rmdir(dir);
    qtest_quit(qts);
}

/*
 * A full queue stops reading; the pop that unfills it resumes reading
 * at once, as QEMU does, so an OOB request is answered while that
 * popped request is still running.
 */
static void test_oob_after_full_queue(void)
{
    QTestState *qts = start_with_oob();
    g_autofree char *dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_autofree char *fifo_a = g_build_filename(dir, "a", NULL);
    g_autofree char *fifo_b = g_build_filename(dir, "b", NULL);
    int fd_a, fd_b;

    g_assert_cmpint(mkfifo(fifo_a, 0600), ==, 0);
    g_assert_cmpint(mkfifo(fifo_b, 0600), ==, 0);
    /* ib-a holds the main thread; ib-b and 7 more fill the queue (8). */
    send_blocking_cmd(qts, fifo_a, "ib-a");
    send_blocking_cmd(qts, fifo_b, "ib-b");
    for (int i = 0; i < 7; i++) {
        qtest_qmp_send(qts, "{'execute': 'query-version', 'id': %d}", i);
    }
    qtest_qmp_send(qts, "{'exec-oob': 'query-yank', 'id': 'oob'}");
    fd_a = unblock(fifo_a);
    recv_id(qts, "ib-a");
    /* ib-b now holds the main thread; its pop resumed reading. */
    recv_id(qts, "oob");
    fd_b = unblock(fifo_b);
    recv_id(qts, "ib-b");
    for (int i = 0; i < 7; i++) {
        QDict *rsp = qtest_qmp_receive(qts);

        g_assert_cmpint(qdict_get_int(rsp, "id"), ==, i);
        assert_return(rsp);
    }
    close(fd_a);
    close(fd_b);
    unlink(fifo_a);
    unlink(fifo_b);
    rmdir(dir);
    qtest_quit(qts);
}

/* A second QMP client on a socket of its own. */
static int mon_connect(const char *path)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    strcpy(un.sun_path, path);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&un, sizeof(un)), ==, 0);
    return fd;
}

/* Read until @needle shows up in what was read; returns all of it. */
static char *mon_read_until(int fd, const char *needle)
{
    GString *s = g_string_new(NULL);

    while (!strstr(s->str, needle)) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        char buf[1024];
        ssize_t n;

        if (poll(&pfd, 1, 60 * 1000) <= 0) {
            g_error("no '%s' from the second monitor within 60 s; got: %s",
                    needle, s->str);
        }
        n = read(fd, buf, sizeof(buf));
        g_assert(n > 0);
        g_string_append_len(s, buf, n);
    }
    return g_string_free(s, false);
}

static void mon_send(int fd, const char *text)
{
    g_assert_cmpint(write(fd, text, strlen(text)), ==, strlen(text));
}

static void test_events_to_every_monitor(void)
{
    g_autofree char *dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_autofree char *p2 = g_build_filename(dir, "m2", NULL);
    g_autofree char *p3 = g_build_filename(dir, "m3", NULL);
    QTestState *qts = qtest_initf(
        "-M none -chardev socket,id=m2,path=%s,server=on,wait=off "
        "-mon chardev=m2,mode=control "
        "-chardev socket,id=m3,path=%s,server=on,wait=off "
        "-mon chardev=m3,mode=control", p2, p3);
    int m2 = mon_connect(p2), m3 = mon_connect(p3);
    g_autofree char *text2 = NULL, *text3 = NULL;
    QDict *ev;

    g_free(mon_read_until(m2, "\"QMP\""));
    g_free(mon_read_until(m3, "\"QMP\""));
    mon_send(m2, "{\"execute\": \"qmp_capabilities\", \"id\": \"neg\"}\n");
    g_free(mon_read_until(m2, "\"neg\""));

    qtest_qmp_assert_success(qts, "{'execute': 'stop'}");
    ev = qtest_qmp_eventwait_ref(qts, "STOP");
    g_assert(qdict_get_qdict(ev, "timestamp"));
    qobject_unref(ev);
    text2 = mon_read_until(m2, "\"STOP\"");
    g_assert(strstr(text2, "\"timestamp\""));

    qtest_qmp_assert_success(qts, "{'execute': 'cont'}");
    qtest_qmp_eventwait(qts, "RESUME");
    g_free(mon_read_until(m2, "\"RESUME\""));

    /* m3 never negotiated: it got no event, only its greeting. */
    mon_send(m3, "{\"execute\": \"qmp_capabilities\", \"id\": \"neg3\"}\n");
    text3 = mon_read_until(m3, "\"neg3\"");
    g_assert(!strstr(text3, "STOP"));
    g_assert(!strstr(text3, "RESUME"));

    close(m2);
    close(m3);
    qtest_quit(qts);
    unlink(p2);
    unlink(p3);
    rmdir(dir);
}

/*
 * A client that connects while the VMM starts (it is in the listen
 * backlog when the QMP monitor attaches) gets exactly one greeting: the
 * reply to qmp_capabilities must be that reply, not a second greeting.
 * The race was between the front end attaching in the main thread and
 * the I/O thread accepting; it showed in about 1 start in 20.
 */
static void die_with_parent(gpointer unused)
{
    /* a failed assertion must not leave the VMM running */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static void test_greeting_once_stress(void)
{
    g_autofree char *dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "qmp", NULL);
    g_autofree char *qmp_arg = g_strdup_printf("unix:%s,server=on,wait=off",
                                               path);
    const char *argv[] = {
        qtest_qemu_binary(), "-M", "none", "-accel", "qtest",
        "-display", "none", "-qmp", qmp_arg, NULL
    };

    for (int i = 0; i < 200; i++) {
        struct sockaddr_un un = { .sun_family = AF_UNIX };
        g_autoptr(GError) err = NULL;
        g_autofree char *text = NULL;
        gint64 end = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
        GPid pid;
        int fd, status;

        unlink(path);
        g_assert(g_spawn_async(NULL, (char **)argv, NULL,
                               G_SPAWN_DO_NOT_REAP_CHILD |
                               G_SPAWN_STDOUT_TO_DEV_NULL,
                               die_with_parent, NULL,
                               &pid, &err));
        /* connect as early as possible, at varying moments */
        g_strlcpy(un.sun_path, path, sizeof(un.sun_path));
        for (;;) {
            fd = socket(AF_UNIX, SOCK_STREAM, 0);
            g_assert(fd >= 0);
            if (connect(fd, (struct sockaddr *)&un, sizeof(un)) == 0) {
                break;
            }
            close(fd);
            g_assert_cmpint(g_get_monotonic_time(), <, end);
            g_usleep(100 * (i % 5));
        }
        text = mon_read_until(fd, "\n");
        g_assert(g_str_has_prefix(text, "{\"QMP\""));
        g_free(text);
        mon_send(fd, "{\"execute\": \"qmp_capabilities\", \"id\": 1}\n");
        text = mon_read_until(fd, "\n");
        if (strstr(text, "\"QMP\"")) {
            g_error("start %d: a second greeting: %s", i, text);
        }
        g_assert(strstr(text, "\"return\""));
        mon_send(fd, "{\"execute\": \"quit\"}\n");
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
        g_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        g_spawn_close_pid(pid);
        close(fd);
    }
    unlink(path);
    rmdir(dir);
}

static bool schema_has(QList *schema, const char *meta, const char *name)
{
    for (const QListEntry *e = qlist_first(schema); e; e = qlist_next(e)) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(d, "meta-type"), meta) &&
            !strcmp(qdict_get_str(d, "name"), name)) {
            return true;
        }
    }
    return false;
}

static void test_schema_and_commands(void)
{
    static const char *const commands[] = {
        /* docs/devel/migration-control.md, "Commands and events" */
        "migrate", "migrate-incoming", "migrate_cancel", "migrate-continue",
        "migrate-start-postcopy", "migrate-recover", "migrate-pause",
        "query-migrate", "migrate-set-capabilities",
        "query-migrate-capabilities", "migrate-set-parameters",
        "query-migrate-parameters", "query-migrationthreads",
        /* the session itself */
        "qmp_capabilities", "query-version", "query-commands",
        "query-qmp-schema", "human-monitor-command", "yank", "query-yank",
    };
    static const char *const events[] = {
        /* the same page; STOP and RESUME are the run state's */
        "MIGRATION", "MIGRATION_PASS", "COLO_EXIT", "UNPLUG_PRIMARY",
        "STOP", "RESUME",
    };
    QTestState *qts = qtest_init("-M none");
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-qmp-schema'}");
    QList *schema = qdict_get_qlist(rsp, "return");
    QList *cmds;

    g_assert(schema);
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (!schema_has(schema, "command", commands[i])) {
            g_error("query-qmp-schema lacks command %s", commands[i]);
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(events); i++) {
        if (!schema_has(schema, "event", events[i])) {
            g_error("query-qmp-schema lacks event %s", events[i]);
        }
    }
    g_assert(!schema_has(schema, "command", "no-such-command"));
    qobject_unref(rsp);

    rsp = qtest_qmp(qts, "{'execute': 'query-commands'}");
    cmds = qdict_get_qlist(rsp, "return");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        bool found = false;

        for (const QListEntry *e = qlist_first(cmds); e; e = qlist_next(e)) {
            QDict *d = qobject_to(QDict, qlist_entry_obj(e));

            found |= !strcmp(qdict_get_str(d, "name"), commands[i]);
        }
        if (!found) {
            g_error("query-commands lacks %s", commands[i]);
        }
    }
    qobject_unref(rsp);
    qtest_quit(qts);
}

static void test_yank_and_chardevs(void)
{
    QTestState *qts = qtest_init("-M none");
    QDict *rsp;
    QList *list;
    bool found = false;

    /* The QMP socket chardev char0 registered itself for yank. */
    rsp = qtest_qmp(qts, "{'execute': 'query-yank'}");
    list = qdict_get_qlist(rsp, "return");
    for (const QListEntry *e = qlist_first(list); e; e = qlist_next(e)) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        found |= !strcmp(qdict_get_str(d, "type"), "chardev") &&
                 !strcmp(qdict_get_str(d, "id"), "char0");
    }
    g_assert(found);
    qobject_unref(rsp);
    assert_error(qtest_qmp(qts, "{'execute': 'yank', 'arguments': "
                           "{'instances': [{'type': 'chardev', "
                           "'id': 'nope'}]}}"),
                 "DeviceNotFound", "Instance not found: chardev 'nope'");

    rsp = qtest_qmp(qts, "{'execute': 'query-chardev'}");
    list = qdict_get_qlist(rsp, "return");
    found = false;
    for (const QListEntry *e = qlist_first(list); e; e = qlist_next(e)) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(d, "label"), "char0")) {
            found = true;
            g_assert(g_str_has_prefix(qdict_get_str(d, "filename"),
                                      "unix:"));
            g_assert(qdict_get_bool(d, "frontend-open"));
        }
    }
    g_assert(found);
    qobject_unref(rsp);
    rsp = qtest_qmp(qts, "{'execute': 'query-chardev-backends'}");
    list = qdict_get_qlist(rsp, "return");
    g_assert_cmpint(qlist_size(list), ==, 5);
    qobject_unref(rsp);
    qtest_quit(qts);
}

/* A unix server chardev's socket file goes away when the VMM quits. */
static void test_chardev_socket_unlinked(void)
{
    g_autofree char *dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "srv.sock", NULL);
    QTestState *qts;

    g_assert_nonnull(dir);
    qts = qtest_initf("-M none -chardev socket,id=srv,path=%s,"
                      "server=on,wait=off", path);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    qtest_quit(qts);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_cmpint(rmdir(dir), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("qmp/greeting-negotiation", test_greeting_and_negotiation);
    qtest_add_func("qmp/malformed-and-errors", test_malformed_and_errors);
    qtest_add_func("qmp/oob-overtakes", test_oob_overtakes);
    qtest_add_func("qmp/queue-full", test_queue_full);
    qtest_add_func("qmp/oob-after-full-queue", test_oob_after_full_queue);
    qtest_add_func("qmp/events-every-monitor", test_events_to_every_monitor);
    qtest_add_func("qmp/schema-and-commands", test_schema_and_commands);
    qtest_add_func("qmp/yank-and-chardevs", test_yank_and_chardevs);
    qtest_add_func("qmp/chardev-socket-unlinked",
                   test_chardev_socket_unlinked);
    qtest_add_func("qmp/greeting-once-stress", test_greeting_once_stress);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for trace points: generation, registration, enabling by pattern
 * and the log line they write.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "trace/control.h"
#include "util/trace.h"

static void test_registered(void)
{
    TraceEvent *ev = trace_event_find("socket_listen");

    g_assert_nonnull(ev);
    g_assert_cmpstr(ev->name, ==, "socket_listen");
    g_assert_false(trace_event_get_state(ev));
    g_assert_null(trace_event_find("no_such_event"));
    g_assert_null(trace_event_find("socket_*"));
}

static void test_enable_pattern(void)
{
    Error *err = NULL;
    TraceEvent *listen = trace_event_find("socket_listen");
    TraceEvent *connect = trace_event_find("socket_connect");

    g_assert_cmpint(trace_enable_events("socket_*", &error_abort), ==, 2);
    g_assert_true(trace_event_get_state(listen));
    g_assert_true(trace_event_get_state(connect));
    g_assert_cmpint(trace_enable_events("-socket_connect", &error_abort),
                    ==, 1);
    g_assert_false(trace_event_get_state(connect));
    g_assert_true(trace_event_get_state(listen));

    g_assert_cmpint(trace_enable_events("bogus_event", &err), ==, 0);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "trace event 'bogus_event' does not exist");
    error_free(err);
    trace_enable_events("-*", &error_abort);
    g_assert_false(trace_event_get_state(listen));
}

static void test_log_line(void)
{
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    g_autofree char *expect = NULL;
    int fd = g_file_open_tmp("test-trace-XXXXXX", &path, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_true(trace_opt_parse("enable=socket_listen", &error_abort));
    g_assert_true(qemu_set_log_filename(path, &error_abort));
    trace_socket_listen("tcp:localhost:4444", 7);
    trace_socket_connect("not enabled", 1, 2);
    qemu_log_close();
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    expect = g_strdup_printf("%d@", getpid());
    g_assert_true(g_str_has_prefix(text, expect));
    g_assert_nonnull(strstr(text,
                     ":socket_listen address tcp:localhost:4444 fd 7\n"));
    g_assert_null(strstr(text, "not enabled"));
    unlink(path);
    trace_enable_events("-*", &error_abort);
}

static void test_opt_errors(void)
{
    Error *err = NULL;

    g_assert_false(trace_opt_parse("colour=blue", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter 'colour' for -trace");
    error_free(err);
    err = NULL;
    g_assert_false(trace_opt_parse("events=/nonexistent/file", &err));
    g_assert_nonnull(strstr(error_get_pretty(err),
                            "cannot read trace events file"));
    error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/trace/registered", test_registered);
    g_test_add_func("/trace/enable-pattern", test_enable_pattern);
    g_test_add_func("/trace/log-line", test_log_line);
    g_test_add_func("/trace/opt-errors", test_opt_errors);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for the Error API.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"

static void test_setg_and_free(void)
{
    Error *err = NULL;

    error_setg(&err, "disk %s is %d%% full", "vda", 90);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "disk vda is 90% full");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_GENERIC_ERROR);
    error_free(err);
}

static void test_null_errp(void)
{
    /* Ignored without a trace. */
    error_setg(NULL, "nobody listens");
}

static void test_errno(void)
{
    Error *err = NULL;

    error_setg_errno(&err, ENOENT, "cannot open '%s'", "/nope");
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot open '/nope': No such file or directory");
    error_free(err);
    err = NULL;

    error_setg_errno(&err, 0, "no errno");
    g_assert_cmpstr(error_get_pretty(err), ==, "no errno");
    error_free(err);
}

static void test_class(void)
{
    Error *err = NULL;

    error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
              "The command foo has not been found");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_COMMAND_NOT_FOUND);
    g_assert_cmpstr(error_class_name(error_get_class(err)), ==,
                    "CommandNotFound");
    error_free(err);
}

static void test_prepend_and_hint(void)
{
    Error *err = NULL;

    error_setg(&err, "bad value");
    error_prepend(&err, "Parameter '%s': ", "downtime-limit");
    error_append_hint(&err, "Use a number of milliseconds.\n");
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'downtime-limit': bad value");
    error_free(err);
}

static void test_propagate_first_wins(void)
{
    Error *dst = NULL, *a = NULL, *b = NULL;

    error_setg(&a, "first");
    error_setg(&b, "second");
    error_propagate(&dst, a);
    error_propagate(&dst, b);
    g_assert_cmpstr(error_get_pretty(dst), ==, "first");
    error_free(dst);
    dst = NULL;

    error_propagate(&dst, NULL);
    g_assert_null(dst);
}

static void test_propagate_prepend(void)
{
    Error *dst = NULL, *a = NULL;

    error_setg(&a, "connection refused");
    error_propagate_prepend(&dst, a, "migration to %s: ", "tcp:x:1");
    g_assert_cmpstr(error_get_pretty(dst), ==,
                    "migration to tcp:x:1: connection refused");
    error_free(dst);
}

static void test_copy(void)
{
    Error *err = NULL, *copy;

    error_set(&err, ERROR_CLASS_DEVICE_NOT_FOUND, "no such device");
    copy = error_copy(err);
    error_free(err);
    g_assert_cmpstr(error_get_pretty(copy), ==, "no such device");
    g_assert_cmpint(error_get_class(copy), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    error_free(copy);
}

static bool fails(int n, Error **errp)
{
    if (n < 0) {
        error_setg(errp, "negative: %d", n);
        return false;
    }
    return true;
}

static bool guarded(int n, Error **errp)
{
    ERRP_GUARD();

    fails(n, errp);
    if (*errp) {
        error_prepend(errp, "guarded: ");
        return false;
    }
    return true;
}

static void test_errp_guard(void)
{
    Error *err = NULL;

    g_assert_true(guarded(1, &err));
    g_assert_null(err);
    g_assert_false(guarded(-2, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "guarded: negative: -2");
    error_free(err);
    /* With a NULL errp the guard still lets the function look at *errp. */
    g_assert_false(guarded(-3, NULL));
}

static void test_autoptr(void)
{
    g_autoptr(Error) err = NULL;

    error_setg(&err, "freed on scope exit");
    g_assert_nonnull(err);
}

static void test_free_or_abort(void)
{
    Error *err = NULL;

    error_setg(&err, "expected");
    error_free_or_abort(&err);
    g_assert_null(err);
}

static void test_abort_subprocess(void)
{
    if (g_test_subprocess()) {
        error_setg(&error_abort, "this must abort");
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*Unexpected error in test_abort_subprocess*"
                              "this must abort*");
}

static void test_fatal_subprocess(void)
{
    if (g_test_subprocess()) {
        g_set_prgname("test-error");
        error_setg(&error_fatal, "fatal thing");
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("test-error: fatal thing\n");
}

static void test_report_prefixes(void)
{
    if (g_test_subprocess()) {
        g_set_prgname("tern");
        error_report("broken %d", 1);
        warn_report("odd");
        info_report("fyi");
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("tern: broken 1\ntern: warning: odd\n"
                              "tern: info: fyi\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/error/setg", test_setg_and_free);
    g_test_add_func("/error/null-errp", test_null_errp);
    g_test_add_func("/error/errno", test_errno);
    g_test_add_func("/error/class", test_class);
    g_test_add_func("/error/prepend-hint", test_prepend_and_hint);
    g_test_add_func("/error/propagate", test_propagate_first_wins);
    g_test_add_func("/error/propagate-prepend", test_propagate_prepend);
    g_test_add_func("/error/copy", test_copy);
    g_test_add_func("/error/errp-guard", test_errp_guard);
    g_test_add_func("/error/autoptr", test_autoptr);
    g_test_add_func("/error/free-or-abort", test_free_or_abort);
    g_test_add_func("/error/abort", test_abort_subprocess);
    g_test_add_func("/error/fatal", test_fatal_subprocess);
    g_test_add_func("/error/report", test_report_prefixes);
    return g_test_run();
}

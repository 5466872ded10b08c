/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for the debug log (qemu/log.h).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/thread.h"
#include "qapi/error.h"

static void test_mask_parsing(void)
{
    g_assert_cmpint(qemu_str_to_log_mask("guest_errors"), ==,
                    LOG_GUEST_ERROR);
    g_assert_cmpint(qemu_str_to_log_mask("guest_errors,unimp"), ==,
                    LOG_GUEST_ERROR | LOG_UNIMP);
    g_assert_cmpint(qemu_str_to_log_mask("unimp,int,cpu_reset"), ==,
                    LOG_UNIMP | CPU_LOG_INT | CPU_LOG_RESET);
    /* QEMU's bit values, which tools and docs refer to. */
    g_assert_cmpint(LOG_UNIMP, ==, 1 << 10);
    g_assert_cmpint(LOG_GUEST_ERROR, ==, 1 << 11);
    g_assert_cmpint(LOG_TRACE, ==, 1 << 15);

    int all = qemu_str_to_log_mask("all");
    g_assert_cmpint(all & LOG_GUEST_ERROR, !=, 0);
    g_assert_cmpint(all & LOG_TRACE, !=, 0);
    g_assert_cmpint(all & CPU_LOG_EXEC, !=, 0);
}

static void test_mask_unknown(void)
{
    g_assert_cmpint(qemu_str_to_log_mask("bogus"), ==, 0);
    /* One bad item spoils the whole list. */
    g_assert_cmpint(qemu_str_to_log_mask("guest_errors,bogus"), ==, 0);
    g_assert_cmpint(qemu_str_to_log_mask(""), ==, 0);
    g_assert_cmpint(qemu_str_to_log_mask("guest_errors,"), ==, 0);
}

static void test_usage(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    qemu_print_log_usage(f);
    fclose(f);
    g_assert_nonnull(strstr(buf, "guest_errors"));
    g_assert_nonnull(strstr(buf, "unimp"));
    g_assert_nonnull(strstr(buf, "Log items"));
    free(buf);
}

#define LOG_THREADS 4
#define LOG_LINES 200

static void *log_lines(void *opaque)
{
    int id = GPOINTER_TO_INT(opaque);

    for (int i = 0; i < LOG_LINES; i++) {
        qemu_log_mask(LOG_GUEST_ERROR, "thread %d line %d %s\n", id, i,
                      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    }
    return NULL;
}

static void test_file_output(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-log-XXXXXX", NULL);
    g_autofree char *pattern = g_build_filename(dir, "log.%d", NULL);
    g_autofree char *path = g_strdup_printf("%s/log.%d", dir, (int)getpid());
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    QemuThread threads[LOG_THREADS];
    FILE *f;

    g_assert_nonnull(dir);
    g_assert_true(qemu_set_log_filename(pattern, &error_abort));
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));

    /* Disabled: nothing is written. */
    g_assert_true(qemu_set_log(0, &error_abort));
    g_assert_false(qemu_log_enabled());
    qemu_log("not written\n");
    g_assert_null(qemu_log_trylock());

    g_assert_true(qemu_set_log(LOG_GUEST_ERROR, &error_abort));
    g_assert_true(qemu_log_enabled());
    g_assert_true(qemu_loglevel_mask(LOG_GUEST_ERROR));
    g_assert_false(qemu_loglevel_mask(LOG_UNIMP));
    qemu_log_mask(LOG_UNIMP, "unimp is off\n");
    qemu_log_mask(LOG_GUEST_ERROR, "guest error %d\n", 42);

    f = qemu_log_trylock();
    g_assert_nonnull(f);
    fprintf(f, "held ");
    fprintf(f, "together\n");
    qemu_log_unlock(f);

    for (int i = 0; i < LOG_THREADS; i++) {
        qemu_thread_create(&threads[i], "log", log_lines,
                           GINT_TO_POINTER(i), QEMU_THREAD_JOINABLE);
    }
    for (int i = 0; i < LOG_THREADS; i++) {
        qemu_thread_join(&threads[i]);
    }
    qemu_log_close();

    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_null(strstr(contents, "not written"));
    g_assert_null(strstr(contents, "unimp is off"));
    g_assert_true(g_str_has_prefix(contents,
                                   "guest error 42\nheld together\n"));
    /* Every thread line arrived whole: no interleaving inside a line. */
    lines = g_strsplit(contents, "\n", -1);
    g_assert_cmpint(g_strv_length(lines), ==,
                    2 + LOG_THREADS * LOG_LINES + 1);
    for (int i = 2; i < 2 + LOG_THREADS * LOG_LINES; i++) {
        int id, n;
        char tail[64];

        g_assert_cmpint(sscanf(lines[i], "thread %d line %d %63s",
                               &id, &n, tail), ==, 3);
        g_assert_cmpint(strlen(tail), ==, 48);
    }

    /* After a close, logging reopens the same file and appends. */
    qemu_log("after close\n");
    qemu_log_close();
    g_free(contents);
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_true(g_str_has_prefix(contents, "guest error 42\n"));
    g_assert_true(g_str_has_suffix(contents, "after close\n"));

    g_assert_true(qemu_set_log(0, &error_abort));
    g_assert_true(qemu_set_log_filename(NULL, &error_abort));
    unlink(path);
    rmdir(dir);
}

static void test_bad_filename(void)
{
    Error *err = NULL;

    g_assert_false(qemu_set_log_filename("/nonexistent-dir/x/log", &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "/nonexistent-dir/x/log"));
    error_free(err);
    err = NULL;

    g_assert_false(qemu_set_log_filename("/tmp/log.%d.%d", &err));
    error_free_or_abort(&err);
    g_assert_false(qemu_set_log_filename("/tmp/log.%s", &err));
    error_free_or_abort(&err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/log/mask/parse", test_mask_parsing);
    g_test_add_func("/log/mask/unknown", test_mask_unknown);
    g_test_add_func("/log/usage", test_usage);
    g_test_add_func("/log/file-output", test_file_output);
    g_test_add_func("/log/bad-filename", test_bad_filename);
    return g_test_run();
}

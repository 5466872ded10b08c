/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_fail(): report a broken property and abort.  Not g_error(): that
 * raises SIGTRAP, which libFuzzer does not catch, so no reproducer would
 * be written; abort() is caught and the input saved.
 */
#ifndef TESTS_FUZZ_FAIL_H
#define TESTS_FUZZ_FAIL_H

static inline void G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN
fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

#endif /* TESTS_FUZZ_FAIL_H */

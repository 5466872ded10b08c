/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * error_report() and friends: one line per message, to the current monitor
 * when a command is running there, else to stderr with the program name.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"

bool message_with_timestamp;
static ErrorVprintfHook vprintf_hook;

typedef enum {
    REPORT_TYPE_ERROR,
    REPORT_TYPE_WARNING,
    REPORT_TYPE_INFO,
} report_type;

void error_set_vprintf_hook(ErrorVprintfHook hook)
{
    vprintf_hook = hook;
}

int error_vprintf(const char *fmt, va_list ap)
{
    if (vprintf_hook) {
        va_list copy;
        int ret;

        va_copy(copy, ap);
        ret = vprintf_hook(fmt, copy);
        va_end(copy);
        if (ret >= 0) {
            return ret;
        }
    }
    return vfprintf(stderr, fmt, ap);
}

int error_printf(const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = error_vprintf(fmt, ap);
    va_end(ap);
    return ret;
}

static void vreport(report_type type, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);

static void vreport(report_type type, const char *fmt, va_list ap)
{
    const char *prgname = g_get_prgname();

    if (message_with_timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *ts = g_date_time_format(now,
                                                 "%Y-%m-%dT%H:%M:%S.%fZ");
        error_printf("%s ", ts);
    }
    if (prgname) {
        error_printf("%s: ", prgname);
    }
    switch (type) {
    case REPORT_TYPE_ERROR:
        break;
    case REPORT_TYPE_WARNING:
        error_printf("warning: ");
        break;
    case REPORT_TYPE_INFO:
        error_printf("info: ");
        break;
    }
    error_vprintf(fmt, ap);
    error_printf("\n");
}

void error_vreport(const char *fmt, va_list ap)
{
    vreport(REPORT_TYPE_ERROR, fmt, ap);
}

void warn_vreport(const char *fmt, va_list ap)
{
    vreport(REPORT_TYPE_WARNING, fmt, ap);
}

void info_vreport(const char *fmt, va_list ap)
{
    vreport(REPORT_TYPE_INFO, fmt, ap);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(REPORT_TYPE_ERROR, fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(REPORT_TYPE_WARNING, fmt, ap);
    va_end(ap);
}

void info_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(REPORT_TYPE_INFO, fmt, ap);
    va_end(ap);
}

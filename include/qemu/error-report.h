/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages for humans: error_report() and friends print one line to the
 * current monitor, or to stderr prefixed with the program name.
 */
#ifndef QEMU_ERROR_REPORT_H
#define QEMU_ERROR_REPORT_H

void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void info_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void error_vreport(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);
void warn_vreport(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);
void info_vreport(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);

/* Report only the first time this call site is reached. */
#define error_report_once(fmt, ...) ({          \
        static bool print_once_;                \
        if (!print_once_) {                     \
            print_once_ = true;                 \
            error_report(fmt, ## __VA_ARGS__);  \
        }                                       \
        !print_once_; })
#define warn_report_once(fmt, ...) ({           \
        static bool print_once_;                \
        if (!print_once_) {                     \
            print_once_ = true;                 \
            warn_report(fmt, ## __VA_ARGS__);   \
        }                                       \
        !print_once_; })

/* Raw printing, to the current monitor if there is one. */
int error_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
int error_vprintf(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);

/*
 * The monitor registers this hook: it prints to the monitor that runs the
 * current command and returns the number of bytes printed, or returns -1
 * when no monitor is current (the text then goes to stderr).
 */
typedef int (*ErrorVprintfHook)(const char *fmt, va_list ap);
void error_set_vprintf_hook(ErrorVprintfHook hook);

/* Prefix each stderr message with the wall-clock time (-msg timestamp=on). */
extern bool message_with_timestamp;

#endif /* QEMU_ERROR_REPORT_H */

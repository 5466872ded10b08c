/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: start tern-system-x86_64 with a qtest socket and a QMP socket
 * and drive it from a GLib test: QMP commands and events, guest memory
 * through the qtest protocol, the virtual clock, HMP.  Several processes
 * may run at once (migration tests).  Every process is killed when the
 * test ends, even on failure (atexit, SIGABRT, and PR_SET_PDEATHSIG in
 * the child).  Names follow QEMU's libqtest.
 *
 * The binary is $QTEST_QEMU_BINARY, else $QTEST_BINARY, else
 * tern-system-x86_64 found relative to the test executable.
 */
#ifndef LIBQTEST_H
#define LIBQTEST_H

#include "qobject/qobject.h"
#include "qobject/qdict.h"

typedef struct QTestState QTestState;

/* Start with @extra_args and negotiate QMP capabilities. */
QTestState *qtest_init(const char *extra_args);
QTestState *qtest_initf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Start without reading the QMP greeting (tests of the greeting). */
QTestState *qtest_init_without_qmp_handshake(const char *extra_args);
/*
 * Ask the process to quit (unless it already exited); kill it if it does
 * not exit in time.  Its exit status must be the expected one, even when
 * qtest_probe_child() reaped it earlier; only qtest_kill_qemu() waives it.
 */
/*
 * Can the emulator use KVM here?  /dev/kvm opens read-write and
 * TERN_HIDE_KVM does not hide it.  When it says no, @why (if not NULL)
 * gets the reason for a skip message.
 */
bool qtest_kvm_usable(const char **why);

void qtest_quit(QTestState *s);
/* SIGKILL the process and reap it. */
void qtest_kill_qemu(QTestState *s);
/* Exit status expected by qtest_quit() (default 0). */
void qtest_set_expected_status(QTestState *s, int status);
/* True while the process runs; false once it exited (reaped). */
bool qtest_probe_child(QTestState *s);
/* The process id. */
pid_t qtest_pid(QTestState *s);

/* ---- QMP ---- */

/* Send a command built with qobject_from_jsonf_nofail(); wait for reply. */
QDict *qtest_qmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
QDict *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);
/* The same, passing @fds with SCM_RIGHTS. */
QDict *qtest_qmp_fds(QTestState *s, int *fds, size_t fds_num,
                     const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* Send without waiting. */
void qtest_qmp_send(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Send text as is (printf formatting only); for malformed input tests. */
void qtest_qmp_send_raw(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* The next message that is not an event (events are kept for later). */
QDict *qtest_qmp_receive(QTestState *s);
/* The next message of any kind (buffered events first). */
QDict *qtest_qmp_receive_dict(QTestState *s);
/* Assert {"return": ...}; returns a reference to the return value. */
QDict *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Wait (up to a generous timeout) for @event; returns it. */
QDict *qtest_qmp_eventwait_ref(QTestState *s, const char *event);
void qtest_qmp_eventwait(QTestState *s, const char *event);
/* A buffered @event if one arrived already, else NULL. */
QDict *qtest_qmp_event_ref(QTestState *s, const char *event);
/* Run an HMP command; returns its output (g_free it). */
char *qtest_hmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* ---- qtest protocol ---- */

uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);
void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);
uint8_t qtest_inb(QTestState *s, uint16_t port);
uint16_t qtest_inw(QTestState *s, uint16_t port);
uint32_t qtest_inl(QTestState *s, uint16_t port);
void qtest_outb(QTestState *s, uint16_t port, uint8_t value);
void qtest_outw(QTestState *s, uint16_t port, uint16_t value);
void qtest_outl(QTestState *s, uint16_t port, uint32_t value);
/* Hex ("read"/"write") and base64 ("b64read"/"b64write") transfers. */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
void qtest_memset(QTestState *s, uint64_t addr, uint8_t patt, size_t size);
/* Advance the virtual clock by @step ns; returns the new time. */
int64_t qtest_clock_step(QTestState *s, int64_t step);
/* To the next timer deadline. */
int64_t qtest_clock_step_next(QTestState *s);
int64_t qtest_clock_set(QTestState *s, int64_t val);
/* Send a raw protocol line; returns the reply line (g_free it). */
char *qtest_send_raw(QTestState *s, const char *line);
/* The same for @len bytes that may hold NULs or several lines. */
char *qtest_send_raw_len(QTestState *s, const void *data, size_t len);

/* ---- misc ---- */

/* "x86_64" */
const char *qtest_get_arch(void);
/* Whether the binary knows machine type @machine (query-machines). */
bool qtest_has_machine(const char *machine);
/* The binary libqtest starts. */
const char *qtest_qemu_binary(void);
/* Add a GLib test with path "/x86_64/@str". */
void qtest_add_func(const char *str, void (*fn)(void));
void qtest_add_data_func(const char *str, const void *data,
                         void (*fn)(const void *));

#endif /* LIBQTEST_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server: with -qtest CHARDEV, a test drives the VM
 * over a text protocol (readb ADDR, writel ADDR VAL, clock_step, ...;
 * see docs/devel/monitor.md).  With -accel qtest no guest code runs and
 * the virtual clock only moves when the test says so.
 */
#ifndef SYSTEM_QTEST_H
#define SYSTEM_QTEST_H

/* Whether a qtest server was set up (-qtest). */
bool qtest_enabled(void);

/*
 * Create the chardev @qtest_chrdev (a legacy shorthand such as
 * "unix:/path" or "chardev:ID") and serve the protocol on it.  Traffic is
 * logged to @qtest_log ("none": nowhere; NULL: stderr), as QEMU does.
 * Also makes the test own the virtual clock (qtest_install_clock()).
 */
void qtest_server_init(const char *qtest_chrdev, const char *qtest_log,
                       Error **errp);

/*
 * Make QEMU_CLOCK_VIRTUAL the manual clock of qtest: it starts at 0 and
 * moves only with clock_step / clock_set.  -accel qtest calls it.
 */
void qtest_install_clock(void);
int64_t qtest_get_virtual_clock(void);

/*
 * Port I/O for inb/outb &c.: by default accesses go to
 * address_space_io; a machine may route them elsewhere.
 */
typedef uint32_t QTestPioRead(uint16_t port, unsigned size);
typedef void QTestPioWrite(uint16_t port, uint32_t val, unsigned size);
void qtest_set_pio_ops(QTestPioRead *read, QTestPioWrite *write);

#endif /* SYSTEM_QTEST_H */

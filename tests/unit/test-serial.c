/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 16550A core (hw/char/serial.c): reset values, transmission to a
 * file chardev, THR-empty and receive interrupts, loopback through the
 * FIFO with its trigger level, the divisor latch, and the "serial"
 * VMState round trip (with a hostile FIFO count refused).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "chardev/char.h"
#include "io/channel-buffer.h"
#include "migration/qemu-file.h"
#include "hw/char/serial.h"

static int irq_level;
static unsigned int irq_changes;

static void irq_handler(void *opaque, int level)
{
    irq_level = level;
    irq_changes++;
}

static void serial_init_test(SerialState *s, Chardev *chr)
{
    memset(s, 0, sizeof(*s));
    irq_level = 0;
    irq_changes = 0;
    serial_realize_core(s, chr, irq_handler, NULL, &error_abort);
}

static void test_reset(void)
{
    SerialState s;

    serial_init_test(&s, NULL);
    g_assert_cmphex(serial_io_read(&s, 5), ==, 0x60);   /* THRE|TEMT */
    g_assert_cmphex(serial_io_read(&s, 2), ==, 0x01);   /* no interrupt */
    g_assert_cmphex(serial_io_read(&s, 6), ==, 0xb0);   /* DCD DSR CTS */
    g_assert_cmphex(serial_io_read(&s, 4), ==, 0x08);   /* OUT2 */
    g_assert_cmpint(irq_level, ==, 0);
    serial_unrealize_core(&s);
}

static void test_transmit(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-serial-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "out", NULL);
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    g_autofree char *contents = NULL;
    Chardev *chr = qemu_chr_new("serial-out", spec, NULL);
    SerialState s;

    g_assert_nonnull(chr);
    serial_init_test(&s, chr);
    serial_io_write(&s, 0, 'B');
    serial_io_write(&s, 0, 'B');
    g_assert_cmpint(irq_level, ==, 0);      /* THRI not enabled */

    /* Enabling THRI with THR empty interrupts at once. */
    serial_io_write(&s, 1, 0x02);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(serial_io_read(&s, 2), ==, 0x02);
    /* Reading IIR acknowledged it. */
    g_assert_cmpint(irq_level, ==, 0);
    g_assert_cmphex(serial_io_read(&s, 2), ==, 0x01);
    serial_io_write(&s, 0, 'x');
    g_assert_cmpint(irq_level, ==, 1);
    serial_io_write(&s, 1, 0);
    g_assert_cmpint(irq_level, ==, 0);

    serial_unrealize_core(&s);
    object_unparent(OBJECT(chr));
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "BBx");
    unlink(path);
    rmdir(dir);
}

static void test_loopback_fifo(void)
{
    SerialState s;

    serial_init_test(&s, NULL);
    serial_io_write(&s, 4, 0x10 | 0x08);    /* LOOP | OUT2 */
    serial_io_write(&s, 2, 0x41);           /* FIFO on, trigger 4 */
    g_assert_cmphex(serial_io_read(&s, 2) & 0xc0, ==, 0xc0);
    serial_io_write(&s, 1, 0x01);           /* RDI */
    for (int i = 0; i < 3; i++) {
        serial_io_write(&s, 0, 'a' + i);
    }
    g_assert_cmphex(serial_io_read(&s, 5) & 0x01, ==, 0x01);
    g_assert_cmpint(irq_level, ==, 0);      /* below the trigger level */
    serial_io_write(&s, 0, 'd');
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(serial_io_read(&s, 2) & 0x0f, ==, 0x04);
    for (int i = 0; i < 4; i++) {
        g_assert_cmphex(serial_io_read(&s, 0), ==, 'a' + i);
    }
    g_assert_cmpint(irq_level, ==, 0);
    g_assert_cmphex(serial_io_read(&s, 5) & 0x01, ==, 0);

    /* Overrun: the 17th byte is lost and OE shows (once). */
    for (int i = 0; i < 17; i++) {
        serial_io_write(&s, 0, i);
    }
    g_assert_cmphex(serial_io_read(&s, 5) & 0x02, ==, 0x02);
    g_assert_cmphex(serial_io_read(&s, 5) & 0x02, ==, 0);
    serial_io_write(&s, 2, 0x43);           /* clear RX */
    g_assert_cmphex(serial_io_read(&s, 5) & 0x01, ==, 0);

    /* Loopback modem lines follow MCR. */
    serial_io_write(&s, 4, 0x10 | 0x03);
    g_assert_cmphex(serial_io_read(&s, 6) & 0xf0, ==, 0x30);
    serial_unrealize_core(&s);
}

static void test_divisor(void)
{
    SerialState s;

    serial_init_test(&s, NULL);
    serial_io_write(&s, 3, 0x83);           /* DLAB, 8N1 */
    serial_io_write(&s, 0, 0x01);
    serial_io_write(&s, 1, 0x02);
    g_assert_cmphex(s.divider, ==, 0x0201);
    g_assert_cmphex(serial_io_read(&s, 0), ==, 0x01);
    g_assert_cmphex(serial_io_read(&s, 1), ==, 0x02);
    serial_io_write(&s, 3, 0x03);
    g_assert_cmphex(serial_io_read(&s, 1), ==, 0);  /* IER again */
    serial_unrealize_core(&s);
}

static QIOChannelBuffer *save(SerialState *s)
{
    g_autoptr(QIOChannelBuffer) out = qio_channel_buffer_new(256);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(out));
    QIOChannelBuffer *copy;

    g_assert_cmpint(vmstate_save_state(f, &vmstate_serial, s, NULL,
                                       &error_abort), ==, 0);
    qemu_put_byte(f, 0);
    qemu_fflush(f);
    copy = qio_channel_buffer_new(out->usage);
    qio_channel_write_all(QIO_CHANNEL(copy), (char *)out->data, out->usage,
                          &error_abort);
    copy->offset = 0;
    qemu_fclose(f);
    return copy;
}

static int load(QIOChannelBuffer *bioc, SerialState *s, Error **errp)
{
    QEMUFile *f = qemu_file_new_input(QIO_CHANNEL(bioc));
    int ret = vmstate_load_state(f, &vmstate_serial, s, 3, errp);

    qemu_fclose(f);
    return ret;
}

static void test_vmstate(void)
{
    SerialState s, d;
    QIOChannelBuffer *bioc;
    g_autoptr(QIOChannelBuffer) small = NULL;
    Error *err = NULL;
    size_t at;

    serial_init_test(&s, NULL);
    small = save(&s);                       /* nothing pending */
    serial_io_write(&s, 4, 0x18);
    serial_io_write(&s, 2, 0xc1);           /* FIFO, trigger 14 */
    serial_io_write(&s, 7, 0x5a);
    serial_io_write(&s, 0, 'p');
    serial_io_write(&s, 0, 'q');
    serial_io_write(&s, 1, 0x02);           /* THRI pending, raised */
    g_assert_cmpint(irq_level, ==, 1);
    bioc = save(&s);
    g_assert_cmpuint(bioc->usage, >, small->usage);

    serial_init_test(&d, NULL);
    g_assert_cmpint(irq_level, ==, 0);
    g_assert_cmpint(load(bioc, &d, &error_abort), ==, 0);
    object_unref(OBJECT(bioc));
    /* The line is raised again from the loaded state. */
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(serial_io_read(&d, 7), ==, 0x5a);
    g_assert_cmphex(serial_io_read(&d, 2), ==, 0xc2);
    g_assert_cmphex(serial_io_read(&d, 0), ==, 'p');
    g_assert_cmphex(serial_io_read(&d, 0), ==, 'q');
    g_assert_cmphex(serial_io_read(&d, 5) & 0x01, ==, 0);

    /* A stream with 200 bytes in a 16-byte FIFO is refused. */
    serial_io_write(&s, 0, 'r');
    bioc = save(&s);
    at = bioc->usage - 1 - UART_FIFO_LENGTH - 1;    /* recv_count */
    g_assert_cmpuint(bioc->data[at], ==, 3);
    bioc->data[at] = 200;
    g_assert_cmpint(load(bioc, &d, &err), <, 0);
    g_test_message("%s", error_get_pretty(err));
    error_free(err);
    object_unref(OBJECT(bioc));
    serial_unrealize_core(&s);
    serial_unrealize_core(&d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    g_test_add_func("/serial/reset", test_reset);
    g_test_add_func("/serial/transmit", test_transmit);
    g_test_add_func("/serial/loopback-fifo", test_loopback_fifo);
    g_test_add_func("/serial/divisor", test_divisor);
    g_test_add_func("/serial/vmstate", test_vmstate);
    return g_test_run();
}

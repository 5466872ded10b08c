/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tern machine's devices under -accel qtest (no KVM needed): port
 * 0x92, isa-debugcon, the UART at 0x3f8 writing to -serial (and to a
 * socket whose reader stops reading: the VM goes on), unassigned ports, the generic loader (file and data), -bios, and the machine
 * type list (tern-1.0, alias tern, the default).
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include <sys/socket.h>
#include <sys/un.h>

static char *tmp_path(const char *dir, const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static void test_ports(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-mach-XXXXXX", NULL);
    g_autofree char *log = tmp_path(dir, "serial.log");
    g_autofree gchar *text = NULL;
    QTestState *qts;
    QDict *ev;

    qts = qtest_initf("-M tern -m 16M -serial file:%s", log);
    /* port 0x92: A20 set at reset, read back what was written. */
    g_assert_cmphex(qtest_inb(qts, 0x92), ==, 0x02);
    qtest_outb(qts, 0x92, 0x00);
    g_assert_cmphex(qtest_inb(qts, 0x92), ==, 0x00);
    /* debugcon reads back 0xe9; an unassigned port reads all-ones. */
    g_assert_cmphex(qtest_inb(qts, 0xe9), ==, 0xe9);
    g_assert_cmphex(qtest_inb(qts, 0x300), ==, 0xff);
    g_assert_cmphex(qtest_inl(qts, 0x304), ==, 0xffffffff);
    /* UART: THR empty and idle in LSR, output goes to the file. */
    g_assert_cmphex(qtest_inb(qts, 0x3fd) & 0x60, ==, 0x60);
    qtest_outb(qts, 0x3f8, 'T');
    qtest_outb(qts, 0x3f8, 'x');
    /* port 0x92 bit 0: a fast reset, which brings A20 back. */
    qtest_outb(qts, 0x92, 0x01);
    ev = qtest_qmp_eventwait_ref(qts, "RESET");
    qobject_unref(ev);
    g_assert_cmphex(qtest_inb(qts, 0x92), ==, 0x02);
    qtest_quit(qts);

    g_assert(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "Tx");
    unlink(log);
    rmdir(dir);
}

#define LSR_THRE 0x20
#define LSR_TEMT 0x40

/* Read what the socket has now (non-blocking) onto @got. */
static void drain_socket(int fd, GString *got)
{
    char buf[4096];
    ssize_t n;

    while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
        g_string_append_len(got, buf, n);
    }
}

/*
 * The UART's socket peer stops reading: bytes wait in the UART (THRE
 * and TEMT clear, as a driver polling LSR sees on a slow line) while
 * the main loop and QMP go on; once the peer reads again, every byte a
 * polling writer wrote arrives, in order.
 */
static void test_serial_backpressure(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-mach-XXXXXX", NULL);
    g_autofree char *path = tmp_path(dir, "serial.sock");
    g_autoptr(GString) sent = g_string_new(NULL);
    g_autoptr(GString) got = g_string_new(NULL);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    QTestState *qts;
    QDict *rsp;
    gint64 end;
    int fd, i;

    qts = qtest_initf("-M tern -m 16M -chardev socket,id=s0,path=%s,"
                      "server=on,wait=off -serial chardev:s0", path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)),
                    ==, 0);
    /* The chardev sees the connection on a main-loop pass. */
    rsp = qtest_qmp(qts, "{'execute': 'query-status'}");
    qobject_unref(rsp);

    /* A polling writer: a byte whenever THR is empty, until it is not. */
    for (i = 0; i < 4 * 1024 * 1024; i++) {
        if (!(qtest_inb(qts, 0x3fd) & LSR_THRE)) {
            break;
        }
        g_string_append_c(sent, 'a' + i % 26);
        qtest_outb(qts, 0x3f8, sent->str[sent->len - 1]);
    }
    g_test_message("the socket took %zu bytes before the UART held one",
                   sent->len);
    g_assert_cmpint(i, <, 4 * 1024 * 1024);
    g_assert_cmphex(qtest_inb(qts, 0x3fd) & LSR_TEMT, ==, 0);
    /* The VM goes on: QMP answers while the byte waits. */
    rsp = qtest_qmp(qts, "{'execute': 'query-status'}");
    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);

    /* The reader comes back: what waited goes out. */
    end = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
    while (!(qtest_inb(qts, 0x3fd) & LSR_TEMT)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        drain_socket(fd, got);
        g_usleep(1000);
    }
    while (got->len < sent->len) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        drain_socket(fd, got);
        g_usleep(1000);
    }
    g_assert_cmpuint(got->len, ==, sent->len);
    g_assert(!memcmp(got->str, sent->str, sent->len));
    close(fd);
    qtest_quit(qts);
    unlink(path);
    rmdir(dir);
}

static void test_loader_and_bios(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-mach-XXXXXX", NULL);
    g_autofree char *img = tmp_path(dir, "img.bin");
    g_autofree char *bios = tmp_path(dir, "bios.bin");
    uint8_t data[600], b[64];
    QTestState *qts;

    for (unsigned i = 0; i < sizeof(data); i++) {
        data[i] = i * 7 + 1;
    }
    g_assert(g_file_set_contents(img, (char *)data, sizeof(data), NULL));
    memset(b, 0xa5, sizeof(b));
    g_assert(g_file_set_contents(bios, (char *)b, sizeof(b), NULL));

    qts = qtest_initf("-M tern -m 16M -bios %s "
                      "-device loader,file=%s,addr=0x7c00 "
                      "-device loader,addr=0x1000,data=0x11223344,"
                      "data-len=4", bios, img);
    for (unsigned i = 0; i < sizeof(data); i++) {
        g_assert_cmphex(qtest_readb(qts, 0x7c00 + i), ==, data[i]);
    }
    g_assert_cmphex(qtest_readl(qts, 0x1000), ==, 0x11223344);
    g_assert_cmphex(qtest_readb(qts, 0x1004), ==, 0);
    /* The BIOS ends at 1 MiB. */
    g_assert_cmphex(qtest_readb(qts, 0x100000 - 64), ==, 0xa5);
    g_assert_cmphex(qtest_readb(qts, 0x100000 - 1), ==, 0xa5);
    g_assert_cmphex(qtest_readb(qts, 0x100000 - 65), ==, 0);
    /* A reset copies the images again. */
    qtest_writeb(qts, 0x7c00, 0);
    qtest_qmp_assert_success(qts, "{'execute': 'system_reset'}");
    qobject_unref(qtest_qmp_eventwait_ref(qts, "RESET"));
    g_assert_cmphex(qtest_readb(qts, 0x7c00), ==, data[0]);
    qtest_quit(qts);
    unlink(img);
    unlink(bios);
    rmdir(dir);
}

static void test_ram_above_4g(void)
{
    QTestState *qts = qtest_init("-M tern -m 3200M");

    /* 3 GiB at 0, the remaining 128 MiB from 4 GiB. */
    qtest_writeb(qts, 0xbffff000, 0x5a);
    g_assert_cmphex(qtest_readb(qts, 0xbffff000), ==, 0x5a);
    qtest_writeb(qts, 0x100000000ULL + 128 * MiB - 1, 0x6b);
    g_assert_cmphex(qtest_readb(qts, 0x100000000ULL + 128 * MiB - 1), ==,
                    0x6b);
    /* The hole between 3 and 4 GiB is not RAM. */
    qtest_writeb(qts, 0xc0000000, 0x7c);
    g_assert_cmphex(qtest_readb(qts, 0xc0000000), !=, 0x7c);
    qtest_quit(qts);
}

/*
 * The vCPU's reset state is architectural under every accelerator: here
 * qtest, which once migrated an all-zero state (rip and segments too).
 */
static void test_reset_state(void)
{
    QTestState *qts = qtest_init("-M tern -m 16M");
    g_autofree char *regs = qtest_hmp(qts, "info registers");

    g_assert(strstr(regs, "RIP=000000000000fff0"));
    g_assert(strstr(regs, "RFL=00000002"));
    g_assert(strstr(regs, "CS =f000 00000000ffff0000 0000ffff type=b p=1"));
    g_assert(strstr(regs, "CR0=60000010"));
    g_assert(strstr(regs, "DR6=00000000ffff0ff0"));
    qtest_quit(qts);
}

static void test_machine_types(void)
{
    QTestState *qts = qtest_init("-M none");
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-machines'}");
    QList *list = qdict_get_qlist(rsp, "return");
    const QListEntry *e;
    bool found = false;

    g_assert(list);
    QLIST_FOREACH_ENTRY(list, e) {
        QDict *m = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(m, "name"), "tern-1.0")) {
            found = true;
            g_assert_cmpstr(qdict_get_try_str(m, "alias"), ==, "tern");
            g_assert(qdict_get_try_bool(m, "is-default", false));
        }
    }
    g_assert(found);
    qobject_unref(rsp);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/tern-machine/ports", test_ports);
    qtest_add_func("/tern-machine/serial-backpressure",
                   test_serial_backpressure);
    qtest_add_func("/tern-machine/loader-bios", test_loader_and_bios);
    qtest_add_func("/tern-machine/ram-above-4g", test_ram_above_4g);
    qtest_add_func("/tern-machine/types", test_machine_types);
    qtest_add_func("/tern-machine/reset-state", test_reset_state);
    return g_test_run();
}

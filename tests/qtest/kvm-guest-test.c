/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test guest (tests/migration-guest) on tern-system-x86_64 with
 * -accel kvm and with -accel tcg (the interpreter), driven through QMP
 * and the qtest protocol (which works beside either): the serial log
 * fills with 'B's, guest memory shows the a-b pattern matching the pass
 * count, stop/cont freeze and resume the guest, -smp (and for KVM
 * kernel-irqchip=off) boot too; the IRET guest ends in the
 * internal-error run state on kvm_pvm instead of a hang, and under tcg
 * runs its IRET and halts.  The kvm cases skip without /dev/kvm.  Waits
 * are bounded and generous; nothing is timed.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "qobject/qdict.h"

#define GUEST_START   (1 * MiB)
#define GUEST_END     (8 * MiB)
#define GUEST_PAGES   ((GUEST_END - GUEST_START) / 4096)
#define WAIT_US       (120 * G_USEC_PER_SEC)
#define POLL_US       (20 * 1000)

typedef struct GuestVM {
    QTestState *qts;
    char *dir;
    char *serial;
} GuestVM;

static const char *guest_dir(void)
{
    return g_getenv("TERN_GUEST_DIR");
}

/* @accel ("kvm" or "tcg", maybe with properties) can run here. */
static bool accel_ok(const char *accel)
{
    const char *why;

    if (g_str_has_prefix(accel, "kvm") && !qtest_kvm_usable(&why)) {
        g_test_skip(why);
        return false;
    }
    if (!guest_dir()) {
        g_test_skip("TERN_GUEST_DIR not set (test guest not built)");
        return false;
    }
    return true;
}

/* A copy of @name with the guest's range patched to [START, END). */
static char *patched_image(const char *dir, const char *name, bool patch)
{
    g_autofree char *src = g_build_filename(guest_dir(), name, NULL);
    char *dst = g_build_filename(dir, name, NULL);
    g_autoptr(GError) err = NULL;
    gchar *data;
    gsize len;

    if (!g_file_get_contents(src, &data, &len, &err)) {
        g_error("cannot read %s: %s", src, err->message);
    }
    g_assert_cmpuint(len, ==, 512);
    if (patch) {
        uint32_t start = GUINT32_TO_LE(GUEST_START);
        uint32_t end = GUINT32_TO_LE(GUEST_END);

        g_assert(!memcmp(data + 4, "TGST", 4));
        memcpy(data + 8, &start, 4);
        memcpy(data + 12, &end, 4);
    }
    g_assert(g_file_set_contents(dst, data, len, NULL));
    g_free(data);
    return dst;
}

static GuestVM *guest_start(const char *image, bool patch,
                            const char *accel, const char *extra)
{
    GuestVM *vm = g_new0(GuestVM, 1);
    g_autofree char *img = NULL;

    vm->dir = g_dir_make_tmp("tern-kvm-XXXXXX", NULL);
    g_assert(vm->dir);
    vm->serial = g_build_filename(vm->dir, "serial.log", NULL);
    img = patched_image(vm->dir, image, patch);
    vm->qts = qtest_initf("-accel %s -M tern -m 64M -serial file:%s "
                          "-device loader,file=%s,addr=0x7c00,cpu-num=0 %s",
                          accel, vm->serial, img, extra ? extra : "");
    return vm;
}

static void guest_stop_vm(GuestVM *vm)
{
    qtest_quit(vm->qts);
    g_autoptr(GDir) d = g_dir_open(vm->dir, 0, NULL);
    const char *f;

    while (d && (f = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(vm->dir, f, NULL);
        unlink(p);
    }
    rmdir(vm->dir);
    g_free(vm->dir);
    g_free(vm->serial);
    g_free(vm);
}

static char *serial_text(GuestVM *vm)
{
    gchar *data = NULL;

    if (!g_file_get_contents(vm->serial, &data, NULL, NULL)) {
        return g_strdup("");
    }
    return data;
}

/* Wait until the serial log holds at least @n bytes; returns its text. */
static char *wait_serial(GuestVM *vm, size_t n)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_US;

    for (;;) {
        char *s = serial_text(vm);

        if (strlen(s) >= n) {
            return s;
        }
        g_free(s);
        if (g_get_monotonic_time() > deadline) {
            g_error("serial log did not reach %zu bytes", n);
        }
        g_usleep(POLL_US);
    }
}

static char *query_status(GuestVM *vm)
{
    QDict *rsp = qtest_qmp(vm->qts, "{'execute': 'query-status'}");
    QDict *ret = qdict_get_qdict(rsp, "return");
    char *status;

    g_assert(ret);
    status = g_strdup(qdict_get_str(ret, "status"));
    qobject_unref(rsp);
    return status;
}

static void assert_all_b(const char *s)
{
    for (const char *p = s; *p; p++) {
        g_assert_cmpint(*p, ==, 'B');
    }
}

/* The first byte of every page of the range, read through qtest. */
static void read_pattern(GuestVM *vm, uint8_t *bytes)
{
    for (unsigned i = 0; i < GUEST_PAGES; i++) {
        bytes[i] = qtest_readb(vm->qts, GUEST_START + (uint64_t)i * 4096);
    }
}

/*
 * The guest's invariant with the VM stopped after @passes 'B's: pages
 * so far in the current pass hold passes + 1, the rest passes (mod
 * 256), so each page equals its predecessor or is one less.  The vCPU
 * may also have stopped after the last page of a pass and before that
 * pass's OUT (a stop lands between any two instructions): then every
 * page holds passes + 1.
 */
static void check_pattern(const uint8_t *b, unsigned passes)
{
    uint8_t n = passes;
    uint8_t last = b[GUEST_PAGES - 1];

    for (unsigned i = 1; i < GUEST_PAGES; i++) {
        uint8_t d = b[i - 1] - b[i];

        g_assert_cmpuint(d, <=, 1);
    }
    g_assert_cmpuint((uint8_t)(b[0] - last), <=, 1);
    if (last == (uint8_t)(n + 1)) {
        g_test_message("stopped between a pass's last page and its 'B'");
        g_assert_cmpuint(b[0], ==, last);
    } else {
        g_assert_cmpuint(last, ==, n);
        g_assert(b[0] == n || b[0] == (uint8_t)(n + 1));
    }
}

static void test_boot_pattern(const void *data)
{
    const char *accel = data;
    g_autofree uint8_t *bytes = g_malloc(GUEST_PAGES);
    g_autofree char *s = NULL;
    g_autofree char *status = NULL;
    GuestVM *vm;

    if (!accel_ok(accel)) {
        return;
    }
    vm = guest_start("guest.img", true, accel, NULL);
    g_free(wait_serial(vm, 3));
    status = query_status(vm);
    g_assert_cmpstr(status, ==, "running");

    qtest_qmp_assert_success(vm->qts, "{'execute': 'stop'}");
    s = serial_text(vm);
    assert_all_b(s);
    read_pattern(vm, bytes);
    check_pattern(bytes, strlen(s));
    guest_stop_vm(vm);
}

static void test_stop_cont(const void *data)
{
    const char *accel = data;
    g_autofree uint8_t *a = g_malloc(GUEST_PAGES);
    g_autofree uint8_t *b = g_malloc(GUEST_PAGES);
    g_autofree char *s1 = NULL;
    g_autofree char *s2 = NULL;
    g_autofree char *s3 = NULL;
    g_autofree char *status = NULL;
    GuestVM *vm;

    if (!accel_ok(accel)) {
        return;
    }
    vm = guest_start("guest.img", true, accel, NULL);
    g_free(wait_serial(vm, 2));

    qtest_qmp_assert_success(vm->qts, "{'execute': 'stop'}");
    status = query_status(vm);
    g_assert_cmpstr(status, ==, "paused");
    s1 = serial_text(vm);
    read_pattern(vm, a);
    /* Stopped: neither the log nor memory moves (a pass takes ~10 ms). */
    g_usleep(300 * 1000);
    s2 = serial_text(vm);
    read_pattern(vm, b);
    g_assert_cmpuint(strlen(s1), ==, strlen(s2));
    g_assert(!memcmp(a, b, GUEST_PAGES));
    check_pattern(a, strlen(s1));

    qtest_qmp_assert_success(vm->qts, "{'execute': 'cont'}");
    s3 = wait_serial(vm, strlen(s1) + 2);
    assert_all_b(s3);
    g_free(status);
    status = query_status(vm);
    g_assert_cmpstr(status, ==, "running");
    guest_stop_vm(vm);
}

static void test_variants(const char *accel, const char *extra)
{
    g_autofree uint8_t *bytes = g_malloc(GUEST_PAGES);
    g_autofree char *s = NULL;
    GuestVM *vm;

    if (!accel_ok(accel)) {
        return;
    }
    vm = guest_start("guest.img", true, accel, extra);
    g_free(wait_serial(vm, 2));
    qtest_qmp_assert_success(vm->qts, "{'execute': 'stop'}");
    s = serial_text(vm);
    assert_all_b(s);
    read_pattern(vm, bytes);
    check_pattern(bytes, strlen(s));
    guest_stop_vm(vm);
}

static void test_smp(const void *data)
{
    test_variants(data, "-smp 2");
}

static void test_no_irqchip(void)
{
    test_variants("kvm", "-machine kernel-irqchip=off");
}

static void test_dirty_ring(void)
{
    /* "-accel kvm,dirty-ring-size=N" must be accepted and still run. */
    test_variants("kvm,dirty-ring-size=4096", NULL);
}

static void test_iret_internal_error(void)
{
    gint64 deadline;
    GuestVM *vm;

    if (!accel_ok("kvm")) {
        return;
    }
    vm = guest_start("iret-guest.img", false, "kvm", NULL);
    deadline = g_get_monotonic_time() + WAIT_US;
    for (;;) {
        g_autofree char *status = query_status(vm);
        g_autofree char *s = serial_text(vm);

        if (!strcmp(status, "internal-error")) {
            break;      /* kvm_pvm: the IRET cannot be emulated */
        }
        if (strchr(s, 'I')) {
            /* Hardware KVM runs the IRET; the guest then halts. */
            g_test_message("IRET ran on this host (no internal error)");
            break;
        }
        g_assert_cmpstr(status, ==, "running");
        g_assert(g_get_monotonic_time() < deadline);
        g_usleep(POLL_US);
    }
    /* Still alive and answering. */
    g_free(query_status(vm));
    guest_stop_vm(vm);
}

/*
 * The 64-bit guest under tcg: long mode with 4-level paging, the PIT's
 * interrupts counted at 0x5000 while the page loop runs.
 */
static void test_tcg_guest64(void)
{
    g_autofree uint8_t *bytes = g_malloc(GUEST_PAGES);
    g_autofree char *s = NULL;
    g_autofree char *mid = NULL;
    uint64_t t1, t2;
    GuestVM *vm;

    if (!accel_ok("tcg")) {
        return;
    }
    vm = guest_start("guest64.img", true, "tcg", NULL);
    g_free(wait_serial(vm, 3));
    t1 = qtest_readq(vm->qts, 0x5000);
    mid = serial_text(vm);
    g_free(wait_serial(vm, strlen(mid) + 3));
    t2 = qtest_readq(vm->qts, 0x5000);
    g_test_message("timer interrupts: %" PRIu64 " then %" PRIu64, t1, t2);
    g_assert_cmpuint(t2, >, t1);
    qtest_qmp_assert_success(vm->qts, "{'execute': 'stop'}");
    s = serial_text(vm);
    assert_all_b(s);
    read_pattern(vm, bytes);
    check_pattern(bytes, strlen(s));
    /* The CPU set the accessed bits of the tables it walked. */
    g_assert_cmphex(qtest_readq(vm->qts, 0x1000) & 0x20, ==, 0x20);
    g_assert_cmphex(qtest_readq(vm->qts, 0x3000) & 0x20, ==, 0x20);
    guest_stop_vm(vm);
}

/* Wait until the serial log holds @c; returns its text. */
static char *wait_serial_char(GuestVM *vm, char c)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_US;

    for (;;) {
        char *s = serial_text(vm);

        if (strchr(s, c)) {
            return s;
        }
        g_free(s);
        if (g_get_monotonic_time() > deadline) {
            g_error("serial log never showed '%c'", c);
        }
        g_usleep(POLL_US);
    }
}

/*
 * qtest rewrites code the tcg vCPU has decoded: the immediate of the
 * loop's "movb $'B', %al", while the guest runs and while it is paused.
 * The interpreter must drop its decoded copy and print the new letter.
 */
static void test_tcg_code_write(void)
{
    static const uint8_t out_b[] = { 0xb0, 'B', 0xee };   /* mov; out */
    g_autofree char *img = g_build_filename(guest_dir() ? guest_dir() : "",
                                            "guest.img", NULL);
    g_autofree gchar *data = NULL;
    g_autofree char *s = NULL;
    uint64_t imm;
    const char *at;
    gsize len;
    GuestVM *vm;

    if (!accel_ok("tcg")) {
        return;
    }
    g_assert(g_file_get_contents(img, &data, &len, NULL));
    at = memmem(data, len, out_b, sizeof(out_b));
    g_assert_nonnull(at);
    imm = at - data + 0x7c00 + 1;

    vm = guest_start("guest.img", true, "tcg", NULL);
    g_free(wait_serial(vm, 2));
    g_assert_cmpuint(qtest_readb(vm->qts, imm), ==, 'B');
    qtest_writeb(vm->qts, imm, 'C');
    s = wait_serial_char(vm, 'C');
    g_assert(!strchr(strchr(s, 'C'), 'B'));

    qtest_qmp_assert_success(vm->qts, "{'execute': 'stop'}");
    qtest_memwrite(vm->qts, imm, "D", 1);
    qtest_qmp_assert_success(vm->qts, "{'execute': 'cont'}");
    g_free(s);
    s = wait_serial_char(vm, 'D');
    guest_stop_vm(vm);
}

/* The interpreter runs the protected-mode IRET, prints 'I' and halts. */
static void test_tcg_iret(void)
{
    g_autofree char *s = NULL;
    g_autofree char *status = NULL;
    GuestVM *vm;

    if (!accel_ok("tcg")) {
        return;
    }
    vm = guest_start("iret-guest.img", false, "tcg", NULL);
    s = wait_serial(vm, 1);
    g_assert_cmpstr(s, ==, "I");
    status = query_status(vm);
    g_assert_cmpstr(status, ==, "running");     /* halted, not failed */
    g_usleep(100 * 1000);
    g_free(s);
    s = serial_text(vm);
    g_assert_cmpstr(s, ==, "I");
    guest_stop_vm(vm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_data_func("/kvm-guest/boot-pattern", "kvm", test_boot_pattern);
    qtest_add_data_func("/kvm-guest/stop-cont", "kvm", test_stop_cont);
    qtest_add_data_func("/kvm-guest/smp", "kvm", test_smp);
    qtest_add_data_func("/tcg-guest/boot-pattern", "tcg", test_boot_pattern);
    qtest_add_data_func("/tcg-guest/stop-cont", "tcg", test_stop_cont);
    qtest_add_data_func("/tcg-guest/smp", "tcg", test_smp);
    qtest_add_func("/tcg-guest/iret", test_tcg_iret);
    qtest_add_func("/tcg-guest/guest64", test_tcg_guest64);
    qtest_add_func("/tcg-guest/code-write", test_tcg_code_write);
    qtest_add_func("/kvm-guest/kernel-irqchip-off", test_no_irqchip);
    qtest_add_func("/kvm-guest/dirty-ring", test_dirty_ring);
    qtest_add_func("/kvm-guest/iret-internal-error",
                   test_iret_internal_error);
    return g_test_run();
}

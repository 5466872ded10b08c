/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile streams against a real destination process: the test plays
 * the source and writes, over a unix socket, streams that never end (RAM
 * pages forever, device sections forever, a RAM size list that goes on)
 * or that claim a huge length.  The destination must stay within bounded
 * memory (VmRSS read from /proc while the stream flows), answer QMP,
 * and fail with an error naming the section and the field, either by
 * itself or once the test yanks the migration after a bounded while.
 * docs/devel/migration-testing.md ("Hostile streams") has the table.
 */
#include "qemu/osdep.h"
#include "migration/framework.h"

#include <sys/socket.h>

#define HMEM            "16M"
#define HSIZE           (16ULL << 20)
#define PAGE            4096
/* How much a never-ending stream sends before the test gives up on it. */
#define ENDLESS_BYTES   (256ULL << 20)
/* What the destination may grow by besides its RAM: buffers, slack. */
#define RSS_SLACK       (64ULL << 20)

/* Stream records (docs/devel/migration-stream.md). */
#define VM_EOF              0x00
#define VM_SECTION_START    0x01
#define VM_SECTION_PART     0x02
#define VM_SECTION_FULL     0x04
#define VM_COMMAND          0x08
#define VM_CONFIGURATION    0x07
#define VM_SECTION_FOOTER   0x7e
#define RAM_MEM_SIZE        0x04
#define RAM_PAGE            0x08
#define RAM_EOS             0x10
#define RAM_CONTINUE        0x20
#define MIG_CMD_PACKAGED    7

typedef GByteArray Stream;

static void put8(Stream *s, uint8_t v)
{
    g_byte_array_append(s, &v, 1);
}

static void put16(Stream *s, uint16_t v)
{
    uint8_t b[2] = { v >> 8, v };

    g_byte_array_append(s, b, sizeof(b));
}

static void put32(Stream *s, uint32_t v)
{
    uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(s, b, sizeof(b));
}

static void put64(Stream *s, uint64_t v)
{
    put32(s, v >> 32);
    put32(s, v);
}

static void putstr8(Stream *s, const char *str)
{
    put8(s, strlen(str));
    g_byte_array_append(s, (const uint8_t *)str, strlen(str));
}

static void put_section(Stream *s, uint8_t type, uint32_t id,
                        const char *name, uint32_t version)
{
    put8(s, type);
    put32(s, id);
    putstr8(s, name);
    put32(s, 0);                    /* instance */
    put32(s, version);
}

static void put_footer(Stream *s, uint32_t id)
{
    put8(s, VM_SECTION_FOOTER);
    put32(s, id);
}

/* Magic, version and the configuration of a "-M none" source. */
static Stream *stream_header(void)
{
    Stream *s = g_byte_array_new();

    put32(s, 0x5145564d);           /* QEVM */
    put32(s, 3);
    put8(s, VM_CONFIGURATION);
    put32(s, 4);
    g_byte_array_append(s, (const uint8_t *)"none", 4);
    return s;
}

/* RAM's START section: the size list (total @total, @n blocks "ram"). */
static void put_ram_start(Stream *s, uint64_t total, int n)
{
    put_section(s, VM_SECTION_START, 1, "ram", 4);
    put64(s, total | RAM_MEM_SIZE);
    for (int i = 0; i < n; i++) {
        putstr8(s, "ram");
        put64(s, HSIZE);
    }
}

/* ------------------------------------------------------------ the rig */

typedef struct Rig {
    QTestState *to;
    int fd;
    uint64_t rss_before;
    uint64_t rss_peak;
    int fds_before;
    int threads_before;
} Rig;

static uint64_t vm_rss(QTestState *who)
{
    return mig_proc_rss(qtest_pid(who));
}

/* A destination listening on a unix socket, and the test connected. */
static void rig_start(Rig *r)
{
    g_autofree char *sock = g_strdup_printf("%s/hostile.sock",
                                            mig_tmpdir());
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = { .mem = HMEM, .machine = "none",
                          .only_target = true };
    QTestState *unused = NULL;
    struct timeval tv = { .tv_sec = MIG_WAIT_SECS };

    migrate_start(&unused, &r->to, "defer", &args);
    r->fds_before = mig_proc_fds(qtest_pid(r->to));
    r->threads_before = mig_proc_count(qtest_pid(r->to), "task");
    qmp_ok_fmt(r->to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", uri);
    r->rss_before = r->rss_peak = vm_rss(r->to);
    r->fd = mig_unix_connect(sock);
    /* a destination that stops reading fails the test, never hangs it */
    g_assert_cmpint(setsockopt(r->fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
                               sizeof(tv)), ==, 0);
}

/* Its RAM, once touched, and the slack: what it may hold at most. */
static void rig_check_rss(Rig *r, uint64_t extra)
{
    uint64_t rss = vm_rss(r->to);
    uint64_t bound = r->rss_before + HSIZE + extra + RSS_SLACK;

    r->rss_peak = MAX(r->rss_peak, rss);
    if (rss > bound) {
        g_test_message("destination RSS %" PRIu64 " MiB > bound %" PRIu64
                       " MiB", rss >> 20, bound >> 20);
    }
    g_assert_cmpuint(rss, <=, bound);
}

/*
 * Send @s; false if the destination closed the connection (it failed
 * and let go), which is not an error here.
 */
static bool rig_send(Rig *r, Stream *s)
{
    size_t done = 0;

    while (done < s->len) {
        ssize_t n = send(r->fd, s->data + done, s->len - done, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            return false;
        }
        g_assert_cmpint(n, >, 0);
        done += n;
    }
    return true;
}

/*
 * The stream so far left the destination loading: it must still say
 * 'active' (the main loop and QMP are not starved by the stream).
 */
static void rig_check_active(Rig *r)
{
    g_autofree char *st = migrate_query_status(r->to);

    g_assert_cmpstr(st, ==, "active");
}

/*
 * The end: the load failed (by itself, or after a yank) with an error
 * containing each of @words, holding at most @extra besides its RAM and
 * the slack; the destination answers, does not run the guest, and is
 * back to its threads and fds from before migrate-incoming.
 */
static void rig_finish(Rig *r, bool yank, const char *const *words,
                       uint64_t extra)
{
    g_autofree char *err = NULL;
    g_autofree char *rs = NULL;
    gint64 end;

    if (yank) {
        qmp_ok_fmt(r->to, "{'execute': 'yank', 'arguments': {'instances':"
                   " [{'type': 'migration'}]}}");
    }
    err = migrate_wait_failed(r->to);
    rig_check_rss(r, extra);
    g_test_message("destination error-desc: %s", err);
    g_test_message("destination RSS: %" PRIu64 " MiB before, %" PRIu64
                   " MiB at most", r->rss_before >> 20, r->rss_peak >> 20);
    for (int i = 0; words[i]; i++) {
        g_assert(strstr(err, words[i]));
    }
    rs = query_runstate(r->to);
    g_assert_cmpstr(rs, !=, "running");
    close(r->fd);
    end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (mig_proc_fds(qtest_pid(r->to)) > r->fds_before ||
           mig_proc_count(qtest_pid(r->to), "task") > r->threads_before) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(50 * 1000);
    }
    migrate_end(NULL, r->to);
}

/*
 * Send @unit again and again up to ENDLESS_BYTES, checking memory and
 * QMP after every MiB or so; false if the destination gave up first.
 */
static bool send_endless(Rig *r, Stream *unit)
{
    g_autoptr(GByteArray) burst = g_byte_array_new();

    while (burst->len < (1 << 20)) {
        g_byte_array_append(burst, unit->data, unit->len);
    }
    for (uint64_t sent = 0; sent < ENDLESS_BYTES; sent += burst->len) {
        if (!rig_send(r, burst)) {
            return false;
        }
        rig_check_rss(r, 0);
        if ((sent & ((32 << 20) - 1)) < burst->len) {
            rig_check_active(r);
        }
    }
    rig_check_rss(r, 0);
    rig_check_active(r);
    return true;
}

/* ------------------------------------------------------------ the cases */

/* Valid pages forever in one RAM section that never ends. */
static void test_endless_ram(void)
{
    static const char *const words[] = { "device 'ram'", "RAM data", NULL };
    g_autoptr(GByteArray) s = stream_header();
    g_autoptr(GByteArray) unit = g_byte_array_new();
    g_autofree uint8_t *page = g_malloc(PAGE);
    Rig r = { 0 };

    rig_start(&r);
    memset(page, 0xa5, PAGE);
    put_ram_start(s, HSIZE, 1);
    put64(s, RAM_EOS);
    put_footer(s, 1);
    put8(s, VM_SECTION_PART);
    put32(s, 1);
    put64(s, RAM_PAGE);
    putstr8(s, "ram");
    g_byte_array_append(s, page, PAGE);
    g_assert(rig_send(&r, s));
    /* every page of RAM in turn, then round again */
    for (uint64_t off = 0; off < HSIZE; off += PAGE) {
        put64(unit, off | RAM_PAGE | RAM_CONTINUE);
        g_byte_array_append(unit, page, PAGE);
    }
    g_assert(send_endless(&r, unit));
    rig_finish(&r, true, words, 0);
}

/* Complete, valid device sections forever, never an EOF. */
static void test_endless_sections(void)
{
    static const char *const words[] = {
        "before QEMU_VM_EOF", "section 'timer'", NULL,
    };
    g_autoptr(GByteArray) s = stream_header();
    g_autoptr(GByteArray) unit = g_byte_array_new();
    Rig r = { 0 };

    rig_start(&r);
    g_assert(rig_send(&r, s));
    put_section(unit, VM_SECTION_FULL, 2, "timer", 2);
    put64(unit, 0);                 /* cpu_ticks_offset */
    put64(unit, 0);                 /* unused */
    put64(unit, 0);                 /* cpu_clock_offset */
    put_footer(unit, 2);
    g_assert(send_endless(&r, unit));
    rig_finish(&r, true, words, 0);
}

/*
 * A RAM size list announcing 4 GiB and naming the one block forever:
 * refused at the first repeat, not read on for 4 GiB of blocks.
 */
static void test_endless_size_list(void)
{
    static const char *const words[] = {
        "device 'ram'", "RAM size list: block ram is listed twice", NULL,
    };
    g_autoptr(GByteArray) s = stream_header();
    g_autoptr(GByteArray) unit = g_byte_array_new();
    Rig r = { 0 };

    rig_start(&r);
    put_ram_start(s, 4ULL << 30, 1);
    g_assert(rig_send(&r, s));
    putstr8(unit, "ram");
    put64(unit, HSIZE);
    /* it fails by itself: the socket closes before the end */
    g_assert_false(send_endless(&r, unit));
    rig_finish(&r, false, words, 0);
}

/*
 * A PACKAGED command claiming the largest length allowed (16 MiB), of
 * which half arrives before the source goes quiet: the destination holds
 * what came, and a yank names the blob and its length.
 */
static void test_huge_packaged(void)
{
    static const char *const words[] = {
        "Stream ended in a packaged blob of 16777216 bytes", NULL,
    };
    g_autoptr(GByteArray) s = stream_header();
    g_autoptr(GByteArray) half = g_byte_array_new();
    Rig r = { 0 };

    rig_start(&r);
    put8(s, VM_COMMAND);
    put16(s, MIG_CMD_PACKAGED);
    put16(s, 4);
    put32(s, 16 << 20);
    g_assert(rig_send(&r, s));
    g_byte_array_set_size(half, 8 << 20);
    memset(half->data, 0xee, half->len);
    g_assert(rig_send(&r, half));
    rig_check_rss(&r, 16 << 20);
    rig_check_active(&r);
    rig_finish(&r, true, words, 16 << 20);
}

/* A PACKAGED length of 4 GiB: refused at once, nothing allocated. */
static void test_4g_packaged(void)
{
    static const char *const words[] = {
        "Unreasonably large packaged state: 4294967295", NULL,
    };
    g_autoptr(GByteArray) s = stream_header();
    Rig r = { 0 };

    rig_start(&r);
    put8(s, VM_COMMAND);
    put16(s, MIG_CMD_PACKAGED);
    put16(s, 4);
    put32(s, UINT32_MAX);
    g_assert(rig_send(&r, s));
    rig_finish(&r, false, words, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_framework_init();
    signal(SIGPIPE, SIG_IGN);

    qtest_add_func("/migration/hostile/endless/ram", test_endless_ram);
    qtest_add_func("/migration/hostile/endless/sections",
                   test_endless_sections);
    qtest_add_func("/migration/hostile/endless/size-list",
                   test_endless_size_list);
    qtest_add_func("/migration/hostile/huge-length/packaged-16M",
                   test_huge_packaged);
    qtest_add_func("/migration/hostile/huge-length/packaged-4G",
                   test_4g_packaged);
    return g_test_run();
}

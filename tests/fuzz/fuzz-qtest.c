/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the qtest protocol server (system/qtest.c): the
 * input is what a test would send over the qtest socket, fed to the
 * server's read handler in pieces.
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * one reply line ("OK..." or "FAIL...") per non-empty command line, so
 * a NUL, a long line or a bad number never makes the server lose or
 * merge commands; guest accesses stay inside the RAM regions (each sits
 * between guard pages).
 *
 * The real memory core (system/memory.c, physmem.c) is linked; the
 * chardev and the timer layer are fakes: the chardev captures the read
 * handler and counts reply lines, and the virtual clock has one timer
 * that fires a bounded number of times.  The first input byte picks the
 * size of the pieces (1..64 bytes; lines split across reads are
 * reassembled the way a socket delivers them) and whether the timer is
 * armed.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "chardev/char.h"
#include "chardev/char-fe.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "system/memory.h"
#include "system/qtest.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_LOW_RAM    (64 * KiB)             /* at 0 */
#define FUZZ_HIGH_RAM   (64 * KiB)             /* the top of the space */
#define FUZZ_MMIO_BASE  0xfee00000ULL
#define FUZZ_MMIO_SIZE  0x1000
#define FUZZ_PIO_BASE   0x3f8
#define FUZZ_PIO_SIZE   8

/* ------------------------------------------------------------ chardev */

static IOCanReadHandler *fuzz_can_read;
static IOReadHandler *fuzz_read;
static void *fuzz_read_opaque;
static Chardev fuzz_chr;
static uint64_t fuzz_replies;       /* complete reply lines */
static bool fuzz_reply_open;        /* a reply line is being written */
static uint64_t fuzz_reply_bytes;

/*
 * Reply bytes after which an input is cut short: a big read costs about
 * a second per 64 MiB under ASan, and many of them must not add up to
 * libFuzzer's timeout.
 */
#define FUZZ_REPLY_BUDGET (64 * MiB)

Chardev *qemu_chr_new_noreport(const char *label, const char *filename,
                               GMainContext *context, Error **errp)
{
    return &fuzz_chr;
}

bool qemu_chr_fe_init(CharBackend *b, Chardev *s, Error **errp)
{
    b->chr = s;
    return true;
}

void qemu_chr_fe_set_handlers(CharBackend *b, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read,
                              IOEventHandler *fd_event,
                              BackendChangeHandler *be_change,
                              void *opaque, GMainContext *context,
                              bool set_open)
{
    fuzz_can_read = fd_can_read;
    fuzz_read = fd_read;
    fuzz_read_opaque = opaque;
}

/* Every reply starts with OK or FAIL and ends with its only newline. */
int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    if (len < 0) {
        fuzz_fail("reply piece of negative length %d", len);
    }
    fuzz_reply_bytes += len;
    if (!fuzz_reply_open && len &&
        !(len >= 2 && !memcmp(buf, "OK", 2)) &&
        !(len >= 4 && !memcmp(buf, "FAIL", 4))) {
        fuzz_fail("reply starts with neither OK nor FAIL: '%.*s'",
                  MIN(len, 80), buf);
    }
    for (int i = 0; i < len; i++) {
        if (buf[i] == '\n') {
            if (i != len - 1) {
                fuzz_fail("newline inside a reply");
            }
            fuzz_replies++;
            fuzz_reply_open = false;
            return len;
        }
    }
    fuzz_reply_open = len > 0 || fuzz_reply_open;
    return len;
}

/* --------------------------------------------------------------- clock */

/* One virtual timer, re-armed a few times, so clock_step has work. */
static int64_t fuzz_timer_expiry = -1;
static unsigned fuzz_timer_left;

void qemu_clock_set_virtual_source(int64_t (*get_virtual_clock)(void)) { }

int64_t qemu_clock_deadline_ns_all(QEMUClockType type)
{
    int64_t now = qtest_get_virtual_clock();

    if (fuzz_timer_expiry < 0) {
        return -1;
    }
    return fuzz_timer_expiry > now ? fuzz_timer_expiry - now : 0;
}

bool qemu_clock_run_timers(QEMUClockType type)
{
    int64_t now = qtest_get_virtual_clock();

    if (fuzz_timer_expiry < 0 || now < fuzz_timer_expiry) {
        return false;
    }
    if (now > fuzz_timer_expiry) {
        fuzz_fail("timer at %" PRIi64 " ran late, at %" PRIi64,
                  fuzz_timer_expiry, now);
    }
    fuzz_timer_expiry = -1;
    if (fuzz_timer_left && now < INT64_MAX / 2) {
        fuzz_timer_left--;
        fuzz_timer_expiry = now + 1000000;
    }
    return true;
}

/* -------------------------------------------------------------- memory */

static uint64_t fuzz_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    if (addr + size > FUZZ_MMIO_SIZE) {
        fuzz_fail("MMIO read past the region: 0x%" PRIx64 "+%u", addr, size);
    }
    return addr ^ 0x5a5a5a5a5a5a5a5aULL;
}

static void fuzz_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    if (addr + size > FUZZ_MMIO_SIZE) {
        fuzz_fail("MMIO write past the region: 0x%" PRIx64 "+%u", addr,
                  size);
    }
}

static const MemoryRegionOps fuzz_mmio_ops = {
    .read = fuzz_mmio_read,
    .write = fuzz_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
};

static uint64_t fuzz_pio_read(void *opaque, hwaddr addr, unsigned size)
{
    if (addr + size > FUZZ_PIO_SIZE) {
        fuzz_fail("port read past the region: 0x%" PRIx64 "+%u", addr, size);
    }
    return 0xff;
}

static void fuzz_pio_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    if (addr + size > FUZZ_PIO_SIZE) {
        fuzz_fail("port write past the region: 0x%" PRIx64 "+%u", addr,
                  size);
    }
}

static const MemoryRegionOps fuzz_pio_ops = {
    .read = fuzz_pio_read,
    .write = fuzz_pio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

/* @size bytes of RAM between two inaccessible pages. */
static void *fuzz_guarded_ram(size_t size)
{
    size_t page = qemu_real_host_page_size();
    uint8_t *area = mmap(NULL, size + 2 * page, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    g_assert(area != MAP_FAILED);
    g_assert(mprotect(area + page, size, PROT_READ | PROT_WRITE) == 0);
    return area + page;
}

static void fuzz_init(void)
{
    static MemoryRegion low, high, mmio, pio;

    module_call_init(MODULE_INIT_QOM);
    memory_region_init_ram_ptr(&low, NULL, "low", FUZZ_LOW_RAM,
                               fuzz_guarded_ram(FUZZ_LOW_RAM));
    memory_region_add_subregion(get_system_memory(), 0, &low);
    memory_region_init_ram_ptr(&high, NULL, "high", FUZZ_HIGH_RAM,
                               fuzz_guarded_ram(FUZZ_HIGH_RAM));
    memory_region_add_subregion(get_system_memory(),
                                UINT64_MAX - FUZZ_HIGH_RAM + 1, &high);
    memory_region_init_io(&mmio, NULL, &fuzz_mmio_ops, NULL, "mmio",
                          FUZZ_MMIO_SIZE);
    memory_region_add_subregion(get_system_memory(), FUZZ_MMIO_BASE, &mmio);
    memory_region_init_io(&pio, NULL, &fuzz_pio_ops, NULL, "pio",
                          FUZZ_PIO_SIZE);
    memory_region_add_subregion(get_system_io(), FUZZ_PIO_BASE, &pio);

    qtest_server_init("fuzz", "none", &error_abort);
    if (!fuzz_read || !fuzz_can_read) {
        fuzz_fail("qtest_server_init installed no read handler");
    }
}

/*
 * Command lines in @data followed by a newline: lines that are not
 * empty once cut at their first NUL (the server reads C strings) and
 * stripped of trailing white space.
 */
static uint64_t fuzz_count_commands(const uint8_t *data, size_t size)
{
    uint64_t n = 0;
    size_t start = 0;

    for (size_t i = 0; i <= size; i++) {
        size_t end = start;

        if (i < size && data[i] != '\n') {
            continue;
        }
        while (end < i && data[end]) {
            end++;
        }
        while (end > start && g_ascii_isspace(data[end - 1])) {
            end--;
        }
        n += end > start;
        start = i + 1;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    size_t piece, off;
    uint64_t expected;
    int64_t clock_before;

    if (!initialized) {
        fuzz_init();
        initialized = true;
    }
    if (!size) {
        return 0;
    }
    piece = (data[0] & 63) + 1;
    /* The virtual clock only moves forward, from one input to the next. */
    fuzz_timer_expiry = -1;
    if (data[0] & 64 && qtest_get_virtual_clock() < INT64_MAX / 2) {
        fuzz_timer_expiry = qtest_get_virtual_clock() + 1000;
    }
    data++;
    size--;

    fuzz_replies = 0;
    fuzz_reply_bytes = 0;
    fuzz_reply_open = false;
    fuzz_timer_left = 3;
    clock_before = qtest_get_virtual_clock();
    for (off = 0; off < size && fuzz_reply_bytes < FUZZ_REPLY_BUDGET;
         off += piece) {
        int n = MIN(piece, size - off);

        if (fuzz_can_read(fuzz_read_opaque) < n) {
            fuzz_fail("can_read refuses %d bytes", n);
        }
        fuzz_read(fuzz_read_opaque, data + off, n);
    }
    size = MIN(off, size);
    /*
     * A trailing partial line stays buffered: end it so that the next
     * input starts clean (and its command is answered too).
     */
    fuzz_read(fuzz_read_opaque, (const uint8_t *)"\n", 1);

    if (fuzz_reply_open) {
        fuzz_fail("a reply was not finished");
    }
    if (qtest_get_virtual_clock() < clock_before) {
        fuzz_fail("the virtual clock went back from %" PRIi64 " to %" PRIi64,
                  clock_before, qtest_get_virtual_clock());
    }
    expected = fuzz_count_commands(data, size);
    if (fuzz_replies != expected) {
        fuzz_fail("%" PRIu64 " replies to %" PRIu64 " commands",
                  fuzz_replies, expected);
    }
    return 0;
}

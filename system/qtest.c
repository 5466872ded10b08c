/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server: one command per line from the test,
 * "OK [value]" or "FAIL reason" back.  Memory accesses go through the
 * guest-physical address space (so writes mark pages dirty like a
 * device's), port I/O through address_space_io, and the clock commands
 * move the manual virtual clock.
 */
#include "qemu/osdep.h"
#include "system/qtest.h"
#include "system/memory.h"
#include "chardev/char.h"
#include "chardev/char-fe.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/base64.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"

/*
 * The most data one command moves (read, write, b64read, b64write), and
 * so the longest command line (a write in hex, plus its words).
 */
#define QTEST_MAX_TRANSFER  (64u << 20)
#define QTEST_MAX_LINE      (2 * QTEST_MAX_TRANSFER + 256)

static bool qtest_on;
static CharBackend qtest_chr;
static GString *qtest_inbuf;
static size_t qtest_inbuf_scanned;  /* bytes of qtest_inbuf without '\n' */
static bool qtest_inbuf_skip;       /* dropping an over-long line */
static FILE *qtest_log_fp;
static int64_t qtest_start_us;
static int64_t qtest_clock_ns;      /* atomic-free: BQL */
static QTestPioRead *qtest_pio_read;
static QTestPioWrite *qtest_pio_write;

bool qtest_enabled(void)
{
    return qtest_on;
}

int64_t qtest_get_virtual_clock(void)
{
    return qatomic_read(&qtest_clock_ns);
}

void qtest_install_clock(void)
{
    qemu_clock_set_virtual_source(qtest_get_virtual_clock);
}

void qtest_set_pio_ops(QTestPioRead *read, QTestPioWrite *write)
{
    qtest_pio_read = read;
    qtest_pio_write = write;
}

static uint32_t qtest_default_pio_read(uint16_t port, unsigned size)
{
    uint64_t val = 0;

    if (address_space_ld(&address_space_io, port, size, &val) != MEMTX_OK) {
        /* Nothing there: the bus floats high. */
        return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
    }
    return val;
}

static void qtest_default_pio_write(uint16_t port, uint32_t val,
                                    unsigned size)
{
    address_space_st(&address_space_io, port, size, val);
}

/* ------------------------------------------------------------- output */

static void qtest_log(const char *dir, const char *text)
{
    if (qtest_log_fp) {
        double t = (g_get_monotonic_time() - qtest_start_us) / 1e6;

        fprintf(qtest_log_fp, "[%s +%f] %s", dir, t, text);
        fflush(qtest_log_fp);
    }
}

static void G_GNUC_PRINTF(1, 2) qtest_sendf(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_log("S", text);
    qemu_chr_fe_write_all(&qtest_chr, (const uint8_t *)text, strlen(text));
}

/*
 * A reply sent in pieces, so that a big one (b64read) needs no buffer of
 * its own size: @first starts it (and its log line).
 */
static void qtest_send_part(const char *text, size_t len, bool first)
{
    if (qtest_log_fp) {
        if (first) {
            fprintf(qtest_log_fp, "[S +%f] ",
                    (g_get_monotonic_time() - qtest_start_us) / 1e6);
        }
        fwrite(text, 1, len, qtest_log_fp);
        fflush(qtest_log_fp);
    }
    qemu_chr_fe_write_all(&qtest_chr, (const uint8_t *)text, len);
}

static const char qtest_b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of @len bytes into @out (4 per 3, padded); returns the length. */
static size_t qtest_b64_encode(char *out, const uint8_t *in, size_t len)
{
    const char *a = qtest_b64_alphabet;
    size_t o = 0, i = 0;

    for (; i + 3 <= len; i += 3) {
        uint32_t g = in[i] << 16 | in[i + 1] << 8 | in[i + 2];

        out[o++] = a[g >> 18];
        out[o++] = a[(g >> 12) & 63];
        out[o++] = a[(g >> 6) & 63];
        out[o++] = a[g & 63];
    }
    if (i < len) {
        uint32_t g = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0);

        out[o++] = a[g >> 18];
        out[o++] = a[(g >> 12) & 63];
        out[o++] = i + 1 < len ? a[(g >> 6) & 63] : '=';
        out[o++] = '=';
    }
    return o;
}

/*
 * Strict base64 as qbase64_decode() (same checks and messages), in one
 * table-driven pass: b64write spent most of its time decoding.
 */
static uint8_t *qtest_b64_decode(const char *in, size_t *out_len,
                                 Error **errp)
{
    static int8_t value[256];
    size_t len = strlen(in), pad = 0, o = 0;
    g_autofree uint8_t *out = NULL;
    unsigned bad = 0;

    if (!value['A']) {
        memset(value, -1, sizeof(value));
        for (int i = 0; i < 64; i++) {
            value[(uint8_t)qtest_b64_alphabet[i]] = i;
        }
    }
    while (pad < 2 && pad < len && in[len - 1 - pad] == '=') {
        pad++;
    }
    out = g_malloc(len / 4 * 3 + 3);
    for (size_t i = 0; i + 4 <= len - pad; i += 4) {
        int a = value[(uint8_t)in[i]], b = value[(uint8_t)in[i + 1]];
        int c = value[(uint8_t)in[i + 2]], d = value[(uint8_t)in[i + 3]];

        uint32_t g = (uint32_t)a << 18 | (uint32_t)b << 12 |
                     (uint32_t)c << 6 | (uint32_t)d;

        bad |= a | b | c | d;       /* negative (high bits set) if bad */
        out[o++] = g >> 16;
        out[o++] = g >> 8;
        out[o++] = g;
    }
    /* The last group, with its padding counted as zero bits. */
    if ((len - pad) % 4) {
        uint32_t g = 0;
        size_t rest = (len - pad) % 4, i = len - pad - rest;

        for (size_t k = 0; k < 4; k++) {
            int v = k < rest ? value[(uint8_t)in[i + k]] : 0;

            bad |= v;
            g = g << 6 | (v & 63);
        }
        out[o++] = g >> 16;
        out[o++] = g >> 8;
        out[o++] = g;
    }
    if (bad & 0x80000000u) {
        error_setg(errp, "Base64 data contains invalid characters");
        return NULL;
    }
    if (len % 4) {
        error_setg(errp, "Base64 data length is not a multiple of 4");
        return NULL;
    }
    *out_len = o - pad;
    return g_steal_pointer(&out);
}

/*
 * "OK <base64>\n" for @size bytes of guest memory, streamed in chunks: a
 * 1 GiB read used to build three copies of itself first.
 */
static void qtest_send_b64read(uint64_t addr, uint64_t size)
{
    enum { CHUNK = 3 * 21760 };     /* a multiple of 3: padding only last */
    static uint8_t in[CHUNK];
    static char out[CHUNK / 3 * 4 + 1];

    qtest_send_part("OK ", 3, true);
    for (uint64_t off = 0; off < size; off += CHUNK) {
        size_t n = MIN(CHUNK, size - off);

        cpu_physical_memory_read(addr + off, in, n);
        qtest_send_part(out, qtest_b64_encode(out, in, n), false);
    }
    qtest_send_part("\n", 1, false);
}

/* --------------------------------------------------------- commands */

static bool qtest_u64(const char *word, uint64_t *val)
{
    return word && qemu_strtou64(word, NULL, 0, val) == 0;
}

static void qtest_clock_advance(int64_t target)
{
    /*
     * Run the virtual timers in order up to @target, moving the clock to
     * each deadline first, so callbacks see the time they asked for.
     */
    for (;;) {
        int64_t now = qtest_get_virtual_clock();
        int64_t deadline = qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL);

        if (deadline < 0 || now + deadline > target) {
            break;
        }
        qatomic_set(&qtest_clock_ns, now + deadline);
        qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
    }
    if (target > qtest_get_virtual_clock()) {
        qatomic_set(&qtest_clock_ns, target);
    }
    qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
}

static void qtest_cmd_memory(char **words, int n)
{
    const char *cmd = words[0];
    uint64_t addr, val, size, limit;

    if (!qtest_u64(n > 1 ? words[1] : NULL, &addr)) {
        qtest_sendf("FAIL %s: bad address\n", cmd);
        return;
    }
    if (g_str_has_prefix(cmd, "write") && strlen(cmd) == 6) {
        static const char widths[] = "bwlq";
        unsigned sz = 1u << (strchr(widths, cmd[5]) - widths);

        if (!strchr(widths, cmd[5]) || !qtest_u64(n > 2 ? words[2] : NULL,
                                                  &val)) {
            qtest_sendf("FAIL %s: bad value\n", cmd);
            return;
        }
        address_space_st(&address_space_memory, addr, sz, val);
        qtest_sendf("OK\n");
        return;
    }
    if (g_str_has_prefix(cmd, "read") && strlen(cmd) == 5) {
        static const char widths[] = "bwlq";
        unsigned sz;

        if (!strchr(widths, cmd[4])) {
            qtest_sendf("FAIL Unknown command '%s'\n", cmd);
            return;
        }
        sz = 1u << (strchr(widths, cmd[4]) - widths);
        val = 0;
        address_space_ld(&address_space_memory, addr, sz, &val);
        qtest_sendf("OK 0x%016" PRIx64 "\n", val);
        return;
    }
    if (!qtest_u64(n > 2 ? words[2] : NULL, &size)) {
        qtest_sendf("FAIL %s: bad size\n", cmd);
        return;
    }
    /*
     * The client is not trusted with our memory: read and write buffer
     * the whole transfer (twice, in hex), b64read takes time in
     * proportion.  memset costs neither, so it may cover more.
     */
    limit = strcmp(cmd, "memset") ? QTEST_MAX_TRANSFER : 1u << 30;
    if (size > limit) {
        qtest_sendf("FAIL %s: size 0x%" PRIx64 " is over the limit of "
                    "0x%" PRIx64 " bytes\n", cmd, size, limit);
        return;
    }
    if (!strcmp(cmd, "b64read")) {
        qtest_send_b64read(addr, size);
        return;
    }
    if (!strcmp(cmd, "read")) {
        static const char hexdig[] = "0123456789abcdef";
        g_autofree uint8_t *data = g_malloc(size ? size : 1);
        g_autofree char *hex = g_malloc(size * 2 + 7);

        cpu_physical_memory_read(addr, data, size);
        memcpy(hex, "OK 0x", 5);
        for (uint64_t i = 0; i < size; i++) {
            hex[5 + 2 * i] = hexdig[data[i] >> 4];
            hex[6 + 2 * i] = hexdig[data[i] & 15];
        }
        hex[5 + 2 * size] = '\n';
        qtest_send_part(hex, 6 + 2 * size, true);
        return;
    }
    if (!strcmp(cmd, "write")) {
        const char *hex = n > 3 ? words[3] : NULL;
        g_autofree uint8_t *data = g_malloc0(size ? size : 1);
        size_t hexlen;

        if (!hex || strncmp(hex, "0x", 2)) {
            qtest_sendf("FAIL write: data must start with 0x\n");
            return;
        }
        hex += 2;
        hexlen = strlen(hex);
        /* Missing digits are zeros, as QEMU does. */
        for (uint64_t i = 0; i < size && i * 2 + 1 < hexlen; i++) {
            int hi = g_ascii_xdigit_value(hex[i * 2]);
            int lo = g_ascii_xdigit_value(hex[i * 2 + 1]);

            if (hi < 0 || lo < 0) {
                qtest_sendf("FAIL write: bad hex data\n");
                return;
            }
            data[i] = hi << 4 | lo;
        }
        cpu_physical_memory_write(addr, data, size);
        qtest_sendf("OK\n");
        return;
    }
    if (!strcmp(cmd, "b64write")) {
        const char *b64 = n > 3 ? words[3] : "";
        size_t len = 0;
        Error *err = NULL;
        g_autofree uint8_t *data = qtest_b64_decode(b64, &len, &err);

        if (!data) {
            qtest_sendf("FAIL b64write: %s\n", error_get_pretty(err));
            error_free(err);
            return;
        }
        if (len > size) {
            len = size;
        }
        cpu_physical_memory_write(addr, data, len);
        qtest_sendf("OK\n");
        return;
    }
    if (!strcmp(cmd, "memset")) {
        if (!qtest_u64(n > 3 ? words[3] : NULL, &val)) {
            qtest_sendf("FAIL memset: bad value\n");
            return;
        }
        address_space_set(&address_space_memory, addr, val, size,
                          MEMTXATTRS_UNSPECIFIED);
        qtest_sendf("OK\n");
        return;
    }
    qtest_sendf("FAIL Unknown command '%s'\n", cmd);
}

static void qtest_cmd_pio(char **words, int n)
{
    const char *cmd = words[0];
    char w = cmd[strlen(cmd) - 1];
    unsigned size = w == 'b' ? 1 : w == 'w' ? 2 : 4;
    uint64_t port, val;

    if (!qtest_u64(n > 1 ? words[1] : NULL, &port) || port > 0xffff) {
        qtest_sendf("FAIL %s: bad port\n", cmd);
        return;
    }
    if (cmd[0] == 'o') {
        if (!qtest_u64(n > 2 ? words[2] : NULL, &val)) {
            qtest_sendf("FAIL %s: bad value\n", cmd);
            return;
        }
        qtest_pio_write(port, val, size);
        qtest_sendf("OK\n");
    } else {
        qtest_sendf("OK 0x%04x\n", qtest_pio_read(port, size));
    }
}

static void qtest_process_command(char **words)
{
    int n = g_strv_length(words);
    const char *cmd = words[0];

    if (!n) {
        return;
    }
    if (!strcmp(cmd, "readb") || !strcmp(cmd, "readw") ||
        !strcmp(cmd, "readl") || !strcmp(cmd, "readq") ||
        !strcmp(cmd, "writeb") || !strcmp(cmd, "writew") ||
        !strcmp(cmd, "writel") || !strcmp(cmd, "writeq") ||
        !strcmp(cmd, "read") || !strcmp(cmd, "write") ||
        !strcmp(cmd, "b64read") || !strcmp(cmd, "b64write") ||
        !strcmp(cmd, "memset")) {
        qtest_cmd_memory(words, n);
    } else if (!strcmp(cmd, "inb") || !strcmp(cmd, "inw") ||
               !strcmp(cmd, "inl") || !strcmp(cmd, "outb") ||
               !strcmp(cmd, "outw") || !strcmp(cmd, "outl")) {
        qtest_cmd_pio(words, n);
    } else if (!strcmp(cmd, "endianness")) {
        qtest_sendf("OK little\n");
    } else if (!strcmp(cmd, "clock_step")) {
        uint64_t ns;
        int64_t target;

        if (n > 1) {
            /* The clock is an int64_t: a step past its end is refused. */
            if (!qtest_u64(words[1], &ns) ||
                ns > (uint64_t)(INT64_MAX - qtest_get_virtual_clock())) {
                qtest_sendf("FAIL clock_step: bad time\n");
                return;
            }
            target = qtest_get_virtual_clock() + ns;
        } else {
            /* To the next timer, if any. */
            int64_t d = qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL);

            target = qtest_get_virtual_clock() + (d < 0 ? 0 : d);
        }
        qtest_clock_advance(target);
        qtest_sendf("OK %" PRIi64 "\n", qtest_get_virtual_clock());
    } else if (!strcmp(cmd, "clock_set")) {
        uint64_t ns;

        if (n < 2 || !qtest_u64(words[1], &ns) || ns > INT64_MAX) {
            qtest_sendf("FAIL clock_set: bad time\n");
            return;
        }
        qtest_clock_advance(ns);
        qtest_sendf("OK %" PRIi64 "\n", qtest_get_virtual_clock());
    } else {
        qtest_sendf("FAIL Unknown command '%s'\n", cmd);
    }
}

/* ------------------------------------------------------------- input */

static int qtest_can_read(void *opaque)
{
    return CHR_READ_BUF_LEN;
}

static void qtest_read(void *opaque, const uint8_t *buf, int size)
{
    char *nl;

    if (qtest_inbuf_skip) {
        const uint8_t *end = memchr(buf, '\n', size);

        if (!end) {
            return;
        }
        size -= end + 1 - buf;
        buf = end + 1;
        qtest_inbuf_skip = false;
    }
    g_string_append_len(qtest_inbuf, (const char *)buf, size);
    /*
     * Look for the end of line in the new bytes only: a b64write line of
     * megabytes arrives 4 KiB at a time, and rescanning it all each time
     * made writes quadratic.
     */
    while ((nl = memchr(qtest_inbuf->str + qtest_inbuf_scanned, '\n',
                        qtest_inbuf->len - qtest_inbuf_scanned))) {
        g_autofree char *line = g_strndup(qtest_inbuf->str,
                                          nl - qtest_inbuf->str + 1);
        g_auto(GStrv) words = NULL;

        g_string_erase(qtest_inbuf, 0, nl - qtest_inbuf->str + 1);
        qtest_inbuf_scanned = 0;
        qtest_log("R", line);
        g_strchomp(line);
        words = g_strsplit(line, " ", 0);
        qtest_process_command(words);
    }
    if (qtest_inbuf->len > QTEST_MAX_LINE) {
        /* One reply for the line; the rest of it is dropped unread. */
        qtest_sendf("FAIL command line longer than %u bytes\n",
                    QTEST_MAX_LINE);
        g_string_truncate(qtest_inbuf, 0);
        qtest_inbuf_skip = true;
    }
    qtest_inbuf_scanned = qtest_inbuf->len;
}

static void qtest_event(void *opaque, QEMUChrEvent event)
{
    switch (event) {
    case CHR_EVENT_OPENED:
        g_string_truncate(qtest_inbuf, 0);
        qtest_inbuf_scanned = 0;
        qtest_inbuf_skip = false;
        qtest_start_us = g_get_monotonic_time();
        break;
    case CHR_EVENT_CLOSED:
        /* The test went away; it kills us or reconnects. */
        if (qtest_log_fp) {
            fprintf(qtest_log_fp, "[I +%f] CLOSED\n",
                    (g_get_monotonic_time() - qtest_start_us) / 1e6);
        }
        break;
    default:
        break;
    }
}

void qtest_server_init(const char *qtest_chrdev, const char *qtest_log,
                       Error **errp)
{
    Chardev *chr;

    chr = qemu_chr_new_noreport("qtest", qtest_chrdev, NULL, errp);
    if (!chr) {
        return;
    }
    if (qtest_log) {
        if (strcmp(qtest_log, "none")) {
            qtest_log_fp = fopen(qtest_log, "w+");
            if (!qtest_log_fp) {
                error_setg_errno(errp, errno, "Could not open qtest log "
                                 "'%s'", qtest_log);
                return;
            }
        }
    } else {
        qtest_log_fp = stderr;
    }
    qtest_inbuf = g_string_new(NULL);
    qtest_start_us = g_get_monotonic_time();
    if (!qtest_pio_read) {
        qtest_set_pio_ops(qtest_default_pio_read, qtest_default_pio_write);
    }
    if (!qemu_chr_fe_init(&qtest_chr, chr, errp)) {
        return;
    }
    /*
     * The virtual clock is the protocol's only under the qtest
     * accelerator (system/accel.c installs it); beside kvm or tcg the
     * guest's timers keep real time.
     */
    qtest_on = true;
    qemu_chr_fe_set_handlers(&qtest_chr, qtest_can_read, qtest_read,
                             qtest_event, NULL, &qtest_chr, NULL, true);
}

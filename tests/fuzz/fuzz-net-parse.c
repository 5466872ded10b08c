/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the network parsers (net/net-parse.c).  The
 * first byte picks the parser, the rest is its input:
 *   0: -netdev option strings; 1: hostfwd rules; 2: guestfwd rules;
 *   3: a socket stream, fed in chunks whose sizes the input also picks;
 *   4: the same with virtio-net header lengths (vnet_hdr_support);
 *   5: colo-compare's packet parser (net/colo.c);
 *   6: its TCP segment matching (colo_tcp_mark) on two parsed frames.
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * every failure says why; an accepted hostfwd has ports in range and
 * prints back to a rule that parses to the same thing; every frame the
 * stream reader delivers is within NET_STREAM_FRAME_MAX and the bytes
 * of all delivered frames plus their headers never exceed the input.
 */
#include "qemu/osdep.h"
#include <arpa/inet.h>
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "net/colo.h"
#include "net/net-parse.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(Error *err, const char *what)
{
    if (!err || !*error_get_pretty(err)) {
        fuzz_fail("%s failed without a message", what);
    }
    error_free(err);
}

static void fuzz_opts(const char *text)
{
    Error *err = NULL;
    QDict *d = net_parse_opts(text, "type", &err);

    if (!d) {
        check_error(err, "net_parse_opts");
        return;
    }
    if (err) {
        fuzz_fail("net_parse_opts succeeded with an error set");
    }
    qobject_unref(d);
}

static void fuzz_hostfwd(const char *text)
{
    Error *err = NULL;
    NetHostFwd a, b;
    char host[INET_ADDRSTRLEN], guest[INET_ADDRSTRLEN];
    g_autofree char *again = NULL;

    if (!net_hostfwd_parse(text, &a, &err)) {
        check_error(err, "net_hostfwd_parse");
        return;
    }
    if (a.host_port < 0 || a.host_port > 65535 || a.guest_port < 1 ||
        a.guest_port > 65535) {
        fuzz_fail("hostfwd '%s': ports %d/%d out of range", text,
                  a.host_port, a.guest_port);
    }
    inet_ntop(AF_INET, &a.host_addr, host, sizeof(host));
    inet_ntop(AF_INET, &a.guest_addr, guest, sizeof(guest));
    again = g_strdup_printf("%s:%s:%d-%s:%d", a.is_udp ? "udp" : "tcp",
                            host, a.host_port, guest, a.guest_port);
    if (!net_hostfwd_parse(again, &b, NULL) || memcmp(&a, &b, sizeof(a))) {
        fuzz_fail("hostfwd '%s' printed as '%s' parses differently", text,
                  again);
    }
}

static void fuzz_guestfwd(const char *text)
{
    Error *err = NULL;
    NetGuestFwd f;
    const char *target;

    if (!net_guestfwd_parse(text, &f, &err)) {
        check_error(err, "net_guestfwd_parse");
        return;
    }
    target = f.cmd ? f.cmd : f.chardev;
    if (f.port < 1 || f.port > 65535 || !target || (f.cmd && f.chardev) ||
        target < text || target > text + strlen(text) ||
        (f.chardev && !*f.chardev)) {
        fuzz_fail("guestfwd '%s': bad result", text);
    }
}

typedef struct Count {
    size_t bytes;
    size_t hdr;                 /* framing bytes before each frame */
} Count;

static void count_frame(void *opaque, const uint8_t *frame, size_t size)
{
    Count *c = opaque;

    if (size > NET_STREAM_FRAME_MAX) {
        fuzz_fail("delivered a frame of %zu bytes", size);
    }
    c->bytes += size + c->hdr;
}

static void fuzz_stream(const uint8_t *data, size_t size, bool vnet)
{
    g_autofree NetStreamReader *r = g_new0(NetStreamReader, 1);
    Count c = { 0, vnet ? 8 : 4 };
    size_t off = 0;
    uint8_t step = size ? data[0] : 1;

    r->vnet_hdr = vnet;

    while (off < size) {
        size_t chunk = MIN(size - off, (size_t)(step % 64) + 1);
        Error *err = NULL;

        if (!net_stream_feed(r, data + off, chunk, count_frame, &c, &err)) {
            check_error(err, "net_stream_feed");
            break;
        }
        off += chunk;
        step = step * 31 + 7;
    }
    if (c.bytes > size) {
        fuzz_fail("frames of %zu bytes from %zu input bytes", c.bytes, size);
    }
}

/* What is compared lies within the frame; a frame equals itself. */
static void fuzz_colo(const uint8_t *data, size_t size)
{
    g_autofree uint8_t *copy = g_memdup2(data, size);
    ColoPacketInfo info;
    Error *err = NULL;

    if (!colo_packet_parse(copy, size, &info, &err)) {
        check_error(err, "colo_packet_parse");
        return;
    }
    if (info.cmp_off > size || info.cmp_len > size - info.cmp_off) {
        fuzz_fail("compared range %zu+%zu outside %zu bytes", info.cmp_off,
                  info.cmp_len, size);
    }
    if (!colo_packet_equal(copy, &info, data, &info)) {
        fuzz_fail("a frame differs from itself");
    }
    if (info.l4_off && (info.l4_off > info.cmp_off ||
                        info.cmp_off > size)) {
        fuzz_fail("transport header at %zu beyond the payload at %zu",
                  info.l4_off, info.cmp_off);
    }
}

/* Parse @len bytes (copied, so that ASan sees their bounds) as TCP. */
static uint8_t *tcp_frame(const uint8_t *data, size_t len,
                          ColoPacketInfo *info, ColoTcpSeg *seg)
{
    uint8_t *copy = g_memdup2(data, len);
    Error *err = NULL;

    if (!colo_packet_parse(copy, len, info, &err) ||
        info->key.proto != 6) {
        error_free(err);
        g_free(copy);
        return NULL;
    }
    colo_tcp_seg_init(seg, copy, info);
    return copy;
}

/*
 * Two frames (the first byte gives the first one's length), offsets and
 * a minimum ack: matching reads nothing outside either payload, moves
 * offsets only within them, and a segment matches itself whole.
 */
static void fuzz_colo_tcp(const uint8_t *data, size_t size)
{
    g_autofree uint8_t *a = NULL;
    g_autofree uint8_t *b = NULL;
    ColoPacketInfo ia, ib;
    ColoTcpSeg sa, sb, self;
    size_t la;
    int mark;

    if (size < 7) {
        return;
    }
    la = MIN((size_t)data[0] * 2, size - 7);
    a = tcp_frame(data + 7, la, &ia, &sa);
    b = tcp_frame(data + 7 + la, size - 7 - la, &ib, &sb);
    if (!a || !b) {
        return;
    }
    self = sa;
    if (colo_tcp_mark(a, &ia, &sa, a, &ia, &self, sa.ack) !=
        (COLO_TCP_FREE_PRIMARY | COLO_TCP_FREE_SECONDARY)) {
        fuzz_fail("a TCP segment does not match itself");
    }
    sa.offset = data[1] % (ia.cmp_len + 1);
    sb.offset = data[2] % (ib.cmp_len + 1);
    mark = colo_tcp_mark(a, &ia, &sa, b, &ib, &sb, ldl_be_p(data + 3));
    if (mark < 0 || mark > 3 || sa.offset > ia.cmp_len ||
        sb.offset > ib.cmp_len) {
        fuzz_fail("mark %d, offsets %zu/%zu of %zu/%zu", mark, sa.offset,
                  sb.offset, ia.cmp_len, ib.cmp_len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;

    if (size < 1) {
        return 0;
    }
    text = g_strndup((const char *)data + 1, size - 1);
    switch (data[0] % 7) {
    case 0:
        fuzz_opts(text);
        break;
    case 1:
        fuzz_hostfwd(text);
        break;
    case 2:
        fuzz_guestfwd(text);
        break;
    case 3:
        fuzz_stream(data + 1, size - 1, false);
        break;
    case 4:
        fuzz_stream(data + 1, size - 1, true);
        break;
    case 5:
        fuzz_colo(data + 1, size - 1);
        break;
    default:
        fuzz_colo_tcp(data + 1, size - 1);
        break;
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The network option and wire parsers (net/net-parse.c), kept apart
 * from the clients so that tests/fuzz/fuzz-net-parse can drive them:
 * QEMU's -netdev option strings, slirp forwarding rules, and the
 * length-prefixed frames of -netdev socket streams.
 */
#ifndef NET_NET_PARSE_H
#define NET_NET_PARSE_H

#include <netinet/in.h>
#include "qobject/qdict.h"

/*
 * "TYPE,key=value,...": ",," is a comma; the first item may omit its
 * key (@implied); hostfwd= and guestfwd= repeat into lists of
 * {"str": value}; any other key given twice is an error.
 */
QDict *net_parse_opts(const char *optstr, const char *implied,
                      Error **errp);

typedef struct NetHostFwd {
    bool is_udp;
    struct in_addr host_addr;
    int host_port;
    struct in_addr guest_addr;
    int guest_port;
} NetHostFwd;

/* "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport" (QEMU's). */
bool net_hostfwd_parse(const char *rule, NetHostFwd *fwd, Error **errp);

typedef struct NetGuestFwd {
    struct in_addr server;
    int port;
    const char *cmd;            /* points into the rule, or NULL */
    const char *chardev;        /* a chardev shorthand (else NULL) */
} NetGuestFwd;

/* "[tcp]:server:port-cmd:command" or "[tcp]:server:port-CHARDEV". */
bool net_guestfwd_parse(const char *rule, NetGuestFwd *fwd, Error **errp);

/* Stream framing: each frame is preceded by its length, big-endian. */
#define NET_STREAM_FRAME_MAX (64 * 1024 + 64)

typedef struct NetStreamReader {
    /*
     * Set before feeding: a second be32 after the length gives the size
     * of a virtio-net header at the start of the frame (QEMU's
     * vnet_hdr_support framing for filter-mirror, filter-redirector and
     * colo-compare).  The header is skipped: Tern's netdevs have none.
     */
    bool vnet_hdr;
    uint8_t hdr[8];
    size_t hdr_got;
    uint32_t frame_len;
    uint32_t vnet_len;
    size_t frame_got;
    uint8_t frame[NET_STREAM_FRAME_MAX];
} NetStreamReader;

/*
 * Feed @len received bytes; @deliver gets each complete frame (without
 * its virtio-net header).  False (with @errp) when a length exceeds
 * NET_STREAM_FRAME_MAX or a virtio-net header is longer than its
 * frame: the stream cannot be followed after that.
 */
bool net_stream_feed(NetStreamReader *r, const uint8_t *buf, size_t len,
                     void (*deliver)(void *opaque, const uint8_t *frame,
                                     size_t size),
                     void *opaque, Error **errp);

#endif /* NET_NET_PARSE_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Packet parsing for colo-compare (net/colo.c): which connection an
 * Ethernet frame belongs to (IPv4 addresses, protocol and ports) and
 * where the bytes are that the two guests must agree on.  Kept apart
 * from the compare object so that tests/fuzz/fuzz-net-parse drives it.
 */
#ifndef NET_COLO_H
#define NET_COLO_H

/* A connection; all zero for frames that are not IPv4. */
typedef struct ColoConnKey {
    uint32_t src, dst;          /* network order */
    uint16_t sport, dport;      /* host order; 0 without ports */
    uint8_t proto;              /* IP protocol; 0 for non-IP */
    uint8_t pad[3];             /* zero, so the key compares as bytes */
} ColoConnKey;

typedef struct ColoPacketInfo {
    ColoConnKey key;
    bool is_ip;
    /*
     * What is compared: for TCP and UDP the payload after the transport
     * header, for other IPv4 protocols the IP payload, for other frames
     * the whole frame.  Within the buffer given to colo_packet_parse.
     */
    size_t cmp_off;
    size_t cmp_len;
} ColoPacketInfo;

/*
 * Parse the frame @buf of @len bytes.  False with @errp when it claims
 * more than it holds (a truncated Ethernet, IPv4, TCP or UDP header, an
 * IPv4 length beyond the frame).
 */
bool colo_packet_parse(const uint8_t *buf, size_t len,
                       ColoPacketInfo *info, Error **errp);

/* Whether the guests agree on two parsed frames (same connection). */
bool colo_packet_equal(const uint8_t *a, const ColoPacketInfo *ia,
                       const uint8_t *b, const ColoPacketInfo *ib);

#endif /* NET_COLO_H */

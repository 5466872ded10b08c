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
     * What is compared: for TCP the payload after its header, for UDP
     * and other IPv4 protocols the IP payload (as QEMU), for other
     * frames the whole frame.  Within the buffer given to colo_packet_parse.
     */
    size_t cmp_off;
    size_t cmp_len;
    size_t l4_off;              /* the TCP or UDP header; 0 without */
} ColoPacketInfo;

/* A TCP segment's place in its stream, for colo-compare's tracking. */
typedef struct ColoTcpSeg {
    uint32_t seq;               /* first payload byte */
    uint32_t seq_end;           /* seq + payload length */
    uint32_t ack;
    uint8_t flags;
    size_t offset;              /* payload bytes already matched */
} ColoTcpSeg;

/* Whether sequence number @a comes after @b (modulo 2^32). */
static inline bool colo_seq_after(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

/* @seg for a frame that colo_packet_parse found to be TCP. */
void colo_tcp_seg_init(ColoTcpSeg *seg, const uint8_t *buf,
                       const ColoPacketInfo *info);

#define COLO_TCP_FREE_PRIMARY   1
#define COLO_TCP_FREE_SECONDARY 2

/*
 * Match primary segment @p against secondary segment @s of the same
 * connection, by sequence: both free when they cover the same bytes
 * equally; the primary alone when its remaining bytes equal the
 * secondary's at its offset and it acknowledges nothing beyond @min_ack
 * (the smaller of the two guests' highest acknowledgements), the
 * secondary then keeping the rest; the secondary alone when it ends
 * first and its remaining bytes equal the primary's, the primary then
 * keeping the rest.  0: they differ (or the secondary has not yet
 * acknowledged what the primary did), a checkpoint is due.  Offsets
 * move only on a match; no byte outside either payload is read.
 */
int colo_tcp_mark(const uint8_t *pbuf, const ColoPacketInfo *pi,
                  ColoTcpSeg *p, const uint8_t *sbuf,
                  const ColoPacketInfo *si, ColoTcpSeg *s,
                  uint32_t min_ack);

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

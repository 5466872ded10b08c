/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * colo-compare's packet parser: see include/net/colo.h.  Ethernet with
 * an optional 802.1Q tag, then IPv4 (the header length and total length
 * are checked against the frame; Ethernet padding after the IP packet
 * is ignored), then TCP (data offset) or UDP (8-byte header).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "net/colo.h"

#define ETH_HLEN        14
#define ETH_P_IP        0x0800
#define ETH_P_8021Q     0x8100
#define IP_PROTO_TCP    6
#define IP_PROTO_UDP    17

bool colo_packet_parse(const uint8_t *buf, size_t len,
                       ColoPacketInfo *info, Error **errp)
{
    size_t l3 = ETH_HLEN, l4, end, ihl, tot;
    uint16_t type;

    memset(info, 0, sizeof(*info));
    if (len < ETH_HLEN) {
        error_setg(errp, "packet of %zu bytes is shorter than an Ethernet "
                   "header", len);
        return false;
    }
    type = lduw_be_p(buf + 12);
    if (type == ETH_P_8021Q) {
        if (len < ETH_HLEN + 4) {
            error_setg(errp, "VLAN tag cut short (%zu bytes)", len);
            return false;
        }
        type = lduw_be_p(buf + 16);
        l3 += 4;
    }
    if (type != ETH_P_IP) {
        info->cmp_len = len;
        return true;
    }
    if (len < l3 + 20 || (buf[l3] >> 4) != 4) {
        error_setg(errp, "IPv4 header cut short or not version 4 (%zu "
                   "bytes)", len);
        return false;
    }
    ihl = (buf[l3] & 0xf) * 4;
    tot = lduw_be_p(buf + l3 + 2);
    if (ihl < 20 || tot < ihl || l3 + tot > len) {
        error_setg(errp, "IPv4 header length %zu or total length %zu "
                   "beyond the %zu-byte packet", ihl, tot, len);
        return false;
    }
    info->is_ip = true;
    info->key.proto = buf[l3 + 9];
    memcpy(&info->key.src, buf + l3 + 12, 4);
    memcpy(&info->key.dst, buf + l3 + 16, 4);
    l4 = l3 + ihl;
    end = l3 + tot;
    info->cmp_off = l4;
    if (info->key.proto == IP_PROTO_TCP) {
        size_t doff;

        if (end < l4 + 20 || (doff = (buf[l4 + 12] >> 4) * 4) < 20 ||
            end < l4 + doff) {
            error_setg(errp, "TCP header cut short in a %zu-byte IPv4 "
                       "packet", tot);
            return false;
        }
        info->cmp_off = l4 + doff;
        info->l4_off = l4;
    } else if (info->key.proto == IP_PROTO_UDP) {
        if (end < l4 + 8) {
            error_setg(errp, "UDP header cut short in a %zu-byte IPv4 "
                       "packet", tot);
            return false;
        }
        /* QEMU compares UDP from the IP payload on: the header too. */
        info->l4_off = l4;
    }
    if (info->key.proto == IP_PROTO_TCP || info->key.proto == IP_PROTO_UDP) {
        info->key.sport = lduw_be_p(buf + l4);
        info->key.dport = lduw_be_p(buf + l4 + 2);
    }
    info->cmp_len = end - info->cmp_off;
    return true;
}

void colo_tcp_seg_init(ColoTcpSeg *seg, const uint8_t *buf,
                       const ColoPacketInfo *info)
{
    const uint8_t *tcp = buf + info->l4_off;

    seg->seq = ldl_be_p(tcp + 4);
    seg->ack = ldl_be_p(tcp + 8);
    seg->flags = tcp[13];
    seg->seq_end = seg->seq + info->cmp_len;
    seg->offset = 0;
}

/* @len payload bytes of @a from @aoff equal those of @b from @boff. */
static bool payload_equal(const uint8_t *a, const ColoPacketInfo *ia,
                          size_t aoff, const uint8_t *b,
                          const ColoPacketInfo *ib, size_t boff, size_t len)
{
    if (aoff > ia->cmp_len || len > ia->cmp_len - aoff ||
        boff > ib->cmp_len || len > ib->cmp_len - boff) {
        return false;
    }
    return !memcmp(a + ia->cmp_off + aoff, b + ib->cmp_off + boff, len);
}

int colo_tcp_mark(const uint8_t *pbuf, const ColoPacketInfo *pi,
                  ColoTcpSeg *p, const uint8_t *sbuf,
                  const ColoPacketInfo *si, ColoTcpSeg *s,
                  uint32_t min_ack)
{
    size_t prest = pi->cmp_len - MIN(p->offset, pi->cmp_len);
    size_t srest = si->cmp_len - MIN(s->offset, si->cmp_len);

    if (p->seq == s->seq && p->seq_end == s->seq_end &&
        payload_equal(pbuf, pi, 0, sbuf, si, 0, pi->cmp_len)) {
        return COLO_TCP_FREE_PRIMARY | COLO_TCP_FREE_SECONDARY;
    }
    if (!colo_seq_after(p->seq_end, s->seq_end)) {
        /* The primary ends first: its rest must open the secondary's. */
        if (!payload_equal(pbuf, pi, p->offset, sbuf, si, s->offset,
                           prest)) {
            return 0;
        }
        if (colo_seq_after(p->ack, min_ack)) {
            return 0;           /* the secondary has not acked as much */
        }
        s->offset += prest;
        return COLO_TCP_FREE_PRIMARY;
    }
    if (!payload_equal(pbuf, pi, p->offset, sbuf, si, s->offset, srest)) {
        return 0;
    }
    p->offset += srest;
    return COLO_TCP_FREE_SECONDARY;
}

bool colo_packet_equal(const uint8_t *a, const ColoPacketInfo *ia,
                       const uint8_t *b, const ColoPacketInfo *ib)
{
    return !memcmp(&ia->key, &ib->key, sizeof(ia->key)) &&
           ia->cmp_len == ib->cmp_len &&
           !memcmp(a + ia->cmp_off, b + ib->cmp_off, ia->cmp_len);
}

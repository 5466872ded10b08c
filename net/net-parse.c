/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers for network options and the socket stream format; no state
 * beyond what the caller passes, so the fuzz target can run them alone.
 */
#include "qemu/osdep.h"
#include <arpa/inet.h>
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"
#include "net/net-parse.h"

QDict *net_parse_opts(const char *optstr, const char *implied,
                      Error **errp)
{
    g_autoptr(QDict) qdict = qdict_new();
    const char *p = optstr;
    bool first = true;

    while (*p) {
        g_autoptr(GString) key = g_string_new(NULL);
        g_autoptr(GString) val = g_string_new(NULL);
        GString *cur = key;
        bool has_eq = false;

        for (; *p; p++) {
            if (*p == ',') {
                if (p[1] == ',') {
                    g_string_append_c(cur, ',');
                    p++;
                    continue;
                }
                p++;
                break;
            }
            if (*p == '=' && !has_eq) {
                has_eq = true;
                cur = val;
                continue;
            }
            g_string_append_c(cur, *p);
        }
        if (!has_eq) {
            if (!first || !implied) {
                error_setg(errp, "Invalid parameter '%s'", key->str);
                return NULL;
            }
            g_string_assign(val, key->str);
            g_string_assign(key, implied);
        }
        first = false;
        if (!key->len) {
            error_setg(errp, "Invalid parameter ''");
            return NULL;
        }
        if (!strcmp(key->str, "hostfwd") || !strcmp(key->str, "guestfwd")) {
            QList *list = qdict_get_qlist(qdict, key->str);
            QDict *item = qdict_new();

            if (!list) {
                list = qlist_new();
                qdict_put(qdict, key->str, list);
            }
            qdict_put_str(item, "str", val->str);
            qlist_append(list, item);
        } else if (qdict_haskey(qdict, key->str)) {
            error_setg(errp, "Parameter '%s' given more than once", key->str);
            return NULL;
        } else {
            qdict_put_str(qdict, key->str, val->str);
        }
    }
    return g_steal_pointer(&qdict);
}

static bool parse_in_addr(const char *str, struct in_addr *a)
{
    return inet_pton(AF_INET, str, a) == 1;
}

/* A decimal port in [min, 65535]; the whole string. */
static bool parse_port(const char *str, int min, int *port)
{
    char *end;
    long v;

    if (!g_ascii_isdigit(str[0])) {
        return false;
    }
    errno = 0;
    v = strtol(str, &end, 10);
    if (errno || *end || v < min || v > 65535) {
        return false;
    }
    *port = v;
    return true;
}

bool net_hostfwd_parse(const char *rule, NetHostFwd *fwd, Error **errp)
{
    g_auto(GStrv) sides = g_strsplit(rule, "-", 2);
    g_auto(GStrv) host = NULL, guest = NULL;
    const char *why = NULL;

    memset(fwd, 0, sizeof(*fwd));
    fwd->host_addr.s_addr = INADDR_ANY;
    if (g_strv_length(sides) != 2) {
        why = "missing '-' between host and guest";
        goto fail;
    }
    host = g_strsplit(sides[0], ":", 3);
    if (g_strv_length(host) != 3) {
        why = "expected protocol:hostaddr:hostport";
        goto fail;
    }
    if (!strcmp(host[0], "udp")) {
        fwd->is_udp = true;
    } else if (host[0][0] && strcmp(host[0], "tcp")) {
        why = "Bad protocol name";
        goto fail;
    }
    if (host[1][0] && !parse_in_addr(host[1], &fwd->host_addr)) {
        why = "Bad host address";
        goto fail;
    }
    if (!parse_port(host[2], 0, &fwd->host_port)) {
        why = "Bad host port";
        goto fail;
    }
    guest = g_strsplit(sides[1], ":", 2);
    if (g_strv_length(guest) != 2) {
        why = "expected guestaddr:guestport";
        goto fail;
    }
    if (guest[0][0] && !parse_in_addr(guest[0], &fwd->guest_addr)) {
        why = "Bad guest address";
        goto fail;
    }
    if (!parse_port(guest[1], 1, &fwd->guest_port)) {
        why = "Bad guest port";
        goto fail;
    }
    return true;

fail:
    error_setg(errp, "Invalid host forwarding rule '%s' (%s)", rule, why);
    return false;
}

bool net_guestfwd_parse(const char *rule, NetGuestFwd *fwd, Error **errp)
{
    const char *dash = strchr(rule, '-');
    g_autofree char *left = NULL;
    g_auto(GStrv) srv = NULL;

    memset(fwd, 0, sizeof(*fwd));
    if (!dash) {
        error_setg(errp, "Invalid guest forwarding rule '%s'", rule);
        return false;
    }
    left = g_strndup(rule, dash - rule);
    srv = g_strsplit(left, ":", 3);
    if (g_strv_length(srv) != 3 || (srv[0][0] && strcmp(srv[0], "tcp")) ||
        !parse_in_addr(srv[1], &fwd->server) ||
        !parse_port(srv[2], 1, &fwd->port)) {
        error_setg(errp, "Invalid guest forwarding rule '%s'", rule);
        return false;
    }
    if (g_str_has_prefix(dash + 1, "cmd:")) {
        fwd->cmd = dash + 5;
    } else if (dash[1]) {
        fwd->chardev = dash + 1;
    } else {
        error_setg(errp, "Invalid guest forwarding rule '%s'", rule);
        return false;
    }
    return true;
}

bool net_stream_feed(NetStreamReader *r, const uint8_t *buf, size_t len,
                     void (*deliver)(void *opaque, const uint8_t *frame,
                                     size_t size),
                     void *opaque, Error **errp)
{
    size_t hdr_len = r->vnet_hdr ? 8 : 4;
    size_t off = 0;

    while (off < len) {
        size_t take;

        if (r->hdr_got < hdr_len) {
            r->hdr[r->hdr_got++] = buf[off++];
            if (r->hdr_got < hdr_len) {
                continue;
            }
            r->frame_len = ldl_be_p(r->hdr);
            r->vnet_len = r->vnet_hdr ? ldl_be_p(r->hdr + 4) : 0;
            r->frame_got = 0;
            if (r->frame_len > NET_STREAM_FRAME_MAX) {
                error_setg(errp, "frame of %u bytes exceeds the maximum of "
                           "%u", r->frame_len, NET_STREAM_FRAME_MAX);
                return false;
            }
            if (r->vnet_len > r->frame_len) {
                error_setg(errp, "virtio-net header of %u bytes in a frame "
                           "of %u", r->vnet_len, r->frame_len);
                return false;
            }
        } else {
            take = MIN(r->frame_len - r->frame_got, len - off);
            memcpy(r->frame + r->frame_got, buf + off, take);
            r->frame_got += take;
            off += take;
        }
        if (r->frame_got == r->frame_len) {
            deliver(opaque, r->frame + r->vnet_len,
                    r->frame_len - r->vnet_len);
            r->hdr_got = 0;
        }
    }
    return true;
}

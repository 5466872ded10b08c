/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev user: libslirp as the guest's NAT router (DHCP, DNS, TFTP),
 * with hostfwd= rules from the host into the guest and guestfwd=
 * rules from the guest to a command (cmd:) or a chardev.  libslirp's sockets are polled by a GSource in the main
 * context: prepare asks slirp for its fds and timeout, dispatch hands
 * back what poll found.
 */
#include "qemu/osdep.h"
#include <slirp/libslirp.h>
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/timer.h"
#include "chardev/char-fe.h"
#include "migration/qemu-file.h"
#include "migration/register.h"
#include "net/clients.h"
#include "net/net-parse.h"
#include "net/trace.h"

typedef struct SlirpState {
    NetClientState nc;
    Slirp *slirp;
    GSource *source;
    GArray *pollfds;            /* GPollFD, re-filled before each poll */
    char **dnssearch;
    GSList *fwds;               /* SlirpGuestFwd to chardevs */
} SlirpState;

/* A guestfwd= rule whose target is a chardev. */
typedef struct SlirpGuestFwd {
    CharBackend hd;
    struct in_addr server;
    int port;
    Slirp *slirp;
} SlirpGuestFwd;

typedef struct SlirpSource {
    GSource source;
    SlirpState *s;
} SlirpSource;

static ssize_t net_slirp_send_packet(const void *buf, size_t len,
                                     void *opaque)
{
    SlirpState *s = opaque;

    qemu_send_packet(&s->nc, buf, len);
    return len;
}

static void net_slirp_guest_error(const char *msg, void *opaque)
{
    error_report("slirp: %s", msg);
}

static int64_t net_slirp_clock_get_ns(void *opaque)
{
    /*
     * QEMU gives slirp the virtual clock; Tern the real one, so that
     * user networking keeps time under qtest, whose clock only moves
     * when a test steps it.
     */
    return qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
}

static void *net_slirp_timer_new(SlirpTimerCb cb, void *cb_opaque,
                                 void *opaque)
{
    return timer_new_ms(QEMU_CLOCK_REALTIME, cb, cb_opaque);
}

static void net_slirp_timer_free(void *timer, void *opaque)
{
    timer_free(timer);
}

static void net_slirp_timer_mod(void *timer, int64_t expire_time,
                                void *opaque)
{
    timer_mod(timer, expire_time);
}

static void net_slirp_register_poll_fd(int fd, void *opaque)
{
}

static void net_slirp_unregister_poll_fd(int fd, void *opaque)
{
}

static void net_slirp_notify(void *opaque)
{
    g_main_context_wakeup(NULL);
}

static const SlirpCb slirp_cb = {
    .send_packet = net_slirp_send_packet,
    .guest_error = net_slirp_guest_error,
    .clock_get_ns = net_slirp_clock_get_ns,
    .timer_new = net_slirp_timer_new,
    .timer_free = net_slirp_timer_free,
    .timer_mod = net_slirp_timer_mod,
    .register_poll_fd = net_slirp_register_poll_fd,
    .unregister_poll_fd = net_slirp_unregister_poll_fd,
    .notify = net_slirp_notify,
};

/* ------------------------------------------------------------------ */
/* Polling                                                             */

static int slirp_add_poll(int fd, int events, void *opaque)
{
    SlirpState *s = opaque;
    GPollFD pfd = { .fd = fd };

    if (events & SLIRP_POLL_IN) {
        pfd.events |= G_IO_IN;
    }
    if (events & SLIRP_POLL_OUT) {
        pfd.events |= G_IO_OUT;
    }
    if (events & SLIRP_POLL_PRI) {
        pfd.events |= G_IO_PRI;
    }
    if (events & SLIRP_POLL_ERR) {
        pfd.events |= G_IO_ERR;
    }
    if (events & SLIRP_POLL_HUP) {
        pfd.events |= G_IO_HUP;
    }
    g_array_append_val(s->pollfds, pfd);
    return s->pollfds->len - 1;
}

static int slirp_get_revents(int idx, void *opaque)
{
    SlirpState *s = opaque;
    GPollFD *pfd = &g_array_index(s->pollfds, GPollFD, idx);
    int ev = 0;

    if (pfd->revents & G_IO_IN) {
        ev |= SLIRP_POLL_IN;
    }
    if (pfd->revents & G_IO_OUT) {
        ev |= SLIRP_POLL_OUT;
    }
    if (pfd->revents & G_IO_PRI) {
        ev |= SLIRP_POLL_PRI;
    }
    if (pfd->revents & G_IO_ERR) {
        ev |= SLIRP_POLL_ERR;
    }
    if (pfd->revents & G_IO_HUP) {
        ev |= SLIRP_POLL_HUP;
    }
    return ev;
}

static gboolean slirp_source_prepare(GSource *source, gint *timeout)
{
    SlirpState *s = ((SlirpSource *)source)->s;
    uint32_t tmo = UINT32_MAX;

    for (guint i = 0; i < s->pollfds->len; i++) {
        g_source_remove_poll(source, &g_array_index(s->pollfds, GPollFD, i));
    }
    g_array_set_size(s->pollfds, 0);
    slirp_pollfds_fill(s->slirp, &tmo, slirp_add_poll, s);
    for (guint i = 0; i < s->pollfds->len; i++) {
        g_source_add_poll(source, &g_array_index(s->pollfds, GPollFD, i));
    }
    *timeout = tmo == UINT32_MAX ? -1 : (gint)MIN(tmo, 1000);
    return false;
}

static gboolean slirp_source_check(GSource *source)
{
    /* Let slirp look every time: its own timers run in pollfds_poll. */
    return true;
}

static gboolean slirp_source_dispatch(GSource *source, GSourceFunc cb,
                                      gpointer data)
{
    SlirpState *s = ((SlirpSource *)source)->s;

    slirp_pollfds_poll(s->slirp, 0, slirp_get_revents, s);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs slirp_source_funcs = {
    .prepare = slirp_source_prepare,
    .check = slirp_source_check,
    .dispatch = slirp_source_dispatch,
};

/* ------------------------------------------------------------------ */
/* Migration: QEMU's "slirp" section, libslirp's own serialization     */

static ssize_t net_slirp_stream_write(const void *buf, size_t size,
                                      void *opaque)
{
    qemu_put_buffer(opaque, buf, size);
    return qemu_file_get_error(opaque) ? -1 : (ssize_t)size;
}

static ssize_t net_slirp_stream_read(void *buf, size_t size, void *opaque)
{
    if (qemu_get_buffer(opaque, buf, size) != size) {
        return -1;
    }
    return size;
}

static void net_slirp_state_save(QEMUFile *f, void *opaque)
{
    SlirpState *s = opaque;

    slirp_state_save(s->slirp, net_slirp_stream_write, f);
}

static int net_slirp_state_load(QEMUFile *f, void *opaque, int version_id,
                                Error **errp)
{
    SlirpState *s = opaque;
    int ret;

    if (version_id < 1 || version_id > slirp_state_version()) {
        error_setg(errp, "slirp state version %d is not supported (this "
                   "libslirp writes %d)", version_id, slirp_state_version());
        return -EINVAL;
    }
    ret = slirp_state_load(s->slirp, version_id, net_slirp_stream_read, f);
    if (ret < 0 || qemu_file_get_error(f)) {
        error_setg(errp, "libslirp could not load the user network state%s",
                   qemu_file_get_error(f) ? " (stream truncated)" : "");
        return ret < 0 ? ret : -EIO;
    }
    return 0;
}

static const SaveVMHandlers savevm_slirp_state = {
    .save_state = net_slirp_state_save,
    .load_state = net_slirp_state_load,
};

/* ------------------------------------------------------------------ */
/* The client                                                          */

static ssize_t net_slirp_receive(NetClientState *nc, const uint8_t *buf,
                                 size_t size)
{
    SlirpState *s = container_of(nc, SlirpState, nc);

    slirp_input(s->slirp, buf, size);
    return size;
}

static void net_slirp_cleanup(NetClientState *nc)
{
    SlirpState *s = container_of(nc, SlirpState, nc);

    unregister_savevm(NULL, "slirp", s);
    for (GSList *l = s->fwds; l; l = l->next) {
        SlirpGuestFwd *f = l->data;

        slirp_remove_guestfwd(s->slirp, f->server, f->port);
        qemu_chr_fe_deinit(&f->hd, true);
        g_free(f);
    }
    g_slist_free(s->fwds);
    if (s->source) {
        g_source_destroy(s->source);
        g_source_unref(s->source);
    }
    if (s->slirp) {
        slirp_cleanup(s->slirp);
    }
    if (s->pollfds) {
        g_array_free(s->pollfds, true);
    }
    g_strfreev(s->dnssearch);
}

static const NetClientInfo net_slirp_info = {
    .type = NET_CLIENT_DRIVER_USER,
    .size = sizeof(SlirpState),
    .receive = net_slirp_receive,
    .cleanup = net_slirp_cleanup,
};

static bool parse_in_addr(const char *str, struct in_addr *a)
{
    return str && inet_aton(str, a);
}

/* Add a hostfwd= rule (syntax: net/net-parse.c). */
static bool slirp_hostfwd(SlirpState *s, const char *rule, Error **errp)
{
    NetHostFwd fwd;

    if (!net_hostfwd_parse(rule, &fwd, errp)) {
        return false;
    }
    if (slirp_add_hostfwd(s->slirp, fwd.is_udp, fwd.host_addr, fwd.host_port,
                          fwd.guest_addr, fwd.guest_port) < 0) {
        error_setg(errp, "Could not set up host forwarding rule '%s'", rule);
        return false;
    }
    trace_net_slirp_hostfwd(s->nc.name, rule);
    return true;
}

/* What the guest sends to the forwarded address goes to the chardev. */
static ssize_t slirp_guestfwd_write(const void *buf, size_t len,
                                    void *opaque)
{
    return qemu_chr_fe_write_all(opaque, buf, len);
}

static int slirp_guestfwd_can_read(void *opaque)
{
    SlirpGuestFwd *f = opaque;

    return slirp_socket_can_recv(f->slirp, f->server, f->port);
}

/* What the chardev gives goes to the guest's connection. */
static void slirp_guestfwd_read(void *opaque, const uint8_t *buf, int size)
{
    SlirpGuestFwd *f = opaque;

    slirp_socket_recv(f->slirp, f->server, f->port, buf, size);
}

/* A guestfwd= rule to a chardev shorthand (tcp:, unix:, file:, ...). */
static bool slirp_guestfwd_chardev(SlirpState *s, const NetGuestFwd *fwd,
                                   const char *rule, Error **errp)
{
    g_autofree char *label = g_strdup_printf("guestfwd.tcp.%d", fwd->port);
    Chardev *chr = qemu_chr_new_noreport(label, fwd->chardev, NULL, NULL);
    SlirpGuestFwd *f;

    if (!chr) {
        error_setg(errp, "Could not open guest forwarding device '%s'",
                   label);
        return false;
    }
    f = g_new0(SlirpGuestFwd, 1);
    if (!qemu_chr_fe_init(&f->hd, chr, errp)) {
        object_unparent(OBJECT(chr));
        g_free(f);
        return false;
    }
    if (slirp_add_guestfwd(s->slirp, slirp_guestfwd_write, &f->hd,
                           (struct in_addr *)&fwd->server, fwd->port) < 0) {
        error_setg(errp, "Conflicting/invalid host:port in guest forwarding "
                   "rule '%s'", rule);
        qemu_chr_fe_deinit(&f->hd, true);
        g_free(f);
        return false;
    }
    f->server = fwd->server;
    f->port = fwd->port;
    f->slirp = s->slirp;
    qemu_chr_fe_set_handlers(&f->hd, slirp_guestfwd_can_read,
                             slirp_guestfwd_read, NULL, NULL, f, NULL, true);
    s->fwds = g_slist_append(s->fwds, f);
    return true;
}

/* Add a guestfwd= rule: "-cmd:COMMAND" or "-CHARDEV" targets. */
static bool slirp_guestfwd(SlirpState *s, const char *rule, Error **errp)
{
    NetGuestFwd fwd;

    if (!net_guestfwd_parse(rule, &fwd, errp)) {
        return false;
    }
    if (fwd.chardev) {
        return slirp_guestfwd_chardev(s, &fwd, rule, errp);
    }
    if (slirp_add_exec(s->slirp, fwd.cmd, &fwd.server, fwd.port) < 0) {
        error_setg(errp, "Conflicting/invalid host:port in guest forwarding "
                   "rule '%s'", rule);
        return false;
    }
    return true;
}

bool net_init_user(const NetdevUserOptions *o, const char *name,
                   Error **errp)
{
    SlirpConfig cfg = { .version = 3 };
    struct in_addr net, mask, host, dhcp, dns;
    g_auto(GStrv) netparts = NULL;
    NetClientState *nc;
    SlirpState *s;
    SlirpSource *src;

    /* QEMU's defaults: 10.0.2.0/24, host .2, DHCP from .15, DNS .3. */
    inet_aton("10.0.2.0", &net);
    inet_aton("255.255.255.0", &mask);
    if (o->net) {
        char *end;
        long bits;

        netparts = g_strsplit(o->net, "/", 2);
        if (!parse_in_addr(netparts[0], &net)) {
            error_setg(errp, "Invalid net address '%s'", o->net);
            return false;
        }
        if (netparts[1]) {
            bits = strtol(netparts[1], &end, 10);
            if (*end == '\0' && bits >= 0 && bits <= 32) {
                mask.s_addr = bits ? htonl(0xffffffffu << (32 - bits)) : 0;
            } else if (!parse_in_addr(netparts[1], &mask)) {
                error_setg(errp, "Invalid netmask in '%s'", o->net);
                return false;
            }
        }
        net.s_addr &= mask.s_addr;
    }
    host.s_addr = net.s_addr | htonl(2);
    dhcp.s_addr = net.s_addr | htonl(15);
    dns.s_addr = net.s_addr | htonl(3);
    if ((o->host && !parse_in_addr(o->host, &host)) ||
        (o->dhcpstart && !parse_in_addr(o->dhcpstart, &dhcp)) ||
        (o->dns && !parse_in_addr(o->dns, &dns))) {
        error_setg(errp, "Invalid host, dhcpstart or dns address");
        return false;
    }
    if ((host.s_addr & mask.s_addr) != net.s_addr ||
        (dhcp.s_addr & mask.s_addr) != net.s_addr ||
        (dns.s_addr & mask.s_addr) != net.s_addr) {
        error_setg(errp, "host, dhcpstart and dns must be in the guest "
                   "network");
        return false;
    }
    if (o->has_ipv4 && !o->ipv4 && o->has_ipv6 && !o->ipv6) {
        error_setg(errp, "IPv4 and IPv6 disabled simultaneously");
        return false;
    }
    cfg.restricted = o->has_q_restrict && o->q_restrict;
    cfg.in_enabled = !o->has_ipv4 || o->ipv4;
    cfg.in6_enabled = !o->has_ipv6 || o->ipv6;
    cfg.vnetwork = net;
    cfg.vnetmask = mask;
    cfg.vhost = host;
    cfg.vdhcp_start = dhcp;
    cfg.vnameserver = dns;
    inet_pton(AF_INET6, o->ipv6_prefix ? o->ipv6_prefix : "fec0::",
              &cfg.vprefix_addr6);
    cfg.vprefix_len = o->has_ipv6_prefixlen ? o->ipv6_prefixlen : 64;
    if (cfg.vprefix_len > 126) {
        error_setg(errp, "Invalid IPv6 prefix length");
        return false;
    }
    cfg.vhost6 = cfg.vprefix_addr6;
    cfg.vhost6.s6_addr[15] |= 2;
    cfg.vnameserver6 = cfg.vprefix_addr6;
    cfg.vnameserver6.s6_addr[15] |= 3;
    if ((o->ipv6_host &&
         inet_pton(AF_INET6, o->ipv6_host, &cfg.vhost6) != 1) ||
        (o->ipv6_dns &&
         inet_pton(AF_INET6, o->ipv6_dns, &cfg.vnameserver6) != 1)) {
        error_setg(errp, "Invalid IPv6 host or dns address");
        return false;
    }
    cfg.vhostname = o->hostname;
    cfg.tftp_path = o->tftp;
    cfg.bootfile = o->bootfile;
    cfg.vdomainname = o->domainname;
    cfg.if_mtu = 1500;
    cfg.if_mru = 1500;

    nc = qemu_new_net_client(&net_slirp_info, NULL, "user", name);
    s = container_of(nc, SlirpState, nc);
    s->pollfds = g_array_new(false, false, sizeof(GPollFD));
    snprintf(nc->info_str, sizeof(nc->info_str), "net=%s,restrict=%s",
             inet_ntoa(net), cfg.restricted ? "on" : "off");
    s->slirp = slirp_new(&cfg, &slirp_cb, s);
    if (!s->slirp) {
        error_setg(errp, "libslirp refused the user network configuration");
        qemu_del_net_client(nc);
        return false;
    }
    for (StringList *l = o->hostfwd; l; l = l->next) {
        if (!slirp_hostfwd(s, l->value->str, errp)) {
            qemu_del_net_client(nc);
            return false;
        }
    }
    for (StringList *l = o->guestfwd; l; l = l->next) {
        if (!slirp_guestfwd(s, l->value->str, errp)) {
            qemu_del_net_client(nc);
            return false;
        }
    }
    /* As QEMU: one "slirp" section per user netdev, instance 0, 1, ... */
    register_savevm_live("slirp", VMSTATE_INSTANCE_ID_ANY,
                         slirp_state_version(), &savevm_slirp_state, s);
    src = (SlirpSource *)g_source_new(&slirp_source_funcs,
                                      sizeof(SlirpSource));
    src->s = s;
    s->source = &src->source;
    g_source_attach(s->source, NULL);
    return true;
}

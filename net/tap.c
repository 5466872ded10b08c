/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev tap: Ethernet frames through a Linux TAP interface, one
 * frame per read() or write() on the /dev/net/tun descriptor (IFF_TAP,
 * IFF_NO_PI, no virtio-net header).  Either Tern creates the interface
 * (ifname=, default "tap%d") and runs script= on it (QEMU's default
 * /etc/qemu-ifup; "no" for none) and downscript= when the netdev goes
 * (/etc/qemu-ifdown), or fd= gives an interface already opened (a
 * number, or a name passed with getfd).  A frame the kernel cannot take
 * at once is dropped with a trace event.  Not implemented, and refused
 * by name: vhost=on, vhostfd(s), vnet_hdr=on, fds=, queues > 1, br=,
 * helper=.
 */
#include "qemu/osdep.h"
#include <net/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/sockets.h"
#include "monitor/monitor.h"
#include "system/runstate.h"
#include "net/clients.h"
#include "net/trace.h"

#define DEFAULT_NETWORK_SCRIPT      "/etc/qemu-ifup"
#define DEFAULT_NETWORK_DOWN_SCRIPT "/etc/qemu-ifdown"
#define TAP_BUFSIZE                 (64 * 1024 + 64)

typedef struct TAPState {
    NetClientState nc;
    int fd;
    char ifname[IFNAMSIZ];
    char *down_script;          /* NULL: none, or already run */
    Notifier exit_notifier;     /* the process ends: downscript too */
    uint8_t buf[TAP_BUFSIZE];
} TAPState;

static ssize_t tap_receive(NetClientState *nc, const uint8_t *buf,
                           size_t size)
{
    TAPState *s = container_of(nc, TAPState, nc);
    ssize_t n;

    do {
        n = write(s->fd, buf, size);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        trace_net_tap_drop(nc->name, size, errno);
    }
    return size;
}

static void tap_read(void *opaque)
{
    TAPState *s = opaque;

    for (int i = 0; i < 64; i++) {     /* bounded: the main loop goes on */
        ssize_t n = read(s->fd, s->buf, sizeof(s->buf));

        if (n <= 0) {
            return;
        }
        qemu_send_packet(&s->nc, s->buf, n);
    }
}

/* Run @script with the interface name; false with @errp on failure. */
static bool tap_run_script(const char *script, const char *ifname,
                           Error **errp)
{
    char *argv[] = { (char *)script, (char *)ifname, NULL };
    g_autoptr(GError) gerr = NULL;
    int status;

    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL,
                      &status, &gerr)) {
        error_setg(errp, "could not launch network script %s: %s", script,
                   gerr->message);
        return false;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        error_setg(errp, "network script %s failed with status %d", script,
                   status);
        return false;
    }
    return true;
}

static void tap_run_down_script(TAPState *s)
{
    Error *err = NULL;
    g_autofree char *script = g_steal_pointer(&s->down_script);

    if (script && !tap_run_script(script, s->ifname, &err)) {
        error_report_err(err);
    }
}

static void tap_exit_notify(Notifier *notifier, void *data)
{
    tap_run_down_script(container_of(notifier, TAPState, exit_notifier));
}

static void tap_cleanup(NetClientState *nc)
{
    TAPState *s = container_of(nc, TAPState, nc);

    qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
    qemu_remove_exit_notifier(&s->exit_notifier);
    tap_run_down_script(s);
    close(s->fd);
}

static const NetClientInfo net_tap_info = {
    .type = NET_CLIENT_DRIVER_TAP,
    .size = sizeof(TAPState),
    .receive = tap_receive,
    .cleanup = tap_cleanup,
};

/* Open /dev/net/tun as a TAP interface named after @ifname ("" = tapN). */
static int tap_open(const char *ifname, char *actual, Error **errp)
{
    struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
    int fd;

    if (strlen(ifname) >= IFNAMSIZ) {
        error_setg(errp, "Parameter 'ifname' expects at most %d characters",
                   IFNAMSIZ - 1);
        return -1;
    }
    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        error_setg_errno(errp, errno, "could not open %s", "/dev/net/tun");
        return -1;
    }
    g_strlcpy(ifr.ifr_name, *ifname ? ifname : "tap%d",
              sizeof(ifr.ifr_name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        error_setg_errno(errp, errno, "could not configure %s (%s)",
                         "/dev/net/tun", ifr.ifr_name);
        close(fd);
        return -1;
    }
    g_strlcpy(actual, ifr.ifr_name, IFNAMSIZ);
    return fd;
}

static bool tap_check_unsupported(const NetdevTapOptions *tap, Error **errp)
{
    const char *what = NULL;

    if (tap->has_vhost && tap->vhost) {
        what = "vhost=on";
    } else if (tap->vhostfd || tap->vhostfds) {
        what = "vhostfd= and vhostfds=";
    } else if (tap->has_vhostforce && tap->vhostforce) {
        what = "vhostforce=on";
    } else if (tap->has_vnet_hdr && tap->vnet_hdr) {
        what = "vnet_hdr=on";
    } else if (tap->fds) {
        what = "fds=";
    } else if (tap->has_queues && tap->queues > 1) {
        what = "queues= above 1";
    } else if (tap->br || tap->helper) {
        what = "br= and helper=";
    }
    if (what) {
        error_setg(errp, "tap: %s is not implemented", what);
        return false;
    }
    return true;
}

/* "no" or an empty value: no script. */
static const char *tap_script(const char *given, const char *dflt)
{
    const char *s = given ? given : dflt;

    return (!*s || !strcmp(s, "no")) ? NULL : s;
}

bool net_init_tap(const NetdevTapOptions *tap, const char *name,
                  Error **errp)
{
    char ifname[IFNAMSIZ] = "";
    const char *up = NULL, *down = NULL;
    NetClientState *nc;
    TAPState *s;
    int fd;

    if (!tap_check_unsupported(tap, errp)) {
        return false;
    }
    if (tap->fd) {
        if (tap->ifname || tap->script || tap->downscript ||
            tap->has_vnet_hdr || tap->helper || tap->has_queues ||
            tap->fds || tap->vhostfds) {
            error_setg(errp, "ifname=, script=, downscript=, vnet_hdr=, "
                       "helper=, queues=, fds=, and vhostfds= are invalid "
                       "with fd=");
            return false;
        }
        fd = monitor_fd_param(monitor_cur(), tap->fd, errp);
        if (fd < 0) {
            return false;
        }
    } else {
        up = tap_script(tap->script, DEFAULT_NETWORK_SCRIPT);
        down = tap_script(tap->downscript, DEFAULT_NETWORK_DOWN_SCRIPT);
        fd = tap_open(tap->ifname ? tap->ifname : "", ifname, errp);
        if (fd < 0) {
            return false;
        }
        if (up && !tap_run_script(up, ifname, errp)) {
            close(fd);
            return false;
        }
    }
    qemu_socket_set_nonblock(fd);
    nc = qemu_new_net_client(&net_tap_info, NULL, "tap", name);
    s = container_of(nc, TAPState, nc);
    s->fd = fd;
    g_strlcpy(s->ifname, ifname, sizeof(s->ifname));
    s->down_script = g_strdup(down);
    s->exit_notifier.notify = tap_exit_notify;
    qemu_add_exit_notifier(&s->exit_notifier);
    if (tap->fd) {
        snprintf(nc->info_str, sizeof(nc->info_str), "fd=%d", fd);
    } else {
        snprintf(nc->info_str, sizeof(nc->info_str),
                 "ifname=%s,script=%s,downscript=%s", ifname,
                 up ? up : "no", down ? down : "no");
    }
    trace_net_tap_open(name, ifname, fd);
    qemu_set_fd_handler(fd, tap_read, NULL, s);
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev tap with the e1000, under -accel qtest, in a network namespace
 * of the test's own (so no interface appears on the host): the TAP
 * interface is brought up and an AF_PACKET socket on it sees the
 * guest's frames and sends frames to the guest.  Tern creates the
 * interface (ifname=, script=no) or gets it with fd=.  Skips, saying
 * why, without network namespaces, /dev/net/tun or CAP_NET_ADMIN.
 */
#include "qemu/osdep.h"
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sched.h>
#include <arpa/inet.h>
#include "libqtest.h"
/* <sys/ioctl.h> brings the terminal's CTRL(), e1000-util.h the register. */
#undef CTRL
#include "e1000-util.h"

static char *skip_reason;

/* The test's own network namespace, and a TAP there to try. */
static void tap_env_init(void)
{
    struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
    int fd;

    if (unshare(CLONE_NEWNET) < 0) {
        skip_reason = g_strdup_printf("no network namespace: %s",
                                      g_strerror(errno));
        return;
    }
    fd = open("/dev/net/tun", O_RDWR);
    if (fd < 0) {
        skip_reason = g_strdup_printf("/dev/net/tun: %s", g_strerror(errno));
        return;
    }
    g_strlcpy(ifr.ifr_name, "ternprobe", sizeof(ifr.ifr_name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        skip_reason = g_strdup_printf("TUNSETIFF (CAP_NET_ADMIN): %s",
                                      g_strerror(errno));
    }
    close(fd);
}

static bool tap_env_ok(void)
{
    if (skip_reason) {
        g_test_skip(skip_reason);
        return false;
    }
    return true;
}

/* Bring @ifname up (no IPv6, so the kernel sends nothing of its own). */
static void link_up(const char *ifname)
{
    g_autofree char *v6 = g_strdup_printf(
        "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
    struct ifreq ifr = { 0 };
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    g_file_set_contents(v6, "1", 1, NULL);
    g_strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
    g_assert_cmpint(ioctl(s, SIOCGIFFLAGS, &ifr), ==, 0);
    ifr.ifr_flags |= IFF_UP;
    g_assert_cmpint(ioctl(s, SIOCSIFFLAGS, &ifr), ==, 0);
    close(s);
}

/* An AF_PACKET socket on @ifname; its index in *@index. */
static int packet_open(const char *ifname, int *index)
{
    struct timeval tv = { .tv_sec = 10 };
    struct sockaddr_ll sll = { .sll_family = AF_PACKET,
                               .sll_protocol = htons(ETH_P_ALL) };
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

    g_assert_cmpint(fd, >=, 0);
    sll.sll_ifindex = if_nametoindex(ifname);
    g_assert_cmpint(sll.sll_ifindex, >, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), ==, 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    *index = sll.sll_ifindex;
    return fd;
}

/* The guest's frames reach the interface; the interface's the guest. */
static void exchange(QTestState *qts, const char *ifname)
{
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t frame[200], got[2048];
    int index, pfd;

    link_up(ifname);
    pfd = packet_open(ifname, &index);
    pci_enable(qts);
    setup_tx(qts);
    setup_rx(qts);

    make_frame(frame, sizeof(frame), bcast, 0x11);
    qtest_memwrite(qts, BUF_TX, frame, sizeof(frame));
    put_tx_desc(qts, 0, BUF_TX, sizeof(frame));
    mw(qts, TDT, 1);
    for (;;) {
        ssize_t n = recv(pfd, got, sizeof(got), 0);

        g_assert_cmpint(n, >, 0);
        if (n == sizeof(frame) && !memcmp(got, frame, n)) {
            break;              /* (other frames are the kernel's) */
        }
    }

    make_frame(frame, sizeof(frame), nic_mac, 0x22);
    g_assert_cmpint(send(pfd, frame, sizeof(frame), 0), ==, sizeof(frame));
    g_assert(wait_rx_done(qts, 0));
    g_assert_cmpuint(qtest_readw(qts, RING_RX + 8), ==, sizeof(frame));
    qtest_memread(qts, BUF_RX, got, sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));
    close(pfd);
}

static QTestState *start_tap(const char *netdev)
{
    return qtest_initf("-M tern -m 32M -netdev %s -device e1000,netdev=n0,"
                       "addr=%d,mac=52:54:00:aa:bb:cc", netdev, SLOT);
}

static void test_tap_ifname(void)
{
    QTestState *qts;
    g_autofree char *info = NULL;

    if (!tap_env_ok()) {
        return;
    }
    qts = start_tap("tap,id=n0,ifname=terntap0,script=no,downscript=no");
    info = qtest_hmp(qts, "info network");
    g_assert_nonnull(strstr(info, "ifname=terntap0,script=no,"
                            "downscript=no"));
    exchange(qts, "terntap0");
    qtest_quit(qts);
    /* The interface was Tern's: it went with the process. */
    g_assert_cmpuint(if_nametoindex("terntap0"), ==, 0);
}

static void test_tap_fd(void)
{
    struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
    g_autofree char *netdev = NULL;
    QTestState *qts;
    int fd;

    if (!tap_env_ok()) {
        return;
    }
    fd = open("/dev/net/tun", O_RDWR);     /* inherited by Tern */
    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(ifr.ifr_name, "terntap1", sizeof(ifr.ifr_name));
    g_assert_cmpint(ioctl(fd, TUNSETIFF, &ifr), ==, 0);
    netdev = g_strdup_printf("tap,id=n0,fd=%d", fd);
    qts = start_tap(netdev);
    exchange(qts, "terntap1");
    qtest_quit(qts);
    close(fd);
}

/* A script= runs with the interface name; a failing one is an error. */
static void test_tap_script(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-tap-XXXXXX", NULL);
    g_autofree char *up = g_build_filename(dir, "up", NULL);
    g_autofree char *down = g_build_filename(dir, "down", NULL);
    g_autofree char *log = g_build_filename(dir, "log", NULL);
    g_autofree char *body = g_strdup_printf("#!/bin/sh\necho \"$0 $1\" >> "
                                            "%s\n", log);
    g_autofree char *netdev = NULL;
    g_autofree char *text = NULL;
    g_autofree char *want = NULL;
    QTestState *qts;

    if (!tap_env_ok()) {
        return;
    }
    g_assert(g_file_set_contents(up, body, -1, NULL));
    g_assert(g_file_set_contents(down, body, -1, NULL));
    chmod(up, 0755);
    chmod(down, 0755);
    netdev = g_strdup_printf("tap,id=n0,ifname=terntap2,script=%s,"
                             "downscript=%s", up, down);
    qts = start_tap(netdev);
    qtest_quit(qts);
    g_assert(g_file_get_contents(log, &text, NULL, NULL));
    want = g_strdup_printf("%s terntap2\n%s terntap2\n", up, down);
    g_assert_cmpstr(text, ==, want);
    unlink(up);
    unlink(down);
    unlink(log);
    rmdir(dir);
}

static void test_tap_bad(void)
{
    static const struct {
        const char *args;
        const char *msg;
    } cases[] = {
        { "-netdev tap,id=n0,vhost=on", "tap: vhost=on is not implemented" },
        { "-netdev tap,id=n0,queues=2",
          "tap: queues= above 1 is not implemented" },
        { "-netdev tap,id=n0,fd=3,ifname=x", "ifname=, script=, "
          "downscript=, vnet_hdr=, helper=, queues=, fds=, and vhostfds= "
          "are invalid with fd=" },
        { "-netdev tap,id=n0,ifname=x234567890123456789",
          "Parameter 'ifname' expects at most 15 characters" },
        { "-netdev tap,id=n0,ifname=terntap3,script=/nonexistent/up",
          "could not launch network script /nonexistent/up" },
        { "-netdev tap,id=n0,ifname=terntap3,script=/bin/false",
          "network script /bin/false failed with status" },
    };

    if (!tap_env_ok()) {
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        expect_one_error(cases[i].args, cases[i].msg);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tap_env_init();
    qtest_add_func("/tap/ifname", test_tap_ifname);
    qtest_add_func("/tap/fd", test_tap_fd);
    qtest_add_func("/tap/script", test_tap_script);
    qtest_add_func("/tap/bad-options", test_tap_bad);
    return g_test_run();
}

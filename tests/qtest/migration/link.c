/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A TCP link the test can hold or cut (see link.h).  One thread polls
 * the listening socket and every connection; the test's calls only flip
 * flags or shut sockets down, so the thread alone closes them.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "link.h"
#include "framework.h"

#define LINK_MAX_CONN 16

struct MigLink {
    int listen_fd;
    char *uri;
    struct sockaddr_in dst;
    GMutex lock;                        /* fds against mig_link_cut() */
    int fds[LINK_MAX_CONN][2];          /* source side, destination side */
    int nconn;
    gint accepted;                      /* atomic */
    gint hold;                          /* atomic */
    gint stop;                          /* atomic */
    GThread *thread;
};

static void link_close_pair(MigLink *link, int i)
{
    g_mutex_lock(&link->lock);
    close(link->fds[i][0]);
    close(link->fds[i][1]);
    link->fds[i][0] = link->fds[i][1] = -1;
    g_mutex_unlock(&link->lock);
}

static void link_accept(MigLink *link)
{
    int src = accept(link->listen_fd, NULL, NULL);
    int dst;

    if (src < 0) {
        return;
    }
    g_assert_cmpint(link->nconn, <, LINK_MAX_CONN);
    dst = socket(AF_INET, SOCK_STREAM, 0);
    g_assert_cmpint(dst, >=, 0);
    if (connect(dst, (struct sockaddr *)&link->dst, sizeof(link->dst)) < 0) {
        /* Nobody listens there: the source sees its connection end. */
        g_test_message("link: connect: %s", g_strerror(errno));
        close(dst);
        close(src);
        g_atomic_int_inc(&link->accepted);
        return;
    }
    g_mutex_lock(&link->lock);
    link->fds[link->nconn][0] = src;
    link->fds[link->nconn][1] = dst;
    link->nconn++;
    g_mutex_unlock(&link->lock);
    g_atomic_int_inc(&link->accepted);
}

/* Pass what one side sent to the other; false when the pair is over. */
static bool link_forward(int from, int to)
{
    char buf[65536];
    ssize_t n = read(from, buf, sizeof(buf));

    if (n <= 0) {
        return false;
    }
    for (ssize_t done = 0; done < n;) {
        ssize_t w = send(to, buf + done, n - done, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        done += w;
    }
    return true;
}

static void *link_thread(void *opaque)
{
    MigLink *link = opaque;

    while (!g_atomic_int_get(&link->stop)) {
        struct pollfd pfd[1 + 2 * LINK_MAX_CONN];
        int who[1 + 2 * LINK_MAX_CONN];
        bool hold = g_atomic_int_get(&link->hold);
        int n = 1;

        pfd[0] = (struct pollfd) { .fd = link->listen_fd, .events = POLLIN };
        for (int i = 0; !hold && i < link->nconn; i++) {
            for (int side = 0; side < 2 && link->fds[i][0] >= 0; side++) {
                pfd[n] = (struct pollfd) { .fd = link->fds[i][side],
                                           .events = POLLIN };
                who[n++] = i * 2 + side;
            }
        }
        /* Short, so that hold and stop take effect soon. */
        if (poll(pfd, n, 20) <= 0) {
            continue;
        }
        if (pfd[0].revents & POLLIN) {
            link_accept(link);
        }
        for (int k = 1; k < n; k++) {
            int i = who[k] / 2, side = who[k] % 2;

            if (!pfd[k].revents || link->fds[i][0] < 0) {
                continue;
            }
            if (!link_forward(link->fds[i][side], link->fds[i][!side])) {
                link_close_pair(link, i);
            }
        }
    }
    return NULL;
}

MigLink *mig_link_new(const char *dst_uri)
{
    MigLink *link = g_new0(MigLink, 1);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t len = sizeof(sa);
    const char *port = strrchr(dst_uri, ':');
    int one = 1;

    g_assert(g_str_has_prefix(dst_uri, "tcp:") && port);
    link->dst.sin_family = AF_INET;
    link->dst.sin_port = htons(atoi(port + 1));
    {
        g_autofree char *host = g_strndup(dst_uri + 4,
                                          port - (dst_uri + 4));

        g_assert_cmpint(inet_pton(AF_INET, host, &link->dst.sin_addr), ==, 1);
    }
    g_mutex_init(&link->lock);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    link->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    g_assert_cmpint(link->listen_fd, >=, 0);
    setsockopt(link->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    g_assert_cmpint(bind(link->listen_fd, (struct sockaddr *)&sa,
                         sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(link->listen_fd, LINK_MAX_CONN), ==, 0);
    g_assert_cmpint(getsockname(link->listen_fd, (struct sockaddr *)&sa,
                                &len), ==, 0);
    link->uri = g_strdup_printf("tcp:127.0.0.1:%d", ntohs(sa.sin_port));
    link->thread = g_thread_new("mig-link", link_thread, link);
    return link;
}

const char *mig_link_uri(MigLink *link)
{
    return link->uri;
}

void mig_link_hold(MigLink *link, bool hold)
{
    g_atomic_int_set(&link->hold, hold);
}

void mig_link_cut(MigLink *link)
{
    g_mutex_lock(&link->lock);
    for (int i = 0; i < link->nconn; i++) {
        if (link->fds[i][0] >= 0) {
            shutdown(link->fds[i][0], SHUT_RDWR);
            shutdown(link->fds[i][1], SHUT_RDWR);
        }
    }
    g_mutex_unlock(&link->lock);
    /* A held link must still see the ends go, to close them. */
    g_atomic_int_set(&link->hold, false);
}

int mig_link_connections(MigLink *link)
{
    return g_atomic_int_get(&link->accepted);
}

void mig_link_wait_connections(MigLink *link, int n)
{
    gint64 end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;

    while (mig_link_connections(link) < n) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(10 * 1000);
    }
}

void mig_link_free(MigLink *link)
{
    if (!link) {
        return;
    }
    g_atomic_int_set(&link->stop, true);
    g_thread_join(link->thread);
    for (int i = 0; i < link->nconn; i++) {
        if (link->fds[i][0] >= 0) {
            close(link->fds[i][0]);
            close(link->fds[i][1]);
        }
    }
    close(link->listen_fd);
    g_mutex_clear(&link->lock);
    g_free(link->uri);
    g_free(link);
}

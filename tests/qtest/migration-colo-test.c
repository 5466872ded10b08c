/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * COLO: a primary and a secondary kept in step by periodic checkpoints,
 * and every way COLO ends (docs/devel/colo.md).
 *
 * The secondary's memory after a failover must be the primary's at one
 * checkpoint, never a mixture.  A writer on the primary changes one page
 * per qtest command (so a checkpoint always falls between two of its
 * steps), and each page records the step that wrote it.  After the
 * failover the secondary's pages name the last step they saw; the
 * memory must then be exactly what steps 1..k gave, for that k, and k
 * must include every step known to be checkpointed (a checkpoint that
 * began after the step ended).
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "migration/framework.h"
#include "qobject/qlist.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#define COLO_MEM     "32M"
#define WBASE        0x100000ULL            /* the writer's pages */
#define WPAGES       512
#define PAGE         4096
#define DELAY_MS     100

static char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/%s", mig_tmpdir(), name);
}

/* ------------------------------------------------------------ writer */

typedef struct Writer {
    GArray *steps;              /* page written by step k (index k - 1) */
    uint64_t known;             /* steps known to be checkpointed */
    uint64_t mark_step;         /* ... once checkpoints reach mark_cp + 2 */
    int64_t mark_cp;
} Writer;

/* Page @p as step @k leaves it (k = 0: the initial fill). */
static void page_content(uint8_t *buf, uint32_t p, uint64_t k)
{
    for (int i = 0; i < PAGE; i++) {
        buf[i] = (uint8_t)(k * 31 + p * 7 + i);
    }
    memcpy(buf, &k, sizeof(k));
    memcpy(buf + 8, &p, sizeof(p));
}

static int64_t colo_checkpoints(QTestState *who)
{
    g_autoptr(QDict) info = migrate_query(who);
    QDict *colo = qdict_get_qdict(info, "x-tern-colo");

    return colo ? qdict_get_int(colo, "checkpoints") : 0;
}

static void writer_init(QTestState *from, Writer *w)
{
    g_autofree uint8_t *buf = g_malloc(PAGE * WPAGES);

    memset(w, 0, sizeof(*w));
    w->steps = g_array_new(false, false, sizeof(uint32_t));
    for (uint32_t p = 0; p < WPAGES; p++) {
        page_content(buf + p * PAGE, p, 0);
    }
    qtest_bufwrite(from, WBASE, buf, PAGE * WPAGES);
}

static void writer_step(QTestState *from, Writer *w, GRand *rand)
{
    uint8_t buf[PAGE];
    uint32_t p = g_rand_int_range(rand, 0, WPAGES);
    uint64_t k = w->steps->len + 1;

    page_content(buf, p, k);
    qtest_bufwrite(from, WBASE + (uint64_t)p * PAGE, buf, PAGE);
    g_array_append_val(w->steps, p);
}

/* Write until the primary has taken @n more checkpoints. */
static void writer_run(QTestState *from, Writer *w, GRand *rand, int64_t n)
{
    int64_t start = colo_checkpoints(from), cp = start;
    gint64 deadline = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;

    w->mark_cp = -1;
    while (cp < start + n) {
        for (int i = 0; i < 8; i++) {
            writer_step(from, w, rand);
        }
        cp = colo_checkpoints(from);
        if (w->mark_cp >= 0 && cp >= w->mark_cp + 2) {
            w->known = w->mark_step;
            w->mark_cp = -1;
        }
        if (w->mark_cp < 0) {
            w->mark_step = w->steps->len;
            w->mark_cp = cp;
        }
        g_assert(g_get_monotonic_time() < deadline);
    }
}

/*
 * The secondary's pages must be those of steps 1..k for one k, with
 * k >= the steps known to be checkpointed.  Returns k.
 */
static uint64_t writer_check(QTestState *to, Writer *w)
{
    g_autofree uint8_t *mem = g_malloc(PAGE * WPAGES);
    g_autofree uint64_t *seen = g_new0(uint64_t, WPAGES);
    g_autofree uint64_t *want = g_new0(uint64_t, WPAGES);
    uint8_t expect[PAGE];
    uint64_t k = 0;

    qtest_bufread(to, WBASE, mem, PAGE * WPAGES);
    for (uint32_t p = 0; p < WPAGES; p++) {
        memcpy(&seen[p], mem + p * PAGE, sizeof(uint64_t));
        g_assert_cmpuint(seen[p], <=, w->steps->len);
        page_content(expect, p, seen[p]);
        if (memcmp(expect, mem + p * PAGE, PAGE)) {
            g_test_message("page %u is not what step %" PRIu64 " wrote",
                           p, seen[p]);
            g_assert_not_reached();
        }
        k = MAX(k, seen[p]);
    }
    for (uint64_t s = 1; s <= k; s++) {
        want[g_array_index(w->steps, uint32_t, s - 1)] = s;
    }
    for (uint32_t p = 0; p < WPAGES; p++) {
        if (want[p] != seen[p]) {
            g_test_message("page %u: step %" PRIu64 " but steps 1..%" PRIu64
                           " leave step %" PRIu64, p, seen[p], k, want[p]);
            g_assert_not_reached();
        }
    }
    g_test_message("secondary at step %" PRIu64 " of %u (known %" PRIu64 ")",
                   k, w->steps->len, w->known);
    g_assert_cmpuint(k, >=, w->known);
    return k;
}

static void writer_free(Writer *w)
{
    g_array_free(w->steps, true);
}

/* ------------------------------------------------------------ COLO */

static void colo_status_is(QTestState *who, const char *mode,
                           const char *last_mode, const char *reason)
{
    g_autoptr(QDict) st = qtest_qmp_assert_success_ref(who,
                              "{'execute': 'query-colo-status'}");

    g_assert_cmpstr(qdict_get_str(st, "mode"), ==, mode);
    g_assert_cmpstr(qdict_get_str(st, "last-mode"), ==, last_mode);
    g_assert_cmpstr(qdict_get_str(st, "reason"), ==, reason);
}

static void colo_wait_exit(QTestState *who, const char *mode,
                           const char *reason)
{
    g_autoptr(QDict) ev = qtest_qmp_eventwait_ref(who, "COLO_EXIT");
    QDict *data = qdict_get_qdict(ev, "data");

    g_assert_cmpstr(qdict_get_str(data, "mode"), ==, mode);
    g_assert_cmpstr(qdict_get_str(data, "reason"), ==, reason);
}

static void colo_heartbeat(QTestState *who)
{
    qtest_qmp_assert_success(who, "{'execute': 'x-colo-lost-heartbeat'}");
}

/*
 * Start a primary and a secondary and migrate with x-colo to @uri (the
 * secondary listens on @listen, which may differ with a proxy between).
 */
static void colo_start_opts(QTestState **from, QTestState **to, Writer *w,
                            const char *listen, const char *uri,
                            int64_t delay_ms, const char *opts_source)
{
    MigrateStart args = { .mem = COLO_MEM, .events = true,
                          .opts_source = opts_source };

    migrate_start(from, to, "defer", &args);
    migrate_set_capability(*from, "x-colo", true);
    migrate_set_capability(*to, "x-colo", true);
    migrate_set_parameter_int(*from, "x-checkpoint-delay", delay_ms);
    migrate_incoming_qmp(*to, listen, NULL);
    writer_init(*from, w);
    migrate_ensure_converge(*from);
    migrate_qmp(*from, uri, NULL);
    migrate_wait_status(*from, "colo", NULL);
    migrate_wait_status(*to, "colo", NULL);
    colo_status_is(*from, "primary", "primary", "none");
    colo_status_is(*to, "secondary", "secondary", "none");
    wait_runstate(*to, "running");
}

static void colo_start_delay(QTestState **from, QTestState **to, Writer *w,
                             const char *listen, const char *uri,
                             int64_t delay_ms)
{
    colo_start_opts(from, to, w, listen, uri, delay_ms, NULL);
}

static void colo_start(QTestState **from, QTestState **to, Writer *w,
                       const char *listen, const char *uri)
{
    colo_start_delay(from, to, w, listen, uri, DELAY_MS);
}

/* The secondary took over: it runs alone, out of COLO. */
static void check_secondary_took_over(QTestState *to)
{
    wait_runstate(to, "running");
    colo_status_is(to, "none", "secondary", "request");
    migrate_wait_status(to, "completed", NULL);
}

/* ------------------------------------------------------------ tests */

static void test_colo_checks(void)
{
    QTestState *vm = qtest_init("-M none -accel qtest");
    g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL;

    colo_status_is(vm, "none", "none", "none");
    e1 = qmp_expect_error(vm, "{'execute': 'x-colo-lost-heartbeat'}");
    g_assert_cmpstr(e1, ==, "The feature 'colo' is not enabled");
    e2 = qmp_expect_error(vm, "{'execute': 'migrate-set-capabilities',"
                          " 'arguments': {'capabilities': ["
                          " {'capability': 'x-colo', 'state': true},"
                          " {'capability': 'background-snapshot',"
                          "  'state': true}]}}");
    g_assert_cmpstr(e2, ==,
                    "Background-snapshot is not compatible with x-colo");
    e3 = qmp_expect_error(vm, "{'execute': 'migrate-set-capabilities',"
                          " 'arguments': {'capabilities': ["
                          " {'capability': 'x-colo', 'state': true},"
                          " {'capability': 'return-path', 'state': true}]}}");
    g_assert_cmpstr(e3, ==, "COLO with return-path is not supported by "
                    "Tern yet");
    migrate_set_capability(vm, "x-colo", true);
    g_assert(migrate_get_capability(vm, "x-colo"));
    qtest_quit(vm);
}

/* ENABLE_COLO into a destination without x-colo: QEMU's refusal. */
static void test_colo_dest_without_cap(void)
{
    MigrateStart args = { .mem = COLO_MEM };
    g_autofree char *sock = tmp_path("colo.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *err = NULL;
    QTestState *from, *to;

    migrate_start(&from, &to, "defer", &args);
    migrate_set_capability(from, "x-colo", true);
    qmp_ok_fmt(to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", uri);
    migrate_qmp(from, uri, NULL);
    err = migrate_wait_failed(to);
    g_assert(strstr(err, "ENABLE_COLO command come in migration stream, "
                    "but x-colo capability is not set"));
    wait_runstate(from, "running");
    migrate_end(from, to);
}

/*
 * The primary dies (SIGKILL) while stopped for a checkpoint: the
 * secondary stays paused at its last whole checkpoint until told to take
 * over, then runs from exactly that memory.
 */
static void test_colo_primary_killed(void)
{
    g_autofree char *sock = tmp_path("colo.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autoptr(GRand) rand = g_rand_new_with_seed(15);
    QTestState *from, *to;
    Writer w;
    gint64 deadline;
    int64_t cps;

    colo_start(&from, &to, &w, uri, uri);
    writer_run(from, &w, rand, 4);
    /* Make checkpoints big, then catch the primary inside one. */
    for (int i = 0; i < 64; i++) {
        writer_step(from, &w, rand);
    }
    deadline = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;
    for (;;) {
        g_autofree char *rs = query_runstate(from);

        if (g_str_equal(rs, "colo")) {
            break;
        }
        writer_step(from, &w, rand);
        g_assert(g_get_monotonic_time() < deadline);
    }
    qtest_kill_qemu(from);
    migrate_end(from, NULL);

    colo_wait_exit(to, "secondary", "error");
    /* Never two primaries: the secondary waits, paused, for its order. */
    wait_runstate(to, "colo");
    colo_status_is(to, "secondary", "secondary", "error");
    colo_heartbeat(to);
    check_secondary_took_over(to);
    writer_check(to, &w);
    cps = colo_checkpoints(to);
    g_assert_cmpint(cps, >=, 4);
    writer_free(&w);
    migrate_end(NULL, to);
}

/* x-colo-lost-heartbeat on the primary (by HMP): it goes on alone. */
static void test_colo_primary_failover(void)
{
    g_autofree char *sock = tmp_path("colo.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autoptr(GRand) rand = g_rand_new_with_seed(16);
    g_autofree char *out = NULL, *info = NULL;
    QTestState *from, *to;
    Writer w;

    colo_start(&from, &to, &w, uri, uri);
    writer_run(from, &w, rand, 3);
    info = qtest_hmp(from, "info migrate");
    g_assert(strstr(info, "COLO mode: primary (last primary, exit reason "
                    "none)"));
    g_assert(strstr(info, "COLO checkpoints: "));
    out = qtest_hmp(from, "x_colo_lost_heartbeat");
    g_assert_cmpstr(out, ==, "");
    colo_wait_exit(from, "primary", "request");
    migrate_wait_status(from, "completed", NULL);
    wait_runstate(from, "running");
    colo_status_is(from, "none", "primary", "request");
    writer_step(from, &w, rand);         /* the primary still works */

    colo_wait_exit(to, "secondary", "error");
    wait_runstate(to, "colo");
    colo_heartbeat(to);
    check_secondary_took_over(to);
    writer_check(to, &w);
    writer_free(&w);
    migrate_end(from, to);
}

/* x-colo-lost-heartbeat on the secondary while the primary lives. */
static void test_colo_secondary_failover(void)
{
    g_autofree char *sock = tmp_path("colo.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autoptr(GRand) rand = g_rand_new_with_seed(17);
    g_autoptr(QDict) info = NULL;
    QDict *colo;
    QTestState *from, *to;
    Writer w;

    colo_start(&from, &to, &w, uri, uri);
    writer_run(from, &w, rand, 3);
    info = migrate_query(from);
    colo = qdict_get_qdict(info, "x-tern-colo");
    g_assert(colo);
    g_assert_cmpint(qdict_get_int(colo, "last-size"), >, 0);
    g_assert_cmpint(qdict_get_int(colo, "max-pause-us"), >=,
                    qdict_get_int(colo, "last-pause-us"));

    colo_heartbeat(to);
    colo_wait_exit(to, "secondary", "request");
    check_secondary_took_over(to);
    writer_check(to, &w);

    colo_wait_exit(from, "primary", "error");
    migrate_wait_status(from, "completed", NULL);
    wait_runstate(from, "running");
    colo_status_is(from, "none", "primary", "error");
    writer_free(&w);
    migrate_end(from, to);
}

/*
 * x-checkpoint-delay counts for the checkpoint being waited for: COLO
 * starts with ten minutes, then 100 ms makes checkpoints come.
 */
static void test_colo_delay_change(void)
{
    g_autofree char *sock = tmp_path("colo.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autoptr(GRand) rand = g_rand_new_with_seed(19);
    QTestState *from, *to;
    Writer w;

    colo_start_delay(&from, &to, &w, uri, uri, 600000);
    writer_step(from, &w, rand);
    g_assert_cmpint(colo_checkpoints(from), ==, 0);
    migrate_set_parameter_int(from, "x-checkpoint-delay", 100);
    g_assert_cmpint(migrate_get_parameter_int(from, "x-checkpoint-delay"),
                    ==, 100);
    writer_run(from, &w, rand, 2);
    colo_heartbeat(to);
    colo_wait_exit(to, "secondary", "request");
    check_secondary_took_over(to);
    writer_check(to, &w);
    colo_wait_exit(from, "primary", "error");
    writer_free(&w);
    migrate_end(from, to);
}

/* ---- colo-compare: the guests' output, compared packet by packet ---- */

/* A unix socket the primary's chardev connects to. */
static int chr_server(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

static int chr_accept_close(int lfd)
{
    struct timeval tv = { .tv_sec = MIG_WAIT_SECS };
    int fd = accept(lfd, NULL, NULL);

    g_assert_cmpint(fd, >=, 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    close(lfd);
    return fd;
}

/* A UDP frame from 10.0.0.1:1000 to 10.0.0.2:2000 carrying @text,
 * framed for a chardev (be32 length first). */
static size_t udp_frame(uint8_t *buf, const char *text)
{
    size_t plen = strlen(text), ip_len = 20 + 8 + plen;
    uint8_t *f = buf + 4;

    memcpy(f, "\x52\x54\x00\x12\x34\x56\x52\x54\x00\x12\x34\x57\x08\x00",
           14);
    memcpy(f + 14, "\x45\x00\x00\x00\x00\x00\x00\x00\x40\x11\x00\x00"
           "\x0a\x00\x00\x01\x0a\x00\x00\x02", 20);
    stw_be_p(f + 16, ip_len);
    stw_be_p(f + 34, 1000);
    stw_be_p(f + 36, 2000);
    stw_be_p(f + 38, 8 + plen);
    stw_be_p(f + 40, 0);
    memcpy(f + 42, text, plen);
    stl_be_p(buf, 14 + ip_len);
    return 4 + 14 + ip_len;
}

/* The next frame on outdev must be @want (framed as udp_frame gives). */
static void out_expect(int fd, const uint8_t *want, size_t len)
{
    g_autofree uint8_t *got = g_malloc(len);
    size_t n = 0;

    while (n < len) {
        ssize_t r = recv(fd, got + n, len - n, 0);

        g_assert_cmpint(r, >, 0);
        n += r;
    }
    g_assert(!memcmp(got, want, len));
}

/*
 * With ten minutes between periodic checkpoints, equal frames from the
 * two guests leave through outdev and take no checkpoint; a frame that
 * differs takes one (the count in query-migrate rises), after which the
 * primary's frame is released.
 */
static void test_colo_compare(void)
{
    g_autofree char *sock = tmp_path("colo-cmp.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *pin = tmp_path("cmp-pri.sock");
    g_autofree char *sin = tmp_path("cmp-sec.sock");
    g_autofree char *out = tmp_path("cmp-out.sock");
    g_autofree char *opts = g_strdup_printf(
        "-object iothread,id=io1 -chardev socket,id=pin,path=%s "
        "-chardev socket,id=sin,path=%s -chardev socket,id=cout,path=%s "
        "-object colo-compare,id=cmp0,primary_in=pin,secondary_in=sin,"
        "outdev=cout,iothread=io1,compare_timeout=600000", pin, sin, out);
    int lp = chr_server(pin), ls = chr_server(sin), lo = chr_server(out);
    g_autoptr(GRand) rand = g_rand_new_with_seed(23);
    uint8_t a[128], b[128];
    size_t la, lb;
    int fp, fs, fo;
    QTestState *from, *to;
    Writer w;

    colo_start_opts(&from, &to, &w, uri, uri, 600000, opts);
    fp = chr_accept_close(lp);
    fs = chr_accept_close(ls);
    fo = chr_accept_close(lo);
    writer_step(from, &w, rand);

    /* Equal: out at once, no checkpoint. */
    la = udp_frame(a, "same on both sides");
    g_assert_cmpint(send(fp, a, la, 0), ==, la);
    g_assert_cmpint(send(fs, a, la, 0), ==, la);
    out_expect(fo, a, la);
    g_assert_cmpint(colo_checkpoints(from), ==, 0);

    /* Different payload on the same connection: a checkpoint. */
    la = udp_frame(a, "the primary says this");
    lb = udp_frame(b, "the secondary says that");
    g_assert_cmpint(send(fp, a, la, 0), ==, la);
    g_assert_cmpint(send(fs, b, lb, 0), ==, lb);
    for (int i = 0; i < MIG_WAIT_SECS * 20 && !colo_checkpoints(from); i++) {
        g_usleep(50 * 1000);
    }
    g_assert_cmpint(colo_checkpoints(from), >=, 1);
    /* Released after it: the primary's frame, not the secondary's. */
    out_expect(fo, a, la);

    /* The primary finds the link gone at its next checkpoint. */
    migrate_set_parameter_int(from, "x-checkpoint-delay", 100);
    colo_heartbeat(to);
    colo_wait_exit(to, "secondary", "request");
    check_secondary_took_over(to);
    writer_check(to, &w);
    colo_wait_exit(from, "primary", "error");
    writer_free(&w);
    close(fp);
    close(fs);
    close(fo);
    migrate_end(from, to);
    unlink(pin);
    unlink(sin);
    unlink(out);
}

/* ---- a link that can be cut: a proxy between two unix sockets ---- */

typedef struct Proxy {
    int listen_fd, a, b;
    char *to_path;
    GThread *thread;
} Proxy;

static int unix_connect(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert(fd >= 0);
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    for (int i = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0;
         i++) {
        g_assert(i < MIG_WAIT_SECS * 50);
        g_usleep(20 * 1000);
    }
    return fd;
}

static gpointer proxy_thread(gpointer opaque)
{
    Proxy *px = opaque;
    char buf[65536];

    px->a = accept(px->listen_fd, NULL, NULL);
    g_assert(px->a >= 0);
    px->b = unix_connect(px->to_path);
    for (;;) {
        struct pollfd pfd[2] = { { px->a, POLLIN }, { px->b, POLLIN } };

        if (poll(pfd, 2, -1) < 0) {
            continue;
        }
        for (int i = 0; i < 2; i++) {
            if (pfd[i].revents) {
                ssize_t n = read(pfd[i].fd, buf, sizeof(buf));
                int out = i ? px->a : px->b;

                if (n <= 0 || write(out, buf, n) != n) {
                    return NULL;
                }
            }
        }
    }
}

static void proxy_start(Proxy *px, const char *listen_path,
                        const char *to_path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    px->to_path = g_strdup(to_path);
    px->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_strlcpy(sa.sun_path, listen_path, sizeof(sa.sun_path));
    unlink(listen_path);
    g_assert(bind(px->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    g_assert(listen(px->listen_fd, 1) == 0);
    px->thread = g_thread_new("proxy", proxy_thread, px);
}

/* Cut both directions at once, as a dead switch would. */
static void proxy_cut(Proxy *px)
{
    shutdown(px->a, SHUT_RDWR);
    shutdown(px->b, SHUT_RDWR);
    g_thread_join(px->thread);
    close(px->a);
    close(px->b);
    close(px->listen_fd);
    g_free(px->to_path);
}

static void test_colo_link_cut(void)
{
    g_autofree char *dsock = tmp_path("colo-dst.sock");
    g_autofree char *psock = tmp_path("colo-proxy.sock");
    g_autofree char *duri = g_strdup_printf("unix:%s", dsock);
    g_autofree char *puri = g_strdup_printf("unix:%s", psock);
    g_autoptr(GRand) rand = g_rand_new_with_seed(18);
    g_autofree char *rs = NULL;
    QTestState *from, *to;
    Proxy px;
    Writer w;

    proxy_start(&px, psock, dsock);
    colo_start(&from, &to, &w, duri, puri);
    writer_run(from, &w, rand, 3);
    proxy_cut(&px);

    colo_wait_exit(from, "primary", "error");
    wait_runstate(from, "running");
    colo_wait_exit(to, "secondary", "error");
    /* The primary runs on; the secondary must not. */
    wait_runstate(to, "colo");
    rs = query_runstate(to);
    g_assert_cmpstr(rs, ==, "colo");
    colo_status_is(to, "secondary", "secondary", "error");
    colo_heartbeat(to);
    check_secondary_took_over(to);
    writer_check(to, &w);
    writer_free(&w);
    migrate_end(from, to);
}

/*
 * The test guest (it keeps writing its pattern) under COLO on @data's
 * accelerator: the primary dies, the secondary takes over from the last
 * checkpoint, runs on and its memory keeps the guest's invariant.
 */
static void test_colo_guest(const void *data)
{
    const char *accel = data;
    MigrateStart args = {
        .machine = "tern", .mem = "64M", .guest = true, .accel = accel,
        .events = true,
    };
    g_autofree char *sock = tmp_path("colo-guest.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to;
    gint64 deadline;
    size_t n;

    if (!mig_guest_ok(accel, accel)) {
        return;
    }
    migrate_start(&from, &to, "defer", &args);
    migrate_set_capability(from, "x-colo", true);
    migrate_set_capability(to, "x-colo", true);
    migrate_set_parameter_int(from, "x-checkpoint-delay", 200);
    migrate_incoming_qmp(to, uri, NULL);
    mig_wait_serial_grows(mig_vm_serial(from), 2);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_status(from, "colo", NULL);
    migrate_wait_status(to, "colo", NULL);
    deadline = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;
    while (colo_checkpoints(to) < 3) {
        g_assert(g_get_monotonic_time() < deadline);
        g_usleep(20 * 1000);
    }
    g_test_message("checkpoints: primary %" PRId64 ", secondary %" PRId64,
                   colo_checkpoints(from), colo_checkpoints(to));
    qtest_kill_qemu(from);
    migrate_end(from, NULL);

    colo_wait_exit(to, "secondary", "error");
    wait_runstate(to, "colo");
    colo_heartbeat(to);
    check_secondary_took_over(to);
    n = mig_serial_passes(mig_vm_serial(to));
    mig_wait_serial_grows(mig_vm_serial(to), n + 2);
    mig_check_guest_pattern(to);
    migrate_end(NULL, to);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_framework_init();
    qtest_add_func("/migration/colo/checks", test_colo_checks);
    qtest_add_func("/migration/colo/dest-without-cap",
                   test_colo_dest_without_cap);
    qtest_add_func("/migration/colo/primary-killed", test_colo_primary_killed);
    qtest_add_func("/migration/colo/primary-failover",
                   test_colo_primary_failover);
    qtest_add_func("/migration/colo/secondary-failover",
                   test_colo_secondary_failover);
    qtest_add_func("/migration/colo/link-cut", test_colo_link_cut);
    qtest_add_func("/migration/colo/delay-change", test_colo_delay_change);
    qtest_add_func("/migration/colo/compare", test_colo_compare);
    qtest_add_data_func("/migration/colo/kvm/guest", "kvm", test_colo_guest);
    qtest_add_data_func("/migration/colo/tcg/guest", "tcg", test_colo_guest);
    return g_test_run();
}

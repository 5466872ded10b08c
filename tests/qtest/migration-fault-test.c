/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fault matrix: a peer killed, the link cut or slowed, a peer that
 * stops reading, a full disk under file:, an exec: command that exits
 * early, each in the setup, active, pre-switchover and device states
 * (and a few multifd cases).  After each the source must run on (or sit
 * in postmigrate where the destination may own the VM) with the same
 * memory, report why, hold no more threads or fds than before, and
 * migrate again.  docs/devel/migration-testing.md has the matrix.
 */
#include "qemu/osdep.h"
#include "migration/framework.h"
#include "qobject/qjson.h"

#include <dirent.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>

#define FMEM            "16M"
#define FSIZE           (16ULL << 20)
#define ACTIVE_BW       (4 * 1000 * 1000)
/* How long the faults that never end by themselves are left to bite. */
#define STALL_MS        1000

typedef enum {
    PH_SETUP, PH_ACTIVE, PH_PRE, PH_DEVICE, PH__MAX
} Phase;

static const char *const phase_names[PH__MAX] = {
    "setup", "active", "pre-switchover", "device",
};

typedef enum {
    F_DST_KILL, F_DST_STOP, F_LINK_CUT, F_LINK_SLOW, F_DISK_FULL,
    F_EXEC_EXIT, F__MAX
} Fault;

static const char *const fault_names[F__MAX] = {
    "dst-kill", "dst-stop", "link-cut", "link-slow", "disk-full",
    "exec-exit",
};

typedef struct FaultCase {
    Fault fault;
    Phase phase;
    bool multifd;
} FaultCase;

/* Figures for the summary printed at the end. */
static unsigned faults_survived;

/* ------------------------------------------------------------ helpers */

static char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/%s", mig_tmpdir(), name);
}

typedef struct ProcCounts {
    int threads;
    int fds;
} ProcCounts;

static ProcCounts proc_counts(QTestState *who)
{
    pid_t pid = qtest_pid(who);

    return (ProcCounts) {
        .threads = mig_proc_count(pid, "task"),
        .fds = mig_proc_fds(pid),
    };
}

static char *proc_fd_list(QTestState *who)
{
    g_autofree char *dir = g_strdup_printf("/proc/%d/fd",
                                           (int)qtest_pid(who));
    GString *s = g_string_new(NULL);
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        g_autofree char *p = g_strdup_printf("%s/%s", dir, e->d_name);
        g_autofree char *t = g_file_read_link(p, NULL);

        if (e->d_name[0] != '.') {
            g_string_append_printf(s, " %s->%s", e->d_name, t ? t : "?");
        }
    }
    if (d) {
        closedir(d);
    }
    return g_string_free(s, false);
}

/*
 * Threads and fds go back to what @who had before: the migration thread
 * and the channels are released by a cleanup that runs after the state
 * changes, so give it a bounded while.
 */
static void check_no_leak(QTestState *who, ProcCounts before)
{
    gint64 end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    ProcCounts now;

    for (;;) {
        now = proc_counts(who);
        if (now.threads <= before.threads && now.fds <= before.fds) {
            return;
        }
        if (g_get_monotonic_time() > end) {
            break;
        }
        g_usleep(50 * 1000);
    }
    {
        g_autofree char *fds = proc_fd_list(who);

        g_test_message("leak: threads %d -> %d, fds %d -> %d:%s",
                       before.threads, now.threads, before.fds, now.fds,
                       fds);
    }
    g_assert_cmpint(now.threads, <=, before.threads);
    g_assert_cmpint(now.fds, <=, before.fds);
}

static void ram_digest(QTestState *who, guint8 out[32])
{
    g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_SHA256);
    g_autofree guint8 *buf = g_malloc(4 << 20);
    gsize len = 32;

    for (uint64_t off = 0; off < FSIZE; off += 4 << 20) {
        qtest_bufread(who, off, buf, 4 << 20);
        g_checksum_update(ck, buf, 4 << 20);
    }
    g_checksum_get_digest(ck, out, &len);
}

/* Run a command; false with *@why (if given) when it fails. */
static bool try_cmd(char **why, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool try_cmd(char **why, const char *fmt, ...)
{
    g_autofree char *cmd = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) gerr = NULL;
    va_list ap;
    int status;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!g_spawn_command_line_sync(cmd, &out, &err, &status, &gerr) ||
        !g_spawn_check_wait_status(status, NULL)) {
        g_autofree char *msg = g_strdup_printf(
            "'%s' failed: %s", cmd,
            gerr ? gerr->message : g_strstrip(err));

        if (why) {
            *why = g_steal_pointer(&msg);
        } else {
            g_test_message("%s", msg);
        }
        return false;
    }
    return true;
}

#define run_cmd(...) g_assert(try_cmd(NULL, __VA_ARGS__))

/* Wait for @who's MIGRATION event with @status (query-migrate may block). */
static void wait_event(QTestState *who, const char *status)
{
    gint64 end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;

    while (g_get_monotonic_time() < end) {
        g_autoptr(QDict) msg = qtest_qmp_receive_dict(who);
        const char *ev = qdict_get_try_str(msg, "event");

        if (ev && g_str_equal(ev, "MIGRATION") &&
            g_str_equal(qdict_get_str(qdict_get_qdict(msg, "data"),
                                      "status"), status)) {
            return;
        }
    }
    g_test_message("no MIGRATION event '%s' within %d s", status,
                   MIG_WAIT_SECS);
    g_assert_not_reached();
}

/* Wait until the source has sent at least @bytes. */
static void wait_transferred(QTestState *who, int64_t bytes)
{
    gint64 end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;

    while (migrate_ram_stat(who, "transferred") < bytes) {
        g_autofree char *st = migrate_query_status(who);

        g_assert_cmpstr(st, ==, "active");
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(20 * 1000);
    }
}

/* ------------------------------------------------------------ OOB monitor */

/*
 * The source's second QMP monitor, with the 'oob' capability: the only
 * way to reach a source whose migration thread holds the BQL while
 * blocked in a write (the device state), as with QEMU.
 */
static void oob_yank(MigQmpClient *m, bool *yanked)
{
    g_autoptr(QDict) r = NULL;

    *yanked = true;
    mig_qmp_client_send(m, "{\"exec-oob\": \"yank\", \"arguments\":"
                        " {\"instances\": [{\"type\": \"migration\"}]}}");
    r = mig_qmp_client_reply(m, NULL);
    if (!qdict_haskey(r, "return")) {
        g_autoptr(GString) j = qobject_to_json(QOBJECT(r));

        g_test_message("yank: %s", j->str);
        g_assert_not_reached();
    }
}

/* ------------------------------------------------------------ namespaces */

/*
 * Two network namespaces joined by a veth pair: the source in A
 * (10.99.0.1 on va), the destination in B (10.99.0.2 on vb).  The test
 * switches its own thread between them; the processes it forks stay in
 * the namespace they were started in.
 */
typedef struct NetPair {
    int orig, a, b;
} NetPair;

static int ns_fd(void)
{
    int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

    g_assert(fd >= 0);
    return fd;
}

static void ns_enter(int fd)
{
    g_assert_cmpint(setns(fd, CLONE_NEWNET), ==, 0);
}

static void netpair_destroy(NetPair *np)
{
    ns_enter(np->orig);
    close(np->orig);
    close(np->a);
    close(np->b);
}

static bool netpair_create(NetPair *np, char **why)
{
    g_autofree char *ip = g_find_program_in_path("ip");

    if (!ip) {
        *why = g_strdup("no 'ip' command (iproute2)");
        return false;
    }
    np->orig = ns_fd();
    if (unshare(CLONE_NEWNET) < 0) {
        *why = g_strdup_printf("cannot create a network namespace: %s",
                               strerror(errno));
        close(np->orig);
        return false;
    }
    np->a = ns_fd();
    run_cmd("ip link set lo up");
    g_assert_cmpint(unshare(CLONE_NEWNET), ==, 0);
    np->b = ns_fd();
    run_cmd("ip link set lo up");
    ns_enter(np->a);
    /* veth may be missing from the kernel: try it in A alone first */
    if (!try_cmd(why, "ip link add vt0 type veth peer name vt1")) {
        netpair_destroy(np);
        return false;
    }
    run_cmd("ip link del vt0");
    return true;
}

/* Once the destination (pid @dst, in B) exists: the veth pair. */
static void netpair_link(NetPair *np, pid_t dst)
{
    run_cmd("ip link add va type veth peer name vb netns %d", (int)dst);
    run_cmd("ip addr add 10.99.0.1/24 dev va");
    run_cmd("ip link set va up");
    ns_enter(np->b);
    run_cmd("ip addr add 10.99.0.2/24 dev vb");
    run_cmd("ip link set vb up");
    ns_enter(np->a);
}

/* Can tc attach netem here?  Tried in a throwaway namespace. */
static bool have_netem(char **why)
{
    g_autofree char *err = NULL;
    int status;

    if (!g_spawn_command_line_sync("unshare -n tc qdisc add dev lo root "
                                   "netem delay 1ms", NULL, &err, &status,
                                   NULL) ||
        !g_spawn_check_wait_status(status, NULL)) {
        *why = g_strdup_printf("tc cannot attach netem (sch_netem missing?)"
                               ": %s", err ? g_strstrip(err) : "");
        return false;
    }
    return true;
}

/* A private mount namespace, so the test's tmpfs dies with it. */
static bool private_mounts(char **why)
{
    static int done;

    if (!done) {
        done = (unshare(CLONE_NEWNS) == 0 &&
                mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
               ? 1 : -errno;
    }
    if (done < 0) {
        *why = g_strdup_printf("cannot make a private mount namespace: %s",
                               strerror(-done));
        return false;
    }
    return true;
}

/* Fill the filesystem holding @dir to the last byte. */
static void fill_disk(const char *dir)
{
    g_autofree char *path = g_strdup_printf("%s/filler", dir);
    static const char block[4096];
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);

    g_assert(fd >= 0);
    while (write(fd, block, sizeof(block)) > 0) {
        /* until ENOSPC */
    }
    g_assert_cmpint(errno, ==, ENOSPC);
    /* the tail of a block may still fit */
    while (write(fd, block, 1) > 0) {
    }
    close(fd);
}

/* ------------------------------------------------------------ the rig */

typedef struct Rig {
    const FaultCase *fc;
    QTestState *from, *to;
    char *uri;
    char *oob_path;
    MigQmpClient oob;
    NetPair net;
    bool netns;
    char *disk;             /* mounted tmpfs, or NULL */
    char *pidfile;          /* the exec: command's pid */
    guint8 digest[32];
    ProcCounts before;
    bool dst_stopped;
    bool yanked;            /* the error must say so */
} Rig;

static QTestState *start_source(Rig *r)
{
    g_autofree char *opts = g_strdup_printf(
        "-chardev socket,id=oob,path=%s,server=on,wait=off "
        "-mon chardev=oob,mode=control", r->oob_path);
    MigrateStart args = { .mem = FMEM, .events = true,
                          .opts_source = opts };
    QTestState *from, *unused;

    migrate_start(&from, &unused, "defer", &args);
    migrate_end(NULL, unused);
    return from;
}

/* A destination that stays alive on a load error, listening on @uri. */
static QTestState *start_dest(const char *uri, bool listen_now)
{
    MigrateStart args = { .mem = FMEM, .only_target = true };
    QTestState *to, *unused = NULL;

    migrate_start(&unused, &to, "defer", &args);
    if (listen_now) {
        qmp_ok_fmt(to, "{'execute': 'migrate-incoming', 'arguments':"
                   " {'uri': %s, 'exit-on-error': false}}", uri);
    }
    return to;
}

/* The destination listens on r->uri, which becomes where it listens. */
static void rig_listen(Rig *r)
{
    qmp_ok_fmt(r->to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", r->uri);
    g_free(r->uri);
    r->uri = migrate_get_listen_uri(r->to);
}

static void set_both(Rig *r, const char *cap, bool on)
{
    migrate_set_capability(r->from, cap, on);
    if (r->to) {
        migrate_set_capability(r->to, cap, on);
    }
}

static pid_t exec_pid(Rig *r)
{
    g_autofree char *s = NULL;
    gint64 end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;

    while (!g_file_get_contents(r->pidfile, &s, NULL, NULL) || !*s) {
        g_free(g_steal_pointer(&s));
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(20 * 1000);
    }
    return atoi(s);
}

/*
 * SIGKILL the exec: command and wait until it has exited (a zombie or
 * gone): only then is the pipe's read end closed, so that the source's
 * next write fails.  A source continued at once could still write a
 * small final stage into the pipe of a reader that was not dead yet.
 */
static void exec_kill(Rig *r)
{
    pid_t pid = exec_pid(r);
    g_autofree char *stat_path = g_strdup_printf("/proc/%d/stat", pid);
    gint64 end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;

    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    for (;;) {
        g_autofree char *st = NULL;
        const char *paren;

        if (!g_file_get_contents(stat_path, &st, NULL, NULL)) {
            return;                     /* reaped */
        }
        paren = strrchr(st, ')');
        if (paren && paren[1] == ' ' && paren[2] == 'Z') {
            return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(5 * 1000);
    }
}

/* Build the transport for the fault; false (and a skip) if impossible. */
static bool rig_transport(Rig *r)
{
    const FaultCase *fc = r->fc;
    g_autofree char *why = NULL;

    switch (fc->fault) {
    case F_DST_KILL:
    case F_DST_STOP: {
        g_autofree char *sock = tmp_path("fault.sock");

        r->uri = g_strdup_printf("unix:%s", sock);
        r->from = start_source(r);
        r->to = start_dest(r->uri, false);
        return true;
    }
    case F_LINK_SLOW:
        if (!have_netem(&why)) {
            g_test_skip(why);
            return false;
        }
        /* fall through */
    case F_LINK_CUT:
        if (!netpair_create(&r->net, &why)) {
            g_test_skip(why);
            return false;
        }
        r->netns = true;
        r->from = start_source(r);
        ns_enter(r->net.b);
        r->to = start_dest(NULL, false);
        ns_enter(r->net.a);
        netpair_link(&r->net, qtest_pid(r->to));
        r->uri = g_strdup("tcp:10.99.0.2:0");
        return true;
    case F_DISK_FULL: {
        /* room for: nothing, 4 MiB, the whole stream, the stream + 2 MiB */
        static const char *const sizes[PH__MAX] = {
            "64k", "4m", "24m", "20m",
        };
        g_autofree char *opts = NULL;

        if (!private_mounts(&why)) {
            g_test_skip(why);
            return false;
        }
        r->disk = tmp_path("disk");
        g_mkdir_with_parents(r->disk, 0700);
        opts = g_strdup_printf("size=%s", sizes[fc->phase]);
        if (mount("tmpfs", r->disk, "tmpfs", 0, opts) < 0) {
            g_autofree char *msg = g_strdup_printf(
                "cannot mount a tmpfs: %s", strerror(errno));

            g_test_skip(msg);
            g_clear_pointer(&r->disk, g_free);
            return false;
        }
        r->uri = g_strdup_printf("file:%s/stream", r->disk);
        r->from = start_source(r);
        if (fc->phase == PH_SETUP) {
            fill_disk(r->disk);
        }
        return true;
    }
    case F_EXEC_EXIT:
        r->pidfile = tmp_path("exec.pid");
        unlink(r->pidfile);
        if (fc->phase == PH_SETUP) {
            r->uri = g_strdup("exec:true");
        } else if (fc->phase == PH_ACTIVE) {
            r->uri = g_strdup("exec:head -c 4194304 >/dev/null");
        } else {
            r->uri = g_strdup_printf("exec:echo $$ > %s; exec cat >/dev/null",
                                     r->pidfile);
        }
        r->from = start_source(r);
        return true;
    default:
        g_assert_not_reached();
    }
}

static void dst_stop(Rig *r)
{
    g_assert_cmpint(kill(qtest_pid(r->to), SIGSTOP), ==, 0);
    r->dst_stopped = true;
}

static void dst_cont(Rig *r)
{
    if (r->dst_stopped) {
        kill(qtest_pid(r->to), SIGCONT);
        r->dst_stopped = false;
    }
}

static void link_down(Rig *r)
{
    ns_enter(r->net.b);
    run_cmd("ip link set vb down");
    ns_enter(r->net.a);
}

static void link_slow(Rig *r)
{
    /* 1 MiB/s with 200 ms each way */
    run_cmd("tc qdisc add dev va root netem delay 200ms rate 8mbit");
    ns_enter(r->net.b);
    run_cmd("tc qdisc add dev vb root netem delay 200ms rate 8mbit");
    ns_enter(r->net.a);
}

/* How the case ends: the expected status. */
typedef enum { END_FAILED, END_CANCELLED, END_COMPLETED } End;

/*
 * Apply the fault now (the source is in the case's phase, or about to
 * leave pre-switchover for device) and make the migration end.
 */
static End apply_fault(Rig *r)
{
    Phase ph = r->fc->phase;

    switch (r->fc->fault) {
    case F_DST_KILL:
        qtest_kill_qemu(r->to);
        r->dst_stopped = false;
        if (ph == PH_PRE) {
            migrate_continue(r->from, "pre-switchover");
        }
        return END_FAILED;
    case F_DST_STOP:
        if (!r->dst_stopped) {
            dst_stop(r);
        }
        if (ph == PH_SETUP || ph == PH_PRE) {
            g_usleep(STALL_MS * 1000);
            migrate_cancel(r->from);
            return END_CANCELLED;
        }
        g_usleep(STALL_MS * 1000);
        oob_yank(&r->oob, &r->yanked);
        return END_FAILED;
    case F_LINK_CUT:
        if (ph != PH_SETUP) {
            link_down(r);
        }
        dst_cont(r);
        if (ph == PH_PRE) {
            migrate_continue(r->from, "pre-switchover");
        }
        if (ph != PH_SETUP) {
            g_usleep(STALL_MS * 1000);
            oob_yank(&r->oob, &r->yanked);
        }
        return END_FAILED;
    case F_LINK_SLOW:
        if (ph != PH_SETUP) {
            link_slow(r);
        }
        dst_cont(r);
        if (ph == PH_PRE) {
            migrate_continue(r->from, "pre-switchover");
        }
        if (ph == PH_SETUP || ph == PH_ACTIVE) {
            /* it goes on, slowly, and can be cancelled */
            int64_t t0 = migrate_ram_stat(r->from, "transferred");

            g_usleep(2 * STALL_MS * 1000);
            g_assert_cmpint(migrate_ram_stat(r->from, "transferred"), >, t0);
            migrate_cancel(r->from);
            return END_CANCELLED;
        }
        return END_COMPLETED;
    case F_DISK_FULL:
        if (ph == PH_PRE) {
            fill_disk(r->disk);
            migrate_continue(r->from, "pre-switchover");
        }
        return END_FAILED;
    case F_EXEC_EXIT:
        if (ph == PH_PRE || ph == PH_DEVICE) {
            exec_kill(r);
        }
        if (ph == PH_PRE) {
            migrate_continue(r->from, "pre-switchover");
        }
        return END_FAILED;
    default:
        g_assert_not_reached();
    }
}

/* Words one of which the error must contain, per fault. */
static const char *const *fault_causes(Fault f)
{
    static const char *const peer[] = {
        "Broken pipe", "Connection reset", "Return path", "return path",
        "Connection refused",   /* killed before the source connected */
        NULL,
    };
    static const char *const link[] = {
        "No route to host", "unreachable", "timed out", NULL,
    };
    static const char *const disk[] = { "No space left on device", NULL };

    switch (f) {
    case F_DST_KILL:
    case F_EXEC_EXIT:
        return peer;
    case F_LINK_CUT:
        return link;
    case F_DISK_FULL:
        return disk;
    default:
        return NULL;
    }
}

/* After the fault: a new migration to a fresh destination is exact. */
static void migrate_again(Rig *r)
{
    g_autofree char *sock = tmp_path("again.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *to = start_dest(uri, false);

    migrate_set_capability(r->from, "pause-before-switchover", false);
    migrate_set_capability(r->from, "return-path", false);
    if (r->fc->multifd) {
        migrate_set_capability(to, "multifd", true);
        migrate_set_parameter_int(to, "multifd-channels", 2);
    }
    qmp_ok_fmt(to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", uri);
    migrate_ensure_converge(r->from);
    migrate_qmp(r->from, uri, NULL);
    migrate_wait_complete(r->from);
    migrate_wait_complete(to);
    mig_ram_compare(r->from, to, 0, FSIZE);
    migrate_end(NULL, to);
}

static void rig_cleanup(Rig *r)
{
    if (r->to) {
        dst_cont(r);
        qtest_kill_qemu(r->to);
        migrate_end(NULL, r->to);
    }
    mig_qmp_client_close(&r->oob);
    migrate_end(r->from, NULL);
    if (r->netns) {
        netpair_destroy(&r->net);
    }
    if (r->disk) {
        umount2(r->disk, MNT_DETACH);
        rmdir(r->disk);
        g_free(r->disk);
    }
    if (r->pidfile) {
        unlink(r->pidfile);
        g_free(r->pidfile);
    }
    g_free(r->uri);
    g_free(r->oob_path);
}

static void test_fault(const void *opaque)
{
    const FaultCase *fc = opaque;
    Rig r = { .fc = fc };
    Phase ph = fc->phase;
    bool socket = fc->fault != F_DISK_FULL && fc->fault != F_EXEC_EXIT;
    guint8 after[32];
    g_autofree char *st = NULL;
    g_autofree char *err = NULL;
    g_autofree char *rs = NULL;
    End end;

    r.oob_path = tmp_path("oob.sock");
    if (!rig_transport(&r)) {
        rig_cleanup(&r);
        return;
    }
    mig_qmp_client_open(&r.oob, r.oob_path, true);
    /* the return path tells the source whether the destination got it */
    if (socket) {
        set_both(&r, "return-path", true);
    }
    if (fc->multifd) {
        set_both(&r, "multifd", true);
        migrate_set_parameter_int(r.from, "multifd-channels", 2);
        migrate_set_parameter_int(r.to, "multifd-channels", 2);
    }
    if (r.to) {
        rig_listen(&r);
    }
    if (ph == PH_PRE || ph == PH_DEVICE) {
        migrate_set_capability(r.from, "pause-before-switchover", true);
        migrate_ensure_converge(r.from);
    } else {
        migrate_ensure_non_converge(r.from);
        migrate_set_parameter_int(r.from, "max-bandwidth", ACTIVE_BW);
    }
    mig_ram_fill(r.from, 0, FSIZE, 0xfa17 + fc->fault * 8 + ph, 64);
    ram_digest(r.from, r.digest);
    r.before = proc_counts(r.from);

    /* faults that are in place before the migration starts */
    if (ph == PH_SETUP) {
        if (fc->fault == F_DST_STOP) {
            dst_stop(&r);
        } else if (fc->fault == F_LINK_CUT) {
            link_down(&r);
        } else if (fc->fault == F_LINK_SLOW) {
            link_slow(&r);
        }
    }
    migrate_qmp(r.from, r.uri, NULL);

    switch (ph) {
    case PH_SETUP:
        break;
    case PH_ACTIVE:
        if (fc->fault != F_DISK_FULL && fc->fault != F_EXEC_EXIT) {
            migrate_wait_status(r.from, "active", NULL);
            wait_transferred(r.from, 1 << 20);
        }
        break;
    case PH_PRE:
        migrate_wait_status(r.from, "pre-switchover", NULL);
        if (fc->fault == F_DISK_FULL) {
            /* the device state alone fits the stream file's last page */
            qtest_memset(r.from, 0, 0x4e, 1 << 20);
            ram_digest(r.from, r.digest);
        }
        break;
    case PH_DEVICE:
        migrate_wait_status(r.from, "pre-switchover", NULL);
        /*
         * Dirty memory while paused so the device state carries it, and
         * hold the source in 'device' with a reader that does not read.
         */
        qtest_memset(r.from, 0, 0x5d,
                     fc->fault == F_LINK_SLOW ? 2 << 20 : FSIZE);
        ram_digest(r.from, r.digest);
        if (r.to) {
            dst_stop(&r);
        } else if (fc->fault == F_EXEC_EXIT) {
            g_assert_cmpint(kill(exec_pid(&r), SIGSTOP), ==, 0);
        }
        migrate_continue(r.from, "pre-switchover");
        wait_event(r.from, "device");
        break;
    default:
        g_assert_not_reached();
    }
    end = apply_fault(&r);

    if (end == END_COMPLETED) {
        migrate_wait_complete(r.from);
        migrate_wait_complete(r.to);
        wait_runstate(r.from, "postmigrate");
        mig_ram_compare(r.from, r.to, 0, FSIZE);
        g_test_message("completed over the slow link");
        faults_survived++;
        rig_cleanup(&r);
        return;
    }
    if (end == END_CANCELLED) {
        migrate_wait_status(r.from, "cancelled", (const char *[]){
                            "failed", "completed", NULL });
    } else {
        static const char *const yanked[] = { "Migration yanked: ", NULL };
        const char *const *causes = r.yanked ? yanked
                                             : fault_causes(fc->fault);
        bool named = false;

        err = migrate_wait_failed(r.from);
        g_test_message("error-desc: %s", err);
        for (int i = 0; causes[i]; i++) {
            named |= strstr(err, causes[i]) != NULL;
        }
        g_assert(named);
    }
    dst_cont(&r);

    /*
     * Running again, unless the whole stream left and only the
     * destination's verdict is missing: then it may own the VM and the
     * source stays in postmigrate until told otherwise.
     */
    for (gint64 t = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;
         ;) {
        g_free(rs);
        rs = query_runstate(r.from);
        if (g_str_equal(rs, "running") || g_str_equal(rs, "postmigrate")) {
            break;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, t);
        g_usleep(20 * 1000);
    }
    g_test_message("source runstate: %s", rs);
    if (g_str_equal(rs, "postmigrate")) {
        /* only once the source could have sent everything */
        g_assert(ph == PH_PRE || ph == PH_DEVICE);
        g_assert(socket);
        qmp_ok_fmt(r.from, "{'execute': 'cont'}");
    }
    ram_digest(r.from, after);
    g_assert(memcmp(r.digest, after, sizeof(after)) == 0);
    check_no_leak(r.from, r.before);
    faults_survived++;
    migrate_again(&r);
    rig_cleanup(&r);
}

/* ------------------------------------------------------ source killed */

/*
 * The source dies in @phase: the destination (exit-on-error=false) must
 * report failed with a reason, stay responsive, not run the VM, and let
 * go of the connection's threads and fds.
 */
static void test_src_killed(const void *opaque)
{
    const FaultCase *fc = opaque;
    Phase ph = fc->phase;
    Rig r = { .fc = fc };
    g_autofree char *sock = tmp_path("fault.sock");
    g_autofree char *err = NULL;
    g_autofree char *rs = NULL;
    ProcCounts before;

    r.oob_path = tmp_path("oob.sock");
    r.uri = g_strdup_printf("unix:%s", sock);
    r.from = start_source(&r);
    r.to = start_dest(r.uri, false);
    if (fc->multifd) {
        set_both(&r, "multifd", true);
        migrate_set_parameter_int(r.from, "multifd-channels", 2);
        migrate_set_parameter_int(r.to, "multifd-channels", 2);
    }
    before = proc_counts(r.to);
    qmp_ok_fmt(r.to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", r.uri);
    mig_ram_fill(r.from, 0, FSIZE, 0x5c + ph, 64);
    if (ph == PH_PRE || ph == PH_DEVICE) {
        migrate_set_capability(r.from, "pause-before-switchover", true);
        migrate_ensure_converge(r.from);
    } else {
        migrate_ensure_non_converge(r.from);
        migrate_set_parameter_int(r.from, "max-bandwidth", ACTIVE_BW);
    }
    migrate_qmp(r.from, r.uri, NULL);
    switch (ph) {
    case PH_SETUP:
        break;
    case PH_ACTIVE:
        migrate_wait_status(r.from, "active", NULL);
        wait_transferred(r.from, 1 << 20);
        break;
    case PH_PRE:
        migrate_wait_status(r.from, "pre-switchover", NULL);
        break;
    case PH_DEVICE:
        migrate_wait_status(r.from, "pre-switchover", NULL);
        qtest_memset(r.from, 0, 0x6e, FSIZE);
        dst_stop(&r);
        migrate_continue(r.from, "pre-switchover");
        wait_event(r.from, "device");
        break;
    default:
        g_assert_not_reached();
    }
    qtest_kill_qemu(r.from);
    migrate_end(r.from, NULL);
    r.from = NULL;
    dst_cont(&r);

    {
        g_autofree char *st = migrate_query_status(r.to);

        if (ph == PH_SETUP && g_str_equal(st, "setup")) {
            /*
             * Killed before it connected: the destination still waits,
             * which is right.  A connection that closes at once must fail
             * it, as a source dying at its first byte would.
             */
            close(mig_unix_connect(sock));
        }
    }
    err = migrate_wait_failed(r.to);
    g_test_message("destination error-desc: %s", err);
    /* a multifd channel may see the end first and say so itself */
    g_assert(strstr(err, "load of migration failed") ||
             strstr(err, "Not a migration stream") ||
             strstr(err, "end of") || strstr(err, "end-of-file"));
    rs = query_runstate(r.to);
    g_test_message("destination runstate: %s", rs);
    g_assert_cmpstr(rs, !=, "running");
    check_no_leak(r.to, before);
    faults_survived++;
    qtest_kill_qemu(r.to);
    migrate_end(NULL, r.to);
    g_free(r.uri);
    g_free(r.oob_path);
}

/* ------------------------------------------------------------ postcopy */

/*
 * Postcopy faults, all in postcopy-active (the guest on the destination,
 * the source stopped holding what was not sent yet).  As in QEMU:
 *  - dst-kill: the guest is lost with the destination; the source goes
 *    postcopy-paused (never running again, migrate_cancel refused) and
 *    says why;
 *  - src-kill: the destination goes postcopy-paused and keeps the guest,
 *    running, waiting for a recovery that cannot come;
 *  - dst-stop, link-cut: the source, stuck in a write, is paused with
 *    migrate-pause (and a destination that hears nothing, too); both
 *    ends postcopy-paused, the guest running on the destination; then
 *    migrate-recover / migrate resume=true finish it byte for byte.
 * Where both ends live on, their threads and fds are back to what they
 * were before once the recovered migration completes.
 */
static void pc_pause(Rig *r, QTestState *who)
{
    qmp_ok_fmt(who, "{'execute': 'migrate-pause'}");
}

/* migrate-recover on the destination, then resume the source to it. */
static void pc_recover(Rig *r)
{
    g_autofree char *sock = tmp_path("recover.sock");
    g_autofree char *uri = r->netns ? g_strdup("tcp:10.99.0.2:0")
                                    : g_strdup_printf("unix:%s", sock);
    g_autofree char *listen = NULL;

    qmp_ok_fmt(r->to, "{'execute': 'migrate-recover', 'arguments': "
               "{'uri': %s}}", uri);
    migrate_wait_status(r->to, "postcopy-recover-setup", NULL);
    listen = migrate_get_listen_uri(r->to);
    qmp_ok_fmt(r->from, "{'execute': 'migrate', 'arguments': "
               "{'uri': %s, 'resume': true}}", listen);
}

/* Inodes of the listening unix sockets in @who's network namespace. */
static GHashTable *unix_listeners(QTestState *who)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/net/unix",
                                            (int)qtest_pid(who));
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal,
                                            g_free, NULL);

    g_assert(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (int i = 1; lines[i]; i++) {
        /* Num RefCount Protocol Flags Type St Inode [Path] */
        g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " ", -1);
        GPtrArray *w = g_ptr_array_new();

        for (int j = 0; f[j]; j++) {
            if (*f[j]) {
                g_ptr_array_add(w, f[j]);
            }
        }
        if (w->len >= 7 && g_str_equal(w->pdata[3], "00010000")) {
            g_hash_table_add(set, g_strdup_printf("socket:[%s]",
                                                  (char *)w->pdata[6]));
        }
        g_ptr_array_free(w, true);
    }
    return set;
}

/*
 * Connected sockets of @who: what a dead channel would leave behind.  A
 * listener is not counted: a paused destination keeps the one it
 * listened on (migrate-recover replaces it), as QEMU's does.
 */
static int count_sockets(QTestState *who)
{
    g_autofree char *dir = g_strdup_printf("/proc/%d/fd",
                                           (int)qtest_pid(who));
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GHashTable) listeners = unix_listeners(who);
    const char *name;
    int n = 0;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, name, NULL);
        g_autofree char *t = g_file_read_link(p, NULL);

        n += t && g_str_has_prefix(t, "socket:") &&
             !g_hash_table_contains(listeners, t);
    }
    return n;
}

/* Sockets back to @before within a bounded while. */
static void check_sockets(QTestState *who, int before)
{
    gint64 end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    while (count_sockets(who) > before) {
        if (g_get_monotonic_time() > end) {
            g_autofree char *fds = proc_fd_list(who);

            g_test_message("sockets %d -> %d:%s", before,
                           count_sockets(who), fds);
        }
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(50 * 1000);
    }
}

static void test_postcopy_fault(const void *opaque)
{
    const FaultCase *fc = opaque;
    bool src_kill = fc->fault == F__MAX;
    Rig r = { .fc = fc };
    g_autoptr(GRand) rand = g_rand_new_with_seed(0x9c);
    g_autofree char *err = NULL;
    g_autofree char *rs = NULL;
    g_autoptr(QDict) reply = NULL;
    ProcCounts src_before, dst_before;
    int src_socks, dst_socks;
    guint8 after[32];

    if (!mig_uffd_ok()) {
        return;
    }
    r.oob_path = tmp_path("oob.sock");
    if (src_kill) {
        Rig unix_rig = { .fc = &(FaultCase) { .fault = F_DST_KILL } };

        unix_rig.oob_path = r.oob_path;
        rig_transport(&unix_rig);
        r.from = unix_rig.from;
        r.to = unix_rig.to;
        r.uri = unix_rig.uri;
    } else if (!rig_transport(&r)) {
        rig_cleanup(&r);
        return;
    }
    mig_qmp_client_open(&r.oob, r.oob_path, true);
    set_both(&r, "postcopy-ram", true);
    src_before = proc_counts(r.from);
    dst_before = proc_counts(r.to);
    src_socks = count_sockets(r.from);
    dst_socks = count_sockets(r.to);
    rig_listen(&r);
    mig_ram_fill(r.from, 0, FSIZE, 0x9c0f + fc->fault, 16);
    migrate_ensure_non_converge(r.from);
    migrate_set_parameter_int(r.from, "max-postcopy-bandwidth", ACTIVE_BW);
    migrate_qmp(r.from, r.uri, NULL);
    migrate_wait_passes(r.from, 1);
    mig_ram_dirty_some(r.from, 0, FSIZE, rand, 64);
    qmp_ok_fmt(r.from, "{'execute': 'migrate-start-postcopy'}");
    migrate_wait_status(r.from, "postcopy-active", NULL);
    migrate_wait_status(r.to, "postcopy-active", NULL);
    wait_runstate(r.to, "running");
    /* the source is stopped: its RAM is what the guest must get */
    ram_digest(r.from, r.digest);
    /* a few pages asked for and placed before the fault */
    mig_ram_compare(r.from, r.to, 0, FSIZE / 16);

    switch (src_kill ? F__MAX : fc->fault) {
    case F_DST_KILL:
        qtest_kill_qemu(r.to);
        migrate_end(NULL, r.to);
        r.to = NULL;
        migrate_wait_status(r.from, "postcopy-paused", NULL);
        err = migrate_query_error(r.from);
        g_test_message("source error-desc: %s", err);
        g_assert(err && *err);
        rs = query_runstate(r.from);
        g_assert_cmpstr(rs, ==, "finish-migrate");
        g_free(err);
        err = qmp_expect_error(r.from, "{'execute': 'migrate_cancel'}");
        g_assert_cmpstr(err, ==, "Postcopy migration in progress, cannot "
                        "cancel.");
        ram_digest(r.from, after);
        g_assert(memcmp(r.digest, after, sizeof(after)) == 0);
        /* the channels are gone; the paused thread waits for a resume */
        check_sockets(r.from, src_socks);
        g_assert_cmpint(proc_counts(r.from).threads, <=,
                        src_before.threads + 1);
        break;
    case F__MAX:
        qtest_kill_qemu(r.from);
        migrate_end(r.from, NULL);
        r.from = NULL;
        migrate_wait_status(r.to, "postcopy-paused", NULL);
        err = migrate_query_error(r.to);
        g_test_message("destination error-desc: %s", err);
        g_assert(err && *err);
        rs = query_runstate(r.to);
        g_assert_cmpstr(rs, ==, "running");
        check_sockets(r.to, dst_socks);
        /* it answers, and refuses what needs a running migration */
        g_free(err);
        err = qmp_expect_error(r.to, "{'execute': 'migrate-incoming',"
                               " 'arguments': {'uri': %s}}", r.uri);
        g_test_message("destination, paused: %s", err);
        break;
    case F_DST_STOP:
    case F_LINK_CUT:
        if (fc->fault == F_DST_STOP) {
            dst_stop(&r);
        } else {
            link_down(&r);
        }
        g_usleep(STALL_MS * 1000);
        /* migrate-pause is allowed out of band, as in QEMU */
        mig_qmp_client_send(&r.oob, "{\"exec-oob\": \"migrate-pause\"}");
        reply = mig_qmp_client_reply(&r.oob, NULL);
        g_assert(qdict_haskey(reply, "return"));
        migrate_wait_status(r.from, "postcopy-paused", NULL);
        dst_cont(&r);
        if (fc->fault == F_LINK_CUT) {
            /* nothing reaches it: it learns from its own migrate-pause */
            pc_pause(&r, r.to);
            ns_enter(r.net.b);
            run_cmd("ip link set vb up");
            ns_enter(r.net.a);
        }
        mig_postcopy_wait_paused(r.from, r.to);
        err = migrate_query_error(r.from);
        g_test_message("source error-desc: %s", err);
        g_assert(err && *err);
        pc_recover(&r);
        migrate_wait_status(r.from, "postcopy-active", NULL);
        mig_postcopy_finish(r.from, r.to, FSIZE);
        ram_digest(r.to, after);
        g_assert(memcmp(r.digest, after, sizeof(after)) == 0);
        check_no_leak(r.from, src_before);
        check_no_leak(r.to, dst_before);
        break;
    default:
        g_assert_not_reached();
    }
    faults_survived++;
    rig_cleanup(&r);
}

static void add_postcopy_case(Fault f)
{
    FaultCase *fc = g_new0(FaultCase, 1);
    g_autofree char *path = NULL;

    fc->fault = f;
    path = g_strdup_printf("/migration/fault/postcopy/%s/postcopy-active",
                           f == F__MAX ? "src-kill" : fault_names[f]);
    qtest_add_data_func(path, fc, test_postcopy_fault);
}

/* ------------------------------------------------------------ main */

static void add_case(Fault f, Phase ph, bool multifd)
{
    FaultCase *fc = g_new0(FaultCase, 1);
    g_autofree char *path = NULL;

    fc->fault = f;
    fc->phase = ph;
    fc->multifd = multifd;
    path = g_strdup_printf("/migration/fault/%s%s/%s",
                           multifd ? "multifd/" : "", fault_names[f],
                           phase_names[ph]);
    qtest_add_data_func(path, fc, test_fault);
}

static void add_src_case(Phase ph, bool multifd)
{
    FaultCase *fc = g_new0(FaultCase, 1);
    g_autofree char *path = NULL;

    fc->phase = ph;
    fc->multifd = multifd;
    path = g_strdup_printf("/migration/fault/%ssrc-kill/%s",
                           multifd ? "multifd/" : "", phase_names[ph]);
    qtest_add_data_func(path, fc, test_src_killed);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    migration_framework_init();
    /* a dead peer must give EPIPE, not kill the test */
    signal(SIGPIPE, SIG_IGN);

    for (Fault f = 0; f < F__MAX; f++) {
        for (Phase ph = 0; ph < PH__MAX; ph++) {
            add_case(f, ph, false);
        }
    }
    for (Phase ph = 0; ph < PH__MAX; ph++) {
        add_src_case(ph, false);
    }
    add_case(F_DST_KILL, PH_ACTIVE, true);
    add_case(F_DST_STOP, PH_ACTIVE, true);
    add_src_case(PH_ACTIVE, true);
    add_postcopy_case(F_DST_KILL);
    add_postcopy_case(F__MAX);          /* src-kill */
    add_postcopy_case(F_DST_STOP);
    add_postcopy_case(F_LINK_CUT);

    ret = g_test_run();
    g_test_message("faults survived: %u", faults_survived);
    return ret;
}

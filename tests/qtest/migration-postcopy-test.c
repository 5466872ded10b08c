/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy migration between two Tern processes on qtest: the switch
 * with migrate-start-postcopy after a first pass, a qtest reader on the
 * destination that touches pages which have not arrived (they are
 * requested and placed while it waits), RAM compared page by page, the
 * states and events both sides show, and the refusals.
 */
#include "qemu/osdep.h"
#include <linux/magic.h>
#include <sys/vfs.h>
#include "migration/framework.h"
#include "qapi/error.h"
#include "qobject/qlist.h"

#define PC_MEM  "32M"
#define PC_SIZE (32ULL << 20)

static char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/%s", mig_tmpdir(), name);
}

/* Wait until @who's migration status is @status (bounded). */
static void wait_status(QTestState *who, const char *status)
{
    static const char *const bad[] = { "failed", "cancelled", NULL };

    migrate_wait_status(who, status, bad);
}

/*
 * Start a precopy that cannot converge, let it send a first pass, dirty
 * some pages, and switch to postcopy.  The background stream is kept
 * slow (max-postcopy-bandwidth) so that the destination's reader finds
 * pages missing.
 */
static void postcopy_start_full(QTestState **from, QTestState **to,
                                const char *uri, const MigrateStart *args,
                                bool release_ram, bool preempt,
                                uint8_t **snapshot)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(7);

    /* postcopy-preempt must be set before the destination listens. */
    migrate_start(from, to, preempt ? "defer" : uri, args);
    if (release_ram) {
        migrate_set_capability(*from, "release-ram", true);
    }
    migrate_set_capability(*from, "postcopy-ram", true);
    migrate_set_capability(*to, "postcopy-ram", true);
    if (preempt) {
        migrate_set_capability(*from, "postcopy-preempt", true);
        migrate_set_capability(*to, "postcopy-preempt", true);
        migrate_incoming_qmp(*to, uri, NULL);
    }
    migrate_set_capability(*to, "postcopy-blocktime", true);
    mig_ram_fill(*from, 0, PC_SIZE, 0x9c0b, 16);
    migrate_ensure_non_converge(*from);
    migrate_set_parameter_int(*from, "max-postcopy-bandwidth",
                              4 * 1000 * 1000);
    migrate_qmp(*from, uri, NULL);
    migrate_wait_passes(*from, 1);
    /* Redirtied after being sent: discarded, then sent again. */
    mig_ram_dirty_some(*from, 0, PC_SIZE, rand, 64);
    if (snapshot) {
        /* qtest is the only writer: this is what must arrive. */
        *snapshot = g_malloc(PC_SIZE);
        qtest_memread(*from, 0, *snapshot, PC_SIZE);
    }
    qmp_ok_fmt(*from, "{'execute': 'migrate-start-postcopy'}");
    wait_status(*from, "postcopy-active");
    wait_status(*to, "postcopy-active");
}

static void postcopy_start_snap(QTestState **from, QTestState **to,
                                const char *uri, const MigrateStart *args,
                                bool release_ram, uint8_t **snapshot)
{
    postcopy_start_full(from, to, uri, args, release_ram, false, snapshot);
}

static void postcopy_start_pair(QTestState **from, QTestState **to,
                                const char *uri, const MigrateStart *args)
{
    postcopy_start_snap(from, to, uri, args, false, NULL);
}

static bool buffer_is_zero_page(const uint8_t *p)
{
    for (int i = 0; i < 4096; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

static void test_postcopy_plain(void)
{
    g_autofree char *sock = tmp_path("pc.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = { .mem = PC_MEM, .events = true };
    QTestState *from, *to;
    g_autofree char *se = NULL, *de = NULL;
    g_autoptr(QDict) info = NULL;
    QDict *ram;

    if (!mig_uffd_ok()) {
        return;
    }
    postcopy_start_pair(&from, &to, uri, &args);
    /* The guest runs on the destination before its memory is there. */
    wait_runstate(to, "running");
    /* Every page read on the destination: most are not there yet. */
    mig_ram_compare(from, to, 0, PC_SIZE);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    wait_runstate(from, "postmigrate");

    info = migrate_query(from);
    ram = qdict_get_qdict(info, "ram");
    g_assert_cmpint(qdict_get_int(ram, "postcopy-requests"), >, 0);
    g_assert_cmpint(qdict_get_int(ram, "postcopy-bytes"), >, 0);
    g_assert_cmpint(qdict_get_int(ram, "precopy-bytes"), >, 0);
    g_assert(qdict_haskey(info, "downtime"));

    /* qtest has no vCPU thread: blocktime is there, and 0. */
    qobject_unref(info);
    info = migrate_query(to);
    g_assert_cmpint(qdict_get_int(info, "postcopy-blocktime"), ==, 0);

    se = migrate_collect_events(from);
    de = migrate_collect_events(to);
    g_assert_cmpstr(se, ==, "setup active postcopy-active completed");
    g_assert_cmpstr(de, ==, "active postcopy-active completed");
    /* Written after the switch on the destination: still there. */
    mig_ram_compare(from, to, 0, PC_SIZE);
    migrate_end(from, to);
}

/* Lines of @path that contain @what. */
static int count_lines_with(const char *path, const char *what)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    int n = 0;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return 0;
    }
    lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        n += strstr(lines[i], what) != NULL;
    }
    return n;
}

/*
 * postcopy-preempt: the requested pages travel on a second connection,
 * which the destination's preempt thread reads (its trace point counts
 * them); RAM read during postcopy is equal, the events are QEMU's.
 */
static void test_postcopy_preempt(void)
{
    g_autofree char *sock = tmp_path("pc-pre.sock");
    g_autofree char *trace = tmp_path("pc-pre.trace");
    g_autofree char *opts = g_strdup_printf("-trace enable=ram_load_preempt,"
                                            "file=%s", trace);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = { .mem = PC_MEM, .events = true,
                          .opts_target = opts };
    QTestState *from, *to;
    g_autofree char *se = NULL, *de = NULL;
    int pages;

    if (!mig_uffd_ok()) {
        return;
    }
    postcopy_start_full(&from, &to, uri, &args, false, true, NULL);
    wait_runstate(to, "running");
    mig_ram_compare(from, to, 0, PC_SIZE);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    wait_runstate(from, "postmigrate");
    se = migrate_collect_events(from);
    de = migrate_collect_events(to);
    g_assert_cmpstr(se, ==, "setup active postcopy-active completed");
    /* Events on before migrate-incoming: the destination says setup. */
    g_assert_cmpstr(de, ==, "setup active postcopy-active completed");
    g_assert_cmpint(migrate_ram_stat(from, "postcopy-requests"), >, 0);
    pages = count_lines_with(trace, "ram_load_preempt");
    g_test_message("%d pages on the preempt channel", pages);
    g_assert_cmpint(pages, >, 0);
    /* The preempt channel's bytes are in the totals too (QEMU's). */
    g_assert_cmpint(migrate_ram_stat(from, "postcopy-bytes"), >=,
                    (int64_t)pages * 4096);
    mig_ram_compare(from, to, 0, PC_SIZE);
    migrate_end(from, to);
}

/* Free huge pages of the default size, from /proc/meminfo (0: none). */
static long free_huge_pages(void)
{
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents("/proc/meminfo", &text, NULL, NULL) ||
        !(p = strstr(text, "HugePages_Free:"))) {
        return 0;
    }
    return strtol(p + strlen("HugePages_Free:"), NULL, 10);
}

/* Enough free huge pages for both sides' 32 MiB?  Else skip, saying so. */
static bool huge_ok(void)
{
    long free_pages = free_huge_pages();
    g_autofree char *why = NULL;

    if (free_pages >= 2 * 16) {
        return true;
    }
    why = g_strdup_printf("needs 32 free 2 MiB huge pages, %ld free (see "
                          "/proc/sys/vm/nr_hugepages)", free_pages);
    g_test_skip(why);
    return false;
}

#define PC_HUGE_MEM "-object memory-backend-memfd,id=mem0,size=32M," \
                    "hugetlb=on,hugetlbsize=2M -machine memory-backend=mem0"

/*
 * release-ram: each page sent in postcopy is dropped on the source, so
 * the destination holds the only copy; compared with a snapshot taken
 * just before the switch.  @data "hugetlb": on 2 MiB huge pages, each
 * dropped once sent whole.
 */
static void test_postcopy_release_ram(const void *data)
{
    bool huge = data && g_str_equal(data, "hugetlb");
    g_autofree char *sock = tmp_path("pc-rel.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = { .mem = PC_MEM,
                          .opts_source = huge ? PC_HUGE_MEM : NULL,
                          .opts_target = huge ? PC_HUGE_MEM : NULL };
    QTestState *from, *to;
    g_autofree uint8_t *want = NULL;
    g_autofree uint8_t *got = g_malloc(PC_SIZE);
    uint64_t released = 0;

    if (!mig_uffd_ok() || (huge && !huge_ok())) {
        return;
    }
    postcopy_start_snap(&from, &to, uri, &args, true, &want);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    qtest_memread(to, 0, got, PC_SIZE);
    g_assert(memcmp(got, want, PC_SIZE) == 0);
    /* Every page was filled: a zero page on the source was released. */
    qtest_memread(from, 0, got, PC_SIZE);
    for (uint64_t p = 0; p < PC_SIZE; p += 4096) {
        released += buffer_is_zero_page(got + p);
    }
    g_test_message("%" PRIu64 " pages released", released);
    g_assert_cmpuint(released, >, 0);
    g_assert_cmpuint(released * 4096, <=,
                     migrate_ram_stat(from, "postcopy-bytes"));
    migrate_end(from, to);
}

/*
 * The destination dies during postcopy: the guest only lived there, so
 * the source must not run it again.  As QEMU 10.0's, it says
 * postcopy-paused, stays in finish-migrate, and query-migrate shows the
 * paused migration's figures (total time, downtime, RAM) and the error
 * that broke it; it refuses a cancel, and a resume to the dead address
 * leaves it paused.
 */
static void test_postcopy_dest_killed(void)
{
    g_autofree char *sock = tmp_path("pc-kill.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = { .mem = PC_MEM };
    QTestState *from, *to;
    g_autofree char *st = NULL, *rs = NULL, *e1 = NULL, *e2 = NULL;
    g_autoptr(QDict) info = NULL;
    QDict *ram;

    if (!mig_uffd_ok()) {
        return;
    }
    postcopy_start_pair(&from, &to, uri, &args);
    /* Some pages went in postcopy before it died. */
    mig_ram_compare(from, to, 0, PC_SIZE / 16);
    qtest_kill_qemu(to);
    migrate_end(NULL, to);
    migrate_wait_status(from, "postcopy-paused", NULL);
    rs = query_runstate(from);
    g_assert_cmpstr(rs, ==, "finish-migrate");
    info = migrate_query(from);
    g_test_message("source error-desc: %s",
                   qdict_get_try_str(info, "error-desc"));
    g_assert(qdict_get_try_str(info, "error-desc"));
    g_assert(qdict_haskey(info, "total-time"));
    g_assert(qdict_haskey(info, "downtime"));
    g_assert(!qdict_haskey(info, "expected-downtime"));
    ram = qdict_get_qdict(info, "ram");
    g_assert(ram);
    g_assert_cmpint(qdict_get_int(ram, "postcopy-requests"), >, 0);
    g_assert_cmpint(qdict_get_int(ram, "remaining"), >, 0);
    e1 = qmp_expect_error(from, "{'execute': 'migrate_cancel'}");
    g_assert_cmpstr(e1, ==, "Postcopy migration in progress, cannot "
                    "cancel.");
    /* Nobody listens any more: the resume fails, still paused. */
    qmp_ok_fmt(from, "{'execute': 'migrate', 'arguments': "
               "{'uri': %s, 'resume': true}}", uri);
    e2 = migrate_query_error(from);
    migrate_wait_status(from, "postcopy-paused", NULL);
    st = migrate_query_status(from);
    g_assert_cmpstr(st, ==, "postcopy-paused");
    g_free(rs);
    rs = query_runstate(from);
    g_assert_cmpstr(rs, ==, "finish-migrate");
    migrate_end(from, NULL);
}

/* Is a thread named @name still in process @pid? */
static bool thread_alive(pid_t pid, const char *name)
{
    g_autofree char *dir = g_strdup_printf("/proc/%d/task", (int)pid);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *tid;
    bool found = false;

    while (d && !found && (tid = g_dir_read_name(d))) {
        g_autofree char *path = g_strdup_printf("%s/%s/comm", dir, tid);
        g_autofree char *comm = NULL;

        if (g_file_get_contents(path, &comm, NULL, NULL)) {
            found = g_str_equal(g_strstrip(comm), name);
        }
    }
    return found;
}

/*
 * A device section in the package that the destination cannot load
 * (the source has a device the destination lacks): the destination
 * fails after LISTEN and before RUN, naming the section; with
 * exit-on-error=false it stays up, its postcopy threads gone, its
 * guest never started.  The source hears it on the return path and, as
 * QEMU's, goes postcopy-paused: it cannot tell whether the guest ran.
 */
static void test_postcopy_device_fail(void)
{
    g_autofree char *sock = tmp_path("pc-dev.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = {
        .machine = "tern", .mem = PC_MEM, .events = true,
        .opts_source = "-device isa-debugcon,iobase=0x402",
    };
    QTestState *from, *to;
    g_autofree char *err = NULL, *serr = NULL, *de = NULL, *rs = NULL;
    g_autofree char *rd = NULL;
    g_autoptr(QDict) info = NULL;
    gint64 end;

    if (!mig_uffd_ok()) {
        return;
    }
    migrate_start(&from, &to, "defer", &args);
    migrate_set_capability(from, "postcopy-ram", true);
    migrate_set_capability(to, "postcopy-ram", true);
    qmp_ok_fmt(to, "{'execute': 'migrate-incoming', 'arguments': "
               "{'uri': %s, 'exit-on-error': false}}", uri);
    mig_ram_fill(from, MIG_GUEST_START, 16 << 20, 0x5eed, 16);
    migrate_ensure_non_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_passes(from, 1);
    qmp_ok_fmt(from, "{'execute': 'migrate-start-postcopy'}");

    err = migrate_wait_failed(to);
    g_test_message("destination: %s", err);
    g_assert(strstr(err, "'isa-debugcon'"));
    de = migrate_collect_events(to);
    g_assert_cmpstr(de, ==, "setup active postcopy-active failed");
    rd = query_runstate(to);
    g_assert_cmpstr(rd, ==, "inmigrate");
    /* LISTEN undone: no thread is left waiting. */
    end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;
    while ((thread_alive(qtest_pid(to), "postcopy/listen") ||
            thread_alive(qtest_pid(to), "postcopy/fault")) &&
           g_get_monotonic_time() < end) {
        g_usleep(20 * 1000);
    }
    g_assert(!thread_alive(qtest_pid(to), "postcopy/listen"));
    g_assert(!thread_alive(qtest_pid(to), "postcopy/fault"));

    migrate_wait_status(from, "postcopy-paused", NULL);
    rs = query_runstate(from);
    g_assert_cmpstr(rs, !=, "running");
    info = migrate_query(from);
    serr = g_strdup(qdict_get_try_str(info, "error-desc"));
    g_assert(serr);
    g_test_message("source: %s", serr);
    migrate_end(from, to);
}

/*
 * Postcopy from @args's source to its destination fails at ADVISE with
 * @expect in the destination's error, before any RAM is placed: a plain
 * failure on both sides, and the source's guest runs on.
 */
static void postcopy_advise_refused(MigrateStart *args, const char *uri,
                                    const char *expect)
{
    QTestState *from, *to;
    g_autofree char *derr = NULL, *serr = NULL, *rs = NULL;

    migrate_start(&from, &to, "defer", args);
    migrate_set_capability(from, "postcopy-ram", true);
    migrate_set_capability(to, "postcopy-ram", true);
    qmp_ok_fmt(to, "{'execute': 'migrate-incoming', 'arguments': "
               "{'uri': %s, 'exit-on-error': false}}", uri);
    /*
     * Kept from converging: a precopy done before the refusal came back
     * would leave the source stopped (the destination might run it).
     * Zero pages cost the rate limit almost nothing, so without data
     * the first pass of an idle 32 MiB could end at once: 32 MiB of
     * data at 8 MB/s take four seconds.
     */
    mig_ram_fill(from, 0, PC_SIZE, 0x4ad1, 16);
    migrate_ensure_non_converge(from);
    migrate_qmp(from, uri, NULL);
    derr = migrate_wait_failed(to);
    g_test_message("destination: %s", derr);
    g_assert(strstr(derr, expect));
    serr = migrate_wait_failed(from);
    g_test_message("source: %s", serr);
    rs = query_runstate(from);
    g_assert_cmpstr(rs, ==, "running");
    migrate_end(from, to);
}

/*
 * Guest RAM on 2 MiB huge pages (memory-backend-memfd hugetlb=on) on both
 * sides: pages redirtied after the first pass make their whole huge page
 * dropped and sent again; the destination asks for huge pages and places
 * each one whole once all its target pages are there, while the qtest
 * reader waits in the fault; RAM is compared page by page.  The same
 * with postcopy-preempt; to a destination on small pages it fails at
 * ADVISE.
 */
static void test_postcopy_hugetlb(void)
{
    g_autofree char *sock = tmp_path("pc-huge.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = { .mem = PC_MEM, .events = true,
                          .opts_source = PC_HUGE_MEM,
                          .opts_target = PC_HUGE_MEM };
    QTestState *from, *to;
    g_autofree char *se = NULL, *de = NULL, *trace = NULL, *opts = NULL;
    int pages;

    if (!mig_uffd_ok() || !huge_ok()) {
        return;
    }
    postcopy_start_pair(&from, &to, uri, &args);
    wait_runstate(to, "running");
    mig_postcopy_finish(from, to, PC_SIZE);
    g_assert_cmpint(migrate_ram_stat(from, "postcopy-requests"), >, 0);
    se = migrate_collect_events(from);
    de = migrate_collect_events(to);
    g_assert_cmpstr(se, ==, "setup active postcopy-active completed");
    g_assert_cmpstr(de, ==, "active postcopy-active completed");
    migrate_end(from, to);

    /*
     * With postcopy-preempt: each channel carries huge pages whole and
     * the destination puts each channel's together apart; requested
     * huge pages come on the preempt channel while the background
     * stream's are on the main one.
     */
    trace = tmp_path("pc-huge-pre.trace");
    opts = g_strdup_printf("%s -trace enable=ram_load_preempt,file=%s",
                           PC_HUGE_MEM, trace);
    args.opts_target = opts;
    postcopy_start_full(&from, &to, uri, &args, false, true, NULL);
    wait_runstate(to, "running");
    mig_postcopy_finish(from, to, PC_SIZE);
    pages = count_lines_with(trace, "ram_load_preempt");
    g_test_message("%d pages on the preempt channel", pages);
    g_assert_cmpint(pages, >, 0);
    g_assert_cmpint(pages % (2 * MiB / 4096), ==, 0);
    migrate_end(from, to);

    /*
     * A destination on small pages refuses the source's huge ones at
     * ADVISE, before any RAM is placed: a plain failure on both sides,
     * and the source's guest runs on.
     */
    args.opts_target = NULL;
    postcopy_advise_refused(&args, uri, "Postcopy needs matching RAM page "
                            "sizes (s=200000 d=1000)");
}

/*
 * The test guest, which keeps rewriting 31 MiB, switched to postcopy:
 * its vCPU faults on pages that have not arrived (under KVM through the
 * kernel's guest page tables, under tcg on the host mapping the
 * translator reads and writes), its serial output goes on on the
 * destination while RAM still flows, its pattern is intact at the end,
 * and the destination reports blocktime for its one vCPU.
 * @data: the accelerator.
 */
static void test_postcopy_guest(const void *data)
{
    const char *accel = data;
    MigrateStart src_args = {
        .machine = "tern", .mem = "64M", .guest = true, .accel = accel,
    };
    MigrateStart args = {
        .machine = "tern", .mem = "64M", .guest = true, .only_target = true,
        .accel = accel,
    };
    g_autofree char *sock = tmp_path("pc-kvm.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to, *unused;
    g_autoptr(QDict) info = NULL;
    QList *per_vcpu;
    size_t n;

    if (!mig_uffd_ok() || !mig_guest_ok(accel, accel)) {
        return;
    }
    migrate_start(&from, &unused, "defer", &src_args);
    migrate_end(NULL, unused);
    mig_wait_serial_grows(mig_vm_serial(from), 2);
    migrate_start(&from, &to, uri, &args);
    migrate_set_capability(from, "postcopy-ram", true);
    migrate_set_capability(to, "postcopy-ram", true);
    migrate_set_capability(to, "postcopy-blocktime", true);
    migrate_ensure_non_converge(from);
    migrate_set_parameter_int(from, "max-postcopy-bandwidth",
                              8 * 1000 * 1000);
    migrate_qmp(from, uri, NULL);
    migrate_wait_passes(from, 1);
    qmp_ok_fmt(from, "{'execute': 'migrate-start-postcopy'}");
    wait_status(from, "postcopy-active");
    wait_status(to, "postcopy-active");
    /* The guest runs on the destination while pages still arrive. */
    n = mig_serial_passes(mig_vm_serial(to));
    mig_wait_serial_grows(mig_vm_serial(to), n + 1);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    wait_runstate(from, "postmigrate");
    n = mig_serial_passes(mig_vm_serial(to));
    mig_wait_serial_grows(mig_vm_serial(to), n + 2);
    mig_check_guest_pattern(to);
    g_assert_cmpint(migrate_ram_stat(from, "postcopy-requests"), >, 0);

    info = migrate_query(to);
    g_assert(qdict_haskey(info, "postcopy-blocktime"));
    per_vcpu = qdict_get_qlist(info, "postcopy-vcpu-blocktime");
    g_assert(per_vcpu);
    g_assert_cmpint(qlist_size(per_vcpu), ==, 1);
    g_test_message("blocktime %" PRId64 " ms",
                   qdict_get_int(info, "postcopy-blocktime"));
    /* The source prints nothing more. */
    n = mig_serial_passes(mig_vm_serial(from));
    g_usleep(200 * 1000);
    g_assert_cmpuint(mig_serial_passes(mig_vm_serial(from)), ==, n);
    migrate_end(from, to);
}

/* Break the postcopy link as @how says; both ends go postcopy-paused. */
static void postcopy_break(QTestState *from, QTestState *to,
                           const char *how)
{
    g_autofree char *e1 = NULL;

    if (g_str_equal(how, "yank")) {
        qmp_ok_fmt(from, "{'execute': 'yank', 'arguments': {'instances':"
                   " [{'type': 'migration'}]}}");
    } else if (g_str_equal(how, "pause-dst")) {
        qmp_ok_fmt(to, "{'execute': 'migrate-pause'}");
    } else {
        qmp_ok_fmt(from, "{'execute': 'migrate-pause'}");
    }
    /* The guest stays on the destination, running. */
    mig_postcopy_wait_paused(from, to);
    /* Paused already: nothing to pause. */
    e1 = qmp_expect_error(from, "{'execute': 'migrate-pause'}");
    g_assert_cmpstr(e1, ==, "migrate-pause is currently only supported "
                    "during postcopy-active or postcopy-recover state");
}

/* migrate-recover on the destination, migrate resume=true on the source. */
static void postcopy_recover(QTestState *from, QTestState *to, int n)
{
    g_autofree char *name = g_strdup_printf("pc-rec%d.sock", n);
    g_autofree char *sock = tmp_path(name);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);

    qmp_ok_fmt(to, "{'execute': 'migrate-recover', 'arguments': "
               "{'uri': %s}}", uri);
    migrate_wait_status(to, "postcopy-recover-setup", NULL);
    qmp_ok_fmt(from, "{'execute': 'migrate', 'arguments': "
               "{'uri': %s, 'resume': true}}", uri);
}

/*
 * Recovery (QEMU's postcopy recovery): the link is broken on purpose
 * (migrate-pause on either side, or yank of the 'migration' instance),
 * both ends go postcopy-paused with the guest running on the
 * destination; migrate-recover and migrate resume=true continue from the
 * destination's received bitmaps.  @data "double": two breaks, and a
 * resume to an address nobody listens on in between, which leaves both
 * paused; "preempt": with postcopy-preempt, whose channel is made
 * again after the resume.  At the end every page read on the destination equals the
 * source (the missing ones are asked for after the recovery).
 */
static void test_postcopy_recovery(const void *data)
{
    const char *how = data;
    bool dbl = g_str_equal(how, "double");
    bool preempt = g_str_equal(how, "preempt");
    g_autofree char *sock = tmp_path("pc-pause.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *nowhere = g_strdup_printf("unix:%s/none.sock",
                                               mig_tmpdir());
    MigrateStart args = { .mem = PC_MEM, .events = true };
    QTestState *from, *to;
    g_autofree char *se = NULL, *de = NULL, *e1 = NULL;

    if (!mig_uffd_ok()) {
        return;
    }
    postcopy_start_full(&from, &to, uri, &args, false, preempt, NULL);
    wait_runstate(to, "running");
    e1 = qmp_expect_error(to, "{'execute': 'migrate-recover', "
                          "'arguments': {'uri': %s}}", uri);
    g_assert_cmpstr(e1, ==, "Migrate recover can only be run when "
                    "postcopy is paused.");
    postcopy_break(from, to, dbl || preempt ? "pause" : how);
    if (dbl) {
        /* Nobody there: the source stays paused and can try again. */
        qmp_ok_fmt(from, "{'execute': 'migrate', 'arguments': "
                   "{'uri': %s, 'resume': true}}", nowhere);
        migrate_wait_status(from, "postcopy-paused", NULL);
    }
    postcopy_recover(from, to, 1);
    migrate_wait_status(from, "postcopy-active", NULL);
    migrate_wait_status(to, "postcopy-active", NULL);
    if (dbl) {
        postcopy_break(from, to, "yank");
        postcopy_recover(from, to, 2);
    }
    /* Every page, most still on the source: asked for after recovery. */
    mig_postcopy_finish(from, to, PC_SIZE);
    se = migrate_collect_events(from);
    de = migrate_collect_events(to);
    g_test_message("source: %s", se);
    g_test_message("destination: %s", de);
    if (dbl) {
        g_assert_cmpstr(se, ==, "setup active postcopy-active "
                        "postcopy-paused postcopy-recover-setup "
                        "postcopy-paused postcopy-recover-setup "
                        "postcopy-recover postcopy-active postcopy-paused "
                        "postcopy-recover-setup postcopy-recover "
                        "postcopy-active completed");
        g_assert_cmpstr(de, ==, "active postcopy-active postcopy-paused "
                        "postcopy-recover-setup postcopy-recover "
                        "postcopy-active postcopy-paused "
                        "postcopy-recover-setup postcopy-recover "
                        "postcopy-active completed");
    } else {
        g_assert_cmpstr(se, ==, "setup active postcopy-active "
                        "postcopy-paused postcopy-recover-setup "
                        "postcopy-recover postcopy-active completed");
        /* With preempt the destination listened later: "setup" too. */
        g_assert_cmpstr(de + (preempt ? strlen("setup ") : 0), ==,
                        "active postcopy-active postcopy-paused "
                        "postcopy-recover-setup postcopy-recover "
                        "postcopy-active completed");
    }
    migrate_end(from, to);
}

/*
 * A resume issued the moment the source says postcopy-paused, three
 * times over (the destination listening again already).  The source
 * must have dropped the broken channels by then: a drop after the
 * resume took the new channel and its return path (read after being
 * freed, or the recovery hung).  The counters go on across the new
 * channels: "transferred" never goes back, and "postcopy-bytes" is no
 * wrapped-around difference.
 */
static void test_postcopy_resume_at_once(void)
{
    g_autofree char *sock = tmp_path("pc-once.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = { .mem = PC_MEM, .events = true };
    QTestState *from, *to;
    g_autofree char *se = NULL, *de = NULL;
    GString *expect = g_string_new("active postcopy-active");
    int64_t sent;

    if (!mig_uffd_ok()) {
        g_string_free(expect, true);
        return;
    }
    postcopy_start_full(&from, &to, uri, &args, false, false, NULL);
    wait_runstate(to, "running");
    for (int i = 1; i <= 3; i++) {
        g_autofree char *name = g_strdup_printf("pc-once%d.sock", i);
        g_autofree char *rsock = tmp_path(name);
        g_autofree char *ruri = g_strdup_printf("unix:%s", rsock);

        /* Some pages asked for and placed on this channel. */
        mig_ram_compare(from, to, (i - 1) * (PC_SIZE / 16), PC_SIZE / 16);
        sent = migrate_ram_stat(from, "transferred");
        qmp_ok_fmt(to, "{'execute': 'migrate-pause'}");
        wait_status(to, "postcopy-paused");
        qmp_ok_fmt(to, "{'execute': 'migrate-recover', 'arguments': "
                   "{'uri': %s}}", ruri);
        wait_status(to, "postcopy-recover-setup");
        for (;;) {
            g_autofree char *st = migrate_query_status(from);

            if (g_str_equal(st, "postcopy-paused")) {
                break;
            }
            g_assert_cmpstr(st, ==, "postcopy-active");
        }
        qmp_ok_fmt(from, "{'execute': 'migrate', 'arguments': "
                   "{'uri': %s, 'resume': true}}", ruri);
        wait_status(from, "postcopy-active");
        wait_status(to, "postcopy-active");
        g_assert_cmpint(migrate_ram_stat(from, "transferred"), >=, sent);
        g_string_append(expect, " postcopy-paused postcopy-recover-setup "
                        "postcopy-recover postcopy-active");
    }
    mig_postcopy_finish(from, to, PC_SIZE);
    g_assert_cmpint(migrate_ram_stat(from, "postcopy-bytes"), >, 0);
    g_assert_cmpint(migrate_ram_stat(from, "postcopy-bytes"), <,
                    4 * PC_SIZE);
    g_assert_cmpint(migrate_ram_stat(from, "transferred"), <,
                    8 * PC_SIZE);
    g_string_append(expect, " completed");
    se = migrate_collect_events(from);
    de = migrate_collect_events(to);
    g_assert_cmpstr(de, ==, expect->str);
    g_assert_true(g_str_has_prefix(se, "setup "));
    g_assert_cmpstr(se + strlen("setup "), ==, expect->str);
    g_string_free(expect, true);
    migrate_end(from, to);
}

/*
 * A destination whose guest RAM userfaultfd cannot take (a shared
 * mapping of a file on a disk file system: missing-page faults work only
 * on anonymous memory, shmem and hugetlbfs) refuses at POSTCOPY_ADVISE,
 * when the migration starts, naming the RAM block; the source fails and
 * its guest runs on.
 */
static void test_postcopy_dest_backend(void)
{
    g_autofree char *sock = tmp_path("pc-file.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *file = tmp_path("pc-file.mem");
    g_autofree char *opts = g_strdup_printf(
        "-object memory-backend-file,id=mem0,size=32M,mem-path=%s,"
        "share=on -machine memory-backend=mem0", file);
    MigrateStart args = { .mem = PC_MEM,
                          .opts_source = "-object memory-backend-memfd,"
                          "id=mem0,size=32M -machine memory-backend=mem0",
                          .opts_target = opts };
    struct statfs st;

    if (!mig_uffd_ok()) {
        return;
    }
    if (statfs(mig_tmpdir(), &st) || st.f_type == TMPFS_MAGIC ||
        st.f_type == HUGETLBFS_MAGIC) {
        g_test_skip("the temporary directory is on tmpfs or hugetlbfs, "
                    "whose files userfaultfd can register");
        return;
    }
    postcopy_advise_refused(&args, uri, "Postcopy: RAM block 'mem0' cannot "
                            "be registered with userfaultfd: ");
    unlink(file);
}

static void test_postcopy_refusals(void)
{
    g_autofree char *sock = tmp_path("pc-ref.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    MigrateStart args = { .mem = PC_MEM };
    QTestState *from, *to;
    g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;

    migrate_start(&from, &to, uri, &args);
    e1 = qmp_expect_error(from, "{'execute': 'migrate-start-postcopy'}");
    g_assert_cmpstr(e1, ==, "Enable postcopy with migrate_set_capability "
                    "before the start of migration");
    migrate_set_capability(from, "postcopy-ram", true);
    e2 = qmp_expect_error(from, "{'execute': 'migrate-start-postcopy'}");
    g_assert_cmpstr(e2, ==, "Postcopy must be started after migration "
                    "has been started");
    e3 = qmp_expect_error(from, "{'execute': 'migrate-set-capabilities',"
                          " 'arguments': {'capabilities': ["
                          "{'capability': 'x-ignore-shared', "
                          "'state': true}]}}");
    g_assert_cmpstr(e3, ==, "Postcopy is not compatible with "
                    "ignore-shared");
    /* QEMU 10.0 cannot mix them either. */
    e4 = qmp_expect_error(from, "{'execute': 'migrate-set-capabilities',"
                          " 'arguments': {'capabilities': ["
                          "{'capability': 'multifd', 'state': true}]}}");
    g_assert_cmpstr(e4, ==, "Postcopy is not yet compatible with multifd");
    migrate_end(from, to);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_framework_init();
    qtest_add_func("/migration/postcopy/plain", test_postcopy_plain);
    qtest_add_func("/migration/postcopy/refusals", test_postcopy_refusals);
    qtest_add_func("/migration/postcopy/refusals/dest-backend",
                   test_postcopy_dest_backend);
    qtest_add_data_func("/migration/postcopy/guest/kvm", "kvm",
                        test_postcopy_guest);
    qtest_add_data_func("/migration/postcopy/guest/tcg", "tcg",
                        test_postcopy_guest);
    qtest_add_func("/migration/postcopy/preempt", test_postcopy_preempt);
    qtest_add_data_func("/migration/postcopy/release-ram", NULL,
                        test_postcopy_release_ram);
    qtest_add_data_func("/migration/postcopy/release-ram/hugetlb", "hugetlb",
                        test_postcopy_release_ram);
    qtest_add_func("/migration/postcopy/hugetlb", test_postcopy_hugetlb);
    qtest_add_data_func("/migration/postcopy/recovery/pause", "pause",
                        test_postcopy_recovery);
    qtest_add_data_func("/migration/postcopy/recovery/pause-dst",
                        "pause-dst", test_postcopy_recovery);
    qtest_add_data_func("/migration/postcopy/recovery/yank", "yank",
                        test_postcopy_recovery);
    qtest_add_data_func("/migration/postcopy/recovery/preempt", "preempt",
                        test_postcopy_recovery);
    qtest_add_data_func("/migration/postcopy/recovery/double-failure",
                        "double", test_postcopy_recovery);
    qtest_add_func("/migration/postcopy/recovery/resume-at-once",
                   test_postcopy_resume_at_once);
    qtest_add_func("/migration/postcopy/failure/dest-killed",
                   test_postcopy_dest_killed);
    qtest_add_func("/migration/postcopy/failure/device-load",
                   test_postcopy_device_fail);
    return g_test_run();
}

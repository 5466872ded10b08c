/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd migration between two Tern processes (qtest, -M none): every
 * compression x {1, 2, 8} channels x {tcp, unix} with RAM compared byte
 * for byte, the zero-page-detection modes (the counters say where zero
 * pages went), the QEMU 7.2 dialect (a sync at every EOS), the thread
 * names, cancel and a killed destination (the source runs on), bad
 * handshakes and channel-count mismatches (the destination fails naming
 * the channel), the refusals that come before anything is sent, and the
 * KVM test guest (where /dev/kvm is usable).
 */
#include "qemu/osdep.h"
#include "migration/framework.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qobject/qlist.h"

#include <sys/socket.h>

#define MEM        "32M"
#define MEM_SIZE   (32ULL << 20)
/* The first half is filled with data; the rest stays zero. */
#define DATA_SIZE  (MEM_SIZE / 2)

static char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/%s", mig_tmpdir(), name);
}

static void set_multifd(QTestState *who, int channels,
                        const char *compression, const char *zpd)
{
    migrate_set_capability(who, "multifd", true);
    migrate_set_parameter_int(who, "multifd-channels", channels);
    migrate_set_parameter_str(who, "multifd-compression", compression);
    if (zpd) {
        migrate_set_parameter_str(who, "zero-page-detection", zpd);
    }
}

/* Start a pair with multifd on both sides, the destination listening. */
static void start_pair(QTestState **from, QTestState **to, int channels,
                       const char *compression, const char *zpd,
                       const char *listen, const char *opts)
{
    MigrateStart args = {
        .mem = MEM, .return_path = true,
        .opts_source = opts, .opts_target = opts,
    };

    migrate_start(from, to, "defer", &args);
    set_multifd(*from, channels, compression, zpd);
    set_multifd(*to, channels, compression, zpd);
    qmp_ok_fmt(*to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", listen);
}

typedef struct MultifdCase {
    const char *path;
    const char *compression;
    int channels;
    bool tcp;
    const char *zpd;            /* NULL: the default (multifd) */
    const char *opts;           /* extra arguments for both */
} MultifdCase;

typedef struct MultifdStats {
    int64_t transferred, multifd_bytes, normal, duplicate;
} MultifdStats;

static MultifdStats do_multifd(const MultifdCase *c)
{
    g_autofree char *sock = tmp_path("multifd.sock");
    g_autofree char *listen = c->tcp ? g_strdup("tcp:127.0.0.1:0")
                                     : g_strdup_printf("unix:%s", sock);
    g_autofree char *uri = NULL;
    g_autoptr(QDict) info = NULL;
    QDict *ram;
    QTestState *from, *to;
    MultifdStats st;

    start_pair(&from, &to, c->channels, c->compression, c->zpd, listen,
               c->opts);
    mig_ram_fill(from, 0, DATA_SIZE, 0x3f00 + c->channels, 4);
    migrate_ensure_converge(from);
    uri = migrate_get_listen_uri(to);
    migrate_qmp(from, uri, NULL);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    wait_runstate(to, "running");
    mig_ram_compare(from, to, 0, MEM_SIZE);

    info = migrate_query(from);
    ram = qdict_get_qdict(info, "ram");
    st.transferred = qdict_get_int(ram, "transferred");
    st.multifd_bytes = qdict_get_int(ram, "multifd-bytes");
    st.normal = qdict_get_int(ram, "normal");
    st.duplicate = qdict_get_int(ram, "duplicate");
    g_test_message("%s: transferred %" PRId64 " multifd %" PRId64
                   " normal %" PRId64 " duplicate %" PRId64, c->path,
                   st.transferred, st.multifd_bytes, st.normal,
                   st.duplicate);
    /* The pages went over the multifd channels. */
    g_assert_cmpint(st.normal, >=, DATA_SIZE / 4096);
    g_assert_cmpint(st.multifd_bytes, <=, st.transferred);
    if (g_str_equal(c->compression, "none")) {
        g_assert_cmpint(st.multifd_bytes, >=, DATA_SIZE);
    } else {
        /* A quarter of the data pages is half zeroes: it compresses. */
        g_assert_cmpint(st.multifd_bytes, <, DATA_SIZE);
        g_assert_cmpint(st.multifd_bytes, >, DATA_SIZE / 8);
    }
    /* The main channel carried no pages. */
    g_assert_cmpint(st.transferred - st.multifd_bytes, <, 4 * 1024 * 1024);
    migrate_end(from, to);
    return st;
}

static void test_multifd(gconstpointer opaque)
{
    do_multifd(opaque);
}

/* zero-page-detection: who looked for zero pages, by the counters. */
static void test_zero_page_modes(void)
{
    MultifdCase c = { .path = "zpd", .compression = "none", .channels = 2 };
    MultifdStats st;
    int64_t zero_pages = (MEM_SIZE - DATA_SIZE) / 4096;

    /* multifd: zero pages travel in packet headers, not the stream. */
    c.zpd = "multifd";
    st = do_multifd(&c);
    g_assert_cmpint(st.duplicate, >=, zero_pages);
    g_assert_cmpint(st.multifd_bytes, <, DATA_SIZE + DATA_SIZE / 8);
    g_assert_cmpint(st.transferred - st.multifd_bytes, <, 64 * 1024);

    /* legacy: ZERO records on the main channel (9 bytes or more each). */
    c.zpd = "legacy";
    st = do_multifd(&c);
    g_assert_cmpint(st.duplicate, >=, zero_pages);
    g_assert_cmpint(st.transferred - st.multifd_bytes, >=, zero_pages * 9);
    g_assert_cmpint(st.multifd_bytes, <, DATA_SIZE + DATA_SIZE / 8);

    /* none: every page is sent whole. */
    c.zpd = "none";
    st = do_multifd(&c);
    g_assert_cmpint(st.duplicate, ==, 0);
    g_assert_cmpint(st.multifd_bytes, >=, MEM_SIZE);
}

/* Without multifd, zero-page-detection=none sends zero pages whole too. */
static void test_zero_page_none_plain(void)
{
    MigrateStart args = { .mem = MEM };
    g_autofree char *sock = tmp_path("plain.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to;

    migrate_start(&from, &to, uri, &args);
    migrate_set_parameter_str(from, "zero-page-detection", "none");
    mig_ram_fill(from, 0, DATA_SIZE, 0x11, 4);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    mig_ram_compare(from, to, 0, MEM_SIZE);
    g_assert_cmpint(migrate_ram_stat(from, "duplicate"), ==, 0);
    g_assert_cmpint(migrate_ram_stat(from, "normal"), >=, MEM_SIZE / 4096);
    migrate_end(from, to);
}

/* The 'channels' argument on both sides. */
static void test_channels_arg(void)
{
    g_autofree char *sock = tmp_path("chan.sock");
    g_autofree char *ch = g_strdup_printf(
        "[{'channel-type': 'main', 'addr': {'transport': 'socket', "
        "'type': 'unix', 'path': '%s'}}]", sock);
    MigrateStart args = { .mem = MEM };
    QTestState *from, *to;

    migrate_start(&from, &to, "defer", &args);
    set_multifd(from, 4, "zstd", NULL);
    set_multifd(to, 4, "zstd", NULL);
    migrate_incoming_qmp(to, NULL, ch);
    mig_ram_fill(from, 0, DATA_SIZE, 0xc4, 2);
    migrate_ensure_converge(from);
    migrate_qmp(from, NULL, ch);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    mig_ram_compare(from, to, 0, MEM_SIZE);
    migrate_end(from, to);
}

/* Names of the source's migration threads, space-separated, sorted. */
static char *thread_names(QTestState *who)
{
    QDict *rsp = qtest_qmp(who, "{'execute': 'query-migrationthreads'}");
    QList *list = qdict_get_qlist(rsp, "return");
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    QListEntry *e;
    char *s;

    QLIST_FOREACH_ENTRY(list, e) {
        g_ptr_array_add(names, (char *)qdict_get_str(
                            qobject_to(QDict, qlist_entry_obj(e)), "name"));
    }
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    g_ptr_array_add(names, NULL);
    s = g_strjoinv(" ", (char **)names->pdata);
    qobject_unref(rsp);
    return s;
}

/* A migration over @sock, slow enough to be still going, one pass done. */
static void start_busy(QTestState **from, QTestState **to, const char *sock,
                       int channels, const char *compression)
{
    g_autofree char *path = tmp_path(sock);
    g_autofree char *listen = g_strdup_printf("unix:%s", path);

    start_pair(from, to, channels, compression, NULL, listen, NULL);
    mig_ram_fill(*from, 0, MEM_SIZE, channels, 1);
    migrate_ensure_non_converge(*from);
    migrate_qmp(*from, listen, NULL);
    migrate_wait_status(*from, "active", NULL);
    migrate_wait_passes(*from, 1);
}

/*
 * Cancel while the channels are busy: the source runs on with every
 * multifd thread gone, and migrates again afterwards.
 */
static void test_cancel(void)
{
    g_autofree char *names = NULL;
    g_autofree char *dst_err = NULL;
    QTestState *from, *to;

    start_busy(&from, &to, "cancel.sock", 4, "none");
    names = thread_names(from);
    g_test_message("threads: %s", names);
    g_assert(strstr(names, "live_migration"));
    for (int i = 0; i < 4; i++) {
        g_autofree char *n = g_strdup_printf("mig/src/send_%d", i);

        g_assert(strstr(names, n));
    }
    migrate_cancel(from);
    migrate_wait_status(from, "cancelled", (const char *[]){ "failed",
                                                              "completed",
                                                              NULL });
    wait_runstate(from, "running");
    g_clear_pointer(&names, g_free);
    names = thread_names(from);
    g_assert_cmpstr(names, ==, "");
    dst_err = migrate_wait_failed(to);
    g_test_message("destination error-desc: %s", dst_err);
    migrate_end(NULL, to);

    /* Again, to a new destination, to completion. */
    {
        g_autofree char *sock2 = tmp_path("cancel2.sock");
        g_autofree char *l2 = g_strdup_printf("unix:%s", sock2);
        MigrateStart args = { .mem = MEM, .only_target = true };

        migrate_start(&from, &to, "defer", &args);
        set_multifd(to, 4, "none", NULL);
        migrate_incoming_qmp(to, l2, NULL);
        migrate_ensure_converge(from);
        migrate_qmp(from, l2, NULL);
        migrate_wait_complete(from);
        migrate_wait_complete(to);
        mig_ram_compare(from, to, 0, MEM_SIZE);
    }
    migrate_end(from, to);
}

/* The destination dies mid-way: the source fails and runs on. */
static void test_dest_killed(void)
{
    g_autofree char *err = NULL;
    g_autofree char *names = NULL;
    QTestState *from, *to;

    start_busy(&from, &to, "killed.sock", 2, "zlib");
    qtest_kill_qemu(to);
    migrate_end(NULL, to);
    err = migrate_wait_failed(from);
    g_test_message("error-desc: %s", err);
    wait_runstate(from, "running");
    names = thread_names(from);
    g_assert_cmpstr(names, ==, "");
    migrate_end(from, NULL);
}

/* ------------------------------------------------------ bad handshakes */

static void init_packet(uint8_t *buf, uint32_t magic, uint32_t version,
                        uint8_t uuid_byte, uint8_t id)
{
    memset(buf, 0, 64);
    stl_be_p(buf, magic);
    stl_be_p(buf + 4, version);
    memset(buf + 8, uuid_byte, 16);
    buf[24] = id;
}

/*
 * A destination expecting 2 multifd channels on unix socket @name, kept
 * alive by a failed load; returns a connection to it.
 */
static int bad_target(QTestState **to, const char *name)
{
    MigrateStart args = { .mem = MEM, .only_target = true };
    g_autofree char *sock = tmp_path(name);
    g_autofree char *listen = g_strdup_printf("unix:%s", sock);
    QTestState *unused = NULL;

    migrate_start(&unused, to, "defer", &args);
    set_multifd(*to, 2, "none", NULL);
    qmp_ok_fmt(*to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", listen);
    return mig_unix_connect(sock);
}

/*
 * A destination with 2 multifd channels gets a connection sending @len
 * bytes of @data: its incoming migration fails, naming @cause.
 */
static void bad_connection(const void *data, size_t len, const char *cause)
{
    g_autofree char *err = NULL;
    QTestState *to;
    int fd = bad_target(&to, "bad.sock");

    g_assert_cmpint(write(fd, data, len), ==, len);
    shutdown(fd, SHUT_WR);
    err = migrate_wait_failed(to);
    g_test_message("error-desc: %s", err);
    g_assert(strstr(err, cause));
    /* The destination is still there and answers. */
    g_free(query_runstate(to));
    close(fd);
    migrate_end(NULL, to);
}

static void test_bad_handshakes(void)
{
    uint8_t buf[64];

    bad_connection("HELLO, WORLD", 12, "Incoming migration connection "
                   "starts with 0x48454c4c: neither the migration stream");
    init_packet(buf, 0x11223344, 2, 0, 0);
    bad_connection(buf, 64, "multifd connection 0: received packet version "
                   "2 expected 1");
    init_packet(buf, 0x11223344, 1, 0xab, 1);
    bad_connection(buf, 64, "multifd connection 0: received uuid "
                   "'abababab-abab-abab-abab-abababababab' and expected uuid "
                   "'00000000-0000-0000-0000-000000000000' for channel 1");
    init_packet(buf, 0x11223344, 1, 0, 2);
    bad_connection(buf, 64, "multifd connection 0: received channel id 2, "
                   "but only 2 channels (0-1) are expected");
    /* The multifd magic, then the connection closes mid-packet. */
    bad_connection(buf, 10, "multifd connection 0: no initial packet");
}

/* A packet header that is wrong fails the load, naming the channel. */
static void test_bad_packet(void)
{
    g_autofree char *err = NULL;
    QTestState *to;
    uint8_t init[64];
    g_autofree uint8_t *pkt = g_malloc0(1344);
    int fd = bad_target(&to, "badpkt.sock");

    init_packet(init, 0x11223344, 1, 0, 1);
    g_assert_cmpint(write(fd, init, 64), ==, 64);
    stl_be_p(pkt, 0x11223344);
    stl_be_p(pkt + 4, 1);
    stl_be_p(pkt + 12, 128);
    stl_be_p(pkt + 16, 1);
    stl_be_p(pkt + 20, 4096);
    strcpy((char *)pkt + 64, "no-such-block");
    g_assert_cmpint(write(fd, pkt, 1344), ==, 1344);
    err = migrate_wait_failed(to);
    g_test_message("error-desc: %s", err);
    g_assert(strstr(err, "multifd channel 1: unknown ram block "
                    "no-such-block"));
    close(fd);
    migrate_end(NULL, to);
}

/*
 * multifd-channels differ: with more on the destination, it fails once
 * the missing channels did not come in time; with fewer, the extra
 * channel is refused.  The source runs on either way.
 */
static void channels_mismatch(int src_channels, int dst_channels,
                              const char *cause)
{
    g_autofree char *sock = tmp_path("mismatch.sock");
    g_autofree char *listen = g_strdup_printf("unix:%s", sock);
    g_autofree char *err = NULL;
    g_autofree char *src_err = NULL;
    QTestState *from, *to;

    start_pair(&from, &to, src_channels, "none", NULL, listen, NULL);
    migrate_set_parameter_int(to, "multifd-channels", dst_channels);
    mig_ram_fill(from, 0, DATA_SIZE, 0x77, 8);
    migrate_ensure_converge(from);
    migrate_qmp(from, listen, NULL);
    err = migrate_wait_failed(to);
    g_test_message("destination error-desc: %s", err);
    g_assert(strstr(err, cause));
    src_err = migrate_wait_failed(from);
    g_test_message("source error-desc: %s", src_err);
    wait_runstate(from, "running");
    migrate_end(from, to);
}

static void test_channels_fewer_on_source(void)
{
    channels_mismatch(2, 3, "multifd: 2 of 3 channels connected within "
                      "10000 ms; channel 2 never came");
}

static void test_channels_more_on_source(void)
{
    /* Refused by its id, or as a connection too many if it is last. */
    channels_mismatch(3, 2, "multifd-channels");
}

/* ------------------------------------------------------------ refusals */

static void test_refusals(void)
{
    MigrateStart args = { .mem = MEM, .only_target = false };
    QTestState *from, *to;
    g_autofree char *e1 = NULL;
    g_autofree char *e2 = NULL;
    g_autofree char *e3 = NULL;

    migrate_start(&from, &to, "defer", &args);
    migrate_set_capability(from, "multifd", true);
    e1 = migrate_qmp_fail(from, "exec:cat > /dev/null", NULL);
    g_assert_cmpstr(e1, ==, "Migration requires multi-channel URIs "
                    "(e.g. tcp)");
    e2 = qmp_expect_error(to, "{'execute': 'migrate-set-parameters', "
                          "'arguments': {'multifd-compression': 'qpl'}}");
    g_assert(strstr(e2, "'qpl'"));
    g_free(e1);
    e1 = query_runstate(from);
    g_assert_cmpstr(e1, ==, "running");
    migrate_end(from, to);

    /* The 7.2 dialect cannot carry zero pages in packets. */
    args.opts_source = "-global migration.multifd-flush-after-each-section=on";
    migrate_start(&from, &to, "defer", &args);
    migrate_set_capability(from, "multifd", true);
    migrate_set_parameter_str(from, "zero-page-detection", "multifd");
    e3 = migrate_qmp_fail(from, "unix:/nonexistent.sock", NULL);
    g_assert(strstr(e3, "zero-page-detection 'multifd' needs QEMU 9.0"));
    migrate_end(from, to);
}

/* ----------------------------------------------------------- zero copy */

/*
 * zero-copy-send over tcp: the pages go by MSG_ZEROCOPY.  Skips where
 * the kernel has no MSG_ZEROCOPY or the process may not lock the pages
 * (RLIMIT_MEMLOCK), which is what the migration then says.
 */
static void test_zero_copy(void)
{
    g_autofree char *err = NULL;
    g_autoptr(QDict) info = NULL;
    QTestState *from, *to;
    QDict *ram;

    start_pair(&from, &to, 2, "none", NULL, "tcp:127.0.0.1:0", NULL);
    migrate_set_capability(from, "zero-copy-send", true);
    mig_ram_fill(from, 0, DATA_SIZE, 0x2c, 4);
    migrate_ensure_converge(from);
    {
        g_autofree char *uri = migrate_get_listen_uri(to);

        migrate_qmp(from, uri, NULL);
    }
    for (int i = 0; i < MIG_WAIT_SECS * 50; i++) {
        g_autofree char *st = migrate_query_status(from);

        if (g_str_equal(st, "completed") || g_str_equal(st, "failed")) {
            break;
        }
        g_usleep(20 * 1000);
    }
    err = migrate_query_error(from);
    if (err) {
        g_test_message("error-desc: %s", err);
        if (strstr(err, "lock enough memory") ||
            strstr(err, "Zero copy send feature not detected")) {
            g_test_skip(err);
            migrate_end(from, to);
            return;
        }
        g_assert_not_reached();
    }
    migrate_wait_complete(to);
    mig_ram_compare(from, to, 0, MEM_SIZE);
    info = migrate_query(from);
    ram = qdict_get_qdict(info, "ram");
    g_assert(qdict_haskey(ram, "dirty-sync-missed-zero-copy"));
    g_test_message("dirty-sync-missed-zero-copy: %" PRId64,
                   qdict_get_int(ram, "dirty-sync-missed-zero-copy"));
    g_assert_cmpint(qdict_get_int(ram, "multifd-bytes"), >=, DATA_SIZE);
    migrate_end(from, to);
}

/* zero-copy-send is refused where it cannot work, before sending. */
static void test_zero_copy_refused(void)
{
    MigrateStart args = { .mem = MEM };
    g_autofree char *e1 = NULL;
    g_autofree char *e2 = NULL;
    QTestState *from, *to;

    migrate_start(&from, &to, "defer", &args);
    e1 = qmp_expect_error(from, "{'execute': 'migrate-set-capabilities', "
                          "'arguments': {'capabilities': [{'capability': "
                          "'zero-copy-send', 'state': true}]}}");
    g_assert_cmpstr(e1, ==, "Zero copy only available for non-compressed "
                    "non-TLS multifd migration");
    migrate_set_capability(from, "multifd", true);
    migrate_set_parameter_str(from, "multifd-compression", "zstd");
    e2 = qmp_expect_error(from, "{'execute': 'migrate-set-capabilities', "
                          "'arguments': {'capabilities': [{'capability': "
                          "'zero-copy-send', 'state': true}]}}");
    g_assert_cmpstr(e2, ==, e1);
    migrate_end(from, to);
}

/* ------------------------------------------------------ the KVM guest */

/*
 * The test guest, dirtying memory under KVM (tcg without /dev/kvm),
 * migrated with multifd: the destination runs it on and its pattern
 * holds.
 */
static void run_kvm_guest(int channels, const char *compression)
{
    MigrateStart args = {
        .machine = "tern", .mem = "64M", .guest = true,
        .accel = mig_guest_accel(), .return_path = true,
    };
    g_autofree char *sock = tmp_path("kvm.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to;
    size_t n;

    if (!mig_guest_ok(args.accel, args.accel)) {
        return;
    }
    migrate_start(&from, &to, "defer", &args);
    set_multifd(from, channels, compression, NULL);
    set_multifd(to, channels, compression, NULL);
    migrate_incoming_qmp(to, uri, NULL);
    mig_wait_serial_grows(mig_vm_serial(from), 2);
    mig_check_guest_pattern(from);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    wait_runstate(to, "running");
    g_assert_cmpint(migrate_ram_stat(from, "multifd-bytes"), >, 0);
    n = mig_serial_passes(mig_vm_serial(to));
    mig_wait_serial_grows(mig_vm_serial(to), n + 2);
    mig_check_guest_pattern(to);
    migrate_end(from, to);
}

static void test_kvm_guest(void)
{
    run_kvm_guest(4, "zstd");
}

/*
 * Without compression the pages are spliced: the destination reads
 * each one when it gets to it, maybe after the guest wrote it again;
 * the copy sent after the next sync point must still land last.
 */
static void test_kvm_guest_spliced(void)
{
    run_kvm_guest(2, "none");
}

/* --------------------------------------------------------------- cases */

static const MultifdCase cases[] = {
#define C(comp, n, tr, tcp) \
    { "/migration/multifd/" comp "/" #n "/" #tr, comp, n, tcp }
    C("none", 1, unix, false), C("none", 2, unix, false),
    C("none", 8, unix, false), C("none", 1, tcp, true),
    C("none", 2, tcp, true), C("none", 8, tcp, true),
    C("zlib", 1, unix, false), C("zlib", 2, unix, false),
    C("zlib", 8, unix, false), C("zlib", 1, tcp, true),
    C("zlib", 2, tcp, true), C("zlib", 8, tcp, true),
    C("zstd", 1, unix, false), C("zstd", 2, unix, false),
    C("zstd", 8, unix, false), C("zstd", 1, tcp, true),
    C("zstd", 2, tcp, true), C("zstd", 8, tcp, true),
#undef C
    /* QEMU 7.2's dialect: a sync at every EOS, zero pages on main. */
    { "/migration/multifd/dialect-7.2/none/4", "none", 4, true, "legacy",
      "-global migration.multifd-flush-after-each-section=on" },
    { "/migration/multifd/dialect-7.2/zstd/2", "zstd", 2, false, "legacy",
      "-global migration.multifd-flush-after-each-section=on" },
};

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_framework_init();

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        qtest_add_data_func(cases[i].path, &cases[i], test_multifd);
    }
    qtest_add_func("/migration/multifd/zero-page-detection",
                   test_zero_page_modes);
    qtest_add_func("/migration/precopy/zero-page-detection/none",
                   test_zero_page_none_plain);
    qtest_add_func("/migration/multifd/channels-arg", test_channels_arg);
    qtest_add_func("/migration/multifd/cancel", test_cancel);
    qtest_add_func("/migration/multifd/dest-killed", test_dest_killed);
    qtest_add_func("/migration/multifd/bad-handshake", test_bad_handshakes);
    qtest_add_func("/migration/multifd/bad-packet", test_bad_packet);
    qtest_add_func("/migration/multifd/channels/fewer-on-source",
                   test_channels_fewer_on_source);
    qtest_add_func("/migration/multifd/channels/more-on-source",
                   test_channels_more_on_source);
    qtest_add_func("/migration/multifd/refusals", test_refusals);
    qtest_add_func("/migration/multifd/kvm-guest", test_kvm_guest);
    qtest_add_func("/migration/multifd/kvm-guest-spliced",
                   test_kvm_guest_spliced);
    qtest_add_func("/migration/multifd/zero-copy", test_zero_copy);
    qtest_add_func("/migration/multifd/zero-copy/refused",
                   test_zero_copy_refused);
    return g_test_run();
}

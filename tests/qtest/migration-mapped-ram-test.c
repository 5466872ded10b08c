/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapped-ram file: migration between two Tern processes (qtest, -M
 * none): saved with 1, 2 and 4 multifd channels and without multifd,
 * loaded with and without, RAM compared byte for byte; the file's
 * layout (the header, the 1 MiB alignment, the pages at the offsets the
 * header says, the bitmap, the holes where zero pages are); a live
 * migration whose pages are written again; direct-io; the refusals QEMU
 * makes (a non-seekable URI, postcopy, xbzrle, compression) in its
 * words; corrupt headers, refused naming the field; and the KVM test
 * guest (where /dev/kvm is usable).
 */
#include "qemu/osdep.h"
#include "migration/framework.h"
#include "qemu/bswap.h"

#define MEM        "32M"
#define MEM_SIZE   (32ULL << 20)
/* The first half is filled with data; the rest stays zero. */
#define DATA_SIZE  (MEM_SIZE / 2)
#define PAGE       4096ULL
#define HDR_SIZE   28

static char *tmp_path(const char *name)
{
    return g_strdup_printf("%s/%s", mig_tmpdir(), name);
}

/* mapped-ram on, and multifd with @channels of them unless 0. */
static void set_mapped_ram(QTestState *who, int channels)
{
    migrate_set_capability(who, "mapped-ram", true);
    if (channels) {
        migrate_set_capability(who, "multifd", true);
        migrate_set_parameter_int(who, "multifd-channels", channels);
    }
}

/* The source, filled, migrated to @file; left stopped for comparing. */
static QTestState *save(const char *file, int channels, bool direct_io)
{
    MigrateStart args = { .mem = MEM, .only_target = false };
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    QTestState *from, *unused = NULL;

    migrate_start(&from, &unused, "defer", &args);
    migrate_end(NULL, unused);
    set_mapped_ram(from, channels);
    if (direct_io) {
        migrate_set_parameter_bool(from, "direct-io", true);
    }
    mig_ram_fill(from, 0, DATA_SIZE, 0x6a00 + channels, 4);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);
    return from;
}

/* A destination loading @file; returns it once started. */
static QTestState *load_start(const char *file, int channels,
                              bool direct_io)
{
    MigrateStart args = { .mem = MEM, .only_target = true };
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    QTestState *from = NULL, *to;

    migrate_start(&from, &to, "defer", &args);
    set_mapped_ram(to, channels);
    if (direct_io) {
        migrate_set_parameter_bool(to, "direct-io", true);
    }
    qmp_ok_fmt(to, "{'execute': 'migrate-incoming', 'arguments':"
               " {'uri': %s, 'exit-on-error': false}}", uri);
    return to;
}

/* ------------------------------------------------------ file layout */

typedef struct FileLayout {
    uint64_t hdr_at, bitmap_offset, pages_offset;
    const uint8_t *bitmap;
} FileLayout;

/*
 * Find the RAM block's entry in the size list: its length (be64), then
 * the header (be32 version 1, be64 page size 4096).
 */
static FileLayout find_header(const uint8_t *data, size_t len)
{
    uint8_t pat[20];
    FileLayout l = { 0 };

    stq_be_p(pat, MEM_SIZE);
    stl_be_p(pat + 8, 1);
    stq_be_p(pat + 12, PAGE);
    for (size_t i = 0; i + sizeof(pat) + 16 <= MIN(len, 64 * 1024); i++) {
        if (!memcmp(data + i, pat, sizeof(pat))) {
            l.hdr_at = i + 8;
            l.bitmap_offset = ldq_be_p(data + l.hdr_at + 12);
            l.pages_offset = ldq_be_p(data + l.hdr_at + 20);
            l.bitmap = data + l.bitmap_offset;
            return l;
        }
    }
    g_assert_not_reached();
}

/*
 * The file as QEMU lays it out: bitmap right after the header, pages at
 * the next 1 MiB, each data page at its place, zero pages not in the
 * bitmap and never written (holes).
 */
static void check_layout(const char *file, QTestState *from)
{
    g_autofree uint8_t *data = NULL;
    g_autofree uint8_t *page = g_malloc(PAGE);
    struct stat st;
    gsize len;
    FileLayout l;

    g_assert(g_file_get_contents(file, (char **)&data, &len, NULL));
    l = find_header(data, len);
    g_assert_cmpuint(l.bitmap_offset, ==, l.hdr_at + HDR_SIZE);
    g_assert_cmpuint(l.pages_offset % (1024 * 1024), ==, 0);
    g_assert_cmpuint(l.pages_offset, >=,
                     l.bitmap_offset + MEM_SIZE / PAGE / 8);
    g_assert_cmpuint(len, >, l.pages_offset + MEM_SIZE);
    for (uint64_t p = 0; p < MEM_SIZE / PAGE; p += 97) {
        bool present = l.bitmap[p / 8] & (1 << (p % 8));

        g_assert_cmpint(present, ==, p < DATA_SIZE / PAGE);
        if (present) {
            qtest_memread(from, p * PAGE, page, PAGE);
            g_assert(!memcmp(data + l.pages_offset + p * PAGE, page, PAGE));
        }
    }
    /* The zero half was never written: the file has a hole there. */
    g_assert(stat(file, &st) == 0);
    g_test_message("file size %" PRIu64 ", allocated %" PRIu64,
                   (uint64_t)st.st_size, (uint64_t)st.st_blocks * 512);
    g_assert_cmpuint((uint64_t)st.st_blocks * 512, <,
                     (uint64_t)st.st_size - (MEM_SIZE - DATA_SIZE) / 2);
}

/* ---------------------------------------------------- round trips */

typedef struct MappedRamCase {
    const char *path;
    int save_channels, load_channels;   /* 0: without multifd */
} MappedRamCase;

static void test_round_trip(gconstpointer opaque)
{
    const MappedRamCase *c = opaque;
    g_autofree char *file = tmp_path("mapped-ram");
    QTestState *from, *to;

    unlink(file);
    from = save(file, c->save_channels, false);
    migrate_wait_complete(from);
    wait_runstate(from, "postmigrate");
    if (c->save_channels) {
        g_assert_cmpint(migrate_ram_stat(from, "multifd-bytes"), >=,
                        DATA_SIZE);
    }
    g_assert_cmpint(migrate_ram_stat(from, "normal"), >=, DATA_SIZE / PAGE);
    g_assert_cmpint(migrate_ram_stat(from, "duplicate"), >=,
                    (MEM_SIZE - DATA_SIZE) / PAGE);
    check_layout(file, from);

    to = load_start(file, c->load_channels, false);
    migrate_wait_complete(to);
    wait_runstate(to, "running");
    mig_ram_compare(from, to, 0, MEM_SIZE);
    migrate_end(from, to);
    unlink(file);
}

/*
 * Live: pages written again after the first pass land on their old
 * copies, and data pages that became zero leave the bitmap.
 */
static void test_live(gconstpointer opaque)
{
    int channels = GPOINTER_TO_INT(opaque);
    MigrateStart args = { .mem = MEM, .only_target = false };
    g_autofree char *file = tmp_path("mapped-ram-live");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    g_autoptr(GRand) rand = g_rand_new_with_seed(77);
    QTestState *from, *to, *unused = NULL;
    struct stat st;

    unlink(file);
    migrate_start(&from, &unused, "defer", &args);
    migrate_end(NULL, unused);
    set_mapped_ram(from, channels);
    /*
     * The passes after the first are short and may find nothing dirty,
     * so the source can complete on its own while this test still
     * writes.  Writes are only certain to be in the file before
     * migrate-continue: the last sync comes after it.
     */
    migrate_set_capability(from, "pause-before-switchover", true);
    mig_ram_fill(from, 0, DATA_SIZE, 0x1ce, 2);
    migrate_ensure_non_converge(from);
    migrate_qmp(from, uri, NULL);
    /* RAM statistics exist from "active" on. */
    migrate_wait_status(from, "active", NULL);
    /*
     * Keep dirtying through a few passes (8 MB/s: each takes a while).
     * One short memset, not a 256 KiB write: under ASan that took longer
     * than the first pass, which then found nothing dirty and completed.
     */
    qtest_memset(from, 4 * PAGE, 0, 64 * PAGE);
    for (int i = 0; migrate_ram_stat(from, "dirty-sync-count") < 4; i++) {
        g_autofree char *st = migrate_query_status(from);

        if (!strcmp(st, "pre-switchover")) {
            break;      /* converged early; writes still count */
        }
        g_assert_cmpint(i, <, MIG_WAIT_SECS * 20);
        mig_ram_dirty_some(from, 0, MEM_SIZE, rand, 20);
        g_usleep(50 * 1000);
    }
    migrate_ensure_converge(from);
    migrate_wait_status(from, "pre-switchover", NULL);
    migrate_continue(from, "pre-switchover");
    migrate_wait_complete(from);
    wait_runstate(from, "postmigrate");
    /* Pages sent more than once still take one place each. */
    g_assert_cmpint(migrate_ram_stat(from, "normal"), >, DATA_SIZE / PAGE);
    g_assert(stat(file, &st) == 0);
    g_assert_cmpuint(st.st_size, <, MEM_SIZE + 4 * 1024 * 1024);

    to = load_start(file, channels, false);
    migrate_wait_complete(to);
    mig_ram_compare(from, to, 0, MEM_SIZE);
    migrate_end(from, to);
    unlink(file);
}

/* ---------------------------------------------------------- direct-io */

/* Does the test directory take O_DIRECT? */
static bool dir_has_direct_io(void)
{
    g_autofree char *probe = tmp_path("direct-io-probe");
    int fd = open(probe, O_CREAT | O_WRONLY | O_DIRECT, 0600);

    if (fd >= 0) {
        close(fd);
    }
    unlink(probe);
    return fd >= 0;
}

/*
 * direct-io: the multifd channels' handles are O_DIRECT.  Where the
 * filesystem refuses O_DIRECT the migration fails saying so.
 */
static void test_direct_io(void)
{
    g_autofree char *file = tmp_path("mapped-ram-dio");
    QTestState *from, *to;

    unlink(file);
    from = save(file, 2, true);
    if (!dir_has_direct_io()) {
        g_autofree char *err = migrate_wait_failed(from);

        g_test_message("%s", err);
        g_assert(strstr(err, "direct-io"));
        g_assert(strstr(err, "O_DIRECT"));
        wait_runstate(from, "running");
        migrate_end(from, NULL);
        g_test_skip("the test directory's filesystem has no O_DIRECT: "
                    "checked the refusal only");
        return;
    }
    migrate_wait_complete(from);
    to = load_start(file, 2, true);
    migrate_wait_complete(to);
    mig_ram_compare(from, to, 0, MEM_SIZE);
    migrate_end(from, to);
    unlink(file);
}

/* ----------------------------------------------------------- refusals */

static const struct {
    const char *cap, *expect;
} cap_refusals[] = {
    { "postcopy-ram", "Mapped-ram migration is incompatible with postcopy" },
    { "xbzrle", "Mapped-ram migration is incompatible with xbzrle" },
};

static void test_refusals(void)
{
    MigrateStart args = { .mem = MEM };
    g_autofree char *sock = tmp_path("mapped-ram.sock");
    g_autofree char *unix_uri = g_strdup_printf("unix:%s", sock);
    QTestState *from, *to;
    char *e;

    migrate_start(&from, &to, "defer", &args);
    set_mapped_ram(from, 2);
    set_mapped_ram(to, 2);
    e = migrate_qmp_fail(from, unix_uri, NULL);
    g_assert_cmpstr(e, ==, "Migration requires seekable transport (e.g. "
                    "file)");
    g_free(e);
    e = migrate_qmp_fail(from, "exec:cat >/dev/null", NULL);
    g_assert_cmpstr(e, ==, "Migration requires seekable transport (e.g. "
                    "file)");
    g_free(e);
    e = qmp_expect_error(to, "{'execute': 'migrate-incoming', 'arguments':"
                         " {'uri': %s}}", unix_uri);
    g_assert_cmpstr(e, ==, "Migration requires seekable transport (e.g. "
                    "file)");
    g_free(e);
    /* (multifd refuses postcopy and xbzrle by itself) */
    migrate_set_capability(from, "multifd", false);
    for (size_t i = 0; i < ARRAY_SIZE(cap_refusals); i++) {
        e = qmp_expect_error(from, "{'execute': 'migrate-set-capabilities', "
                             "'arguments': {'capabilities': [{'capability':"
                             " %s, 'state': true}]}}", cap_refusals[i].cap);
        g_assert_cmpstr(e, ==, cap_refusals[i].expect);
        g_free(e);
    }
    e = qmp_expect_error(from, "{'execute': 'migrate-set-parameters', "
                         "'arguments': {'multifd-compression': 'zlib'}}");
    g_assert_cmpstr(e, ==, "Mapped-ram only available for non-compressed "
                    "non-TLS multifd migration");
    g_free(e);
    e = query_runstate(from);
    g_assert_cmpstr(e, ==, "running");
    g_free(e);
    migrate_end(from, to);
}

/* ------------------------------------------------------ corrupt files */

typedef struct Corruption {
    const char *what;
    int field_at;           /* in the header */
    int width;              /* 4 or 8 */
    uint64_t value;         /* as is; UINT64_MAX: past the end of file */
    const char *expect;     /* in the destination's error */
} Corruption;

static const Corruption corruptions[] = {
    { "version", 0, 4, 2, "version not supported (expected 1, got 2)" },
    { "page size", 4, 8, 8192, "page_size 8192 in the header" },
    { "bitmap", 12, 8, UINT64_MAX, "bitmap_offset" },
    { "pages", 20, 8, UINT64_MAX, "of pages is beyond the end" },
    { "alignment", 20, 8, 1 * 1024 * 1024 + 512, "bad alignment" },
};

/*
 * One good file, then each corruption of its header: the load fails
 * naming the field, and the destination stays up to say so.
 */
static void test_corrupt_header(void)
{
    g_autofree char *good = tmp_path("mapped-ram-good");
    g_autofree char *bad = tmp_path("mapped-ram-bad");
    g_autofree uint8_t *data = NULL;
    QTestState *from;
    gsize len;
    FileLayout l;

    unlink(good);
    from = save(good, 0, false);
    migrate_wait_complete(from);
    migrate_end(from, NULL);
    g_assert(g_file_get_contents(good, (char **)&data, &len, NULL));
    l = find_header(data, len);

    for (size_t i = 0; i < ARRAY_SIZE(corruptions); i++) {
        const Corruption *c = &corruptions[i];
        g_autofree uint8_t *copy = g_memdup2(data, len);
        /* Past the end, page-aligned (the alignment is checked first). */
        uint64_t v = c->value == UINT64_MAX ? ROUND_UP(len, PAGE) + PAGE
                                            : c->value;
        g_autofree char *err = NULL;
        QTestState *to;

        if (c->width == 4) {
            stl_be_p(copy + l.hdr_at + c->field_at, v);
        } else {
            stq_be_p(copy + l.hdr_at + c->field_at, v);
        }
        g_assert(g_file_set_contents(bad, (char *)copy, len, NULL));
        to = load_start(bad, i % 2 ? 2 : 0, false);
        err = migrate_wait_failed(to);
        g_test_message("%s: %s", c->what, err);
        g_assert(strstr(err, c->expect));
        migrate_end(NULL, to);
    }
    unlink(good);
    unlink(bad);
}

/* A file whose pages were cut off: the read fails, naming where. */
static void test_truncated(void)
{
    g_autofree char *file = tmp_path("mapped-ram-cut");
    g_autofree char *err = NULL;
    QTestState *from, *to;

    unlink(file);
    from = save(file, 2, false);
    migrate_wait_complete(from);
    migrate_end(from, NULL);
    /* The stream after the pages goes too: the size check catches it. */
    g_assert(truncate(file, 3 * 1024 * 1024) == 0);
    to = load_start(file, 2, false);
    err = migrate_wait_failed(to);
    g_test_message("%s", err);
    g_assert(strstr(err, "beyond the end of the file"));
    migrate_end(NULL, to);
    unlink(file);
}

/* ------------------------------------------------------ the KVM guest */

/*
 * The test guest, dirtying memory, saved with 4 channels while it runs
 * and loaded with 4: it runs on and its pattern holds.
 */
static void test_kvm_guest(void)
{
    MigrateStart args = {
        .machine = "tern", .mem = "64M", .guest = true,
        .accel = mig_guest_accel(),
    };
    MigrateStart dst_args = args;
    g_autofree char *file = tmp_path("mapped-ram-guest");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    QTestState *from, *to, *unused = NULL;

    if (!mig_guest_ok(args.accel, args.accel)) {
        return;
    }
    unlink(file);
    migrate_start(&from, &unused, "defer", &args);
    migrate_end(NULL, unused);
    set_mapped_ram(from, 4);
    mig_wait_serial_grows(mig_vm_serial(from), 2);
    migrate_ensure_converge(from);
    migrate_qmp(from, uri, NULL);
    migrate_wait_complete(from);

    dst_args.only_target = true;
    migrate_start(&from, &to, "defer", &dst_args);
    set_mapped_ram(to, 4);
    migrate_incoming_qmp(to, uri, NULL);
    migrate_wait_complete(to);
    mig_check_guest_runs_on(to);
    migrate_end(from, to);
    unlink(file);
}

/* --------------------------------------------------------------- cases */

static const MappedRamCase cases[] = {
    { "/migration/mapped-ram/plain", 0, 0 },
    { "/migration/mapped-ram/multifd/1", 1, 1 },
    { "/migration/mapped-ram/multifd/2", 2, 2 },
    { "/migration/mapped-ram/multifd/4", 4, 4 },
    /* One file format: saved one way, loaded the other. */
    { "/migration/mapped-ram/multifd-to-plain", 2, 0 },
    { "/migration/mapped-ram/plain-to-multifd", 0, 4 },
};

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_framework_init();

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        qtest_add_data_func(cases[i].path, &cases[i], test_round_trip);
    }
    qtest_add_data_func("/migration/mapped-ram/live/plain",
                        GINT_TO_POINTER(0), test_live);
    qtest_add_data_func("/migration/mapped-ram/live/multifd/2",
                        GINT_TO_POINTER(2), test_live);
    qtest_add_func("/migration/mapped-ram/direct-io", test_direct_io);
    qtest_add_func("/migration/mapped-ram/refusals", test_refusals);
    qtest_add_func("/migration/mapped-ram/corrupt-header",
                   test_corrupt_header);
    qtest_add_func("/migration/mapped-ram/truncated", test_truncated);
    qtest_add_func("/migration/mapped-ram/kvm-guest", test_kvm_guest);
    return g_test_run();
}

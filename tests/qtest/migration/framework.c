/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration qtest framework: a source/destination pair of processes, QMP
 * wrappers, bounded waits on migration states, and page-by-page memory
 * comparison through qtest.
 */
#include "qemu/osdep.h"
#include "framework.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "qemu/userfaultfd.h"
#include "qobject/qbool.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

#include <dirent.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#ifdef CONFIG_KVM
#include <linux/kvm.h>
#endif

#define PAGE 4096

static char *tmpfs;
static bool have_kvm;
static const char *no_kvm_reason;
static bool have_ipv6;
static const char *guest_img;

static void cleanup_tmpdir(void)
{
    if (tmpfs) {
        g_autoptr(GDir) d = g_dir_open(tmpfs, 0, NULL);
        const char *n;

        while (d && (n = g_dir_read_name(d))) {
            g_autofree char *p = g_build_filename(tmpfs, n, NULL);
            unlink(p);
        }
        rmdir(tmpfs);
    }
}

void migration_framework_init(void)
{
    int fd;

    tmpfs = g_dir_make_tmp("migration-test-XXXXXX", NULL);
    g_assert(tmpfs);
    atexit(cleanup_tmpdir);

    have_kvm = qtest_kvm_usable(&no_kvm_reason);

    fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd >= 0) {
        struct sockaddr_in6 a = {
            .sin6_family = AF_INET6,
            .sin6_addr = IN6ADDR_LOOPBACK_INIT,
        };
        have_ipv6 = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
        close(fd);
    }

    guest_img = g_getenv("TERN_MIGRATION_GUEST");
    if (guest_img && !g_file_test(guest_img, G_FILE_TEST_EXISTS)) {
        guest_img = NULL;
    }
}

const char *mig_tmpdir(void)
{
    return tmpfs;
}

const char *mig_no_kvm_reason(void)
{
    return no_kvm_reason;
}

bool mig_have_kvm(void)
{
    return have_kvm;
}

bool mig_uffd_ok(void)
{
    uint64_t features;
    Error *err = NULL;

    if (!uffd_query_features(&features, &err)) {
        g_test_skip(error_get_pretty(err));
        error_free(err);
        return false;
    }
    return true;
}

bool mig_have_dirty_ring(uint32_t entries)
{
    bool ok = false;
#ifdef CONFIG_KVM
    int kvm, vm;

    if (!have_kvm) {
        return false;
    }
    kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        return false;
    }
    vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm >= 0) {
        /* The largest ring KVM accepts, in bytes (16 per entry). */
        int max = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_DIRTY_LOG_RING);

        ok = max > 0 && (uint64_t)max >= (uint64_t)entries *
             sizeof(struct kvm_dirty_gfn);
        close(vm);
    }
    close(kvm);
#endif
    return ok;
}

bool mig_have_ipv6(void)
{
    return have_ipv6;
}

int mig_unix_connect(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    return fd;
}

int mig_proc_count(pid_t pid, const char *sub)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/%s", (int)pid, sub);
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0;

    g_assert(d);
    while ((e = readdir(d))) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

/*
 * RAM's zero-page probe opens /proc/self/pagemap on the first migration
 * and keeps it for the life of the process (migration/ram.c): not a leak.
 */
int mig_proc_fds(pid_t pid)
{
    g_autofree char *link = g_strdup_printf("/proc/%d/pagemap", (int)pid);
    g_autofree char *dir = g_strdup_printf("/proc/%d/fd", (int)pid);
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    g_assert(d);
    while ((e = readdir(d))) {
        g_autofree char *p = g_strdup_printf("%s/%s", dir, e->d_name);
        g_autofree char *t = g_file_read_link(p, NULL);

        n += e->d_name[0] != '.' && !(t && g_str_equal(t, link));
    }
    closedir(d);
    return n;
}

uint64_t mig_proc_rss(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
    g_autofree char *text = NULL;
    const char *p;

    g_assert(g_file_get_contents(path, &text, NULL, NULL));
    p = strstr(text, "VmRSS:");
    g_assert(p);
    return g_ascii_strtoull(p + 6, NULL, 10) << 10;
}

/* ------------------------------------------------------------ QMP client */

void mig_qmp_client_open(MigQmpClient *c, const char *path, bool oob)
{
    g_autoptr(QDict) greeting = NULL;
    g_autoptr(QDict) r = NULL;

    c->fd = mig_unix_connect(path);
    c->rx = g_string_new(NULL);
    greeting = mig_qmp_client_recv(c);
    g_assert(greeting && qdict_haskey(greeting, "QMP"));
    mig_qmp_client_send(c, oob ? "{\"execute\": \"qmp_capabilities\","
                        " \"arguments\": {\"enable\": [\"oob\"]},"
                        " \"id\": \"cap\"}"
                        : "{\"execute\": \"qmp_capabilities\","
                        " \"id\": \"cap\"}");
    r = mig_qmp_client_reply(c, "cap");
    g_assert(qdict_haskey(r, "return"));
}

QDict *mig_qmp_client_recv(MigQmpClient *c)
{
    gint64 end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;

    for (;;) {
        char *nl = strchr(c->rx->str, '\n');
        struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
        char buf[4096];
        ssize_t n;

        if (nl) {
            g_autofree char *line = g_strndup(c->rx->str, nl - c->rx->str);

            g_string_erase(c->rx, 0, nl - c->rx->str + 1);
            return qobject_to(QDict, qobject_from_json(line, &error_abort));
        }
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        if (poll(&pfd, 1, 1000) <= 0) {
            continue;
        }
        n = read(c->fd, buf, sizeof(buf));
        if (n <= 0) {
            return NULL;
        }
        g_string_append_len(c->rx, buf, n);
    }
}

void mig_qmp_client_send(MigQmpClient *c, const char *json)
{
    g_autofree char *line = g_strdup_printf("%s\n", json);

    g_assert_cmpint(write(c->fd, line, strlen(line)), ==, strlen(line));
}

QDict *mig_qmp_client_reply(MigQmpClient *c, const char *id)
{
    for (;;) {
        QDict *r = mig_qmp_client_recv(c);

        g_assert(r);
        if (!qdict_haskey(r, "event") &&
            (!id || !g_strcmp0(qdict_get_try_str(r, "id"), id))) {
            return r;
        }
        qobject_unref(r);
    }
}

void mig_qmp_client_close(MigQmpClient *c)
{
    if (c->rx) {
        close(c->fd);
        g_string_free(c->rx, true);
        c->rx = NULL;
    }
}

const char *mig_guest_image(void)
{
    return guest_img;
}

const char *mig_guest_accel(void)
{
    return have_kvm ? "kvm" : "tcg";
}

bool mig_guest_ok(const char *accel, const char *accel_dst)
{
    if ((!strcmp(accel, "kvm") || !strcmp(accel_dst, "kvm")) &&
        !mig_have_kvm()) {
        g_test_skip(mig_no_kvm_reason());
        return false;
    }
    if (!mig_guest_image()) {
        g_test_skip("the test guest image is not built");
        return false;
    }
    if (!qtest_has_machine("tern")) {
        g_test_skip("the tern machine is not built");
        return false;
    }
    return true;
}

/* A copy of the test guest limited to MIG_GUEST_START..MIG_GUEST_END. */
static char *patched_guest(void)
{
    g_autofree char *path = g_strdup_printf("%s/guest.img", tmpfs);
    g_autofree char *img = NULL;
    gsize len;
    uint32_t v;

    g_assert(guest_img);
    g_assert(g_file_get_contents(guest_img, &img, &len, NULL));
    g_assert_cmpuint(len, ==, 512);
    g_assert(memcmp(img + 4, "TGST", 4) == 0);
    v = cpu_to_le32(MIG_GUEST_START);
    memcpy(img + 8, &v, 4);
    v = cpu_to_le32(MIG_GUEST_END);
    memcpy(img + 12, &v, 4);
    g_assert(g_file_set_contents(path, img, len, NULL));
    return g_steal_pointer(&path);
}

static char *vm_args(const MigrateStart *a, bool dst, const char *incoming,
                     const char *serial)
{
    /* MIGRATION_TEST_MACHINE: run the suite against another VMM */
    const char *machine = a->machine ? a->machine :
        (g_getenv("MIGRATION_TEST_MACHINE") ?: "none");
    const char *mem = a->mem ? a->mem : "64M";
    GString *s = g_string_new(NULL);

    if (dst && a->machine_dst) {
        machine = a->machine_dst;
    }
    if (dst && a->mem_dst) {
        mem = a->mem_dst;
    }
    if (a->guest) {
        const char *accel = dst && a->accel_dst ? a->accel_dst :
                            a->accel ? a->accel : "kvm";

        g_string_append_printf(s, "-accel %s -M %s -m %s -serial file:%s ",
                               accel, machine, mem, serial);
        if (!dst) {
            g_autofree char *img = patched_guest();
            g_string_append_printf(s, "-device loader,file=%s,addr=0x7c00,"
                                   "cpu-num=0,force-raw=on ", img);
        }
    } else {
        /* libqtest already selects the qtest accelerator */
        g_string_append_printf(s, "-M %s -m %s ", machine, mem);
    }
    if (dst && a->uuid_dst) {
        g_string_append_printf(s, "-uuid %s ", a->uuid_dst);
    }
    if (!dst && a->uuid_src) {
        g_string_append_printf(s, "-uuid %s ", a->uuid_src);
    }
    if (dst) {
        g_string_append_printf(s, "-incoming %s ", incoming);
    }
    if (!dst && a->opts_source) {
        g_string_append_printf(s, "%s ", a->opts_source);
    }
    if (dst && a->opts_target) {
        g_string_append_printf(s, "%s ", a->opts_target);
    }
    return g_string_free(s, false);
}

static void set_common_caps(QTestState *who, const MigrateStart *a)
{
    if (a->events) {
        migrate_set_capability(who, "events", true);
    }
    if (a->return_path) {
        migrate_set_capability(who, "return-path", true);
    }
}

/* Serial file of each process started by migrate_start(). */
static GHashTable *serials;
static unsigned serial_seq;

const char *mig_vm_serial(QTestState *who)
{
    const char *p = serials ? g_hash_table_lookup(serials, who) : NULL;

    g_assert(p);
    return p;
}

static QTestState *vm_start(const MigrateStart *a, bool dst,
                            const char *incoming)
{
    char *serial = g_strdup_printf("%s/serial-%u", tmpfs, serial_seq++);
    g_autofree char *args = vm_args(a, dst, incoming, serial);
    QTestState *qts;

    unlink(serial);
    qts = qtest_init(args);
    g_hash_table_insert(serials, qts, serial);
    set_common_caps(qts, a);
    return qts;
}

void migrate_start(QTestState **from, QTestState **to, const char *incoming,
                   const MigrateStart *args)
{
    static const MigrateStart defaults;
    const MigrateStart *a = args ? args : &defaults;

    if (a->guest) {
        bool kvm = !a->accel || !strcmp(a->accel, "kvm") ||
                   (a->accel_dst && !strcmp(a->accel_dst, "kvm"));

        g_assert(guest_img && (have_kvm || !kvm));
    }
    if (!serials) {
        serials = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    }
    if (!a->only_target) {
        *from = vm_start(a, false, NULL);
    }
    *to = vm_start(a, true, incoming);
}

static void vm_quit(QTestState *who)
{
    const char *serial;

    if (!who) {
        return;
    }
    serial = serials ? g_hash_table_lookup(serials, who) : NULL;
    if (serial) {
        unlink(serial);
        g_hash_table_remove(serials, who);
    }
    qtest_quit(who);
}

void migrate_end(QTestState *from, QTestState *to)
{
    vm_quit(from);
    vm_quit(to);
}

/* ------------------------------------------------------------ QMP */

static QDict *qmp_ok(QDict *rsp, const char *what)
{
    QDict *ret;

    g_assert(rsp);
    if (qdict_haskey(rsp, "error")) {
        QDict *err = qdict_get_qdict(rsp, "error");
        g_test_message("%s failed: %s", what, qdict_get_try_str(err, "desc"));
        g_assert_not_reached();
    }
    ret = qdict_get_qdict(rsp, "return");
    g_assert(ret);
    qobject_ref(ret);
    qobject_unref(rsp);
    return ret;
}

static char *qmp_err(QDict *rsp, const char *what)
{
    QDict *err;
    char *desc;

    g_assert(rsp);
    if (!qdict_haskey(rsp, "error")) {
        g_test_message("%s unexpectedly succeeded", what);
        g_assert_not_reached();
    }
    err = qdict_get_qdict(rsp, "error");
    desc = g_strdup(qdict_get_try_str(err, "desc"));
    g_assert(desc && *desc);
    qobject_unref(rsp);
    return desc;
}

void qmp_ok_fmt(QTestState *who, const char *fmt, ...)
{
    va_list ap;
    QDict *rsp;

    va_start(ap, fmt);
    rsp = qtest_vqmp(who, fmt, ap);
    va_end(ap);
    qobject_unref(qmp_ok(rsp, fmt));
}

char *qmp_expect_error(QTestState *who, const char *fmt, ...)
{
    va_list ap;
    QDict *rsp;

    va_start(ap, fmt);
    rsp = qtest_vqmp(who, fmt, ap);
    va_end(ap);
    return qmp_err(rsp, fmt);
}

QDict *migrate_query(QTestState *who)
{
    return qmp_ok(qtest_qmp(who, "{'execute': 'query-migrate'}"),
                  "query-migrate");
}

char *migrate_query_status(QTestState *who)
{
    g_autoptr(QDict) info = migrate_query(who);
    const char *st = qdict_get_try_str(info, "status");

    return g_strdup(st ? st : "none");
}

char *migrate_query_error(QTestState *who)
{
    g_autoptr(QDict) info = migrate_query(who);

    return g_strdup(qdict_get_try_str(info, "error-desc"));
}

int64_t migrate_ram_stat(QTestState *who, const char *field)
{
    g_autoptr(QDict) info = migrate_query(who);
    QDict *ram = qdict_get_qdict(info, "ram");

    g_assert(ram);
    g_assert(qdict_haskey(ram, field));
    return qdict_get_int(ram, field);
}

char *query_runstate(QTestState *who)
{
    g_autoptr(QDict) st = qmp_ok(qtest_qmp(who,
                                           "{'execute': 'query-status'}"),
                                 "query-status");

    return g_strdup(qdict_get_str(st, "status"));
}

static QDict *migrate_cmd(QTestState *who, const char *cmd, const char *uri,
                          const char *channels)
{
    QDict *args = qdict_new();

    if (uri) {
        qdict_put_str(args, "uri", uri);
    }
    if (channels) {
        QObject *ch = qobject_from_json(channels, &error_abort);
        qdict_put_obj(args, "channels", ch);
    }
    return qtest_qmp(who, "{'execute': %s, 'arguments': %p}", cmd, args);
}

void migrate_qmp(QTestState *who, const char *uri, const char *channels)
{
    qobject_unref(qmp_ok(migrate_cmd(who, "migrate", uri, channels),
                         "migrate"));
}

char *migrate_qmp_fail(QTestState *who, const char *uri,
                       const char *channels)
{
    return qmp_err(migrate_cmd(who, "migrate", uri, channels), "migrate");
}

void migrate_incoming_qmp(QTestState *to, const char *uri,
                          const char *channels)
{
    qobject_unref(qmp_ok(migrate_cmd(to, "migrate-incoming", uri, channels),
                         "migrate-incoming"));
}

void migrate_continue(QTestState *who, const char *state)
{
    qmp_ok_fmt(who, "{'execute': 'migrate-continue',"
               " 'arguments': {'state': %s}}", state);
}

void migrate_cancel(QTestState *who)
{
    qmp_ok_fmt(who, "{'execute': 'migrate_cancel'}");
}

void migrate_set_capability(QTestState *who, const char *cap, bool on)
{
    qmp_ok_fmt(who, "{'execute': 'migrate-set-capabilities',"
               " 'arguments': {'capabilities': ["
               "  {'capability': %s, 'state': %i}]}}", cap, on);
}

bool migrate_get_capability(QTestState *who, const char *cap)
{
    QDict *rsp = qtest_qmp(who, "{'execute': 'query-migrate-capabilities'}");
    QList *list;
    const QListEntry *e;
    bool found = false, on = false;

    g_assert(!qdict_haskey(rsp, "error"));
    list = qdict_get_qlist(rsp, "return");
    g_assert(list);
    QLIST_FOREACH_ENTRY(list, e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (g_str_equal(qdict_get_str(d, "capability"), cap)) {
            found = true;
            on = qdict_get_bool(d, "state");
        }
    }
    qobject_unref(rsp);
    g_assert(found);
    return on;
}

static void set_params(QTestState *who, QDict *args)
{
    qmp_ok_fmt(who, "{'execute': 'migrate-set-parameters', 'arguments': %p}",
               args);
}

void migrate_set_parameter_int(QTestState *who, const char *param,
                               int64_t value)
{
    QDict *args = qdict_new();

    qdict_put_int(args, param, value);
    set_params(who, args);
}

void migrate_set_parameter_bool(QTestState *who, const char *param,
                                bool value)
{
    QDict *args = qdict_new();

    qdict_put_bool(args, param, value);
    set_params(who, args);
}

void migrate_set_parameter_str(QTestState *who, const char *param,
                               const char *value)
{
    QDict *args = qdict_new();

    qdict_put_str(args, param, value);
    set_params(who, args);
}

QDict *migrate_query_parameters(QTestState *who)
{
    return qmp_ok(qtest_qmp(who, "{'execute': 'query-migrate-parameters'}"),
                  "query-migrate-parameters");
}

int64_t migrate_get_parameter_int(QTestState *who, const char *param)
{
    g_autoptr(QDict) p = migrate_query_parameters(who);

    g_assert(qdict_haskey(p, param));
    return qdict_get_int(p, param);
}

char *migrate_get_parameter_str(QTestState *who, const char *param)
{
    g_autoptr(QDict) p = migrate_query_parameters(who);

    g_assert(qdict_haskey(p, param));
    return g_strdup(qdict_get_str(p, param));
}

void migrate_ensure_converge(QTestState *who)
{
    migrate_set_parameter_int(who, "max-bandwidth", 4LL << 30);
    migrate_set_parameter_int(who, "downtime-limit", 60 * 1000);
}

void migrate_ensure_non_converge(QTestState *who)
{
    /* 8 MB/s and 1 ms: even a few MiB of RAM needs several passes */
    migrate_set_parameter_int(who, "max-bandwidth", 8 * 1000 * 1000);
    migrate_set_parameter_int(who, "downtime-limit", 1);
}

char *migrate_get_listen_uri(QTestState *to)
{
    g_autoptr(QDict) info = migrate_query(to);
    QList *addrs = qdict_get_qlist(info, "socket-address");
    QDict *a;
    const char *type;

    g_assert(addrs && !qlist_empty(addrs));
    a = qobject_to(QDict, qlist_peek(addrs));
    type = qdict_get_str(a, "type");
    if (g_str_equal(type, "inet")) {
        const char *host = qdict_get_str(a, "host");

        return g_strdup_printf(strchr(host, ':') ? "tcp:[%s]:%s" : "tcp:%s:%s",
                               host, qdict_get_str(a, "port"));
    }
    g_assert_cmpstr(type, ==, "unix");
    return g_strdup_printf("unix:%s", qdict_get_str(a, "path"));
}

/* ------------------------------------------------------------ waits */

static gint64 deadline(void)
{
    return g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;
}

void migrate_wait_status(QTestState *who, const char *goal,
                         const char * const *ungoals)
{
    static const char * const dflt[] = { "failed", "cancelled", NULL };
    gint64 end = deadline();

    if (!ungoals) {
        ungoals = dflt;
    }
    for (;;) {
        g_autofree char *st = migrate_query_status(who);

        if (g_str_equal(st, goal)) {
            return;
        }
        for (int i = 0; ungoals[i]; i++) {
            if (g_str_equal(st, ungoals[i])) {
                g_autofree char *err = migrate_query_error(who);
                g_test_message("waiting for '%s', got '%s' (error: %s)",
                               goal, st, err ? err : "none");
                g_assert_not_reached();
            }
        }
        if (g_get_monotonic_time() > end) {
            g_test_message("migration still '%s' after %d s, waiting for "
                           "'%s'", st, MIG_WAIT_SECS, goal);
            g_assert_not_reached();
        }
        g_usleep(20 * 1000);
    }
}

void migrate_wait_complete(QTestState *who)
{
    migrate_wait_status(who, "completed", NULL);
}

char *migrate_wait_failed(QTestState *who)
{
    static const char * const ungoals[] = { "completed", "cancelled", NULL };
    char *err;

    migrate_wait_status(who, "failed", ungoals);
    err = migrate_query_error(who);
    g_assert(err && *err);
    return err;
}

void wait_runstate(QTestState *who, const char *state)
{
    gint64 end = deadline();

    for (;;) {
        g_autofree char *st = query_runstate(who);

        if (g_str_equal(st, state)) {
            return;
        }
        if (g_get_monotonic_time() > end) {
            g_test_message("run state still '%s' after %d s, waiting for "
                           "'%s'", st, MIG_WAIT_SECS, state);
            g_assert_not_reached();
        }
        g_usleep(20 * 1000);
    }
}

void migrate_wait_passes(QTestState *who, int64_t n)
{
    gint64 end = deadline();

    for (;;) {
        g_autoptr(QDict) info = migrate_query(who);
        const char *st = qdict_get_try_str(info, "status");
        QDict *ram = qdict_get_qdict(info, "ram");

        if (ram && qdict_get_int(ram, "dirty-sync-count") >= n) {
            return;
        }
        g_assert(st);
        g_assert_cmpstr(st, !=, "failed");
        g_assert_cmpstr(st, !=, "completed");
        g_assert_cmpstr(st, !=, "cancelled");
        g_assert(g_get_monotonic_time() < end);
        g_usleep(20 * 1000);
    }
}

char *migrate_collect_events(QTestState *who)
{
    GString *s = g_string_new(NULL);
    QDict *ev;

    /* A round trip makes sure every event sent so far has been read. */
    qmp_ok_fmt(who, "{'execute': 'query-status'}");
    while ((ev = qtest_qmp_event_ref(who, "MIGRATION"))) {
        QDict *data = qdict_get_qdict(ev, "data");

        g_string_append_printf(s, "%s%s", s->len ? " " : "",
                               qdict_get_str(data, "status"));
        qobject_unref(ev);
    }
    return g_string_free(s, false);
}

/* ------------------------------------------------------------ memory */

/* xorshift32: cheap, deterministic, never zero for a non-zero seed. */
static uint32_t xs32(uint32_t *s)
{
    uint32_t x = *s;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static void fill_random(uint8_t *buf, size_t len, uint32_t seed)
{
    uint32_t s = seed | 1;

    for (size_t i = 0; i + 4 <= len; i += 4) {
        uint32_t v = xs32(&s);
        memcpy(buf + i, &v, 4);
    }
}

/*
 * Bytes written through qtest cross the socket in base64, which is slow
 * for a whole GiB, so the pattern is one memset per run of pages (a
 * different non-zero byte per run) plus random bytes tagged with the page
 * index on a seeded subset of pages: every page is non-zero, and a lost,
 * stale or misplaced page shows up in the comparison.
 */
void mig_ram_fill(QTestState *who, uint64_t base, uint64_t size,
                  uint32_t seed, unsigned rand_every)
{
    const uint64_t run = 16;           /* pages per memset */
    uint64_t pages = size / PAGE;
    uint64_t batch_pages = 256;        /* 1 MiB per qtest write */
    g_autofree uint8_t *buf = g_malloc(batch_pages * PAGE);
    uint32_t s = seed | 1;

    g_assert(rand_every >= 1);
    for (uint64_t p = 0; p < pages; p += run) {
        uint8_t v = (uint8_t)((p / run + seed) % 255) + 1;
        uint64_t n = MIN(run, pages - p);

        qtest_memset(who, base + p * PAGE, v, n * PAGE);
    }
    if (rand_every == 1) {
        /* every page random: write contiguous batches */
        for (uint64_t p = 0; p < pages; p += batch_pages) {
            uint64_t n = MIN(batch_pages, pages - p);

            for (uint64_t i = 0; i < n; i++) {
                uint64_t idx = p + i;

                fill_random(buf + i * PAGE, PAGE, seed ^ (idx * 2654435761u));
                memcpy(buf + i * PAGE, &idx, sizeof(idx));
            }
            qtest_bufwrite(who, base + p * PAGE, buf, n * PAGE);
        }
        return;
    }
    for (uint64_t p = xs32(&s) % rand_every; p < pages; p += rand_every) {
        fill_random(buf, PAGE, seed ^ (uint32_t)(p * 2654435761u));
        memcpy(buf, &p, sizeof(p));
        qtest_bufwrite(who, base + p * PAGE, buf, PAGE);
    }
}

void mig_ram_dirty_some(QTestState *who, uint64_t base, uint64_t size,
                        GRand *rand, unsigned npages)
{
    uint64_t pages = size / PAGE;
    uint8_t buf[256];

    for (unsigned i = 0; i < npages; i++) {
        uint64_t p = g_rand_int_range(rand, 0,
                                      (gint32)MIN(pages, G_MAXINT32));

        fill_random(buf, sizeof(buf), g_rand_int(rand));
        buf[0] |= 1;
        qtest_bufwrite(who, base + p * PAGE + 64, buf, sizeof(buf));
    }
}

/*
 * Reads cost the same per byte at any size since libqtest scans only new
 * reply bytes (64 KiB .. 16 MiB chunks measured alike); 16 MiB only
 * bounds the buffers.
 */
#define READ_CHUNK (16 << 20)

void mig_ram_compare(QTestState *a, QTestState *b, uint64_t base,
                     uint64_t size)
{
    const size_t chunk = READ_CHUNK;
    g_autofree uint8_t *ba = g_malloc(chunk);
    g_autofree uint8_t *bb = g_malloc(chunk);
    uint64_t bad = 0, first_bad = UINT64_MAX;

    for (uint64_t off = 0; off < size; off += chunk) {
        size_t n = MIN(chunk, size - off);

        qtest_bufread(a, base + off, ba, n);
        qtest_bufread(b, base + off, bb, n);
        if (memcmp(ba, bb, n) == 0) {
            continue;
        }
        for (size_t p = 0; p < n; p += PAGE) {
            if (memcmp(ba + p, bb + p, MIN(PAGE, n - p))) {
                size_t len = MIN(PAGE, n - p), at = 0;

                while (ba[p + at] == bb[p + at]) {
                    at++;
                }
                if (bad < 16) {
                    /* Enough to tell a stale page from a lost one. */
                    g_test_message("page 0x%" PRIx64 " differs from byte %zu:"
                                   " 0x%02x against 0x%02x%s",
                                   base + off + p, at, ba[p + at],
                                   bb[p + at],
                                   buffer_is_zero(bb + p, len) ?
                                   " (all zero)" : "");
                }
                bad++;
                if (first_bad == UINT64_MAX) {
                    first_bad = base + off + p;
                }
            }
        }
    }
    if (bad) {
        g_test_message("%" PRIu64 " of %" PRIu64 " pages differ; first at "
                       "0x%" PRIx64, bad, size / PAGE, first_bad);
    }
    g_assert_cmpuint(bad, ==, 0);
}

void mig_postcopy_finish(QTestState *from, QTestState *to, uint64_t size)
{
    mig_ram_compare(from, to, 0, size);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    wait_runstate(from, "postmigrate");
    mig_ram_compare(from, to, 0, size);
}

void mig_postcopy_wait_paused(QTestState *from, QTestState *to)
{
    g_autofree char *rs = NULL, *rd = NULL;

    migrate_wait_status(from, "postcopy-paused", NULL);
    migrate_wait_status(to, "postcopy-paused", NULL);
    rs = query_runstate(from);
    g_assert_cmpstr(rs, !=, "running");
    rd = query_runstate(to);
    g_assert_cmpstr(rd, ==, "running");
}

/* ------------------------------------------------------------ guest */

size_t mig_serial_passes(const char *path)
{
    g_autofree char *buf = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &buf, &len, NULL)) {
        return 0;
    }
    for (gsize i = 0; i < len; i++) {
        if (buf[i] != 'B') {
            g_test_message("unexpected byte 0x%02x at offset %zu of %s",
                           (unsigned char)buf[i], (size_t)i, path);
            g_assert_not_reached();
        }
    }
    return len;
}

void mig_wait_serial_grows(const char *path, size_t n)
{
    gint64 end = deadline();

    while (mig_serial_passes(path) <= n) {
        if (g_get_monotonic_time() > end) {
            g_test_message("%s stuck at %zu markers", path, n);
            g_assert_not_reached();
        }
        g_usleep(20 * 1000);
    }
}

void mig_check_guest_pattern(QTestState *who)
{
    const size_t len = MIG_GUEST_END - MIG_GUEST_START;
    const uint64_t pages = len / PAGE;
    g_autofree uint8_t *buf = g_malloc(len);
    g_autofree char *st = query_runstate(who);
    bool running = g_str_equal(st, "running");
    uint8_t first, last;
    uint64_t steps = 0;

    if (running) {
        qmp_ok_fmt(who, "{'execute': 'stop'}");
    }
    qtest_bufread(who, MIG_GUEST_START, buf, len);
    if (running) {
        qmp_ok_fmt(who, "{'execute': 'cont'}");
    }
    first = buf[0];
    last = buf[(pages - 1) * PAGE];
    for (uint64_t p = 1; p < pages; p++) {
        uint8_t prev = buf[(p - 1) * PAGE], cur = buf[p * PAGE];

        if (cur == prev) {
            continue;
        }
        /* the one step down is where the guest's current pass stands */
        if ((uint8_t)(prev - 1) != cur || ++steps > 1) {
            g_test_message("guest pattern broken at page %" PRIu64
                           ": 0x%02x after 0x%02x", p, cur, prev);
            g_assert_not_reached();
        }
    }
    g_assert((uint8_t)(first - last) <= 1);
    /* the guest has done at least one pass over the range */
    g_assert(first != 0 || last != 0);
}

void mig_check_guest_runs_on(QTestState *to)
{
    size_t n;

    wait_runstate(to, "running");
    n = mig_serial_passes(mig_vm_serial(to));
    mig_wait_serial_grows(mig_vm_serial(to), n + 2);
    mig_check_guest_pattern(to);
}

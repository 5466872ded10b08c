/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration capabilities and parameters (migration/options.c): QEMU's
 * defaults, set/query round trips through the generated QAPI types, every
 * range and refused combination with its exact message, the refusal of
 * features Tern lacks, and the TYPE_MIGRATION properties (-global).
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-emit-events.h"
#include "qapi/qapi-types-migration.h"
#include "qobject/qdict.h"
#include "qemu/module.h"
#include "qom/object.h"
#include "migration/migration.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "system/runstate.h"
#include "migration/misc.h"
#include "migration/ram-wp.h"
#include "migration/register.h"
#include "migration/vmstate.h"
#include "migration/qemu-file.h"
#include "io/channel-buffer.h"

/*
 * migration_is_blocked() consults the savevm handlers, which pull in the
 * migration thread and with it the emulator's run states; no test here
 * starts a migration.
 */
bool autostart;
/* Setting postcopy-ram asks whether this is a destination: never. */
bool runstate_check(RunState state) { return false; }
void runstate_set(RunState new_state) { g_assert_not_reached(); }
RunState runstate_get(void) { g_assert_not_reached(); }
bool runstate_is_live(RunState state) { g_assert_not_reached(); }
void vm_start(void) { g_assert_not_reached(); }
int vm_stop_force_state(RunState state) { g_assert_not_reached(); }

/* ----------------------------------------------------------- helpers */

/* No monitor here: count the events the migration code emits. */
static int migration_events_seen;
static char *last_migration_status;

void qapi_event_emit(QAPIEvent event, QDict *qdict)
{
    if (event == QAPI_EVENT_MIGRATION) {
        QDict *data = qdict_get_qdict(qdict, "data");

        migration_events_seen++;
        g_free(last_migration_status);
        last_migration_status = g_strdup(qdict_get_str(data, "status"));
    }
}

static void set_caps(Error **errp, int n, ...)
{
    MigrationCapabilityStatusList *head = NULL, **tail = &head;
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        MigrationCapabilityStatus *st = g_new0(MigrationCapabilityStatus, 1);

        st->capability = va_arg(ap, int);
        st->state = va_arg(ap, int);
        QAPI_LIST_APPEND(tail, st);
    }
    va_end(ap);
    qmp_migrate_set_capabilities(head, errp);
    qapi_free_MigrationCapabilityStatusList(head);
}

static void all_caps_off(void)
{
    MigrationState *s = migrate_get_current();

    memset(s->capabilities, 0, sizeof(s->capabilities));
}

static void expect_caps_error(const char *msg, int n, ...)
{
    MigrationState *s = migrate_get_current();
    MigrationCapabilityStatusList *head = NULL, **tail = &head;
    bool before[MIGRATION_CAPABILITY__MAX];
    Error *err = NULL;
    va_list ap;

    memcpy(before, s->capabilities, sizeof(before));
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        MigrationCapabilityStatus *st = g_new0(MigrationCapabilityStatus, 1);

        st->capability = va_arg(ap, int);
        st->state = va_arg(ap, int);
        QAPI_LIST_APPEND(tail, st);
    }
    va_end(ap);
    qmp_migrate_set_capabilities(head, &err);
    qapi_free_MigrationCapabilityStatusList(head);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    /* A refused set changes nothing. */
    g_assert(memcmp(before, s->capabilities, sizeof(before)) == 0);
}

static MigrationParameters *query_params(void)
{
    return qmp_query_migrate_parameters(&error_abort);
}

/* Set via migrate-set-parameters, expect @msg (NULL: success). */
static void set_params(MigrateSetParameters *p, const char *msg)
{
    g_autoptr(MigrationParameters) before = query_params();
    g_autoptr(MigrationParameters) after = NULL;
    Error *err = NULL;

    qmp_migrate_set_parameters(p, &err);
    if (!msg) {
        g_assert_null(err);
        return;
    }
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    /* Nothing changed on a refusal. */
    after = query_params();
    g_assert_cmpuint(after->downtime_limit, ==, before->downtime_limit);
    g_assert_cmpuint(after->max_bandwidth, ==, before->max_bandwidth);
    g_assert_cmpuint(after->cpu_throttle_initial, ==,
                     before->cpu_throttle_initial);
    g_assert_cmpstr(after->tls_creds, ==, before->tls_creds);
}

/* ------------------------------------------------------------ defaults */

static void test_defaults(void)
{
    g_autoptr(MigrationParameters) p = query_params();
    g_autoptr(MigrationCapabilityStatusList) caps =
        qmp_query_migrate_capabilities(&error_abort);
    int n = 0;

    for (MigrationCapabilityStatusList *c = caps; c; c = c->next) {
        g_assert_cmpint(c->value->capability, ==, n);
        g_assert_false(c->value->state);
        n++;
    }
    g_assert_cmpint(n, ==, MIGRATION_CAPABILITY__MAX);
    g_assert_cmpint(n, ==, 22);

    g_assert_true(p->has_announce_initial);
    g_assert_cmpuint(p->announce_initial, ==, 50);
    g_assert_cmpuint(p->announce_max, ==, 550);
    g_assert_cmpuint(p->announce_rounds, ==, 5);
    g_assert_cmpuint(p->announce_step, ==, 100);
    g_assert_cmpuint(p->throttle_trigger_threshold, ==, 50);
    g_assert_cmpuint(p->cpu_throttle_initial, ==, 20);
    g_assert_cmpuint(p->cpu_throttle_increment, ==, 10);
    g_assert_true(p->has_cpu_throttle_tailslow);
    g_assert_false(p->cpu_throttle_tailslow);
    g_assert_cmpstr(p->tls_creds, ==, "");
    g_assert_cmpstr(p->tls_hostname, ==, "");
    g_assert_cmpstr(p->tls_authz, ==, "");
    g_assert_cmpuint(p->max_bandwidth, ==, 134217728);
    g_assert_cmpuint(p->avail_switchover_bandwidth, ==, 0);
    g_assert_cmpuint(p->downtime_limit, ==, 300);
    g_assert_cmpuint(p->x_checkpoint_delay, ==, 20000);
    g_assert_cmpuint(p->multifd_channels, ==, 2);
    g_assert_cmpuint(p->xbzrle_cache_size, ==, 64 * 1024 * 1024);
    g_assert_cmpuint(p->max_postcopy_bandwidth, ==, 0);
    g_assert_cmpuint(p->max_cpu_throttle, ==, 99);
    g_assert_cmpint(p->multifd_compression, ==, MULTIFD_COMPRESSION_NONE);
    g_assert_cmpuint(p->multifd_zlib_level, ==, 1);
    g_assert_cmpuint(p->multifd_qatzip_level, ==, 1);
    g_assert_cmpuint(p->multifd_zstd_level, ==, 1);
    g_assert_null(p->block_bitmap_mapping);
    g_assert_cmpuint(p->x_vcpu_dirty_limit_period, ==, 1000);
    g_assert_cmpuint(p->vcpu_dirty_limit, ==, 1);
    g_assert_true(p->has_mode);
    g_assert_cmpint(p->mode, ==, MIG_MODE_NORMAL);
    g_assert_cmpint(p->zero_page_detection, ==, ZERO_PAGE_DETECTION_MULTIFD);
    g_assert_true(p->has_direct_io);
    g_assert_false(p->direct_io);

    /* Getters agree; the rate limiter starts at max-bandwidth / 10. */
    g_assert_cmpuint(migrate_downtime_limit(), ==, 300);
    g_assert_cmpuint(migrate_max_bandwidth(), ==, 134217728);
    g_assert_null(migrate_tls_creds());
    g_assert_false(migrate_tls());
    g_assert_false(migrate_events());
    g_assert_cmpuint(migration_rate_get(), ==, 134217728 / XFER_LIMIT_RATIO);

    /* Compat knobs: 7.2-compatible stream by default. */
    g_assert_true(migrate_store_global_state());
    g_assert_true(migrate_send_configuration());
    g_assert_true(migrate_send_section_footer());
    g_assert_false(migrate_send_switchover_start());
    g_assert_false(migrate_multifd_flush_after_each_section());
    g_assert_cmpuint(migrate_clear_bitmap_shift(), ==, 18);
}

/* -------------------------------------------------------- capabilities */

static void test_caps_roundtrip(void)
{
    g_autoptr(MigrationCapabilityStatusList) caps = NULL;

    all_caps_off();
    set_caps(&error_abort, 4,
             MIGRATION_CAPABILITY_EVENTS, true,
             MIGRATION_CAPABILITY_RETURN_PATH, true,
             MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER, true,
             MIGRATION_CAPABILITY_VALIDATE_UUID, true);
    g_assert_true(migrate_events());
    g_assert_true(migrate_return_path());
    g_assert_true(migrate_pause_before_switchover());
    g_assert_true(migrate_validate_uuid());

    caps = qmp_query_migrate_capabilities(&error_abort);
    for (MigrationCapabilityStatusList *c = caps; c; c = c->next) {
        bool on = c->value->capability == MIGRATION_CAPABILITY_EVENTS ||
                  c->value->capability == MIGRATION_CAPABILITY_RETURN_PATH ||
                  c->value->capability ==
                      MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER ||
                  c->value->capability == MIGRATION_CAPABILITY_VALIDATE_UUID;

        g_assert_cmpint(c->value->state, ==, on);
    }

    /* Unlisted capabilities keep their value. */
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_EVENTS, false);
    g_assert_false(migrate_events());
    g_assert_true(migrate_return_path());

    /* late-block-activate: accepted, as QEMU 10.0 (which ignores it). */
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE, true);
    g_assert_true(migrate_late_block_activate());
    all_caps_off();
}

static void test_caps_zero_blocks_deprecated(void)
{
    all_caps_off();
    if (g_test_subprocess()) {
        set_caps(&error_abort, 1, MIGRATION_CAPABILITY_ZERO_BLOCKS, true);
        g_assert_true(migrate_zero_blocks());
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*zero-blocks capability is deprecated*");
}

static void test_caps_unsupported(void)
{
    static const struct {
        MigrationCapability cap;
        const char *name;
    } later[] = {
        { MIGRATION_CAPABILITY_RDMA_PIN_ALL, "rdma-pin-all" },
        { MIGRATION_CAPABILITY_DIRTY_BITMAPS, "dirty-bitmaps" },
        { MIGRATION_CAPABILITY_X_IGNORE_SHARED, "x-ignore-shared" },
    };

    all_caps_off();
    for (size_t i = 0; i < ARRAY_SIZE(later); i++) {
        g_autofree char *msg =
            g_strdup_printf("Capability '%s' is not supported by Tern yet",
                            later[i].name);

        expect_caps_error(msg, 1, later[i].cap, true);
    }
    /* Without a registered dirty limit (KVM dirty ring): QEMU's error. */
    expect_caps_error("dirty-limit requires KVM with accelerator property "
                      "'dirty-ring-size' set", 1,
                      MIGRATION_CAPABILITY_DIRTY_LIMIT, true);
    /* Switching an unsupported capability off is fine. */
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_XBZRLE, false);
    /* Multifd and mapped-ram are there. */
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_MULTIFD, true);
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_MULTIFD, false);
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_MAPPED_RAM, true);
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_MAPPED_RAM, false);
}

static void test_caps_cross_checks(void)
{
    all_caps_off();
    expect_caps_error("COLO with return-path is not supported by Tern yet",
                      2, MIGRATION_CAPABILITY_X_COLO, true,
                      MIGRATION_CAPABILITY_RETURN_PATH, true);
    expect_caps_error("COLO with multifd is not supported by Tern yet",
                      2, MIGRATION_CAPABILITY_X_COLO, true,
                      MIGRATION_CAPABILITY_MULTIFD, true);
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_X_COLO, true);
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_X_COLO, false);
    /* Without userfaultfd write protection the kernel check comes first. */
    expect_caps_error(ram_wp_available() ?
                      "Background-snapshot is not compatible with xbzrle" :
                      "Background-snapshot is not supported by host kernel",
                      2, MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT, true,
                      MIGRATION_CAPABILITY_XBZRLE, true);
    expect_caps_error("Capability 'switchover-ack' requires capability "
                      "'return-path'", 1,
                      MIGRATION_CAPABILITY_SWITCHOVER_ACK, true);
    expect_caps_error("Postcopy preempt requires postcopy-ram", 1,
                      MIGRATION_CAPABILITY_POSTCOPY_PREEMPT, true);
    expect_caps_error("Multifd is not compatible with xbzrle", 2,
                      MIGRATION_CAPABILITY_MULTIFD, true,
                      MIGRATION_CAPABILITY_XBZRLE, true);
    expect_caps_error("Postcopy is not compatible with ignore-shared", 2,
                      MIGRATION_CAPABILITY_POSTCOPY_RAM, true,
                      MIGRATION_CAPABILITY_X_IGNORE_SHARED, true);
    expect_caps_error("dirty-limit conflicts with auto-converge either of "
                      "then available currently", 2,
                      MIGRATION_CAPABILITY_DIRTY_LIMIT, true,
                      MIGRATION_CAPABILITY_AUTO_CONVERGE, true);
    expect_caps_error("Mapped-ram migration is incompatible with xbzrle", 2,
                      MIGRATION_CAPABILITY_MAPPED_RAM, true,
                      MIGRATION_CAPABILITY_XBZRLE, true);
    expect_caps_error("Mapped-ram migration is incompatible with postcopy",
                      2, MIGRATION_CAPABILITY_MAPPED_RAM, true,
                      MIGRATION_CAPABILITY_POSTCOPY_RAM, true);
    expect_caps_error("Zero copy only available for non-compressed non-TLS "
                      "multifd migration", 1,
                      MIGRATION_CAPABILITY_ZERO_COPY_SEND, true);
    expect_caps_error("Background-snapshot is not compatible with "
                      "return-path", 2,
                      MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT, true,
                      MIGRATION_CAPABILITY_RETURN_PATH, true);
    expect_caps_error("Background-snapshot is not compatible with "
                      "validate-uuid", 2,
                      MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT, true,
                      MIGRATION_CAPABILITY_VALIDATE_UUID, true);

    /* The old set matters: with return-path on, switchover-ack passes the
     * cross-check and is refused only as not implemented. */
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_RETURN_PATH, true);
    expect_caps_error("Capability 'switchover-ack' is not supported by "
                      "Tern yet", 1, MIGRATION_CAPABILITY_SWITCHOVER_ACK, true);
    all_caps_off();
}

static void test_caps_refused_while_running(void)
{
    MigrationState *s = migrate_get_current();
    static const int running[] = {
        MIGRATION_STATUS_SETUP, MIGRATION_STATUS_ACTIVE,
        MIGRATION_STATUS_PRE_SWITCHOVER, MIGRATION_STATUS_DEVICE,
        MIGRATION_STATUS_CANCELLING, MIGRATION_STATUS_COLO,
    };

    all_caps_off();
    for (size_t i = 0; i < ARRAY_SIZE(running); i++) {
        s->state = running[i];
        expect_caps_error("There's a migration process in progress", 1,
                          MIGRATION_CAPABILITY_EVENTS, true);
    }
    /* Finished states allow it again. */
    s->state = MIGRATION_STATUS_COMPLETED;
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_EVENTS, true);
    s->state = MIGRATION_STATUS_FAILED;
    set_caps(&error_abort, 1, MIGRATION_CAPABILITY_EVENTS, false);
    s->state = MIGRATION_STATUS_NONE;
}

/* migrate_set_state: compare-and-swap; MIGRATION event under 'events'. */
static void test_set_state_events(void)
{
    MigrationState *s = migrate_get_current();
    int seen;

    all_caps_off();
    s->state = MIGRATION_STATUS_NONE;
    seen = migration_events_seen;
    migrate_set_state(&s->state, MIGRATION_STATUS_NONE,
                      MIGRATION_STATUS_SETUP);
    g_assert_cmpint(s->state, ==, MIGRATION_STATUS_SETUP);
    g_assert_cmpint(migration_events_seen, ==, seen);

    s->capabilities[MIGRATION_CAPABILITY_EVENTS] = true;
    /* Wrong old state: no change, no event. */
    migrate_set_state(&s->state, MIGRATION_STATUS_ACTIVE,
                      MIGRATION_STATUS_COMPLETED);
    g_assert_cmpint(s->state, ==, MIGRATION_STATUS_SETUP);
    g_assert_cmpint(migration_events_seen, ==, seen);
    migrate_set_state(&s->state, MIGRATION_STATUS_SETUP,
                      MIGRATION_STATUS_ACTIVE);
    g_assert_cmpint(s->state, ==, MIGRATION_STATUS_ACTIVE);
    g_assert_cmpint(migration_events_seen, ==, seen + 1);
    g_assert_cmpstr(last_migration_status, ==, "active");
    g_assert_true(migration_is_running());
    g_assert_true(migration_is_active());

    s->state = MIGRATION_STATUS_NONE;
    all_caps_off();
    g_assert_false(migration_is_running());
}

/* ---------------------------------------------------------- parameters */

static void test_params_roundtrip(void)
{
    MigrateSetParameters p = { 0 };
    StrOrNull creds = { .type = QTYPE_QSTRING, .u.s = (char *)"tls0" };
    StrOrNull host = { .type = QTYPE_QSTRING, .u.s = (char *)"peer" };
    g_autoptr(MigrationParameters) q = NULL;

    p.has_downtime_limit = true;
    p.downtime_limit = 1234;
    p.has_max_bandwidth = true;
    p.max_bandwidth = 10 * 1024 * 1024;
    p.has_avail_switchover_bandwidth = true;
    p.avail_switchover_bandwidth = 999;
    p.has_multifd_channels = true;
    p.multifd_channels = 8;
    p.has_multifd_compression = true;
    p.multifd_compression = MULTIFD_COMPRESSION_ZLIB;
    p.has_mode = true;
    p.mode = MIG_MODE_CPR_REBOOT;
    p.has_zero_page_detection = true;
    p.zero_page_detection = ZERO_PAGE_DETECTION_LEGACY;
    p.has_cpu_throttle_tailslow = true;
    p.cpu_throttle_tailslow = true;
    p.tls_creds = &creds;
    p.tls_hostname = &host;
    set_params(&p, NULL);

    q = query_params();
    g_assert_cmpuint(q->downtime_limit, ==, 1234);
    g_assert_cmpuint(q->max_bandwidth, ==, 10 * 1024 * 1024);
    g_assert_cmpuint(q->avail_switchover_bandwidth, ==, 999);
    g_assert_cmpuint(q->multifd_channels, ==, 8);
    g_assert_cmpint(q->multifd_compression, ==, MULTIFD_COMPRESSION_ZLIB);
    g_assert_cmpint(q->mode, ==, MIG_MODE_CPR_REBOOT);
    g_assert_cmpint(q->zero_page_detection, ==, ZERO_PAGE_DETECTION_LEGACY);
    g_assert_true(q->cpu_throttle_tailslow);
    g_assert_cmpstr(q->tls_creds, ==, "tls0");
    g_assert_cmpstr(q->tls_hostname, ==, "peer");
    g_assert_cmpstr(q->tls_authz, ==, "");
    /* Members not supplied kept their values. */
    g_assert_cmpuint(q->announce_step, ==, 100);
    g_assert_cmpstr(migrate_tls_creds(), ==, "tls0");
    g_assert_true(migrate_tls());
    /* Not migrating: the rate limiter is not touched by max-bandwidth. */
    g_assert_cmpuint(migration_rate_get(), ==,
                     134217728 / XFER_LIMIT_RATIO);

    /* null and "" both clear a TLS string. */
    {
        MigrateSetParameters r = { 0 };
        StrOrNull null_creds = { .type = QTYPE_QNULL };
        StrOrNull empty = { .type = QTYPE_QSTRING, .u.s = (char *)"" };
        g_autoptr(MigrationParameters) q2 = NULL;

        r.tls_creds = &null_creds;
        r.tls_hostname = &empty;
        r.has_downtime_limit = true;
        r.downtime_limit = 300;
        r.has_max_bandwidth = true;
        r.max_bandwidth = 134217728;
        r.has_multifd_channels = true;
        r.multifd_channels = 2;
        r.has_multifd_compression = true;
        r.multifd_compression = MULTIFD_COMPRESSION_NONE;
        r.has_mode = true;
        r.mode = MIG_MODE_NORMAL;
        r.has_zero_page_detection = true;
        r.zero_page_detection = ZERO_PAGE_DETECTION_MULTIFD;
        r.has_avail_switchover_bandwidth = true;
        r.avail_switchover_bandwidth = 0;
        r.has_cpu_throttle_tailslow = true;
        r.cpu_throttle_tailslow = false;
        set_params(&r, NULL);
        q2 = query_params();
        g_assert_cmpstr(q2->tls_creds, ==, "");
        g_assert_cmpstr(q2->tls_hostname, ==, "");
        g_assert_null(migrate_tls_creds());
        g_assert_false(migrate_tls());
    }
}

static void test_params_ranges(void)
{
    static const struct {
        const char *member;
        uint64_t value;
        const char *msg;
    } bad[] = {
        { "throttle-trigger-threshold", 0, "Parameter "
          "'throttle_trigger_threshold' expects an integer in the range "
          "of 1 to 100" },
        { "throttle-trigger-threshold", 101, "Parameter "
          "'throttle_trigger_threshold' expects an integer in the range "
          "of 1 to 100" },
        { "cpu-throttle-initial", 0, "Parameter 'cpu_throttle_initial' "
          "expects an integer in the range of 1 to 99" },
        { "cpu-throttle-initial", 100, "Parameter 'cpu_throttle_initial' "
          "expects an integer in the range of 1 to 99" },
        { "cpu-throttle-increment", 0, "Parameter 'cpu_throttle_increment' "
          "expects an integer in the range of 1 to 99" },
        { "cpu-throttle-increment", 100, "Parameter "
          "'cpu_throttle_increment' expects an integer in the range of 1 "
          "to 99" },
        { "downtime-limit", 2000001, "Parameter 'downtime_limit' expects "
          "an integer in the range of 0 to (2000 * 1000) ms" },
        { "multifd-channels", 0, "Parameter 'multifd_channels' expects a "
          "value between 1 and 255" },
        { "multifd-zlib-level", 10, "Parameter 'multifd_zlib_level' "
          "expects a value between 0 and 9" },
        { "multifd-qatzip-level", 0, "Parameter 'multifd_qatzip_level' "
          "expects a value between 1 and 9" },
        { "multifd-qatzip-level", 10, "Parameter 'multifd_qatzip_level' "
          "expects a value between 1 and 9" },
        { "multifd-zstd-level", 21, "Parameter 'multifd_zstd_level' "
          "expects a value between 0 and 20" },
        { "xbzrle-cache-size", 2048, "Parameter 'xbzrle_cache_size' "
          "expects a power of two no less than the target page size" },
        { "xbzrle-cache-size", 3 * 4096, "Parameter 'xbzrle_cache_size' "
          "expects a power of two no less than the target page size" },
        { "max-cpu-throttle", 10, "Parameter 'max_cpu_throttle' expects "
          "an integer in the range of cpu_throttle_initial to 99" },
        { "max-cpu-throttle", 100, "Parameter 'max_cpu_throttle' expects "
          "an integer in the range of cpu_throttle_initial to 99" },
        { "announce-initial", 100001, "Parameter 'announce_initial' "
          "expects a value between 0 and 100000" },
        { "announce-max", 100001, "Parameter 'announce_max' expects a "
          "value between 0 and 100000" },
        { "announce-rounds", 1001, "Parameter 'announce_rounds' expects a "
          "value between 0 and 1000" },
        { "announce-step", 0, "Parameter 'announce_step' expects a value "
          "between 0 and 10000" },
        { "announce-step", 10001, "Parameter 'announce_step' expects a "
          "value between 0 and 10000" },
        { "x-vcpu-dirty-limit-period", 0, "Parameter "
          "'x-vcpu-dirty-limit-period' expects a value between 1 and "
          "1000" },
        { "x-vcpu-dirty-limit-period", 1001, "Parameter "
          "'x-vcpu-dirty-limit-period' expects a value between 1 and "
          "1000" },
        { "vcpu-dirty-limit", 0, "Parameter 'vcpu_dirty_limit' must be "
          "greater than 1 MB/s" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        MigrateSetParameters p = { 0 };
        const char *m = bad[i].member;
        uint64_t v = bad[i].value;

#define SETM(name, field) \
        if (!strcmp(m, name)) { p.has_##field = true; p.field = v; }
        SETM("throttle-trigger-threshold", throttle_trigger_threshold)
        SETM("cpu-throttle-initial", cpu_throttle_initial)
        SETM("cpu-throttle-increment", cpu_throttle_increment)
        SETM("downtime-limit", downtime_limit)
        SETM("multifd-channels", multifd_channels)
        SETM("multifd-zlib-level", multifd_zlib_level)
        SETM("multifd-qatzip-level", multifd_qatzip_level)
        SETM("multifd-zstd-level", multifd_zstd_level)
        SETM("xbzrle-cache-size", xbzrle_cache_size)
        SETM("max-cpu-throttle", max_cpu_throttle)
        SETM("announce-initial", announce_initial)
        SETM("announce-max", announce_max)
        SETM("announce-rounds", announce_rounds)
        SETM("announce-step", announce_step)
        SETM("x-vcpu-dirty-limit-period", x_vcpu_dirty_limit_period)
        SETM("vcpu-dirty-limit", vcpu_dirty_limit)
#undef SETM
        if (g_test_verbose()) {
            g_test_message("%s = %" PRIu64, m, v);
        }
        set_params(&p, bad[i].msg);
    }

    /* Limits themselves are accepted. */
    {
        MigrateSetParameters p = { 0 };

        p.has_downtime_limit = true;
        p.downtime_limit = 2000000;
        p.has_announce_step = true;
        p.announce_step = 10000;
        p.has_xbzrle_cache_size = true;
        p.xbzrle_cache_size = 4096;
        p.has_multifd_zstd_level = true;
        p.multifd_zstd_level = 20;
        set_params(&p, NULL);
        g_assert_cmpuint(migrate_downtime_limit(), ==, 2000000);
        g_assert_cmpuint(migrate_xbzrle_cache_size(), ==, 4096);
    }

    /* The check is on the candidate: max-cpu-throttle vs. a new initial. */
    {
        MigrateSetParameters p = { 0 };

        p.has_cpu_throttle_initial = true;
        p.cpu_throttle_initial = 50;
        p.has_max_cpu_throttle = true;
        p.max_cpu_throttle = 40;
        set_params(&p, "Parameter 'max_cpu_throttle' expects an integer in "
                   "the range of cpu_throttle_initial to 99");
        p.max_cpu_throttle = 60;
        set_params(&p, NULL);
        g_assert_cmpuint(migrate_max_cpu_throttle(), ==, 60);
    }
}

static void test_params_bitmap_mapping(void)
{
    MigrateSetParameters p = { 0 };
    BitmapMigrationNodeAlias a = {
        .node_name = (char *)"disk0", .alias = (char *)"d0",
    };
    BitmapMigrationNodeAlias b = {
        .node_name = (char *)"disk1", .alias = (char *)"d0",
    };
    BitmapMigrationNodeAliasList lb = { .next = NULL, .value = &b };
    BitmapMigrationNodeAliasList la = { .next = &lb, .value = &a };
    g_autoptr(MigrationParameters) q = query_params();

    /* Not shown until set. */
    g_assert_null(q->block_bitmap_mapping);
    g_assert_false(migrate_has_block_bitmap_mapping());

    p.block_bitmap_mapping = &la;
    set_params(&p, "Invalid mapping given for block-bitmap-mapping: "
               "The node alias 'd0' is used twice");
    b.alias = (char *)"d1";
    set_params(&p, NULL);
    g_assert_true(migrate_has_block_bitmap_mapping());
    qapi_free_MigrationParameters(q);
    q = query_params();
    g_assert_nonnull(q->block_bitmap_mapping);
    g_assert_cmpstr(q->block_bitmap_mapping->value->node_name, ==, "disk0");
    g_assert_cmpstr(q->block_bitmap_mapping->next->value->alias, ==, "d1");
}

/* ----------------------------------------------------- QOM properties */

static void test_qom_properties(void)
{
    Object *obj = OBJECT(migrate_get_current());

    g_assert_cmpuint(object_property_get_uint(obj, "x-downtime-limit",
                                              &error_abort), ==,
                     migrate_downtime_limit());
    g_assert_cmpuint(object_property_get_uint(obj, "multifd-channels",
                                              &error_abort), ==,
                     migrate_multifd_channels());
    g_assert_true(object_property_get_bool(obj, "store-global-state",
                                           &error_abort));
    g_assert_false(object_property_get_bool(obj, "send-switchover-start",
                                            &error_abort));
    g_assert_cmpuint(object_property_get_uint(obj, "x-clear-bitmap-shift",
                                              &error_abort), ==, 18);
    g_assert_false(object_property_get_bool(obj, "x-return-path",
                                            &error_abort));
}

/* -global migration.X=Y applies to the object, checked at creation. */
static void test_global_properties(void)
{
    Object *obj;
    MigrationState *m;
    Error *err = NULL;

    if (g_test_subprocess()) {
        qdev_prop_register_global_str("migration.x-downtime-limit=5000",
                                      &error_abort);
        qdev_prop_register_global_str("migration.send-switchover-start=on",
                                      &error_abort);
        qdev_prop_register_global_str("migration.x-return-path=on",
                                      &error_abort);
        qdev_prop_register_global_str("migration.tls-creds=sec0",
                                      &error_abort);
        qdev_prop_register_global_str("migration.multifd-compression=zlib",
                                      &error_abort);
        obj = object_new(TYPE_MIGRATION);
        m = MIGRATION(obj);
        g_assert_true(migrate_options_check_initial(m, &error_abort));
        g_assert_cmpuint(m->parameters.downtime_limit, ==, 5000);
        g_assert_true(m->send_switchover_start);
        g_assert_true(m->capabilities[MIGRATION_CAPABILITY_RETURN_PATH]);
        g_assert_cmpstr(m->parameters.tls_creds, ==, "sec0");
        g_assert_cmpstr(m->parameters.tls_authz, ==, "");
        g_assert_cmpint(m->parameters.multifd_compression, ==,
                        MULTIFD_COMPRESSION_ZLIB);
        object_unref(obj);

        /* A default that fails the checks is refused at creation. */
        qdev_prop_register_global_str("migration.x-dirty-limit=on",
                                      &error_abort);
        obj = object_new(TYPE_MIGRATION);
        g_assert_false(migrate_options_check_initial(MIGRATION(obj), &err));
        g_assert_cmpstr(error_get_pretty(err), ==,
                        "dirty-limit requires KVM with accelerator property "
                        "'dirty-ring-size' set");
        error_free(err);
        err = NULL;
        object_unref(obj);

        qdev_prop_register_global_str("migration.x-dirty-limit=off",
                                      &error_abort);
        qdev_prop_register_global_str("migration.announce-step=0",
                                      &error_abort);
        obj = object_new(TYPE_MIGRATION);
        g_assert_false(migrate_options_check_initial(MIGRATION(obj), &err));
        g_assert_cmpstr(error_get_pretty(err), ==, "Parameter "
                        "'announce_step' expects a value between 0 and "
                        "10000");
        error_free(err);
        object_unref(obj);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
}

/* ---------------------------------------------------------- blockers */

static const VMStateDescription vmstate_unmigratable_test = {
    .name = "unmigratable-test",
    .unmigratable = 1,
};

static bool reasons_contain(strList *reasons, const char *text)
{
    for (; reasons; reasons = reasons->next) {
        if (!strcmp(reasons->value, text)) {
            return true;
        }
    }
    return false;
}

static void test_blockers(void)
{
    Error *reason = NULL, *err = NULL;
    MigrationInfo *info;
    int dummy;

    g_assert_false(migration_is_blocked(&error_abort));

    error_setg(&reason, "test device has no migratable state");
    g_assert_cmpint(migrate_add_blocker(&reason, &error_abort), ==, 0);
    g_assert_true(migration_is_blocked(&err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "test device has no migratable state");
    error_free(err);
    err = NULL;
    info = qmp_query_migrate(&error_abort);
    g_assert_true(reasons_contain(info->blocked_reasons,
                                  "test device has no migratable state"));
    qapi_free_MigrationInfo(info);
    migrate_del_blocker(&reason);
    g_assert_null(reason);
    g_assert_false(migration_is_blocked(&error_abort));

    /* A section that declares itself unmigratable blocks too. */
    vmstate_register(NULL, 0, &vmstate_unmigratable_test, &dummy);
    g_assert_true(migration_is_blocked(&err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "State blocked by non-migratable device "
                    "'unmigratable-test'");
    error_free(err);
    info = qmp_query_migrate(&error_abort);
    g_assert_true(reasons_contain(info->blocked_reasons,
                                  "non-migratable device: "
                                  "unmigratable-test"));
    qapi_free_MigrationInfo(info);
    vmstate_unregister(NULL, &vmstate_unmigratable_test, &dummy);
    g_assert_false(migration_is_blocked(&error_abort));
}

/*
 * The limiter paced (postcopy): right after a window starts only its
 * first slice of the budget may go, where unpaced the whole window's
 * may; a spent budget sleeps a slice, not the rest of the window.
 */
static void test_rate_paced(void)
{
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(1 << 20);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(bioc));
    g_autofree uint8_t *buf = g_malloc0(90000);
    uint64_t saved = migration_rate_get();

    /* 100000 bytes a window. */
    migration_rate_set(100000 * XFER_LIMIT_RATIO);
    migration_rate_set_paced(false);
    migration_rate_reset();
    qemu_put_buffer(f, buf, 90000);
    qemu_fflush(f);
    g_assert_false(migration_rate_exceeded(f));
    g_assert_cmpint(migration_rate_slice_ms(1000, 1080), ==, 80);

    migration_rate_set_paced(true);
    migration_rate_reset();
    qemu_put_buffer(f, buf, 90000);
    qemu_fflush(f);
    /* Only 89 ms into the window would 90000 bytes be allowed. */
    g_assert_true(migration_rate_exceeded(f));
    g_assert_cmpint(migration_rate_slice_ms(1000, 1080), ==,
                    RATE_PACE_SLICE);
    g_assert_cmpint(migration_rate_slice_ms(1080, 1080), ==, 0);

    migration_rate_set_paced(false);
    stat64_set(&mig_stats.rate_limit_max, saved);
    qemu_fclose(f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    migration_object_init();

    g_test_add_func("/migration/options/defaults", test_defaults);
    g_test_add_func("/migration/options/qom-properties", test_qom_properties);
    g_test_add_func("/migration/options/caps/roundtrip", test_caps_roundtrip);
    g_test_add_func("/migration/options/caps/zero-blocks",
                    test_caps_zero_blocks_deprecated);
    g_test_add_func("/migration/options/caps/unsupported",
                    test_caps_unsupported);
    g_test_add_func("/migration/options/caps/cross-checks",
                    test_caps_cross_checks);
    g_test_add_func("/migration/options/caps/running",
                    test_caps_refused_while_running);
    g_test_add_func("/migration/state/set-state", test_set_state_events);
    g_test_add_func("/migration/options/params/roundtrip",
                    test_params_roundtrip);
    g_test_add_func("/migration/options/params/ranges", test_params_ranges);
    g_test_add_func("/migration/options/params/bitmap-mapping",
                    test_params_bitmap_mapping);
    g_test_add_func("/migration/options/global", test_global_properties);
    g_test_add_func("/migration/blockers", test_blockers);
    g_test_add_func("/migration/rate-limit/paced", test_rate_paced);
    return g_test_run();
}

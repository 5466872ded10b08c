/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration capabilities and parameters: QEMU 10.0's defaults, ranges and
 * cross-checks, the QMP set/query commands, the getters the rest of
 * migration/ reads, and the TYPE_MIGRATION properties behind
 * "-global migration.NAME=VALUE".
 */
#include "qemu/osdep.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-visit-migration.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "migration/migration.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/misc.h"
#include "migration/postcopy-ram.h"
#include "migration/ram-wp.h"
#include "migration/ram-xbzrle.h"
#include "system/runstate.h"

/* ------------------------------------------------------------ properties */

/* 2^18 pages per clear-bitmap chunk, as QEMU. */
#define CLEAR_BITMAP_SHIFT_DEFAULT 18
#define CLEAR_BITMAP_SHIFT_MIN 6
#define CLEAR_BITMAP_SHIFT_MAX 31

#define DEFAULT_MIGRATE_X_CHECKPOINT_DELAY (200 * 100)
#define DEFAULT_MIGRATE_MULTIFD_CHANNELS 2
#define DEFAULT_MIGRATE_MULTIFD_COMPRESSION MULTIFD_COMPRESSION_NONE
#define DEFAULT_MIGRATE_MULTIFD_ZLIB_LEVEL 1
#define DEFAULT_MIGRATE_MULTIFD_QATZIP_LEVEL 1
#define DEFAULT_MIGRATE_MULTIFD_ZSTD_LEVEL 1
#define DEFAULT_MIGRATE_XBZRLE_CACHE_SIZE (64 * 1024 * 1024)
#define DEFAULT_MIGRATE_THROTTLE_TRIGGER_THRESHOLD 50
#define DEFAULT_MIGRATE_CPU_THROTTLE_INITIAL 20
#define DEFAULT_MIGRATE_CPU_THROTTLE_INCREMENT 10
#define DEFAULT_MIGRATE_MAX_CPU_THROTTLE 99
#define DEFAULT_MIGRATE_ANNOUNCE_INITIAL 50
#define DEFAULT_MIGRATE_ANNOUNCE_MAX 550
#define DEFAULT_MIGRATE_ANNOUNCE_ROUNDS 5
#define DEFAULT_MIGRATE_ANNOUNCE_STEP 100
#define DEFAULT_MIGRATE_VCPU_DIRTY_LIMIT_PERIOD 1000
#define DEFAULT_MIGRATE_VCPU_DIRTY_LIMIT 1

static const PropertyInfo qdev_prop_multifd_compression = {
    .type = "MultiFDCompression",
    .description = "multifd compression method: none/zlib/zstd",
    .enum_table = &MultiFDCompression_lookup,
    .get = qdev_propinfo_get_enum,
    .set = qdev_propinfo_set_enum,
    .set_default_value = qdev_propinfo_set_default_value_enum,
};

static const PropertyInfo qdev_prop_mig_mode = {
    .type = "MigMode",
    .description = "migration mode: normal/cpr-reboot/cpr-transfer",
    .enum_table = &MigMode_lookup,
    .get = qdev_propinfo_get_enum,
    .set = qdev_propinfo_set_enum,
    .set_default_value = qdev_propinfo_set_default_value_enum,
};

static const PropertyInfo qdev_prop_zero_page_detection = {
    .type = "ZeroPageDetection",
    .description = "zero page detection: none/legacy/multifd",
    .enum_table = &ZeroPageDetection_lookup,
    .get = qdev_propinfo_get_enum,
    .set = qdev_propinfo_set_enum,
    .set_default_value = qdev_propinfo_set_default_value_enum,
};

#define DEFINE_PROP_ENUM_(_n, _f, _d, _info, _type)                    \
    DEFINE_PROP_SIGNED(_n, MigrationState, parameters._f, _d, _info, _type)

#define DEFINE_PROP_MIG_CAP(_name, _cap)                                \
    DEFINE_PROP_BOOL(_name, MigrationState, capabilities[_cap], false)

/*
 * send-switchover-start defaults to off, unlike QEMU 10.0: Tern writes
 * QEMU 7.2's stream dialect, and a 7.2 destination refuses command 11
 * ("MIG_CMD 0xb unknown").  Turn it on only towards a 10.0+ peer.
 */
const Property migration_properties[] = {
    DEFINE_PROP_BOOL("store-global-state", MigrationState,
                     store_global_state, true),
    DEFINE_PROP_BOOL("send-configuration", MigrationState,
                     send_configuration, true),
    DEFINE_PROP_BOOL("send-section-footer", MigrationState,
                     send_section_footer, true),
    DEFINE_PROP_BOOL("send-switchover-start", MigrationState,
                     send_switchover_start, false),
    DEFINE_PROP_BOOL("multifd-flush-after-each-section", MigrationState,
                     multifd_flush_after_each_section, false),
    DEFINE_PROP_UINT8("x-clear-bitmap-shift", MigrationState,
                      clear_bitmap_shift, CLEAR_BITMAP_SHIFT_DEFAULT),
    DEFINE_PROP_BOOL("x-preempt-pre-7-2", MigrationState,
                     preempt_pre_7_2, false),
    DEFINE_PROP_BOOL("multifd-clean-tls-termination", MigrationState,
                     multifd_clean_tls_termination, true),

    /* Parameters. */
    DEFINE_PROP_UINT8("x-throttle-trigger-threshold", MigrationState,
                      parameters.throttle_trigger_threshold,
                      DEFAULT_MIGRATE_THROTTLE_TRIGGER_THRESHOLD),
    DEFINE_PROP_UINT8("x-cpu-throttle-initial", MigrationState,
                      parameters.cpu_throttle_initial,
                      DEFAULT_MIGRATE_CPU_THROTTLE_INITIAL),
    DEFINE_PROP_UINT8("x-cpu-throttle-increment", MigrationState,
                      parameters.cpu_throttle_increment,
                      DEFAULT_MIGRATE_CPU_THROTTLE_INCREMENT),
    DEFINE_PROP_BOOL("x-cpu-throttle-tailslow", MigrationState,
                     parameters.cpu_throttle_tailslow, false),
    DEFINE_PROP_SIZE("x-max-bandwidth", MigrationState,
                     parameters.max_bandwidth, DEFAULT_MIGRATE_MAX_BANDWIDTH),
    DEFINE_PROP_SIZE("avail-switchover-bandwidth", MigrationState,
                     parameters.avail_switchover_bandwidth, 0),
    DEFINE_PROP_UINT64("x-downtime-limit", MigrationState,
                       parameters.downtime_limit,
                       DEFAULT_MIGRATE_SET_DOWNTIME),
    DEFINE_PROP_UINT32("x-checkpoint-delay", MigrationState,
                       parameters.x_checkpoint_delay,
                       DEFAULT_MIGRATE_X_CHECKPOINT_DELAY),
    DEFINE_PROP_UINT8("multifd-channels", MigrationState,
                      parameters.multifd_channels,
                      DEFAULT_MIGRATE_MULTIFD_CHANNELS),
    DEFINE_PROP_ENUM_("multifd-compression", multifd_compression,
                      DEFAULT_MIGRATE_MULTIFD_COMPRESSION,
                      qdev_prop_multifd_compression, MultiFDCompression),
    DEFINE_PROP_UINT8("multifd-zlib-level", MigrationState,
                      parameters.multifd_zlib_level,
                      DEFAULT_MIGRATE_MULTIFD_ZLIB_LEVEL),
    DEFINE_PROP_UINT8("multifd-qatzip-level", MigrationState,
                      parameters.multifd_qatzip_level,
                      DEFAULT_MIGRATE_MULTIFD_QATZIP_LEVEL),
    DEFINE_PROP_UINT8("multifd-zstd-level", MigrationState,
                      parameters.multifd_zstd_level,
                      DEFAULT_MIGRATE_MULTIFD_ZSTD_LEVEL),
    DEFINE_PROP_SIZE("xbzrle-cache-size", MigrationState,
                     parameters.xbzrle_cache_size,
                     DEFAULT_MIGRATE_XBZRLE_CACHE_SIZE),
    DEFINE_PROP_SIZE("max-postcopy-bandwidth", MigrationState,
                     parameters.max_postcopy_bandwidth, 0),
    DEFINE_PROP_UINT8("max-cpu-throttle", MigrationState,
                      parameters.max_cpu_throttle,
                      DEFAULT_MIGRATE_MAX_CPU_THROTTLE),
    DEFINE_PROP_SIZE("announce-initial", MigrationState,
                     parameters.announce_initial,
                     DEFAULT_MIGRATE_ANNOUNCE_INITIAL),
    DEFINE_PROP_SIZE("announce-max", MigrationState,
                     parameters.announce_max, DEFAULT_MIGRATE_ANNOUNCE_MAX),
    DEFINE_PROP_SIZE("announce-rounds", MigrationState,
                     parameters.announce_rounds,
                     DEFAULT_MIGRATE_ANNOUNCE_ROUNDS),
    DEFINE_PROP_SIZE("announce-step", MigrationState,
                     parameters.announce_step, DEFAULT_MIGRATE_ANNOUNCE_STEP),
    DEFINE_PROP_STRING("tls-creds", MigrationState, parameters.tls_creds),
    DEFINE_PROP_STRING("tls-hostname", MigrationState,
                       parameters.tls_hostname),
    DEFINE_PROP_STRING("tls-authz", MigrationState, parameters.tls_authz),
    DEFINE_PROP_UINT64("x-vcpu-dirty-limit-period", MigrationState,
                       parameters.x_vcpu_dirty_limit_period,
                       DEFAULT_MIGRATE_VCPU_DIRTY_LIMIT_PERIOD),
    DEFINE_PROP_UINT64("vcpu-dirty-limit", MigrationState,
                       parameters.vcpu_dirty_limit,
                       DEFAULT_MIGRATE_VCPU_DIRTY_LIMIT),
    DEFINE_PROP_ENUM_("mode", mode, MIG_MODE_NORMAL, qdev_prop_mig_mode,
                      MigMode),
    DEFINE_PROP_ENUM_("zero-page-detection", zero_page_detection,
                      ZERO_PAGE_DETECTION_MULTIFD,
                      qdev_prop_zero_page_detection, ZeroPageDetection),

    /* Capabilities. */
    DEFINE_PROP_MIG_CAP("x-xbzrle", MIGRATION_CAPABILITY_XBZRLE),
    DEFINE_PROP_MIG_CAP("x-rdma-pin-all", MIGRATION_CAPABILITY_RDMA_PIN_ALL),
    DEFINE_PROP_MIG_CAP("x-auto-converge",
                        MIGRATION_CAPABILITY_AUTO_CONVERGE),
    DEFINE_PROP_MIG_CAP("x-events", MIGRATION_CAPABILITY_EVENTS),
    DEFINE_PROP_MIG_CAP("x-postcopy-ram", MIGRATION_CAPABILITY_POSTCOPY_RAM),
    DEFINE_PROP_MIG_CAP("x-postcopy-preempt",
                        MIGRATION_CAPABILITY_POSTCOPY_PREEMPT),
    DEFINE_PROP_MIG_CAP("x-colo", MIGRATION_CAPABILITY_X_COLO),
    DEFINE_PROP_MIG_CAP("x-release-ram", MIGRATION_CAPABILITY_RELEASE_RAM),
    DEFINE_PROP_MIG_CAP("x-return-path", MIGRATION_CAPABILITY_RETURN_PATH),
    DEFINE_PROP_MIG_CAP("x-multifd", MIGRATION_CAPABILITY_MULTIFD),
    DEFINE_PROP_MIG_CAP("x-background-snapshot",
                        MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT),
    DEFINE_PROP_MIG_CAP("x-zero-copy-send",
                        MIGRATION_CAPABILITY_ZERO_COPY_SEND),
    DEFINE_PROP_MIG_CAP("x-switchover-ack",
                        MIGRATION_CAPABILITY_SWITCHOVER_ACK),
    DEFINE_PROP_MIG_CAP("x-dirty-limit", MIGRATION_CAPABILITY_DIRTY_LIMIT),
    DEFINE_PROP_MIG_CAP("mapped-ram", MIGRATION_CAPABILITY_MAPPED_RAM),
    DEFINE_PROP_MIG_CAP("x-ignore-shared",
                        MIGRATION_CAPABILITY_X_IGNORE_SHARED),
    DEFINE_PROP_MIG_CAP("postcopy-blocktime",
                        MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME),
};
const size_t migration_properties_count = ARRAY_SIZE(migration_properties);

/* ----------------------------------------------------------- capabilities */

static bool migrate_cap(MigrationCapability cap)
{
    return migrate_get_current()->capabilities[cap];
}

bool migrate_auto_converge(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_AUTO_CONVERGE);
}

bool migrate_background_snapshot(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT);
}

bool migrate_colo(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_X_COLO);
}

bool migrate_dirty_bitmaps(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_DIRTY_BITMAPS);
}

bool migrate_dirty_limit(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_DIRTY_LIMIT);
}

bool migrate_events(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_EVENTS);
}

bool migrate_mapped_ram(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_MAPPED_RAM);
}

bool migrate_ignore_shared(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_X_IGNORE_SHARED);
}

bool migrate_late_block_activate(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE);
}

bool migrate_multifd(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_MULTIFD);
}

bool migrate_pause_before_switchover(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER);
}

bool migrate_postcopy_blocktime(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME);
}

bool migrate_postcopy_preempt(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_POSTCOPY_PREEMPT);
}

bool migrate_postcopy_ram(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_POSTCOPY_RAM);
}

bool migrate_rdma_pin_all(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_RDMA_PIN_ALL);
}

bool migrate_release_ram(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_RELEASE_RAM);
}

bool migrate_return_path(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_RETURN_PATH);
}

bool migrate_switchover_ack(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_SWITCHOVER_ACK);
}

bool migrate_validate_uuid(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_VALIDATE_UUID);
}

bool migrate_xbzrle(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_XBZRLE);
}

bool migrate_zero_blocks(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_ZERO_BLOCKS);
}

bool migrate_zero_copy_send(void)
{
    return migrate_cap(MIGRATION_CAPABILITY_ZERO_COPY_SEND);
}

bool migrate_postcopy(void)
{
    return migrate_postcopy_ram() || migrate_dirty_bitmaps();
}

bool migrate_tls(void)
{
    return migrate_tls_creds() != NULL;
}

bool migrate_rdma(void)
{
    return false;
}

bool migrate_store_global_state(void)
{
    return migrate_get_current()->store_global_state;
}

bool migrate_send_configuration(void)
{
    return migrate_get_current()->send_configuration;
}

bool migrate_send_section_footer(void)
{
    return migrate_get_current()->send_section_footer;
}

bool migrate_send_switchover_start(void)
{
    return migrate_get_current()->send_switchover_start;
}

bool migrate_multifd_flush_after_each_section(void)
{
    return migrate_get_current()->multifd_flush_after_each_section;
}

bool migrate_multifd_clean_tls_termination(void)
{
    return migrate_get_current()->multifd_clean_tls_termination;
}

bool migrate_preempt_pre_7_2(void)
{
    return migrate_get_current()->preempt_pre_7_2;
}

uint8_t migrate_clear_bitmap_shift(void)
{
    return migrate_get_current()->clear_bitmap_shift;
}

/*
 * What Tern implements.  A capability whose feature has not landed is
 * refused by name; enabling one when its feature lands is flipping its
 * entry here.  late-block-activate is accepted: QEMU 10.0 ignores it too
 * (block activation always waits for the VM to start), and Tern has no
 * block layer.  zero-blocks is accepted with QEMU's deprecation warning.
 */
static const bool migrate_cap_implemented[MIGRATION_CAPABILITY__MAX] = {
    [MIGRATION_CAPABILITY_XBZRLE] = true,
    [MIGRATION_CAPABILITY_RDMA_PIN_ALL] = false,
    [MIGRATION_CAPABILITY_AUTO_CONVERGE] = true,
    [MIGRATION_CAPABILITY_ZERO_BLOCKS] = true,
    [MIGRATION_CAPABILITY_EVENTS] = true,
    [MIGRATION_CAPABILITY_POSTCOPY_RAM] = true,
    [MIGRATION_CAPABILITY_X_COLO] = true,
    [MIGRATION_CAPABILITY_RELEASE_RAM] = true,
    [MIGRATION_CAPABILITY_RETURN_PATH] = true,
    [MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER] = true,
    [MIGRATION_CAPABILITY_MULTIFD] = true,
    [MIGRATION_CAPABILITY_DIRTY_BITMAPS] = false,
    [MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME] = true,
    [MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE] = true,
    [MIGRATION_CAPABILITY_X_IGNORE_SHARED] = false,
    [MIGRATION_CAPABILITY_VALIDATE_UUID] = true,
    [MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT] = true,
    [MIGRATION_CAPABILITY_ZERO_COPY_SEND] = true,
    [MIGRATION_CAPABILITY_POSTCOPY_PREEMPT] = true,
    [MIGRATION_CAPABILITY_SWITCHOVER_ACK] = false,
    [MIGRATION_CAPABILITY_DIRTY_LIMIT] = true,
    [MIGRATION_CAPABILITY_MAPPED_RAM] = true,
};

static const MigrationDirtyLimitOps *dirty_limit_ops;

void migration_register_dirty_limit(const MigrationDirtyLimitOps *ops)
{
    dirty_limit_ops = ops;
}

const MigrationDirtyLimitOps *migration_dirty_limit_ops(void)
{
    return dirty_limit_ops;
}

/* Is the capability implemented by Tern?  (Else the error names it.) */
bool migrate_cap_supported(MigrationCapability cap, Error **errp)
{
    if (!migrate_cap_implemented[cap]) {
        error_setg(errp, "Capability '%s' is not supported by Tern yet",
                   MigrationCapability_str(cap));
        return false;
    }
    return true;
}

/* Capabilities that cannot go with background-snapshot (QEMU's list). */
static const MigrationCapability check_caps_background_snapshot[] = {
    MIGRATION_CAPABILITY_POSTCOPY_RAM,
    MIGRATION_CAPABILITY_DIRTY_BITMAPS,
    MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME,
    MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE,
    MIGRATION_CAPABILITY_RETURN_PATH,
    MIGRATION_CAPABILITY_MULTIFD,
    MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER,
    MIGRATION_CAPABILITY_AUTO_CONVERGE,
    MIGRATION_CAPABILITY_RELEASE_RAM,
    MIGRATION_CAPABILITY_RDMA_PIN_ALL,
    MIGRATION_CAPABILITY_XBZRLE,
    MIGRATION_CAPABILITY_X_COLO,
    MIGRATION_CAPABILITY_VALIDATE_UUID,
    MIGRATION_CAPABILITY_ZERO_COPY_SEND,
};

/* The destination already has its listener (capabilities set too late). */
static bool migrate_incoming_started(void)
{
    return migration_incoming_get_current()->transport_data != NULL;
}

/*
 * QEMU's checks come first, in QEMU's order, so that a combination QEMU
 * refuses fails with QEMU's message; then the features Tern lacks.
 */
static bool migrate_caps_check(const bool *old_caps, const bool *new_caps,
                               Error **errp)
{
    if (new_caps[MIGRATION_CAPABILITY_ZERO_BLOCKS]) {
        warn_report("zero-blocks capability is deprecated");
    }

    if (new_caps[MIGRATION_CAPABILITY_POSTCOPY_RAM]) {
        /* Only the destination needs userfaultfd; asked once. */
        if (!old_caps[MIGRATION_CAPABILITY_POSTCOPY_RAM] &&
            runstate_check(RUN_STATE_INMIGRATE) &&
            !postcopy_ram_supported_by_host(errp)) {
            return false;
        }
        if (new_caps[MIGRATION_CAPABILITY_X_IGNORE_SHARED]) {
            error_setg(errp, "Postcopy is not compatible with ignore-shared");
            return false;
        }
        if (new_caps[MIGRATION_CAPABILITY_MULTIFD]) {
            error_setg(errp, "Postcopy is not yet compatible with multifd");
            return false;
        }
    }

    if (new_caps[MIGRATION_CAPABILITY_BACKGROUND_SNAPSHOT]) {
        /* userfaultfd write protection, by the kernel and for the RAM */
        if (!ram_wp_available()) {
            error_setg(errp,
                       "Background-snapshot is not supported by host kernel");
            return false;
        }
        if (!ram_wp_compatible()) {
            error_setg(errp, "Background-snapshot is not compatible "
                       "with guest memory configuration");
            return false;
        }
        for (size_t i = 0; i < ARRAY_SIZE(check_caps_background_snapshot);
             i++) {
            MigrationCapability c = check_caps_background_snapshot[i];

            if (new_caps[c]) {
                error_setg(errp,
                           "Background-snapshot is not compatible with %s",
                           MigrationCapability_str(c));
                return false;
            }
        }
    }

    if (new_caps[MIGRATION_CAPABILITY_ZERO_COPY_SEND] &&
        (!new_caps[MIGRATION_CAPABILITY_MULTIFD] ||
         new_caps[MIGRATION_CAPABILITY_XBZRLE] ||
         migrate_multifd_compression() != MULTIFD_COMPRESSION_NONE ||
         migrate_tls())) {
        error_setg(errp, "Zero copy only available for non-compressed "
                   "non-TLS multifd migration");
        return false;
    }

    if (new_caps[MIGRATION_CAPABILITY_POSTCOPY_PREEMPT]) {
        if (!new_caps[MIGRATION_CAPABILITY_POSTCOPY_RAM]) {
            error_setg(errp, "Postcopy preempt requires postcopy-ram");
            return false;
        }
        if (!old_caps[MIGRATION_CAPABILITY_POSTCOPY_PREEMPT] &&
            migrate_incoming_started()) {
            error_setg(errp,
                       "Postcopy preempt must be set before incoming starts");
            return false;
        }
    }

    if (new_caps[MIGRATION_CAPABILITY_MULTIFD] &&
        !old_caps[MIGRATION_CAPABILITY_MULTIFD] &&
        migrate_incoming_started()) {
        error_setg(errp, "Multifd must be set before incoming starts");
        return false;
    }

    if (new_caps[MIGRATION_CAPABILITY_SWITCHOVER_ACK] &&
        !new_caps[MIGRATION_CAPABILITY_RETURN_PATH]) {
        error_setg(errp, "Capability 'switchover-ack' requires capability "
                   "'return-path'");
        return false;
    }

    if (new_caps[MIGRATION_CAPABILITY_DIRTY_LIMIT]) {
        if (new_caps[MIGRATION_CAPABILITY_AUTO_CONVERGE]) {
            error_setg(errp, "dirty-limit conflicts with auto-converge"
                       " either of then available currently");
            return false;
        }
        if (!dirty_limit_ops || !dirty_limit_ops->available()) {
            error_setg(errp, "dirty-limit requires KVM with accelerator"
                       " property 'dirty-ring-size' set");
            return false;
        }
    }

    if (new_caps[MIGRATION_CAPABILITY_MULTIFD] &&
        new_caps[MIGRATION_CAPABILITY_XBZRLE]) {
        error_setg(errp, "Multifd is not compatible with xbzrle");
        return false;
    }

    if (new_caps[MIGRATION_CAPABILITY_MAPPED_RAM]) {
        if (new_caps[MIGRATION_CAPABILITY_XBZRLE]) {
            error_setg(errp,
                       "Mapped-ram migration is incompatible with xbzrle");
            return false;
        }
        if (new_caps[MIGRATION_CAPABILITY_POSTCOPY_RAM]) {
            error_setg(errp,
                       "Mapped-ram migration is incompatible with postcopy");
            return false;
        }
    }

    if (new_caps[MIGRATION_CAPABILITY_X_COLO]) {
        static const MigrationCapability colo_lacks[] = {
            MIGRATION_CAPABILITY_RETURN_PATH,
            MIGRATION_CAPABILITY_MULTIFD,
            MIGRATION_CAPABILITY_POSTCOPY_RAM,
        };

        /* COLO's messages take the return direction for themselves. */
        for (size_t i = 0; i < ARRAY_SIZE(colo_lacks); i++) {
            if (new_caps[colo_lacks[i]]) {
                error_setg(errp, "COLO with %s is not supported by Tern yet",
                           MigrationCapability_str(colo_lacks[i]));
                return false;
            }
        }
    }

    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        if (new_caps[i] && !migrate_cap_supported(i, errp)) {
            return false;
        }
    }
    return true;
}

/* Capabilities as the QMP list (also used by HMP). */
static MigrationCapabilityStatusList *migrate_caps_to_list(const bool *caps)
{
    MigrationCapabilityStatusList *head = NULL, **tail = &head;

    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        MigrationCapabilityStatus *st = g_new0(MigrationCapabilityStatus, 1);

        st->capability = i;
        st->state = caps[i];
        QAPI_LIST_APPEND(tail, st);
    }
    return head;
}

MigrationCapabilityStatusList *qmp_query_migrate_capabilities(Error **errp)
{
    return migrate_caps_to_list(migrate_get_current()->capabilities);
}

void qmp_migrate_set_capabilities(MigrationCapabilityStatusList *params,
                                  Error **errp)
{
    MigrationState *s = migrate_get_current();
    bool new_caps[MIGRATION_CAPABILITY__MAX];

    if (migration_is_running() || s->state == MIGRATION_STATUS_COLO) {
        error_setg(errp, "There's a migration process in progress");
        return;
    }

    memcpy(new_caps, s->capabilities, sizeof(new_caps));
    for (MigrationCapabilityStatusList *c = params; c; c = c->next) {
        new_caps[c->value->capability] = c->value->state;
    }
    if (!migrate_caps_check(s->capabilities, new_caps, errp)) {
        return;
    }
    memcpy(s->capabilities, new_caps, sizeof(new_caps));
}

/* ------------------------------------------------------------- parameters */

static MigrationParameters *migrate_params(void)
{
    return &migrate_get_current()->parameters;
}

void migrate_announce_params(AnnounceParameters *ap)
{
    memset(ap, 0, sizeof(*ap));
    ap->initial = migrate_announce_initial();
    ap->max = migrate_announce_max();
    ap->rounds = migrate_announce_rounds();
    ap->step = migrate_announce_step();
}

uint64_t migrate_announce_initial(void)
{
    return migrate_params()->announce_initial;
}

uint64_t migrate_announce_max(void)
{
    return migrate_params()->announce_max;
}

uint64_t migrate_announce_rounds(void)
{
    return migrate_params()->announce_rounds;
}

uint64_t migrate_announce_step(void)
{
    return migrate_params()->announce_step;
}

uint64_t migrate_avail_switchover_bandwidth(void)
{
    return migrate_params()->avail_switchover_bandwidth;
}

uint8_t migrate_cpu_throttle_increment(void)
{
    return migrate_params()->cpu_throttle_increment;
}

uint8_t migrate_cpu_throttle_initial(void)
{
    return migrate_params()->cpu_throttle_initial;
}

bool migrate_cpu_throttle_tailslow(void)
{
    return migrate_params()->cpu_throttle_tailslow;
}

/* O_DIRECT only applies to mapped-ram page data written by multifd. */
bool migrate_direct_io(void)
{
    return migrate_params()->direct_io && migrate_mapped_ram() &&
           migrate_multifd();
}

uint64_t migrate_downtime_limit(void)
{
    return migrate_params()->downtime_limit;
}

uint8_t migrate_max_cpu_throttle(void)
{
    return migrate_params()->max_cpu_throttle;
}

uint64_t migrate_max_bandwidth(void)
{
    return migrate_params()->max_bandwidth;
}

uint64_t migrate_max_postcopy_bandwidth(void)
{
    return migrate_params()->max_postcopy_bandwidth;
}

MigMode migrate_mode(void)
{
    return migrate_params()->mode;
}

int migrate_multifd_channels(void)
{
    return migrate_params()->multifd_channels;
}

MultiFDCompression migrate_multifd_compression(void)
{
    return migrate_params()->multifd_compression;
}

int migrate_multifd_zlib_level(void)
{
    return migrate_params()->multifd_zlib_level;
}

int migrate_multifd_qatzip_level(void)
{
    return migrate_params()->multifd_qatzip_level;
}

int migrate_multifd_zstd_level(void)
{
    return migrate_params()->multifd_zstd_level;
}

uint8_t migrate_throttle_trigger_threshold(void)
{
    return migrate_params()->throttle_trigger_threshold;
}

/* The TLS strings: NULL when unset (stored as ""). */
static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

const char *migrate_tls_authz(void)
{
    return nonempty(migrate_params()->tls_authz);
}

const char *migrate_tls_creds(void)
{
    return nonempty(migrate_params()->tls_creds);
}

const char *migrate_tls_hostname(void)
{
    const char *h = nonempty(migrate_params()->tls_hostname);

    /* Else the host of the URI being connected to. */
    return h ? h : migrate_get_current()->hostname;
}

uint64_t migrate_xbzrle_cache_size(void)
{
    return migrate_params()->xbzrle_cache_size;
}

uint64_t migrate_vcpu_dirty_limit_period(void)
{
    return migrate_params()->x_vcpu_dirty_limit_period;
}

uint64_t migrate_vcpu_dirty_limit(void)
{
    return migrate_params()->vcpu_dirty_limit;
}

uint32_t migrate_checkpoint_delay(void)
{
    return migrate_params()->x_checkpoint_delay;
}

ZeroPageDetection migrate_zero_page_detection(void)
{
    return migrate_params()->zero_page_detection;
}

bool migrate_has_block_bitmap_mapping(void)
{
    return migrate_get_current()->has_block_bitmap_mapping;
}

const BitmapMigrationNodeAliasList *migrate_block_bitmap_mapping(void)
{
    return migrate_params()->block_bitmap_mapping;
}

/* Every member present: query-migrate-parameters shows them all. */
static void migrate_mark_all_params_present(MigrationParameters *p)
{
    p->has_announce_initial = true;
    p->has_announce_max = true;
    p->has_announce_rounds = true;
    p->has_announce_step = true;
    p->has_throttle_trigger_threshold = true;
    p->has_cpu_throttle_initial = true;
    p->has_cpu_throttle_increment = true;
    p->has_cpu_throttle_tailslow = true;
    p->has_max_bandwidth = true;
    p->has_avail_switchover_bandwidth = true;
    p->has_downtime_limit = true;
    p->has_x_checkpoint_delay = true;
    p->has_multifd_channels = true;
    p->has_xbzrle_cache_size = true;
    p->has_max_postcopy_bandwidth = true;
    p->has_max_cpu_throttle = true;
    p->has_multifd_compression = true;
    p->has_multifd_zlib_level = true;
    p->has_multifd_qatzip_level = true;
    p->has_multifd_zstd_level = true;
    p->has_x_vcpu_dirty_limit_period = true;
    p->has_vcpu_dirty_limit = true;
    p->has_mode = true;
    p->has_zero_page_detection = true;
    p->has_direct_io = true;
}

/*
 * block-bitmap-mapping: Tern has no block layer (nothing is migrated by
 * it), but the mapping is kept and must be well formed: one entry per
 * node, one node per alias, and likewise per bitmap within a node;
 * aliases at most 255 bytes (they travel as a one-byte length).
 */
static bool check_alias(const char *kind, const char *alias, Error **errp)
{
    if (strlen(alias) > UINT8_MAX) {
        error_setg(errp, "The %s alias '%s' is longer than 255 bytes",
                   kind, alias);
        return false;
    }
    if (!*alias) {
        error_setg(errp, "The %s alias must not be empty", kind);
        return false;
    }
    return true;
}

static bool check_dirty_bitmap_mig_alias_map(
    const BitmapMigrationNodeAliasList *map, Error **errp)
{
    g_autoptr(GHashTable) nodes = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) aliases = g_hash_table_new(g_str_hash,
                                                     g_str_equal);

    for (const BitmapMigrationNodeAliasList *n = map; n; n = n->next) {
        const BitmapMigrationNodeAlias *na = n->value;
        g_autoptr(GHashTable) bnames = NULL;
        g_autoptr(GHashTable) baliases = NULL;

        if (!check_alias("node", na->alias, errp)) {
            return false;
        }
        if (!g_hash_table_add(nodes, na->node_name)) {
            error_setg(errp, "The node name '%s' is mapped twice",
                       na->node_name);
            return false;
        }
        if (!g_hash_table_add(aliases, na->alias)) {
            error_setg(errp, "The node alias '%s' is used twice", na->alias);
            return false;
        }
        bnames = g_hash_table_new(g_str_hash, g_str_equal);
        baliases = g_hash_table_new(g_str_hash, g_str_equal);
        for (const BitmapMigrationBitmapAliasList *b = na->bitmaps; b;
             b = b->next) {
            if (!check_alias("bitmap", b->value->alias, errp)) {
                return false;
            }
            if (!g_hash_table_add(bnames, b->value->name)) {
                error_setg(errp, "The bitmap '%s'/'%s' is mapped twice",
                           na->node_name, b->value->name);
                return false;
            }
            if (!g_hash_table_add(baliases, b->value->alias)) {
                error_setg(errp, "The bitmap alias '%s'/'%s' is used twice",
                           na->alias, b->value->alias);
                return false;
            }
        }
    }
    return true;
}

#define INVALID_PARAM(errp, name, what) \
    error_setg(errp, "Parameter '%s' expects %s", name, what)

/* Check the full parameter set @params (every has_* set). */
static bool migrate_params_check(MigrationParameters *params, Error **errp)
{
    ERRP_GUARD();

    if (params->throttle_trigger_threshold < 1 ||
        params->throttle_trigger_threshold > 100) {
        INVALID_PARAM(errp, "throttle_trigger_threshold",
                      "an integer in the range of 1 to 100");
        return false;
    }
    if (params->cpu_throttle_initial < 1 ||
        params->cpu_throttle_initial > 99) {
        INVALID_PARAM(errp, "cpu_throttle_initial",
                      "an integer in the range of 1 to 99");
        return false;
    }
    if (params->cpu_throttle_increment < 1 ||
        params->cpu_throttle_increment > 99) {
        INVALID_PARAM(errp, "cpu_throttle_increment",
                      "an integer in the range of 1 to 99");
        return false;
    }
    /* max-bandwidth and avail-switchover-bandwidth: <= SIZE_MAX always. */
    if (params->downtime_limit > MAX_MIGRATE_DOWNTIME) {
        INVALID_PARAM(errp, "downtime_limit",
                      "an integer in the range of 0 to (2000 * 1000) ms");
        return false;
    }
    if (params->multifd_channels < 1) {
        INVALID_PARAM(errp, "multifd_channels", "a value between 1 and 255");
        return false;
    }
    if (params->multifd_zlib_level > 9) {
        INVALID_PARAM(errp, "multifd_zlib_level", "a value between 0 and 9");
        return false;
    }
    if (params->multifd_qatzip_level < 1 ||
        params->multifd_qatzip_level > 9) {
        INVALID_PARAM(errp, "multifd_qatzip_level",
                      "a value between 1 and 9");
        return false;
    }
    if (params->multifd_zstd_level > 20) {
        INVALID_PARAM(errp, "multifd_zstd_level", "a value between 0 and 20");
        return false;
    }
    if (params->xbzrle_cache_size < TARGET_PAGE_SIZE ||
        (params->xbzrle_cache_size & (params->xbzrle_cache_size - 1))) {
        INVALID_PARAM(errp, "xbzrle_cache_size",
                      "a power of two no less than the target page size");
        return false;
    }
    if (params->max_cpu_throttle < params->cpu_throttle_initial ||
        params->max_cpu_throttle > 99) {
        INVALID_PARAM(errp, "max_cpu_throttle",
                      "an integer in the range of cpu_throttle_initial "
                      "to 99");
        return false;
    }
    if (params->announce_initial > 100000) {
        INVALID_PARAM(errp, "announce_initial",
                      "a value between 0 and 100000");
        return false;
    }
    if (params->announce_max > 100000) {
        INVALID_PARAM(errp, "announce_max", "a value between 0 and 100000");
        return false;
    }
    if (params->announce_rounds > 1000) {
        INVALID_PARAM(errp, "announce_rounds", "a value between 0 and 1000");
        return false;
    }
    if (params->announce_step < 1 || params->announce_step > 10000) {
        INVALID_PARAM(errp, "announce_step", "a value between 0 and 10000");
        return false;
    }
    if (!check_dirty_bitmap_mig_alias_map(params->block_bitmap_mapping,
                                          errp)) {
        error_prepend(errp, "Invalid mapping given for "
                      "block-bitmap-mapping: ");
        return false;
    }
    if (migrate_zero_copy_send() &&
        (params->multifd_compression != MULTIFD_COMPRESSION_NONE ||
         (params->tls_creds && *params->tls_creds))) {
        error_setg(errp, "Zero copy only available for non-compressed "
                   "non-TLS multifd migration");
        return false;
    }
    if (migrate_mapped_ram() &&
        (params->multifd_compression != MULTIFD_COMPRESSION_NONE ||
         (params->tls_creds && *params->tls_creds))) {
        error_setg(errp, "Mapped-ram only available for non-compressed "
                   "non-TLS multifd migration");
        return false;
    }
    if (params->x_vcpu_dirty_limit_period < 1 ||
        params->x_vcpu_dirty_limit_period > 1000) {
        INVALID_PARAM(errp, "x-vcpu-dirty-limit-period",
                      "a value between 1 and 1000");
        return false;
    }
    if (params->vcpu_dirty_limit < 1) {
        error_setg(errp,
                   "Parameter 'vcpu_dirty_limit' must be greater than 1 MB/s");
        return false;
    }
    return true;
}

/* A StrOrNull argument as the stored string (null means ""). */
static char *str_or_null_dup(const StrOrNull *v)
{
    return g_strdup(v->type == QTYPE_QSTRING ? v->u.s : "");
}

/*
 * @dest: a deep copy of the current parameters overlaid with the members
 * present in @params.  Free with qapi_free_MigrationParameters.
 */
static MigrationParameters *migrate_params_test_apply(
    MigrateSetParameters *params)
{
    MigrationState *s = migrate_get_current();
    MigrationParameters *dest = QAPI_CLONE(MigrationParameters,
                                           &s->parameters);

#define APPLY(f) do {                                   \
        if (params->has_##f) {                          \
            dest->f = params->f;                        \
        }                                               \
    } while (0)
#define APPLY_STR(f) do {                               \
        if (params->f) {                                \
            g_free(dest->f);                            \
            dest->f = str_or_null_dup(params->f);       \
        }                                               \
    } while (0)

    APPLY(announce_initial);
    APPLY(announce_max);
    APPLY(announce_rounds);
    APPLY(announce_step);
    APPLY(throttle_trigger_threshold);
    APPLY(cpu_throttle_initial);
    APPLY(cpu_throttle_increment);
    APPLY(cpu_throttle_tailslow);
    APPLY_STR(tls_creds);
    APPLY_STR(tls_hostname);
    APPLY_STR(tls_authz);
    APPLY(max_bandwidth);
    APPLY(avail_switchover_bandwidth);
    APPLY(downtime_limit);
    APPLY(x_checkpoint_delay);
    APPLY(multifd_channels);
    APPLY(xbzrle_cache_size);
    APPLY(max_postcopy_bandwidth);
    APPLY(max_cpu_throttle);
    APPLY(multifd_compression);
    APPLY(multifd_zlib_level);
    APPLY(multifd_qatzip_level);
    APPLY(multifd_zstd_level);
    APPLY(x_vcpu_dirty_limit_period);
    APPLY(vcpu_dirty_limit);
    APPLY(mode);
    APPLY(zero_page_detection);
    APPLY(direct_io);
    if (params->block_bitmap_mapping) {
        qapi_free_BitmapMigrationNodeAliasList(dest->block_bitmap_mapping);
        dest->block_bitmap_mapping =
            QAPI_CLONE(BitmapMigrationNodeAliasList,
                       params->block_bitmap_mapping);
    }
#undef APPLY
#undef APPLY_STR
    return dest;
}

/* Effects of a change on a running migration. */
static void migrate_post_update_params(MigrateSetParameters *params)
{
    MigrationState *s = migrate_get_current();

    if (params->has_max_bandwidth && s->to_dst_file &&
        !migration_in_postcopy()) {
        migration_rate_set(params->max_bandwidth);
    }
    if (params->has_max_postcopy_bandwidth && s->to_dst_file &&
        migration_in_postcopy()) {
        migration_rate_set(params->max_postcopy_bandwidth);
    }
    if (params->has_xbzrle_cache_size) {
        /* Checked already; only memory can fail, which is reported. */
        Error *err = NULL;

        if (!ram_xbzrle_cache_resize(params->xbzrle_cache_size, &err)) {
            error_report_err(err);
        }
    }
    /* x-checkpoint-delay: colo.c reads it before every checkpoint. */
}

void qmp_migrate_set_parameters(MigrateSetParameters *params, Error **errp)
{
    MigrationState *s = migrate_get_current();
    MigrationParameters *tmp = migrate_params_test_apply(params);

    if (!migrate_params_check(tmp, errp)) {
        qapi_free_MigrationParameters(tmp);
        return;
    }
    if (params->block_bitmap_mapping) {
        s->has_block_bitmap_mapping = true;
    }
    /* Swap in the checked candidate (a deep copy); free the old one. */
    {
        MigrationParameters *old = g_memdup2(&s->parameters,
                                             sizeof(s->parameters));

        s->parameters = *tmp;
        g_free(tmp);
        qapi_free_MigrationParameters(old);
    }
    migrate_post_update_params(params);
}

MigrationParameters *qmp_query_migrate_parameters(Error **errp)
{
    MigrationState *s = migrate_get_current();
    MigrationParameters *params = QAPI_CLONE(MigrationParameters,
                                             &s->parameters);

    /* Only shown once set (an empty list is a valid setting). */
    if (!s->has_block_bitmap_mapping) {
        qapi_free_BitmapMigrationNodeAliasList(params->block_bitmap_mapping);
        params->block_bitmap_mapping = NULL;
    }
    return params;
}

bool migrate_options_check_initial(MigrationState *s, Error **errp)
{
    bool old_caps[MIGRATION_CAPABILITY__MAX] = { false };

    /* -global may have left a TLS string unset: unset is "". */
    if (!s->parameters.tls_creds) {
        s->parameters.tls_creds = g_strdup("");
    }
    if (!s->parameters.tls_hostname) {
        s->parameters.tls_hostname = g_strdup("");
    }
    if (!s->parameters.tls_authz) {
        s->parameters.tls_authz = g_strdup("");
    }
    migrate_mark_all_params_present(&s->parameters);

    if (s->clear_bitmap_shift < CLEAR_BITMAP_SHIFT_MIN ||
        s->clear_bitmap_shift > CLEAR_BITMAP_SHIFT_MAX) {
        error_setg(errp, "x-clear-bitmap-shift expects a value between "
                   "%d and %d", CLEAR_BITMAP_SHIFT_MIN,
                   CLEAR_BITMAP_SHIFT_MAX);
        return false;
    }
    if (!migrate_params_check(&s->parameters, errp)) {
        return false;
    }
    return migrate_caps_check(old_caps, s->capabilities, errp);
}

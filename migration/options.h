/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration capabilities and parameters (options.c): the getters the rest
 * of migration/ reads, the checks, and the TYPE_MIGRATION properties.
 */
#ifndef MIGRATION_OPTIONS_H
#define MIGRATION_OPTIONS_H

#include "hw/qdev-properties.h"
#include "qapi/qapi-types-migration.h"

/* The TYPE_MIGRATION properties (-global migration.NAME=VALUE). */
extern const Property migration_properties[];
extern const size_t migration_properties_count;

/* ------------------------------------------------ capabilities (getters) */

bool migrate_auto_converge(void);
bool migrate_background_snapshot(void);
bool migrate_colo(void);
bool migrate_dirty_bitmaps(void);
bool migrate_dirty_limit(void);
bool migrate_events(void);
bool migrate_mapped_ram(void);
bool migrate_ignore_shared(void);
bool migrate_late_block_activate(void);
bool migrate_multifd(void);
bool migrate_pause_before_switchover(void);
bool migrate_postcopy_blocktime(void);
bool migrate_postcopy_preempt(void);
bool migrate_postcopy_ram(void);
bool migrate_rdma_pin_all(void);
bool migrate_release_ram(void);
bool migrate_return_path(void);
bool migrate_switchover_ack(void);
bool migrate_validate_uuid(void);
bool migrate_xbzrle(void);
bool migrate_zero_blocks(void);
bool migrate_zero_copy_send(void);

/* Pseudo-capabilities. */
bool migrate_postcopy(void);      /* postcopy-ram or dirty-bitmaps */
bool migrate_tls(void);           /* tls-creds non-empty */
bool migrate_rdma(void);          /* never: no RDMA transport */

/* TYPE_MIGRATION compat knobs (docs/devel/migration-control.md). */
bool migrate_store_global_state(void);
bool migrate_send_configuration(void);
bool migrate_send_section_footer(void);
bool migrate_send_switchover_start(void);
bool migrate_multifd_flush_after_each_section(void);
bool migrate_multifd_clean_tls_termination(void);
bool migrate_preempt_pre_7_2(void);
uint8_t migrate_clear_bitmap_shift(void);

/* -------------------------------------------------- parameters (getters) */

uint64_t migrate_announce_initial(void);
uint64_t migrate_announce_max(void);
uint64_t migrate_announce_rounds(void);
uint64_t migrate_announce_step(void);
uint64_t migrate_avail_switchover_bandwidth(void);
uint8_t migrate_cpu_throttle_increment(void);
uint8_t migrate_cpu_throttle_initial(void);
bool migrate_cpu_throttle_tailslow(void);
bool migrate_direct_io(void);
uint64_t migrate_downtime_limit(void);
uint8_t migrate_max_cpu_throttle(void);
uint64_t migrate_max_bandwidth(void);
uint64_t migrate_max_postcopy_bandwidth(void);
MigMode migrate_mode(void);
int migrate_multifd_channels(void);
MultiFDCompression migrate_multifd_compression(void);
int migrate_multifd_zlib_level(void);
int migrate_multifd_qatzip_level(void);
int migrate_multifd_zstd_level(void);
uint8_t migrate_throttle_trigger_threshold(void);
const char *migrate_tls_authz(void);
const char *migrate_tls_creds(void);
const char *migrate_tls_hostname(void);
uint64_t migrate_xbzrle_cache_size(void);
uint64_t migrate_vcpu_dirty_limit_period(void);
uint64_t migrate_vcpu_dirty_limit(void);
uint32_t migrate_checkpoint_delay(void);
ZeroPageDetection migrate_zero_page_detection(void);
bool migrate_has_block_bitmap_mapping(void);
const BitmapMigrationNodeAliasList *migrate_block_bitmap_mapping(void);

/* ---------------------------------------------------------------- checks */

/*
 * At object creation: check the configured (default or -global)
 * parameters and capabilities; false with the reason on a bad set.
 */
bool migrate_options_check_initial(MigrationState *s, Error **errp);

/* False (with the reason in @errp) for a capability Tern lacks. */
bool migrate_cap_supported(MigrationCapability cap, Error **errp);

/* ------------------------------------------------------- dirty limit */

/*
 * Migration does not own the vCPUs: the emulator registers the dirty
 * page rate limit (system/dirtylimit.c) at start-up.  Without it (unit
 * tests, no KVM) the dirty-limit capability is refused as it is without
 * the KVM dirty ring.
 */
typedef struct MigrationDirtyLimitOps {
    bool (*available)(void);            /* KVM with the dirty ring */
    void (*set_all)(uint64_t quota);    /* MB/s for every vCPU */
    void (*cancel_all)(void);
    bool (*in_service)(void);
    uint64_t (*throttle_time_per_round)(void);  /* us */
    uint64_t (*ring_full_time)(void);           /* us */
} MigrationDirtyLimitOps;

void migration_register_dirty_limit(const MigrationDirtyLimitOps *ops);
/* The registered ops, or NULL. */
const MigrationDirtyLimitOps *migration_dirty_limit_ops(void);

#endif /* MIGRATION_OPTIONS_H */

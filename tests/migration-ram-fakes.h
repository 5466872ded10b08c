/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For programs that link migration/ram.c without options.c and
 * migration-stats.c (test-savevm-stream, fuzz-migration-stream): the
 * XBZRLE, auto-converge and dirty-limit settings at QEMU's defaults,
 * with the three features off (and no dirty limit registered), multifd
 * and mapped-ram off (ram.c must then never call into them), and a
 * transferred-bytes counter that never moves.
 * Include it in exactly one file of the program.
 */
#ifndef TESTS_MIGRATION_RAM_FAKES_H
#define TESTS_MIGRATION_RAM_FAKES_H

#include "migration/mapped-ram.h"
#include "migration/multifd.h"
#include "migration/options.h"

bool migrate_xbzrle(void) { return false; }
uint64_t migrate_xbzrle_cache_size(void) { return 64 * MiB; }
bool migrate_auto_converge(void) { return false; }
uint8_t migrate_throttle_trigger_threshold(void) { return 50; }
uint8_t migrate_cpu_throttle_initial(void) { return 20; }
uint8_t migrate_cpu_throttle_increment(void) { return 10; }
bool migrate_cpu_throttle_tailslow(void) { return false; }
uint8_t migrate_max_cpu_throttle(void) { return 99; }
bool migrate_dirty_limit(void) { return false; }
uint64_t migrate_vcpu_dirty_limit(void) { return 1; }
const MigrationDirtyLimitOps *migration_dirty_limit_ops(void)
{
    return NULL;
}
uint64_t migration_transferred_bytes(void) { return 0; }
void migration_update_transferred(QEMUFile *f) { }
bool migrate_multifd(void) { return false; }
bool migrate_multifd_flush_after_each_section(void) { return false; }
ZeroPageDetection migrate_zero_page_detection(void)
{
    return ZERO_PAGE_DETECTION_MULTIFD;
}
bool multifd_send_setup(Error **errp) { abort(); }
void multifd_send_cleanup(void) { }
bool multifd_queue_page(RAMBlock *block, ram_addr_t offset, Error **errp)
{
    abort();
}
bool multifd_send_sync(Error **errp) { abort(); }
bool multifd_recv_sync(Error **errp) { abort(); }
void multifd_recv_cleanup(void) { }
bool migrate_mapped_ram(void) { return false; }
void mapped_ram_save_block(QEMUFile *f, RAMBlock *block, bool ignored)
{
    abort();
}
void mapped_ram_mark(RAMBlock *block, ram_addr_t offset, bool present)
{
    abort();
}
void mapped_ram_save_page(QEMUFile *f, RAMBlock *block, ram_addr_t offset,
                          const uint8_t *p)
{
    abort();
}
void mapped_ram_save_flush(QEMUFile *f) { abort(); }
void mapped_ram_save_bitmaps(QEMUFile *f) { abort(); }
void mapped_ram_save_cleanup(void) { }
bool mapped_ram_load_block(QEMUFile *f, RAMBlock *block, uint64_t length,
                           bool ignored, Error **errp)
{
    abort();
}
bool mapped_ram_load_finish(Error **errp) { abort(); }
void mapped_ram_load_cleanup(void) { }

#endif /* TESTS_MIGRATION_RAM_FAKES_H */

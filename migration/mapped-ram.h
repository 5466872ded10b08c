/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapped-ram: the file layout of QEMU 9.0+ where every page of a RAM
 * block has a fixed place in a file: migration (docs/devel/
 * migration-multifd.md, "Mapped-ram"; the layout in
 * docs/devel/migration-stream.md).
 *
 * In the RAM_SAVE_FLAG_MEM_SIZE list, after a block's name and length
 * (and address under x-ignore-shared) comes its MappedRamHeader; the
 * block's bitmap follows the header, its pages start at the next 1 MiB
 * boundary, and the stream goes on after the pages.  A page sent again
 * lands on its old copy; the bitmap (written at completion) says which
 * pages are in the file, the others are zero.
 *
 * Private to migration/: ram.c calls it; the multifd send threads write
 * their batches with mapped_ram_write_pages().
 */
#ifndef MIGRATION_MAPPED_RAM_H
#define MIGRATION_MAPPED_RAM_H

#include "io/channel.h"
#include "migration/qemu-file.h"
#include "migration/mapped-ram-format.h"
#include "system/ramblock.h"

/* ------------------------------------------------------------ source */

/*
 * ram_save_setup, after the block's entry in the size list: write its
 * header, make its file bitmap, and move the stream past its pages.
 * An ignored block gets a header with no bitmap and no pages.
 */
void mapped_ram_save_block(QEMUFile *f, RAMBlock *block, bool ignored);
/* Page @offset of @block is (not) in the file: any thread. */
void mapped_ram_mark(RAMBlock *block, ram_addr_t offset, bool present);
/*
 * A multifd send thread: write the @n pages of @block at @offset[] (in
 * any order; sorted here) to their places through @ioc and mark them.
 */
bool mapped_ram_write_pages(QIOChannel *ioc, RAMBlock *block,
                            uint64_t *offset, uint32_t n, Error **errp);
/*
 * The migration thread without multifd: a normal page.  Runs of pages
 * straight from guest memory (@p is the block's own) are written
 * together, at the latest by mapped_ram_save_flush(); other bytes (a
 * snapshot's copy) at once.
 */
void mapped_ram_save_page(QEMUFile *f, RAMBlock *block, ram_addr_t offset,
                          const uint8_t *p);
void mapped_ram_save_flush(QEMUFile *f);
/* Completion, every page written: each block's bitmap to its place. */
void mapped_ram_save_bitmaps(QEMUFile *f);
/* End of the migration: the file bitmaps go. */
void mapped_ram_save_cleanup(void);

/* ------------------------------------------------------- destination */

/*
 * In the size list, after the block's entry: read and check its header,
 * read its bitmap, and read every page present straight into the
 * block's memory (through the multifd channels' threads with multifd),
 * then move the stream past the pages.
 */
bool mapped_ram_load_block(QEMUFile *f, RAMBlock *block, uint64_t length,
                           bool ignored, Error **errp);
/* After the size list: wait until every page read is done. */
bool mapped_ram_load_finish(Error **errp);
/* End of the load (also after a failure): threads and channels go. */
void mapped_ram_load_cleanup(void);

#endif /* MIGRATION_MAPPED_RAM_H */

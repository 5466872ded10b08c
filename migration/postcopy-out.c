/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy on the source: the advise and the switch.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "io/channel-buffer.h"
#include "migration/options.h"
#include "migration/postcopy-msg.h"
#include "migration/postcopy-out.h"
#include "migration/ram.h"
#include "migration/savevm.h"
#include "migration/trace.h"
#include "system/ramblock.h"

void postcopy_out_send_advise(QEMUFile *f)
{
    uint8_t buf[POSTCOPY_ADVISE_LEN];

    postcopy_advise_encode(buf, ram_pagesize_summary(), TARGET_PAGE_SIZE);
    qemu_savevm_command_send(f, MIG_CMD_POSTCOPY_ADVISE, sizeof(buf), buf);
}

int postcopy_out_send_recv_bitmaps(QEMUFile *f)
{
    uint8_t buf[1 + 255];
    RAMBlock *rb;
    int n = 0;

    RAMBLOCK_FOREACH_MIGRATABLE(rb) {
        size_t len = postcopy_block_name_encode(buf, rb->idstr);

        qemu_savevm_command_send(f, MIG_CMD_RECV_BITMAP, len, buf);
        n++;
    }
    qemu_fflush(f);
    trace_postcopy_out_resume(n);
    return n;
}

/* Batches discard ranges of one block into commands of up to 12. */
typedef struct DiscardBatch {
    QEMUFile *f;
    const char *block;
    uint64_t start[POSTCOPY_DISCARDS_PER_COMMAND];
    uint64_t len[POSTCOPY_DISCARDS_PER_COMMAND];
    unsigned n;
    uint64_t ranges;
} DiscardBatch;

static void discard_flush(DiscardBatch *b)
{
    g_autofree uint8_t *buf = NULL;
    size_t len;

    if (!b->n) {
        return;
    }
    buf = g_malloc(postcopy_discard_len(b->block, b->n));
    len = postcopy_discard_encode(buf, b->block, b->start, b->len, b->n);
    qemu_savevm_command_send(b->f, MIG_CMD_POSTCOPY_RAM_DISCARD, len, buf);
    b->n = 0;
}

static void discard_range(void *opaque, const char *block, uint64_t start,
                          uint64_t len)
{
    DiscardBatch *b = opaque;

    if (b->block != block) {
        discard_flush(b);
        b->block = block;
    }
    b->start[b->n] = start;
    b->len[b->n] = len;
    b->ranges++;
    if (++b->n == POSTCOPY_DISCARDS_PER_COMMAND) {
        discard_flush(b);
    }
}

bool postcopy_out_switch(MigrationState *s, QEMUFile *f, Error **errp)
{
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(4096);
    QEMUFile *pkg;
    DiscardBatch batch = { .f = f };
    int ret;

    /* Whatever the destination got and the guest wrote since goes. */
    ram_postcopy_discard_dirty(discard_range, &batch);
    discard_flush(&batch);
    trace_postcopy_out_discard(batch.ranges);
    qemu_savevm_send_ping(f, 2);

    /*
     * LISTEN, the devices and RUN travel as one blob: the destination
     * reads all of it before starting the listen thread's reads, which
     * would otherwise race the device loading for the main stream.
     */
    pkg = qemu_file_new_output(QIO_CHANNEL(bioc));
    qemu_savevm_command_send(pkg, MIG_CMD_POSTCOPY_LISTEN, 0, NULL);
    ret = qemu_savevm_state_postcopy_devices(pkg, errp);
    if (ret < 0) {
        qemu_fclose(pkg);
        return false;
    }
    qemu_savevm_send_ping(pkg, 3);
    qemu_savevm_command_send(pkg, MIG_CMD_POSTCOPY_RUN, 0, NULL);
    qemu_fflush(pkg);
    if (bioc->usage > MAX_VM_CMD_PACKAGED_SIZE) {
        error_setg(errp, "Unreasonably large packaged state: %zu",
                   bioc->usage);
        qemu_fclose(pkg);
        return false;
    }
    qemu_put_byte(f, QEMU_VM_COMMAND);
    qemu_put_be16(f, MIG_CMD_PACKAGED);
    qemu_put_be16(f, 4);
    qemu_put_be32(f, bioc->usage);
    qemu_put_buffer(f, bioc->data, bioc->usage);
    qemu_fclose(pkg);
    qemu_savevm_send_ping(f, 4);
    /* The first page after the switch names its block again. */
    ram_postcopy_start(s->postcopy_qemufile_src);
    ret = qemu_file_get_error_obj(f, errp);
    return ret == 0;
}

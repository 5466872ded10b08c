/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for VMState loading of real device descriptions:
 * vmstate_load_state() with the 16550A UART's vmstate_serial
 * (hw/char/serial.c) and the x86 vCPU's vmstate_x86_vcpu_state
 * (hw/i386/machine.c), from arbitrary bytes over a buffer QEMUFile.
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * a failed load says why (an Error is set); a loaded state keeps the
 * invariants the device code relies on (FIFO position and fill, array
 * counts within their arrays) and the UART then runs on it (every
 * register read, the FIFO drained) without going out of bounds; a
 * loaded state saves and loads back to the same bytes.
 *
 * Input: byte 0 picks the device (bit 0), byte 1 is the version_id the
 * stream claims; the rest is the section body.  Seeds:
 * tests/fuzz/corpus/fuzz-vmstate-device.
 */
#include "qemu/osdep.h"
#include "chardev/char-fe.h"
#include "hw/char/serial.h"
#include "hw/i386/x86-cpu.h"
#include "io/channel-buffer.h"
#include "migration/qemu-file.h"
#include "migration/vmstate.h"
#include "qapi/error.h"
#include "qemu/coroutine.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ------------------------------------------- what the UART calls */

/* The UART is attached to no chardev: output and input go nowhere. */
bool qemu_chr_fe_init(CharBackend *b, Chardev *s, Error **errp)
{
    memset(b, 0, sizeof(*b));
    return true;
}
void qemu_chr_fe_deinit(CharBackend *b, bool del) { }
void qemu_chr_fe_accept_input(CharBackend *be) { }
int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    return len;
}
int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len)
{
    return len;
}
GSource *qemu_chr_fe_add_watch(CharBackend *be, GIOCondition cond,
                               GUnixFDSourceFunc func, void *opaque)
{
    return NULL;
}
void qemu_chr_fe_set_handlers(CharBackend *b, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read,
                              IOEventHandler *fd_event,
                              BackendChangeHandler *be_change,
                              void *opaque, GMainContext *context,
                              bool set_open)
{
}

/* Buffer channels never block and neither vmsd has a QEMUTimer. */
bool qemu_in_coroutine(void) { return false; }
Coroutine *qemu_coroutine_self(void) { g_assert_not_reached(); }
void qemu_coroutine_yield(void) { g_assert_not_reached(); }
void qemu_coroutine_enter(Coroutine *co) { g_assert_not_reached(); }
void timer_mod_ns(QEMUTimer *ts, int64_t expire_time)
{
    g_assert_not_reached();
}
int64_t timer_expire_time_ns(QEMUTimer *ts) { g_assert_not_reached(); }
void timer_del(QEMUTimer *ts) { g_assert_not_reached(); }

/* ------------------------------------------------------------ helpers */

static int irq_level = -1;

static void fuzz_irq(void *opaque, int level)
{
    assert(level == 0 || level == 1);
    irq_level = level;
}

/* Load @vmsd from @data; on failure *@why (if given) says why. */
static int load(const VMStateDescription *vmsd, void *opaque, int version,
                const uint8_t *data, size_t size, char **why)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(size);
    QEMUFile *f;
    Error *err = NULL;
    int ret;

    if (size) {
        memcpy(bioc->data, data, size);
    }
    bioc->usage = size;
    f = qemu_file_new_input(QIO_CHANNEL(bioc));
    ret = vmstate_load_state(f, vmsd, opaque, version, &err);
    if (ret < 0 && !err) {
        fuzz_fail("%s: load failed (%d) without saying why", vmsd->name, ret);
    }
    if (ret == 0 && err) {
        fuzz_fail("%s: load succeeded with an error: %s", vmsd->name,
                error_get_pretty(err));
    }
    if (why && err) {
        *why = g_strdup(error_get_pretty(err));
    }
    error_free(err);
    qemu_fclose(f);
    object_unref(OBJECT(bioc));
    return ret;
}

/* The saved form of @opaque (g_free it); *@len is its length. */
static uint8_t *save(const VMStateDescription *vmsd, void *opaque,
                     size_t *len)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(4096);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(bioc));
    uint8_t *out;

    if (vmstate_save_state(f, vmsd, opaque, NULL, &error_abort) < 0) {
        g_assert_not_reached();
    }
    /*
     * In a stream something always follows a device's state (the
     * subsection peek needs a byte): end with QEMU_VM_EOF.
     */
    qemu_put_byte(f, 0);
    qemu_fflush(f);
    out = g_memdup2(bioc->data, bioc->usage);
    *len = bioc->usage;
    qemu_fclose(f);
    object_unref(OBJECT(bioc));
    return out;
}

/* What is loaded saves as the same bytes again after another load. */
static void check_round_trip(const VMStateDescription *vmsd, void *opaque,
                             void *scratch, int version)
{
    size_t len1, len2;
    g_autofree uint8_t *first = save(vmsd, opaque, &len1);
    g_autofree uint8_t *second = NULL;
    g_autofree char *why = NULL;

    if (load(vmsd, scratch, version, first, len1, &why) < 0) {
        fuzz_fail("%s: a saved state does not load back: %s", vmsd->name,
                why);
    }
    second = save(vmsd, scratch, &len2);
    assert(len1 == len2 && !memcmp(first, second, len1));
}

/* ------------------------------------------------------------ devices */

static void fuzz_serial(int version, const uint8_t *data, size_t size)
{
    SerialState s, scratch;

    memset(&s, 0, sizeof(s));
    serial_realize_core(&s, NULL, fuzz_irq, NULL, &error_abort);
    if (load(&vmstate_serial, &s, version, data, size, NULL) < 0) {
        serial_unrealize_core(&s);
        return;
    }
    assert(s.recv_count <= UART_FIFO_LENGTH);
    assert(s.recv_head < UART_FIFO_LENGTH);
    assert(s.level == 0 || s.level == 1);

    memset(&scratch, 0, sizeof(scratch));
    serial_realize_core(&scratch, NULL, fuzz_irq, NULL, &error_abort);
    check_round_trip(&vmstate_serial, &s, &scratch, version);
    serial_unrealize_core(&scratch);

    /* The device runs on what it loaded. */
    for (unsigned reg = 0; reg < 8; reg++) {
        serial_io_read(&s, reg);
    }
    for (int i = 0; i < UART_FIFO_LENGTH + 2; i++) {
        serial_io_read(&s, 0);
    }
    serial_io_write(&s, 0, 'x');
    serial_io_write(&s, 2, 0x07);   /* FCR: enable and clear both FIFOs */
    serial_io_read(&s, 2);
    serial_unrealize_core(&s);
}

static void fuzz_x86(int version, const uint8_t *data, size_t size)
{
    g_autofree X86VCPUState *st = g_new0(X86VCPUState, 1);
    g_autofree X86VCPUState *scratch = g_new0(X86VCPUState, 1);

    if (load(&vmstate_x86_vcpu_state, st, version, data, size, NULL) < 0) {
        return;
    }
    assert(st->xsave_len <= sizeof(st->xsave));
    assert(st->nxcrs <= ARRAY_SIZE(st->xcrs));
    assert(st->nmsrs <= ARRAY_SIZE(st->msrs));
    check_round_trip(&vmstate_x86_vcpu_state, st, scratch, version);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    int version;
    bool x86;

    if (!initialized) {
        module_call_init(MODULE_INIT_QOM);
        initialized = true;
    }
    if (size < 2) {
        return 0;
    }
    x86 = data[0] & 1;
    version = data[1];
    if (x86) {
        fuzz_x86(version, data + 2, size - 2);
    } else {
        fuzz_serial(version, data + 2, size - 2);
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stdio chardev: input from fd 0, output to fd 1.  On a terminal,
 * echo and line buffering are switched off (the HMP line editor echoes)
 * and the settings are restored when the process exits.
 */
#include "qemu/osdep.h"
#include "chardev/char-fd.h"
#include "qapi/error.h"
#include <termios.h>

static bool stdio_in_use;
static bool stdio_tty_saved;
static struct termios stdio_saved_tty;

static void stdio_restore_tty(void)
{
    if (stdio_tty_saved) {
        tcsetattr(0, TCSANOW, &stdio_saved_tty);
    }
}

static void stdio_set_raw(bool allow_signals)
{
    struct termios tty;

    if (!isatty(0) || tcgetattr(0, &tty) < 0) {
        return;
    }
    stdio_saved_tty = tty;
    stdio_tty_saved = true;
    atexit(stdio_restore_tty);
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                     ICRNL | IXON);
    tty.c_oflag |= OPOST;
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signals) {
        tty.c_lflag &= ~ISIG;
    }
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &tty);
}

static bool stdio_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                           Error **errp)
{
    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    stdio_in_use = true;
    stdio_set_raw(qemu_opt_get_bool(opts, "signal", true));
    qemu_chr_open_fd(chr, 0, 1);
    chr->filename = g_strdup("stdio");
    return true;
}

static void stdio_chr_cleanup(Chardev *chr)
{
    ChardevClass *parent = CHARDEV_CLASS(
        object_class_by_name(TYPE_CHARDEV_FD));

    parent->chr_cleanup(chr);
    stdio_restore_tty();
    stdio_in_use = false;
}

static void stdio_chr_class_init(ObjectClass *oc, const void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->backend_name = "stdio";
    cc->open = stdio_chr_open;
    cc->chr_cleanup = stdio_chr_cleanup;
}

static const TypeInfo stdio_chr_type = {
    .name = TYPE_CHARDEV_STDIO,
    .parent = TYPE_CHARDEV_FD,
    .class_init = stdio_chr_class_init,
};

static void register_types(void)
{
    type_register_static(&stdio_chr_type);
}

type_init(register_types);

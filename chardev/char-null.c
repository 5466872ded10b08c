/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The null chardev: no input, output discarded. */
#include "qemu/osdep.h"
#include "chardev/char.h"

static bool null_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                          Error **errp)
{
    chr->filename = g_strdup("null");
    /* QEMU's null backend never reports OPENED. */
    *be_opened = false;
    return true;
}

static int null_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static void null_chr_class_init(ObjectClass *oc, const void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->backend_name = "null";
    cc->open = null_chr_open;
    cc->chr_write = null_chr_write;
}

static const TypeInfo null_chr_type = {
    .name = TYPE_CHARDEV_NULL,
    .parent = TYPE_CHARDEV,
    .class_init = null_chr_class_init,
};

static void register_types(void)
{
    type_register_static(&null_chr_type);
}

type_init(register_types);

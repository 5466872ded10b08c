/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graphic consoles (ui/console.c): a display device registers one with
 * an update callback that renders its current mode into a pixman image;
 * screendump asks it for a fresh picture and writes it as PPM or PNG.
 * Tern has no window (-display none): the picture exists only when
 * something asks for it.
 */
#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include <pixman.h>
#include "hw/qdev-core.h"

typedef struct QemuConsole QemuConsole;

typedef struct GraphicHwOps {
    /*
     * Render the device's current picture: a new reference to an image
     * (any pixman format), or NULL when the display is off.
     */
    pixman_image_t *(*gfx_update)(void *opaque);
} GraphicHwOps;

QemuConsole *graphic_console_init(DeviceState *dev, uint32_t head,
                                  const GraphicHwOps *ops, void *opaque);
void graphic_console_close(QemuConsole *con);

#endif /* UI_CONSOLE_H */

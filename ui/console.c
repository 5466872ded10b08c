/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graphic consoles and screendump (QMP and HMP).  The picture is
 * converted to 24-bit RGB with pixman and written as a binary PPM (P6)
 * or as a PNG (8-bit RGB, one zlib stream, filter type 0 per row), as
 * QEMU writes them.  Without a device, or with its display off, the
 * command fails with a message.
 */
#include "qemu/osdep.h"
#include <zlib.h>
#include "qapi/error.h"
#include "qapi/qapi-commands-ui.h"
#include "qemu/bswap.h"
#include "qemu/module.h"
#include "monitor/hmp.h"
#include "ui/console.h"

struct QemuConsole {
    DeviceState *dev;
    uint32_t head;
    const GraphicHwOps *ops;
    void *opaque;
    QTAILQ_ENTRY(QemuConsole) next;
};

static QTAILQ_HEAD(, QemuConsole) consoles =
    QTAILQ_HEAD_INITIALIZER(consoles);

QemuConsole *graphic_console_init(DeviceState *dev, uint32_t head,
                                  const GraphicHwOps *ops, void *opaque)
{
    QemuConsole *con = g_new0(QemuConsole, 1);

    con->dev = dev;
    con->head = head;
    con->ops = ops;
    con->opaque = opaque;
    QTAILQ_INSERT_TAIL(&consoles, con, next);
    return con;
}

void graphic_console_close(QemuConsole *con)
{
    QTAILQ_REMOVE(&consoles, con, next);
    g_free(con);
}

/* The picture as packed RGB rows (3 bytes a pixel). */
static uint8_t *console_rgb(pixman_image_t *img, int *w, int *h)
{
    pixman_image_t *x8;
    uint8_t *rgb, *row;
    uint32_t *src;
    int stride;

    *w = pixman_image_get_width(img);
    *h = pixman_image_get_height(img);
    x8 = pixman_image_create_bits(PIXMAN_x8r8g8b8, *w, *h, NULL, 0);
    pixman_image_composite(PIXMAN_OP_SRC, img, NULL, x8, 0, 0, 0, 0, 0, 0,
                           *w, *h);
    src = pixman_image_get_data(x8);
    stride = pixman_image_get_stride(x8) / 4;
    rgb = g_malloc((size_t)*w * *h * 3);
    for (int y = 0; y < *h; y++) {
        row = rgb + (size_t)y * *w * 3;
        for (int x = 0; x < *w; x++) {
            uint32_t p = src[y * stride + x];

            row[3 * x] = p >> 16;
            row[3 * x + 1] = p >> 8;
            row[3 * x + 2] = p;
        }
    }
    pixman_image_unref(x8);
    return rgb;
}

static bool write_file(const char *filename, const uint8_t *buf, size_t len,
                       Error **errp)
{
    g_autoptr(GError) gerr = NULL;

    if (!g_file_set_contents(filename, (const char *)buf, len, &gerr)) {
        error_setg(errp, "failed to write %s: %s", filename, gerr->message);
        return false;
    }
    return true;
}

static bool write_ppm(const char *filename, const uint8_t *rgb, int w, int h,
                      Error **errp)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autofree char *hdr = g_strdup_printf("P6\n%d %d\n255\n", w, h);

    g_byte_array_append(out, (const guint8 *)hdr, strlen(hdr));
    g_byte_array_append(out, rgb, (size_t)w * h * 3);
    return write_file(filename, out->data, out->len, errp);
}

static void png_chunk(GByteArray *out, const char *type, const uint8_t *data,
                      uint32_t len)
{
    uint8_t be[4];
    uLong crc;

    stl_be_p(be, len);
    g_byte_array_append(out, be, 4);
    g_byte_array_append(out, (const guint8 *)type, 4);
    if (len) {
        g_byte_array_append(out, data, len);
    }
    crc = crc32(0, (const Bytef *)type, 4);
    crc = crc32(crc, data, len);
    stl_be_p(be, crc);
    g_byte_array_append(out, be, 4);
}

static bool write_png(const char *filename, const uint8_t *rgb, int w, int h,
                      Error **errp)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    size_t rowlen = (size_t)w * 3 + 1;
    g_autofree uint8_t *raw = g_malloc(rowlen * h);
    uLongf zlen = compressBound(rowlen * h);
    g_autofree uint8_t *z = g_malloc(zlen);
    uint8_t ihdr[13];

    for (int y = 0; y < h; y++) {
        raw[y * rowlen] = 0;                    /* filter: none */
        memcpy(raw + y * rowlen + 1, rgb + (size_t)y * w * 3, w * 3);
    }
    if (compress2(z, &zlen, raw, rowlen * h, 6) != Z_OK) {
        error_setg(errp, "PNG compression failed");
        return false;
    }
    g_byte_array_append(out, (const guint8 *)"\x89PNG\r\n\x1a\n", 8);
    stl_be_p(ihdr, w);
    stl_be_p(ihdr + 4, h);
    ihdr[8] = 8;            /* bit depth */
    ihdr[9] = 2;            /* colour type: RGB */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    png_chunk(out, "IHDR", ihdr, 13);
    png_chunk(out, "IDAT", z, zlen);
    png_chunk(out, "IEND", NULL, 0);
    return write_file(filename, out->data, out->len, errp);
}

static QemuConsole *console_find(const char *device, bool has_head,
                                 int64_t head, Error **errp)
{
    QemuConsole *con;

    QTAILQ_FOREACH(con, &consoles, next) {
        if (device && (!con->dev->id || strcmp(con->dev->id, device))) {
            continue;
        }
        if (has_head && con->head != head) {
            continue;
        }
        return con;
    }
    if (device) {
        error_setg(errp, "Device '%s' (head %" PRId64 ") is not a graphic "
                   "console", device, has_head ? head : 0);
    } else {
        error_setg(errp, "There is no console to take a screendump from");
    }
    return NULL;
}

void qmp_screendump(const char *filename, const char *device, bool has_head,
                    int64_t head, bool has_format, ImageFormat format,
                    Error **errp)
{
    QemuConsole *con = console_find(device, has_head, head, errp);
    pixman_image_t *img;
    g_autofree uint8_t *rgb = NULL;
    int w, h;

    if (!con) {
        return;
    }
    img = con->ops->gfx_update(con->opaque);
    if (!img) {
        error_setg(errp, "no surface");
        return;
    }
    rgb = console_rgb(img, &w, &h);
    pixman_image_unref(img);
    if (has_format && format == IMAGE_FORMAT_PNG) {
        write_png(filename, rgb, w, h, errp);
    } else {
        write_ppm(filename, rgb, w, h, errp);
    }
}

/* HMP: PPM only (the HMP parser here has no flags with values). */
static void hmp_screendump(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_screendump(qdict_get_str(qdict, "filename"),
                   qdict_get_try_str(qdict, "device"),
                   qdict_haskey(qdict, "head"),
                   qdict_get_try_int(qdict, "head", 0), false,
                   IMAGE_FORMAT_PPM, &err);
    hmp_handle_error(mon, err);
}

static const HMPCommand hmp_ui_cmds[] = {
    { "screendump", "filename:F,device:s?,head:i?",
      "filename [device [head]]",
      "save screen from head 'head' of display device 'device' into "
      "PPM image 'filename'", hmp_screendump },
    { NULL }
};

static void ui_hmp_register(void)
{
    hmp_register_commands(hmp_ui_cmds);
}

type_init(ui_hmp_register)

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for the VMState engine: exact bytes for every field kind, load
 * back, versions, subsections, hostile counts and sizes, truncation at
 * every offset, hooks and the vmdesc JSON.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "io/channel-buffer.h"
#include "migration/vmstate.h"

#define MARKER 0xee

/* Save @opaque; returns the bytes (plus a trailing MARKER) in a GByteArray. */
static GByteArray *save_bytes(const VMStateDescription *vmsd, void *opaque)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(0);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(bioc));
    GByteArray *out = g_byte_array_new();

    g_assert_cmpint(vmstate_save_state(f, vmsd, opaque, NULL, &error_abort),
                    ==, 0);
    qemu_put_byte(f, MARKER);
    qemu_fflush(f);
    /* Copy before closing: closing a buffer channel frees its data. */
    g_byte_array_append(out, bioc->data, bioc->usage);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    object_unref(bioc);
    return out;
}

/*
 * Load @len bytes into @opaque, then require the MARKER right after the
 * state.  Returns 0 or a negative errno with @errp set.
 */
static int load_bytes(const VMStateDescription *vmsd, void *opaque,
                      const uint8_t *data, size_t len, int version,
                      Error **errp)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(len);
    QEMUFile *f;
    int ret;

    qio_channel_write_all(QIO_CHANNEL(bioc), (const char *)data, len,
                          &error_abort);
    bioc->offset = 0;
    f = qemu_file_new_input(QIO_CHANNEL(bioc));
    ret = vmstate_load_state(f, vmsd, opaque, version, errp);
    if (ret == 0) {
        int m = qemu_get_byte(f);

        if (qemu_file_get_error(f) || m != MARKER) {
            error_setg(errp, "state did not end where expected");
            ret = -EIO;
        }
    } else {
        g_assert(!errp || *errp);
    }
    qemu_fclose(f);
    object_unref(bioc);
    return ret;
}

/* ------------------------------------------------- every field kind */

typedef struct Sub {
    uint16_t a;
    uint8_t b;
} Sub;

static const VMStateDescription vmstate_sub = {
    .name = "sub",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(a, Sub),
        VMSTATE_UINT8(b, Sub),
        VMSTATE_END_OF_LIST()
    },
};

typedef struct All {
    bool b;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    uint8_t arr[3];
    uint32_t arr32[2];
    uint8_t buf[4];
    uint32_t eq;
    int32_t le;
    QEMUTimer *tp;
    QEMUTimer t;
    QemuUUID uuid;
    Sub sub;
    Sub subs[2];
    int32_t n;
    uint16_t *varr;
    uint32_t vlen;
    uint8_t *vbuf;
    int32_t nbits;
    unsigned long *bmp;
    uint32_t *ptrs[2];
    Sub *subp;
    uint32_t extra;
} All;

static bool extra_needed(void *opaque)
{
    return ((All *)opaque)->u8 == 0x81;
}

static const VMStateDescription vmstate_all_extra = {
    .name = "all/extra",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = extra_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(extra, All),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_all = {
    .name = "all",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(b, All),
        VMSTATE_INT8(i8, All),
        VMSTATE_INT16(i16, All),
        VMSTATE_INT32(i32, All),
        VMSTATE_INT64(i64, All),
        VMSTATE_UINT8(u8, All),
        VMSTATE_UINT16(u16, All),
        VMSTATE_UINT32(u32, All),
        VMSTATE_UINT64(u64, All),
        VMSTATE_UINT8_ARRAY(arr, All, 3),
        VMSTATE_UINT32_ARRAY(arr32, All, 2),
        VMSTATE_BUFFER(buf, All),
        VMSTATE_UNUSED(2),
        VMSTATE_UINT32_EQUAL(eq, All, NULL),
        VMSTATE_INT32_POSITIVE_LE(le, All),
        VMSTATE_TIMER_PTR(tp, All),
        VMSTATE_TIMER(t, All),
        VMSTATE_UUID(uuid, All),
        VMSTATE_STRUCT(sub, All, 0, vmstate_sub, Sub),
        VMSTATE_STRUCT_ARRAY(subs, All, 2, 0, vmstate_sub, Sub),
        VMSTATE_INT32(n, All),
        VMSTATE_VARRAY_INT32(varr, All, n, 0, vmstate_info_uint16, uint16_t),
        VMSTATE_UINT32(vlen, All),
        VMSTATE_VBUFFER_ALLOC_UINT32(vbuf, All, 0, NULL, vlen),
        VMSTATE_INT32(nbits, All),
        VMSTATE_BITMAP(bmp, All, 0, nbits),
        VMSTATE_ARRAY_OF_POINTER(ptrs, All, 2, 0, vmstate_info_uint32,
                                 uint32_t *),
        VMSTATE_STRUCT_POINTER(subp, All, vmstate_sub, Sub),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_all_extra,
        NULL
    },
};

static const uint8_t all_bytes[] = {
    0x01,                                           /* b */
    0xfe,                                           /* i8 */
    0xff, 0xfd,                                     /* i16 */
    0xff, 0xff, 0xff, 0xfc,                         /* i32 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb, /* i64 */
    0x81,                                           /* u8 */
    0x82, 0x83,                                     /* u16 */
    0x84, 0x85, 0x86, 0x87,                         /* u32 */
    0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, /* u64 */
    0x01, 0x02, 0x03,                               /* arr */
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* arr32 */
    'W', 'X', 'Y', 'Z',                             /* buf */
    0x00, 0x00,                                     /* unused */
    0x00, 0x00, 0x00, 0x07,                         /* eq */
    0x00, 0x00, 0x00, 0x05,                         /* le */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8, /* tp: 1000 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* t: not armed */
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, /* uuid */
    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x01, 0x02, 0x03,                               /* sub */
    0x04, 0x05, 0x06, 0x07, 0x08, 0x09,             /* subs */
    0x00, 0x00, 0x00, 0x02,                         /* n */
    0xaa, 0xaa, 0xbb, 0xbb,                         /* varr */
    0x00, 0x00, 0x00, 0x03,                         /* vlen */
    'a', 'b', 'c',                                  /* vbuf */
    0x00, 0x00, 0x00, 0x46,                         /* nbits = 70 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* bmp word 0 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* bmp word 1 */
    0x01, 0x02, 0x03, 0x04,                         /* ptrs[0] */
    0x30,                                           /* ptrs[1]: NULL */
    0x0a, 0x0b, 0x0c,                               /* subp */
    0x05, 0x09, 'a', 'l', 'l', '/', 'e', 'x', 't', 'r', 'a',
    0x00, 0x00, 0x00, 0x01,                         /* all/extra v1 */
    0xca, 0xfe, 0xf0, 0x0d,                         /* extra */
    MARKER,
};

typedef struct AllStore {
    All s;
    uint16_t varr[2];
    uint32_t p0;
    Sub subp;
} AllStore;

/* A destination-side object: pointers set up, values all different. */
static void all_init_dest(AllStore *st)
{
    memset(st, 0, sizeof(*st));
    st->s.tp = timer_new_ns(QEMU_CLOCK_VIRTUAL, NULL, NULL);
    timer_init_ns(&st->s.t, QEMU_CLOCK_VIRTUAL, NULL, NULL);
    timer_mod_ns(&st->s.t, 5);          /* loading -1 must cancel it */
    st->s.varr = st->varr;
    st->s.bmp = bitmap_new(70);
    st->s.ptrs[0] = &st->p0;
    st->s.subp = &st->subp;
    st->s.eq = 7;
    st->s.le = 10;
}

static void all_init_source(AllStore *st)
{
    all_init_dest(st);
    timer_del(&st->s.t);
    st->s.b = true;
    st->s.i8 = -2;
    st->s.i16 = -3;
    st->s.i32 = -4;
    st->s.i64 = -5;
    st->s.u8 = 0x81;
    st->s.u16 = 0x8283;
    st->s.u32 = 0x84858687;
    st->s.u64 = 0x88898a8b8c8d8e8fULL;
    memcpy(st->s.arr, "\x01\x02\x03", 3);
    st->s.arr32[0] = 0x11223344;
    st->s.arr32[1] = 0x55667788;
    memcpy(st->s.buf, "WXYZ", 4);
    st->s.le = 5;
    timer_mod_ns(st->s.tp, 1000);
    for (int i = 0; i < 16; i++) {
        st->s.uuid.data[i] = i;
    }
    st->s.sub = (Sub) { 0x0102, 3 };
    st->s.subs[0] = (Sub) { 0x0405, 6 };
    st->s.subs[1] = (Sub) { 0x0708, 9 };
    st->s.n = 2;
    st->varr[0] = 0xaaaa;
    st->varr[1] = 0xbbbb;
    st->s.vlen = 3;
    st->s.vbuf = (uint8_t *)g_strdup("abc");
    st->s.nbits = 70;
    set_bit(0, st->s.bmp);
    set_bit(65, st->s.bmp);
    st->p0 = 0x01020304;
    st->s.ptrs[1] = NULL;
    st->subp = (Sub) { 0x0a0b, 0x0c };
    st->s.extra = 0xcafef00d;
}

static void all_cleanup(AllStore *st)
{
    timer_free(st->s.tp);
    timer_deinit(&st->s.t);
    g_free(st->s.bmp);
    g_free(st->s.vbuf);
}

static void test_all_save(void)
{
    AllStore st;
    g_autoptr(GByteArray) out = NULL;

    all_init_source(&st);
    out = save_bytes(&vmstate_all, &st.s);
    g_assert_cmpmem(out->data, out->len, all_bytes, sizeof(all_bytes));
    all_cleanup(&st);
}

static void test_all_load(void)
{
    AllStore src, dst;

    all_init_source(&src);
    all_init_dest(&dst);
    g_assert_cmpint(load_bytes(&vmstate_all, &dst.s, all_bytes,
                               sizeof(all_bytes), 1, &error_abort), ==, 0);
    g_assert(dst.s.b == src.s.b);
    g_assert_cmpint(dst.s.i8, ==, src.s.i8);
    g_assert_cmpint(dst.s.i16, ==, src.s.i16);
    g_assert_cmpint(dst.s.i32, ==, src.s.i32);
    g_assert_cmpint(dst.s.i64, ==, src.s.i64);
    g_assert_cmpuint(dst.s.u8, ==, src.s.u8);
    g_assert_cmpuint(dst.s.u16, ==, src.s.u16);
    g_assert_cmpuint(dst.s.u32, ==, src.s.u32);
    g_assert_cmpuint(dst.s.u64, ==, src.s.u64);
    g_assert_cmpmem(dst.s.arr, 3, src.s.arr, 3);
    g_assert_cmpmem(dst.s.arr32, 8, src.s.arr32, 8);
    g_assert_cmpmem(dst.s.buf, 4, src.s.buf, 4);
    g_assert_cmpint(dst.s.le, ==, 5);
    g_assert_true(timer_pending(dst.s.tp));
    g_assert_cmpint(timer_expire_time_ns(dst.s.tp), ==, 1000);
    g_assert_false(timer_pending(&dst.s.t));
    g_assert_cmpmem(&dst.s.uuid, 16, &src.s.uuid, 16);
    g_assert_cmpuint(dst.s.sub.a, ==, 0x0102);
    g_assert_cmpuint(dst.s.sub.b, ==, 3);
    g_assert_cmpuint(dst.s.subs[1].a, ==, 0x0708);
    g_assert_cmpuint(dst.s.subs[1].b, ==, 9);
    g_assert_cmpint(dst.s.n, ==, 2);
    g_assert_cmpuint(dst.varr[0], ==, 0xaaaa);
    g_assert_cmpuint(dst.varr[1], ==, 0xbbbb);
    g_assert_cmpuint(dst.s.vlen, ==, 3);
    g_assert_nonnull(dst.s.vbuf);
    g_assert_cmpmem(dst.s.vbuf, 3, "abc", 3);
    g_assert_true(test_bit(0, dst.s.bmp));
    g_assert_true(test_bit(65, dst.s.bmp));
    g_assert_cmpint(bitmap_count_one(dst.s.bmp, 70), ==, 2);
    g_assert_cmphex(dst.p0, ==, 0x01020304);
    g_assert_null(dst.s.ptrs[1]);
    g_assert_cmpuint(dst.subp.a, ==, 0x0a0b);
    g_assert_cmpuint(dst.subp.b, ==, 0x0c);
    g_assert_cmphex(dst.s.extra, ==, 0xcafef00d);
    all_cleanup(&src);
    all_cleanup(&dst);
}

/* Every proper prefix of the stream must fail cleanly. */
static void test_all_truncated(void)
{
    for (size_t len = 0; len < sizeof(all_bytes); len++) {
        AllStore dst;
        Error *err = NULL;

        all_init_dest(&dst);
        g_assert_cmpint(load_bytes(&vmstate_all, &dst.s, all_bytes, len, 1,
                                   &err), <, 0);
        g_assert_nonnull(err);
        error_free(err);
        all_cleanup(&dst);
    }
}

/* Flipping the NULL marker or the EQUAL value is refused with a reason. */
static void test_all_corrupt(void)
{
    static const struct {
        size_t offset;
        uint8_t value;
        const char *msg;
    } cases[] = {
        { 0, 2, "VMState all: field b: invalid boolean value 2" },
        { 51, 8, "VMState all: field eq: incoming value 0x8 differs from "
          "local value 0x7" },
        { 55, 11, "VMState all: field le: incoming value 11 is not in "
          "0..10" },
        { 136, 0x31, "VMState all: field ptrs: expected the NULL pointer "
          "marker 0x30, got 0x31" },
    };

    g_assert_cmpuint(all_bytes[51], ==, 7);
    g_assert_cmpuint(all_bytes[136], ==, 0x30);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree uint8_t *data = g_memdup2(all_bytes, sizeof(all_bytes));
        AllStore dst;
        Error *err = NULL;

        data[cases[i].offset] = cases[i].value;
        all_init_dest(&dst);
        g_assert_cmpint(load_bytes(&vmstate_all, &dst.s, data,
                                   sizeof(all_bytes), 1, &err), ==, -EINVAL);
        g_assert_cmpstr(error_get_pretty(err), ==, cases[i].msg);
        error_free(err);
        all_cleanup(&dst);
    }
}

/* ---------------------------------------------------------- versions */

typedef struct Ver {
    uint32_t a;
    uint64_t b;
    uint8_t c;
} Ver;

static const VMStateDescription vmstate_ver = {
    .name = "ver",
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(a, Ver),
        VMSTATE_UINT64_V(b, Ver, 2),
        VMSTATE_UINT8(c, Ver),
        VMSTATE_END_OF_LIST()
    },
};

static void test_versions(void)
{
    static const uint8_t v2[] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 3,
                                  MARKER };
    static const uint8_t v1[] = { 0, 0, 0, 1, 3, MARKER };
    Ver v = { 1, 2, 3 };
    Ver d = { 0, 99, 0 };
    g_autoptr(GByteArray) out = save_bytes(&vmstate_ver, &v);
    Error *err = NULL;

    g_assert_cmpmem(out->data, out->len, v2, sizeof(v2));
    g_assert_cmpint(load_bytes(&vmstate_ver, &d, v2, sizeof(v2), 2,
                               &error_abort), ==, 0);
    g_assert_cmpuint(d.b, ==, 2);
    /* Version 1 has no b: 5 bytes, b left alone. */
    d = (Ver) { 0, 99, 0 };
    g_assert_cmpint(load_bytes(&vmstate_ver, &d, v1, sizeof(v1), 1,
                               &error_abort), ==, 0);
    g_assert_cmpuint(d.a, ==, 1);
    g_assert_cmpuint(d.b, ==, 99);
    g_assert_cmpuint(d.c, ==, 3);

    g_assert_cmpint(load_bytes(&vmstate_ver, &d, v1, sizeof(v1), 0, &err),
                    ==, -EINVAL);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "VMState ver: incoming version_id 0 is too old for "
                    "local minimum version_id 1");
    error_free(err);
    err = NULL;
    g_assert_cmpint(load_bytes(&vmstate_ver, &d, v2, sizeof(v2), 3, &err),
                    ==, -EINVAL);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "VMState ver: incoming version_id 3 is newer than "
                    "local version_id 2");
    error_free(err);
}

/* ------------------------------------------------------- subsections */

typedef struct SV {
    uint8_t x;
    bool want_a;
    uint16_t a;
    uint8_t deep;
} SV;

static bool sv_a_needed(void *opaque)
{
    return ((SV *)opaque)->want_a;
}

static const VMStateDescription vmstate_sv_a_deep = {
    .name = "sv/a/deep",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = sv_a_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(deep, SV),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_sv_a = {
    .name = "sv/a",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = sv_a_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(a, SV),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_sv_a_deep,
        NULL
    },
};

static const VMStateDescription vmstate_sv = {
    .name = "sv",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(x, SV),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_sv_a,
        NULL
    },
};

static void test_subsections(void)
{
    static const uint8_t without[] = { 0x42, MARKER };
    static const uint8_t with[] = {
        0x42,
        0x05, 4, 's', 'v', '/', 'a', 0, 0, 0, 1, 0x12, 0x34,
        0x05, 9, 's', 'v', '/', 'a', '/', 'd', 'e', 'e', 'p', 0, 0, 0, 1,
        0x56,
        MARKER,
    };
    SV s = { .x = 0x42 };
    SV d = { 0 };
    g_autoptr(GByteArray) out1 = save_bytes(&vmstate_sv, &s);
    g_autoptr(GByteArray) out2 = NULL;

    g_assert_cmpmem(out1->data, out1->len, without, sizeof(without));
    s.want_a = true;
    s.a = 0x1234;
    s.deep = 0x56;
    out2 = save_bytes(&vmstate_sv, &s);
    g_assert_cmpmem(out2->data, out2->len, with, sizeof(with));

    g_assert_cmpint(load_bytes(&vmstate_sv, &d, with, sizeof(with), 1,
                               &error_abort), ==, 0);
    g_assert_cmpuint(d.x, ==, 0x42);
    g_assert_cmpuint(d.a, ==, 0x1234);
    g_assert_cmpuint(d.deep, ==, 0x56);
    /* Not sent: the destination keeps what it has. */
    d = (SV) { .a = 7 };
    g_assert_cmpint(load_bytes(&vmstate_sv, &d, without, sizeof(without), 1,
                               &error_abort), ==, 0);
    g_assert_cmpuint(d.a, ==, 7);
}

static void test_subsection_unknown(void)
{
    static const uint8_t data[] = {
        0x42, 0x05, 4, 's', 'v', '/', 'z', 0, 0, 0, 1, 0x00, MARKER,
    };
    SV d = { 0 };
    Error *err = NULL;

    g_assert_cmpint(load_bytes(&vmstate_sv, &d, data, sizeof(data), 1,
                               &err), ==, -ENOENT);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "VMState sv: unknown subsection sv/z");
    error_free(err);
}

/* A subsection of someone else is left in the stream for the caller. */
static void test_subsection_foreign(void)
{
    static const uint8_t foreign[] = {
        0x42, 0x05, 4, 'x', 'x', '/', 'a', 0, 0, 0, 1,
    };
    static const uint8_t shorter[] = { 0x42, 0x05, 2, 's', 'v' };
    const uint8_t *cases[] = { foreign, shorter };
    size_t lens[] = { sizeof(foreign), sizeof(shorter) };

    for (int i = 0; i < 2; i++) {
        QIOChannelBuffer *bioc = qio_channel_buffer_new(0);
        QEMUFile *f;
        SV d = { 0 };
        uint8_t rest[16];

        qio_channel_write_all(QIO_CHANNEL(bioc), (const char *)cases[i],
                              lens[i], &error_abort);
        bioc->offset = 0;
        f = qemu_file_new_input(QIO_CHANNEL(bioc));
        g_assert_cmpint(vmstate_load_state(f, &vmstate_sv, &d, 1,
                                           &error_abort), ==, 0);
        g_assert_cmpuint(d.x, ==, 0x42);
        g_assert_cmpuint(qemu_file_transferred(f), ==, 1);
        g_assert_cmpuint(qemu_get_buffer(f, rest, lens[i] - 1), ==,
                         lens[i] - 1);
        g_assert_cmpmem(rest, lens[i] - 1, cases[i] + 1, lens[i] - 1);
        qemu_fclose(f);
        object_unref(bioc);
    }
}

/* ---------------------------------------------------- hostile input */

typedef struct Hostile {
    uint8_t cnt;
    uint8_t arr[4];
    int32_t n;
    uint32_t *p;
    uint32_t vlen;
    uint8_t *vbuf;
} Hostile;

static const VMStateDescription vmstate_hostile = {
    .name = "h",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(cnt, Hostile),
        VMSTATE_VARRAY_UINT8_IN_PLACE(arr, Hostile, cnt, 0,
                                      vmstate_info_uint8, uint8_t),
        VMSTATE_INT32(n, Hostile),
        VMSTATE_VARRAY_INT32_ALLOC(p, Hostile, n, 0, vmstate_info_uint32,
                                   uint32_t),
        VMSTATE_UINT32(vlen, Hostile),
        VMSTATE_VBUFFER_ALLOC_UINT32(vbuf, Hostile, 0, NULL, vlen),
        VMSTATE_END_OF_LIST()
    },
};

static void test_hostile(void)
{
    static const struct {
        uint8_t data[32];
        size_t len;
        const char *msg;
    } cases[] = {
        { { 5, 1, 2, 3, 4, 5 }, 6,
          "VMState h: field arr: 5 bytes do not fit in 4" },
        { { 0, 0xff, 0xff, 0xff, 0xff }, 5,
          "VMState h: field p: negative element count -1" },
        { { 0, 0x04, 0, 0, 1 }, 5,
          "VMState h: field p: 268435460 bytes exceed the allocation "
          "limit of 268435456" },
        { { 0, 0, 0, 0, 0, 0x80, 0, 0, 0 }, 9,
          "VMState h: field vbuf: negative buffer size -2147483648" },
    };
    static const uint8_t good[] = {
        2, 9, 8, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0x77,
        MARKER,
    };
    Hostile h = { 0 };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        Error *err = NULL;

        memset(&h, 0, sizeof(h));
        g_assert_cmpint(load_bytes(&vmstate_hostile, &h, cases[i].data,
                                   cases[i].len, 1, &err), ==, -EINVAL);
        g_assert_cmpstr(error_get_pretty(err), ==, cases[i].msg);
        error_free(err);
        g_free(h.p);
        g_free(h.vbuf);
    }
    memset(&h, 0, sizeof(h));
    g_assert_cmpint(load_bytes(&vmstate_hostile, &h, good, sizeof(good), 1,
                               &error_abort), ==, 0);
    g_assert_cmpuint(h.arr[1], ==, 8);
    g_assert_cmpuint(h.p[1], ==, 2);
    g_assert_cmpuint(h.vbuf[0], ==, 0x77);
    g_free(h.p);
    g_free(h.vbuf);
}

/* ------------------------------------------------------------- hooks */

typedef struct Hooked {
    uint32_t v;
    int pre_saves, post_saves, pre_loads;
} Hooked;

static bool hooked_pre_save(void *opaque, Error **errp)
{
    ((Hooked *)opaque)->pre_saves++;
    return true;
}

static int hooked_post_save(void *opaque)
{
    ((Hooked *)opaque)->post_saves++;
    return 0;
}

static bool hooked_pre_load(void *opaque, Error **errp)
{
    ((Hooked *)opaque)->pre_loads++;
    return true;
}

static bool hooked_post_load(void *opaque, int version_id, Error **errp)
{
    Hooked *h = opaque;

    if (h->v > 100) {
        error_setg(errp, "value %" PRIu32 " out of range", h->v);
        return false;
    }
    return true;
}

static const VMStateDescription vmstate_hooked = {
    .name = "hooked",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save_errp = hooked_pre_save,
    .post_save = hooked_post_save,
    .pre_load_errp = hooked_pre_load,
    .post_load_errp = hooked_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(v, Hooked),
        VMSTATE_END_OF_LIST()
    },
};

static void test_hooks(void)
{
    Hooked h = { .v = 101 };
    Hooked d = { 0 };
    g_autoptr(GByteArray) out = save_bytes(&vmstate_hooked, &h);
    Error *err = NULL;

    g_assert_cmpint(h.pre_saves, ==, 1);
    g_assert_cmpint(h.post_saves, ==, 1);
    g_assert_cmpint(load_bytes(&vmstate_hooked, &d, out->data, out->len, 1,
                               &err), ==, -EINVAL);
    g_assert_cmpint(d.pre_loads, ==, 1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "VMState hooked: post_load: value 101 out of range");
    error_free(err);
}

/* ------------------------------------------------------------ vmdesc */

typedef struct TimerLike {
    int64_t cpu_ticks_offset;
    int64_t cpu_clock_offset;
} TimerLike;

static const VMStateDescription vmstate_timerlike = {
    .name = "timer",
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_INT64(cpu_ticks_offset, TimerLike),
        VMSTATE_UNUSED(8),
        VMSTATE_INT64_V(cpu_clock_offset, TimerLike, 2),
        VMSTATE_END_OF_LIST()
    },
};

typedef struct Desc {
    uint8_t arr[3];
    Sub sub;
    uint16_t x[2];
    uint8_t z;
} Desc;

static bool always(void *opaque, int version_id)
{
    return true;
}

static const VMStateDescription vmstate_desc_s = {
    .name = "d/s",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(z, Desc),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_desc = {
    .name = "d",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8_ARRAY(arr, Desc, 3),
        VMSTATE_UNUSED(1),
        VMSTATE_UNUSED(2),
        VMSTATE_STRUCT(sub, Desc, 0, vmstate_sub, Sub),
        VMSTATE_ARRAY_TEST(x, Desc, 2, always, vmstate_info_uint16,
                           uint16_t),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_desc_s,
        NULL
    },
};

static char *describe(const VMStateDescription *vmsd, void *opaque)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(0);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(bioc));
    JSONWriter *w = json_writer_new_spaced();

    json_writer_start_object(w, NULL);
    g_assert_cmpint(vmstate_save_state(f, vmsd, opaque, w, &error_abort),
                    ==, 0);
    json_writer_end_object(w);
    qemu_fclose(f);
    object_unref(bioc);
    return g_string_free(json_writer_get_and_free(w), false);
}

static void test_vmdesc(void)
{
    TimerLike t = { 0 };
    Desc d = { 0 };
    g_autofree char *tj = describe(&vmstate_timerlike, &t);
    g_autofree char *dj = describe(&vmstate_desc, &d);

    g_assert_cmpstr(tj, ==,
        "{\"vmsd_name\": \"timer\", \"version\": 2, \"fields\": ["
        "{\"name\": \"cpu_ticks_offset\", \"type\": \"int64\", "
        "\"size\": 8}, "
        "{\"name\": \"unused\", \"type\": \"unused_buffer\", \"size\": 8}, "
        "{\"name\": \"cpu_clock_offset\", \"type\": \"int64\", "
        "\"size\": 8}]}");
    g_assert_cmpstr(dj, ==,
        "{\"vmsd_name\": \"d\", \"version\": 1, \"fields\": ["
        "{\"name\": \"arr\", \"array_len\": 3, \"type\": \"uint8\", "
        "\"size\": 1}, "
        "{\"name\": \"unused[0]\", \"type\": \"unused_buffer\", "
        "\"size\": 1}, "
        "{\"name\": \"unused[1]\", \"type\": \"unused_buffer\", "
        "\"size\": 2}, "
        "{\"name\": \"sub\", \"type\": \"struct\", \"struct\": "
        "{\"vmsd_name\": \"sub\", \"version\": 1, \"fields\": ["
        "{\"name\": \"a\", \"type\": \"uint16\", \"size\": 2}, "
        "{\"name\": \"b\", \"type\": \"uint8\", \"size\": 1}]}, "
        "\"size\": 3}, "
        "{\"name\": \"x\", \"index\": 0, \"type\": \"uint16\", "
        "\"size\": 2}, "
        "{\"name\": \"x\", \"index\": 1, \"type\": \"uint16\", "
        "\"size\": 2}], "
        "\"subsections\": [{\"vmsd_name\": \"d/s\", \"version\": 1, "
        "\"fields\": [{\"name\": \"z\", \"type\": \"uint8\", "
        "\"size\": 1}]}]}");
}

static const VMStateDescription vmstate_bad_sub = {
    .name = "p/bad",
    .unmigratable = true,
};

static const VMStateDescription vmstate_bad_parent = {
    .name = "p",
    .subsections = (const VMStateDescription * const []) {
        &vmstate_bad_sub, NULL
    },
};

static void test_only_migratable(void)
{
    const VMStateDescription *parent = &vmstate_bad_parent;

    g_assert_true(vmstate_check_only_migratable(&vmstate_sv));
    g_assert_false(vmstate_check_only_migratable(parent));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    qemu_init_main_loop(&error_abort);

    g_test_add_func("/vmstate/all/save", test_all_save);
    g_test_add_func("/vmstate/all/load", test_all_load);
    g_test_add_func("/vmstate/all/truncated", test_all_truncated);
    g_test_add_func("/vmstate/all/corrupt", test_all_corrupt);
    g_test_add_func("/vmstate/versions", test_versions);
    g_test_add_func("/vmstate/subsections", test_subsections);
    g_test_add_func("/vmstate/subsection-unknown", test_subsection_unknown);
    g_test_add_func("/vmstate/subsection-foreign", test_subsection_foreign);
    g_test_add_func("/vmstate/hostile", test_hostile);
    g_test_add_func("/vmstate/hooks", test_hooks);
    g_test_add_func("/vmstate/vmdesc", test_vmdesc);
    g_test_add_func("/vmstate/only-migratable", test_only_migratable);
    return g_test_run();
}

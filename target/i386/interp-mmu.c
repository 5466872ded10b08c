/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory for the x86 interpreter: segment checks, the page walk (32-bit,
 * PAE and 4-level long mode, setting accessed and dirty bits and raising
 * #PF with CR2 and the error code), a small software TLB of host page
 * pointers, physical RAM / MMIO access through X86InterpOps, and the
 * per-page cache of decoded instructions, dropped when the page is
 * written.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "target/i386/interp-int.h"
#include "target/i386/trace.h"

#define PG_P    0x1ULL
#define PG_RW   0x2ULL
#define PG_US   0x4ULL
#define PG_A    0x20ULL
#define PG_D    0x40ULL
#define PG_PS   0x80ULL
#define PG_NX   (1ULL << 63)
#define PG_ADDR 0x000ffffffffff000ULL

#define CODE_SLOTS 512

struct X86CodePage {
    uint64_t ppage;
    X86Insn slot[CODE_SLOTS];
};

/* ------------------------------------------------------------------ */
/* Physical access                                                     */

/*
 * Guest-sized loads and stores of host memory: fixed-size accesses the
 * compiler inlines (a memcpy of a variable size is a libc call).
 */
static inline uint64_t host_ld(const uint8_t *p, int size)
{
    uint64_t v = 0;

    switch (size) {
    case 1:
        return *p;
    case 2:
        return (uint16_t)lduw_le_p(p);
    case 4:
        return (uint32_t)ldl_le_p(p);
    case 8:
        return ldq_le_p(p);
    }
    memcpy(&v, p, size);      /* little-endian host, as everywhere here */
    return v;
}

static inline void host_st(uint8_t *p, int size, uint64_t v)
{
    switch (size) {
    case 1:
        *p = v;
        return;
    case 2:
        stw_le_p(p, v);
        return;
    case 4:
        stl_le_p(p, v);
        return;
    case 8:
        stq_le_p(p, v);
        return;
    }
    memcpy(p, &v, size);
}

static void code_invalidate(X86Interp *x, uint64_t ppage)
{
    X86CodePage *cp = x->code_pages ?
                      g_hash_table_lookup(x->code_pages, &ppage) : NULL;

    x->fetch_vpage = 1;
    x->fetch_cp = NULL;
    if (cp) {
        /*
         * The instruction being executed may live in @cp: it is freed
         * at the next fetch.
         */
        g_hash_table_steal(x->code_pages, &ppage);
        x->dead_code = g_slist_prepend(x->dead_code, cp);
        trace_x86_interp_code_invalidate(ppage);
        if (x->last_code_page == ppage) {
            x->last_code = NULL;
            x->last_code_page = 1;
        }
    }
}

/*
 * Host pointer of guest physical @pa when its whole page is RAM (and
 * writable, for @write), with its ram_addr; NULL for anything else.
 */
static uint8_t *ram_lookup(X86Interp *x, uint64_t pa, bool write,
                           uint64_t *ram_addr)
{
    X86RamRange *r = &x->ram_cache;
    uint64_t page = pa & ~0xfffULL;

    if (page - r->start >= r->size || (page | 0xfff) - r->start >= r->size) {
        X86RamRange n;

        if (!x->ops->ram_range(x->opaque, pa, &n)) {
            return NULL;
        }
        *r = n;
        if (page - r->start >= r->size ||
            (page | 0xfff) - r->start >= r->size) {
            return NULL;    /* a page split between ranges */
        }
    }
    if (write && r->readonly) {
        return NULL;
    }
    *ram_addr = r->ram_addr + (pa - r->start);
    return r->host + (pa - r->start);
}

static bool code_maybe(X86Interp *x, uint64_t ppage)
{
    uint64_t b = (ppage >> 12) & 0xffff;

    return x->code_bloom[b / 64] & (1ULL << (b % 64));
}

static uint64_t phys_ld(X86Interp *x, uint64_t pa, int size)
{
    uint64_t ra;
    uint8_t *p = ram_lookup(x, pa, false, &ra);
    uint64_t v = 0;

    if (p && (pa & 0xfff) + size <= 0x1000) {
        return host_ld(p, size);
    }
    if (!p) {
        return x->ops->mmio_read(x->opaque, pa, size);
    }
    for (int i = 0; i < size; i++) {
        v |= phys_ld(x, pa + i, 1) << (8 * i);
    }
    return v;
}

static void phys_st(X86Interp *x, uint64_t pa, int size, uint64_t v)
{
    uint64_t ra;
    uint8_t *p = ram_lookup(x, pa, true, &ra);

    if (p && (pa & 0xfff) + size <= 0x1000) {
        if (code_maybe(x, pa & ~0xfffULL)) {
            code_invalidate(x, pa & ~0xfffULL);
        }
        host_st(p, size, v);
        x->ops->mark_dirty(x->opaque, ra & ~0xfffULL);
        return;
    }
    if (!p) {
        x->ops->mmio_write(x->opaque, pa, v, size);
        return;
    }
    for (int i = 0; i < size; i++) {
        phys_st(x, pa + i, 1, v >> (8 * i));
    }
}

/* ------------------------------------------------------------------ */
/* The page walk                                                       */

G_NORETURN static void page_fault(X86Interp *x, uint64_t lin, uint32_t err)
{
    x->st->cr2 = lin;
    trace_x86_interp_page_fault(lin, err, x->insn_rip);
    x86_raise(x, EXC_PF, true, err);
}

/* Set the accessed (and dirty) bits of the entry at @pa if missing. */
static void pte_update(X86Interp *x, uint64_t pa, uint64_t pte,
                       uint64_t bits, int size)
{
    if ((pte & bits) != bits) {
        phys_st(x, pa, size, pte | bits);
    }
}

/*
 * Translate @lin for @acc; returns the physical address and whether the
 * page may be written by this privilege (*@wr).
 */
static uint64_t walk(X86Interp *x, uint64_t lin, int acc, bool user,
                     bool *wr)
{
    X86VCPUState *st = x->st;
    bool nxe = st->efer & EFER_NXE;
    bool rw = true, us = true, nx = false;
    uint64_t pte, pa, page_mask;
    uint32_t err = (acc == ACC_WRITE ? 2 : 0) | (user ? 4 : 0) |
                   (acc == ACC_EXEC && nxe ? 0x10 : 0);
    int levels, esize = 8;

    if (!(st->cr0 & CR0_PG)) {
        *wr = true;
        return x86_long_mode(x) ? lin : lin & 0xffffffffULL;
    }
    if (st->efer & EFER_LMA) {
        levels = 4;
        pa = st->cr3 & PG_ADDR;
    } else if (st->cr4 & CR4_PAE) {
        levels = 2;
        lin &= 0xffffffffULL;
        pa = (st->cr3 & 0xffffffe0ULL) + ((lin >> 30) & 3) * 8;
        pte = phys_ld(x, pa, 8);
        if (!(pte & PG_P)) {
            page_fault(x, lin, err);
        }
        pa = pte & PG_ADDR;
    } else {
        levels = 2;
        esize = 4;
        lin &= 0xffffffffULL;
        pa = st->cr3 & 0xfffff000ULL;
    }
    for (int level = levels; level >= 1; level--) {
        int shift = esize == 8 ? 12 + 9 * (level - 1) : 12 + 10 * (level - 1);
        uint64_t idx_mask = esize == 8 ? 0x1ff : 0x3ff;
        uint64_t entry_pa = pa + ((lin >> shift) & idx_mask) * esize;
        bool leaf;

        pte = phys_ld(x, entry_pa, esize);
        if (!(pte & PG_P)) {
            page_fault(x, lin, err);
        }
        rw &= !!(pte & PG_RW);
        us &= !!(pte & PG_US);
        if (nxe && esize == 8) {
            nx |= !!(pte & PG_NX);
        }
        leaf = level == 1 ||
               ((pte & PG_PS) && (level == 2 ||
                                  (level == 3 && esize == 8 && levels == 4)) &&
                (esize == 8 || (st->cr4 & CR4_PSE)));
        if (leaf) {
            bool wp = st->cr0 & CR0_WP;

            if ((user && !us) ||
                (acc == ACC_WRITE && !rw && (user || wp)) ||
                (acc == ACC_EXEC && nx)) {
                page_fault(x, lin, err | 1);
            }
            pte_update(x, entry_pa, pte,
                       PG_A | (acc == ACC_WRITE ? PG_D : 0), esize);
            *wr = (pte & PG_D || acc == ACC_WRITE) &&
                  (rw || (!user && !wp));
            if (level == 1) {
                page_mask = 0xfff;
            } else if (esize == 4) {
                page_mask = 0x3fffff;
                /* PSE-36 bits 13..16 give physical address bits 32..35. */
                pte = (pte & 0xffc00000ULL) | ((pte & 0x1e000ULL) << 19);
            } else {
                page_mask = (1ULL << shift) - 1;
            }
            return ((pte & PG_ADDR) & ~page_mask) | (lin & page_mask);
        }
        pte_update(x, entry_pa, pte, PG_A, esize);
        pa = pte & (esize == 8 ? PG_ADDR : 0xfffff000ULL);
    }
    g_assert_not_reached();
}

/* ------------------------------------------------------------------ */
/* TLB                                                                 */

void x86_tlb_flush(X86Interp *x)
{
    x->fetch_vpage = 1;
    x->fetch_cp = NULL;
    for (int u = 0; u < 2; u++) {
        for (int i = 0; i < X86_TLB_SIZE; i++) {
            X86TLBEntry *e = &x->tlb[u][i];

            e->vpage_read = e->vpage_write = e->vpage_exec = 1;
        }
    }
}

void x86_tlb_flush_page(X86Interp *x, uint64_t lin)
{
    /* Large pages may cover more than one entry: flush all. */
    x86_tlb_flush(x);
}

static X86TLBEntry *tlb_fill(X86Interp *x, uint64_t lin, int acc, bool user)
{
    uint64_t vpage = lin & ~0xfffULL;
    X86TLBEntry *e = &x->tlb[user][(vpage >> 12) % X86_TLB_SIZE];
    bool wr;
    uint64_t pa = walk(x, lin, acc, user, &wr);
    uint64_t ppage = pa & ~0xfffULL;
    uint64_t ra = 0;
    uint8_t *host = ram_lookup(x, ppage, false, &ra);
    bool ram_wr = host && !x->ram_cache.readonly;

    if (e->ppage != ppage || e->host != host) {
        e->vpage_read = e->vpage_write = e->vpage_exec = 1;
    }
    e->ppage = ppage;
    e->host = host;
    e->ram_addr = ra & ~0xfffULL;
    e->vpage_read = vpage;
    if (acc == ACC_EXEC) {
        e->vpage_exec = vpage;
    }
    /* Writes to a page with decoded code take the slow path. */
    if (wr && ram_wr &&
        !(code_maybe(x, ppage) &&
          g_hash_table_contains(x->code_pages, &ppage))) {
        e->vpage_write = vpage;
    } else {
        e->vpage_write = 1;
    }
    return e;
}

/* Translate one access that stays within a page. */
static uint64_t translate(X86Interp *x, uint64_t lin, int acc, bool user,
                          uint8_t **host, uint64_t *ram_addr)
{
    uint64_t vpage = lin & ~0xfffULL;
    X86TLBEntry *e = &x->tlb[user][(vpage >> 12) % X86_TLB_SIZE];
    uint64_t tag = acc == ACC_WRITE ? e->vpage_write :
                   acc == ACC_EXEC ? e->vpage_exec : e->vpage_read;

    if (tag != vpage) {
        e = tlb_fill(x, lin, acc, user);
        if (acc == ACC_WRITE && e->vpage_write != vpage) {
            *host = NULL;       /* slow path: MMIO, ROM or a code page */
            return e->ppage | (lin & 0xfff);
        }
    }
    *host = e->host ? e->host + (lin & 0xfff) : NULL;
    *ram_addr = e->ram_addr;
    return e->ppage | (lin & 0xfff);
}

uint64_t x86_ld_lin(X86Interp *x, uint64_t lin, int size, int acc,
                    bool user)
{
    uint8_t *host;
    uint64_t pa, ra, v = 0;

    if ((lin & 0xfff) + size > 0x1000) {
        for (int i = 0; i < size; i++) {
            v |= x86_ld_lin(x, lin + i, 1, acc, user) << (8 * i);
        }
        return v;
    }
    pa = translate(x, lin, acc, user, &host, &ra);
    if (host) {
        return host_ld(host, size);
    }
    return phys_ld(x, pa, size);
}

void x86_st_lin(X86Interp *x, uint64_t lin, int size, uint64_t v,
                bool user)
{
    uint8_t *host;
    uint64_t pa, ra;

    if ((lin & 0xfff) + size > 0x1000) {
        /* Check both pages before writing either. */
        translate(x, lin, ACC_WRITE, user, &host, &ra);
        translate(x, (lin + size - 1), ACC_WRITE, user, &host, &ra);
        for (int i = 0; i < size; i++) {
            x86_st_lin(x, lin + i, 1, v >> (8 * i), user);
        }
        return;
    }
    pa = translate(x, lin, ACC_WRITE, user, &host, &ra);
    if (host) {
        host_st(host, size, v);
        x->ops->mark_dirty(x->opaque, ra);
        return;
    }
    phys_st(x, pa, size, v);
}

uint64_t x86_ld_sys(X86Interp *x, uint64_t lin, int size)
{
    return x86_ld_lin(x, lin, size, ACC_READ, false);
}

void x86_st_sys(X86Interp *x, uint64_t lin, int size, uint64_t v)
{
    x86_st_lin(x, lin, size, v, false);
}

/* ------------------------------------------------------------------ */
/* Segments                                                            */

static bool canonical(uint64_t a)
{
    return (uint64_t)(((int64_t)a << 16) >> 16) == a;
}

uint64_t x86_seg_lin(X86Interp *x, int seg, uint64_t off, int size, int acc)
{
    const X86Segment *s = &x->st->segs[seg];
    int exc = seg == X86_SEG_SS ? EXC_SS : EXC_GP;

    if (x86_long_mode(x) && x->st->segs[X86_SEG_CS].l) {
        uint64_t lin = off + (seg >= X86_SEG_FS ? s->base : 0);

        if (!canonical(lin) || !canonical(lin + size - 1)) {
            x86_raise(x, exc, true, 0);
        }
        return lin;
    }
    if (x86_pe(x) && !x86_vm86(x)) {
        if (s->unusable || !s->present) {
            x86_raise(x, exc, true, 0);
        }
        if (s->type & 8) {
            /* Code: never writable, readable only with R. */
            if (acc == ACC_WRITE || (acc == ACC_READ && !(s->type & 2))) {
                x86_raise(x, exc, true, 0);
            }
        } else if (acc == ACC_WRITE && !(s->type & 2)) {
            x86_raise(x, exc, true, 0);
        }
    }
    if (!(s->type & 8) && (s->type & 4)) {
        /* Expand-down data: valid offsets lie above the limit. */
        uint64_t top = s->db ? 0xffffffffULL : 0xffffULL;

        if (off <= s->limit || off + size - 1 > top) {
            x86_raise(x, exc, true, 0);
        }
    } else if (off + size - 1 > s->limit) {
        x86_raise(x, exc, true, 0);
    }
    return (s->base + off) & 0xffffffffULL;
}

uint64_t x86_ld(X86Interp *x, int seg, uint64_t off, int size)
{
    uint64_t lin = x86_seg_lin(x, seg, off, size, ACC_READ);

    return x86_ld_lin(x, lin, size, ACC_READ, x86_cpl(x) == 3);
}

uint64_t x86_ld_rmw(X86Interp *x, int seg, uint64_t off, int size)
{
    uint64_t lin = x86_seg_lin(x, seg, off, size, ACC_WRITE);
    bool user = x86_cpl(x) == 3;
    uint8_t *host;
    uint64_t ra;

    if ((lin & 0xfff) + size <= 0x1000) {
        /* Checked (and the TLB filled) for the write that follows. */
        translate(x, lin, ACC_WRITE, user, &host, &ra);
        if (host) {
            return host_ld(host, size);
        }
    }
    return x86_ld_lin(x, lin, size, ACC_READ, user);
}

void x86_st(X86Interp *x, int seg, uint64_t off, int size, uint64_t v)
{
    uint64_t lin = x86_seg_lin(x, seg, off, size, ACC_WRITE);

    x86_st_lin(x, lin, size, v, x86_cpl(x) == 3);
}

/* ------------------------------------------------------------------ */
/* Decoded instructions                                                */

static guint page_hash(gconstpointer p)
{
    uint64_t v = *(const uint64_t *)p;

    return (guint)(v >> 12) ^ (guint)(v >> 32);
}

static gboolean page_equal(gconstpointer a, gconstpointer b)
{
    return *(const uint64_t *)a == *(const uint64_t *)b;
}

void x86_interp_flush(X86Interp *x)
{
    x86_tlb_flush(x);
    if (x->code_pages) {
        g_hash_table_remove_all(x->code_pages);
    } else {
        x->code_pages = g_hash_table_new_full(page_hash, page_equal, NULL,
                                              g_free);
    }
    x->last_code = NULL;
    x->last_code_page = 1;
    memset(x->code_bloom, 0, sizeof(x->code_bloom));
    memset(&x->ram_cache, 0, sizeof(x->ram_cache));
}

void x86_interp_invalidate_page(X86Interp *x, uint64_t pa)
{
    code_invalidate(x, pa & ~0xfffULL);
}

static X86CodePage *code_page_get(X86Interp *x, uint64_t ppage,
                                  uint64_t ram_addr)
{
    X86CodePage *cp;

    if (x->last_code_page == ppage) {
        return x->last_code;
    }
    cp = g_hash_table_lookup(x->code_pages, &ppage);
    if (!cp) {
        /* Before any byte of the page is decoded. */
        if (x->ops->protect_code) {
            x->ops->protect_code(x->opaque, ram_addr & ~0xfffULL);
        }
        cp = g_new0(X86CodePage, 1);
        cp->ppage = ppage;
        g_hash_table_insert(x->code_pages, &cp->ppage, cp);
        x->code_bloom[((ppage >> 12) & 0xffff) / 64] |=
            1ULL << (((ppage >> 12) & 0xffff) % 64);
        /* Writes to this page must now take the slow path. */
        for (int u = 0; u < 2; u++) {
            for (int i = 0; i < X86_TLB_SIZE; i++) {
                if (x->tlb[u][i].ppage == ppage) {
                    x->tlb[u][i].vpage_write = 1;
                }
            }
        }
    }
    x->last_code = cp;
    x->last_code_page = ppage;
    return cp;
}

static void decode_or_ud(X86Interp *x, const uint8_t *buf, int n, int mode,
                         X86Insn *insn)
{
    if (!x86_decode(buf, n, mode, insn)) {
        /* Longer than 15 bytes (prefixes): #GP, as the CPU does. */
        x86_raise(x, EXC_GP, true, 0);
    }
}

void x86_code_reap(X86Interp *x)
{
    g_slist_free_full(x->dead_code, g_free);
    x->dead_code = NULL;
}

const X86Insn *x86_fetch_insn(X86Interp *x, X86Insn *insn)
{
    int mode = x86_code_size(x);
    bool user = x86_cpl(x) == 3;
    const X86Segment *cs = &x->st->segs[X86_SEG_CS];
    uint64_t rip = x->st->rip;
    uint64_t lin;
    uint8_t *host;

    /* Same page, mode and privilege as the last fetch, well in CS. */
    if (mode == 8 || rip + 15 <= cs->limit) {
        lin = mode == 8 ? rip : (cs->base + rip) & 0xffffffffULL;
        if ((lin & ~0xfffULL) == x->fetch_vpage && x->fetch_cp &&
            x->fetch_mode == mode && x->fetch_user == user) {
            unsigned o = lin & 0xfff;
            X86Insn *s = &x->fetch_cp->slot[o % CODE_SLOTS];

            if (s->valid && s->tag == o && s->mode == mode) {
                return s;
            }
        }
    }
    lin = x86_seg_lin(x, X86_SEG_CS, rip, 1, ACC_EXEC);
    uint64_t ra;
    uint64_t pa = translate(x, lin, ACC_EXEC, user, &host, &ra);
    unsigned off = pa & 0xfff;
    uint8_t buf[16];
    X86CodePage *cp;
    X86Insn *slot;
    int avail;

    if (!host) {
        /* Executing from MMIO or ROM outside RAM: byte by byte. */
        for (int i = 0; i < 15; i++) {
            buf[i] = x86_ld_lin(x, lin + i, 1, ACC_EXEC, user);
        }
        decode_or_ud(x, buf, 15, mode, insn);
        return insn;
    }
    cp = code_page_get(x, pa & ~0xfffULL, ra);
    x->fetch_vpage = lin & ~0xfffULL;
    x->fetch_cp = cp;
    x->fetch_mode = mode;
    x->fetch_user = user;
    slot = &cp->slot[off % CODE_SLOTS];
    if (slot->valid && slot->tag == off && slot->mode == mode) {
        return slot;
    }
    avail = 0x1000 - off;
    if (avail >= 15) {
        slot->valid = 0;
        decode_or_ud(x, host, 15, mode, slot);
        slot->tag = off;
        slot->valid = 1;
        return slot;
    }
    memcpy(buf, host, avail);
    if (x86_decode(buf, avail, mode, insn)) {
        insn->tag = off;
        insn->valid = 1;
        *slot = *insn;
        return slot;
    }
    /* The instruction crosses into the next page: not cached. */
    for (int i = avail; i < 15; i++) {
        buf[i] = x86_ld_lin(x, lin + i, 1, ACC_EXEC, user);
    }
    decode_or_ud(x, buf, 15, mode, insn);
    return insn;
}

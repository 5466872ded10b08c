/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 interpreter's instruction-level suite: results and flags of
 * the integer instructions per mode (a hand-checked table, and on an
 * x86-64 host the host CPU itself as the reference for random operands),
 * string instructions, real / protected / long mode control transfers,
 * exceptions through the IVT / IDT with IRET, #PF with CR2, error code
 * and accessed/dirty bits, #UD for what is not implemented, self-
 * modifying code, HLT woken by an interrupt, CPUID, MSRs, port I/O and
 * the dirty-page reports.  Guest memory is a plain buffer.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "trace/control.h"
#include "tests/unit/x86-interp-tvm.h"

#define FL_CF 0x1
#define FL_PF 0x4
#define FL_AF 0x10
#define FL_ZF 0x40
#define FL_SF 0x80
#define FL_IF 0x200
#define FL_OF 0x800
#define ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)


static void load(TVM *t, const uint8_t *code, size_t len)
{
    memcpy(t->ram + CODE, code, len);
    x86_interp_flush(&t->x);
}

static uint64_t reg(TVM *t, int r)
{
    return t->st.regs[r];
}

/* The guest address of the instruction after a vector's HLT. */
static uint64_t after_handler(TVM *t, int vec, int mode)
{
    return (mode == M16 ? 0 : HANDLER) + vec * 16 + 1;
}

/* ------------------------------------------------------------------ */

static void test_reset(void)
{
    X86VCPUState st;
    uint32_t id[4];

    x86_cpu_state_reset(&st, 0xf000, 0xfff0);
    g_assert_cmphex(st.rip, ==, 0xfff0);
    g_assert_cmphex(st.segs[X86_SEG_CS].selector, ==, 0xf000);
    g_assert_cmphex(st.segs[X86_SEG_CS].base, ==, 0xffff0000);
    g_assert_cmphex(st.segs[X86_SEG_CS].limit, ==, 0xffff);
    g_assert_cmphex(st.cr0, ==, 0x60000010);
    g_assert_cmphex(st.rflags, ==, 2);
    g_assert_cmphex(st.dr6, ==, 0xffff0ff0);
    g_assert_cmphex(st.dr7, ==, 0x400);
    x86_interp_cpuid(1, 0, id);
    g_assert_cmphex(st.regs[X86_REG_RDX], ==, id[0]);
    g_assert_cmpuint(st.nmsrs, >, 0);

    x86_cpu_state_reset(&st, 0, 0x7c00);
    g_assert_cmphex(st.segs[X86_SEG_CS].base, ==, 0);
    g_assert_cmphex(st.rip, ==, 0x7c00);
}

/*
 * Hand-checked results: one ALU instruction on (a, b) with CF in,
 * result and the flags the manuals define.
 */
typedef struct AluCase {
    const char *what;
    uint8_t code[4];
    int len;
    uint64_t a, b, cf;
    uint64_t res;
    uint64_t flags;     /* of ARITH */
    uint64_t mask;      /* flags defined */
} AluCase;

static const AluCase alu16[] = {
    { "add ax,bx", { 0x01, 0xd8 }, 2, 0x7fff, 1, 0, 0x8000,
      FL_OF | FL_SF | FL_AF | FL_PF, ARITH },
    { "add ax,bx carry", { 0x01, 0xd8 }, 2, 0xffff, 1, 0, 0,
      FL_CF | FL_ZF | FL_AF | FL_PF, ARITH },
    { "sub ax,bx", { 0x29, 0xd8 }, 2, 0x8000, 1, 0, 0x7fff,
      FL_OF | FL_AF | FL_PF, ARITH },
    { "adc ax,bx", { 0x11, 0xd8 }, 2, 0xfffe, 1, 1, 0,
      FL_CF | FL_ZF | FL_AF | FL_PF, ARITH },
    { "sbb ax,bx", { 0x19, 0xd8 }, 2, 0, 0, 1, 0xffff,
      FL_CF | FL_SF | FL_AF | FL_PF, ARITH },
    { "xor ax,ax", { 0x31, 0xc0 }, 2, 0x1234, 0, 1, 0, FL_ZF | FL_PF,
      ARITH & ~FL_AF },
    { "shl ax,1", { 0xd1, 0xe0 }, 2, 0xc000, 0, 0, 0x8000,
      FL_CF | FL_SF | FL_PF, ARITH & ~FL_AF },
    { "sar ax,1", { 0xd1, 0xf8 }, 2, 0x8001, 0, 0, 0xc000,
      FL_CF | FL_SF | FL_PF, ARITH & ~FL_AF },
    { "inc ax keeps CF", { 0xff, 0xc0 }, 2, 0xffff, 0, 1, 0,
      FL_CF | FL_ZF | FL_AF | FL_PF, ARITH },
    { "neg ax", { 0xf7, 0xd8 }, 2, 1, 0, 0, 0xffff,
      FL_CF | FL_SF | FL_AF | FL_PF, ARITH },
};

static void run_alu_table(int mode)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(alu16); i++) {
        const AluCase *c = &alu16[i];
        TVM *t = tvm_new(mode);
        uint8_t code[8];
        int n = 0;

        /* The table is 16-bit: 66 selects it in 32- and 64-bit code. */
        if (mode != M16) {
            code[n++] = 0x66;
        }
        memcpy(code + n, c->code, c->len);
        n += c->len;
        load(t, code, n);
        t->st.regs[X86_REG_RAX] = c->a;
        t->st.regs[X86_REG_RBX] = c->b;
        t->st.rflags = 2 | c->cf;
        g_assert_cmpint(x86_interp_run(&t->x, 1), ==, X86_EXIT_BUDGET);
        if ((reg(t, X86_REG_RAX) & 0xffff) != c->res ||
            (t->st.rflags & c->mask) != c->flags) {
            g_error("mode %d %s: got %" PRIx64 " flags %" PRIx64
                    ", want %" PRIx64 " flags %" PRIx64, mode, c->what,
                    reg(t, X86_REG_RAX), t->st.rflags & c->mask, c->res,
                    c->flags);
        }
        tvm_free(t);
    }
}

static void test_alu_table(void)
{
    run_alu_table(M16);
    run_alu_table(M32);
    run_alu_table(M64);
}

#ifdef __x86_64__
/*
 * The host CPU as the reference.  Each function runs one instruction
 * natively with the flags given and returns the result and the flags.
 */
#define NATIVE_ALU(fn, insn, T)                                           \
static uint64_t fn(uint64_t a, uint64_t b, uint64_t fin, uint64_t *fout) \
{                                                                         \
    T ra = a, rb = b;                                                     \
    uint64_t f;                                                           \
    asm volatile("push %[fin]\n\tpopfq\n\t" insn " %[rb], %[ra]\n\t"      \
                 "pushfq\n\tpop %[f]"                                     \
                 : [ra] "+q" (ra), [f] "=&r" (f)                          \
                 : [rb] "q" (rb), [fin] "r" (fin) : "cc", "memory");      \
    *fout = f;                                                            \
    return ra;                                                            \
}

#define NATIVE_SET(op)                      \
    NATIVE_ALU(n_##op##8, #op, uint8_t)     \
    NATIVE_ALU(n_##op##16, #op, uint16_t)   \
    NATIVE_ALU(n_##op##32, #op, uint32_t)   \
    NATIVE_ALU(n_##op##64, #op, uint64_t)

NATIVE_SET(add)
NATIVE_SET(or)
NATIVE_SET(adc)
NATIVE_SET(sbb)
NATIVE_SET(and)
NATIVE_SET(sub)
NATIVE_SET(xor)
NATIVE_SET(cmp)

typedef uint64_t (*NativeFn)(uint64_t, uint64_t, uint64_t, uint64_t *);

#define NATIVE_SHIFT(fn, insn, T)                                         \
static uint64_t fn(uint64_t a, uint64_t b, uint64_t fin, uint64_t *fout) \
{                                                                         \
    T ra = a;                                                             \
    uint8_t c = b;                                                        \
    uint64_t f;                                                           \
    asm volatile("push %[fin]\n\tpopfq\n\t" insn " %%cl, %[ra]\n\t"       \
                 "pushfq\n\tpop %[f]"                                     \
                 : [ra] "+q" (ra), [f] "=&r" (f)                          \
                 : "c" (c), [fin] "r" (fin) : "cc", "memory");            \
    *fout = f;                                                            \
    return ra;                                                            \
}

#define NATIVE_SHIFTS(op)                      \
    NATIVE_SHIFT(n_##op##8, #op, uint8_t)      \
    NATIVE_SHIFT(n_##op##16, #op, uint16_t)    \
    NATIVE_SHIFT(n_##op##32, #op, uint32_t)    \
    NATIVE_SHIFT(n_##op##64, #op, uint64_t)

NATIVE_SHIFTS(rol)
NATIVE_SHIFTS(ror)
NATIVE_SHIFTS(rcl)
NATIVE_SHIFTS(rcr)
NATIVE_SHIFTS(shl)
NATIVE_SHIFTS(shr)
NATIVE_SHIFTS(sar)

#define FNS(op) { n_##op##8, n_##op##16, n_##op##32, n_##op##64 }
static const NativeFn alu_fns[8][4] = {
    FNS(add), FNS(or), FNS(adc), FNS(sbb), FNS(and), FNS(sub), FNS(xor),
    FNS(cmp),
};
static const NativeFn shift_fns[8][4] = {
    FNS(rol), FNS(ror), FNS(rcl), FNS(rcr), FNS(shl), FNS(shr), FNS(shl),
    FNS(sar),
};

static uint64_t interesting(GRand *r, int i)
{
    static const uint64_t edge[] = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
        0x80000000, 0xffffffff, 0x7fffffffffffffffULL,
        0x8000000000000000ULL, ~0ULL,
    };

    if (i < (int)G_N_ELEMENTS(edge) * 2) {
        return edge[i % G_N_ELEMENTS(edge)];
    }
    return ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);
}

/* Run one instruction in 64-bit mode on rax/rbx (rcx for counts). */
static uint64_t interp_one(const uint8_t *code, int len, uint64_t a,
                           uint64_t b, uint64_t fin, uint64_t *fout)
{
    static TVM *t;

    if (!t) {
        t = tvm_new(M64);
    }
    memcpy(t->ram + CODE, code, len);
    x86_interp_invalidate_page(&t->x, CODE);
    t->st.rip = CODE;
    t->st.regs[X86_REG_RAX] = a;
    t->st.regs[X86_REG_RBX] = b;
    t->st.regs[X86_REG_RCX] = b;
    t->st.rflags = fin;
    g_assert_cmpint(x86_interp_run(&t->x, 1), ==, X86_EXIT_BUDGET);
    *fout = t->st.rflags;
    return t->st.regs[X86_REG_RAX];
}

static int encode(uint8_t *code, int size, int opc_byte, int opc_word,
                  uint8_t modrm)
{
    int n = 0;

    if (size == 2) {
        code[n++] = 0x66;
    } else if (size == 8) {
        code[n++] = 0x48;
    }
    code[n++] = size == 1 ? opc_byte : opc_word;
    code[n++] = modrm;
    return n;
}

static void test_alu_native(void)
{
    GRand *r = g_rand_new_with_seed(0x7e57);
    int checked = 0;

    for (int i = 0; i < 400; i++) {
        uint64_t a = interesting(r, i), b = interesting(r, i * 7 + 3);

        for (int sz = 0; sz < 4; sz++) {
            int size = 1 << sz;
            uint64_t m = size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;

            for (int op = 0; op < 8; op++) {
                for (uint64_t cf = 0; cf < 2; cf++) {
                    uint8_t code[8];
                    uint64_t nf, f, want, got;
                    uint64_t fin = 0x202 | cf;
                    int n = encode(code, size, op * 8, op * 8 + 1, 0xd8);

                    want = alu_fns[op][sz](a, b, fin, &nf);
                    got = interp_one(code, n, a, b, fin, &f);
                    if (op == 7) {
                        want = a;
                    }
                    if ((got & m) != (want & m) ||
                        (f & ARITH) != (nf & ARITH)) {
                        g_error("alu op %d size %d a=%" PRIx64 " b=%" PRIx64
                                " cf=%" PRIu64 ": got %" PRIx64 "/%" PRIx64
                                " want %" PRIx64 "/%" PRIx64, op, size, a, b,
                                cf, got & m, f & ARITH, want & m,
                                nf & ARITH);
                    }
                    checked++;
                }
            }
            for (int op = 0; op < 8; op++) {
                for (uint64_t cf = 0; cf < 2; cf++) {
                    uint8_t code[8];
                    uint64_t nf, f, want, got, mask;
                    uint64_t fin = 0x202 | cf;
                    unsigned cnt = (i % 3 == 0) ? 1 : b & 0x3f;
                    unsigned mcnt = cnt & (size == 8 ? 63 : 31);
                    int n = encode(code, size, 0xd2, 0xd3,
                                   0xc0 | (op << 3));

                    if (op == 6) {
                        continue;       /* SAL is SHL */
                    }
                    want = shift_fns[op][sz](a, cnt, fin, &nf);
                    got = interp_one(code, n, a, cnt, fin, &f);
                    /* Defined flags: see the SDM's shift/rotate pages. */
                    if (op < 4) {
                        mask = mcnt ? FL_CF : 0;
                        if (mcnt == 1) {
                            mask |= FL_OF;
                        }
                    } else {
                        mask = mcnt ? (FL_CF | FL_ZF | FL_SF | FL_PF) : 0;
                        if (mcnt == 1) {
                            mask |= FL_OF;
                        }
                        if (mcnt > size * 8) {
                            mask &= ~FL_CF;
                        }
                    }
                    if ((got & m) != (want & m) || (f & mask) != (nf & mask)) {
                        g_error("shift op %d size %d a=%" PRIx64 " cnt=%u"
                                " cf=%" PRIu64 ": got %" PRIx64 "/%" PRIx64
                                " want %" PRIx64 "/%" PRIx64, op, size, a,
                                cnt, cf, got & m, f & mask, want & m,
                                nf & mask);
                    }
                    checked++;
                }
            }
        }
    }
    g_rand_free(r);
    g_test_message("%d results and flags matched the host CPU", checked);
}
#endif

/* Multiply, divide, #DE through the handlers in every mode. */
static void test_muldiv(void)
{
    static const uint8_t mul[] = { 0xf7, 0xe3 };            /* mul ebx */
    static const uint8_t div0[] = { 0xf7, 0xf3 };           /* div ebx */
    static const uint8_t idiv_ovf[] = { 0xf6, 0xfb };       /* idiv bl */

    for (int mode = M32; mode <= M64; mode++) {
        TVM *t = tvm_new(mode);

        load(t, mul, sizeof(mul));
        t->st.regs[X86_REG_RAX] = 0x80000000;
        t->st.regs[X86_REG_RBX] = 4;
        g_assert_cmpint(x86_interp_run(&t->x, 1), ==, X86_EXIT_BUDGET);
        g_assert_cmphex(reg(t, X86_REG_RAX), ==, 0);
        g_assert_cmphex(reg(t, X86_REG_RDX), ==, 2);
        g_assert_true(t->st.rflags & FL_CF);
        g_assert_true(t->st.rflags & FL_OF);
        tvm_free(t);

        t = tvm_new(mode);
        load(t, div0, sizeof(div0));
        t->st.regs[X86_REG_RBX] = 0;
        g_assert_cmpint(x86_interp_run(&t->x, 10), ==, X86_EXIT_HLT);
        g_assert_cmphex(t->st.rip, ==, after_handler(t, 0, mode));
        /* The return address is the faulting DIV itself. */
        g_assert_cmphex(tvm_get8(t, reg(t, X86_REG_RSP)) &
                        (mode == M64 ? ~0ULL : 0xffffffff), ==, CODE);
        tvm_free(t);

        t = tvm_new(mode);
        load(t, idiv_ovf, sizeof(idiv_ovf));
        t->st.regs[X86_REG_RAX] = 0x8000;   /* -32768 / -1 */
        t->st.regs[X86_REG_RBX] = 0xff;
        g_assert_cmpint(x86_interp_run(&t->x, 10), ==, X86_EXIT_HLT);
        g_assert_cmphex(t->st.rip, ==, after_handler(t, 0, mode));
        tvm_free(t);
    }
}

static void test_string(void)
{
    static const uint8_t code[] = {
        0xf3, 0xa4,                 /* rep movsb */
        0xbf, 0x00, 0x60, 0x00, 0x00,   /* mov edi, 0x6000 */
        0xb9, 0x04, 0x00, 0x00, 0x00,   /* mov ecx, 4 */
        0xb8, 0x78, 0x56, 0x34, 0x12,   /* mov eax, 0x12345678 */
        0xf3, 0xab,                 /* rep stosd */
        0xbf, 0x00, 0x50, 0x00, 0x00,   /* mov edi, 0x5000 */
        0xb9, 0x10, 0x00, 0x00, 0x00,   /* mov ecx, 16 */
        0xb0, 0x43,                 /* mov al, 'C' */
        0xf2, 0xae,                 /* repne scasb */
        0xf4,
    };
    TVM *t = tvm_new(M32);

    load(t, code, sizeof(code));
    memcpy(t->ram + 0x4000, "ABCDEFGH", 8);
    t->st.regs[X86_REG_RSI] = 0x4000;
    t->st.regs[X86_REG_RDI] = 0x5000;
    t->st.regs[X86_REG_RCX] = 8;
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmpmem(t->ram + 0x5000, 8, "ABCDEFGH", 8);
    g_assert_cmphex(tvm_get8(t, 0x6000), ==, 0x1234567812345678ULL);
    g_assert_cmphex(tvm_get8(t, 0x6008), ==, 0x1234567812345678ULL);
    /* 'C' is the third byte: EDI one past it, ECX = 16 - 3. */
    g_assert_cmphex(reg(t, X86_REG_RDI), ==, 0x5003);
    g_assert_cmphex(reg(t, X86_REG_RCX), ==, 13);
    g_assert_true(t->st.rflags & FL_ZF);
    tvm_free(t);
}

/* Real mode: INT through the IVT, the handler's IRET, a far jump. */
static void test_real_int_iret(void)
{
    static const uint8_t code[] = {
        0xcd, 0x21,                     /* int 0x21 */
        0xb8, 0x34, 0x12,               /* mov ax, 0x1234 */
        0xea, 0x00, 0x02, 0x00, 0x10,   /* jmp far 1000:0200 */
    };
    TVM *t = tvm_new(M16);

    load(t, code, sizeof(code));
    t->ram[HANDLER + 0x21 * 16] = 0xcf;      /* iret instead of hlt */
    t->ram[CODE + 0x200] = 0xf4;
    t->st.rflags |= FL_IF;
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmphex(reg(t, X86_REG_RAX) & 0xffff, ==, 0x1234);
    g_assert_cmphex(t->st.segs[X86_SEG_CS].base, ==, CODE);
    g_assert_cmphex(t->st.rip, ==, 0x201);
    g_assert_true(t->st.rflags & FL_IF);        /* restored by IRET */
    g_assert_cmphex(reg(t, X86_REG_RSP), ==, STACK_TOP);
    tvm_free(t);
}

/* Real mode to 32-bit protected mode, as the test guest does it. */
static void test_enter_protected(void)
{
    static const uint8_t code[] = {
        0x66, 0x0f, 0x01, 0x16, 0x40, 0x00, /* lgdtl [0x40] (ds=0x1000) */
        0x0f, 0x20, 0xc0,                   /* mov eax, cr0 */
        0x66, 0x83, 0xc8, 0x01,             /* or eax, 1 */
        0x0f, 0x22, 0xc0,                   /* mov cr0, eax */
        0x66, 0xea, 0x00, 0x01, 0x01, 0x00, 0x08, 0x00, /* jmp 8:0x10100 */
    };
    static const uint8_t pm[] = {
        0x66, 0xb8, 0x10, 0x00,             /* mov ax, 0x10 */
        0x8e, 0xd8,                         /* mov ds, ax */
        0xc7, 0x05, 0x00, 0x70, 0x00, 0x00, 0xef, 0xbe, 0xad, 0xde,
                                            /* mov dword [0x7000], ... */
        0xf4,
    };
    uint16_t limit = 0x2f;
    uint32_t base = GDT;
    TVM *t = tvm_new(M16);

    load(t, code, sizeof(code));
    memcpy(t->ram + CODE + 0x100, pm, sizeof(pm));
    memcpy(t->ram + CODE + 0x40, &limit, 2);
    memcpy(t->ram + CODE + 0x42, &base, 4);
    t->st.gdt.limit = 0;
    t->st.segs[X86_SEG_DS].selector = 0x1000;
    t->st.segs[X86_SEG_DS].base = CODE;
    x86_interp_flush(&t->x);
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmphex(t->st.segs[X86_SEG_CS].selector, ==, 0x08);
    g_assert_true(t->st.segs[X86_SEG_CS].db);
    g_assert_cmphex(tvm_get8(t, 0x7000) & 0xffffffff, ==, 0xdeadbeef);
    /* Loading the descriptors set their accessed bits. */
    g_assert_true(t->ram[GDT + 0x08 + 5] & 1);
    g_assert_true(t->ram[GDT + 0x10 + 5] & 1);
    tvm_free(t);
}

/* 32-bit: a segment limit violation is #GP(0) through the IDT. */
static void test_prot_gp_limit(void)
{
    static const uint8_t code[] = {
        0xb8, 0x28, 0x00, 0x00, 0x00,       /* mov eax, 0x28 */
        0x8e, 0xc0,                         /* mov es, eax (limit 0xffff) */
        0x26, 0x8b, 0x1d, 0x00, 0x00, 0x01, 0x00,   /* mov ebx, es:[0x10000] */
    };
    TVM *t = tvm_new(M32);
    uint64_t sp;

    load(t, code, sizeof(code));
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmphex(t->st.rip, ==, after_handler(t, 13, M32));
    sp = reg(t, X86_REG_RSP);
    g_assert_cmphex(tvm_get8(t, sp) & 0xffffffff, ==, 0);          /* error */
    g_assert_cmphex(tvm_get8(t, sp + 4) & 0xffffffff, ==, CODE + 7); /* eip */
    g_assert_cmphex(tvm_get8(t, sp + 8) & 0xffff, ==, 0x08);        /* cs */
    tvm_free(t);
}

/* Long mode: #PF with CR2 and error code; A and D bits; IRETQ. */
static void test_long_paging(void)
{
    static const uint8_t code[] = {
        0xc6, 0x04, 0x25, 0x00, 0x80, 0x00, 0x00, 0x55, /* mov [0x8000],0x55 */
        0x8a, 0x1c, 0x25, 0x00, 0x90, 0x00, 0x00,       /* mov bl, [0x9000] */
        0x48, 0xc7, 0xc0, 0x00, 0x10, 0x00, 0x00,       /* mov rax, 0x1000 */
        0xc6, 0x04, 0x25, 0x00, 0x50, 0x00, 0x00, 0x01, /* mov [0x5000], 1 */
    };
    uint64_t pt = PML4 + 0x3000, sp;
    TVM *t = tvm_new(M64);

    load(t, code, sizeof(code));
    tvm_put8(t, pt + 8 * 8, 0x8000 | 7);     /* present, no A/D yet */
    tvm_put8(t, pt + 9 * 8, 0x9000 | 7);
    tvm_put8(t, pt + 5 * 8, 0x5000 | 5);     /* read-only, user */
    t->st.cr0 |= 0x10000;                /* WP */
    x86_interp_flush(&t->x);
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    /* The write to the read-only page faulted. */
    g_assert_cmphex(t->st.rip, ==, after_handler(t, 14, M64));
    g_assert_cmphex(t->st.cr2, ==, 0x5000);
    sp = reg(t, X86_REG_RSP);
    g_assert_cmphex(tvm_get8(t, sp), ==, 3);            /* P | W */
    g_assert_cmphex(tvm_get8(t, sp + 8), ==, CODE + 22);
    g_assert_cmphex(tvm_get8(t, pt + 8 * 8) & 0x60, ==, 0x60);  /* A, D */
    g_assert_cmphex(tvm_get8(t, pt + 9 * 8) & 0x60, ==, 0x20);  /* A only */
    g_assert_true(tvm_get8(t, PML4) & 0x20);
    tvm_free(t);

    /* Not present: error code 0 for a read, IRETQ resumes. */
    {
        static const uint8_t code2[] = {
            0x8b, 0x04, 0x25, 0x00, 0xa0, 0x00, 0x00,   /* mov eax,[0xa000] */
            0xf4,
        };
        t = tvm_new(M64);
        load(t, code2, sizeof(code2));
        tvm_put8(t, pt + 10 * 8, 0);
        x86_interp_flush(&t->x);
        g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
        g_assert_cmphex(t->st.rip, ==, after_handler(t, 14, M64));
        g_assert_cmphex(t->st.cr2, ==, 0xa000);
        g_assert_cmphex(tvm_get8(t, reg(t, X86_REG_RSP)), ==, 0);
        tvm_free(t);
    }
}

/* INT 0x80 in 64-bit mode; the handler returns with IRETQ. */
static void test_long_iretq(void)
{
    static const uint8_t code[] = {
        0xcd, 0x80,                 /* int 0x80 */
        0x48, 0xff, 0xc3,           /* inc rbx */
        0xf4,
    };
    TVM *t = tvm_new(M64);

    load(t, code, sizeof(code));
    t->ram[HANDLER + 0x80 * 16] = 0x48;
    t->ram[HANDLER + 0x80 * 16 + 1] = 0xcf;     /* iretq */
    t->st.regs[X86_REG_RBX] = 41;
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmphex(reg(t, X86_REG_RBX), ==, 42);
    g_assert_cmphex(t->st.rip, ==, CODE + 6);
    g_assert_cmphex(reg(t, X86_REG_RSP), ==, STACK_TOP);
    tvm_free(t);
}

/*
 * An x87 opcode is not implemented: #UD in the guest, counted, and the
 * trace point names its address and bytes.
 */
static void test_unimplemented_ud(void)
{
    static const uint8_t code[] = { 0xd9, 0xe8 };   /* fld1 */
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    uint64_t rip[M64 + 1];
    int fd = g_file_open_tmp("test-x86-interp-XXXXXX", &path, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_cmpint(trace_enable_events("x86_interp_unimplemented",
                                        &error_abort), ==, 1);
    g_assert_true(qemu_set_log_filename(path, &error_abort));
    for (int mode = M16; mode <= M64; mode++) {
        TVM *t = tvm_new(mode);

        load(t, code, sizeof(code));
        rip[mode] = t->st.rip;
        g_assert_cmpint(x86_interp_run(&t->x, 10), ==, X86_EXIT_HLT);
        g_assert_cmphex(t->st.rip, ==, after_handler(t, 6, mode));
        g_assert_cmpuint(t->x.ud_count, ==, 1);
        tvm_free(t);
    }
    qemu_log_close();
    trace_enable_events("-*", &error_abort);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    unlink(path);
    for (int mode = M16; mode <= M64; mode++) {
        g_autofree char *line = g_strdup_printf(
            ":x86_interp_unimplemented unimplemented opcode at rip 0x%"
            PRIx64 ": d9 e8 ", rip[mode]);

        g_assert_nonnull(strstr(text, line));
    }
}

/* Code that rewrites the instruction after it runs the new bytes. */
static void test_self_modifying(void)
{
    static const uint8_t code[] = {
        0xb9, 0x02, 0x00, 0x00, 0x00,       /* mov ecx, 2 */
        /* loop: */
        0xb8, 0x01, 0x00, 0x00, 0x00,       /* mov eax, 1 (imm patched) */
        0xc6, 0x05, 0x06, 0x00, 0x01, 0x00, 0x07,   /* mov byte [0x10006],7 */
        0xe2, 0xf2,                         /* loop loop */
        0xf4,
    };
    TVM *t = tvm_new(M32);

    load(t, code, sizeof(code));
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmphex(reg(t, X86_REG_RAX), ==, 7);
    tvm_free(t);
}

/* HLT waits; an interrupt on the line wakes it through the IDT. */
static void test_hlt_irq(void)
{
    static const uint8_t code[] = { 0xfb, 0xf4, 0x90, 0xf4 }; /* sti hlt */
    TVM *t = tvm_new(M32);

    load(t, code, sizeof(code));
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmphex(t->st.rip, ==, CODE + 2);
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmphex(t->st.rip, ==, CODE + 2);   /* still waiting */
    t->irq_vec = 0x20;
    t->x.irq_line = 1;
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmphex(t->st.rip, ==, after_handler(t, 0x20, M32));
    /* Interrupt gate: IF cleared; the return address is after HLT. */
    g_assert_false(t->st.rflags & FL_IF);
    g_assert_cmphex(tvm_get8(t, reg(t, X86_REG_RSP)) & 0xffffffff, ==,
                    CODE + 2);
    tvm_free(t);
}

static void test_cpuid_msr(void)
{
    static const uint8_t code[] = {
        0x31, 0xc0,                         /* xor eax, eax */
        0x0f, 0xa2,                         /* cpuid */
        0xb9, 0x82, 0x00, 0x00, 0xc0,       /* mov ecx, LSTAR */
        0xb8, 0x44, 0x33, 0x22, 0x11,       /* mov eax, 0x11223344 */
        0xba, 0x00, 0x00, 0x00, 0x00,       /* mov edx, 0 */
        0x0f, 0x30,                         /* wrmsr */
        0x31, 0xc0,                         /* xor eax, eax */
        0x0f, 0x32,                         /* rdmsr */
        0x89, 0xc6,                         /* mov esi, eax */
        0xb9, 0x34, 0x12, 0x00, 0x00,       /* mov ecx, 0x1234 */
        0x0f, 0x32,                         /* rdmsr: #GP */
    };
    TVM *t = tvm_new(M32);

    load(t, code, sizeof(code));
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmphex(reg(t, X86_REG_RBX), ==, 0x756e6547);   /* "Genu" */
    g_assert_cmphex(reg(t, X86_REG_RSI), ==, 0x11223344);
    g_assert_cmphex(t->st.rip, ==, after_handler(t, 13, M32));
    tvm_free(t);
}

static void test_io_dirty(void)
{
    static const uint8_t code[] = {
        0xb0, 0x41,                         /* mov al, 'A' */
        0xba, 0xf8, 0x03, 0x00, 0x00,       /* mov edx, 0x3f8 */
        0xee,                               /* out dx, al */
        0xe4, 0x60,                         /* in al, 0x60 */
        0xa2, 0x00, 0x00, 0x20, 0x00,       /* mov [0x200000], al */
        0xf4,
    };
    TVM *t = tvm_new(M32);

    load(t, code, sizeof(code));
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmpstr(t->io->str, ==, "3f8:41/1;");
    g_assert_cmphex(t->ram[0x200000], ==, 0x42);
    g_assert_true(t->dirty[(0x200000 >> 12) / 64] &
                  (1UL << ((0x200000 >> 12) % 64)));
    /* The code page was only read. */
    g_assert_false(t->dirty[(CODE >> 12) / 64] &
                   (1UL << ((CODE >> 12) % 64)));
    tvm_free(t);
}

/* Protected mode far call through a call gate and the far return. */
static void test_far_call_ret(void)
{
    static const uint8_t code[] = {
        0x9a, 0x00, 0x02, 0x01, 0x00, 0x08, 0x00,   /* call 8:0x10200 */
        0xf4,
    };
    TVM *t = tvm_new(M32);

    load(t, code, sizeof(code));
    t->ram[CODE + 0x200] = 0x43;    /* inc ebx */
    t->ram[CODE + 0x201] = 0xcb;    /* retf */
    x86_interp_flush(&t->x);
    g_assert_cmpint(x86_interp_run(&t->x, 100), ==, X86_EXIT_HLT);
    g_assert_cmphex(reg(t, X86_REG_RBX), ==, 1);
    g_assert_cmphex(t->st.rip, ==, CODE + 8);
    g_assert_cmphex(reg(t, X86_REG_RSP), ==, STACK_TOP);
    tvm_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-interp/reset", test_reset);
    g_test_add_func("/x86-interp/alu/table", test_alu_table);
#ifdef __x86_64__
    g_test_add_func("/x86-interp/alu/native", test_alu_native);
#endif
    g_test_add_func("/x86-interp/muldiv", test_muldiv);
    g_test_add_func("/x86-interp/string", test_string);
    g_test_add_func("/x86-interp/real/int-iret", test_real_int_iret);
    g_test_add_func("/x86-interp/real/enter-protected",
                    test_enter_protected);
    g_test_add_func("/x86-interp/prot/gp-limit", test_prot_gp_limit);
    g_test_add_func("/x86-interp/prot/far-call", test_far_call_ret);
    g_test_add_func("/x86-interp/long/paging", test_long_paging);
    g_test_add_func("/x86-interp/long/iretq", test_long_iretq);
    g_test_add_func("/x86-interp/ud", test_unimplemented_ud);
    g_test_add_func("/x86-interp/smc", test_self_modifying);
    g_test_add_func("/x86-interp/hlt-irq", test_hlt_irq);
    g_test_add_func("/x86-interp/cpuid-msr", test_cpuid_msr);
    g_test_add_func("/x86-interp/io-dirty", test_io_dirty);
    return g_test_run();
}

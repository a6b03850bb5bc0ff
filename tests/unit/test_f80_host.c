/* Differential test of src/cpu/fpu against the host's own x87: the same operands
 * go through the real FPU (inline asm on 80-bit memory operands, every exception
 * masked) and through the portable implementation; result bits, exception flags
 * and condition codes must match exactly, in every rounding and precision mode.
 *
 * A plain program (not cmocka) so it can take options for long runs:
 *   test_f80_host [--cases N-per-op] [--seed S] [--op NAME] [--verbose]
 * The environment variable BT86_F80_CASES sets the default case count. */
#include "cpu/fpu/f80.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)

#define SW_EXC  0x003Fu
#define SW_C0   0x0100u
#define SW_C1   0x0200u
#define SW_C2   0x0400u
#define SW_C3   0x4000u
#define SW_CC   (SW_C0 | SW_C1 | SW_C2 | SW_C3)
#define INT_BIT 0x8000000000000000u

enum op {
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_SQRT,
    OP_FCOM,
    OP_FUCOM,
    OP_FXAM,
    OP_FRNDINT,
    OP_FIST16,
    OP_FIST32,
    OP_FIST64,
    OP_FILD,
    OP_FLD32,
    OP_FLD64,
    OP_FST32,
    OP_FST64,
    OP_FPREM,
    OP_FPREM1,
    OP_FSCALE,
    OP_FXTRACT,
    OP_FBSTP,
    OP_FBLD,
    OP_FILD16,
    OP_FILD32,
    OP_FISTTP16,
    OP_FISTTP64,
    OP_ADD_U, /* OE and UE unmasked: the wrapped result */
    OP_MUL_U,
    OP_DIV_U,
    OP_FSCALE_U,
    OP_COUNT,
};

static const char *const op_names[OP_COUNT] = {
    "add",     "sub",      "mul",      "div",    "sqrt",    "fcom",  "fucom",    "fxam",
    "frndint", "fist16",   "fist32",   "fist64", "fild",    "fld32", "fld64",    "fst32",
    "fst64",   "fprem",    "fprem1",   "fscale", "fxtract", "fbstp", "fbld",     "fild16",
    "fild32",  "fisttp16", "fisttp64", "add_u",  "mul_u",   "div_u", "fscale_u",
};

/* The op whose operands and soft implementation an unmasked variant shares. */
static enum op base_op(enum op op)
{
    switch (op) {
    case OP_ADD_U: return OP_ADD;
    case OP_MUL_U: return OP_MUL;
    case OP_DIV_U: return OP_DIV;
    case OP_FSCALE_U: return OP_FSCALE;
    case OP_FILD16:
    case OP_FILD32: return OP_FILD;
    case OP_FISTTP16: return OP_FIST16;
    case OP_FISTTP64: return OP_FIST64;
    default: return op;
    }
}

/* Status-word bits each op defines (others are undefined after it). */
static uint16_t op_sw_mask(enum op op)
{
    switch (base_op(op)) {
    case OP_FCOM:
    case OP_FUCOM:
    case OP_FPREM:
    case OP_FPREM1: return SW_EXC | SW_CC;
    case OP_FXAM: return SW_CC;
    case OP_FILD: return SW_EXC;
    default: return SW_EXC | SW_C1;
    }
}

/* What one case produced: up to two 80-bit results (or integer / float / BCD bits
 * in r1.mant, r1.se) and the status word. */
struct outcome {
    struct f80 r1, r2;
    uint16_t sw;
};

struct operands {
    struct f80 a, b;
    uint64_t raw; /* integer / float bits for loads */
    struct f80_bcd bcd;
    struct f80 pre; /* FXAM'ed before FPREM so that its kept C0/C3 are seen */
};

/* ---- the host x87 -------------------------------------------------------- */

#define X87_BINARY(insn)                                                                           \
    __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"             \
                     "fnstsw %[sw]\n\tfstpt %[r]\n\tfstp %%st(0)\n\tfldcw %[cw0]"                  \
                     : [r] "=m"(o.r1), [sw] "=m"(o.sw)                                             \
                     : [a] "m"(in->a), [b] "m"(in->b), [cw] "m"(cw), [cw0] "m"(cw0)                \
                     : "st", "st(1)", "memory")

#define X87_PREM(insn)                                                                             \
    __asm__ volatile(                                                                              \
        "fnclex\n\tfldcw %[cw]\n\tfldt %[p]\n\tfxam\n\tfstp %%st(0)\n\t"                           \
        "fldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"                                                   \
        "fnstsw %[sw]\n\tfstpt %[r]\n\tfstp %%st(0)\n\tfldcw %[cw0]"                               \
        : [r] "=m"(o.r1), [sw] "=m"(o.sw)                                                          \
        : [a] "m"(in->a), [b] "m"(in->b), [p] "m"(in->pre), [cw] "m"(cw), [cw0] "m"(cw0)           \
        : "st", "st(1)", "memory")

/* OE and UE unmasked: the op leaves its wrapped result in ST0 with the exception
 * pending; FNSAVE (a no-wait instruction) reads the register file out and
 * reinitializes the FPU, so the pending exception never traps. */
#define X87_UNMASKED(insn)                                                                         \
    __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"             \
                     "fnstsw %[sw]\n\tfnsave %[save]\n\tfldcw %[cw0]"                              \
                     : [save] "=m"(save), [sw] "=m"(o.sw)                                          \
                     : [a] "m"(in->a), [b] "m"(in->b), [cw] "m"(cwu), [cw0] "m"(cw0)               \
                     : "st", "st(1)", "memory")

#define X87_UNARY(insn)                                                                            \
    __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn "\n\t"                          \
                     "fnstsw %[sw]\n\tfstpt %[r]\n\tfldcw %[cw0]"                                  \
                     : [r] "=m"(o.r1), [sw] "=m"(o.sw)                                             \
                     : [a] "m"(in->a), [cw] "m"(cw), [cw0] "m"(cw0)                                \
                     : "st", "memory")

#define X87_COMPARE(insn)                                                                          \
    __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"             \
                     "fnstsw %[sw]\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tfldcw %[cw0]"                \
                     : [sw] "=m"(o.sw)                                                             \
                     : [a] "m"(in->a), [b] "m"(in->b), [cw] "m"(cw), [cw0] "m"(cw0)                \
                     : "st", "st(1)", "memory")

#define X87_STORE(insn, dst)                                                                       \
    __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn " %[d]\n\t"                     \
                     "fnstsw %[sw]\n\tfldcw %[cw0]"                                                \
                     : [d] "=m"(dst), [sw] "=m"(o.sw)                                              \
                     : [a] "m"(in->a), [cw] "m"(cw), [cw0] "m"(cw0)                                \
                     : "st", "memory")

#define X87_LOAD(insn, src)                                                                        \
    __asm__ volatile("fnclex\n\tfldcw %[cw]\n\t" insn " %[s]\n\t"                                  \
                     "fnstsw %[sw]\n\tfstpt %[r]\n\tfldcw %[cw0]"                                  \
                     : [r] "=m"(o.r1), [sw] "=m"(o.sw)                                             \
                     : [s] "m"(src), [cw] "m"(cw), [cw0] "m"(cw0)                                  \
                     : "st", "memory")

static struct outcome host_run(enum op op, const struct operands *in, unsigned rc, unsigned pc)
{
    struct outcome o;
    memset(&o, 0, sizeof o);
    uint16_t cw = (uint16_t)(0x007F | (pc << 8) | (rc << 10)), cw0 = 0x037F;
    uint16_t cwu = (uint16_t)(cw & ~0x0018);
    uint8_t save[108];
    switch (op) {
    case OP_ADD_U: X87_UNMASKED("fadd %%st(1), %%st"); break;
    case OP_MUL_U: X87_UNMASKED("fmul %%st(1), %%st"); break;
    case OP_DIV_U: X87_UNMASKED("fdiv %%st(1), %%st"); break;
    case OP_FSCALE_U: X87_UNMASKED("fscale"); break;
    case OP_ADD: X87_BINARY("fadd %%st(1), %%st"); break;
    case OP_SUB: X87_BINARY("fsub %%st(1), %%st"); break;
    case OP_MUL: X87_BINARY("fmul %%st(1), %%st"); break;
    case OP_DIV: X87_BINARY("fdiv %%st(1), %%st"); break;
    case OP_FPREM: X87_PREM("fprem"); break;
    case OP_FPREM1: X87_PREM("fprem1"); break;
    case OP_FSCALE: X87_BINARY("fscale"); break;
    case OP_SQRT: X87_UNARY("fsqrt"); break;
    case OP_FRNDINT: X87_UNARY("frndint"); break;
    case OP_FCOM: X87_COMPARE("fcom %%st(1)"); break;
    case OP_FUCOM: X87_COMPARE("fucom %%st(1)"); break;
    case OP_FXAM:
        __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[a]\n\tfxam\n\t"
                         "fnstsw %[sw]\n\tfstp %%st(0)\n\tfldcw %[cw0]"
                         : [sw] "=m"(o.sw)
                         : [a] "m"(in->a), [cw] "m"(cw), [cw0] "m"(cw0)
                         : "st", "memory");
        break;
    case OP_FXTRACT:
        __asm__ volatile("fnclex\n\tfldcw %[cw]\n\tfldt %[a]\n\tfxtract\n\t"
                         "fnstsw %[sw]\n\tfstpt %[r1]\n\tfstpt %[r2]\n\tfldcw %[cw0]"
                         : [r1] "=m"(o.r1), [r2] "=m"(o.r2), [sw] "=m"(o.sw)
                         : [a] "m"(in->a), [cw] "m"(cw), [cw0] "m"(cw0)
                         : "st", "st(1)", "memory");
        break;
    case OP_FIST16: {
        uint16_t v;
        X87_STORE("fistps", v);
        o.r1.mant = v;
        break;
    }
    case OP_FIST32: {
        uint32_t v;
        X87_STORE("fistpl", v);
        o.r1.mant = v;
        break;
    }
    case OP_FIST64: X87_STORE("fistpll", o.r1.mant); break;
    case OP_FST32: {
        uint32_t v;
        X87_STORE("fstps", v);
        o.r1.mant = v;
        break;
    }
    case OP_FST64: X87_STORE("fstpl", o.r1.mant); break;
    case OP_FBSTP: X87_STORE("fbstp", o.r1); break;
    case OP_FILD: X87_LOAD("fildll", in->raw); break;
    case OP_FILD16: {
        uint16_t v = (uint16_t)in->raw;
        X87_LOAD("filds", v);
        break;
    }
    case OP_FILD32: {
        uint32_t v = (uint32_t)in->raw;
        X87_LOAD("fildl", v);
        break;
    }
    case OP_FISTTP16: {
        uint16_t v;
        X87_STORE("fisttps", v);
        o.r1.mant = v;
        break;
    }
    case OP_FISTTP64: X87_STORE("fisttpll", o.r1.mant); break;
    case OP_FLD32: {
        uint32_t v = (uint32_t)in->raw;
        X87_LOAD("flds", v);
        break;
    }
    case OP_FLD64: X87_LOAD("fldl", in->raw); break;
    case OP_FBLD: X87_LOAD("fbld", in->bcd); break;
    default: break;
    }
    if (op == OP_ADD_U || op == OP_MUL_U || op == OP_DIV_U || op == OP_FSCALE_U) {
        memcpy(&o.r1.mant, save + 28, 8); /* ST0 of the FNSAVE image */
        memcpy(&o.r1.se, save + 36, 2);
        o.sw &= (uint16_t)~0x0080; /* ES: the exception is pending */
    }
    return o;
}

/* ---- the implementation under test ---------------------------------------- */

static struct outcome soft_run(enum op op, const struct operands *in, unsigned rc, unsigned pc)
{
    struct outcome o;
    struct f80_env env = {.rc = (uint8_t)rc, .pc = (uint8_t)pc};
    uint16_t cc = 0;
    memset(&o, 0, sizeof o);
    switch (op) {
    case OP_ADD: o.r1 = f80_add(&env, in->a, in->b); break;
    case OP_SUB: o.r1 = f80_sub(&env, in->a, in->b); break;
    case OP_MUL: o.r1 = f80_mul(&env, in->a, in->b); break;
    case OP_DIV: o.r1 = f80_div(&env, in->a, in->b); break;
    case OP_FPREM:
        cc = f80_fxam(in->pre);
        o.r1 = f80_prem(&env, in->a, in->b, false, &cc);
        break;
    case OP_FPREM1:
        cc = f80_fxam(in->pre);
        o.r1 = f80_prem(&env, in->a, in->b, true, &cc);
        break;
    case OP_FSCALE: o.r1 = f80_scale(&env, in->a, in->b); break;
    case OP_SQRT: o.r1 = f80_sqrt(&env, in->a); break;
    case OP_FRNDINT: o.r1 = f80_round_int(&env, in->a); break;
    case OP_FCOM: cc = f80_compare(&env, in->a, in->b, false); break;
    case OP_FUCOM: cc = f80_compare(&env, in->a, in->b, true); break;
    case OP_FXAM: cc = f80_fxam(in->a); break;
    case OP_FXTRACT: f80_xtract(&env, in->a, &o.r2, &o.r1); break;
    case OP_FIST16: o.r1.mant = (uint16_t)f80_to_i16(&env, in->a); break;
    case OP_FIST32: o.r1.mant = (uint32_t)f80_to_i32(&env, in->a); break;
    case OP_FIST64: o.r1.mant = (uint64_t)f80_to_i64(&env, in->a); break;
    case OP_FST32: o.r1.mant = f80_to_f32(&env, in->a); break;
    case OP_FST64: o.r1.mant = f80_to_f64(&env, in->a); break;
    case OP_FBSTP: {
        struct f80_bcd b = f80_to_bcd(&env, in->a);
        o.r1.mant = b.lo;
        o.r1.se = b.hi;
        break;
    }
    case OP_FILD: o.r1 = f80_from_i64((int64_t)in->raw); break;
    case OP_FILD16: o.r1 = f80_from_i64((int16_t)in->raw); break;
    case OP_FILD32: o.r1 = f80_from_i64((int32_t)in->raw); break;
    case OP_FISTTP16: /* FISTTP is FISTP with truncation (SDM Vol. 2, FISTTP) */
        env.rc = F80_RC_ZERO;
        o.r1.mant = (uint16_t)f80_to_i16(&env, in->a);
        break;
    case OP_FISTTP64:
        env.rc = F80_RC_ZERO;
        o.r1.mant = (uint64_t)f80_to_i64(&env, in->a);
        break;
    case OP_FLD32: o.r1 = f80_from_f32(&env, (uint32_t)in->raw); break;
    case OP_FLD64: o.r1 = f80_from_f64(&env, in->raw); break;
    case OP_FBLD: o.r1 = f80_from_bcd(in->bcd); break;
    default: break;
    }
    if (op == OP_ADD_U || op == OP_MUL_U || op == OP_DIV_U || op == OP_FSCALE_U) {
        o = soft_run(base_op(op), in, rc, pc);
        /* recompute to read env's wrapped result */
        env = (struct f80_env){.rc = (uint8_t)rc, .pc = (uint8_t)pc};
        switch (base_op(op)) {
        case OP_ADD: f80_add(&env, in->a, in->b); break;
        case OP_MUL: f80_mul(&env, in->a, in->b); break;
        case OP_DIV: f80_div(&env, in->a, in->b); break;
        default: f80_scale(&env, in->a, in->b); break;
        }
        if (env.has_wrapped) {
            o.r1 = env.wrapped;
            o.sw =
                (uint16_t)((env.flags & ~(F80_OE | F80_UE | F80_PE | F80_C1)) | env.wrapped_flags);
        }
        return o;
    }
    o.sw = (uint16_t)(env.flags | cc);
    return o;
}

/* ---- operand generation --------------------------------------------------- */

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t below(struct rng *r, uint64_t n)
{
    return next(r) % n;
}

/* Random significand bits with long runs of ones and zeros now and then, which is
 * where rounding and carries go wrong. */
static uint64_t random_bits(struct rng *r)
{
    uint64_t v = next(r);
    switch (below(r, 6)) {
    case 0: return v | (~UINT64_C(0) >> below(r, 64));
    case 1: return v & ~(~UINT64_C(0) >> below(r, 64));
    case 2: return v & (~UINT64_C(0) << below(r, 64));
    case 3: return v | (~UINT64_C(0) << below(r, 64));
    default: return v;
    }
}

static struct f80 make(bool sign, uint32_t exp, uint64_t mant)
{
    return (struct f80){mant, (uint16_t)((sign ? 0x8000 : 0) | (exp & 0x7FFF))};
}

/* A significand one ulp around a rounding boundary of a p-bit precision. */
static uint64_t boundary_mant(struct rng *r)
{
    static const int widths[] = {24, 53, 64, 24, 53};
    int p = widths[below(r, 5)];
    uint64_t m = next(r) | INT_BIT;
    if (p < 64) {
        int s = 64 - p;
        m &= ~((UINT64_C(1) << s) - 1);
        m |= UINT64_C(1) << (s - 1); /* exactly half */
        switch (below(r, 4)) {
        case 0: m += 1; break;
        case 1: m -= 1; break;
        case 2: break;
        default: m |= (UINT64_C(1) << (s - 1)) - 1; break;
        }
    } else {
        m = below(r, 2) ? ~UINT64_C(0) : INT_BIT | below(r, 4);
    }
    return m | INT_BIT;
}

static struct f80 gen_f80(struct rng *r)
{
    bool sign = below(r, 2);
    uint64_t k = below(r, 100);
    uint64_t m = random_bits(r) | INT_BIT;
    if (k < 30)
        return make(sign, 0x3FFF - 70 + (uint32_t)below(r, 140), m);
    if (k < 40)
        return make(sign, 1 + (uint32_t)below(r, 0x7FFE), m);
    if (k < 46)
        return make(sign, 0x7FFE - (uint32_t)below(r, 80), m);
    if (k < 52)
        return make(sign, 1 + (uint32_t)below(r, 80), m);
    if (k < 58) {
        uint64_t d = (random_bits(r) >> below(r, 64)) & ~INT_BIT;
        return make(sign, 0, d ? d : 1);
    }
    if (k < 61)
        return make(sign, 0, random_bits(r) | INT_BIT);
    if (k < 64)
        return make(sign, 0, 0);
    if (k < 67)
        return make(sign, 0x7FFF, INT_BIT);
    if (k < 71)
        return make(sign, 0x7FFF, INT_BIT | 0x4000000000000000u | (next(r) >> below(r, 64)));
    if (k < 75) {
        uint64_t p = (next(r) >> (2 + below(r, 62))) & 0x3FFFFFFFFFFFFFFFu;
        return make(sign, 0x7FFF, INT_BIT | (p ? p : 1));
    }
    if (k < 77) {
        /* unnormal, pseudo-infinity, pseudo-NaN */
        uint32_t e = below(r, 2) ? 0x7FFF : 1 + (uint32_t)below(r, 0x7FFE);
        return make(sign, e, random_bits(r) & ~INT_BIT);
    }
    if (k < 87)
        return make(sign, 0x3FFF - 10 + (uint32_t)below(r, 20), boundary_mant(r));
    if (k < 95) {
        /* small integers and halves */
        int e = (int)below(r, 66) - 2;
        uint64_t mm = m;
        if (below(r, 2) && e > 0 && e < 63) {
            mm &= ~(~UINT64_C(0) >> (e + 1)); /* integral */
            if (below(r, 2))
                mm |= UINT64_C(1) << (62 - e); /* + 0.5 */
        }
        return make(sign, 0x3FFF + (uint32_t)e, mm);
    }
    return make(below(r, 2), (uint32_t)next(r), next(r));
}

static bool is_finite_normal(struct f80 a)
{
    uint32_t e = a.se & 0x7FFF;
    return e != 0 && e != 0x7FFF && (a.mant & INT_BIT);
}

static struct f80 with_exp(struct f80 a, int64_t e)
{
    if (e < 1)
        e = 1;
    if (e > 0x7FFE)
        e = 0x7FFE;
    return make(a.se >> 15, (uint32_t)e, a.mant | INT_BIT);
}

static struct f80 int_value(struct rng *r)
{
    /* values around the integer ranges: 2^15, 2^31, 2^63, 10^18 */
    static const int pows[] = {14, 15, 16, 30, 31, 32, 62, 63, 64, 59, 60};
    int e = pows[below(r, 11)];
    uint64_t m = INT_BIT;
    switch (below(r, 5)) {
    case 0: m = ~UINT64_C(0); break;
    case 1: m = INT_BIT | (next(r) >> (1 + below(r, 63))); break;
    case 2: m = ~UINT64_C(0) << below(r, 64); break;
    case 3:
        m = 999999999999999999u << 4;
        e = 59;
        break; /* 10^18 - 1 */
    default: m = INT_BIT | below(r, 8); break;
    }
    if (below(r, 3) == 0)
        m ^= UINT64_C(1) << below(r, 63);
    return make(below(r, 2), 0x3FFF + (uint32_t)e, m | INT_BIT);
}

static void gen_case(enum op op, struct rng *r, struct operands *in)
{
    memset(in, 0, sizeof *in);
    op = base_op(op);
    in->a = gen_f80(r);
    in->b = gen_f80(r);
    if (below(r, 16) == 0) {
        /* b shares a's significand: equal NaN payloads, x op -x, SNaN vs QNaN */
        in->b = in->a;
        if (below(r, 2))
            in->b.se ^= 0x8000;
        if (below(r, 3) == 0)
            in->b.mant ^= 0x4000000000000000u;
    }
    bool a_ok = is_finite_normal(in->a);
    int64_t ea = in->a.se & 0x7FFF;
    switch (op) {
    case OP_ADD:
    case OP_SUB:
    case OP_FCOM:
    case OP_FUCOM:
        if (a_ok && below(r, 2)) {
            int64_t d = (int64_t)below(r, 140) - 70;
            if (below(r, 3) == 0)
                d = (int64_t)below(r, 3) - 1;
            in->b = with_exp(in->b, ea + d);
            if (below(r, 3) == 0)
                in->b.mant = in->a.mant + below(r, 8) - 4;
            if (below(r, 4) == 0)
                in->b = in->a;
            if (below(r, 2))
                in->b.se ^= 0x8000;
        }
        break;
    case OP_MUL:
    case OP_DIV:
        if (a_ok && below(r, 3) == 0) {
            int64_t target = below(r, 2) ? 0x7FFE : 1;
            int64_t d = (int64_t)below(r, 80) - 70;
            int64_t eb = op == OP_MUL ? target - ea + 0x3FFF + d : ea - target + 0x3FFF - d;
            in->b = with_exp(in->b, eb);
            if (below(r, 3) == 0) {
                /* exactly at the underflow / overflow boundary: a power of two
                 * times a significand one ulp from a rounding boundary */
                in->a.mant = boundary_mant(r);
                in->b.mant = INT_BIT;
                int64_t e = below(r, 2) ? 0 : 0x7FFE;
                e += (int64_t)below(r, 3) - 1;
                eb = op == OP_MUL ? e - ea + 0x3FFF : ea - e + 0x3FFF;
                in->b = with_exp(in->b, eb);
            }
        }
        break;
    case OP_FPREM:
    case OP_FPREM1:
        in->pre = gen_f80(r);
        if (a_ok && below(r, 4) != 0) {
            int64_t d = below(r, 4) == 0 ? (int64_t)below(r, 3000) : (int64_t)below(r, 70) - 3;
            if (below(r, 4) == 0)
                d = 62 + (int64_t)below(r, 6);
            in->b = with_exp(in->b, ea - d);
            if (below(r, 4) == 0)
                in->b.mant = in->a.mant + below(r, 8) - 4;
        }
        break;
    case OP_FSCALE:
        if (below(r, 4) != 0) {
            int64_t n;
            switch (below(r, 4)) {
            case 0: n = (int64_t)below(r, 200) - 100; break;
            case 1: n = (a_ok ? 0x7FFE - ea : 0) + (int64_t)below(r, 80) - 70; break;
            case 2: n = (a_ok ? 1 - ea : 0) - (int64_t)below(r, 80) + 10; break;
            default: n = (int64_t)below(r, 80000) - 40000; break;
            }
            struct f80 b = f80_from_i64(n);
            if (below(r, 3) == 0 && n != 0)
                b.mant |= next(r) & 0xFFFF; /* fraction */
            in->b = b;
        }
        break;
    case OP_FRNDINT:
    case OP_FIST16:
    case OP_FIST32:
    case OP_FIST64:
    case OP_FBSTP:
        if (below(r, 2))
            in->a = int_value(r);
        break;
    case OP_FST32:
    case OP_FST64:
        if (below(r, 2)) {
            int64_t bias = op == OP_FST32 ? 127 : 1023, span = op == OP_FST32 ? 24 : 53;
            int64_t e = below(r, 2) ? bias + (int64_t)below(r, 4) - 2
                                    : -bias - span + (int64_t)below(r, (uint64_t)span + 6);
            in->a = with_exp(in->a, 0x3FFF + e);
            if (below(r, 2))
                in->a.mant = boundary_mant(r);
        }
        break;
    case OP_FILD: {
        uint64_t v = next(r) >> below(r, 64);
        if (below(r, 2))
            v = 0 - v;
        if (below(r, 10) == 0)
            v = INT_BIT;
        in->raw = v;
        break;
    }
    case OP_FLD32: {
        uint32_t v = (uint32_t)next(r);
        switch (below(r, 5)) {
        case 0: v &= 0x807FFFFFu >> below(r, 24); break; /* denormal/zero */
        case 1: v |= 0x7F800000u; break;                 /* inf/NaN */
        case 2: v = (v & 0x80000000u) | 0x7F800000u | (v & 0x3FFFFFu); break;
        default: break;
        }
        in->raw = v;
        break;
    }
    case OP_FLD64: {
        uint64_t v = next(r);
        switch (below(r, 5)) {
        case 0: v &= 0x800FFFFFFFFFFFFFu >> below(r, 53); break;
        case 1: v |= 0x7FF0000000000000u; break;
        case 2: v = (v & 0x8000000000000000u) | 0x7FF0000000000000u | (v & 0x7FFFFFFFFFFFFu); break;
        default: break;
        }
        in->raw = v;
        break;
    }
    case OP_FBLD: {
        int digits = (int)below(r, 19);
        uint64_t lo = 0, hi = 0;
        for (int i = 0; i < digits; i++) {
            uint64_t d = below(r, 10);
            if (i < 16)
                lo |= d << (4 * i);
            else
                hi |= d << (4 * (i - 16));
        }
        in->bcd.lo = lo;
        in->bcd.hi = (uint16_t)(hi | (below(r, 2) ? 0x8000 : 0));
        break;
    }
    default: break;
    }
}

/* ---- driver ----------------------------------------------------------------- */

static void print_f80(const char *name, struct f80 v)
{
    printf(" %s=%04x:%016" PRIx64, name, v.se, v.mant);
}

int main(int argc, char **argv)
{
    uint64_t cases = 120000, seed = 0x5EED0F80u;
    const char *only = NULL;
    bool verbose = false;
    const char *env_cases = getenv("BT86_F80_CASES");
    if (env_cases)
        cases = strtoull(env_cases, NULL, 0);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cases") && i + 1 < argc)
            cases = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--op") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--verbose"))
            verbose = true;
        else {
            fprintf(stderr, "usage: %s [--cases N] [--seed S] [--op NAME] [--verbose]\n", argv[0]);
            return 2;
        }
    }
    static const unsigned pcs[3] = {0, 2, 3};
    uint64_t per_mode = (cases + 11) / 12, total_bad = 0, total = 0;
    for (int op = 0; op < OP_COUNT; op++) {
        if (only && strcmp(only, op_names[op]))
            continue;
        struct rng r = {seed ^ ((uint64_t)op * 0x9E3779B97F4A7C15u)};
        uint16_t mask = op_sw_mask((enum op)op);
        uint64_t bad = 0, n = 0, seen[16] = {0};
        for (unsigned mode = 0; mode < 12; mode++) {
            unsigned rc = mode & 3, pc = pcs[mode >> 2];
            for (uint64_t i = 0; i < per_mode; i++) {
                struct operands in;
                gen_case((enum op)op, &r, &in);
                struct outcome h = host_run((enum op)op, &in, rc, pc);
                struct outcome s = soft_run((enum op)op, &in, rc, pc);
                n++;
                for (int bit = 0; bit < 16; bit++)
                    seen[bit] += (h.sw & mask) >> bit & 1;
                bool same = h.r1.mant == s.r1.mant && h.r1.se == s.r1.se &&
                            h.r2.mant == s.r2.mant && h.r2.se == s.r2.se &&
                            (h.sw & mask) == (s.sw & mask);
                if (same)
                    continue;
                if (bad++ < 8 || verbose) {
                    printf("MISMATCH %s rc=%u pc=%u", op_names[op], rc, pc);
                    print_f80("a", in.a);
                    print_f80("b", in.b);
                    printf(" raw=%016" PRIx64 " bcd=%04x:%016" PRIx64 "\n", in.raw, in.bcd.hi,
                           in.bcd.lo);
                    print_f80("  host", h.r1);
                    print_f80("r2", h.r2);
                    printf(" sw=%04x\n", h.sw & mask);
                    print_f80("  soft", s.r1);
                    print_f80("r2", s.r2);
                    printf(" sw=%04x\n", s.sw & mask);
                }
            }
        }
        printf("%-8s %10" PRIu64 " cases %8" PRIu64 " mismatches   host raised: IE %" PRIu64
               " DE %" PRIu64 " ZE %" PRIu64 " OE %" PRIu64 " UE %" PRIu64 " PE %" PRIu64
               " C1 %" PRIu64 "\n",
               op_names[op], n, bad, seen[0], seen[1], seen[2], seen[3], seen[4], seen[5], seen[9]);
        total_bad += bad;
        total += n;
    }
    printf("total    %10" PRIu64 " cases %8" PRIu64 " mismatches (seed %#" PRIx64 ")\n", total,
           total_bad, seed);
    return total_bad ? 1 : 0;
}

#else

int main(void)
{
    printf("SKIP: test_f80_host needs an x86 host with an x87 FPU as the reference\n");
    return 0;
}

#endif

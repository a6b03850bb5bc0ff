/* Differential test of src/cpu/fpu against the host's own x87: the same operands
 * go through the real FPU (inline asm on 80-bit memory operands, every exception
 * masked) and through the portable implementation; result bits, exception flags
 * and condition codes must match exactly, in every rounding and precision mode.
 *
 * A plain program (not cmocka) so it can take options for long runs:
 *   test_f80_host [--cases N-per-op] [--seed S] [--op NAME] [--verbose]
 * The environment variable BT86_F80_CASES sets the default case count. */
#include "cpu/fpu/f80.h"
#include "x87_host_rig.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)

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
    case OP_FPREM1: return X87_SW_EXC | X87_SW_CC;
    case OP_FXAM: return X87_SW_CC;
    case OP_FILD: return X87_SW_EXC;
    default: return X87_SW_EXC | F80_C1;
    }
}

struct operands {
    struct f80 a, b;
    uint64_t raw; /* integer / float bits for loads */
    struct f80_bcd bcd;
    struct f80 pre; /* FXAM'ed before FPREM so that its kept C0/C3 are seen */
};

/* ---- the host x87 -------------------------------------------------------- */

/* The shapes of x87_host_rig.h on this file's operands and outcome. */
#define X87_BINARY(insn) X87_HOST_TO_ST0(X87_LOAD_B_A, insn, cw, in->a, in->b, o.r1, o.sw)
#define X87_UNARY(insn)  X87_HOST_TO_ST0(X87_LOAD_A, insn, cw, in->a, in->b, o.r1, o.sw)
/* OE and UE unmasked: the wrapped result is read out of the FNSAVE image. */
#define X87_UNMASKED(insn) X87_HOST_TO_SAVE(X87_LOAD_B_A, insn, cwu, in->a, in->b, save, o.sw)

/* FXAM of in->pre first: FPREM keeps C0 and C3 when it does not set them. */
#define X87_LOAD_PRE_FXAM "fldt %[p]\n\tfxam\n\tfstp %%st(0)\n\t"
#define X87_PREM(insn)                                                                             \
    __asm__ volatile(X87_HOST_ENTER X87_LOAD_PRE_FXAM X87_LOAD_B_A insn X87_HOST_STATUS            \
                     "fstpt %[r]\n\t" X87_HOST_LEAVE                                               \
                     : [r] "=m"(o.r1), [sw] "=m"(o.sw)                                             \
                     : [a] "m"(in->a), [b] "m"(in->b), [p] "m"(in->pre), [cw] "m"(cw)              \
                     : "st", "st(1)", "memory")

/* Only the status word is kept (compares, FXAM). */
#define X87_STATUS(loads, insn)                                                                    \
    __asm__ volatile(X87_HOST_ENTER loads insn X87_HOST_STATUS X87_HOST_LEAVE                      \
                     : [sw] "=m"(o.sw)                                                             \
                     : [a] "m"(in->a), [b] "m"(in->b), [cw] "m"(cw)                                \
                     : "st", "st(1)", "memory")

/* A store that pops: insn writes ST(0) to dst. */
#define X87_STORE(insn, dst)                                                                       \
    __asm__ volatile(X87_HOST_ENTER X87_LOAD_A insn " %[d]" X87_HOST_STATUS X87_HOST_LEAVE         \
                     : [d] "=m"(dst), [sw] "=m"(o.sw)                                              \
                     : [a] "m"(in->a), [cw] "m"(cw)                                                \
                     : "st", "memory")

/* A load: insn pushes src, which is stored back as an f80. */
#define X87_LOAD(insn, src)                                                                        \
    __asm__ volatile(X87_HOST_ENTER insn " %[s]" X87_HOST_STATUS "fstpt %[r]\n\t" X87_HOST_LEAVE   \
                     : [r] "=m"(o.r1), [sw] "=m"(o.sw)                                             \
                     : [s] "m"(src), [cw] "m"(cw)                                                  \
                     : "st", "memory")

static struct x87_outcome host_run(enum op op, const struct operands *in, unsigned rc, unsigned pc)
{
    struct x87_outcome o;
    memset(&o, 0, sizeof o);
    uint16_t cw = x87_host_cw(rc, pc), cwu = (uint16_t)(cw & ~X87_CW_OE_UE);
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
    case OP_FCOM: X87_STATUS(X87_LOAD_B_A, "fcom %%st(1)"); break;
    case OP_FUCOM: X87_STATUS(X87_LOAD_B_A, "fucom %%st(1)"); break;
    case OP_FXAM: X87_STATUS(X87_LOAD_A, "fxam"); break;
    case OP_FXTRACT:
        __asm__ volatile(X87_HOST_ENTER X87_LOAD_A "fxtract" X87_HOST_STATUS
                                                   "fstpt %[r1]\n\tfstpt %[r2]\n\t" X87_HOST_LEAVE
                         : [r1] "=m"(o.r1), [r2] "=m"(o.r2), [sw] "=m"(o.sw)
                         : [a] "m"(in->a), [cw] "m"(cw)
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
        o.r1 = x87_fnsave_st(save, 0);
        o.sw &= (uint16_t)~0x0080; /* ES: the exception is pending */
    }
    return o;
}

/* ---- the implementation under test ---------------------------------------- */

static struct x87_outcome soft_run(enum op op, const struct operands *in, unsigned rc, unsigned pc)
{
    struct x87_outcome o;
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

/* Random significand bits with long runs of ones and zeros now and then, which is
 * where rounding and carries go wrong. */
static uint64_t random_bits(struct rng *r)
{
    uint64_t v = rng_next(r);
    switch (rng_below(r, 6)) {
    case 0: return v | (~UINT64_C(0) >> rng_below(r, 64));
    case 1: return v & ~(~UINT64_C(0) >> rng_below(r, 64));
    case 2: return v & (~UINT64_C(0) << rng_below(r, 64));
    case 3: return v | (~UINT64_C(0) << rng_below(r, 64));
    default: return v;
    }
}

/* A significand one ulp around a rounding boundary of a p-bit precision. */
static uint64_t boundary_mant(struct rng *r)
{
    static const int widths[] = {24, 53, 64, 24, 53};
    int p = widths[rng_below(r, 5)];
    uint64_t m = rng_next(r) | X87_INT_BIT;
    if (p < 64) {
        int s = 64 - p;
        m &= ~((UINT64_C(1) << s) - 1);
        m |= UINT64_C(1) << (s - 1); /* exactly half */
        switch (rng_below(r, 4)) {
        case 0: m += 1; break;
        case 1: m -= 1; break;
        case 2: break;
        default: m |= (UINT64_C(1) << (s - 1)) - 1; break;
        }
    } else {
        m = rng_below(r, 2) ? ~UINT64_C(0) : X87_INT_BIT | rng_below(r, 4);
    }
    return m | X87_INT_BIT;
}

static struct f80 gen_f80(struct rng *r)
{
    bool sign = rng_below(r, 2);
    uint64_t k = rng_below(r, 100);
    uint64_t m = random_bits(r) | X87_INT_BIT;
    if (k < 30)
        return make_f80(sign, 0x3FFF - 70 + (uint32_t)rng_below(r, 140), m);
    if (k < 40)
        return make_f80(sign, 1 + (uint32_t)rng_below(r, 0x7FFE), m);
    if (k < 46)
        return make_f80(sign, 0x7FFE - (uint32_t)rng_below(r, 80), m);
    if (k < 52)
        return make_f80(sign, 1 + (uint32_t)rng_below(r, 80), m);
    if (k < 58) {
        uint64_t d = (random_bits(r) >> rng_below(r, 64)) & ~X87_INT_BIT;
        return make_f80(sign, 0, d ? d : 1);
    }
    if (k < 61)
        return make_f80(sign, 0, random_bits(r) | X87_INT_BIT);
    if (k < 64)
        return make_f80(sign, 0, 0);
    if (k < 67)
        return make_f80(sign, 0x7FFF, X87_INT_BIT);
    if (k < 71)
        return make_f80(sign, 0x7FFF,
                        X87_INT_BIT | 0x4000000000000000u | (rng_next(r) >> rng_below(r, 64)));
    if (k < 75) {
        uint64_t p = (rng_next(r) >> (2 + rng_below(r, 62))) & 0x3FFFFFFFFFFFFFFFu;
        return make_f80(sign, 0x7FFF, X87_INT_BIT | (p ? p : 1));
    }
    if (k < 77) {
        /* unnormal, pseudo-infinity, pseudo-NaN */
        uint32_t e = rng_below(r, 2) ? 0x7FFF : 1 + (uint32_t)rng_below(r, 0x7FFE);
        return make_f80(sign, e, random_bits(r) & ~X87_INT_BIT);
    }
    if (k < 87)
        return make_f80(sign, 0x3FFF - 10 + (uint32_t)rng_below(r, 20), boundary_mant(r));
    if (k < 95) {
        /* small integers and halves */
        int e = (int)rng_below(r, 66) - 2;
        uint64_t mm = m;
        if (rng_below(r, 2) && e > 0 && e < 63) {
            mm &= ~(~UINT64_C(0) >> (e + 1)); /* integral */
            if (rng_below(r, 2))
                mm |= UINT64_C(1) << (62 - e); /* + 0.5 */
        }
        return make_f80(sign, 0x3FFF + (uint32_t)e, mm);
    }
    return make_f80(rng_below(r, 2), (uint32_t)rng_next(r), rng_next(r));
}

static bool is_finite_normal(struct f80 a)
{
    uint32_t e = a.se & 0x7FFF;
    return e != 0 && e != 0x7FFF && (a.mant & X87_INT_BIT);
}

static struct f80 with_exp(struct f80 a, int64_t e)
{
    if (e < 1)
        e = 1;
    if (e > 0x7FFE)
        e = 0x7FFE;
    return make_f80(a.se >> 15, (uint32_t)e, a.mant | X87_INT_BIT);
}

static struct f80 int_value(struct rng *r)
{
    /* values around the integer ranges: 2^15, 2^31, 2^63, 10^18 */
    static const int pows[] = {14, 15, 16, 30, 31, 32, 62, 63, 64, 59, 60};
    int e = pows[rng_below(r, 11)];
    uint64_t m = X87_INT_BIT;
    switch (rng_below(r, 5)) {
    case 0: m = ~UINT64_C(0); break;
    case 1: m = X87_INT_BIT | (rng_next(r) >> (1 + rng_below(r, 63))); break;
    case 2: m = ~UINT64_C(0) << rng_below(r, 64); break;
    case 3:
        m = 999999999999999999u << 4;
        e = 59;
        break; /* 10^18 - 1 */
    default: m = X87_INT_BIT | rng_below(r, 8); break;
    }
    if (rng_below(r, 3) == 0)
        m ^= UINT64_C(1) << rng_below(r, 63);
    return make_f80(rng_below(r, 2), 0x3FFF + (uint32_t)e, m | X87_INT_BIT);
}

static void gen_case(enum op op, struct rng *r, struct operands *in)
{
    memset(in, 0, sizeof *in);
    op = base_op(op);
    in->a = gen_f80(r);
    in->b = gen_f80(r);
    if (rng_below(r, 16) == 0) {
        /* b shares a's significand: equal NaN payloads, x op -x, SNaN vs QNaN */
        in->b = in->a;
        if (rng_below(r, 2))
            in->b.se ^= 0x8000;
        if (rng_below(r, 3) == 0)
            in->b.mant ^= 0x4000000000000000u;
    }
    bool a_ok = is_finite_normal(in->a);
    int64_t ea = in->a.se & 0x7FFF;
    switch (op) {
    case OP_ADD:
    case OP_SUB:
    case OP_FCOM:
    case OP_FUCOM:
        if (a_ok && rng_below(r, 2)) {
            int64_t d = (int64_t)rng_below(r, 140) - 70;
            if (rng_below(r, 3) == 0)
                d = (int64_t)rng_below(r, 3) - 1;
            in->b = with_exp(in->b, ea + d);
            if (rng_below(r, 3) == 0)
                in->b.mant = in->a.mant + rng_below(r, 8) - 4;
            if (rng_below(r, 4) == 0)
                in->b = in->a;
            if (rng_below(r, 2))
                in->b.se ^= 0x8000;
        }
        break;
    case OP_MUL:
    case OP_DIV:
        if (a_ok && rng_below(r, 3) == 0) {
            int64_t target = rng_below(r, 2) ? 0x7FFE : 1;
            int64_t d = (int64_t)rng_below(r, 80) - 70;
            int64_t eb = op == OP_MUL ? target - ea + 0x3FFF + d : ea - target + 0x3FFF - d;
            in->b = with_exp(in->b, eb);
            if (rng_below(r, 3) == 0) {
                /* exactly at the underflow / overflow boundary: a power of two
                 * times a significand one ulp from a rounding boundary */
                in->a.mant = boundary_mant(r);
                in->b.mant = X87_INT_BIT;
                int64_t e = rng_below(r, 2) ? 0 : 0x7FFE;
                e += (int64_t)rng_below(r, 3) - 1;
                eb = op == OP_MUL ? e - ea + 0x3FFF : ea - e + 0x3FFF;
                in->b = with_exp(in->b, eb);
            }
        }
        break;
    case OP_FPREM:
    case OP_FPREM1:
        in->pre = gen_f80(r);
        if (a_ok && rng_below(r, 4) != 0) {
            int64_t d =
                rng_below(r, 4) == 0 ? (int64_t)rng_below(r, 3000) : (int64_t)rng_below(r, 70) - 3;
            if (rng_below(r, 4) == 0)
                d = 62 + (int64_t)rng_below(r, 6);
            in->b = with_exp(in->b, ea - d);
            if (rng_below(r, 4) == 0)
                in->b.mant = in->a.mant + rng_below(r, 8) - 4;
        }
        break;
    case OP_FSCALE:
        if (rng_below(r, 4) != 0) {
            int64_t n;
            switch (rng_below(r, 4)) {
            case 0: n = (int64_t)rng_below(r, 200) - 100; break;
            case 1: n = (a_ok ? 0x7FFE - ea : 0) + (int64_t)rng_below(r, 80) - 70; break;
            case 2: n = (a_ok ? 1 - ea : 0) - (int64_t)rng_below(r, 80) + 10; break;
            default: n = (int64_t)rng_below(r, 80000) - 40000; break;
            }
            struct f80 b = f80_from_i64(n);
            if (rng_below(r, 3) == 0 && n != 0)
                b.mant |= rng_next(r) & 0xFFFF; /* fraction */
            in->b = b;
        }
        break;
    case OP_FRNDINT:
    case OP_FIST16:
    case OP_FIST32:
    case OP_FIST64:
    case OP_FBSTP:
        if (rng_below(r, 2))
            in->a = int_value(r);
        break;
    case OP_FST32:
    case OP_FST64:
        if (rng_below(r, 2)) {
            int64_t bias = op == OP_FST32 ? 127 : 1023, span = op == OP_FST32 ? 24 : 53;
            int64_t e = rng_below(r, 2) ? bias + (int64_t)rng_below(r, 4) - 2
                                        : -bias - span + (int64_t)rng_below(r, (uint64_t)span + 6);
            in->a = with_exp(in->a, 0x3FFF + e);
            if (rng_below(r, 2))
                in->a.mant = boundary_mant(r);
        }
        break;
    case OP_FILD: {
        uint64_t v = rng_next(r) >> rng_below(r, 64);
        if (rng_below(r, 2))
            v = 0 - v;
        if (rng_below(r, 10) == 0)
            v = X87_INT_BIT;
        in->raw = v;
        break;
    }
    case OP_FLD32: {
        uint32_t v = (uint32_t)rng_next(r);
        switch (rng_below(r, 5)) {
        case 0: v &= 0x807FFFFFu >> rng_below(r, 24); break; /* denormal/zero */
        case 1: v |= 0x7F800000u; break;                     /* inf/NaN */
        case 2: v = (v & 0x80000000u) | 0x7F800000u | (v & 0x3FFFFFu); break;
        default: break;
        }
        in->raw = v;
        break;
    }
    case OP_FLD64: {
        uint64_t v = rng_next(r);
        switch (rng_below(r, 5)) {
        case 0: v &= 0x800FFFFFFFFFFFFFu >> rng_below(r, 53); break;
        case 1: v |= 0x7FF0000000000000u; break;
        case 2: v = (v & 0x8000000000000000u) | 0x7FF0000000000000u | (v & 0x7FFFFFFFFFFFFu); break;
        default: break;
        }
        in->raw = v;
        break;
    }
    case OP_FBLD: {
        int digits = (int)rng_below(r, 19);
        uint64_t lo = 0, hi = 0;
        for (int i = 0; i < digits; i++) {
            uint64_t d = rng_below(r, 10);
            if (i < 16)
                lo |= d << (4 * i);
            else
                hi |= d << (4 * (i - 16));
        }
        in->bcd.lo = lo;
        in->bcd.hi = (uint16_t)(hi | (rng_below(r, 2) ? 0x8000 : 0));
        break;
    }
    default: break;
    }
}

/* ---- driver ----------------------------------------------------------------- */

/* What one op's run found. */
struct tally {
    uint64_t bad;
    uint64_t seen[16]; /* cases where the host set each status-word bit the op defines */
};

/* One case of the sweep's current op: random operands through the host and the
 * implementation under test, compared. */
static void run_case(struct x87_sweep *s, struct tally *t)
{
    enum op op = (enum op)s->op;
    struct operands in;
    gen_case(op, &s->rng, &in);
    uint16_t mask = op_sw_mask(op);
    struct x87_outcome host = host_run(op, &in, s->rc, s->pc);
    struct x87_outcome soft = soft_run(op, &in, s->rc, s->pc);
    for (int bit = 0; bit < 16; bit++)
        t->seen[bit] += (host.sw & mask) >> bit & 1;
    bool same = host.r1.mant == soft.r1.mant && host.r1.se == soft.r1.se &&
                host.r2.mant == soft.r2.mant && host.r2.se == soft.r2.se &&
                (host.sw & mask) == (soft.sw & mask);
    if (same)
        return;
    if (t->bad++ < 8 || s->opts->verbose) {
        printf("MISMATCH %s rc=%u pc=%u", op_names[op], s->rc, s->pc);
        x87_print_f80("a", in.a);
        x87_print_f80("b", in.b);
        printf(" raw=%016" PRIx64 " bcd=%04x:%016" PRIx64 "\n", in.raw, in.bcd.hi, in.bcd.lo);
        x87_print_outcome("  host", &host, mask);
        x87_print_outcome("  soft", &soft, mask);
    }
}

int main(int argc, char **argv)
{
    static const struct x87_host_cli cli = {.cases_env = "BT86_F80_CASES", .only_option = "--op"};
    struct x87_host_opts opts = {.cases = 120000, .seed = 0x5EED0F80u};
    if (!x87_host_parse(&cli, &opts, argc, argv))
        return 2;
    static const unsigned pcs[3] = {F80_PC_24, F80_PC_53, F80_PC_64};
    uint64_t total_bad = 0, total = 0;
    struct x87_sweep s = x87_sweep_start(&opts, op_names, OP_COUNT, pcs, 3);
    while (x87_sweep_next_op(&s)) {
        enum op op = (enum op)s.op;
        struct tally t = {0};
        while (x87_sweep_next_case(&s))
            run_case(&s, &t);
        printf("%-8s %10" PRIu64 " cases %8" PRIu64 " mismatches   host raised: IE %" PRIu64
               " DE %" PRIu64 " ZE %" PRIu64 " OE %" PRIu64 " UE %" PRIu64 " PE %" PRIu64
               " C1 %" PRIu64 "\n",
               op_names[op], s.done, t.bad, t.seen[0], t.seen[1], t.seen[2], t.seen[3], t.seen[4],
               t.seen[5], t.seen[9]);
        total_bad += t.bad;
        total += s.done;
    }
    printf("total    %10" PRIu64 " cases %8" PRIu64 " mismatches (seed %#" PRIx64 ")\n", total,
           total_bad, opts.seed);
    return total_bad ? 1 : 0;
}

#else

int main(void)
{
    printf("SKIP: test_f80_host needs an x86 host with an x87 FPU as the reference\n");
    return 0;
}

#endif

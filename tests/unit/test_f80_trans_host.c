/* Differential test of src/cpu/fpu/f80_trans.c against the host's own x87: the
 * same operands go through the real FSIN/FCOS/FSINCOS/FPTAN/FPATAN/F2XM1/FYL2X/
 * FYL2XP1 (inline asm, every exception masked) and through the portable code.
 *
 * The hardware evaluates these with internal algorithms that are not correctly
 * rounded (its result is within ~0.1 ulp of the exact value), so a small share of
 * cases differ in the last bit (and C1 with it). Each op has a documented budget
 * for those (docs/ARCHITECTURE.md, "x87 transcendentals"); any other difference
 * (special values, flags, more than one ulp) fails at once. On a host whose x87
 * is not AMD's, only values more than one ulp apart fail.
 *
 * A plain program (not cmocka) so it can take options for long runs:
 *   test_f80_trans_host [--cases N-per-op] [--seed S] [--op NAME] [--verbose]
 *                       [--no-budget] (every mismatch fails)
 * The environment variable BT86_F80_CASES sets the default case count. */
#include "cpu/fpu/f80.h"
#include "cpu/fpu/f80_trans.h"
#include "x87_host_rig.h"

#include <cpuid.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)

/* The _U ops run with OE and UE unmasked and operands near the exponent range's
 * ends: they check env->wrapped, the result an unmasked exception delivers. */
enum op {
    OP_FSIN,
    OP_FCOS,
    OP_FSINCOS,
    OP_FPTAN,
    OP_FPATAN,
    OP_F2XM1,
    OP_FYL2X,
    OP_FYL2XP1,
    OP_FSIN_U,
    OP_F2XM1_U,
    OP_FPATAN_U,
    OP_FYL2X_U,
    OP_FYL2XP1_U,
    OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
    "fsin",    "fcos",   "fsincos", "fptan",    "fpatan",  "f2xm1",    "fyl2x",
    "fyl2xp1", "fsin_u", "f2xm1_u", "fpatan_u", "fyl2x_u", "fyl2xp1_u"};

static bool is_unmasked(enum op op)
{
    return op >= OP_FSIN_U;
}

/* The op whose instruction and soft implementation an unmasked variant shares. */
static enum op base_op(enum op op)
{
    switch (op) {
    case OP_FSIN_U: return OP_FSIN;
    case OP_F2XM1_U: return OP_F2XM1;
    case OP_FPATAN_U: return OP_FPATAN;
    case OP_FYL2X_U: return OP_FYL2X;
    case OP_FYL2XP1_U: return OP_FYL2XP1;
    default: return op;
    }
}

/* Largest share of last-bit mismatches (value one ulp off, or C1 alone) allowed
 * per op, in cases per 100000, from long runs against the host (AMD EPYC); see
 * docs/ARCHITECTURE.md. */
static const unsigned budget_per_100k[OP_COUNT] = {
    [OP_FSIN] = 0,      /* bit-exact */
    [OP_FCOS] = 0,      /* bit-exact */
    [OP_FSINCOS] = 0,   /* bit-exact */
    [OP_FPTAN] = 1,     /* 2 in 17M measured */
    [OP_FPATAN] = 0,    /* bit-exact */
    [OP_F2XM1] = 0,     /* bit-exact */
    [OP_FYL2X] = 0,     /* 0 in 13M measured */
    [OP_FYL2XP1] = 0,   /* 0 in 13M measured */
    [OP_FSIN_U] = 0,    /* bit-exact */
    [OP_F2XM1_U] = 0,   /* bit-exact */
    [OP_FPATAN_U] = 0,  /* bit-exact */
    [OP_FYL2X_U] = 0,   /* as FYL2X */
    [OP_FYL2XP1_U] = 0, /* as FYL2XP1 */
};

static uint16_t op_sw_mask(enum op op)
{
    switch (base_op(op)) {
    case OP_FSIN:
    case OP_FCOS:
    case OP_FSINCOS:
    case OP_FPTAN: return X87_SW_EXC | F80_C1 | F80_C2;
    default: return X87_SW_EXC | F80_C1; /* C0, C2, C3 are undefined */
    }
}

struct operands {
    struct f80 a, b; /* a = ST(0), b = ST(1) */
};

/* ---- the host x87 -------------------------------------------------------- */

/* The shapes of x87_host_rig.h on this file's operands and outcome. */
#define X87_UNARY(insn)  X87_HOST_TO_ST0(X87_LOAD_A, insn, cw, in->a, in->b, o.r1, o.sw)
#define X87_BINARY(insn) X87_HOST_TO_ST0(X87_LOAD_B_A, insn, cw, in->a, in->b, o.r1, o.sw)
/* FSINCOS and FPTAN push (or not, with C2): FNSAVE reads the stack out. */
#define X87_PUSH(insn) X87_HOST_TO_SAVE(X87_LOAD_A, insn, cw, in->a, in->b, save, o.sw)
/* OE and UE unmasked: ST0 is read out of the FNSAVE image. */
#define X87_UNMASKED(insn, loads) X87_HOST_TO_SAVE(loads, insn, cwu, in->a, in->b, save, o.sw)

static struct x87_outcome host_run(enum op op, const struct operands *in, unsigned rc, unsigned pc)
{
    struct x87_outcome o;
    memset(&o, 0, sizeof o);
    uint16_t cw = x87_host_cw(rc, pc), cwu = (uint16_t)(cw & ~X87_CW_OE_UE);
    uint8_t save[108];
    switch (op) {
    case OP_FSIN_U: X87_UNMASKED("fsin", X87_LOAD_A); break;
    case OP_F2XM1_U: X87_UNMASKED("f2xm1", X87_LOAD_A); break;
    case OP_FPATAN_U: X87_UNMASKED("fpatan", X87_LOAD_B_A); break;
    case OP_FYL2X_U: X87_UNMASKED("fyl2x", X87_LOAD_B_A); break;
    case OP_FYL2XP1_U: X87_UNMASKED("fyl2xp1", X87_LOAD_B_A); break;
    case OP_FSIN: X87_UNARY("fsin"); break;
    case OP_FCOS: X87_UNARY("fcos"); break;
    case OP_F2XM1: X87_UNARY("f2xm1"); break;
    case OP_FSINCOS: X87_PUSH("fsincos"); break;
    case OP_FPTAN: X87_PUSH("fptan"); break;
    case OP_FPATAN: X87_BINARY("fpatan"); break;
    case OP_FYL2X: X87_BINARY("fyl2x"); break;
    case OP_FYL2XP1: X87_BINARY("fyl2xp1"); break;
    default: break;
    }
    if (op == OP_FSINCOS || op == OP_FPTAN || is_unmasked(op)) {
        o.r1 = x87_fnsave_st(save, 0);
        if (!is_unmasked(op) && !(o.sw & F80_C2)) /* C2: nothing pushed, ST1 empty */
            o.r2 = x87_fnsave_st(save, 1);
    }
    o.sw &= op_sw_mask(op);
    return o;
}

/* ---- the implementation under test ---------------------------------------- */

static struct x87_outcome soft_run(enum op op, const struct operands *in, unsigned rc, unsigned pc)
{
    struct x87_outcome o;
    struct f80_env env = {.rc = (uint8_t)rc, .pc = (uint8_t)pc};
    memset(&o, 0, sizeof o);
    switch (base_op(op)) {
    case OP_FSIN: o.r1 = f80_sin(&env, in->a); break;
    case OP_FCOS: o.r1 = f80_cos(&env, in->a); break;
    case OP_F2XM1: o.r1 = f80_2xm1(&env, in->a); break;
    case OP_FSINCOS: f80_sincos(&env, in->a, &o.r2, &o.r1); break;
    case OP_FPTAN: f80_ptan(&env, in->a, &o.r2, &o.r1); break;
    case OP_FPATAN: o.r1 = f80_patan(&env, in->b, in->a); break;
    case OP_FYL2X: o.r1 = f80_yl2x(&env, in->b, in->a); break;
    case OP_FYL2XP1: o.r1 = f80_yl2xp1(&env, in->b, in->a); break;
    default: break;
    }
    if ((op == OP_FSINCOS || op == OP_FPTAN) && (env.flags & F80_C2))
        o.r2 = (struct f80){0, 0}; /* nothing pushed */
    o.sw = (uint16_t)(env.flags & op_sw_mask(op));
    if (is_unmasked(op) && env.has_wrapped) {
        o.r1 = env.wrapped;
        o.sw = (uint16_t)(((env.flags & ~(F80_OE | F80_UE | F80_PE | F80_C1)) | env.wrapped_flags) &
                          op_sw_mask(op));
    }
    return o;
}

/* ---- operand generation --------------------------------------------------- */

/* Special and unusual encodings: zeros, denormals, infinities, NaNs, unsupported. */
static struct f80 gen_special(struct rng *r)
{
    bool sign = rng_below(r, 2);
    switch (rng_below(r, 8)) {
    case 0: return make_f80(sign, 0, 0);
    case 1: return make_f80(sign, 0, (rng_next(r) >> rng_below(r, 64)) & ~X87_INT_BIT);
    case 2: return make_f80(sign, 0, rng_next(r) | X87_INT_BIT); /* pseudo-denormal */
    case 3: return make_f80(sign, 0x7FFF, X87_INT_BIT);
    case 4:
        return make_f80(sign, 0x7FFF,
                        X87_INT_BIT | 0x4000000000000000u | (rng_next(r) >> rng_below(r, 64)));
    case 5: return make_f80(sign, 0x7FFF, X87_INT_BIT | ((rng_next(r) >> 2) | 1));
    case 6:
        return make_f80(sign, rng_below(r, 2) ? 0x7FFF : 1 + (uint32_t)rng_below(r, 0x7FFE),
                        rng_next(r) & ~X87_INT_BIT);
    default: return make_f80(sign, 1 + (uint32_t)rng_below(r, 0x7FFE), rng_next(r) | X87_INT_BIT);
    }
}

/* A normal value with a random significand and its exponent in [lo, hi]
 * (unbiased). */
static struct f80 gen_exp(struct rng *r, int lo, int hi)
{
    uint64_t m = rng_next(r) | X87_INT_BIT;
    switch (rng_below(r, 8)) {
    case 0: m |= ~UINT64_C(0) >> rng_below(r, 64); break;
    case 1: m &= ~(~UINT64_C(0) >> rng_below(r, 64)); break;
    default: break;
    }
    int e = lo + (int)rng_below(r, (uint64_t)(hi - lo + 1));
    return make_f80(rng_below(r, 2), (uint32_t)(0x3FFF + e), m | X87_INT_BIT);
}

static struct f80 gen_trig(struct rng *r)
{
    uint64_t k = rng_below(r, 100);
    if (k < 8)
        return gen_special(r);
    if (k < 40)
        return gen_exp(r, -3, 3);
    if (k < 70)
        return gen_exp(r, -70, 66);
    if (k < 80) {
        /* just around a multiple of pi/2: deep cancellation in the reduction */
        uint64_t n = 1 + rng_below(r, rng_below(r, 2) ? 8 : 1u << 20);
        uint64_t p = 0xC90FDAA22168C234u; /* pi/2 * 2^63 truncated */
        unsigned __int128 v = (unsigned __int128)p * n;
        int shift = 64 - __builtin_clzll((uint64_t)(v >> 64) | 1);
        if ((uint64_t)(v >> 64) == 0)
            shift = 0;
        uint64_t m = (uint64_t)(v >> shift) + rng_below(r, 5) - 2;
        int clz = __builtin_clzll(m | 1);
        return make_f80(rng_below(r, 2), (uint32_t)(0x3FFF + shift - clz), m << clz);
    }
    if (k < 90)
        return gen_exp(r, 60, 64); /* around the 2^63 limit */
    return gen_exp(r, -16382, 16383);
}

static void gen_case(enum op op, struct rng *r, struct operands *in)
{
    uint64_t k = rng_below(r, 100);
    in->b = make_f80(0, 0x3FFF, X87_INT_BIT);
    switch (op) {
    case OP_FSIN:
    case OP_FCOS:
    case OP_FSINCOS:
    case OP_FPTAN: in->a = gen_trig(r); break;
    case OP_F2XM1:
        if (k < 8)
            in->a = gen_special(r);
        else if (k < 12)
            in->a = make_f80(rng_below(r, 2), 0x3FFF, X87_INT_BIT); /* +-1 */
        else if (k < 20)
            in->a = gen_exp(r, -16382, 16383);
        else if (k < 60)
            in->a = gen_exp(r, -8, -1);
        else
            in->a = gen_exp(r, -80, -1);
        break;
    case OP_FPATAN: {
        in->a = gen_exp(r, -40, 40);
        in->b = gen_exp(r, -40, 40);
        if (k < 20) {
            in->b = gen_exp(r, -3, 3);
            in->a.se = (uint16_t)((in->a.se & 0x8000) | (in->b.se & 0x7FFF));
        }
        if (k >= 20 && k < 30)
            in->a = gen_special(r);
        if (k >= 25 && k < 35)
            in->b = gen_special(r);
        if (k >= 35 && k < 40)
            in->a = gen_exp(r, -16382, 16383);
        if (k >= 40 && k < 45)
            in->b = gen_exp(r, -16382, 16383);
        break;
    }
    case OP_FYL2X:
        in->b = gen_exp(r, -20, 20);
        in->a = gen_exp(r, -40, 40);
        in->a.se &= 0x7FFF;
        if (k < 25) { /* x near 1 */
            in->a = make_f80(0, rng_below(r, 2) ? 0x3FFF : 0x3FFE,
                             rng_below(r, 2) ? X87_INT_BIT + rng_below(r, 1u << 20)
                                             : ~UINT64_C(0) - rng_below(r, 1u << 20));
        }
        if (k >= 25 && k < 32)
            in->a = make_f80(0, 0x3FFF - 100 + (uint32_t)rng_below(r, 200), X87_INT_BIT);
        if (k >= 32 && k < 42)
            in->a = gen_special(r);
        if (k >= 38 && k < 48)
            in->b = gen_special(r);
        if (k >= 48 && k < 53)
            in->a = gen_exp(r, -16382, 16383);
        if (k >= 53 && k < 58)
            in->b = gen_exp(r, -16382, 16383);
        break;
    case OP_FYL2XP1:
        in->b = gen_exp(r, -20, 20);
        in->a = rng_below(r, 2) ? gen_exp(r, -3, -2) : gen_exp(r, -70, -2);
        if (k < 10)
            in->a = gen_special(r);
        if (k >= 5 && k < 15)
            in->b = gen_special(r);
        if (k >= 15 && k < 20)
            in->a = gen_exp(r, -16382, 16383);
        if (k >= 20 && k < 25)
            in->b = gen_exp(r, -16382, 16383);
        if (k >= 25 && k < 30)
            in->a = gen_exp(r, -1, 3);
        break;
    case OP_FSIN_U:
    case OP_F2XM1_U: in->a = k < 10 ? gen_special(r) : gen_exp(r, -16382, -16382 + 70); break;
    case OP_FPATAN_U:
        /* |y / x| near the underflow threshold, or large */
        in->b = gen_exp(r, -16382, -16300);
        in->a = gen_exp(r, -100, 100);
        if (k < 30) {
            in->b = gen_exp(r, -8000, -8000 + 80);
            in->a = gen_exp(r, 8300, 8383);
        }
        if (k >= 30 && k < 40)
            in->a = gen_special(r);
        break;
    case OP_FYL2X_U:
        /* |y log2 x| near the overflow or underflow threshold */
        in->a = gen_exp(r, -40, 40);
        in->a.se &= 0x7FFF;
        in->b = k < 50 ? gen_exp(r, 16383 - 20, 16383) : gen_exp(r, -16382, -16382 + 70);
        if (k >= 90)
            in->b = gen_special(r);
        break;
    case OP_FYL2XP1_U:
        in->a = gen_exp(r, -70, -2);
        in->b = k < 50 ? gen_exp(r, 16383 - 20, 16383) : gen_exp(r, -16382, -16382 + 70);
        if (k >= 90)
            in->a = gen_exp(r, -16382, -16382 + 70);
        break;
    default: break;
    }
}

/* ---- driver ----------------------------------------------------------------- */

/* Position of a finite value on the line of f80 encodings of one sign. */
static __int128 ordinal(struct f80 v)
{
    uint32_t e = v.se & 0x7FFF;
    return e == 0 ? (__int128)v.mant
                  : (__int128)e * X87_INT_BIT + (__int128)(v.mant & ~X87_INT_BIT);
}

static bool one_ulp(struct f80 h, struct f80 s)
{
    if ((h.se ^ s.se) & 0x8000)
        return false;
    if ((h.se & 0x7FFF) == 0x7FFF || (s.se & 0x7FFF) == 0x7FFF)
        return false;
    __int128 d = ordinal(h) - ordinal(s);
    return d == 1 || d == -1;
}

static bool same(struct f80 a, struct f80 b)
{
    return a.mant == b.mant && a.se == b.se;
}

enum verdict { SAME, C1_ONLY, LAST_BIT, OTHER };

/* A value more than one ulp away (or a different special value): wrong on any
 * host, whatever its microcode. */
static bool far_apart(const struct x87_outcome *h, const struct x87_outcome *s)
{
    return (!same(h->r1, s->r1) && !one_ulp(h->r1, s->r1)) ||
           (!same(h->r2, s->r2) && !one_ulp(h->r2, s->r2));
}

/* The budgets and the host quirks f80_trans.c follows (PE on exact results,
 * F2XM1(+1) below 1, ...) were measured on an AMD host; another vendor's x87
 * runs other microcode. */
static bool host_is_amd(void)
{
    unsigned max, vendor[3];
    if (!__get_cpuid(0, &max, &vendor[0], &vendor[2], &vendor[1]))
        return false;
    return memcmp(vendor, "AuthenticAMD", 12) == 0;
}

static enum verdict judge(const struct x87_outcome *h, const struct x87_outcome *s)
{
    bool v1 = same(h->r1, s->r1), v2 = same(h->r2, s->r2);
    uint16_t dsw = h->sw ^ s->sw;
    if (v1 && v2 && dsw == 0)
        return SAME;
    if (dsw & ~F80_C1)
        return OTHER;
    if ((!v1 && !one_ulp(h->r1, s->r1)) || (!v2 && !one_ulp(h->r2, s->r2)))
        return OTHER;
    return v1 && v2 ? C1_ONLY : LAST_BIT;
}

/* What one op's run found. */
struct tally {
    uint64_t last_bit, c1_only, other, far, shown;
};

/* One case of the sweep's current op: random operands through the host and the
 * implementation under test, compared. */
static void run_case(struct x87_sweep *s, struct tally *t)
{
    enum op op = (enum op)s->op;
    struct operands in;
    gen_case(op, &s->rng, &in);
    struct x87_outcome host = host_run(op, &in, s->rc, s->pc);
    struct x87_outcome soft = soft_run(op, &in, s->rc, s->pc);
    enum verdict v = judge(&host, &soft);
    if (v == SAME)
        return;
    if (v == OTHER)
        t->other++;
    else
        t->last_bit++;
    t->far += far_apart(&host, &soft);
    t->c1_only += v == C1_ONLY;
    if ((v == OTHER && t->shown++ < 10) || s->opts->verbose) {
        static const char *const kind[] = {"same", "C1-only", "last-bit", "OTHER"};
        printf("MISMATCH %s %s rc=%u pc=%u", op_names[op], kind[v], s->rc, s->pc);
        x87_print_f80("st0", in.a);
        x87_print_f80("st1", in.b);
        printf("\n");
        x87_print_outcome("  host", &host, 0xFFFF); /* sw holds op_sw_mask's bits only */
        x87_print_outcome("  soft", &soft, 0xFFFF);
    }
}

int main(int argc, char **argv)
{
    static const struct x87_host_cli cli = {
        .cases_env = "BT86_F80_CASES", .only_option = "--op", .budget_option = true};
    struct x87_host_opts opts = {.cases = 100000, .seed = 0x5EED7A75u};
    if (!x87_host_parse(&cli, &opts, argc, argv))
        return 2;
    /* Precision control must not matter: every fourth mode runs at 24 bits. */
    static const unsigned pcs[2] = {F80_PC_64, F80_PC_24};
    int failed = 0;
    bool amd = host_is_amd();
    if (!amd)
        printf("host x87 is not AMD's: budgets and quirks were measured on AMD, so only values "
               "more than one ulp apart fail here\n");
    struct x87_sweep s = x87_sweep_start(&opts, op_names, OP_COUNT, pcs, 2);
    while (x87_sweep_next_op(&s)) {
        enum op op = (enum op)s.op;
        struct tally t = {0};
        while (x87_sweep_next_case(&s))
            run_case(&s, &t);
        uint64_t allowed = opts.no_budget ? 0 : s.done * budget_per_100k[op] / 100000;
        bool ok = amd ? t.other == 0 && t.last_bit <= allowed : t.far == 0;
        printf("%-8s: %" PRIu64 "/%" PRIu64 " last-bit mismatches (%" PRIu64
               " of them C1 alone; allowed: %" PRIu64 ", see docs/ARCHITECTURE.md), %" PRIu64
               " other mismatches%s\n",
               op_names[op], t.last_bit, s.done, t.c1_only, allowed, t.other, ok ? "" : "  FAIL");
        failed += !ok;
    }
    printf("%d passed, %d failed\n", OP_COUNT - failed, failed);
    return failed ? 1 : 0;
}

#else

int main(void)
{
    printf("SKIP: test_f80_trans_host needs an x86 host with an x87 FPU as the reference\n");
    return 0;
}

#endif

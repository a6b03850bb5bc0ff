/* Differential test of src/cpu/fpu/f80_trans.c against the host's own x87: the
 * same operands go through the real FSIN/FCOS/FSINCOS/FPTAN/FPATAN/F2XM1/FYL2X/
 * FYL2XP1 (inline asm, every exception masked) and through the portable code.
 *
 * The hardware evaluates these with internal algorithms that are not correctly
 * rounded (its result is within ~0.1 ulp of the exact value), so a small share of
 * cases differ in the last bit (and C1 with it). Each op has a documented budget
 * for those (docs/ARCHITECTURE.md, "x87 transcendentals"); any other difference
 * (special values, flags, more than one ulp) fails at once.
 *
 * A plain program (not cmocka) so it can take options for long runs:
 *   test_f80_trans_host [--cases N-per-op] [--seed S] [--op NAME] [--verbose]
 *                       [--no-budget] (every mismatch fails)
 * The environment variable BT86_F80_CASES sets the default case count. */
#include "cpu/fpu/f80.h"
#include "cpu/fpu/f80_trans.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)

#define SW_EXC  0x003Fu
#define SW_C1   0x0200u
#define SW_C2   0x0400u
#define INT_BIT 0x8000000000000000u

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
    [OP_FSIN] = 900,       [OP_FCOS] = 750,     [OP_FSINCOS] = 1450,  [OP_FPTAN] = 13500,
    [OP_FPATAN] = 2100,    [OP_F2XM1] = 3100,   [OP_FYL2X] = 2300,    [OP_FYL2XP1] = 3200,
    [OP_FSIN_U] = 10,      [OP_F2XM1_U] = 2100, [OP_FPATAN_U] = 2000, [OP_FYL2X_U] = 2900,
    [OP_FYL2XP1_U] = 3800,
};

static uint16_t op_sw_mask(enum op op)
{
    switch (base_op(op)) {
    case OP_FSIN:
    case OP_FCOS:
    case OP_FSINCOS:
    case OP_FPTAN: return SW_EXC | SW_C1 | SW_C2;
    default: return SW_EXC | SW_C1; /* C0, C2, C3 are undefined */
    }
}

struct outcome {
    struct f80 r1, r2; /* ST(0) and, for FSINCOS / FPTAN, ST(1) */
    uint16_t sw;
};

struct operands {
    struct f80 a, b; /* a = ST(0), b = ST(1) */
};

/* ---- the host x87 -------------------------------------------------------- */

#define X87_UNARY(insn)                                                                            \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn "\n\t"                          \
                     "fnstsw %[sw]\n\tfstpt %[r]\n\tfninit"                                        \
                     : [r] "=m"(o.r1), [sw] "=m"(o.sw)                                             \
                     : [a] "m"(in->a), [cw] "m"(cw)                                                \
                     : "st", "memory")

/* FSINCOS and FPTAN push (or not, with C2): FNSAVE reads the stack out. */
#define X87_PUSH(insn)                                                                             \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn "\n\t"                          \
                     "fnstsw %[sw]\n\tfnsave %[save]\n\tfninit"                                    \
                     : [save] "=m"(save), [sw] "=m"(o.sw)                                          \
                     : [a] "m"(in->a), [cw] "m"(cw)                                                \
                     : "st", "st(1)", "memory")

/* OE and UE unmasked: FNSAVE reads ST0 out before the pending exception could
 * trap (as in test_f80_host.c). */
#define X87_UNMASKED(insn, loads)                                                                  \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\t" loads insn "\n\t"                                 \
                     "fnstsw %[sw]\n\tfnsave %[save]\n\tfninit"                                    \
                     : [save] "=m"(save), [sw] "=m"(o.sw)                                          \
                     : [a] "m"(in->a), [b] "m"(in->b), [cw] "m"(cwu)                               \
                     : "st", "st(1)", "memory")

#define X87_BINARY(insn)                                                                           \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"             \
                     "fnstsw %[sw]\n\tfstpt %[r]\n\tfninit"                                        \
                     : [r] "=m"(o.r1), [sw] "=m"(o.sw)                                             \
                     : [a] "m"(in->a), [b] "m"(in->b), [cw] "m"(cw)                                \
                     : "st", "st(1)", "memory")

static struct outcome host_run(enum op op, const struct operands *in, unsigned rc, unsigned pc)
{
    struct outcome o;
    memset(&o, 0, sizeof o);
    uint16_t cw = (uint16_t)(0x007F | (pc << 8) | (rc << 10));
    uint16_t cwu = (uint16_t)(cw & ~0x0018);
    uint8_t save[108];
    switch (op) {
    case OP_FSIN_U: X87_UNMASKED("fsin", "fldt %[a]\n\t"); break;
    case OP_F2XM1_U: X87_UNMASKED("f2xm1", "fldt %[a]\n\t"); break;
    case OP_FPATAN_U: X87_UNMASKED("fpatan", "fldt %[b]\n\tfldt %[a]\n\t"); break;
    case OP_FYL2X_U: X87_UNMASKED("fyl2x", "fldt %[b]\n\tfldt %[a]\n\t"); break;
    case OP_FYL2XP1_U: X87_UNMASKED("fyl2xp1", "fldt %[b]\n\tfldt %[a]\n\t"); break;
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
        memcpy(&o.r1.mant, save + 28, 8); /* ST0 of the FNSAVE image */
        memcpy(&o.r1.se, save + 36, 2);
        if (!is_unmasked(op) && !(o.sw & SW_C2)) { /* C2: nothing pushed, ST1 empty */
            memcpy(&o.r2.mant, save + 38, 8);
            memcpy(&o.r2.se, save + 46, 2);
        }
    }
    o.sw &= op_sw_mask(op);
    return o;
}

/* ---- the implementation under test ---------------------------------------- */

static struct outcome soft_run(enum op op, const struct operands *in, unsigned rc, unsigned pc)
{
    struct outcome o;
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

static struct f80 make(bool sign, uint32_t exp, uint64_t mant)
{
    return (struct f80){mant, (uint16_t)((sign ? 0x8000 : 0) | (exp & 0x7FFF))};
}

/* Special and unusual encodings: zeros, denormals, infinities, NaNs, unsupported. */
static struct f80 gen_special(struct rng *r)
{
    bool sign = below(r, 2);
    switch (below(r, 8)) {
    case 0: return make(sign, 0, 0);
    case 1: return make(sign, 0, (next(r) >> below(r, 64)) & ~INT_BIT);
    case 2: return make(sign, 0, next(r) | INT_BIT); /* pseudo-denormal */
    case 3: return make(sign, 0x7FFF, INT_BIT);
    case 4: return make(sign, 0x7FFF, INT_BIT | 0x4000000000000000u | (next(r) >> below(r, 64)));
    case 5: return make(sign, 0x7FFF, INT_BIT | ((next(r) >> 2) | 1));
    case 6:
        return make(sign, below(r, 2) ? 0x7FFF : 1 + (uint32_t)below(r, 0x7FFE),
                    next(r) & ~INT_BIT);
    default: return make(sign, 1 + (uint32_t)below(r, 0x7FFE), next(r) | INT_BIT);
    }
}

/* A normal value with a random significand and its exponent in [lo, hi]
 * (unbiased). */
static struct f80 gen_exp(struct rng *r, int lo, int hi)
{
    uint64_t m = next(r) | INT_BIT;
    switch (below(r, 8)) {
    case 0: m |= ~UINT64_C(0) >> below(r, 64); break;
    case 1: m &= ~(~UINT64_C(0) >> below(r, 64)); break;
    default: break;
    }
    int e = lo + (int)below(r, (uint64_t)(hi - lo + 1));
    return make(below(r, 2), (uint32_t)(0x3FFF + e), m | INT_BIT);
}

static struct f80 gen_trig(struct rng *r)
{
    uint64_t k = below(r, 100);
    if (k < 8)
        return gen_special(r);
    if (k < 40)
        return gen_exp(r, -3, 3);
    if (k < 70)
        return gen_exp(r, -70, 66);
    if (k < 80) {
        /* just around a multiple of pi/2: deep cancellation in the reduction */
        uint64_t n = 1 + below(r, below(r, 2) ? 8 : 1u << 20);
        uint64_t p = 0xC90FDAA22168C234u; /* pi/2 * 2^63 truncated */
        unsigned __int128 v = (unsigned __int128)p * n;
        int shift = 64 - __builtin_clzll((uint64_t)(v >> 64) | 1);
        if ((uint64_t)(v >> 64) == 0)
            shift = 0;
        uint64_t m = (uint64_t)(v >> shift) + below(r, 5) - 2;
        int clz = __builtin_clzll(m | 1);
        return make(below(r, 2), (uint32_t)(0x3FFF + shift - clz), m << clz);
    }
    if (k < 90)
        return gen_exp(r, 60, 64); /* around the 2^63 limit */
    return gen_exp(r, -16382, 16383);
}

static void gen_case(enum op op, struct rng *r, struct operands *in)
{
    uint64_t k = below(r, 100);
    in->b = make(0, 0x3FFF, INT_BIT);
    switch (op) {
    case OP_FSIN:
    case OP_FCOS:
    case OP_FSINCOS:
    case OP_FPTAN: in->a = gen_trig(r); break;
    case OP_F2XM1:
        if (k < 8)
            in->a = gen_special(r);
        else if (k < 12)
            in->a = make(below(r, 2), 0x3FFF, INT_BIT); /* +-1 */
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
            in->a = make(0, below(r, 2) ? 0x3FFF : 0x3FFE,
                         below(r, 2) ? INT_BIT + below(r, 1u << 20)
                                     : ~UINT64_C(0) - below(r, 1u << 20));
        }
        if (k >= 25 && k < 32)
            in->a = make(0, 0x3FFF - 100 + (uint32_t)below(r, 200), INT_BIT);
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
        in->a = below(r, 2) ? gen_exp(r, -3, -2) : gen_exp(r, -70, -2);
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
    return e == 0 ? (__int128)v.mant : (__int128)e * INT_BIT + (__int128)(v.mant & ~INT_BIT);
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

static enum verdict judge(const struct outcome *h, const struct outcome *s)
{
    bool v1 = same(h->r1, s->r1), v2 = same(h->r2, s->r2);
    uint16_t dsw = h->sw ^ s->sw;
    if (v1 && v2 && dsw == 0)
        return SAME;
    if (dsw & ~SW_C1)
        return OTHER;
    if ((!v1 && !one_ulp(h->r1, s->r1)) || (!v2 && !one_ulp(h->r2, s->r2)))
        return OTHER;
    return v1 && v2 ? C1_ONLY : LAST_BIT;
}

static void print_f80(const char *name, struct f80 v)
{
    printf(" %s=%04x:%016" PRIx64, name, v.se, v.mant);
}

int main(int argc, char **argv)
{
    uint64_t cases = 100000, seed = 0x5EED7A75u;
    const char *only = NULL;
    bool verbose = false, budget = true;
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
        else if (!strcmp(argv[i], "--no-budget"))
            budget = false;
        else {
            fprintf(stderr,
                    "usage: %s [--cases N] [--seed S] [--op NAME] [--verbose] [--no-budget]\n",
                    argv[0]);
            return 2;
        }
    }
    /* Precision control must not matter: every fourth mode runs at 24 bits. */
    static const unsigned pcs[2] = {3, 0};
    uint64_t per_mode = (cases + 7) / 8;
    int failed = 0;
    for (int op = 0; op < OP_COUNT; op++) {
        if (only && strcmp(only, op_names[op]))
            continue;
        struct rng r = {seed ^ ((uint64_t)op * 0x9E3779B97F4A7C15u)};
        uint64_t n = 0, last_bit = 0, c1_only = 0, other = 0, shown = 0;
        for (unsigned mode = 0; mode < 8; mode++) {
            unsigned rc = mode & 3, pc = pcs[mode >> 2];
            for (uint64_t i = 0; i < per_mode; i++) {
                struct operands in;
                gen_case((enum op)op, &r, &in);
                struct outcome h = host_run((enum op)op, &in, rc, pc);
                struct outcome s = soft_run((enum op)op, &in, rc, pc);
                n++;
                enum verdict v = judge(&h, &s);
                if (v == SAME)
                    continue;
                if (v == OTHER)
                    other++;
                else
                    last_bit++;
                c1_only += v == C1_ONLY;
                if ((v == OTHER && shown++ < 10) || verbose) {
                    static const char *const kind[] = {"same", "C1-only", "last-bit", "OTHER"};
                    printf("MISMATCH %s %s rc=%u pc=%u", op_names[op], kind[v], rc, pc);
                    print_f80("st0", in.a);
                    print_f80("st1", in.b);
                    printf("\n");
                    print_f80("  host", h.r1);
                    print_f80("r2", h.r2);
                    printf(" sw=%04x\n", h.sw);
                    print_f80("  soft", s.r1);
                    print_f80("r2", s.r2);
                    printf(" sw=%04x\n", s.sw);
                }
            }
        }
        uint64_t allowed = budget ? n * budget_per_100k[op] / 100000 : 0;
        bool ok = other == 0 && last_bit <= allowed;
        printf("%-8s: %" PRIu64 "/%" PRIu64 " last-bit mismatches (%" PRIu64
               " of them C1 alone; allowed: %" PRIu64 ", see docs/ARCHITECTURE.md), %" PRIu64
               " other mismatches%s\n",
               op_names[op], last_bit, n, c1_only, allowed, other, ok ? "" : "  FAIL");
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

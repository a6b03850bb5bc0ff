/* Instruction-level differential test of the x87 layer against the host's x87.
 *
 * The same instruction bytes run natively (in an executable page of this 64-bit
 * process: without REX, x87 encodings with [rsi] are those of [esi] in 32-bit code)
 * and in a flat 32-bit bt86 guest, each framed as
 *     push [edx]; popf; frstor [edi]; <insn [esi]>; pushf; pop [edx]; fnsave [ecx]
 * from the same random FRSTOR image (registers of every class, random tags, TOP,
 * condition codes, masked flags, every RC/PC, some exceptions unmasked). The FNSAVE
 * images must match except the instruction/data pointers (FOP included), and so must the
 * memory operand (stores) and the arithmetic flags (FCOMI, FCMOV inputs).
 *
 * A plain program (not cmocka) so it can take options for long runs:
 *   test_fpu_host [--cases N-per-insn] [--seed S] [--insn NAME] [--verbose]
 * BT86_FPU_CASES sets the default case count. */
#include "cpu/cpu.h"
#include "x87_host_rig.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <sys/mman.h>

/* What a template's memory operand holds before the instruction. */
enum operand {
    OPND_NONE,
    OPND_M32,
    OPND_M64,
    OPND_M80,
    OPND_I16,
    OPND_I32,
    OPND_I64,
    OPND_BCD,
    OPND_CW,    /* FLDCW */
    OPND_ENV,   /* FLDENV: a 28-byte environment */
    OPND_ENV16, /* FLDENV with the operand-size prefix: 14 bytes */
    OPND_OUT,   /* a store: random bytes to be overwritten */
};

/* One instruction: its bytes (ModRM 0x06 | reg<<3 for [esi]; register forms take
 * ST(i) in rm, varied over the run when sti is set). */
struct tmpl {
    const char *name;
    uint8_t op, modrm;
    enum operand opnd;
    bool sti;    /* modrm's low three bits are i of ST(i) */
    uint8_t pre; /* a prefix byte (0x66: the 16-bit environment formats) or 0 */
};

#define M(reg)  (uint8_t)(0x06 | (reg) << 3)
#define R(base) (uint8_t)(base)

static const struct tmpl tmpls[] = {
    /* arithmetic, memory forms */
    {"fadd_m32", 0xD8, M(0), OPND_M32, false, 0},
    {"fmul_m32", 0xD8, M(1), OPND_M32, false, 0},
    {"fsub_m32", 0xD8, M(4), OPND_M32, false, 0},
    {"fsubr_m32", 0xD8, M(5), OPND_M32, false, 0},
    {"fdiv_m32", 0xD8, M(6), OPND_M32, false, 0},
    {"fdivr_m32", 0xD8, M(7), OPND_M32, false, 0},
    {"fadd_m64", 0xDC, M(0), OPND_M64, false, 0},
    {"fmul_m64", 0xDC, M(1), OPND_M64, false, 0},
    {"fsub_m64", 0xDC, M(4), OPND_M64, false, 0},
    {"fsubr_m64", 0xDC, M(5), OPND_M64, false, 0},
    {"fdiv_m64", 0xDC, M(6), OPND_M64, false, 0},
    {"fdivr_m64", 0xDC, M(7), OPND_M64, false, 0},
    {"fiadd_m32", 0xDA, M(0), OPND_I32, false, 0},
    {"fimul_m32", 0xDA, M(1), OPND_I32, false, 0},
    {"fisub_m32", 0xDA, M(4), OPND_I32, false, 0},
    {"fisubr_m32", 0xDA, M(5), OPND_I32, false, 0},
    {"fidiv_m32", 0xDA, M(6), OPND_I32, false, 0},
    {"fidivr_m32", 0xDA, M(7), OPND_I32, false, 0},
    {"fiadd_m16", 0xDE, M(0), OPND_I16, false, 0},
    {"fimul_m16", 0xDE, M(1), OPND_I16, false, 0},
    {"fisub_m16", 0xDE, M(4), OPND_I16, false, 0},
    {"fisubr_m16", 0xDE, M(5), OPND_I16, false, 0},
    {"fidiv_m16", 0xDE, M(6), OPND_I16, false, 0},
    {"fidivr_m16", 0xDE, M(7), OPND_I16, false, 0},
    /* arithmetic, register forms */
    {"fadd_st0_sti", 0xD8, R(0xC0), OPND_NONE, true, 0},
    {"fmul_st0_sti", 0xD8, R(0xC8), OPND_NONE, true, 0},
    {"fsub_st0_sti", 0xD8, R(0xE0), OPND_NONE, true, 0},
    {"fsubr_st0_sti", 0xD8, R(0xE8), OPND_NONE, true, 0},
    {"fdiv_st0_sti", 0xD8, R(0xF0), OPND_NONE, true, 0},
    {"fdivr_st0_sti", 0xD8, R(0xF8), OPND_NONE, true, 0},
    {"fadd_sti_st0", 0xDC, R(0xC0), OPND_NONE, true, 0},
    {"fmul_sti_st0", 0xDC, R(0xC8), OPND_NONE, true, 0},
    {"fsubr_sti_st0", 0xDC, R(0xE0), OPND_NONE, true, 0},
    {"fsub_sti_st0", 0xDC, R(0xE8), OPND_NONE, true, 0},
    {"fdivr_sti_st0", 0xDC, R(0xF0), OPND_NONE, true, 0},
    {"fdiv_sti_st0", 0xDC, R(0xF8), OPND_NONE, true, 0},
    {"faddp", 0xDE, R(0xC0), OPND_NONE, true, 0},
    {"fmulp", 0xDE, R(0xC8), OPND_NONE, true, 0},
    {"fsubrp", 0xDE, R(0xE0), OPND_NONE, true, 0},
    {"fsubp", 0xDE, R(0xE8), OPND_NONE, true, 0},
    {"fdivrp", 0xDE, R(0xF0), OPND_NONE, true, 0},
    {"fdivp", 0xDE, R(0xF8), OPND_NONE, true, 0},
    /* one-operand and ST(0)/ST(1) */
    {"fchs", 0xD9, R(0xE0), OPND_NONE, false, 0},
    {"fabs", 0xD9, R(0xE1), OPND_NONE, false, 0},
    {"fsqrt", 0xD9, R(0xFA), OPND_NONE, false, 0},
    {"frndint", 0xD9, R(0xFC), OPND_NONE, false, 0},
    {"fprem", 0xD9, R(0xF8), OPND_NONE, false, 0},
    {"fprem1", 0xD9, R(0xF5), OPND_NONE, false, 0},
    {"fscale", 0xD9, R(0xFD), OPND_NONE, false, 0},
    {"fxtract", 0xD9, R(0xF4), OPND_NONE, false, 0},
    /* compares */
    {"fcom_sti", 0xD8, R(0xD0), OPND_NONE, true, 0},
    {"fcomp_sti", 0xD8, R(0xD8), OPND_NONE, true, 0},
    {"fcompp", 0xDE, R(0xD9), OPND_NONE, false, 0},
    {"fucom", 0xDD, R(0xE0), OPND_NONE, true, 0},
    {"fucomp", 0xDD, R(0xE8), OPND_NONE, true, 0},
    {"fucompp", 0xDA, R(0xE9), OPND_NONE, false, 0},
    {"fcomi", 0xDB, R(0xF0), OPND_NONE, true, 0},
    {"fucomi", 0xDB, R(0xE8), OPND_NONE, true, 0},
    {"fcomip", 0xDF, R(0xF0), OPND_NONE, true, 0},
    {"fucomip", 0xDF, R(0xE8), OPND_NONE, true, 0},
    {"fcom_m32", 0xD8, M(2), OPND_M32, false, 0},
    {"fcomp_m32", 0xD8, M(3), OPND_M32, false, 0},
    {"fcom_m64", 0xDC, M(2), OPND_M64, false, 0},
    {"fcomp_m64", 0xDC, M(3), OPND_M64, false, 0},
    {"ficom_m32", 0xDA, M(2), OPND_I32, false, 0},
    {"ficomp_m32", 0xDA, M(3), OPND_I32, false, 0},
    {"ficom_m16", 0xDE, M(2), OPND_I16, false, 0},
    {"ficomp_m16", 0xDE, M(3), OPND_I16, false, 0},
    {"ftst", 0xD9, R(0xE4), OPND_NONE, false, 0},
    {"fxam", 0xD9, R(0xE5), OPND_NONE, false, 0},
    /* FCMOVcc */
    {"fcmovb", 0xDA, R(0xC0), OPND_NONE, true, 0},
    {"fcmove", 0xDA, R(0xC8), OPND_NONE, true, 0},
    {"fcmovbe", 0xDA, R(0xD0), OPND_NONE, true, 0},
    {"fcmovu", 0xDA, R(0xD8), OPND_NONE, true, 0},
    {"fcmovnb", 0xDB, R(0xC0), OPND_NONE, true, 0},
    {"fcmovne", 0xDB, R(0xC8), OPND_NONE, true, 0},
    {"fcmovnbe", 0xDB, R(0xD0), OPND_NONE, true, 0},
    {"fcmovnu", 0xDB, R(0xD8), OPND_NONE, true, 0},
    /* loads */
    {"fld_m32", 0xD9, M(0), OPND_M32, false, 0},
    {"fld_m64", 0xDD, M(0), OPND_M64, false, 0},
    {"fld_m80", 0xDB, M(5), OPND_M80, false, 0},
    {"fild_m16", 0xDF, M(0), OPND_I16, false, 0},
    {"fild_m32", 0xDB, M(0), OPND_I32, false, 0},
    {"fild_m64", 0xDF, M(5), OPND_I64, false, 0},
    {"fbld", 0xDF, M(4), OPND_BCD, false, 0},
    {"fld_sti", 0xD9, R(0xC0), OPND_NONE, true, 0},
    /* stores */
    {"fst_m32", 0xD9, M(2), OPND_OUT, false, 0},
    {"fstp_m32", 0xD9, M(3), OPND_OUT, false, 0},
    {"fst_m64", 0xDD, M(2), OPND_OUT, false, 0},
    {"fstp_m64", 0xDD, M(3), OPND_OUT, false, 0},
    {"fstp_m80", 0xDB, M(7), OPND_OUT, false, 0},
    {"fist_m16", 0xDF, M(2), OPND_OUT, false, 0},
    {"fistp_m16", 0xDF, M(3), OPND_OUT, false, 0},
    {"fist_m32", 0xDB, M(2), OPND_OUT, false, 0},
    {"fistp_m32", 0xDB, M(3), OPND_OUT, false, 0},
    {"fistp_m64", 0xDF, M(7), OPND_OUT, false, 0},
    {"fbstp", 0xDF, M(6), OPND_OUT, false, 0},
    {"fst_sti", 0xDD, R(0xD0), OPND_NONE, true, 0},
    {"fstp_sti", 0xDD, R(0xD8), OPND_NONE, true, 0},
    /* constants */
    {"fld1", 0xD9, R(0xE8), OPND_NONE, false, 0},
    {"fldl2t", 0xD9, R(0xE9), OPND_NONE, false, 0},
    {"fldl2e", 0xD9, R(0xEA), OPND_NONE, false, 0},
    {"fldpi", 0xD9, R(0xEB), OPND_NONE, false, 0},
    {"fldlg2", 0xD9, R(0xEC), OPND_NONE, false, 0},
    {"fldln2", 0xD9, R(0xED), OPND_NONE, false, 0},
    {"fldz", 0xD9, R(0xEE), OPND_NONE, false, 0},
    /* stack and control */
    {"fxch", 0xD9, R(0xC8), OPND_NONE, true, 0},
    {"ffree", 0xDD, R(0xC0), OPND_NONE, true, 0},
    {"fincstp", 0xD9, R(0xF7), OPND_NONE, false, 0},
    {"fdecstp", 0xD9, R(0xF6), OPND_NONE, false, 0},
    {"fnop", 0xD9, R(0xD0), OPND_NONE, false, 0},
    {"fnclex", 0xDB, R(0xE2), OPND_NONE, false, 0},
    {"fninit", 0xDB, R(0xE3), OPND_NONE, false, 0},
    {"fldcw", 0xD9, M(5), OPND_CW, false, 0},
    {"fnstcw", 0xD9, M(7), OPND_OUT, false, 0},
    {"fnstsw_m16", 0xDD, M(7), OPND_OUT, false, 0},
    {"fldenv", 0xD9, M(4), OPND_ENV, false, 0},
    {"fnstenv", 0xD9, M(6), OPND_OUT, false, 0},
    {"fldenv16", 0xD9, M(4), OPND_ENV16, false, 0x66},
    {"fnstenv16", 0xD9, M(6), OPND_OUT, false, 0x66},
};

#define TMPL_COUNT ((int)(sizeof tmpls / sizeof tmpls[0]))

/* ---- random values ---- */

/* xorshift64 on struct rng's state (not x87_host_rig.h's SplitMix64 rng_next): a
 * seed must keep giving the cases it gave before. */
static uint64_t rnd(struct rng *rng)
{
    uint64_t x = rng->s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng->s = x;
}

static uint64_t rnd_mant(struct rng *rng)
{
    switch (rnd(rng) % 6) {
    case 0: return ~0ull;
    case 1: return 1ull << 63;
    case 2: return (1ull << 63) | (rnd(rng) & 0xFF);
    case 3: return (1ull << 63) | (rnd(rng) << 40);
    case 4: return (1ull << 63) | (~0ull >> (rnd(rng) % 64));
    default: return rnd(rng) | (1ull << 63);
    }
}

/* An 80-bit value of any class, sometimes related to `near` (close exponents
 * make cancellations, remainders and compares interesting). */
static void rnd_f80(struct rng *rng, uint8_t *b, const uint8_t *near)
{
    uint64_t m = rnd_mant(rng);
    uint16_t e;
    uint16_t sign = (rnd(rng) & 1) ? 0x8000 : 0;
    switch (rnd(rng) % 20) {
    case 0: m = 0, e = 0; break;
    case 1: m >>= 1 + rnd(rng) % 63, e = 0; break; /* denormal */
    case 2: e = 0; break;                          /* pseudo-denormal */
    case 3: m = 1ull << 63, e = 0x7FFF; break;     /* infinity */
    case 4: m |= 3ull << 62, e = 0x7FFF; break;    /* QNaN */
    case 5: /* SNaN */ m = (m & ~(1ull << 62)) | (1ull << 63) | 1, e = 0x7FFF; break;
    case 6: m = 3ull << 62, e = 0x7FFF, sign = 0x8000; break; /* indefinite */
    case 7: /* unsupported: unnormal, pseudo-infinity/NaN */
        m &= ~(1ull << 63), e = (rnd(rng) & 1) ? 0x7FFF : (uint16_t)(1 + rnd(rng) % 0x7FFE);
        break;
    case 8: { /* small integer */
        int v = (int)(rnd(rng) % 2001) - 1000;
        if (v == 0)
            v = 7;
        unsigned a = (unsigned)(v < 0 ? -v : v);
        int sh = __builtin_clzll(a);
        m = (uint64_t)a << sh, e = (uint16_t)(0x3FFF + 63 - sh), sign = v < 0 ? 0x8000 : 0;
        break;
    }
    case 9: e = (uint16_t)(0x7FFE - rnd(rng) % 70); break;
    case 10: e = (uint16_t)(1 + rnd(rng) % 70); break;
    case 11: /* f32/f64 range edges */
    {
        static const uint16_t edges[] = {0x3F80, 0x3F81, 0x3F6A, 0x3F69, 0x407E, 0x407F,
                                         0x3C00, 0x3C01, 0x3BCD, 0x43FE, 0x43FF, 0x3FFF};
        e = (uint16_t)(edges[rnd(rng) % 12] + (int)(rnd(rng) % 5) - 2);
        break;
    }
    case 12:
    case 13:
    case 14:
        if (near) {
            uint16_t ne = (uint16_t)((near[8] | near[9] << 8) & 0x7FFF);
            uint64_t nm;
            memcpy(&nm, near, 8);
            e = (uint16_t)(ne + (int)(rnd(rng) % 9) - 4);
            if (e == 0 || e >= 0x7FFF)
                e = ne;
            m = (rnd(rng) & 1) ? nm + (rnd(rng) % 5) - 2 : nm ^ (rnd(rng) & 0xFFFF);
            m |= 1ull << 63;
            break;
        }
        /* fall through */
    case 15: e = (uint16_t)(1 + rnd(rng) % 0x7FFE); break;
    case 16: e = (uint16_t)(0x3FFF + 64 - rnd(rng) % 130); break; /* around integers */
    default: e = (uint16_t)(0x3FFF + (int)(rnd(rng) % 200) - 100); break;
    }
    memcpy(b, &m, 8);
    e |= sign;
    b[8] = (uint8_t)e;
    b[9] = (uint8_t)(e >> 8);
}

static uint64_t rnd_real(struct rng *rng, int frac_bits, int exp_bits)
{
    uint64_t emax = (1ull << exp_bits) - 1, fmask = (1ull << frac_bits) - 1;
    uint64_t f = rnd(rng) & fmask, e;
    switch (rnd(rng) % 10) {
    case 0: f = 0, e = 0; break;
    case 1: e = 0; break;
    case 2: f = 0, e = emax; break;
    case 3: f |= 1ull << (frac_bits - 1), e = emax; break;
    case 4: f = (f & ~(1ull << (frac_bits - 1))) | 1, e = emax; break;
    case 5: e = 1 + rnd(rng) % 4; break;
    case 6: e = emax - 1 - rnd(rng) % 4; break;
    default: e = (emax >> 1) + (rnd(rng) % 80) - 40; break;
    }
    return (rnd(rng) & 1) << (frac_bits + exp_bits) | e << frac_bits | f;
}

static int64_t rnd_int(struct rng *rng, int bits)
{
    switch (rnd(rng) % 5) {
    case 0: return (int64_t)(rnd(rng) % 200) - 100;
    case 1: return bits == 64 ? INT64_MIN : -(1ll << (bits - 1));
    case 2: return bits == 64 ? INT64_MAX : (1ll << (bits - 1)) - 1;
    default: return (int64_t)(rnd(rng) << (64 - bits)) >> (64 - bits);
    }
}

/* A random state image (32-bit protected FNSAVE layout) with no unmasked
 * exception pending, so that FRSTOR and the instruction do not trap at once. */
static void rnd_state(struct rng *rng, uint8_t *img)
{
    memset(img, 0, 108);
    uint16_t cw = (uint16_t)(0x0040 | (rnd(rng) & 0x0F00) | 0x3F);
    if (rnd(rng) % 3 == 0)
        cw &= (uint16_t) ~(1u << (rnd(rng) % 6));
    if (rnd(rng) % 8 == 0)
        cw &= (uint16_t) ~(rnd(rng) & 0x3F);
    uint16_t flags = (uint16_t)(rnd(rng) & 0x7F & (cw | 0x40));
    if (flags & 0x40 && !(cw & 1))
        flags &= (uint16_t)~0x40;
    uint16_t sw = (uint16_t)(flags | (rnd(rng) & 0x4700) | (rnd(rng) & 0x3800));
    uint16_t tw = (uint16_t)rnd(rng);
    if (rnd(rng) % 4 == 0)
        tw = 0; /* all valid */
    if (rnd(rng) % 8 == 0)
        tw = 0xFFFF;
    uint32_t v[3] = {0xFFFF0000u | cw, 0xFFFF0000u | sw, 0xFFFF0000u | tw};
    memcpy(img, v, 12);
    for (int k = 0; k < 8; k++)
        rnd_f80(rng, img + 28 + 10 * k, k ? img + 28 + 10 * (k - 1) : NULL);
}

static void rnd_operand(struct rng *rng, enum operand kind, uint8_t *buf, const uint8_t *st0)
{
    for (int k = 0; k < 32; k++)
        buf[k] = (uint8_t)rnd(rng);
    switch (kind) {
    case OPND_M32: {
        uint32_t v = (uint32_t)rnd_real(rng, 23, 8);
        memcpy(buf, &v, 4);
        break;
    }
    case OPND_M64: {
        uint64_t v = rnd_real(rng, 52, 11);
        memcpy(buf, &v, 8);
        break;
    }
    case OPND_M80: rnd_f80(rng, buf, st0); break;
    case OPND_I16: {
        int16_t v = (int16_t)rnd_int(rng, 16);
        memcpy(buf, &v, 2);
        break;
    }
    case OPND_I32: {
        int32_t v = (int32_t)rnd_int(rng, 32);
        memcpy(buf, &v, 4);
        break;
    }
    case OPND_I64: {
        int64_t v = rnd_int(rng, 64);
        memcpy(buf, &v, 8);
        break;
    }
    case OPND_BCD:
        for (int k = 0; k < 9; k++)
            buf[k] = (uint8_t)((rnd(rng) % 10) << 4 | rnd(rng) % 10);
        buf[9] = (rnd(rng) & 1) ? 0x80 : 0;
        break;
    case OPND_CW: break;
    case OPND_ENV: {
        uint8_t st[108];
        rnd_state(rng, st);
        memcpy(buf, st, 12);
        /* any exception flags, pending or not: only FNSAVE follows */
        buf[4] = (uint8_t)(buf[4] | (rnd(rng) & 0x3F));
        break;
    }
    case OPND_ENV16: {
        uint8_t st[108];
        rnd_state(rng, st);
        memcpy(buf, st, 2);
        memcpy(buf + 2, st + 4, 2);
        memcpy(buf + 4, st + 8, 2);
        buf[2] = (uint8_t)(buf[2] | (rnd(rng) & 0x3F));
        break;
    }
    default: break;
    }
}

/* ---- the two machines ---- */

#define FRAME_PRE  5 /* push [edx]; popf; frstor [edi] */
#define FRAME_POST 7 /* pushf; pop [edx]; fnsave [ecx]; ret/hlt */

static size_t build_code(uint8_t *code, const uint8_t *insn, size_t len, uint8_t last)
{
    static const uint8_t pre[] = {0xFF, 0x32, 0x9D, 0xDD, 0x27};
    static const uint8_t post[] = {0x9C, 0x8F, 0x02, 0xDD, 0x31};
    size_t n = 0;
    memcpy(code + n, pre, sizeof pre), n += sizeof pre;
    memcpy(code + n, insn, len), n += len;
    memcpy(code + n, post, sizeof post), n += sizeof post;
    code[n++] = last;
    return n;
}

typedef void (*host_fn)(void *img_in, void *operand, void *flags, void *img_out);

#define G_CODE  0x1000u
#define G_IN    0x2000u
#define G_OUT   0x2100u
#define G_FLAGS 0x2200u
#define G_OPND  0x3000u

struct guest {
    struct phys_space ps;
    struct cpu *cpu;
};

static bool guest_init(struct guest *g)
{
    if (!phys_init(&g->ps, 1 << 20))
        return false;
    g->cpu = cpu_create(&g->ps);
    return g->cpu != NULL;
}

static bool guest_run(struct guest *g)
{
    struct cpu *cpu = g->cpu;
    cpu_set_cr0(cpu, CR0_PE | CR0_NE | CR0_ET);
    uint16_t data =
        SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_WRITABLE | SEG_ATTR_ACCESSED | SEG_ATTR_DB | SEG_ATTR_G;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        cpu_set_seg_cache(cpu, (enum seg_reg)s, 0x10, 0, 0xffffffffu, data);
    cpu_set_seg_cache(cpu, SEG_CS, 0x08, 0, 0xffffffffu, data | SEG_ATTR_CODE);
    cpu->eip = G_CODE;
    cpu->reg[REG_ESP] = 0x8000;
    cpu->reg[REG_EDI] = G_IN;
    cpu->reg[REG_ESI] = G_OPND;
    cpu->reg[REG_EDX] = G_FLAGS;
    cpu->reg[REG_ECX] = G_OUT;
    cpu->halted = false;
    return cpu_run(cpu, 1000) == CPU_EXIT_HALT;
}

static void phys_copy_from(struct phys_space *ps, uint64_t paddr, void *dst, size_t len)
{
    const uint8_t *page = phys_page_ptr(ps, paddr, false);
    memcpy(dst, page + (paddr & 0xFFF), len);
}

/* ---- comparing ---- */

struct result {
    uint8_t img[108];
    uint8_t opnd[32];
    uint32_t flags;
};

/* FOP, bits 16-26 of the fifth dword (the pointers themselves differ). The host's
 * FOP reads 0 now and then: when the kernel switches tasks between the instruction
 * and FNSAVE, an AMD CPU's FXSAVE/XSAVE keeps FOP only with ES set. So a host FOP
 * of 0 is not compared. */
static uint32_t fop_of(const uint8_t *img)
{
    return (uint32_t)(img[18] | img[19] << 8) & 0x7FF;
}

/* Status-word bits not compared for an instruction: the SDM says FCOMI and
 * friends set C1 to 0 (Vol. 2, FCOMI, "x87 FPU Flags Affected"), which bt86 does;
 * the AMD host keeps it. */
static uint32_t sw_ignore(const struct tmpl *t)
{
    return strstr(t->name, "comi") ? 0x0200u : 0;
}

/* a: the host, b: bt86 */
static bool same(const struct tmpl *t, const struct result *a, const struct result *b)
{
    uint32_t swa, swb;
    memcpy(&swa, a->img + 4, 4);
    memcpy(&swb, b->img + 4, 4);
    return memcmp(a->img, b->img, 4) == 0 && ((swa ^ swb) & ~sw_ignore(t)) == 0 &&
           memcmp(a->img + 8, b->img + 8, 4) == 0 &&
           (fop_of(a->img) == 0 || fop_of(a->img) == fop_of(b->img)) &&
           memcmp(a->img + 28, b->img + 28, 80) == 0 && memcmp(a->opnd, b->opnd, 32) == 0 &&
           ((a->flags ^ b->flags) & 0x8D5) == 0;
}

static void dump(const char *who, const struct result *r)
{
    uint32_t cw, sw, tw;
    memcpy(&cw, r->img, 4);
    memcpy(&sw, r->img + 4, 4);
    memcpy(&tw, r->img + 8, 4);
    printf("  %s: cw %08x sw %08x tw %08x fop %03x eflags %03x\n", who, cw, sw, tw, fop_of(r->img),
           r->flags & 0x8D5);
    for (int k = 0; k < 8; k++) {
        const uint8_t *p = r->img + 28 + 10 * k;
        printf("    st%d %02x%02x:", k, p[9], p[8]);
        for (int j = 7; j >= 0; j--)
            printf("%02x", p[j]);
        printf("\n");
    }
    printf("    mem ");
    for (int k = 0; k < 28; k++)
        printf("%02x", r->opnd[k]);
    printf("\n");
}

static int run_tmpl(struct guest *g, struct rng *rng, uint8_t *hostmem, const struct tmpl *t,
                    long cases, bool verbose)
{
    long bad = 0;
    for (long c = 0; c < cases; c++) {
        uint8_t insn[3], n = 0;
        if (t->pre)
            insn[n++] = t->pre;
        insn[n++] = t->op;
        insn[n] = t->modrm;
        if (t->sti)
            insn[n] = (uint8_t)(t->modrm | (c * 8 / cases));
        if (t->sti && cases < 64)
            insn[n] = (uint8_t)(t->modrm | (rnd(rng) % 8));
        n++;
        uint8_t img[108], opnd[32];
        uint32_t flags = 0x202 | (uint32_t)(rnd(rng) & 0x8D5);
        rnd_state(rng, img);
        rnd_operand(rng, t->opnd, opnd, img + 28);

        /* host */
        uint8_t code[32];
        size_t len = build_code(code, insn, n, 0xC3);
        if (memcmp(hostmem, code, len) != 0)
            memcpy(hostmem, code, len);
        struct result h, e;
        uint64_t hflags = flags;
        uint8_t in[108];
        memcpy(in, img, 108);
        memcpy(h.opnd, opnd, 32);
        ((host_fn)(void *)hostmem)(in, h.opnd, &hflags, h.img);
        h.flags = (uint32_t)hflags;

        /* guest */
        len = build_code(code, insn, n, 0xF4);
        uint8_t cur[32];
        phys_copy_from(&g->ps, G_CODE, cur, len);
        if (memcmp(cur, code, len) != 0) {
            phys_copy_to(&g->ps, G_CODE, code, len);
            cpu_invalidate_phys(g->cpu, G_CODE, (uint32_t)len);
        }
        phys_copy_to(&g->ps, G_IN, img, 108);
        phys_copy_to(&g->ps, G_OPND, opnd, 32);
        phys_write(&g->ps, G_FLAGS, flags, 4);
        if (!guest_run(g)) {
            printf("%s: guest did not reach HLT (eip %08x)\n", t->name, g->cpu->eip);
            return 1;
        }
        phys_copy_from(&g->ps, G_OUT, e.img, 108);
        phys_copy_from(&g->ps, G_OPND, e.opnd, 32);
        e.flags = (uint32_t)phys_read(&g->ps, G_FLAGS, 4);

        if (!same(t, &h, &e)) {
            if (bad < 5 || verbose) {
                printf("MISMATCH %s (%02x %02x %02x) case %ld\n", t->name, insn[0], insn[1],
                       n > 2 ? insn[2] : 0, c);
                struct result in_r;
                memcpy(in_r.img, img, 108);
                memcpy(in_r.opnd, opnd, 32);
                in_r.flags = flags;
                dump("input", &in_r);
                dump("host ", &h);
                dump("bt86 ", &e);
            }
            bad++;
        }
    }
    printf("%-14s %ld cases, %ld mismatches\n", t->name, cases, bad);
    return bad != 0;
}

int main(int argc, char **argv)
{
    static const struct x87_host_cli cli = {.cases_env = "BT86_FPU_CASES", .only_option = "--insn"};
    struct x87_host_opts opts = {.cases = 300, .seed = 0x9E3779B97F4A7C15u};
    if (!x87_host_parse(&cli, &opts, argc, argv))
        return 2;
    long cases = (long)opts.cases;
    struct rng rng = {opts.seed ? opts.seed : 1};
    setvbuf(stdout, NULL, _IOLBF, 0);
    uint8_t *hostmem =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (hostmem == MAP_FAILED) {
        printf("SKIP: no executable memory for the host side\n");
        return 77;
    }
    struct guest g;
    if (!guest_init(&g))
        return 1;
    int failed = 0, ran = 0;
    for (int k = 0; k < TMPL_COUNT; k++) {
        if (!x87_host_selected(&opts, tmpls[k].name))
            continue;
        failed += run_tmpl(&g, &rng, hostmem, &tmpls[k], cases, opts.verbose);
        ran++;
    }
    printf("%d instructions, %d with mismatches\n", ran, failed);
    cpu_destroy(g.cpu);
    phys_free(&g.ps);
    munmap(hostmem, 4096);
    return failed ? 1 : 0;
}

#else

int main(void)
{
    printf("SKIP: not an x86-64 host\n");
    return 77;
}

#endif

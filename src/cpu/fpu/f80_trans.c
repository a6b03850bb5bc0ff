/* FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1 (SDM Vol. 2 instruction
 * pages and their special-case tables). Values are computed in 128-bit soft
 * floating point (f80_wide.c) and rounded once per env->rc at 64 bits. Where the
 * SDM leaves a result undefined (F2XM1 outside [-1, 1], FYL2XP1 with x <= -1) or
 * where the hardware differs from the mathematically exact answer (PE on exact
 * results, pi66 argument reduction, the polynomials of its 68-bit datapath in
 * f80_trig68.c, f80_tan68.c, f80_exp68.c, f80_atan68.c and f80_log68.c), this
 * follows the host x87 as measured; see docs/ARCHITECTURE.md, "x87
 * transcendentals". */
#include "cpu/fpu/f80_trans.h"

#include "cpu/fpu/f80_internal.h"
#include "cpu/fpu/f80_wide.h"

/* The x87's 66-bit pi (SDM Vol. 1, 8.3.8: "FPU's internal value of pi"), as an
 * integer: pi * 2^64 truncated to 66 bits (0xC90FDAA22168C234C >> 2). The host
 * x87's FSIN/FCOS/FPTAN results match a reduction by exactly this value. */
#define PI66_HI 0x3u
#define PI66_LO UINT64_C(0x243F6A8885A308D3)

/* Exact results still raise PE on the host x87 (FYL2X(2, 1), F2XM1(-1)): the
 * microcode reports inexact for every value it computes. */
static struct f80 round_exact(struct f80_env *env, struct f80_wide w)
{
    struct f80 r = f80w_round(env, w, true);
    env->flags |= F80_PE;
    if (f80_exp_field(r) == 0)
        env->flags |= F80_UE; /* tiny and "inexact" */
    if (env->has_wrapped)
        env->wrapped_flags |= F80_PE;
    return r;
}

static struct f80 one(void)
{
    return f80_make(false, F80_BIAS, F80_INT_BIT);
}

/* ---- FSIN, FCOS, FSINCOS, FPTAN -------------------------------------------- */

/* Operand screening shared by the four trigonometric instructions. Returns true
 * when *out is the final result (NaN, invalid, zero, out of range). */
static bool trig_special(struct f80_env *env, struct f80 a, struct f80 *out)
{
    env->flags &= ~(F80_C1 | F80_C2);
    enum f80_class c = f80_classify(a);
    switch (c) {
    case F80_CLASS_UNSUPPORTED:
    case F80_CLASS_INF: *out = f80_invalid(env); return true;
    case F80_CLASS_QNAN:
    case F80_CLASS_SNAN: *out = f80_quiet_nan(env, a); return true;
    case F80_CLASS_ZERO: *out = a; return true;
    case F80_CLASS_DENORMAL: env->flags |= F80_DE; return false;
    default: break;
    }
    if (f80_exp_field(a) - F80_BIAS >= 63) {
        /* |x| >= 2^63: C2 = 1, operand unchanged, no exception (SDM Vol. 2, FSIN) */
        env->flags |= F80_C2;
        *out = a;
        return true;
    }
    return false;
}

/* Reduction by the 66-bit pi: |a| = k * pi66/2 + r with k the nearest integer
 * and r exact (|a| finite, nonzero, below 2^63). Returns k mod 4. */
static unsigned reduce_pi66(struct f80 a, struct f80_wide *r)
{
    struct f80_unpacked u = f80_unpack(a);
    const unsigned __int128 p = ((unsigned __int128)PI66_HI << 64) | PI66_LO;
    if (u.exp < -1) {
        *r = f80w_make(false, u.exp + 64, u.mant); /* below pi/4: no reduction */
        return 0;
    }
    /* |a| / (pi66/2) = (mant << (exp + 2)) / P66, all integers. */
    unsigned __int128 n = (unsigned __int128)u.mant << (u.exp + 2);
    unsigned __int128 k = n / p, rem = n % p;
    bool neg = false;
    if (rem > p - rem) {
        k++;
        rem = p - rem;
        neg = true;
    }
    *r = f80w_make(neg, 127 - 65, rem); /* rem * 2^-65 */
    return (unsigned)(k & 3);
}

/* sin and cos of k * pi66/2 + r from sin r and cos r. */
static void by_quadrant(unsigned quadrant, struct f80_wide s, struct f80_wide c,
                        struct f80_wide *s_out, struct f80_wide *c_out)
{
    switch (quadrant) {
    case 0: *s_out = s, *c_out = c; break;
    case 1: *s_out = c, *c_out = f80w_neg(s); break;
    case 2: *s_out = f80w_neg(s), *c_out = f80w_neg(c); break;
    default: *s_out = f80w_neg(c), *c_out = s; break;
    }
}

/* sin and cos of |a| as the host x87 computes them: the 68-bit polynomials of
 * f80_trig68.c on the reduced argument. Each result is exact up to a sticky bit
 * and is rounded once by round_exact (PE as the host sets it, for every result). */
static void sin_cos_abs(struct f80 a, struct f80_wide *s_out, struct f80_wide *c_out)
{
    struct f80_wide r;
    unsigned quadrant = reduce_pi66(a, &r);
    by_quadrant(quadrant, f80w_sin68(r), f80w_cos68(r), s_out, c_out);
}

struct f80 f80_sin(struct f80_env *env, struct f80 a)
{
    struct f80 out;
    if (trig_special(env, a, &out))
        return out;
    struct f80_wide s, c;
    sin_cos_abs(a, &s, &c);
    if (f80_sign(a))
        s = f80w_neg(s);
    return round_exact(env, s);
}

struct f80 f80_cos(struct f80_env *env, struct f80 a)
{
    struct f80 out;
    if (trig_special(env, a, &out))
        return f80_classify(a) == F80_CLASS_ZERO ? one() : out;
    struct f80_wide s, c;
    sin_cos_abs(a, &s, &c);
    return round_exact(env, c);
}

void f80_sincos(struct f80_env *env, struct f80 a, struct f80 *sin_out, struct f80 *cos_out)
{
    struct f80 out;
    if (trig_special(env, a, &out)) {
        *sin_out = out;
        *cos_out = out;
        if (f80_classify(a) == F80_CLASS_ZERO)
            *cos_out = one();
        return;
    }
    struct f80_wide s, c;
    sin_cos_abs(a, &s, &c);
    if (f80_sign(a))
        s = f80w_neg(s);
    /* C1 tells the rounding of the sine (host x87). */
    *cos_out = round_exact(env, c);
    *sin_out = round_exact(env, s);
}

void f80_ptan(struct f80_env *env, struct f80 a, struct f80 *tan_out, struct f80 *one_out)
{
    struct f80 out;
    *one_out = one();
    if (trig_special(env, a, &out)) {
        *tan_out = out;
        enum f80_class c = f80_classify(a);
        if (c != F80_CLASS_ZERO && !(env->flags & F80_C2))
            *one_out = out;
        if (env->flags & F80_C2)
            *one_out = a;
        return;
    }
    struct f80_wide r;
    unsigned k = reduce_pi66(a, &r);
    struct f80_wide t = f80w_tan68(r, k & 1);
    if (f80_sign(a))
        t = f80w_neg(t);
    *tan_out = round_exact(env, t);
}

/* ---- FPATAN ----------------------------------------------------------------- */

/* Screening shared by the two-operand instructions (FPATAN, FYL2X, FYL2XP1; y =
 * ST(1), x = ST(0)): C1 cleared, an unsupported operand is invalid, NaNs
 * propagate (SDM Vol. 1, Table 4-7). Returns true when *out is the result. */
static bool binary_special(struct f80_env *env, struct f80 y, enum f80_class cy, struct f80 x,
                           enum f80_class cx, struct f80 *out)
{
    env->flags &= ~F80_C1;
    if (cy == F80_CLASS_UNSUPPORTED || cx == F80_CLASS_UNSUPPORTED) {
        *out = f80_invalid(env);
        return true;
    }
    if (f80_is_nan_class(cy) || f80_is_nan_class(cx)) {
        *out = f80_propagate_nan(env, x, y);
        return true;
    }
    return false;
}

/* pi * num / den, rounded. */
static struct f80 pi_fraction(struct f80_env *env, bool neg, uint32_t num, uint32_t den)
{
    struct f80_wide v = f80w_div_small(f80w_mul(f80w_pi(), f80w_from_int(num)), den);
    v.neg = neg;
    return f80w_round(env, v, false);
}

struct f80 f80_patan(struct f80_env *env, struct f80 y, struct f80 x)
{
    enum f80_class cy = f80_classify(y), cx = f80_classify(x);
    struct f80 r;
    if (binary_special(env, y, cy, x, cx, &r))
        return r;
    if (cy == F80_CLASS_DENORMAL || cx == F80_CLASS_DENORMAL)
        env->flags |= F80_DE;
    bool sy = f80_sign(y), sx = f80_sign(x);
    /* SDM Vol. 2, FPATAN, Table 3-29: zeros and infinities. */
    if (cy == F80_CLASS_INF) {
        if (cx == F80_CLASS_INF)
            return pi_fraction(env, sy, sx ? 3 : 1, 4);
        return pi_fraction(env, sy, 1, 2);
    }
    if (cx == F80_CLASS_INF)
        return sx ? pi_fraction(env, sy, 1, 1) : f80_zero(sy);
    if (cy == F80_CLASS_ZERO)
        return sx ? pi_fraction(env, sy, 1, 1) : f80_zero(sy);
    if (cx == F80_CLASS_ZERO)
        return pi_fraction(env, sy, 1, 2);
    bool exact;
    struct f80_wide a = f80w_atan2_68(f80w_from_f80(y), f80w_from_f80(x), &exact);
    /* The host's value is formed exactly and can be representable: then RD = RU
     * and C1 is clear, but PE is still set (round_exact). */
    return exact ? round_exact(env, a) : f80w_round(env, a, false);
}

/* ---- F2XM1 ------------------------------------------------------------------- */

struct f80 f80_2xm1(struct f80_env *env, struct f80 a)
{
    enum f80_class c = f80_classify(a);
    env->flags &= ~F80_C1;
    switch (c) {
    case F80_CLASS_UNSUPPORTED: return f80_invalid(env);
    case F80_CLASS_QNAN:
    case F80_CLASS_SNAN: return f80_quiet_nan(env, a);
    case F80_CLASS_ZERO: return a;
    /* 2^+inf - 1 = +inf, 2^-inf - 1 = -1, exactly and without exception (host). */
    case F80_CLASS_INF: return f80_sign(a) ? f80_make(true, F80_BIAS, F80_INT_BIT) : a;
    case F80_CLASS_DENORMAL: env->flags |= F80_DE; break;
    default: break;
    }
    struct f80_wide x = f80w_from_f80(a);
    int cmp = f80w_cmp_abs(x, f80w_from_int(1));
    if (cmp > 0) {
        /* Outside the SDM's domain [-1, +1] the host x87 returns the operand
         * unchanged with PE. */
        env->flags |= F80_PE;
        return a;
    }
    /* The host's own rational approximation over the whole domain, denormals
     * included (f80_exp68.c). It also gives the host's two odd endpoints:
     * 2^-1 - 1 = -0.5 exactly, and 2^1 - 1 just below 1 (1 with C1 to nearest,
     * 0x3FFE:FFFF...F toward zero). */
    return round_exact(env, f80w_2xm1_68(x));
}

/* ---- FYL2X, FYL2XP1 ------------------------------------------------------ */

struct f80 f80_yl2x(struct f80_env *env, struct f80 y, struct f80 x)
{
    enum f80_class cy = f80_classify(y), cx = f80_classify(x);
    struct f80 r;
    if (binary_special(env, y, cy, x, cx, &r))
        return r;
    bool sy = f80_sign(y), sx = f80_sign(x);
    /* SDM Vol. 2, FYL2X, Table 3-48. */
    if (sx && cx != F80_CLASS_ZERO)
        return f80_invalid(env);
    if (cx == F80_CLASS_ZERO) {
        /* log2(0) = -inf; a denormal y raises ZE alone (host x87) */
        if (cy == F80_CLASS_ZERO)
            return f80_invalid(env);
        if (cy != F80_CLASS_INF)
            env->flags |= F80_ZE;
        return f80_inf(!sy);
    }
    if (cy == F80_CLASS_DENORMAL || cx == F80_CLASS_DENORMAL)
        env->flags |= F80_DE;
    if (cx == F80_CLASS_INF) {
        if (cy == F80_CLASS_ZERO)
            return f80_invalid(env);
        return f80_inf(sy);
    }
    struct f80_wide l = f80w_log2_68(f80w_from_f80(x));
    if (cy == F80_CLASS_INF) {
        if (l.m == 0)
            return f80_invalid(env); /* inf * log2(1) */
        return f80_inf(sy != l.neg);
    }
    if (cy == F80_CLASS_ZERO)
        return f80_zero(sy != (l.m != 0 && l.neg));
    if (l.m == 0)
        return f80_zero(sy);
    /* The host's 68-bit log2 times y, exact up to a sticky bit, rounded once
     * (f80_log68.c). */
    return round_exact(env, f80w_mul_sticky(f80w_from_f80(y), l));
}

struct f80 f80_yl2xp1(struct f80_env *env, struct f80 y, struct f80 x)
{
    enum f80_class cy = f80_classify(y), cx = f80_classify(x);
    struct f80 r;
    if (binary_special(env, y, cy, x, cx, &r))
        return r;
    bool sy = f80_sign(y), sx = f80_sign(x);
    /* Outside the SDM's domain (host x87): x = -inf is invalid before any DE,
     * log2(+inf) = +inf. */
    if (cx == F80_CLASS_INF && sx)
        return f80_invalid(env);
    if (cy == F80_CLASS_DENORMAL || cx == F80_CLASS_DENORMAL)
        env->flags |= F80_DE;
    if (cx == F80_CLASS_INF)
        return cy == F80_CLASS_ZERO ? f80_invalid(env) : f80_inf(sy);
    /* SDM Vol. 2, FYL2XP1, Table 3-49. */
    if (cx == F80_CLASS_ZERO) {
        if (cy == F80_CLASS_INF)
            return f80_invalid(env);
        return f80_zero(sy != sx);
    }
    struct f80_wide wx = f80w_from_f80(x);
    if (sx && f80w_cmp_abs(wx, f80w_from_int(1)) >= 0) {
        /* x <= -1 is outside the domain: the host x87 takes log2(1 + x) as
         * negative for a zero or infinite y, and otherwise returns x with PE. */
        if (cy == F80_CLASS_INF)
            return f80_inf(!sy);
        if (cy == F80_CLASS_ZERO)
            return f80_zero(!sy);
        env->flags |= F80_PE;
        return x;
    }
    /* The host's own 68-bit log2(1 + x), times y exactly and rounded once. */
    struct f80_wide l = f80w_log1p68(wx);
    if (cy == F80_CLASS_INF)
        return f80_inf(sy != l.neg);
    if (cy == F80_CLASS_ZERO)
        return f80_zero(sy != l.neg);
    return round_exact(env, f80w_mul_sticky(f80w_from_f80(y), l));
}

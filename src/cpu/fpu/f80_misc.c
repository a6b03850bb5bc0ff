/* FPREM, FPREM1, FSCALE and FXTRACT (SDM Vol. 2 instruction pages). */
#include "cpu/fpu/f80_internal.h"

/* Packs an exact finite value (no rounding happens) in canonical form. */
static struct f80 pack_exact(struct f80_env *env, bool sign, int32_t exp, uint64_t mant)
{
    if (mant == 0)
        return f80_zero(sign);
    int shift = f80_clz64(mant);
    return f80_round_pack(env, 64, sign, exp - shift, mant << shift, 0);
}

struct f80 f80_prem(struct f80_env *env, struct f80 a, struct f80 b, bool ieee, uint16_t *cc)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    /* A NaN or invalid result leaves C0 and C3 as they were and clears C1 and C2
     * (measured on the host x87; the SDM leaves them undefined). */
    *cc &= F80_C0 | F80_C3;
    if (ca == F80_CLASS_UNSUPPORTED || cb == F80_CLASS_UNSUPPORTED)
        return f80_invalid(env);
    if (f80_is_nan_class(ca) || f80_is_nan_class(cb))
        return f80_propagate_nan(env, a, b);
    if (ca == F80_CLASS_INF || cb == F80_CLASS_ZERO)
        return f80_invalid(env);
    if (ca == F80_CLASS_DENORMAL || cb == F80_CLASS_DENORMAL)
        env->flags |= F80_DE;
    *cc = 0;
    if (ca == F80_CLASS_ZERO)
        return a;
    struct f80_unpacked ua = f80_unpack(a), ub = f80_unpack(b);
    if (cb == F80_CLASS_INF)
        return pack_exact(env, ua.sign, ua.exp, ua.mant);
    int32_t d = ua.exp - ub.exp, rexp = ub.exp;
    bool partial = d >= 64;
    if (partial) {
        /* SDM Vol. 2, FPREM: an exponent difference of 64 or more is reduced by a
         * partial step, with C2 set and the quotient bits clear. The step leaves
         * a difference of 32 + (d mod 32), as measured on the host x87. */
        int32_t n = (d & 31) | 32;
        rexp = ua.exp - n;
        d = n;
    }
    uint64_t r = ua.mant, mb = ub.mant, q = 0;
    if (d < 0) {
        rexp = ua.exp;
    } else {
        if (r >= mb) {
            r -= mb;
            q = 1;
        }
        for (int32_t i = 0; i < d; i++) {
            bool top = r >> 63;
            r <<= 1;
            q <<= 1;
            if (top || r >= mb) {
                r -= mb;
                q |= 1;
            }
        }
    }
    bool flip = false;
    if (ieee && !partial && d >= -1 && r != 0) {
        /* FPREM1 rounds the quotient to nearest-even: compare 2R with B. */
        int cmp;
        if (d == -1) {
            cmp = r > mb ? 1 : r == mb ? 0 : -1;
        } else {
            cmp = (r >> 63) ? 1 : (r << 1) > mb ? 1 : (r << 1) == mb ? 0 : -1;
        }
        if (cmp > 0 || (cmp == 0 && (q & 1))) {
            flip = true;
            q++;
            if (d == -1) {
                r = mb - (r - mb); /* (2B - R) at the exponent of R */
            } else {
                r = mb - r;
            }
        }
    }
    if (partial)
        *cc = F80_C2;
    else
        *cc = (uint16_t)(((q & 4) ? F80_C0 : 0) | ((q & 2) ? F80_C3 : 0) | ((q & 1) ? F80_C1 : 0));
    if (r == 0)
        return f80_zero(ua.sign);
    return pack_exact(env, ua.sign ^ flip, rexp, r);
}

struct f80 f80_scale(struct f80_env *env, struct f80 a, struct f80 b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    if (ca == F80_CLASS_UNSUPPORTED || cb == F80_CLASS_UNSUPPORTED)
        return f80_invalid(env);
    if (f80_is_nan_class(ca) || f80_is_nan_class(cb))
        return f80_propagate_nan(env, a, b);
    if (ca == F80_CLASS_DENORMAL || cb == F80_CLASS_DENORMAL)
        env->flags |= F80_DE;
    bool sa = f80_sign(a);
    if (cb == F80_CLASS_INF) {
        /* SDM Vol. 2, FSCALE table: 0 * 2^+inf and inf * 2^-inf are invalid. */
        if (!f80_sign(b))
            return ca == F80_CLASS_ZERO ? f80_invalid(env) : f80_inf(sa);
        return ca == F80_CLASS_INF ? f80_invalid(env) : f80_zero(sa);
    }
    if (ca == F80_CLASS_ZERO || ca == F80_CLASS_INF)
        return a;
    struct f80_unpacked ua = f80_unpack(a), ub = f80_unpack(b);
    /* trunc(b), clamped far beyond any exponent that could still be represented. */
    int32_t n = 0;
    if (ub.mant != 0 && ub.exp >= 0)
        n = ub.exp > 20 ? (1 << 21) : (int32_t)(ub.mant >> (63 - ub.exp));
    if (ub.sign)
        n = -n;
    return f80_round_pack(env, 64, sa, ua.exp + n, ua.mant, 0);
}

void f80_xtract(struct f80_env *env, struct f80 a, struct f80 *exponent, struct f80 *significand)
{
    enum f80_class c = f80_classify(a);
    switch (c) {
    case F80_CLASS_UNSUPPORTED: *exponent = *significand = f80_invalid(env); return;
    case F80_CLASS_QNAN:
    case F80_CLASS_SNAN: *exponent = *significand = f80_quiet_nan(env, a); return;
    case F80_CLASS_ZERO:
        /* SDM Vol. 2, FXTRACT: a zero raises ZE and gives an exponent of -inf. */
        env->flags |= F80_ZE;
        *exponent = f80_inf(true);
        *significand = a;
        return;
    case F80_CLASS_INF:
        *exponent = f80_inf(false);
        *significand = a;
        return;
    case F80_CLASS_DENORMAL: env->flags |= F80_DE; break;
    default: break;
    }
    struct f80_unpacked u = f80_unpack(a);
    *exponent = f80_from_i64(u.exp);
    *significand = f80_make(u.sign, F80_BIAS, u.mant);
}

/* Classification, unpacking, rounding and NaN propagation shared by every x87
 * arithmetic file. One rounding routine serves the register format (at the
 * precision-control width) and the float32/float64 memory formats. */
#include "cpu/fpu/f80_internal.h"

int f80_clz64(uint64_t v)
{
    int n = 0;
    if (v == 0)
        return 64;
    while (!(v & F80_INT_BIT)) {
        v <<= 1;
        n++;
    }
    return n;
}

enum f80_class f80_classify(struct f80 a)
{
    uint16_t e = f80_exp_field(a);
    bool integer = (a.mant & F80_INT_BIT) != 0;
    if (e == F80_EXP_MAX) {
        if (!integer)
            return F80_CLASS_UNSUPPORTED; /* pseudo-infinity / pseudo-NaN */
        if ((a.mant << 1) == 0)
            return F80_CLASS_INF;
        return (a.mant & F80_QUIET) ? F80_CLASS_QNAN : F80_CLASS_SNAN;
    }
    if (e == 0)
        return a.mant == 0 ? F80_CLASS_ZERO : F80_CLASS_DENORMAL;
    return integer ? F80_CLASS_NORMAL : F80_CLASS_UNSUPPORTED; /* unnormal */
}

struct f80_unpacked f80_unpack(struct f80 a)
{
    struct f80_unpacked u = {f80_sign(a), 0, a.mant};
    uint16_t e = f80_exp_field(a);
    if (a.mant == 0)
        return u;
    /* A (pseudo-)denormal has the exponent of the smallest normal, 2^-16382
     * (SDM Vol. 1, 8.2.2). */
    int32_t biased = e == 0 ? 1 : e;
    int shift = f80_clz64(a.mant);
    u.mant <<= shift;
    u.exp = biased - F80_BIAS - shift;
    return u;
}

void f80_shift_right_jam(uint64_t *hi, uint64_t *lo, int32_t n)
{
    if (n <= 0)
        return;
    if (n >= 128) {
        *lo = (*hi | *lo) != 0;
        *hi = 0;
    } else if (n >= 64) {
        uint64_t lost = (n == 64 ? 0 : *hi << (128 - n)) | *lo;
        *lo = (n == 64 ? *hi : *hi >> (n - 64)) | (lost != 0);
        *hi = 0;
    } else {
        uint64_t lost = *lo << (64 - n);
        *lo = (*hi << (64 - n)) | (*lo >> n) | (lost != 0);
        *hi >>= n;
    }
}

void f80_mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *lo = (mid << 32) | (uint32_t)ll;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

int f80_pc_bits(const struct f80_env *env)
{
    switch (env->pc & 3) {
    case F80_PC_24: return 24;
    case F80_PC_53: return 53;
    default: return 64;
    }
}

/* Whether a discarded part (round bit rb, sticky st) rounds the kept part, whose
 * last bit is lsb, up in magnitude (SDM Vol. 1, 4.8.4, Table 4-8). */
static bool round_up(unsigned rc, bool sign, bool lsb, bool rb, bool st)
{
    switch (rc & 3) {
    case F80_RC_NEAREST: return rb && (st || lsb);
    case F80_RC_DOWN: return sign && (rb || st);
    case F80_RC_UP: return !sign && (rb || st);
    default: return false;
    }
}

struct rounding {
    uint64_t kept;
    bool inexact, up, carry;
};

/* Keeps the top `bits` bits of hi (lo and the rest of hi are discarded). */
static struct rounding round_bits(unsigned rc, bool sign, int bits, uint64_t hi, uint64_t lo)
{
    struct rounding r = {0};
    int s = 64 - bits;
    bool rb, st, lsb;
    if (s == 0) {
        rb = lo >> 63;
        st = (lo << 1) != 0;
        lsb = hi & 1;
        r.kept = hi;
    } else {
        rb = (hi >> (s - 1)) & 1;
        st = (hi & ((UINT64_C(1) << (s - 1)) - 1)) != 0 || lo != 0;
        lsb = (hi >> s) & 1;
        r.kept = hi & ~((UINT64_C(1) << s) - 1);
    }
    r.inexact = rb || st;
    r.up = round_up(rc, sign, lsb, rb, st);
    if (r.up) {
        uint64_t sum = r.kept + (UINT64_C(1) << s);
        r.carry = sum < r.kept;
        r.kept = r.carry ? F80_INT_BIT : sum;
    }
    return r;
}

uint64_t f80_round(struct f80_env *env, const struct f80_format *fmt, bool sign, int32_t exp,
                   uint64_t hi, uint64_t lo, int32_t *exp_out, int *range)
{
    struct rounding r;
    *range = 0;
    env->flags &= ~F80_C1;
    if (exp < fmt->emin) {
        /* Tiny when the result rounded with an unbounded exponent is below the
         * smallest normal (SDM Vol. 1, 4.9.1.5). */
        r = round_bits(env->rc, sign, fmt->bits, hi, lo);
        *range = (exp == fmt->emin - 1 && r.carry) ? 0 : -1;
        f80_shift_right_jam(&hi, &lo, fmt->emin - exp);
        r = round_bits(env->rc, sign, fmt->bits, hi, lo);
        if (r.inexact)
            env->flags |= F80_PE | (*range < 0 ? F80_UE : 0);
        if (r.up)
            env->flags |= F80_C1;
        *exp_out = fmt->emin;
        return r.kept;
    }
    r = round_bits(env->rc, sign, fmt->bits, hi, lo);
    if (r.carry)
        exp++;
    if (exp > fmt->emax) {
        /* Masked overflow: infinity or the largest finite value, by rounding
         * direction (SDM Vol. 1, 4.9.1.4, Table 4-10). */
        unsigned rc = env->rc & 3;
        bool to_inf =
            rc == F80_RC_NEAREST || (rc == F80_RC_UP && !sign) || (rc == F80_RC_DOWN && sign);
        *range = 1;
        env->flags |= F80_OE | F80_PE;
        if (to_inf) {
            env->flags |= F80_C1;
            *exp_out = fmt->emax + 1;
            return F80_INT_BIT;
        }
        *exp_out = fmt->emax;
        return ~UINT64_C(0) << (64 - fmt->bits);
    }
    if (r.inexact)
        env->flags |= F80_PE;
    if (r.up)
        env->flags |= F80_C1;
    *exp_out = exp;
    return r.kept;
}

struct f80 f80_round_pack(struct f80_env *env, int bits, bool sign, int32_t exp, uint64_t hi,
                          uint64_t lo)
{
    const struct f80_format fmt = {bits, F80_EMIN, F80_EMAX};
    int32_t e;
    int range;
    uint64_t m = f80_round(env, &fmt, sign, exp, hi, lo, &e, &range);
    env->has_wrapped = false;
    if (range != 0) {
        /* What an unmasked OE/UE delivers: the result rounded with an unbounded
         * exponent, then wrapped by 24576 (SDM Vol. 1, 8.5.4, 8.5.5). */
        const struct f80_format wide = {bits, -(1 << 20), 1 << 20};
        struct f80_env tmp = {.rc = env->rc};
        int32_t we;
        int r2;
        uint64_t wm = f80_round(&tmp, &wide, sign, exp, hi, lo, &we, &r2);
        we += range < 0 ? F80_WRAP_BIAS : -F80_WRAP_BIAS;
        env->has_wrapped = true;
        env->wrapped_flags = (uint16_t)(tmp.flags | (range < 0 ? F80_UE : F80_OE));
        env->wrapped = f80_make(sign, (uint16_t)((we + F80_BIAS) & 0x7FFF), wm);
        if (we < F80_EMIN || we > F80_EMAX) {
            /* Still out of range after wrapping (FSCALE gets there): infinity or
             * zero whatever the rounding mode (measured on the host x87). */
            env->wrapped = we > F80_EMAX ? f80_inf(sign) : f80_zero(sign);
            env->wrapped_flags = we > F80_EMAX ? F80_OE | F80_PE | F80_C1 : F80_UE | F80_PE;
        }
    }
    if (e > F80_EMAX)
        return f80_inf(sign);
    return f80_make(sign, (m & F80_INT_BIT) ? (uint16_t)(e + F80_BIAS) : 0, m);
}

struct f80 f80_invalid(struct f80_env *env)
{
    env->flags |= F80_IE;
    return F80_INDEFINITE;
}

struct f80 f80_quiet_nan(struct f80_env *env, struct f80 a)
{
    if (f80_classify(a) == F80_CLASS_SNAN)
        env->flags |= F80_IE;
    a.mant |= F80_QUIET;
    return a;
}

struct f80 f80_propagate_nan(struct f80_env *env, struct f80 a, struct f80 b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    bool a_nan = f80_is_nan_class(ca), b_nan = f80_is_nan_class(cb);
    bool a_snan = ca == F80_CLASS_SNAN, b_snan = cb == F80_CLASS_SNAN;
    if (a_snan || b_snan)
        env->flags |= F80_IE;
    a.mant |= F80_QUIET;
    b.mant |= F80_QUIET;
    if (!a_nan)
        return b;
    if (!b_nan)
        return a;
    /* SDM Vol. 1, Table 4-7: an SNaN and a QNaN give the QNaN; two of a kind give
     * the one with the larger significand. */
    if (a_snan != b_snan)
        return a_snan ? b : a;
    if (a.mant != b.mant)
        return a.mant > b.mant ? a : b;
    return a.se < b.se ? a : b;
}

uint64_t f80_round_to_u64(struct f80_env *env, struct f80_unpacked u, bool *overflow)
{
    uint64_t v;
    bool rb, st;
    *overflow = false;
    env->flags &= ~F80_C1;
    if (u.mant == 0)
        return 0;
    if (u.exp >= 64) {
        *overflow = true;
        return 0;
    }
    if (u.exp == 63)
        return u.mant;
    if (u.exp >= 0) {
        uint64_t frac = u.mant << (u.exp + 1);
        v = u.mant >> (63 - u.exp);
        rb = frac >> 63;
        st = (frac << 1) != 0;
    } else {
        v = 0;
        rb = u.exp == -1;
        st = u.exp == -1 ? (u.mant << 1) != 0 : true;
    }
    if (!(rb || st))
        return v;
    env->flags |= F80_PE;
    if (round_up(env->rc, u.sign, v & 1, rb, st)) {
        env->flags |= F80_C1;
        v++;
        if (v == 0)
            *overflow = true;
    }
    return v;
}

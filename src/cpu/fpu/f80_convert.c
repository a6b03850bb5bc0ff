/* Conversions between the register format and integers, float32/float64 and
 * packed BCD, and FRNDINT (SDM Vol. 1, 4.8.4, 8.2.3; Vol. 2 FIST, FST, FBSTP). */
#include "cpu/fpu/f80_internal.h"

#define BCD_MAX UINT64_C(999999999999999999)

static struct f80 from_magnitude(bool sign, uint64_t mag)
{
    if (mag == 0)
        return f80_zero(sign);
    int shift = f80_clz64(mag);
    return f80_make(sign, (uint16_t)(F80_BIAS + 63 - shift), mag << shift);
}

struct f80 f80_from_i64(int64_t v)
{
    bool sign = v < 0;
    uint64_t mag = sign ? 0 - (uint64_t)v : (uint64_t)v;
    return from_magnitude(sign, mag);
}

/* Rounds a to an integer magnitude per RC for an integer or BCD store. Returns
 * false (after raising IE) when the value is a NaN, infinite, unsupported, or its
 * magnitude exceeds limit (limit_neg for negative values). */
static bool to_magnitude(struct f80_env *env, struct f80 a, uint64_t limit, uint64_t limit_neg,
                         uint64_t *mag)
{
    enum f80_class c = f80_classify(a);
    uint16_t before = env->flags;
    if (c == F80_CLASS_UNSUPPORTED || c == F80_CLASS_INF || f80_is_nan_class(c)) {
        env->flags = (uint16_t)((before & ~F80_C1) | F80_IE);
        return false;
    }
    /* No DE for a denormal source: the host x87 raises none for stores. */
    struct f80_unpacked u = f80_unpack(a);
    bool overflow;
    *mag = f80_round_to_u64(env, u, &overflow);
    if (overflow || *mag > (u.sign ? limit_neg : limit)) {
        /* Out of range: only IE, no precision exception (SDM Vol. 2, FIST). */
        env->flags = (uint16_t)((before & ~F80_C1) | F80_IE);
        return false;
    }
    return true;
}

static int64_t to_int(struct f80_env *env, struct f80 a, uint64_t limit)
{
    uint64_t mag;
    if (!to_magnitude(env, a, limit, limit + 1, &mag))
        return -(int64_t)limit - 1;
    return f80_sign(a) ? (int64_t)(0 - mag) : (int64_t)mag;
}

int16_t f80_to_i16(struct f80_env *env, struct f80 a)
{
    return (int16_t)to_int(env, a, INT16_MAX);
}
int32_t f80_to_i32(struct f80_env *env, struct f80 a)
{
    return (int32_t)to_int(env, a, INT32_MAX);
}
int64_t f80_to_i64(struct f80_env *env, struct f80 a)
{
    return to_int(env, a, INT64_MAX);
}

struct f80 f80_round_int(struct f80_env *env, struct f80 a)
{
    enum f80_class c = f80_classify(a);
    if (c == F80_CLASS_UNSUPPORTED)
        return f80_invalid(env);
    if (f80_is_nan_class(c))
        return f80_quiet_nan(env, a);
    if (c == F80_CLASS_ZERO || c == F80_CLASS_INF)
        return a;
    if (c == F80_CLASS_DENORMAL)
        env->flags |= F80_DE;
    struct f80_unpacked u = f80_unpack(a);
    if (u.exp >= 63)
        return a;
    bool overflow;
    uint64_t mag = f80_round_to_u64(env, u, &overflow);
    return from_magnitude(u.sign, mag);
}

/* A binary interchange format: fraction width and exponent bias. */
struct binary_format {
    int frac_bits;
    int32_t bias;
    uint32_t exp_all_ones;
};

static const struct binary_format FMT32 = {23, 127, 0xFF};
static const struct binary_format FMT64 = {52, 1023, 0x7FF};

static struct f80 from_binary(struct f80_env *env, const struct binary_format *fmt, uint64_t v)
{
    bool sign = (v >> (fmt->frac_bits + (fmt->frac_bits == 23 ? 8 : 11))) & 1;
    uint32_t e = (uint32_t)(v >> fmt->frac_bits) & fmt->exp_all_ones;
    uint64_t frac = v & ((UINT64_C(1) << fmt->frac_bits) - 1);
    uint64_t mant = frac << (63 - fmt->frac_bits);
    if (e == fmt->exp_all_ones) {
        if (frac == 0)
            return f80_inf(sign);
        /* SNaN -> IE and quieted (SDM Vol. 2, FLD: #IA for an SNaN source). */
        return f80_quiet_nan(env, f80_make(sign, F80_EXP_MAX, F80_INT_BIT | mant));
    }
    if (e == 0) {
        if (frac == 0)
            return f80_zero(sign);
        env->flags |= F80_DE;
        int shift = f80_clz64(mant);
        return f80_make(sign, (uint16_t)(F80_BIAS + 1 - fmt->bias - shift), mant << shift);
    }
    return f80_make(sign, (uint16_t)(F80_BIAS + (int32_t)e - fmt->bias), F80_INT_BIT | mant);
}

struct f80 f80_from_f32(struct f80_env *env, uint32_t v)
{
    return from_binary(env, &FMT32, v);
}
struct f80 f80_from_f64(struct f80_env *env, uint64_t v)
{
    return from_binary(env, &FMT64, v);
}

static uint64_t to_binary(struct f80_env *env, const struct binary_format *fmt, struct f80 a)
{
    int sign_shift = fmt->frac_bits == 23 ? 31 : 63;
    uint64_t sign = (uint64_t)f80_sign(a) << sign_shift;
    uint64_t exp_ones = (uint64_t)fmt->exp_all_ones << fmt->frac_bits;
    uint64_t frac_mask = (UINT64_C(1) << fmt->frac_bits) - 1;
    int drop = 63 - fmt->frac_bits;
    enum f80_class c = f80_classify(a);
    env->flags &= ~F80_C1;
    switch (c) {
    case F80_CLASS_UNSUPPORTED:
        /* The indefinite of the destination format (SDM Vol. 1, Table 4-3). */
        env->flags |= F80_IE;
        return (UINT64_C(1) << sign_shift) | exp_ones | (UINT64_C(1) << (fmt->frac_bits - 1));
    case F80_CLASS_QNAN:
    case F80_CLASS_SNAN:
        a = f80_quiet_nan(env, a);
        return sign | exp_ones | ((a.mant >> drop) & frac_mask);
    case F80_CLASS_INF: return sign | exp_ones;
    case F80_CLASS_ZERO: return sign;
    default: break; /* a denormal source raises no DE here (host x87) */
    }
    struct f80_unpacked u = f80_unpack(a);
    const struct f80_format rfmt = {fmt->frac_bits + 1, 1 - fmt->bias, fmt->bias};
    int32_t e;
    int range;
    uint64_t m = f80_round(env, &rfmt, u.sign, u.exp, u.mant, 0, &e, &range);
    if (e > rfmt.emax)
        return sign | exp_ones;
    uint64_t field = (m & F80_INT_BIT) ? (uint64_t)(e + fmt->bias) : 0;
    return sign | (field << fmt->frac_bits) | ((m >> drop) & frac_mask);
}

uint32_t f80_to_f32(struct f80_env *env, struct f80 a)
{
    return (uint32_t)to_binary(env, &FMT32, a);
}
uint64_t f80_to_f64(struct f80_env *env, struct f80 a)
{
    return to_binary(env, &FMT64, a);
}

struct f80 f80_from_bcd(struct f80_bcd v)
{
    uint64_t mag = 0;
    for (int i = 17; i >= 0; i--) {
        unsigned digit = i >= 16 ? (v.hi >> ((i - 16) * 4)) & 0xF : (v.lo >> (i * 4)) & 0xF;
        mag = mag * 10 + digit;
    }
    return from_magnitude((v.hi & 0x8000) != 0, mag);
}

struct f80_bcd f80_to_bcd(struct f80_env *env, struct f80 a)
{
    uint64_t mag;
    if (!to_magnitude(env, a, BCD_MAX, BCD_MAX, &mag)) {
        /* The packed BCD indefinite (SDM Vol. 1, Table 4-4). */
        return (struct f80_bcd){0xC000000000000000u, 0xFFFFu};
    }
    struct f80_bcd r = {0, f80_sign(a) ? 0x8000 : 0};
    for (int i = 0; i < 18; i++) {
        uint64_t digit = mag % 10;
        mag /= 10;
        if (i >= 16)
            r.hi |= (uint16_t)(digit << ((i - 16) * 4));
        else
            r.lo |= digit << (i * 4);
    }
    return r;
}

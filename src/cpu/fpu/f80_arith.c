/* FADD, FSUB, FMUL, FDIV, FSQRT on 80-bit values (SDM Vol. 1, 8.3.5, 4.8.3 and the
 * instruction pages' special-case tables). Results are computed with a round bit
 * and a sticky bit beyond 64 significand bits and rounded once, at the precision
 * selected by precision control. */
#include "cpu/fpu/f80_internal.h"

/* Unsupported formats and NaNs decide the result before any arithmetic. */
static bool settle_operands(struct f80_env *env, struct f80 a, struct f80 b, enum f80_class ca,
                            enum f80_class cb, struct f80 *out)
{
    if (ca == F80_CLASS_UNSUPPORTED || cb == F80_CLASS_UNSUPPORTED) {
        *out = f80_invalid(env);
        return true;
    }
    if (f80_is_nan_class(ca) || f80_is_nan_class(cb)) {
        *out = f80_propagate_nan(env, a, b);
        return true;
    }
    return false;
}

/* A denormal operand raises DE (SDM Vol. 1, 8.5.2) and the operation goes on. */
static void check_denormal(struct f80_env *env, enum f80_class ca, enum f80_class cb)
{
    if (ca == F80_CLASS_DENORMAL || cb == F80_CLASS_DENORMAL)
        env->flags |= F80_DE;
}

/* An exact zero sum of operands of opposite signs is +0, or -0 when rounding
 * down (SDM Vol. 1, 4.8.3.9 / Table 4-9 note). */
static struct f80 cancelled_zero(const struct f80_env *env)
{
    return f80_zero((env->rc & 3) == F80_RC_DOWN);
}

static struct f80 add_signed(struct f80_env *env, struct f80 a, struct f80 b, bool negate_b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    struct f80 out;
    if (settle_operands(env, a, b, ca, cb, &out))
        return out;
    check_denormal(env, ca, cb);
    bool sa = f80_sign(a), sb = f80_sign(b) ^ negate_b;
    if (ca == F80_CLASS_INF || cb == F80_CLASS_INF) {
        if (ca == F80_CLASS_INF && cb == F80_CLASS_INF && sa != sb)
            return f80_invalid(env);
        return f80_inf(ca == F80_CLASS_INF ? sa : sb);
    }
    int bits = f80_pc_bits(env);
    struct f80_unpacked ua = f80_unpack(a), ub = f80_unpack(b);
    ua.sign = sa;
    ub.sign = sb;
    if (ua.mant == 0 && ub.mant == 0)
        return sa == sb ? f80_zero(sa) : cancelled_zero(env);
    if (ua.mant == 0)
        return f80_round_pack(env, bits, sb, ub.exp, ub.mant, 0);
    if (ub.mant == 0)
        return f80_round_pack(env, bits, sa, ua.exp, ua.mant, 0);
    if (ua.exp < ub.exp || (ua.exp == ub.exp && ua.mant < ub.mant)) {
        struct f80_unpacked t = ua;
        ua = ub;
        ub = t;
    }
    uint64_t bh = ub.mant, bl = 0, hi, lo;
    f80_shift_right_jam(&bh, &bl, ua.exp - ub.exp);
    int32_t exp = ua.exp;
    if (ua.sign == ub.sign) {
        lo = bl;
        hi = ua.mant + bh;
        if (hi < ua.mant) {
            lo = (lo >> 1) | (hi << 63) | (lo & 1);
            hi = (hi >> 1) | F80_INT_BIT;
            exp++;
        }
    } else {
        lo = 0 - bl;
        hi = ua.mant - bh - (bl != 0);
        if (hi == 0 && lo == 0)
            return cancelled_zero(env);
        int shift = hi ? f80_clz64(hi) : 64 + f80_clz64(lo);
        if (shift >= 64) {
            hi = lo << (shift - 64);
            lo = 0;
        } else if (shift > 0) {
            hi = (hi << shift) | (lo >> (64 - shift));
            lo <<= shift;
        }
        exp -= shift;
    }
    return f80_round_pack(env, bits, ua.sign, exp, hi, lo);
}

struct f80 f80_add(struct f80_env *env, struct f80 a, struct f80 b)
{
    return add_signed(env, a, b, false);
}

struct f80 f80_sub(struct f80_env *env, struct f80 a, struct f80 b)
{
    return add_signed(env, a, b, true);
}

struct f80 f80_mul(struct f80_env *env, struct f80 a, struct f80 b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    struct f80 out;
    if (settle_operands(env, a, b, ca, cb, &out))
        return out;
    check_denormal(env, ca, cb);
    bool sign = f80_sign(a) ^ f80_sign(b);
    if (ca == F80_CLASS_INF || cb == F80_CLASS_INF) {
        if (ca == F80_CLASS_ZERO || cb == F80_CLASS_ZERO)
            return f80_invalid(env);
        return f80_inf(sign);
    }
    if (ca == F80_CLASS_ZERO || cb == F80_CLASS_ZERO)
        return f80_zero(sign);
    struct f80_unpacked ua = f80_unpack(a), ub = f80_unpack(b);
    uint64_t hi, lo;
    f80_mul64(ua.mant, ub.mant, &hi, &lo);
    int32_t exp = ua.exp + ub.exp + 1;
    if (!(hi & F80_INT_BIT)) {
        hi = (hi << 1) | (lo >> 63);
        lo <<= 1;
        exp--;
    }
    return f80_round_pack(env, f80_pc_bits(env), sign, exp, hi, lo);
}

struct f80 f80_div(struct f80_env *env, struct f80 a, struct f80 b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    struct f80 out;
    if (settle_operands(env, a, b, ca, cb, &out))
        return out;
    bool sign = f80_sign(a) ^ f80_sign(b);
    if (ca == F80_CLASS_INF) {
        check_denormal(env, ca, cb);
        return cb == F80_CLASS_INF ? f80_invalid(env) : f80_inf(sign);
    }
    if (cb == F80_CLASS_INF) {
        check_denormal(env, ca, cb);
        return f80_zero(sign);
    }
    if (cb == F80_CLASS_ZERO) {
        /* A denormal dividend raises only ZE here (as the host x87 does). */
        if (ca == F80_CLASS_ZERO)
            return f80_invalid(env);
        env->flags |= F80_ZE;
        return f80_inf(sign);
    }
    check_denormal(env, ca, cb);
    if (ca == F80_CLASS_ZERO)
        return f80_zero(sign);
    struct f80_unpacked ua = f80_unpack(a), ub = f80_unpack(b);
    int32_t exp = ua.exp - ub.exp;
    /* Restoring division, one quotient bit per step; the partial remainder is
     * top:r, below 2 * divisor. */
    uint64_t r = ua.mant, d = ub.mant, q = 0;
    bool top = false;
    if (r < d) {
        top = true; /* r has bit 63 set, so doubling carries out */
        r <<= 1;
        exp--;
    }
    for (int i = 0; i < 64; i++) {
        q <<= 1;
        if (top || r >= d) {
            r -= d;
            q |= 1;
        }
        top = r >> 63;
        r <<= 1;
    }
    bool guard = top || r >= d;
    if (guard)
        r -= d;
    uint64_t lo = ((uint64_t)guard << 63) | (r != 0);
    return f80_round_pack(env, f80_pc_bits(env), sign, exp, q, lo);
}

/* Digit-by-digit square root of the 128-bit value rh:rl; returns the root and
 * leaves the remainder in rh:rl. */
static uint64_t isqrt128(uint64_t *rh, uint64_t *rl)
{
    uint64_t res_h = 0, res_l = 0, bit_h = UINT64_C(1) << 62, bit_l = 0;
    while (bit_h | bit_l) {
        uint64_t t_l = res_l + bit_l;
        uint64_t t_h = res_h + bit_h + (t_l < res_l);
        bool ge = *rh > t_h || (*rh == t_h && *rl >= t_l);
        res_l = (res_l >> 1) | (res_h << 63);
        res_h >>= 1;
        if (ge) {
            uint64_t borrow = *rl < t_l;
            *rl -= t_l;
            *rh -= t_h + borrow;
            res_l += bit_l;
            res_h += bit_h + (res_l < bit_l);
        }
        bit_l = (bit_l >> 2) | (bit_h << 62);
        bit_h >>= 2;
    }
    return res_l;
}

struct f80 f80_sqrt(struct f80_env *env, struct f80 a)
{
    enum f80_class ca = f80_classify(a);
    if (ca == F80_CLASS_UNSUPPORTED)
        return f80_invalid(env);
    if (f80_is_nan_class(ca))
        return f80_quiet_nan(env, a);
    if (ca == F80_CLASS_ZERO)
        return a; /* sqrt(-0) = -0 */
    if (f80_sign(a))
        return f80_invalid(env);
    if (ca == F80_CLASS_INF)
        return a;
    if (ca == F80_CLASS_DENORMAL)
        env->flags |= F80_DE;
    struct f80_unpacked u = f80_unpack(a);
    /* value = mant * 2^(exp - 63); radicand R = mant * 2^k with exp - 63 - k even
     * and R in [2^126, 2^128), so its root has exactly 64 bits. */
    int k = (u.exp & 1) ? 64 : 63;
    uint64_t rh = k == 64 ? u.mant : u.mant >> 1, rl = k == 64 ? 0 : u.mant << 63;
    uint64_t root = isqrt128(&rh, &rl);
    /* The root is never exactly halfway, so remainder > root means above half. */
    bool guard = rh != 0 || rl > root;
    uint64_t lo = ((uint64_t)guard << 63) | ((rh | rl) != 0);
    int32_t exp = (u.exp - 63 - k) / 2 + 63;
    return f80_round_pack(env, f80_pc_bits(env), false, exp, root, lo);
}

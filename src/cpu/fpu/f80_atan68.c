/* FPATAN as the host x87 computes it on its 68-bit datapath, found by probing
 * the host (AMD EPYC) in all four rounding modes (docs/ARCHITECTURE.md, "x87
 * transcendentals"):
 *
 *   q = RN68(small / large)      the smaller magnitude over the larger one
 *   A = atan(q)
 *   x > 0, |y| <= |x|:  result = A, exact, rounded once
 *   otherwise:          result = pi68/2 - RN68(A)   (|y| > |x|, x > 0)
 *                                pi68   - RN68(A)   (|y| <= |x|, x < 0)
 *                                pi68/2 + RN68(A)   (|y| > |x|, x < 0)
 *                       with the sum exact, rounded once; sign of y.
 *
 * pi68 = 0xC90FDAA22168C234C * 2^-66 is pi rounded to 68 bits (the same bits as
 * the 66-bit pi of the trigonometric reduction plus two more). It shows in the
 * thresholds of pi/2 - q and pi - q for q of a few 2^-67: the result is exactly
 * representable at q = 0.75 * 2^-63 (not at the 0.768 of the true pi), and the
 * rounding flips at 0.25 and 0.75 of an ulp, so the sum is exact. Rounding A to
 * 68 bits before that sum cut the mismatches of the three other quadrant cases
 * by a factor 3-5 for ratios near 1 (A = 68-bit value), while for x > 0 the
 * unrounded A is right (there the host keeps q + correction exact).
 *
 * Dividing first (q rounded to nearest at 68 bits) matched the host bit for bit
 * for ratios below 2^-9 (1.2 M probes; 67 or 69 bits give ~3% mismatches).
 *
 * atan(q) itself, q >= 2^-9: q + RN68(t * P(z)) with z = RN68(q^2), t = RN68(q z)
 * (a regression of the host's residuals on the rounding errors of candidate steps
 * gave weights 0.90 +- 0.13 for z and 1.01 +- 0.09 for t; rounding t * P cut the
 * mismatches by a further 20%), the sum exact. P(z) = (atan s - s) / s^3 + D(q) * 2^-64
 * (s = sqrt z), where D is the deviation of the host's polynomial. Its algorithm and
 * coefficients are not known yet; D is measured. Below 2^-9 the deviation never
 * shows. Below 1/16, D = 4.8 - 730 q^2 (a least-squares fit to the host's
 * rounding thresholds, exp-atan). Above, D is tabulated: host FPATAN(q, 1) for
 * 4.5 M random q in [1/16, 1) (two seeds, 1.5 M and 3 M), each result's RD, RU
 * and RN/C1 placing the host's value in a half-ulp interval whose midpoint,
 * minus atan(q), was averaged over 120 windows of width 1/128 (standard error
 * ~0.001 ulp; the two seeds agree to that above q = 0.15). D oscillates with an
 * amplitude of ~0.01 ulp of the result; interpolating it (table weighted 1:2 by
 * seed) cut the mismatches of fresh random ratios in [1/16, 1] by a third in
 * each quadrant case. What remains is a per-argument scatter (mean ~0.008 ulp, up
 * to +-0.05 near q = 1), presumably the roundings inside the host's P, whose form
 * (probably rational) and coefficients are still unknown. */
#include "cpu/fpu/f80_wide.h"

/* D * 2^20 at q = (8.5 + k) / 128, k = 0..119 (window centres). */
static const int32_t dev_table[120] = {
    2276358, 1645151, 1289229, 1141789, 678149,  364490, -32805, -137130, -458556, -429259, -459007,
    -400463, -409856, -446220, -297706, -248061, -87329, -71773, 2109,    90610,   136962,  171766,
    140204,  124056,  111181,  127569,  68127,   17111,  -47648, -50907,  -72950,  -113705, -126227,
    -119276, -96676,  -116305, -83166,  -60918,  -49608, -16532, 15736,   33876,   39551,   43114,
    41476,   31549,   20260,   10023,   -4483,   -22044, -38044, -52844,  -56259,  -53806,  -58610,
    -56906,  -43345,  -42343,  -25518,  -13510,  -5980,  3705,   3692,    18052,   15430,   14285,
    6721,    4527,    423,     -15345,  -19573,  -33060, -34782, -33630,  -39254,  -27212,  -40398,
    -30629,  -25089,  -18427,  -11496,  -4550,   1595,   -5072,  -5050,   -1352,   -5669,   -12234,
    -15059,  -7075,   -10732,  -14354,  -14481,  -14119, -5660,  3522,    8167,    15455,   22201,
    24804,   24722,   23137,   16009,   13847,   9590,   838,    -10,     -445,    2453,    7807,
    13776,   12721,   12786,   11965,   11059,   -2375,  -8102,  -3356,   7668,    9936,
};

/* q * 2^64 for 0 < q < 1. */
static uint64_t fixed64(struct f80_wide q)
{
    return (uint64_t)(q.m >> (63 - q.exp));
}

/* D(q) * 2^20 for 2^-9 <= q <= 1. */
static int64_t deviation(struct f80_wide q)
{
    if (q.exp >= 0)
        return dev_table[119];
    uint64_t fq = fixed64(q);
    if (q.exp < -4) {
        /* 4.8 - 730 z with z = q^2; z * 2^20 = (q * 2^64)^2 >> 108 */
        int64_t z20 = (int64_t)(((unsigned __int128)fq * fq) >> 108);
        return (int64_t)(4.8 * (1 << 20)) - 730 * z20;
    }
    /* position in the table, in 2^-32 steps: q * 128 - 8.5 */
    int64_t pos = (int64_t)(fq >> 25) - ((int64_t)17 << 31);
    if (pos < 0)
        return dev_table[0];
    int64_t k = pos >> 32, f = pos & 0xFFFFFFFF;
    if (k >= 119)
        return dev_table[119];
    return dev_table[k] + (((int64_t)(dev_table[k + 1] - dev_table[k]) * f) >> 32);
}

/* The host's atan(q), 0 < q <= 1, exact up to a sticky bit: q + RN68(t P(z)),
 * z = RN68(q^2), t = RN68(q z), P(z) = T(z) + D(q) 2^-64 with T(z) = (atan s - s) / s^3,
 * s = sqrt(z). T at the rounded z is T(q^2) + T'(q^2) (z - q^2), where
 * T'(z) = -(1 / (1 + z) + 3 T(z)) / (2 z). */
static struct f80_wide atan_core(struct f80_wide q)
{
    struct f80_wide a = f80w_atan(q);
    if (q.exp < -9)
        return a;
    struct f80_wide one = f80w_from_int(1);
    struct f80_wide q2 = f80w_mul(q, q), q3 = f80w_mul(q2, q);
    struct f80_wide z = f80w_mul68(q, q), t = f80w_mul68(q, z);
    struct f80_wide tq = f80w_div(f80w_sub(a, q), q3); /* T(q^2) */
    struct f80_wide slope =
        f80w_div(f80w_add(f80w_div(one, f80w_add(one, q2)), f80w_mul(f80w_from_int(3), tq)),
                 f80w_scale(q2, 1));
    struct f80_wide p = f80w_sub(tq, f80w_mul(slope, f80w_sub(z, q2)));
    p = f80w_add(p, f80w_scale(f80w_from_int(deviation(q)), -84));
    return f80w_add(q, f80w_mul68(t, p));
}

static const struct f80_wide pi68 = F80W_C68(0, 0xC90FDAA22168C234, 0xC000000000000000, 1);

struct f80_wide f80w_atan2_68(struct f80_wide y, struct f80_wide x)
{
    bool ny = y.neg, nx = x.neg;
    y.neg = x.neg = false;
    bool steep = f80w_cmp_abs(y, x) > 0;
    struct f80_wide q = f80w_round68(steep ? f80w_div_sticky(x, y) : f80w_div_sticky(y, x));
    struct f80_wide a = atan_core(q);
    if (steep || nx) {
        a = f80w_round68(a);
        if (steep)
            a = f80w_sub(f80w_scale(pi68, -1), a);
        if (nx)
            a = f80w_sub(pi68, a);
    }
    a.neg = ny;
    return a;
}

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
 * unrounded A is right (there the host keeps q + correction exact). The sum
 * is exact for tiny q as well whenever the 68-bit A's bits fit it (few-bit
 * operands: y = 1, x = 2^-65 is the tie pi68/2 - 2^-65, even to nearest).
 *
 * Dividing first (q rounded to nearest at 68 bits) matched the host bit for bit
 * for ratios below 2^-9 (1.2 M probes; 67 or 69 bits give ~3% mismatches).
 *
 * atan(q) itself, q >= 2^-9: q + RN68(t * P(z)) with z = RN68(q^2), t = RN68(q z),
 * the sum exact. A regression of the host's residuals on the rounding errors of
 * candidate steps gave weights 0.90 +- 0.13 for z and 1.01 +- 0.09 for t (other
 * groupings ~0); rounding t * P at 66/67/68/69/70 bits or not at all gave
 * 2148/989/788/870/927/996 mismatches in 80,000 checks.
 *
 * P approximates (atan s - s) / s^3 (s = sqrt z), and it is a rational function
 * N(z)/M(z) of degrees 7 and 7: the host's deviation D = (P - that) * 2^64,
 * measured from 4.5 M host results (FPATAN(q, 1), the midpoint of the half-ulp
 * interval that RD, RU and RN + C1 give, averaged in 120 windows of q, two
 * seeds agreeing to ~0.001 ulp), has the equal-ripple relative error (~2^-70.4)
 * and the zeros of a near-minimax [7/7] rational on [0, 1], which no polynomial
 * of that many extrema could reach; a least-squares fit of N/M to the measured
 * D (plus D = 4.8 - 730 z from rounding thresholds below q = 1/16) has
 * chi2/dof 1.70 with [7/7], 1.72 with [6/8], 29 with [8/6] and 10^7 with [6/6].
 * The coefficients below refine that fit by linearised least squares on 936 k
 * probes whose host result is exactly representable (RD == RU, so the host's
 * correction c is known exactly), q >= 0.03: that removed a bias of about one
 * 68-bit unit of c below q = 1/4 left by the averaged fit (exact matches of c on
 * held-out seeds 12-53% -> 57-59% there, unchanged above 1/4). They are still
 * not the host's 68-bit ROM values, and P is evaluated exactly: the host rounds
 * every Horner product and sum inside N and M (seen as jumps of the mean error
 * where one of them changes binade; they place M's z^7 coefficient at a power
 * of two relative to M(0)), which leaves a per-argument scatter of ~0.8 units of
 * c that only the exact constants could reproduce. The scatter also steps up
 * where t * N changes binade (in that scale): the host rounds t * N to 68 bits
 * before dividing by M; modelling that rounding with the fitted N loses. */
#include "cpu/fpu/f80_wide.h"

/* P(z) = N(z) / M(z), M(0) = 1: the rational fitted to the host's exact results. */
static const struct f80_wide num_coef[] = {
    F80W_C68(1, 0xaaaaaaaaaaaaaaa1, 0x436d9e74dd2b6a93, -2),  /* n0 */
    F80W_C68(1, 0xf76aa41552e1d336, 0x1cffc9e28f77be95, -1),  /* n1 */
    F80W_C68(1, 0x88cf7daca6efae83, 0xce40380985644eec, 0),   /* n2 */
    F80W_C68(1, 0x905aae51f63d9e6d, 0xf1502a0ce0a011bb, -1),  /* n3 */
    F80W_C68(1, 0x943ef12d9ae8ae09, 0x1cd0416a093ca238, -3),  /* n4 */
    F80W_C68(1, 0x8598c153a4d14d0b, 0x59d8d317aa3693df, -6),  /* n5 */
    F80W_C68(1, 0x98869a497ebf2e8b, 0x96a3010cd7180444, -11), /* n6 */
    F80W_C68(1, 0xdd0b20e26b8bd37d, 0x0cb8d9800eff99fc, -22), /* n7 */
};

static const struct f80_wide den_coef[] = {
    F80W_C68(0, 0x8000000000000000, 0x0000000000000000, 0),   /* m0 */
    F80W_C68(0, 0xdff66176648fc2cd, 0xf3be812be6bd839c, 1),   /* m1 */
    F80W_C68(0, 0x9c15134417b6dbc8, 0x59125d5bfe740103, 2),   /* m2 */
    F80W_C68(0, 0xdce9f4f742fda762, 0x0b276bf39aeef3e4, 1),   /* m3 */
    F80W_C68(0, 0xa784b3937e1a5afa, 0xf36b743398d7c179, 0),   /* m4 */
    F80W_C68(0, 0x839f3c6cc95b5fb2, 0x7a5ca164ad316ece, -2),  /* m5 */
    F80W_C68(0, 0xbc76450cac153952, 0xca755c6c75bda111, -6),  /* m6 */
    F80W_C68(0, 0xadc8c62dc8d82354, 0xd07d8983c2a0db13, -11), /* m7 */
};

/* c0 + z * (c1 + z * (...)), exactly up to truncation at 128 bits. */
static struct f80_wide horner(const struct f80_wide *c, int n, struct f80_wide z)
{
    struct f80_wide v = c[n - 1];
    for (int k = n - 2; k >= 0; k--)
        v = f80w_add(f80w_mul(v, z), c[k]);
    return v;
}

/* The host's atan(q), 0 < q <= 1, exact up to a sticky bit. */
static struct f80_wide atan_core(struct f80_wide q)
{
    if (q.exp < -9)
        return f80w_atan(q);
    struct f80_wide z = f80w_mul68(q, q), t = f80w_mul68(q, z);
    struct f80_wide p = f80w_div(horner(num_coef, 8, z), horner(den_coef, 8, z));
    return f80w_add(q, f80w_mul68(t, p));
}

/* Trailing zero bits of a nonzero 128-bit significand. */
static int ctz128(unsigned __int128 m)
{
    uint64_t lo = (uint64_t)m;
    return lo ? __builtin_ctzll(lo) : 64 + __builtin_ctzll((uint64_t)(m >> 64));
}

static const struct f80_wide pi68 = F80W_C68(0, 0xC90FDAA22168C234, 0xC000000000000000, 1);

struct f80_wide f80w_atan2_68(struct f80_wide y, struct f80_wide x, bool *exact)
{
    bool ny = y.neg, nx = x.neg;
    y.neg = x.neg = false;
    bool steep = f80w_cmp_abs(y, x) > 0;
    struct f80_wide q = f80w_round68(steep ? f80w_div_sticky(x, y) : f80w_div_sticky(y, x));
    struct f80_wide a = atan_core(q);
    /* q + RN68(t P) spans at most ~90 bits: exact. Below 2^-9 atan(q) is the
     * series value, irrational. */
    *exact = q.exp >= -9;
    if (steep || nx) {
        a = f80w_round68(a);
        /* base -+ a in one exact addition when every set bit of the 68-bit a
         * lies inside the 128-bit window of the sum (always for a >= 2^-59;
         * for smaller a only if its low bits are zero, e.g. few-bit operands,
         * where the host's sum is still exact: pi68/2 - 2^-65 is a tie). */
        struct f80_wide base = steep ? f80w_scale(pi68, -1) : pi68;
        struct f80_wide sum = steep && nx ? f80w_add(base, a) : f80w_sub(base, a);
        *exact = a.m == 0 || a.exp + (int32_t)ctz128(a.m) >= sum.exp;
        a = sum;
    }
    a.neg = ny;
    return a;
}

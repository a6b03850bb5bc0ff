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
 * atan(q) itself, for every q (below 2^-9 the same as the exact series to the
 * last bit but two misses in 640,000 random checks at q in [2^-10, 2^-9)):
 * V = q + c, the sum exact, with
 *
 *   z = RN68(q^2), t = RN68(q z)
 *   N = N68(z), M = M68(z)        Horner, every product and every sum RN68
 *   c = RN68(RN68(t N) / M)       the quotient rounded once
 *
 * N/M is the [7/7] rational in z that minimises the largest RELATIVE error of
 * atan(q) ~ q + q^3 N/M on q in [0, 1] (equal ripple 5.52e-22 = 2^-70.6 at 16
 * points, computed by a Remez exchange in 400-bit arithmetic with the extremal
 * points themselves refined to 1e-22), scaled so that M's z^7 coefficient is
 * 2^-10 and rounded to nearest at 68 bits; n0, n1 are one unit larger in
 * magnitude and n4, n5 two and one units smaller than that rounding (n6, n7
 * made no difference in any probe). How it was found: the host's deviation
 * from atan has the equal ripple and zeros of a near-minimax [7/7]; the mean
 * error jumps where a Horner product or sum changes binade put M's z^7
 * coefficient at a power of two; the per-window scatter of the correction c,
 * and its steps where t N changes binade, fix the evaluation order above.
 * Among the minimax criteria (relative or absolute error of atan, of c or of
 * N/M, weights q^2, q^4, intervals ending at 0.99 ... 1.01) only the
 * relative error of atan on [0, 1] reproduces the host's mean error below
 * q = 1/4, and only when the extremal points are exact to far beyond double
 * precision (points found in doubles move the 68-bit coefficients by 10-20
 * units). With the four one- and two-unit corrections (a coordinate search on
 * probes whose host result is exactly representable, RD == RU, so that c is
 * known exactly) the model gives the host's c in all of 1.2 million such
 * probes with q in [0.01, 1], of which 770,000 were held out. */
#include "cpu/fpu/f80_wide.h"

/* N and M in the host's scale (M's z^7 coefficient 2^-10), n0 first. */
static const struct f80_wide num_coef[] = {
    F80W_C68(1, 0xfb86924c075d91ff, 0x3000000000000000, -2),  /* n0 */
    F80W_C68(1, 0xb64fbeb43caec8d4, 0x7000000000000000, 0),   /* n1 */
    F80W_C68(1, 0xc99c37596f7bf048, 0x2000000000000000, 0),   /* n2 */
    F80W_C68(1, 0xd4b6ae36d5b8e360, 0x0000000000000000, -1),  /* n3 */
    F80W_C68(1, 0xda6e56e03810db7b, 0xc000000000000000, -3),  /* n4 */
    F80W_C68(1, 0xc4d3af2f7fa83cdc, 0xf000000000000000, -6),  /* n5 */
    F80W_C68(1, 0xe0afbde8c5ae3f30, 0xd000000000000000, -11), /* n6 */
    F80W_C68(1, 0xa2c53dd69db54520, 0xa000000000000000, -21), /* n7 */
};

static const struct f80_wide den_coef[] = {
    F80W_C68(0, 0xbca4edb905862d89, 0xd000000000000000, 0),   /* m0 */
    F80W_C68(0, 0xa507bf7c87f0cf2c, 0x9000000000000000, 2),   /* m1 */
    F80W_C68(0, 0xe603918fea128e02, 0x2000000000000000, 2),   /* m2 */
    F80W_C68(0, 0xa2c4e11df337a726, 0x0000000000000000, 2),   /* m3 */
    F80W_C68(0, 0xf6d6f58f5d554d66, 0x6000000000000000, 0),   /* m4 */
    F80W_C68(0, 0xc1ee831d4e1ef435, 0x6000000000000000, -2),  /* m5 */
    F80W_C68(0, 0x8ad3b33eb2b2e352, 0x2000000000000000, -5),  /* m6 */
    F80W_C68(0, 0x8000000000000000, 0x0000000000000000, -10), /* m7 */
};

/* The host's atan(q), 0 < q <= 1, exact up to a sticky bit (jammed by the
 * addition when c lies more than 128 bits below q, i.e. for q below ~2^-30). */
static struct f80_wide atan_core(struct f80_wide q)
{
    struct f80_wide z = f80w_mul68(q, q), t = f80w_mul68(q, z);
    struct f80_wide c = f80w_rational68(t, num_coef, sizeof num_coef / sizeof num_coef[0], den_coef,
                                        sizeof den_coef / sizeof den_coef[0], z);
    return f80w_add(q, c);
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
    /* q + c is exact (or carries its own sticky bit). */
    *exact = true;
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

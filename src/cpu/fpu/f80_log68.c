/* log2 as the host x87 (AMD EPYC) computes it for FYL2X and FYL2XP1 on its
 * 68-bit internal datapath. Found by probing the host (docs/ARCHITECTURE.md,
 * "x87 transcendentals"):
 *
 * - Both instructions return y * L, exact, rounded once to the destination,
 *   where L is a 68-bit value: for a fixed x, the half-ulp intervals that RD, RU
 *   and RN + C1 give for host(y, x) / y over thousands of y intersect in an
 *   interval that always holds exactly one 68-bit number. That recovers L bit
 *   for bit, so the pipeline below was fitted on exact L values rather than on
 *   rounded results.
 * - One core, log2((1 + t) / (1 - t)) = 2 log2(e) atanh t = u (1 + z P(z)) with
 *   u = t C: z = RN68(t * t), T = RN68(t * C), S = RN68(RN68(T * z) * P(z)),
 *   P ~ 1/3 + z/5 + z^2/7 + ... (t * RN68(C + z R) or an exact T + S match only
 *   65-80% of L). The multiplier of P is RN68(T * z), not RN68(t * z) * C: each
 *   L bounds P to an interval, and pairs of arguments 5e-8 apart in z then need
 *   P values at most 1.4 68-bit units apart (9 disjoint pairs in 380,000 probes)
 *   where RN68(t * z) needs 3.2 (22 pairs); ten other placements of the
 *   roundings (t * RN68(z R), z * RN68(t R), T * RN68(z P), exact products, u^2
 *   as argument, ...) give 17-34 pairs.
 * - FYL2X: x = 2^e * m with m in [1, 2); m > sqrt 2 gives m / 2 and e + 1;
 *   t = RN68((m - 1) / (m + 1)), L = RN68(RN68(e + T) + S) (other orders:
 *   RN68(e + RN68(T + S)), e + T + S exact, RN68(RN68(e + S) + T) match 75-98%).
 * - FYL2XP1: t = RN68(x / RN68(2 + x)) (at |x| ~ 2^-40 the exact x / (2 + x)
 *   misses 25% of L) and L = RN68(T + S) while |t| < 1/4, i.e. -0.4 < x < 2/3.
 *   Beyond that the host's FYL2XP1(x) equals its FYL2X(1 + x) bit for bit, so
 *   it takes the FYL2X path with 1 + x exact (rounding 1 + x to 68 bits first
 *   made no difference in 4,000 probes).
 * - C = RN68(2 log2 e) exactly: for x = 1 + k 2^-63 and 1 - k 2^-64 (k <= 3000)
 *   FYL2X gives L = RN68(RN68(t) * C) in 6000 of 6000 cases, C one unit away in
 *   < 500; the sawtooth of FYL2XP1 of tiny x, L = RN68(x * C / 2), pins the
 *   same constant.
 * - P(z) = p0 + RN68(z * Q(z)), Q by Horner at 68 bits, the last addition of
 *   p0 not rounded (a regression of the mismatch sign on our own rounding errors
 *   singled out that step at 15 sigma; rounding it gives 13% more mismatches).
 *   P is fitted on z <= 1/16 (FYL2X needs only z <= (3 - 2 sqrt 2)^2 ~ 0.0294):
 *   each recovered L bounds P(z) to an interval (undoing RN68(T + S) and the
 *   product with RN68(T * z)); the 12 coefficients minimize the largest residual
 *   relative to the interval half-widths over 118,000 such intervals (Lawson's
 *   iteration, Chebyshev basis on [0, 1/16]), then are rounded to 68 bits. Eleven
 *   or thirteen coefficients do worse on fresh data (318, 269 against 229 of
 *   111,000 L off by one 68-bit unit, the former form with R had 349). The
 *   intervals are not all consistent (largest residual 1.04 half-widths), so
 *   the coefficients are not the host's ROM values; the misses lie within
 *   ~0.003 68-bit units of a rounding boundary, at 1/8 <= |t| < 1/4.
 * - p0 carries 0.2 of a 68-bit unit more than its 68-bit value: the host's S
 *   scatters about our S by ~1.4 * 2^-68 relative (pairs of close arguments
 *   show it; it is the size of three unmodelled 68-bit roundings, e.g. of a
 *   rational A/B as FPATAN has), and that scatter is skewed: with the minimax
 *   fit, 73% of the misses had the host's |S| larger, at every z. Scaling S by
 *   1 + 0.3 * 2^-68 (the scale that makes the misses of the training probes
 *   half larger, half smaller) cut the misses of 373,000 held-out probes from
 *   1186 to 1115 and those of 16 test seeds x 1M FYL2XP1 from 1443 to 1309;
 *   on P that scale is p0 + 0.2 units (the rest of P is too small to matter),
 *   kept exact since p0 + RN68(z * Q) is not rounded. */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide log_c = F80W_C68(0, 0xB8AA3B295C17F0BB, 0xC000000000000000, 1);

static const struct f80_wide log_p[] = {
    F80W_C68(0, 0xAAAAAAAAAAAAAA73, 0x8333333333333332, -2),
    F80W_C68(0, 0xCCCCCCCCCCCDA503, 0xD000000000000000, -3),
    F80W_C68(0, 0x9249249248940DC3, 0x8000000000000000, -3),
    F80W_C68(0, 0xE38E38E3EB3C4877, 0x1000000000000000, -4),
    F80W_C68(0, 0xBA2E8B926CBDBE2D, 0x3000000000000000, -4),
    F80W_C68(0, 0x9D89DA5236020328, 0x9000000000000000, -4),
    F80W_C68(0, 0x88886D2CB280728C, 0x2000000000000000, -4),
    F80W_C68(0, 0xF0F34DF0B8C69CE5, 0x2000000000000000, -5),
    F80W_C68(0, 0xD778C3D128AE0614, 0xE000000000000000, -5),
    F80W_C68(0, 0xC481CE2E26F7CE30, 0xE000000000000000, -5),
    F80W_C68(0, 0xA3F2F6315B277C95, 0x2000000000000000, -5),
    F80W_C68(0, 0xED17C8357AD8B834, 0x0000000000000000, -5),
};

/* sqrt 2 = 0xB504F333F9DE6484.597... * 2^-63: significands above it are reduced
 * to m / 2 (the host keeps 0x...6484 unreduced and reduces 0x...6488; both ways
 * give the same L for the three significands in between). */
static const struct f80_wide sqrt2 = F80W_C68(0, 0xB504F333F9DE6484, 0x597D89B3754ABE9F, 0);

/* T = RN68(t * C) and S = RN68(RN68(T * z) * P(z)), P = p0 + RN68(z * Q(z)) with
 * the last addition exact (Q by Horner at 68 bits). */
static void log_core(struct f80_wide t, struct f80_wide *big, struct f80_wide *small)
{
    struct f80_wide z = f80w_mul68(t, t);
    const int n = sizeof log_p / sizeof log_p[0];
    struct f80_wide q = f80w_horner68(log_p + 1, n - 1, z);
    struct f80_wide p = f80w_add(log_p[0], f80w_mul68(z, q));
    *big = f80w_mul68(t, log_c);
    *small = f80w_round68(f80w_mul_sticky(f80w_mul68(*big, z), p));
}

struct f80_wide f80w_log2_68(struct f80_wide x)
{
    int32_t e = x.exp;
    struct f80_wide m = {x.m, 0, false}; /* [1, 2) */
    if (f80w_cmp_abs(m, sqrt2) > 0) {
        m.exp = -1;
        e++;
    }
    struct f80_wide one = f80w_from_int(1);
    struct f80_wide t = f80w_round68(f80w_div_sticky(f80w_sub(m, one), f80w_add(m, one)));
    struct f80_wide ew = f80w_from_int(e);
    if (t.m == 0)
        return ew;
    struct f80_wide big, small;
    log_core(t, &big, &small);
    return f80w_add68(f80w_add68(ew, big), small);
}

struct f80_wide f80w_log1p68(struct f80_wide x)
{
    if (x.m == 0)
        return x;
    struct f80_wide den = f80w_add68(f80w_from_int(2), x);
    struct f80_wide t = f80w_round68(f80w_div_sticky(x, den));
    if (t.exp >= -2) { /* |t| >= 1/4: x <= -0.4 or x >= 2/3 */
        return f80w_log2_68(f80w_add(x, f80w_from_int(1)));
    }
    struct f80_wide big, small;
    log_core(t, &big, &small);
    return f80w_add68(big, small);
}

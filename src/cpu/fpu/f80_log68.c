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
 * - One core, log2((1 + t) / (1 - t)) = 2 log2(e) atanh t = t (C + z R(z)):
 *   z = RN68(t * t), T = RN68(t * C), S = RN68(RN68(t * z) * R(z)) (Cody and
 *   Waite's shape; t * RN68(C + z R) or an exact T + S match only 65-80% of L).
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
 * - R(z) ~ C (1/3 + z/5 + z^2/7 + ...), Horner at 68 bits, on z <= 1/16 (FYL2X
 *   needs only z <= (3 - 2 sqrt 2)^2 ~ 0.0294). Each recovered L bounds R(z) to
 *   an interval (undoing the two RN68 steps after R); the coefficients minimize
 *   the largest residual relative to the interval half-widths over 118,000
 *   such intervals (Lawson's iteration, Chebyshev basis on [0, 1/16]). Ten
 *   coefficients cannot fit them; twelve leave ~0.3% of fresh L values with
 *   1/8 <= |t| < 1/4 one 68-bit unit off (those lie within ~0.003 of a 68-bit
 *   rounding boundary). The fitted R's error against the series has the shape
 *   and size (+-0.8 * 2^-68) of the minimax rational of degree (3, 4) in z on
 *   [0, 1/16]: probably the host's true form, not yet pinned exactly. */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide log_c = F80W_C68(0, 0xB8AA3B295C17F0BB, 0xC000000000000000, 1);

static const struct f80_wide log_r[] = {
    F80W_C68(0, 0xF6384EE1D01FEB55, 0x7000000000000000, -1),
    F80W_C68(0, 0x93BB62877CE08FC4, 0xE000000000000000, -1),
    F80W_C68(0, 0xD30BB153D6264095, 0xA000000000000000, -2),
    F80W_C68(0, 0xA42589EC233284DF, 0x4000000000000000, -2),
    F80W_C68(0, 0x864D4240BB44B5AE, 0x2000000000000000, -2),
    F80W_C68(0, 0xE347ADBC38150417, 0xB000000000000000, -3),
    F80W_C68(0, 0xC4F9B16C481C888F, 0x4000000000000000, -3),
    F80W_C68(0, 0xADCF106E7611FBE2, 0x5000000000000000, -3),
    F80W_C68(0, 0x9B6EF667D0F69F7B, 0xD000000000000000, -3),
    F80W_C68(0, 0x8DB31B094437588E, 0x7000000000000000, -3),
    F80W_C68(0, 0xED5140D25EC869F2, 0xF000000000000000, -4),
    F80W_C68(0, 0xA9BB5B1922268606, 0xB000000000000000, -3),
};

/* sqrt 2 = 0xB504F333F9DE6484.597... * 2^-63: significands above it are reduced
 * to m / 2 (the host keeps 0x...6484 unreduced and reduces 0x...6488; both ways
 * give the same L for the three significands in between). */
static const struct f80_wide sqrt2 = F80W_C68(0, 0xB504F333F9DE6484, 0x597D89B3754ABE9F, 0);

/* T = RN68(t * C) and S = RN68(RN68(t * z) * R(z)). */
static void log_core(struct f80_wide t, struct f80_wide *big, struct f80_wide *small)
{
    struct f80_wide z = f80w_mul68(t, t);
    struct f80_wide r = f80w_horner68(log_r, sizeof log_r / sizeof log_r[0], z);
    *big = f80w_mul68(t, log_c);
    *small = f80w_mul68(f80w_mul68(t, z), r);
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

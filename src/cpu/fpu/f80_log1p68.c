/* log2(1 + x) as the host x87 (AMD EPYC) computes it for FYL2XP1 on its 68-bit
 * datapath, found by probing the host (docs/ARCHITECTURE.md,
 * "x87 transcendentals"; research notes kept outside the tree):
 *
 *   t = RN68(x / RN68(2 + x))             (log2(1 + x) = 2 log2(e) atanh(t))
 *   (while |t| < 1/4, i.e. -0.4 < x < 2/3; see log2_reduced for the rest)
 *   z = RN68(t * t)
 *   L = RN68( RN68(t * C0) + RN68( RN68(t * z) * R(z) ) ),  R by Horner, each step RN68
 *
 * and FYL2XP1 = y * L exactly, rounded once to 64 bits. Measured facts behind it:
 * - L itself is a 68-bit number: for a fixed x, the intervals host(y, x) / y over
 *   hundreds of random y (RD/RU bracket, RN + C1 the side) intersect in exactly
 *   one multiple of ulp68(L), so y multiplies L exactly.
 * - Tiny x (2^-100, 2^-1000): L = RN68(x * C0 / 2); the sawtooth over consecutive
 *   significands pins C0/2 = RN68(log2 e) = 0xB8AA3B295C17F0BBC * 2^-67.
 * - |x| ~ 2^-40: t must be x / RN68(2 + x) (the exact x / (2 + x) misses 25%).
 * - |x| ~ 2^-30 .. 2^-20: the sum of two separately rounded terms T and S (the
 *   alternatives t * RN68(C0 + ...) or an exact T + S miss 20-30%).
 * - The host uses this path while |t| < 1/4 (x in (-0.4, 2/3)); outside it,
 *   FYL2XP1(x) equals FYL2X(1 + x) bit for bit, and FYL2X's reduction to
 *   [sqrt(1/2), sqrt(2)) with the same core polynomial (found with the FYL2X
 *   probe) reproduces it: log2_reduced below.
 * R's 12 coefficients (R ~ C0 (1/3 + z/5 + ...), the series of atanh) come
 * from 118,000 host values of L with |t| < 1/4: each host L bounds R(z) to an
 * interval (undoing the two RN68 steps that follow R), and R minimizes the
 * largest residual relative to the interval half-widths (Lawson's iteration,
 * Chebyshev basis on [0, 1/16]). 10 coefficients cannot fit the intervals;
 * 11, 12, 13 leave 0.36%, 0.31%, 0.30% of fresh L values one 68-bit unit off
 * (a plain least-squares fit of the centres, 0.52%). So these are not yet the
 * host's exact ROM values: ~0.02% of FYL2XP1 results with 1/8 <= |x| < 2/3
 * still differ in the last bit. */
#include "cpu/fpu/f80_wide.h"

/* 2 log2(e), rounded to 68 bits (twice the constant of tiny arguments). */
static const struct f80_wide c0 = F80W_C68(0, 0xB8AA3B295C17F0BB, 0xC000000000000000, 1);

static const struct f80_wide r_coef[] = {
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

/* The shared core: RN68(t * C0) and RN68(RN68(t * z) * R(z)). */
static void core(struct f80_wide t, struct f80_wide *tc, struct f80_wide *s)
{
    struct f80_wide z = f80w_mul68(t, t);
    struct f80_wide r = f80w_horner68(r_coef, sizeof r_coef / sizeof r_coef[0], z);
    *tc = f80w_mul68(t, c0);
    *s = f80w_mul68(f80w_mul68(t, z), r);
}

/* log2(m) for m = 1 + x outside the t path, as FYL2X takes it: m = 2^e * f with
 * f in [sqrt(1/2), sqrt(2)), t = RN68((f - 1) / (f + 1)), L = RN68(RN68(e + T) + S).
 * 1 + x is exact (rounding it to 68 bits first made no measurable difference). */
static struct f80_wide log2_reduced(struct f80_wide m)
{
    static const struct f80_wide sqrt2 = F80W_C68(0, 0xB504F333F9DE6484, 0x597D89B3754ABE9F, 0);
    int32_t e = m.exp;
    struct f80_wide f = f80w_scale(m, -e); /* in [1, 2) */
    if (f80w_cmp_abs(f, sqrt2) >= 0) {
        f = f80w_scale(f, -1);
        e++;
    }
    struct f80_wide one = f80w_from_int(1);
    struct f80_wide t = f80w_round68(f80w_div_sticky(f80w_sub(f, one), f80w_add(f, one)));
    struct f80_wide ew = f80w_from_int(e);
    if (t.m == 0)
        return ew;
    struct f80_wide tc, s;
    core(t, &tc, &s);
    return f80w_add68(f80w_add68(ew, tc), s);
}

struct f80_wide f80w_log1p68(struct f80_wide x)
{
    if (x.m == 0)
        return x;
    struct f80_wide den = f80w_add68(f80w_from_int(2), x);
    struct f80_wide t = f80w_round68(f80w_div_sticky(x, den));
    if (t.exp >= -2) /* |t| >= 1/4, x <= -0.4 or x >= 2/3 */
        return log2_reduced(f80w_add(x, f80w_from_int(1)));
    struct f80_wide tc, s;
    core(t, &tc, &s);
    return f80w_add68(tc, s);
}

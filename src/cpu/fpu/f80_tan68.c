/* FPTAN as the host x87 (AMD EPYC) computes it after the pi66 reduction, on its
 * 68-bit internal datapath (docs/ARCHITECTURE.md, "x87 transcendentals"):
 *
 *   z = RN68(r * r)
 *   Pn = A + z(n1 + z(n2 + z(n3 + z n4))),  Pd = A + z(d1 + z(d2 + z(d3 + z d4)))
 *   N = RN68(r * Pn);  tan r = N / Pd (even k),  -Pd / N (odd k)
 *
 * with every Horner multiply and add rounded to nearest-even at 68 bits (RN68)
 * and the quotient exact, rounded once to the destination (C1 = rounded up in
 * magnitude).
 *
 * Where the constants come from. A = 0xB9F25A5EEF7C79A2C * 2^-67 shows in tiny
 * arguments, whose result is RN68(x * A) / A. The ratio Pn / Pd is, to within
 * the 68-bit rounding of its coefficients, the minimax rational approximation
 * of degree (4, 4) in z to tan(r) / r with relative error (2^-77.3) on
 * r in [0, 0.7853979942]: a Remez exchange over that interval, scaled so that
 * both constant terms are A, reproduces the n1 measured from rounding
 * thresholds at |x| ~ 2^-34 and the n2 fitted at |x| < 2^-5 (the end point,
 * just below pi/4, is the one that matches n1; d4 then comes out within 3e-15
 * of 2^-19, perhaps the designer's normalisation).
 *
 * A ratio leaves a common factor of Pn and Pd free ((Pn, Pd) and
 * (Pn, Pd)(1 + e z^k) give the same quotient), yet that factor decides where
 * the 68-bit roundings fall, so it was measured on the host: the factor
 * 1 + e1 z + ... + e4 z^4 (Pd refitted to keep the ratio) was shifted in narrow
 * windows of r, where the count of results differing from the host's (all four
 * rounding modes and C1) has a sharp minimum, and those node values were fitted
 * by the polynomial. A remaining ~1e-21 offset of the ratio was measured the
 * same way; at exact 68-bit ties of Pn or Pd the side on which the host rounded
 * shows that it belongs to Pd. Last, d2/d3 and n2/n3 were moved together along
 * the valleys of the mismatch count. Every step was checked on fresh arguments.
 * n1, d1 and d2 are pinned to the 68-bit unit (one unit either way doubles the
 * misses or worse). Last, an integer-unit grid of n2 against n3 on arguments
 * with |r| >= 1/4 (where all misses are) showed that valley sloping down
 * along n3 ~ -240 units per unit of n2; the point n2 + 8, |n3| + 1900 units
 * cut the misses at 1/4 <= |r| < 1/2 by a fifth on fresh arguments without
 * raising them above 1/2 (further along, |r| > 1/2 gets worse); the n3/n4
 * and d3/d4 valleys are flat within noise.
 *
 * The last correction measured the host's inner Horner values directly: for
 * every argument where rounding t1 = n1 + z t2 (or d1 + z t2) the other way
 * changes whether our result matches the host's, the host's result tells on
 * which side its own exact t1 lies. Binned by z and by the distance u of our
 * exact t1 from its rounding boundary, the host's side flips at u = -delta(z),
 * a smooth offset of the host's t1 against ours: delta_n(z) ~ +6 (z - 0.45)^2 z
 * and delta_d(z) ~ -(z - 0.5)^2 z (units of 2^-70 and 2^-68, |r| >= 1/4), i.e.
 * t2 = n2 + z n3 + z^2 n4 (d2 + z d3 + z^2 d4) is off by a quadratic in z.
 * Adding those quadratics to n2..n4 and d2..d4 (the Pd one then refined on a
 * 3-D integer-unit grid, d2 moves by 4 units) cut the misses to a third on
 * fresh arguments in every band; a second pass fitted the t2 offset
 * a + b z + c z^2 to those host sides directly (fewest contradicted sides over
 * ~5,000 arguments at |r| >= 1/4) and moved n3, n4 slightly (Pd stayed put); at exact ties of the
 * final adds the host rounds to even (~40,000 sensitive ties, independent of the discarded bits of
 * z t1, of the sign of r and of the quadrant).
 *
 * The same measurement one level further in settled the rest. Taking only the
 * arguments where rounding t2 itself (d2 + RN68(z t3), n2 + RN68(z t3)) the
 * other way changes the verdict (the t1 ones mix in the discrete rounding of
 * z t2 and had hidden it), the host's side in each z bin of width 1/40 flips
 * at one sharp offset (0-8 contradictions in 150-400 arguments per bin at
 * 1/4 <= z < 0.6): Pd's t2 lies above ours by a bump, 0.18 unit of t2 at
 * z ~ 0.42 falling to 0 at z = 0.25 and 0.6 and negative below (the earlier
 * "scatter" was that bump averaged over wide bins); Pn's by a smaller one of
 * the same shape. The quadratic a + b z + c z^2 with fewest contradicted sides
 * (a a whole unit of d2 or n2, b and c on a grid; Pd: -1, 5.42, -6.2 units of
 * 2^-72 over 3,500 arguments; Pn: 0, 2.0, -3.75 units of 2^-75 over 250) was
 * added to d2..d4 and n2..n4, d4 now lying just under 2^-19. Fresh arguments
 * at |r| >= 1/4: misses 147 -> 5 (x in [1/2, 1), 1M) and 106 -> 1 (|x| in
 * [1, 32), 1.5M). Regrouping the Horner steps (Estrin, z^2 terms, fused
 * steps), a wider or narrower z in the inner products and truncated inner
 * products were all measured worse (notes of the fourth attempt). */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide tan_num[] = {
    F80W_C68(0, 0xB9F25A5EEF7C79A2, 0xC000000000000000, 0),   /* A */
    F80W_C68(1, 0xCC3A370AA4A78927, 0x0000000000000000, -3),  /* n1 */
    F80W_C68(0, 0xBAE23C0C0DF90B4E, 0x9000000000000000, -8),  /* n2 */
    F80W_C68(1, 0xAFA1F16E6FB500D1, 0xF000000000000000, -15), /* n3 */
    F80W_C68(0, 0xB6A503B056EB1A26, 0x1000000000000000, -25), /* n4 */
};

static const struct f80_wide tan_den[] = {
    F80W_C68(0, 0xB9F25A5EEF7C79A2, 0xC000000000000000, 0),   /* A */
    F80W_C68(1, 0xAF0574AC9E2788B6, 0x4000000000000000, -1),  /* d1 */
    F80W_C68(0, 0xA36F5651E07EE267, 0x0000000000000000, -5),  /* d2 */
    F80W_C68(1, 0x9978EFFE48A95AC2, 0xE000000000000000, -11), /* d3 */
    F80W_C68(0, 0xFFFFFFFFFFFFFFD5, 0x6000000000000000, -20), /* d4 */
};

struct f80_wide f80w_tan68(struct f80_wide r, bool odd)
{
    struct f80_wide z = f80w_mul68(r, r);
    struct f80_wide pn = f80w_horner68(tan_num, sizeof tan_num / sizeof tan_num[0], z);
    struct f80_wide pd = f80w_horner68(tan_den, sizeof tan_den / sizeof tan_den[0], z);
    struct f80_wide n = f80w_mul68(r, pn);
    /* The sticky quotient keeps an exact one exact (x a power of two far below 1,
     * where N / Pd = x must not round up in RU). */
    return odd ? f80w_neg(f80w_div_sticky(pd, n)) : f80w_div_sticky(n, pd);
}

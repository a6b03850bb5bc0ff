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
 * for ratios below 2^-9 (1.2 M probes; 67 or 69 bits give ~3% mismatches). */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide pi68 = F80W_C68(0, 0xC90FDAA22168C234, 0xC000000000000000, 1);

struct f80_wide f80w_atan2_68(struct f80_wide y, struct f80_wide x)
{
    bool ny = y.neg, nx = x.neg;
    y.neg = x.neg = false;
    bool steep = f80w_cmp_abs(y, x) > 0;
    struct f80_wide q = f80w_round68(steep ? f80w_div_sticky(x, y) : f80w_div_sticky(y, x));
    struct f80_wide a = f80w_atan(q);
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

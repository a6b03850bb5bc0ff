/* F2XM1 of |x| < 2^-4 as the host x87 computes it on its 68-bit datapath,
 * found by probing the host (AMD EPYC) in all four rounding modes
 * (docs/ARCHITECTURE.md, "x87 transcendentals"): the exponential's Pade shape
 * 2^x - 1 = 2xP / (Q - xP) with ln 2 folded into the coefficients,
 *
 *   z = RN68(x * x),  Pn = P(z),  Qd = Q(z)   (Horner, every step RN68)
 *   N = RN68(x * Pn),  D = RN68(Qd - N/2),  2^x - 1 = N / D rounded once.
 *
 * p0 and q0 are the host's exact 68-bit constants (p0/q0 = ln 2 to ~2^-70; found
 * from the sawtooth of tiny arguments, whose result is RN68(x*p0)/q0).
 * The rest: xP/(2Q) is a [7/7] rational approximation of tanh(x ln2 / 2) whose
 * coefficients sit within ~1e-8 of the minimax of the relative error of 2^x - 1
 * on [-1, 1] normalized to q3 = 2^-20 (Remez; with q3 = 2^-20 the minimax on
 * z <= 0.999974 reproduces the measured q0 exactly and p1, q1 to ~1e-13). That
 * start was then corrected against the host: (1) the ratio N/D by a linear
 * least-squares fit to 66,000 host brackets (RD/RU/RN) for 2^-11 <= |x| < 1,
 * which leaves it within the measurement noise; (2) the directions that keep
 * the ratio but move P and Q themselves (multiplying both by 1 + c z + d z^2,
 * invisible in the quotient, visible only in the 68-bit roundings of N and D)
 * by a grid search minimizing disagreements with the host band by band
 * (|x| ~ 2^-14 .. 2^-7 pins c to ~1e-19). Result: bit-exact for
 * 2^-16381 <= |x| < 2^-7 in ~30,000 probes, ~0.3% of cases one ulp or C1 off in
 * [2^-7, 2^-5) and ~4% in [2^-5, 2^-4) against ~6% for the exact value rounded
 * once; from 2^-4 on the coefficients are not yet exact enough to beat the
 * exact value, so f80_2xm1 uses this only below 2^-4. q3 is within 6e-12 of
 * 2^-20 (not forced to it). Research notes: the helper's NOTES.md. */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide p_coef[] = {
    F80W_C68(0, 0xEBED907FCBB85B9D, 0x8000000000000000, 0), /* p0, exact */
    F80W_C68(0, 0xE87D6BDA437B0021, 0x0000000000000000, -6),
    F80W_C68(0, 0x9BE60D47A06EEB13, 0xA000000000000000, -14),
    F80W_C68(0, 0xCA971A0E140EC0C1, 0x5000000000000000, -26),
};

static const struct f80_wide q_coef[] = {
    F80W_C68(0, 0xAA2FA223AD82D2D2, 0xD000000000000000, 1), /* q0, exact */
    F80W_C68(0, 0x96F2C97DDDF79076, 0x7000000000000000, -3),
    F80W_C68(0, 0xEA5C0005E2E7D0DF, 0x1000000000000000, -11),
    F80W_C68(0, 0xFFFFFFFFD3F0AE08, 0x5000000000000000, -21),
};

struct f80_wide f80w_2xm1_68(struct f80_wide x)
{
    if (x.m == 0)
        return x;
    struct f80_wide z = f80w_mul68(x, x);
    struct f80_wide pn = f80w_horner68(p_coef, sizeof p_coef / sizeof p_coef[0], z);
    struct f80_wide qd = f80w_horner68(q_coef, sizeof q_coef / sizeof q_coef[0], z);
    struct f80_wide n = f80w_mul68(x, pn);
    struct f80_wide d = f80w_add68(qd, f80w_neg(f80w_scale(n, -1)));
    return f80w_div_sticky(n, d);
}

/* F2XM1 (|x| <= 1) as the host x87 computes it on its 68-bit datapath, found
 * by probing the host (AMD EPYC) in all four rounding modes (docs/ARCHITECTURE.md,
 * "x87 transcendentals"): the exponential's Pade shape 2^x - 1 = 2xP / (Q - xP)
 * with ln 2 folded into the coefficients, no argument reduction,
 *
 *   z = RN68(x * x),  Pn = P(z),  Qd = Q(z)   (Horner, every step RN68)
 *   N = RN68(x * Pn),  D = RN68(Qd - N/2),  2^x - 1 = N / D rounded once.
 *
 * xP/(2Q) is a [7/7] rational approximation of tanh(x ln2 / 2). How the
 * coefficients were found:
 * - p0, q0 exactly, from the sawtooth of tiny arguments (result RN68(x p0)/q0).
 * - A start for the rest: the minimax of the relative error of 2^x - 1 on
 *   [-1, 1] in this form, normalized to q3 = 2^-20, reproduces the measured q0
 *   (for z <= 0.999974) and the ~47-bit p1, q1 to ~1e-13 (Remez).
 * - The exact values: the quotient alone cannot separate P from Q (scaling
 *   both by 1 + cz + ... keeps it), but the 68-bit roundings of Pn and Qd can.
 *   For each probe the host's bracket (RD, RU, RN) says which of the four
 *   roundings (down/up) of Pn and Qd it is consistent with; when only one,
 *   that is a linear inequality on p1..p3 (or q1..q3) at that z. Band by band
 *   (|x| from 2^-9 up to 1) these inequalities, solved together by cyclic
 *   projection, pinned p1 and q1 (one unit either way: thousands of misses
 *   in 640,000 sensitive probes).
 * - The inner coefficients from the inner roundings: with the previous fit the
 *   misses at |x| >= 1/4 were probes where the inner add S1 = RN68(q1 + A1)
 *   (or p1 + A1) lay at or a few 1/256 of a unit above a tie and the host had
 *   rounded down, i.e. the host's A1 = RN68(z * S2) was a unit or two smaller.
 *   Integer-unit scans of (q2, q3) and (p2, p3), counting host mismatches on
 *   probes whose result depends on such a rounding (kept from 10^7-10^8
 *   random ones, fitted on one seed, checked on another), follow a valley
 *   (q2 -1 <-> q3 +~1070 units: z against z^2) whose floor gives q3 = 2^-20
 *   exactly; then q2 and p2 are sharp (one unit off: 40-170 misses where the
 *   values here have none) and p3 lies in a window of 29 units (its middle).
 * - Exact 68-bit ties are broken to even at every step (D, Qd, Pn, S1 of Q:
 *   ~290,000 ties in the probes, no exception).
 * Validated on fresh arguments (values and C1, four rounding modes): 0
 * mismatches in 2*10^7 random probes with 1/4 <= |x| < 1 and 10^7 from 2^-30
 * to 1/4; 1,500 below 2^-198 and near 2^-16381 matched before. -1 gives -0.5
 * exactly and +1 just below 1, as on the host. */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide p_coef[] = {
    F80W_C68(0, 0xEBED907FCBB85B9D, 0x8000000000000000, 0), /* p0, exact */
    F80W_C68(0, 0xE87D6BDA437AFE24, 0x4000000000000000, -6),
    F80W_C68(0, 0x9BE60D47A553A74B, 0xD000000000000000, -14),
    F80W_C68(0, 0xCA971A0EC1C94140, 0xC000000000000000, -26),
};

static const struct f80_wide q_coef[] = {
    F80W_C68(0, 0xAA2FA223AD82D2D2, 0xD000000000000000, 1), /* q0, exact */
    F80W_C68(0, 0x96F2C97DDDF7901A, 0xF000000000000000, -3),
    F80W_C68(0, 0xEA5C0005E3C9B59A, 0xA000000000000000, -11),
    F80W_C68(0, 0x8000000000000000, 0x0000000000000000, -20),
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

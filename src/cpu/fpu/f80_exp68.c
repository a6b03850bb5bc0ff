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
 *   (|x| from 2^-9 up to 1, 7,500 probes each) the remaining free directions
 *   were first scanned, then all inequalities solved together (cyclic
 *   projection), repeated until stable; last, pairs of coefficients were
 *   scanned in steps of 1/200 to 1/2000 of a 68-bit unit of their effect at
 *   |x| = 1 against 250,000 more probes with |x| >= 1/4.
 * Validated on fresh arguments (values and C1, four rounding modes): 0
 * mismatches in 24,000 probes from 2^-14 to 1/4 and in 1,500 below 2^-198 and
 * near 2^-16381, 0 in 60,000 with 1/4 <= |x| < 1; the differential test still
 * finds a few per million there (near-ties in the inner Horner steps, decided
 * by coefficient bits not yet pinned). q3 comes out
 * ~10,000 68-bit units (3e-23) below 2^-20; q3 = 2^-20 exactly fits
 * measurably worse. -1 gives -0.5 exactly and +1 just below 1, as on the
 * host. */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide p_coef[] = {
    F80W_C68(0, 0xEBED907FCBB85B9D, 0x8000000000000000, 0), /* p0, exact */
    F80W_C68(0, 0xE87D6BDA437AFE24, 0x4000000000000000, -6),
    F80W_C68(0, 0x9BE60D47A553A74B, 0xD000000000000000, -14),
    F80W_C68(0, 0xCA971A0EC1C94147, 0xA000000000000000, -26),
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

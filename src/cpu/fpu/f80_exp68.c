/* F2XM1 of small arguments as the host x87 computes it on its 68-bit datapath,
 * found by probing the host (AMD EPYC) in all four rounding modes
 * (docs/ARCHITECTURE.md, "x87 transcendentals"): the exponential's Pade shape
 * 2^x - 1 = 2xP / (Q - xP) with ln 2 folded into the coefficients,
 *
 *   z = RN68(x * x),  Pn = P(z),  Qd = Q(z)   (Horner, every step RN68)
 *   N = RN68(x * Pn),  D = RN68(Qd - N/2),  2^x - 1 = N / D rounded once.
 *
 * p0 and q0 are the host's exact 68-bit constants (p0/q0 = ln 2 to ~2^-70; found
 * from the sawtooth of tiny arguments, whose result is RN68(x*p0)/q0); p1 and q1
 * are known to ~47 bits, p2, p3, q2, q3 come from a least-squares fit. The model
 * matches the host bit for bit (values and C1) for 2^-16000 < |x| < 2^-11 and
 * drifts above that, so f80_2xm1 uses it only there. */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide p_coef[] = {
    F80W_C68(0, 0xEBED907FCBB85B9D, 0x8000000000000000, 0), /* p0, exact */
    F80W_C68(0, 0xE87D6BDA437ABE45, 0xF000000000000000, -6),
    F80W_C68(0, 0x9BE60D49E896136B, 0x4000000000000000, -14),
    F80W_C68(0, 0xCA971A58525A65EE, 0xB000000000000000, -26),
};

static const struct f80_wide q_coef[] = {
    F80W_C68(0, 0xAA2FA223AD82D2D2, 0xD000000000000000, 1), /* q0, exact */
    F80W_C68(0, 0x96F2C97DDDF78495, 0x4000000000000000, -3),
    F80W_C68(0, 0xEA5C00064C3F8214, 0xE000000000000000, -11),
    F80W_C68(0, 0x8000000A05CAE8AA, 0x9000000000000000, -20),
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

/* log2 as the host x87 (AMD EPYC) computes it for FYL2X, on its 68-bit internal
 * datapath. Found by probing the host (docs/ARCHITECTURE.md, "x87 transcendentals"):
 *
 * - FYL2X(y, x) is y * L, exact, rounded once to the destination, where L is a
 *   68-bit value: for a fixed x, the half-ulp intervals that RD, RU and RN + C1
 *   give for host(y, x) / y over thousands of y intersect in an interval that
 *   always holds exactly one 68-bit number. That recovers L bit for bit, so the
 *   pipeline below was fitted on exact L values rather than on rounded results.
 * - x = 2^e * m with m in [1, 2); m >= sqrt 2 gives m / 2 and e + 1.
 *   t = RN68((m - 1) / (m + 1)), z = RN68(t * t),
 *   T = RN68(t * C), S = RN68(RN68(t * z) * R(z)),  L = RN68(RN68(e + T) + S)
 *   (log2 m = 2 log2(e) atanh t = t (C + z R(z)), Cody and Waite's shape).
 *   Other orders (RN68(e + RN68(T + S)), an exact e + T + S, t * RN68(C + z R))
 *   match only 65-98% of the recovered L values, this one all but the few where
 *   R is not yet exact.
 * - C = RN68(2 log2 e) exactly: for x = 1 + k 2^-63 and 1 - k 2^-64 (k <= 3000)
 *   L = RN68(RN68(t) * C) in 6000 of 6000 cases, and C one unit away in < 500.
 * - R(z) ~ 2 log2(e) (1/3 + z/5 + z^2/7 + ...), Horner at 68 bits: the host's
 *   function is not the Taylor series nor a minimax polynomial for log2 (those
 *   miss ~13% of L); its values come from a weighted least-squares fit of a
 *   degree-9 polynomial to the intervals that 36,000 recovered L values give for
 *   R (z up to (3 - 2 sqrt 2)^2). The fitted R reproduces ~99.5% of L exactly;
 *   the rest lie within ~0.03 of a 68-bit rounding boundary. */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide log_c = F80W_C68(0, 0xB8AA3B295C17F0BB, 0xC000000000000000, 1);

static const struct f80_wide log_r[] = {
    F80W_C68(0, 0xF6384EE1D01FEB56, 0xD000000000000000, -1),
    F80W_C68(0, 0x93BB62877CE08019, 0x5000000000000000, -1),
    F80W_C68(0, 0xD30BB153D66D53C7, 0x2000000000000000, -2),
    F80W_C68(0, 0xA42589EBDBF7EE06, 0xB000000000000000, -2),
    F80W_C68(0, 0x864D42676D06C241, 0x6000000000000000, -2),
    F80W_C68(0, 0xE34794F1009E566D, 0x0000000000000000, -3),
    F80W_C68(0, 0xC4FE80AD188A2287, 0xD000000000000000, -3),
    F80W_C68(0, 0xAD41CF5BFD02B111, 0xD000000000000000, -3),
    F80W_C68(0, 0xA4157B7C1773DE24, 0x2000000000000000, -3),
    F80W_C68(0, 0xB6F41FD97746301B, 0xE000000000000000, -4),
};

/* sqrt 2 as a 64-bit significand (m >= this is reduced to m / 2) */
#define SQRT2_SIG 0xB504F333F9DE6484u

struct f80_wide f80w_log2_68(struct f80_wide x, bool *exact)
{
    int32_t e = x.exp;
    struct f80_wide m = {x.m, 0, false}; /* [1, 2) */
    if ((uint64_t)(x.m >> 64) >= SQRT2_SIG) {
        m.exp = -1;
        e++;
    }
    struct f80_wide one = f80w_from_int(1);
    struct f80_wide t = f80w_round68(f80w_div_sticky(f80w_sub(m, one), f80w_add(m, one)));
    struct f80_wide ew = f80w_from_int(e);
    *exact = t.m == 0;
    if (t.m == 0)
        return ew;
    struct f80_wide z = f80w_mul68(t, t);
    struct f80_wide big = f80w_mul68(t, log_c);
    struct f80_wide r = f80w_horner68(log_r, sizeof log_r / sizeof log_r[0], z);
    struct f80_wide small = f80w_mul68(f80w_mul68(t, z), r);
    return f80w_add68(f80w_add68(ew, big), small);
}

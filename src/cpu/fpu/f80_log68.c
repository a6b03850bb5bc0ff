/* log2 as the host x87 (AMD EPYC) computes it for FYL2X, on its 68-bit internal
 * datapath. Found by probing the host (docs/ARCHITECTURE.md, "x87 transcendentals"):
 *
 * - FYL2X(y, x) is y * L, exact, rounded once to the destination, where L is a
 *   68-bit value: for a fixed x, the half-ulp intervals that RD, RU and RN + C1
 *   give for host(y, x) / y over thousands of y intersect in an interval that
 *   always holds exactly one 68-bit number. That recovers L bit for bit, so the
 *   pipeline below was fitted on exact L values rather than on rounded results.
 * - x = 2^e * m with m in [1, 2); m > sqrt 2 gives m / 2 and e + 1.
 *   t = RN68((m - 1) / (m + 1)), z = RN68(t * t),
 *   T = RN68(t * C), S = RN68(RN68(t * z) * R(z)),  L = RN68(RN68(e + T) + S)
 *   (log2 m = 2 log2(e) atanh t = t (C + z R(z)), Cody and Waite's shape).
 *   Other orders (RN68(e + RN68(T + S)), an exact e + T + S, t * RN68(C + z R))
 *   match only 65-98% of the recovered L values, this one all but the few where
 *   R is not yet exact.
 * - C = RN68(2 log2 e) exactly: for x = 1 + k 2^-63 and 1 - k 2^-64 (k <= 3000)
 *   L = RN68(RN68(t) * C) in 6000 of 6000 cases, and C one unit away in < 500.
 * - R(z) ~ 2 log2(e) (1/3 + z/5 + z^2/7 + ...), Horner at 68 bits. Its values
 *   are a weighted least-squares fit of a degree-10 polynomial to the intervals
 *   that 168,000 recovered L values give for R (FYL2X's z <= (3 - 2 sqrt 2)^2 and
 *   FYL2XP1's, which shares this core, up to z = 1/16). Taylor or minimax
 *   polynomials for log2 miss 12-25% of L; the fitted R's error against the
 *   series has the shape and size (+-0.8 * 2^-68 in C + zR) of the minimax
 *   rational of degree (3, 4) in z on [0, 1/16], probably the host's true form
 *   (not yet exact). The fit reproduces ~99.8% of L for e in {-1, 0} and all
 *   L seen for other e; the misses lie within ~0.01 of a 68-bit rounding
 *   boundary. */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide log_c = F80W_C68(0, 0xB8AA3B295C17F0BB, 0xC000000000000000, 1);

static const struct f80_wide log_r[] = {
    F80W_C68(0, 0xF6384EE1D01FEB56, 0xE000000000000000, -1),
    F80W_C68(0, 0x93BB62877CE0888D, 0xC000000000000000, -1),
    F80W_C68(0, 0xD30BB153D63AEA73, 0x6000000000000000, -2),
    F80W_C68(0, 0xA42589EC14FAE71C, 0x5000000000000000, -2),
    F80W_C68(0, 0x864D4246572E343C, 0x6000000000000000, -2),
    F80W_C68(0, 0xE347AAF92842FD00, 0xC000000000000000, -3),
    F80W_C68(0, 0xC4FA22CEA435E840, 0x7000000000000000, -3),
    F80W_C68(0, 0xADC308484FB0C847, 0xF000000000000000, -3),
    F80W_C68(0, 0x9C4573E148A6EBEE, 0xB000000000000000, -3),
    F80W_C68(0, 0x84475172414198FC, 0x8000000000000000, -3),
    F80W_C68(0, 0xB33C0E02FA7455B1, 0x3000000000000000, -3),
};

/* sqrt 2 = 0xB504F333F9DE6484.597... * 2^-63: significands above it are reduced
 * to m / 2 (the host keeps 0x...6484 unreduced and reduces 0x...6488; both ways
 * give the same L for the three significands in between). */
#define SQRT2_SIG 0xB504F333F9DE6484u

struct f80_wide f80w_log2_68(struct f80_wide x, bool *exact)
{
    int32_t e = x.exp;
    struct f80_wide m = {x.m, 0, false}; /* [1, 2) */
    if ((uint64_t)(x.m >> 64) > SQRT2_SIG) {
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

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
 * - One core, log2((1 + t) / (1 - t)) = 2 log2(e) atanh t = u (1 + z F(z)) with
 *   u = t C and F = N / M a [3/4] rational in z = t^2, evaluated as FPATAN's is:
 *   z = RN68(t * t), T = RN68(t * C), X = RN68(T * z), N and M by Horner with
 *   every step rounded to 68 bits, S = RN68(RN68(X * N) / M). The multiplier is
 *   RN68(T * z), not RN68(t * z) * C (pairs of close arguments need values of F at
 *   most 1.4 68-bit units apart against 3.2 for the latter), and X * N is rounded
 *   before the division: the host's scatter about RN68(X * N / M) at z <= 1e-10
 *   has exactly the width of that one rounding (a likelihood test on 55,000
 *   targeted probes preferred it to a rounded 1 / M, N, M or a plain half ulp).
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
 * - The ROM values (docs/ARCHITECTURE.md, "log core"). F is the relative
 *   minimax of atanh on t <= 0.2502 with the z-coefficient of the target moved,
 *   but only the exact 68-bit N and M give the host's roundings of X * N, N, M and
 *   S, and each targeted probe (an argument whose T + S lies within a unit of an
 *   L rounding boundary) tells on which side the host's S falls. n0 and m0 came
 *   from probes at z <= 1e-13, where only their last bits matter; the rest from
 *   windows of 2,000 probes each at 0.004 <= z <= 0.06, in which shifting N and M
 *   by a fraction of an ulp raised the agreement from ~0.96 to ~0.998; a cubic
 *   through those shifts moved n1..n3 and m1..m3. A coordinate descent on
 *   smooth corrections of N and M (cubic in z for each, plus m4's z^4 term),
 *   trained on half of 623,000 fresh probes at 0.004 <= z <= 1/16 and checked
 *   on the other half (0.99963), then moved them by hundredths of an ulp at
 *   z = 1/16; on the 496,000 earlier probes it agrees with 0.99994. m4 ends
 *   47,186 units of 2^-72 above 2^-5 (FPATAN's top denominator coefficient is
 *   exactly 2^-10; here 2^-5 exactly scores 0.9997). The bits may still differ
 *   from the ROM where no probe reaches them. */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide log_c = F80W_C68(0, 0xB8AA3B295C17F0BB, 0xC000000000000000, 1);

static const struct f80_wide num_coef[] = {
    F80W_C68(0, 0xC26E816F1BA9169F, 0xC000000000000000, -2), /* n0 */
    F80W_C68(1, 0x954E207FD49A50EC, 0x0000000000000000, -1), /* n1 */
    F80W_C68(0, 0x801D4F197E47378A, 0x1000000000000000, -2), /* n2 */
    F80W_C68(1, 0xD515D5CADD2BE64C, 0x1000000000000000, -6), /* n3 */
};

static const struct f80_wide den_coef[] = {
    F80W_C68(0, 0x91D2E11354BED126, 0xE000000000000000, 0),  /* m0 */
    F80W_C68(1, 0x9BB9DBE5AC139010, 0x4000000000000000, 1),  /* m1 */
    F80W_C68(0, 0xDC76107462B92F7D, 0x8000000000000000, 0),  /* m2 */
    F80W_C68(1, 0xE5930247822CE00E, 0x1000000000000000, -2), /* m3 */
    F80W_C68(0, 0x8000000000000B85, 0x2000000000000000, -5), /* m4 */
};

/* sqrt 2 = 0xB504F333F9DE6484.597... * 2^-63: significands above it are reduced
 * to m / 2 (the host keeps 0x...6484 unreduced and reduces 0x...6488; both ways
 * give the same L for the three significands in between). */
static const struct f80_wide sqrt2 = F80W_C68(0, 0xB504F333F9DE6484, 0x597D89B3754ABE9F, 0);

/* T = RN68(t * C) and S = RN68(RN68(RN68(T * z) * N(z)) / M(z)). */
static void log_core(struct f80_wide t, struct f80_wide *big, struct f80_wide *small)
{
    struct f80_wide z = f80w_mul68(t, t);
    *big = f80w_mul68(t, log_c);
    *small = f80w_rational68(f80w_mul68(*big, z), num_coef, sizeof num_coef / sizeof num_coef[0],
                             den_coef, sizeof den_coef / sizeof den_coef[0], z);
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

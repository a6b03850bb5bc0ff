/* Sine and cosine (tangent: f80_tan68.c) as the host x87 computes them after argument
 * reduction, on its 68-bit internal datapath. Found by probing the host (AMD EPYC) in all four
 * rounding modes (docs/ARCHITECTURE.md, "x87 transcendentals"):
 *
 *   z = RN68(r * r)
 *   sin: Q = s7, Q = RN68(RN68(Q * z) + s_k) for k = 6..1;  v = r + RN68(RN68(r * z) * Q)
 *   cos: Q = c8, Q = RN68(RN68(Q * z) + c_k) for k = 7..1;  v = 1 + RN68(z * Q)
 *
 * where RN68 rounds to nearest-even at 68 significant bits and v, the exact sum,
 * is rounded once to the destination. s1..s7 are the relative-error minimax
 * polynomial of degree 15 for sin on [0, pi/4], rounded to 68 bits, computed
 * with a Remez exchange; the sine matches the host bit for bit (values and C1,
 * 200,000 cases per range up to 1e18).
 *
 * The cosine's c1..c8 are the relative-error minimax approximation of 1 - cos r
 * by -z * (c1 + c2 z + ... + c8 z^7) on [0, pi/4] with all eight coefficients
 * free (Remez exchange, weight z / (1 - cos r) on (cos r - 1) / z), each then
 * rounded to 68 bits, which turns c1 = -0.49999999999999999999990 into exactly
 * -1/2. Found by probing: for |x| < pi/4 (no reduction) the host's result tells
 * which of the two 68-bit neighbours Q took whenever they round differently;
 * 110,000 such identifications showed the absolute-error set (c1 fixed) off by a
 * smooth, oscillating amount, which a direct fit to them reduced to the constant
 * offset this free-c1 fit has. With it the 110,000 agree, and c2 or c3 moved
 * by one 68-bit unit breaks ~5,300 or ~80 of them (c4..c8 are below what the
 * host's results resolve and come from the fit alone). */
#include "cpu/fpu/f80_wide.h"

static const struct f80_wide sin_coef[] = {
    F80W_C68(1, 0xAAAAAAAAAAAAAA97, 0x3000000000000000, -3),  /* s1 ~ -1/3! */
    F80W_C68(0, 0x8888888888885699, 0xC000000000000000, -7),  /* s2 ~ 1/5! */
    F80W_C68(1, 0xD00D00D00C536514, 0x4000000000000000, -13), /* s3 */
    F80W_C68(0, 0xB8EF1D299845C8F6, 0xD000000000000000, -19), /* s4 */
    F80W_C68(1, 0xD7322946BF3401B0, 0xC000000000000000, -26), /* s5 */
    F80W_C68(0, 0xB0904623E70664D7, 0x6000000000000000, -33), /* s6 */
    F80W_C68(1, 0xD5512389E1D64E26, 0xA000000000000000, -41), /* s7 */
};

static const struct f80_wide cos_coef[] = {
    F80W_C68(1, 0x8000000000000000, 0x0000000000000000, -1),  /* c1 = -1/2 */
    F80W_C68(0, 0xAAAAAAAAAAAAAAA4, 0x8000000000000000, -5),  /* c2 ~ 1/4! */
    F80W_C68(1, 0xB60B60B60B609BCA, 0x3000000000000000, -10), /* c3 */
    F80W_C68(0, 0xD00D00D00CABFC91, 0x3000000000000000, -16), /* c4 */
    F80W_C68(1, 0x93F27DBB3E4B5C33, 0x4000000000000000, -22), /* c5 */
    F80W_C68(0, 0x8F76C6975F788ECE, 0x9000000000000000, -29), /* c6 */
    F80W_C68(1, 0xC9C9E8AD08590648, 0x8000000000000000, -37), /* c7 */
    F80W_C68(0, 0xD584517987A02C02, 0xD000000000000000, -45), /* c8 */
};

struct f80_wide f80w_sin68(struct f80_wide r)
{
    if (r.m == 0)
        return r;
    struct f80_wide z = f80w_mul68(r, r);
    struct f80_wide q = f80w_horner68(sin_coef, sizeof sin_coef / sizeof sin_coef[0], z);
    return f80w_add(r, f80w_mul68(f80w_mul68(r, z), q));
}

struct f80_wide f80w_cos68(struct f80_wide r)
{
    struct f80_wide one = f80w_from_int(1);
    if (r.m == 0)
        return one;
    struct f80_wide z = f80w_mul68(r, r);
    struct f80_wide q = f80w_horner68(cos_coef, sizeof cos_coef / sizeof cos_coef[0], z);
    return f80w_add(one, f80w_mul68(z, q));
}

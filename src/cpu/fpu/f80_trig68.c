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
 * polynomial of degree 15 for sin on [0, pi/4] and c2..c8 the absolute-error
 * minimax of degree 16 for cos (c1 = -1/2), each rounded to 68 bits; they were
 * computed with a Remez exchange and confirmed against the host: the sine
 * matches it bit for bit (values and C1, 200,000 cases per range up to 1e18),
 * the cosine in all but ~0.04% of cases (one internal step still unknown). */
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
    F80W_C68(0, 0xAAAAAAAAAAAAAA9B, 0x5000000000000000, -5),  /* c2 ~ 1/4! */
    F80W_C68(1, 0xB60B60B60B607FE0, 0x3000000000000000, -10), /* c3 */
    F80W_C68(0, 0xD00D00D00C6F6E0A, 0xA000000000000000, -16), /* c4 */
    F80W_C68(1, 0x93F27DBAFEE007FF, 0x5000000000000000, -22), /* c5 */
    F80W_C68(0, 0x8F76C651FF9566CA, 0x5000000000000000, -29), /* c6 */
    F80W_C68(1, 0xC9C99C52498D4C49, 0xA000000000000000, -37), /* c7 */
    F80W_C68(0, 0xD562ED4272C3A1E3, 0x1000000000000000, -45), /* c8 */
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

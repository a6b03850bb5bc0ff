/* Elementary functions on 128-bit wide values, by Taylor series after a small
 * argument reduction; each loop stops after adding a term below 2^-126 of the
 * sum, so the result carries ~124 correct bits for the one final rounding to 64,
 * and lies on the correct side of a nearby 64-bit value thanks to the sticky bit
 * of f80w_add. (Sine, cosine and tangent follow the host's own polynomials:
 * f80_trig68.c, f80_trans.c.) */
#include "cpu/fpu/f80_wide.h"

/* A term shifted 127 bits or more below the sum adds only its sticky bit: the
 * series stops right after adding the first such term, whose sign is that of the
 * whole neglected tail (the terms fall fast and alternate or share a sign). */
#define W_STOP 126

static bool negligible(struct f80_wide term, struct f80_wide sum)
{
    return term.m == 0 || term.exp < sum.exp - W_STOP;
}

static struct f80_wide one(void)
{
    return f80w_from_int(1);
}

/* atan(t) = t - t^3/3 + t^5/5 - ... */
static struct f80_wide atan_series(struct f80_wide t)
{
    if (t.m == 0)
        return t;
    struct f80_wide t2 = f80w_mul(t, t), sum = t, pow = t;
    for (uint32_t k = 1; k < 80; k++) {
        pow = f80w_mul(pow, t2);
        struct f80_wide term = f80w_div_small(pow, 2 * k + 1);
        sum = (k & 1) ? f80w_sub(sum, term) : f80w_add(sum, term);
        if (negligible(term, sum))
            break;
    }
    return sum;
}

/* atan(k/8), k = 1..8, correctly rounded to 128 bits. */
static const struct {
    uint64_t hi, lo;
    int32_t exp;
} atan_eighths[8] = {
    {0xFEADD4D5617B6E32u, 0xC897989F3E888EF8u, -4}, {0xFADBAFC96406EB15u, 0x6DC79EF5F7A217E6u, -3},
    {0xB7B0CA0F26F78473u, 0x8AA32122DCFE4483u, -2}, {0xED63382B0DDA7B45u, 0x6FE445ECBC3A8D03u, -2},
    {0x8F005D5EF7F59F9Bu, 0x5C835E1665C43748u, -1}, {0xA4BC7D1934F70924u, 0x19A87F2A457DAC9Fu, -1},
    {0xB8053E2BC2319E73u, 0xCB2DA55210A4443Du, -1}, {0xC90FDAA22168C234u, 0xC4C6628B80DC1CD1u, -1},
};

struct f80_wide f80w_atan(struct f80_wide q)
{
    /* atan(q) = atan(c) + atan((q - c) / (1 + q c)) with c = k/8 nearest to q,
     * which leaves |t| <= 1/16 for the series. */
    if (q.m == 0 || q.exp < -4)
        return atan_series(q);
    struct f80_wide q8 = f80w_scale(q, 3); /* in [1/2, 8] */
    uint32_t k = 1;                        /* 8q in [1/2, 1) rounds to 1 */
    if (q8.exp >= 0) {
        /* round(8q): the integer part plus the bit just below it */
        k = (uint32_t)(q8.m >> (127 - q8.exp));
        k += (uint32_t)(q8.m >> (126 - q8.exp)) & 1;
    }
    if (k == 0)
        return atan_series(q);
    if (k > 8)
        k = 8;
    struct f80_wide c = f80w_div_small(f80w_from_int(k), 8);
    struct f80_wide t = f80w_div(f80w_sub(q, c), f80w_add(one(), f80w_mul(q, c)));
    struct f80_wide base =
        f80w_const(atan_eighths[k - 1].hi, atan_eighths[k - 1].lo, atan_eighths[k - 1].exp);
    return f80w_add(base, atan_series(t));
}

struct f80_wide f80w_expm1(struct f80_wide t)
{
    struct f80_wide sum = t, term = t;
    if (t.m == 0)
        return t;
    for (uint32_t n = 2; n < 60; n++) {
        term = f80w_div_small(f80w_mul(term, t), n);
        sum = f80w_add(sum, term);
        if (negligible(term, sum))
            break;
    }
    return sum;
}

/* 2 atanh(s) = ln((1 + s) / (1 - s)) = 2 (s + s^3/3 + s^5/5 + ...) */
static struct f80_wide atanh2(struct f80_wide s)
{
    if (s.m == 0)
        return s;
    struct f80_wide s2 = f80w_mul(s, s), sum = s, pow = s;
    for (uint32_t k = 1; k < 80; k++) {
        pow = f80w_mul(pow, s2);
        struct f80_wide term = f80w_div_small(pow, 2 * k + 1);
        sum = f80w_add(sum, term);
        if (negligible(term, sum))
            break;
    }
    return f80w_scale(sum, 1);
}

struct f80_wide f80w_log2(struct f80_wide x, bool *exact)
{
    /* x = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh((m-1)/(m+1)). */
    int32_t e = x.exp;
    struct f80_wide m = x;
    m.exp = 0;
    if ((uint64_t)(m.m >> 64) >= UINT64_C(0xB504F333F9DE6484)) {
        m.exp = -1;
        e++;
    }
    *exact = m.exp == 0 && m.m == ((unsigned __int128)1 << 127);
    struct f80_wide ie = f80w_from_int(e);
    if (*exact)
        return ie;
    struct f80_wide s = f80w_div(f80w_sub(m, one()), f80w_add(m, one()));
    return f80w_add(ie, f80w_mul(atanh2(s), f80w_log2e()));
}

struct f80_wide f80w_log2_1p(struct f80_wide x)
{
    /* 1 + x = (1 + s) / (1 - s) with s = x / (2 + x): no rounding of 1 + x. */
    struct f80_wide s = f80w_div(x, f80w_add(f80w_from_int(2), x));
    return f80w_mul(atanh2(s), f80w_log2e());
}

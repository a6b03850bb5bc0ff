/* atan on 128-bit wide values (the one exact function the 68-bit models still
 * need: FPATAN's atan(q) for small ratios, f80_atan68.c), by a table of
 * atan(k/8) and the Taylor series; the loop stops after adding a term below
 * 2^-126 of the sum, so the result carries ~124 correct bits for the one final
 * rounding to 64, and lies on the correct side of a nearby 64-bit value thanks
 * to the sticky bit of f80w_add. The other transcendentals follow the host's
 * own 68-bit pipelines (f80_trig68.c, f80_tan68.c, f80_exp68.c, f80_log68.c). */
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

/* 128-bit-significand soft floating point for the transcendental instructions:
 * normalization, add/sub/mul/div with truncation, and the final rounding to the
 * f80 register format through f80_round_pack. */
#include "cpu/fpu/f80_wide.h"

#include "cpu/fpu/f80_internal.h"

#define W_TOP ((unsigned __int128)1 << 127)
#define M64   UINT64_C(0xFFFFFFFFFFFFFFFF)

static int clz128(unsigned __int128 v)
{
    uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;
    if (hi)
        return __builtin_clzll(hi);
    if (lo)
        return 64 + __builtin_clzll(lo);
    return 128;
}

struct f80_wide f80w_make(bool neg, int32_t exp, unsigned __int128 m)
{
    struct f80_wide w = {m, exp, neg};
    if (m == 0)
        return (struct f80_wide){0, 0, neg};
    int s = clz128(m);
    w.m <<= s;
    w.exp -= s;
    return w;
}

struct f80_wide f80w_const(uint64_t hi, uint64_t lo, int32_t exp)
{
    return (struct f80_wide){((unsigned __int128)hi << 64) | lo, exp, false};
}

struct f80_wide f80w_from_int(int64_t v)
{
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return f80w_make(v < 0, 127, mag);
}

struct f80_wide f80w_from_f80(struct f80 a)
{
    struct f80_unpacked u = f80_unpack(a);
    /* mant * 2^(exp - 63) == (mant << 64) * 2^(exp - 127) */
    return f80w_make(u.sign, u.exp, (unsigned __int128)u.mant << 64);
}

int f80w_cmp_abs(struct f80_wide a, struct f80_wide b)
{
    if (a.m == 0 || b.m == 0)
        return (a.m != 0) - (b.m != 0);
    if (a.exp != b.exp)
        return a.exp > b.exp ? 1 : -1;
    return (a.m > b.m) - (a.m < b.m);
}

struct f80_wide f80w_add(struct f80_wide a, struct f80_wide b)
{
    if (b.m == 0)
        return a;
    if (a.m == 0)
        return b;
    if (f80w_cmp_abs(a, b) < 0) {
        struct f80_wide t = a;
        a = b;
        b = t;
    }
    /* Bits of b shifted out are jammed into the lowest bit, so that a difference
     * lands on the correct side of a and the final rounding sees it. */
    int32_t d = a.exp - b.exp;
    unsigned __int128 bm = d >= 128 ? 1 : (b.m >> d) | (d > 0 && (b.m << (128 - d)) != 0);
    if (a.neg == b.neg) {
        unsigned __int128 s = a.m + bm;
        if (s < a.m) /* carry out: the bit shifted out stays as a sticky bit */
            return (struct f80_wide){(s >> 1) | W_TOP | (s & 1), a.exp + 1, a.neg};
        return (struct f80_wide){s, a.exp, a.neg};
    }
    return f80w_make(a.neg, a.exp, a.m - bm);
}

struct f80_wide f80w_sub(struct f80_wide a, struct f80_wide b)
{
    return f80w_add(a, f80w_neg(b));
}

/* The 256-bit product's upper half, normalized; *sticky says whether any bit of
 * the lower half (what is dropped) is set. */
static struct f80_wide mul_top(struct f80_wide a, struct f80_wide b, bool *sticky)
{
    bool neg = a.neg != b.neg;
    *sticky = false;
    if (a.m == 0 || b.m == 0)
        return (struct f80_wide){0, 0, neg};
    unsigned __int128 ah = a.m >> 64, al = a.m & M64, bh = b.m >> 64, bl = b.m & M64;
    unsigned __int128 hh = ah * bh, hl = ah * bl, lh = al * bh, ll = al * bl;
    unsigned __int128 mid = (hl & M64) + (lh & M64) + (ll >> 64);
    unsigned __int128 top = hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
    unsigned __int128 bottom = ((mid & M64) << 64) | (ll & M64);
    int32_t exp = a.exp + b.exp + 1;
    if (!(top & W_TOP)) {
        top = (top << 1) | (bottom >> 127);
        bottom <<= 1;
        exp--;
    }
    *sticky = bottom != 0;
    return (struct f80_wide){top, exp, neg};
}

struct f80_wide f80w_mul(struct f80_wide a, struct f80_wide b)
{
    bool sticky;
    return mul_top(a, b, &sticky);
}

struct f80_wide f80w_mul_sticky(struct f80_wide a, struct f80_wide b)
{
    bool sticky;
    struct f80_wide p = mul_top(a, b, &sticky);
    p.m |= sticky;
    return p;
}

struct f80_wide f80w_round68(struct f80_wide a)
{
    if (a.m == 0)
        return a;
    const int drop = 128 - 68;
    const unsigned __int128 unit = (unsigned __int128)1 << drop, rest_mask = unit - 1;
    unsigned __int128 rest = a.m & rest_mask, half = unit >> 1;
    a.m &= ~rest_mask;
    if (rest > half || (rest == half && (a.m & unit))) {
        a.m += unit;
        if (a.m == 0) { /* carried out of the top: 2^128 */
            a.m = W_TOP;
            a.exp++;
        }
    }
    return a;
}

struct f80_wide f80w_mul68(struct f80_wide a, struct f80_wide b)
{
    return f80w_round68(f80w_mul_sticky(a, b));
}

struct f80_wide f80w_add68(struct f80_wide a, struct f80_wide b)
{
    return f80w_round68(f80w_add(a, b));
}

struct f80_wide f80w_horner68(const struct f80_wide *c, int n, struct f80_wide z)
{
    struct f80_wide q = c[n - 1];
    for (int k = n - 2; k >= 0; k--)
        q = f80w_add68(f80w_mul68(q, z), c[k]);
    return q;
}

struct f80_wide f80w_rational68(struct f80_wide x, const struct f80_wide *num, int num_n,
                                const struct f80_wide *den, int den_n, struct f80_wide z)
{
    struct f80_wide n = f80w_horner68(num, num_n, z);
    struct f80_wide m = f80w_horner68(den, den_n, z);
    return f80w_round68(f80w_div_sticky(f80w_mul68(x, n), m));
}

/* 128 quotient bits, truncated; *inexact says whether a remainder is left. */
static struct f80_wide div_quotient(struct f80_wide a, struct f80_wide b, bool *inexact)
{
    *inexact = false;
    bool neg = a.neg != b.neg;
    if (a.m == 0)
        return (struct f80_wide){0, 0, neg};
    /* Restoring division, one quotient bit per step; the partial remainder is
     * top:r, below 2 * divisor. */
    unsigned __int128 r = a.m, d = b.m, q = 0;
    int32_t exp = a.exp - b.exp;
    bool top = false;
    if (r < d) {
        top = true;
        r <<= 1;
        exp--;
    }
    for (int i = 0; i < 128; i++) {
        q <<= 1;
        if (top || r >= d) {
            r -= d;
            q |= 1;
        }
        top = r >> 127;
        r <<= 1;
    }
    *inexact = top || r != 0;
    return (struct f80_wide){q, exp, neg};
}

struct f80_wide f80w_div(struct f80_wide a, struct f80_wide b)
{
    bool inexact;
    return div_quotient(a, b, &inexact);
}

struct f80_wide f80w_div_sticky(struct f80_wide a, struct f80_wide b)
{
    bool inexact;
    struct f80_wide q = div_quotient(a, b, &inexact);
    q.m |= inexact;
    return q;
}

struct f80_wide f80w_div_small(struct f80_wide a, uint32_t n)
{
    if (a.m == 0)
        return a;
    unsigned __int128 q = a.m / n, rem = a.m % n;
    int s = clz128(q);
    q = (q << s) | ((rem << s) / n);
    return (struct f80_wide){q, a.exp - s, a.neg};
}

struct f80 f80w_round(struct f80_env *env, struct f80_wide a, bool exact)
{
    if (a.m == 0)
        return f80_zero(a.neg);
    uint64_t hi = (uint64_t)(a.m >> 64), lo = (uint64_t)a.m;
    if (!exact)
        lo |= 1; /* sticky: the true value lies strictly between */
    return f80_round_pack(env, 64, a.neg, a.exp, hi, lo);
}

struct f80_wide f80w_pi(void)
{
    return f80w_const(0xC90FDAA22168C234u, 0xC4C6628B80DC1CD1u, 1);
}

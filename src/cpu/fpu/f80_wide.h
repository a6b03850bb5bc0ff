/* 128-bit-significand soft floating point used to evaluate the x87 transcendentals
 * (f80_trans.c): the host's 68-bit internal steps and the exact final values,
 * each rounded once to 64 bits. Internal to src/cpu/fpu. */
#ifndef BT86_CPU_FPU_F80_WIDE_H
#define BT86_CPU_FPU_F80_WIDE_H

#include "cpu/fpu/f80.h"

#include <stdbool.h>
#include <stdint.h>

/* (-1)^neg * m * 2^(exp - 127); m has bit 127 set, or is 0 for zero. */
struct f80_wide {
    unsigned __int128 m;
    int32_t exp;
    bool neg;
};

/* A constant initializer: sign, significand hi:lo (bit 127 set), exponent. */
#define F80W_C68(neg, hi, lo, exp)                                                                 \
    {                                                                                              \
        ((unsigned __int128)(hi) << 64) | (lo), (exp), (neg)                                       \
    }

/* Normalizes neg * m * 2^(exp - 127) for any m. */
struct f80_wide f80w_make(bool neg, int32_t exp, unsigned __int128 m);
/* A constant given as its 128-bit significand hi:lo and exponent. */
struct f80_wide f80w_const(uint64_t hi, uint64_t lo, int32_t exp);
struct f80_wide f80w_from_int(int64_t v);
/* A zero, denormal or normal f80 (exact). */
struct f80_wide f80w_from_f80(struct f80 a);

struct f80_wide f80w_add(struct f80_wide a, struct f80_wide b);
struct f80_wide f80w_sub(struct f80_wide a, struct f80_wide b);
struct f80_wide f80w_mul(struct f80_wide a, struct f80_wide b);
/* The product with a sticky bit in the last place when the exact product has
 * more bits than 128: a correct input for f80w_round68. */
struct f80_wide f80w_mul_sticky(struct f80_wide a, struct f80_wide b);
/* Rounds to nearest-even at 68 significant bits, the x87 microcode's internal
 * precision (measured on the host; docs/ARCHITECTURE.md, "x87 transcendentals").
 * The last bit of a.m may be a sticky bit. */
struct f80_wide f80w_round68(struct f80_wide a);
/* One step of that datapath: the exact product or sum rounded to 68 bits. */
struct f80_wide f80w_mul68(struct f80_wide a, struct f80_wide b);
struct f80_wide f80w_add68(struct f80_wide a, struct f80_wide b);
/* c[0] + z*(c[1] + z*(... + z*c[n-1])) by Horner, every step rounded to 68 bits. */
struct f80_wide f80w_horner68(const struct f80_wide *c, int n, struct f80_wide z);
/* RN68(RN68(x * N(z)) / M(z)), N and M by f80w_horner68: the form in which the
 * host's FPATAN and log cores evaluate their rationals (f80_atan68.c, f80_log68.c). */
struct f80_wide f80w_rational68(struct f80_wide x, const struct f80_wide *num, int num_n,
                                const struct f80_wide *den, int den_n, struct f80_wide z);
struct f80_wide f80w_div(struct f80_wide a, struct f80_wide b);
/* The quotient with a sticky bit in the last place when a remainder is left. */
struct f80_wide f80w_div_sticky(struct f80_wide a, struct f80_wide b);
struct f80_wide f80w_div_small(struct f80_wide a, uint32_t n);
static inline struct f80_wide f80w_neg(struct f80_wide a)
{
    a.neg = !a.neg;
    return a;
}
static inline struct f80_wide f80w_scale(struct f80_wide a, int32_t n)
{
    if (a.m)
        a.exp += n;
    return a;
}
/* -1, 0 or 1 as |a| is below, equal to or above |b|. */
int f80w_cmp_abs(struct f80_wide a, struct f80_wide b);

/* Rounds to the f80 register format (64 bits, env->rc) with OE/UE/PE/C1 and the
 * unmasked wrapped result. `exact` says that a is the exact value; otherwise it
 * is an approximation of an irrational value and always counts as inexact. */
struct f80 f80w_round(struct f80_env *env, struct f80_wide a, bool exact);

/* Constants, correctly rounded to 128 bits. */
struct f80_wide f80w_pi(void);

/* The host x87's sine and cosine polynomials on |r| <= ~pi/4 (f80_trig68.c):
 * each internal step rounded at 68 bits, the last sum exact (sticky-jammed) for
 * the one rounding to 64 bits. */
struct f80_wide f80w_sin68(struct f80_wide r);
struct f80_wide f80w_cos68(struct f80_wide r);
/* The host's FPTAN on the reduced argument: tan r, or -1/tan r when odd (k odd),
 * exact up to a sticky bit (f80_tan68.c). */
struct f80_wide f80w_tan68(struct f80_wide r, bool odd);
/* The host's F2XM1 rational approximation for |x| <= 1, denormals included
 * (f80_exp68.c), exact up to a sticky bit. */
struct f80_wide f80w_2xm1_68(struct f80_wide x);
/* The host's FPATAN of finite nonzero y = ST(1), x = ST(0): atan(y/x) in
 * (-pi, pi] with its 68-bit pi and quadrant handling (f80_atan68.c), exact up to
 * a sticky bit; *exact says that the value is exactly the host's internal one
 * (which may then be representable: RD = RU). */
struct f80_wide f80w_atan2_68(struct f80_wide y, struct f80_wide x, bool *exact);
/* The host's log2 for FYL2X (f80_log68.c): a 68-bit value L of a positive
 * finite x (exactly its exponent for a power of two), FYL2X being y * L
 * rounded once. */
struct f80_wide f80w_log2_68(struct f80_wide x);
/* The host's 68-bit log2(1 + x) for FYL2XP1, x > -1 finite (f80_log68.c). */
struct f80_wide f80w_log1p68(struct f80_wide x);

#endif

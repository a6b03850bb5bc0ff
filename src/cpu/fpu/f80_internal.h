/* Helpers shared by the f80_*.c files: operand classification, unpacking, the one
 * rounding routine used for every destination format, and NaN propagation. */
#ifndef BT86_CPU_FPU_F80_INTERNAL_H
#define BT86_CPU_FPU_F80_INTERNAL_H

#include "cpu/fpu/f80.h"

#include <stdbool.h>
#include <stdint.h>

#define F80_BIAS     16383
#define F80_EXP_MAX  0x7FFF
#define F80_EMIN     (-16382) /* unbiased exponent of the smallest normal */
#define F80_EMAX     16383
#define F80_QUIET    0x4000000000000000u
#define F80_INT_BIT  0x8000000000000000u
#define F80_SIGN_BIT 0x8000u

/* Operand classes (SDM Vol. 1, 8.2.2 and Table 8-3: pseudo-denormals are accepted
 * as denormals; unnormals, pseudo-NaNs and pseudo-infinities are unsupported). */
enum f80_class {
    F80_CLASS_ZERO,
    F80_CLASS_DENORMAL, /* includes pseudo-denormals */
    F80_CLASS_NORMAL,
    F80_CLASS_INF,
    F80_CLASS_QNAN,
    F80_CLASS_SNAN,
    F80_CLASS_UNSUPPORTED,
};

/* A finite value sign * mant * 2^(exp - 63); mant has bit 63 set unless the value
 * is zero. */
struct f80_unpacked {
    bool sign;
    int32_t exp;
    uint64_t mant;
};

/* A rounding destination: significand bits and normal exponent range. */
struct f80_format {
    int bits;
    int32_t emin, emax;
};

static inline bool f80_sign(struct f80 a)
{
    return (a.se & F80_SIGN_BIT) != 0;
}
static inline uint16_t f80_exp_field(struct f80 a)
{
    return a.se & 0x7FFF;
}
static inline struct f80 f80_make(bool sign, uint16_t exp, uint64_t mant)
{
    return (struct f80){mant, (uint16_t)((sign ? F80_SIGN_BIT : 0) | exp)};
}
static inline struct f80 f80_inf(bool sign)
{
    return f80_make(sign, F80_EXP_MAX, F80_INT_BIT);
}
static inline struct f80 f80_zero(bool sign)
{
    return f80_make(sign, 0, 0);
}
static inline bool f80_is_nan_class(enum f80_class c)
{
    return c == F80_CLASS_QNAN || c == F80_CLASS_SNAN;
}

int f80_clz64(uint64_t v);
enum f80_class f80_classify(struct f80 a);
/* Unpacks a zero, denormal or normal value (normalizing denormals). */
struct f80_unpacked f80_unpack(struct f80 a);

/* Rounds sign * (hi:lo) * 2^(exp - 63), hi normalized, to fmt per rc. Returns the
 * significand (integer bit in bit 63, clear for a denormal or zero) and stores the
 * unbiased exponent in *exp_out: fmt->emax + 1 stands for infinity. Raises
 * PE/UE/OE and C1. *range receives -1 when the result is tiny (the x87 tests
 * tininess after rounding), 1 when it overflowed, else 0. */
uint64_t f80_round(struct f80_env *env, const struct f80_format *fmt, bool sign, int32_t exp,
                   uint64_t hi, uint64_t lo, int32_t *exp_out, int *range);

/* Rounds to the f80 format at `bits` precision and packs, also producing
 * env->wrapped on overflow or tininess. */
struct f80 f80_round_pack(struct f80_env *env, int bits, bool sign, int32_t exp, uint64_t hi,
                          uint64_t lo);

/* Precision in bits selected by env->pc. */
int f80_pc_bits(const struct f80_env *env);

/* The x87 NaN result for two operands of which at least one is a NaN (SDM Vol. 1,
 * Table 4-7); raises IE for an SNaN. */
struct f80 f80_propagate_nan(struct f80_env *env, struct f80 a, struct f80 b);
/* One-operand NaN: raises IE for an SNaN and returns it quieted. */
struct f80 f80_quiet_nan(struct f80_env *env, struct f80 a);

/* Raises IE and returns the indefinite. */
struct f80 f80_invalid(struct f80_env *env);

/* Shifts (hi:lo) right by n, ORing every bit shifted out into bit 0 of lo. */
void f80_shift_right_jam(uint64_t *hi, uint64_t *lo, int32_t n);
/* 64x64 -> 128 multiply. */
void f80_mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo);

/* Integer rounding shared by FRNDINT, FIST and FBSTP: rounds a finite unpacked
 * value per rc to an integer magnitude. *overflow is set when the magnitude does
 * not fit 64 bits. Raises PE when inexact and C1 when rounded up. */
uint64_t f80_round_to_u64(struct f80_env *env, struct f80_unpacked u, bool *overflow);

#endif

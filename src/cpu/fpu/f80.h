/* x87 80-bit extended-precision arithmetic in portable C (no host long double).
 *
 * Every operation returns what an x87 (P6 and later) delivers with ALL exceptions
 * masked, and ORs the exceptions it detected into env->flags (x87 status-word bit
 * layout, Intel SDM Vol. 1, 8.1.3). Operations that round set F80_C1 in env->flags
 * when the result was rounded up in magnitude (SDM Vol. 1, 8.1.3.1, "C1 ... indicates
 * rounding direction"); the caller clears env->flags (or at least F80_C1) before each
 * instruction and copies C1 into the status word. */
#ifndef BT86_CPU_FPU_F80_H
#define BT86_CPU_FPU_F80_H

#include <stdbool.h>
#include <stdint.h>

/* Exception flags, as bits 0-5 of the x87 status word. */
#define F80_IE 0x0001u /* invalid operation */
#define F80_DE 0x0002u /* denormal operand */
#define F80_ZE 0x0004u /* zero divide */
#define F80_OE 0x0008u /* overflow */
#define F80_UE 0x0010u /* underflow */
#define F80_PE 0x0020u /* precision (inexact) */
/* Condition codes, at their status-word positions. */
#define F80_C0 0x0100u
#define F80_C1 0x0200u
#define F80_C2 0x0400u
#define F80_C3 0x4000u

/* Rounding control (x87 control word bits 10-11). */
#define F80_RC_NEAREST 0
#define F80_RC_DOWN    1
#define F80_RC_UP      2
#define F80_RC_ZERO    3
/* Precision control (x87 control word bits 8-9); 1 is reserved and acts as 64-bit. */
#define F80_PC_24 0
#define F80_PC_53 2
#define F80_PC_64 3

/* Bias added to (overflow) or subtracted from (underflow) the exponent of the result
 * the x87 delivers to the stack when OE/UE is unmasked (SDM Vol. 1, 8.5.4 / 8.5.5). */
#define F80_WRAP_BIAS 24576

struct f80 {
    uint64_t mant; /* explicit integer bit in bit 63 */
    uint16_t se;   /* sign in bit 15, biased 15-bit exponent below it */
};

/* Ten bytes of an 18-digit packed BCD integer: lo = bytes 0-7, hi = bytes 8-9
 * (bit 15 of hi is the sign). */
struct f80_bcd {
    uint64_t lo;
    uint16_t hi;
};

struct f80_env {
    uint8_t rc;     /* F80_RC_* */
    uint8_t pc;     /* F80_PC_* (used by add/sub/mul/div/sqrt only, SDM Vol. 1, 8.1.5.2) */
    uint16_t flags; /* accumulated F80_IE..F80_PE, plus F80_C1 of the last rounding */
    /* Set by add/sub/mul/div/sqrt/fscale when the result overflowed or was tiny:
     * `wrapped` is then the exponent-wrapped result an x87 with OE (overflow) or UE
     * (tiny, exact or not) unmasked delivers instead of the masked response, and
     * `wrapped_flags` replaces OE/UE/PE/C1 of `flags` in that case (OE or UE, PE
     * when the wrapped result is inexact, C1 when it was rounded up). A result
     * out of range even after wrapping becomes infinity or zero. */
    bool has_wrapped;
    uint16_t wrapped_flags;
    struct f80 wrapped;
};

/* The x87 "real indefinite" QNaN (SDM Vol. 1, Table 4-3). */
#define F80_INDEFINITE ((struct f80){0xC000000000000000u, 0xFFFFu})

/* FADD, FSUB (a - b), FMUL, FDIV (a / b), FSQRT: rounded per env->rc and env->pc. */
struct f80 f80_add(struct f80_env *env, struct f80 a, struct f80 b);
struct f80 f80_sub(struct f80_env *env, struct f80 a, struct f80 b);
struct f80 f80_mul(struct f80_env *env, struct f80 a, struct f80 b);
struct f80 f80_div(struct f80_env *env, struct f80 a, struct f80 b);
struct f80 f80_sqrt(struct f80_env *env, struct f80 a);

/* FRNDINT: round to an integral value per env->rc (precision control ignored). */
struct f80 f80_round_int(struct f80_env *env, struct f80 a);

/* FILD / FIST(P): integer conversions; the store rounds per env->rc (FISTTP: set
 * rc to F80_RC_ZERO). Out of range, NaN or unsupported -> IE and the integer
 * indefinite (the most negative value). */
struct f80 f80_from_i64(int64_t v);
int16_t f80_to_i16(struct f80_env *env, struct f80 a);
int32_t f80_to_i32(struct f80_env *env, struct f80 a);
int64_t f80_to_i64(struct f80_env *env, struct f80 a);

/* FLD m32/m64 (exact; SNaN -> IE and quieted; denormal -> DE) and FST m32/m64
 * (rounded per env->rc to the destination's precision and exponent range). */
struct f80 f80_from_f32(struct f80_env *env, uint32_t v);
struct f80 f80_from_f64(struct f80_env *env, uint64_t v);
uint32_t f80_to_f32(struct f80_env *env, struct f80 a);
uint64_t f80_to_f64(struct f80_env *env, struct f80 a);

/* FBLD (digits are assumed valid, as the SDM leaves others undefined) and FBSTP
 * (rounded per env->rc; |value| >= 10^18, NaN -> IE and the BCD indefinite). */
struct f80 f80_from_bcd(struct f80_bcd v);
struct f80_bcd f80_to_bcd(struct f80_env *env, struct f80 a);

/* FCOM (quiet = false) / FUCOM (quiet = true) of a against b: returns C3/C2/C0
 * (greater 000, less 001, equal 100, unordered 111); FTST is a compare with +0. */
uint16_t f80_compare(struct f80_env *env, struct f80 a, struct f80 b, bool quiet);

/* FXAM class of a non-empty register: C3/C2/C0 class code and C1 = sign. */
uint16_t f80_fxam(struct f80 a);

/* FPREM (ieee = false, quotient truncated) and FPREM1 (ieee = true, quotient rounded
 * to nearest) of a by b. *cc holds the status word's C0-C3 on entry and receives
 * C2 alone (reduction incomplete) or the low three quotient bits in C0 (Q2), C3
 * (Q1), C1 (Q0); for a NaN or invalid result C0/C3 are kept, C1/C2 cleared. */
struct f80 f80_prem(struct f80_env *env, struct f80 a, struct f80 b, bool ieee, uint16_t *cc);

/* FSCALE: a * 2^trunc(b), rounded per env->rc at 64-bit precision. */
struct f80 f80_scale(struct f80_env *env, struct f80 a, struct f80 b);

/* FXTRACT: splits a into its unbiased exponent and its significand (exponent 0). */
void f80_xtract(struct f80_env *env, struct f80 a, struct f80 *exponent, struct f80 *significand);

#endif

/* Hand-checked x87 arithmetic cases (values worked out from the definitions in the
 * Intel SDM Vol. 1 chapters 4 and 8, not taken from the implementation). */
#include "cpu/fpu/f80.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define ONE       ((struct f80){0x8000000000000000u, 0x3FFF})
#define TWO       ((struct f80){0x8000000000000000u, 0x4000})
#define THREE     ((struct f80){0xC000000000000000u, 0x4000})
#define NEG_ONE   ((struct f80){0x8000000000000000u, 0xBFFF})
#define POS_ZERO  ((struct f80){0, 0})
#define NEG_ZERO  ((struct f80){0, 0x8000})
#define MAX_F80   ((struct f80){0xFFFFFFFFFFFFFFFFu, 0x7FFE})
#define MIN_NORM  ((struct f80){0x8000000000000000u, 0x0001})
#define MIN_DENOR ((struct f80){0x0000000000000001u, 0x0000})

static void assert_f80(struct f80 v, uint16_t se, uint64_t mant)
{
    assert_int_equal(v.se, se);
    assert_int_equal(v.mant, mant);
}

static struct f80 from_int(int64_t v)
{
    return f80_from_i64(v);
}

/* 1/3 = 0.0101...b: the 64-bit significand 0xAAAA...AAAA is followed by 1010...,
 * more than half an ulp, so it rounds up to nearest and up, and is truncated
 * down and toward zero. C1 reports the round-up (SDM Vol. 1, 8.1.3.1). */
static void one_third_each_rounding_mode(void **state)
{
    static const uint64_t expect[4] = {0xAAAAAAAAAAAAAAABu, 0xAAAAAAAAAAAAAAAAu,
                                       0xAAAAAAAAAAAAAAABu, 0xAAAAAAAAAAAAAAAAu};
    for (unsigned rc = 0; rc < 4; rc++) {
        struct f80_env env = {.rc = (uint8_t)rc, .pc = F80_PC_64};
        struct f80 q = f80_div(&env, ONE, THREE);
        assert_f80(q, 0x3FFD, expect[rc]);
        assert_int_equal(env.flags & 0x3F, F80_PE);
        assert_int_equal((env.flags & F80_C1) != 0, expect[rc] & 1);
    }
    /* -1/3 rounded down grows in magnitude. */
    struct f80_env env = {.rc = F80_RC_DOWN, .pc = F80_PC_64};
    assert_f80(f80_div(&env, NEG_ONE, THREE), 0xBFFD, 0xAAAAAAAAAAAAAAABu);
    assert_true(env.flags & F80_C1);
}

/* Precision control rounds the significand but keeps the 15-bit exponent
 * (SDM Vol. 1, 8.1.5.2). 24 bits of 1/3: 0xAAAAAA, next bit 1 then more ones: up.
 * 53 bits: the 53rd bit is 1, the next ones 0 1 ...: below half, truncated. */
static void one_third_precision_control(void **state)
{
    struct f80_env env = {.rc = F80_RC_NEAREST, .pc = F80_PC_24};
    assert_f80(f80_div(&env, ONE, THREE), 0x3FFD, 0xAAAAAB0000000000u);
    env = (struct f80_env){.rc = F80_RC_NEAREST, .pc = F80_PC_53};
    assert_f80(f80_div(&env, ONE, THREE), 0x3FFD, 0xAAAAAAAAAAAAA800u);
    assert_false(env.flags & F80_C1);
    env = (struct f80_env){.rc = F80_RC_UP, .pc = F80_PC_53};
    assert_f80(f80_div(&env, ONE, THREE), 0x3FFD, 0xAAAAAAAAAAAAB000u);
}

/* 0/0, inf-inf, 0*inf and sqrt(-1) are invalid: IE and the real indefinite
 * (SDM Vol. 1, 4.8.3.7 and Table 4-3). */
static void invalid_operations_give_indefinite(void **state)
{
    struct f80 inf = {0x8000000000000000u, 0x7FFF};
    struct f80_env env = {.pc = F80_PC_64};
    assert_f80(f80_div(&env, POS_ZERO, POS_ZERO), 0xFFFF, 0xC000000000000000u);
    assert_int_equal(env.flags, F80_IE);
    env.flags = 0;
    assert_f80(f80_sub(&env, inf, inf), 0xFFFF, 0xC000000000000000u);
    assert_int_equal(env.flags, F80_IE);
    env.flags = 0;
    assert_f80(f80_mul(&env, POS_ZERO, inf), 0xFFFF, 0xC000000000000000u);
    assert_int_equal(env.flags, F80_IE);
    env.flags = 0;
    assert_f80(f80_sqrt(&env, NEG_ONE), 0xFFFF, 0xC000000000000000u);
    assert_int_equal(env.flags, F80_IE);
    env.flags = 0;
    assert_f80(f80_sqrt(&env, NEG_ZERO), 0x8000, 0); /* sqrt(-0) = -0, no exception */
    assert_int_equal(env.flags, 0);
    /* 1/0 is a zero divide, not invalid. */
    assert_f80(f80_div(&env, NEG_ONE, POS_ZERO), 0xFFFF, 0x8000000000000000u);
    assert_int_equal(env.flags, F80_ZE);
}

/* SDM Vol. 1, 4.8.3.5 and Table 4-7: an SNaN raises IE and comes back quieted;
 * with two QNaNs the larger significand wins; an SNaN and a QNaN give the QNaN. */
static void nan_propagation(void **state)
{
    struct f80 snan = {0x8000000000000001u, 0x7FFF};
    struct f80 qnan_small = {0xC000000000000002u, 0xFFFF};
    struct f80 qnan_big = {0xC000000000000010u, 0x7FFF};
    struct f80_env env = {.pc = F80_PC_64};
    assert_f80(f80_add(&env, snan, ONE), 0x7FFF, 0xC000000000000001u);
    assert_int_equal(env.flags, F80_IE);
    env.flags = 0;
    assert_f80(f80_mul(&env, qnan_small, qnan_big), 0x7FFF, 0xC000000000000010u);
    assert_int_equal(env.flags, 0);
    assert_f80(f80_sub(&env, snan, qnan_small), 0xFFFF, 0xC000000000000002u);
    assert_int_equal(env.flags, F80_IE);
}

/* Unnormals (integer bit clear, exponent not 0) are unsupported on a P6 and later
 * (SDM Vol. 1, 8.2.2): IE and indefinite. Pseudo-denormals are accepted with DE. */
static void unsupported_and_pseudo_denormal(void **state)
{
    struct f80 unnormal = {0x4000000000000000u, 0x3FFF};
    struct f80 pseudo_denormal = {0x8000000000000000u, 0x0000}; /* equals 2^-16382 */
    struct f80_env env = {.pc = F80_PC_64};
    assert_f80(f80_add(&env, unnormal, ONE), 0xFFFF, 0xC000000000000000u);
    assert_int_equal(env.flags, F80_IE);
    env.flags = 0;
    assert_f80(f80_add(&env, pseudo_denormal, POS_ZERO), 0x0001, 0x8000000000000000u);
    assert_int_equal(env.flags, F80_DE);
}

/* x - x is +0, except -0 when rounding down (SDM Vol. 1, 4.8.3.9 / Table 4-9). */
static void exact_zero_sign_follows_rounding(void **state)
{
    for (unsigned rc = 0; rc < 4; rc++) {
        struct f80_env env = {.rc = (uint8_t)rc, .pc = F80_PC_64};
        struct f80 z = f80_sub(&env, THREE, THREE);
        assert_f80(z, rc == F80_RC_DOWN ? 0x8000 : 0x0000, 0);
        assert_int_equal(env.flags, 0);
    }
}

/* Masked overflow: infinity to nearest, the largest finite value toward zero
 * (SDM Vol. 1, 4.9.1.4); unmasked, the exponent is wrapped by 24576. */
static void overflow_masked_and_wrapped(void **state)
{
    struct f80_env env = {.rc = F80_RC_NEAREST, .pc = F80_PC_64};
    assert_f80(f80_mul(&env, MAX_F80, TWO), 0x7FFF, 0x8000000000000000u);
    assert_int_equal(env.flags & 0x3F, F80_OE | F80_PE);
    assert_true(env.has_wrapped);
    /* max * 2 = 1.11..1 * 2^16384 exactly; wrapped exponent 16384 - 24576 */
    assert_f80(env.wrapped, (uint16_t)(16384 - 24576 + 16383), 0xFFFFFFFFFFFFFFFFu);
    env = (struct f80_env){.rc = F80_RC_ZERO, .pc = F80_PC_64};
    assert_f80(f80_mul(&env, MAX_F80, TWO), 0x7FFE, 0xFFFFFFFFFFFFFFFFu);
    assert_int_equal(env.flags & 0x3F, F80_OE | F80_PE);
    /* With 24-bit precision the largest value has 24 significand bits. */
    env = (struct f80_env){.rc = F80_RC_ZERO, .pc = F80_PC_24};
    assert_f80(f80_mul(&env, MAX_F80, TWO), 0x7FFE, 0xFFFFFF0000000000u);
}

/* Masked underflow: a tiny exact result is a denormal without UE; a tiny inexact
 * one raises UE and PE (SDM Vol. 1, 4.9.1.5). */
static void underflow_denormal_results(void **state)
{
    struct f80_env env = {.rc = F80_RC_NEAREST, .pc = F80_PC_64};
    assert_f80(f80_div(&env, MIN_NORM, TWO), 0x0000, 0x4000000000000000u);
    assert_int_equal(env.flags, 0);
    assert_true(env.has_wrapped); /* tiny: unmasked UE would fire */
    /* half the smallest denormal: a tie, rounds to even (zero) */
    assert_f80(f80_div(&env, MIN_DENOR, TWO), 0x0000, 0);
    assert_int_equal(env.flags & 0x3F, F80_DE | F80_UE | F80_PE);
    env = (struct f80_env){.rc = F80_RC_UP, .pc = F80_PC_64};
    assert_f80(f80_div(&env, MIN_DENOR, TWO), 0x0000, 1);
    assert_true(env.flags & F80_C1);
}

/* FIST rounds per RC; out of range gives IE and the integer indefinite
 * (SDM Vol. 2, FIST/FISTP). */
static void integer_conversions(void **state)
{
    struct f80 two_and_half = {0xA000000000000000u, 0x4000};
    struct f80 neg_two_and_half = {0xA000000000000000u, 0xC000};
    static const int16_t expect_pos[4] = {2, 2, 3, 2}, expect_neg[4] = {-2, -3, -2, -2};
    for (unsigned rc = 0; rc < 4; rc++) {
        struct f80_env env = {.rc = (uint8_t)rc};
        assert_int_equal(f80_to_i16(&env, two_and_half), expect_pos[rc]);
        assert_int_equal(f80_to_i16(&env, neg_two_and_half), expect_neg[rc]);
        assert_int_equal(env.flags & 0x3F, F80_PE);
    }
    struct f80_env env = {0};
    assert_int_equal(f80_to_i16(&env, from_int(40000)), INT16_MIN);
    assert_int_equal(env.flags, F80_IE);
    env.flags = 0;
    assert_int_equal(f80_to_i16(&env, from_int(-32768)), -32768);
    assert_int_equal(f80_to_i32(&env, from_int(-2147483648LL)), INT32_MIN);
    assert_int_equal(env.flags, 0);
    assert_int_equal(f80_to_i32(&env, from_int(2147483648LL)), INT32_MIN);
    assert_int_equal(env.flags, F80_IE);
    env.flags = 0;
    assert_int_equal(f80_to_i64(&env, F80_INDEFINITE), INT64_MIN);
    assert_int_equal(env.flags, F80_IE);
    assert_f80(from_int(-1), 0xBFFF, 0x8000000000000000u);
    assert_f80(from_int(INT64_MIN), 0xC03E, 0x8000000000000000u);
}

/* float32/float64: 0.1 (double 0x3FB999999999999A) rounds to float 0x3DCCCCCD;
 * FLT_MAX * 2 overflows to infinity (SDM Vol. 1, 4.2.2 ranges). */
static void float_conversions(void **state)
{
    struct f80_env env = {.rc = F80_RC_NEAREST};
    struct f80 tenth = f80_from_f64(&env, 0x3FB999999999999Au);
    assert_int_equal(env.flags, 0);
    assert_int_equal(f80_to_f32(&env, tenth), 0x3DCCCCCDu);
    assert_int_equal(env.flags & 0x3F, F80_PE);
    assert_int_equal(f80_to_f64(&env, tenth), 0x3FB999999999999Au);
    env.flags = 0;
    struct f80 big = f80_from_f32(&env, 0x7F7FFFFFu);
    big = f80_add(&env, big, big);
    assert_int_equal(f80_to_f32(&env, big), 0x7F800000u);
    assert_int_equal(env.flags & 0x3F, F80_OE | F80_PE);
    env.flags = 0;
    assert_f80(f80_from_f32(&env, 0x7F800001u), 0x7FFF, 0xC000010000000000u); /* SNaN */
    assert_int_equal(env.flags, F80_IE);
    env.flags = 0;
    assert_f80(f80_from_f32(&env, 0x00000001u), (uint16_t)(16383 - 149), 0x8000000000000000u);
    assert_int_equal(env.flags, F80_DE);
}

/* FBLD/FBSTP: 18 packed digits, sign in bit 79; >= 10^18 is invalid. */
static void bcd_conversions(void **state)
{
    struct f80_env env = {0};
    struct f80_bcd b = f80_to_bcd(&env, from_int(-1234));
    assert_int_equal(b.lo, 0x1234);
    assert_int_equal(b.hi, 0x8000);
    assert_f80(f80_from_bcd((struct f80_bcd){0x1234, 0x8000}), 0xC009, 0x9A40000000000000u);
    assert_f80(f80_from_bcd((struct f80_bcd){0, 0x8000}), 0x8000, 0); /* -0 */
    b = f80_to_bcd(&env, from_int(999999999999999999LL));
    assert_int_equal(b.lo, 0x9999999999999999u);
    assert_int_equal(b.hi, 0x0099);
    assert_int_equal(env.flags, 0);
    b = f80_to_bcd(&env, from_int(1000000000000000000LL));
    assert_int_equal(env.flags, F80_IE);
    assert_int_equal(b.hi, 0xFFFF);
    assert_int_equal(b.lo, 0xC000000000000000u);
}

/* FPREM truncates the quotient, FPREM1 rounds it to nearest; the low quotient
 * bits go to C0 (Q2), C3 (Q1), C1 (Q0) (SDM Vol. 2, FPREM/FPREM1). */
static void partial_remainder(void **state)
{
    struct f80_env env = {0};
    uint16_t cc = 0;
    /* 8 = 2*3 + 2 (FPREM); 8 = 3*3 - 1 (FPREM1) */
    assert_f80(f80_prem(&env, from_int(8), THREE, false, &cc), 0x4000, 0x8000000000000000u);
    assert_int_equal(cc, F80_C3);
    assert_f80(f80_prem(&env, from_int(8), THREE, true, &cc), 0xBFFF, 0x8000000000000000u);
    assert_int_equal(cc, F80_C3 | F80_C1);
    /* 7 / 1: quotient 7 = 111b */
    assert_f80(f80_prem(&env, from_int(7), ONE, false, &cc), 0x0000, 0);
    assert_int_equal(cc, F80_C0 | F80_C3 | F80_C1);
    assert_int_equal(env.flags, 0);
    /* exponent difference >= 64: incomplete, C2 set */
    struct f80 huge = {0x8000000000000000u, 0x3FFF + 100};
    f80_prem(&env, huge, THREE, false, &cc);
    assert_int_equal(cc, F80_C2);
    f80_prem(&env, ONE, POS_ZERO, false, &cc);
    assert_int_equal(env.flags, F80_IE);
}

static void scale_extract_compare_examine(void **state)
{
    struct f80_env env = {0};
    assert_f80(f80_scale(&env, ONE, THREE), 0x4002, 0x8000000000000000u); /* 1 * 2^3 */
    struct f80 e, s;
    f80_xtract(&env, from_int(-12), &e, &s); /* -12 = -1.5 * 2^3 */
    assert_f80(e, 0x4000, 0xC000000000000000u);
    assert_f80(s, 0xBFFF, 0xC000000000000000u);
    assert_int_equal(env.flags, 0);
    f80_xtract(&env, NEG_ZERO, &e, &s);
    assert_f80(e, 0xFFFF, 0x8000000000000000u);
    assert_int_equal(env.flags, F80_ZE);
    env.flags = 0;
    assert_int_equal(f80_compare(&env, ONE, TWO, false), F80_C0);
    assert_int_equal(f80_compare(&env, TWO, ONE, false), 0);
    assert_int_equal(f80_compare(&env, POS_ZERO, NEG_ZERO, false), F80_C3);
    assert_int_equal(env.flags, 0);
    assert_int_equal(f80_compare(&env, F80_INDEFINITE, ONE, true), F80_C3 | F80_C2 | F80_C0);
    assert_int_equal(env.flags, 0); /* FUCOM: a QNaN is not invalid */
    f80_compare(&env, F80_INDEFINITE, ONE, false);
    assert_int_equal(env.flags, F80_IE); /* FCOM: it is */
    assert_int_equal(f80_fxam(NEG_ONE), F80_C2 | F80_C1);
    assert_int_equal(f80_fxam(MIN_DENOR), F80_C3 | F80_C2);
    assert_int_equal(f80_fxam(F80_INDEFINITE), F80_C1 | F80_C0);
}

static void sqrt_and_round_int(void **state)
{
    struct f80_env env = {.pc = F80_PC_64};
    assert_f80(f80_sqrt(&env, from_int(144)), 0x4002, 0xC000000000000000u); /* 12 */
    assert_int_equal(env.flags, 0);
    /* sqrt(2) = 1.6A09E667F3BCC908B2F...h: 64 significand bits are B504F333F9DE6484h
     * and the bits after them 0 1011...: below half, truncated to nearest */
    assert_f80(f80_sqrt(&env, TWO), 0x3FFF, 0xB504F333F9DE6484u);
    assert_int_equal(env.flags & 0x3F, F80_PE);
    struct f80 half = {0x8000000000000000u, 0x3FFE};
    env = (struct f80_env){.rc = F80_RC_NEAREST};
    assert_f80(f80_round_int(&env, half), 0x0000, 0); /* 0.5 ties to even 0 */
    env = (struct f80_env){.rc = F80_RC_UP};
    assert_f80(f80_round_int(&env, half), 0x3FFF, 0x8000000000000000u);
    assert_true(env.flags & F80_C1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_third_each_rounding_mode),
        cmocka_unit_test(one_third_precision_control),
        cmocka_unit_test(invalid_operations_give_indefinite),
        cmocka_unit_test(nan_propagation),
        cmocka_unit_test(unsupported_and_pseudo_denormal),
        cmocka_unit_test(exact_zero_sign_follows_rounding),
        cmocka_unit_test(overflow_masked_and_wrapped),
        cmocka_unit_test(underflow_denormal_results),
        cmocka_unit_test(integer_conversions),
        cmocka_unit_test(float_conversions),
        cmocka_unit_test(bcd_conversions),
        cmocka_unit_test(partial_remainder),
        cmocka_unit_test(scale_extract_compare_examine),
        cmocka_unit_test(sqrt_and_round_int),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The 68-bit rounding and the sticky product of the transcendental engine
 * (src/cpu/fpu/f80_wide.c): round to nearest, ties to even, at 68 significant
 * bits; a product or quotient that dropped nonzero bits must not look exact
 * or like a tie. */
#include "cpu/fpu/f80_wide.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define ULP68 ((unsigned __int128)1 << 60) /* the last place kept, in m */
#define TOP   ((unsigned __int128)1 << 127)

static struct f80_wide wide(unsigned __int128 m)
{
    return (struct f80_wide){m, 0, false};
}

static void below_half_rounds_down(void **state)
{
    struct f80_wide r = f80w_round68(wide(TOP | (ULP68 / 2 - 1)));
    assert_true(r.m == TOP);
    assert_int_equal(r.exp, 0);
}

static void above_half_rounds_up(void **state)
{
    struct f80_wide r = f80w_round68(wide(TOP | (ULP68 / 2 + 1)));
    assert_true(r.m == (TOP | ULP68));
}

static void ties_go_to_even(void **state)
{
    /* kept part even: stays; kept part odd: up to the next even */
    assert_true(f80w_round68(wide(TOP | ULP68 / 2)).m == TOP);
    assert_true(f80w_round68(wide(TOP | ULP68 | ULP68 / 2)).m == (TOP | 2 * ULP68));
}

static void carry_out_of_the_top_bumps_the_exponent(void **state)
{
    unsigned __int128 all_ones = ~(unsigned __int128)0;
    struct f80_wide r = f80w_round68(wide(all_ones));
    assert_true(r.m == TOP);
    assert_int_equal(r.exp, 1);
}

/* (2^64 + 1)^2 = 2^128 + 2^65 + 1: the top 128 bits of the 129-bit product are
 * 2^127 + 2^64 and a 1 is dropped; the sticky product keeps it as its last bit,
 * the plain one does not. */
static void sticky_product_remembers_dropped_bits(void **state)
{
    struct f80_wide a = {TOP | ((unsigned __int128)1 << 63), 0, false}; /* 1 + 2^-64 */
    struct f80_wide plain = f80w_mul(a, a), sticky = f80w_mul_sticky(a, a);
    assert_true(plain.m == (TOP | ((unsigned __int128)1 << 64)));
    assert_true(sticky.m == (plain.m | 1));
    assert_int_equal(sticky.exp, plain.exp);
}

/* A value exactly half an ulp68 above a kept even value, with a dropped low bit:
 * the sticky bit breaks the tie upward. */
static void sticky_bit_breaks_a_tie(void **state)
{
    assert_true(f80w_round68(wide(TOP | ULP68 / 2 | 1)).m == (TOP | ULP68));
}

/* 3/2 divided by 3/4 is exactly 2: no sticky bit; 1/3 leaves a remainder. */
static void sticky_quotient_only_when_inexact(void **state)
{
    struct f80_wide three_halves = {TOP | (TOP >> 1), 0, false};
    struct f80_wide three_quarters = {TOP | (TOP >> 1), -1, false};
    struct f80_wide q = f80w_div_sticky(three_halves, three_quarters);
    assert_true(q.m == TOP);
    assert_int_equal(q.exp, 1);
    struct f80_wide third = f80w_div_sticky(f80w_from_int(1), f80w_from_int(3));
    assert_true(third.m & 1);
    struct f80_wide plain = f80w_div(f80w_from_int(1), f80w_from_int(3));
    assert_false(plain.m & 1); /* ...0101 0: the truncated quotient ends in 0 */
    assert_true((plain.m | 1) == third.m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(below_half_rounds_down),
        cmocka_unit_test(above_half_rounds_up),
        cmocka_unit_test(ties_go_to_even),
        cmocka_unit_test(carry_out_of_the_top_bumps_the_exponent),
        cmocka_unit_test(sticky_product_remembers_dropped_bits),
        cmocka_unit_test(sticky_bit_breaks_a_tie),
        cmocka_unit_test(sticky_quotient_only_when_inexact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

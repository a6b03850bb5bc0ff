/* The CPU clock (docs/ARCHITECTURE.md, "The CPU clock"): one cycle per retired
 * instruction plus stalls; PAUSE stalls; a run's budget counts cycles, so a run
 * that stalls ends after fewer instructions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu_rig.h"

static uint64_t stalled(struct rig *r)
{
    return cpu_cycles(r->cpu) - cpu_retired(r->cpu);
}

/* NOPs retire one cycle each and stall nothing; the TSC sees the same count. */
static void nop_is_one_cycle(void **state)
{
    struct rig *r = *state;
    uint64_t c0 = cpu_cycles(r->cpu), s0 = stalled(r);
    RUN16(r, 0x90, 0x90, 0x90, 0x90);
    assert_int_equal(stalled(r), s0);
    assert_int_equal(cpu_cycles(r->cpu) - c0, 5); /* four NOPs and the HLT */
}

/* Each PAUSE (F3 90) lets the clock run: RDTSC around ten PAUSEs counts more than
 * the 12 instructions that retire between the two reads, and the extra cycles are stalls that
 * grow with the number of PAUSEs. */
static void pause_stalls_the_clock(void **state)
{
    struct rig *r = *state;
    uint64_t s0 = stalled(r);
    /* rdtsc; mov ebx, eax; 10 x pause; rdtsc; sub eax, ebx */
    RUN16(r, 0x0f, 0x31, 0x66, 0x89, 0xc3, 0xf3, 0x90, 0xf3, 0x90, 0xf3, 0x90, 0xf3, 0x90, 0xf3,
          0x90, 0xf3, 0x90, 0xf3, 0x90, 0xf3, 0x90, 0xf3, 0x90, 0xf3, 0x90, 0x0f, 0x31, 0x66, 0x29,
          0xd8);
    uint64_t ten = stalled(r) - s0;
    assert_true(ten >= 10 * 10); /* at least ten cycles per PAUSE */
    assert_int_equal(ten % 10, 0);
    /* the first RDTSC, the MOV and the ten PAUSEs retire between the two reads */
    assert_int_equal(r->cpu->reg[REG_EAX], 12 + ten);

    s0 = stalled(r);
    RUN16(r, 0xf3, 0x90);
    assert_int_equal(stalled(r) - s0, ten / 10);
}

/* A run given N cycles of budget on an endless PAUSE loop ends with the budget
 * exit once about N cycles have passed, having retired far fewer than N
 * instructions: the stalls count against the budget. */
static void stalls_count_against_the_budget(void **state)
{
    struct rig *r = *state;
    static const uint8_t spin[] = {0xf3, 0x90, 0xeb, 0xfc}; /* L: pause; jmp L */
    load(r, RIG_CODE, spin, sizeof spin);
    rig_enter_real(r);
    const int32_t budget = 100000;
    uint64_t c0 = cpu_cycles(r->cpu), i0 = cpu_retired(r->cpu);
    assert_int_equal(cpu_run(r->cpu, budget), CPU_EXIT_BUDGET);
    uint64_t cycles = cpu_cycles(r->cpu) - c0, insns = cpu_retired(r->cpu) - i0;
    assert_true(cycles >= (uint64_t)budget);
    assert_true(cycles < (uint64_t)budget + 1000); /* ends at the next block boundary */
    assert_true(insns < (uint64_t)budget / 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RIG_TEST(nop_is_one_cycle),
        RIG_TEST(pause_stalls_the_clock),
        RIG_TEST(stalls_count_against_the_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

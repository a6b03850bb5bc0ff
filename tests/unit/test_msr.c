/* MSRs as a kernel probes them: P6 performance registers keep what is written,
 * MTRR capabilities read as documented, unknown MSRs refuse. */
#include "cpu/cpu.h"
#include "cpu/msr.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void performance_msrs_keep_their_values(void **state)
{
    struct phys_space ps;
    assert_true(phys_init(&ps, 1 << 20));
    struct cpu *cpu = cpu_create(&ps);
    uint64_t v = 0;
    /* Linux's check_hw_exists() writes EVNTSEL0/PERFCTR0 and reads them back. */
    assert_true(msr_write(cpu, 0x186, 0x00430076));
    assert_true(msr_read(cpu, 0x186, &v));
    assert_int_equal(v, 0x00430076);
    assert_true(msr_write(cpu, 0xc2, 0xabcd));
    assert_true(msr_read(cpu, 0xc2, &v));
    assert_int_equal(v, 0xabcd);
    assert_true(msr_read(cpu, 0xc1, &v));
    assert_int_equal(v, 0);
    /* Unknown MSRs are refused (the caller raises #GP). */
    assert_false(msr_read(cpu, 0x12345, &v));
    assert_false(msr_write(cpu, 0x188, 0)); /* the P6 has two counters only */
    cpu_destroy(cpu);
    phys_free(&ps);
}

/* Intel SDM Vol. 3, 17.17: the TSC counts processor clocks, halted or stalled ones
 * too, and WRMSR 10H sets it; RESET clears it. */
static void tsc_counts_stalled_cycles(void **state)
{
    struct phys_space ps;
    assert_true(phys_init(&ps, 1 << 20));
    struct cpu *cpu = cpu_create(&ps);
    cpu_reset(cpu);
    uint64_t v = 1;
    assert_true(msr_read(cpu, 0x10, &v));
    assert_int_equal(v, 0);
    cpu_stall(cpu, 1000);
    assert_int_equal(cpu_cycles(cpu), 1000);
    assert_true(msr_read(cpu, 0x10, &v));
    assert_int_equal(v, 1000);
    assert_true(msr_write(cpu, 0x10, 0x123456789ull));
    cpu_stall(cpu, 5);
    assert_true(msr_read(cpu, 0x10, &v));
    assert_int_equal(v, 0x123456789ull + 5);
    assert_int_equal(cpu_cycles(cpu), 1005); /* WRMSR moves the TSC, not the clock */
    cpu_reset(cpu);
    assert_true(msr_read(cpu, 0x10, &v));
    assert_int_equal(v, 0);
    cpu_destroy(cpu);
    phys_free(&ps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(performance_msrs_keep_their_values),
        cmocka_unit_test(tsc_counts_stalled_cycles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

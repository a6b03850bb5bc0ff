/* MSRs as a kernel probes them: P6 performance registers keep what is written,
 * MTRR capabilities read as documented, unknown MSRs refuse. */
#include "cpu/cpu.h"
#include "cpu/cpuid.h"
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

/* Machine-check architecture of the P6 (Intel SDM Vol. 3, 15.3): CPUID.1:EDX MCE
 * (7) and MCA (14); MCG_CAP = five banks with MCG_CTL; MCi_CTL takes all 1s or all
 * 0s only; MCi_STATUS can only be cleared; MCG_STATUS bits 63:3 are reserved. */
static void machine_check_registers(void **state)
{
    struct phys_space ps;
    assert_true(phys_init(&ps, 1 << 20));
    struct cpu *cpu = cpu_create(&ps);
    cpu_reset(cpu);
    struct cpuid_result r = cpuid_query(1, 0);
    assert_true(r.edx & (1u << 7));
    assert_true(r.edx & (1u << 14));
    uint64_t v = 0;
    assert_true(msr_read(cpu, 0x179, &v));
    assert_int_equal(v & 0xff, 5);
    assert_true(v & 0x100);
    assert_false(msr_write(cpu, 0x179, 0));    /* MCG_CAP is read-only */
    assert_true(msr_write(cpu, 0x17b, ~0ull)); /* MCG_CTL: enable all */
    assert_true(msr_read(cpu, 0x17b, &v));
    assert_true(v == ~0ull);
    assert_true(msr_write(cpu, 0x17a, 0x4)); /* MCG_STATUS.MCIP: software sets/clears */
    assert_true(msr_read(cpu, 0x17a, &v));
    assert_int_equal(v, 0x4);
    assert_false(msr_write(cpu, 0x17a, 0x8));
    for (uint32_t bank = 0; bank < 5; bank++) {
        uint32_t base = 0x400 + 4 * bank;
        assert_true(msr_write(cpu, base, ~0ull));
        assert_true(msr_read(cpu, base, &v));
        assert_true(v == ~0ull);
        assert_false(msr_write(cpu, base, 0x1)); /* neither all 1s nor all 0s */
        assert_true(msr_read(cpu, base + 1, &v));
        assert_int_equal(v, 0); /* no error logged */
        assert_true(msr_write(cpu, base + 1, 0));
        assert_false(msr_write(cpu, base + 1, 1ull << 63));
    }
    assert_false(msr_read(cpu, 0x400 + 4 * 5, &v)); /* no sixth bank */
    cpu_destroy(cpu);
    phys_free(&ps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(performance_msrs_keep_their_values),
        cmocka_unit_test(tsc_counts_stalled_cycles),
        cmocka_unit_test(machine_check_registers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Regressions for what test_cpu_stress found: guest behaviour that hung bt86 or
 * left the CPU in an impossible state. Each test arms an alarm, so a hang fails
 * the test instead of stalling CTest. */
#include "system_rig.h"

#include "cpu/debug.h"

#include <unistd.h>

#define HANG_ALARM 10 /* seconds; SIGALRM's default action ends the program */

/* Real mode, the #UD handler is itself UD2: every delivery succeeds (the 16-bit
 * stack wraps and never runs out) and the handler's first instruction faults
 * again, so no instruction ever retires. A real CPU spins there; bt86 must still
 * end the run at its budget, charging the deliveries as clock cycles. */
static void fault_loop_without_retirement_ends_at_budget(void **state)
{
    struct rig *r = *state;
    alarm(HANG_ALARM);
    static const uint8_t ud2[] = {0x0f, 0x0b};
    load(r, 0x600, ud2, sizeof ud2);
    wr(r, 4 * 6, 0x600, 4); /* IVT[6] = 0000:0600 */
    rig_load_hlt(r, ud2, sizeof ud2);
    rig_enter_real(r);
    /* The stack wraps inside 1000:0000-FFFF, away from the IVT and the code. */
    cpu_set_seg_cache(r->cpu, SEG_SS, 0x1000, 0x10000, 0xffff, 0x93);
    uint64_t cycles = cpu_cycles(r->cpu);
    assert_int_equal(rig_run_at(r, RIG_CODE), CPU_EXIT_BUDGET);
    assert_int_equal(cpu_retired(r->cpu), 0);
    /* The run took its budget (RIG_BUDGET cycles), no more. */
    assert_true(cpu_cycles(r->cpu) - cycles >= RIG_BUDGET);
    assert_true(cpu_cycles(r->cpu) - cycles <= RIG_BUDGET + 1);
    assert_int_equal(r->cpu->eip, 0x600);
    /* And the next run goes on the same way. */
    assert_int_equal(cpu_run(r->cpu, 1000), CPU_EXIT_BUDGET);
    alarm(0);
}

/* Real mode, an instruction breakpoint (DR0, DR7.L0, R/W 00) on the first
 * instruction of the #DB handler itself: each #DB fault (SDM Vol. 3, 17.3.1.1)
 * delivers to the breakpoint again, between blocks, retiring nothing. The run
 * must still end at its budget. */
static void exec_breakpoint_on_its_own_handler_ends_at_budget(void **state)
{
    struct rig *r = *state;
    alarm(HANG_ALARM);
    wr(r, 4 * 1, RIG_CODE, 4); /* IVT[1] = 0000:RIG_CODE */
    static const uint8_t nop[] = {0x90};
    rig_load_hlt(r, nop, sizeof nop);
    rig_enter_real(r);
    cpu_set_seg_cache(r->cpu, SEG_SS, 0x1000, 0x10000, 0xffff, 0x93);
    r->cpu->dr[0] = RIG_CODE;
    r->cpu->dr[7] = debug_dr7_value(0x1);
    debug_update(r->cpu);
    uint64_t cycles = cpu_cycles(r->cpu);
    assert_int_equal(rig_run_at(r, RIG_CODE), CPU_EXIT_BUDGET);
    assert_int_equal(cpu_retired(r->cpu), 0);
    assert_true(cpu_cycles(r->cpu) - cycles >= RIG_BUDGET);
    assert_int_equal(r->cpu->eip, RIG_CODE);
    alarm(0);
}

/* CPL 3 with alignment checking armed (CR0.AM, EFLAGS.AC) and ESP misaligned;
 * the #UD gate leads to CPL-3 code, so delivery pushes onto the misaligned user
 * stack and raises #AC, whose delivery raises #AC again: benign faults delivered
 * serially (SDM Vol. 3, 6.15), never a double fault. bt86 used to loop inside
 * its fault handler without looking at the budget. */
static void ac_during_delivery_loop_ends_at_budget(void **state)
{
    struct rig *r = *state;
    alarm(HANG_ALARM);
    cpu_set_cr0(r->cpu, r->cpu->cr[0] | CR0_AM);
    idt_set(r, 6, SEL_CODE3, CODE3 + 0x100, 0x8e, 3);
    idt_set(r, 17, SEL_CODE3, CODE3 + 0x100, 0x8e, 3);
    static const uint8_t user[] = {0x0f, 0x0b}; /* ud2 */
    load(r, CODE3, user, sizeof user);
    static const uint8_t to_ring3[] = {
        0x6a, 0x23,                   /* push 0x23 */
        0x68, 0x01, 0x90, 0x00, 0x00, /* push 0x9001: misaligned */
        0x68, 0x02, 0x00, 0x04, 0x00, /* push 0x40002: AC */
        0x6a, 0x1b,                   /* push 0x1b */
        0x68, 0x00, 0x10, 0x02, 0x00, /* push 0x21000 */
        0xcf,                         /* iretd */
    };
    load(r, CODE0, to_ring3, sizeof to_ring3);
    r->cpu->eip = CODE0;
    assert_int_equal(cpu_run(r->cpu, 5000), CPU_EXIT_BUDGET);
    assert_int_equal(r->cpu->cpl, 3);
    assert_int_equal(r->cpu->eip, CODE3); /* still at the UD2 */
    assert_int_equal(r->cpu->reg[REG_ESP], 0x9001);
    assert_int_equal(cpu_run(r->cpu, 5000), CPU_EXIT_BUDGET);
    assert_int_equal(last_vector(r), 0xff); /* no ring-0 stub ever ran */
    alarm(0);
}

/* A task switch into a V86 task (EFLAGS.VM in its TSS) whose LDT selector is
 * bad: #TS comes after the commit point, in the new task (SDM Vol. 3, 7.3), so
 * from V86 mode at CPL 3 (20.2.5) through the ring-0 stack of the new TSS. bt86
 * used to raise it with VM set but CPL still 0, which escalated to a triple
 * fault. */
static void v86_task_with_bad_ldt_takes_ts_from_v86(void **state)
{
    struct rig *r = *state;
    alarm(HANG_ALARM);
    tss_task(r, TSS1, 0x0123, 0x0ffe, FLAG_VM | 0x2);
    wr(r, TSS1 + 0x04, STACKB, 4);    /* ESP0 */
    wr(r, TSS1 + 0x08, SEL_DATA0, 4); /* SS0 */
    wr(r, TSS1 + 0x4c, 0x2100, 4);    /* CS (a V86 segment) */
    wr(r, TSS1 + 0x54, 0x0777, 4);    /* DS */
    wr(r, TSS1 + 0x60, SEL_CODE0, 4); /* LDT: a code segment, #TS */
    static const uint8_t code[] = {0xea, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00}; /* jmp 0x30:0 */
    int v = run_snippet(r, code, sizeof code);
    assert_int_equal(v, 10);
    assert_int_equal(r->cpu->cpl, 0);
    assert_false(cpu_get_eflags(r->cpu) & FLAG_VM);
    /* The #TS frame on TSS1's ring-0 stack: error code, EIP, CS, EFLAGS (VM set),
     * ESP, SS, ES, DS, FS, GS (SDM Vol. 3, figure 20-2 with an error code). */
    assert_int_equal(r->cpu->reg[REG_ESP], STACKB - 40);
    assert_int_equal(frame(r, 0), SEL_CODE0);
    assert_int_equal(frame(r, 1), 0x0123);
    assert_int_equal(frame(r, 2), 0x2100);
    assert_true(frame(r, 3) & FLAG_VM);
    assert_int_equal(frame(r, 4), 0x0ffe);
    assert_int_equal(frame(r, 7) & 0xffff, 0x0777);
    alarm(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fault_loop_without_retirement_ends_at_budget, rig_setup,
                                        rig_teardown),
        cmocka_unit_test_setup_teardown(exec_breakpoint_on_its_own_handler_ends_at_budget,
                                        rig_setup, rig_teardown),
        SYSTEM_TEST(ac_during_delivery_loop_ends_at_budget),
        SYSTEM_TEST(v86_task_with_bad_ldt_takes_ts_from_v86),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The alignment check (#AC, Intel SDM Vol. 3, 6.15 and table 6-7) through the
 * public CPU calls: it is armed exactly when CR0.AM, EFLAGS.AC and CPL 3 all hold,
 * whichever of the three changes last, and it catches a misaligned access even when
 * the page's translation is already cached for the fast path. Self-contained: a
 * flat ring-3 machine built from segment caches, no descriptor tables. */
#include "cpu/cpu.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_rig.h"

#define CODE 0x1000u
#define DATA 0x2000u

enum { VEC_UD = 6, VEC_AC = 17 };

/* Flat 4 GiB segments of privilege dpl, CPL = dpl. */
static void set_ring(struct cpu *cpu, uint32_t dpl)
{
    uint16_t d = (uint16_t)(dpl << 5);
    uint16_t data = 0x80 | 0x10 | 0x02 | 0x01 | d | 0x4000 | 0x8000; /* P S W A, D/B, G */
    uint16_t code = 0x80 | 0x10 | 0x08 | 0x02 | 0x01 | d | 0x4000 | 0x8000;
    cpu_set_seg_cache(cpu, SEG_CS, (uint16_t)(0x08 | 0x10 * (dpl == 3) | dpl), 0, 0xffffffffu,
                      code);
    for (int s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS)
            cpu_set_seg_cache(cpu, (enum seg_reg)s, (uint16_t)(0x10 | 0x10 * (dpl == 3) | dpl), 0,
                              0xffffffffu, data);
    cpu_set_cpl(cpu, dpl);
}

static int ac_setup(void **state)
{
    struct rig *r = rig_create(state, 1 << 20);
    cpu_set_flat32(r->cpu, 0x08);
    set_ring(r->cpu, 3);
    cpu_set_cr0(r->cpu, r->cpu->cr[0] | CR0_AM);
    cpu_set_eflags(r->cpu, FLAG_AC);
    r->cpu->intercept_exceptions = true;
    return 0;
}

/* Runs code at CODE until it raises something; returns the vector and checks the
 * EIP the exception reports. Every program here ends with UD2. */
static int run_to_exception(struct rig *r, const uint8_t *code, size_t len, uint32_t fault_off)
{
    assert_true(phys_copy_to(&r->ps, CODE, code, len));
    cpu_invalidate_phys(r->cpu, CODE, (uint32_t)len);
    r->cpu->eip = CODE;
    r->cpu->reg[REG_ESP] = 0x8000;
    assert_int_equal(cpu_run(r->cpu, 1000), CPU_EXIT_EXCEPTION);
    assert_int_equal(r->cpu->eip, CODE + fault_off);
    return r->cpu->raised.vector;
}

static const uint8_t load_misaligned[] = {
    0xa1, 0x01, 0x20, 0x00, 0x00, /* mov eax, [DATA + 1] */
    0x0f, 0x0b,                   /* ud2 */
};

static void misaligned_dword_load_is_ac_with_error_code_0(void **state)
{
    struct rig *r = *state;
    assert_int_equal(run_to_exception(r, load_misaligned, sizeof load_misaligned, 0), VEC_AC);
    assert_int_equal(r->cpu->raised.error_code, 0);
}

/* Each condition alone off disarms it; setting it again (by the call that changes
 * that state) re-arms it. */
static void armed_only_with_am_ac_and_cpl3(void **state)
{
    struct rig *r = *state;
    struct cpu *cpu = r->cpu;
    cpu_set_eflags(cpu, 0);
    assert_int_equal(run_to_exception(r, load_misaligned, sizeof load_misaligned, 5), VEC_UD);
    cpu_set_eflags(cpu, FLAG_AC);
    assert_int_equal(run_to_exception(r, load_misaligned, sizeof load_misaligned, 0), VEC_AC);

    cpu_set_cr0(cpu, cpu->cr[0] & ~CR0_AM);
    assert_int_equal(run_to_exception(r, load_misaligned, sizeof load_misaligned, 5), VEC_UD);
    cpu_set_cr0(cpu, cpu->cr[0] | CR0_AM);
    assert_int_equal(run_to_exception(r, load_misaligned, sizeof load_misaligned, 0), VEC_AC);

    for (uint32_t ring = 0; ring < 3; ring++) {
        set_ring(cpu, ring);
        assert_int_equal(run_to_exception(r, load_misaligned, sizeof load_misaligned, 5), VEC_UD);
    }
    set_ring(cpu, 3);
    assert_int_equal(run_to_exception(r, load_misaligned, sizeof load_misaligned, 0), VEC_AC);
}

/* The page was used at CPL 3 before the check was armed, so its user TLB entry
 * allows the fast path: the misaligned access must still fault. */
static void cached_translation_does_not_bypass_the_check(void **state)
{
    struct rig *r = *state;
    static const uint8_t warm[] = {
        0xa1, 0x01, 0x20, 0x00, 0x00, /* mov eax, [DATA + 1] */
        0xa3, 0x05, 0x20, 0x00, 0x00, /* mov [DATA + 5], eax */
        0x0f, 0x0b,                   /* ud2 */
    };
    cpu_set_eflags(r->cpu, 0);
    assert_int_equal(run_to_exception(r, warm, sizeof warm, 10), VEC_UD);
    cpu_set_eflags(r->cpu, FLAG_AC);
    assert_int_equal(run_to_exception(r, warm, sizeof warm, 0), VEC_AC);
}

/* Table 6-7: a 48-bit far pointer needs 4, a 32-bit one 2; a double-precision
 * value 8. */
static void far_pointers_and_qwords_by_table_6_7(void **state)
{
    struct rig *r = *state;
    static const uint8_t les48[] = {
        0xc4, 0x05, 0x02, 0x20, 0x00, 0x00, /* les eax, [DATA + 2] */
        0x0f, 0x0b,
    };
    static const uint8_t les32[] = {
        0x66, 0xc4, 0x05, 0x02, 0x20, 0x00, 0x00, /* les ax, [DATA + 2] */
        0x0f, 0x0b,
    };
    static const uint8_t fld64[] = {
        0xdd, 0x05, 0x04, 0x20, 0x00, 0x00, /* fld qword [DATA + 4] */
        0x0f, 0x0b,
    };
    static const uint8_t fld32[] = {
        0xd9, 0x05, 0x04, 0x20, 0x00, 0x00, /* fld dword [DATA + 4] */
        0x0f, 0x0b,
    };
    assert_int_equal(run_to_exception(r, les48, sizeof les48, 0), VEC_AC);
    assert_int_equal(run_to_exception(r, les32, sizeof les32, 7), VEC_UD);
    assert_int_equal(run_to_exception(r, fld64, sizeof fld64, 0), VEC_AC);
    assert_int_equal(run_to_exception(r, fld32, sizeof fld32, 6), VEC_UD);
}

/* A push to a misaligned ESP faults before ESP or memory change. */
static void misaligned_push_changes_nothing(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {
        0x83, 0xec, 0x02, /* sub esp, 2 */
        0x50,             /* push eax */
        0x0f, 0x0b,
    };
    r->cpu->reg[REG_EAX] = 0x11223344;
    assert_int_equal(run_to_exception(r, code, sizeof code, 3), VEC_AC);
    assert_int_equal(r->cpu->reg[REG_ESP], 0x8000 - 2);
    assert_int_equal(phys_read(&r->ps, 0x8000 - 6, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(misaligned_dword_load_is_ac_with_error_code_0, ac_setup,
                                        rig_teardown),
        cmocka_unit_test_setup_teardown(armed_only_with_am_ac_and_cpl3, ac_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(cached_translation_does_not_bypass_the_check, ac_setup,
                                        rig_teardown),
        cmocka_unit_test_setup_teardown(far_pointers_and_qwords_by_table_6_7, ac_setup,
                                        rig_teardown),
        cmocka_unit_test_setup_teardown(misaligned_push_changes_nothing, ac_setup, rig_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The execution engine end to end on small real-mode programs: blocks run, jumps
 * and calls go where the SDM says, memory operands address what they should,
 * exceptions go through the IVT, and self-modifying code takes effect. */
#include "cpu/cpu.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_rig.h"

static int exec_setup(void **state)
{
    rig_create(state, 1 << 20);
    return 0;
}

/* Loads code at 0000:0100 with SS:SP = 0000:8000 and runs to HLT. */
static void run_code(struct rig *r, const uint8_t *code, size_t len)
{
    assert_true(phys_copy_to(&r->ps, 0x100, code, len));
    cpu_load_seg_real(r->cpu, SEG_CS, 0);
    cpu_load_seg_real(r->cpu, SEG_SS, 0);
    cpu_load_seg_real(r->cpu, SEG_DS, 0);
    cpu_load_seg_real(r->cpu, SEG_ES, 0);
    r->cpu->eip = 0x100;
    r->cpu->reg[REG_ESP] = 0x8000;
    r->cpu->halted = false;
    assert_int_equal(cpu_run(r->cpu, 100000), CPU_EXIT_HALT);
}

static void arithmetic_and_memory(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {
        0xb8, 0x05, 0x00, /* mov ax, 5 */
        0x05, 0x03, 0x00, /* add ax, 3 */
        0xa3, 0x00, 0x20, /* mov [0x2000], ax */
        0xbb, 0x00, 0x20, /* mov bx, 0x2000 */
        0x80, 0x07, 0xff, /* add byte [bx], 0xff -> 0x07, CF=1 */
        0xf4,             /* hlt */
    };
    run_code(r, code, sizeof code);
    assert_int_equal(r->cpu->reg[REG_EAX] & 0xffff, 8);
    assert_int_equal(phys_read(&r->ps, 0x2000, 2), 0x0007);
    assert_true(cpu_get_eflags(r->cpu) & 1); /* CF */
    assert_int_equal(r->cpu->eip, 0x100 + sizeof code);
    assert_int_equal(r->cpu->icount, 6);
}

static void loop_call_ret(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {
        0xb9, 0x0a, 0x00, /* mov cx, 10 */
        0x31, 0xc0,       /* xor ax, ax */
        0xe8, 0x04, 0x00, /* call +4 (to 'inc') */
        0xe2, 0xfb,       /* loop -5 (to the call) */
        0xf4,             /* hlt */
        0x90,             /* nop (skipped) */
        0x40,             /* inc: inc ax */
        0xc3,             /* ret */
    };
    run_code(r, code, sizeof code);
    assert_int_equal(r->cpu->reg[REG_EAX] & 0xffff, 10);
    assert_int_equal(r->cpu->reg[REG_ECX] & 0xffff, 0);
    assert_int_equal(r->cpu->reg[REG_ESP], 0x8000);
    /* mov, xor, then 10 x (call, inc, ret, loop), then hlt */
    assert_int_equal(r->cpu->icount, 2 + 40 + 1);
}

static void divide_error_goes_through_ivt(void **state)
{
    struct rig *r = *state;
    /* IVT entry 0 -> 0000:0300, where a handler stores a marker and halts. */
    phys_write(&r->ps, 0, 0x00000300, 4);
    static const uint8_t handler[] = {0xc6, 0x06, 0x00,
                                      0x30, 0xaa, 0xf4}; /* mov byte [0x3000],0xaa; hlt */
    assert_true(phys_copy_to(&r->ps, 0x300, handler, sizeof handler));
    static const uint8_t code[] = {
        0x31, 0xc9, /* xor cx, cx */
        0xf7, 0xf1, /* div cx -> #DE */
        0xf4,
    };
    run_code(r, code, sizeof code);
    assert_int_equal(phys_read(&r->ps, 0x3000, 1), 0xaa);
    /* The pushed IP is the DIV's own (a fault), then CS, then FLAGS. */
    assert_int_equal(r->cpu->reg[REG_ESP], 0x8000 - 6);
    assert_int_equal(phys_read(&r->ps, 0x8000 - 6, 2), 0x102);
    assert_int_equal(phys_read(&r->ps, 0x8000 - 4, 2), 0);
}

static void self_modifying_code_in_the_running_block(void **state)
{
    struct rig *r = *state;
    /* The first run executes "mov al, 1" at 0x10a; the store then rewrites its
     * immediate inside the same block, and the new value must be what runs. */
    static const uint8_t code[] = {
        0xb0, 0x00,                   /* 100: mov al, 0 */
        0xc6, 0x06, 0x0b, 0x01, 0x02, /* 102: mov byte [0x10b], 2 */
        0x90,                         /* 107: nop */
        0x90, 0x90,                   /* 108: nop nop */
        0xb0, 0x01,                   /* 10a: mov al, 1 (imm at 0x10b) */
        0xf4,                         /* 10c: hlt */
    };
    run_code(r, code, sizeof code);
    assert_int_equal(r->cpu->reg[REG_EAX] & 0xff, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(arithmetic_and_memory, exec_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(loop_call_ret, exec_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(divide_error_goes_through_ivt, exec_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(self_modifying_code_in_the_running_block, exec_setup,
                                        rig_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

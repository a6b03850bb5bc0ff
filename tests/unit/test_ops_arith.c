/* Shifts/rotates, SHLD/SHRD, multiply/divide and BCD adjust, run as small programs
 * in real mode and in flat 32-bit protected mode. Expected values are worked out
 * from the pseudocode and flag rules of Intel SDM Vol. 2; flags the SDM leaves
 * undefined are masked out, except in documented_undefined_choices, which pins down
 * what bt86 chose (see the header comments of ops_shift.c and ops_muldiv.c). */
#include "cpu_rig.h"

#include "cpu/exception.h"

/* ---- shifts and rotates ---- */

static void shift_count_one(void **state)
{
    struct rig *r = *state;
    /* SHL AL,1: 81 -> 02, CF = old MSB 1, OF = MSB(result) ^ CF = 1. */
    rig_set_regs(r, 0x81, 0, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xd0, 0xe0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x02);
    assert_flags(r, CF | OF | SF | ZF | PF, CF | OF);
    /* SAL (the /6 alias, D0 /6) behaves as SHL. */
    rig_set_regs(r, 0x81, 0, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xd0, 0xf0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x02);
    assert_flags(r, CF | OF | SF | ZF | PF, CF | OF);
    /* SHR AL,1: 81 -> 40, CF = 1, OF = MSB of the original = 1. */
    rig_set_regs(r, 0x81, 0, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xd0, 0xe8);
    assert_int_equal(rig_reg(r, REG_EAX), 0x40);
    assert_flags(r, CF | OF | SF | ZF | PF, CF | OF);
    /* SAR AL,1: 81 -> C0, CF = 1, OF = 0, SF = 1, PF (C0 has two ones) = 1. */
    rig_set_regs(r, 0x81, 0, 0, 0);
    rig_set_flags(r, OF);
    RUN16(r, 0xd0, 0xf8);
    assert_int_equal(rig_reg(r, REG_EAX), 0xc0);
    assert_flags(r, CF | OF | SF | ZF | PF, CF | SF | PF);
    /* SHR AL,1 of 01 -> 00: ZF = 1, PF = 1, CF = 1, OF = 0. */
    rig_set_regs(r, 0x01, 0, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xd0, 0xe8);
    assert_int_equal(rig_reg(r, REG_EAX), 0);
    assert_flags(r, CF | OF | SF | ZF | PF, CF | ZF | PF);
}

static void shift_count_zero_changes_nothing(void **state)
{
    struct rig *r = *state;
    /* SHL AL,CL with CL = 0, and with CL = 20h (masked to 0): value and all flags
     * stay, even the ones a shift would set. */
    for (uint32_t cl = 0; cl <= 0x20; cl += 0x20) {
        rig_set_regs(r, 0x81, cl, 0, 0);
        rig_set_flags(r, ALL);
        RUN16(r, 0xd2, 0xe0);
        assert_int_equal(rig_reg(r, REG_EAX), 0x81);
        assert_flags(r, ALL, ALL);
        rig_set_flags(r, 0);
        RUN16(r, 0xd2, 0xe8); /* shr al, cl */
        assert_int_equal(rig_reg(r, REG_EAX), 0x81);
        assert_flags(r, ALL, 0);
        rig_set_flags(r, CF);
        RUN16(r, 0xd2, 0xd0); /* rcl al, cl */
        assert_int_equal(rig_reg(r, REG_EAX), 0x81);
        assert_flags(r, ALL, CF);
    }
    /* SHLD with a zero count: nothing changes. */
    rig_set_regs(r, 0x1234, 0, 0xabcd, 0);
    rig_set_flags(r, ZF | PF);
    RUN16(r, 0x0f, 0xa5, 0xd0); /* shld ax, dx, cl */
    assert_int_equal(rig_reg(r, REG_EAX), 0x1234);
    assert_flags(r, ALL, ZF | PF);
}

static void shift_count_n(void **state)
{
    struct rig *r = *state;
    /* SHL AX,4: 1234 -> 2340; CF = bit 12 of 1234 = 1; PF of 40 = 0. */
    rig_set_regs(r, 0x1234, 0, 0, 0);
    rig_set_flags(r, ZF | SF | PF);
    RUN16(r, 0xc1, 0xe0, 0x04);
    assert_int_equal(rig_reg(r, REG_EAX), 0x2340);
    assert_flags(r, CF | SF | ZF | PF, CF);
    /* SHR AX,CL=3: 8005 -> 1000, CF = bit 2 = 1. */
    rig_set_regs(r, 0x8005, 3, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xd3, 0xe8);
    assert_int_equal(rig_reg(r, REG_EAX), 0x1000);
    assert_flags(r, CF | SF | ZF | PF, CF | PF);
    /* SAR AL,CL=9 (more than the width): 80 -> FF, CF = the sign bit. */
    rig_set_regs(r, 0x80, 9, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xd2, 0xf8);
    assert_int_equal(rig_reg(r, REG_EAX), 0xff);
    assert_flags(r, CF | SF | ZF | PF, CF | SF | PF);
    /* SHL EAX,CL=31 in 32-bit code: 3 -> 80000000, CF = bit 1 = 1. */
    rig_set_regs(r, 3, 31, 0, 0);
    rig_set_flags(r, 0);
    RUN32(r, 0xd3, 0xe0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x80000000u);
    assert_flags(r, CF | SF | ZF | PF, CF | SF | PF);
    /* The count is masked to 5 bits: SHL EAX, 33 shifts by 1. */
    rig_set_regs(r, 3, 33, 0, 0);
    rig_set_flags(r, 0);
    RUN32(r, 0xd3, 0xe0);
    assert_int_equal(rig_reg(r, REG_EAX), 6);
    /* A memory operand: SHL word [2000h],1. */
    wr(r, 0x2000, 0xc001, 2);
    rig_set_flags(r, 0);
    RUN16(r, 0xd1, 0x26, 0x00, 0x20);
    assert_int_equal(rd(r, 0x2000, 2), 0x8002);
    assert_flags(r, CF | OF | SF | ZF, CF | SF);
}

static void rotates(void **state)
{
    struct rig *r = *state;
    /* ROL AL,1: 81 -> 03, CF = LSB(result) = 1, OF = MSB ^ CF = 1; SF/ZF/PF/AF
     * are not affected by rotates. */
    rig_set_regs(r, 0x81, 0, 0, 0);
    rig_set_flags(r, ZF | SF | PF | AF);
    RUN16(r, 0xd0, 0xc0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x03);
    assert_flags(r, ALL, CF | OF | ZF | SF | PF | AF);
    /* ROR AL,1: 81 -> C0, CF = MSB(result) = 1, OF = top two bits differ = 0. */
    rig_set_regs(r, 0x81, 0, 0, 0);
    rig_set_flags(r, OF);
    RUN16(r, 0xd0, 0xc8);
    assert_int_equal(rig_reg(r, REG_EAX), 0xc0);
    assert_flags(r, ALL, CF);
    /* ROL AL,8: the value comes back, and CF is still LSB(result) (the SDM sets CF
     * whenever the masked count is nonzero). */
    rig_set_regs(r, 0x81, 0, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xc0, 0xc0, 0x08);
    assert_int_equal(rig_reg(r, REG_EAX), 0x81);
    assert_flags(r, CF, CF);
    /* ROR AX,CL=4: 1234 -> 4123, CF = MSB = 0. */
    rig_set_regs(r, 0x1234, 4, 0, 0);
    rig_set_flags(r, CF);
    RUN16(r, 0xd3, 0xc8);
    assert_int_equal(rig_reg(r, REG_EAX), 0x4123);
    assert_flags(r, CF, 0);
    /* RCL AL,1 with CF = 1: 80 -> 01, CF = 1, OF = MSB(result) ^ CF = 1. */
    rig_set_regs(r, 0x80, 0, 0, 0);
    rig_set_flags(r, CF);
    RUN16(r, 0xd0, 0xd0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x01);
    assert_flags(r, CF | OF, CF | OF);
    /* RCR AL,1 with CF = 1: 01 -> 80, CF = 1, OF = MSB(dest) ^ CF before = 1. */
    rig_set_regs(r, 0x01, 0, 0, 0);
    rig_set_flags(r, CF);
    RUN16(r, 0xd0, 0xd8);
    assert_int_equal(rig_reg(r, REG_EAX), 0x80);
    assert_flags(r, CF | OF, CF | OF);
    /* RCR AL,1 with CF = 0: 02 -> 01, CF = 0, OF = 0. */
    rig_set_regs(r, 0x02, 0, 0, 0);
    rig_set_flags(r, OF);
    RUN16(r, 0xd0, 0xd8);
    assert_int_equal(rig_reg(r, REG_EAX), 0x01);
    assert_flags(r, CF | OF, 0);
}

static void rcl_rcr_wrap(void **state)
{
    struct rig *r = *state;
    /* 8-bit RCL by 9 is a full turn of the 9-bit CF:AL: nothing moves. */
    rig_set_regs(r, 0x55, 9, 0, 0);
    rig_set_flags(r, CF);
    RUN16(r, 0xd2, 0xd0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x55);
    assert_flags(r, CF, CF);
    /* 26 mod 9 = 8: the same as RCR by 1. CF:AL = 0:01 -> 1:00. */
    rig_set_regs(r, 0x01, 26, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xd2, 0xd0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x00);
    assert_flags(r, CF, CF);
    /* RCL AL,CL=10 = RCL by 1: CF:AL = 1:40 -> 0:81. */
    rig_set_regs(r, 0x40, 10, 0, 0);
    rig_set_flags(r, CF);
    RUN16(r, 0xd2, 0xd0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x81);
    assert_flags(r, CF, 0);
    /* 16-bit: RCR AX by 17 is a full turn; by 18 it is RCR by 1. */
    rig_set_regs(r, 0x8001, 17, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xd3, 0xd8);
    assert_int_equal(rig_reg(r, REG_EAX), 0x8001);
    assert_flags(r, CF, 0);
    rig_set_regs(r, 0x8001, 18, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xd3, 0xd8); /* CF:AX = 0:8001 -> 1:4000 */
    assert_int_equal(rig_reg(r, REG_EAX), 0x4000);
    assert_flags(r, CF, CF);
    /* 32-bit: no modulo; RCL EAX,31 of 1 with CF = 0 -> 80000000, CF = bit 1 = 0. */
    rig_set_regs(r, 1, 31, 0, 0);
    rig_set_flags(r, CF);
    RUN32(r, 0xd3, 0xd0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x80000000u + 0x40000000u); /* old CF lands in bit 30 */
    assert_flags(r, CF, 0);
}

static void shld_shrd(void **state)
{
    struct rig *r = *state;
    /* SHLD AX,BX,4: 1234:ABCD -> 234A, CF = bit 12 of 1234 = 1, PF of 4A = 0. */
    rig_set_regs(r, 0x1234, 0, 0, 0xabcd);
    rig_set_flags(r, ZF | SF | PF);
    RUN16(r, 0x0f, 0xa4, 0xd8, 0x04);
    assert_int_equal(rig_reg(r, REG_EAX), 0x234a);
    assert_int_equal(rig_reg(r, REG_EBX), 0xabcd);
    assert_flags(r, CF | SF | ZF | PF, CF);
    /* SHLD AX,BX,1: 4000 with 8000 -> 8001, CF = 0, OF = 1 (sign changed). */
    rig_set_regs(r, 0x4000, 0, 0, 0x8000);
    rig_set_flags(r, 0);
    RUN16(r, 0x0f, 0xa4, 0xd8, 0x01);
    assert_int_equal(rig_reg(r, REG_EAX), 0x8001);
    assert_flags(r, CF | OF | SF | ZF, OF | SF);
    /* SHRD EAX,EDX,CL=8 in 32-bit code: 12345678, AABBCCDD -> DD123456, CF = bit 7
     * of 12345678 = 0, PF of 56 = 1. */
    rig_set_regs(r, 0x12345678, 8, 0xaabbccdd, 0);
    rig_set_flags(r, CF | ZF);
    RUN32(r, 0x0f, 0xad, 0xd0);
    assert_int_equal(rig_reg(r, REG_EAX), 0xdd123456u);
    assert_flags(r, CF | SF | ZF | PF, SF | PF);
    /* SHRD AX,DX,1: 0001 with DX bit 0 = 0 -> 0000, CF = 1, OF = 0, ZF = 1. */
    rig_set_regs(r, 0x0001, 1, 0x0000, 0);
    rig_set_flags(r, OF);
    RUN16(r, 0x0f, 0xad, 0xd0);
    assert_int_equal(rig_reg(r, REG_EAX), 0);
    assert_flags(r, CF | OF | SF | ZF | PF, CF | ZF | PF);
    /* SHLD on memory: SHLD [2000h],AX,8 (16-bit): 1234 with AX = ABCD -> 34AB. */
    wr(r, 0x2000, 0x1234, 2);
    rig_set_regs(r, 0xabcd, 0, 0, 0);
    RUN16(r, 0x0f, 0xa4, 0x06, 0x00, 0x20, 0x08);
    assert_int_equal(rd(r, 0x2000, 2), 0x34ab);
}

/* ---- multiply and divide ---- */

static void mul_imul_flags(void **state)
{
    struct rig *r = *state;
    /* MUL CL: 80 * 2 = 0100: upper half nonzero, CF = OF = 1. */
    rig_set_regs(r, 0x80, 2, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xf6, 0xe1);
    assert_int_equal(rig_reg(r, REG_EAX), 0x0100);
    assert_flags(r, CF | OF, CF | OF);
    /* MUL CL: 10 * 0F = 00F0: CF = OF = 0. */
    rig_set_regs(r, 0xff10, 0x0f, 0, 0);
    rig_set_flags(r, CF | OF);
    RUN16(r, 0xf6, 0xe1);
    assert_int_equal(rig_reg(r, REG_EAX), 0x00f0);
    assert_flags(r, CF | OF, 0);
    /* MUL CX: 1234 * 0100 = 0012:3400. */
    rig_set_regs(r, 0x1234, 0x100, 0xffff, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xf7, 0xe1);
    assert_int_equal(rig_reg(r, REG_EAX), 0x3400);
    assert_int_equal(rig_reg(r, REG_EDX), 0x0012);
    assert_flags(r, CF | OF, CF | OF);
    /* MUL ECX (32-bit code): FFFFFFFF^2 = FFFFFFFE:00000001. */
    rig_set_regs(r, 0xffffffffu, 0xffffffffu, 0, 0);
    rig_set_flags(r, 0);
    RUN32(r, 0xf7, 0xe1);
    assert_int_equal(rig_reg(r, REG_EAX), 1);
    assert_int_equal(rig_reg(r, REG_EDX), 0xfffffffeu);
    assert_flags(r, CF | OF, CF | OF);
    /* IMUL CL: -1 * -128 = +128 = 0080, which AL alone cannot hold: CF = OF = 1. */
    rig_set_regs(r, 0xff, 0x80, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xf6, 0xe9);
    assert_int_equal(rig_reg(r, REG_EAX), 0x0080);
    assert_flags(r, CF | OF, CF | OF);
    /* IMUL CL: -2 * 3 = -6 = FFFA, the sign extension of AL: CF = OF = 0. */
    rig_set_regs(r, 0xfe, 3, 0, 0);
    rig_set_flags(r, CF | OF);
    RUN16(r, 0xf6, 0xe9);
    assert_int_equal(rig_reg(r, REG_EAX), 0xfffa);
    assert_flags(r, CF | OF, 0);
    /* IMUL CX: -1 * -1 = 0000:0001. */
    rig_set_regs(r, 0xffff, 0xffff, 0x1234, 0);
    rig_set_flags(r, CF | OF);
    RUN16(r, 0xf7, 0xe9);
    assert_int_equal(rig_reg(r, REG_EAX), 1);
    assert_int_equal(rig_reg(r, REG_EDX), 0);
    assert_flags(r, CF | OF, 0);
    /* IMUL AX,CX (two operands): 0100 * 0100 truncates to 0000: CF = OF = 1. */
    rig_set_regs(r, 0x100, 0x100, 0x5555, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x0f, 0xaf, 0xc1);
    assert_int_equal(rig_reg(r, REG_EAX), 0);
    assert_int_equal(rig_reg(r, REG_EDX), 0x5555); /* no DX for this form */
    assert_flags(r, CF | OF, CF | OF);
    /* IMUL AX,CX,-2 (6B, sign-extended imm8): 4000 * -2 = -8000 fits: CF = OF = 0. */
    rig_set_regs(r, 0, 0x4000, 0, 0);
    rig_set_flags(r, CF | OF);
    RUN16(r, 0x6b, 0xc1, 0xfe);
    assert_int_equal(rig_reg(r, REG_EAX), 0x8000);
    assert_flags(r, CF | OF, 0);
    /* IMUL AX,CX,-2 with CX = C000 (-4000h): +8000 does not fit: CF = OF = 1. */
    rig_set_regs(r, 0, 0xc000, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x6b, 0xc1, 0xfe);
    assert_int_equal(rig_reg(r, REG_EAX), 0x8000);
    assert_flags(r, CF | OF, CF | OF);
    /* IMUL EAX,ECX,10000h (69, imm32) in 32-bit code: 10000h^2 truncates to 0. */
    rig_set_regs(r, 0, 0x10000, 0, 0);
    rig_set_flags(r, 0);
    RUN32(r, 0x69, 0xc1, 0x00, 0x00, 0x01, 0x00);
    assert_int_equal(rig_reg(r, REG_EAX), 0);
    assert_flags(r, CF | OF, CF | OF);
    /* IMUL EAX,ECX,-3 in 32-bit code: 7 * -3 = -21. */
    rig_set_regs(r, 0, 7, 0, 0);
    rig_set_flags(r, CF | OF);
    RUN32(r, 0x6b, 0xc1, 0xfd);
    assert_int_equal(rig_reg(r, REG_EAX), (uint32_t)-21);
    assert_flags(r, CF | OF, 0);
}

static void div_idiv_results(void **state)
{
    struct rig *r = *state;
    /* DIV CL: 0100 / 10 = 10 r 0. */
    rig_set_regs(r, 0x0100, 0x10, 0, 0);
    RUN16(r, 0xf6, 0xf1);
    assert_int_equal(rig_reg(r, REG_EAX), 0x0010);
    /* DIV CX: 0001:0005 / 10 = 1000 r 5. */
    rig_set_regs(r, 0x0005, 0x10, 0x0001, 0);
    RUN16(r, 0xf7, 0xf1);
    assert_int_equal(rig_reg(r, REG_EAX), 0x1000);
    assert_int_equal(rig_reg(r, REG_EDX), 5);
    /* DIV ECX (66 prefix in real mode): 1:00000000 / 2 = 80000000 r 0. */
    rig_set_regs(r, 0, 2, 1, 0);
    RUN16(r, 0x66, 0xf7, 0xf1);
    assert_int_equal(rig_reg(r, REG_EAX), 0x80000000u);
    assert_int_equal(rig_reg(r, REG_EDX), 0);
    /* IDIV CL: -7 / 2 = -3 r -1 (truncation toward zero). */
    rig_set_regs(r, 0xfff9, 2, 0, 0);
    RUN16(r, 0xf6, 0xf9);
    assert_int_equal(rig_reg(r, REG_EAX), 0xfffd);
    /* IDIV CL: -128 / 1 = -128: the most negative quotient is allowed (286+). */
    rig_set_regs(r, 0xff80, 1, 0, 0);
    RUN16(r, 0xf6, 0xf9);
    assert_int_equal(rig_reg(r, REG_EAX), 0x0080);
    /* IDIV CX: 7 / -2 = -3 r 1. */
    rig_set_regs(r, 7, 0xfffe, 0, 0);
    RUN16(r, 0xf7, 0xf9);
    assert_int_equal(rig_reg(r, REG_EAX), 0xfffd);
    assert_int_equal(rig_reg(r, REG_EDX), 1);
    /* IDIV ECX in 32-bit code: -100 / 7 = -14 r -2. */
    rig_set_regs(r, (uint32_t)-100, 7, 0xffffffffu, 0);
    RUN32(r, 0xf7, 0xf9);
    assert_int_equal(rig_reg(r, REG_EAX), (uint32_t)-14);
    assert_int_equal(rig_reg(r, REG_EDX), (uint32_t)-2);
}

/* Runs code that must fault with #DE at its first instruction and checks that EAX
 * and EDX stayed. */
static void expect_de(struct rig *r, const uint8_t *code, size_t len, uint32_t eax, uint32_t ecx,
                      uint32_t edx)
{
    rig_set_regs(r, eax, ecx, edx, 0);
    rig_run16_fault(r, code, len, EXC_DE, 0);
    assert_int_equal(rig_reg(r, REG_EAX), eax);
    assert_int_equal(rig_reg(r, REG_EDX), edx);
}

static void divide_errors(void **state)
{
    struct rig *r = *state;
    static const uint8_t div_cl[] = {0xf6, 0xf1}, div_cx[] = {0xf7, 0xf1};
    static const uint8_t idiv_cl[] = {0xf6, 0xf9}, idiv_cx[] = {0xf7, 0xf9};
    static const uint8_t idiv_ecx[] = {0x66, 0xf7, 0xf9}, div_ecx[] = {0x66, 0xf7, 0xf1};
    expect_de(r, div_cl, sizeof div_cl, 0x1234, 0, 0);        /* by zero */
    expect_de(r, div_cl, sizeof div_cl, 0x1000, 0x10, 0);     /* quotient 100h > FFh */
    expect_de(r, div_cx, sizeof div_cx, 0, 1, 1);             /* 10000h > FFFFh */
    expect_de(r, div_ecx, sizeof div_ecx, 0, 0, 0);           /* 32-bit by zero */
    expect_de(r, idiv_cl, sizeof idiv_cl, 0x8000, 0xff, 0);   /* -8000h / -1 */
    expect_de(r, idiv_cl, sizeof idiv_cl, 0x0080, 1, 0);      /* +128 > 127 */
    expect_de(r, idiv_cx, sizeof idiv_cx, 0, 0xffff, 0x8000); /* -80000000h / -1 */
    /* The most negative 64-bit dividend by -1, and INT32_MIN:... / -1. */
    expect_de(r, idiv_ecx, sizeof idiv_ecx, 0, 0xffffffffu, 0x80000000u);
    expect_de(r, idiv_ecx, sizeof idiv_ecx, 0x80000000u, 0xffffffffu, 0xffffffffu);
}

/* ---- decimal adjust ---- */

static void daa_das(void **state)
{
    struct rig *r = *state;
    /* SDM Vol. 2, DAA example: 79h + 35h = AEh, DAA -> 14h, CF = 1, AF = 1, PF = 1. */
    rig_set_regs(r, 0, 0, 0, 0);
    RUN16(r, 0xb0, 0x79, 0xb3, 0x35, 0x00, 0xd8, 0x27); /* mov al,79h; mov bl,35h; add; daa */
    assert_int_equal(rig_reg(r, REG_EAX) & 0xff, 0x14);
    assert_flags(r, CF | AF | PF | ZF | SF, CF | AF | PF);
    /* 38h + 45h = 7Dh -> 83h: only the low digit adjusts, CF = 0. */
    RUN16(r, 0xb0, 0x38, 0xb3, 0x45, 0x00, 0xd8, 0x27);
    assert_int_equal(rig_reg(r, REG_EAX) & 0xff, 0x83);
    assert_flags(r, CF | AF | SF | ZF, AF | SF);
    /* 99h + 01h = 9Ah -> 00h with CF = 1, ZF = 1. */
    RUN16(r, 0xb0, 0x99, 0xb3, 0x01, 0x00, 0xd8, 0x27);
    assert_int_equal(rig_reg(r, REG_EAX) & 0xff, 0x00);
    assert_flags(r, CF | ZF | PF | SF, CF | ZF | PF);
    /* SDM Vol. 2, DAS example: 35h - 47h = EEh, DAS -> 88h, CF = AF = 1, SF = PF = 1. */
    RUN16(r, 0xb0, 0x35, 0xb3, 0x47, 0x28, 0xd8, 0x2f); /* mov; mov; sub al,bl; das */
    assert_int_equal(rig_reg(r, REG_EAX) & 0xff, 0x88);
    assert_flags(r, CF | AF | PF | ZF | SF, CF | AF | PF | SF);
    /* DAS with AF = 1 and AL = 03h: AL - 6 borrows, so CF = 1, and no 60h step
     * follows (old AL <= 99h, old CF = 0): AL = FDh. */
    rig_set_regs(r, 0x03, 0, 0, 0);
    rig_set_flags(r, AF);
    RUN16(r, 0x2f);
    assert_int_equal(rig_reg(r, REG_EAX) & 0xff, 0xfd);
    assert_flags(r, CF | AF, CF | AF);
}

static void aaa_aas(void **state)
{
    struct rig *r = *state;
    /* 08h + 06h = 0Eh; AAA: AX + 106h = 0114h, AL masked -> 0104h, CF = AF = 1. */
    rig_set_regs(r, 0x0008, 0, 0, 0);
    RUN16(r, 0x04, 0x06, 0x37); /* add al,6; aaa */
    assert_int_equal(rig_reg(r, REG_EAX), 0x0104);
    assert_flags(r, CF | AF, CF | AF);
    /* AL = FAh: AX + 106h carries out of AL into AH: 00FAh -> 0200h. */
    rig_set_regs(r, 0x00fa, 0, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x37);
    assert_int_equal(rig_reg(r, REG_EAX), 0x0200);
    assert_flags(r, CF | AF, CF | AF);
    /* No adjustment: AL high nibble cleared, CF = AF = 0. */
    rig_set_regs(r, 0x0135, 0, 0, 0);
    rig_set_flags(r, CF);
    RUN16(r, 0x37);
    assert_int_equal(rig_reg(r, REG_EAX), 0x0105);
    assert_flags(r, CF | AF, 0);
    /* AAS: AL = 0Fh -> AX - 6 = 0209h, AH - 1 -> 0109h, CF = AF = 1. */
    rig_set_regs(r, 0x020f, 0, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x3f);
    assert_int_equal(rig_reg(r, REG_EAX), 0x0109);
    assert_flags(r, CF | AF, CF | AF);
    /* AAS with AF = 1, AL = 00h: AX - 6 borrows from AH, then AH - 1:
     * 0200h -> 01FAh -> 00FAh -> AL masked: 000Ah. */
    rig_set_regs(r, 0x0200, 0, 0, 0);
    rig_set_flags(r, AF);
    RUN16(r, 0x3f);
    assert_int_equal(rig_reg(r, REG_EAX), 0x000a);
    assert_flags(r, CF | AF, CF | AF);
}

static void aam_aad(void **state)
{
    struct rig *r = *state;
    /* AAM: 4Fh (79) -> AH = 7, AL = 9; SF = ZF = 0, PF of 09h = 1. */
    rig_set_regs(r, 0x004f, 0, 0, 0);
    rig_set_flags(r, ZF | SF);
    RUN16(r, 0xd4, 0x0a);
    assert_int_equal(rig_reg(r, REG_EAX), 0x0709);
    assert_flags(r, SF | ZF | PF, PF);
    /* AAM 16: any base. */
    rig_set_regs(r, 0x004f, 0, 0, 0);
    RUN16(r, 0xd4, 0x10);
    assert_int_equal(rig_reg(r, REG_EAX), 0x040f);
    /* AAD: 0709h -> 004Fh; PF of 4Fh (five ones) = 0. */
    rig_set_regs(r, 0x0709, 0, 0, 0);
    rig_set_flags(r, ZF | PF | SF);
    RUN16(r, 0xd5, 0x0a);
    assert_int_equal(rig_reg(r, REG_EAX), 0x004f);
    assert_flags(r, SF | ZF | PF, 0);
    /* AAD 16, and the result wraps to a byte: 0F0Fh -> (15*16 + 15) = FFh. */
    rig_set_regs(r, 0x0f0f, 0, 0, 0);
    RUN16(r, 0xd5, 0x10);
    assert_int_equal(rig_reg(r, REG_EAX), 0x00ff);
    assert_flags(r, SF | ZF | PF, SF | PF);
    /* AAM 0 is #DE, with AX untouched. */
    static const uint8_t aam0[] = {0xd4, 0x00};
    expect_de(r, aam0, sizeof aam0, 0x1234, 0, 0);
}

/* What bt86 chose where the SDM says "undefined" (documented in ops_shift.c and
 * ops_muldiv.c). */
static void documented_undefined_choices(void **state)
{
    struct rig *r = *state;
    /* Shifts clear AF; OF for count > 1 follows the count-1 formula on the result:
     * SHL AL,2 of 60h -> 80h, CF = 1, OF = MSB ^ CF = 0. */
    rig_set_regs(r, 0x60, 2, 0, 0);
    rig_set_flags(r, AF | OF);
    RUN16(r, 0xd2, 0xe0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x80);
    assert_flags(r, ALL, CF | SF);
    /* SHL AX,CL=16 of 8001h: CF = bit 0 (the last out), OF = CF ^ 0 = 1. */
    rig_set_regs(r, 0x8001, 16, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0xd3, 0xe0);
    assert_int_equal(rig_reg(r, REG_EAX), 0);
    assert_flags(r, ALL, CF | OF | ZF | PF);
    /* SHLD/SHRD r16 with a count > 16 shift dest:src:dest. */
    rig_set_regs(r, 0xabcd, 24, 0xef01, 0);
    RUN16(r, 0x0f, 0xa5, 0xd0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x01ab);
    rig_set_regs(r, 0xabcd, 24, 0xef01, 0);
    RUN16(r, 0x0f, 0xad, 0xd0);
    assert_int_equal(rig_reg(r, REG_EAX), 0xcdef);
    /* MUL: SF, ZF, PF from the low half, AF = 0: 80h * 1 -> AL = 80h. */
    rig_set_regs(r, 0x80, 1, 0, 0);
    rig_set_flags(r, AF | ZF);
    RUN16(r, 0xf6, 0xe1);
    assert_flags(r, ALL, SF);
    /* DIV leaves all flags. */
    rig_set_regs(r, 100, 7, 0, 0);
    rig_set_flags(r, ALL);
    RUN16(r, 0xf6, 0xf1);
    assert_flags(r, ALL, ALL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RIG_TEST(shift_count_one),
        RIG_TEST(shift_count_zero_changes_nothing),
        RIG_TEST(shift_count_n),
        RIG_TEST(rotates),
        RIG_TEST(rcl_rcr_wrap),
        RIG_TEST(shld_shrd),
        RIG_TEST(mul_imul_flags),
        RIG_TEST(div_idiv_results),
        RIG_TEST(divide_errors),
        RIG_TEST(daa_das),
        RIG_TEST(aaa_aas),
        RIG_TEST(aam_aad),
        RIG_TEST(documented_undefined_choices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

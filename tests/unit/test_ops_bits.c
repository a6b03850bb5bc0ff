/* Bit tests and scans, SETcc/CMOVcc and XADD/CMPXCHG/CMPXCHG8B/BSWAP, run as small
 * programs in real mode and in flat 32-bit protected mode. Expected values come
 * from Intel SDM Vol. 2; undefined flags are masked out except in
 * documented_undefined_choices (see ops_bit.c and ops_xchg.c). */
#include "cpu_rig.h"

#include "cpu/exception.h"

/* ---- bit tests and scans ---- */

static void bt_family(void **state)
{
    struct rig *r = *state;
    /* BT AX,3 */
    rig_set_regs(r, 0x0008, 0, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x0f, 0xba, 0xe0, 0x03);
    assert_flags(r, CF, CF);
    rig_set_regs(r, 0xfff7, 0, 0, 0);
    RUN16(r, 0x0f, 0xba, 0xe0, 0x03);
    assert_flags(r, CF, 0);
    /* BTC AX,CX: a register offset into a register is taken mod 16 (17 -> 1). */
    rig_set_regs(r, 0, 17, 0, 0);
    rig_set_flags(r, CF);
    RUN16(r, 0x0f, 0xbb, 0xc8);
    assert_int_equal(rig_reg(r, REG_EAX), 2);
    assert_flags(r, CF, 0);
    /* BT word [2000h],17: an immediate offset is taken mod 16 for memory too. */
    wr(r, 0x2000, 0x0002, 2);
    wr(r, 0x2002, 0x0000, 2);
    rig_set_flags(r, 0);
    RUN16(r, 0x0f, 0xba, 0x26, 0x00, 0x20, 0x11);
    assert_flags(r, CF, CF);
    /* BTS [2000h],CX with CX = -1: the bit base is 2000h, so bit -1 is bit 7 of byte
     * 1FFFh, i.e. bit 15 of the word at 1FFEh. */
    wr(r, 0x1ffe, 0, 2);
    rig_set_regs(r, 0, 0xffff, 0, 0);
    rig_set_flags(r, CF);
    RUN16(r, 0x0f, 0xab, 0x0e, 0x00, 0x20);
    assert_int_equal(rd(r, 0x1ffe, 2), 0x8000);
    assert_int_equal(rd(r, 0x2000, 2), 0x0002);
    assert_flags(r, CF, 0);
    /* BT [2000h],CX with CX = 35: bit 3 of the word at 2004h. */
    wr(r, 0x2004, 0x0008, 2);
    rig_set_regs(r, 0, 35, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x0f, 0xa3, 0x0e, 0x00, 0x20);
    assert_flags(r, CF, CF);
    /* BTR dword [2000h],ECX with ECX = -33: bit 31 of the dword at 2000h - 8. */
    wr(r, 0x1ff8, 0xffffffffu, 4);
    rig_set_regs(r, 0, (uint32_t)-33, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x66, 0x0f, 0xb3, 0x0e, 0x00, 0x20);
    assert_int_equal(rd(r, 0x1ff8, 4), 0x7fffffffu);
    assert_flags(r, CF, CF);
    /* 32-bit code: BTS [EBX],ECX with ECX = 100: bit 4 of the dword at EBX + 12. */
    wr(r, 0x400c, 0, 4);
    rig_set_regs(r, 0, 100, 0, 0x4000);
    RUN32(r, 0x0f, 0xab, 0x0b);
    assert_int_equal(rd(r, 0x400c, 4), 0x10);
    /* ... and with ECX = -1 (no 64 KiB wrap to hide a wrong sign): bit 31 of the
     * dword at EBX - 4. */
    wr(r, 0x3ffc, 0, 4);
    rig_set_regs(r, 0, 0xffffffffu, 0, 0x4000);
    RUN32(r, 0x0f, 0xab, 0x0b);
    assert_int_equal(rd(r, 0x3ffc, 4), 0x80000000u);
}

static void bsf_bsr(void **state)
{
    struct rig *r = *state;
    rig_set_regs(r, 0xffff, 0x0108, 0, 0);
    rig_set_flags(r, ZF);
    RUN16(r, 0x0f, 0xbc, 0xc1); /* bsf ax, cx */
    assert_int_equal(rig_reg(r, REG_EAX), 3);
    assert_flags(r, ZF, 0);
    rig_set_regs(r, 0xffff, 0x0108, 0, 0);
    RUN16(r, 0x0f, 0xbd, 0xc1); /* bsr ax, cx */
    assert_int_equal(rig_reg(r, REG_EAX), 8);
    assert_flags(r, ZF, 0);
    /* 32-bit code: BSR EAX,ECX of 80000001 = 31, BSF = 0. */
    rig_set_regs(r, 0, 0x80000001u, 0, 0);
    RUN32(r, 0x0f, 0xbd, 0xc1);
    assert_int_equal(rig_reg(r, REG_EAX), 31);
    RUN32(r, 0x0f, 0xbc, 0xc1);
    assert_int_equal(rig_reg(r, REG_EAX), 0);
    /* Zero source: ZF = 1 and (as P6 and AMD do) the destination unchanged. */
    rig_set_regs(r, 0x12345678u, 0, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x66, 0x0f, 0xbc, 0xc1); /* bsf eax, ecx */
    assert_int_equal(rig_reg(r, REG_EAX), 0x12345678u);
    assert_flags(r, ZF, ZF);
    RUN16(r, 0x0f, 0xbd, 0xc1); /* bsr ax, cx */
    assert_int_equal(rig_reg(r, REG_EAX), 0x12345678u);
    assert_flags(r, ZF, ZF);
}

/* ---- SETcc, CMOVcc ---- */

static void setcc(void **state)
{
    struct rig *r = *state;
    /* CMP AL,BL with 01, FF: unsigned below, signed greater. */
    rig_set_regs(r, 0x01, 0xaaaa, 0xbbbb, 0xff);
    wr(r, 0x2000, 0x55, 1);
    RUN16(r, 0x38, 0xd8,                /* cmp al, bl */
          0x0f, 0x92, 0xc1,             /* setb cl */
          0x0f, 0x94, 0xc2,             /* setz dl */
          0x0f, 0x9c, 0x06, 0x00, 0x20, /* setl byte [2000h] */
          0x0f, 0x9f, 0xc6);            /* setg dh */
    assert_int_equal(rig_reg(r, REG_ECX), 0xaa01);
    assert_int_equal(rig_reg(r, REG_EDX), 0x0100);
    assert_int_equal(rd(r, 0x2000, 1), 0);
    /* SETNZ BH (a high-byte register) in 32-bit code. */
    rig_set_regs(r, 0, 0, 0, 0x12345678);
    rig_set_flags(r, 0);
    RUN32(r, 0x0f, 0x95, 0xc7);
    assert_int_equal(rig_reg(r, REG_EBX), 0x12340178);
}

static void cmovcc(void **state)
{
    struct rig *r = *state;
    /* CMOVZ AX,CX: true moves, false leaves AX. */
    rig_set_regs(r, 0x1111, 0x2222, 0, 0);
    rig_set_flags(r, ZF);
    RUN16(r, 0x0f, 0x44, 0xc1);
    assert_int_equal(rig_reg(r, REG_EAX), 0x2222);
    rig_set_regs(r, 0x1111, 0x2222, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x0f, 0x44, 0xc1);
    assert_int_equal(rig_reg(r, REG_EAX), 0x1111);
    /* 32-bit operand, false condition: all of EAX stays (no zero-extension outside
     * 64-bit mode). 32-bit code, CMOVB EAX,ECX with CF = 0. */
    rig_set_regs(r, 0xdeadbeefu, 0x2222, 0, 0);
    rig_set_flags(r, 0);
    RUN32(r, 0x0f, 0x42, 0xc1);
    assert_int_equal(rig_reg(r, REG_EAX), 0xdeadbeefu);
    rig_set_flags(r, CF);
    RUN32(r, 0x0f, 0x42, 0xc1);
    assert_int_equal(rig_reg(r, REG_EAX), 0x2222);
    /* CMOVZ AX,[2000h] from memory. */
    wr(r, 0x2000, 0xbeef, 2);
    rig_set_regs(r, 0, 0, 0, 0);
    rig_set_flags(r, ZF);
    RUN16(r, 0x0f, 0x44, 0x06, 0x00, 0x20);
    assert_int_equal(rig_reg(r, REG_EAX), 0xbeef);
    /* A false condition still reads the source: [EBX] beyond the 64 KiB real-mode
     * limit raises #GP (vector 13) either way. */
    static const uint8_t cmov_far[] = {0x67, 0x0f, 0x44, 0x03}; /* cmovz ax, [ebx] */
    rig_set_regs(r, 0x1111, 0, 0, 0x10000);
    rig_set_flags(r, 0);
    rig_run16_fault(r, cmov_far, sizeof cmov_far, EXC_GP, 0);
    assert_int_equal(rig_reg(r, REG_EAX), 0x1111);
}

/* ---- XADD, CMPXCHG, CMPXCHG8B, BSWAP ---- */

static void xadd(void **state)
{
    struct rig *r = *state;
    rig_set_regs(r, 1, 2, 0, 0);
    rig_set_flags(r, CF | ZF);
    RUN16(r, 0x0f, 0xc1, 0xc8); /* xadd ax, cx */
    assert_int_equal(rig_reg(r, REG_EAX), 3);
    assert_int_equal(rig_reg(r, REG_ECX), 1);
    assert_flags(r, CF | ZF | SF | OF, 0);
    /* XADD [2000h],CX: FFFF + 1 = 0 with CF = ZF = 1; CX gets the old FFFF. */
    wr(r, 0x2000, 0xffff, 2);
    rig_set_regs(r, 0, 1, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x0f, 0xc1, 0x0e, 0x00, 0x20);
    assert_int_equal(rd(r, 0x2000, 2), 0);
    assert_int_equal(rig_reg(r, REG_ECX), 0xffff);
    assert_flags(r, CF | ZF | AF | PF, CF | ZF | AF | PF);
    /* XADD AX,AX: the destination gets the sum. */
    rig_set_regs(r, 5, 0, 0, 0);
    RUN16(r, 0x0f, 0xc1, 0xc0);
    assert_int_equal(rig_reg(r, REG_EAX), 10);
}

static void cmpxchg(void **state)
{
    struct rig *r = *state;
    /* Success: AX = [2000h] -> [2000h] = CX, ZF = 1. */
    wr(r, 0x2000, 5, 2);
    rig_set_regs(r, 5, 9, 0, 0);
    rig_set_flags(r, 0);
    RUN16(r, 0x0f, 0xb1, 0x0e, 0x00, 0x20);
    assert_int_equal(rd(r, 0x2000, 2), 9);
    assert_int_equal(rig_reg(r, REG_EAX), 5);
    assert_flags(r, ZF | CF | SF, ZF);
    /* Failure: AX = [2000h], memory keeps 9; flags of CMP 5, 9: CF = SF = 1. */
    rig_set_regs(r, 5, 7, 0, 0);
    rig_set_flags(r, ZF);
    RUN16(r, 0x0f, 0xb1, 0x0e, 0x00, 0x20);
    assert_int_equal(rd(r, 0x2000, 2), 9);
    assert_int_equal(rig_reg(r, REG_EAX), 9);
    assert_flags(r, ZF | CF | SF, CF | SF);
    /* 8-bit register form: CMPXCHG BL,CL with AL = BL. */
    rig_set_regs(r, 0x42, 0x77, 0, 0x1142);
    RUN16(r, 0x0f, 0xb0, 0xcb);
    assert_int_equal(rig_reg(r, REG_EBX), 0x1177);
    assert_flags(r, ZF, ZF);
    /* 32-bit code, failure: EAX loaded from the destination register. */
    rig_set_regs(r, 1, 2, 0, 3);
    RUN32(r, 0x0f, 0xb1, 0xcb); /* cmpxchg ebx, ecx */
    assert_int_equal(rig_reg(r, REG_EAX), 3);
    assert_int_equal(rig_reg(r, REG_EBX), 3);
    assert_flags(r, ZF, 0);
}

/* An MMIO word that counts the bus cycles made to it. */
struct mmio_probe {
    uint32_t value;
    int reads, writes;
};

static uint32_t probe_read(void *opaque, uint32_t offset, int size)
{
    struct mmio_probe *p = opaque;
    p->reads++;
    return p->value;
}

static void probe_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct mmio_probe *p = opaque;
    p->writes++;
    p->value = value;
}

static void cmpxchg_failure_writes_back(void **state)
{
    struct rig *r = *state;
    static const struct io_ops ops = {probe_read, probe_write};
    struct mmio_probe probe = {0x1234, 0, 0};
    assert_true(phys_map_mmio(&r->ps, 0xd0000, PAGE_SIZE, &ops, &probe));
    /* mov ax,0D000h; mov es,ax; then es: cmpxchg [0],cx with AX != [0]. */
    rig_set_regs(r, 0, 0x9999, 0, 0);
    RUN16(r, 0xb8, 0x00, 0xd0, 0x8e, 0xc0, 0xb8, 0x00, 0x00, 0x26, 0x0f, 0xb1, 0x0e, 0x00, 0x00);
    assert_int_equal(rig_reg(r, REG_EAX), 0x1234);
    assert_int_equal(probe.value, 0x1234);
    assert_int_equal(probe.writes, 1); /* the destination is written with its own value */
    /* CMOV with a false condition still reads its memory source. */
    probe.reads = 0;
    rig_set_flags(r, 0);
    rig_set_regs(r, 0x5555, 0, 0, 0);
    RUN16(r, 0xbb, 0x00, 0xd0, 0x8e, 0xc3, 0x26, 0x0f, 0x44, 0x06, 0x00,
          0x00); /* cmovz ax,es:[0] */
    assert_int_equal(probe.reads, 1);
    assert_int_equal(rig_reg(r, REG_EAX), 0x5555);
}

static void cmpxchg8b(void **state)
{
    struct rig *r = *state;
    /* Equal: ZF = 1, m64 = ECX:EBX. */
    wr(r, 0x2000, 0x11111111u, 4);
    wr(r, 0x2004, 0x22222222u, 4);
    rig_set_regs(r, 0x11111111u, 0x44444444u, 0x22222222u, 0x33333333u);
    rig_set_flags(r, CF);
    RUN16(r, 0x0f, 0xc7, 0x0e, 0x00, 0x20);
    assert_int_equal(rd(r, 0x2000, 4), 0x33333333u);
    assert_int_equal(rd(r, 0x2004, 4), 0x44444444u);
    assert_flags(r, ZF | CF, ZF | CF);
    /* Not equal: ZF = 0, EDX:EAX = m64, memory unchanged. */
    rig_set_regs(r, 0, 0x66666666u, 0, 0x55555555u);
    RUN32(r, 0x0f, 0xc7, 0x0d, 0x00, 0x20, 0x00, 0x00); /* cmpxchg8b [2000h] */
    assert_int_equal(rig_reg(r, REG_EAX), 0x33333333u);
    assert_int_equal(rig_reg(r, REG_EDX), 0x44444444u);
    assert_int_equal(rd(r, 0x2000, 4), 0x33333333u);
    assert_int_equal(rd(r, 0x2004, 4), 0x44444444u);
    assert_flags(r, ZF | CF, CF);
    /* The register form is #UD. */
    static const uint8_t reg_form[] = {0x0f, 0xc7, 0xc8};
    rig_run16_fault(r, reg_form, sizeof reg_form, EXC_UD, 0);
}

static void bswap(void **state)
{
    struct rig *r = *state;
    rig_set_regs(r, 0x11223344u, 0, 0, 0);
    RUN16(r, 0x66, 0x0f, 0xc8); /* bswap eax */
    assert_int_equal(rig_reg(r, REG_EAX), 0x44332211u);
    rig_set_regs(r, 0, 0x01020304u, 0, 0);
    RUN32(r, 0x0f, 0xc9); /* bswap ecx */
    assert_int_equal(rig_reg(r, REG_ECX), 0x04030201u);
}

/* What bt86 chose where the SDM says "undefined" (documented in ops_bit.c and
 * ops_xchg.c). */
static void documented_undefined_choices(void **state)
{
    struct rig *r = *state;
    /* BT and BSF change only CF / ZF. */
    rig_set_regs(r, 1, 0, 0, 0);
    rig_set_flags(r, ALL & ~CF);
    RUN16(r, 0x0f, 0xba, 0xe0, 0x00);
    assert_flags(r, ALL, ALL);
    rig_set_regs(r, 0, 0x80, 0, 0);
    rig_set_flags(r, ALL);
    RUN16(r, 0x0f, 0xbc, 0xc1);
    assert_flags(r, ALL, ALL & ~ZF);
    /* BSWAP r16 clears the low word. */
    rig_set_regs(r, 0x11223344u, 0, 0, 0);
    RUN16(r, 0x0f, 0xc8);
    assert_int_equal(rig_reg(r, REG_EAX), 0x11220000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RIG_TEST(bt_family),
        RIG_TEST(bsf_bsr),
        RIG_TEST(setcc),
        RIG_TEST(cmovcc),
        RIG_TEST(xadd),
        RIG_TEST(cmpxchg),
        RIG_TEST(cmpxchg_failure_writes_back),
        RIG_TEST(cmpxchg8b),
        RIG_TEST(bswap),
        RIG_TEST(documented_undefined_choices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Port I/O instructions: IN/OUT with imm8 and DX ports at every size, INS/OUTS
 * with and without REP, the bus-less defaults, the I/O permission check, and WAIT's
 * #NM rule (WAIT itself is in ops_fpu_env.c). */
#include "cpu/exception.h"
#include "cpu/io.h"
#include "cpu_rig.h"

/* --- port I/O --- */

static void in_out_sizes_and_ports(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {
        0xb0, 0x5a,                         /* mov al, 5a */
        0xe6, 0x80,                         /* out 80h, al */
        0xba, 0xf8, 0x03,                   /* mov dx, 3f8h */
        0xb8, 0x34, 0x12,                   /* mov ax, 1234h */
        0xef,                               /* out dx, ax */
        0x66, 0xb8, 0x78, 0x56, 0x34, 0x12, /* mov eax, 12345678h */
        0x66, 0xef,                         /* out dx, eax */
        0xe4, 0x60,                         /* in al, 60h */
        0x88, 0xc3,                         /* mov bl, al */
        0xed,                               /* in ax, dx */
        0x89, 0xc6,                         /* mov si, ax */
        0x66, 0xed,                         /* in eax, dx */
        0xf4,
    };
    load(r, RIG_CODE, code, sizeof code);
    r->cpu->reg[REG_EBX] = 0xffffffffu;
    r->cpu->reg[REG_ESI] = 0xffffffffu;
    run(r);
    assert_int_equal(r->io_count, 6);
    const struct io_record want[] = {
        {0x80, 0x5a, 1, true},        {0x3f8, 0x1234, 2, true},      {0x3f8, 0x12345678, 4, true},
        {0x60, 0x44332211, 1, false}, {0x3f8, 0x45342312, 2, false}, {0x3f8, 0x46352413, 4, false},
    };
    for (int k = 0; k < 6; k++) {
        assert_int_equal(r->io[k].port, want[k].port);
        assert_int_equal(r->io[k].size, want[k].size);
        assert_int_equal(r->io[k].write, want[k].write);
        if (want[k].write)
            assert_int_equal(r->io[k].value, want[k].value);
    }
    /* IN keeps only the accessed width; the rest of the register is untouched */
    assert_int_equal(r->cpu->reg[REG_EBX], 0xffffff11u);
    assert_int_equal(r->cpu->reg[REG_ESI], 0xffff2312u);
    assert_int_equal(r->cpu->reg[REG_EAX], 0x46352413u);
    /* IN and OUT end their blocks, the count stays exact */
    assert_int_equal(r->cpu->icount, 13);
}

static void in_without_bus_reads_all_ones(void **state)
{
    struct rig *r = *state;
    /* in al, 61h; mov bl, al; in ax, dx; out 80h, al; hlt */
    static const uint8_t code[] = {0xe4, 0x61, 0x88, 0xc3, 0xed, 0xe6, 0x80, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    r->cpu->reg[REG_EAX] = 0x12340000;
    r->cpu->reg[REG_EBX] = 0;
    run(r);
    assert_int_equal(r->cpu->reg[REG_EBX], 0xff);
    assert_int_equal(r->cpu->reg[REG_EAX], 0x1234ffff);
}

static void rep_outsb_and_rep_insw(void **state)
{
    struct rig *r = *state;
    /* rep outsb; mov cx, 2; rep insw; outsw (single); hlt */
    static const uint8_t code[] = {0xf3, 0x6e, 0xb9, 0x02, 0x00, 0xf3, 0x6d, 0x6f, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x1000, "xyzQR");
    r->cpu->reg[REG_EDX] = 0x2e8;
    r->cpu->reg[REG_ESI] = 0x1000;
    r->cpu->reg[REG_EDI] = 0x3000;
    r->cpu->reg[REG_ECX] = 3;
    run(r);
    assert_int_equal(r->io_count, 6);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(r->io[k].port, 0x2e8);
        assert_true(r->io[k].write);
        assert_int_equal(r->io[k].size, 1);
        assert_int_equal(r->io[k].value, (uint32_t) "xyz"[k]);
    }
    assert_false(r->io[3].write);
    assert_int_equal(r->io[3].size, 2);
    assert_false(r->io[4].write);
    assert_int_equal(rd(r, 0x3000, 4), 0x23122211); /* low words of the two reads */
    assert_int_equal(r->cpu->reg[REG_EDI], 0x3004);
    assert_true(r->io[5].write);
    assert_int_equal(r->io[5].size, 2);
    assert_int_equal(r->io[5].value, 0x5251); /* "QR" */
    assert_int_equal(r->cpu->reg[REG_ESI], 0x1005);
    assert_int_equal(r->cpu->icount, 3 + 1 + 2 + 1 + 1);
}

/* I/O permission: real mode always; protected mode when CPL <= IOPL; otherwise
 * the TSS's I/O bitmap decides (Intel SDM Vol. 1, 19.5). Called directly with a
 * landing pad in exc_jmp. */
static int io_check(struct cpu *cpu, uint16_t port)
{
    if (setjmp(cpu->exc_jmp))
        return cpu->raised.vector;
    io_permission_check(cpu, port, 1);
    return -1;
}

static void io_permission(void **state)
{
    struct rig *r = *state;
    struct cpu *cpu = r->cpu;
    assert_int_equal(io_check(cpu, 0x80), -1);
    /* A 32-bit TSS at 0x1000 whose limit ends before its bitmap: no port allowed. */
    cpu_set_seg_cache(cpu, SEG_TR, 0x28, 0x1000, 0x67, SEG_ATTR_P | 0xb);
    wr(r, 0x1066, 0x68, 2); /* bitmap offset */
    cpu->cr[0] |= CR0_PE;
    cpu->cpl = 0;
    assert_int_equal(io_check(cpu, 0x80), -1);
    cpu->cpl = 3;
    assert_int_equal(io_check(cpu, 0x80), EXC_GP);
    assert_int_equal(cpu->raised.error_code, 0);
    cpu->eflags |= FLAG_IOPL; /* IOPL 3 */
    assert_int_equal(io_check(cpu, 0x80), -1);
    cpu->eflags |= FLAG_VM; /* V86 always consults the bitmap */
    assert_int_equal(io_check(cpu, 0x80), EXC_GP);
    /* With the bitmap inside the limit, a clear bit allows the port, a set one not. */
    cpu_set_seg_cache(cpu, SEG_TR, 0x28, 0x1000, 0x68 + 0x2000, SEG_ATTR_P | 0xb);
    assert_int_equal(io_check(cpu, 0x80), -1);
    wr(r, 0x1068 + 0x80 / 8, 1, 1); /* bit for port 0x80 */
    assert_int_equal(io_check(cpu, 0x80), EXC_GP);
    assert_int_equal(io_check(cpu, 0x81), -1);
}

/* --- WAIT --- */

static void fwait_faults_only_with_mp_and_ts(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0x9b, 0xf4}; /* fwait; hlt */
    load(r, RIG_CODE, code, sizeof code);
    r->cpu->cr[0] |= CR0_TS; /* TS without MP: no fault */
    run(r);
    r->cpu->cr[0] |= CR0_MP;
    assert_int_equal(rig_run_at(r, RIG_CODE), CPU_EXIT_HALT);
    rig_assert_fault_real(r, EXC_NM, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RIG_TEST_BUS(in_out_sizes_and_ports),       RIG_TEST(in_without_bus_reads_all_ones),
        RIG_TEST_BUS(rep_outsb_and_rep_insw),       RIG_TEST(io_permission),
        RIG_TEST(fwait_faults_only_with_mp_and_ts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

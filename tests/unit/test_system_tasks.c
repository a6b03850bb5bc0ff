/* Hardware task switches (Intel SDM Vol. 3, chapter 7) through TSS descriptors and
 * task gates with JMP, CALL, INT and IRET/NT, busy bits and back links; the I/O
 * permission bitmap; and virtual-8086 mode (chapter 20): entry by IRET, the
 * IOPL-sensitive instructions, and interrupts from V86 to ring 0. */
#include "system_rig.h"

#include "cpu/task.h"

#define CODEB 0x23000u

static bool busy(struct rig *r, uint16_t sel)
{
    return rd(r, GDT_BASE + sel + 4, 4) & 0x200;
}

static void jmp_to_tss_and_back(void **state)
{
    struct rig *r = *state;
    tss_task(r, TSS1, CODEB, STACKB, 0x2);
    wr(r, TSS1 + 0x28, 0xb0b0b0b0, 4); /* task B's EAX */
    static const uint8_t taskb[] = {
        0xa3, 0x04, 0x61, 0x00, 0x00,                               /* mov [0x6104], eax */
        0xc7, 0x05, 0x08, 0x61, 0x00, 0x00, 0xbb, 0xbb, 0x00, 0x00, /* mov dword [0x6108], 0xbbbb */
        0xea, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00,                   /* jmp 0x28:0 */
    };
    load(r, CODEB, taskb, sizeof taskb);
    static const uint8_t code[] = {
        0xb8, 0x11, 0x11, 0x11, 0x11,             /* mov eax, 0x11111111 */
        0xea, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00, /* jmp 0x30:0 */
        0xa3, 0x00, 0x61, 0x00, 0x00,             /* mov [0x6100], eax */
        0x66, 0x0f, 0x00, 0xcb,                   /* str bx */
        0xf4,                                     /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(last_vector(r), 0xff);
    assert_int_equal(rd(r, RESULT, 4), 0x11111111);     /* A's EAX came back from TSS0 */
    assert_int_equal(rd(r, RESULT + 4, 4), 0xb0b0b0b0); /* B started with its TSS's EAX */
    assert_int_equal(rd(r, RESULT + 8, 4), 0xbbbb);
    assert_int_equal(r->cpu->reg[REG_EBX] & 0xffff, SEL_TSS0);
    assert_true(busy(r, SEL_TSS0));
    assert_false(busy(r, SEL_TSS1)); /* JMP clears the old task's busy bit */
    assert_int_equal(rd(r, TSS1 + 0x20, 4), CODEB + sizeof taskb); /* B's saved EIP */
    assert_true(r->cpu->cr[0] & CR0_TS);
    assert_false(r->cpu->eflags & FLAG_NT);
}

static void call_task_then_iret_with_nt(void **state)
{
    struct rig *r = *state;
    tss_task(r, TSS1, CODEB, STACKB, 0x2);
    static const uint8_t taskb[] = {
        0x9c,                               /* pushfd */
        0x8f, 0x05, 0x04, 0x61, 0x00, 0x00, /* pop dword [0x6104] */
        0x66, 0x0f, 0x00, 0xc8,             /* str ax */
        0x66, 0xa3, 0x08, 0x61, 0x00, 0x00, /* mov [0x6108], ax */
        0xcf,                               /* iretd */
    };
    load(r, CODEB, taskb, sizeof taskb);
    static const uint8_t code[] = {
        0x9a, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00,                   /* call 0x30:0 */
        0xc7, 0x05, 0x00, 0x61, 0x00, 0x00, 0xaa, 0xaa, 0x00, 0x00, /* mov dword [0x6100], 0xaaaa */
        0xf4,                                                       /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(last_vector(r), 0xff);
    assert_int_equal(rd(r, RESULT, 4), 0xaaaa);
    assert_true(rd(r, RESULT + 4, 4) & FLAG_NT); /* CALL nests: NT set in the new task */
    assert_int_equal(rd(r, RESULT + 8, 2), SEL_TSS1);
    assert_int_equal(rd(r, TSS1, 2), SEL_TSS0); /* back link */
    assert_false(busy(r, SEL_TSS1));            /* IRET to the outer task frees B */
    assert_true(busy(r, SEL_TSS0));
    assert_false(rd(r, TSS1 + 0x24, 4) & FLAG_NT); /* IRET saves B with NT clear */
}

static void sixteen_bit_tss_switch(void **state)
{
    struct rig *r = *state;
    /* 0x38: 16-bit TSS at 0x3400 (limit 0x2b); task B at 0x5000 (IP is 16 bits). */
    const uint32_t tss16 = 0x3400;
    gdt_set(r, 7, tss16, 0x2b, 0x81, 0);
    for (uint32_t off = 0; off < 0x2c; off += 2)
        wr(r, tss16 + off, 0, 2);
    wr(r, tss16 + 0x0e, 0x5000, 2);    /* IP */
    wr(r, tss16 + 0x10, 0x0002, 2);    /* FLAGS */
    wr(r, tss16 + 0x12, 0x1616, 2);    /* AX */
    wr(r, tss16 + 0x1a, 0x9000, 2);    /* SP */
    wr(r, tss16 + 0x22, SEL_DATA0, 2); /* ES */
    wr(r, tss16 + 0x24, SEL_CODE0, 2); /* CS */
    wr(r, tss16 + 0x26, SEL_DATA0, 2); /* SS */
    wr(r, tss16 + 0x28, SEL_DATA0, 2); /* DS */
    static const uint8_t taskb[] = {
        0xa3, 0x04, 0x61, 0x00, 0x00,             /* mov [0x6104], eax */
        0xea, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00, /* jmp 0x28:0 */
    };
    load(r, 0x5000, taskb, sizeof taskb);
    static const uint8_t code[] = {
        0xb8, 0x00, 0x00, 0xcd, 0xab,             /* mov eax, 0xabcd0000 */
        0xea, 0x00, 0x00, 0x00, 0x00, 0x38, 0x00, /* jmp 0x38:0 */
        0xa3, 0x00, 0x61, 0x00, 0x00,             /* mov [0x6100], eax */
        0xf4,                                     /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(last_vector(r), 0xff);
    assert_int_equal(rd(r, RESULT, 4), 0xabcd0000);
    /* A 16-bit TSS loads only the low halves: EAX's upper half is what it was. */
    assert_int_equal(rd(r, RESULT + 4, 4), 0xabcd1616);
    assert_int_equal(rd(r, tss16 + 0x0e, 2), 0x5000 + sizeof taskb);
    assert_false(rd(r, GDT_BASE + 0x38 + 4, 4) & 0x200);
}

static void busy_task_cannot_be_reentered(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {
        0xea, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00, /* jmp 0x28:0 */
        0xf4,                                     /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(last_vector(r), 13);
    assert_int_equal(frame(r, 0), SEL_TSS0);
}

static void task_gate_in_idt_switches_tasks(void **state)
{
    struct rig *r = *state;
    tss_task(r, TSS1, CODEB, STACKB, 0x2);
    idt_set(r, 0x50, SEL_TSS1, 0, 0x85, 0);
    static const uint8_t taskb[] = {
        0xc7, 0x05, 0x04, 0x61, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, /* mov dword [0x6104], 0xb */
        0xcf,                                                       /* iretd */
    };
    load(r, CODEB, taskb, sizeof taskb);
    static const uint8_t code[] = {
        0xcd, 0x50,                                                 /* int 0x50 */
        0xc7, 0x05, 0x00, 0x61, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, /* mov dword [0x6100], 0xa */
        0xf4,                                                       /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(last_vector(r), 0xff);
    assert_int_equal(rd(r, RESULT, 4), 0xa);
    assert_int_equal(rd(r, RESULT + 4, 4), 0xb);
    /* A's saved EIP was the one after INT (a software interrupt). */
    assert_int_equal(rd(r, TSS0 + 0x20, 4), CODE0 + 2);
}

static void fault_through_task_gate_pushes_error_code_on_new_stack(void **state)
{
    struct rig *r = *state;
    tss_task(r, TSS1, CODEB, STACKB, 0x2);
    idt_set(r, 13, SEL_TSS1, 0, 0x85, 0);
    static const uint8_t taskb[] = {
        0x8f, 0x05, 0x04, 0x61, 0x00, 0x00, /* pop dword [0x6104] */
        0xf4,                               /* hlt */
    };
    load(r, CODEB, taskb, sizeof taskb);
    static const uint8_t code[] = {
        0x66, 0xb8, 0x00, 0x01, /* mov ax, 0x100 */
        0x8e, 0xd8,             /* mov ds, ax */
        0xf4,                   /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(rd(r, RESULT + 4, 4), 0x100);
    assert_int_equal(r->cpu->seg[SEG_TR].sel, SEL_TSS1);
    assert_int_equal(rd(r, TSS0 + 0x20, 4), CODE0 + 4); /* the faulting MOV DS */
}

static void io_permission_bitmap(void **state)
{
    struct rig *r = *state;
    /* TSS0 with a bitmap at 0x68 covering ports 0-0x3ff (0x80 bytes, the last at
     * the limit). */
    gdt_set(r, 5, TSS0, 0x68 + 0x7f, 0x8b, 0);
    cpu_set_seg_cache(r->cpu, SEG_TR, SEL_TSS0, TSS0, 0x68 + 0x7f, 0x8b);
    wr(r, TSS0 + 0x66, 0x68, 2);
    for (uint32_t k = 0; k < 0x80; k++)
        wr(r, TSS0 + 0x68 + k, 0, 1);
    wr(r, TSS0 + 0x68 + 1, 0x01, 1); /* port 8 denied */
    struct cpu *cpu = r->cpu;
    assert_true(tss_io_bitmap_allows(cpu, 7, 1));
    assert_false(tss_io_bitmap_allows(cpu, 8, 1));
    assert_false(tss_io_bitmap_allows(cpu, 7, 2)); /* spans ports 7 and 8 */
    assert_false(tss_io_bitmap_allows(cpu, 6, 4));
    assert_true(tss_io_bitmap_allows(cpu, 9, 4));
    assert_true(tss_io_bitmap_allows(cpu, 0x3fc, 4));
    assert_false(tss_io_bitmap_allows(cpu, 0x3fe, 4)); /* bits past the TSS limit */
    assert_false(tss_io_bitmap_allows(cpu, 0x400, 1));
    /* A 16-bit TSS has no bitmap. */
    cpu_set_seg_cache(cpu, SEG_TR, SEL_TSS0, TSS0, 0x68 + 0x7f, 0x83);
    assert_false(tss_io_bitmap_allows(cpu, 7, 1));
}

static void v86_iopl_sensitive_instructions_fault_to_ring0(void **state)
{
    struct rig *r = *state;
    static const uint8_t v86[] = {
        0xb8, 0x34, 0x12, /* mov ax, 0x1234 */
        0xa3, 0x10, 0x00, /* mov [0x10], ax */
        0xfa,             /* cli */
    };
    load(r, CODE3, v86, sizeof v86);
    run_v86(r, 0);
    assert_int_equal(last_vector(r), 13);
    assert_int_equal(rd(r, 0x8010, 2), 0x1234); /* DS was 0x800 */
    assert_int_equal(r->cpu->cpl, 0);
    assert_false(r->cpu->eflags & FLAG_VM);
    /* Frame: error, EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS (SDM Vol. 3, figure 20-5). */
    assert_int_equal(r->cpu->reg[REG_ESP], STACK0 - 40);
    assert_int_equal(frame(r, 0), 0);
    assert_int_equal(frame(r, 1), 6);
    assert_int_equal(frame(r, 2), 0x2100);
    assert_true(frame(r, 3) & FLAG_VM);
    assert_int_equal(frame(r, 4), 0x1000);
    assert_int_equal(frame(r, 5), 0x800);
    assert_int_equal(frame(r, 7), 0x800);
    assert_int_equal(r->cpu->seg[SEG_DS].sel, 0); /* data segments nulled on entry */
}

static void v86_int_n_faults_at_iopl0_and_goes_through_idt_at_iopl3(void **state)
{
    struct rig *r = *state;
    idt_set(r, 0x40, SEL_CODE0, STUBS + 16 * 0x40, 0x8e, 3);
    static const uint8_t v86[] = {
        0x9c,       /* pushf */
        0xcd, 0x40, /* int 0x40 */
    };
    load(r, CODE3, v86, sizeof v86);
    run_v86(r, 0);
    /* PUSHF at IOPL 0 is already #GP(0). */
    assert_int_equal(last_vector(r), 13);
    assert_int_equal(frame(r, 1), 0);
    load(r, CODE3, v86, sizeof v86);
    run_v86(r, FLAG_IOPL);
    assert_int_equal(last_vector(r), 0x40);
    assert_int_equal(frame(r, 0), 3); /* EIP after INT */
    assert_int_equal(frame(r, 1), 0x2100);
    assert_int_equal(frame(r, 3), 0x1000 - 2); /* the PUSHF moved SP */
}

static void v86_iret_at_iopl3_and_segment_arithmetic(void **state)
{
    struct rig *r = *state;
    idt_set(r, 0x40, SEL_CODE0, STUBS + 16 * 0x40, 0x8e, 3);
    static const uint8_t v86[] = {
        0x68, 0x02, 0x02,             /* push word 0x0202 */
        0x68, 0x00, 0x21,             /* push word 0x2100 */
        0x68, 0x0b, 0x00,             /* push word next - 0x21000 */
        0xcf,                         /* iret */
        0xf4,                         /* hlt */
        0x8c, 0xc8,                   /* mov ax, cs */
        0xbb, 0x40, 0x00,             /* mov bx, 0x40 */
        0x8e, 0xc3,                   /* mov es, bx */
        0x26, 0x8b, 0x0e, 0x00, 0x00, /* mov cx, [es:0x0] */
        0xcd, 0x40,                   /* int 0x40 */
    };
    wr(r, 0x400, 0x5a5a, 4);
    load(r, CODE3, v86, sizeof v86);
    run_v86(r, FLAG_IOPL);
    assert_int_equal(last_vector(r), 0x40);
    assert_int_equal(r->cpu->reg[REG_EAX] & 0xffff, 0x2100);
    assert_int_equal(r->cpu->reg[REG_ECX] & 0xffff, 0x5a5a);
    assert_true(frame(r, 2) & FLAG_IF); /* the V86 IRET loaded IF */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSTEM_TEST(jmp_to_tss_and_back),
        SYSTEM_TEST(call_task_then_iret_with_nt),
        SYSTEM_TEST(sixteen_bit_tss_switch),
        SYSTEM_TEST(busy_task_cannot_be_reentered),
        SYSTEM_TEST(task_gate_in_idt_switches_tasks),
        SYSTEM_TEST(fault_through_task_gate_pushes_error_code_on_new_stack),
        SYSTEM_TEST(io_permission_bitmap),
        SYSTEM_TEST(v86_iopl_sensitive_instructions_fault_to_ring0),
        SYSTEM_TEST(v86_int_n_faults_at_iopl0_and_goes_through_idt_at_iopl3),
        SYSTEM_TEST(v86_iret_at_iopl3_and_segment_arithmetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

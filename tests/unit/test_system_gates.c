/* Descriptor paths that share code with the GDT and 32-bit cases but had no test
 * of their own: the LDT (LLDT, segment loads with TI = 1, error codes that keep the
 * TI bit, the LDT limit), 16-bit interrupt and trap gates (IP, FLAGS, CS, SS, SP
 * and error code pushed as words, the inner stack from a 32-bit or a 16-bit TSS),
 * 16-bit call gates (parameters copied as words) and call gates to conforming code
 * (no privilege change). Intel SDM Vol. 3, 3.5.1, 5.8.3-5.8.6, 6.12.1, 7.2. */
#include "system_rig.h"

#define LDT_BASE  0x5000u
#define LDT_DATA  0x100000u /* base of the LDT data segment */
#define CONF_CODE 0x22000u

/* The 16-bit word k slots above ESP. */
static uint32_t word(struct rig *r, int k)
{
    uint16_t v = 0;
    assert_true(cpu_read_linear(r->cpu, r->cpu->reg[REG_ESP] + 2 * (uint32_t)k, &v, 2));
    return v;
}

/* An LDT descriptor at GDT index 7 (0x38) for an LDT at LDT_BASE with three
 * entries (limit 0x17): 0x04 unused, 0x0c data at LDT_DATA (limit 0xfff,
 * accessed bit clear), 0x14 data not present. GDT index 9 (0x48) is an LDT
 * descriptor that is not present. */
static void ldt_setup(struct rig *r)
{
    gdt_set(r, 7, LDT_BASE, 0x17, 0x82, 0);
    gdt_set(r, 9, LDT_BASE, 0x17, 0x02, 0);
    wr(r, LDT_BASE, 0, 4);
    wr(r, LDT_BASE + 4, 0, 4);
    wr(r, LDT_BASE + 8, 0x00000fffu, 4);                     /* base 15:0 = 0, limit 0xfff */
    wr(r, LDT_BASE + 12, 0x00409200u | (LDT_DATA >> 16), 4); /* P DPL0 data RW, B */
    wr(r, LDT_BASE + 16, 0x0000ffffu, 4);
    wr(r, LDT_BASE + 20, 0x00cf1200u, 4); /* not present */
    wr(r, LDT_DATA + 0x10, 0x600dd00du, 4);
}

static void ldt_segment_loads(void **state)
{
    struct rig *r = *state;
    ldt_setup(r);
    static const uint8_t code[] = {
        0x66, 0xb8, 0x38, 0x00,             /* mov ax, 0x38 */
        0x0f, 0x00, 0xd0,                   /* lldt ax */
        0x66, 0xb8, 0x0c, 0x00,             /* mov ax, 0x0c */
        0x8e, 0xd8,                         /* mov ds, ax */
        0xa1, 0x10, 0x00, 0x00, 0x00,       /* mov eax, [0x10] */
        0x36, 0xa3, 0x00, 0x61, 0x00, 0x00, /* mov [ss:0x6100], eax */
        0x66, 0xb8, 0x14, 0x00,             /* mov ax, 0x14 */
        0x8e, 0xc0,                         /* mov es, ax */
        0xf4,                               /* hlt */
    };
    /* The not-present LDT entry is #NP with the selector, TI bit included. */
    assert_int_equal(run_snippet(r, code, sizeof code), 11);
    assert_int_equal(frame(r, 0), 0x14);
    assert_int_equal(rd(r, RESULT, 4), 0x600dd00du);
    const struct cpu *cpu = r->cpu;
    assert_int_equal(cpu->seg[SEG_LDTR].sel, 0x38);
    assert_int_equal(cpu->seg[SEG_LDTR].base, LDT_BASE);
    assert_int_equal(cpu->seg[SEG_LDTR].limit, 0x17);
    assert_int_equal(cpu->seg[SEG_DS].sel, 0x0c);
    assert_int_equal(cpu->seg[SEG_DS].base, LDT_DATA);
    assert_int_equal(cpu->seg[SEG_DS].limit, 0xfff);
    /* The load set the accessed bit in the LDT entry (3.4.5.1). */
    assert_true(rd(r, LDT_BASE + 12, 4) & 0x100);

    /* Index 3 (0x1c) is past the LDT limit 0x17: #GP(0x1c). */
    assert_int_equal(run_selector_load(r, LOAD_DS, 0x1c), 13);
    assert_int_equal(frame(r, 0), 0x1c);
    /* RPL 3 above the entry's DPL 0: #GP with the selector's index and TI, RPL
     * dropped (6.13). */
    assert_int_equal(run_selector_load(r, LOAD_DS, 0x0f), 13);
    assert_int_equal(frame(r, 0), 0x0c);
    /* SLDT reads the selector back. */
    static const uint8_t sldt[] = {
        0x31, 0xc0,       /* xor eax, eax */
        0x0f, 0x00, 0xc0, /* sldt eax */
        0xf4,             /* hlt */
    };
    assert_int_equal(run_snippet(r, sldt, sizeof sldt), 0xff);
    assert_int_equal(r->cpu->reg[REG_EAX], 0x38);
}

static void lldt_rules(void **state)
{
    struct rig *r = *state;
    ldt_setup(r);
    /* LLDT takes only an LDT descriptor in the GDT (SDM Vol. 2, LLDT). */
    assert_int_equal(run_selector_load(r, LOAD_LLDT, 0x3c), 13);
    assert_int_equal(frame(r, 0), 0x3c);
    assert_int_equal(run_selector_load(r, LOAD_LLDT, 0x10), 13);
    assert_int_equal(frame(r, 0), 0x10);
    assert_int_equal(run_selector_load(r, LOAD_LLDT, 0x48), 11);
    assert_int_equal(frame(r, 0), 0x48);
    /* A null selector leaves the LDTR unusable: a TI = 1 load is #GP(sel). */
    static const uint8_t null_ldt[] = {
        0x66, 0xb8, 0x38, 0x00, /* mov ax, 0x38 */
        0x0f, 0x00, 0xd0,       /* lldt ax */
        0x31, 0xc0,             /* xor eax, eax */
        0x0f, 0x00, 0xd0,       /* lldt ax */
        0x66, 0xb8, 0x0c, 0x00, /* mov ax, 0x0c */
        0x8e, 0xd8,             /* mov ds, ax */
        0xf4,                   /* hlt */
    };
    assert_int_equal(run_snippet(r, null_ldt, sizeof null_ldt), 13);
    assert_int_equal(frame(r, 0), 0x0c);
    assert_int_equal(r->cpu->seg[SEG_LDTR].sel, 0);
}

/* INT 0x40 from ring 3 through a 16-bit interrupt gate: SS, SP, FLAGS, CS, IP go
 * on the inner stack as words (6.12.1, figure 6-4 for 16-bit gates). */
static void check_int16_frame(struct rig *r, uint32_t stack_top)
{
    assert_int_equal(r->cpu->cpl, 0);
    assert_int_equal(r->cpu->reg[REG_ESP], stack_top - 10);
    assert_int_equal(word(r, 0), (CODE3 + 2) & 0xffff);
    assert_int_equal(word(r, 1), SEL_CODE3);
    assert_int_equal(word(r, 2), 0x0202);
    assert_int_equal(word(r, 3), STACK3);
    assert_int_equal(word(r, 4), SEL_DATA3);
    assert_int_equal(r->cpu->seg[SEG_SS].sel, SEL_DATA0);
    assert_false(r->cpu->eflags & FLAG_IF);
}

static void int16_gate_from_ring3_with_32bit_tss(void **state)
{
    struct rig *r = *state;
    idt_set(r, 0x40, SEL_CODE0, STUBS + 16 * 0x40, 0x86, 3);
    static const uint8_t user[] = {
        0xcd, 0x40, /* int 0x40 */
    };
    load(r, CODE3, user, sizeof user);
    assert_int_equal(run_ring3(r), 0x40);
    check_int16_frame(r, STACK0);
}

static void int16_gate_from_ring3_with_16bit_tss(void **state)
{
    struct rig *r = *state;
    /* TR names a busy 16-bit TSS at TSS1: SP0 at +2, SS0 at +4 (7.6). */
    const uint32_t sp0 = 0xc000;
    gdt_set(r, 6, TSS1, 0x2b, 0x83, 0);
    cpu_set_seg_cache(r->cpu, SEG_TR, SEL_TSS1, TSS1, 0x2b, 0x83);
    for (uint32_t off = 0; off < 0x2c; off += 4)
        wr(r, TSS1 + off, 0, 4);
    wr(r, TSS1, sp0 << 16, 4);     /* back link 0, SP0 */
    wr(r, TSS1 + 4, SEL_DATA0, 4); /* SS0 */
    wr(r, TSS0 + 4, 0x1234, 4);    /* the 32-bit TSS is not the one used */
    idt_set(r, 0x40, SEL_CODE0, STUBS + 16 * 0x40, 0x86, 3);
    static const uint8_t user[] = {
        0xcd, 0x40, /* int 0x40 */
    };
    load(r, CODE3, user, sizeof user);
    assert_int_equal(run_ring3(r), 0x40);
    check_int16_frame(r, sp0);
}

static void trap16_gate_pushes_error_code_as_word(void **state)
{
    struct rig *r = *state;
    /* #GP through a 16-bit trap gate at the same privilege: FLAGS, CS, IP and the
     * error code as words, IF kept (6.12.1.3). */
    idt_set(r, 13, SEL_CODE0, STUBS + 16 * 13, 0x87, 0);
    cpu_set_eflags(r->cpu, FLAG_IF);
    assert_int_equal(run_selector_load(r, LOAD_ES, 0x100), 13);
    assert_int_equal(r->cpu->reg[REG_ESP], STACK0 - 8);
    assert_int_equal(word(r, 0), 0x100);
    assert_int_equal(word(r, 1), (CODE0 + 4) & 0xffff);
    assert_int_equal(word(r, 2), SEL_CODE0);
    assert_true(word(r, 3) & FLAG_IF);
    assert_true(r->cpu->eflags & FLAG_IF);
}

static void call_gate16_copies_parameters_as_words(void **state)
{
    struct rig *r = *state;
    /* GDT 10 (0x50): 16-bit call gate, DPL 3, two parameters, to ring 0. */
    gate_write(r, GDT_BASE + 8 * 10, SEL_CODE0, STUBS + 16 * 0x50, 0x84, 3, 2);
    static const uint8_t user[] = {
        0x66, 0x68, 0x11, 0x11,                   /* push word 0x1111 */
        0x66, 0x68, 0x22, 0x22,                   /* push word 0x2222 */
        0x9a, 0x00, 0x00, 0x00, 0x00, 0x53, 0x00, /* call 0x53:0 */
    };
    load(r, CODE3, user, sizeof user);
    assert_int_equal(run_ring3(r), 0x50);
    /* 5.8.6, figure 5-13: SS, SP, the parameters, CS, IP, all 16 bits wide. */
    assert_int_equal(r->cpu->cpl, 0);
    assert_int_equal(r->cpu->reg[REG_ESP], STACK0 - 12);
    assert_int_equal(word(r, 0), (CODE3 + 15) & 0xffff);
    assert_int_equal(word(r, 1), SEL_CODE3);
    assert_int_equal(word(r, 2), 0x2222);
    assert_int_equal(word(r, 3), 0x1111);
    assert_int_equal(word(r, 4), STACK3 - 4);
    assert_int_equal(word(r, 5), SEL_DATA3);
}

/* GDT 11 (0x58): conforming readable code, DPL 0; GDT 12 (0x60): 32-bit call gate,
 * DPL 3, to 0x58:CONF_CODE. The code there records CS and ESP and halts, which at
 * CPL 3 is #GP(0). */
static void conforming_setup(struct rig *r)
{
    gdt_set(r, 11, 0, 0xfffff, 0x9e, 0xc);
    gate_write(r, GDT_BASE + 8 * 12, 0x58, CONF_CODE, 0x8c, 3, 0);
    static const uint8_t conf[] = {
        0x8c, 0xc8,                               /* mov eax, cs */
        0x36, 0xa3, 0x00, 0x61, 0x00, 0x00,       /* mov [ss:0x6100], eax */
        0x36, 0x89, 0x25, 0x04, 0x61, 0x00, 0x00, /* mov [ss:0x6104], esp */
        0xf4,                                     /* hlt */
    };
    load(r, CONF_CODE, conf, sizeof conf);
}

static void call_gate_to_conforming_code_keeps_cpl(void **state)
{
    struct rig *r = *state;
    conforming_setup(r);
    static const uint8_t user[] = {
        0x9a, 0x00, 0x00, 0x00, 0x00, 0x63, 0x00, /* call 0x63:0 */
    };
    load(r, CODE3, user, sizeof user);
    /* 5.8.6: a conforming target runs at the caller's CPL, on the caller's stack:
     * CS gets RPL 3 and only CS:EIP are pushed. */
    assert_int_equal(run_ring3(r), 13);
    assert_int_equal(rd(r, RESULT, 4), 0x5b);
    assert_int_equal(rd(r, RESULT + 4, 4), STACK3 - 8);
    assert_int_equal(rd(r, STACK3 - 4, 4), SEL_CODE3);
    assert_int_equal(rd(r, STACK3 - 8, 4), CODE3 + 7);
    /* The HLT faulted at CPL 3 (#GP(0)), from CS 0x5b. */
    assert_int_equal(frame(r, 0), 0);
    assert_int_equal(frame(r, 1), CONF_CODE + 15);
    assert_int_equal(frame(r, 2), 0x5b);
}

static void jmp_through_gate_to_conforming_code_keeps_cpl(void **state)
{
    struct rig *r = *state;
    conforming_setup(r);
    static const uint8_t user[] = {
        0xea, 0x00, 0x00, 0x00, 0x00, 0x63, 0x00, /* jmp 0x63:0 */
    };
    load(r, CODE3, user, sizeof user);
    assert_int_equal(run_ring3(r), 13);
    assert_int_equal(rd(r, RESULT, 4), 0x5b);
    assert_int_equal(rd(r, RESULT + 4, 4), STACK3); /* JMP pushes nothing */
    assert_int_equal(frame(r, 2), 0x5b);
}

/* The same trip below 64 KiB, where a 16-bit IP is enough to come back: ring 3
 * code at LOW3, ring-0 handlers at LOW0 reached through 16-bit gates. */
#define LOW3 0x4000u
#define LOW0 0x4800u

static const uint8_t to_low3[] = {
    0x6a, 0x23,                   /* push 0x23 */
    0x68, 0x00, 0x90, 0x00, 0x00, /* push 0x9000 */
    0x68, 0x02, 0x02, 0x00, 0x00, /* push 0x202 */
    0x6a, 0x1b,                   /* push 0x1b */
    0x68, 0x00, 0x40, 0x00, 0x00, /* push 0x4000 */
    0xcf,                         /* iretd */
};

static void iret16_returns_to_ring3_from_16bit_gate(void **state)
{
    struct rig *r = *state;
    idt_set(r, 0x40, SEL_CODE0, LOW0, 0x86, 3);
    static const uint8_t handler[] = {
        0x66, 0xcf, /* o16 iret */
    };
    load(r, LOW0, handler, sizeof handler);
    static const uint8_t user[] = {
        0xcd, 0x40,                               /* int 0x40 */
        0x8c, 0xc8,                               /* mov eax, cs */
        0x36, 0xa3, 0x00, 0x61, 0x00, 0x00,       /* mov [ss:0x6100], eax */
        0x36, 0x89, 0x25, 0x04, 0x61, 0x00, 0x00, /* mov [ss:0x6104], esp */
        0xf4,                                     /* hlt: #GP(0) at CPL 3 */
    };
    load(r, LOW3, user, sizeof user);
    /* IRET with a 16-bit operand pops IP, CS, FLAGS, SP and SS as words (SDM
     * Vol. 2, IRET, return to outer privilege level). */
    assert_int_equal(run_snippet(r, to_low3, sizeof to_low3), 13);
    assert_int_equal(rd(r, RESULT, 4), SEL_CODE3);
    assert_int_equal(rd(r, RESULT + 4, 4), STACK3);
    assert_int_equal(frame(r, 1), LOW3 + 17);
    assert_int_equal(frame(r, 2), SEL_CODE3);
}

static void retf16_from_16bit_call_gate_drops_parameters(void **state)
{
    struct rig *r = *state;
    gate_write(r, GDT_BASE + 8 * 10, SEL_CODE0, LOW0, 0x84, 3, 2);
    static const uint8_t handler[] = {
        0x66, 0xca, 0x04, 0x00, /* o16 retf 4 */
    };
    load(r, LOW0, handler, sizeof handler);
    static const uint8_t user[] = {
        0x66, 0x68, 0x11, 0x11,                   /* push word 0x1111 */
        0x66, 0x68, 0x22, 0x22,                   /* push word 0x2222 */
        0x9a, 0x00, 0x00, 0x00, 0x00, 0x53, 0x00, /* call 0x53:0 */
        0x36, 0x89, 0x25, 0x04, 0x61, 0x00, 0x00, /* mov [ss:0x6104], esp */
        0xf4,                                     /* hlt: #GP(0) at CPL 3 */
    };
    load(r, LOW3, user, sizeof user);
    /* RET n to an outer level releases n bytes of parameters on both stacks
     * (SDM Vol. 2, RET): the caller's SP ends where it was before its pushes. */
    assert_int_equal(run_snippet(r, to_low3, sizeof to_low3), 13);
    assert_int_equal(rd(r, RESULT + 4, 4), STACK3);
    assert_int_equal(frame(r, 1), LOW3 + 22);
    assert_int_equal(frame(r, 2), SEL_CODE3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSTEM_TEST(ldt_segment_loads),
        SYSTEM_TEST(lldt_rules),
        SYSTEM_TEST(int16_gate_from_ring3_with_32bit_tss),
        SYSTEM_TEST(int16_gate_from_ring3_with_16bit_tss),
        SYSTEM_TEST(trap16_gate_pushes_error_code_as_word),
        SYSTEM_TEST(call_gate16_copies_parameters_as_words),
        SYSTEM_TEST(call_gate_to_conforming_code_keeps_cpl),
        SYSTEM_TEST(jmp_through_gate_to_conforming_code_keeps_cpl),
        SYSTEM_TEST(iret16_returns_to_ring3_from_16bit_gate),
        SYSTEM_TEST(retf16_from_16bit_call_gate_drops_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

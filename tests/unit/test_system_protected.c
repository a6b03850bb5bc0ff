/* Protected mode as an OS sees it: segment loads and their faults, interrupts
 * through the IDT with a stack switch, IRET outward, call gates with parameters,
 * double and triple faults, privileged instructions, MSRs, SYSENTER/SYSEXIT, and
 * the debug exception (single-step, instruction and data breakpoints). */
#include "system_rig.h"

static void segment_loads_fault_with_selector_error_codes(void **state)
{
    struct rig *r = *state;
    gdt_set(r, 7, 0, 0xfffff, 0x13, 0xc);                      /* 0x38: data, not present */
    gdt_set(r, 8, 0, 0xfffff, 0x92, 0xc);                      /* 0x40: data, accessed bit clear */
    gdt_set(r, 9, 0, 0xfffff, 0x9a, 0xc);                      /* 0x48: code, readable */
    gdt_set(r, 10, 0, 0xfffff, 0x98, 0xc);                     /* 0x50: code, execute-only */
    assert_int_equal(run_selector_load(r, LOAD_DS, 0x38), 11); /* not present: #NP */
    assert_int_equal(frame(r, 0), 0x38);
    assert_int_equal(run_selector_load(r, LOAD_ES, 0x100), 13); /* past the GDT limit */
    assert_int_equal(frame(r, 0), 0x100);
    assert_int_equal(run_selector_load(r, LOAD_SS, 0), 13); /* null SS */
    assert_int_equal(frame(r, 0), 0);
    assert_int_equal(run_selector_load(r, LOAD_SS, 0x20), 13); /* DPL 3 != CPL 0 */
    assert_int_equal(frame(r, 0), 0x20);
    assert_int_equal(run_selector_load(r, LOAD_FS, 0x50), 13); /* execute-only code */
    assert_int_equal(frame(r, 0), 0x50);
    static const uint8_t good[] = {
        0x66, 0xb8, 0x40, 0x00,                   /* mov ax, 0x40 */
        0x8e, 0xd8,                               /* mov ds, ax */
        0x66, 0xb8, 0x48, 0x00,                   /* mov ax, 0x48 */
        0x8e, 0xc0,                               /* mov es, ax */
        0x31, 0xc0,                               /* xor eax, eax */
        0x8e, 0xe0,                               /* mov fs, ax */
        0x26, 0xa1, 0x00, 0x61, 0x00, 0x00,       /* mov eax, [es:0x6100] */
        0x64, 0x8b, 0x1d, 0x00, 0x00, 0x00, 0x00, /* mov ebx, [fs:0] */
        0xf4,                                     /* hlt */
    };
    /* Loading null into FS is fine; using it is #GP(0). Readable code may be
     * loaded into a data segment register. The load sets the accessed bit. */
    assert_int_equal(run_snippet(r, good, sizeof good), 13);
    assert_int_equal(frame(r, 0), 0);
    assert_int_equal(r->cpu->seg[SEG_DS].sel, 0x40);
    assert_int_equal(r->cpu->seg[SEG_ES].sel, 0x48);
    assert_true(rd(r, GDT_BASE + 8 * 8 + 4, 4) & 0x100);
}

static void expand_down_segment_limits(void **state)
{
    struct rig *r = *state;
    /* 0x38: expand-down, writable data, limit 0xfff, B = 1: offsets 0x1000..4G-1. */
    gdt_set(r, 7, 0, 0x00fff, 0x96, 0x4);
    static const uint8_t code[] = {
        0x66, 0xb8, 0x38, 0x00,                                     /* mov ax, 0x38 */
        0x8e, 0xd8,                                                 /* mov ds, ax */
        0xc7, 0x05, 0x00, 0x61, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* mov dword [0x6100], 1 */
        0xc7, 0x05, 0x00, 0x08, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, /* mov dword [0x800], 2 */
        0xf4,                                                       /* hlt */
    };
    assert_int_equal(run_snippet(r, code, sizeof code), 13);
    assert_int_equal(rd(r, RESULT, 4), 1);
    assert_int_equal(frame(r, 1), CODE0 + 16); /* the access below the limit faulted */
}

/* Ring 0 -> ring 3 by IRET; the user code's INT 0x40 comes back through an
 * interrupt gate with the stack from the TSS. */
static void interrupt_from_ring3_switches_to_tss_stack(void **state)
{
    struct rig *r = *state;
    idt_set(r, 0x40, SEL_CODE0, STUBS + 16 * 0x40, 0x8e, 3);
    static const uint8_t user[] = {
        0xcd, 0x40, /* int 0x40 */
    };
    load(r, CODE3, user, sizeof user);
    assert_int_equal(run_ring3(r), 0x40);
    assert_int_equal(r->cpu->cpl, 0);
    assert_int_equal(r->cpu->reg[REG_ESP], STACK0 - 20);
    assert_int_equal(frame(r, 0), CODE3 + 2); /* INT n pushes the next EIP */
    assert_int_equal(frame(r, 1), SEL_CODE3);
    assert_true(frame(r, 2) & FLAG_IF);
    assert_int_equal(frame(r, 3), STACK3);
    assert_int_equal(frame(r, 4), SEL_DATA3);
    assert_false(r->cpu->eflags & FLAG_IF); /* interrupt gate */
    assert_int_equal(r->cpu->seg[SEG_SS].sel, SEL_DATA0);
}

static void int_n_above_gate_dpl_and_iret_nulls_data_segments(void **state)
{
    struct rig *r = *state;
    /* IDT 0x41 has DPL 0: INT 0x41 from ring 3 is #GP(0x41 * 8 + 2). */
    static const uint8_t user[] = {
        0xcd, 0x41, /* int 0x41 */
    };
    load(r, CODE3, user, sizeof user);
    assert_int_equal(run_ring3(r), 13);
    assert_int_equal(frame(r, 0), 0x41 * 8 + 2);
    assert_int_equal(frame(r, 1), CODE3); /* a fault: the INT itself */
    /* The IRET to ring 3 made DS (DPL 0) null (SDM Vol. 2, IRET). */
    assert_int_equal(r->cpu->seg[SEG_DS].sel, 0);
}

static void trap_gate_keeps_if_and_iret_returns_to_ring3(void **state)
{
    struct rig *r = *state;
    static const uint8_t handler[] = {
        0x36, 0xc7, 0x05, 0x00, 0x61, 0x00,
        0x00, 0x77, 0x00, 0x00, 0x00, /* mov dword [ss:0x6100], 0x77 */
        0xcf,                         /* iretd */
    };
    load(r, 0x22000, handler, sizeof handler);
    idt_set(r, 0x42, SEL_CODE0, 0x22000, 0x8f, 3);
    static const uint8_t user[] = {
        0xcd, 0x42,                                                 /* int 0x42 */
        0x66, 0x8c, 0xd0,                                           /* mov ax, ss */
        0x8e, 0xd8,                                                 /* mov ds, ax */
        0xc7, 0x05, 0x04, 0x61, 0x00, 0x00, 0x88, 0x00, 0x00, 0x00, /* mov dword [0x6104], 0x88 */
        0xcd, 0x40,                                                 /* int 0x40 */
    };
    idt_set(r, 0x40, SEL_CODE0, STUBS + 16 * 0x40, 0x8e, 3);
    load(r, CODE3, user, sizeof user);
    assert_int_equal(run_ring3(r), 0x40);
    assert_int_equal(rd(r, RESULT, 4), 0x77);
    assert_int_equal(rd(r, RESULT + 4, 4), 0x88);
    assert_int_equal(frame(r, 3), STACK3); /* back on the ring-3 stack before INT 0x40 */
}

static void call_gate_to_ring0_copies_parameters(void **state)
{
    struct rig *r = *state;
    /* 0x38: 32-bit call gate, DPL 3, 2 parameters, to ring-0 code at 0x22000. */
    gate_write(r, GDT_BASE + 0x38, SEL_CODE0, 0x22000, 0x8c, 3, 2);
    static const uint8_t target[] = {
        0x8b, 0x44, 0x24, 0x08,                   /* mov eax, [esp + 8] */
        0x8b, 0x5c, 0x24, 0x0c,                   /* mov ebx, [esp + 12] */
        0x8b, 0x4c, 0x24, 0x14,                   /* mov ecx, [esp + 20] */
        0x8c, 0xca,                               /* mov edx, cs */
        0x36, 0xa3, 0x00, 0x61, 0x00, 0x00,       /* mov [ss:0x6100], eax */
        0x36, 0x89, 0x1d, 0x04, 0x61, 0x00, 0x00, /* mov [ss:0x6104], ebx */
        0x36, 0x89, 0x0d, 0x08, 0x61, 0x00, 0x00, /* mov [ss:0x6108], ecx */
        0x36, 0x89, 0x15, 0x0c, 0x61, 0x00, 0x00, /* mov [ss:0x610c], edx */
        0xca, 0x08, 0x00,                         /* retf 8 */
    };
    load(r, 0x22000, target, sizeof target);
    static const uint8_t user[] = {
        0x68, 0x11, 0x11, 0x00, 0x00,             /* push 0x1111 */
        0x68, 0x22, 0x22, 0x00, 0x00,             /* push 0x2222 */
        0x9a, 0x00, 0x00, 0x00, 0x00, 0x3b, 0x00, /* call 0x3b:0 */
        0x89, 0xe6,                               /* mov esi, esp */
        0x8c, 0xcf,                               /* mov edi, cs */
        0xcd, 0x40,                               /* int 0x40 */
    };
    idt_set(r, 0x40, SEL_CODE0, STUBS + 16 * 0x40, 0x8e, 3);
    load(r, CODE3, user, sizeof user);
    assert_int_equal(run_ring3(r), 0x40);
    assert_int_equal(rd(r, RESULT, 4), 0x2222); /* parameter at the lower address */
    assert_int_equal(rd(r, RESULT + 4, 4), 0x1111);
    assert_int_equal(rd(r, RESULT + 8, 4), SEL_DATA3); /* caller's SS above its ESP */
    assert_int_equal(rd(r, RESULT + 12, 4), SEL_CODE0);
    /* RETF 8 returned to ring 3 and dropped the parameters from the caller's stack. */
    assert_int_equal(r->cpu->reg[REG_ESI], STACK3);
    assert_int_equal(r->cpu->reg[REG_EDI], SEL_CODE3);
}

static void fault_delivering_fault_is_double_fault_then_triple(void **state)
{
    struct rig *r = *state;
    wr(r, IDT_BASE + 13 * 8 + 4, rd(r, IDT_BASE + 13 * 8 + 4, 4) & ~0x8000u,
       4); /* #GP gate absent */
    static const uint8_t code[] = {
        0x31, 0xc0, /* xor eax, eax */
        0x8e, 0xd0, /* mov ss, ax */
        0xf4,       /* hlt */
    };
    /* #GP, then #NP delivering it: two contributory faults make #DF (error 0). */
    assert_int_equal(run_snippet(r, code, sizeof code), 8);
    assert_int_equal(frame(r, 0), 0);
    assert_int_equal(frame(r, 1), CODE0 + 2);
    wr(r, IDT_BASE + 8 * 8 + 4, rd(r, IDT_BASE + 8 * 8 + 4, 4) & ~0x8000u, 4); /* #DF absent */
    load(r, CODE0, code, sizeof code);
    r->cpu->reg[REG_ESP] = STACK0;
    assert_int_equal(rig_run_at(r, CODE0), CPU_EXIT_SHUTDOWN);
}

static void privileged_instructions_fault_in_ring3(void **state)
{
    struct rig *r = *state;
    static const uint8_t user[] = {
        0x0f, 0x20, 0xc0, /* mov eax, cr0 */
    };
    load(r, CODE3, user, sizeof user);
    assert_int_equal(run_ring3(r), 13);
    assert_int_equal(frame(r, 0), 0);
    assert_int_equal(frame(r, 1), CODE3);
    static const uint8_t user2[] = {
        0x0f, 0x01, 0x15, 0x00, 0x61, 0x00, 0x00, /* lgdt [0x6100] */
    };
    load(r, CODE3, user2, sizeof user2);
    assert_int_equal(run_ring3(r), 13);
    static const uint8_t user3[] = {
        0xfa, /* cli */
    };
    /* IOPL 0 < CPL 3 */
    load(r, CODE3, user3, sizeof user3);
    assert_int_equal(run_ring3(r), 13);
}

static void control_register_rules(void **state)
{
    struct rig *r = *state;
    static const uint8_t pg_without_pe[] = {
        0xb8, 0x10, 0x00, 0x00, 0x80, /* mov eax, 0x80000010 */
        0x0f, 0x22, 0xc0,             /* mov cr0, eax */
        0xf4,                         /* hlt */
    };
    assert_int_equal(run_snippet(r, pg_without_pe, sizeof pg_without_pe), 13);
    static const uint8_t bad_cr4[] = {
        0xb8, 0x00, 0x00, 0x10, 0x00, /* mov eax, 0x00100000 */
        0x0f, 0x22, 0xe0,             /* mov cr4, eax */
        0xf4,                         /* hlt */
    };
    assert_int_equal(run_snippet(r, bad_cr4, sizeof bad_cr4), 13);
    static const uint8_t ok[] = {
        0xb8, 0x00, 0x50, 0x34, 0x12,             /* mov eax, 0x12345000 */
        0x0f, 0x22, 0xd0,                         /* mov cr2, eax */
        0x0f, 0x20, 0xd3,                         /* mov ebx, cr2 */
        0x0f, 0x06,                               /* clts */
        0x0f, 0x01, 0xe1,                         /* smsw ecx */
        0x0f, 0x01, 0xf1,                         /* lmsw cx */
        0x0f, 0x01, 0x05, 0x00, 0x61, 0x00, 0x00, /* sgdt [0x6100] */
        0x0f, 0x01, 0x0d, 0x08, 0x61, 0x00, 0x00, /* sidt [0x6108] */
        0x66, 0x0f, 0x00, 0xca,                   /* str dx */
        0xf4,                                     /* hlt */
    };
    r->cpu->cr[0] |= CR0_TS;
    assert_int_equal(run_snippet(r, ok, sizeof ok), 0xff);
    assert_int_equal(r->cpu->reg[REG_EBX], 0x12345000);
    assert_false(r->cpu->cr[0] & CR0_TS);
    assert_true(r->cpu->cr[0] & CR0_PE); /* LMSW cannot clear PE */
    assert_int_equal(rd(r, RESULT, 2), 32 * 8 - 1);
    assert_int_equal(rd(r, RESULT + 2, 4), GDT_BASE);
    assert_int_equal(rd(r, RESULT + 10, 4), IDT_BASE);
    assert_int_equal(r->cpu->reg[REG_EDX] & 0xffff, SEL_TSS0);
}

static void lar_lsl_verr_verw_arpl(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {
        0x66, 0xbf, 0x1b, 0x00,             /* mov di, 0x1b */
        0x0f, 0x02, 0xdf,                   /* lar ebx, di */
        0x9f,                               /* lahf */
        0x88, 0x25, 0x00, 0x61, 0x00, 0x00, /* mov [0x6100], ah */
        0x66, 0xbf, 0x10, 0x00,             /* mov di, 0x10 */
        0x0f, 0x03, 0xcf,                   /* lsl ecx, di */
        0x0f, 0x00, 0xef,                   /* verw di */
        0x9f,                               /* lahf */
        0x88, 0x25, 0x01, 0x61, 0x00, 0x00, /* mov [0x6101], ah */
        0x66, 0xbf, 0x08, 0x00,             /* mov di, 0x08 */
        0x0f, 0x00, 0xef,                   /* verw di */
        0x9f,                               /* lahf */
        0x88, 0x25, 0x02, 0x61, 0x00, 0x00, /* mov [0x6102], ah */
        0x0f, 0x00, 0xe7,                   /* verr di */
        0x9f,                               /* lahf */
        0x88, 0x25, 0x03, 0x61, 0x00, 0x00, /* mov [0x6103], ah */
        0x66, 0xbf, 0x00, 0x04,             /* mov di, 0x400 */
        0x0f, 0x02, 0xd7,                   /* lar edx, di */
        0x9f,                               /* lahf */
        0x88, 0x25, 0x04, 0x61, 0x00, 0x00, /* mov [0x6104], ah */
        0x66, 0xbf, 0x10, 0x00,             /* mov di, 0x10 */
        0x66, 0xbe, 0x03, 0x00,             /* mov si, 0x3 */
        0x63, 0xf7,                         /* arpl di, si */
        0x9f,                               /* lahf */
        0x88, 0x25, 0x05, 0x61, 0x00, 0x00, /* mov [0x6105], ah */
        0xf4,                               /* hlt */
    };
    assert_int_equal(run_snippet(r, code, sizeof code), 0xff);
    assert_int_equal(r->cpu->reg[REG_EBX],
                     0x00c0fb00); /* type, DPL, P, flags; not the limit bits */
    assert_int_equal(r->cpu->reg[REG_ECX], 0xffffffff);
    /* ZF (bit 6 of the stored AH): LAR ok, VERW data, not VERW code, VERR code,
     * LAR past the GDT limit fails, ARPL raised the RPL. */
    static const int zf[6] = {1, 1, 0, 1, 0, 1};
    for (int k = 0; k < 6; k++)
        assert_int_equal((rd(r, RESULT + (uint32_t)k, 1) >> 6) & 1, zf[k]);
    assert_int_equal(r->cpu->reg[REG_EDI] & 0xffff, 0x13);
}

static void msrs_and_sysenter_sysexit(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {
        0xb9, 0x1b, 0x00, 0x00, 0x00,       /* mov ecx, 0x1b */
        0x0f, 0x32,                         /* rdmsr */
        0xa3, 0x00, 0x61, 0x00, 0x00,       /* mov [0x6100], eax */
        0xb9, 0x74, 0x01, 0x00, 0x00,       /* mov ecx, 0x174 */
        0xb8, 0x08, 0x00, 0x00, 0x00,       /* mov eax, 0x08 */
        0x31, 0xd2,                         /* xor edx, edx */
        0x0f, 0x30,                         /* wrmsr */
        0xb9, 0x75, 0x01, 0x00, 0x00,       /* mov ecx, 0x175 */
        0xb8, 0x00, 0x7f, 0x00, 0x00,       /* mov eax, 0x7f00 */
        0x0f, 0x30,                         /* wrmsr */
        0xb9, 0x76, 0x01, 0x00, 0x00,       /* mov ecx, 0x176 */
        0xb8, 0x00, 0x20, 0x02, 0x00,       /* mov eax, 0x22000 */
        0x0f, 0x30,                         /* wrmsr */
        0xb9, 0x10, 0x00, 0x00, 0x00,       /* mov ecx, 0x10 */
        0x31, 0xc0,                         /* xor eax, eax */
        0xba, 0x01, 0x00, 0x00, 0x00,       /* mov edx, 1 */
        0x0f, 0x30,                         /* wrmsr */
        0x0f, 0x31,                         /* rdtsc */
        0x89, 0x15, 0x04, 0x61, 0x00, 0x00, /* mov [0x6104], edx */
        0xb9, 0x00, 0x90, 0x00, 0x00,       /* mov ecx, 0x9000 */
        0xba, 0x00, 0x10, 0x02, 0x00,       /* mov edx, 0x21000 */
        0x0f, 0x35,                         /* sysexit */
    };
    static const uint8_t user[] = {
        0x8c, 0xce, /* mov esi, cs */
        0x8c, 0xd7, /* mov edi, ss */
        0x0f, 0x34, /* sysenter */
    };
    static const uint8_t target[] = {
        0xb9, 0x45, 0x23, 0x01, 0x00, /* mov ecx, 0x12345 */
        0x0f, 0x32,                   /* rdmsr */
    };
    load(r, CODE3, user, sizeof user);
    load(r, 0x22000, target, sizeof target);
    /* Unknown MSR: #GP(0) at ring 0 after SYSENTER came back. */
    assert_int_equal(run_snippet(r, code, sizeof code), 13);
    assert_int_equal(rd(r, RESULT, 4), 0xfee00900); /* APIC base at reset */
    assert_int_equal(rd(r, RESULT + 4, 4), 1);      /* TSC high dword as written */
    assert_int_equal(r->cpu->reg[REG_ESI], 0x1b);   /* SYSEXIT: CS = SYSENTER_CS + 16, RPL 3 */
    assert_int_equal(r->cpu->reg[REG_EDI], 0x23);
    assert_int_equal(frame(r, 1), 0x22005);
    assert_int_equal(r->cpu->reg[REG_ESP], 0x7f00 - 16); /* error code, EIP, CS, EFLAGS */
    assert_int_equal(r->cpu->seg[SEG_CS].sel, SEL_CODE0);
}

static void single_step_traps_after_each_instruction(void **state)
{
    struct rig *r = *state;
    static const uint8_t handler[] = {
        0xff, 0x05, 0x00, 0x61, 0x00, 0x00, /* inc dword [0x6100] */
        0xcf,                               /* iretd */
    };
    load(r, 0x22000, handler, sizeof handler);
    idt_set(r, 1, SEL_CODE0, 0x22000, 0x8e, 0);
    static const uint8_t code[] = {
        0x9c,                                     /* pushfd */
        0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, /* or dword [esp], 0x100 */
        0x9d,                                     /* popfd */
        0x90,                                     /* nop */
        0x90,                                     /* nop */
        0xb9, 0x03, 0x00, 0x00, 0x00,             /* mov ecx, 3 */
        0x49,                                     /* dec ecx */
        0x75, 0xfd,                               /* jnz loop1 */
        0x9c,                                     /* pushfd */
        0x81, 0x24, 0x24, 0xff, 0xfe, 0xff, 0xff, /* and dword [esp], ~0x100 */
        0x9d,                                     /* popfd */
        0x0f, 0x21, 0xf0,                         /* mov eax, dr6 */
        0xf4,                                     /* hlt */
    };
    assert_int_equal(run_snippet(r, code, sizeof code), 0xff);
    /* After NOP, NOP, MOV, three DEC/JNZ pairs (a loop: linked blocks must not skip
     * the trap), PUSHFD, AND and the POPFD that cleared TF (SDM Vol. 3, 17.3.1.4). */
    assert_int_equal(rd(r, RESULT, 4), 12);
    assert_true(r->cpu->reg[REG_EAX] & 0x4000); /* DR6.BS */
}

static void instruction_and_data_breakpoints(void **state)
{
    struct rig *r = *state;
    static const uint8_t handler[] = {
        0xff, 0x05, 0x00, 0x61, 0x00, 0x00,             /* inc dword [0x6100] */
        0x8b, 0x04, 0x24,                               /* mov eax, [esp] */
        0xa3, 0x04, 0x61, 0x00, 0x00,                   /* mov [0x6104], eax */
        0x81, 0x4c, 0x24, 0x08, 0x00, 0x00, 0x01, 0x00, /* or dword [esp + 8], 0x10000 */
        0xcf,                                           /* iretd */
    };
    load(r, 0x22000, handler, sizeof handler);
    idt_set(r, 1, SEL_CODE0, 0x22000, 0x8e, 0);
    static const uint8_t code[] = {
        0xb8, 0x16, 0x00, 0x02, 0x00,             /* mov eax, brk */
        0x0f, 0x23, 0xc0,                         /* mov dr0, eax */
        0xa3, 0x10, 0x61, 0x00, 0x00,             /* mov [0x6110], eax */
        0xb8, 0x01, 0x00, 0x00, 0x00,             /* mov eax, 0x1 */
        0x0f, 0x23, 0xf8,                         /* mov dr7, eax */
        0x90,                                     /* nop */
        0xc6, 0x05, 0x08, 0x61, 0x00, 0x00, 0x01, /* brk: mov byte [0x6108], 1 */
        0x0f, 0x21, 0xf0,                         /* mov eax, dr6 */
        0xa3, 0x0c, 0x61, 0x00, 0x00,             /* mov [0x610c], eax */
        0xf4,                                     /* hlt */
    };
    assert_int_equal(run_snippet(r, code, sizeof code), 0xff);
    assert_int_equal(rd(r, RESULT, 4), 1);
    assert_int_equal(rd(r, RESULT + 4, 4), rd(r, RESULT + 0x10, 4)); /* a fault: its own EIP */
    assert_int_equal(rd(r, RESULT + 8, 1), 1);
    assert_int_equal(rd(r, RESULT + 12, 4) & 0xf, 1);
    wr(r, RESULT, 0, 4);
    static const uint8_t data[] = {
        0xb8, 0x00, 0x62, 0x00, 0x00,                               /* mov eax, 0x6200 */
        0x0f, 0x23, 0xc8,                                           /* mov dr1, eax */
        0xb8, 0x04, 0x00, 0xd0, 0x00,                               /* mov eax, 0x00d00004 */
        0x0f, 0x23, 0xf8,                                           /* mov dr7, eax */
        0x8b, 0x1d, 0x00, 0x62, 0x00, 0x00,                         /* mov ebx, [0x6200] */
        0x88, 0x1d, 0x02, 0x62, 0x00, 0x00,                         /* mov [0x6202], bl */
        0xc7, 0x05, 0x10, 0x61, 0x00, 0x00, 0x1c, 0x00, 0x02, 0x00, /* mov dword [0x6110], after */
        0xf4,                                                       /* hlt */
    };
    /* DR1: write-only, 4 bytes at 0x6200. The read does not trigger; the byte write
     * at 0x6202 does, as a trap after the instruction. */
    assert_int_equal(run_snippet(r, data, sizeof data), 0xff);
    assert_int_equal(rd(r, RESULT, 4), 1);
    assert_int_equal(rd(r, RESULT + 4, 4), rd(r, RESULT + 0x10, 4)); /* a trap: the next EIP */
    assert_int_equal(r->cpu->dr[6] & 0xf, 2);
    wr(r, RESULT, 0, 4);
    static const uint8_t loop[] = {
        0xb8, 0x00, 0x62, 0x00, 0x00,                               /* mov eax, 0x6200 */
        0x0f, 0x23, 0xc8,                                           /* mov dr1, eax */
        0xb8, 0x04, 0x00, 0xd0, 0x00,                               /* mov eax, 0x00d00004 */
        0x0f, 0x23, 0xf8,                                           /* mov dr7, eax */
        0xb9, 0x03, 0x00, 0x00, 0x00,                               /* mov ecx, 3 */
        0xbb, 0xf4, 0x61, 0x00, 0x00,                               /* mov ebx, 0x61f4 */
        0x83, 0xc3, 0x04,                                           /* add ebx, 4 */
        0x89, 0x03,                                                 /* mov [ebx], eax */
        0x49,                                                       /* dec ecx */
        0x75, 0xf8,                                                 /* jnz again */
        0xc7, 0x05, 0x10, 0x61, 0x00, 0x00, 0x1f, 0x00, 0x02, 0x00, /* mov dword [0x6110], hit */
        0xf4,                                                       /* hlt */
    };
    /* The third iteration writes the watched dword: the trap must come right after
     * that write, even though the loop's blocks ran before (and could be linked). */
    assert_int_equal(run_snippet(r, loop, sizeof loop), 0xff);
    assert_int_equal(rd(r, RESULT, 4), 1);
    assert_int_equal(rd(r, RESULT + 4, 4), rd(r, RESULT + 0x10, 4));
    assert_int_equal(r->cpu->reg[REG_ECX], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSTEM_TEST(segment_loads_fault_with_selector_error_codes),
        SYSTEM_TEST(expand_down_segment_limits),
        SYSTEM_TEST(interrupt_from_ring3_switches_to_tss_stack),
        SYSTEM_TEST(int_n_above_gate_dpl_and_iret_nulls_data_segments),
        SYSTEM_TEST(trap_gate_keeps_if_and_iret_returns_to_ring3),
        SYSTEM_TEST(call_gate_to_ring0_copies_parameters),
        SYSTEM_TEST(fault_delivering_fault_is_double_fault_then_triple),
        SYSTEM_TEST(privileged_instructions_fault_in_ring3),
        SYSTEM_TEST(control_register_rules),
        SYSTEM_TEST(lar_lsl_verr_verw_arpl),
        SYSTEM_TEST(msrs_and_sysenter_sysexit),
        SYSTEM_TEST(single_step_traps_after_each_instruction),
        SYSTEM_TEST(instruction_and_data_breakpoints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

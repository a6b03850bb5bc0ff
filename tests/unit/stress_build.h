/* Building and running one test_cpu_stress case (see stress_rig.h for the machine
 * and the generator): shared by tests/unit/test_cpu_stress.c and the libFuzzer
 * harness tests/fuzz/fuzz_cpu.c. Header only: include it from one file. */
#ifndef BT86_TESTS_STRESS_BUILD_H
#define BT86_TESTS_STRESS_BUILD_H

#include "stress_rig.h"

#include <stdio.h>

/* --- building a case --- */

static struct stress *stress_create(void)
{
    return calloc(1, sizeof(struct stress));
}

static void stress_teardown(struct stress *s)
{
    cpu_destroy(s->cpu);
    s->cpu = NULL;
    if (s->ps.ram)
        phys_free(&s->ps);
}

static void stress_destroy(struct stress *s)
{
    free(s);
}

static void build_gdt(struct stress *s)
{
    uint32_t base16 = stress_chance(s, 4) ? stress_value(s) : S_CODE;
    s->base16 = base16;
    s_desc(s, S_GDT, 0, 0, 0, 0, 0);
    s_desc(s, S_GDT, 1, 0, 0xfffff, 0x9b, 0xc);
    s_desc(s, S_GDT, 2, 0, 0xfffff, 0x93, 0xc);
    s_desc(s, S_GDT, 3, 0, 0xfffff, 0xfb, 0xc);
    s_desc(s, S_GDT, 4, 0, 0xfffff, 0xf3, 0xc);
    static const uint32_t tss_limits[] = {0x67, 0x87, 0x2088, 0x20};
    s_desc(s, S_GDT, 5, S_TSS0, tss_limits[stress_below(s, 4)], 0x8b, 0);
    s_desc(s, S_GDT, 6, S_TSS1, 0x67, stress_chance(s, 4) ? 0x81 : 0x89, 0);
    s_desc(s, S_GDT, 7, base16, 0xffff, 0x9b, 0);
    s_desc(s, S_GDT, 8, stress_value(s), stress_value(s), stress_chance(s, 4) ? 0x97 : 0x93,
           (uint8_t)(stress_rand(s) & 0xc));
    s_desc(s, S_GDT, 9, base16, 0xffff, 0xfb, 0);
    s_desc(s, S_GDT, 10, stress_value(s), stress_value(s), stress_chance(s, 4) ? 0xf7 : 0xf3,
           (uint8_t)(stress_rand(s) & 0xc));
    s_desc(s, S_GDT, 11, S_LDT, 16 * 8 - 1, 0x82, 0);
    /* 12: call gate (DPL 3) to ring-0 code; 13: task gate to TSS1 */
    s_gate(s, S_GDT + 12 * 8, S_CODE0, S_CODE + stress_below(s, S_CODE_LEN),
           stress_chance(s, 2) ? 0xec : 0xe4);
    s_gate(s, S_GDT + 13 * 8, 0x30, 0, 0xe5);
    for (int i = 14; i < 32; i++)
        s_random_desc(s, S_GDT, i);
    for (int i = 0; i < 16; i++)
        s_random_desc(s, S_LDT, i);
}

static uint32_t pm_handler(struct stress *s)
{
    switch (stress_below(s, 8)) {
    case 0:
    case 1:
    case 2: return S_STUBS; /* hlt */
    case 3:
    case 4: return S_STUBS + 1; /* iretd */
    case 5: return S_STUBS + 2; /* add esp, 4; iretd */
    case 6: return S_CODE + stress_below(s, S_CODE_LEN);
    default: return stress_value(s);
    }
}

static void build_idt(struct stress *s)
{
    static const uint8_t stubs[] = {0xf4, 0xcf, 0x83, 0xc4, 0x04, 0xcf};
    for (uint32_t k = 0; k < sizeof stubs; k++)
        s_wr(s, S_STUBS + k, stubs[k], 1);
    for (uint32_t v = 0; v < 256; v++) {
        uint32_t at = S_IDT + 8 * v;
        switch (stress_below(s, 32)) {
        case 0: s_wr(s, at, stress_rand(s), 8); break;
        case 1: s_gate(s, at, 0x30, 0, 0x85 | (uint8_t)(stress_below(s, 4) << 5)); break;
        case 2: s_gate(s, at, S_CODE0_16, pm_handler(s) & 0xffff, 0x86); break;
        case 3: s_gate(s, at, S_LDTSEL | 4, pm_handler(s), 0x8e); break;
        default: {
            static const uint8_t types[] = {0x8e, 0x8f, 0xee, 0xef};
            s_gate(s, at, S_CODE0, pm_handler(s), types[stress_below(s, 4)]);
        }
        }
    }
    /* Real mode: the IVT and two handlers at 0x500 (HLT) and 0x501 (IRET). */
    s_wr(s, 0x500, 0xf4, 1);
    s_wr(s, 0x501, 0xcf, 1);
    for (uint32_t v = 0; v < 256; v++) {
        uint32_t r = stress_below(s, 20), ptr;
        if (r < 8)
            ptr = 0x500;
        else if (r < 16)
            ptr = 0x501;
        else if (r < 19)
            ptr = 0x20000000u | stress_below(s, 0x10000);
        else
            ptr = (uint32_t)stress_rand(s);
        s_wr(s, 4 * v, ptr, 4);
    }
}

static void build_tss(struct stress *s)
{
    s_fill(s, S_TSS0, 0x2090);
    for (uint32_t off = 0; off < 0x68; off += 4)
        s_wr(s, S_TSS0 + off, 0, 4);
    s_wr(s, S_TSS0 + 4, stress_chance(s, 8) ? stress_value(s) : S_STACK0, 4);
    s_wr(s, S_TSS0 + 8, stress_chance(s, 16) ? stress_below(s, 0x100) : S_DATA0, 4);
    s_wr(s, S_TSS0 + 0x1c, S_PD, 4);
    s_wr(s, S_TSS0 + 0x64, (stress_chance(s, 8) ? stress_below(s, 0x3000) : 0x88u) << 16, 4);
    s_wr(s, S_TSS0 + 0x2088, 0xff, 1);
    /* TSS1: a runnable ring-0 task entering the random code. */
    for (uint32_t off = 0; off < 0x68; off += 4)
        s_wr(s, S_TSS1 + off, 0, 4);
    s_wr(s, S_TSS1 + 0x1c, stress_chance(s, 8) ? stress_value(s) : S_PD, 4);
    s_wr(s, S_TSS1 + 0x20, S_CODE + stress_below(s, S_CODE_LEN), 4);
    s_wr(s, S_TSS1 + 0x24, (stress_value(s) & ~FLAG_VM) | FLAG_FIXED1, 4);
    s_wr(s, S_TSS1 + 0x38, stress_value(s), 4);
    s_wr(s, S_TSS1 + 0x4c, S_CODE0, 4);
    for (uint32_t off = 0x48; off <= 0x5c; off += 4)
        if (off != 0x4c)
            s_wr(s, S_TSS1 + off, stress_chance(s, 8) ? stress_below(s, 0x100) : S_DATA0, 4);
    s_wr(s, S_TSS1 + 0x60, stress_chance(s, 4) ? S_LDTSEL : 0, 4);
    s_wr(s, S_TSS1 + 0x64, 0x00680000u | (stress_rand(s) & 1), 4);
}

static void build_paging(struct stress *s)
{
    for (uint32_t p = 0; p < 1024; p++) {
        s_wr(s, S_PT0 + 4 * p, (p << 12) | 0x7, 4);
        uint32_t pde = 0;
        if (stress_chance(s, 16))
            pde = (uint32_t)stress_rand(s);
        s_wr(s, S_PD + 4 * p, p == 0 ? S_PT0 | 0x7 : pde, 4);
    }
    for (int k = 0; k < 8; k++) /* a few PTEs anywhere, often beyond RAM */
        s_wr(s, S_PT0 + 4 * stress_below(s, 1024), (uint32_t)stress_rand(s), 4);
    s_wr(s, S_PDPT, S_PAE_PD | 1, 8);
    for (uint32_t k = 1; k < 4; k++)
        s_wr(s, S_PDPT + 8 * k, stress_chance(s, 4) ? stress_rand(s) & 0xfffff01fu : 0, 8);
    for (uint32_t p = 0; p < 512; p++) {
        s_wr(s, S_PAE_PT + 8 * p, ((uint64_t)p << 12) | 0x7, 8);
        uint64_t pde = p == 0 ? S_PAE_PT | 0x7 : p == 1 ? 0x200000 | 0x87 : 0;
        if (p > 1 && stress_chance(s, 16))
            pde = stress_rand(s) & (stress_chance(s, 2) ? 0xfffffffffull : ~0ull);
        s_wr(s, S_PAE_PD + 8 * p, pde, 8);
    }
    for (int k = 0; k < 8; k++)
        s_wr(s, S_PAE_PT + 8 * stress_below(s, 512),
             stress_rand(s) & (stress_chance(s, 2) ? 0xfffffffffull : ~0ull), 8);
}

/* A data segment cache for the given DPL: flat, random or unusable. */
static void random_data_seg(struct stress *s, enum seg_reg seg, int dpl, bool real)
{
    if (real) {
        uint16_t sel = (uint16_t)stress_value(s);
        uint32_t limit = stress_chance(s, 8) ? 0xffffffffu : 0xffff;
        cpu_set_seg_cache(s->cpu, seg, sel, (uint32_t)sel << 4, limit, 0x93);
        return;
    }
    uint16_t dpl_bits = (uint16_t)(dpl << SEG_ATTR_DPL_SHIFT);
    uint16_t sel = (uint16_t)(dpl ? S_DATA3 : S_DATA0);
    switch (stress_below(s, 4)) {
    case 0: cpu_set_seg_cache(s->cpu, seg, 0, 0, 0, 0); break; /* null */
    case 1: {
        uint16_t attr = 0x93 | dpl_bits | (uint16_t)(stress_chance(s, 4) ? SEG_ATTR_EXPDOWN : 0) |
                        (uint16_t)(stress_chance(s, 2) ? SEG_ATTR_DB : 0);
        cpu_set_seg_cache(s->cpu, seg, sel, stress_value(s), stress_value(s), attr);
        break;
    }
    default:
        cpu_set_seg_cache(s->cpu, seg, sel, 0, 0xffffffffu,
                          0x93 | dpl_bits | SEG_ATTR_DB | SEG_ATTR_G);
    }
}

static uint32_t random_esp(struct stress *s, uint32_t top)
{
    switch (stress_below(s, 4)) {
    case 0: return top;
    case 1: return stress_below(s, 16);
    case 2: return top - stress_below(s, 16);
    default: return stress_value(s);
    }
}

/* The prelude: IRETD from ring 0 to the frame given (SS ESP EFLAGS CS EIP, and for
 * V86 first GS FS DS ES), pushed by PUSH imm32. */
static void build_prelude(struct stress *s, const uint32_t *frame, int n)
{
    uint32_t at = S_PRELUDE;
    for (int k = 0; k < n; k++) {
        s_wr(s, at, 0x68, 1);
        s_wr(s, at + 1, frame[k], 4);
        at += 5;
    }
    s_wr(s, at, 0xcf, 1);
}

static void enter_outer(struct stress *s, enum stress_mode mode, bool v86)
{
    struct cpu *cpu = s->cpu;
    uint32_t eflags = (stress_value(s) & ~FLAG_VM) | FLAG_FIXED1;
    if (v86) {
        uint32_t frame[9] = {stress_value(s) & 0xffff, stress_value(s) & 0xffff,
                             stress_value(s) & 0xffff, stress_value(s) & 0xffff,
                             stress_value(s) & 0xffff, random_esp(s, 0x1000),
                             eflags | FLAG_VM,         0x2000,
                             stress_below(s, 0x10000)};
        build_prelude(s, frame, 9);
        s->entry = 0x20000 + frame[8];
    } else {
        bool code16 = mode == STRESS_PM16_CPL3;
        uint32_t ss = stress_chance(s, 4) ? S_DATA3_16 : S_DATA3;
        if (stress_chance(s, 16))
            ss = stress_below(s, 0x100);
        uint32_t eip = code16 ? stress_below(s, 0x10000) : S_CODE + stress_below(s, S_CODE_LEN);
        uint32_t frame[5] = {ss, random_esp(s, S_STACK3), eflags, code16 ? S_CODE3_16 : S_CODE3,
                             eip};
        build_prelude(s, frame, 5);
        s->entry = code16 ? s->base16 + eip : eip;
        for (int seg = SEG_ES; seg <= SEG_GS; seg++)
            if (seg != SEG_CS && seg != SEG_SS)
                random_data_seg(s, (enum seg_reg)seg, 3, false);
    }
    cpu->eip = S_PRELUDE;
    cpu->reg[REG_ESP] = S_STACK0;
    cpu_set_eflags(cpu, FLAG_FIXED1);
}

static bool stress_build(struct stress *s, enum stress_mode mode)
{
    if (!phys_init(&s->ps, S_RAM))
        return false;
    for (uint32_t k = 0; k < sizeof s->rom; k += 8) {
        uint64_t v = stress_rand(s);
        memcpy(s->rom + k, &v, 8);
    }
    if (!phys_map_rom(&s->ps, 0xffff0000u, s->rom, sizeof s->rom) ||
        !phys_map_rom(&s->ps, 0xf0000, s->rom, sizeof s->rom) ||
        !phys_map_mmio(&s->ps, S_MMIO, 0x10000, &stress_mmio_ops, s))
        return false;
    s->cpu = cpu_create(&s->ps);
    if (!s->cpu)
        return false;
    struct cpu *cpu = s->cpu;
    if (!stress_chance(s, 16)) {
        struct cpu_bus bus = {.io_read = stress_io_read,
                              .io_write = stress_io_write,
                              .irq_ack = stress_irq_ack,
                              .ferr = stress_ferr,
                              .opaque = s};
        cpu_set_bus(cpu, &bus);
    }
    s_fill_code(s, S_CODE, S_CODE_LEN);
    s_fill(s, S_DATA, 0x10000);
    build_gdt(s);
    build_idt(s);
    build_tss(s);
    build_paging(s);

    /* Registers; ECX sometimes an MSR index for RDMSR/WRMSR. */
    for (int g = REG_EAX; g <= REG_EDI; g++)
        cpu->reg[g] = stress_value(s);
    static const uint32_t msrs[] = {0x10,  0x1b,  0x174, 0x175, 0x176, 0x179, 0x17a, 0x186,
                                    0x1d9, 0x200, 0x20f, 0x250, 0x277, 0x2ff, 0x400, 0x413};
    if (stress_chance(s, 4))
        cpu->reg[REG_ECX] = msrs[stress_below(s, sizeof msrs / sizeof msrs[0])];
    cpu->msr.sysenter_cs = stress_chance(s, 2) ? S_CODE0 : stress_value(s) & 0xffff;
    cpu->msr.sysenter_eip = S_CODE + stress_below(s, S_CODE_LEN);
    cpu->msr.sysenter_esp = random_esp(s, S_STACK0);

    /* System registers: table placement and limits, sometimes broken. */
    cpu->gdtr.base = S_GDT;
    cpu->gdtr.limit = 32 * 8 - 1;
    cpu->idtr.base = S_IDT;
    cpu->idtr.limit = 256 * 8 - 1;
    if (stress_chance(s, 16))
        cpu->gdtr.limit = stress_below(s, 0x100);
    if (stress_chance(s, 16))
        cpu->idtr.limit = stress_below(s, 0x800);
    if (stress_chance(s, 32))
        cpu->idtr.base = stress_chance(s, 2) ? S_RAM - stress_below(s, 0x100) : stress_value(s);
    if (stress_chance(s, 32))
        cpu->gdtr.base = stress_chance(s, 2) ? S_RAM - stress_below(s, 0x100) : stress_value(s);
    cpu_set_cr4(cpu, (uint32_t)stress_rand(s) & CR4_VALID & ~CR4_PAE);
    uint32_t cr0_extra =
        (uint32_t)stress_rand(s) & (CR0_MP | CR0_EM | CR0_TS | CR0_NE | CR0_WP | CR0_AM | CR0_ET);
    if (stress_chance(s, 8))
        cpu_set_a20(cpu, false);
    if (stress_chance(s, 8)) {
        for (int k = 0; k < 4; k++)
            cpu->dr[k] =
                stress_chance(s, 2) ? S_CODE + stress_below(s, S_CODE_LEN) : stress_value(s);
        cpu->dr[7] = debug_dr7_value((uint32_t)stress_rand(s));
    }
    cpu->intercept_exceptions = stress_chance(s, 16);

    cpu_set_flat32(cpu, S_CODE0);
    cpu_set_cr0(cpu, cpu->cr[0] | cr0_extra);
    cpu_set_seg_cache(cpu, SEG_TR, S_TSS0SEL, S_TSS0, 0x2088, 0x8b);
    cpu_set_seg_cache(cpu, SEG_LDTR, S_LDTSEL, S_LDT, 16 * 8 - 1, 0x82);
    bool paging =
        mode == STRESS_PAGING || mode == STRESS_PAE || (mode == STRESS_V86 && stress_chance(s, 2));
    if (paging) {
        if (mode == STRESS_PAE) {
            cpu_set_cr4(cpu, cpu->cr[4] | CR4_PAE);
            cpu_set_cr3(cpu, S_PDPT | (stress_chance(s, 8) ? stress_below(s, 0x20) : 0));
        } else {
            cpu_set_cr3(cpu, S_PD | (stress_chance(s, 8) ? stress_below(s, 0x1000) : 0));
        }
        cpu_set_cr0(cpu, cpu->cr[0] | CR0_PG);
    }
    bool outer = mode == STRESS_PM16_CPL3 || mode == STRESS_PM32_CPL3 || mode == STRESS_V86 ||
                 ((mode == STRESS_PAGING || mode == STRESS_PAE) && stress_chance(s, 2));
    switch (mode) {
    case STRESS_REAL: {
        cpu_set_cr0(cpu, cpu->cr[0] & ~CR0_PE);
        for (int seg = SEG_ES; seg <= SEG_GS; seg++)
            if (seg != SEG_CS)
                random_data_seg(s, (enum seg_reg)seg, 0, true);
        uint16_t cs = stress_chance(s, 8) ? (uint16_t)stress_value(s) : 0x2000;
        cpu_set_seg_cache(cpu, SEG_CS, cs, (uint32_t)cs << 4, 0xffff, 0x9b);
        cpu->idtr.base = stress_chance(s, 16) ? stress_value(s) : 0;
        cpu->idtr.limit = stress_chance(s, 16) ? stress_below(s, 0x400) : 0x3ff;
        cpu->eip = stress_below(s, 0x10000);
        s->entry = ((uint32_t)cs << 4) + cpu->eip;
        cpu->reg[REG_ESP] = random_esp(s, 0x8000);
        cpu_set_eflags(cpu, (stress_value(s) & ~FLAG_VM) | FLAG_FIXED1);
        break;
    }
    case STRESS_PM16_CPL0:
        cpu_set_seg_cache(cpu, SEG_CS, S_CODE0_16, S_CODE, 0xffff, 0x9b);
        if (stress_chance(s, 2))
            cpu_set_seg_cache(cpu, SEG_SS, S_DATA0_16, stress_value(s), stress_value(s), 0x93);
        for (int seg = SEG_ES; seg <= SEG_GS; seg++)
            if (seg != SEG_CS && seg != SEG_SS)
                random_data_seg(s, (enum seg_reg)seg, 0, false);
        cpu->eip = stress_below(s, 0x10000);
        s->entry = S_CODE + cpu->eip;
        cpu->reg[REG_ESP] = random_esp(s, S_STACK0);
        cpu_set_eflags(cpu, (stress_value(s) & ~FLAG_VM) | FLAG_FIXED1);
        break;
    default:
        if (outer) {
            enter_outer(s, mode, mode == STRESS_V86);
        } else {
            for (int seg = SEG_ES; seg <= SEG_GS; seg++)
                if (seg != SEG_CS && seg != SEG_SS)
                    random_data_seg(s, (enum seg_reg)seg, 0, false);
            cpu->eip = S_CODE + stress_below(s, S_CODE_LEN);
            s->entry = cpu->eip;
            cpu->reg[REG_ESP] = random_esp(s, S_STACK0);
            cpu_set_eflags(cpu, (stress_value(s) & ~FLAG_VM) | FLAG_FIXED1);
        }
    }
    /* Now and then the TSS or LDT near the top of RAM or past it, or a ring-0
     * stack segment with a random base and limit (expand-down too). */
    if (stress_chance(s, 32))
        cpu_set_seg_cache(cpu, SEG_TR, S_TSS0SEL,
                          stress_chance(s, 2) ? S_RAM - stress_below(s, 0x80) : stress_value(s),
                          stress_chance(s, 2) ? 0x67 : stress_value(s), 0x8b);
    if (stress_chance(s, 32))
        cpu_set_seg_cache(cpu, SEG_LDTR, S_LDTSEL,
                          stress_chance(s, 2) ? S_RAM - stress_below(s, 0x80) : stress_value(s),
                          stress_value(s), 0x82);
    if (cpu->cpl == 0 && (cpu->cr[0] & CR0_PE) && !outer && stress_chance(s, 8))
        cpu_set_seg_cache(cpu, SEG_SS, S_DATA0, stress_value(s), stress_value(s),
                          0x93 | (uint16_t)(stress_chance(s, 2) ? SEG_ATTR_EXPDOWN : 0) |
                              (uint16_t)(stress_chance(s, 2) ? SEG_ATTR_DB : 0));
    debug_update(cpu);
    if (s->code) {
        /* Identity-mapped in every mode (unless a random PTE moved the page). */
        uint32_t at = s->entry & (S_RAM - 1);
        size_t len = s->code_len < S_RAM - at ? s->code_len : S_RAM - at;
        phys_copy_to(&s->ps, at, s->code, len);
    }
    return true;
}

/* Whether a fast-path TLB tag leads to host bytes inside guest memory: the RAM
 * buffer (any kind) or a ROM region's buffer (not for writes), the page the entry
 * says it maps. */
static bool tlb_tag_ok(struct stress *s, const struct tlb_entry *e, uint32_t tag, bool write)
{
    if (tag & (PAGE_SIZE - 1))
        return true; /* TLB_INVALID / TLB_SLOW: never used for a host access */
    uintptr_t host = e->addend + tag;
    uintptr_t ram = (uintptr_t)s->ps.ram;
    if (host >= ram && host - ram <= s->ps.ram_size - PAGE_SIZE)
        return host - ram == e->phys_page;
    if (write)
        return false;
    for (int k = 0; k < s->ps.region_count; k++) {
        const struct phys_region *r = &s->ps.regions[k];
        uintptr_t h = (uintptr_t)r->host;
        if (r->kind == PHYS_ROM && host >= h && host - h <= r->size - PAGE_SIZE)
            return host - h == e->phys_page - r->base;
    }
    return false;
}

/* What must hold between runs whatever the guest did; NULL when it does. */
static const char *stress_check_invariants(struct stress *s)
{
    struct cpu *cpu = s->cpu;
    uint32_t f = cpu_get_eflags(cpu);
    if (cpu->reg[REG_ZERO] != 0)
        return "the zero register is not zero";
    if (cpu->cpl > 3)
        return "CPL above 3";
    if (!(cpu->cr[0] & CR0_PE) && (cpu->cpl != 0 || (f & FLAG_VM)))
        return "real mode with CPL != 0 or VM set";
    if ((f & FLAG_VM) && cpu->cpl != 3)
        return "V86 mode at CPL != 3";
    if (!(f & FLAG_FIXED1) || (f & 0xffc08028u))
        return "EFLAGS reserved bits wrong";
    if ((cpu->cr[0] & CR0_PG) && !(cpu->cr[0] & CR0_PE))
        return "CR0.PG without CR0.PE";
    if (cpu->cr[4] & ~CR4_VALID)
        return "CR4 reserved bits set";
    for (int kind = 0; kind < TLB_KINDS; kind++)
        for (uint32_t k = 0; k < TLB_ENTRIES; k++) {
            const struct tlb_entry *e = &cpu->tlb.entries[kind][k];
            /* exec_tag only selects the physical page for block lookup */
            if (!tlb_tag_ok(s, e, e->read_tag, false) || !tlb_tag_ok(s, e, e->write_tag, true))
                return "a TLB entry leads outside guest memory";
        }
    for (uint32_t k = 0; k < TLB_ENTRIES; k++)
        if (!(cpu->tlb_ac_miss[k].read_tag & cpu->tlb_ac_miss[k].write_tag &
              cpu->tlb_ac_miss[k].exec_tag & TLB_INVALID))
            return "tlb_ac_miss was filled";
    return NULL;
}

/* The state a failing case left, for the report. */
static void stress_dump(struct stress *s)
{
    struct cpu *cpu = s->cpu;
    fprintf(stderr,
            "  cs:eip %04x:%08x cpl %u eflags %08x cr0 %08x cr3 %08x cr4 %08x icount %llu\n",
            cpu->seg[SEG_CS].sel, cpu->eip, cpu->cpl, cpu_get_eflags(cpu), cpu->cr[0], cpu->cr[3],
            cpu->cr[4], (unsigned long long)cpu->icount);
    static const char names[SEG_COUNT][5] = {"es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr"};
    for (int k = 0; k < SEG_COUNT; k++)
        fprintf(stderr, "  %-4s %04x base %08x limit %08x attr %04x\n", names[k], cpu->seg[k].sel,
                cpu->seg[k].base, cpu->seg[k].limit, cpu->seg[k].attr);
}

static bool valid_exit(enum cpu_exit e, bool intercept)
{
    switch (e) {
    case CPU_EXIT_BUDGET:
    case CPU_EXIT_REQUEST:
    case CPU_EXIT_HALT:
    case CPU_EXIT_SHUTDOWN: return true;
    case CPU_EXIT_EXCEPTION: return intercept;
    }
    return false;
}

#define STRESS_MAX_RUNS 64 /* cpu_run calls per case */

/* Runs a built case for about budget cycles in random chunks, with INTR raised
 * and lowered between them and halts woken now and then. NULL when every run kept
 * the rules, else what was broken. */
static const char *stress_run(struct stress *s, int32_t budget, int *runs_out, enum cpu_exit *last)
{
    struct cpu *cpu = s->cpu;
    bool intercept = cpu->intercept_exceptions;
    int32_t left = budget;
    enum cpu_exit e = CPU_EXIT_BUDGET;
    int runs = 0;
    const char *why = NULL;
    for (; runs < STRESS_MAX_RUNS && left > 0 && !why; runs++) {
        int32_t chunk = 1 + (int32_t)(stress_rand(s) % 1000);
        if (chunk > left)
            chunk = left;
        if (stress_rand(s) % 8 == 0)
            cpu_set_intr(cpu, stress_rand(s) & 1);
        uint64_t before = cpu_cycles(cpu);
        e = cpu_run(cpu, chunk);
        uint64_t used = cpu_cycles(cpu) - before;
        if (!valid_exit(e, intercept)) {
            snprintf(s->why, sizeof s->why, "cpu_run returned %d", (int)e);
            why = s->why;
            break;
        }
        /* A run ends at most one block past its budget (cpu.h; BLOCK_MAX_INSNS is
         * 128); PAUSE stalls are cycles too. */
        if (used > (uint64_t)chunk + 128 + 100000) {
            snprintf(s->why, sizeof s->why, "a run of %d took %llu cycles", chunk,
                     (unsigned long long)used);
            why = s->why;
            break;
        }
        why = stress_check_invariants(s);
        left -= (int32_t)(used > (uint64_t)chunk ? (uint64_t)chunk : used);
        if (used == 0)
            left -= chunk; /* a halted CPU with nothing pending: count it */
        if (e == CPU_EXIT_SHUTDOWN || e == CPU_EXIT_EXCEPTION)
            break;
        if (e == CPU_EXIT_HALT) {
            /* Wake it by an interrupt now and then, as a PIC would. */
            if (!(cpu->eflags & FLAG_IF) || stress_rand(s) % 4 == 0)
                break;
            cpu_set_intr(cpu, true);
        }
    }
    *runs_out = runs;
    *last = e;
    return why;
}

#endif

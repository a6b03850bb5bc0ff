/* The protected-mode layer of cpu_rig.h for the system-architecture tests: 8 MiB of
 * RAM with a flat GDT, an IDT whose exception stubs record what arrived, a TSS for
 * ring transitions, and optional identity paging. Code is placed in guest RAM and
 * run until HLT.
 *
 * Guest memory map:
 *   0x1000 GDT (32 entries)    0x2000 IDT (256 gates)    0x3000 TSS0, 0x3200 TSS1
 *   0x6000 vector of the last event (0xff = none), 0x6004 count of events,
 *   0x6100.. results the test code writes
 *   0x7000 + 16 * v: the stub for vector v (records it and halts)
 *   0x8000 ring-0 stack top, 0x9000 ring-3 stack top, 0xa000 task-B stack top
 *   0x10000 page directory, 0x11000 page table 0 (identity 0-4 MiB)
 *   0x20000 ring-0 test code, 0x21000 ring-3 test code */
#ifndef BT86_TESTS_SYSTEM_RIG_H
#define BT86_TESTS_SYSTEM_RIG_H

#include "cpu_rig.h"

#define GDT_BASE  0x1000u
#define IDT_BASE  0x2000u
#define TSS0      0x3000u
#define TSS1      0x3200u
#define MARK      0x6000u
#define COUNT     0x6004u
#define RESULT    0x6100u
#define STUBS     0x7000u
#define STACK0    0x8000u
#define STACK3    0x9000u
#define STACKB    0xa000u
#define PD        0x10000u
#define PT0       0x11000u
#define CODE0     0x20000u
#define CODE3     0x21000u
#define SEL_CODE0 0x08
#define SEL_DATA0 0x10
#define SEL_CODE3 0x1b
#define SEL_DATA3 0x23
#define SEL_TSS0  0x28
#define SEL_TSS1  0x30

/* A segment descriptor: access byte (P DPL S type) and flags nibble (G D/B L AVL). */
static inline void gdt_set(struct rig *r, int index, uint32_t base, uint32_t limit, uint8_t access,
                           uint8_t flags)
{
    uint32_t lo = (limit & 0xffff) | (base << 16);
    uint32_t hi = ((base >> 16) & 0xff) | ((uint32_t)access << 8) | (limit & 0xf0000u) |
                  ((uint32_t)flags << 20) | (base & 0xff000000u);
    wr(r, GDT_BASE + 8 * (uint32_t)index, lo, 4);
    wr(r, GDT_BASE + 8 * (uint32_t)index + 4, hi, 4);
}

/* A gate: type 0x8e interrupt, 0x8f trap, 0x85 task, 0x8c call gate (P set; DPL
 * or'ed in from dpl; params for call gates). */
static inline void gate_write(struct rig *r, uint32_t at, uint16_t sel, uint32_t off, uint8_t type,
                              int dpl, int params)
{
    wr(r, at, (off & 0xffff) | ((uint32_t)sel << 16), 4);
    wr(r, at + 4, (off & 0xffff0000u) | ((uint32_t)(type | (dpl << 5)) << 8) | (uint32_t)params, 4);
}

static inline void idt_set(struct rig *r, int vector, uint16_t sel, uint32_t off, uint8_t type,
                           int dpl)
{
    gate_write(r, IDT_BASE + 8 * (uint32_t)vector, sel, off, type, dpl, 0);
}

/* A 32-bit TSS for task B at base: registers as given, flat ring-0 segments. */
static inline void tss_task(struct rig *r, uint32_t base, uint32_t eip, uint32_t esp,
                            uint32_t eflags)
{
    for (uint32_t off = 0; off < 0x68; off += 4)
        wr(r, base + off, 0, 4);
    wr(r, base + 0x1c, r->cpu->cr[3], 4);
    wr(r, base + 0x20, eip, 4);
    wr(r, base + 0x24, eflags, 4);
    wr(r, base + 0x38, esp, 4);
    wr(r, base + 0x4c, SEL_CODE0, 4);
    for (uint32_t off = 0x48; off <= 0x5c; off += 4)
        if (off != 0x4c)
            wr(r, base + off, SEL_DATA0, 4);
    wr(r, base + 0x64, 0x00680000u, 4); /* I/O map base past the limit: no bitmap */
}

static inline int system_setup(void **state)
{
    struct rig *r = rig_create(state, 8u << 20);
    struct cpu *cpu = r->cpu;

    gdt_set(r, 1, 0, 0xfffff, 0x9b, 0xc);
    gdt_set(r, 2, 0, 0xfffff, 0x93, 0xc);
    gdt_set(r, 3, 0, 0xfffff, 0xfb, 0xc);
    gdt_set(r, 4, 0, 0xfffff, 0xf3, 0xc);
    gdt_set(r, 5, TSS0, 0x67, 0x8b, 0); /* busy: it is the current task */
    gdt_set(r, 6, TSS1, 0x67, 0x89, 0);
    for (int v = 0; v < 256; v++) {
        /* stub: mov byte [ss:MARK], v; inc dword [ss:COUNT]; hlt (SS: DS may be
         * null after a return to ring 3) */
        uint32_t at = STUBS + 16 * (uint32_t)v;
        static const uint8_t stub[] = {0x36, 0xc6, 0x05, 0x00, 0x60, 0x00, 0x00, 0x00,
                                       0x36, 0xff, 0x05, 0x04, 0x60, 0x00, 0x00, 0xf4};
        uint8_t b[sizeof stub];
        memcpy(b, stub, sizeof b);
        b[7] = (uint8_t)v;
        load(r, at, b, sizeof b);
        idt_set(r, v, SEL_CODE0, at, 0x8e, 0);
    }
    wr(r, MARK, 0xff, 1);
    tss_task(r, TSS0, 0, 0, 2);
    wr(r, TSS0 + 4, STACK0, 4); /* ESP0 */
    wr(r, TSS0 + 8, SEL_DATA0, 4);
    /* Identity page table for 0-4 MiB, user and writable (used when paging is on). */
    for (uint32_t p = 0; p < 1024; p++)
        wr(r, PT0 + 4 * p, (p << 12) | 0x7, 4);
    wr(r, PD, PT0 | 0x7, 4);

    cpu->gdtr.base = GDT_BASE;
    cpu->gdtr.limit = 32 * 8 - 1;
    cpu->idtr.base = IDT_BASE;
    cpu->idtr.limit = 256 * 8 - 1;
    cpu_set_flat32(cpu, SEL_CODE0); /* the caches of GDT entries 1 and 2 */
    cpu_set_seg_cache(cpu, SEG_TR, SEL_TSS0, TSS0, 0x67, 0x8b);
    cpu_set_seg_cache(cpu, SEG_LDTR, 0, 0, 0, 0);
    cpu->reg[REG_ESP] = STACK0;
    return 0;
}

#define SYSTEM_TEST(fn) cmocka_unit_test_setup_teardown(fn, system_setup, rig_teardown)

/* Loads ring-0 code at CODE0 and runs it to HLT. */
static inline void run0(struct rig *r, const uint8_t *code, size_t len)
{
    load(r, CODE0, code, len);
    assert_int_equal(rig_run_at(r, CODE0), CPU_EXIT_HALT);
}

/* The vector the stubs saw last (0xff: none) and the dword k slots above ESP. */
static inline int last_vector(struct rig *r)
{
    return (int)rd(r, MARK, 1);
}

static inline uint32_t frame(struct rig *r, int k)
{
    uint32_t esp = r->cpu->reg[REG_ESP];
    uint32_t v = 0;
    assert_true(cpu_read_linear(r->cpu, esp + 4 * (uint32_t)k, &v, 4));
    return v;
}

/* Runs a ring-0 snippet on the ring-0 stack with no event recorded yet; returns
 * the vector the stubs saw (0xff: none). */
static inline int run_snippet(struct rig *r, const uint8_t *code, size_t len)
{
    wr(r, MARK, 0xff, 1);
    wr(r, COUNT, 0, 4);
    r->cpu->reg[REG_ESP] = STACK0;
    run0(r, code, len);
    return last_vector(r);
}

/* The instructions that load a selector from AX, for run_selector_load. */
enum selector_load { LOAD_DS, LOAD_ES, LOAD_SS, LOAD_FS, LOAD_LLDT };

/* Runs "mov ax, sel; <load> ax; hlt" as a ring-0 snippet; returns the vector
 * the stubs saw (0xff: none), with the error code at frame(r, 0). */
static inline int run_selector_load(struct rig *r, enum selector_load load, uint16_t sel)
{
    static const uint8_t load_bytes[][3] = {
        [LOAD_DS] = {0x8e, 0xd8},         /* mov ds, ax */
        [LOAD_ES] = {0x8e, 0xc0},         /* mov es, ax */
        [LOAD_SS] = {0x8e, 0xd0},         /* mov ss, ax */
        [LOAD_FS] = {0x8e, 0xe0},         /* mov fs, ax */
        [LOAD_LLDT] = {0x0f, 0x00, 0xd0}, /* lldt ax */
    };
    uint8_t code[8] = {0x66, 0xb8, (uint8_t)sel, (uint8_t)(sel >> 8)}; /* mov ax, sel */
    size_t len = 4;
    size_t n = load == LOAD_LLDT ? 3 : 2;
    memcpy(code + len, load_bytes[load], n);
    len += n;
    code[len++] = 0xf4; /* hlt */
    return run_snippet(r, code, len);
}

/* Ring 0 -> ring 3 by IRET to CODE3 (stack STACK3, IF set); returns the vector
 * that ended the ring-3 code. */
static inline int run_ring3(struct rig *r)
{
    static const uint8_t to_ring3[] = {
        0x6a, 0x23,                   /* push 0x23 */
        0x68, 0x00, 0x90, 0x00, 0x00, /* push 0x9000 */
        0x68, 0x02, 0x02, 0x00, 0x00, /* push 0x202 */
        0x6a, 0x1b,                   /* push 0x1b */
        0x68, 0x00, 0x10, 0x02, 0x00, /* push 0x21000 */
        0xcf,                         /* iretd */
    };
    return run_snippet(r, to_ring3, sizeof to_ring3);
}

/* IRETD to V86 at 2100:0000 (linear CODE3) with SS:SP = 0800:1000, DS = 0800 and
 * eflags (VM and bit 1 added); returns the vector that ended the V86 code. */
static inline int run_v86(struct rig *r, uint32_t eflags)
{
    static const uint8_t to_v86[] = {
        0x6a, 0x00,                   /* push dword 0x0 */
        0x6a, 0x00,                   /* push dword 0x0 */
        0x68, 0x00, 0x08, 0x00, 0x00, /* push dword 0x800 */
        0x6a, 0x00,                   /* push dword 0x0 */
        0x68, 0x00, 0x08, 0x00, 0x00, /* push dword 0x800 */
        0x68, 0x00, 0x10, 0x00, 0x00, /* push dword 0x1000 */
        0x53,                         /* push ebx */
        0x68, 0x00, 0x21, 0x00, 0x00, /* push dword 0x2100 */
        0x6a, 0x00,                   /* push dword 0x0 */
        0xcf,                         /* iretd */
    };
    r->cpu->reg[REG_EBX] = eflags | FLAG_VM | FLAG_FIXED1;
    return run_snippet(r, to_v86, sizeof to_v86);
}

#endif

/* The machine test_cpu_stress builds for each case: 1 MiB of RAM (so that page
 * tables and descriptor bases can point past it), a 64 KiB ROM at the top of the
 * 4 GiB space aliased at 0xF0000, an MMIO region at 2 MiB, descriptor tables,
 * exception handlers, page tables, and random code, all drawn from one seeded
 * generator so that a case is reproducible from its seed alone.
 *
 * Guest memory map:
 *   0x00000 IVT        0x00500 real-mode handlers (HLT, IRET)
 *   0x01000 GDT (32)   0x01800 LDT (16)   0x02000 IDT (256 gates)
 *   0x03000 TSS0 (redirection bitmap at +0x68, I/O bitmap at +0x88)  0x05200 TSS1
 *   0x06800 the prelude (IRETD to ring 3 or V86)
 *   0x07000 protected-mode handlers (HLT; IRETD; ADD ESP,4 + IRETD)
 *   0x09000 ring-0 stack top   0x0a000 ring-3 stack top
 *   0x10000 page directory     0x11000 page table 0 (identity 0-4 MiB)
 *   0x12000 PAE PDPT           0x13000 PAE page directory   0x14000 PAE page table
 *   0x20000-0x2ffff random code   0x30000-0x3ffff random data
 * Header only: include it from one test file. */
#ifndef BT86_TESTS_STRESS_RIG_H
#define BT86_TESTS_STRESS_RIG_H

#include "cpu/cpu.h"
#include "cpu/debug.h"
#include "mem/phys.h"
#include "splitmix64.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define S_RAM      0x100000u
#define S_MMIO     0x200000u
#define S_GDT      0x1000u
#define S_LDT      0x1800u
#define S_IDT      0x2000u
#define S_TSS0     0x3000u
#define S_TSS1     0x5200u
#define S_PRELUDE  0x6800u
#define S_STUBS    0x7000u
#define S_STACK0   0x9000u
#define S_STACK3   0xa000u
#define S_PD       0x10000u
#define S_PT0      0x11000u
#define S_PDPT     0x12000u
#define S_PAE_PD   0x13000u
#define S_PAE_PT   0x14000u
#define S_CODE     0x20000u
#define S_CODE_LEN 0x10000u
#define S_DATA     0x30000u

/* GDT selectors (see stress_build_gdt). */
#define S_CODE0    0x08
#define S_DATA0    0x10
#define S_CODE3    0x1b
#define S_DATA3    0x23
#define S_TSS0SEL  0x28
#define S_CODE0_16 0x38
#define S_DATA0_16 0x40
#define S_CODE3_16 0x4b
#define S_DATA3_16 0x53
#define S_LDTSEL   0x58

enum stress_mode {
    STRESS_REAL,
    STRESS_PM16_CPL0,
    STRESS_PM32_CPL0,
    STRESS_PM16_CPL3,
    STRESS_PM32_CPL3,
    STRESS_PAGING, /* 2-level paging, CPL 0 or 3 */
    STRESS_PAE,    /* PAE paging, CPL 0 or 3 */
    STRESS_V86,    /* V86 mode, paging or not, VME or not */
    STRESS_MODES,
};

static inline const char *stress_mode_name(enum stress_mode m)
{
    static const char *const names[STRESS_MODES] = {
        "real", "pm16-cpl0", "pm32-cpl0", "pm16-cpl3", "pm32-cpl3", "paging", "pae", "v86"};
    return names[m];
}

struct stress {
    struct phys_space ps;
    struct cpu *cpu;
    uint64_t rng;
    uint64_t exits[CPU_EXIT_EXCEPTION + 1];
    uint32_t entry;      /* linear address of the first instruction after the prelude */
    uint32_t base16;     /* base of the 16-bit code segments (GDT 7 and 9) */
    const uint8_t *code; /* optional: bytes to place at entry (the libFuzzer input) */
    size_t code_len;
    char why[96]; /* what a failed run broke */
    uint8_t rom[0x10000];
};

/* --- the generator (splitmix64) --- */

static inline void stress_rng_seed(struct stress *s, uint64_t seed)
{
    s->rng = seed;
}

static inline uint64_t stress_rand(struct stress *s)
{
    return splitmix64_next(&s->rng);
}

static inline uint32_t stress_below(struct stress *s, uint32_t n)
{
    return (uint32_t)(stress_rand(s) % n);
}

static inline bool stress_chance(struct stress *s, uint32_t one_in)
{
    return stress_below(s, one_in) == 0;
}

/* A 32-bit value biased towards the edges where bugs live. */
static inline uint32_t stress_value(struct stress *s)
{
    static const uint32_t edges[] = {
        0,        1,          2,          3,          4,          0x7f,       0x80,      0xff,
        0xfff,    0x1000,     0x7fff,     0x8000,     0xfffe,     0xffff,     0x10000,   0xfffff,
        0x100000, 0x7fffffff, 0x80000000, 0xfffff000, 0xfffffffc, 0xfffffffe, 0xffffffff};
    switch (stress_below(s, 4)) {
    case 0: return edges[stress_below(s, sizeof edges / sizeof edges[0])];
    case 1: return edges[stress_below(s, sizeof edges / sizeof edges[0])] + stress_below(s, 9) - 4;
    case 2: return stress_below(s, 0x40000); /* inside RAM: code, data, tables */
    default: return (uint32_t)stress_rand(s);
    }
}

/* --- the fake bus --- */

static inline uint32_t stress_io_read(void *opaque, uint16_t port, int size)
{
    struct stress *s = opaque;
    if (stress_chance(s, 16))
        cpu_set_intr(s->cpu, stress_rand(s) & 1);
    return (uint32_t)stress_rand(s);
}

static inline void stress_io_write(void *opaque, uint16_t port, uint32_t value, int size)
{
    struct stress *s = opaque;
    if (stress_chance(s, 8))
        cpu_set_intr(s->cpu, stress_rand(s) & 1);
    if (stress_chance(s, 64))
        cpu_request_exit(s->cpu);
}

static inline int stress_irq_ack(void *opaque)
{
    struct stress *s = opaque;
    if (stress_chance(s, 2))
        cpu_set_intr(s->cpu, false);
    if (stress_chance(s, 32))
        return -1; /* the interrupt went away before INTA */
    return (int)stress_below(s, 256);
}

static inline void stress_ferr(void *opaque, int level)
{
    struct stress *s = opaque;
    if (level)
        cpu_set_intr(s->cpu, true);
}

/* MMIO at S_MMIO: random reads, writes that sometimes raise INTR. */
static inline uint32_t stress_mmio_read(void *opaque, uint32_t offset, int size)
{
    return stress_io_read(opaque, (uint16_t)offset, size);
}

static inline void stress_mmio_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    stress_io_write(opaque, (uint16_t)offset, value, size);
}

static const struct io_ops stress_mmio_ops = {stress_mmio_read, stress_mmio_write};

/* --- guest memory --- */

static inline void s_wr(struct stress *s, uint32_t paddr, uint64_t value, int size)
{
    phys_write(&s->ps, paddr, value, size);
}

static inline void s_fill(struct stress *s, uint32_t paddr, uint32_t len)
{
    for (uint32_t off = 0; off < len; off += 8)
        s_wr(s, paddr + off, stress_rand(s), 8);
}

static inline void s_desc(struct stress *s, uint32_t table, int index, uint32_t base,
                          uint32_t limit, uint8_t access, uint8_t flags)
{
    uint32_t lo = (limit & 0xffff) | (base << 16);
    uint32_t hi = ((base >> 16) & 0xff) | ((uint32_t)access << 8) | (limit & 0xf0000u) |
                  ((uint32_t)(flags & 0xf) << 20) | (base & 0xff000000u);
    s_wr(s, table + 8 * (uint32_t)index, lo, 4);
    s_wr(s, table + 8 * (uint32_t)index + 4, hi, 4);
}

static inline void s_gate(struct stress *s, uint32_t at, uint16_t sel, uint32_t off, uint8_t type)
{
    s_wr(s, at, (off & 0xffff) | ((uint32_t)sel << 16), 4);
    s_wr(s, at + 4, (off & 0xffff0000u) | ((uint32_t)type << 8) | stress_below(s, 4), 4);
}

/* A random but mostly plausible descriptor: code/data/system, usually present. */
static inline void s_random_desc(struct stress *s, uint32_t table, int index)
{
    if (stress_chance(s, 4)) {
        s_wr(s, table + 8 * (uint32_t)index, stress_rand(s), 8);
        return;
    }
    uint8_t access = (uint8_t)stress_rand(s);
    if (!stress_chance(s, 8))
        access |= 0x80;
    uint32_t base = stress_chance(s, 2) ? 0 : stress_value(s);
    s_desc(s, table, index, base, stress_value(s), access, (uint8_t)stress_rand(s));
}

/* Fragments of the instructions that touch system state, placed among the random
 * bytes so that a case reaches them far more often than by chance. Random bytes
 * follow each one as its operands. */
static const uint8_t *const stress_fragments[] = {
    (const uint8_t[]){1, 0xcf},             /* iret */
    (const uint8_t[]){2, 0x66, 0xcf},       /* iretd/iretw */
    (const uint8_t[]){1, 0xcd},             /* int n */
    (const uint8_t[]){1, 0xce},             /* into */
    (const uint8_t[]){1, 0xcc},             /* int3 */
    (const uint8_t[]){1, 0xf1},             /* int1 */
    (const uint8_t[]){1, 0x62},             /* bound */
    (const uint8_t[]){1, 0x9a},             /* call far */
    (const uint8_t[]){1, 0xea},             /* jmp far */
    (const uint8_t[]){2, 0xff, 0x1f},       /* call far [edi] */
    (const uint8_t[]){2, 0xff, 0x2e},       /* jmp far [mem] */
    (const uint8_t[]){1, 0xca},             /* retf imm */
    (const uint8_t[]){1, 0xcb},             /* retf */
    (const uint8_t[]){2, 0x0f, 0xb2},       /* lss */
    (const uint8_t[]){1, 0xc4},             /* les */
    (const uint8_t[]){1, 0xc5},             /* lds */
    (const uint8_t[]){1, 0x8e},             /* mov sreg */
    (const uint8_t[]){1, 0x1f},             /* pop ds */
    (const uint8_t[]){1, 0x17},             /* pop ss */
    (const uint8_t[]){1, 0x9d},             /* popf */
    (const uint8_t[]){1, 0x9c},             /* pushf */
    (const uint8_t[]){1, 0xfa},             /* cli */
    (const uint8_t[]){1, 0xfb},             /* sti */
    (const uint8_t[]){1, 0xf4},             /* hlt */
    (const uint8_t[]){1, 0xe4},             /* in al, imm */
    (const uint8_t[]){1, 0xed},             /* in eax, dx */
    (const uint8_t[]){1, 0xef},             /* out dx, eax */
    (const uint8_t[]){2, 0xf3, 0x6c},       /* rep insb */
    (const uint8_t[]){3, 0xf3, 0x66, 0x6f}, /* rep outsw */
    (const uint8_t[]){2, 0xf3, 0xa5},       /* rep movs */
    (const uint8_t[]){2, 0xf3, 0xab},       /* rep stos */
    (const uint8_t[]){2, 0xf2, 0xae},       /* repne scasb */
    (const uint8_t[]){2, 0xf3, 0xa7},       /* repe cmps */
    (const uint8_t[]){3, 0x67, 0xf3, 0xa4}, /* rep movsb, 16-bit addresses */
    (const uint8_t[]){1, 0xc8},             /* enter */
    (const uint8_t[]){1, 0xc9},             /* leave */
    (const uint8_t[]){1, 0x61},             /* popa */
    (const uint8_t[]){1, 0x60},             /* pusha */
    (const uint8_t[]){3, 0x0f, 0x01, 0x15}, /* lgdt [disp32] */
    (const uint8_t[]){3, 0x0f, 0x01, 0x1d}, /* lidt [disp32] */
    (const uint8_t[]){2, 0x0f, 0x01},       /* sgdt/sidt/lmsw/smsw/invlpg */
    (const uint8_t[]){2, 0x0f, 0x00},       /* sldt/str/lldt/ltr/verr/verw */
    (const uint8_t[]){3, 0x0f, 0x00, 0xd8}, /* ltr ax */
    (const uint8_t[]){3, 0x0f, 0x00, 0xd0}, /* lldt ax */
    (const uint8_t[]){2, 0x0f, 0x02},       /* lar */
    (const uint8_t[]){2, 0x0f, 0x03},       /* lsl */
    (const uint8_t[]){1, 0x63},             /* arpl */
    (const uint8_t[]){2, 0x0f, 0x20},       /* mov r, crN */
    (const uint8_t[]){2, 0x0f, 0x22},       /* mov crN, r */
    (const uint8_t[]){3, 0x0f, 0x22, 0xc0}, /* mov cr0, eax */
    (const uint8_t[]){3, 0x0f, 0x22, 0xd8}, /* mov cr3, eax */
    (const uint8_t[]){3, 0x0f, 0x22, 0xe0}, /* mov cr4, eax */
    (const uint8_t[]){2, 0x0f, 0x21},       /* mov r, drN */
    (const uint8_t[]){2, 0x0f, 0x23},       /* mov drN, r */
    (const uint8_t[]){3, 0x0f, 0x23, 0xf8}, /* mov dr7, eax */
    (const uint8_t[]){2, 0x0f, 0x06},       /* clts */
    (const uint8_t[]){2, 0x0f, 0x08},       /* invd */
    (const uint8_t[]){2, 0x0f, 0x09},       /* wbinvd */
    (const uint8_t[]){2, 0x0f, 0x30},       /* wrmsr */
    (const uint8_t[]){2, 0x0f, 0x32},       /* rdmsr */
    (const uint8_t[]){2, 0x0f, 0x31},       /* rdtsc */
    (const uint8_t[]){2, 0x0f, 0x33},       /* rdpmc */
    (const uint8_t[]){2, 0x0f, 0xa2},       /* cpuid */
    (const uint8_t[]){2, 0x0f, 0x34},       /* sysenter */
    (const uint8_t[]){2, 0x0f, 0x35},       /* sysexit */
    (const uint8_t[]){2, 0x0f, 0x0b},       /* ud2 */
    (const uint8_t[]){2, 0x0f, 0xaa},       /* rsm */
    (const uint8_t[]){2, 0x0f, 0xc7},       /* cmpxchg8b */
    (const uint8_t[]){3, 0xf0, 0x0f, 0xb1}, /* lock cmpxchg */
    (const uint8_t[]){1, 0xd6},             /* salc */
    (const uint8_t[]){1, 0xd4},             /* aam */
    (const uint8_t[]){1, 0xf7},             /* div/idiv/mul/neg/not */
    (const uint8_t[]){1, 0xd9},             /* x87 */
    (const uint8_t[]){1, 0xdb},             /* x87 */
    (const uint8_t[]){1, 0xdd},             /* x87: frstor/fsave */
    (const uint8_t[]){1, 0xdf},             /* x87 */
    (const uint8_t[]){2, 0x9b, 0xd9},       /* fwait; x87 */
    (const uint8_t[]){1, 0xf3},             /* pause (with 0x90) / rep */
    (const uint8_t[]){1, 0x64},             /* fs: */
    (const uint8_t[]){1, 0x36},             /* ss: */
    (const uint8_t[]){1, 0x66},             /* operand size */
    (const uint8_t[]){1, 0x67},             /* address size */
    (const uint8_t[]){1, 0xf0},             /* lock */
    (const uint8_t[]){1, 0xe8},             /* call rel */
    (const uint8_t[]){1, 0xe9},             /* jmp rel */
    (const uint8_t[]){1, 0xc3},             /* ret */
    (const uint8_t[]){1, 0xc2},             /* ret imm */
    (const uint8_t[]){2, 0xe2, 0xfe},       /* loop $ */
    (const uint8_t[]){2, 0xeb, 0xfe},       /* jmp $ */
    (const uint8_t[]){1, 0x89},             /* mov r/m, r */
    (const uint8_t[]){1, 0x8b},             /* mov r, r/m */
    (const uint8_t[]){1, 0xc7},             /* mov r/m, imm */
    (const uint8_t[]){2, 0x0f, 0xa4},       /* shld */
    (const uint8_t[]){2, 0x0f, 0xbc},       /* bsf */
    (const uint8_t[]){2, 0x0f, 0xab},       /* bts r/m, r */
    (const uint8_t[]){1, 0x0f},             /* any two-byte opcode */
};

#define STRESS_FRAGMENTS (sizeof stress_fragments / sizeof stress_fragments[0])

/* The code area: random bytes with fragments sprinkled in. */
static inline void s_fill_code(struct stress *s, uint32_t base, uint32_t len)
{
    s_fill(s, base, len);
    uint32_t n = len / 8;
    for (uint32_t k = 0; k < n; k++) {
        const uint8_t *f = stress_fragments[stress_below(s, STRESS_FRAGMENTS)];
        uint32_t at = base + stress_below(s, len - 8);
        for (int b = 0; b < f[0]; b++)
            s_wr(s, at + (uint32_t)b, f[1 + b], 1);
    }
}

#endif

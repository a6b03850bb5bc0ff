/* A test rig for running small hand-assembled programs on the CPU core: 1 MiB of
 * RAM, code at 0000:0100 (real mode) or linear 0x100 (flat 32-bit protected mode),
 * stack top at 0x8000, run until HLT. Tests set registers and flags in r->cpu
 * before a run and read them after. Header only: include it from one test file. */
#ifndef BT86_TESTS_CPU_RIG_H
#define BT86_TESTS_CPU_RIG_H

#include "cpu/cpu.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define RIG_CODE      0x100u
#define RIG_STACK_TOP 0x8000u
#define RIG_HANDLER   0x300u  /* exception handler the IVT helpers install */
#define RIG_MARK      0x3000u /* the handler stores its vector number + 1 here */

struct rig {
    struct phys_space ps;
    struct cpu *cpu;
};

static inline int rig_setup(void **state)
{
    struct rig *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_true(phys_init(&r->ps, 1 << 20));
    r->cpu = cpu_create(&r->ps);
    assert_non_null(r->cpu);
    *state = r;
    return 0;
}

static inline int rig_teardown(void **state)
{
    struct rig *r = *state;
    cpu_destroy(r->cpu);
    phys_free(&r->ps);
    free(r);
    return 0;
}

/* Copies code to RIG_CODE followed by a HLT. */
static inline void rig_load(struct rig *r, const uint8_t *code, size_t len)
{
    static const uint8_t hlt = 0xf4;
    assert_true(phys_copy_to(&r->ps, RIG_CODE, code, len));
    assert_true(phys_copy_to(&r->ps, RIG_CODE + len, &hlt, 1));
}

/* Real mode, all segments 0; returns how the run ended. */
static inline enum cpu_exit rig_run16_exit(struct rig *r, const uint8_t *code, size_t len)
{
    rig_load(r, code, len);
    cpu_set_cr0(r->cpu, r->cpu->cr[0] & ~CR0_PE);
    /* Real-mode caches (64 KiB, 16-bit), also after a protected-mode run. */
    uint16_t data = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_WRITABLE | SEG_ATTR_ACCESSED;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        cpu_set_seg_cache(r->cpu, (enum seg_reg)s, 0, 0, 0xffff, data);
    cpu_set_seg_cache(r->cpu, SEG_CS, 0, 0, 0xffff, data | SEG_ATTR_CODE);
    r->cpu->eip = RIG_CODE;
    r->cpu->reg[REG_ESP] = RIG_STACK_TOP;
    r->cpu->halted = false;
    return cpu_run(r->cpu, 100000);
}

static inline void rig_run16(struct rig *r, const uint8_t *code, size_t len)
{
    assert_int_equal(rig_run16_exit(r, code, len), CPU_EXIT_HALT);
}

/* Flat 32-bit protected mode at CPL 0 (segment caches set directly, no tables). */
static inline void rig_run32(struct rig *r, const uint8_t *code, size_t len)
{
    rig_load(r, code, len);
    cpu_set_cr0(r->cpu, r->cpu->cr[0] | CR0_PE);
    uint16_t data =
        SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_WRITABLE | SEG_ATTR_ACCESSED | SEG_ATTR_DB | SEG_ATTR_G;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        cpu_set_seg_cache(r->cpu, (enum seg_reg)s, 0x10, 0, 0xffffffffu, data);
    cpu_set_seg_cache(r->cpu, SEG_CS, 0x08, 0, 0xffffffffu, data | SEG_ATTR_CODE);
    r->cpu->eip = RIG_CODE;
    r->cpu->reg[REG_ESP] = RIG_STACK_TOP;
    r->cpu->halted = false;
    assert_int_equal(cpu_run(r->cpu, 100000), CPU_EXIT_HALT);
}

/* Points real-mode IVT entry vector at a handler that stores vector + 1 at
 * RIG_MARK and halts. */
static inline void rig_catch_real(struct rig *r, int vector)
{
    const uint8_t handler[] = {0xc6, 0x06, RIG_MARK & 0xff, RIG_MARK >> 8, (uint8_t)(vector + 1),
                               0xf4}; /* mov byte [RIG_MARK], vector+1; hlt */
    uint32_t at = RIG_HANDLER + 8u * (uint32_t)vector;
    assert_true(phys_copy_to(&r->ps, at, handler, sizeof handler));
    phys_write(&r->ps, (uint64_t)vector * 4, at, 4); /* 0000:at */
    phys_write(&r->ps, RIG_MARK, 0, 1);
}

/* After a real-mode fault caught by rig_catch_real: the handler ran, and the pushed
 * return address is the faulting instruction at RIG_CODE + offset. */
static inline void rig_assert_fault_real(struct rig *r, int vector, uint32_t offset)
{
    assert_int_equal(phys_read(&r->ps, RIG_MARK, 1), vector + 1);
    assert_int_equal(r->cpu->reg[REG_ESP], RIG_STACK_TOP - 6);
    assert_int_equal(phys_read(&r->ps, RIG_STACK_TOP - 6, 2), RIG_CODE + offset);
}

/* Shorthands for the tests. */
#define CF  FLAG_CF
#define PF  FLAG_PF
#define AF  FLAG_AF
#define ZF  FLAG_ZF
#define SF  FLAG_SF
#define OF  FLAG_OF
#define ALL FLAGS_ARITH

#define RUN16(r, ...)                                                                              \
    do {                                                                                           \
        static const uint8_t code_[] = {__VA_ARGS__};                                              \
        rig_run16(r, code_, sizeof code_);                                                         \
    } while (0)

#define RUN32(r, ...)                                                                              \
    do {                                                                                           \
        static const uint8_t code_[] = {__VA_ARGS__};                                              \
        rig_run32(r, code_, sizeof code_);                                                         \
    } while (0)

/* The flags in mask, compared with expected. */
#define assert_flags(r, mask, expected)                                                            \
    assert_int_equal(cpu_get_eflags((r)->cpu) & (mask), (expected) & (mask))

static inline void rig_set_regs(struct rig *r, uint32_t eax, uint32_t ecx, uint32_t edx,
                                uint32_t ebx)
{
    r->cpu->reg[REG_EAX] = eax;
    r->cpu->reg[REG_ECX] = ecx;
    r->cpu->reg[REG_EDX] = edx;
    r->cpu->reg[REG_EBX] = ebx;
}

static inline void rig_set_flags(struct rig *r, uint32_t f)
{
    cpu_set_eflags(r->cpu, f);
}

static inline uint32_t rig_reg(struct rig *r, enum gpr g)
{
    return r->cpu->reg[g];
}

/* Runs code that must fault with #DE at its first instruction, through the IVT, and
 * checks that EAX and EDX stayed. */
static inline void rig_expect_de(struct rig *r, const uint8_t *code, size_t len, uint32_t eax,
                                 uint32_t ecx, uint32_t edx)
{
    rig_catch_real(r, 0);
    rig_set_regs(r, eax, ecx, edx, 0);
    rig_run16(r, code, len);
    rig_assert_fault_real(r, 0, 0);
    assert_int_equal(rig_reg(r, REG_EAX), eax);
    assert_int_equal(rig_reg(r, REG_EDX), edx);
}

#define RIG_TEST(fn) cmocka_unit_test_setup_teardown(fn, rig_setup, rig_teardown)

#endif

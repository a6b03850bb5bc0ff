/* The test rig for running small hand-assembled programs on the CPU core: guest
 * RAM and a CPU, loading bytes, running to HLT, reading registers and memory back.
 * system_rig.h adds descriptor tables for the protected-mode system tests.
 *
 * Real-mode programs (rig_setup) run at 0000:0100 with SS:SP = 0000:8000 and every
 * exception vector 0-31 pointing at a handler that stores its vector number at
 * RIG_FAULT_MARK and halts; RIG_TEST_BUS also attaches a fake bus that records port
 * accesses. RUN16/RUN32 run a program (HLT appended) in real mode or in flat
 * 32-bit protected mode at CPL 0 (segment caches set directly, no tables). Tests
 * set registers and flags in r->cpu before a run and read them after.
 *
 * Guest memory (real mode): 0-7F IVT, 100 code, 4F0 fault mark, 500 + 8v the
 * handler for vector v, 8000 stack top. Header only: include it from one test
 * file. */
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

#define RIG_CODE       0x100u
#define RIG_STACK_TOP  0x8000u
#define RIG_FAULT_MARK 0x4f0u  /* the fault handlers store their vector here */
#define RIG_HANDLERS   0x500u  /* vector v's handler at RIG_HANDLERS + 8v */
#define RIG_NO_FAULT   0xeeu   /* RIG_FAULT_MARK before a fault */
#define RIG_BUDGET     1000000 /* instructions a run may take to reach HLT */

struct io_record {
    uint16_t port;
    uint32_t value;
    int size;
    bool write;
};

struct rig {
    struct phys_space ps;
    struct cpu *cpu;
    /* The fake bus (RIG_TEST_BUS): port accesses, what the next port read
     * returns, and the vector an interrupt acknowledge returns. */
    struct io_record io[32];
    int io_count;
    uint32_t next_in;
    int irq_vector;
};

/* --- the machine --- */

static inline struct rig *rig_create(void **state, uint32_t ram_bytes)
{
    struct rig *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_true(phys_init(&r->ps, ram_bytes));
    r->cpu = cpu_create(&r->ps);
    assert_non_null(r->cpu);
    *state = r;
    return r;
}

static inline int rig_teardown(void **state)
{
    struct rig *r = *state;
    cpu_destroy(r->cpu);
    phys_free(&r->ps);
    free(r);
    return 0;
}

/* --- guest memory --- */

static inline void load(struct rig *r, uint32_t paddr, const uint8_t *bytes, size_t len)
{
    assert_true(phys_copy_to(&r->ps, paddr, bytes, len));
}

static inline void put(struct rig *r, uint32_t paddr, const char *s)
{
    assert_true(phys_copy_to(&r->ps, paddr, s, strlen(s)));
}

static inline uint64_t rd(struct rig *r, uint32_t paddr, int size)
{
    return phys_read(&r->ps, paddr, size);
}

static inline void wr(struct rig *r, uint32_t paddr, uint64_t value, int size)
{
    phys_write(&r->ps, paddr, value, size);
}

/* --- modes --- */

/* Real mode, all segments 0 with 64 KiB 16-bit caches (also after a
 * protected-mode run), IP = RIG_CODE, SP = RIG_STACK_TOP. */
static inline void rig_enter_real(struct rig *r)
{
    cpu_set_cr0(r->cpu, r->cpu->cr[0] & ~CR0_PE);
    uint16_t data = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_WRITABLE | SEG_ATTR_ACCESSED;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        cpu_set_seg_cache(r->cpu, (enum seg_reg)s, 0, 0, 0xffff, data);
    cpu_set_seg_cache(r->cpu, SEG_CS, 0, 0, 0xffff, data | SEG_ATTR_CODE);
    r->cpu->eip = RIG_CODE;
    r->cpu->reg[REG_ESP] = RIG_STACK_TOP;
}

/* Flat 32-bit protected mode at CPL 0 (selectors 08 and 10), EIP = RIG_CODE,
 * ESP = RIG_STACK_TOP. */
static inline void rig_enter_flat32(struct rig *r)
{
    cpu_set_flat32(r->cpu, 0x08);
    r->cpu->eip = RIG_CODE;
    r->cpu->reg[REG_ESP] = RIG_STACK_TOP;
}

/* --- running --- */

/* Runs from eip until the CPU halts (or the budget ends); returns the exit. */
static inline enum cpu_exit rig_run_at(struct rig *r, uint32_t eip)
{
    r->cpu->eip = eip;
    r->cpu->halted = false;
    return cpu_run(r->cpu, RIG_BUDGET);
}

/* Goes on from where the CPU is to HLT; the program must not fault. */
static inline void run(struct rig *r)
{
    assert_int_equal(cpu_run(r->cpu, RIG_BUDGET), CPU_EXIT_HALT);
    assert_int_equal(rd(r, RIG_FAULT_MARK, 1), RIG_NO_FAULT);
}

/* Copies code to RIG_CODE followed by a HLT. */
static inline void rig_load_hlt(struct rig *r, const uint8_t *code, size_t len)
{
    static const uint8_t hlt = 0xf4;
    load(r, RIG_CODE, code, len);
    load(r, RIG_CODE + (uint32_t)len, &hlt, 1);
}

/* Runs code (HLT appended) in real mode from a clear fault mark; returns how the
 * run ended. */
static inline enum cpu_exit rig_run16_exit(struct rig *r, const uint8_t *code, size_t len)
{
    rig_load_hlt(r, code, len);
    rig_enter_real(r);
    wr(r, RIG_FAULT_MARK, RIG_NO_FAULT, 1);
    return rig_run_at(r, RIG_CODE);
}

/* The same, to HLT without a fault. */
static inline void rig_run16(struct rig *r, const uint8_t *code, size_t len)
{
    assert_int_equal(rig_run16_exit(r, code, len), CPU_EXIT_HALT);
    assert_int_equal(rd(r, RIG_FAULT_MARK, 1), RIG_NO_FAULT);
}

/* After a real-mode fault: its handler ran, and the pushed return address is the
 * faulting instruction at RIG_CODE + offset. */
static inline void rig_assert_fault_real(struct rig *r, int vector, uint32_t offset)
{
    assert_int_equal(rd(r, RIG_FAULT_MARK, 1), vector);
    assert_int_equal(r->cpu->reg[REG_ESP], RIG_STACK_TOP - 6);
    assert_int_equal(rd(r, RIG_STACK_TOP - 6, 2), RIG_CODE + offset);
}

/* Runs code that must fault with vector at RIG_CODE + offset. */
static inline void rig_run16_fault(struct rig *r, const uint8_t *code, size_t len, int vector,
                                   uint32_t offset)
{
    assert_int_equal(rig_run16_exit(r, code, len), CPU_EXIT_HALT);
    rig_assert_fault_real(r, vector, offset);
}

/* Runs code (HLT appended) in flat 32-bit protected mode to HLT. */
static inline void rig_run32(struct rig *r, const uint8_t *code, size_t len)
{
    rig_load_hlt(r, code, len);
    rig_enter_flat32(r);
    assert_int_equal(rig_run_at(r, RIG_CODE), CPU_EXIT_HALT);
}

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

/* --- registers and flags --- */

#define CF  FLAG_CF
#define PF  FLAG_PF
#define AF  FLAG_AF
#define ZF  FLAG_ZF
#define SF  FLAG_SF
#define OF  FLAG_OF
#define ALL FLAGS_ARITH

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

/* --- the fake bus --- */

static inline uint32_t fake_io_read(void *opaque, uint16_t port, int size)
{
    struct rig *r = opaque;
    uint32_t v = r->next_in;
    r->next_in += 0x01010101u;
    if (r->io_count < 32)
        r->io[r->io_count++] = (struct io_record){port, v, size, false};
    return v; /* the CPU keeps only size bytes */
}

static inline void fake_io_write(void *opaque, uint16_t port, uint32_t value, int size)
{
    struct rig *r = opaque;
    if (r->io_count < 32)
        r->io[r->io_count++] = (struct io_record){port, value, size, true};
    if (port == 0x20)
        cpu_set_intr(r->cpu, false); /* "EOI": the test PIC drops INTR */
}

static inline int fake_irq_ack(void *opaque)
{
    struct rig *r = opaque;
    return r->irq_vector;
}

/* --- setups --- */

/* 1 MiB, real mode, every exception vector caught (see above). */
static inline int rig_setup(void **state)
{
    struct rig *r = rig_create(state, 1u << 20);
    /* Vector v: mov byte [RIG_FAULT_MARK], v; hlt. */
    for (uint32_t v = 0; v < 32; v++) {
        uint8_t h[] = {0xc6, 0x06, RIG_FAULT_MARK & 0xff, RIG_FAULT_MARK >> 8, (uint8_t)v, 0xf4};
        load(r, RIG_HANDLERS + 8 * v, h, sizeof h);
        wr(r, 4 * v, RIG_HANDLERS + 8 * v, 4); /* 0000:handler */
    }
    wr(r, RIG_FAULT_MARK, RIG_NO_FAULT, 1);
    rig_enter_real(r);
    return 0;
}

/* The same with the fake bus. */
static inline int rig_setup_bus(void **state)
{
    rig_setup(state);
    struct rig *r = *state;
    struct cpu_bus bus = {
        .io_read = fake_io_read, .io_write = fake_io_write, .irq_ack = fake_irq_ack, .opaque = r};
    cpu_set_bus(r->cpu, &bus);
    r->next_in = 0x44332211u;
    return 0;
}

#define RIG_TEST(fn)     cmocka_unit_test_setup_teardown(fn, rig_setup, rig_teardown)
#define RIG_TEST_BUS(fn) cmocka_unit_test_setup_teardown(fn, rig_setup_bus, rig_teardown)

#endif

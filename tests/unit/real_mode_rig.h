/* A real-mode test rig for CPU instruction tests: 1 MiB of RAM, CS=DS=ES=SS=0,
 * code at 0000:0100, SS:SP = 0000:8000, every exception vector 0-31 pointing at a
 * handler that stores its vector number at FAULT_MARK and halts, and an optional
 * fake bus that records port accesses. Included by test programs only. */
#ifndef BT86_TESTS_REAL_MODE_RIG_H
#define BT86_TESTS_REAL_MODE_RIG_H

#include "cpu/cpu.h"
#include "cpu/exception.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define CODE       0x100u
#define FAULT_MARK 0x4f0u /* the fault handlers store their vector here */
#define HANDLERS   0x500u /* vector v's handler at HANDLERS + 8v */
#define NO_FAULT   0xeeu

struct io_record {
    uint16_t port;
    uint32_t value;
    int size;
    bool write;
};

struct rig {
    struct phys_space ps;
    struct cpu *cpu;
    struct io_record io[32];
    int io_count;
    uint32_t next_in; /* what the next port read returns */
    int irq_vector;
};

static inline uint32_t fake_io_read(void *opaque, uint16_t port, int size)
{
    struct rig *r = opaque;
    uint32_t v = r->next_in;
    r->next_in += 0x01010101u;
    if (r->io_count < 32) r->io[r->io_count++] = (struct io_record){port, v, size, false};
    return v; /* the CPU keeps only size bytes */
}

static inline void fake_io_write(void *opaque, uint16_t port, uint32_t value, int size)
{
    struct rig *r = opaque;
    if (r->io_count < 32) r->io[r->io_count++] = (struct io_record){port, value, size, true};
    if (port == 0x20) cpu_set_intr(r->cpu, false); /* "EOI": the test PIC drops INTR */
}

static inline int fake_irq_ack(void *opaque)
{
    struct rig *r = opaque;
    return r->irq_vector;
}

static inline int rig_setup(void **state)
{
    struct rig *r = calloc(1, sizeof *r);
    assert_true(phys_init(&r->ps, 1 << 20));
    r->cpu = cpu_create(&r->ps);
    assert_non_null(r->cpu);
    /* Every exception vector: mov byte [FAULT_MARK], v; hlt. */
    for (uint32_t v = 0; v < 32; v++) {
        uint8_t h[] = {0xc6, 0x06, FAULT_MARK & 0xff, FAULT_MARK >> 8, (uint8_t)v, 0xf4};
        assert_true(phys_copy_to(&r->ps, HANDLERS + 8 * v, h, sizeof h));
        phys_write(&r->ps, 4 * v, HANDLERS + 8 * v, 4);
    }
    phys_write(&r->ps, FAULT_MARK, NO_FAULT, 1);
    cpu_load_seg_real(r->cpu, SEG_CS, 0);
    cpu_load_seg_real(r->cpu, SEG_SS, 0);
    cpu_load_seg_real(r->cpu, SEG_DS, 0);
    cpu_load_seg_real(r->cpu, SEG_ES, 0);
    r->cpu->eip = CODE;
    r->cpu->reg[REG_ESP] = 0x8000;
    *state = r;
    return 0;
}

static inline int rig_with_bus(void **state)
{
    rig_setup(state);
    struct rig *r = *state;
    struct cpu_bus bus = {fake_io_read, fake_io_write, fake_irq_ack, r, NULL};
    cpu_set_bus(r->cpu, &bus);
    r->next_in = 0x44332211u;
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

static inline void load(struct rig *r, const uint8_t *code, size_t len)
{
    assert_true(phys_copy_to(&r->ps, CODE, code, len));
}

/* Runs to HLT; the program must not fault. */
static inline void run(struct rig *r)
{
    assert_int_equal(cpu_run(r->cpu, 1000000), CPU_EXIT_HALT);
    assert_int_equal(phys_read(&r->ps, FAULT_MARK, 1), NO_FAULT);
}

static inline uint32_t rd(struct rig *r, uint32_t paddr, int size)
{
    return (uint32_t)phys_read(&r->ps, paddr, size);
}

static inline void put(struct rig *r, uint32_t paddr, const char *s)
{
    assert_true(phys_copy_to(&r->ps, paddr, s, strlen(s)));
}

#define T(f)  cmocka_unit_test_setup_teardown(f, rig_setup, rig_teardown)
#define TB(f) cmocka_unit_test_setup_teardown(f, rig_with_bus, rig_teardown)

#endif

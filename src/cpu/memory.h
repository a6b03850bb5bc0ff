/* Guest memory as instructions see it: segment checks, then the soft TLB fast path
 * (one compare and an add), else the slow path in memory.c, which walks the page
 * tables, refills the TLB, handles MMIO, code pages and page-crossing accesses, and
 * raises #GP/#SS/#PF. */
#ifndef BT86_CPU_MEMORY_H
#define BT86_CPU_MEMORY_H

#include "cpu/cpu.h"
#include "cpu/exception.h"

#include <string.h>

enum access_kind { ACC_READ, ACC_WRITE, ACC_EXEC };

uint32_t mem_read_slow(struct cpu *cpu, uint32_t linear, int size, enum tlb_kind kind);
void mem_write_slow(struct cpu *cpu, uint32_t linear, uint32_t value, int size, enum tlb_kind kind);
uint64_t mem_read64_linear(struct cpu *cpu, uint32_t linear);
void mem_write64_linear(struct cpu *cpu, uint32_t linear, uint64_t value);

/* #AC(0) when alignment checking is armed (cpu->ac_armed) and linear is not a
 * multiple of align (a power of two): for operands the slow path cannot judge by
 * access size (x87 80-bit values, FSAVE/FSTENV images). Call it after the
 * operand's other faults have had their chance (#AC ranks below #GP and #PF). */
static inline void mem_check_alignment(struct cpu *cpu, uint32_t linear, uint32_t align)
{
    if (cpu->ac_armed && (linear & (align - 1)))
        cpu_raise(cpu, EXC_AC, 0);
}

/* Raises the fault a failed segment check gives: #SS for the stack segment. */
noreturn void seg_fault(struct cpu *cpu, int seg);

static inline enum tlb_kind cpu_tlb_kind(const struct cpu *cpu)
{
    return cpu->cpl == 3 ? TLB_USER : TLB_SUPERVISOR;
}

static inline uint32_t load_host(uintptr_t p, int size)
{
    uint32_t v = 0;
    switch (size) {
    case 1: v = *(const uint8_t *)p; break;
    case 2: memcpy(&v, (const void *)p, 2); break;
    default: memcpy(&v, (const void *)p, 4); break;
    }
    return v;
}

static inline void store_host(uintptr_t p, uint32_t v, int size)
{
    switch (size) {
    case 1: *(uint8_t *)p = (uint8_t)v; break;
    case 2: memcpy((void *)p, &v, 2); break;
    default: memcpy((void *)p, &v, 4); break;
    }
}

static inline bool page_fits(uint32_t linear, int size)
{
    return (linear & (PAGE_SIZE - 1)) <= PAGE_SIZE - (uint32_t)size;
}

/* Linear-address accesses with the CPL's privilege. */
static inline uint32_t lin_read(struct cpu *cpu, uint32_t linear, int size)
{
    struct tlb_entry *e = &cpu->tlb_kind[(linear >> 12) & (TLB_ENTRIES - 1)];
    if (e->read_tag == (linear & PAGE_MASK) && page_fits(linear, size))
        return load_host(e->addend + linear, size);
    return mem_read_slow(cpu, linear, size, cpu_tlb_kind(cpu));
}

static inline void lin_write(struct cpu *cpu, uint32_t linear, uint32_t value, int size)
{
    struct tlb_entry *e = &cpu->tlb_kind[(linear >> 12) & (TLB_ENTRIES - 1)];
    if (e->write_tag == (linear & PAGE_MASK) && page_fits(linear, size)) {
        store_host(e->addend + linear, value, size);
        return;
    }
    mem_write_slow(cpu, linear, value, size, cpu_tlb_kind(cpu));
}

/* Linear accesses with an explicit privilege kind: implicit supervisor accesses
 * (descriptor tables, the TSS, a stack switch to an inner level) use
 * TLB_SUPERVISOR whatever the CPL (Intel SDM Vol. 3, 4.6: "implicit supervisor-mode
 * accesses"). */
static inline uint32_t lin_read_kind(struct cpu *cpu, uint32_t linear, int size, enum tlb_kind kind)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, kind, linear);
    if (e->read_tag == (linear & PAGE_MASK) && page_fits(linear, size))
        return load_host(e->addend + linear, size);
    return mem_read_slow(cpu, linear, size, kind);
}

static inline void lin_write_kind(struct cpu *cpu, uint32_t linear, uint32_t value, int size,
                                  enum tlb_kind kind)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, kind, linear);
    if (e->write_tag == (linear & PAGE_MASK) && page_fits(linear, size)) {
        store_host(e->addend + linear, value, size);
        return;
    }
    mem_write_slow(cpu, linear, value, size, kind);
}

/* Checks a write of size bytes at linear would not fault (page level only). */
void mem_probe_write_kind(struct cpu *cpu, uint32_t linear, int size, enum tlb_kind kind);

/* Segment checks (Intel SDM Vol. 3, 5.3): offset range and access rights. */
static inline uint32_t seg_check(struct cpu *cpu, int seg, uint32_t off, int size, bool write)
{
    const struct segment *s = &cpu->seg[seg];
    if (off < s->valid_lo || (uint64_t)off + (uint32_t)(size - 1) > s->valid_hi ||
        !(write ? s->writable : s->readable))
        seg_fault(cpu, seg);
    return s->base + off;
}

static inline uint32_t mem_read(struct cpu *cpu, int seg, uint32_t off, int size)
{
    return lin_read(cpu, seg_check(cpu, seg, off, size, false), size);
}

static inline void mem_write(struct cpu *cpu, int seg, uint32_t off, uint32_t value, int size)
{
    lin_write(cpu, seg_check(cpu, seg, off, size, true), value, size);
}

/* Checks that a later write of size bytes at seg:off would succeed, without
 * writing: used before state is committed by instructions that must not fault
 * halfway (read-modify-write, PUSH of several words). */
void mem_probe_write_slow(struct cpu *cpu, uint32_t linear, int size);

static inline void mem_probe_write(struct cpu *cpu, int seg, uint32_t off, int size)
{
    uint32_t linear = seg_check(cpu, seg, off, size, true);
    struct tlb_entry *e = &cpu->tlb_kind[(linear >> 12) & (TLB_ENTRIES - 1)];
    if (e->write_tag != (linear & PAGE_MASK) || !page_fits(linear, size))
        mem_probe_write_slow(cpu, linear, size);
}

/* Host address for a read-modify-write of size bytes at seg:off when the segment
 * and the TLB let both the read and the write take the fast path, else NULL: the
 * caller then takes mem_read, mem_probe_write and mem_write, which raise the
 * faults. (A fast write tag implies a fast read tag: see tlb_fill.) */
static inline uintptr_t mem_rmw_host(struct cpu *cpu, int seg, uint32_t off, int size)
{
    const struct segment *s = &cpu->seg[seg];
    if (off < s->valid_lo || (uint64_t)off + (uint32_t)(size - 1) > s->valid_hi || !s->readable ||
        !s->writable)
        return 0;
    uint32_t linear = s->base + off;
    struct tlb_entry *e = &cpu->tlb_kind[(linear >> 12) & (TLB_ENTRIES - 1)];
    if (e->write_tag != (linear & PAGE_MASK) || !page_fits(linear, size))
        return 0;
    return e->addend + linear;
}

/* Physical address of a linear address for an instruction fetch, raising #PF. */
uint64_t mmu_translate_exec(struct cpu *cpu, uint32_t linear);

/* Linear -> physical for the given access; raises #PF on failure. */
uint64_t mmu_translate(struct cpu *cpu, uint32_t linear, enum access_kind access,
                       enum tlb_kind kind);

/* Flushes the TLB and everything that caches translations (the jump cache). */
void mmu_flush(struct cpu *cpu);
/* MOV CR3 / task switch: all but global pages (Intel SDM Vol. 3, 4.10.4.1). */
void mmu_flush_nonglobal(struct cpu *cpu);
/* INVLPG. */
void mmu_flush_page(struct cpu *cpu, uint32_t linear);

/* Debug registers (debug.c): whether a data breakpoint covers the page, and the
 * check made on every slow-path data access while one is enabled (raises #DB). */
bool debug_page_watched(const struct cpu *cpu, uint32_t page);
void debug_check_data(struct cpu *cpu, uint32_t linear, int size, bool write);

#endif

/* Creating, resetting and inspecting a CPU. */
#include "cpu/block_cache.h"
#include "cpu/debug.h"
#include "cpu/decode.h"
#include "cpu/flags.h"
#include "cpu/memory.h"
#include "cpu/msr.h"
#include "cpu/segment.h"

#include <stdlib.h>
#include <string.h>

/* CPUID.1:EAX and EDX after reset: family 6, model 1, stepping 9 (Pentium Pro). */
#define CPU_SIGNATURE 0x00000619u

static void code_written(void *opaque, uint64_t paddr, uint32_t len)
{
    struct cpu *cpu = opaque;
    cpu_invalidate_phys(cpu, paddr, len);
}

static void stop_here(struct cpu *cpu, const struct insn *i)
{
    cpu_break_block(cpu, insn_eip(cpu, i));
}

void cpu_invalidate_phys(struct cpu *cpu, uint64_t paddr, uint32_t len)
{
    struct block *running = cpu->cur_block;
    if (!block_cache_invalidate(cpu->cache, paddr, len, running))
        return;
    /* The running block was written: let the current instruction finish, then
     * leave the block (DESIGN.md, Self-modifying code). The block is dead and never
     * re-entered, so its remaining instructions can be rewritten in place. The
     * block's BLOCK_SETS_EIP stays: if the writer is the last instruction and sets
     * EIP itself (a CALL pushing onto its own code, a REP STOS), that EIP stands;
     * otherwise a stop_here leaves the block before the flag is looked at. */
    for (struct insn *i = (struct insn *)cpu->cur_insn + 1;
         i < running->insns + running->insn_count; i++)
        i->fn = stop_here;
    cpu->prev_block = NULL;
}

struct cpu *cpu_create(struct phys_space *phys)
{
    struct cpu *cpu = calloc(1, sizeof *cpu);
    if (!cpu)
        return NULL;
    cpu->phys = phys;
    for (uint32_t k = 0; k < TLB_ENTRIES; k++)
        cpu->tlb_ac_miss[k] = (struct tlb_entry){
            .read_tag = TLB_INVALID, .write_tag = TLB_INVALID, .exec_tag = TLB_INVALID};
    cpu->cache = block_cache_create(phys, &cpu->tlb);
    cpu->decoder = decoder_create();
    if (!cpu->cache || !cpu->decoder) {
        cpu_destroy(cpu);
        return NULL;
    }
    phys->code_hook = (struct code_write_hook){code_written, cpu};
    cpu_reset(cpu);
    return cpu;
}

void cpu_destroy(struct cpu *cpu)
{
    if (!cpu)
        return;
    if (cpu->phys && cpu->phys->code_hook.opaque == cpu)
        cpu->phys->code_hook = (struct code_write_hook){0};
    block_cache_destroy(cpu->cache);
    decoder_destroy(cpu->decoder);
    free(cpu);
}

void cpu_set_bus(struct cpu *cpu, const struct cpu_bus *bus)
{
    cpu->bus = *bus;
}

void cpu_reset(struct cpu *cpu)
{
    memset(cpu->reg, 0, sizeof cpu->reg);
    cpu->reg[REG_EDX] = CPU_SIGNATURE;
    cpu->eip = 0xfff0;
    cpu->eflags = FLAG_FIXED1;
    cpu->lazy.op = LAZY_NONE;
    cpu_set_cpl(cpu, 0);
    memset(cpu->cr, 0, sizeof cpu->cr);
    memset(cpu->pdpte, 0, sizeof cpu->pdpte);
    cpu->cr[0] = CR0_ET | CR0_CD | CR0_NW;
    memset(cpu->dr, 0, sizeof cpu->dr);
    cpu->dr[6] = 0xffff0ff0u;
    cpu->dr[7] = 0x00000400u;
    cpu->gdtr.base = cpu->idtr.base = 0;
    cpu->gdtr.limit = cpu->idtr.limit = 0xffff;
    cpu->efer = 0;
    cpu->a20_mask = ~0u;
    cpu->halted = cpu->inhibit_irq = cpu->exit_requested = false;
    cpu->delivering = 0;
    cpu->icount = 0;
    cpu->tsc_offset = 0;
    cpu->stall_cycles = 0;
    fpu_reset(&cpu->fpu);
    /* Intel SDM Vol. 3, table 10-1: data-like R/W segments with 64 KiB limits; CS
     * based at FFFF0000 so that the first fetch is at FFFFFFF0. */
    uint16_t attr = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_WRITABLE | SEG_ATTR_ACCESSED;
    for (int s = 0; s < SEG_COUNT; s++)
        cpu_set_seg_cache(cpu, (enum seg_reg)s, 0, 0, 0xffff, attr);
    cpu_set_seg_cache(cpu, SEG_CS, 0xf000, 0xffff0000u, 0xffff, attr | SEG_ATTR_CODE);
    cpu_set_seg_cache(cpu, SEG_LDTR, 0, 0, 0xffff, SEG_ATTR_P | 0x2);
    cpu_set_seg_cache(cpu, SEG_TR, 0, 0, 0xffff, SEG_ATTR_P | 0xb);
    msr_reset(cpu);
    cpu->dr_data_bp = cpu->dr_exec_bp = cpu->dr_io_bp = false;
    cpu->db_pending = 0;
    mmu_flush(cpu);
    block_cache_flush(cpu->cache);
    cpu->cur_block = cpu->prev_block = NULL;
}

uint32_t cpu_get_eflags(struct cpu *cpu)
{
    return flags_get(cpu);
}

void cpu_set_eflags(struct cpu *cpu, uint32_t value)
{
    /* Bits 1 is fixed to 1; 3, 5, 15 and 22-31 to 0 (Intel SDM Vol. 1, 3.4.3). */
    cpu->eflags = (value & 0x003f7fd5u) | FLAG_FIXED1;
    cpu->lazy.op = LAZY_NONE;
    cpu_update_ac(cpu);
}

/* Intel SDM Vol. 3, 4.4.1: the PDPTE registers are loaded from the PDPT at CR3
 * when, with PAE paging in use afterwards, MOV to CR0 changes CD, NW or PG, MOV to
 * CR4 changes PAE, PGE or PSE, or MOV to CR3 (or a task switch) loads CR3. */
static bool pdptes_due(const struct cpu *cpu, int n, uint32_t value)
{
    uint32_t cr0 = n == 0 ? value : cpu->cr[0];
    uint32_t cr4 = n == 4 ? value : cpu->cr[4];
    if (!(cr0 & CR0_PG) || !(cr4 & CR4_PAE))
        return false;
    switch (n) {
    case 0: return ((cpu->cr[0] ^ value) & (CR0_CD | CR0_NW | CR0_PG)) != 0;
    case 4: return ((cpu->cr[4] ^ value) & (CR4_PAE | CR4_PGE | CR4_PSE)) != 0;
    default: return true;
    }
}

static void write_cr0(struct cpu *cpu, uint32_t value)
{
    uint32_t old = cpu->cr[0];
    cpu->cr[0] = value | CR0_ET;
    if ((old ^ cpu->cr[0]) & (CR0_PG | CR0_WP | CR0_PE))
        mmu_flush(cpu);
    if ((old ^ cpu->cr[0]) & CR0_PE)
        for (int s = 0; s < SEG_COUNT; s++)
            segment_derive(&cpu->seg[s], !(cpu->cr[0] & CR0_PE));
    if (!(cpu->cr[0] & CR0_PE))
        cpu_set_cpl(cpu, 0); /* real mode runs at privilege 0 */
    cpu_update_ac(cpu);
}

static void write_cr3(struct cpu *cpu, uint32_t value)
{
    cpu->cr[3] = value;
    mmu_flush_nonglobal(cpu);
}

static void write_cr4(struct cpu *cpu, uint32_t value)
{
    uint32_t old = cpu->cr[4];
    cpu->cr[4] = value;
    /* Intel SDM Vol. 3, 4.10.4.1: changing PSE, PAE or PGE invalidates every TLB
     * entry, global ones included. */
    if ((old ^ value) & (CR4_PSE | CR4_PAE | CR4_PGE))
        mmu_flush(cpu);
    /* CR4.DE decides whether DR7 R/W = 10 is an I/O breakpoint. */
    if ((old ^ value) & CR4_DE)
        debug_update(cpu);
}

static bool write_cr(struct cpu *cpu, int n, uint32_t value, bool checked)
{
    uint64_t pdpte[PAGING_PDPTES];
    bool load = pdptes_due(cpu, n, value);
    if (load) {
        uint32_t cr3 = n == 3 ? value : cpu->cr[3];
        if (!paging_load_pdptes(cpu->phys, cr3, pdpte) && checked)
            return false;
    }
    switch (n) {
    case 0: write_cr0(cpu, value); break;
    case 3: write_cr3(cpu, value); break;
    default: write_cr4(cpu, value); break;
    }
    /* TLB entries made from the old PDPTEs stay until the flushes above drop them,
     * as in a real TLB (SDM Vol. 3, 4.10.4.1 lists no flush for CR0.CD/NW). */
    if (load)
        memcpy(cpu->pdpte, pdpte, sizeof pdpte);
    return true;
}

bool cpu_write_cr(struct cpu *cpu, int n, uint32_t value)
{
    return write_cr(cpu, n, value, true);
}

void cpu_set_cr0(struct cpu *cpu, uint32_t value)
{
    write_cr(cpu, 0, value, false);
}

void cpu_set_cr3(struct cpu *cpu, uint32_t value)
{
    write_cr(cpu, 3, value, false);
}

void cpu_set_cr4(struct cpu *cpu, uint32_t value)
{
    write_cr(cpu, 4, value, false);
}

void cpu_set_cpl(struct cpu *cpu, uint32_t cpl)
{
    cpu->cpl = cpl;
    cpu_update_ac(cpu);
}

void cpu_update_ac(struct cpu *cpu)
{
    /* Intel SDM Vol. 3, 6.15: checked only with CR0.AM, EFLAGS.AC and CPL 3 (V86
     * mode runs at CPL 3). The fast path never looks at this: user accesses miss
     * in tlb_ac_miss and the slow path checks (memory.c). */
    cpu->ac_armed = (cpu->cr[0] & CR0_AM) && (cpu->eflags & FLAG_AC) && cpu->cpl == 3;
    cpu->tlb_kind = cpu->ac_armed ? cpu->tlb_ac_miss
                                  : cpu->tlb.entries[cpu->cpl == 3 ? TLB_USER : TLB_SUPERVISOR];
}

void cpu_set_a20(struct cpu *cpu, bool enabled)
{
    uint32_t mask = enabled ? ~0u : ~(1u << 20);
    if (mask != cpu->a20_mask) {
        cpu->a20_mask = mask;
        mmu_flush(cpu);
    }
}

void cpu_set_intr(struct cpu *cpu, bool level)
{
    /* Sampled between blocks by the execution loop. */
    cpu->intr_line = level;
}

uint64_t cpu_retired(const struct cpu *cpu)
{
    if (cpu->cur_block)
        return cpu->icount + (uint64_t)(cpu->cur_insn - cpu->cur_block->insns);
    return cpu->icount;
}

uint64_t cpu_cycles(const struct cpu *cpu)
{
    return cpu_retired(cpu) + cpu->stall_cycles;
}

void cpu_stall(struct cpu *cpu, uint64_t cycles)
{
    cpu->stall_cycles += cycles;
    /* The budget counts clock cycles up to the next device deadline: a stall
     * inside a run brings the run's end closer, so timers are not served late. */
    int64_t left = (int64_t)cpu->budget - (int64_t)(cycles > INT32_MAX ? INT32_MAX : cycles);
    cpu->budget = left < INT32_MIN ? INT32_MIN : (int32_t)left;
}

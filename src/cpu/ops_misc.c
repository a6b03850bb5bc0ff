/* Instructions without operands worth a family: NOP, HLT, the flag instructions,
 * LAHF/SAHF, SALC, CPUID, RDTSC, UD2, WAIT. */
#include "cpu/block.h"
#include "cpu/cpuid.h"
#include "cpu/flags.h"
#include "cpu/msr.h"
#include "cpu/ops.h"
#include "cpu/vme.h"

static void nop(struct cpu *cpu, const struct insn *i) {}

/* PAUSE (F3 90) is a NOP to a P6, but it only appears in spin-waits (Linux's
 * delay_tsc, spinlocks): letting the clock run PAUSE_STALL_CYCLES there makes a
 * busy-wait of a given virtual length cost fewer executed instructions. Recent
 * Intel cores take ~140 cycles for it (SDM optimization manual, Skylake). */
#define PAUSE_STALL_CYCLES 100

static void pause_(struct cpu *cpu, const struct insn *i)
{
    cpu_stall(cpu, PAUSE_STALL_CYCLES);
}

static void hlt(struct cpu *cpu, const struct insn *i)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t next = insn_next_eip(cpu, i);
    cpu->eip = (cpu->seg[SEG_CS].attr & SEG_ATTR_DB) ? next : next & 0xffff;
    cpu->halted = true;
}

static void set_flag_bits(struct cpu *cpu, uint32_t clear, uint32_t set)
{
    cpu->eflags = (flags_get(cpu) & ~clear) | set;
}

static void clc(struct cpu *cpu, const struct insn *i)
{
    set_flag_bits(cpu, FLAG_CF, 0);
}
static void stc(struct cpu *cpu, const struct insn *i)
{
    set_flag_bits(cpu, 0, FLAG_CF);
}
static void cmc(struct cpu *cpu, const struct insn *i)
{
    cpu->eflags = flags_get(cpu) ^ FLAG_CF;
}
static void cld(struct cpu *cpu, const struct insn *i)
{
    cpu->eflags &= ~FLAG_DF;
}
static void std_(struct cpu *cpu, const struct insn *i)
{
    cpu->eflags |= FLAG_DF;
}

/* CLI/STI: allowed when CPL <= IOPL, and always in real mode (cpl is 0 there);
 * V86 mode with IOPL < 3 faults (VME's VIF is system work). */
static void check_iopl(struct cpu *cpu)
{
    uint32_t iopl = (cpu->eflags & FLAG_IOPL) >> 12;
    if ((cpu->cr[0] & CR0_PE) && cpu->cpl > iopl)
        cpu_raise(cpu, EXC_GP, 0);
}

static void cli(struct cpu *cpu, const struct insn *i)
{
    if (vme_virtual_if(cpu)) {
        vme_cli(cpu);
        return;
    }
    check_iopl(cpu);
    cpu->eflags &= ~FLAG_IF;
}

static void sti(struct cpu *cpu, const struct insn *i)
{
    if (vme_virtual_if(cpu)) {
        vme_sti(cpu);
        return;
    }
    check_iopl(cpu);
    if (!(cpu->eflags & FLAG_IF))
        cpu->inhibit_irq = true; /* STI delays interrupts by one instruction */
    cpu->eflags |= FLAG_IF;
}

static void lahf(struct cpu *cpu, const struct insn *i)
{
    uint32_t f = flags_get(cpu) & (FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF);
    reg_write(cpu, 4, f | FLAG_FIXED1, 1); /* AH */
}

static void sahf(struct cpu *cpu, const struct insn *i)
{
    uint32_t ah = reg_read(cpu, 4, 1);
    uint32_t mask = FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF;
    cpu->eflags = (flags_get(cpu) & ~mask) | (ah & mask);
}

/* SALC (D6, undocumented on Intel, present on every x86 since the 8086). */
static void salc(struct cpu *cpu, const struct insn *i)
{
    reg_write(cpu, REG_EAX, flag_cf(cpu) ? 0xff : 0, 1);
}

static void cpuid(struct cpu *cpu, const struct insn *i)
{
    struct cpuid_result r = cpuid_query(cpu->reg[REG_EAX], cpu->reg[REG_ECX]);
    cpu->reg[REG_EAX] = r.eax;
    cpu->reg[REG_EBX] = r.ebx;
    cpu->reg[REG_ECX] = r.ecx;
    cpu->reg[REG_EDX] = r.edx;
}

#define CR4_TSD 0x4u

/* The time-stamp counter counts processor cycles (cpu_tsc), exact mid-block. */
static void rdtsc(struct cpu *cpu, const struct insn *i)
{
    if ((cpu->cr[4] & CR4_TSD) && cpu->cpl != 0 && (cpu->cr[0] & CR0_PE))
        cpu_raise(cpu, EXC_GP, 0);
    uint64_t tsc = cpu_tsc(cpu);
    cpu->reg[REG_EAX] = (uint32_t)tsc;
    cpu->reg[REG_EDX] = (uint32_t)(tsc >> 32);
}

static const struct {
    ZydisMnemonic mnemonic;
    insn_fn fn;
    bool ends_block;
} simple[] = {
    {ZYDIS_MNEMONIC_NOP, nop, false},     {ZYDIS_MNEMONIC_PAUSE, pause_, false},
    {ZYDIS_MNEMONIC_CLC, clc, false},     {ZYDIS_MNEMONIC_STC, stc, false},
    {ZYDIS_MNEMONIC_CMC, cmc, false},     {ZYDIS_MNEMONIC_CLD, cld, false},
    {ZYDIS_MNEMONIC_STD, std_, false},    {ZYDIS_MNEMONIC_CLI, cli, true},
    {ZYDIS_MNEMONIC_STI, sti, true},      {ZYDIS_MNEMONIC_LAHF, lahf, false},
    {ZYDIS_MNEMONIC_SAHF, sahf, false},   {ZYDIS_MNEMONIC_SALC, salc, false},
    {ZYDIS_MNEMONIC_CPUID, cpuid, false}, {ZYDIS_MNEMONIC_RDTSC, rdtsc, false},
    {ZYDIS_MNEMONIC_UD2, op_ud, true},    {ZYDIS_MNEMONIC_UD0, op_ud, true},
    {ZYDIS_MNEMONIC_UD1, op_ud, true},
};

static bool select_simple(struct insn *i, struct decoded *d)
{
    for (size_t k = 0; k < sizeof simple / sizeof simple[0]; k++)
        if (simple[k].mnemonic == d->z.mnemonic) {
            i->fn = simple[k].fn;
            d->ends_block = simple[k].ends_block;
            return true;
        }
    return false;
}

static bool select_hlt(struct insn *i, struct decoded *d)
{
    i->fn = hlt;
    i->flags |= INSN_SETS_EIP;
    d->ends_block = true;
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_NOP, select_simple},   {ZYDIS_MNEMONIC_PAUSE, select_simple},
    {ZYDIS_MNEMONIC_CLC, select_simple},   {ZYDIS_MNEMONIC_STC, select_simple},
    {ZYDIS_MNEMONIC_CMC, select_simple},   {ZYDIS_MNEMONIC_CLD, select_simple},
    {ZYDIS_MNEMONIC_STD, select_simple},   {ZYDIS_MNEMONIC_CLI, select_simple},
    {ZYDIS_MNEMONIC_STI, select_simple},   {ZYDIS_MNEMONIC_LAHF, select_simple},
    {ZYDIS_MNEMONIC_SAHF, select_simple},  {ZYDIS_MNEMONIC_SALC, select_simple},
    {ZYDIS_MNEMONIC_CPUID, select_simple}, {ZYDIS_MNEMONIC_RDTSC, select_simple},
    {ZYDIS_MNEMONIC_UD2, select_simple},   {ZYDIS_MNEMONIC_UD0, select_simple},
    {ZYDIS_MNEMONIC_UD1, select_simple},   {ZYDIS_MNEMONIC_HLT, select_hlt},

};

SELECT_TABLE(ops_misc_table, entries);

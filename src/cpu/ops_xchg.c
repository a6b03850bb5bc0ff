/* Exchange-and-operate instructions of the 486 and Pentium: XADD, CMPXCHG,
 * CMPXCHG8B, BSWAP (Intel SDM Vol. 2, one page each). LOCK needs nothing extra
 * here: one emulated CPU performs each instruction atomically anyway. */
#include "cpu/flags.h"
#include "cpu/ops.h"

/* TEMP = SRC + DEST; SRC = DEST; DEST = TEMP (so XADD r, r with the same register
 * leaves the sum). Flags as ADD. */
static void xadd(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    uint32_t src = reg_read(cpu, i->reg, size);
    if (i->flags & INSN_MEM) {
        /* The address is computed once: the source register may be its base, and
         * it changes before the memory write. */
        uint32_t ea = insn_ea(cpu, i);
        uint32_t dst = mem_read(cpu, i->seg, ea, size);
        mem_probe_write(cpu, i->seg, ea, size);
        uint32_t sum = (dst + src) & size_mask(size);
        flags_lazy(cpu, LAZY_ADD, size, dst, src, sum);
        reg_write(cpu, i->reg, dst, size);
        mem_write(cpu, i->seg, ea, sum, size);
        return;
    }
    uint32_t dst = reg_read(cpu, i->rm, size);
    uint32_t sum = (dst + src) & size_mask(size);
    flags_lazy(cpu, LAZY_ADD, size, dst, src, sum);
    reg_write(cpu, i->reg, dst, size);
    reg_write(cpu, i->rm, sum, size);
}

/* Compares the accumulator with DEST (flags as CMP accumulator, DEST). Equal:
 * DEST = SRC. Not equal: accumulator = DEST, and DEST is written back with its own
 * value, as the processor always performs the write cycle (a read-only destination
 * faults either way). */
static void cmpxchg(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    uint32_t acc = reg_read(cpu, REG_EAX, size);
    uint32_t dst;
    if (i->flags & INSN_MEM) {
        uint32_t ea = insn_ea(cpu, i);
        dst = mem_read(cpu, i->seg, ea, size);
        mem_probe_write(cpu, i->seg, ea, size);
    } else {
        dst = reg_read(cpu, i->rm, size);
    }
    flags_lazy(cpu, LAZY_SUB, size, acc, dst, (acc - dst) & size_mask(size));
    if (acc == dst) {
        rm_write(cpu, i, reg_read(cpu, i->reg, size));
    } else {
        reg_write(cpu, REG_EAX, dst, size);
        if (i->flags & INSN_MEM)
            rm_write(cpu, i, dst);
    }
}

/* CMPXCHG8B m64: EDX:EAX against m64; equal: ZF = 1 and m64 = ECX:EBX; else ZF = 0
 * and EDX:EAX = m64 (m64 written back unchanged). Only ZF changes. */
static void cmpxchg8b(struct cpu *cpu, const struct insn *i)
{
    uint32_t linear = seg_check(cpu, i->seg, insn_ea(cpu, i), 8, true);
    uint64_t m = mem_read64_linear(cpu, linear);
    uint64_t edx_eax = (uint64_t)cpu->reg[REG_EDX] << 32 | cpu->reg[REG_EAX];
    if (m == edx_eax) {
        mem_write64_linear(cpu, linear, (uint64_t)cpu->reg[REG_ECX] << 32 | cpu->reg[REG_EBX]);
        flags_set_arith(cpu, FLAG_ZF, FLAG_ZF);
    } else {
        mem_write64_linear(cpu, linear, m);
        flags_set_arith(cpu, FLAG_ZF, 0);
        cpu->reg[REG_EAX] = (uint32_t)m;
        cpu->reg[REG_EDX] = (uint32_t)(m >> 32);
    }
}

static void bswap32(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = __builtin_bswap32(cpu->reg[i->reg]);
}

/* BSWAP r16 is undefined (SDM); P6-and-later Intel and AMD CPUs (the host too)
 * clear the low word and keep the upper half. */
static void bswap16(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] &= 0xffff0000u;
}

static bool select_rm_reg(struct insn *i, struct decoded *d)
{
    int r = decode_gpr(d->ops[1].reg.value);
    if (r < 0 || !decode_rm_operand(i, &d->ops[0]))
        return false;
    i->reg = (uint8_t)r;
    i->fn = d->z.mnemonic == ZYDIS_MNEMONIC_XADD ? xadd : cmpxchg;
    return true;
}

static bool select_cmpxchg8b(struct insn *i, struct decoded *d)
{
    if (d->ops[0].type != ZYDIS_OPERAND_TYPE_MEMORY)
        return false; /* register form: #UD */
    decode_mem_operand(i, &d->ops[0]);
    i->fn = cmpxchg8b;
    return true;
}

static bool select_bswap(struct insn *i, struct decoded *d)
{
    int r = decode_gpr(d->ops[0].reg.value);
    if (r < 0)
        return false;
    i->reg = (uint8_t)r;
    i->fn = i->osize == 4 ? bswap32 : bswap16;
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_XADD, select_rm_reg},
    {ZYDIS_MNEMONIC_CMPXCHG, select_rm_reg},
    {ZYDIS_MNEMONIC_CMPXCHG8B, select_cmpxchg8b},
    {ZYDIS_MNEMONIC_BSWAP, select_bswap},
};

SELECT_TABLE(ops_xchg_table, entries);

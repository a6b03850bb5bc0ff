/* Conditional set and move: SETcc r/m8 and CMOVcc r16/32, r/m16/32 (Intel SDM
 * Vol. 2, "SETcc", "CMOVcc"). The condition code is the low nibble of the opcode
 * (0F 9x, 0F 4x), the same encoding as Jcc. */
#include "cpu/flags.h"
#include "cpu/ops.h"

static void setcc(struct cpu *cpu, const struct insn *i)
{
    uint32_t v = cond_true(cpu, i->cc) ? 1 : 0;
    if (i->flags & INSN_MEM)
        mem_write(cpu, i->seg, insn_ea(cpu, i), v, 1);
    else
        reg_write(cpu, i->rm, v, 1);
}

/* The source is read even when the condition is false, so a bad memory operand
 * faults either way; with a false condition the destination is left as it is,
 * upper half included (the zero-extension of a 32-bit destination is a 64-bit mode
 * rule). */
static void cmovcc(struct cpu *cpu, const struct insn *i)
{
    uint32_t v = rm_read(cpu, i);
    if (cond_true(cpu, i->cc))
        reg_write(cpu, i->reg, v, i->osize);
}

static bool select_setcc(struct insn *i, struct decoded *d)
{
    if (!decode_rm_operand(i, &d->ops[0]))
        return false;
    i->osize = 1;
    i->cc = d->z.opcode & 0x0f;
    i->fn = setcc;
    return true;
}

static bool select_cmovcc(struct insn *i, struct decoded *d)
{
    int r = decode_gpr(d->ops[0].reg.value);
    if (r < 0 || !decode_rm_operand(i, &d->ops[1]))
        return false;
    i->reg = (uint8_t)r;
    i->cc = d->z.opcode & 0x0f;
    i->fn = cmovcc;
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_SETO, select_setcc},    {ZYDIS_MNEMONIC_SETNO, select_setcc},
    {ZYDIS_MNEMONIC_SETB, select_setcc},    {ZYDIS_MNEMONIC_SETNB, select_setcc},
    {ZYDIS_MNEMONIC_SETZ, select_setcc},    {ZYDIS_MNEMONIC_SETNZ, select_setcc},
    {ZYDIS_MNEMONIC_SETBE, select_setcc},   {ZYDIS_MNEMONIC_SETNBE, select_setcc},
    {ZYDIS_MNEMONIC_SETS, select_setcc},    {ZYDIS_MNEMONIC_SETNS, select_setcc},
    {ZYDIS_MNEMONIC_SETP, select_setcc},    {ZYDIS_MNEMONIC_SETNP, select_setcc},
    {ZYDIS_MNEMONIC_SETL, select_setcc},    {ZYDIS_MNEMONIC_SETNL, select_setcc},
    {ZYDIS_MNEMONIC_SETLE, select_setcc},   {ZYDIS_MNEMONIC_SETNLE, select_setcc},
    {ZYDIS_MNEMONIC_CMOVO, select_cmovcc},  {ZYDIS_MNEMONIC_CMOVNO, select_cmovcc},
    {ZYDIS_MNEMONIC_CMOVB, select_cmovcc},  {ZYDIS_MNEMONIC_CMOVNB, select_cmovcc},
    {ZYDIS_MNEMONIC_CMOVZ, select_cmovcc},  {ZYDIS_MNEMONIC_CMOVNZ, select_cmovcc},
    {ZYDIS_MNEMONIC_CMOVBE, select_cmovcc}, {ZYDIS_MNEMONIC_CMOVNBE, select_cmovcc},
    {ZYDIS_MNEMONIC_CMOVS, select_cmovcc},  {ZYDIS_MNEMONIC_CMOVNS, select_cmovcc},
    {ZYDIS_MNEMONIC_CMOVP, select_cmovcc},  {ZYDIS_MNEMONIC_CMOVNP, select_cmovcc},
    {ZYDIS_MNEMONIC_CMOVL, select_cmovcc},  {ZYDIS_MNEMONIC_CMOVNL, select_cmovcc},
    {ZYDIS_MNEMONIC_CMOVLE, select_cmovcc}, {ZYDIS_MNEMONIC_CMOVNLE, select_cmovcc},
};

SELECT_TABLE(ops_cond_table, entries);

/* Bit tests BT BTS BTR BTC and bit scans BSF BSR (Intel SDM Vol. 2, "BT", "BTS",
 * "BTR", "BTC", "BSF", "BSR").
 *
 * Undefined flags: BT* change only CF; OF, SF, AF and PF keep their values (P6
 * per Bochs, and the AMD host). BSF/BSR change only ZF, and with a zero source
 * leave the destination unchanged (what P6-and-later Intel and AMD CPUs do; the
 * SDM only says "undefined"). */
#include "cpu/flags.h"
#include "cpu/ops.h"

enum bit_op { BIT_TEST, BIT_SET, BIT_RESET, BIT_COMPLEMENT };

static void set_cf(struct cpu *cpu, uint32_t v, unsigned pos)
{
    flags_set_arith(cpu, FLAG_CF, (v >> pos) & 1);
}

static uint32_t bit_apply(int op, uint32_t v, unsigned pos)
{
    switch (op) {
    case BIT_SET: return v | (1u << pos);
    case BIT_RESET: return v & ~(1u << pos);
    case BIT_COMPLEMENT: return v ^ (1u << pos);
    default: return v;
    }
}

/* Memory operand at a byte offset from the instruction's effective address, with
 * the address-size wrap. */
static void bit_mem(struct cpu *cpu, const struct insn *i, int32_t byte_off, unsigned pos)
{
    uint32_t ea = insn_ea(cpu, i) + (uint32_t)byte_off;
    if (!(i->flags & INSN_ADDR32))
        ea &= 0xffff;
    uint32_t v = mem_read(cpu, i->seg, ea, i->osize);
    if (i->cc != BIT_TEST)
        mem_probe_write(cpu, i->seg, ea, i->osize);
    set_cf(cpu, v, pos);
    if (i->cc != BIT_TEST)
        mem_write(cpu, i->seg, ea, bit_apply(i->cc, v, pos), i->osize);
}

static void bit_reg(struct cpu *cpu, const struct insn *i, unsigned pos)
{
    uint32_t v = reg_read(cpu, i->rm, i->osize);
    set_cf(cpu, v, pos);
    if (i->cc != BIT_TEST)
        reg_write(cpu, i->rm, bit_apply(i->cc, v, pos), i->osize);
}

/* Immediate offset: taken modulo the operand width for memory too. */
static void bit_imm(struct cpu *cpu, const struct insn *i)
{
    unsigned pos = i->imm & (8u * i->osize - 1);
    if (i->flags & INSN_MEM)
        bit_mem(cpu, i, 0, pos);
    else
        bit_reg(cpu, i, pos);
}

/* Register offset: with a memory operand the offset is a signed bit index
 * relative to the operand, so it can reach below or far above it (SDM Vol. 2, 3.1.1.9
 * "bit base"): the word/dword at EA + (offset SAR 4/5) * size holds the bit. */
static void bit_by_reg(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    uint32_t off = reg_read(cpu, i->reg, size);
    if (!(i->flags & INSN_MEM)) {
        bit_reg(cpu, i, off & (8u * size - 1));
        return;
    }
    int32_t soff = size == 2 ? (int16_t)off : (int32_t)off;
    int32_t units = size == 2 ? soff >> 4 : soff >> 5; /* arithmetic shift: floor */
    bit_mem(cpu, i, units * size, off & (8u * size - 1));
}

static bool select_bt(struct insn *i, struct decoded *d)
{
    const ZydisDecodedOperand *src = &d->ops[1];
    if (!decode_rm_operand(i, &d->ops[0]))
        return false;
    switch (d->z.mnemonic) {
    case ZYDIS_MNEMONIC_BTS: i->cc = BIT_SET; break;
    case ZYDIS_MNEMONIC_BTR: i->cc = BIT_RESET; break;
    case ZYDIS_MNEMONIC_BTC: i->cc = BIT_COMPLEMENT; break;
    default: i->cc = BIT_TEST; break;
    }
    if (src->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
        i->imm = decode_imm(src) & 0xff;
        i->fn = bit_imm;
        return true;
    }
    int r = decode_gpr(src->reg.value);
    if (r < 0)
        return false;
    i->reg = (uint8_t)r;
    i->fn = bit_by_reg;
    return true;
}

static void bsf(struct cpu *cpu, const struct insn *i)
{
    uint32_t v = rm_read(cpu, i);
    if (v == 0) {
        flags_set_arith(cpu, FLAG_ZF, FLAG_ZF);
        return;
    }
    flags_set_arith(cpu, FLAG_ZF, 0);
    reg_write(cpu, i->reg, (uint32_t)__builtin_ctz(v), i->osize);
}

static void bsr(struct cpu *cpu, const struct insn *i)
{
    uint32_t v = rm_read(cpu, i);
    if (v == 0) {
        flags_set_arith(cpu, FLAG_ZF, FLAG_ZF);
        return;
    }
    flags_set_arith(cpu, FLAG_ZF, 0);
    reg_write(cpu, i->reg, 31u - (uint32_t)__builtin_clz(v), i->osize);
}

static bool select_bsx(struct insn *i, struct decoded *d)
{
    int r = decode_gpr(d->ops[0].reg.value);
    if (r < 0 || !decode_rm_operand(i, &d->ops[1]))
        return false;
    i->reg = (uint8_t)r;
    i->fn = d->z.mnemonic == ZYDIS_MNEMONIC_BSF ? bsf : bsr;
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_BT, select_bt},   {ZYDIS_MNEMONIC_BTS, select_bt},
    {ZYDIS_MNEMONIC_BTR, select_bt},  {ZYDIS_MNEMONIC_BTC, select_bt},
    {ZYDIS_MNEMONIC_BSF, select_bsx}, {ZYDIS_MNEMONIC_BSR, select_bsx},
};

SELECT_TABLE(ops_bit_table, entries);

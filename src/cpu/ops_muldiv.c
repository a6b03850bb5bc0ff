/* MUL, IMUL (one-, two- and three-operand forms), DIV, IDIV (Intel SDM Vol. 2,
 * "MUL", "IMUL", "DIV", "IDIV").
 *
 * Flags: MUL/IMUL set CF = OF as the SDM defines; SF, ZF, AF and PF are undefined.
 * We set SF, ZF and PF from the low half of the product (the value written to
 * AL/AX/EAX or the destination register) and clear AF, as Intel P6-and-later CPUs
 * do according to Bochs and QEMU (the AMD host leaves them unchanged instead).
 * DIV/IDIV leave every flag unchanged (all six are undefined; Bochs and QEMU do
 * the same). */
#include "cpu/flags.h"
#include "cpu/ops.h"

static int64_t sext(uint32_t v, int size)
{
    int shift = 32 - 8 * size;
    return (int32_t)(v << shift) >> shift;
}

/* CF = OF = overflow, SF ZF PF of low, AF 0: what LAZY_CFOF computes. */
static void mul_flags(struct cpu *cpu, uint32_t low, int size, bool overflow)
{
    flags_lazy(cpu, LAZY_CFOF, size, overflow ? FLAG_CF : 0, overflow ? FLAG_OF : 0, low);
}

/* Writes a double-size result: AX for bytes, DX:AX or EDX:EAX otherwise. */
static void write_wide(struct cpu *cpu, int size, uint64_t v)
{
    if (size == 1) {
        reg_write(cpu, REG_EAX, (uint32_t)v, 2);
    } else {
        reg_write(cpu, REG_EAX, (uint32_t)v, size);
        reg_write(cpu, REG_EDX, (uint32_t)(v >> (8 * size)), size);
    }
}

static void mul(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    uint64_t p = (uint64_t)rm_read(cpu, i) * reg_read(cpu, REG_EAX, size);
    write_wide(cpu, size, p);
    mul_flags(cpu, (uint32_t)p, size, (p >> (8 * size)) != 0);
}

static void imul1(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    int64_t p = sext(rm_read(cpu, i), size) * sext(reg_read(cpu, REG_EAX, size), size);
    write_wide(cpu, size, (uint64_t)p);
    mul_flags(cpu, (uint32_t)p, size, sext((uint32_t)p, size) != p);
}

/* reg = reg * r/m (0F AF) or reg = r/m * imm (69, 6B; imm stored at operand size). */
static void imul_op(struct cpu *cpu, const struct insn *i, uint32_t a, uint32_t b)
{
    int size = i->osize;
    int64_t p = sext(a, size) * sext(b, size);
    mul_flags(cpu, (uint32_t)p, size, sext((uint32_t)p, size) != p);
    reg_write(cpu, i->reg, (uint32_t)p, size);
}

/* The 32-bit forms without the size switches. */
static void imul_r32(struct cpu *cpu, const struct insn *i, uint32_t a, uint32_t b)
{
    int64_t p = (int64_t)(int32_t)a * (int32_t)b;
    mul_flags(cpu, (uint32_t)p, 4, (int64_t)(int32_t)p != p);
    cpu->reg[i->reg] = (uint32_t)p;
}

static void imul2_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t b =
        (i->flags & INSN_MEM) ? mem_read(cpu, i->seg, insn_ea(cpu, i), 4) : cpu->reg[i->rm];
    imul_r32(cpu, i, cpu->reg[i->reg], b);
}

static void imul3_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t a =
        (i->flags & INSN_MEM) ? mem_read(cpu, i->seg, insn_ea(cpu, i), 4) : cpu->reg[i->rm];
    imul_r32(cpu, i, a, i->imm);
}

static void imul2(struct cpu *cpu, const struct insn *i)
{
    uint32_t b = rm_read(cpu, i);
    imul_op(cpu, i, reg_read(cpu, i->reg, i->osize), b);
}

static void imul3(struct cpu *cpu, const struct insn *i)
{
    imul_op(cpu, i, rm_read(cpu, i), i->imm);
}

/* The dividend: AX for bytes, DX:AX or EDX:EAX otherwise. */
static uint64_t read_wide(struct cpu *cpu, int size)
{
    if (size == 1)
        return reg_read(cpu, REG_EAX, 2);
    return reg_read(cpu, REG_EAX, size) | (uint64_t)reg_read(cpu, REG_EDX, size) << (8 * size);
}

/* Quotient in AL/AX/EAX, remainder in AH/DX/EDX. */
static void write_quot_rem(struct cpu *cpu, int size, uint32_t q, uint32_t r)
{
    if (size == 1) {
        reg_write(cpu, REG_EAX, (q & 0xff) | (r & 0xff) << 8, 2);
    } else {
        reg_write(cpu, REG_EAX, q, size);
        reg_write(cpu, REG_EDX, r, size);
    }
}

/* #DE on a zero divisor and on a quotient too wide for the destination. */
static void div_(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    uint64_t d = rm_read(cpu, i);
    uint64_t n = read_wide(cpu, size);
    if (d == 0)
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    uint64_t q = n / d;
    if (q > size_mask(size))
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    write_quot_rem(cpu, size, (uint32_t)q, (uint32_t)(n % d));
}

/* Signed: the quotient truncates toward zero, the remainder takes the dividend's
 * sign, and a quotient outside [-2^(n-1), 2^(n-1)-1] is #DE (which includes the
 * most negative dividend divided by -1). */
static void idiv(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    int64_t d = sext(rm_read(cpu, i), size);
    uint64_t raw = read_wide(cpu, size);
    int64_t n = size == 4 ? (int64_t)raw : sext((uint32_t)raw, size * 2);
    if (d == 0)
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    if (d == -1 && n == INT64_MIN)
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE); /* C would trap */
    int64_t q = n / d, r = n % d;
    int64_t lim = (int64_t)1 << (8 * size - 1);
    if (q < -lim || q >= lim)
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    write_quot_rem(cpu, size, (uint32_t)q, (uint32_t)r);
}

static bool select_unary(struct insn *i, struct decoded *d)
{
    if (!decode_rm_operand(i, &d->ops[0]))
        return false;
    switch (d->z.mnemonic) {
    case ZYDIS_MNEMONIC_MUL: i->fn = mul; break;
    case ZYDIS_MNEMONIC_DIV: i->fn = div_; break;
    default: i->fn = idiv; break;
    }
    return true;
}

static bool select_imul(struct insn *i, struct decoded *d)
{
    if (d->z.operand_count_visible == 1) {
        if (!decode_rm_operand(i, &d->ops[0]))
            return false;
        i->fn = imul1;
        return true;
    }
    int r = decode_gpr(d->ops[0].reg.value);
    if (r < 0 || !decode_rm_operand(i, &d->ops[1]))
        return false;
    i->reg = (uint8_t)r;
    if (d->z.operand_count_visible == 3) {
        const ZydisDecodedOperand *imm = &d->ops[2];
        /* 6B's imm8 is sign-extended to the operand size (Zydis reports it signed). */
        i->imm = (uint32_t)(imm->imm.is_signed ? (uint64_t)imm->imm.value.s : imm->imm.value.u) &
                 size_mask(i->osize);
        i->fn = i->osize == 4 ? imul3_r32 : imul3;
    } else {
        i->fn = i->osize == 4 ? imul2_r32 : imul2;
    }
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_MUL, select_unary},
    {ZYDIS_MNEMONIC_IMUL, select_imul},
    {ZYDIS_MNEMONIC_DIV, select_unary},
    {ZYDIS_MNEMONIC_IDIV, select_unary},
};

SELECT_TABLE(ops_muldiv_table, entries);

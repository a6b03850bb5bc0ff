/* Two-operand arithmetic and logic (ADD OR ADC SBB AND SUB XOR CMP TEST) and the
 * one-operand INC DEC NEG NOT. Flags are recorded lazily (flags.h). */
#include "cpu/flags.h"
#include "cpu/ops.h"

enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP, ALU_TEST };

static inline uint32_t alu(struct cpu *cpu, int op, int size, uint32_t a, uint32_t b)
{
    uint32_t m = size_mask(size), r;
    switch (op) {
    case ALU_ADD:
        r = (a + b) & m;
        flags_lazy(cpu, LAZY_ADD, size, a, b, r);
        return r;
    case ALU_ADC:
        r = (a + b + flag_cf(cpu)) & m;
        flags_lazy(cpu, LAZY_ADD, size, a, b, r);
        return r;
    case ALU_SUB:
    case ALU_CMP:
        r = (a - b) & m;
        flags_lazy(cpu, LAZY_SUB, size, a, b, r);
        return r;
    case ALU_SBB:
        r = (a - b - flag_cf(cpu)) & m;
        flags_lazy(cpu, LAZY_SUB, size, a, b, r);
        return r;
    case ALU_OR: r = a | b; break;
    case ALU_XOR: r = a ^ b; break;
    default: r = a & b; break; /* AND, TEST */
    }
    flags_lazy(cpu, LAZY_LOGIC, size, a, b, r);
    return r;
}

static bool writes_back(int op)
{
    return op != ALU_CMP && op != ALU_TEST;
}

/* rm = rm op reg */
static void alu_rm_reg(struct cpu *cpu, const struct insn *i)
{
    uint32_t b = reg_read(cpu, i->reg, i->osize);
    if (i->flags & INSN_MEM) {
        uint32_t ea = insn_ea(cpu, i);
        uint32_t a = mem_read(cpu, i->seg, ea, i->osize);
        if (writes_back(i->cc)) {
            mem_probe_write(cpu, i->seg, ea, i->osize); /* fault before flags change */
            mem_write(cpu, i->seg, ea, alu(cpu, i->cc, i->osize, a, b), i->osize);
        } else {
            alu(cpu, i->cc, i->osize, a, b);
        }
    } else {
        uint32_t r = alu(cpu, i->cc, i->osize, reg_read(cpu, i->rm, i->osize), b);
        if (writes_back(i->cc))
            reg_write(cpu, i->rm, r, i->osize);
    }
}

/* reg = reg op rm */
static void alu_reg_rm(struct cpu *cpu, const struct insn *i)
{
    uint32_t r = alu(cpu, i->cc, i->osize, reg_read(cpu, i->reg, i->osize), rm_read(cpu, i));
    if (writes_back(i->cc))
        reg_write(cpu, i->reg, r, i->osize);
}

/* rm = rm op imm */
static void alu_rm_imm(struct cpu *cpu, const struct insn *i)
{
    if (i->flags & INSN_MEM) {
        uint32_t ea = insn_ea(cpu, i);
        uint32_t a = mem_read(cpu, i->seg, ea, i->osize);
        if (writes_back(i->cc)) {
            mem_probe_write(cpu, i->seg, ea, i->osize); /* fault before flags change */
            mem_write(cpu, i->seg, ea, alu(cpu, i->cc, i->osize, a, i->imm), i->osize);
        } else {
            alu(cpu, i->cc, i->osize, a, i->imm);
        }
    } else {
        uint32_t r = alu(cpu, i->cc, i->osize, reg_read(cpu, i->rm, i->osize), i->imm);
        if (writes_back(i->cc))
            reg_write(cpu, i->rm, r, i->osize);
    }
}

/* The common 32-bit register forms, without the size switches. */
static void add_r32_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], b = cpu->reg[i->reg], r = a + b;
    flags_lazy(cpu, LAZY_ADD, 4, a, b, r);
    cpu->reg[i->rm] = r;
}

static void sub_r32_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], b = cpu->reg[i->reg], r = a - b;
    flags_lazy(cpu, LAZY_SUB, 4, a, b, r);
    cpu->reg[i->rm] = r;
}

static void cmp_r32_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], b = cpu->reg[i->reg];
    flags_lazy(cpu, LAZY_SUB, 4, a, b, a - b);
}

static void add_r32_imm(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], r = a + i->imm;
    flags_lazy(cpu, LAZY_ADD, 4, a, i->imm, r);
    cpu->reg[i->rm] = r;
}

static void sub_r32_imm(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], r = a - i->imm;
    flags_lazy(cpu, LAZY_SUB, 4, a, i->imm, r);
    cpu->reg[i->rm] = r;
}

static void cmp_r32_imm(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm];
    flags_lazy(cpu, LAZY_SUB, 4, a, i->imm, a - i->imm);
}

static void logic_r32(struct cpu *cpu, const struct insn *i, uint32_t a, uint32_t b, uint32_t r,
                      bool store)
{
    flags_lazy(cpu, LAZY_LOGIC, 4, a, b, r);
    if (store)
        cpu->reg[i->rm] = r;
}

static void and_r32_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], b = cpu->reg[i->reg];
    logic_r32(cpu, i, a, b, a & b, true);
}

static void or_r32_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], b = cpu->reg[i->reg];
    logic_r32(cpu, i, a, b, a | b, true);
}

static void xor_r32_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], b = cpu->reg[i->reg];
    logic_r32(cpu, i, a, b, a ^ b, true);
}

static void test_r32_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], b = cpu->reg[i->reg];
    logic_r32(cpu, i, a, b, a & b, false);
}

static void and_r32_imm(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm];
    logic_r32(cpu, i, a, i->imm, a & i->imm, true);
}

/* 32-bit forms with a memory operand. A read-modify-write whose page the TLB
 * allows both ways works on the host bytes directly. */
static void alu_r32_m32(struct cpu *cpu, const struct insn *i)
{
    uint32_t b = mem_read(cpu, i->seg, insn_ea(cpu, i), 4);
    uint32_t r = alu(cpu, i->cc, 4, cpu->reg[i->reg], b);
    if (writes_back(i->cc))
        cpu->reg[i->reg] = r;
}

static void alu_m32(struct cpu *cpu, const struct insn *i, uint32_t b)
{
    uint32_t ea = insn_ea(cpu, i);
    if (!writes_back(i->cc)) {
        alu(cpu, i->cc, 4, mem_read(cpu, i->seg, ea, 4), b);
        return;
    }
    uintptr_t host = mem_rmw_host(cpu, i->seg, ea, 4);
    if (host) {
        store_host(host, alu(cpu, i->cc, 4, load_host(host, 4), b), 4);
        return;
    }
    uint32_t a = mem_read(cpu, i->seg, ea, 4);
    mem_probe_write(cpu, i->seg, ea, 4); /* fault before flags change */
    mem_write(cpu, i->seg, ea, alu(cpu, i->cc, 4, a, b), 4);
}

static void alu_m32_r32(struct cpu *cpu, const struct insn *i)
{
    alu_m32(cpu, i, cpu->reg[i->reg]);
}

static void alu_m32_imm(struct cpu *cpu, const struct insn *i)
{
    alu_m32(cpu, i, i->imm);
}

/* The specialised 32-bit register forms, by enum alu_op (NULL: use the generic one). */
static const insn_fn r32_r32_forms[] = {
    [ALU_ADD] = add_r32_r32,   [ALU_OR] = or_r32_r32,   [ALU_AND] = and_r32_r32,
    [ALU_SUB] = sub_r32_r32,   [ALU_XOR] = xor_r32_r32, [ALU_CMP] = cmp_r32_r32,
    [ALU_TEST] = test_r32_r32,
};

static const insn_fn r32_imm_forms[] = {
    [ALU_ADD] = add_r32_imm, [ALU_AND] = and_r32_imm, [ALU_SUB] = sub_r32_imm,
    [ALU_CMP] = cmp_r32_imm, [ALU_TEST] = NULL,
};

static void dec_r32(struct cpu *cpu, const struct insn *i);

enum compare_form alu_compare_form(const struct insn *i)
{
    if (i->fn == dec_r32)
        return DEC_R32;
    return i->fn == cmp_r32_r32    ? CMP_R32_R32
           : i->fn == cmp_r32_imm  ? CMP_R32_IMM
           : i->fn == test_r32_r32 ? TEST_R32_R32
                                   : CMP_NONE;
}

static int alu_op_of(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_ADD: return ALU_ADD;
    case ZYDIS_MNEMONIC_OR: return ALU_OR;
    case ZYDIS_MNEMONIC_ADC: return ALU_ADC;
    case ZYDIS_MNEMONIC_SBB: return ALU_SBB;
    case ZYDIS_MNEMONIC_AND: return ALU_AND;
    case ZYDIS_MNEMONIC_SUB: return ALU_SUB;
    case ZYDIS_MNEMONIC_XOR: return ALU_XOR;
    case ZYDIS_MNEMONIC_CMP: return ALU_CMP;
    default: return ALU_TEST;
    }
}

static bool select_alu(struct insn *i, struct decoded *d)
{
    const ZydisDecodedOperand *dst = &d->ops[0], *src = &d->ops[1];
    int op = alu_op_of(d->z.mnemonic);
    i->cc = (uint8_t)op;
    bool reg32 = i->osize == 4 && dst->type == ZYDIS_OPERAND_TYPE_REGISTER;
    if (src->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
        if (!decode_rm_operand(i, dst))
            return false;
        i->imm = decode_imm(src) & size_mask(i->osize);
        i->fn = reg32 && r32_imm_forms[op] ? r32_imm_forms[op] : alu_rm_imm;
        if (i->osize == 4 && (i->flags & INSN_MEM))
            i->fn = alu_m32_imm;
        return true;
    }
    if (src->type == ZYDIS_OPERAND_TYPE_REGISTER) {
        int r = decode_gpr(src->reg.value);
        if (r < 0 || !decode_rm_operand(i, dst))
            return false;
        i->reg = (uint8_t)r;
        i->fn =
            reg32 && op < (int)(sizeof r32_r32_forms / sizeof r32_r32_forms[0]) && r32_r32_forms[op]
                ? r32_r32_forms[op]
                : alu_rm_reg;
        if (i->osize == 4 && (i->flags & INSN_MEM))
            i->fn = alu_m32_r32;
        return true;
    }
    int r = decode_gpr(dst->reg.value);
    if (r < 0 || !decode_rm_operand(i, src))
        return false;
    i->reg = (uint8_t)r;
    i->fn = i->osize == 4 && (i->flags & INSN_MEM) ? alu_r32_m32 : alu_reg_rm;
    return true;
}

/* INC/DEC keep CF: fold the pending flags first so CF is in eflags. */
static void inc(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = rm_read(cpu, i), r = (a + 1) & size_mask(i->osize);
    if (i->flags & INSN_MEM)
        mem_probe_write(cpu, i->seg, insn_ea(cpu, i), i->osize);
    cpu->eflags = (cpu->eflags & ~FLAG_CF) | flags_cf(cpu);
    flags_lazy(cpu, LAZY_INC, i->osize, a, 1, r);
    rm_write(cpu, i, r);
}

static void dec(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = rm_read(cpu, i), r = (a - 1) & size_mask(i->osize);
    if (i->flags & INSN_MEM)
        mem_probe_write(cpu, i->seg, insn_ea(cpu, i), i->osize);
    cpu->eflags = (cpu->eflags & ~FLAG_CF) | flags_cf(cpu);
    flags_lazy(cpu, LAZY_DEC, i->osize, a, 1, r);
    rm_write(cpu, i, r);
}

static void inc_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm];
    cpu->eflags = (cpu->eflags & ~FLAG_CF) | flags_cf(cpu);
    flags_lazy(cpu, LAZY_INC, 4, a, 1, a + 1);
    cpu->reg[i->rm] = a + 1;
}

static void dec_r32(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm];
    cpu->eflags = (cpu->eflags & ~FLAG_CF) | flags_cf(cpu);
    flags_lazy(cpu, LAZY_DEC, 4, a, 1, a - 1);
    cpu->reg[i->rm] = a - 1;
}

static void neg(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = rm_read(cpu, i), r = (0 - a) & size_mask(i->osize);
    if (i->flags & INSN_MEM)
        mem_probe_write(cpu, i->seg, insn_ea(cpu, i), i->osize);
    flags_lazy(cpu, LAZY_SUB, i->osize, 0, a, r);
    rm_write(cpu, i, r);
}

static void not(struct cpu * cpu, const struct insn *i)
{
    rm_write(cpu, i, ~rm_read(cpu, i) & size_mask(i->osize));
}

static bool select_unary(struct insn *i, struct decoded *d)
{
    if (!decode_rm_operand(i, &d->ops[0]))
        return false;
    bool reg32 = i->osize == 4 && !(i->flags & INSN_MEM);
    switch (d->z.mnemonic) {
    case ZYDIS_MNEMONIC_INC: i->fn = reg32 ? inc_r32 : inc; break;
    case ZYDIS_MNEMONIC_DEC: i->fn = reg32 ? dec_r32 : dec; break;
    case ZYDIS_MNEMONIC_NEG: i->fn = neg; break;
    default: i->fn = not ; break;
    }
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_ADD, select_alu},   {ZYDIS_MNEMONIC_OR, select_alu},
    {ZYDIS_MNEMONIC_ADC, select_alu},   {ZYDIS_MNEMONIC_SBB, select_alu},
    {ZYDIS_MNEMONIC_AND, select_alu},   {ZYDIS_MNEMONIC_SUB, select_alu},
    {ZYDIS_MNEMONIC_XOR, select_alu},   {ZYDIS_MNEMONIC_CMP, select_alu},
    {ZYDIS_MNEMONIC_TEST, select_alu},  {ZYDIS_MNEMONIC_INC, select_unary},
    {ZYDIS_MNEMONIC_DEC, select_unary}, {ZYDIS_MNEMONIC_NEG, select_unary},
    {ZYDIS_MNEMONIC_NOT, select_unary},
};

SELECT_TABLE(ops_alu_table, entries);

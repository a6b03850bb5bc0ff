/* Data movement: MOV, MOVZX, MOVSX, LEA, XCHG, LDS/LES/LFS/LGS/LSS, XLAT,
 * CBW/CWDE/CWD/CDQ. */
#include "cpu/flags.h"
#include "cpu/ops.h"
#include "cpu/segment.h"

static void mov_rm_reg(struct cpu *cpu, const struct insn *i)
{
    rm_write(cpu, i, reg_read(cpu, i->reg, i->osize));
}

/* The commonest loads and stores, without the operand-size switches. */
static void mov_r32_m32(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = mem_read(cpu, i->seg, insn_ea(cpu, i), 4);
}

static void mov_m32_r32(struct cpu *cpu, const struct insn *i)
{
    mem_write(cpu, i->seg, insn_ea(cpu, i), cpu->reg[i->reg], 4);
}

/* The same with a 32-bit address (no 64 KiB wrap to apply). */
static uint32_t ea32(const struct cpu *cpu, const struct insn *i)
{
    return cpu->reg[i->base] + (cpu->reg[i->index] << i->scale) + i->disp;
}

static void mov_r32_m32_a32(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = mem_read(cpu, i->seg, ea32(cpu, i), 4);
}

static void mov_m32_r32_a32(struct cpu *cpu, const struct insn *i)
{
    mem_write(cpu, i->seg, ea32(cpu, i), cpu->reg[i->reg], 4);
}

static void mov_r8_m8(struct cpu *cpu, const struct insn *i)
{
    reg_write(cpu, i->reg, mem_read(cpu, i->seg, insn_ea(cpu, i), 1), 1);
}

static void mov_m8_r8(struct cpu *cpu, const struct insn *i)
{
    mem_write(cpu, i->seg, insn_ea(cpu, i), reg_read(cpu, i->reg, 1), 1);
}

static void mov_reg_rm(struct cpu *cpu, const struct insn *i)
{
    reg_write(cpu, i->reg, rm_read(cpu, i), i->osize);
}

static void mov_rm_imm(struct cpu *cpu, const struct insn *i)
{
    rm_write(cpu, i, i->imm);
}

static void mov_reg32_reg32(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->rm] = cpu->reg[i->reg];
}

static void mov_reg32_imm(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->rm] = i->imm;
}

static void mov_sreg_rm(struct cpu *cpu, const struct insn *i)
{
    uint16_t sel = (uint16_t)rm_read_size(cpu, i, 2);
    load_segment(cpu, i->reg, sel);
    if (i->reg == SEG_SS)
        cpu->inhibit_irq = true; /* MOV SS shadows the next instruction (SDM Vol. 3, 6.8.3) */
}

static void mov_rm_sreg(struct cpu *cpu, const struct insn *i)
{
    uint16_t sel = cpu->seg[i->reg].sel;
    if (i->flags & INSN_MEM)
        mem_write(cpu, i->seg, insn_ea(cpu, i), sel, 2);
    else
        reg_write(cpu, i->rm, sel, i->osize); /* P6 zero-extends into a 32-bit register */
}

static bool select_mov(struct insn *i, struct decoded *d)
{
    const ZydisDecodedOperand *dst = &d->ops[0], *src = &d->ops[1];
    int sdst = dst->type == ZYDIS_OPERAND_TYPE_REGISTER ? decode_sreg(dst->reg.value) : -1;
    int ssrc = src->type == ZYDIS_OPERAND_TYPE_REGISTER ? decode_sreg(src->reg.value) : -1;
    if (sdst >= 0) {
        if (sdst == SEG_CS || !decode_rm_operand(i, src))
            return false; /* MOV CS is #UD on everything after the 8086 */
        i->reg = (uint8_t)sdst;
        i->fn = mov_sreg_rm;
        d->ends_block = true;
        return true;
    }
    if (ssrc >= 0) {
        if (!decode_rm_operand(i, dst))
            return false;
        i->reg = (uint8_t)ssrc;
        i->fn = mov_rm_sreg;
        return true;
    }
    if ((dst->type == ZYDIS_OPERAND_TYPE_REGISTER && decode_gpr(dst->reg.value) < 0) ||
        (src->type == ZYDIS_OPERAND_TYPE_REGISTER && decode_gpr(src->reg.value) < 0))
        return select_mov_crdr(i, d); /* control/debug registers: ops_system */
    if (src->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
        if (!decode_rm_operand(i, dst))
            return false;
        i->imm = decode_imm(src) & size_mask(i->osize);
        i->fn = (i->osize == 4 && !(i->flags & INSN_MEM)) ? mov_reg32_imm : mov_rm_imm;
        return true;
    }
    if (src->type == ZYDIS_OPERAND_TYPE_REGISTER) {
        int r = decode_gpr(src->reg.value);
        if (r < 0 || !decode_rm_operand(i, dst))
            return false;
        i->reg = (uint8_t)r;
        if (i->osize == 4)
            i->fn = !(i->flags & INSN_MEM)     ? mov_reg32_reg32
                    : (i->flags & INSN_ADDR32) ? mov_m32_r32_a32
                                               : mov_m32_r32;
        else
            i->fn = i->osize == 1 && (i->flags & INSN_MEM) ? mov_m8_r8 : mov_rm_reg;
        return true;
    }
    int r = decode_gpr(dst->reg.value);
    if (r < 0 || !decode_rm_operand(i, src))
        return false;
    i->reg = (uint8_t)r;
    i->fn = !(i->flags & INSN_MEM) ? mov_reg_rm
            : i->osize == 4        ? ((i->flags & INSN_ADDR32) ? mov_r32_m32_a32 : mov_r32_m32)
            : i->osize == 1        ? mov_r8_m8
                                   : mov_reg_rm;
    return true;
}

/* MOVZX/MOVSX: i->cc holds the source size in bytes. */
static void movzx_r32_m8(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = mem_read(cpu, i->seg, insn_ea(cpu, i), 1);
}

static void movzx_r32_m16(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = mem_read(cpu, i->seg, insn_ea(cpu, i), 2);
}

static void movsx_r32_m8(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = (uint32_t)(int32_t)(int8_t)mem_read(cpu, i->seg, insn_ea(cpu, i), 1);
}

static void movsx_r32_m16(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = (uint32_t)(int32_t)(int16_t)mem_read(cpu, i->seg, insn_ea(cpu, i), 2);
}

static void movzx_r32_r8(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = reg_read(cpu, i->rm, 1);
}

static void movzx(struct cpu *cpu, const struct insn *i)
{
    reg_write(cpu, i->reg, rm_read_size(cpu, i, i->cc), i->osize);
}

static void movsx(struct cpu *cpu, const struct insn *i)
{
    uint32_t v = rm_read_size(cpu, i, i->cc);
    v = i->cc == 1 ? (uint32_t)(int32_t)(int8_t)v : (uint32_t)(int32_t)(int16_t)v;
    reg_write(cpu, i->reg, v, i->osize);
}

static bool select_movx(struct insn *i, struct decoded *d)
{
    int r = decode_gpr(d->ops[0].reg.value);
    if (r < 0 || !decode_rm_operand(i, &d->ops[1]))
        return false;
    i->reg = (uint8_t)r;
    i->cc = (uint8_t)(d->ops[1].size / 8);
    i->fn = d->z.mnemonic == ZYDIS_MNEMONIC_MOVZX ? movzx : movsx;
    if (i->osize == 4 && (i->flags & INSN_MEM)) {
        if (i->fn == movzx)
            i->fn = i->cc == 1 ? movzx_r32_m8 : movzx_r32_m16;
        else
            i->fn = i->cc == 1 ? movsx_r32_m8 : movsx_r32_m16;
    } else if (i->osize == 4 && i->fn == movzx && i->cc == 1) {
        i->fn = movzx_r32_r8;
    }
    return true;
}

static void lea(struct cpu *cpu, const struct insn *i)
{
    reg_write(cpu, i->reg, insn_ea(cpu, i), i->osize);
}

static void lea32(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = cpu->reg[i->base] + (cpu->reg[i->index] << i->scale) + i->disp;
}

static bool select_lea(struct insn *i, struct decoded *d)
{
    int r = decode_gpr(d->ops[0].reg.value);
    if (r < 0 || d->ops[1].type != ZYDIS_OPERAND_TYPE_MEMORY)
        return false;
    decode_mem_operand(i, &d->ops[1]);
    i->reg = (uint8_t)r;
    i->fn = i->osize == 4 && (i->flags & INSN_ADDR32) ? lea32 : lea;
    return true;
}

static void xchg(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = rm_read(cpu, i);
    uint32_t b = reg_read(cpu, i->reg, i->osize);
    rm_write(cpu, i, b);
    reg_write(cpu, i->reg, a, i->osize);
}

static bool select_xchg(struct insn *i, struct decoded *d)
{
    /* Either operand order; the register one becomes reg. */
    const ZydisDecodedOperand *a = &d->ops[0], *b = &d->ops[1];
    if (b->type == ZYDIS_OPERAND_TYPE_MEMORY) {
        const ZydisDecodedOperand *t = a;
        a = b;
        b = t;
    }
    int r = decode_gpr(b->reg.value);
    if (r < 0 || !decode_rm_operand(i, a))
        return false;
    i->reg = (uint8_t)r;
    i->fn = xchg;
    return true;
}

/* LDS/LES/LFS/LGS/LSS: offset then selector from memory; cc = segment. */
static void load_far_pointer(struct cpu *cpu, const struct insn *i)
{
    uint32_t ea = insn_ea(cpu, i);
    uint32_t off = mem_read(cpu, i->seg, ea, i->osize);
    uint32_t sel_ea = (ea + i->osize) & ((i->flags & INSN_ADDR32) ? 0xffffffffu : 0xffffu);
    uint16_t sel = (uint16_t)mem_read(cpu, i->seg, sel_ea, 2);
    load_segment(cpu, i->cc, sel);
    reg_write(cpu, i->reg, off, i->osize);
    if (i->cc == SEG_SS)
        cpu->inhibit_irq = true;
}

static bool select_lxs(struct insn *i, struct decoded *d)
{
    int r = decode_gpr(d->ops[0].reg.value);
    if (r < 0 || d->ops[1].type != ZYDIS_OPERAND_TYPE_MEMORY)
        return false;
    decode_mem_operand(i, &d->ops[1]);
    i->reg = (uint8_t)r;
    switch (d->z.mnemonic) {
    case ZYDIS_MNEMONIC_LDS: i->cc = SEG_DS; break;
    case ZYDIS_MNEMONIC_LES: i->cc = SEG_ES; break;
    case ZYDIS_MNEMONIC_LFS: i->cc = SEG_FS; break;
    case ZYDIS_MNEMONIC_LGS: i->cc = SEG_GS; break;
    default: i->cc = SEG_SS; break;
    }
    i->fn = load_far_pointer;
    d->ends_block = true;
    return true;
}

static void xlat(struct cpu *cpu, const struct insn *i)
{
    uint32_t ea = cpu->reg[REG_EBX] + (cpu->reg[REG_EAX] & 0xff);
    if (!(i->flags & INSN_ADDR32))
        ea &= 0xffff;
    reg_write(cpu, REG_EAX, mem_read(cpu, i->seg, ea, 1), 1);
}

static bool select_xlat(struct insn *i, struct decoded *d)
{
    /* decode.c skips ES-based memory operands when it looks for an override (they
     * are string destinations), but XLAT's ES: prefix is a real override. */
    for (int k = 0; k < d->z.operand_count; k++)
        if (d->ops[k].type == ZYDIS_OPERAND_TYPE_MEMORY) {
            int s = decode_sreg(d->ops[k].mem.segment);
            if (s >= 0)
                i->seg = (uint8_t)s;
        }
    i->fn = xlat;
    return true;
}

/* CBW/CWDE sign-extend within EAX; CWD/CDQ into EDX. */
static void cbw(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[REG_EAX];
    if (i->osize == 2)
        reg_write(cpu, REG_EAX, (uint32_t)(int32_t)(int8_t)a, 2);
    else
        cpu->reg[REG_EAX] = (uint32_t)(int32_t)(int16_t)a;
}

static void cwd(struct cpu *cpu, const struct insn *i)
{
    uint32_t sign = reg_read(cpu, REG_EAX, i->osize) & sign_bit(i->osize);
    reg_write(cpu, REG_EDX, sign ? 0xffffffffu : 0, i->osize);
}

static bool select_cbw(struct insn *i, struct decoded *d)
{
    i->osize = d->z.mnemonic == ZYDIS_MNEMONIC_CBW ? 2 : 4;
    i->fn = cbw;
    return true;
}

static bool select_cwd(struct insn *i, struct decoded *d)
{
    i->osize = d->z.mnemonic == ZYDIS_MNEMONIC_CWD ? 2 : 4;
    i->fn = cwd;
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_MOV, select_mov},    {ZYDIS_MNEMONIC_MOVZX, select_movx},
    {ZYDIS_MNEMONIC_MOVSX, select_movx}, {ZYDIS_MNEMONIC_LEA, select_lea},
    {ZYDIS_MNEMONIC_XCHG, select_xchg},  {ZYDIS_MNEMONIC_LDS, select_lxs},
    {ZYDIS_MNEMONIC_LES, select_lxs},    {ZYDIS_MNEMONIC_LFS, select_lxs},
    {ZYDIS_MNEMONIC_LGS, select_lxs},    {ZYDIS_MNEMONIC_LSS, select_lxs},
    {ZYDIS_MNEMONIC_XLAT, select_xlat},  {ZYDIS_MNEMONIC_CBW, select_cbw},
    {ZYDIS_MNEMONIC_CWDE, select_cbw},   {ZYDIS_MNEMONIC_CWD, select_cwd},
    {ZYDIS_MNEMONIC_CDQ, select_cwd},
};

SELECT_TABLE(ops_mov_table, entries);

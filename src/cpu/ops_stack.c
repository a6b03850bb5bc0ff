/* Stack instructions: PUSH, POP, PUSHA/PUSHAD, POPA/POPAD, PUSHF/POPF, ENTER, LEAVE. */
#include "cpu/flags.h"
#include "cpu/ops.h"
#include "cpu/segment.h"
#include "cpu/vme.h"

static void push_rm(struct cpu *cpu, const struct insn *i)
{
    push(cpu, i, rm_read(cpu, i), i->osize);
}

static void push_reg32(struct cpu *cpu, const struct insn *i)
{
    push(cpu, i, cpu->reg[i->rm], 4);
}

static void push_imm(struct cpu *cpu, const struct insn *i)
{
    push(cpu, i, i->imm, i->osize);
}

/* PUSH Sreg with a 32-bit operand: P6 moves ESP by 4 but writes only the low 16
 * bits (Intel SDM Vol. 2, PUSH). */
static void push_sreg(struct cpu *cpu, const struct insn *i)
{
    uint32_t sp = (stack_ptr(cpu, i) - i->osize) & stack_mask(i);
    mem_write(cpu, SEG_SS, sp, cpu->seg[i->reg].sel, 2);
    stack_ptr_set(cpu, i, sp);
}

static void pop_reg32(struct cpu *cpu, const struct insn *i)
{
    uint32_t v = pop(cpu, i, 4);
    cpu->reg[i->rm] = v;
}

/* POP r/m: a memory destination's address is computed with ESP already
 * incremented (Intel SDM Vol. 2, POP), and ESP stays unchanged if the write faults. */
static void pop_rm(struct cpu *cpu, const struct insn *i)
{
    uint32_t sp = stack_ptr(cpu, i);
    uint32_t v = mem_read(cpu, SEG_SS, sp, i->osize);
    if (!(i->flags & INSN_MEM)) {
        stack_ptr_set(cpu, i, sp + i->osize);
        reg_write(cpu, i->rm, v, i->osize);
        return;
    }
    uint32_t saved = cpu->reg[REG_ESP];
    stack_ptr_set(cpu, i, sp + i->osize);
    uint32_t ea = insn_ea(cpu, i);
    cpu->reg[REG_ESP] = saved;
    mem_probe_write(cpu, i->seg, ea, i->osize);
    stack_ptr_set(cpu, i, sp + i->osize);
    mem_write(cpu, i->seg, ea, v, i->osize);
}

static void pop_sreg(struct cpu *cpu, const struct insn *i)
{
    uint32_t sp = stack_ptr(cpu, i);
    uint16_t sel = (uint16_t)mem_read(cpu, SEG_SS, sp, 2);
    load_segment(cpu, i->reg, sel);
    stack_ptr_set(cpu, i, sp + i->osize);
    if (i->reg == SEG_SS)
        cpu->inhibit_irq = true;
}

static bool select_push_pop(struct insn *i, struct decoded *d)
{
    const ZydisDecodedOperand *op = &d->ops[0];
    bool is_push = d->z.mnemonic == ZYDIS_MNEMONIC_PUSH;
    if (op->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
        i->imm = decode_imm(op) & size_mask(i->osize);
        i->fn = push_imm;
        return true;
    }
    if (op->type == ZYDIS_OPERAND_TYPE_REGISTER) {
        int s = decode_sreg(op->reg.value);
        if (s >= 0) {
            if (!is_push && s == SEG_CS)
                return false;
            i->reg = (uint8_t)s;
            i->fn = is_push ? push_sreg : pop_sreg;
            if (!is_push)
                d->ends_block = true;
            return true;
        }
    }
    if (!decode_rm_operand(i, op))
        return false;
    if (i->osize == 4 && !(i->flags & INSN_MEM))
        i->fn = is_push ? push_reg32 : pop_reg32;
    else
        i->fn = is_push ? push_rm : pop_rm;
    return true;
}

static void pusha(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    uint32_t sp = stack_ptr(cpu, i), m = stack_mask(i);
    /* Check the lowest and highest slots first: nothing is written if either faults. */
    mem_probe_write(cpu, SEG_SS, (sp - (uint32_t)size) & m, size);
    mem_probe_write(cpu, SEG_SS, (sp - 8 * (uint32_t)size) & m, size);
    uint32_t old_sp = cpu->reg[REG_ESP];
    for (int r = REG_EAX; r <= REG_EDI; r++) {
        sp = (sp - (uint32_t)size) & m;
        uint32_t v = r == REG_ESP ? old_sp : cpu->reg[r];
        mem_write(cpu, SEG_SS, sp, v, size);
    }
    stack_ptr_set(cpu, i, sp);
}

static void popa(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    uint32_t sp = stack_ptr(cpu, i), m = stack_mask(i);
    uint32_t v[8];
    for (int k = 0; k < 8; k++)
        v[k] = mem_read(cpu, SEG_SS, (sp + (uint32_t)(k * size)) & m, size);
    for (int k = 0; k < 8; k++) {
        int r = REG_EDI - k;
        if (r != REG_ESP)
            reg_write(cpu, r, v[k], size);
    }
    stack_ptr_set(cpu, i, sp + 8 * (uint32_t)size);
}

static bool select_pusha(struct insn *i, struct decoded *d)
{
    ZydisMnemonic m = d->z.mnemonic;
    i->osize = (m == ZYDIS_MNEMONIC_PUSHAD || m == ZYDIS_MNEMONIC_POPAD) ? 4 : 2;
    i->fn = (m == ZYDIS_MNEMONIC_PUSHA || m == ZYDIS_MNEMONIC_PUSHAD) ? pusha : popa;
    return true;
}

static void pushf(struct cpu *cpu, const struct insn *i)
{
    if (vme_v86(cpu)) {
        vme_pushf(cpu, i);
        return;
    }
    if ((cpu->eflags & FLAG_VM) && ((cpu->eflags & FLAG_IOPL) >> 12) < 3)
        cpu_raise(cpu, EXC_GP, 0); /* V86 without IOPL 3 (VME: system work) */
    /* VM and RF read as 0 in the pushed image (Intel SDM Vol. 2, PUSHF). */
    push(cpu, i, flags_get(cpu) & ~(FLAG_VM | FLAG_RF), i->osize);
}

static void popf(struct cpu *cpu, const struct insn *i)
{
    if (vme_v86(cpu)) {
        vme_popf(cpu, i);
        return;
    }
    uint32_t iopl = (cpu->eflags & FLAG_IOPL) >> 12;
    if ((cpu->eflags & FLAG_VM) && iopl < 3)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t v = stack_peek(cpu, i, 0, i->osize);
    /* What POPF may change (Intel SDM Vol. 2, POPF): IOPL only at CPL 0, IF only
     * when CPL <= IOPL; VM, RF, VIP, VIF never. */
    uint32_t mask = FLAGS_ARITH | FLAG_TF | FLAG_DF | FLAG_NT | FLAG_AC | FLAG_ID;
    bool v86 = cpu->eflags & FLAG_VM;
    if (cpu->cpl == 0 && !v86)
        mask |= FLAG_IOPL;
    if (cpu->cpl <= iopl || v86)
        mask |= FLAG_IF;
    if (i->osize == 2)
        mask &= 0xffff;
    uint32_t f = flags_get(cpu);
    cpu_set_eflags(cpu, (f & ~mask) | (v & mask));
    stack_ptr_set(cpu, i, stack_ptr(cpu, i) + i->osize);
}

static bool select_pushf(struct insn *i, struct decoded *d)
{
    ZydisMnemonic m = d->z.mnemonic;
    i->osize = (m == ZYDIS_MNEMONIC_PUSHFD || m == ZYDIS_MNEMONIC_POPFD) ? 4 : 2;
    if (m == ZYDIS_MNEMONIC_PUSHF || m == ZYDIS_MNEMONIC_PUSHFD) {
        i->fn = pushf;
    } else {
        i->fn = popf;
        d->ends_block = true; /* IF and TF may change */
    }
    return true;
}

/* ENTER size, level (Intel SDM Vol. 2, ENTER): level is taken modulo 32. */
static void enter(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    uint32_t level = i->imm2 & 31;
    uint32_t m = stack_mask(i);
    uint32_t sp = stack_ptr(cpu, i);
    uint32_t bp = (i->flags & INSN_STACK32) ? cpu->reg[REG_EBP] : cpu->reg[REG_EBP] & 0xffff;
    /* Check the whole frame's pushes before anything is written. */
    mem_probe_write(cpu, SEG_SS, (sp - (uint32_t)size) & m, size);
    mem_probe_write(cpu, SEG_SS, (sp - (level + 1) * (uint32_t)size) & m, size);
    sp = (sp - (uint32_t)size) & m;
    mem_write(cpu, SEG_SS, sp, cpu->reg[REG_EBP], size);
    uint32_t frame = sp;
    for (uint32_t k = 1; k < level; k++) {
        bp = (bp - (uint32_t)size) & m;
        uint32_t v = mem_read(cpu, SEG_SS, bp, size);
        sp = (sp - (uint32_t)size) & m;
        mem_write(cpu, SEG_SS, sp, v, size);
    }
    if (level > 0) {
        sp = (sp - (uint32_t)size) & m;
        mem_write(cpu, SEG_SS, sp, frame, size);
    }
    sp = (sp - i->imm) & m;
    /* The final stack pointer must be writable too (#SS otherwise). */
    if (i->imm)
        mem_probe_write(cpu, SEG_SS, sp, 1);
    reg_write(cpu, REG_EBP, frame, size);
    stack_ptr_set(cpu, i, sp);
}

static bool select_enter(struct insn *i, struct decoded *d)
{
    i->imm = (uint32_t)d->ops[0].imm.value.u & 0xffff;
    i->imm2 = (uint32_t)d->ops[1].imm.value.u & 0xff;
    i->fn = enter;
    return true;
}

static void leave(struct cpu *cpu, const struct insn *i)
{
    uint32_t bp = (i->flags & INSN_STACK32) ? cpu->reg[REG_EBP] : cpu->reg[REG_EBP] & 0xffff;
    uint32_t v = mem_read(cpu, SEG_SS, bp, i->osize);
    stack_ptr_set(cpu, i, bp + i->osize);
    reg_write(cpu, REG_EBP, v, i->osize);
}

static bool select_leave(struct insn *i, struct decoded *d)
{
    i->fn = leave;
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_PUSH, select_push_pop}, {ZYDIS_MNEMONIC_POP, select_push_pop},
    {ZYDIS_MNEMONIC_PUSHA, select_pusha},   {ZYDIS_MNEMONIC_PUSHAD, select_pusha},
    {ZYDIS_MNEMONIC_POPA, select_pusha},    {ZYDIS_MNEMONIC_POPAD, select_pusha},
    {ZYDIS_MNEMONIC_PUSHF, select_pushf},   {ZYDIS_MNEMONIC_PUSHFD, select_pushf},
    {ZYDIS_MNEMONIC_POPF, select_pushf},    {ZYDIS_MNEMONIC_POPFD, select_pushf},
    {ZYDIS_MNEMONIC_ENTER, select_enter},   {ZYDIS_MNEMONIC_LEAVE, select_leave},
};

SELECT_TABLE(ops_stack_table, entries);

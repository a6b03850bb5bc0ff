/* Control transfers: JMP, Jcc, CALL, RET, LOOP/LOOPcc, JCXZ, INT n/INT3/INTO/INT1,
 * IRET, and BOUND (a check that transfers control only by faulting). Far transfers here are the
 * real-mode ones; protected-mode gates and task switches come with the system-architecture work. */
#include "cpu/flags.h"
#include "cpu/ops.h"
#include "cpu/protected.h"
#include "cpu/segment.h"
#include "cpu/vme.h"

void branch_to(struct cpu *cpu, const struct insn *i, uint32_t target)
{
    if (i->osize == 2)
        target &= 0xffff;
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->eip = target;
}

static uint32_t next_eip(const struct cpu *cpu, const struct insn *i)
{
    uint32_t e = insn_next_eip(cpu, i);
    return (cpu->seg[SEG_CS].attr & SEG_ATTR_DB) ? e : e & 0xffff;
}

static void jmp_rel(struct cpu *cpu, const struct insn *i)
{
    branch_to(cpu, i, next_eip(cpu, i) + i->imm);
}

static void jcc(struct cpu *cpu, const struct insn *i)
{
    if (cond_true(cpu, i->cc))
        branch_to(cpu, i, next_eip(cpu, i) + i->imm);
    else
        cpu->eip = next_eip(cpu, i);
}

/* JZ/JNZ, the commonest branches: ZF straight from the lazy result. */
static bool zero_flag(const struct cpu *cpu)
{
    if (cpu->lazy.op != LAZY_NONE)
        return (cpu->lazy.res & size_mask(cpu->lazy.size)) == 0;
    return cpu->eflags & FLAG_ZF;
}

static void jz(struct cpu *cpu, const struct insn *i)
{
    uint32_t next = next_eip(cpu, i);
    if (zero_flag(cpu))
        branch_to(cpu, i, next + i->imm);
    else
        cpu->eip = next;
}

static void jnz(struct cpu *cpu, const struct insn *i)
{
    uint32_t next = next_eip(cpu, i);
    if (!zero_flag(cpu))
        branch_to(cpu, i, next + i->imm);
    else
        cpu->eip = next;
}

/* The forms for 32-bit code with 32-bit operands (and for CALL/RET a 32-bit
 * stack), chosen at decode time from the block's mode: no 16-bit wrap to apply. */
static void jmp32(struct cpu *cpu, const struct insn *i)
{
    uint32_t target = insn_next_eip(cpu, i) + i->imm;
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->eip = target;
}

static void jcc32(struct cpu *cpu, const struct insn *i)
{
    if (cond_true(cpu, i->cc))
        jmp32(cpu, i);
    else
        cpu->eip = insn_next_eip(cpu, i);
}

static void jz32(struct cpu *cpu, const struct insn *i)
{
    if (zero_flag(cpu))
        jmp32(cpu, i);
    else
        cpu->eip = insn_next_eip(cpu, i);
}

static void jnz32(struct cpu *cpu, const struct insn *i)
{
    if (!zero_flag(cpu))
        jmp32(cpu, i);
    else
        cpu->eip = insn_next_eip(cpu, i);
}

/* The compare conditions, one handler per pair (i->cc & 1 negates). */
static void jcc32_if(struct cpu *cpu, const struct insn *i, bool taken)
{
    if (taken)
        jmp32(cpu, i);
    else
        cpu->eip = insn_next_eip(cpu, i);
}

static void jb32(struct cpu *cpu, const struct insn *i)
{
    jcc32_if(cpu, i, cond_compare(cpu, 2 | (i->cc & 1)));
}

static void jbe32(struct cpu *cpu, const struct insn *i)
{
    jcc32_if(cpu, i, cond_compare(cpu, 6 | (i->cc & 1)));
}

static void jl32(struct cpu *cpu, const struct insn *i)
{
    jcc32_if(cpu, i, cond_compare(cpu, 12 | (i->cc & 1)));
}

static void jle32(struct cpu *cpu, const struct insn *i)
{
    jcc32_if(cpu, i, cond_compare(cpu, 14 | (i->cc & 1)));
}

/* By cc >> 1: O B Z BE S P L LE. */
static const insn_fn jcc32_forms[8] = {jcc32, jb32, jcc32, jbe32, jcc32, jcc32, jl32, jle32};

bool branch_is_jcc32(const struct insn *i)
{
    if (i->fn == jz32 || i->fn == jnz32)
        return true;
    for (int k = 0; k < 8; k++)
        if (i->fn == jcc32_forms[k])
            return true;
    return false;
}

static void call32(struct cpu *cpu, const struct insn *i)
{
    uint32_t ret = insn_next_eip(cpu, i), target = ret + i->imm;
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t sp = cpu->reg[REG_ESP] - 4;
    mem_write(cpu, SEG_SS, sp, ret, 4);
    cpu->reg[REG_ESP] = sp;
    cpu->eip = target;
}

static void ret32(struct cpu *cpu, const struct insn *i)
{
    uint32_t sp = cpu->reg[REG_ESP];
    uint32_t target = mem_read(cpu, SEG_SS, sp, 4);
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->reg[REG_ESP] = sp + 4 + i->imm;
    cpu->eip = target;
}

static void jmp_rm(struct cpu *cpu, const struct insn *i)
{
    branch_to(cpu, i, rm_read(cpu, i));
}

static void call_rel(struct cpu *cpu, const struct insn *i)
{
    uint32_t ret = next_eip(cpu, i);
    uint32_t target = ret + i->imm;
    if (i->osize == 2)
        target &= 0xffff;
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    push(cpu, i, ret, i->osize);
    cpu->eip = target;
}

static void call_rm(struct cpu *cpu, const struct insn *i)
{
    uint32_t target = rm_read(cpu, i);
    if (i->osize == 2)
        target &= 0xffff;
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    push(cpu, i, next_eip(cpu, i), i->osize);
    cpu->eip = target;
}

static void ret_near(struct cpu *cpu, const struct insn *i)
{
    uint32_t target = stack_peek(cpu, i, 0, i->osize);
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    stack_ptr_set(cpu, i, stack_ptr(cpu, i) + i->osize + i->imm);
    cpu->eip = target;
}

/* Real-mode far transfers (protected mode: protected.c). */
static bool real_like(const struct cpu *cpu)
{
    return !(cpu->cr[0] & CR0_PE) || (cpu->eflags & FLAG_VM);
}

static void far_jump(struct cpu *cpu, const struct insn *i, uint16_t sel, uint32_t off)
{
    if (!real_like(cpu)) {
        far_jump_protected(cpu, i, sel, off);
        return;
    }
    if (i->osize == 2)
        off &= 0xffff;
    /* The limit checked is the one CS will have: in real mode, the current one. */
    if (off > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    cpu_load_seg_real(cpu, SEG_CS, sel);
    cpu->eip = off;
}

static void far_call(struct cpu *cpu, const struct insn *i, uint16_t sel, uint32_t off)
{
    if (!real_like(cpu)) {
        far_call_protected(cpu, i, sel, off);
        return;
    }
    if (i->osize == 2)
        off &= 0xffff;
    if (off > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t sp = stack_ptr(cpu, i);
    uint32_t m = stack_mask(i);
    mem_probe_write(cpu, SEG_SS, (sp - 2 * i->osize) & m, i->osize);
    push(cpu, i, cpu->seg[SEG_CS].sel, i->osize);
    push(cpu, i, next_eip(cpu, i), i->osize);
    cpu_load_seg_real(cpu, SEG_CS, sel);
    cpu->eip = off;
}

static void jmp_far_ptr(struct cpu *cpu, const struct insn *i)
{
    far_jump(cpu, i, (uint16_t)i->imm2, i->imm);
}

static void call_far_ptr(struct cpu *cpu, const struct insn *i)
{
    far_call(cpu, i, (uint16_t)i->imm2, i->imm);
}

static void read_far_pointer(struct cpu *cpu, const struct insn *i, uint16_t *sel, uint32_t *off)
{
    if (!(i->flags & INSN_MEM))
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE); /* register form of JMP/CALL FAR */
    uint32_t ea = insn_ea(cpu, i);
    *off = mem_read(cpu, i->seg, ea, i->osize);
    uint32_t sel_ea = (ea + i->osize) & ((i->flags & INSN_ADDR32) ? 0xffffffffu : 0xffffu);
    *sel = (uint16_t)mem_read(cpu, i->seg, sel_ea, 2);
}

static void jmp_far_mem(struct cpu *cpu, const struct insn *i)
{
    uint16_t sel;
    uint32_t off;
    read_far_pointer(cpu, i, &sel, &off);
    far_jump(cpu, i, sel, off);
}

static void call_far_mem(struct cpu *cpu, const struct insn *i)
{
    uint16_t sel;
    uint32_t off;
    read_far_pointer(cpu, i, &sel, &off);
    far_call(cpu, i, sel, off);
}

static void ret_far(struct cpu *cpu, const struct insn *i)
{
    if (!real_like(cpu)) {
        ret_far_protected(cpu, i);
        return;
    }
    uint32_t off = stack_peek(cpu, i, 0, i->osize);
    uint16_t sel = (uint16_t)stack_peek(cpu, i, i->osize, 2);
    if (off > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    stack_ptr_set(cpu, i, stack_ptr(cpu, i) + 2 * i->osize + i->imm);
    cpu_load_seg_real(cpu, SEG_CS, sel);
    cpu->eip = off;
}

/* IRET in real mode (Intel SDM Vol. 2, IRET: REAL-ADDRESS-MODE). */
static void iret(struct cpu *cpu, const struct insn *i)
{
    if (!real_like(cpu) || (cpu->eflags & FLAG_VM)) {
        iret_protected(cpu, i);
        return;
    }
    uint32_t off = stack_peek(cpu, i, 0, i->osize);
    uint16_t sel = (uint16_t)stack_peek(cpu, i, i->osize, 2);
    uint32_t flags = stack_peek(cpu, i, 2 * i->osize, i->osize);
    if (i->osize == 2)
        off &= 0xffff;
    if (off > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    stack_ptr_set(cpu, i, stack_ptr(cpu, i) + 3 * i->osize);
    uint32_t old = flags_get(cpu);
    if (i->osize == 4)
        flags = (flags & 0x257fd5u) | (old & 0x1a0000u);
    else
        flags = (old & 0xffff0000u) | (flags & 0xffffu);
    cpu_set_eflags(cpu, flags);
    cpu_load_seg_real(cpu, SEG_CS, sel);
    cpu->eip = off;
}

/* LOOP/LOOPE/LOOPNE (cc = 0, 1, 2) count in CX or ECX by address size. */
static void loop(struct cpu *cpu, const struct insn *i)
{
    uint32_t mask = (i->flags & INSN_ADDR32) ? 0xffffffffu : 0xffffu;
    uint32_t count = (cpu->reg[REG_ECX] - 1) & mask;
    cpu->reg[REG_ECX] = (cpu->reg[REG_ECX] & ~mask) | count;
    bool go = count != 0;
    if (i->cc == 1)
        go = go && (flags_get(cpu) & FLAG_ZF);
    else if (i->cc == 2)
        go = go && !(flags_get(cpu) & FLAG_ZF);
    if (go)
        branch_to(cpu, i, next_eip(cpu, i) + i->imm);
    else
        cpu->eip = next_eip(cpu, i);
}

static void jcxz(struct cpu *cpu, const struct insn *i)
{
    uint32_t mask = (i->flags & INSN_ADDR32) ? 0xffffffffu : 0xffffu;
    if ((cpu->reg[REG_ECX] & mask) == 0)
        branch_to(cpu, i, next_eip(cpu, i) + i->imm);
    else
        cpu->eip = next_eip(cpu, i);
}

/* INT n (cc = 0) is IOPL-sensitive in virtual-8086 mode; INT3 (cc = 1) is not
 * (Intel SDM Vol. 3, 20.2.7 and Vol. 2, INT n). */
static void int_n(struct cpu *cpu, const struct insn *i)
{
    if (!i->cc && (cpu->eflags & FLAG_VM)) {
        /* With CR4.VME the TSS redirection bitmap decides (vme.c). */
        if (cpu->cr[4] & CR4_VME) {
            if (vme_int(cpu, i, (int)i->imm))
                return;
        } else if (((cpu->eflags & FLAG_IOPL) >> 12) < 3) {
            cpu_raise(cpu, EXC_GP, 0);
        }
    }
    cpu_raise_trap(cpu, (int)i->imm, EVENT_SOFTWARE);
}

/* INTO is a software interrupt for the gate DPL check, like INT3. */
static void into(struct cpu *cpu, const struct insn *i)
{
    if (flags_get(cpu) & FLAG_OF)
        cpu_raise_trap(cpu, EXC_OF, EVENT_SOFTWARE);
    cpu->eip = next_eip(cpu, i);
}

static void int1(struct cpu *cpu, const struct insn *i)
{
    cpu_raise_trap(cpu, EXC_DB, EVENT_TRAP);
}

/* BOUND: #BR when the signed index is outside [lower, upper] in memory. */
static void bound(struct cpu *cpu, const struct insn *i)
{
    uint32_t ea = insn_ea(cpu, i);
    uint32_t upper_ea = (ea + i->osize) & ((i->flags & INSN_ADDR32) ? 0xffffffffu : 0xffffu);
    int32_t lo, hi, idx;
    if (i->osize == 2) {
        lo = (int16_t)mem_read(cpu, i->seg, ea, 2);
        hi = (int16_t)mem_read(cpu, i->seg, upper_ea, 2);
        idx = (int16_t)reg_read(cpu, i->reg, 2);
    } else {
        lo = (int32_t)mem_read(cpu, i->seg, ea, 4);
        hi = (int32_t)mem_read(cpu, i->seg, upper_ea, 4);
        idx = (int32_t)cpu->reg[i->reg];
    }
    if (idx < lo || idx > hi)
        cpu_raise(cpu, EXC_BR, NO_ERROR_CODE);
}

static bool select_bound(struct insn *i, struct decoded *d)
{
    int r = decode_gpr(d->ops[0].reg.value);
    if (r < 0 || d->ops[1].type != ZYDIS_OPERAND_TYPE_MEMORY)
        return false;
    decode_mem_operand(i, &d->ops[1]);
    i->reg = (uint8_t)r;
    i->fn = bound;
    return true;
}

static int jcc_code(ZydisMnemonic m)
{
    static const ZydisMnemonic order[16] = {
        ZYDIS_MNEMONIC_JO, ZYDIS_MNEMONIC_JNO, ZYDIS_MNEMONIC_JB,  ZYDIS_MNEMONIC_JNB,
        ZYDIS_MNEMONIC_JZ, ZYDIS_MNEMONIC_JNZ, ZYDIS_MNEMONIC_JBE, ZYDIS_MNEMONIC_JNBE,
        ZYDIS_MNEMONIC_JS, ZYDIS_MNEMONIC_JNS, ZYDIS_MNEMONIC_JP,  ZYDIS_MNEMONIC_JNP,
        ZYDIS_MNEMONIC_JL, ZYDIS_MNEMONIC_JNL, ZYDIS_MNEMONIC_JLE, ZYDIS_MNEMONIC_JNLE,
    };
    for (int k = 0; k < 16; k++)
        if (order[k] == m)
            return k;
    return -1;
}

/* The segment an override prefix byte selects, or -1. */
static int segment_prefix(uint8_t b)
{
    switch (b) {
    case 0x26: return SEG_ES;
    case 0x2e: return SEG_CS;
    case 0x36: return SEG_SS;
    case 0x3e: return SEG_DS;
    case 0x64: return SEG_FS;
    case 0x65: return SEG_GS;
    default: return -1;
    }
}

static bool select_branch(struct insn *i, struct decoded *d)
{
    const ZydisDecodedOperand *op = &d->ops[0];
    ZydisMnemonic m = d->z.mnemonic;
    bool far = d->z.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR;
    i->flags |= INSN_SETS_EIP;
    d->ends_block = true;
    if (op->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && op->imm.is_relative) {
        i->imm = (uint32_t)op->imm.value.s;
        d->direct_exit = true;
        int cc = jcc_code(m);
        bool flat = (d->mode & MODE_CODE32) && i->osize == 4;
        if (cc >= 0) {
            i->cc = (uint8_t)cc;
            if (flat)
                i->fn = cc == 4 ? jz32 : cc == 5 ? jnz32 : jcc32_forms[cc >> 1];
            else
                i->fn = cc == 4 ? jz : cc == 5 ? jnz : jcc;
        } else if (m == ZYDIS_MNEMONIC_JMP) {
            i->fn = flat ? jmp32 : jmp_rel;
        } else if (m == ZYDIS_MNEMONIC_CALL) {
            i->fn = flat && (i->flags & INSN_STACK32) ? call32 : call_rel;
        } else if (m == ZYDIS_MNEMONIC_JCXZ || m == ZYDIS_MNEMONIC_JECXZ) {
            i->fn = jcxz;
        } else {
            i->cc = m == ZYDIS_MNEMONIC_LOOP ? 0 : m == ZYDIS_MNEMONIC_LOOPE ? 1 : 2;
            i->fn = loop;
        }
        return true;
    }
    if (op->type == ZYDIS_OPERAND_TYPE_POINTER) {
        i->imm = op->ptr.offset;
        i->imm2 = op->ptr.segment;
        i->fn = m == ZYDIS_MNEMONIC_JMP ? jmp_far_ptr : call_far_ptr;
        return true;
    }
    if (!decode_rm_operand(i, op))
        return false;
    if ((d->z.attributes & ZYDIS_ATTRIB_HAS_NOTRACK) && (i->flags & INSN_MEM)) {
        /* Zydis reads 3E before an indirect branch as CET's NOTRACK and drops it as
         * a segment override; a P6 has no CET, so the last segment prefix is DS. */
        for (int p = d->z.raw.prefix_count - 1; p >= 0; p--) {
            int s = segment_prefix(d->z.raw.prefixes[p].value);
            if (s < 0)
                continue;
            i->seg = (uint8_t)s;
            break;
        }
    }
    if (far) {
        i->fn = m == ZYDIS_MNEMONIC_JMP ? jmp_far_mem : call_far_mem;
        return true;
    }
    i->fn = m == ZYDIS_MNEMONIC_JMP ? jmp_rm : call_rm;
    return true;
}

static bool select_ret(struct insn *i, struct decoded *d)
{
    i->imm = d->z.operand_count_visible > 0 && d->ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE
                 ? (uint32_t)d->ops[0].imm.value.u & 0xffff
                 : 0;
    i->fn = d->z.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR ? ret_far : ret_near;
    if (i->fn == ret_near && i->osize == 4 && (i->flags & INSN_STACK32))
        i->fn = ret32;
    i->flags |= INSN_SETS_EIP;
    d->ends_block = true;
    return true;
}

static bool select_iret(struct insn *i, struct decoded *d)
{
    i->osize = d->z.mnemonic == ZYDIS_MNEMONIC_IRET ? 2 : 4;
    i->fn = iret;
    i->flags |= INSN_SETS_EIP;
    d->ends_block = true;
    return true;
}

static bool select_int(struct insn *i, struct decoded *d)
{
    switch (d->z.mnemonic) {
    case ZYDIS_MNEMONIC_INT:
        i->imm = (uint32_t)d->ops[0].imm.value.u & 0xff;
        i->fn = int_n;
        i->flags |= INSN_SETS_EIP; /* a VME redirection jumps; other paths raise */
        break;
    case ZYDIS_MNEMONIC_INT3:
        i->imm = EXC_BP;
        i->cc = 1;
        i->fn = int_n;
        break;
    case ZYDIS_MNEMONIC_INTO:
        i->fn = into;
        i->flags |= INSN_SETS_EIP;
        break;
    default: i->fn = int1; break;
    }
    d->ends_block = true;
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_JMP, select_branch},    {ZYDIS_MNEMONIC_CALL, select_branch},
    {ZYDIS_MNEMONIC_JO, select_branch},     {ZYDIS_MNEMONIC_JNO, select_branch},
    {ZYDIS_MNEMONIC_JB, select_branch},     {ZYDIS_MNEMONIC_JNB, select_branch},
    {ZYDIS_MNEMONIC_JZ, select_branch},     {ZYDIS_MNEMONIC_JNZ, select_branch},
    {ZYDIS_MNEMONIC_JBE, select_branch},    {ZYDIS_MNEMONIC_JNBE, select_branch},
    {ZYDIS_MNEMONIC_JS, select_branch},     {ZYDIS_MNEMONIC_JNS, select_branch},
    {ZYDIS_MNEMONIC_JP, select_branch},     {ZYDIS_MNEMONIC_JNP, select_branch},
    {ZYDIS_MNEMONIC_JL, select_branch},     {ZYDIS_MNEMONIC_JNL, select_branch},
    {ZYDIS_MNEMONIC_JLE, select_branch},    {ZYDIS_MNEMONIC_JNLE, select_branch},
    {ZYDIS_MNEMONIC_JCXZ, select_branch},   {ZYDIS_MNEMONIC_JECXZ, select_branch},
    {ZYDIS_MNEMONIC_LOOP, select_branch},   {ZYDIS_MNEMONIC_LOOPE, select_branch},
    {ZYDIS_MNEMONIC_LOOPNE, select_branch}, {ZYDIS_MNEMONIC_RET, select_ret},
    {ZYDIS_MNEMONIC_IRET, select_iret},     {ZYDIS_MNEMONIC_IRETD, select_iret},
    {ZYDIS_MNEMONIC_INT, select_int},       {ZYDIS_MNEMONIC_INT3, select_int},
    {ZYDIS_MNEMONIC_INTO, select_int},      {ZYDIS_MNEMONIC_INT1, select_int},
    {ZYDIS_MNEMONIC_BOUND, select_bound},
};

SELECT_TABLE(ops_branch_table, entries);

/* A decoded instruction: the handler chosen at decode time plus pre-resolved
 * operands, so that executing it does no decoding. Every handler has the same
 * signature; which fields it reads is its own business (documented per field). */
#ifndef BT86_CPU_INSN_H
#define BT86_CPU_INSN_H

#include "cpu/cpu.h"
#include "cpu/memory.h"

struct insn;
typedef void (*insn_fn)(struct cpu *cpu, const struct insn *i);

/* insn.flags */
#define INSN_MEM      0x01 /* the r/m operand is memory (else register rm) */
#define INSN_ADDR32   0x02 /* 32-bit address size */
#define INSN_REP      0x04 /* REP / REPE prefix */
#define INSN_REPNE    0x08 /* REPNE prefix */
#define INSN_LOCK     0x10
#define INSN_STACK32  0x20 /* SS.B: stack pointer is ESP (else SP) */
#define INSN_SETS_EIP 0x40 /* the handler sets cpu->eip itself (control transfer) */

struct insn {
    insn_fn fn;
    uint16_t eip_off; /* EIP of this instruction minus the block's first EIP */
    uint8_t len;
    uint8_t osize; /* operand size in bytes: 1, 2 or 4 */
    uint8_t flags;
    uint8_t seg;   /* segment of the memory operand, overrides applied */
    uint8_t base;  /* memory operand: base register, REG_ZERO when absent */
    uint8_t index; /* memory operand: index register, REG_ZERO when absent */
    uint8_t scale; /* memory operand: index shift 0-3 */
    uint8_t reg;   /* register operand (ModRM.reg, or the register in the opcode) */
    uint8_t rm;    /* r/m operand when it is a register */
    uint8_t cc;    /* condition code, or an operation variant the handler defines */
    uint32_t disp; /* memory operand displacement */
    uint32_t imm;  /* immediate; relative branches: the target's offset from next EIP */
    uint32_t imm2; /* second immediate (ENTER nesting level, far pointer selector) */
};

static inline uint32_t insn_eip(const struct cpu *cpu, const struct insn *i)
{
    return cpu->eip + i->eip_off;
}

static inline uint32_t insn_next_eip(const struct cpu *cpu, const struct insn *i)
{
    return cpu->eip + i->eip_off + i->len;
}

/* Effective address of the memory operand (Intel SDM Vol. 2, 2.1.5). With 16-bit
 * addressing the sum wraps at 64 KiB; the upper halves of BX/BP/SI/DI do not
 * matter because only the low 16 bits of the sum are kept. */
static inline uint32_t insn_ea(const struct cpu *cpu, const struct insn *i)
{
    uint32_t ea = cpu->reg[i->base] + (cpu->reg[i->index] << i->scale) + i->disp;
    return (i->flags & INSN_ADDR32) ? ea : (ea & 0xffff);
}

/* General registers by operand size; for bytes, 0-3 are AL CL DL BL and 4-7 the
 * high bytes AH CH DH BH. */
static inline uint32_t reg_read(const struct cpu *cpu, int r, int size)
{
    switch (size) {
    case 1: return r < 4 ? cpu->reg[r] & 0xff : (cpu->reg[r - 4] >> 8) & 0xff;
    case 2: return cpu->reg[r] & 0xffff;
    default: return cpu->reg[r];
    }
}

static inline void reg_write(struct cpu *cpu, int r, uint32_t v, int size)
{
    switch (size) {
    case 1:
        if (r < 4)
            cpu->reg[r] = (cpu->reg[r] & ~0xffu) | (v & 0xff);
        else
            cpu->reg[r - 4] = (cpu->reg[r - 4] & ~0xff00u) | ((v & 0xff) << 8);
        break;
    case 2: cpu->reg[r] = (cpu->reg[r] & ~0xffffu) | (v & 0xffff); break;
    default: cpu->reg[r] = v; break;
    }
}

/* The r/m operand, register or memory, at the instruction's operand size. */
static inline uint32_t rm_read(struct cpu *cpu, const struct insn *i)
{
    if (i->flags & INSN_MEM)
        return mem_read(cpu, i->seg, insn_ea(cpu, i), i->osize);
    return reg_read(cpu, i->rm, i->osize);
}

static inline void rm_write(struct cpu *cpu, const struct insn *i, uint32_t v)
{
    if (i->flags & INSN_MEM)
        mem_write(cpu, i->seg, insn_ea(cpu, i), v, i->osize);
    else
        reg_write(cpu, i->rm, v, i->osize);
}

static inline uint32_t rm_read_size(struct cpu *cpu, const struct insn *i, int size)
{
    if (i->flags & INSN_MEM)
        return mem_read(cpu, i->seg, insn_ea(cpu, i), size);
    return reg_read(cpu, i->rm, size);
}

/* Stack pointer per SS.B: ESP, or SP with the upper half kept. */
static inline uint32_t stack_ptr(const struct cpu *cpu, const struct insn *i)
{
    return (i->flags & INSN_STACK32) ? cpu->reg[REG_ESP] : cpu->reg[REG_ESP] & 0xffff;
}

static inline void stack_ptr_set(struct cpu *cpu, const struct insn *i, uint32_t sp)
{
    if (i->flags & INSN_STACK32)
        cpu->reg[REG_ESP] = sp;
    else
        cpu->reg[REG_ESP] = (cpu->reg[REG_ESP] & 0xffff0000u) | (sp & 0xffff);
}

static inline uint32_t stack_mask(const struct insn *i)
{
    return (i->flags & INSN_STACK32) ? 0xffffffffu : 0xffffu;
}

/* PUSH/POP of size bytes. push checks the write before moving ESP, so a fault
 * leaves ESP as it was (Intel SDM Vol. 3, 6.12: the fault is restartable). */
static inline void push(struct cpu *cpu, const struct insn *i, uint32_t v, int size)
{
    uint32_t sp = (stack_ptr(cpu, i) - (uint32_t)size) & stack_mask(i);
    mem_write(cpu, SEG_SS, sp, v, size);
    stack_ptr_set(cpu, i, sp);
}

static inline uint32_t pop(struct cpu *cpu, const struct insn *i, int size)
{
    uint32_t sp = stack_ptr(cpu, i);
    uint32_t v = mem_read(cpu, SEG_SS, sp, size);
    stack_ptr_set(cpu, i, sp + (uint32_t)size);
    return v;
}

/* Reads the value size bytes above the stack pointer's offset without popping. */
static inline uint32_t stack_peek(struct cpu *cpu, const struct insn *i, uint32_t offset, int size)
{
    return mem_read(cpu, SEG_SS, (stack_ptr(cpu, i) + offset) & stack_mask(i), size);
}

/* Sets EIP for a control transfer, truncated to 16 bits for 16-bit operand size
 * (Intel SDM Vol. 2, JMP: "IF OperandSize = 16 THEN EIP <- tempEIP AND 0000FFFFH"),
 * and checks it against the CS limit (#GP(0) otherwise). */
void branch_to(struct cpu *cpu, const struct insn *i, uint32_t target);

#endif

/* Pair fusion: a register compare (CMP r32, r32/imm or TEST r32, r32) or DEC r32
 * followed by the Jcc that ends the block runs as one handler. That saves a dispatch and
 * evaluates the condition from the operands in registers instead of from the
 * lazy flags in memory. The lazy flags are still recorded, so nothing later can
 * tell the difference.
 *
 * Exactness: the first instruction cannot fault, and the block's instruction count is
 * unchanged (insn_count still holds both). The Jcc stays in the block right after
 * the fused handler's own entry; only its #GP (target beyond the CS limit) can
 * fault, and it is raised with cur_insn pointing at the Jcc, as if it had run on
 * its own after the compare retired. */
#include "cpu/flags.h"
#include "cpu/ops.h"

/* The Jcc half (32-bit code and operands, as in ops_branch.c's jcc32 forms). */
static void fused_branch(struct cpu *cpu, const struct insn *j, bool taken)
{
    uint32_t next = insn_next_eip(cpu, j);
    if (!taken) {
        cpu->eip = next;
        return;
    }
    uint32_t target = next + j->imm;
    if (target > cpu->seg[SEG_CS].limit) {
        cpu->cur_insn = j;
        cpu_raise(cpu, EXC_GP, 0);
    }
    cpu->eip = target;
}

/* Condition cc after a 32-bit a - b (Intel SDM Vol. 1, B.1, Table B-1). */
static bool cond_sub32(uint32_t a, uint32_t b, int cc)
{
    uint32_t r = a - b;
    bool t;
    switch (cc >> 1) {
    case 0: t = ((a ^ b) & (a ^ r)) >> 31; break;
    case 1: t = a < b; break;
    case 2: t = a == b; break;
    case 3: t = a <= b; break;
    case 4: t = r >> 31; break;
    case 5: t = parity_flag(r) != 0; break;
    case 6: t = (int32_t)a < (int32_t)b; break;
    default: t = (int32_t)a <= (int32_t)b; break;
    }
    return t ^ (cc & 1);
}

/* Condition cc after a 32-bit logic result r: CF = OF = 0. */
static bool cond_logic32(uint32_t r, int cc)
{
    bool t;
    switch (cc >> 1) {
    case 0:
    case 1: t = false; break;
    case 2:
    case 3: t = r == 0; break;
    case 4:
    case 6: t = r >> 31; break;
    case 5: t = parity_flag(r) != 0; break;
    default: t = r == 0 || (r >> 31); break;
    }
    return t ^ (cc & 1);
}

static void cmp_r32_r32_jcc(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], b = cpu->reg[i->reg];
    flags_lazy(cpu, LAZY_SUB, 4, a, b, a - b);
    fused_branch(cpu, i + 1, cond_sub32(a, b, i[1].cc));
}

static void cmp_r32_imm_jcc(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], b = i->imm;
    flags_lazy(cpu, LAZY_SUB, 4, a, b, a - b);
    fused_branch(cpu, i + 1, cond_sub32(a, b, i[1].cc));
}

static void test_r32_r32_jcc(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], b = cpu->reg[i->reg], r = a & b;
    flags_lazy(cpu, LAZY_LOGIC, 4, a, b, r);
    fused_branch(cpu, i + 1, cond_logic32(r, i[1].cc));
}

/* DEC r32 closing a counted loop with JZ/JNZ: CF folded into eflags first, as
 * dec_r32 does; ZF from the result. */
static void dec_r32_jcc(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = cpu->reg[i->rm], r = a - 1;
    cpu->eflags = (cpu->eflags & ~FLAG_CF) | flags_cf(cpu);
    flags_lazy(cpu, LAZY_DEC, 4, a, 1, r);
    cpu->reg[i->rm] = r;
    fused_branch(cpu, i + 1, (r == 0) ^ (i[1].cc & 1));
}

bool fuse_pair(struct insn *first, const struct insn *second)
{
    if (!branch_is_jcc32(second))
        return false;
    switch (alu_compare_form(first)) {
    case CMP_R32_R32: first->fn = cmp_r32_r32_jcc; return true;
    case CMP_R32_IMM: first->fn = cmp_r32_imm_jcc; return true;
    case TEST_R32_R32: first->fn = test_r32_r32_jcc; return true;
    case DEC_R32:
        if (second->cc >> 1 != 2)
            return false;
        first->fn = dec_r32_jcc;
        return true;
    default: return false;
    }
}

/* Shared machinery of the x87 instruction files (ops_fpu*.c): the stack, the
 * exception bookkeeping every instruction goes through, and memory operands wider
 * than 4 bytes. Internal to src/cpu.
 *
 * Every handler follows the same order so that a fault leaves no trace:
 *   1. fpu_enter (or fpu_enter_nowait for FN* control instructions): #NM, then a
 *      pending unmasked exception (#MF, or FERR# when CR0.NE=0);
 *   2. read the memory operand (may fault);
 *   3. fpu_note (non-control instructions): the last-instruction pointers;
 *   4. compute, store to memory (probed first), then commit registers and status. */
#ifndef BT86_CPU_OPS_FPU_H
#define BT86_CPU_OPS_FPU_H

#include "cpu/fpu/f80.h"
#include "cpu/insn.h"

/* insn fields the x87 handlers use: imm = FOP (11 bits), reg = the i of ST(i),
 * cc = the handler's variant. */

/* Memory operand kinds (insn.cc bits 3-5 of the arithmetic and compare handlers). */
enum fpu_src {
    FPU_SRC_STI,  /* register form, ST(0) is the destination */
    FPU_SRC_ST0,  /* register form, ST(i) is the destination (DC/DE) */
    FPU_SRC_M32,  /* 32-bit real */
    FPU_SRC_M64,  /* 64-bit real */
    FPU_SRC_I16,  /* 16-bit integer */
    FPU_SRC_I32,  /* 32-bit integer */
    FPU_SRC_ZERO, /* FTST: +0.0 */
};

void fpu_enter(struct cpu *cpu);
void fpu_enter_nowait(struct cpu *cpu);
/* The pending-exception half of fpu_enter (WAIT has its own #NM rule). */
void fpu_check_pending(struct cpu *cpu);
void fpu_note(struct cpu *cpu, const struct insn *i);

static inline int fpu_phys(const struct cpu *cpu, int n)
{
    return (cpu->fpu.top + n) & 7;
}
static inline bool fpu_empty(const struct cpu *cpu, int n)
{
    return ((cpu->fpu.tag >> (2 * fpu_phys(cpu, n))) & 3) == FPU_TAG_EMPTY;
}
static inline struct f80 fpu_get(const struct cpu *cpu, int n)
{
    return cpu->fpu.reg[fpu_phys(cpu, n)];
}
void fpu_set(struct cpu *cpu, int n, struct f80 v);
void fpu_set_empty(struct cpu *cpu, int n);
void fpu_pop(struct cpu *cpu);
void fpu_push(struct cpu *cpu, struct f80 v);

/* An env for the arithmetic core from the control word. */
struct f80_env fpu_env(const struct cpu *cpu);

/* Stack overflow (overflow = true, C1 = 1) or underflow (C1 = 0): IE and SF. True
 * when IE is masked, i.e. the caller delivers the masked response (usually the
 * indefinite). C0, C2, C3 are left as they are. */
bool fpu_stack_fault(struct cpu *cpu, bool overflow);

/* Commits the exceptions of an operation that produces *res: false when an
 * unmasked IE, DE or ZE means no result is delivered; *res becomes the wrapped
 * result when an unmasked OE/UE asks for it (to_memory: no result at all, SDM
 * Vol. 1, 4.9.1.4/4.9.1.5). Sets C1 from the rounding (else 0) and ES/B. */
bool fpu_commit(struct cpu *cpu, struct f80_env *env, struct f80 *res, bool to_memory);

/* ORs exception flags into the status word and sets ES/B for unmasked ones. */
void fpu_raise_flags(struct cpu *cpu, uint16_t flags);
void fpu_update_es(struct cpu *cpu);

/* Clears ES and B; lowers FERR#. */
void fpu_clear_es(struct cpu *cpu);

/* Memory at seg:off of n bytes (n <= 512); writes probe the whole range first so
 * that a fault leaves memory unchanged. */
void fpu_read_mem(struct cpu *cpu, int seg, uint32_t off, void *buf, int n);
void fpu_write_mem(struct cpu *cpu, int seg, uint32_t off, const void *buf, int n);
/* The instruction's memory operand. */
void fpu_read_op(struct cpu *cpu, const struct insn *i, void *buf, int n);
void fpu_write_op(struct cpu *cpu, const struct insn *i, const void *buf, int n);
struct f80 fpu_load_f80(const uint8_t *b);
void fpu_store_f80(uint8_t *b, struct f80 v);

/* Handlers (ops_fpu_arith.c, ops_fpu_move.c, ops_fpu_env.c). */
void fpu_op_arith(struct cpu *cpu, const struct insn *i);
void fpu_op_compare(struct cpu *cpu, const struct insn *i);
void fpu_op_unary(struct cpu *cpu, const struct insn *i);
void fpu_op_binary_st01(struct cpu *cpu, const struct insn *i);
void fpu_op_fxtract(struct cpu *cpu, const struct insn *i);
void fpu_op_fxam(struct cpu *cpu, const struct insn *i);
void fpu_op_load(struct cpu *cpu, const struct insn *i);
void fpu_op_store(struct cpu *cpu, const struct insn *i);
void fpu_op_const(struct cpu *cpu, const struct insn *i);
void fpu_op_fxch(struct cpu *cpu, const struct insn *i);
void fpu_op_fcmov(struct cpu *cpu, const struct insn *i);
void fpu_op_stack(struct cpu *cpu, const struct insn *i);
void fpu_op_fninit(struct cpu *cpu, const struct insn *i);
void fpu_op_fnclex(struct cpu *cpu, const struct insn *i);
void fpu_op_fldcw(struct cpu *cpu, const struct insn *i);
void fpu_op_fnstcw(struct cpu *cpu, const struct insn *i);
void fpu_op_fnstsw(struct cpu *cpu, const struct insn *i);
void fpu_op_fldenv(struct cpu *cpu, const struct insn *i);
void fpu_op_fnstenv(struct cpu *cpu, const struct insn *i);
void fpu_op_fnsave(struct cpu *cpu, const struct insn *i);
void fpu_op_frstor(struct cpu *cpu, const struct insn *i);
void fpu_op_fxsave(struct cpu *cpu, const struct insn *i);
void fpu_op_fxrstor(struct cpu *cpu, const struct insn *i);
void fpu_op_fwait(struct cpu *cpu, const struct insn *i);
void fpu_op_fnop(struct cpu *cpu, const struct insn *i);

/* The transcendental forms D9 /6 and D9 /7 (ops_fpu_trans.c): the handler, or NULL
 * while cpu/fpu/f80_trans.h is not in the tree. */
insn_fn fpu_select_trans(struct insn *i, int op, int rm);

#endif

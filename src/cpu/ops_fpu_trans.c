/* x87 transcendental instructions (SDM Vol. 2: F2XM1 FYL2X FYL2XP1 FPTAN FPATAN
 * FSIN FCOS FSINCOS): the stack and exception policy around the functions of
 * cpu/fpu/f80_trans.h. That header comes from a separate piece of work; until it
 * is in the tree these instructions stay unselected (#UD), which the
 * __has_include guard below arranges without a build switch. */
#include "cpu/ops_fpu.h"

#if defined(__has_include)
#if __has_include("cpu/fpu/f80_trans.h")
#define BT86_HAVE_F80_TRANS 1
#endif
#endif

#ifdef BT86_HAVE_F80_TRANS
#include "cpu/fpu/f80_trans.h"

/* C2 from the function (argument out of range for FSIN/FCOS/FSINCOS/FPTAN); out of
 * range also clears C1 (host-checked). */
static void set_c2(struct cpu *cpu, const struct f80_env *env)
{
    cpu->fpu.sw = (uint16_t)((cpu->fpu.sw & ~FPU_SW_C2) | (env->flags & F80_C2));
    if (env->flags & F80_C2)
        cpu->fpu.sw &= (uint16_t)~FPU_SW_C1;
}

/* F2XM1 (cc 0), FSIN (1), FCOS (2): ST(0) <- f(ST(0)). */
static void op_trans_unary(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    if (fpu_empty(cpu, 0)) {
        /* FSIN/FCOS clear C2 on a stack fault too (host-checked) */
        if (i->cc != 0)
            cpu->fpu.sw &= (uint16_t)~FPU_SW_C2;
        if (fpu_stack_fault(cpu, false))
            fpu_set(cpu, 0, F80_INDEFINITE);
        return;
    }
    struct f80_env env = fpu_env(cpu);
    struct f80 a = fpu_get(cpu, 0), r;
    switch (i->cc) {
    case 0: r = f80_2xm1(&env, a); break;
    case 1: r = f80_sin(&env, a); break;
    default: r = f80_cos(&env, a); break;
    }
    if (i->cc != 0) { /* F2XM1 leaves C2 alone (host-checked) */
        set_c2(cpu, &env);
        if (env.flags & F80_C2)
            return; /* out of range: the operand stays */
    }
    if (fpu_commit(cpu, &env, &r, false))
        fpu_set(cpu, 0, r);
}

/* FPTAN (cc 0), FSINCOS (1): ST(0) <- first result, then push the second. */
static void op_trans_push(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    bool under = fpu_empty(cpu, 0);
    if (under || !fpu_empty(cpu, 7)) {
        /* Masked response as for FXTRACT: both results the indefinite. */
        cpu->fpu.sw &= (uint16_t)~FPU_SW_C2;
        if (fpu_stack_fault(cpu, !under)) {
            fpu_set(cpu, 0, F80_INDEFINITE);
            fpu_push(cpu, F80_INDEFINITE);
        }
        return;
    }
    struct f80_env env = fpu_env(cpu);
    struct f80 first, second;
    if (i->cc == 0)
        f80_ptan(&env, fpu_get(cpu, 0), &first, &second);
    else
        f80_sincos(&env, fpu_get(cpu, 0), &first, &second);
    set_c2(cpu, &env);
    if (env.flags & F80_C2)
        return;
    if (!fpu_commit(cpu, &env, &second, false))
        return;
    fpu_set(cpu, 0, first);
    fpu_push(cpu, second);
}

/* FPATAN (cc 0), FYL2X (1), FYL2XP1 (2): ST(1) <- f(ST(1), ST(0)), then pop. */
static void op_trans_binary(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    if (fpu_empty(cpu, 0) || fpu_empty(cpu, 1)) {
        if (fpu_stack_fault(cpu, false)) {
            fpu_set(cpu, 1, F80_INDEFINITE);
            fpu_pop(cpu);
        }
        return;
    }
    struct f80_env env = fpu_env(cpu);
    struct f80 y = fpu_get(cpu, 1), x = fpu_get(cpu, 0), r;
    switch (i->cc) {
    case 0: r = f80_patan(&env, y, x); break;
    case 1: r = f80_yl2x(&env, y, x); break;
    default: r = f80_yl2xp1(&env, y, x); break;
    }
    if (!fpu_commit(cpu, &env, &r, false))
        return;
    fpu_set(cpu, 1, r);
    fpu_pop(cpu);
}

insn_fn fpu_select_trans(struct insn *i, int op, int rm)
{
    if (op == 6) {
        switch (rm) {
        case 0: i->cc = 0; return op_trans_unary;  /* F2XM1 */
        case 1: i->cc = 1; return op_trans_binary; /* FYL2X */
        case 2: i->cc = 0; return op_trans_push;   /* FPTAN */
        case 3: i->cc = 0; return op_trans_binary; /* FPATAN */
        default: return NULL;
        }
    }
    switch (rm) {
    case 1: i->cc = 2; return op_trans_binary; /* FYL2XP1 */
    case 3: i->cc = 1; return op_trans_push;   /* FSINCOS */
    case 6: i->cc = 1; return op_trans_unary;  /* FSIN */
    case 7: i->cc = 2; return op_trans_unary;  /* FCOS */
    default: return NULL;
    }
}

#else

insn_fn fpu_select_trans(struct insn *i, int op, int rm)
{
    return NULL;
}

#endif

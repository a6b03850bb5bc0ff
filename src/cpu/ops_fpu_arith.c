/* x87 arithmetic and compares (SDM Vol. 2, FADD..FDIVR, FCOM/FUCOM/FCOMI/FICOM,
 * FTST, FXAM, FCHS, FABS, FSQRT, FRNDINT, FPREM/FPREM1, FSCALE, FXTRACT). The
 * numbers come from the portable core in src/cpu/fpu (f80.h); this file adds the
 * stack, the operand forms and the exception policy. */
#include "cpu/flags.h"
#include "cpu/fpu/f80_internal.h"
#include "cpu/ops_fpu.h"

/* A 32/64-bit real operand as an f80. A signalling NaN is widened without
 * quieting it, so that the operation sees an SNaN and applies the x87's two-NaN
 * rules (SDM Vol. 1, table 4-7) to it as the hardware does. */
static struct f80 real_operand(struct f80_env *env, uint64_t bits, bool is64)
{
    int frac_bits = is64 ? 52 : 23;
    uint64_t exp_max = is64 ? 0x7FF : 0xFF;
    uint64_t frac = bits & ((1ull << frac_bits) - 1);
    uint64_t exp = (bits >> frac_bits) & exp_max;
    bool quiet = (frac >> (frac_bits - 1)) & 1;
    if (exp == exp_max && frac && !quiet) {
        bool sign = (bits >> (is64 ? 63 : 31)) & 1;
        return (struct f80){0x8000000000000000u | frac << (63 - frac_bits),
                            (uint16_t)(0x7FFF | (sign ? 0x8000 : 0))};
    }
    return is64 ? f80_from_f64(env, bits) : f80_from_f32(env, (uint32_t)bits);
}

/* Reads and converts a memory operand of kind src. */
static struct f80 mem_operand(struct cpu *cpu, const struct insn *i, int src, struct f80_env *env)
{
    uint32_t ea = insn_ea(cpu, i);
    switch (src) {
    case FPU_SRC_M32: return real_operand(env, mem_read(cpu, i->seg, ea, 4), false);
    case FPU_SRC_M64: {
        uint64_t v;
        fpu_read_op(cpu, i, &v, 8);
        return real_operand(env, v, true);
    }
    case FPU_SRC_I16: return f80_from_i64((int16_t)mem_read(cpu, i->seg, ea, 2));
    default: return f80_from_i64((int32_t)mem_read(cpu, i->seg, ea, 4));
    }
}

/* A NaN or unsupported register operand, an invalid operation or a division by
 * zero take precedence over a denormal memory operand: the conversion's DE
 * (conv) is dropped (checked on the host). Call after the operation. */
static uint16_t conversion_flags(uint16_t conv, uint16_t op_flags, struct f80 reg)
{
    enum f80_class c = f80_classify(reg);
    if (f80_is_nan_class(c) || c == F80_CLASS_UNSUPPORTED || (op_flags & (F80_IE | F80_ZE)))
        conv &= (uint16_t)~F80_DE;
    return conv;
}

/* FADD FMUL FSUB FSUBR FDIV FDIVR and their popping and integer forms.
 * cc: bits 0-2 the operation (ModRM.reg of D8), 3-5 enum fpu_src, 6 pop. */
void fpu_op_arith(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    int op = i->cc & 7, src = (i->cc >> 3) & 7;
    bool pop = (i->cc & 0x40) != 0, mem = src >= FPU_SRC_M32;
    struct f80_env env = fpu_env(cpu);
    struct f80 b = {0, 0};
    if (mem)
        b = mem_operand(cpu, i, src, &env);
    fpu_note(cpu, i);
    int dst = src == FPU_SRC_ST0 ? i->reg : 0;
    if (fpu_empty(cpu, 0) || (!mem && fpu_empty(cpu, i->reg))) {
        if (fpu_stack_fault(cpu, false)) {
            fpu_set(cpu, dst, F80_INDEFINITE);
            if (pop)
                fpu_pop(cpu);
        }
        return;
    }
    struct f80 a = fpu_get(cpu, dst);
    if (!mem)
        b = fpu_get(cpu, src == FPU_SRC_ST0 ? 0 : i->reg);
    uint16_t conv = env.flags;
    env.flags = 0;
    struct f80 r;
    switch (op) {
    case 0: r = f80_add(&env, a, b); break;
    case 1: r = f80_mul(&env, a, b); break;
    case 4: r = f80_sub(&env, a, b); break;
    case 5: r = f80_sub(&env, b, a); break;
    case 6: r = f80_div(&env, a, b); break;
    default: r = f80_div(&env, b, a); break;
    }
    env.flags |= conversion_flags(conv, env.flags, a);
    if (!fpu_commit(cpu, &env, &r, false))
        return;
    fpu_set(cpu, dst, r);
    if (pop)
        fpu_pop(cpu);
}

/* The compare result as C3/C2/C0 in the status word or ZF/PF/CF in EFLAGS
 * (FCOMI, SDM Vol. 2: OF, SF, AF cleared). */
static void set_compare_result(struct cpu *cpu, uint16_t cc, bool eflags)
{
    struct fpu *f = &cpu->fpu;
    f->sw &= (uint16_t)~FPU_SW_C1;
    if (eflags) {
        uint32_t bits = ((cc & F80_C3) ? FLAG_ZF : 0) | ((cc & F80_C2) ? FLAG_PF : 0) |
                        ((cc & F80_C0) ? FLAG_CF : 0);
        flags_set_arith(cpu, FLAGS_ARITH, bits);
    } else {
        f->sw = (uint16_t)((f->sw & ~(FPU_SW_C0 | FPU_SW_C2 | FPU_SW_C3)) |
                           (cc & (FPU_SW_C0 | FPU_SW_C2 | FPU_SW_C3)));
    }
}

/* FCOM FCOMP FCOMPP FUCOM* FICOM* FCOMI* FUCOMI* FTST.
 * cc: bits 0-1 pops, 2 unordered (quiet), 3-5 enum fpu_src, 6 result to EFLAGS. */
void fpu_op_compare(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    int pops = i->cc & 3, src = (i->cc >> 3) & 7;
    bool quiet = (i->cc & 4) != 0, eflags = (i->cc & 0x40) != 0;
    bool mem = src >= FPU_SRC_M32 && src != FPU_SRC_ZERO;
    struct f80_env env = fpu_env(cpu);
    struct f80 b = {0, 0};
    if (mem)
        b = mem_operand(cpu, i, src, &env);
    fpu_note(cpu, i);
    if (fpu_empty(cpu, 0) || (src == FPU_SRC_STI && fpu_empty(cpu, i->reg))) {
        /* "Unordered" is reported even with IE unmasked (checked on the host);
         * the pops happen only when masked. */
        bool masked = fpu_stack_fault(cpu, false);
        set_compare_result(cpu, F80_C3 | F80_C2 | F80_C0, eflags);
        if (masked)
            for (int k = 0; k < pops; k++)
                fpu_pop(cpu);
        return;
    }
    if (src == FPU_SRC_STI)
        b = fpu_get(cpu, i->reg);
    uint16_t conv = env.flags;
    env.flags = 0;
    uint16_t cc = f80_compare(&env, fpu_get(cpu, 0), b, quiet);
    env.flags |= conversion_flags(conv, env.flags, fpu_get(cpu, 0));
    /* The result is reported even with IE or DE unmasked (checked on the host,
     * although the SDM's pseudo-code sets "unordered" only when IM = 1). */
    set_compare_result(cpu, cc, eflags);
    fpu_raise_flags(cpu, env.flags);
    if (env.flags & ~cpu->fpu.cw & (F80_IE | F80_DE))
        return;
    for (int k = 0; k < pops; k++)
        fpu_pop(cpu);
}

/* FCHS FABS FSQRT FRNDINT on ST(0). cc: 0 FCHS, 1 FABS, 2 FSQRT, 3 FRNDINT. */
void fpu_op_unary(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    if (fpu_empty(cpu, 0)) {
        if (fpu_stack_fault(cpu, false))
            fpu_set(cpu, 0, F80_INDEFINITE);
        return;
    }
    struct f80 a = fpu_get(cpu, 0);
    struct f80_env env = fpu_env(cpu);
    switch (i->cc) {
    case 0: a.se ^= 0x8000; break;
    case 1: a.se &= 0x7FFF; break;
    case 2: a = f80_sqrt(&env, a); break;
    default: a = f80_round_int(&env, a); break;
    }
    if (!fpu_commit(cpu, &env, &a, false))
        return;
    fpu_set(cpu, 0, a);
}

/* FPREM (cc 0), FPREM1 (1), FSCALE (2): ST(0) <- f(ST(0), ST(1)). */
void fpu_op_binary_st01(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    if (fpu_empty(cpu, 0) || fpu_empty(cpu, 1)) {
        /* FPREM/FPREM1 also clear C2 (as for an invalid operand; host-checked). */
        if (i->cc != 2)
            cpu->fpu.sw &= (uint16_t)~FPU_SW_C2;
        if (fpu_stack_fault(cpu, false))
            fpu_set(cpu, 0, F80_INDEFINITE);
        return;
    }
    struct f80_env env = fpu_env(cpu);
    struct f80 a = fpu_get(cpu, 0), b = fpu_get(cpu, 1), r;
    uint16_t cc = cpu->fpu.sw & FPU_SW_CC;
    if (i->cc == 2)
        r = f80_scale(&env, a, b);
    else
        r = f80_prem(&env, a, b, i->cc == 1, &cc);
    bool ok = fpu_commit(cpu, &env, &r, false);
    /* When an unmasked exception withholds the result, C1 and C2 are cleared and
     * C0/C3 kept, as for an invalid operand (host-checked). */
    if (!ok)
        cc = cpu->fpu.sw & (FPU_SW_C0 | FPU_SW_C3);
    if (i->cc != 2)
        cpu->fpu.sw = (uint16_t)((cpu->fpu.sw & ~FPU_SW_CC) | (cc & FPU_SW_CC));
    if (ok)
        fpu_set(cpu, 0, r);
}

/* FXTRACT: ST(0) <- exponent, then push the significand. */
void fpu_op_fxtract(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    bool under = fpu_empty(cpu, 0);
    if (under || !fpu_empty(cpu, 7)) {
        /* Masked response as Bochs models it: both results the indefinite. */
        if (fpu_stack_fault(cpu, !under)) {
            fpu_set(cpu, 0, F80_INDEFINITE);
            fpu_push(cpu, F80_INDEFINITE);
        }
        return;
    }
    struct f80_env env = fpu_env(cpu);
    struct f80 e, s;
    f80_xtract(&env, fpu_get(cpu, 0), &e, &s);
    if (!fpu_commit(cpu, &env, &s, false))
        return;
    fpu_set(cpu, 0, e);
    fpu_push(cpu, s);
}

/* FXAM (SDM Vol. 2, FXAM): the class of ST(0), C1 = its sign, empty too. */
void fpu_op_fxam(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    struct f80 a = fpu_get(cpu, 0);
    uint16_t cc;
    if (fpu_empty(cpu, 0))
        cc = (uint16_t)(F80_C3 | F80_C0 | ((a.se & 0x8000) ? F80_C1 : 0));
    else
        cc = f80_fxam(a);
    cpu->fpu.sw = (uint16_t)((cpu->fpu.sw & ~FPU_SW_CC) | (cc & FPU_SW_CC));
}

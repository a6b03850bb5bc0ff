/* x87 data movement: FLD/FILD/FBLD, FST(P)/FIST(P)/FBSTP, the constants, FXCH,
 * FCMOVcc, FFREE(P), FINCSTP, FDECSTP (SDM Vol. 2). */
#include "cpu/flags.h"
#include "cpu/ops_fpu.h"

#include <string.h>

/* Operand kinds (insn.cc bits 0-2 of load and store). */
enum fpu_kind { K_STI, K_M32, K_M64, K_M80, K_I16, K_I32, K_I64, K_BCD };

static const int kind_size[8] = {0, 4, 8, 10, 2, 4, 8, 10};

/* FLD ST(i)/m32/m64/m80, FILD m16/m32/m64, FBLD. */
void fpu_op_load(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    int kind = i->cc & 7;
    uint8_t buf[10] = {0};
    if (kind != K_STI)
        fpu_read_op(cpu, i, buf, kind_size[kind]);
    fpu_note(cpu, i);
    /* An empty source register is reported before an overflow (the register
     * below TOP in use), as the host does. */
    if (kind == K_STI && fpu_empty(cpu, i->reg)) {
        if (fpu_stack_fault(cpu, false))
            fpu_push(cpu, F80_INDEFINITE);
        return;
    }
    if (!fpu_empty(cpu, 7)) {
        if (fpu_stack_fault(cpu, true))
            fpu_push(cpu, F80_INDEFINITE);
        return;
    }
    struct f80_env env = fpu_env(cpu);
    struct f80 v;
    uint64_t q;
    memcpy(&q, buf, 8);
    switch (kind) {
    case K_STI: v = fpu_get(cpu, i->reg); break;
    case K_M32: v = f80_from_f32(&env, (uint32_t)q); break;
    case K_M64: v = f80_from_f64(&env, q); break;
    case K_M80: v = fpu_load_f80(buf); break;
    case K_I16: v = f80_from_i64((int16_t)q); break;
    case K_I32: v = f80_from_i64((int32_t)q); break;
    case K_I64: v = f80_from_i64((int64_t)q); break;
    default: v = f80_from_bcd((struct f80_bcd){q, (uint16_t)(buf[8] | buf[9] << 8)}); break;
    }
    /* An unmasked DE does not stop the load (host-checked): it is raised
     * after the push. */
    uint16_t de = env.flags & F80_DE;
    env.flags &= (uint16_t)~F80_DE;
    if (!fpu_commit(cpu, &env, &v, false))
        return;
    fpu_push(cpu, v);
    fpu_raise_flags(cpu, de);
}

/* Converts v to the memory format of kind in buf; env collects the exceptions. */
static void convert_out(struct f80_env *env, int kind, struct f80 v, uint8_t *buf)
{
    uint64_t q = 0;
    switch (kind) {
    case K_M32: q = f80_to_f32(env, v); break;
    case K_M64: q = f80_to_f64(env, v); break;
    case K_M80: fpu_store_f80(buf, v); return;
    case K_I16: q = (uint16_t)f80_to_i16(env, v); break;
    case K_I32: q = (uint32_t)f80_to_i32(env, v); break;
    case K_I64: q = (uint64_t)f80_to_i64(env, v); break;
    default: {
        struct f80_bcd b = f80_to_bcd(env, v);
        memcpy(buf, &b.lo, 8);
        buf[8] = (uint8_t)b.hi;
        buf[9] = (uint8_t)(b.hi >> 8);
        return;
    }
    }
    memcpy(buf, &q, 8);
}

/* A tiny result for an unmasked UE: the stored real is a denormal (exact tiny
 * results raise UE only when it is unmasked, SDM Vol. 1, 4.9.1.5). */
static bool tiny_real(int kind, const uint8_t *buf)
{
    uint64_t q;
    memcpy(&q, buf, 8);
    if (kind == K_M32)
        return ((q >> 23) & 0xFF) == 0 && (q & 0x7FFFFF) != 0;
    if (kind == K_M64)
        return ((q >> 52) & 0x7FF) == 0 && (q & 0xFFFFFFFFFFFFFu) != 0;
    return false;
}

/* FST/FSTP ST(i)/m32/m64, FSTP m80, FIST/FISTP m16/m32, FISTP m64, FBSTP.
 * cc: bits 0-2 enum fpu_kind, bit 3 pop. The memory write comes before any
 * state change, so a page fault leaves the FPU as it was. */
void fpu_op_store(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    int kind = i->cc & 7;
    bool pop = (i->cc & 8) != 0;
    struct f80_env env = fpu_env(cpu);
    uint8_t buf[10] = {0};
    if (fpu_empty(cpu, 0)) {
        if (!(cpu->fpu.cw & F80_IE)) {
            fpu_note(cpu, i);
            fpu_stack_fault(cpu, false);
            return;
        }
        /* Masked underflow: the indefinite of the destination format (written
         * first: a fault there leaves the FPU untouched). */
        struct f80_env scratch = env;
        if (kind != K_STI) {
            convert_out(&scratch, kind, F80_INDEFINITE, buf);
            fpu_write_op(cpu, i, buf, kind_size[kind]);
        }
        fpu_note(cpu, i);
        if (kind == K_STI)
            fpu_set(cpu, i->reg, F80_INDEFINITE);
        fpu_stack_fault(cpu, false);
        if (pop)
            fpu_pop(cpu);
        return;
    }
    struct f80 v = fpu_get(cpu, 0);
    if (kind == K_STI) {
        fpu_note(cpu, i);
        cpu->fpu.sw &= (uint16_t)~FPU_SW_C1;
        fpu_set(cpu, i->reg, v);
        if (pop)
            fpu_pop(cpu);
        return;
    }
    convert_out(&env, kind, v, buf);
    uint16_t mask = cpu->fpu.cw & FPU_SW_EXC;
    uint16_t flags = env.flags;
    /* Unmasked IE, OE or UE: nothing is stored and the stack is not popped
     * (SDM Vol. 1, 4.9.1.4, 4.9.1.5, 8.5.4, 8.5.5). */
    uint16_t block = flags & (F80_IE | F80_OE | F80_UE | F80_DE);
    if (!(mask & F80_UE) && tiny_real(kind, buf))
        block |= F80_UE;
    if (block & ~mask) {
        fpu_note(cpu, i);
        cpu->fpu.sw = (uint16_t)((cpu->fpu.sw & ~FPU_SW_C1) | (block & ~mask) | (flags & F80_IE));
        fpu_update_es(cpu);
        return;
    }
    fpu_write_op(cpu, i, buf, kind_size[kind]);
    fpu_note(cpu, i);
    cpu->fpu.sw = (uint16_t)((cpu->fpu.sw & ~FPU_SW_C1) | (flags & (FPU_SW_EXC | FPU_SW_C1)));
    fpu_update_es(cpu);
    if (pop)
        fpu_pop(cpu);
}

/* The constants to 128 bits (significand with its integer bit, then 64 more),
 * rounded per RC to 64 bits (SDM Vol. 1, 8.3.8: the x87 rounds its internal
 * constants per RC; they are all positive). */
static const struct {
    uint16_t se;
    uint64_t hi, lo;
} constants[7] = {
    {0x3FFF, 0x8000000000000000u, 0},                   /* FLD1 */
    {0x4000, 0xD49A784BCD1B8AFEu, 0x492BF6FF4DAFDB4Cu}, /* FLDL2T: log2(10) */
    {0x3FFF, 0xB8AA3B295C17F0BBu, 0xBE87FED0691D3E88u}, /* FLDL2E: log2(e) */
    {0x4000, 0xC90FDAA22168C234u, 0xC4C6628B80DC1CD1u}, /* FLDPI */
    {0x3FFD, 0x9A209A84FBCFF798u, 0x8F8959AC0B7C9178u}, /* FLDLG2: log10(2) */
    {0x3FFE, 0xB17217F7D1CF79ABu, 0xC9E3B39803F2F6AFu}, /* FLDLN2: ln(2) */
    {0, 0, 0},                                          /* FLDZ */
};

void fpu_op_const(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    if (!fpu_empty(cpu, 7)) {
        if (fpu_stack_fault(cpu, true))
            fpu_push(cpu, F80_INDEFINITE);
        return;
    }
    uint64_t m = constants[i->cc].hi, rest = constants[i->cc].lo;
    int rc = (cpu->fpu.cw >> FPU_CW_RC_SHIFT) & 3;
    /* No mantissa here is all ones, so rounding up never carries out. */
    if ((rc == F80_RC_NEAREST && rest >= 0x8000000000000000u) || (rc == F80_RC_UP && rest))
        m++;
    cpu->fpu.sw &= (uint16_t)~FPU_SW_C1;
    fpu_push(cpu, (struct f80){m, constants[i->cc].se});
}

/* FXCH ST(i): an empty operand is an underflow; masked, it becomes the indefinite
 * first (SDM Vol. 2, FXCH). */
void fpu_op_fxch(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    bool e0 = fpu_empty(cpu, 0), ei = fpu_empty(cpu, i->reg);
    if (e0 || ei) {
        if (!fpu_stack_fault(cpu, false))
            return;
        if (e0)
            fpu_set(cpu, 0, F80_INDEFINITE);
        if (ei)
            fpu_set(cpu, i->reg, F80_INDEFINITE);
    } else {
        cpu->fpu.sw &= (uint16_t)~FPU_SW_C1;
    }
    struct f80 a = fpu_get(cpu, 0), b = fpu_get(cpu, i->reg);
    fpu_set(cpu, 0, b);
    fpu_set(cpu, i->reg, a);
}

/* FCMOVcc ST(0), ST(i); cc is the Jcc condition number. */
void fpu_op_fcmov(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    if (fpu_empty(cpu, 0) || fpu_empty(cpu, i->reg)) {
        /* Masked response as Bochs models it: ST(0) becomes the indefinite
         * whatever the condition. */
        if (fpu_stack_fault(cpu, false))
            fpu_set(cpu, 0, F80_INDEFINITE);
        return;
    }
    /* C1 is kept (the SDM leaves it undefined; the host keeps it). */
    if (cond_true(cpu, i->cc))
        fpu_set(cpu, 0, fpu_get(cpu, i->reg));
}

/* cc: 0 FINCSTP, 1 FDECSTP, 2 FFREE ST(i), 3 FFREEP ST(i) (DF C0+i: frees and pops,
 * undocumented but present on P6). */
void fpu_op_stack(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
    switch (i->cc) {
    case 0:
        cpu->fpu.top = (cpu->fpu.top + 1) & 7;
        cpu->fpu.sw &= (uint16_t)~FPU_SW_C1;
        break;
    case 1:
        cpu->fpu.top = (cpu->fpu.top - 1) & 7;
        cpu->fpu.sw &= (uint16_t)~FPU_SW_C1;
        break;
    /* FFREE: C1 cleared like the other stack operations (the SDM leaves C0-C3
     * undefined; the host clears C1). */
    case 2:
        fpu_set_empty(cpu, i->reg);
        cpu->fpu.sw &= (uint16_t)~FPU_SW_C1;
        break;
    default:
        fpu_set_empty(cpu, i->reg);
        cpu->fpu.sw &= (uint16_t)~FPU_SW_C1;
        fpu_pop(cpu);
        break;
    }
}

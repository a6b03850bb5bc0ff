/* The x87 family: decoding (by opcode byte and ModRM, the way the SDM's opcode map
 * for D8-DF lists them, Vol. 2, A.5) and the machinery every x87 instruction shares:
 * #NM, pending exceptions (#MF or FERR#), the stack, exception bookkeeping and
 * memory operands. Handlers are in ops_fpu_arith.c, ops_fpu_move.c, ops_fpu_env.c. */
#include "cpu/ops_fpu.h"

#include "cpu/ops.h"

/* --- entry checks --- */

/* SDM Vol. 3, 2.5 and table 2-2: with CR0.EM or CR0.TS set every ESC instruction
 * raises #NM (bt86 has no emulation path for EM). */
void fpu_enter_nowait(struct cpu *cpu)
{
    if (cpu->cr[0] & (CR0_EM | CR0_TS))
        cpu_raise(cpu, EXC_NM, NO_ERROR_CODE);
}

static void fpu_set_ferr(struct cpu *cpu, bool level)
{
    if (cpu->fpu.ferr == level)
        return;
    cpu->fpu.ferr = level;
    if (cpu->bus.ferr)
        cpu->bus.ferr(cpu->bus.opaque, level);
}

/* A waiting instruction with an unmasked exception pending (ES set): #MF when
 * CR0.NE=1 (SDM Vol. 1, 8.7 and Vol. 3, 6.15 "Interrupt 16"); else the PC way,
 * FERR# to IRQ 13 (SDM Vol. 1, D.2.1). A P6 would then freeze at this instruction
 * until the interrupt; bt86 behaves as if IGNNE# were asserted right away (as QEMU
 * and Bochs do): the instruction runs, and the interrupt controller's INTR (raised
 * by the board from FERR#) is taken at the end of the block. */
void fpu_check_pending(struct cpu *cpu)
{
    if (!(cpu->fpu.sw & FPU_SW_ES))
        return;
    if (cpu->cr[0] & CR0_NE)
        cpu_raise(cpu, EXC_MF, NO_ERROR_CODE);
    fpu_set_ferr(cpu, true);
}

void fpu_enter(struct cpu *cpu)
{
    fpu_enter_nowait(cpu);
    fpu_check_pending(cpu);
}

/* SDM Vol. 1, 8.1.8: every non-control instruction records its CS:EIP and opcode,
 * and its memory operand's segment and offset if it has one. */
void fpu_note(struct cpu *cpu, const struct insn *i)
{
    struct fpu *f = &cpu->fpu;
    f->fip = insn_eip(cpu, i);
    f->fcs = cpu->seg[SEG_CS].sel;
    f->fop = (uint16_t)i->imm;
    if (i->flags & INSN_MEM) {
        f->fdp = insn_ea(cpu, i);
        f->fds = cpu->seg[i->seg].sel;
    }
}

/* --- the stack --- */

static void fpu_set_tag(struct cpu *cpu, int phys, unsigned tag)
{
    cpu->fpu.tag = (uint16_t)((cpu->fpu.tag & ~(3u << (2 * phys))) | (tag << (2 * phys)));
}

void fpu_set(struct cpu *cpu, int n, struct f80 v)
{
    int p = fpu_phys(cpu, n);
    cpu->fpu.reg[p] = v;
    fpu_set_tag(cpu, p, fpu_tag_for(v));
}

void fpu_set_empty(struct cpu *cpu, int n)
{
    fpu_set_tag(cpu, fpu_phys(cpu, n), FPU_TAG_EMPTY);
}

void fpu_pop(struct cpu *cpu)
{
    fpu_set_empty(cpu, 0);
    cpu->fpu.top = (cpu->fpu.top + 1) & 7;
}

void fpu_push(struct cpu *cpu, struct f80 v)
{
    cpu->fpu.top = (cpu->fpu.top - 1) & 7;
    fpu_set(cpu, 0, v);
}

struct f80_env fpu_env(const struct cpu *cpu)
{
    struct f80_env env = {0};
    env.rc = (cpu->fpu.cw >> FPU_CW_RC_SHIFT) & 3;
    env.pc = (cpu->fpu.cw >> FPU_CW_PC_SHIFT) & 3;
    return env;
}

/* --- exceptions --- */

void fpu_update_es(struct cpu *cpu)
{
    if (cpu->fpu.sw & ~cpu->fpu.cw & FPU_SW_EXC)
        cpu->fpu.sw |= FPU_SW_ES | FPU_SW_B;
}

void fpu_clear_es(struct cpu *cpu)
{
    cpu->fpu.sw &= (uint16_t) ~(FPU_SW_ES | FPU_SW_B);
    fpu_set_ferr(cpu, false);
}

void fpu_raise_flags(struct cpu *cpu, uint16_t flags)
{
    cpu->fpu.sw |= flags & FPU_SW_EXC;
    fpu_update_es(cpu);
}

/* SDM Vol. 1, 8.5.1.1: IE with SF; C1 tells overflow (1) from underflow (0). */
bool fpu_stack_fault(struct cpu *cpu, bool overflow)
{
    struct fpu *f = &cpu->fpu;
    f->sw = (uint16_t)((f->sw & ~FPU_SW_C1) | F80_IE | FPU_SW_SF | (overflow ? FPU_SW_C1 : 0));
    fpu_update_es(cpu);
    return (f->cw & F80_IE) != 0;
}

bool fpu_commit(struct cpu *cpu, struct f80_env *env, struct f80 *res, bool to_memory)
{
    struct fpu *f = &cpu->fpu;
    uint16_t flags = env->flags;
    uint16_t mask = f->cw & FPU_SW_EXC;
    /* IE, DE and ZE are detected before the operation: unmasked, nothing is
     * delivered (SDM Vol. 1, 4.9.2). */
    uint16_t pre = flags & (F80_IE | F80_DE | F80_ZE);
    if (pre & ~mask) {
        f->sw = (uint16_t)((f->sw & ~FPU_SW_C1) | pre);
        fpu_update_es(cpu);
        return false;
    }
    if (env->has_wrapped) {
        bool over = (env->wrapped_flags & F80_OE) != 0;
        if (!(mask & (over ? F80_OE : F80_UE))) {
            if (to_memory) {
                f->sw = (uint16_t)((f->sw & ~FPU_SW_C1) | pre | (over ? F80_OE : F80_UE));
                fpu_update_es(cpu);
                return false;
            }
            *res = env->wrapped;
            flags = (uint16_t)((flags & ~(F80_OE | F80_UE | F80_PE | F80_C1)) | env->wrapped_flags);
        }
    }
    f->sw = (uint16_t)((f->sw & ~FPU_SW_C1) | (flags & (FPU_SW_EXC | FPU_SW_C1)));
    fpu_update_es(cpu);
    return true;
}

/* --- memory --- */

/* Intel SDM Vol. 3, table 6-7: the alignment #AC asks of an x87 memory operand,
 * told apart by its size: m16 and m32 their size, m64 and the 80-bit values (real
 * and packed BCD) 8, the FSTENV/FSAVE images 2 or 4 by operand size (14 and 94
 * bytes with a 16-bit operand, 28 and 108 with a 32-bit one), and the FXSAVE area
 * 16 (fx_check raises #GP before any access when it is not). */
static uint32_t operand_align(int n)
{
    switch (n) {
    case 2:
    case 14:
    case 94: return 2;
    case 4:
    case 28:
    case 108: return 4;
    case 8:
    case 10: return 8;
    default: return 16;
    }
}

/* The operand moves in dword pieces, or word pieces when its alignment is only 2,
 * so that no piece of an operand aligned as table 6-7 asks is itself misaligned. */
void fpu_read_mem(struct cpu *cpu, int seg, uint32_t off, void *buf, int n)
{
    uint8_t *b = buf;
    uint32_t align = operand_align(n);
    int step = align == 2 ? 2 : 4;
    int k = 0;
    for (; k + step <= n; k += step) {
        uint32_t v = mem_read(cpu, seg, off + (uint32_t)k, step);
        memcpy(b + k, &v, (size_t)step);
    }
    for (; k < n; k += 2) {
        uint32_t v = mem_read(cpu, seg, off + (uint32_t)k, 2);
        memcpy(b + k, &v, 2);
    }
    /* Last, as #AC ranks below the pieces' #GP and #PF (table 6-2). */
    mem_check_alignment(cpu, cpu->seg[seg].base + off, align);
}

void fpu_write_mem(struct cpu *cpu, int seg, uint32_t off, const void *buf, int n)
{
    const uint8_t *b = buf;
    uint32_t align = operand_align(n);
    int step = align == 2 ? 2 : 4;
    mem_probe_write(cpu, seg, off, n);
    mem_check_alignment(cpu, cpu->seg[seg].base + off, align);
    int k = 0;
    for (; k + step <= n; k += step) {
        uint32_t v = 0;
        memcpy(&v, b + k, (size_t)step);
        mem_write(cpu, seg, off + (uint32_t)k, v, step);
    }
    for (; k < n; k += 2) {
        uint32_t v = 0;
        memcpy(&v, b + k, 2);
        mem_write(cpu, seg, off + (uint32_t)k, v, 2);
    }
}

void fpu_read_op(struct cpu *cpu, const struct insn *i, void *buf, int n)
{
    fpu_read_mem(cpu, i->seg, insn_ea(cpu, i), buf, n);
}

void fpu_write_op(struct cpu *cpu, const struct insn *i, const void *buf, int n)
{
    fpu_write_mem(cpu, i->seg, insn_ea(cpu, i), buf, n);
}

struct f80 fpu_load_f80(const uint8_t *b)
{
    struct f80 v;
    memcpy(&v.mant, b, 8);
    v.se = (uint16_t)(b[8] | b[9] << 8);
    return v;
}

void fpu_store_f80(uint8_t *b, struct f80 v)
{
    memcpy(b, &v.mant, 8);
    b[8] = (uint8_t)v.se;
    b[9] = (uint8_t)(v.se >> 8);
}

/* --- decoding --- */

/* Register forms: op is ModRM.reg, rm the ST(i) or the sub-opcode. */
static insn_fn select_reg_form(struct insn *i, int opc, int op, int rm)
{
    i->reg = (uint8_t)rm;
    switch (opc) {
    case 0xD8:
        if (op == 2 || op == 3) { /* FCOM, FCOMP ST(i) */
            i->cc = (uint8_t)((op - 2) | FPU_SRC_STI << 3);
            return fpu_op_compare;
        }
        i->cc = (uint8_t)(op | FPU_SRC_STI << 3);
        return fpu_op_arith;
    case 0xDC:
    case 0xDE: {
        bool pop = opc == 0xDE;
        if (op == 2) { /* FCOM2 / FCOMP5 aliases (P6 executes them as FCOM/FCOMP) */
            i->cc = (uint8_t)(pop ? 1 : 0);
            return fpu_op_compare;
        }
        if (op == 3) {
            if (!pop) { /* DC D8+i: FCOMP3 alias */
                i->cc = 1;
                return fpu_op_compare;
            }
            if (rm != 1)
                return NULL;
            i->cc = 2; /* FCOMPP */
            return fpu_op_compare;
        }
        /* ST(i) is the destination: the SUB/SUBR and DIV/DIVR encodings swap
         * (SDM Vol. 2, FSUB: DC E8+i is FSUB ST(i), ST(0)). */
        if (op >= 4)
            op ^= 1;
        i->cc = (uint8_t)(op | FPU_SRC_ST0 << 3 | (pop ? 0x40 : 0));
        return fpu_op_arith;
    }
    case 0xD9:
        switch (op) {
        case 0: i->cc = 0; return fpu_op_load; /* FLD ST(i) */
        case 1: return fpu_op_fxch;
        case 2: return rm == 0 ? fpu_op_fnop : NULL;
        case 3: i->cc = 0x08; return fpu_op_store; /* FSTP1 alias */
        case 4:
            switch (rm) {
            case 0: i->cc = 0; return fpu_op_unary; /* FCHS */
            case 1: i->cc = 1; return fpu_op_unary; /* FABS */
            case 4:
                i->reg = 0;
                i->cc = FPU_SRC_ZERO << 3;
                return fpu_op_compare; /* FTST */
            case 5: return fpu_op_fxam;
            default: return NULL;
            }
        case 5:
            if (rm == 7)
                return NULL;
            i->cc = (uint8_t)rm;
            return fpu_op_const;
        case 6:
            switch (rm) {
            case 4: return fpu_op_fxtract;
            case 5: i->cc = 1; return fpu_op_binary_st01; /* FPREM1 */
            case 6: i->cc = 1; return fpu_op_stack;       /* FDECSTP */
            case 7: i->cc = 0; return fpu_op_stack;       /* FINCSTP */
            default: return fpu_select_trans(i, op, rm);  /* F2XM1 FYL2X FPTAN FPATAN */
            }
        default:
            switch (rm) {
            case 0: i->cc = 0; return fpu_op_binary_st01; /* FPREM */
            case 2: i->cc = 2; return fpu_op_unary;       /* FSQRT */
            case 4: i->cc = 3; return fpu_op_unary;       /* FRNDINT */
            case 5: i->cc = 2; return fpu_op_binary_st01; /* FSCALE */
            default: return fpu_select_trans(i, op, rm);  /* FYL2XP1 FSINCOS FSIN FCOS */
            }
        }
    case 0xDA:
        if (op < 4) {
            static const uint8_t cc[4] = {2, 4, 6, 10}; /* B E BE U (Jcc numbering) */
            i->cc = cc[op];
            return fpu_op_fcmov;
        }
        if (op == 5 && rm == 1) {
            i->cc = 2 | 4; /* FUCOMPP */
            return fpu_op_compare;
        }
        return NULL;
    case 0xDB:
        if (op < 4) {
            static const uint8_t cc[4] = {3, 5, 7, 11}; /* NB NE NBE NU */
            i->cc = cc[op];
            return fpu_op_fcmov;
        }
        if (op == 4) {
            switch (rm) {
            case 2: return fpu_op_fnclex;
            case 3: return fpu_op_fninit;
            /* FENI, FDISI, FSETPM: 8087/287 controls, no-ops since the 387 */
            case 0:
            case 1:
            case 4: return fpu_op_fnop;
            default: return NULL;
            }
        }
        if (op == 5 || op == 6) { /* FUCOMI, FCOMI */
            i->cc = (uint8_t)((op == 5 ? 4 : 0) | 0x40);
            return fpu_op_compare;
        }
        return NULL;
    case 0xDD:
        switch (op) {
        case 0: i->cc = 2; return fpu_op_stack;   /* FFREE */
        case 1: return fpu_op_fxch;               /* FXCH4 alias */
        case 2: i->cc = 0; return fpu_op_store;   /* FST ST(i) */
        case 3: i->cc = 8; return fpu_op_store;   /* FSTP ST(i) */
        case 4: i->cc = 4; return fpu_op_compare; /* FUCOM */
        case 5: i->cc = 5; return fpu_op_compare; /* FUCOMP */
        default: return NULL;
        }
    default: /* 0xDF */
        switch (op) {
        case 0: i->cc = 3; return fpu_op_stack; /* FFREEP */
        case 1: return fpu_op_fxch;             /* FXCH7 alias */
        case 2:
        case 3: i->cc = 8; return fpu_op_store; /* FSTP8, FSTP9 aliases */
        case 4:
            if (rm != 0)
                return NULL;
            i->cc = 1; /* FNSTSW AX */
            return fpu_op_fnstsw;
        case 5: i->cc = 1 | 4 | 0x40; return fpu_op_compare; /* FUCOMIP */
        case 6: i->cc = 1 | 0x40; return fpu_op_compare;     /* FCOMIP */
        default: return NULL;
        }
    }
}

/* Memory forms. */
static insn_fn select_mem_form(struct insn *i, int opc, int op)
{
    switch (opc) {
    case 0xD8:
    case 0xDA:
    case 0xDC:
    case 0xDE: {
        static const uint8_t src[4] = {FPU_SRC_M32, FPU_SRC_I32, FPU_SRC_M64, FPU_SRC_I16};
        uint8_t s = src[(opc - 0xD8) / 2];
        if (op == 2 || op == 3) { /* FCOM(P), FICOM(P) */
            i->cc = (uint8_t)((op - 2) | s << 3);
            return fpu_op_compare;
        }
        i->cc = (uint8_t)(op | s << 3);
        return fpu_op_arith;
    }
    case 0xD9:
        switch (op) {
        case 0: i->cc = 1; return fpu_op_load;  /* FLD m32 */
        case 2: i->cc = 1; return fpu_op_store; /* FST m32 */
        case 3: i->cc = 9; return fpu_op_store; /* FSTP m32 */
        case 4: return fpu_op_fldenv;
        case 5: return fpu_op_fldcw;
        case 6: return fpu_op_fnstenv;
        case 7: return fpu_op_fnstcw;
        default: return NULL;
        }
    case 0xDB:
        switch (op) {
        case 0: i->cc = 5; return fpu_op_load;   /* FILD m32 */
        case 2: i->cc = 5; return fpu_op_store;  /* FIST m32 */
        case 3: i->cc = 13; return fpu_op_store; /* FISTP m32 */
        case 5: i->cc = 3; return fpu_op_load;   /* FLD m80 */
        case 7: i->cc = 11; return fpu_op_store; /* FSTP m80 */
        default: return NULL;                    /* 1: FISTTP is SSE3, not on a P6 */
        }
    case 0xDD:
        switch (op) {
        case 0: i->cc = 2; return fpu_op_load;   /* FLD m64 */
        case 2: i->cc = 2; return fpu_op_store;  /* FST m64 */
        case 3: i->cc = 10; return fpu_op_store; /* FSTP m64 */
        case 4: return fpu_op_frstor;
        case 6: return fpu_op_fnsave;
        case 7: i->cc = 0; return fpu_op_fnstsw;
        default: return NULL;
        }
    default: /* 0xDF */
        switch (op) {
        case 0: i->cc = 4; return fpu_op_load;   /* FILD m16 */
        case 2: i->cc = 4; return fpu_op_store;  /* FIST m16 */
        case 3: i->cc = 12; return fpu_op_store; /* FISTP m16 */
        case 4: i->cc = 7; return fpu_op_load;   /* FBLD */
        case 5: i->cc = 6; return fpu_op_load;   /* FILD m64 */
        case 6: i->cc = 15; return fpu_op_store; /* FBSTP */
        case 7: i->cc = 14; return fpu_op_store; /* FISTP m64 */
        default: return NULL;
        }
    }
}

static const ZydisDecodedOperand *mem_operand(const struct decoded *d)
{
    for (int n = 0; n < d->z.operand_count; n++)
        if (d->ops[n].type == ZYDIS_OPERAND_TYPE_MEMORY)
            return &d->ops[n];
    return NULL;
}

/* The 16/32-bit format of FLDENV, FNSTENV, FRSTOR, FNSAVE follows the operand
 * size (SDM Vol. 1, 8.1.10). */
static void set_osize(struct insn *i, const struct decoded *d)
{
    bool o32 = (d->mode & MODE_CODE32) != 0;
    if (d->z.attributes & ZYDIS_ATTRIB_HAS_OPERANDSIZE)
        o32 = !o32;
    i->osize = o32 ? 4 : 2;
}

static bool select_fpu(struct insn *i, struct decoded *d)
{
    const ZydisDecodedInstruction *z = &d->z;
    if (z->mnemonic == ZYDIS_MNEMONIC_FWAIT) {
        i->fn = fpu_op_fwait;
        return true;
    }
    const ZydisDecodedOperand *m = mem_operand(d);
    if (z->mnemonic == ZYDIS_MNEMONIC_FXSAVE || z->mnemonic == ZYDIS_MNEMONIC_FXRSTOR) {
        if (!m)
            return false;
        decode_mem_operand(i, m);
        i->fn = z->mnemonic == ZYDIS_MNEMONIC_FXSAVE ? fpu_op_fxsave : fpu_op_fxrstor;
        return true;
    }
    int opc = z->opcode;
    if (z->opcode_map != ZYDIS_OPCODE_MAP_DEFAULT || opc < 0xD8 || opc > 0xDF)
        return false;
    int mod = z->raw.modrm.mod, op = z->raw.modrm.reg, rm = z->raw.modrm.rm;
    i->imm = (uint32_t)((opc & 7) << 8 | mod << 6 | op << 3 | rm);
    set_osize(i, d);
    insn_fn fn;
    if (mod == 3) {
        fn = select_reg_form(i, opc, op, rm);
    } else {
        if (!m)
            return false;
        decode_mem_operand(i, m);
        fn = select_mem_form(i, opc, op);
    }
    if (!fn)
        return false;
    i->fn = fn;
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_FABS, select_fpu},          {ZYDIS_MNEMONIC_FADD, select_fpu},
    {ZYDIS_MNEMONIC_FADDP, select_fpu},         {ZYDIS_MNEMONIC_FBLD, select_fpu},
    {ZYDIS_MNEMONIC_FBSTP, select_fpu},         {ZYDIS_MNEMONIC_FCHS, select_fpu},
    {ZYDIS_MNEMONIC_FCMOVB, select_fpu},        {ZYDIS_MNEMONIC_FCMOVBE, select_fpu},
    {ZYDIS_MNEMONIC_FCMOVE, select_fpu},        {ZYDIS_MNEMONIC_FCMOVNB, select_fpu},
    {ZYDIS_MNEMONIC_FCMOVNBE, select_fpu},      {ZYDIS_MNEMONIC_FCMOVNE, select_fpu},
    {ZYDIS_MNEMONIC_FCMOVNU, select_fpu},       {ZYDIS_MNEMONIC_FCMOVU, select_fpu},
    {ZYDIS_MNEMONIC_FCOM, select_fpu},          {ZYDIS_MNEMONIC_FCOMI, select_fpu},
    {ZYDIS_MNEMONIC_FCOMIP, select_fpu},        {ZYDIS_MNEMONIC_FCOMP, select_fpu},
    {ZYDIS_MNEMONIC_FCOMPP, select_fpu},        {ZYDIS_MNEMONIC_FDECSTP, select_fpu},
    {ZYDIS_MNEMONIC_FDISI8087_NOP, select_fpu}, {ZYDIS_MNEMONIC_FDIV, select_fpu},
    {ZYDIS_MNEMONIC_FDIVP, select_fpu},         {ZYDIS_MNEMONIC_FDIVR, select_fpu},
    {ZYDIS_MNEMONIC_FDIVRP, select_fpu},        {ZYDIS_MNEMONIC_FENI8087_NOP, select_fpu},
    {ZYDIS_MNEMONIC_FFREE, select_fpu},         {ZYDIS_MNEMONIC_FFREEP, select_fpu},
    {ZYDIS_MNEMONIC_FIADD, select_fpu},         {ZYDIS_MNEMONIC_FICOM, select_fpu},
    {ZYDIS_MNEMONIC_FICOMP, select_fpu},        {ZYDIS_MNEMONIC_FIDIV, select_fpu},
    {ZYDIS_MNEMONIC_FIDIVR, select_fpu},        {ZYDIS_MNEMONIC_FILD, select_fpu},
    {ZYDIS_MNEMONIC_FIMUL, select_fpu},         {ZYDIS_MNEMONIC_FINCSTP, select_fpu},
    {ZYDIS_MNEMONIC_FIST, select_fpu},          {ZYDIS_MNEMONIC_FISTP, select_fpu},
    {ZYDIS_MNEMONIC_FISUB, select_fpu},         {ZYDIS_MNEMONIC_FISUBR, select_fpu},
    {ZYDIS_MNEMONIC_FLD, select_fpu},           {ZYDIS_MNEMONIC_FLD1, select_fpu},
    {ZYDIS_MNEMONIC_FLDCW, select_fpu},         {ZYDIS_MNEMONIC_FLDENV, select_fpu},
    {ZYDIS_MNEMONIC_FLDL2E, select_fpu},        {ZYDIS_MNEMONIC_FLDL2T, select_fpu},
    {ZYDIS_MNEMONIC_FLDLG2, select_fpu},        {ZYDIS_MNEMONIC_FLDLN2, select_fpu},
    {ZYDIS_MNEMONIC_FLDPI, select_fpu},         {ZYDIS_MNEMONIC_FLDZ, select_fpu},
    {ZYDIS_MNEMONIC_FMUL, select_fpu},          {ZYDIS_MNEMONIC_FMULP, select_fpu},
    {ZYDIS_MNEMONIC_FNCLEX, select_fpu},        {ZYDIS_MNEMONIC_FNINIT, select_fpu},
    {ZYDIS_MNEMONIC_FNOP, select_fpu},          {ZYDIS_MNEMONIC_FNSAVE, select_fpu},
    {ZYDIS_MNEMONIC_FNSTCW, select_fpu},        {ZYDIS_MNEMONIC_FNSTENV, select_fpu},
    {ZYDIS_MNEMONIC_FNSTSW, select_fpu},        {ZYDIS_MNEMONIC_FPREM, select_fpu},
    {ZYDIS_MNEMONIC_FPREM1, select_fpu},        {ZYDIS_MNEMONIC_FRNDINT, select_fpu},
    {ZYDIS_MNEMONIC_FRSTOR, select_fpu},        {ZYDIS_MNEMONIC_FSCALE, select_fpu},
    {ZYDIS_MNEMONIC_FSETPM287_NOP, select_fpu}, {ZYDIS_MNEMONIC_FSQRT, select_fpu},
    {ZYDIS_MNEMONIC_FST, select_fpu},           {ZYDIS_MNEMONIC_FSTP, select_fpu},
    {ZYDIS_MNEMONIC_FSTPNCE, select_fpu},       {ZYDIS_MNEMONIC_FSUB, select_fpu},
    {ZYDIS_MNEMONIC_FSUBP, select_fpu},         {ZYDIS_MNEMONIC_FSUBR, select_fpu},
    {ZYDIS_MNEMONIC_FSUBRP, select_fpu},        {ZYDIS_MNEMONIC_FTST, select_fpu},
    {ZYDIS_MNEMONIC_FUCOM, select_fpu},         {ZYDIS_MNEMONIC_FUCOMI, select_fpu},
    {ZYDIS_MNEMONIC_FUCOMIP, select_fpu},       {ZYDIS_MNEMONIC_FUCOMP, select_fpu},
    {ZYDIS_MNEMONIC_FUCOMPP, select_fpu},       {ZYDIS_MNEMONIC_FWAIT, select_fpu},
    {ZYDIS_MNEMONIC_FXAM, select_fpu},          {ZYDIS_MNEMONIC_FXCH, select_fpu},
    {ZYDIS_MNEMONIC_FXRSTOR, select_fpu},       {ZYDIS_MNEMONIC_FXSAVE, select_fpu},
    {ZYDIS_MNEMONIC_FXTRACT, select_fpu},       {ZYDIS_MNEMONIC_F2XM1, select_fpu},
    {ZYDIS_MNEMONIC_FYL2X, select_fpu},         {ZYDIS_MNEMONIC_FYL2XP1, select_fpu},
    {ZYDIS_MNEMONIC_FPTAN, select_fpu},         {ZYDIS_MNEMONIC_FPATAN, select_fpu},
    {ZYDIS_MNEMONIC_FSIN, select_fpu},          {ZYDIS_MNEMONIC_FCOS, select_fpu},
    {ZYDIS_MNEMONIC_FSINCOS, select_fpu},
};

SELECT_TABLE(ops_fpu_table, entries);

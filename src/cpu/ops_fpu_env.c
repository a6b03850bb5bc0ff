/* x87 control instructions and state images: FNINIT FNCLEX FLDCW FNSTCW FNSTSW
 * FLDENV FNSTENV FNSAVE FRSTOR FXSAVE FXRSTOR FWAIT FNOP (SDM Vol. 2; image
 * layouts from SDM Vol. 1, 8.1.10 figures 8-9 to 8-12 and Vol. 2, FXSAVE table 3-53).
 *
 * Reserved halves of the 32-bit environment images are written as ones, as the
 * host (and Bochs' model of Intel parts) does; the FOP dword keeps bits 27-31 zero. */
#include "cpu/ops_fpu.h"

#include <string.h>

static void put16(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, uint32_t v)
{
    put16(b, v);
    put16(b + 2, v >> 16);
}

static uint32_t get16(const uint8_t *b)
{
    return (uint32_t)(b[0] | b[1] << 8);
}

static uint32_t get32(const uint8_t *b)
{
    return get16(b) | get16(b + 2) << 16;
}

/* Real-address and virtual-8086 mode use the real-mode layouts (SDM Vol. 1,
 * 8.1.10), where the pointers are 20/32-bit linear addresses. */
static bool real_layout(const struct cpu *cpu)
{
    return !(cpu->cr[0] & CR0_PE) || (cpu->eflags & FLAG_VM);
}

/* The tag word as FSTENV/FSAVE store it: empty from the tag, the rest recomputed
 * from the register contents (SDM Vol. 1, 8.1.7). */
static uint16_t full_tags(const struct cpu *cpu)
{
    uint16_t t = 0;
    for (int p = 0; p < 8; p++) {
        unsigned tag = (cpu->fpu.tag >> (2 * p)) & 3;
        if (tag != FPU_TAG_EMPTY)
            tag = fpu_tag_for(cpu->fpu.reg[p]);
        t |= (uint16_t)(tag << (2 * p));
    }
    return t;
}

/* Sets the tags from a loaded tag word: only "empty" is taken from it. */
static void load_tags(struct cpu *cpu, uint16_t tw)
{
    uint16_t t = 0;
    for (int p = 0; p < 8; p++) {
        unsigned tag = (tw >> (2 * p)) & 3;
        if (tag != FPU_TAG_EMPTY)
            tag = fpu_tag_for(cpu->fpu.reg[p]);
        t |= (uint16_t)(tag << (2 * p));
    }
    cpu->fpu.tag = t;
}

/* ES and B follow the unmasked exception flags after a control word or status
 * word load (checked on the host: FRSTOR of a status word with ES but no
 * unmasked flag leaves ES clear). */
static void recompute_es(struct cpu *cpu)
{
    if (cpu->fpu.sw & ~cpu->fpu.cw & FPU_SW_EXC)
        cpu->fpu.sw |= FPU_SW_ES | FPU_SW_B;
    else
        fpu_clear_es(cpu);
}

static void load_sw(struct cpu *cpu, uint32_t sw)
{
    cpu->fpu.top = (sw >> FPU_SW_TOP_SHIFT) & 7;
    cpu->fpu.sw = (uint16_t)(sw & ~FPU_SW_TOP);
}

static void load_cw(struct cpu *cpu, uint32_t cw)
{
    cpu->fpu.cw = (uint16_t)((cw & FPU_CW_WRITABLE) | FPU_CW_FIXED1);
}

/* Writes the environment image (14 or 28 bytes) into b; returns its size. */
static int env_image(struct cpu *cpu, bool o32, uint8_t *b)
{
    const struct fpu *f = &cpu->fpu;
    uint32_t fop = f->fop & 0x7FF;
    if (!real_layout(cpu)) {
        if (o32) { /* figure 8-9 */
            put32(b + 0, 0xFFFF0000u | f->cw);
            put32(b + 4, 0xFFFF0000u | fpu_status_word(f));
            put32(b + 8, 0xFFFF0000u | full_tags(cpu));
            put32(b + 12, f->fip);
            put32(b + 16, f->fcs | fop << 16);
            put32(b + 20, f->fdp);
            put32(b + 24, 0xFFFF0000u | f->fds);
            return 28;
        }
        /* figure 8-11 */
        put16(b + 0, f->cw);
        put16(b + 2, fpu_status_word(f));
        put16(b + 4, full_tags(cpu));
        put16(b + 6, f->fip);
        put16(b + 8, f->fcs);
        put16(b + 10, f->fdp);
        put16(b + 12, f->fds);
        return 14;
    }
    uint32_t ip = ((uint32_t)f->fcs << 4) + f->fip, dp = ((uint32_t)f->fds << 4) + f->fdp;
    if (o32) { /* figure 8-10 */
        put32(b + 0, 0xFFFF0000u | f->cw);
        put32(b + 4, 0xFFFF0000u | fpu_status_word(f));
        put32(b + 8, 0xFFFF0000u | full_tags(cpu));
        put32(b + 12, 0xFFFF0000u | (ip & 0xFFFF));
        put32(b + 16, ((ip >> 16) & 0xFFFF) << 12 | fop);
        put32(b + 20, 0xFFFF0000u | (dp & 0xFFFF));
        put32(b + 24, ((dp >> 16) & 0xFFFF) << 12);
        return 28;
    }
    /* figure 8-12 */
    put16(b + 0, f->cw);
    put16(b + 2, fpu_status_word(f));
    put16(b + 4, full_tags(cpu));
    put16(b + 6, ip);
    put16(b + 8, ((ip >> 16) & 0xF) << 12 | fop);
    put16(b + 10, dp);
    put16(b + 12, ((dp >> 16) & 0xF) << 12);
    return 14;
}

/* Loads an environment image (the registers must already be in place for the
 * tags to be recomputed). */
static void load_env_image(struct cpu *cpu, bool o32, const uint8_t *b)
{
    struct fpu *f = &cpu->fpu;
    uint32_t tw;
    if (o32) {
        load_cw(cpu, get32(b));
        load_sw(cpu, get32(b + 4));
        tw = get32(b + 8);
    } else {
        load_cw(cpu, get16(b));
        load_sw(cpu, get16(b + 2));
        tw = get16(b + 4);
    }
    load_tags(cpu, (uint16_t)tw);
    if (!real_layout(cpu)) {
        if (o32) {
            f->fip = get32(b + 12);
            f->fcs = (uint16_t)get16(b + 16);
            f->fop = (uint16_t)((get32(b + 16) >> 16) & 0x7FF);
            f->fdp = get32(b + 20);
            f->fds = (uint16_t)get16(b + 24);
        } else {
            f->fip = get16(b + 6);
            f->fcs = (uint16_t)get16(b + 8);
            f->fop = 0;
            f->fdp = get16(b + 10);
            f->fds = (uint16_t)get16(b + 12);
        }
    } else {
        /* The linear pointers are kept as offsets with a zero selector. */
        f->fcs = f->fds = 0;
        if (o32) {
            f->fip = get16(b + 12) | ((get32(b + 16) >> 12) & 0xFFFF) << 16;
            f->fop = (uint16_t)(get32(b + 16) & 0x7FF);
            f->fdp = get16(b + 20) | ((get32(b + 24) >> 12) & 0xFFFF) << 16;
        } else {
            f->fip = get16(b + 6) | (get16(b + 8) >> 12) << 16;
            f->fop = (uint16_t)(get16(b + 8) & 0x7FF);
            f->fdp = get16(b + 10) | (get16(b + 12) >> 12) << 16;
        }
    }
    recompute_es(cpu);
}

void fpu_op_fninit(struct cpu *cpu, const struct insn *i)
{
    fpu_enter_nowait(cpu);
    fpu_init(&cpu->fpu);
    fpu_clear_es(cpu);
}

/* FNCLEX: clears the exception flags, SF, ES and B (SDM Vol. 2, FCLEX). */
void fpu_op_fnclex(struct cpu *cpu, const struct insn *i)
{
    fpu_enter_nowait(cpu);
    cpu->fpu.sw &= (uint16_t) ~(FPU_SW_EXC | FPU_SW_SF);
    fpu_clear_es(cpu);
}

void fpu_op_fldcw(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    uint32_t cw = mem_read(cpu, i->seg, insn_ea(cpu, i), 2);
    load_cw(cpu, cw);
    recompute_es(cpu);
}

void fpu_op_fnstcw(struct cpu *cpu, const struct insn *i)
{
    fpu_enter_nowait(cpu);
    mem_write(cpu, i->seg, insn_ea(cpu, i), cpu->fpu.cw, 2);
}

/* FNSTSW m16 (cc 0) and FNSTSW AX (cc 1). */
void fpu_op_fnstsw(struct cpu *cpu, const struct insn *i)
{
    fpu_enter_nowait(cpu);
    uint16_t sw = fpu_status_word(&cpu->fpu);
    if (i->cc)
        reg_write(cpu, REG_EAX, sw, 2);
    else
        mem_write(cpu, i->seg, insn_ea(cpu, i), sw, 2);
}

void fpu_op_fldenv(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    uint8_t b[28];
    bool o32 = i->osize == 4;
    fpu_read_op(cpu, i, b, o32 ? 28 : 14);
    load_env_image(cpu, o32, b);
}

/* FNSTENV stores the environment, then masks every exception (SDM Vol. 2,
 * FSTENV; checked on the host). */
void fpu_op_fnstenv(struct cpu *cpu, const struct insn *i)
{
    fpu_enter_nowait(cpu);
    uint8_t b[28];
    int n = env_image(cpu, i->osize == 4, b);
    fpu_write_op(cpu, i, b, n);
    cpu->fpu.cw |= FPU_SW_EXC;
}

/* FNSAVE: environment, ST(0)..ST(7), then FNINIT. */
void fpu_op_fnsave(struct cpu *cpu, const struct insn *i)
{
    fpu_enter_nowait(cpu);
    uint8_t b[108];
    int n = env_image(cpu, i->osize == 4, b);
    for (int k = 0; k < 8; k++)
        fpu_store_f80(b + n + 10 * k, fpu_get(cpu, k));
    fpu_write_op(cpu, i, b, n + 80);
    fpu_init(&cpu->fpu);
    fpu_clear_es(cpu);
}

void fpu_op_frstor(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    uint8_t b[108];
    bool o32 = i->osize == 4;
    int n = o32 ? 28 : 14;
    fpu_read_op(cpu, i, b, n + 80);
    /* The registers are stored in stack order: ST(k) is R((TOP + k) & 7) for the
     * TOP in the loaded status word. */
    uint32_t sw = o32 ? get32(b + 4) : get16(b + 2);
    int top = (sw >> FPU_SW_TOP_SHIFT) & 7;
    for (int k = 0; k < 8; k++)
        cpu->fpu.reg[(top + k) & 7] = fpu_load_f80(b + n + 10 * k);
    load_env_image(cpu, o32, b);
}

/* FXSAVE/FXRSTOR: 512 bytes, 16-byte aligned (#GP otherwise), x87 part only while
 * bt86 has no SSE: MXCSR, MXCSR_MASK and the XMM area are stored as zero and
 * ignored on load; bytes 464-511 are left to software (SDM Vol. 2, FXSAVE). Neither
 * checks for pending x87 exceptions. */
static void fx_check(struct cpu *cpu, const struct insn *i)
{
    fpu_enter_nowait(cpu);
    uint32_t linear = cpu->seg[i->seg].base + insn_ea(cpu, i);
    if (linear & 15)
        cpu_raise(cpu, EXC_GP, 0);
}

void fpu_op_fxsave(struct cpu *cpu, const struct insn *i)
{
    fx_check(cpu, i);
    const struct fpu *f = &cpu->fpu;
    uint8_t b[464];
    memset(b, 0, sizeof b);
    put16(b + 0, f->cw);
    put16(b + 2, fpu_status_word(f));
    uint8_t abridged = 0; /* bit n set: R(n) is not empty */
    for (int p = 0; p < 8; p++)
        if (((f->tag >> (2 * p)) & 3) != FPU_TAG_EMPTY)
            abridged |= (uint8_t)(1u << p);
    b[4] = abridged;
    put16(b + 6, f->fop & 0x7FF);
    put32(b + 8, f->fip);
    put16(b + 12, f->fcs);
    put32(b + 16, f->fdp);
    put16(b + 20, f->fds);
    for (int k = 0; k < 8; k++)
        fpu_store_f80(b + 32 + 16 * k, fpu_get(cpu, k));
    fpu_write_op(cpu, i, b, sizeof b);
}

void fpu_op_fxrstor(struct cpu *cpu, const struct insn *i)
{
    fx_check(cpu, i);
    uint8_t b[160];
    fpu_read_op(cpu, i, b, sizeof b);
    struct fpu *f = &cpu->fpu;
    load_cw(cpu, get16(b));
    load_sw(cpu, get16(b + 2));
    for (int k = 0; k < 8; k++)
        f->reg[(f->top + k) & 7] = fpu_load_f80(b + 32 + 16 * k);
    uint16_t tw = 0;
    for (int p = 0; p < 8; p++)
        if (!(b[4] & (1u << p)))
            tw |= (uint16_t)(FPU_TAG_EMPTY << (2 * p));
    load_tags(cpu, tw);
    f->fop = (uint16_t)(get16(b + 6) & 0x7FF);
    f->fip = get32(b + 8);
    f->fcs = (uint16_t)get16(b + 12);
    f->fdp = get32(b + 16);
    f->fds = (uint16_t)get16(b + 20);
    recompute_es(cpu);
}

/* WAIT/FWAIT (SDM Vol. 2, WAIT; Vol. 3, table 2-2): #NM only when CR0.MP and CR0.TS
 * are both set (what lazy FPU switching relies on), then pending exceptions. */
void fpu_op_fwait(struct cpu *cpu, const struct insn *i)
{
    if ((cpu->cr[0] & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        cpu_raise(cpu, EXC_NM, NO_ERROR_CODE);
    fpu_check_pending(cpu);
}

/* FNOP (and the 287 FENI/FDISI/FSETPM): a waiting no-op that records itself. */
void fpu_op_fnop(struct cpu *cpu, const struct insn *i)
{
    fpu_enter(cpu);
    fpu_note(cpu, i);
}

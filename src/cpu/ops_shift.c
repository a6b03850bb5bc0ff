/* Shifts and rotates (ROL ROR RCL RCR SHL/SAL SHR SAR) by 1, CL or imm8, and the
 * double shifts SHLD/SHRD (Intel SDM Vol. 2, "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR",
 * "SHLD", "SHRD"). Flags are computed eagerly.
 *
 * Choices where the SDM says "undefined" (what P6-and-later Intel CPUs do, as
 * modelled by Bochs; the AMD host agrees on the OF and CF rules):
 * - The count is masked to 5 bits first; a masked count of 0 changes nothing, not
 *   even the flags. A memory operand is still read and checked for writing.
 * - OF for counts above 1 uses the count-1 formula applied to the final result:
 *   SHL/ROL/RCL/SHLD: OF = CF ^ MSB(result); SHR/ROR/RCR/SHRD: OF = MSB(result) ^
 *   (MSB-1)(result) (which is MSB(original) for count 1); SAR: OF = 0.
 * - Rotates by a multiple of the width (ROL r8 by 8, RCL r8 by 9) with a nonzero
 *   masked count leave the value as it is but still set CF and OF by these rules.
 * - AF after SHL/SHR/SAR/SHLD/SHRD with a nonzero count is 0 (Intel clears it;
 *   AMD does not).
 * - CF of SHL/SHR with a count at or above the width is the last bit shifted out
 *   of the zero-extended operand, which is 0 beyond the width.
 * - SHLD/SHRD r/m16 with a count of 17-31: the operand is shifted as the 48-bit
 *   value dest:src:dest (SHLD) or the mirror of it (SHRD), so bits of the
 *   destination come back in, as on Intel P6+ (AMD instead repeats the source).
 *   CF is the last bit shifted out of that value, OF as above. */
#include "cpu/flags.h"
#include "cpu/ops.h"

enum shift_op { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

static uint32_t bit(uint64_t v, int n)
{
    return (uint32_t)(v >> n) & 1;
}

/* OF for right shifts and rotates: the two top bits of the result differ. */
static uint32_t of_right(uint32_t r, int bits)
{
    return (bit(r, bits - 1) ^ bit(r, bits - 2)) ? FLAG_OF : 0;
}

static uint32_t of_left(uint32_t r, uint32_t cf, int bits)
{
    return (bit(r, bits - 1) ^ cf) ? FLAG_OF : 0;
}

/* Shifts or rotates v (size bytes) by a nonzero masked count; returns the result
 * and sets mask and bits to the flags changed and their new values. */
static uint32_t shift_value(struct cpu *cpu, int op, int size, uint32_t v, unsigned count,
                            uint32_t *mask, uint32_t *bits)
{
    int n = 8 * size;
    uint32_t m = size_mask(size);
    uint32_t r, cf;
    switch (op) {
    case SH_ROL: {
        unsigned c = count % (unsigned)n;
        r = c ? ((v << c) | (v >> (n - (int)c))) & m : v;
        cf = r & 1;
        *mask = FLAG_CF | FLAG_OF;
        *bits = cf | of_left(r, cf, n);
        return r;
    }
    case SH_ROR: {
        unsigned c = count % (unsigned)n;
        r = c ? ((v >> c) | (v << (n - (int)c))) & m : v;
        *mask = FLAG_CF | FLAG_OF;
        *bits = bit(r, n - 1) | of_right(r, n);
        return r;
    }
    case SH_RCL:
    case SH_RCR: {
        /* Rotate the (n+1)-bit value CF:v; 8/16-bit counts are taken mod 9/17. */
        unsigned w = (unsigned)n + 1, c = count % w;
        uint64_t wm = ((uint64_t)1 << w) - 1;
        uint64_t x = ((uint64_t)flag_cf(cpu) << n) | v;
        if (c) {
            if (op == SH_RCL)
                x = ((x << c) | (x >> (w - c))) & wm;
            else
                x = ((x >> c) | (x << (w - c))) & wm;
        }
        r = (uint32_t)x & m;
        cf = bit(x, n);
        *mask = FLAG_CF | FLAG_OF;
        *bits = cf | (op == SH_RCL ? of_left(r, cf, n) : of_right(r, n));
        return r;
    }
    case SH_SHL:
    case SH_SAL: {
        uint64_t x = (uint64_t)v << count;
        r = (uint32_t)x & m;
        cf = bit(x, n);
        *bits = cf | of_left(r, cf, n);
        break;
    }
    case SH_SHR:
        r = (uint32_t)((uint64_t)v >> count) & m;
        cf = bit(v, (int)count - 1);
        *bits = cf | of_right(r, n);
        break;
    default: { /* SAR */
        int64_t sv = (int64_t)(int32_t)(v << (32 - n)) >> (32 - n);
        r = (uint32_t)(sv >> count) & m;
        cf = (uint32_t)(sv >> (count - 1)) & 1;
        *bits = cf;
        break;
    }
    }
    /* SHL/SHR/SAR: all six flags, left to the lazy machinery (LAZY_CFOF) */
    *mask = FLAGS_ARITH;
    return r;
}

/* Reads the r/m operand and, for memory, checks that it can be written back. */
static uint32_t read_rmw(struct cpu *cpu, const struct insn *i)
{
    if (i->flags & INSN_MEM) {
        uint32_t ea = insn_ea(cpu, i);
        uint32_t v = mem_read(cpu, i->seg, ea, i->osize);
        mem_probe_write(cpu, i->seg, ea, i->osize);
        return v;
    }
    return reg_read(cpu, i->rm, i->osize);
}

static void shift_rm(struct cpu *cpu, const struct insn *i, unsigned count)
{
    uint32_t v = read_rmw(cpu, i);
    count &= 31;
    if (count == 0)
        return;
    uint32_t mask, bits;
    uint32_t r = shift_value(cpu, i->cc, i->osize, v, count, &mask, &bits);
    if (mask == FLAGS_ARITH)
        flags_lazy(cpu, LAZY_CFOF, i->osize, bits & FLAG_CF, bits & FLAG_OF, r);
    else
        flags_set_arith(cpu, mask, bits);
    rm_write(cpu, i, r);
}

/* The 32-bit register forms of SHL/SHR/SAR, the commonest (the kernel's XZ
 * decompressor), without the operation and size switches; same results and flags
 * as shift_value. c is the masked count, 1-31. */
static void shl_r32(struct cpu *cpu, const struct insn *i, unsigned c)
{
    uint32_t v = cpu->reg[i->rm], r = v << c, cf = (v >> (32 - c)) & 1;
    flags_lazy(cpu, LAZY_CFOF, 4, cf, ((r >> 31) ^ cf) ? FLAG_OF : 0, r);
    cpu->reg[i->rm] = r;
}

static void shr_r32(struct cpu *cpu, const struct insn *i, unsigned c)
{
    uint32_t v = cpu->reg[i->rm], r = v >> c;
    flags_lazy(cpu, LAZY_CFOF, 4, (v >> (c - 1)) & 1, of_right(r, 32), r);
    cpu->reg[i->rm] = r;
}

static void sar_r32(struct cpu *cpu, const struct insn *i, unsigned c)
{
    uint32_t v = cpu->reg[i->rm], r = (uint32_t)((int32_t)v >> c);
    flags_lazy(cpu, LAZY_CFOF, 4, (v >> (c - 1)) & 1, 0, r);
    cpu->reg[i->rm] = r;
}

/* Immediate counts: masked and known nonzero at decode time. */
static void shl_r32_imm(struct cpu *cpu, const struct insn *i)
{
    shl_r32(cpu, i, i->imm);
}

static void shr_r32_imm(struct cpu *cpu, const struct insn *i)
{
    shr_r32(cpu, i, i->imm);
}

static void sar_r32_imm(struct cpu *cpu, const struct insn *i)
{
    sar_r32(cpu, i, i->imm);
}

static void shl_r32_cl(struct cpu *cpu, const struct insn *i)
{
    unsigned c = cpu->reg[REG_ECX] & 31;
    if (c)
        shl_r32(cpu, i, c);
}

static void shr_r32_cl(struct cpu *cpu, const struct insn *i)
{
    unsigned c = cpu->reg[REG_ECX] & 31;
    if (c)
        shr_r32(cpu, i, c);
}

static void sar_r32_cl(struct cpu *cpu, const struct insn *i)
{
    unsigned c = cpu->reg[REG_ECX] & 31;
    if (c)
        sar_r32(cpu, i, c);
}

static void shift_imm(struct cpu *cpu, const struct insn *i)
{
    shift_rm(cpu, i, i->imm);
}

static void shift_cl(struct cpu *cpu, const struct insn *i)
{
    shift_rm(cpu, i, cpu->reg[REG_ECX] & 0xff);
}

static int shift_op_of(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_ROL: return SH_ROL;
    case ZYDIS_MNEMONIC_ROR: return SH_ROR;
    case ZYDIS_MNEMONIC_RCL: return SH_RCL;
    case ZYDIS_MNEMONIC_RCR: return SH_RCR;
    case ZYDIS_MNEMONIC_SHR: return SH_SHR;
    case ZYDIS_MNEMONIC_SAR: return SH_SAR;
    default: return SH_SHL; /* Zydis reports the D0-D3/C0-C1 /6 alias as SHL too */
    }
}

/* Operands: r/m, then the count as an immediate (1 for D0/D1) or CL. */
static bool select_shift(struct insn *i, struct decoded *d)
{
    const ZydisDecodedOperand *cnt = &d->ops[1];
    if (!decode_rm_operand(i, &d->ops[0]))
        return false;
    i->cc = (uint8_t)shift_op_of(d->z.mnemonic);
    bool r32 = i->osize == 4 && !(i->flags & INSN_MEM);
    int op = i->cc == SH_SAL ? SH_SHL : i->cc;
    if (cnt->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
        i->imm = decode_imm(cnt) & 0xff;
        i->fn = shift_imm;
        if (r32 && (i->imm & 31)) {
            i->imm &= 31;
            i->fn = op == SH_SHL   ? shl_r32_imm
                    : op == SH_SHR ? shr_r32_imm
                    : op == SH_SAR ? sar_r32_imm
                                   : shift_imm;
        }
    } else if (cnt->type == ZYDIS_OPERAND_TYPE_REGISTER && cnt->reg.value == ZYDIS_REGISTER_CL) {
        i->fn = shift_cl;
        if (r32)
            i->fn = op == SH_SHL   ? shl_r32_cl
                    : op == SH_SHR ? shr_r32_cl
                    : op == SH_SAR ? sar_r32_cl
                                   : shift_cl;
    } else {
        return false;
    }
    return true;
}

/* SHLD/SHRD: i->cc is 0 for SHLD, 1 for SHRD; count in 1..31. */
static uint32_t double_shift(int right, int size, uint32_t dst, uint32_t src, unsigned c,
                             uint32_t *bits)
{
    int n = 8 * size;
    uint32_t r, cf;
    if (size == 2) {
        /* dest:src:dest as one 48-bit value (see the header comment): SHLD takes
         * the 16 bits below the top c, SHRD the 16 bits from bit c up. */
        uint64_t v = ((uint64_t)dst << 32) | ((uint64_t)src << 16) | dst;
        if (right) {
            r = (uint32_t)(v >> c) & 0xffff;
            cf = bit(v, (int)c - 1);
        } else {
            r = (uint32_t)(v >> (32 - c)) & 0xffff;
            cf = bit(v, 48 - (int)c);
        }
    } else if (right) {
        uint64_t v = ((uint64_t)src << 32) | dst;
        r = (uint32_t)(v >> c);
        cf = bit(v, (int)c - 1);
    } else {
        uint64_t v = ((uint64_t)dst << 32) | src;
        r = (uint32_t)((v << c) >> 32);
        cf = bit(v, 64 - (int)c);
    }
    *bits = cf | (right ? of_right(r, n) : of_left(r, cf, n)) | flags_szp(r, size);
    return r;
}

static void shxd(struct cpu *cpu, const struct insn *i, unsigned count)
{
    uint32_t dst = read_rmw(cpu, i);
    uint32_t src = reg_read(cpu, i->reg, i->osize);
    count &= 31;
    if (count == 0)
        return;
    uint32_t bits;
    uint32_t r = double_shift(i->cc, i->osize, dst, src, count, &bits);
    flags_set_arith(cpu, FLAGS_ARITH, bits);
    rm_write(cpu, i, r);
}

static void shxd_imm(struct cpu *cpu, const struct insn *i)
{
    shxd(cpu, i, i->imm);
}

static void shxd_cl(struct cpu *cpu, const struct insn *i)
{
    shxd(cpu, i, cpu->reg[REG_ECX] & 0xff);
}

static bool select_shxd(struct insn *i, struct decoded *d)
{
    const ZydisDecodedOperand *cnt = &d->ops[2];
    int r = decode_gpr(d->ops[1].reg.value);
    if (r < 0 || !decode_rm_operand(i, &d->ops[0]))
        return false;
    i->reg = (uint8_t)r;
    i->cc = d->z.mnemonic == ZYDIS_MNEMONIC_SHRD;
    if (cnt->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
        i->imm = decode_imm(cnt) & 0xff;
        i->fn = shxd_imm;
    } else if (cnt->type == ZYDIS_OPERAND_TYPE_REGISTER && cnt->reg.value == ZYDIS_REGISTER_CL) {
        i->fn = shxd_cl;
    } else {
        return false;
    }
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_ROL, select_shift}, {ZYDIS_MNEMONIC_ROR, select_shift},
    {ZYDIS_MNEMONIC_RCL, select_shift}, {ZYDIS_MNEMONIC_RCR, select_shift},
    {ZYDIS_MNEMONIC_SHL, select_shift}, {ZYDIS_MNEMONIC_SHR, select_shift},
    {ZYDIS_MNEMONIC_SAR, select_shift}, {ZYDIS_MNEMONIC_SHLD, select_shxd},
    {ZYDIS_MNEMONIC_SHRD, select_shxd},
};

SELECT_TABLE(ops_shift_table, entries);

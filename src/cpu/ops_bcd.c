/* Decimal adjust: DAA DAS AAA AAS AAM AAD (Intel SDM Vol. 2, pseudocode of each).
 *
 * Undefined flags, our choices:
 * - DAA/DAS: OF = 0 (SF, ZF, PF from AL as defined).
 * - AAA/AAS: SF, ZF, PF from the final AL (so SF = 0), OF = 0.
 * - AAM: SF, ZF, PF from AL; OF, AF, CF = 0.
 * - AAD: all six flags of the byte addition AL + AH * imm8, which is how the
 *   hardware computes it (SF, ZF, PF are defined from AL anyway). */
#include "cpu/flags.h"
#include "cpu/ops.h"

static uint32_t al_of(const struct cpu *cpu)
{
    return cpu->reg[REG_EAX] & 0xff;
}

static void set_al(struct cpu *cpu, uint32_t v)
{
    reg_write(cpu, REG_EAX, v, 1);
}

static void daa(struct cpu *cpu, const struct insn *i)
{
    uint32_t f = flags_get(cpu);
    uint32_t al = al_of(cpu), old_al = al;
    bool old_cf = f & FLAG_CF;
    uint32_t cf = 0, af = 0;
    /* The carry out of AL + 6 that the SDM records in CF here is always overwritten
     * below (it needs AL >= FAH, which is > 99H). */
    if ((al & 0x0f) > 9 || (f & FLAG_AF)) {
        al = (al + 6) & 0xff;
        af = FLAG_AF;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al + 0x60) & 0xff;
        cf = FLAG_CF;
    }
    set_al(cpu, al);
    flags_set_arith(cpu, FLAGS_ARITH, flags_szp(al, 1) | af | cf);
}

static void das(struct cpu *cpu, const struct insn *i)
{
    uint32_t f = flags_get(cpu);
    uint32_t al = al_of(cpu), old_al = al;
    bool old_cf = f & FLAG_CF;
    uint32_t cf = 0, af = 0;
    if ((al & 0x0f) > 9 || (f & FLAG_AF)) {
        cf = (old_cf || al < 6) ? FLAG_CF : 0; /* borrow from AL - 6 */
        al = (al - 6) & 0xff;
        af = FLAG_AF;
    }
    /* No "else CF = 0" here, unlike DAA: the SDM keeps the borrow of the first step. */
    if (old_al > 0x99 || old_cf) {
        al = (al - 0x60) & 0xff;
        cf = FLAG_CF;
    }
    set_al(cpu, al);
    flags_set_arith(cpu, FLAGS_ARITH, flags_szp(al, 1) | af | cf);
}

/* AAA: since the 286 the adjustment is AX + 106H, so a carry out of AL + 6 also
 * reaches AH. */
static void aaa(struct cpu *cpu, const struct insn *i)
{
    uint32_t f = flags_get(cpu);
    uint32_t ax = cpu->reg[REG_EAX] & 0xffff, adj = 0;
    if ((ax & 0x0f) > 9 || (f & FLAG_AF)) {
        ax = (ax + 0x106) & 0xffff;
        adj = FLAG_AF | FLAG_CF;
    }
    ax &= 0xff0f;
    reg_write(cpu, REG_EAX, ax, 2);
    flags_set_arith(cpu, FLAGS_ARITH, flags_szp(ax, 1) | adj);
}

/* AAS: AX - 6, then AH - 1 (SDM pseudocode), so a borrow out of AL also reaches AH. */
static void aas(struct cpu *cpu, const struct insn *i)
{
    uint32_t f = flags_get(cpu);
    uint32_t ax = cpu->reg[REG_EAX] & 0xffff, adj = 0;
    if ((ax & 0x0f) > 9 || (f & FLAG_AF)) {
        ax = (ax - 6 - 0x100) & 0xffff;
        adj = FLAG_AF | FLAG_CF;
    }
    ax &= 0xff0f;
    reg_write(cpu, REG_EAX, ax, 2);
    flags_set_arith(cpu, FLAGS_ARITH, flags_szp(ax, 1) | adj);
}

/* AAM imm8: AH = AL / imm8, AL = AL mod imm8; imm8 = 0 is #DE. */
static void aam(struct cpu *cpu, const struct insn *i)
{
    uint32_t base = i->imm, al = al_of(cpu);
    if (base == 0)
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    uint32_t q = al / base, r = al % base;
    reg_write(cpu, REG_EAX, (q << 8) | r, 2);
    flags_lazy(cpu, LAZY_LOGIC, 1, 0, 0, r);
}

/* AAD imm8: AL = (AL + AH * imm8) & FFH, AH = 0. */
static void aad(struct cpu *cpu, const struct insn *i)
{
    uint32_t al = al_of(cpu), prod = (((cpu->reg[REG_EAX] >> 8) & 0xff) * i->imm) & 0xff;
    uint32_t r = (al + prod) & 0xff;
    reg_write(cpu, REG_EAX, r, 2);
    flags_lazy(cpu, LAZY_ADD, 1, al, prod, r);
}

static bool select_bcd(struct insn *i, struct decoded *d)
{
    switch (d->z.mnemonic) {
    case ZYDIS_MNEMONIC_DAA: i->fn = daa; break;
    case ZYDIS_MNEMONIC_DAS: i->fn = das; break;
    case ZYDIS_MNEMONIC_AAA: i->fn = aaa; break;
    case ZYDIS_MNEMONIC_AAS: i->fn = aas; break;
    default:
        if (d->ops[0].type != ZYDIS_OPERAND_TYPE_IMMEDIATE)
            return false;
        i->imm = decode_imm(&d->ops[0]) & 0xff;
        i->fn = d->z.mnemonic == ZYDIS_MNEMONIC_AAM ? aam : aad;
        break;
    }
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_DAA, select_bcd}, {ZYDIS_MNEMONIC_DAS, select_bcd},
    {ZYDIS_MNEMONIC_AAA, select_bcd}, {ZYDIS_MNEMONIC_AAS, select_bcd},
    {ZYDIS_MNEMONIC_AAM, select_bcd}, {ZYDIS_MNEMONIC_AAD, select_bcd},
};

SELECT_TABLE(ops_bcd_table, entries);

/* System instructions: MOV to/from control and debug registers, descriptor-table
 * registers (LGDT..STR), LAR/LSL/VERR/VERW/ARPL, LMSW/SMSW/CLTS, INVLPG, cache
 * control, RDMSR/WRMSR/RDPMC and SYSENTER/SYSEXIT (Intel SDM Vol. 2). */
#include "cpu/debug.h"
#include "cpu/descriptor.h"
#include "cpu/flags.h"
#include "cpu/msr.h"
#include "cpu/ops.h"
#include "cpu/segment.h"

static bool protected_mode(const struct cpu *cpu)
{
    return (cpu->cr[0] & CR0_PE) && !(cpu->eflags & FLAG_VM);
}

/* Privileged instructions: #GP(0) unless CPL 0 (real mode counts as CPL 0; V86 is
 * CPL 3). */
static void require_cpl0(struct cpu *cpu)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
}

/* Instructions that exist only in protected mode: #UD in real and V86 mode. */
static void require_protected(struct cpu *cpu)
{
    if (!protected_mode(cpu))
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
}

static void set_zf(struct cpu *cpu, bool on)
{
    uint32_t f = flags_get(cpu);
    cpu->eflags = on ? f | FLAG_ZF : f & ~FLAG_ZF;
}

/* --- MOV CRn / DRn (i->reg = register number, i->rm = GPR; cc = 1 for "to") --- */

#define CR0_VALID                                                                                  \
    (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD |     \
     CR0_PG)

static void mov_to_cr(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    uint32_t v = cpu->reg[i->rm];
    switch (i->reg) {
    case 0:
        /* Reserved bits are ignored in 32-bit mode; PG without PE and NW without CD
         * are #GP(0) (Intel SDM Vol. 3, 2.5 and MOV CR). */
        v &= CR0_VALID;
        if (((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD)))
            cpu_raise(cpu, EXC_GP, 0);
        break;
    case 2: cpu->cr[2] = v; return;
    case 3: break;
    default:
        if (v & ~CR4_VALID)
            cpu_raise(cpu, EXC_GP, 0);
        break;
    }
    /* A write that loads the PAE PDPTE registers is #GP(0), and changes nothing,
     * when a present PDPTE has a reserved bit set (SDM Vol. 2, MOV CR, protected
     * mode exceptions; Vol. 3, 4.4.1). */
    if (!cpu_write_cr(cpu, i->reg, v))
        cpu_raise(cpu, EXC_GP, 0);
}

static void mov_from_cr(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    cpu->reg[i->rm] = cpu->cr[i->reg];
}

/* DR4/DR5 alias DR6/DR7 unless CR4.DE makes them #UD (SDM Vol. 3, 17.2.2). */
static int dr_index(struct cpu *cpu, int n)
{
    if (n == 4 || n == 5) {
        if (cpu->cr[4] & CR4_DE)
            cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
        return n + 2;
    }
    return n;
}

static void check_dr_access(struct cpu *cpu)
{
    require_cpl0(cpu);
    if (cpu->dr[7] & DR7_GD) {
        /* General detect: the access faults with BD set, and GD clears so that the
         * handler can use the registers (17.2.4). */
        cpu->dr[6] |= DR6_BD;
        cpu->dr[7] &= ~DR7_GD;
        cpu_raise(cpu, EXC_DB, NO_ERROR_CODE);
    }
}

/* The #UD for DR4/DR5 with CR4.DE comes first: the SDM's MOV DR pseudocode tests
 * it before DR7.GD, and as an invalid-opcode fault it outranks the #GP for CPL > 0
 * (SDM Vol. 3, table 6-2). So with GD set, MOV DR4 is #UD and leaves DR6.BD and GD
 * alone. */
static void mov_to_dr(struct cpu *cpu, const struct insn *i)
{
    int n = dr_index(cpu, i->reg);
    check_dr_access(cpu);
    uint32_t v = cpu->reg[i->rm];
    if (n == 6)
        cpu->dr[6] = debug_dr6_value(v);
    else if (n == 7)
        cpu->dr[7] = debug_dr7_value(v);
    else
        cpu->dr[n] = v;
    if (n != 6)
        debug_update(cpu);
}

static void mov_from_dr(struct cpu *cpu, const struct insn *i)
{
    int n = dr_index(cpu, i->reg);
    check_dr_access(cpu);
    cpu->reg[i->rm] = cpu->dr[n];
}

bool select_mov_crdr(struct insn *i, struct decoded *d)
{
    const ZydisDecodedOperand *dst = &d->ops[0], *src = &d->ops[1];
    bool to = dst->type == ZYDIS_OPERAND_TYPE_REGISTER && decode_gpr(dst->reg.value) < 0;
    ZydisRegister special = to ? dst->reg.value : src->reg.value;
    int gpr = decode_gpr(to ? src->reg.value : dst->reg.value);
    if (gpr < 0)
        return false;
    int n = ZydisRegisterGetId(special);
    i->rm = (uint8_t)gpr;
    i->reg = (uint8_t)n;
    switch (ZydisRegisterGetClass(special)) {
    case ZYDIS_REGCLASS_CONTROL:
        if (n == 1 || n > 4)
            return false;
        i->fn = to ? mov_to_cr : mov_from_cr;
        break;
    case ZYDIS_REGCLASS_DEBUG:
        if (n > 7)
            return false;
        i->fn = to ? mov_to_dr : mov_from_dr;
        break;
    default: return false;
    }
    /* Writes may change paging, mode or breakpoints for what follows. */
    if (to)
        d->ends_block = true;
    return true;
}

/* --- descriptor-table registers --- */

static void lgdt_lidt(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    uint32_t ea = insn_ea(cpu, i);
    uint32_t limit = mem_read(cpu, i->seg, ea, 2);
    uint32_t base = mem_read(cpu, i->seg, (ea + 2) & ((i->flags & INSN_ADDR32) ? ~0u : 0xffffu), 4);
    if (i->osize == 2)
        base &= 0x00ffffffu; /* 16-bit operand: 24-bit base */
    if (i->cc) {
        cpu->idtr.base = base;
        cpu->idtr.limit = limit;
    } else {
        cpu->gdtr.base = base;
        cpu->gdtr.limit = limit;
    }
}

static void sgdt_sidt(struct cpu *cpu, const struct insn *i)
{
    uint32_t ea = insn_ea(cpu, i);
    uint32_t base = i->cc ? cpu->idtr.base : cpu->gdtr.base;
    uint32_t limit = i->cc ? cpu->idtr.limit : cpu->gdtr.limit;
    uint32_t ea2 = (ea + 2) & ((i->flags & INSN_ADDR32) ? ~0u : 0xffffu);
    mem_probe_write(cpu, i->seg, ea, 2);
    mem_probe_write(cpu, i->seg, ea2, 4);
    /* The full 32-bit base is stored with either operand size (SDM Vol. 2, SGDT). */
    mem_write(cpu, i->seg, ea, limit, 2);
    mem_write(cpu, i->seg, ea2, base, 4);
}

static bool select_dtr(struct insn *i, struct decoded *d)
{
    ZydisMnemonic m = d->z.mnemonic;
    if (d->ops[0].type != ZYDIS_OPERAND_TYPE_MEMORY)
        return false;
    decode_mem_operand(i, &d->ops[0]);
    i->cc = (m == ZYDIS_MNEMONIC_LIDT || m == ZYDIS_MNEMONIC_SIDT) ? 1 : 0;
    if (m == ZYDIS_MNEMONIC_LGDT || m == ZYDIS_MNEMONIC_LIDT) {
        i->fn = lgdt_lidt;
        d->ends_block = true;
    } else {
        i->fn = sgdt_sidt;
    }
    return true;
}

static void lldt(struct cpu *cpu, const struct insn *i)
{
    require_protected(cpu);
    require_cpl0(cpu);
    uint16_t sel = (uint16_t)rm_read_size(cpu, i, 2);
    if ((sel & 0xfffc) == 0) {
        seg_load_null(cpu, SEG_LDTR, sel);
        return;
    }
    struct descriptor d;
    if ((sel & 4) || !desc_fetch(cpu, sel, &d) || !desc_is_system(&d) || desc_type(&d) != DESC_LDT)
        cpu_raise(cpu, EXC_GP, sel & 0xfffc);
    if (!desc_present(&d))
        cpu_raise(cpu, EXC_NP, sel & 0xfffc);
    seg_load_cache(cpu, SEG_LDTR, sel, &d);
}

static void ltr(struct cpu *cpu, const struct insn *i)
{
    require_protected(cpu);
    require_cpl0(cpu);
    uint16_t sel = (uint16_t)rm_read_size(cpu, i, 2);
    if ((sel & 0xfffc) == 0)
        cpu_raise(cpu, EXC_GP, 0);
    struct descriptor d;
    if ((sel & 4) || !desc_fetch(cpu, sel, &d) || !desc_is_system(&d) ||
        (desc_type(&d) != DESC_TSS16_AVAIL && desc_type(&d) != DESC_TSS32_AVAIL))
        cpu_raise(cpu, EXC_GP, sel & 0xfffc);
    if (!desc_present(&d))
        cpu_raise(cpu, EXC_NP, sel & 0xfffc);
    d.hi |= DESC_TSS_BUSY_BIT;
    desc_write_hi(cpu, sel, d.hi);
    seg_load_cache(cpu, SEG_TR, sel, &d);
}

/* SLDT/STR: a register destination gets the selector zero-extended at the operand
 * size, memory always 16 bits. */
static void sldt_str(struct cpu *cpu, const struct insn *i)
{
    require_protected(cpu);
    uint16_t sel = cpu->seg[i->cc].sel;
    if (i->flags & INSN_MEM)
        mem_write(cpu, i->seg, insn_ea(cpu, i), sel, 2);
    else
        reg_write(cpu, i->rm, sel, i->osize);
}

static bool select_sel_op(struct insn *i, struct decoded *d)
{
    if (!decode_rm_operand(i, &d->ops[0]))
        return false;
    switch (d->z.mnemonic) {
    case ZYDIS_MNEMONIC_LLDT:
        i->fn = lldt;
        d->ends_block = true;
        break;
    case ZYDIS_MNEMONIC_LTR: i->fn = ltr; break;
    case ZYDIS_MNEMONIC_SLDT:
        i->fn = sldt_str;
        i->cc = SEG_LDTR;
        break;
    default:
        i->fn = sldt_str;
        i->cc = SEG_TR;
        break;
    }
    return true;
}

/* --- LAR, LSL, VERR, VERW (Intel SDM Vol. 2): ZF says whether the descriptor is
 * visible at CPL and RPL; nothing faults for a bad selector. --- */

static bool visible_descriptor(struct cpu *cpu, uint16_t sel, struct descriptor *d)
{
    if ((sel & 0xfffc) == 0 || !desc_fetch(cpu, sel, d))
        return false;
    if (desc_conforming(d))
        return true;
    uint32_t dpl = desc_dpl(d);
    return dpl >= cpu->cpl && dpl >= (sel & 3u);
}

static void lar_lsl(struct cpu *cpu, const struct insn *i)
{
    require_protected(cpu);
    uint16_t sel = (uint16_t)rm_read_size(cpu, i, 2);
    struct descriptor d;
    bool ok = visible_descriptor(cpu, sel, &d);
    bool lsl = i->cc;
    if (ok && desc_is_system(&d)) {
        /* Valid system types: LAR takes TSSs, LDTs and gates; LSL only segments. */
        static const uint16_t lar_types = 0x1a3e, lsl_types = 0x0a0e;
        ok = ((lsl ? lsl_types : lar_types) >> desc_type(&d)) & 1;
    }
    set_zf(cpu, ok);
    if (!ok)
        return;
    uint32_t v = lsl ? desc_limit(&d) : d.hi & 0x00f0ff00u;
    reg_write(cpu, i->reg, v, i->osize);
}

static void verr_verw(struct cpu *cpu, const struct insn *i)
{
    require_protected(cpu);
    uint16_t sel = (uint16_t)rm_read_size(cpu, i, 2);
    struct descriptor d;
    bool ok = visible_descriptor(cpu, sel, &d) && !desc_is_system(&d);
    if (ok) {
        bool code = desc_is_code(&d), rw = d.hi & 0x200u;
        ok = i->cc ? !code && rw : !code || rw;
    }
    set_zf(cpu, ok);
}

static bool select_lar(struct insn *i, struct decoded *d)
{
    int r = decode_gpr(d->ops[0].reg.value);
    if (r < 0 || !decode_rm_operand(i, &d->ops[1]))
        return false;
    i->reg = (uint8_t)r;
    i->cc = d->z.mnemonic == ZYDIS_MNEMONIC_LSL;
    i->fn = lar_lsl;
    return true;
}

static bool select_ver(struct insn *i, struct decoded *d)
{
    if (!decode_rm_operand(i, &d->ops[0]))
        return false;
    i->cc = d->z.mnemonic == ZYDIS_MNEMONIC_VERW;
    i->fn = verr_verw;
    return true;
}

static void arpl(struct cpu *cpu, const struct insn *i)
{
    require_protected(cpu);
    uint32_t dst = rm_read_size(cpu, i, 2);
    uint32_t src = reg_read(cpu, i->reg, 2);
    if ((dst & 3) < (src & 3)) {
        uint32_t v = (dst & ~3u) | (src & 3);
        if (i->flags & INSN_MEM)
            mem_write(cpu, i->seg, insn_ea(cpu, i), v, 2);
        else
            reg_write(cpu, i->rm, v, 2);
        set_zf(cpu, true);
    } else {
        set_zf(cpu, false);
    }
}

static bool select_arpl(struct insn *i, struct decoded *d)
{
    int r = decode_gpr(d->ops[1].reg.value);
    if (r < 0 || !decode_rm_operand(i, &d->ops[0]))
        return false;
    i->reg = (uint8_t)r;
    i->fn = arpl;
    return true;
}

/* --- machine status word, TS, caches, TLB --- */

static void lmsw(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    uint32_t v = rm_read_size(cpu, i, 2) & 0xf;
    /* LMSW sets PE but cannot clear it (SDM Vol. 2, LMSW). */
    uint32_t cr0 = (cpu->cr[0] & ~0xeu) | v | (cpu->cr[0] & CR0_PE);
    cpu_set_cr0(cpu, cr0);
}

static void smsw(struct cpu *cpu, const struct insn *i)
{
    /* Register destinations get CR0 at the operand size (the P6 stores all of it
     * for 32 bits); memory is always 16 bits. */
    if (i->flags & INSN_MEM)
        mem_write(cpu, i->seg, insn_ea(cpu, i), cpu->cr[0] & 0xffff, 2);
    else
        reg_write(cpu, i->rm, cpu->cr[0], i->osize);
}

static bool select_msw(struct insn *i, struct decoded *d)
{
    if (!decode_rm_operand(i, &d->ops[0]))
        return false;
    if (d->z.mnemonic == ZYDIS_MNEMONIC_LMSW) {
        i->fn = lmsw;
        d->ends_block = true;
    } else {
        i->fn = smsw;
    }
    return true;
}

static void clts(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    cpu->cr[0] &= ~CR0_TS;
}

static void invlpg(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    uint32_t linear = cpu->seg[i->seg].base + insn_ea(cpu, i);
    mmu_flush_page(cpu, linear);
}

static bool select_invlpg(struct insn *i, struct decoded *d)
{
    if (d->ops[0].type != ZYDIS_OPERAND_TYPE_MEMORY)
        return false;
    decode_mem_operand(i, &d->ops[0]);
    i->fn = invlpg;
    d->ends_block = true; /* the mapping of the code being run may change */
    return true;
}

static void cache_op(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu); /* WBINVD/INVD: no caches to write back */
}

/* --- MSRs, performance counters --- */

static void rdmsr(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    uint64_t v;
    if (!msr_read(cpu, cpu->reg[REG_ECX], &v))
        cpu_raise(cpu, EXC_GP, 0);
    cpu->reg[REG_EAX] = (uint32_t)v;
    cpu->reg[REG_EDX] = (uint32_t)(v >> 32);
}

static void wrmsr(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    uint64_t v = (uint64_t)cpu->reg[REG_EDX] << 32 | cpu->reg[REG_EAX];
    if (!msr_write(cpu, cpu->reg[REG_ECX], v))
        cpu_raise(cpu, EXC_GP, 0);
}

static void rdpmc(struct cpu *cpu, const struct insn *i)
{
    /* Allowed at CPL 0 or with CR4.PCE; P6 has two counters (ECX 0-1). bt86 does
     * not model events, so they read 0. */
    if (!(cpu->cr[4] & CR4_PCE) && cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    if (cpu->reg[REG_ECX] > 1)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->reg[REG_EAX] = cpu->reg[REG_EDX] = 0;
}

/* --- SYSENTER / SYSEXIT (SDM Vol. 2): flat segments from SYSENTER_CS --- */

static void load_flat(struct cpu *cpu, int seg, uint16_t sel, bool code, uint32_t dpl)
{
    uint16_t attr = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_WRITABLE | SEG_ATTR_ACCESSED | SEG_ATTR_DB |
                    SEG_ATTR_G | (uint16_t)(dpl << SEG_ATTR_DPL_SHIFT) | (code ? SEG_ATTR_CODE : 0);
    cpu_set_seg_cache(cpu, (enum seg_reg)seg, sel, 0, 0xffffffffu, attr);
}

static void sysenter(struct cpu *cpu, const struct insn *i)
{
    uint16_t cs = (uint16_t)cpu->msr.sysenter_cs;
    if (!(cpu->cr[0] & CR0_PE) || (cs & 0xfffc) == 0)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->eflags &= ~(FLAG_VM | FLAG_IF | FLAG_RF);
    cpu_set_cpl(cpu, 0);
    load_flat(cpu, SEG_CS, cs & 0xfffc, true, 0);
    load_flat(cpu, SEG_SS, (uint16_t)((cs & 0xfffc) + 8), false, 0);
    cpu->reg[REG_ESP] = cpu->msr.sysenter_esp;
    cpu->eip = cpu->msr.sysenter_eip;
}

static void sysexit(struct cpu *cpu, const struct insn *i)
{
    uint16_t cs = (uint16_t)cpu->msr.sysenter_cs;
    if (!protected_mode(cpu) || cpu->cpl != 0 || (cs & 0xfffc) == 0)
        cpu_raise(cpu, EXC_GP, 0);
    cpu_set_cpl(cpu, 3);
    load_flat(cpu, SEG_CS, (uint16_t)((cs + 16) | 3), true, 3);
    load_flat(cpu, SEG_SS, (uint16_t)((cs + 24) | 3), false, 3);
    cpu->reg[REG_ESP] = cpu->reg[REG_ECX];
    cpu->eip = cpu->reg[REG_EDX];
}

static const struct {
    ZydisMnemonic mnemonic;
    insn_fn fn;
    bool ends_block, sets_eip;
} simple[] = {
    {ZYDIS_MNEMONIC_CLTS, clts, false, false},
    {ZYDIS_MNEMONIC_WBINVD, cache_op, false, false},
    {ZYDIS_MNEMONIC_INVD, cache_op, false, false},
    {ZYDIS_MNEMONIC_RDMSR, rdmsr, false, false},
    {ZYDIS_MNEMONIC_WRMSR, wrmsr, false, false},
    {ZYDIS_MNEMONIC_RDPMC, rdpmc, false, false},
    {ZYDIS_MNEMONIC_SYSENTER, sysenter, true, true},
    {ZYDIS_MNEMONIC_SYSEXIT, sysexit, true, true},
};

static bool select_simple(struct insn *i, struct decoded *d)
{
    for (size_t k = 0; k < sizeof simple / sizeof simple[0]; k++)
        if (simple[k].mnemonic == d->z.mnemonic) {
            i->fn = simple[k].fn;
            d->ends_block = simple[k].ends_block;
            if (simple[k].sets_eip)
                i->flags |= INSN_SETS_EIP;
            return true;
        }
    return false;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_LGDT, select_dtr},        {ZYDIS_MNEMONIC_LIDT, select_dtr},
    {ZYDIS_MNEMONIC_SGDT, select_dtr},        {ZYDIS_MNEMONIC_SIDT, select_dtr},
    {ZYDIS_MNEMONIC_LLDT, select_sel_op},     {ZYDIS_MNEMONIC_LTR, select_sel_op},
    {ZYDIS_MNEMONIC_SLDT, select_sel_op},     {ZYDIS_MNEMONIC_STR, select_sel_op},
    {ZYDIS_MNEMONIC_LAR, select_lar},         {ZYDIS_MNEMONIC_LSL, select_lar},
    {ZYDIS_MNEMONIC_VERR, select_ver},        {ZYDIS_MNEMONIC_VERW, select_ver},
    {ZYDIS_MNEMONIC_ARPL, select_arpl},       {ZYDIS_MNEMONIC_LMSW, select_msw},
    {ZYDIS_MNEMONIC_SMSW, select_msw},        {ZYDIS_MNEMONIC_INVLPG, select_invlpg},
    {ZYDIS_MNEMONIC_CLTS, select_simple},     {ZYDIS_MNEMONIC_WBINVD, select_simple},
    {ZYDIS_MNEMONIC_INVD, select_simple},     {ZYDIS_MNEMONIC_RDMSR, select_simple},
    {ZYDIS_MNEMONIC_WRMSR, select_simple},    {ZYDIS_MNEMONIC_RDPMC, select_simple},
    {ZYDIS_MNEMONIC_SYSENTER, select_simple}, {ZYDIS_MNEMONIC_SYSEXIT, select_simple},
};

SELECT_TABLE(ops_system_table, entries);

/* Task switches (Intel SDM Vol. 3, 7.3) and TSS lookups. */
#include "cpu/task.h"
#include "cpu/exception.h"
#include "cpu/flags.h"
#include "cpu/memory.h"
#include "cpu/segment.h"

static uint32_t tss_read(struct cpu *cpu, uint32_t base, uint32_t off, int size)
{
    return lin_read_kind(cpu, base + off, size, TLB_SUPERVISOR);
}

static void tss_write(struct cpu *cpu, uint32_t base, uint32_t off, uint32_t v, int size)
{
    lin_write_kind(cpu, base + off, v, size, TLB_SUPERVISOR);
}

static bool tss_is32(uint32_t type)
{
    return type & 8;
}

void tss_inner_stack(struct cpu *cpu, uint32_t dpl, uint16_t *ss, uint32_t *esp, int ext)
{
    const struct segment *tr = &cpu->seg[SEG_TR];
    bool is32 = tss_is32(tr->attr & 0xf);
    uint32_t off = is32 ? (dpl << 3) + 4 : (dpl << 2) + 2;
    uint32_t last = is32 ? off + 5 : off + 3;
    if (last > tr->limit)
        cpu_raise(cpu, EXC_TS, (tr->sel & 0xfffc) | ext);
    if (is32) {
        *esp = tss_read(cpu, tr->base, off, 4);
        *ss = (uint16_t)tss_read(cpu, tr->base, off + 4, 2);
    } else {
        *esp = tss_read(cpu, tr->base, off, 2);
        *ss = (uint16_t)tss_read(cpu, tr->base, off + 2, 2);
    }
}

bool tss_io_bitmap_allows(struct cpu *cpu, uint16_t port, int size)
{
    const struct segment *tr = &cpu->seg[SEG_TR];
    uint32_t type = tr->attr & 0xf;
    if (!(tr->attr & SEG_ATTR_P) || (type != DESC_TSS32_AVAIL && type != DESC_TSS32_BUSY) ||
        tr->limit < 0x67)
        return false;
    uint32_t map = tss_read(cpu, tr->base, 0x66, 2);
    uint32_t first = map + port / 8u;
    uint32_t last = map + ((uint32_t)port + (uint32_t)size - 1) / 8u;
    if (last > tr->limit)
        return false;
    /* Two bytes are read, as the processor does, so a check may span a byte. */
    uint32_t bits = tss_read(cpu, tr->base, first, 1);
    if (last != first)
        bits |= tss_read(cpu, tr->base, last, 1) << 8;
    uint32_t mask = ((1u << size) - 1) << (port & 7);
    return (bits & mask) == 0;
}

/* The state a TSS holds (the 16-bit TSS's fields widened). */
struct tss_state {
    uint32_t cr3, eip, eflags;
    uint32_t reg[8];
    uint16_t sel[6]; /* enum seg_reg order: ES CS SS DS FS GS */
    uint16_t ldt;
    bool trap; /* T bit: #DB after the switch */
};

static const uint32_t seg_off32[6] = {0x48, 0x4c, 0x50, 0x54, 0x58, 0x5c};
static const uint32_t seg_off16[6] = {0x22, 0x24, 0x26, 0x28, 0, 0};

static void tss_load_state(struct cpu *cpu, uint32_t base, bool is32, struct tss_state *t)
{
    if (is32) {
        t->cr3 = tss_read(cpu, base, 0x1c, 4);
        t->eip = tss_read(cpu, base, 0x20, 4);
        t->eflags = tss_read(cpu, base, 0x24, 4);
        for (int r = 0; r < 8; r++)
            t->reg[r] = tss_read(cpu, base, 0x28 + 4 * (uint32_t)r, 4);
        for (int s = 0; s < 6; s++)
            t->sel[s] = (uint16_t)tss_read(cpu, base, seg_off32[s], 2);
        t->ldt = (uint16_t)tss_read(cpu, base, 0x60, 2);
        t->trap = tss_read(cpu, base, 0x64, 2) & 1;
    } else {
        t->cr3 = cpu->cr[3];
        t->eip = tss_read(cpu, base, 0x0e, 2);
        /* A 16-bit TSS holds FLAGS; the upper half comes up clear. */
        t->eflags = tss_read(cpu, base, 0x10, 2);
        for (int r = 0; r < 8; r++)
            t->reg[r] =
                (cpu->reg[r] & 0xffff0000u) | tss_read(cpu, base, 0x12 + 2 * (uint32_t)r, 2);
        for (int s = 0; s < 4; s++)
            t->sel[s] = (uint16_t)tss_read(cpu, base, seg_off16[s], 2);
        t->sel[SEG_FS] = t->sel[SEG_GS] = 0;
        t->ldt = (uint16_t)tss_read(cpu, base, 0x2a, 2);
        t->trap = false;
    }
}

/* Saves the dynamic fields of the outgoing task (Intel SDM Vol. 3, 7.2.1). */
static void tss_save_state(struct cpu *cpu, uint32_t base, bool is32, uint32_t eip, uint32_t eflags)
{
    if (is32) {
        tss_write(cpu, base, 0x20, eip, 4);
        tss_write(cpu, base, 0x24, eflags, 4);
        for (int r = 0; r < 8; r++)
            tss_write(cpu, base, 0x28 + 4 * (uint32_t)r, cpu->reg[r], 4);
        for (int s = 0; s < 6; s++)
            tss_write(cpu, base, seg_off32[s], cpu->seg[s].sel, 2);
    } else {
        tss_write(cpu, base, 0x0e, eip, 2);
        tss_write(cpu, base, 0x10, eflags, 2);
        for (int r = 0; r < 8; r++)
            tss_write(cpu, base, 0x12 + 2 * (uint32_t)r, cpu->reg[r], 2);
        for (int s = 0; s < 4; s++)
            tss_write(cpu, base, seg_off16[s], cpu->seg[s].sel, 2);
    }
}

/* Every page of [base, base+len) must be writable by the supervisor before the
 * switch changes anything, so a #PF leaves the old task intact. */
static void probe_range(struct cpu *cpu, uint32_t base, uint32_t len)
{
    for (uint32_t off = 0; off < len; off = (off | (PAGE_SIZE - 1)) + 1)
        mem_probe_write_kind(cpu, base + off, 1, TLB_SUPERVISOR);
    mem_probe_write_kind(cpu, base + len - 1, 1, TLB_SUPERVISOR);
}

static void load_task_segments(struct cpu *cpu, const struct tss_state *t, int ext)
{
    /* A V86 task (EFLAGS.VM in the new TSS): its segments load the real-mode way
     * and cannot fault, and CPL is 3 (Intel SDM Vol. 3, 20.2.5). Both happen
     * before the LDT load, which can fault: a fault after the commit point is
     * delivered in the new task (7.3 step 12), and delivering it from a state with
     * VM set but CPL 0 and unusable segment caches would leave the CPU in V86 mode
     * at CPL 0 (found by test_cpu_stress). */
    bool v86 = cpu->eflags & FLAG_VM;
    if (v86) {
        cpu_set_cpl(cpu, 3);
        for (int s = 0; s < 6; s++)
            cpu_load_seg_real(cpu, (enum seg_reg)s, t->sel[s]);
    }
    /* The LDT first: the other selectors may point into it (SDM Vol. 3, 7.3 step 13). */
    if ((t->ldt & 0xfffc) == 0) {
        seg_load_null(cpu, SEG_LDTR, t->ldt);
    } else {
        struct descriptor d;
        if ((t->ldt & 4) || !desc_fetch(cpu, t->ldt, &d) || !desc_is_system(&d) ||
            desc_type(&d) != DESC_LDT)
            cpu_raise(cpu, EXC_TS, (t->ldt & 0xfffc) | ext);
        if (!desc_present(&d))
            cpu_raise(cpu, EXC_TS, (t->ldt & 0xfffc) | ext);
        seg_load_cache(cpu, SEG_LDTR, t->ldt, &d);
    }
    if (v86)
        return;
    /* CS: its RPL is the new CPL. */
    uint16_t cs = t->sel[SEG_CS];
    struct descriptor d;
    if ((cs & 0xfffc) == 0 || !desc_fetch(cpu, cs, &d) || !desc_is_code(&d))
        cpu_raise(cpu, EXC_TS, (cs & 0xfffc) | ext);
    uint32_t rpl = cs & 3;
    if (desc_conforming(&d) ? desc_dpl(&d) > rpl : desc_dpl(&d) != rpl)
        cpu_raise(cpu, EXC_TS, (cs & 0xfffc) | ext);
    if (!desc_present(&d))
        cpu_raise(cpu, EXC_NP, (cs & 0xfffc) | ext);
    desc_set_accessed(cpu, cs, &d);
    seg_load_cache(cpu, SEG_CS, cs, &d);
    cpu_set_cpl(cpu, rpl);
    load_segment_checked(cpu, SEG_SS, t->sel[SEG_SS], EXC_TS, ext);
    static const int data[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};
    for (int k = 0; k < 4; k++)
        load_segment_checked(cpu, data[k], t->sel[data[k]], EXC_TS, ext);
}

void task_switch(struct cpu *cpu, uint16_t sel, struct descriptor *d, enum task_reason reason,
                 uint32_t eip, int ext)
{
    uint32_t type = desc_type(d);
    bool is32 = tss_is32(type);
    uint32_t limit = desc_limit(d);
    uint32_t base = desc_base(d);
    if (!desc_present(d))
        cpu_raise(cpu, EXC_NP, (sel & 0xfffc) | ext);
    if (limit < (is32 ? 0x67u : 0x2bu))
        cpu_raise(cpu, EXC_TS, (sel & 0xfffc) | ext);

    struct segment *tr = &cpu->seg[SEG_TR];
    bool old32 = tss_is32(tr->attr & 0xf);
    if (tr->limit < (old32 ? 0x5fu : 0x29u))
        cpu_raise(cpu, EXC_TS, (tr->sel & 0xfffc) | ext);
    /* Check both TSSs and the descriptors' pages before changing anything. */
    probe_range(cpu, tr->base, old32 ? 0x60 : 0x2a);
    probe_range(cpu, base, is32 ? 0x68 : 0x2c);

    struct tss_state t;
    tss_load_state(cpu, base, is32, &t);

    uint32_t eflags = cpu_get_eflags(cpu);
    uint16_t old_sel = tr->sel;
    struct descriptor old;
    bool old_ok = desc_fetch(cpu, old_sel, &old);
    if (reason == TASK_JMP || reason == TASK_IRET) {
        if (old_ok)
            desc_write_hi(cpu, old_sel, old.hi & ~DESC_TSS_BUSY_BIT);
    }
    if (reason == TASK_IRET)
        eflags &= ~FLAG_NT;
    tss_save_state(cpu, tr->base, old32, eip, eflags);

    if (reason == TASK_CALL || reason == TASK_INT) {
        tss_write(cpu, base, 0, old_sel, 2);
        t.eflags |= FLAG_NT;
    }
    if (reason != TASK_IRET) {
        d->hi |= DESC_TSS_BUSY_BIT;
        desc_write_hi(cpu, sel, d->hi);
    }
    seg_load_cache(cpu, SEG_TR, sel, d);

    /* From here on faults happen in the new task (SDM Vol. 3, 7.3 step 12). */
    cpu->cr[0] |= CR0_TS;
    /* With PAE paging a CR3 change loads the PDPTE registers (SDM Vol. 3, 4.4.1).
     * A present PDPTE with a reserved bit is #GP(0), raised below in the new task
     * once its state is in (the SDM's task-switch checks do not list this case;
     * this is the MOV to CR3 rule applied after the commit point). */
    bool pdptes_ok = true;
    if (is32 && (cpu->cr[0] & CR0_PG) && t.cr3 != cpu->cr[3]) {
        pdptes_ok = cpu_write_cr(cpu, 3, t.cr3);
        if (!pdptes_ok)
            cpu_set_cr3(cpu, t.cr3);
    } else if (is32) {
        cpu->cr[3] = t.cr3;
    }
    cpu_set_eflags(cpu, t.eflags);
    cpu->eip = t.eip;
    cpu->eip_committed = true;
    for (int r = 0; r < 8; r++)
        cpu->reg[r] = t.reg[r];
    /* Selectors are in place before their checks, so a fault here shows them. */
    for (int s = 0; s < 6; s++) {
        cpu->seg[s].sel = t.sel[s];
        cpu->seg[s].attr = 0;
        segment_derive(&cpu->seg[s], false);
    }
    load_task_segments(cpu, &t, ext);
    if (!pdptes_ok)
        cpu_raise(cpu, EXC_GP, 0);
    if (cpu->eip > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->eip_committed = false;
    if (t.trap)
        cpu->db_pending |= 0x8000u; /* DR6.BT: #DB on entry (SDM Vol. 3, 17.3.1.5) */
}

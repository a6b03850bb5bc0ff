/* Descriptor tables and protected-mode segment loads. */
#include "cpu/descriptor.h"
#include "cpu/exception.h"
#include "cpu/memory.h"
#include "cpu/segment.h"

static bool desc_address(struct cpu *cpu, uint16_t sel, uint32_t *linear)
{
    uint32_t index = sel & 0xfff8u;
    uint32_t base, limit;
    if (sel & 4) {
        const struct segment *ldt = &cpu->seg[SEG_LDTR];
        if (!(ldt->attr & SEG_ATTR_P) || (ldt->sel & 0xfffc) == 0)
            return false;
        base = ldt->base;
        limit = ldt->limit;
    } else {
        base = cpu->gdtr.base;
        limit = cpu->gdtr.limit;
    }
    if (index + 7 > limit)
        return false;
    *linear = base + index;
    return true;
}

bool desc_fetch(struct cpu *cpu, uint16_t sel, struct descriptor *d)
{
    uint32_t linear;
    if (!desc_address(cpu, sel, &linear))
        return false;
    d->lo = lin_read_kind(cpu, linear, 4, TLB_SUPERVISOR);
    d->hi = lin_read_kind(cpu, linear + 4, 4, TLB_SUPERVISOR);
    return true;
}

void desc_write_hi(struct cpu *cpu, uint16_t sel, uint32_t hi)
{
    uint32_t linear;
    if (desc_address(cpu, sel, &linear))
        lin_write_kind(cpu, linear + 4, hi, 4, TLB_SUPERVISOR);
}

void desc_set_accessed(struct cpu *cpu, uint16_t sel, struct descriptor *d)
{
    if (d->hi & 0x100u)
        return;
    d->hi |= 0x100u;
    uint32_t linear;
    /* Only the type byte is written, as the processor does. */
    if (desc_address(cpu, sel, &linear))
        lin_write_kind(cpu, linear + 5, (d->hi >> 8) & 0xff, 1, TLB_SUPERVISOR);
}

void seg_load_cache(struct cpu *cpu, int seg, uint16_t sel, const struct descriptor *d)
{
    struct segment *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = desc_base(d);
    s->limit = desc_limit(d);
    s->attr = desc_attr(d);
    segment_derive(s, false);
}

void seg_load_null(struct cpu *cpu, int seg, uint16_t sel)
{
    /* The null selector makes the register unusable: base and limit are kept by
     * Intel CPUs, but every access faults (Intel SDM Vol. 3, 3.4.2). */
    struct segment *s = &cpu->seg[seg];
    s->sel = sel;
    s->attr = 0;
    segment_derive(s, false);
}

static noreturn void seg_raise(struct cpu *cpu, int vector, uint16_t sel, int ext)
{
    cpu_raise(cpu, vector, (sel & 0xfffc) | ext);
}

void check_stack_segment(struct cpu *cpu, uint16_t sel, uint32_t cpl, struct descriptor *d,
                         int vector, int ext)
{
    /* Intel SDM Vol. 3, 5.8.5 and MOV: a null SS, RPL != CPL, DPL != CPL, or a
     * segment that is not writable data is #GP/#TS(sel); not present is #SS(sel). */
    if ((sel & 0xfffc) == 0)
        cpu_raise(cpu, vector, ext);
    if (!desc_fetch(cpu, sel, d))
        seg_raise(cpu, vector, sel, ext);
    if ((sel & 3) != cpl || desc_dpl(d) != cpl || desc_is_system(d) || desc_is_code(d) ||
        !(d->hi & 0x200u))
        seg_raise(cpu, vector, sel, ext);
    if (!desc_present(d))
        seg_raise(cpu, EXC_SS, sel, ext);
}

void load_segment_checked(struct cpu *cpu, int seg, uint16_t sel, int vector, int ext)
{
    struct descriptor d;
    if (seg == SEG_SS) {
        check_stack_segment(cpu, sel, cpu->cpl, &d, vector, ext);
    } else {
        if ((sel & 0xfffc) == 0) {
            seg_load_null(cpu, seg, sel);
            return;
        }
        if (!desc_fetch(cpu, sel, &d))
            seg_raise(cpu, vector, sel, ext);
        /* Data, or readable code; for data and non-conforming code the DPL must be
         * at least CPL and RPL (Intel SDM Vol. 3, 5.6). */
        if (desc_is_system(&d) || (desc_is_code(&d) && !(d.hi & 0x200u)))
            seg_raise(cpu, vector, sel, ext);
        if (!desc_conforming(&d)) {
            uint32_t rpl = sel & 3;
            uint32_t eff = rpl > cpu->cpl ? rpl : cpu->cpl;
            if (desc_dpl(&d) < eff)
                seg_raise(cpu, vector, sel, ext);
        }
        if (!desc_present(&d))
            seg_raise(cpu, EXC_NP, sel, ext);
    }
    desc_set_accessed(cpu, sel, &d);
    seg_load_cache(cpu, seg, sel, &d);
}

void load_segment_protected(struct cpu *cpu, int seg, uint16_t sel)
{
    load_segment_checked(cpu, seg, sel, EXC_GP, 0);
}

void nullify_inaccessible_segments(struct cpu *cpu)
{
    static const int segs[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};
    for (int k = 0; k < 4; k++) {
        struct segment *s = &cpu->seg[segs[k]];
        uint32_t dpl = (s->attr >> SEG_ATTR_DPL_SHIFT) & 3;
        bool conforming_code = (s->attr & SEG_ATTR_CODE) && (s->attr & SEG_ATTR_EXPDOWN);
        if ((s->attr & SEG_ATTR_S) && !conforming_code && dpl < cpu->cpl)
            seg_load_null(cpu, segs[k], 0);
        else if (!(s->attr & SEG_ATTR_S))
            seg_load_null(cpu, segs[k], s->sel);
    }
}

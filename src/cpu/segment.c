#include "cpu/segment.h"

void segment_derive(struct segment *s, bool real_mode)
{
    uint16_t a = s->attr;
    if (real_mode) {
        /* Real mode checks only the limit (Intel SDM Vol. 3, 20.1.1). */
        s->valid_lo = 0;
        s->valid_hi = s->limit;
        s->readable = s->writable = true;
        return;
    }
    bool present = a & SEG_ATTR_P;
    if (!present || !(a & SEG_ATTR_S)) {
        /* Unusable (null selector in protected mode) or a system segment: every
         * access fails the range check. */
        s->valid_lo = 1;
        s->valid_hi = 0;
        s->readable = s->writable = false;
        return;
    }
    bool code = a & SEG_ATTR_CODE;
    if (!code && (a & SEG_ATTR_EXPDOWN)) {
        /* Expand-down data (Intel SDM Vol. 3, 3.4.5.1): valid offsets are above
         * the limit, up to 64 KiB or 4 GiB by the B flag. */
        s->valid_lo = s->limit + 1;
        s->valid_hi = (a & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
        if (s->limit == 0xffffffffu) {
            s->valid_lo = 1;
            s->valid_hi = 0;
        }
    } else {
        s->valid_lo = 0;
        s->valid_hi = s->limit;
    }
    s->readable = !code || (a & SEG_ATTR_WRITABLE);
    s->writable = !code && (a & SEG_ATTR_WRITABLE);
}

void cpu_set_seg_cache(struct cpu *cpu, enum seg_reg seg, uint16_t sel, uint32_t base,
                       uint32_t limit, uint16_t attr)
{
    struct segment *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = base;
    s->limit = limit;
    s->attr = attr;
    segment_derive(s, !(cpu->cr[0] & CR0_PE));
}

void cpu_load_seg_real(struct cpu *cpu, enum seg_reg seg, uint16_t sel)
{
    /* Real mode and virtual-8086 mode: only selector and base change; the limit and
     * attributes stay in the cache (which is what "unreal mode" relies on). In V86
     * mode they are forced to a 64 KiB writable data segment (SDM Vol. 3, 20.2). */
    struct segment *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (cpu->eflags & FLAG_VM) {
        s->limit = 0xffff;
        s->attr = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_WRITABLE | SEG_ATTR_ACCESSED |
                  (3 << SEG_ATTR_DPL_SHIFT) | (seg == SEG_CS ? SEG_ATTR_CODE : 0);
    }
    segment_derive(s, !(cpu->cr[0] & CR0_PE));
}

void load_segment(struct cpu *cpu, int seg, uint16_t sel)
{
    if (!(cpu->cr[0] & CR0_PE) || (cpu->eflags & FLAG_VM))
        cpu_load_seg_real(cpu, (enum seg_reg)seg, sel);
    else
        load_segment_protected(cpu, seg, sel);
}

void cpu_set_flat32(struct cpu *cpu, uint16_t code_sel)
{
    cpu_set_cr0(cpu, cpu->cr[0] | CR0_PE);
    uint16_t data =
        SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_WRITABLE | SEG_ATTR_ACCESSED | SEG_ATTR_DB | SEG_ATTR_G;
    cpu_set_seg_cache(cpu, SEG_CS, code_sel, 0, 0xffffffffu, data | SEG_ATTR_CODE);
    for (int s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS)
            cpu_set_seg_cache(cpu, (enum seg_reg)s, (uint16_t)(code_sel + 8), 0, 0xffffffffu, data);
}

/* Segment descriptors in the GDT/LDT (Intel SDM Vol. 3, 3.4.5 and 5.x): fetching
 * them with implicit supervisor accesses, decoding, the accessed and busy bits, and
 * the protected-mode data/stack segment loads with their checks. */
#ifndef BT86_CPU_DESCRIPTOR_H
#define BT86_CPU_DESCRIPTOR_H

#include "cpu/cpu.h"

struct descriptor {
    uint32_t lo, hi;
};

/* System descriptor types (S = 0), Intel SDM Vol. 3, table 3-2. */
enum {
    DESC_TSS16_AVAIL = 1,
    DESC_LDT = 2,
    DESC_TSS16_BUSY = 3,
    DESC_CALL_GATE16 = 4,
    DESC_TASK_GATE = 5,
    DESC_INT_GATE16 = 6,
    DESC_TRAP_GATE16 = 7,
    DESC_TSS32_AVAIL = 9,
    DESC_TSS32_BUSY = 11,
    DESC_CALL_GATE32 = 12,
    DESC_INT_GATE32 = 14,
    DESC_TRAP_GATE32 = 15,
};

#define DESC_TSS_BUSY_BIT 0x200u /* in hi: type bit 1 */

static inline uint32_t desc_base(const struct descriptor *d)
{
    return (d->lo >> 16) | ((d->hi & 0xff) << 16) | (d->hi & 0xff000000u);
}

static inline uint32_t desc_limit(const struct descriptor *d)
{
    uint32_t limit = (d->lo & 0xffff) | (d->hi & 0x000f0000u);
    return (d->hi & 0x00800000u) ? (limit << 12) | 0xfff : limit;
}

/* The attribute word as struct segment.attr holds it. */
static inline uint16_t desc_attr(const struct descriptor *d)
{
    return (uint16_t)((d->hi >> 8) & 0xf0ff);
}

static inline uint32_t desc_dpl(const struct descriptor *d)
{
    return (d->hi >> 13) & 3;
}

static inline bool desc_present(const struct descriptor *d)
{
    return d->hi & 0x8000u;
}

static inline bool desc_is_system(const struct descriptor *d)
{
    return !(d->hi & 0x1000u);
}

static inline uint32_t desc_type(const struct descriptor *d)
{
    return (d->hi >> 8) & 0xf;
}

static inline bool desc_is_code(const struct descriptor *d)
{
    return !desc_is_system(d) && (d->hi & 0x800u);
}

static inline bool desc_conforming(const struct descriptor *d)
{
    return desc_is_code(d) && (d->hi & 0x400u);
}

/* Gate fields (call, interrupt, trap, task gates). */
static inline uint16_t gate_selector(const struct descriptor *d)
{
    return (uint16_t)(d->lo >> 16);
}

static inline uint32_t gate_offset(const struct descriptor *d)
{
    return (d->lo & 0xffff) | (d->hi & 0xffff0000u);
}

/* Reads the descriptor sel names (GDT or LDT by TI). False when the index is past
 * the table limit or the LDT is unusable; may raise #PF. */
bool desc_fetch(struct cpu *cpu, uint16_t sel, struct descriptor *d);
/* Rewrites the high dword of sel's descriptor (accessed and busy bits). */
void desc_write_hi(struct cpu *cpu, uint16_t sel, uint32_t hi);
/* Sets the accessed bit if clear, as a segment load does (SDM Vol. 3, 3.4.5.1). */
void desc_set_accessed(struct cpu *cpu, uint16_t sel, struct descriptor *d);

/* Loads a segment register's cache from a descriptor, or as the null segment. */
void seg_load_cache(struct cpu *cpu, int seg, uint16_t sel, const struct descriptor *d);
void seg_load_null(struct cpu *cpu, int seg, uint16_t sel);

/* A checked protected-mode load of DS/ES/FS/GS/SS at the current CPL. vector is
 * the fault for an invalid selector (#GP for instructions, #TS in a task switch);
 * ext is the EXT bit of the error code. */
void load_segment_checked(struct cpu *cpu, int seg, uint16_t sel, int vector, int ext);

/* A stack-segment descriptor check for a stack switch to privilege cpl (interrupts,
 * call gates, IRET/RET outward): raises vector (#TS or #GP) or #SS. */
void check_stack_segment(struct cpu *cpu, uint16_t sel, uint32_t cpl, struct descriptor *d,
                         int vector, int ext);

/* After a return to an outer level: data segments the new CPL may not use become
 * null (Intel SDM Vol. 2, RET/IRET). */
void nullify_inaccessible_segments(struct cpu *cpu);

#endif

/* Segment register loads and the derived access-check fields. */
#ifndef BT86_CPU_SEGMENT_H
#define BT86_CPU_SEGMENT_H

#include "cpu/cpu.h"

/* Recomputes valid_lo/valid_hi/readable/writable from base, limit and attr; in
 * real mode only the limit counts. */
void segment_derive(struct segment *s, bool real_mode);

/* MOV/POP/LxS to a segment register: the real-mode load, or in protected mode the
 * descriptor load with its checks (protected.c). */
void load_segment(struct cpu *cpu, int seg, uint16_t sel);
void load_segment_protected(struct cpu *cpu, int seg, uint16_t sel);

/* Far JMP/CALL/RET targets: loads CS (real mode: base = sel << 4). */
void load_cs_far(struct cpu *cpu, uint16_t sel, uint32_t eip);

#endif

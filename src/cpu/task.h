/* Hardware task switching and the TSS (Intel SDM Vol. 3, chapter 7): task switches
 * through TSS descriptors and task gates, the inner-level stacks a privilege change
 * loads, and the I/O permission bitmap. */
#ifndef BT86_CPU_TASK_H
#define BT86_CPU_TASK_H

#include "cpu/descriptor.h"

enum task_reason { TASK_JMP, TASK_CALL, TASK_INT, TASK_IRET };

/* Switches to the task whose TSS descriptor d was fetched for sel. The caller did
 * the privilege checks of its own path (gate or descriptor DPL); this does the rest
 * of SDM Vol. 3, 7.3 from the TSS checks on. eip is what the old task resumes at. */
void task_switch(struct cpu *cpu, uint16_t sel, struct descriptor *d, enum task_reason reason,
                 uint32_t eip, int ext);

/* The SS:ESP of privilege level dpl in the current TSS (for interrupts and call
 * gates to an inner level); raises #TS(TR) when the TSS is too short. */
void tss_inner_stack(struct cpu *cpu, uint32_t dpl, uint16_t *ss, uint32_t *esp, int ext);

/* The I/O permission bitmap of the current 32-bit TSS (Intel SDM Vol. 1, 19.5.2):
 * true when every bit for [port, port+size) is 0. A 16-bit TSS, a bitmap past the
 * TSS limit, or bytes past the limit deny the access. io.c calls this when CPL >
 * IOPL or in virtual-8086 mode, and raises #GP(0) on false. */
bool tss_io_bitmap_allows(struct cpu *cpu, uint16_t port, int size);

#endif

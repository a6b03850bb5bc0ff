/* Debug registers and the debug exception (Intel SDM Vol. 3, chapter 17):
 * DR0-DR3 instruction, data and I/O breakpoints enabled in DR7, status in DR6, and
 * single-step with TF.
 * While any of them is active blocks are one instruction long (MODE_SINGLE), so the
 * checks sit between blocks in the execution loop. */
#ifndef BT86_CPU_DEBUG_H
#define BT86_CPU_DEBUG_H

#include "cpu/cpu.h"

#define DR6_BD 0x2000u /* debug-register access with DR7.GD */
#define DR6_BS 0x4000u /* single step */
#define DR6_BT 0x8000u /* task switch to a TSS with T set */
#define DR7_GD 0x2000u

/* Recomputes what DR7 enables (after MOV DR7 or reset) and flushes the TLB so
 * that pages with data breakpoints leave the fast path. */
void debug_update(struct cpu *cpu);

/* An I/O access to [port, port + size - 1] that an enabled I/O breakpoint (DR7
 * R/W = 10 with CR4.DE = 1) covers: records the hit for the #DB trap after the
 * instruction. Called by io_in/io_out when cpu->dr_io_bp is set. */
void debug_check_io(struct cpu *cpu, uint16_t port, int size);

/* Before the instruction at CS:EIP: an enabled instruction breakpoint on it raises
 * #DB as a fault (delivered here; returns true). */
bool debug_check_exec(struct cpu *cpu);

/* After a single-instruction block completed: delivers the #DB trap for a single
 * step (TF was set in eflags_before) or data breakpoints hit, and clears RF. */
void debug_after_insn(struct cpu *cpu, uint32_t eflags_before);

/* Values DR6 and DR7 take on a write (reserved bits fixed as on a P6). */
uint32_t debug_dr6_value(uint32_t v);
uint32_t debug_dr7_value(uint32_t v);

#endif

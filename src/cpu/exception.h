/* Exceptions and interrupts. A fault anywhere below the execution loop is raised
 * with cpu_raise, which longjmps to the loop (exec.c); the loop restores EIP to the
 * faulting instruction, makes the instruction count exact and delivers it. */
#ifndef BT86_CPU_EXCEPTION_H
#define BT86_CPU_EXCEPTION_H

#include "cpu/cpu.h"

#include <stdnoreturn.h>

enum exception_vector {
    EXC_DE = 0,
    EXC_DB = 1,
    EXC_NMI = 2,
    EXC_BP = 3,
    EXC_OF = 4,
    EXC_BR = 5,
    EXC_UD = 6,
    EXC_NM = 7,
    EXC_DF = 8,
    EXC_TS = 10,
    EXC_NP = 11,
    EXC_SS = 12,
    EXC_GP = 13,
    EXC_PF = 14,
    EXC_MF = 16,
    EXC_AC = 17,
    EXC_MC = 18,
};

/* How an event reaches the CPU; it decides the pushed EIP and some checks. */
enum event_kind {
    EVENT_FAULT,    /* exception: pushed EIP is the faulting instruction's */
    EVENT_TRAP,     /* exception after the instruction (INTO, INT3 class): next EIP */
    EVENT_SOFTWARE, /* INT n: next EIP, DPL checked against CPL in protected mode */
    EVENT_EXTERNAL, /* hardware interrupt between instructions */
};

#define NO_ERROR_CODE (-1)

/* Raises a fault at the current instruction; never returns. */
noreturn void cpu_raise(struct cpu *cpu, int vector, int error_code);

/* Raises a software interrupt or trap delivered with the next instruction's EIP. */
noreturn void cpu_raise_trap(struct cpu *cpu, int vector, enum event_kind kind);

/* Ends the current block after the running instruction without an exception:
 * used when the instruction changed state the rest of the block was decoded for
 * (a write into its own code). next_eip is where execution continues. */
noreturn void cpu_break_block(struct cpu *cpu, uint32_t next_eip);

/* Delivers an event with cpu->eip already set to the EIP to push (called by the
 * execution loop, outside any block). May itself raise (double fault). */
void cpu_deliver(struct cpu *cpu, int vector, int error_code, enum event_kind kind);

/* Delivers an event that arrives between instructions (external interrupt, #DB
 * trap) with cpu->eip as the EIP to push. */
void cpu_deliver_event(struct cpu *cpu, int vector, int error_code, enum event_kind kind);

/* Called by cpu_run after an exception longjmp (exec.c). */
void cpu_handle_raise(struct cpu *cpu);

/* Protected-mode delivery through the IDT (protected.c). */
void deliver_protected(struct cpu *cpu, int vector, int error_code, enum event_kind kind);

#endif

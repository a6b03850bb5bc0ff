/* Protected-mode control transfers that go through descriptors: far JMP/CALL/RET
 * (call gates, task gates), IRET to outer levels, V86 and tasks. */
#ifndef BT86_CPU_PROTECTED_H
#define BT86_CPU_PROTECTED_H

#include "cpu/insn.h"

void far_jump_protected(struct cpu *cpu, const struct insn *i, uint16_t sel, uint32_t off);
void far_call_protected(struct cpu *cpu, const struct insn *i, uint16_t sel, uint32_t off);
void ret_far_protected(struct cpu *cpu, const struct insn *i);
void iret_protected(struct cpu *cpu, const struct insn *i);

#endif

/* Protected-mode event delivery through the IDT. Gates, privilege changes and task
 * switches belong to the system-architecture work (issue 4); until then an event in
 * protected mode stops the CPU as a shutdown, which the board reports. */
#include "cpu/protected.h"
#include "cpu/exception.h"
#include "cpu/segment.h"

void deliver_protected(struct cpu *cpu, int vector, int error_code, enum event_kind kind)
{
    cpu->exit_reason = CPU_EXIT_SHUTDOWN;
}

/* Descriptor loads with their checks come with the system-architecture work; until
 * then a protected-mode segment load is refused with #GP(selector). */
void load_segment_protected(struct cpu *cpu, int seg, uint16_t sel)
{
    cpu_raise(cpu, EXC_GP, sel & 0xfffc);
}

/* Far transfers through descriptors arrive with the system-architecture work;
 * until then they raise #GP(0), which in protected mode ends in shutdown. */
void far_jump_protected(struct cpu *cpu, const struct insn *i, uint16_t sel, uint32_t off)
{
    cpu_raise(cpu, EXC_GP, sel & 0xfffc);
}

void far_call_protected(struct cpu *cpu, const struct insn *i, uint16_t sel, uint32_t off)
{
    cpu_raise(cpu, EXC_GP, sel & 0xfffc);
}

void ret_far_protected(struct cpu *cpu, const struct insn *i)
{
    cpu_raise(cpu, EXC_GP, 0);
}

void iret_protected(struct cpu *cpu, const struct insn *i)
{
    cpu_raise(cpu, EXC_GP, 0);
}

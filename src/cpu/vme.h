/* Virtual-8086 mode extensions and protected-mode virtual interrupts (Intel SDM
 * Vol. 3, 20.3 and 20.4): with CR4.VME in V86 mode at IOPL < 3, CLI/STI/PUSHF/POPF/
 * IRET work on VIF instead of faulting, and INT n may be redirected to the V86
 * program's own IVT by the TSS's interrupt redirection bitmap; CR4.PVI gives CLI
 * and STI the same meaning at CPL 3 in protected mode. */
#ifndef BT86_CPU_VME_H
#define BT86_CPU_VME_H

#include "cpu/insn.h"

/* CLI/STI act on VIF (VME in V86 at IOPL < 3, or PVI at CPL 3 with IOPL < 3). */
bool vme_virtual_if(const struct cpu *cpu);
/* V86 mode at IOPL < 3 with CR4.VME: PUSHF/POPF/IRET take the VME paths. */
bool vme_v86(const struct cpu *cpu);

void vme_cli(struct cpu *cpu);
void vme_sti(struct cpu *cpu); /* #GP(0) when VIP is set */
void vme_pushf(struct cpu *cpu, const struct insn *i);
void vme_popf(struct cpu *cpu, const struct insn *i);
void vme_iret(struct cpu *cpu, const struct insn *i);

/* INT n in V86 mode with CR4.VME: redirected through the IVT at linear 0 when the
 * redirection bit is clear (sets EIP and returns true); false when the interrupt
 * goes to the protected-mode IDT (after #GP(0) at IOPL < 3). */
bool vme_int(struct cpu *cpu, const struct insn *i, int vector);

#endif

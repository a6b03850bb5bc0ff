/* Model-specific registers of the modelled P6 (Intel SDM Vol. 4, table 2-1 and the
 * P6 family table): RDMSR/WRMSR land here. */
#ifndef BT86_CPU_MSR_H
#define BT86_CPU_MSR_H

#include "cpu/cpu.h"

#define MSR_TSC            0x010u
#define MSR_PLATFORM_ID    0x017u
#define MSR_APIC_BASE      0x01bu
#define MSR_BIOS_SIGN_ID   0x08bu
#define MSR_MTRRCAP        0x0feu
#define MSR_SYSENTER_CS    0x174u
#define MSR_SYSENTER_ESP   0x175u
#define MSR_SYSENTER_EIP   0x176u
#define MSR_MTRR_PHYSBASE0 0x200u
#define MSR_MTRR_FIX64K    0x250u
#define MSR_MTRR_FIX16K_0  0x258u
#define MSR_MTRR_FIX16K_1  0x259u
#define MSR_MTRR_FIX4K_0   0x268u
#define MSR_PAT            0x277u
#define MSR_PERFCTR0       0x0c1u /* P6 performance counters 0 and 1 */
#define MSR_EVNTSEL0       0x186u /* P6 event selects 0 and 1 */
#define MSR_MTRR_DEF_TYPE  0x2ffu
#define MSR_MCG_CAP        0x179u
#define MSR_MCG_STATUS     0x17au
#define MSR_MCG_CTL        0x17bu
#define MSR_MC0_CTL        0x400u /* bank i: CTL, STATUS, ADDR, MISC at 400H + 4i */

/* The power-on values (Intel SDM Vol. 3, 10.1, table 10-1). */
void msr_reset(struct cpu *cpu);

/* False for an MSR the CPU does not have (the caller raises #GP(0)). A write of a
 * value with reserved bits set is refused the same way. */
bool msr_read(struct cpu *cpu, uint32_t index, uint64_t *value);
bool msr_write(struct cpu *cpu, uint32_t index, uint64_t value);

/* The time-stamp counter now: instructions retired (mid-block exact) plus the
 * offset WRMSR set. */
uint64_t cpu_tsc(const struct cpu *cpu);

#endif

/* RDMSR/WRMSR state. MTRRs are plain registers: bt86 has no caches to configure,
 * but firmware and kernels program and read them back. */
#include "cpu/msr.h"
#include "cpu/block.h"

/* APIC base after reset: FEE00000, enabled (bit 11), bootstrap processor (bit 8). */
#define APIC_BASE_RESET 0xfee00900ull
/* Valid bits: BSP (8), enable (11), base (12..35 for MAXPHYADDR 36). */
#define APIC_BASE_MASK 0x0000000ffffff900ull
/* MTRRCAP: 8 variable ranges, fixed ranges supported (bit 8), WC (bit 10). */
#define MTRRCAP_VALUE 0x508ull
/* PAT power-on value (Intel SDM Vol. 3, 13.12.4). */
#define PAT_RESET 0x0007040600070406ull

void msr_reset(struct cpu *cpu)
{
    cpu->msr.sysenter_cs = cpu->msr.sysenter_esp = cpu->msr.sysenter_eip = 0;
    cpu->msr.apic_base = APIC_BASE_RESET;
    cpu->msr.pat = PAT_RESET;
    cpu->msr.bios_sign = 0;
    cpu->msr.mtrr_def_type = 0;
    for (int k = 0; k < 11; k++)
        cpu->msr.mtrr_fixed[k] = 0;
    for (int k = 0; k < 16; k++)
        cpu->msr.mtrr_var[k] = 0;
    cpu->msr.mcg_status = cpu->msr.mcg_ctl = 0;
    for (int k = 0; k < MCA_BANKS; k++)
        cpu->msr.mc_ctl[k] = 0;
}

/* Machine-check architecture as on the P6 (Intel SDM Vol. 3, 15.3). bt86 has no
 * hardware that fails, so no bank ever logs an error: STATUS and ADDR read 0 and
 * #MC is never raised, but the registers a kernel programs are there.
 * MCG_CAP: five banks (7:0), MCG_CTL present (bit 8). */
#define MCG_CAP_VALUE    (0x100ull | MCA_BANKS)
#define MCG_STATUS_VALID 0x7ull /* RIPV, EIPV, MCIP; 63:3 reserved */
#define MSR_MCA_END      (MSR_MC0_CTL + 4 * MCA_BANKS)
enum { MCA_CTL, MCA_STATUS, MCA_ADDR, MCA_MISC };

static bool mca_read(struct cpu *cpu, uint32_t index, uint64_t *value)
{
    switch (index) {
    case MSR_MCG_CAP: *value = MCG_CAP_VALUE; return true;
    case MSR_MCG_STATUS: *value = cpu->msr.mcg_status; return true;
    case MSR_MCG_CTL: *value = cpu->msr.mcg_ctl; return true;
    default: break;
    }
    if (index < MSR_MC0_CTL || index >= MSR_MCA_END)
        return false;
    switch ((index - MSR_MC0_CTL) % 4) {
    case MCA_CTL: *value = cpu->msr.mc_ctl[(index - MSR_MC0_CTL) / 4]; return true;
    case MCA_STATUS:
    case MCA_ADDR: *value = 0; return true;
    default: return false; /* MCi_MISC: not implemented on the P6 */
    }
}

static bool mca_write(struct cpu *cpu, uint32_t index, uint64_t value)
{
    switch (index) {
    case MSR_MCG_CAP: return false; /* read-only */
    case MSR_MCG_STATUS:
        if (value & ~MCG_STATUS_VALID)
            return false;
        cpu->msr.mcg_status = value;
        return true;
    case MSR_MCG_CTL: cpu->msr.mcg_ctl = value; return true;
    default: break;
    }
    if (index < MSR_MC0_CTL || index >= MSR_MCA_END)
        return false;
    switch ((index - MSR_MC0_CTL) % 4) {
    case MCA_CTL:
        /* 15.3.2.1: the P6 takes only all 1s or all 0s. */
        if (value != 0 && value != ~0ull)
            return false;
        cpu->msr.mc_ctl[(index - MSR_MC0_CTL) / 4] = value;
        return true;
    case MCA_STATUS:
    case MCA_ADDR: return value == 0; /* 15.3.2.2: writing 1s is a #GP */
    default: return false;
    }
}

/* Intel SDM Vol. 3, 17.17: on P6 the TSC counts every processor clock, and the
 * clock keeps running through HLT and bus waits, so it counts the stalls too. */
uint64_t cpu_tsc(const struct cpu *cpu)
{
    return cpu_cycles(cpu) + cpu->tsc_offset;
}

/* The fixed-range MTRRs: 250, 258, 259, 268..26F map to mtrr_fixed[0..10]. */
static uint64_t *fixed_mtrr(struct cpu *cpu, uint32_t index)
{
    if (index == MSR_MTRR_FIX64K)
        return &cpu->msr.mtrr_fixed[0];
    if (index == MSR_MTRR_FIX16K_0 || index == MSR_MTRR_FIX16K_1)
        return &cpu->msr.mtrr_fixed[1 + index - MSR_MTRR_FIX16K_0];
    if (index >= MSR_MTRR_FIX4K_0 && index < MSR_MTRR_FIX4K_0 + 8)
        return &cpu->msr.mtrr_fixed[3 + index - MSR_MTRR_FIX4K_0];
    return NULL;
}

/* The P6 performance-monitoring MSRs hold what is written but count nothing: no
 * event is modelled, and a kernel that probes them finds working registers. */
static uint64_t *plain_msr(struct cpu *cpu, uint32_t index)
{
    if (index == MSR_PERFCTR0 || index == MSR_PERFCTR0 + 1)
        return &cpu->msr.perfctr[index - MSR_PERFCTR0];
    if (index == MSR_EVNTSEL0 || index == MSR_EVNTSEL0 + 1)
        return &cpu->msr.evntsel[index - MSR_EVNTSEL0];
    if (index >= MSR_MTRR_PHYSBASE0 && index < MSR_MTRR_PHYSBASE0 + 16)
        return &cpu->msr.mtrr_var[index - MSR_MTRR_PHYSBASE0];
    switch (index) {
    case MSR_PAT: return &cpu->msr.pat;
    case MSR_MTRR_DEF_TYPE: return &cpu->msr.mtrr_def_type;
    case MSR_BIOS_SIGN_ID: return &cpu->msr.bios_sign;
    default: return fixed_mtrr(cpu, index);
    }
}

bool msr_read(struct cpu *cpu, uint32_t index, uint64_t *value)
{
    switch (index) {
    case MSR_TSC: *value = cpu_tsc(cpu); return true;
    case MSR_PLATFORM_ID: *value = 0; return true;
    case MSR_APIC_BASE: *value = cpu->msr.apic_base; return true;
    case MSR_MTRRCAP: *value = MTRRCAP_VALUE; return true;
    case MSR_SYSENTER_CS: *value = cpu->msr.sysenter_cs; return true;
    case MSR_SYSENTER_ESP: *value = cpu->msr.sysenter_esp; return true;
    case MSR_SYSENTER_EIP: *value = cpu->msr.sysenter_eip; return true;
    default: break;
    }
    uint64_t *p = plain_msr(cpu, index);
    if (!p)
        return mca_read(cpu, index, value);
    *value = *p;
    return true;
}

bool msr_write(struct cpu *cpu, uint32_t index, uint64_t value)
{
    switch (index) {
    case MSR_TSC:
        /* Intel SDM Vol. 3, 17.17: WRMSR to the TSC sets the counter; bt86 keeps the
         * instruction count and moves the offset. */
        cpu->tsc_offset += value - cpu_tsc(cpu);
        return true;
    case MSR_APIC_BASE:
        if (value & ~APIC_BASE_MASK)
            return false;
        cpu->msr.apic_base = value;
        return true;
    case MSR_SYSENTER_CS: cpu->msr.sysenter_cs = (uint32_t)value; return true;
    case MSR_SYSENTER_ESP: cpu->msr.sysenter_esp = (uint32_t)value; return true;
    case MSR_SYSENTER_EIP: cpu->msr.sysenter_eip = (uint32_t)value; return true;
    case MSR_BIOS_SIGN_ID: cpu->msr.bios_sign = value; return true;
    case MSR_MTRR_DEF_TYPE:
        /* Type in 7:0, FE (10), E (11); the rest is reserved. */
        if (value & ~0xcffull)
            return false;
        cpu->msr.mtrr_def_type = value;
        return true;
    default: break;
    }
    uint64_t *p = plain_msr(cpu, index);
    if (!p)
        return mca_write(cpu, index, value);
    /* Variable ranges: bits above MAXPHYADDR (36) are reserved. */
    if (index >= MSR_MTRR_PHYSBASE0 && index < MSR_MTRR_PHYSBASE0 + 16 && (value >> 36))
        return false;
    *p = value;
    return true;
}

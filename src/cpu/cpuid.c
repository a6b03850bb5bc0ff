#include "cpu/cpuid.h"

/* CPUID.1:EDX bits (Intel SDM Vol. 2, CPUID, table 3-11). Only what bt86 implements
 * is claimed; each issue that adds a feature adds its bit here. */
#define FEAT_FPU   (1u << 0)
#define FEAT_VME   (1u << 1)
#define FEAT_DE    (1u << 2)
#define FEAT_PSE   (1u << 3)
#define FEAT_TSC   (1u << 4)
#define FEAT_MSR   (1u << 5)
#define FEAT_PAE   (1u << 6)
#define FEAT_MCE   (1u << 7)
#define FEAT_CX8   (1u << 8)
#define FEAT_SEP   (1u << 11)
#define FEAT_MTRR  (1u << 12)
#define FEAT_PGE   (1u << 13)
#define FEAT_MCA   (1u << 14)
#define FEAT_CMOV  (1u << 15)
#define FEAT_PAT   (1u << 16)
#define FEAT_PSE36 (1u << 17)
#define FEAT_FXSR  (1u << 24)
#define FEATURES                                                                                   \
    (FEAT_FPU | FEAT_VME | FEAT_DE | FEAT_PSE | FEAT_TSC | FEAT_MSR | FEAT_PAE | FEAT_MCE |        \
     FEAT_CX8 | FEAT_SEP | FEAT_MTRR | FEAT_PGE | FEAT_MCA | FEAT_CMOV | FEAT_PAT | FEAT_PSE36 |   \
     FEAT_FXSR)

#define SIGNATURE 0x00000619u /* family 6, model 1, stepping 9: Pentium Pro */

struct cpuid_result cpuid_query(uint32_t leaf, uint32_t subleaf)
{
    (void)subleaf;
    switch (leaf) {
    case 0:
        /* Highest leaf 1; vendor "GenuineIntel" in EBX, EDX, ECX. */
        return (struct cpuid_result){1, 0x756e6547u, 0x6c65746eu, 0x49656e69u};
    case 1: return (struct cpuid_result){SIGNATURE, 0, 0, FEATURES};
    default:
        /* Above the highest leaf, Intel CPUs return the highest basic leaf's data. */
        return cpuid_query(1, 0);
    }
}

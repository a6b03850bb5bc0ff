/* The CPUID profile bt86 presents: a P6 family-6 part whose feature bits claim
 * exactly what this build implements. */
#ifndef BT86_CPU_CPUID_H
#define BT86_CPU_CPUID_H

#include <stdint.h>

struct cpuid_result {
    uint32_t eax, ebx, ecx, edx;
};

struct cpuid_result cpuid_query(uint32_t leaf, uint32_t subleaf);

#endif

/* The x87 FPU's architectural state (Intel SDM Vol. 1, 8.1): eight 80-bit data
 * registers, control, status and tag words, and the last-instruction pointers.
 * Part of struct cpu's system state; the instructions live in src/cpu/ops_fpu*.c. */
#ifndef BT86_CPU_FPU_FPU_STATE_H
#define BT86_CPU_FPU_FPU_STATE_H

#include "cpu/fpu/f80.h"

#include <stdbool.h>
#include <stdint.h>

/* Status word (SDM Vol. 1, 8.1.3). Bits 0-5 are the exception flags (F80_IE..). */
#define FPU_SW_SF        0x0040u /* stack fault */
#define FPU_SW_ES        0x0080u /* exception summary */
#define FPU_SW_C0        0x0100u
#define FPU_SW_C1        0x0200u
#define FPU_SW_C2        0x0400u
#define FPU_SW_TOP_SHIFT 11
#define FPU_SW_TOP       0x3800u
#define FPU_SW_C3        0x4000u
#define FPU_SW_B         0x8000u /* busy: mirrors ES on a P6 */
#define FPU_SW_EXC       0x003Fu
#define FPU_SW_CC        (FPU_SW_C0 | FPU_SW_C1 | FPU_SW_C2 | FPU_SW_C3)

/* Control word (SDM Vol. 1, 8.1.5): bits 0-5 mask the exceptions, PC in 8-9, RC
 * in 10-11. Bit 6 reads as 1 and bits 7, 12-15 as 0 (checked on the host). */
#define FPU_CW_PC_SHIFT 8
#define FPU_CW_RC_SHIFT 10
#define FPU_CW_WRITABLE 0x1F3Fu
#define FPU_CW_FIXED1   0x0040u
#define FPU_CW_INIT     0x037Fu

/* Tags, two bits per physical register (SDM Vol. 1, 8.1.7). */
#define FPU_TAG_VALID   0u
#define FPU_TAG_ZERO    1u
#define FPU_TAG_SPECIAL 2u /* NaN, infinity, denormal, unsupported */
#define FPU_TAG_EMPTY   3u

struct fpu {
    struct f80 reg[8]; /* physical registers R0-R7; ST(i) is R((top + i) & 7) */
    uint16_t cw;
    uint16_t sw;  /* status word with the TOP field kept zero (top holds it) */
    uint16_t tag; /* tag word: bits 2n+1..2n are R(n)'s tag */
    uint8_t top;
    uint16_t fop;      /* last non-control instruction's opcode: 11 bits (SDM 8.1.10) */
    uint32_t fip, fdp; /* ... its offset and its memory operand's offset */
    uint16_t fcs, fds; /* ... and their segment selectors */
    bool ferr;         /* FERR# level last reported to cpu_bus.ferr */
};

/* FNINIT state (SDM Vol. 1, 8.1.10, table 8-2 / Vol. 3, table 10-1). The data
 * registers keep their contents. */
void fpu_init(struct fpu *f);

/* Power-on/RESET state (SDM Vol. 3, table 10-1, P6 column): control word 0040H,
 * status 0, tag word 5555H (every register valid), registers +0.0, pointers 0.
 * Software is expected to run FNINIT before using the FPU. */
void fpu_reset(struct fpu *f);

/* The status word with TOP. */
uint16_t fpu_status_word(const struct fpu *f);

/* The tag a value gets when written to a register. */
unsigned fpu_tag_for(struct f80 v);

#endif

/* Shared parts of the f80-level host-differential programs (test_f80_host,
 * test_f80_trans_host): the random stream and f80 constructor their operand
 * generators draw from, the sweep over ops and rounding x precision modes, the
 * outcome of one case and how a mismatch prints it, and the inline-asm shapes that
 * run an instruction on the host x87. The ops, operand generators, status-word
 * masks, budgets and verdicts stay in each program. Header only: include it from
 * one test file. */
#ifndef BT86_TESTS_X87_HOST_RIG_H
#define BT86_TESTS_X87_HOST_RIG_H

#include "cpu/fpu/f80.h"
#include "splitmix64.h"
#include "x87_host_cli.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define X87_SW_EXC  0x003Fu /* IE DE ZE OE UE PE */
#define X87_SW_CC   (F80_C0 | F80_C1 | F80_C2 | F80_C3)
#define X87_INT_BIT 0x8000000000000000u /* the explicit integer bit of a significand */

/* ---- random values ------------------------------------------------------- */

/* SplitMix64. */
struct rng {
    uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
    return splitmix64_next(&r->s);
}

static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
    return rng_next(r) % n;
}

static inline struct f80 make_f80(bool sign, uint32_t exp, uint64_t mant)
{
    return (struct f80){mant, (uint16_t)((sign ? 0x8000 : 0) | (exp & 0x7FFF))};
}

/* ---- the sweep over ops and modes ----------------------------------------- */

/* Runs every selected op (--op NAME picks one) for opts->cases cases, spread
 * evenly (rounded up) over the 4 rounding modes under each precision control in
 * pcs. Each op draws from its own stream, seeded from the run's seed and the op's
 * number, so that --op NAME repeats exactly that op's cases of a full run.
 *   struct x87_sweep s = x87_sweep_start(&opts, op_names, OP_COUNT, pcs, npcs);
 *   while (x87_sweep_next_op(&s)) {
 *       while (x87_sweep_next_case(&s)) { ...gen from &s.rng, run at s.rc, s.pc... }
 *       ...report op s.op, s.done cases...
 *   } */
struct x87_sweep {
    const struct x87_host_opts *opts;
    const char *const *names; /* op names, indexed by op number */
    int count;
    const unsigned *pcs;
    unsigned modes;    /* 4 RCs x the PCs */
    uint64_t per_mode; /* cases per mode */
    int op;            /* the current op; -1 before the first */
    uint64_t done;     /* cases of the current op so far */
    unsigned rc, pc;   /* the current case's rounding and precision control */
    struct rng rng;    /* the current op's stream */
};

static inline struct x87_sweep x87_sweep_start(const struct x87_host_opts *opts,
                                               const char *const *names, int count,
                                               const unsigned *pcs, unsigned npcs)
{
    unsigned modes = 4 * npcs;
    return (struct x87_sweep){.opts = opts,
                              .names = names,
                              .count = count,
                              .pcs = pcs,
                              .modes = modes,
                              .per_mode = (opts->cases + modes - 1) / modes,
                              .op = -1};
}

/* Moves to the next selected op; false when there is none. */
static inline bool x87_sweep_next_op(struct x87_sweep *s)
{
    while (++s->op < s->count) {
        if (!x87_host_selected(s->opts, s->names[s->op]))
            continue;
        s->rng = (struct rng){s->opts->seed ^ ((uint64_t)s->op * 0x9E3779B97F4A7C15u)};
        s->done = 0;
        return true;
    }
    return false;
}

/* Moves to the op's next case (all cases of one mode, then the next mode); false
 * when the op is done. */
static inline bool x87_sweep_next_case(struct x87_sweep *s)
{
    if (s->done == s->per_mode * s->modes)
        return false;
    unsigned mode = (unsigned)(s->done++ / s->per_mode);
    s->rc = mode & 3;
    s->pc = s->pcs[mode >> 2];
    return true;
}

/* ---- one case's outcome ---------------------------------------------------- */

/* What one case produced on one side: up to two 80-bit results (ST(0) and the
 * second result of FXTRACT / FSINCOS / FPTAN; a program may also keep integer,
 * float or BCD bits in r1.mant and r1.se) and the status word. */
struct x87_outcome {
    struct f80 r1, r2;
    uint16_t sw;
};

static inline void x87_print_f80(const char *name, struct f80 v)
{
    printf(" %s=%04x:%016" PRIx64, name, v.se, v.mant);
}

/* One line of a mismatch report: who ("  host", "  soft"), the results and the
 * status-word bits in mask. */
static inline void x87_print_outcome(const char *who, const struct x87_outcome *o, uint16_t mask)
{
    x87_print_f80(who, o->r1);
    x87_print_f80("r2", o->r2);
    printf(" sw=%04x\n", o->sw & mask);
}

/* ---- the host x87 ------------------------------------------------------------ */

#define X87_CW_OE_UE 0x0018u /* the OM and UM mask bits */

/* A control word with every exception masked (SDM Vol. 1, 8.1.5). */
static inline uint16_t x87_host_cw(unsigned rc, unsigned pc)
{
    return (uint16_t)(0x007F | (pc << 8) | (rc << 10));
}

/* ST(i) of a 108-byte FNSAVE image (32-bit layout: the registers from byte 28). */
static inline struct f80 x87_fnsave_st(const uint8_t *save, int i)
{
    struct f80 v = {0, 0};
    memcpy(&v.mant, save + 28 + 10 * i, 8);
    memcpy(&v.se, save + 36 + 10 * i, 2);
    return v;
}

/* Every host run starts from a clean FPU under control word %[cw] and leaves it
 * clean (FNINIT) for the compiler and the next run. */
#define X87_HOST_ENTER  "fninit\n\tfldcw %[cw]\n\t"
#define X87_HOST_STATUS "\n\tfnstsw %[sw]\n\t" /* after the instruction */
#define X87_HOST_LEAVE  "fninit"
#define X87_LOAD_A      "fldt %[a]\n\t"              /* ST(0) = a */
#define X87_LOAD_B_A    "fldt %[b]\n\tfldt %[a]\n\t" /* ST(0) = a, ST(1) = b */

/* Loads the operands a_ and b_ (X87_LOAD_A or X87_LOAD_B_A), runs insn under
 * control word cw_, and stores ST(0) to r_ (a struct f80) and the status word to
 * sw_. (Parameters end in _ so as not to replace the asm operand names.) */
#define X87_HOST_TO_ST0(loads, insn, cw_, a_, b_, r_, sw_)                                         \
    __asm__ volatile(X87_HOST_ENTER loads insn X87_HOST_STATUS "fstpt %[r]\n\t" X87_HOST_LEAVE     \
                     : [r] "=m"(r_), [sw] "=m"(sw_)                                                \
                     : [a] "m"(a_), [b] "m"(b_), [cw] "m"(cw_)                                     \
                     : "st", "st(1)", "memory")

/* The same, but FNSAVE reads the whole register file out into save_ (108 bytes,
 * see x87_fnsave_st): for an instruction that pushes, or one run with an
 * exception unmasked. FNSAVE is a no-wait instruction and reinitializes the FPU,
 * so an unmasked exception left pending never traps. */
#define X87_HOST_TO_SAVE(loads, insn, cw_, a_, b_, save_, sw_)                                     \
    __asm__ volatile(X87_HOST_ENTER loads insn X87_HOST_STATUS "fnsave %[save]\n\t" X87_HOST_LEAVE \
                     : [save] "=m"(save_), [sw] "=m"(sw_)                                          \
                     : [a] "m"(a_), [b] "m"(b_), [cw] "m"(cw_)                                     \
                     : "st", "st(1)", "memory")

#endif

/* Random test cases for the host-differential test: one generator per instruction
 * form, each picking an encoding (operand size, register or memory operand, prefix)
 * and inputs biased toward edge cases. */
#ifndef BT86_HOSTDIFF_GEN_H
#define BT86_HOSTDIFF_GEN_H

#include "proto.h"

#include <stdbool.h>
#include <stddef.h>

struct rng {
    uint64_t s;
};

/* A generated case plus what the comparison must ignore for it. */
struct gen_case {
    struct hd_case c;
    uint32_t ignore_flags; /* EFLAGS bits left out of the comparison (masks.c) */
    uint8_t ignore_regs;   /* bit n: register n is left out (undefined results) */
    uint8_t ignore_mem;    /* the memory result is left out (undefined results) */
    const char *why;       /* reason for the masks, for the report */
};

/* The generator state while a case is built. */
struct gen {
    struct rng *rng;
    struct gen_case *gc;
    uint8_t owned;     /* registers whose value is already chosen */
    uint32_t tlo, thi; /* range of window offsets memory operands land in */
    bool has_mem;      /* a ModRM memory operand was emitted */
};

typedef void (*gen_fn)(struct gen *g);

struct form {
    const char *name;
    gen_fn gen;
    const char *what; /* for --list */
    bool needs_fs;    /* uses the FS window segment (16-bit addressing) */
};

extern const struct form hd_forms[];
extern const size_t hd_form_count;

/* Builds case number index of a form; the same (seed, form, index) always gives the
 * same case, so a mismatch can be rerun alone with --form. */
void gen_case(const struct form *f, uint64_t seed, uint32_t index, struct gen_case *out);

/* --- helpers shared by the generator files (gen_util.c) --- */
uint32_t rnd(struct rng *r);
uint32_t below(struct rng *r, uint32_t n);
bool chance(struct rng *r, uint32_t percent);
/* An edge-biased value whose low size bytes matter. */
uint32_t edge(struct rng *r, int size);
/* A shift/rotate count biased toward 0, 1, the operand width and beyond. */
uint32_t edge_count(struct rng *r, int size);
int pick_size(struct gen *g, bool bytes); /* 1 (if bytes), 2 or 4 */
int pick_wide(struct gen *g);             /* 2 or 4 */

void emit(struct gen *g, uint8_t b);
void emit_imm(struct gen *g, uint32_t v, int size);
void emit_osize(struct gen *g, int size); /* 66h for 16-bit operands */
void set_reg(struct gen *g, int r, uint32_t v);
void poke(struct gen *g, uint32_t off, uint32_t v);
/* An r/m operand: a general register (reg >= 0, the ModRM numbering: for bytes
 * 4-7 are AH..BH) or a window offset, and its value before the instruction. */
struct operand {
    int reg;
    uint32_t target;
    uint32_t val;
};

/* Emits a ModRM (and SIB, displacement) with reg field reg_field for an r/m operand:
 * with probability mem_percent a memory operand in the window whose first dword is
 * poked with an edge value, else a random register. Base and index registers are
 * taken from those the generator has not chosen yet (set_reg marks them). */
struct operand emit_rm(struct gen *g, int reg_field, int size, int mem_percent);
/* A memory operand at window offset target (or near ESP); returns the offset used. */
uint32_t emit_mem_at(struct gen *g, int reg_field, uint32_t target);
/* Register lanes by operand size (8-bit numbering as above). */
uint32_t lane_get(struct gen *g, int r, int size);
void lane_set(struct gen *g, int r, int size, uint32_t v);
/* Replaces an operand's value before the instruction. */
void operand_set(struct gen *g, const struct operand *op, int size, uint32_t v);
/* Marks the case's undefined flags/registers (with a reason for the report). */
void ignore(struct gen *g, uint32_t flags, uint8_t regs, const char *why);

#endif

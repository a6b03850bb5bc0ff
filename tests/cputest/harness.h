/* Runs one MOO test on a bt86 CPU and compares the outcome. One harness (one
 * physical space, one CPU) serves a whole run: each test undoes the RAM bytes the
 * previous one touched instead of clearing all of RAM. */
#ifndef BT86_CPUTEST_HARNESS_H
#define BT86_CPUTEST_HARNESS_H

#include "cpu/cpu.h"
#include "moo.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 2 MiB covers every real-mode address with A20 enabled (up to 10FFEFh). */
#define HARNESS_RAM_SIZE (2u << 20)

/* Instructions a test may retire before it counts as runaway: the instruction,
 * possibly an exception handler's HLT, and REP string iterations (CX is masked to
 * 7 bits in the vectors). */
#define HARNESS_BUDGET 4096

struct harness {
    struct phys_space ps;
    struct cpu *cpu;
    uint32_t *touched; /* RAM addresses written by setup or listed by the test */
    size_t touched_count, touched_cap;
    uint32_t sentinel; /* address of the HLT byte unexpected interrupts land on */
};

/* How to compare one test (from metadata and the exclusion list). */
struct compare_opts {
    uint16_t flags_mask;          /* FLAGS bits to compare: metadata flags-mask */
    uint16_t initial_flags_clear; /* cleared from the initial FLAGS before loading */
    uint16_t final_flags_ignore;  /* FLAGS bits not compared (exclusion list) */
    bool ss_fault_13;             /* IVT entry 12 aliases entry 13 for this test */
};

int harness_init(struct harness *h);
void harness_free(struct harness *h);

/* Runs t and compares it. Returns true when it passed; otherwise diff holds a
 * one-line description of the first difference. */
bool harness_run(struct harness *h, const struct moo_file *f, const struct moo_test *t,
                 const struct compare_opts *o, char *diff, size_t difflen);

#endif

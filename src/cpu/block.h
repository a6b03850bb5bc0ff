/* A translated block: a run of decoded instructions from one guest page (or one
 * instruction that straddles two), ending at a control transfer, a state change or
 * the page end (DESIGN.md, Execution). */
#ifndef BT86_CPU_BLOCK_H
#define BT86_CPU_BLOCK_H

#include "cpu/insn.h"

#include <stdint.h>

/* A direct exit from one block to a successor on the same page. The successor
 * keeps the links that reach it, so invalidating it unchains its predecessors. */
struct block_link {
    struct block *from;
    struct block *to; /* NULL until linked */
    uint32_t target_eip;
    struct block_link *next_in; /* in to->incoming */
    struct block_link **prev_in;
};

enum block_exit_slot { EXIT_TAKEN, EXIT_FALLTHROUGH, EXIT_SLOTS };

#define BLOCK_DEAD         0x1u /* invalidated: never entered again, freed later */
#define BLOCK_DIRECT_EXITS 0x2u /* ends in a jump/branch/fall-through, same mode after */
#define BLOCK_SETS_EIP     0x4u /* the last instruction sets EIP itself */

#define NO_SECOND_PAGE UINT64_MAX

struct block {
    uint64_t phys;       /* guest physical address of the first byte */
    uint64_t phys_page2; /* second physical page of a straddling instruction, or NO_SECOND_PAGE */
    uint32_t cs_base;
    uint32_t eip;
    uint32_t mode;
    uint16_t byte_len;  /* bytes in the first page */
    uint16_t byte_len2; /* bytes in the second page */
    uint16_t insn_count;
    uint16_t run_count; /* handlers the block loop calls: insn_count, less one when the
                           last two instructions run as one (fuse_pair) */
    uint16_t flags;
    uint64_t exec_count;
    void *host_code; /* JIT tier, NULL while interpreted */
    struct block *hash_next;
    struct block *page_next[2]; /* the per-page lists of the one or two pages */
    struct block *grave_next;
    struct block_link exits[EXIT_SLOTS];
    struct block_link *incoming;
    struct insn insns[];
};

#endif

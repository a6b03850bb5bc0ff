/* The block cache: blocks by (physical address, CS base, mode) in an XXH3-hashed
 * table, a jump cache by virtual EIP in front of it, per-page block lists for
 * invalidation, and direct links between blocks. */
#ifndef BT86_CPU_BLOCK_CACHE_H
#define BT86_CPU_BLOCK_CACHE_H

#include "cpu/block.h"
#include "mem/mem.h"

#define JUMP_CACHE_BITS        12
#define JUMP_CACHE_SIZE        (1u << JUMP_CACHE_BITS)
#define BLOCK_CACHE_MAX_BLOCKS (1u << 17)

struct block_cache {
    struct block **table;
    uint32_t table_mask;
    uint32_t block_count;
    struct block *jump_cache[JUMP_CACHE_SIZE];
    struct block *graveyard; /* dead blocks, freed when no block is running */
    struct phys_space *phys;
    struct tlb *tlb;
    /* counters for tests and benchmarks */
    uint64_t lookups, misses, invalidations;
};

struct block_cache *block_cache_create(struct phys_space *phys, struct tlb *tlb);
void block_cache_destroy(struct block_cache *bc);

struct block *block_cache_lookup(struct block_cache *bc, uint64_t phys, uint32_t cs_base,
                                 uint32_t mode);
/* Adds a freshly decoded block: into the table, onto its pages' lists, and marks
 * its bytes as code (making the TLB send writes there to the slow path). */
void block_cache_insert(struct block_cache *bc, struct block *b);

static inline uint32_t jump_cache_index(uint32_t eip, uint32_t cs_base)
{
    uint32_t linear = eip + cs_base;
    return (linear ^ (linear >> JUMP_CACHE_BITS)) & (JUMP_CACHE_SIZE - 1);
}

static inline struct block *block_cache_jump_lookup(struct block_cache *bc, uint32_t eip,
                                                    uint32_t cs_base, uint32_t mode)
{
    struct block *b = bc->jump_cache[jump_cache_index(eip, cs_base)];
    if (b && b->eip == eip && b->cs_base == cs_base && b->mode == mode)
        return b;
    return NULL;
}

static inline void block_cache_jump_set(struct block_cache *bc, struct block *b)
{
    bc->jump_cache[jump_cache_index(b->eip, b->cs_base)] = b;
}

/* Links from's exit slot to to (both live, same guest page). */
void block_cache_link(struct block *from, enum block_exit_slot slot, struct block *to);

/* Removes every block overlapping [paddr, paddr+len): out of the table, the page
 * lists and the jump cache, links in and out undone, marked dead. Returns true if
 * running (may be NULL) was among them. */
bool block_cache_invalidate(struct block_cache *bc, uint64_t paddr, uint32_t len,
                            const struct block *running);

/* Drops every block (mode change that makes them all stale, cache full). Must not
 * be called while a block runs. */
void block_cache_flush(struct block_cache *bc);
void block_cache_flush_jump_cache(struct block_cache *bc);
/* Frees dead blocks; only when no block is running. */
void block_cache_collect(struct block_cache *bc);

#endif

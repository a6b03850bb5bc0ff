#include "cpu/block_cache.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define INITIAL_TABLE_SIZE 4096u

struct block_cache *block_cache_create(struct phys_space *phys, struct tlb *tlb)
{
    struct block_cache *bc = calloc(1, sizeof *bc);
    if (!bc)
        return NULL;
    bc->table = calloc(INITIAL_TABLE_SIZE, sizeof *bc->table);
    if (!bc->table) {
        free(bc);
        return NULL;
    }
    bc->table_mask = INITIAL_TABLE_SIZE - 1;
    bc->phys = phys;
    bc->tlb = tlb;
    return bc;
}

void block_cache_destroy(struct block_cache *bc)
{
    if (!bc)
        return;
    block_cache_flush(bc);
    block_cache_collect(bc);
    free(bc->table);
    free(bc);
}

static uint32_t key_hash(uint64_t phys, uint32_t cs_base, uint32_t mode)
{
    struct {
        uint64_t phys;
        uint32_t cs_base, mode;
    } key = {phys, cs_base, mode};
    return (uint32_t)XXH3_64bits(&key, sizeof key);
}

struct block *block_cache_lookup(struct block_cache *bc, uint64_t phys, uint32_t cs_base,
                                 uint32_t mode)
{
    bc->lookups++;
    struct block *b = bc->table[key_hash(phys, cs_base, mode) & bc->table_mask];
    for (; b; b = b->hash_next)
        if (b->phys == phys && b->cs_base == cs_base && b->mode == mode)
            return b;
    bc->misses++;
    return NULL;
}

/* Doubles the table when it holds more blocks than slots, keeping chains short. */
static void grow_table(struct block_cache *bc)
{
    uint32_t size = (bc->table_mask + 1) * 2;
    struct block **table = calloc(size, sizeof *table);
    if (!table)
        return; /* longer chains, still correct */
    for (uint32_t i = 0; i <= bc->table_mask; i++) {
        struct block *b = bc->table[i];
        while (b) {
            struct block *next = b->hash_next;
            uint32_t h = key_hash(b->phys, b->cs_base, b->mode) & (size - 1);
            b->hash_next = table[h];
            table[h] = b;
            b = next;
        }
    }
    free(bc->table);
    bc->table = table;
    bc->table_mask = size - 1;
}

static struct page_desc *page_of(struct block_cache *bc, uint64_t paddr)
{
    return paddr < bc->phys->ram_size ? &bc->phys->pages[paddr >> PAGE_SHIFT] : NULL;
}

static void page_add(struct block_cache *bc, struct block *b, int which, uint64_t paddr,
                     uint32_t len)
{
    struct page_desc *pd = page_of(bc, paddr);
    if (!pd)
        return; /* ROM and MMIO code cannot be written, so needs no tracking */
    bool was_code = pd->code_chunks != 0;
    b->page_next[which] = pd->blocks;
    pd->blocks = b;
    phys_mark_code(bc->phys, paddr, len);
    if (!was_code)
        tlb_protect_phys_page(bc->tlb, paddr & ~(uint64_t)(PAGE_SIZE - 1));
}

void block_cache_insert(struct block_cache *bc, struct block *b)
{
    if (bc->block_count >= BLOCK_CACHE_MAX_BLOCKS)
        block_cache_flush(bc);
    if (bc->block_count > bc->table_mask)
        grow_table(bc);
    uint32_t h = key_hash(b->phys, b->cs_base, b->mode) & bc->table_mask;
    b->hash_next = bc->table[h];
    bc->table[h] = b;
    bc->block_count++;
    page_add(bc, b, 0, b->phys, b->byte_len);
    if (b->phys_page2 != NO_SECOND_PAGE)
        page_add(bc, b, 1, b->phys_page2, b->byte_len2);
}

void block_cache_link(struct block *from, enum block_exit_slot slot, struct block *to)
{
    struct block_link *l = &from->exits[slot];
    if (l->to || (from->flags | to->flags) & BLOCK_DEAD)
        return;
    l->from = from;
    l->to = to;
    l->next_in = to->incoming;
    l->prev_in = &to->incoming;
    if (to->incoming)
        to->incoming->prev_in = &l->next_in;
    to->incoming = l;
}

static void unlink_one(struct block_link *l)
{
    if (!l->to)
        return;
    *l->prev_in = l->next_in;
    if (l->next_in)
        l->next_in->prev_in = l->prev_in;
    l->to = NULL;
    l->next_in = NULL;
    l->prev_in = NULL;
}

static void table_remove(struct block_cache *bc, struct block *b)
{
    struct block **p = &bc->table[key_hash(b->phys, b->cs_base, b->mode) & bc->table_mask];
    for (; *p; p = &(*p)->hash_next)
        if (*p == b) {
            *p = b->hash_next;
            bc->block_count--;
            return;
        }
}

static void page_remove(struct block_cache *bc, struct block *b, int which, uint64_t paddr)
{
    struct page_desc *pd = page_of(bc, paddr);
    if (!pd)
        return;
    struct block **p = (struct block **)&pd->blocks;
    for (; *p; p = &(*p)->page_next[(*p)->phys >> PAGE_SHIFT == paddr >> PAGE_SHIFT ? 0 : 1])
        if (*p == b) {
            *p = b->page_next[which];
            return;
        }
}

/* Recomputes a page's code bitmap from the blocks still on it. */
static void page_recount(struct block_cache *bc, uint64_t page)
{
    struct page_desc *pd = page_of(bc, page);
    if (!pd)
        return;
    pd->code_chunks = 0;
    for (struct block *b = pd->blocks; b;) {
        bool first = b->phys >> PAGE_SHIFT == page >> PAGE_SHIFT;
        if (first)
            phys_mark_code(bc->phys, b->phys, b->byte_len);
        else
            phys_mark_code(bc->phys, b->phys_page2, b->byte_len2);
        b = b->page_next[first ? 0 : 1];
    }
}

static void kill_block(struct block_cache *bc, struct block *b)
{
    table_remove(bc, b);
    page_remove(bc, b, 0, b->phys);
    if (b->phys_page2 != NO_SECOND_PAGE)
        page_remove(bc, b, 1, b->phys_page2);
    for (int s = 0; s < EXIT_SLOTS; s++)
        unlink_one(&b->exits[s]);
    while (b->incoming)
        unlink_one(b->incoming);
    uint32_t jc = jump_cache_index(b->eip, b->cs_base);
    if (bc->jump_cache[jc] == b)
        bc->jump_cache[jc] = NULL;
    b->flags |= BLOCK_DEAD;
    b->grave_next = bc->graveyard;
    bc->graveyard = b;
    bc->invalidations++;
}

static bool overlaps(uint64_t start, uint32_t len, uint64_t paddr, uint32_t wlen)
{
    return start < paddr + wlen && paddr < start + len;
}

bool block_cache_invalidate(struct block_cache *bc, uint64_t paddr, uint32_t len,
                            const struct block *running)
{
    bool hit_running = false;
    uint64_t end = paddr + len;
    for (uint64_t page = paddr & ~(uint64_t)(PAGE_SIZE - 1); page < end; page += PAGE_SIZE) {
        struct page_desc *pd = page_of(bc, page);
        if (!pd || !pd->code_chunks)
            continue;
        bool removed = false;
        for (struct block *b = pd->blocks, *next; b; b = next) {
            bool first = b->phys >> PAGE_SHIFT == page >> PAGE_SHIFT;
            next = b->page_next[first ? 0 : 1];
            bool hit = overlaps(b->phys, b->byte_len, paddr, len) ||
                       (b->phys_page2 != NO_SECOND_PAGE &&
                        overlaps(b->phys_page2, b->byte_len2, paddr, len));
            if (!hit)
                continue;
            hit_running |= b == running;
            kill_block(bc, b);
            removed = true;
            /* A straddling block also leaves the other page: its bitmap shrinks too. */
            if (b->phys_page2 != NO_SECOND_PAGE)
                page_recount(bc, first ? b->phys_page2 : b->phys);
        }
        if (removed)
            page_recount(bc, page);
    }
    return hit_running;
}

void block_cache_flush_jump_cache(struct block_cache *bc)
{
    memset(bc->jump_cache, 0, sizeof bc->jump_cache);
}

void block_cache_flush(struct block_cache *bc)
{
    for (uint32_t i = 0; i <= bc->table_mask; i++) {
        while (bc->table[i])
            kill_block(bc, bc->table[i]);
    }
    block_cache_flush_jump_cache(bc);
}

void block_cache_collect(struct block_cache *bc)
{
    while (bc->graveyard) {
        struct block *b = bc->graveyard;
        bc->graveyard = b->grave_next;
        free(b);
    }
}

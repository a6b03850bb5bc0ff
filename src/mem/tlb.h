/* The soft TLB (DESIGN.md, Memory): a direct-mapped cache of guest-linear to host
 * translations, one array per privilege kind (supervisor, user).
 *
 * Each entry carries three tags, one per access kind. A tag equals the linear page
 * address only when that kind of access may take the fast path (plain RAM, allowed,
 * and for writes: not code-bearing and already dirty); otherwise a low bit is set
 * (TLB_INVALID or TLB_SLOW) and the compare fails, sending the access to the slow
 * path. So the fast path is one compare plus an add of the host addend. */
#ifndef BT86_MEM_TLB_H
#define BT86_MEM_TLB_H

#include <stdbool.h>
#include <stdint.h>

#define TLB_BITS    8
#define TLB_ENTRIES (1u << TLB_BITS)

enum tlb_kind { TLB_SUPERVISOR, TLB_USER, TLB_KINDS };

#define TLB_INVALID 1u /* tag bit: nothing cached for this access kind */
#define TLB_SLOW    2u /* tag bit: translation known, but go through the slow path */

struct tlb_entry {
    uint32_t read_tag;
    uint32_t write_tag;
    uint32_t exec_tag;
    uint32_t global; /* kept across CR3 loads (G bit with CR4.PGE) */
    uint64_t phys_page;
    uintptr_t addend; /* host address = addend + linear, valid for fast tags */
};

struct tlb {
    struct tlb_entry entries[TLB_KINDS][TLB_ENTRIES];
};

static inline struct tlb_entry *tlb_entry_for(struct tlb *tlb, enum tlb_kind kind, uint32_t linear)
{
    return &tlb->entries[kind][(linear >> 12) & (TLB_ENTRIES - 1)];
}

void tlb_flush_all(struct tlb *tlb);
/* CR3 load: everything but global pages. */
void tlb_flush_nonglobal(struct tlb *tlb);
/* INVLPG: the page in every kind, global or not. */
void tlb_flush_page(struct tlb *tlb, uint32_t linear);
/* A physical page became code-bearing: its write tags must leave the fast path. */
void tlb_protect_phys_page(struct tlb *tlb, uint64_t phys_page);

#endif

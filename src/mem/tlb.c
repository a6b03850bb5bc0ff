#include "mem/tlb.h"

static void invalidate(struct tlb_entry *e)
{
    e->read_tag = e->write_tag = e->exec_tag = TLB_INVALID;
    e->global = 0;
}

void tlb_flush_all(struct tlb *tlb)
{
    for (int k = 0; k < TLB_KINDS; k++)
        for (unsigned i = 0; i < TLB_ENTRIES; i++)
            invalidate(&tlb->entries[k][i]);
}

void tlb_flush_nonglobal(struct tlb *tlb)
{
    for (int k = 0; k < TLB_KINDS; k++)
        for (unsigned i = 0; i < TLB_ENTRIES; i++)
            if (!tlb->entries[k][i].global)
                invalidate(&tlb->entries[k][i]);
}

void tlb_flush_page(struct tlb *tlb, uint32_t linear)
{
    for (int k = 0; k < TLB_KINDS; k++)
        invalidate(tlb_entry_for(tlb, (enum tlb_kind)k, linear));
}

void tlb_protect_phys_page(struct tlb *tlb, uint64_t phys_page)
{
    for (int k = 0; k < TLB_KINDS; k++)
        for (unsigned i = 0; i < TLB_ENTRIES; i++) {
            struct tlb_entry *e = &tlb->entries[k][i];
            if (e->phys_page == phys_page && !(e->write_tag & TLB_INVALID))
                e->write_tag |= TLB_SLOW;
        }
}

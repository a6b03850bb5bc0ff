/* Guest page-table walkers (Intel SDM Vol. 3, chapter 4). Each format's walker
 * only reads entries and gathers what it found into a struct walk; the common code
 * then checks access rights (4.6), builds the error code (4.7) and, only once the
 * access is known to succeed, sets the A and D bits (4.8). */
#include "mem/paging.h"

#define SIZE_4K (1u << 12)
#define SIZE_2M (1u << 21)
#define SIZE_4M (1u << 22)

/* Bits MAXPHYADDR-1 .. lo of an address. */
#define PHYS_BITS_FROM(lo) ((((uint64_t)1 << PAGING_MAXPHYADDR) - 1) & ~(((uint64_t)1 << (lo)) - 1))

/* 32-bit paging, 4 MiB PDE (SDM Vol. 3, table 4-4): bits (M-20):13 hold physical
 * bits (M-1):32 (PSE-36), bits 21:(M-19) are reserved. Bit 12 is PAT. */
#define PSE36_HIGH_BITS (PAGING_MAXPHYADDR - 32)
#define PSE36_HIGH_MASK ((1u << PSE36_HIGH_BITS) - 1)
#define PDE4M_RSVD      (((1u << 22) - 1) & ~((1u << (PAGING_MAXPHYADDR - 19)) - 1))

/* PAE (SDM Vol. 3, tables 4-8 to 4-11): PDPTE bits 2:1, 8:5 and 63:M reserved;
 * PDE/PTE bits 62:M reserved, plus 63 when NXE = 0, plus 20:13 in a 2 MiB PDE. */
#define PAE_ADDR_4K   PHYS_BITS_FROM(12)
#define PAE_ADDR_2M   PHYS_BITS_FROM(21)
#define PAE_HIGH_RSVD (~(((uint64_t)1 << PAGING_MAXPHYADDR) - 1))
#define PDPTE_RSVD    (PAE_HIGH_RSVD | 0x1e6u)
#define PDE2M_RSVD    0x1fe000u

enum walk_status { WALK_OK, WALK_NOT_PRESENT, WALK_RESERVED };

/* What a format walker found. The entries listed in entry[] get the A bit on a
 * successful access; the last one is the final entry (D bit, G bit). */
struct walk {
    uint64_t entry[2];
    int entry_count;
    int entry_size;       /* 4 or 8 bytes */
    uint64_t final_value; /* the final entry as read */
    uint64_t frame;       /* physical base of the page */
    uint32_t page_size;
    bool rw, us, xd; /* combined over the levels: R/W and U/S ANDed, XD ORed */
};

static enum walk_status walk_legacy(struct phys_space *ps, const struct walk_ctx *ctx,
                                    uint32_t linear, struct walk *w)
{
    /* SDM Vol. 3, 4.3: PD at CR3[31:12], indexed by linear[31:22]. */
    uint64_t pde_addr = (ctx->cr3 & PAGE_MASK) | ((linear >> 22) << 2);
    uint32_t pde = (uint32_t)phys_read(ps, pde_addr, 4);
    if (!(pde & PTE_P))
        return WALK_NOT_PRESENT;
    w->entry_size = 4;
    w->entry[0] = pde_addr;
    w->entry_count = 1;

    if ((ctx->cr4 & WALK_CR4_PSE) && (pde & PTE_PS)) {
        /* 4 MiB page; with CR4.PSE = 0 the PS bit is ignored (table 4-5). */
        if (pde & PDE4M_RSVD)
            return WALK_RESERVED;
        w->frame = (pde & 0xffc00000u) | ((uint64_t)((pde >> 13) & PSE36_HIGH_MASK) << 32);
        w->page_size = SIZE_4M;
        w->final_value = pde;
        w->rw = pde & PTE_RW;
        w->us = pde & PTE_US;
        w->xd = false;
        return WALK_OK;
    }

    /* A PDE referencing a page table and a PTE have no reserved bits (4.7). */
    uint64_t pte_addr = (pde & PAGE_MASK) | (((linear >> 12) & 0x3ff) << 2);
    uint32_t pte = (uint32_t)phys_read(ps, pte_addr, 4);
    if (!(pte & PTE_P))
        return WALK_NOT_PRESENT;
    w->entry[1] = pte_addr;
    w->entry_count = 2;
    w->frame = pte & PAGE_MASK;
    w->page_size = SIZE_4K;
    w->final_value = pte;
    w->rw = (pde & pte & PTE_RW) != 0;
    w->us = (pde & pte & PTE_US) != 0;
    w->xd = false;
    return WALK_OK;
}

/* The PDPTE comes from the CPU's PDPTE registers, loaded at MOV to CR3 and the
 * other events of SDM Vol. 3, 4.4.1, so a change to the PDPT in memory has no
 * effect until the next load. A loaded PDPTE with a reserved bit can only come
 * from a load that was not checked (a loader's or a test's control-register
 * write; MOV to CR raises #GP(0) instead): it gives a #PF with RSVD here. */
static enum walk_status walk_pae(struct phys_space *ps, const struct walk_ctx *ctx, uint32_t linear,
                                 struct walk *w)
{
    bool nxe = (ctx->efer & WALK_EFER_NXE) != 0;
    uint64_t rsvd = PAE_HIGH_RSVD & ~(nxe ? PTE_XD : 0);

    uint64_t pdpte = ctx->pdpte
                         ? ctx->pdpte[linear >> 30]
                         : phys_read(ps, (ctx->cr3 & 0xffffffe0u) | ((linear >> 30) << 3), 8);
    if (!(pdpte & PTE_P))
        return WALK_NOT_PRESENT;
    if (pdpte & PDPTE_RSVD)
        return WALK_RESERVED;

    /* PAE PDPTEs carry no R/W, U/S, XD or A bit: they do not take part in access
     * rights (4.6) and are not marked accessed. */
    uint64_t pde_addr = (pdpte & PAE_ADDR_4K) | (((linear >> 21) & 0x1ff) << 3);
    uint64_t pde = phys_read(ps, pde_addr, 8);
    if (!(pde & PTE_P))
        return WALK_NOT_PRESENT;
    w->entry_size = 8;
    w->entry[0] = pde_addr;
    w->entry_count = 1;

    if (pde & PTE_PS) {
        /* 2 MiB page: CR4.PSE does not matter with PAE (4.1.1). */
        if (pde & (rsvd | PDE2M_RSVD))
            return WALK_RESERVED;
        w->frame = pde & PAE_ADDR_2M;
        w->page_size = SIZE_2M;
        w->final_value = pde;
        w->rw = pde & PTE_RW;
        w->us = pde & PTE_US;
        w->xd = nxe && (pde & PTE_XD);
        return WALK_OK;
    }
    if (pde & rsvd)
        return WALK_RESERVED;

    uint64_t pte_addr = (pde & PAE_ADDR_4K) | (((linear >> 12) & 0x1ff) << 3);
    uint64_t pte = phys_read(ps, pte_addr, 8);
    if (!(pte & PTE_P))
        return WALK_NOT_PRESENT;
    if (pte & rsvd)
        return WALK_RESERVED;
    w->entry[1] = pte_addr;
    w->entry_count = 2;
    w->frame = pte & PAE_ADDR_4K;
    w->page_size = SIZE_4K;
    w->final_value = pte;
    w->rw = (pde & pte & PTE_RW) != 0;
    w->us = (pde & pte & PTE_US) != 0;
    w->xd = nxe && ((pde | pte) & PTE_XD);
    return WALK_OK;
}

bool paging_load_pdptes(struct phys_space *ps, uint32_t cr3, uint64_t pdpte[PAGING_PDPTES])
{
    /* CR3 bits 31:5 hold the 32-byte aligned PDPT (SDM Vol. 3, table 4-7). */
    bool valid = true;
    for (uint32_t k = 0; k < PAGING_PDPTES; k++) {
        pdpte[k] = phys_read(ps, (cr3 & 0xffffffe0u) + 8 * k, 8);
        if ((pdpte[k] & PTE_P) && (pdpte[k] & PDPTE_RSVD))
            valid = false;
    }
    return valid;
}

/* Sets bits in an entry as the CPU's locked read-modify-write does, and writes
 * only when something changes (no spurious code-write notifications). The entry is
 * re-read so that a table that maps itself, where the PDE and the PTE are the same
 * entry, keeps the bits set through either role. */
static void set_entry_bits(struct phys_space *ps, uint64_t addr, int size, uint64_t bits)
{
    uint64_t v = phys_read(ps, addr, size);
    if ((v & bits) != bits)
        phys_write(ps, addr, v | bits, size);
}

static void fill_fault(struct page_fault *fault, const struct walk_ctx *ctx, uint32_t linear,
                       enum mem_access access, uint32_t cause)
{
    uint32_t code = cause;
    if (access == ACCESS_WRITE)
        code |= PF_ERR_W;
    if (ctx->user)
        code |= PF_ERR_U;
    /* SDM Vol. 3, 4.7: I/D is reported only with CR4.PAE = 1 and EFER.NXE = 1 (or
     * SMEP, which a P6 lacks); otherwise it stays 0 for instruction fetches too. */
    if (access == ACCESS_EXEC && (ctx->cr4 & WALK_CR4_PAE) && (ctx->efer & WALK_EFER_NXE))
        code |= PF_ERR_ID;
    fault->error_code = code;
    fault->cr2 = linear;
}

static bool walk_common(struct phys_space *ps, const struct walk_ctx *ctx, uint32_t linear,
                        enum mem_access access, bool check_and_update, struct walk_result *out,
                        struct page_fault *fault)
{
    if (!(ctx->cr0 & WALK_CR0_PG)) {
        /* No paging: linear = physical, no rights and nothing to mark dirty. */
        *out = (struct walk_result){.paddr = linear,
                                    .page_base_paddr = linear & PAGE_MASK,
                                    .page_size = SIZE_4K,
                                    .writable = true,
                                    .user = true,
                                    .executable = true,
                                    .global = false,
                                    .dirty = true};
        return true;
    }

    struct walk w = {0};
    enum walk_status st = (ctx->cr4 & WALK_CR4_PAE) ? walk_pae(ps, ctx, linear, &w)
                                                    : walk_legacy(ps, ctx, linear, &w);
    if (st != WALK_OK) {
        fill_fault(fault, ctx, linear, access, st == WALK_RESERVED ? PF_ERR_P | PF_ERR_RSVD : 0);
        return false;
    }

    /* SDM Vol. 3, 4.6 without SMEP/SMAP: user accesses need U/S = 1 at every level,
     * and user writes R/W = 1 at every level; supervisor writes need R/W = 1 at
     * every level only when CR0.WP = 1; fetches need XD = 0 at every level. */
    bool writable = w.rw || (!ctx->user && !(ctx->cr0 & WALK_CR0_WP));
    if (check_and_update) {
        bool allowed = (!ctx->user || w.us) && (access != ACCESS_WRITE || writable) &&
                       (access != ACCESS_EXEC || !w.xd);
        if (!allowed) {
            fill_fault(fault, ctx, linear, access, PF_ERR_P);
            return false;
        }
        /* SDM Vol. 3, 4.8: A in every entry used, D in the final entry on a write. */
        for (int i = 0; i < w.entry_count; i++) {
            uint64_t bits = PTE_A;
            if (i == w.entry_count - 1 && access == ACCESS_WRITE)
                bits |= PTE_D;
            set_entry_bits(ps, w.entry[i], w.entry_size, bits);
        }
    }

    uint64_t paddr = w.frame | (linear & (w.page_size - 1));
    *out = (struct walk_result){
        .paddr = paddr,
        .page_base_paddr = paddr & ~(uint64_t)(SIZE_4K - 1),
        .page_size = w.page_size,
        .writable = writable,
        .user = w.us,
        .executable = !w.xd,
        .global = (ctx->cr4 & WALK_CR4_PGE) && (w.final_value & PTE_G),
        .dirty = (w.final_value & PTE_D) || (check_and_update && access == ACCESS_WRITE),
    };
    return true;
}

bool page_walk(struct phys_space *ps, const struct walk_ctx *ctx, uint32_t linear,
               enum mem_access access, struct walk_result *out, struct page_fault *fault)
{
    return walk_common(ps, ctx, linear, access, true, out, fault);
}

bool page_walk_peek(struct phys_space *ps, const struct walk_ctx *ctx, uint32_t linear,
                    struct walk_result *out, struct page_fault *fault)
{
    return walk_common(ps, ctx, linear, ACCESS_READ, false, out, fault);
}

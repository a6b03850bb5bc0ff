/* Guest page-table walkers: 32-bit paging (4 KiB pages, 4 MiB PSE/PSE-36 pages)
 * and PAE paging (4 KiB and 2 MiB pages, NX), per Intel SDM Vol. 3, chapter 4.
 *
 * The walkers know nothing of the CPU: the caller passes the control registers and
 * the privilege of the access in a walk_ctx, and gets back either a translation or
 * a page-fault record (error code and CR2). They never raise; delivering #PF is the
 * CPU's job. The model is a P6 with PAE, PSE-36, PGE, PAT and (optionally enabled)
 * NX: MAXPHYADDR is 36, and there is no SMEP, SMAP or protection keys. */
#ifndef BT86_MEM_PAGING_H
#define BT86_MEM_PAGING_H

#include "mem/phys.h"

#include <stdbool.h>
#include <stdint.h>

/* Physical-address width of the modelled CPU (SDM Vol. 3, 4.1.4: MAXPHYADDR). It
 * sets the reserved bits of PAE entries and of PSE-36 4 MiB PDEs. */
#define PAGING_MAXPHYADDR 36

/* Control-register bits the walkers look at (SDM Vol. 3, 2.5 and 2.2.1). */
#define WALK_CR0_WP   (1u << 16)
#define WALK_CR0_PG   (1u << 31)
#define WALK_CR4_PSE  (1u << 4)
#define WALK_CR4_PAE  (1u << 5)
#define WALK_CR4_PGE  (1u << 7)
#define WALK_EFER_NXE (1ull << 11)

/* Paging-structure entry bits common to both formats (SDM Vol. 3, 4.3 and 4.4). */
#define PTE_P   (1u << 0)
#define PTE_RW  (1u << 1)
#define PTE_US  (1u << 2)
#define PTE_PWT (1u << 3)
#define PTE_PCD (1u << 4)
#define PTE_A   (1u << 5)
#define PTE_D   (1u << 6)
#define PTE_PS  (1u << 7) /* in a PDE; bit 7 of a PTE is PAT */
#define PTE_G   (1u << 8)
#define PTE_XD  (1ull << 63) /* PAE entries, when EFER.NXE = 1 */

/* #PF error code (SDM Vol. 3, 4.7). */
#define PF_ERR_P    (1u << 0) /* 0: not present; 1: protection or reserved bit */
#define PF_ERR_W    (1u << 1) /* the access was a write */
#define PF_ERR_U    (1u << 2) /* the access was a user-mode access */
#define PF_ERR_RSVD (1u << 3) /* a present entry had a reserved bit set */
#define PF_ERR_ID   (1u << 4) /* instruction fetch, reported only with PAE and NXE */

enum mem_access { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

/* PAE: the four PDPTE registers (SDM Vol. 3, 4.4.1). The CPU owns them and loads
 * them with paging_load_pdptes when a control-register write or a task switch says
 * so; walks then use them instead of the PDPT in memory. */
#define PAGING_PDPTES 4

struct walk_ctx {
    uint32_t cr0, cr3, cr4; /* CR0.PG/WP; CR3 (PD base, or PAE PDPT base in 31:5); CR4 */
    uint64_t efer;          /* only NXE (bit 11) matters */
    bool user;              /* a user-mode access: CPL 3 and not an implicit supervisor
                               access such as a descriptor-table read */
    /* PAE only: the PDPTE registers, indexed by linear[31:30]. NULL (a tool with no
     * CPU behind it, such as a monitor looking at another address space) reads the
     * PDPT at CR3 in memory at every walk instead. */
    const uint64_t *pdpte;
};

struct walk_result {
    uint64_t paddr;           /* physical address of the byte at `linear` */
    uint64_t page_base_paddr; /* physical base of the 4 KiB frame holding it */
    uint32_t page_size;       /* 4096, 2 MiB (PAE) or 4 MiB (PSE) */
    bool writable;            /* write allowed at this access's privilege (CR0.WP included) */
    bool user;                /* U/S is 1 at every level: user mode may access the page */
    bool executable;          /* false when an XD bit applies (PAE with EFER.NXE = 1) */
    bool global;              /* G set in the final entry and CR4.PGE = 1 */
    bool dirty;               /* D is set in the final entry after this walk; a TLB should map
                                 the page writable only when it is, so that the first write
                                 walks again and sets D */
};

struct page_fault {
    uint32_t error_code; /* PF_ERR_* */
    uint32_t cr2;        /* the faulting linear address */
};

/* Translates one access to `linear`. Returns true and fills *out, or returns false
 * and fills *fault. On success the A bit is set in every paging-structure entry
 * that has one and was used (PAE PDPTEs have none), and for a write the D bit in the
 * final entry (the PTE, or the PDE of a large page); a faulting walk changes
 * nothing. With CR0.PG = 0 the translation is the identity. */
bool page_walk(struct phys_space *ps, const struct walk_ctx *ctx, uint32_t linear,
               enum mem_access access, struct walk_result *out, struct page_fault *fault);

/* The same translation for a debugger or monitor: no access-rights check (the
 * result still reports the rights) and no A/D update. False when there is no
 * translation (not present or reserved bit), with *fault filled as for a read. */
bool page_walk_peek(struct phys_space *ps, const struct walk_ctx *ctx, uint32_t linear,
                    struct walk_result *out, struct page_fault *fault);

/* Loads the four PDPTEs of the PDPT at cr3[31:5] into pdpte[] (SDM Vol. 3, 4.4.1).
 * Returns false when a present PDPTE has a reserved bit set (bits 2:1, 8:5 or
 * 63:MAXPHYADDR): the MOV to CR that asked for the load then raises #GP(0) and keeps
 * its old state. pdpte[] is filled either way. */
bool paging_load_pdptes(struct phys_space *ps, uint32_t cr3, uint64_t pdpte[PAGING_PDPTES]);

#endif

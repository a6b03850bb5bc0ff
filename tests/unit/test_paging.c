/* Guest page walkers. Page tables are built by hand in 8 MiB of guest RAM; every
 * entry address, physical address and error code below is worked out from the
 * Intel SDM Vol. 3 chapter 4 (4.3 32-bit paging, 4.4 PAE, 4.6 access rights, 4.7
 * error code, 4.8 A/D bits), not taken from the walker's output.
 *
 * Fixed layouts:
 *   32-bit: CR3 = 0x10000 (PD), PT at 0x11000. Linear 0x00405abc has PDE index 1
 *           (PDE at 0x10004) and PTE index 5 (PTE at 0x11014); frame 0x300000.
 *   PAE:    CR3 = 0x20020 (PDPT at 0x20020, bits 11:5 of CR3 count), PD at 0x21000,
 *           PT at 0x22000. Linear 0x40201234: PDPTE index 1 (0x20028), PDE index 1
 *           (0x21008), PTE index 1 (0x22008); frame 0x305000. */
#include "mem/mem.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define RAM_SIZE (8u << 20)

#define L_PD      0x10000u
#define L_PT      0x11000u
#define L_LIN     0x00405abcu
#define L_PDE     0x10004u
#define L_PTE     0x11014u
#define L_FRAME   0x300000u
#define L_PADDR   0x300abcu
#define PAE_CR3   0x20020u
#define PAE_PD    0x21000u
#define PAE_PT    0x22000u
#define PAE_LIN   0x40201234u
#define PAE_PDPTE 0x20028u
#define PAE_PDE   0x21008u
#define PAE_PTE   0x22008u
#define PAE_FRAME 0x305000u
#define PAE_PADDR 0x305234u

/* Entry bits spelled out once more, from the SDM tables, so a wrong constant in
 * paging.h cannot hide itself. */
#define P  0x001u
#define RW 0x002u
#define US 0x004u
#define A  0x020u
#define D  0x040u
#define PS 0x080u
#define G  0x100u
#define XD (1ull << 63)

#define CR0_PE  0x00000001u
#define CR0_WP  0x00010000u
#define CR0_PG  0x80000000u
#define CR4_PSE 0x10u
#define CR4_PAE 0x20u
#define CR4_PGE 0x80u
#define NXE     0x800u

#define ERR_P    0x01u
#define ERR_W    0x02u
#define ERR_U    0x04u
#define ERR_RSVD 0x08u
#define ERR_ID   0x10u

static int setup(void **state)
{
    struct phys_space *ps = calloc(1, sizeof *ps);
    if (!ps || !phys_init(ps, RAM_SIZE))
        return -1;
    *state = ps;
    return 0;
}

static int teardown(void **state)
{
    phys_free(*state);
    free(*state);
    return 0;
}

static uint32_t rd32(struct phys_space *ps, uint64_t a)
{
    return (uint32_t)phys_read(ps, a, 4);
}
static uint64_t rd64(struct phys_space *ps, uint64_t a)
{
    return phys_read(ps, a, 8);
}
static void wr32(struct phys_space *ps, uint64_t a, uint32_t v)
{
    phys_write(ps, a, v, 4);
}
static void wr64(struct phys_space *ps, uint64_t a, uint64_t v)
{
    phys_write(ps, a, v, 8);
}

static struct walk_ctx legacy(uint32_t cr4, bool user)
{
    return (struct walk_ctx){.cr0 = CR0_PG | CR0_PE, .cr3 = L_PD, .cr4 = cr4, .user = user};
}

static struct walk_ctx pae(uint64_t efer, bool user)
{
    return (struct walk_ctx){
        .cr0 = CR0_PG | CR0_PE, .cr3 = PAE_CR3, .cr4 = CR4_PAE, .efer = efer, .user = user};
}

static void legacy_4k(struct phys_space *ps, uint32_t pde_flags, uint32_t pte_flags)
{
    wr32(ps, L_PDE, L_PT | pde_flags);
    wr32(ps, L_PTE, L_FRAME | pte_flags);
}

static void pae_4k(struct phys_space *ps, uint64_t pde_flags, uint64_t pte_flags)
{
    wr64(ps, PAE_PDPTE, PAE_PD | P);
    wr64(ps, PAE_PDE, PAE_PT | pde_flags);
    wr64(ps, PAE_PTE, PAE_FRAME | pte_flags);
}

/* Expects a fault with this error code and CR2, and no entry changed. */
static void expect_fault(struct phys_space *ps, struct walk_ctx ctx, uint32_t lin,
                         enum mem_access acc, uint32_t code)
{
    /* Every table of the layouts above lives in one of these two ranges. */
    static uint8_t tables[0x13000], big[0x21000];
    memcpy(tables, ps->ram + 0x10000, sizeof tables);
    memcpy(big, ps->ram + 0x400000, sizeof big);
    struct walk_result r;
    struct page_fault f = {0xdead, 0xdead};
    assert_false(page_walk(ps, &ctx, lin, acc, &r, &f));
    assert_int_equal(f.error_code, code);
    assert_int_equal(f.cr2, lin);
    assert_memory_equal(tables, ps->ram + 0x10000, sizeof tables);
    assert_memory_equal(big, ps->ram + 0x400000, sizeof big);
}

static struct walk_result expect_ok(struct phys_space *ps, struct walk_ctx ctx, uint32_t lin,
                                    enum mem_access acc, uint64_t paddr)
{
    struct walk_result r;
    struct page_fault f;
    assert_true(page_walk(ps, &ctx, lin, acc, &r, &f));
    assert_int_equal(r.paddr, paddr);
    assert_int_equal(r.page_base_paddr, paddr & ~0xfffull);
    return r;
}

static void paging_off_is_identity(void **state)
{
    struct phys_space *ps = *state;
    struct walk_ctx ctx = {.cr0 = CR0_PE | CR0_WP, .cr3 = L_PD, .cr4 = CR4_PAE, .user = true};
    struct walk_result r = expect_ok(ps, ctx, 0xfedcba98u, ACCESS_WRITE, 0xfedcba98u);
    assert_int_equal(r.page_size, 4096);
    assert_true(r.writable && r.user && r.executable && r.dirty);
    assert_false(r.global);
}

static void legacy_4k_translation_and_accessed_dirty(void **state)
{
    struct phys_space *ps = *state;
    legacy_4k(ps, P | RW | US, P | RW | US);
    struct walk_result r = expect_ok(ps, legacy(0, false), L_LIN, ACCESS_READ, L_PADDR);
    assert_int_equal(r.page_size, 4096);
    assert_true(r.writable && r.user && r.executable);
    assert_false(r.global);
    assert_false(r.dirty);
    /* A on both levels, no D anywhere after a read. */
    assert_int_equal(rd32(ps, L_PDE), L_PT | P | RW | US | A);
    assert_int_equal(rd32(ps, L_PTE), L_FRAME | P | RW | US | A);

    expect_ok(ps, legacy(0, true), L_LIN, ACCESS_EXEC, L_PADDR);
    assert_int_equal(rd32(ps, L_PTE), L_FRAME | P | RW | US | A);

    r = expect_ok(ps, legacy(0, true), L_LIN, ACCESS_WRITE, L_PADDR);
    assert_true(r.dirty);
    /* D only in the PTE: bit 6 of a PDE that references a page table is ignored. */
    assert_int_equal(rd32(ps, L_PDE), L_PT | P | RW | US | A);
    assert_int_equal(rd32(ps, L_PTE), L_FRAME | P | RW | US | A | D);

    /* A later read reports the page dirty. */
    r = expect_ok(ps, legacy(0, false), L_LIN, ACCESS_READ, L_PADDR);
    assert_true(r.dirty);
}

static void legacy_first_access_write(void **state)
{
    struct phys_space *ps = *state;
    legacy_4k(ps, P | RW, P | RW);
    expect_ok(ps, legacy(0, false), L_LIN + 0x543, ACCESS_WRITE, 0x300fffu);
    assert_int_equal(rd32(ps, L_PDE), L_PT | P | RW | A);
    assert_int_equal(rd32(ps, L_PTE), L_FRAME | P | RW | A | D);
}

static void legacy_not_present(void **state)
{
    struct phys_space *ps = *state;
    /* PDE not present: P = 0, the other bits describe the access. */
    wr32(ps, L_PDE, L_PT | RW | US);
    wr32(ps, L_PTE, L_FRAME | P | RW | US);
    expect_fault(ps, legacy(0, false), L_LIN, ACCESS_READ, 0);
    expect_fault(ps, legacy(0, false), L_LIN, ACCESS_WRITE, ERR_W);
    expect_fault(ps, legacy(0, true), L_LIN, ACCESS_READ, ERR_U);
    expect_fault(ps, legacy(0, true), L_LIN, ACCESS_WRITE, ERR_U | ERR_W);
    /* Fetch: I/D stays 0 with 32-bit paging, even with EFER.NXE = 1. */
    struct walk_ctx ctx = legacy(0, true);
    ctx.efer = NXE;
    expect_fault(ps, ctx, L_LIN, ACCESS_EXEC, ERR_U);

    /* PTE not present under a present PDE; the PDE does not get A. Reserved-looking
     * bits in a not-present entry do not matter. */
    legacy_4k(ps, P | RW | US, 0xfffffffeu);
    expect_fault(ps, legacy(0, false), L_LIN, ACCESS_READ, 0);
    expect_fault(ps, legacy(0, true), L_LIN, ACCESS_WRITE, ERR_U | ERR_W);
    assert_int_equal(rd32(ps, L_PDE), L_PT | P | RW | US);
}

/* Every combination of R/W and U/S at the PDE and at the PTE, for both privileges,
 * all three access kinds and both CR0.WP values, in both table formats. The
 * expectation is SDM Vol. 3, 4.6 (no SMEP/SMAP) stated directly. */
static void permission_matrix(void **state)
{
    struct phys_space *ps = *state;
    for (int fmt = 0; fmt < 2; fmt++)
        for (unsigned bits = 0; bits < 16; bits++)
            for (int user = 0; user < 2; user++)
                for (int wp = 0; wp < 2; wp++)
                    for (int acc = ACCESS_READ; acc <= ACCESS_EXEC; acc++) {
                        uint32_t pde_f = P | (bits & 1 ? RW : 0) | (bits & 2 ? US : 0);
                        uint32_t pte_f = P | (bits & 4 ? RW : 0) | (bits & 8 ? US : 0);
                        bool rw_all = (bits & 5) == 5, us_all = (bits & 10) == 10;
                        bool ok;
                        if (user)
                            ok = us_all && (acc != ACCESS_WRITE || rw_all);
                        else
                            ok = acc != ACCESS_WRITE || rw_all || !wp;

                        struct walk_ctx ctx = fmt ? pae(0, user) : legacy(0, user);
                        if (wp)
                            ctx.cr0 |= CR0_WP;
                        uint32_t lin = fmt ? PAE_LIN : L_LIN;
                        uint64_t pde_a = fmt ? PAE_PDE : L_PDE, pte_a = fmt ? PAE_PTE : L_PTE;
                        if (fmt)
                            pae_4k(ps, pde_f, pte_f);
                        else
                            legacy_4k(ps, pde_f, pte_f);
                        uint64_t pde0 = rd64(ps, pde_a), pte0 = rd64(ps, pte_a);

                        if (!ok) {
                            uint32_t code =
                                ERR_P | (acc == ACCESS_WRITE ? ERR_W : 0) | (user ? ERR_U : 0);
                            expect_fault(ps, ctx, lin, acc, code);
                            continue;
                        }
                        struct walk_result r =
                            expect_ok(ps, ctx, lin, acc, fmt ? PAE_PADDR : L_PADDR);
                        assert_int_equal(r.user, us_all);
                        assert_int_equal(r.writable, user ? rw_all : rw_all || !wp);
                        assert_true(r.executable);
                        assert_int_equal(rd64(ps, pde_a), pde0 | A);
                        assert_int_equal(rd64(ps, pte_a), pte0 | A | (acc == ACCESS_WRITE ? D : 0));
                    }
}

/* A few of the matrix cases with their error codes written out. */
static void permission_error_codes(void **state)
{
    struct phys_space *ps = *state;
    struct walk_ctx sup_wp = legacy(0, false);
    sup_wp.cr0 |= CR0_WP;

    legacy_4k(ps, P | RW | US, P | US); /* read-only user page */
    expect_fault(ps, legacy(0, true), L_LIN, ACCESS_WRITE, 0x7);
    expect_fault(ps, sup_wp, L_LIN, ACCESS_WRITE, 0x3);
    expect_ok(ps, legacy(0, false), L_LIN, ACCESS_WRITE, L_PADDR); /* WP = 0 */
    assert_int_equal(rd32(ps, L_PTE), L_FRAME | P | US | A | D);

    legacy_4k(ps, P | US, P | RW | US); /* read-only at the PDE level only */
    expect_fault(ps, legacy(0, true), L_LIN, ACCESS_WRITE, 0x7);
    expect_fault(ps, sup_wp, L_LIN, ACCESS_WRITE, 0x3);

    legacy_4k(ps, P | RW, P | RW | US); /* supervisor at the PDE level only */
    expect_fault(ps, legacy(0, true), L_LIN, ACCESS_READ, 0x5);
    expect_fault(ps, legacy(0, true), L_LIN, ACCESS_EXEC, 0x5);
    legacy_4k(ps, P | RW | US, P | RW); /* supervisor at the PTE level only */
    expect_fault(ps, legacy(0, true), L_LIN, ACCESS_WRITE, 0x7);

    pae_4k(ps, P | RW | US, P | RW);
    expect_fault(ps, pae(NXE, true), PAE_LIN, ACCESS_EXEC, 0x15);
    expect_fault(ps, pae(0, true), PAE_LIN, ACCESS_EXEC, 0x5);
}

static void pse_4m_pages(void **state)
{
    struct phys_space *ps = *state;
    /* Linear 0x00812345: PDE index 2 at 0x10008, offset 0x12345 in the 4 MiB page. */
    const uint32_t lin = 0x00812345u, pde_a = 0x10008u;
    wr32(ps, pde_a, 0x00400000u | PS | P | RW);
    struct walk_result r = expect_ok(ps, legacy(CR4_PSE, false), lin, ACCESS_READ, 0x412345u);
    assert_int_equal(r.page_size, 4u << 20);
    assert_int_equal(r.page_base_paddr, 0x412000u);
    assert_false(r.dirty);
    assert_false(r.user);
    assert_int_equal(rd32(ps, pde_a), 0x00400000u | PS | P | RW | A);
    r = expect_ok(ps, legacy(CR4_PSE, false), lin, ACCESS_WRITE, 0x412345u);
    assert_true(r.dirty);
    assert_int_equal(rd32(ps, pde_a), 0x00400000u | PS | P | RW | A | D);
    /* U/S = 0 in the PDE: the only level. */
    expect_fault(ps, legacy(CR4_PSE, true), lin, ACCESS_READ, 0x5);

    /* PSE-36: PDE bits 16:13 are physical bits 35:32 (MAXPHYADDR 36). */
    wr32(ps, pde_a, 0x00400000u | (0xau << 13) | PS | P | RW | US);
    expect_ok(ps, legacy(CR4_PSE, true), lin, ACCESS_READ, 0xa00412345ull);
    /* Bit 12 is PAT, not an address bit and not reserved. */
    wr32(ps, pde_a, 0x00401000u | PS | P | RW);
    expect_ok(ps, legacy(CR4_PSE, false), lin, ACCESS_READ, 0x412345u);

    /* Bits 21:17 are reserved (21:(M-19)). */
    wr32(ps, pde_a, 0x00400000u | (1u << 17) | PS | P | RW | US);
    expect_fault(ps, legacy(CR4_PSE, false), lin, ACCESS_READ, ERR_P | ERR_RSVD);
    expect_fault(ps, legacy(CR4_PSE, true), lin, ACCESS_WRITE, 0xf);
    wr32(ps, pde_a, 0x00400000u | (1u << 21) | PS | P | RW | US);
    expect_fault(ps, legacy(CR4_PSE, false), lin, ACCESS_READ, ERR_P | ERR_RSVD);
    wr32(ps, pde_a, 0x00400000u | (1u << 20) | PS | P | RW | US);
    expect_fault(ps, legacy(CR4_PSE, false), lin, ACCESS_READ, ERR_P | ERR_RSVD);
}

static void pse_off_ignores_ps(void **state)
{
    struct phys_space *ps = *state;
    /* With CR4.PSE = 0 the PDE references a page table at its bits 31:12 whatever
     * PS says, and nothing in it is reserved. PTE index of 0x00812345 is 0x12, so
     * the PTE is at table + 0x48. */
    const uint32_t lin = 0x00812345u, pde_a = 0x10008u;
    wr32(ps, pde_a, 0x00400000u | PS | P | RW);
    wr32(ps, 0x400048u, 0x00301000u | P | RW);
    expect_ok(ps, legacy(0, false), lin, ACCESS_WRITE, 0x301345u);
    assert_int_equal(rd32(ps, pde_a), 0x00400000u | PS | P | RW | A);
    assert_int_equal(rd32(ps, 0x400048u), 0x00301000u | P | RW | A | D);

    wr32(ps, pde_a, 0x00420000u | PS | P | RW); /* bit 17 set: an address bit here */
    wr32(ps, 0x420048u, 0x00302000u | P | RW);
    expect_ok(ps, legacy(0, false), lin, ACCESS_READ, 0x302345u);
}

static void global_bit(void **state)
{
    struct phys_space *ps = *state;
    legacy_4k(ps, P | RW, P | RW | G);
    assert_false(expect_ok(ps, legacy(0, false), L_LIN, ACCESS_READ, L_PADDR).global);
    assert_true(expect_ok(ps, legacy(CR4_PGE, false), L_LIN, ACCESS_READ, L_PADDR).global);
    /* G in a PDE that references a page table is ignored. */
    legacy_4k(ps, P | RW | G, P | RW);
    assert_false(expect_ok(ps, legacy(CR4_PGE, false), L_LIN, ACCESS_READ, L_PADDR).global);

    wr32(ps, 0x10008u, 0x00400000u | PS | P | RW | G);
    assert_true(expect_ok(ps, legacy(CR4_PSE | CR4_PGE, false), 0x00812345u, ACCESS_READ, 0x412345u)
                    .global);
    assert_false(expect_ok(ps, legacy(CR4_PSE, false), 0x00812345u, ACCESS_READ, 0x412345u).global);

    pae_4k(ps, P | RW, P | RW | G);
    struct walk_ctx ctx = pae(0, false);
    assert_false(expect_ok(ps, ctx, PAE_LIN, ACCESS_READ, PAE_PADDR).global);
    ctx.cr4 |= CR4_PGE;
    assert_true(expect_ok(ps, ctx, PAE_LIN, ACCESS_READ, PAE_PADDR).global);
}

static void pae_4k_translation(void **state)
{
    struct phys_space *ps = *state;
    /* A decoy PDPTE where CR3 bits 11:5 would point if they were ignored. */
    wr64(ps, 0x20008u, 0x00023000u | P);
    pae_4k(ps, P | RW | US, P | RW | US);
    /* High physical bits 35:32 of the frame. */
    wr64(ps, PAE_PTE, 0x200000000ull | PAE_FRAME | P | RW | US);
    struct walk_result r = expect_ok(ps, pae(0, true), PAE_LIN, ACCESS_READ, 0x200305234ull);
    assert_int_equal(r.page_size, 4096);
    assert_false(r.dirty);
    /* PDPTE untouched (its bits 8:5 are reserved; it has no A bit). */
    assert_int_equal(rd64(ps, PAE_PDPTE), PAE_PD | P);
    assert_int_equal(rd64(ps, PAE_PDE), PAE_PT | P | RW | US | A);
    assert_int_equal(rd64(ps, PAE_PTE), 0x200000000ull | PAE_FRAME | P | RW | US | A);
    r = expect_ok(ps, pae(0, true), PAE_LIN, ACCESS_WRITE, 0x200305234ull);
    assert_true(r.dirty);
    assert_int_equal(rd64(ps, PAE_PDPTE), PAE_PD | P);
    assert_int_equal(rd64(ps, PAE_PDE), PAE_PT | P | RW | US | A);
    assert_int_equal(rd64(ps, PAE_PTE), 0x200000000ull | PAE_FRAME | P | RW | US | A | D);
}

static void pae_2m_pages(void **state)
{
    struct phys_space *ps = *state;
    /* Linear 0x40412345: PDPTE 1, PDE index 2 (0x21010), offset 0x12345. CR4.PSE is 0:
     * PAE large pages do not depend on it. */
    const uint32_t lin = 0x40412345u, pde_a = 0x21010u;
    wr64(ps, PAE_PDPTE, PAE_PD | P);
    wr64(ps, pde_a, 0x00600000u | PS | P | RW | US);
    struct walk_result r = expect_ok(ps, pae(0, true), lin, ACCESS_READ, 0x612345u);
    assert_int_equal(r.page_size, 2u << 20);
    assert_int_equal(r.page_base_paddr, 0x612000u);
    assert_int_equal(rd64(ps, pde_a), 0x00600000u | PS | P | RW | US | A);
    r = expect_ok(ps, pae(0, true), lin, ACCESS_WRITE, 0x612345u);
    assert_true(r.dirty);
    assert_int_equal(rd64(ps, pde_a), 0x00600000u | PS | P | RW | US | A | D);
    assert_int_equal(rd64(ps, PAE_PDPTE), PAE_PD | P);

    wr64(ps, pde_a, 0x300600000ull | PS | P | RW | G | (1u << 12)); /* bit 12: PAT */
    struct walk_ctx ctx = pae(0, false);
    ctx.cr4 |= CR4_PGE;
    r = expect_ok(ps, ctx, lin, ACCESS_READ, 0x300612345ull);
    assert_true(r.global);
    assert_false(r.user);
    expect_fault(ps, pae(0, true), lin, ACCESS_READ, 0x5);

    /* Bits 20:13 are reserved in a 2 MiB PDE. */
    wr64(ps, pde_a, 0x00600000u | (1u << 13) | PS | P | RW | US);
    expect_fault(ps, pae(0, false), lin, ACCESS_READ, ERR_P | ERR_RSVD);
    wr64(ps, pde_a, 0x00600000u | (1u << 20) | PS | P | RW | US);
    expect_fault(ps, pae(0, true), lin, ACCESS_WRITE, 0xf);
}

static void pae_reserved_bits(void **state)
{
    struct phys_space *ps = *state;
    const uint64_t bad[] = {1ull << 36, 1ull << 47, 1ull << 62};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pae_4k(ps, P | RW | US, P | RW | US);
        wr64(ps, PAE_PTE, rd64(ps, PAE_PTE) | bad[i]);
        expect_fault(ps, pae(0, false), PAE_LIN, ACCESS_READ, 0x9);
        pae_4k(ps, P | RW | US, P | RW | US);
        wr64(ps, PAE_PDE, rd64(ps, PAE_PDE) | bad[i]);
        expect_fault(ps, pae(NXE, true), PAE_LIN, ACCESS_WRITE, 0xf);
        pae_4k(ps, P | RW | US, P | RW | US);
        wr64(ps, PAE_PDPTE, rd64(ps, PAE_PDPTE) | bad[i]);
        expect_fault(ps, pae(NXE, true), PAE_LIN, ACCESS_EXEC, 0x1d);
    }
    /* PDPTE bits 2:1 and 8:5 are reserved; 3, 4 (PWT, PCD) and 11:9 are not. */
    const uint32_t pdpte_rsvd[] = {1u << 1, 1u << 2, 1u << 5, 1u << 6, 1u << 7, 1u << 8};
    for (size_t i = 0; i < sizeof pdpte_rsvd / sizeof pdpte_rsvd[0]; i++) {
        pae_4k(ps, P | RW | US, P | RW | US);
        wr64(ps, PAE_PDPTE, PAE_PD | P | pdpte_rsvd[i]);
        expect_fault(ps, pae(0, false), PAE_LIN, ACCESS_READ, 0x9);
    }
    pae_4k(ps, P | RW | US, P | RW | US);
    wr64(ps, PAE_PDPTE, PAE_PD | P | 0x18u | 0xe00u);
    expect_ok(ps, pae(0, false), PAE_LIN, ACCESS_READ, PAE_PADDR);
    assert_int_equal(rd64(ps, PAE_PDPTE), PAE_PD | P | 0x18u | 0xe00u);

    /* A page table in unmapped space reads as all-ones: present, reserved bits. */
    wr64(ps, PAE_PDE, 0xf0000000u | P | RW | US);
    expect_fault(ps, pae(0, false), PAE_LIN, ACCESS_READ, 0x9);
    assert_int_equal(rd64(ps, PAE_PDE), 0xf0000000u | P | RW | US);
}

static void pae_nx(void **state)
{
    struct phys_space *ps = *state;
    /* NXE = 0: bit 63 is reserved, so any access faults with RSVD and no I/D. */
    pae_4k(ps, P | RW | US, P | RW | US | XD);
    expect_fault(ps, pae(0, false), PAE_LIN, ACCESS_READ, 0x9);
    expect_fault(ps, pae(0, false), PAE_LIN, ACCESS_EXEC, 0x9);
    pae_4k(ps, P | RW | US | XD, P | RW | US);
    expect_fault(ps, pae(0, true), PAE_LIN, ACCESS_EXEC, 0xd);

    /* NXE = 1, XD in the PTE: data accesses work, fetches fault with I/D. */
    pae_4k(ps, P | RW | US, P | RW | US | XD);
    struct walk_result r = expect_ok(ps, pae(NXE, true), PAE_LIN, ACCESS_READ, PAE_PADDR);
    assert_false(r.executable);
    expect_ok(ps, pae(NXE, true), PAE_LIN, ACCESS_WRITE, PAE_PADDR);
    expect_fault(ps, pae(NXE, false), PAE_LIN, ACCESS_EXEC, 0x11);
    expect_fault(ps, pae(NXE, true), PAE_LIN, ACCESS_EXEC, 0x15);

    /* XD in the PDE alone covers the whole 2 MiB region. */
    pae_4k(ps, P | RW | US | XD, P | RW | US);
    expect_fault(ps, pae(NXE, false), PAE_LIN, ACCESS_EXEC, 0x11);
    pae_4k(ps, P | RW | US, P | RW | US);
    r = expect_ok(ps, pae(NXE, false), PAE_LIN, ACCESS_EXEC, PAE_PADDR);
    assert_true(r.executable);
    assert_int_equal(rd64(ps, PAE_PTE), PAE_FRAME | P | RW | US | A);

    /* 2 MiB page with XD. */
    wr64(ps, 0x21010u, XD | 0x00600000u | PS | P | RW);
    expect_fault(ps, pae(NXE, false), 0x40412345u, ACCESS_EXEC, 0x11);
    expect_ok(ps, pae(NXE, false), 0x40412345u, ACCESS_READ, 0x612345u);
}

static void pae_not_present(void **state)
{
    struct phys_space *ps = *state;
    pae_4k(ps, P | RW | US, P | RW | US);
    wr64(ps, PAE_PDPTE, PAE_PD); /* PDPTE not present */
    expect_fault(ps, pae(0, false), PAE_LIN, ACCESS_READ, 0);
    expect_fault(ps, pae(NXE, true), PAE_LIN, ACCESS_EXEC, 0x14);
    expect_fault(ps, pae(0, true), PAE_LIN, ACCESS_EXEC, 0x4);

    pae_4k(ps, RW | US, P | RW | US); /* PDE not present */
    expect_fault(ps, pae(0, true), PAE_LIN, ACCESS_WRITE, 0x6);
    assert_int_equal(rd64(ps, PAE_PDPTE), PAE_PD | P);

    pae_4k(ps, P | RW | US, ~(uint64_t)P); /* PTE not present, junk ignored */
    expect_fault(ps, pae(NXE, false), PAE_LIN, ACCESS_EXEC, 0x10);
    assert_int_equal(rd64(ps, PAE_PDE), PAE_PT | P | RW | US);
}

static void legacy_unmapped_table_maps_high(void **state)
{
    struct phys_space *ps = *state;
    /* PT at 0xfffff000 is unmapped: the PTE reads 0xffffffff, a present user
     * writable page at frame 0xfffff000 (dirty and, with PGE, global). */
    wr32(ps, L_PDE, 0xfffff000u | P | RW | US);
    struct walk_ctx ctx = legacy(CR4_PGE, true);
    struct walk_result r = expect_ok(ps, ctx, L_LIN, ACCESS_WRITE, 0xfffffabcu);
    assert_true(r.dirty && r.global && r.writable && r.user);
    assert_int_equal(rd32(ps, L_PDE), 0xfffff000u | P | RW | US | A);
}

static void self_mapping_directory(void **state)
{
    struct phys_space *ps = *state;
    /* PDE 1023 points at the directory itself: linear 0xfffff004 uses that entry as
     * both PDE and PTE and reaches PDE 1 at 0x10004. A and D end up in the one entry. */
    wr32(ps, 0x10ffcu, L_PD | P | RW);
    expect_ok(ps, legacy(0, false), 0xfffff004u, ACCESS_WRITE, L_PDE);
    assert_int_equal(rd32(ps, 0x10ffcu), L_PD | P | RW | A | D);
}

static void peek_changes_nothing(void **state)
{
    struct phys_space *ps = *state;
    legacy_4k(ps, P | US, P | US);
    struct walk_ctx ctx = legacy(0, false);
    ctx.cr0 |= CR0_WP;
    struct walk_result r;
    struct page_fault f;
    assert_true(page_walk_peek(ps, &ctx, L_LIN, &r, &f));
    assert_int_equal(r.paddr, L_PADDR);
    assert_false(r.writable);
    assert_true(r.user);
    assert_int_equal(rd32(ps, L_PDE), L_PT | P | US);
    assert_int_equal(rd32(ps, L_PTE), L_FRAME | P | US);
    wr32(ps, L_PTE, 0);
    assert_false(page_walk_peek(ps, &ctx, L_LIN, &r, &f));
    assert_int_equal(f.error_code, 0);
    assert_int_equal(f.cr2, L_LIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(paging_off_is_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(legacy_4k_translation_and_accessed_dirty, setup, teardown),
        cmocka_unit_test_setup_teardown(legacy_first_access_write, setup, teardown),
        cmocka_unit_test_setup_teardown(legacy_not_present, setup, teardown),
        cmocka_unit_test_setup_teardown(permission_matrix, setup, teardown),
        cmocka_unit_test_setup_teardown(permission_error_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(pse_4m_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(pse_off_ignores_ps, setup, teardown),
        cmocka_unit_test_setup_teardown(global_bit, setup, teardown),
        cmocka_unit_test_setup_teardown(pae_4k_translation, setup, teardown),
        cmocka_unit_test_setup_teardown(pae_2m_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(pae_reserved_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(pae_nx, setup, teardown),
        cmocka_unit_test_setup_teardown(pae_not_present, setup, teardown),
        cmocka_unit_test_setup_teardown(legacy_unmapped_table_maps_high, setup, teardown),
        cmocka_unit_test_setup_teardown(self_mapping_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(peek_changes_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The PAE PDPTE registers (Intel SDM Vol. 3, 4.4.1): which control-register writes
 * load them, that walks use the loaded values rather than the PDPT in memory, and
 * the #GP(0) for a present PDPTE with a reserved bit (bits 2:1, 8:5, 63:36 with
 * MAXPHYADDR 36), which leaves the register unchanged.
 *
 * Layout (on top of system_rig.h): PDPT A at 0x13000, PD_A 0x14000 maps 0-4 MiB
 * with 2 MiB pages; PDPTE1 (linear 0x40000000) names PD_B 0x15000 (2 MiB page at
 * physical 0x400000) or, once rewritten, PD_C 0x16000 (physical 0x600000). */
#include "system_rig.h"

#include "mem/paging.h"

#define PDPT_A 0x13000u
#define PDPT_X 0x13020u /* a second table, 32-byte aligned */
#define PD_A   0x14000u
#define PD_B   0x15000u
#define PD_C   0x16000u
#define VAL_B  0xb0b0b0b0u
#define VAL_C  0xc0c0c0c0u
#define LARGE  0x87u /* P RW US PS */

/* PAE paging on, through the test-only setters, with the PDPTE registers loaded
 * from PDPT A (PDPTE1 -> PD_B). */
static void pae_on(struct rig *r)
{
    wr(r, PDPT_A, PD_A | 1, 8);
    wr(r, PDPT_A + 8, PD_B | 1, 8);
    wr(r, PDPT_A + 16, 0, 8);
    wr(r, PDPT_A + 24, 0, 8);
    wr(r, PD_A, 0x000000 | LARGE, 8);
    wr(r, PD_A + 8, 0x200000 | LARGE, 8);
    wr(r, PD_B, 0x400000 | LARGE, 8);
    wr(r, PD_C, 0x600000 | LARGE, 8);
    wr(r, 0x400000, VAL_B, 4);
    wr(r, 0x600000, VAL_C, 4);
    cpu_set_cr0(r->cpu, r->cpu->cr[0] & ~CR0_PG);
    cpu_set_cr4(r->cpu, CR4_PAE);
    cpu_set_cr3(r->cpu, PDPT_A);
    cpu_set_cr0(r->cpu, r->cpu->cr[0] | CR0_PG);
}

/* Rewrites PDPTE1 in memory to name PD_C, runs `write` (a control-register write),
 * drops the TLB entry and reads linear 0x40000000: VAL_C if the write loaded the
 * PDPTE registers again, VAL_B if the walk still used the old PDPTE1. */
static uint32_t read_after(struct rig *r, const uint8_t *write, size_t len)
{
    static const uint8_t head[] = {
        0xc7, 0x05, 0x08, 0x30, 0x01,
        0x00, 0x01, 0x60, 0x01, 0x00, /* mov dword [0x13008], 0x16001 */
        0xa1, 0x00, 0x00, 0x00, 0x40, /* mov eax, [0x40000000] (fills the TLB) */
    };
    static const uint8_t tail[] = {
        0x0f, 0x01, 0x3d, 0x00, 0x00, 0x00, 0x40, /* invlpg [0x40000000] */
        0xa1, 0x00, 0x00, 0x00, 0x40,             /* mov eax, [0x40000000] */
        0xa3, 0x00, 0x61, 0x00, 0x00,             /* mov [0x6100], eax */
        0xf4,                                     /* hlt */
    };
    uint8_t code[128];
    assert_true(sizeof head + len + sizeof tail <= sizeof code);
    memcpy(code, head, sizeof head);
    memcpy(code + sizeof head, write, len);
    memcpy(code + sizeof head + len, tail, sizeof tail);
    pae_on(r);
    assert_int_equal(run_snippet(r, code, sizeof head + len + sizeof tail), 0xff);
    return rd(r, RESULT, 4);
}

static void walks_use_the_pdpte_registers_until_a_load(void **state)
{
    struct rig *r = *state;
    /* Nothing reloads: the PDPT write in memory is not seen (4.4.1). */
    static const uint8_t nothing[] = {0x90}; /* nop */
    assert_int_equal(read_after(r, nothing, sizeof nothing), VAL_B);
    /* MOV to CR3 with PAE paging on loads them, even with the same value. */
    static const uint8_t cr3[] = {
        0x0f, 0x20, 0xd8, /* mov eax, cr3 */
        0x0f, 0x22, 0xd8, /* mov cr3, eax */
    };
    assert_int_equal(read_after(r, cr3, sizeof cr3), VAL_C);
}

static void cr0_and_cr4_writes_load_pdptes_only_for_listed_bits(void **state)
{
    struct rig *r = *state;
    /* CR4.PGE and CR4.PSE changes load the PDPTEs. */
    static const uint8_t pge[] = {
        0x0f, 0x20, 0xe0,             /* mov eax, cr4 */
        0x35, 0x80, 0x00, 0x00, 0x00, /* xor eax, 0x80 */
        0x0f, 0x22, 0xe0,             /* mov cr4, eax */
    };
    assert_int_equal(read_after(r, pge, sizeof pge), VAL_C);
    static const uint8_t pse[] = {
        0x0f, 0x20, 0xe0,             /* mov eax, cr4 */
        0x35, 0x10, 0x00, 0x00, 0x00, /* xor eax, 0x10 */
        0x0f, 0x22, 0xe0,             /* mov cr4, eax */
    };
    assert_int_equal(read_after(r, pse, sizeof pse), VAL_C);
    /* CR0.NW (CD stays set, as after reset) is on the list too. */
    assert_true(r->cpu->cr[0] & CR0_CD);
    static const uint8_t nw[] = {
        0x0f, 0x20, 0xc0,             /* mov eax, cr0 */
        0x25, 0xff, 0xff, 0xff, 0xdf, /* and eax, 0xdfffffff */
        0x0f, 0x22, 0xc0,             /* mov cr0, eax */
    };
    assert_int_equal(read_after(r, nw, sizeof nw), VAL_C);
    assert_false(r->cpu->cr[0] & CR0_NW);
    /* CR4.TSD and CR0.WP are not: the old PDPTE1 stays in use (WP still flushes
     * the TLB, so the walk is a fresh one). */
    static const uint8_t tsd[] = {
        0x0f, 0x20, 0xe0, /* mov eax, cr4 */
        0x83, 0xc8, 0x04, /* or eax, 4 */
        0x0f, 0x22, 0xe0, /* mov cr4, eax */
    };
    assert_int_equal(read_after(r, tsd, sizeof tsd), VAL_B);
    static const uint8_t wp[] = {
        0x0f, 0x20, 0xc0,             /* mov eax, cr0 */
        0x0d, 0x00, 0x00, 0x01, 0x00, /* or eax, 0x10000 */
        0x0f, 0x22, 0xc0,             /* mov cr0, eax */
    };
    assert_int_equal(read_after(r, wp, sizeof wp), VAL_B);
}

/* The #GP(0) of a load that finds a present PDPTE with a reserved bit: the
 * register keeps its old value. */
static void expect_gp_at(struct rig *r, const uint8_t *code, size_t len, uint32_t fault_eip)
{
    assert_int_equal(run_snippet(r, code, len), 13);
    assert_int_equal(frame(r, 0), 0);
    assert_int_equal(frame(r, 1), fault_eip);
}

static void reserved_bits_in_a_present_pdpte_fault_the_mov_to_cr3(void **state)
{
    struct rig *r = *state;
    static const uint8_t load_x[] = {
        0xb8, 0x20, 0x30, 0x01, 0x00, /* mov eax, 0x13020 */
        0x0f, 0x22, 0xd8,             /* mov cr3, eax */
        0xf4,                         /* hlt */
    };
    /* Table 4-8: bits 2:1 and 8:5 of a PDPTE are reserved, and 63:MAXPHYADDR. */
    static const uint64_t bad[] = {1u << 1, 1u << 2, 1u << 5, 1u << 8, 1ull << 36, 1ull << 63};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pae_on(r);
        uint64_t before[PAGING_PDPTES];
        memcpy(before, r->cpu->pdpte, sizeof before);
        wr(r, PDPT_X, PD_A | 1, 8);
        wr(r, PDPT_X + 8, 0, 8);
        wr(r, PDPT_X + 16, PD_C | 1 | bad[k], 8);
        wr(r, PDPT_X + 24, 0, 8);
        expect_gp_at(r, load_x, sizeof load_x, CODE0 + 5);
        assert_int_equal(r->cpu->cr[3], PDPT_A);
        assert_memory_equal(r->cpu->pdpte, before, sizeof before);
    }
    /* A not-present PDPTE may hold anything (4.4.1: P = 0 ignores bits 63:1); bits
     * 11:9 and PCD/PWT are allowed in a present one. */
    pae_on(r);
    wr(r, PDPT_X, PD_A | 1, 8);
    wr(r, PDPT_X + 8, 0xfffffffffffffffeull, 8);
    wr(r, PDPT_X + 16, PD_C | 0xe19u, 8);
    wr(r, PDPT_X + 24, 0, 8);
    assert_int_equal(run_snippet(r, load_x, sizeof load_x), 0xff);
    assert_int_equal(r->cpu->cr[3], PDPT_X);
    assert_true(r->cpu->pdpte[2] == (PD_C | 0xe19u));
}

static void enabling_pae_paging_checks_the_pdptes(void **state)
{
    struct rig *r = *state;
    /* 32-bit paging on the rig's page directory, then MOV to CR4 sets PAE: the
     * directory at CR3 is now read as a PDPT, and its first entry (PT0 | 7) is a
     * present PDPTE with reserved bits 2:1 set. */
    cpu_set_cr3(r->cpu, PD);
    cpu_set_cr0(r->cpu, r->cpu->cr[0] | CR0_PG);
    static const uint8_t set_pae[] = {
        0x0f, 0x20, 0xe0, /* mov eax, cr4 */
        0x83, 0xc8, 0x20, /* or eax, 0x20 */
        0x0f, 0x22, 0xe0, /* mov cr4, eax */
        0xf4,             /* hlt */
    };
    expect_gp_at(r, set_pae, sizeof set_pae, CODE0 + 6);
    assert_false(r->cpu->cr[4] & CR4_PAE);
    /* Paging off with CR4.PAE = 1 and the same CR3: setting CR0.PG faults and
     * paging stays off. */
    cpu_set_cr0(r->cpu, r->cpu->cr[0] & ~CR0_PG);
    cpu_set_cr4(r->cpu, CR4_PAE);
    static const uint8_t set_pg[] = {
        0x0f, 0x20, 0xc0,             /* mov eax, cr0 */
        0x0d, 0x00, 0x00, 0x00, 0x80, /* or eax, 0x80000000 */
        0x0f, 0x22, 0xc0,             /* mov cr0, eax */
        0xf4,                         /* hlt */
    };
    expect_gp_at(r, set_pg, sizeof set_pg, CODE0 + 8);
    assert_false(r->cpu->cr[0] & CR0_PG);
    /* With a good PDPT the same instruction turns PAE paging on and loads them. */
    wr(r, PDPT_A, PD_A | 1, 8);
    wr(r, PDPT_A + 8, PD_B | 1, 8);
    wr(r, PD_A, 0x000000 | LARGE, 8);
    wr(r, PD_B, 0x400000 | LARGE, 8);
    cpu_set_cr3(r->cpu, PDPT_A);
    assert_int_equal(run_snippet(r, set_pg, sizeof set_pg), 0xff);
    assert_true(r->cpu->cr[0] & CR0_PG);
    assert_true(r->cpu->pdpte[1] == (PD_B | 1));
}

/* A task switch that changes CR3 with PAE paging on loads the PDPTEs from the new
 * CR3 (4.4.1). Task B (TSS1, CR3 = PDPT_X whose PDPTE1 names PD_C and PDPTE2 is
 * pdpte2) reads linear 0x40000000; task A jumps to it. Returns the vector seen. */
#define CODEB 0x23000u

static int jump_to_pae_task(struct rig *r, uint64_t pdpte2)
{
    static const uint8_t taskb[] = {
        0xa1, 0x00, 0x00, 0x00, 0x40, /* mov eax, [0x40000000] */
        0xa3, 0x00, 0x61, 0x00, 0x00, /* mov [0x6100], eax */
        0xf4,                         /* hlt */
    };
    load(r, CODEB, taskb, sizeof taskb);
    static const uint8_t jmp_b[] = {
        0xea, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00, /* jmp 0x30:0 */
    };
    pae_on(r);
    wr(r, PDPT_X, PD_A | 1, 8);
    wr(r, PDPT_X + 8, PD_C | 1, 8);
    wr(r, PDPT_X + 16, pdpte2, 8);
    wr(r, PDPT_X + 24, 0, 8);
    tss_task(r, TSS1, CODEB, STACKB, 0x2);
    wr(r, TSS1 + 0x1c, PDPT_X, 4);
    return run_snippet(r, jmp_b, sizeof jmp_b);
}

static void task_switch_loads_pdptes_from_the_new_cr3(void **state)
{
    struct rig *r = *state;
    assert_int_equal(jump_to_pae_task(r, 0), 0xff);
    assert_int_equal(rd(r, RESULT, 4), VAL_C);
    assert_int_equal(r->cpu->cr[3], PDPT_X);
    assert_true(r->cpu->pdpte[1] == (PD_C | 1));
}

/* A present PDPTE with a reserved bit at the new CR3: #GP(0), delivered in the new
 * task (its TR, its EIP pushed). */
static void task_switch_with_a_bad_pdpte_faults_in_the_new_task(void **state)
{
    struct rig *r = *state;
    assert_int_equal(jump_to_pae_task(r, PD_C | 1 | 0x20u), 13);
    assert_int_equal(r->cpu->seg[SEG_TR].sel, SEL_TSS1);
    assert_int_equal(frame(r, 0), 0);
    assert_int_equal(frame(r, 1), CODEB);
}

/* The walker itself (mem layer): paging_load_pdptes and a walk_ctx whose PDPTE
 * registers differ from memory. */
static void walker_takes_pdptes_from_the_context(void **state)
{
    struct rig *r = *state;
    uint64_t regs[PAGING_PDPTES];
    wr(r, PDPT_A, PD_A | 1, 8);
    wr(r, PDPT_A + 8, PD_B | 1, 8);
    wr(r, PDPT_A + 16, 0x12345678000ull, 8); /* not present: ignored */
    wr(r, PDPT_A + 24, PD_C | 1 | 0x40u, 8); /* present, bit 6 reserved */
    wr(r, PD_B, 0x400000 | LARGE, 8);
    wr(r, PD_C, 0x600000 | LARGE, 8);
    assert_false(paging_load_pdptes(&r->ps, PDPT_A, regs));
    wr(r, PDPT_A + 24, PD_C | 1, 8);
    assert_true(paging_load_pdptes(&r->ps, PDPT_A | 0x1f, regs)); /* CR3 bits 4:0 ignored */
    assert_true(regs[1] == (PD_B | 1) && regs[3] == (PD_C | 1));

    wr(r, PDPT_A + 8, PD_C | 1, 8); /* memory changes, the registers do not */
    struct walk_ctx ctx = {.cr0 = CR0_PG | CR0_PE, .cr3 = PDPT_A, .cr4 = CR4_PAE, .pdpte = regs};
    struct walk_result res;
    struct page_fault pf;
    assert_true(page_walk(&r->ps, &ctx, 0x40000123u, ACCESS_READ, &res, &pf));
    assert_true(res.paddr == 0x400123u);
    assert_true(page_walk_peek(&r->ps, &ctx, 0x40000123u, &res, &pf));
    assert_true(res.paddr == 0x400123u);
    /* PDPTE2 is not present in the registers: #PF, not present, read. */
    assert_false(page_walk(&r->ps, &ctx, 0x80000000u, ACCESS_READ, &res, &pf));
    assert_int_equal(pf.error_code, 0);
    /* A register loaded without the check (a loader's write) with a reserved bit
     * is a reserved-bit #PF when used. */
    regs[0] = PD_A | 1 | 2;
    assert_false(page_walk(&r->ps, &ctx, 0x1000u, ACCESS_WRITE, &res, &pf));
    assert_int_equal(pf.error_code, PF_ERR_P | PF_ERR_W | PF_ERR_RSVD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSTEM_TEST(walks_use_the_pdpte_registers_until_a_load),
        SYSTEM_TEST(cr0_and_cr4_writes_load_pdptes_only_for_listed_bits),
        SYSTEM_TEST(reserved_bits_in_a_present_pdpte_fault_the_mov_to_cr3),
        SYSTEM_TEST(enabling_pae_paging_checks_the_pdptes),
        SYSTEM_TEST(task_switch_loads_pdptes_from_the_new_cr3),
        SYSTEM_TEST(task_switch_with_a_bad_pdpte_faults_in_the_new_task),
        SYSTEM_TEST(walker_takes_pdptes_from_the_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

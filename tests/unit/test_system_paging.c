/* Paging in the soft-MMU (Intel SDM Vol. 3, chapter 4): translations through the
 * guest's page tables, A/D bits, #PF with CR2 and the error code, and the TLB
 * flush rules (MOV CR3 keeps global pages, INVLPG drops one page). */
#include "system_rig.h"

#define PT1 0x12000u /* page table for 4-8 MiB */

/* Paging on with PD[0] identity and PD[1] -> PT1 (initially empty). */
static void paging_on(struct rig *r, uint32_t cr4)
{
    for (uint32_t p = 0; p < 1024; p++)
        wr(r, PT1 + 4 * p, 0, 4);
    wr(r, PD + 4, PT1 | 0x7, 4);
    cpu_set_cr3(r->cpu, PD);
    cpu_set_cr4(r->cpu, cr4);
    cpu_set_cr0(r->cpu, r->cpu->cr[0] | CR0_PG);
}

static void mov_cr3_enables_paging_and_sets_accessed_dirty(void **state)
{
    struct rig *r = *state;
    wr(r, PD + 4, PT1 | 0x7, 4);
    wr(r, PT1, 0x50000 | 0x3, 4); /* 0x400000 -> 0x50000, supervisor, writable, A=D=0 */
    wr(r, 0x50010, 0xcafe0001, 4);
    static const uint8_t code[] = {
        0xb8, 0x00, 0x00, 0x01, 0x00,       /* mov eax, 0x10000 */
        0x0f, 0x22, 0xd8,                   /* mov cr3, eax */
        0x0f, 0x20, 0xc0,                   /* mov eax, cr0 */
        0x0d, 0x00, 0x00, 0x00, 0x80,       /* or eax, 0x80000000 */
        0x0f, 0x22, 0xc0,                   /* mov cr0, eax */
        0x8b, 0x1d, 0x10, 0x00, 0x40, 0x00, /* mov ebx, [0x400010] */
        0xf4,                               /* hlt */
    };
    run0(r, code, sizeof code);
    assert_true(r->cpu->cr[0] & CR0_PG);
    assert_int_equal(r->cpu->reg[REG_EBX], 0xcafe0001);
    /* A read sets A in the PDE and the PTE, not D (SDM Vol. 3, 4.8). */
    assert_int_equal(rd(r, PT1, 4) & 0x60, 0x20);
    assert_true(rd(r, PD + 4, 4) & 0x20);
    static const uint8_t code2[] = {
        0xc7, 0x05, 0x20, 0x00, 0x40,
        0x00, 0xef, 0xbe, 0xad, 0xde, /* mov dword [0x400020], 0xdeadbeef */
        0xf4,                         /* hlt */
    };
    run0(r, code2, sizeof code2);
    assert_int_equal(rd(r, PT1, 4) & 0x60, 0x60);
    assert_int_equal(rd(r, 0x50020, 4), 0xdeadbeef);
}

static void first_write_after_read_sets_dirty(void **state)
{
    struct rig *r = *state;
    paging_on(r, 0);
    wr(r, PT1, 0x50000 | 0x3, 4);
    /* The read fills the TLB without write permission; the write must walk again
     * and set D. */
    static const uint8_t code[] = {
        0xa1, 0x00, 0x00, 0x40, 0x00, /* mov eax, [0x400000] */
        0xa3, 0x04, 0x00, 0x40, 0x00, /* mov [0x400004], eax */
        0xf4,                         /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(rd(r, PT1, 4) & 0x60, 0x60);
}

static void not_present_page_faults_with_cr2(void **state)
{
    struct rig *r = *state;
    paging_on(r, 0);
    static const uint8_t code[] = {
        0x90,                         /* nop */
        0xa1, 0x23, 0x01, 0x80, 0x00, /* mov eax, [0x800123] */
        0xf4,                         /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(last_vector(r), 14);
    assert_int_equal(r->cpu->cr[2], 0x800123);
    assert_int_equal(frame(r, 0), 0);         /* error code: supervisor read, not present */
    assert_int_equal(frame(r, 1), CODE0 + 1); /* the faulting instruction */
    assert_int_equal(frame(r, 2), SEL_CODE0);
}

static void write_protect_applies_to_supervisor_only_with_wp(void **state)
{
    struct rig *r = *state;
    paging_on(r, 0);
    wr(r, PT1, 0x50000 | 0x1, 4); /* present, read-only, supervisor */
    static const uint8_t code[] = {
        0xc7, 0x05, 0x00, 0x00, 0x40, 0x00, 0x11, 0x00, 0x00, 0x00, /* mov dword [0x400000], 0x11 */
        0xf4,                                                       /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(last_vector(r), 0xff); /* WP = 0: the supervisor may write */
    assert_int_equal(rd(r, 0x50000, 4), 0x11);
    cpu_set_cr0(r->cpu, r->cpu->cr[0] | CR0_WP);
    run0(r, code, sizeof code);
    assert_int_equal(last_vector(r), 14);
    assert_int_equal(frame(r, 0), 0x3); /* present, write */
    assert_int_equal(r->cpu->cr[2], 0x400000);
}

static void user_access_to_supervisor_page_faults(void **state)
{
    struct rig *r = *state;
    paging_on(r, 0);
    wr(r, PT1, 0x50000 | 0x3, 4); /* supervisor page */
    static const uint8_t code[] = {
        0x6a, 0x23,                   /* push 0x23 */
        0x68, 0x00, 0x90, 0x00, 0x00, /* push 0x9000 */
        0x6a, 0x02,                   /* push 0x2 */
        0x6a, 0x1b,                   /* push 0x1b */
        0x68, 0x00, 0x10, 0x02, 0x00, /* push 0x21000 */
        0xcf,                         /* iretd */
    };
    static const uint8_t user[] = {
        0x66, 0xb8, 0x23, 0x00,       /* mov ax, 0x23 */
        0x8e, 0xd8,                   /* mov ds, ax */
        0xa1, 0x00, 0x00, 0x40, 0x00, /* mov eax, [0x400000] */
        0xf4,                         /* hlt */
    };
    load(r, CODE3, user, sizeof user);
    run0(r, code, sizeof code);
    assert_int_equal(last_vector(r), 14);
    assert_int_equal(frame(r, 0), 0x5); /* present, user, read */
    assert_int_equal(frame(r, 1), CODE3 + 6);
    assert_int_equal(frame(r, 2), SEL_CODE3);
    assert_int_equal(frame(r, 4), STACK3);
    assert_int_equal(frame(r, 5), SEL_DATA3);
    assert_int_equal(r->cpu->reg[REG_ESP], STACK0 - 24);
}

static void cr3_reload_keeps_global_pages_invlpg_drops_them(void **state)
{
    struct rig *r = *state;
    paging_on(r, 0x80);                       /* CR4.PGE */
    wr(r, PT1 + 0, 0x50000 | 0x3, 4);         /* non-global */
    wr(r, PT1 + 4, 0x51000 | 0x3 | 0x100, 4); /* global */
    wr(r, 0x50000, 0xa0, 4);
    wr(r, 0x51000, 0xa1, 4);
    wr(r, 0x52000, 0xb0, 4);
    wr(r, 0x53000, 0xb1, 4);
    static const uint8_t fill[] = {
        0xa1, 0x00, 0x00, 0x40, 0x00, /* mov eax, [0x400000] */
        0xa1, 0x00, 0x10, 0x40, 0x00, /* mov eax, [0x401000] */
        0xf4,                         /* hlt */
    };
    run0(r, fill, sizeof fill);
    /* Remap both pages behind the TLB's back. */
    wr(r, PT1 + 0, 0x52000 | 0x3, 4);
    wr(r, PT1 + 4, 0x53000 | 0x3 | 0x100, 4);
    static const uint8_t code[] = {
        0x0f, 0x20, 0xd8,                         /* mov eax, cr3 */
        0x0f, 0x22, 0xd8,                         /* mov cr3, eax */
        0x8b, 0x1d, 0x00, 0x00, 0x40, 0x00,       /* mov ebx, [0x400000] */
        0x8b, 0x0d, 0x00, 0x10, 0x40, 0x00,       /* mov ecx, [0x401000] */
        0x0f, 0x01, 0x3d, 0x00, 0x10, 0x40, 0x00, /* invlpg [0x401000] */
        0x8b, 0x15, 0x00, 0x10, 0x40, 0x00,       /* mov edx, [0x401000] */
        0xf4,                                     /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(r->cpu->reg[REG_EBX], 0xb0); /* flushed by MOV CR3 */
    assert_int_equal(r->cpu->reg[REG_ECX], 0xa1); /* global: kept (SDM Vol. 3, 4.10.4.1) */
    assert_int_equal(r->cpu->reg[REG_EDX], 0xb1); /* INVLPG drops global entries too */
}

static void page_crossing_write_faults_before_writing(void **state)
{
    struct rig *r = *state;
    paging_on(r, 0);
    wr(r, PT1, 0x50000 | 0x3, 4); /* 0x400000 present, 0x401000 not */
    wr(r, 0x50ffc, 0x11111111, 4);
    static const uint8_t code[] = {
        0xc7, 0x05, 0xfe, 0x0f, 0x40,
        0x00, 0x22, 0x22, 0x22, 0x22, /* mov dword [0x400ffe], 0x22222222 */
        0xf4,                         /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(last_vector(r), 14);
    assert_int_equal(r->cpu->cr[2], 0x401000);
    assert_int_equal(frame(r, 0), 0x2); /* not present, write */
    assert_int_equal(rd(r, 0x50ffc, 4), 0x11111111);
}

static void pse_large_page_and_read_linear(void **state)
{
    struct rig *r = *state;
    paging_on(r, 0x10);                       /* CR4.PSE */
    wr(r, PD + 4 * 3, 0x00400000u | 0x83, 4); /* 0xc00000 -> 4 MiB page at 4 MiB */
    wr(r, 0x420000, 0x600df00d, 4);
    static const uint8_t code[] = {
        0xa1, 0x00, 0x00, 0xc2, 0x00, /* mov eax, [0xc20000] */
        0xf4,                         /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(r->cpu->reg[REG_EAX], 0x600df00d);
    uint32_t v = 0;
    assert_true(cpu_read_linear(r->cpu, 0xc20000, &v, 4));
    assert_int_equal(v, 0x600df00d);
    assert_false(cpu_read_linear(r->cpu, 0x1000000, &v, 4));
}

static void pae_two_mib_page(void **state)
{
    struct rig *r = *state;
    /* PDPT at 0x13000 -> PD at 0x14000: 0-2 MiB and 4-6 MiB as 2 MiB pages, the
     * second mapped to physical 6 MiB. */
    for (uint32_t k = 0; k < 1024; k++)
        wr(r, 0x14000 + 4 * k, 0, 4);
    for (uint32_t k = 0; k < 8; k++)
        wr(r, 0x13000 + 4 * k, 0, 4);
    wr(r, 0x13000, 0x14000 | 0x1, 4);
    wr(r, 0x14000, 0x000000 | 0x83, 4);
    wr(r, 0x14000 + 8 * 2, 0x600000 | 0x83, 4);
    wr(r, 0x600010, 0x2a2a2a2a, 4);
    cpu_set_cr3(r->cpu, 0x13000);
    cpu_set_cr4(r->cpu, 0x20); /* CR4.PAE */
    cpu_set_cr0(r->cpu, r->cpu->cr[0] | CR0_PG);
    static const uint8_t code[] = {
        0xa1, 0x10, 0x00, 0x40, 0x00,                               /* mov eax, [0x400010] */
        0xc7, 0x05, 0x14, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0x00, /* mov dword [0x400014], 1 */
        0xf4,                                                       /* hlt */
    };
    run0(r, code, sizeof code);
    assert_int_equal(r->cpu->reg[REG_EAX], 0x2a2a2a2a);
    assert_int_equal(rd(r, 0x600014, 4), 1);
    assert_int_equal(rd(r, 0x14000 + 8 * 2, 4) & 0x60, 0x60); /* A and D in the PDE */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSTEM_TEST(mov_cr3_enables_paging_and_sets_accessed_dirty),
        SYSTEM_TEST(first_write_after_read_sets_dirty),
        SYSTEM_TEST(not_present_page_faults_with_cr2),
        SYSTEM_TEST(write_protect_applies_to_supervisor_only_with_wp),
        SYSTEM_TEST(user_access_to_supervisor_page_faults),
        SYSTEM_TEST(cr3_reload_keeps_global_pages_invlpg_drops_them),
        SYSTEM_TEST(page_crossing_write_faults_before_writing),
        SYSTEM_TEST(pse_large_page_and_read_linear),
        SYSTEM_TEST(pae_two_mib_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The slow paths behind memory.h: translation, TLB refill, MMIO, ROM, code pages
 * and accesses that cross a page boundary. */
#include "cpu/memory.h"
#include "cpu/block_cache.h"

noreturn void seg_fault(struct cpu *cpu, int seg)
{
    cpu_raise(cpu, seg == SEG_SS ? EXC_SS : EXC_GP, 0);
}

/* Alignment check (Intel SDM Vol. 3, 6.15, table 6-7): a word, dword or qword
 * access by the program at CPL 3 must be aligned to its size while ac_armed. Only
 * TLB_USER accesses are checked: implicit supervisor accesses (descriptor tables,
 * the TSS, an inner stack) pass TLB_SUPERVISOR. Made after the translation, since
 * #PF ranks above #AC (table 6-2). Other sizes are checked by their callers. */
static void ac_check(struct cpu *cpu, uint32_t linear, int size, enum tlb_kind kind)
{
    if (cpu->ac_armed && kind == TLB_USER && (size == 2 || size == 4 || size == 8) &&
        (linear & (uint32_t)(size - 1)))
        cpu_raise(cpu, EXC_AC, 0);
}

/* Fills the TLB entry for linear's page from a completed translation. */
static void tlb_fill(struct cpu *cpu, enum tlb_kind kind, uint32_t linear, uint64_t phys_page,
                     bool writable, bool executable, bool global)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, kind, linear);
    uint32_t page = linear & PAGE_MASK;
    uint8_t *host_r = phys_page_ptr(cpu->phys, phys_page, false);
    uint8_t *host_w = host_r ? phys_page_ptr(cpu->phys, phys_page, true) : NULL;
    const struct page_desc *pd =
        phys_page < cpu->phys->ram_size ? &cpu->phys->pages[phys_page >> PAGE_SHIFT] : NULL;
    /* A page watched by a data breakpoint keeps every data access on the slow
     * path, where the breakpoint is checked (debug.c). */
    uint32_t watch = cpu->dr_data_bp && debug_page_watched(cpu, page) ? TLB_SLOW : 0;

    e->phys_page = phys_page;
    e->global = global;
    e->addend = host_r ? (uintptr_t)host_r - page : 0;
    e->read_tag = (host_r ? page : page | TLB_SLOW) | watch;
    if (!writable)
        e->write_tag = TLB_INVALID; /* a write walks again, and faults or sets D */
    else if (host_w && !(pd && pd->code_chunks))
        e->write_tag = page | watch;
    else
        e->write_tag = page | TLB_SLOW;
    e->exec_tag = executable ? page : TLB_INVALID;
}

static struct walk_ctx walk_ctx_for(const struct cpu *cpu, enum tlb_kind kind)
{
    return (struct walk_ctx){.cr0 = cpu->cr[0],
                             .cr3 = cpu->cr[3],
                             .cr4 = cpu->cr[4],
                             .efer = cpu->efer,
                             .user = kind == TLB_USER,
                             .pdpte = cpu->pdpte};
}

uint64_t mmu_translate(struct cpu *cpu, uint32_t linear, enum access_kind access,
                       enum tlb_kind kind)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, kind, linear);
    uint32_t page = linear & PAGE_MASK;
    uint32_t tag = access == ACC_READ    ? e->read_tag
                   : access == ACC_WRITE ? e->write_tag
                                         : e->exec_tag;
    if ((tag & ~TLB_SLOW) == page)
        return e->phys_page | (linear & (PAGE_SIZE - 1));

    if (!(cpu->cr[0] & CR0_PG)) {
        /* Paging is off: linear is physical, through the A20 gate. */
        uint64_t paddr = linear & cpu->a20_mask;
        tlb_fill(cpu, kind, linear, paddr & ~(uint64_t)(PAGE_SIZE - 1), true, true, false);
        return paddr;
    }
    struct walk_ctx ctx = walk_ctx_for(cpu, kind);
    struct walk_result res;
    struct page_fault pf;
    enum mem_access acc = access == ACC_READ    ? ACCESS_READ
                          : access == ACC_WRITE ? ACCESS_WRITE
                                                : ACCESS_EXEC;
    if (!page_walk(cpu->phys, &ctx, linear, acc, &res, &pf)) {
        /* Intel SDM Vol. 3, 4.7: CR2 holds the linear address, the error code says
         * why. */
        cpu->cr[2] = pf.cr2;
        cpu_raise(cpu, EXC_PF, (int)pf.error_code);
    }
    /* The A20 gate masks physical address bit 20 after translation. */
    uint64_t a20 = ~((uint64_t)(~cpu->a20_mask));
    uint64_t paddr = res.paddr & a20;
    /* Writable in the TLB only once D is set, so the first write walks again and
     * sets it (DESIGN.md, Memory). */
    tlb_fill(cpu, kind, linear, paddr & ~(uint64_t)(PAGE_SIZE - 1), res.writable && res.dirty,
             res.executable, res.global);
    return paddr;
}

uint64_t mmu_translate_exec(struct cpu *cpu, uint32_t linear)
{
    return mmu_translate(cpu, linear, ACC_EXEC, cpu_tlb_kind(cpu));
}

void mmu_flush(struct cpu *cpu)
{
    tlb_flush_all(&cpu->tlb);
    block_cache_flush_jump_cache(cpu->cache);
}

void mmu_flush_nonglobal(struct cpu *cpu)
{
    tlb_flush_nonglobal(&cpu->tlb);
    block_cache_flush_jump_cache(cpu->cache);
}

void mmu_flush_page(struct cpu *cpu, uint32_t linear)
{
    tlb_flush_page(&cpu->tlb, linear);
    /* The jump cache is keyed by virtual EIP without the translation: drop it all. */
    block_cache_flush_jump_cache(cpu->cache);
}

/* An access split over two pages: both translations happen (and may fault)
 * before any byte moves, so a fault leaves memory untouched. */
static void split_pages(struct cpu *cpu, uint32_t linear, int size, enum access_kind access,
                        enum tlb_kind kind, uint64_t paddr[2], int *first_len)
{
    paddr[0] = mmu_translate(cpu, linear, access, kind);
    paddr[1] = mmu_translate(cpu, (linear | (PAGE_SIZE - 1)) + 1, access, kind);
    *first_len = (int)(PAGE_SIZE - (linear & (PAGE_SIZE - 1)));
    if (*first_len > size)
        *first_len = size;
}

uint32_t mem_read_slow(struct cpu *cpu, uint32_t linear, int size, enum tlb_kind kind)
{
    if (cpu->dr_data_bp)
        debug_check_data(cpu, linear, size, false);
    if (!page_fits(linear, size)) {
        uint64_t paddr[2];
        int n;
        split_pages(cpu, linear, size, ACC_READ, kind, paddr, &n);
        ac_check(cpu, linear, size, kind);
        uint32_t v = 0;
        for (int i = 0; i < size; i++) {
            uint64_t p = i < n ? paddr[0] + (uint64_t)i : paddr[1] + (uint64_t)(i - n);
            v |= (uint32_t)phys_read(cpu->phys, p, 1) << (8 * i);
        }
        return v;
    }
    uint64_t paddr = mmu_translate(cpu, linear, ACC_READ, kind);
    ac_check(cpu, linear, size, kind);
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, kind, linear);
    if (e->read_tag == (linear & PAGE_MASK))
        return load_host(e->addend + linear, size);
    return (uint32_t)phys_read(cpu->phys, paddr, size);
}

void mem_write_slow(struct cpu *cpu, uint32_t linear, uint32_t value, int size, enum tlb_kind kind)
{
    if (cpu->dr_data_bp)
        debug_check_data(cpu, linear, size, true);
    if (!page_fits(linear, size)) {
        uint64_t paddr[2];
        int n;
        split_pages(cpu, linear, size, ACC_WRITE, kind, paddr, &n);
        ac_check(cpu, linear, size, kind);
        for (int i = 0; i < size; i++) {
            uint64_t p = i < n ? paddr[0] + (uint64_t)i : paddr[1] + (uint64_t)(i - n);
            phys_write(cpu->phys, p, (value >> (8 * i)) & 0xff, 1);
        }
        return;
    }
    uint64_t paddr = mmu_translate(cpu, linear, ACC_WRITE, kind);
    ac_check(cpu, linear, size, kind);
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, kind, linear);
    if (e->write_tag == (linear & PAGE_MASK)) {
        store_host(e->addend + linear, value, size);
        return;
    }
    phys_write(cpu->phys, paddr, value, size);
}

uint64_t mem_read64_linear(struct cpu *cpu, uint32_t linear)
{
    uint64_t lo = lin_read(cpu, linear, 4);
    uint64_t v = lo | (uint64_t)lin_read(cpu, linear + 4, 4) << 32;
    ac_check(cpu, linear, 8, cpu_tlb_kind(cpu)); /* a qword: 8 (table 6-7) */
    return v;
}

void mem_write64_linear(struct cpu *cpu, uint32_t linear, uint64_t value)
{
    /* Both halves are checked first so that a fault on the second does not leave the
     * first written. */
    enum tlb_kind kind = cpu_tlb_kind(cpu);
    mmu_translate(cpu, linear, ACC_WRITE, kind);
    mmu_translate(cpu, linear + 7, ACC_WRITE, kind);
    ac_check(cpu, linear, 8, kind);
    lin_write(cpu, linear, (uint32_t)value, 4);
    lin_write(cpu, linear + 4, (uint32_t)(value >> 32), 4);
}

void mem_probe_write_slow(struct cpu *cpu, uint32_t linear, int size)
{
    mem_probe_write_kind(cpu, linear, size, cpu_tlb_kind(cpu));
}

void mem_probe_write_kind(struct cpu *cpu, uint32_t linear, int size, enum tlb_kind kind)
{
    mmu_translate(cpu, linear, ACC_WRITE, kind);
    if (!page_fits(linear, size))
        mmu_translate(cpu, linear + (uint32_t)size - 1, ACC_WRITE, kind);
    /* A probe stands for the write that follows, so it faults as that write would
     * (protected.c's frame pushes write through the TLB_USER array directly). */
    ac_check(cpu, linear, size, kind);
}

bool cpu_read_linear(struct cpu *cpu, uint32_t linear, void *buf, uint32_t len)
{
    uint8_t *out = buf;
    struct walk_ctx ctx = walk_ctx_for(cpu, cpu_tlb_kind(cpu));
    for (uint32_t i = 0; i < len; i++) {
        uint32_t a = linear + i;
        uint64_t paddr = a;
        if (cpu->cr[0] & CR0_PG) {
            struct walk_result res;
            struct page_fault pf;
            if (!page_walk_peek(cpu->phys, &ctx, a, &res, &pf))
                return false;
            paddr = res.paddr;
        }
        out[i] = (uint8_t)phys_read(cpu->phys, paddr & ~((uint64_t)(~cpu->a20_mask)), 1);
    }
    return true;
}

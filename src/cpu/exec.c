/* The execution loop: find the next block (linked successor, jump cache, hash
 * table, or decode it), run it, check interrupts and the budget between blocks.
 * Exceptions raised inside a block arrive here by longjmp. */
#include "cpu/block_cache.h"
#include "cpu/debug.h"
#include "cpu/decode.h"
#include "cpu/exception.h"

#include <stdio.h>
#include <stdlib.h>

static bool same_page(uint64_t a, uint64_t b)
{
    return (a ^ b) < PAGE_SIZE;
}

static uint32_t block_next_eip(const struct block *b)
{
    uint32_t next = b->eip + b->byte_len + b->byte_len2;
    return (b->mode & MODE_CODE32) ? next : next & 0xffff;
}

/* A linked successor needs no mode check: prev ended in a direct jump or fell
 * through, neither of which changes CS or the mode, and any event in between
 * (exception, interrupt) clears prev_block. */
static inline struct block *linked_successor(const struct block *prev, uint32_t eip)
{
    struct block *to = prev->exits[EXIT_TAKEN].to;
    if (to && to->eip == eip)
        return to;
    to = prev->exits[EXIT_FALLTHROUGH].to;
    if (to && to->eip == eip)
        return to;
    return NULL;
}

static struct block *find_block(struct cpu *cpu, struct block *prev)
{
    struct block_cache *bc = cpu->cache;
    uint32_t eip = cpu->eip;
    if (prev) {
        struct block *to = linked_successor(prev, eip);
        if (to)
            return to;
    }
    uint32_t mode = cpu_mode_bits(cpu);
    uint32_t cs_base = cpu->seg[SEG_CS].base;
    struct block *b = block_cache_jump_lookup(bc, eip, cs_base, mode);
    if (!b) {
        uint64_t phys = mmu_translate_exec(cpu, cs_base + eip);
        b = block_cache_lookup(bc, phys, cs_base, mode);
        if (!b) {
            b = decode_block(cpu, phys, mode);
            if (!b) {
                /* Out of host memory: drop every block and try once more. */
                block_cache_flush(bc);
                block_cache_collect(bc);
                b = decode_block(cpu, phys, mode);
                if (!b) {
                    fprintf(stderr, "bt86: out of memory translating guest code at %08x\n",
                            cs_base + eip);
                    abort();
                }
                prev = NULL;
            }
            block_cache_insert(bc, b);
        }
        block_cache_jump_set(bc, b);
    }
    /* Chain prev to b when both sit on one guest page and prev ended in a direct
     * exit whose successor cannot depend on anything but its own bytes. */
    /* With paging, the linear pages must match too: a link is followed without a
     * translation, which is only safe inside the page prev itself ran from. Blocks
     * of the single-step mode are never linked: the debug checks run between them. */
    if (prev && !(mode & MODE_SINGLE) && (prev->flags & BLOCK_DIRECT_EXITS) && prev->mode == mode &&
        prev->cs_base == cs_base && prev->phys_page2 == NO_SECOND_PAGE &&
        b->phys_page2 == NO_SECOND_PAGE && same_page(prev->phys, b->phys) &&
        same_page(prev->cs_base + prev->eip, b->cs_base + b->eip)) {
        enum block_exit_slot slot = eip == block_next_eip(prev) ? EXIT_FALLTHROUGH : EXIT_TAKEN;
        block_cache_link(prev, slot, b);
    }
    return b;
}

static inline void run_block(struct cpu *cpu, struct block *b)
{
    cpu->cur_block = b;
    cpu->budget -= b->insn_count;
    const struct insn *i = b->insns, *end = i + b->run_count;
    for (; i < end; i++) {
        cpu->cur_insn = i;
        i->fn(cpu, i);
    }
    cpu->icount += b->insn_count;
    b->exec_count++;
    if (!(b->flags & BLOCK_SETS_EIP)) {
        /* From cpu->eip, not b->eip: a block found by physical address may run at
         * another virtual address than the one it was decoded at. */
        uint32_t next = cpu->eip + b->byte_len + b->byte_len2;
        cpu->eip = (b->mode & MODE_CODE32) ? next : next & 0xffff;
    }
    cpu->cur_block = NULL;
}

/* Takes a pending external interrupt if the CPU accepts one now. */
static void check_interrupts(struct cpu *cpu)
{
    if (cpu->inhibit_irq) {
        cpu->inhibit_irq = false;
        return;
    }
    if (cpu->intr_line && (cpu->eflags & FLAG_IF) && cpu->bus.irq_ack) {
        int vector = cpu->bus.irq_ack(cpu->bus.opaque);
        cpu->halted = false;
        cpu->prev_block = NULL;
        if (vector >= 0)
            cpu_deliver_event(cpu, vector, NO_ERROR_CODE, EVENT_EXTERNAL);
    }
}

/* The loop between blocks. It is a function of its own because cpu_run calls
 * setjmp, and a function that calls setjmp keeps its variables in memory rather
 * than registers (every access would reload cpu from the stack). */
static __attribute__((noinline)) enum cpu_exit run_loop(struct cpu *cpu)
{
    for (;;) {
        if (cpu->exit_reason == CPU_EXIT_SHUTDOWN || cpu->exit_reason == CPU_EXIT_EXCEPTION)
            return cpu->exit_reason;
        if (cpu->cache->graveyard) {
            block_cache_collect(cpu->cache);
            cpu->prev_block = NULL;
        }
        check_interrupts(cpu);
        if (cpu->halted)
            return CPU_EXIT_HALT;
        if (cpu->exit_requested)
            return CPU_EXIT_REQUEST;
        if (cpu->budget <= 0)
            return CPU_EXIT_BUDGET;
        if (cpu->dr_exec_bp && !(cpu->eflags & FLAG_RF) && debug_check_exec(cpu))
            continue;
        struct block *b = find_block(cpu, cpu->prev_block);
        cpu->prev_block = NULL;
        uint32_t before = cpu->eflags;
        run_block(cpu, b);
        /* Fast path: follow direct links while nothing needs the checks above (an
         * exit request zeroes the budget; INTR may rise from an MMIO write). Blocks
         * of the single-step mode have no links (find_block), so end it here. */
        while (cpu->budget > 0 && !cpu->intr_line && !cpu->db_pending) {
            struct block *next = linked_successor(b, cpu->eip);
            if (!next)
                break;
            b = next;
            run_block(cpu, b);
        }
        cpu->prev_block = b;
        /* db_pending outside single-step mode: the T bit of a task just entered. */
        if ((b->mode & MODE_SINGLE) || cpu->db_pending)
            debug_after_insn(cpu, before);
    }
}

enum cpu_exit cpu_run(struct cpu *cpu, int32_t budget)
{
    cpu->budget = budget;
    cpu->exit_requested = false;
    cpu->exit_reason = CPU_EXIT_BUDGET;
    cpu->prev_block = NULL;

    /* Everything raised below (in a block, in delivery, in decoding) lands here. */
    if (setjmp(cpu->exc_jmp))
        cpu_handle_raise(cpu);
    return run_loop(cpu);
}

void cpu_request_exit(struct cpu *cpu)
{
    cpu->exit_requested = true;
    cpu->budget = 0;
}

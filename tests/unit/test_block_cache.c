/* The block cache as a mechanism: where blocks end, the page-boundary rule, lookup
 * by (physical address, CS base, mode), links and their undoing when a written
 * range invalidates a block. */
#include "cpu/block_cache.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

struct rig {
    struct phys_space ps;
    struct cpu *cpu;
};

static int setup(void **state)
{
    struct rig *r = calloc(1, sizeof *r);
    assert_true(phys_init(&r->ps, 1 << 20));
    r->cpu = cpu_create(&r->ps);
    assert_non_null(r->cpu);
    cpu_load_seg_real(r->cpu, SEG_CS, 0); /* real mode, CS base 0 */
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    struct rig *r = *state;
    cpu_destroy(r->cpu);
    phys_free(&r->ps);
    free(r);
    return 0;
}

/* Decodes (without inserting) the block at physical = linear address addr. */
static struct block *decode_at(struct rig *r, uint32_t addr, const uint8_t *code, size_t len)
{
    assert_true(phys_copy_to(&r->ps, addr, code, len));
    r->cpu->eip = addr;
    struct block *b = decode_block(r->cpu, addr, cpu_mode_bits(r->cpu));
    assert_non_null(b);
    return b;
}

static void blocks_end_at_control_transfers_and_state_changes(void **state)
{
    struct rig *r = *state;
    static const uint8_t jump[] = {0x90, 0x90, 0x40,
                                   0xeb, 0x00, 0x90}; /* nop nop inc ax jmp $+2 nop */
    struct block *b = decode_at(r, 0x1000, jump, sizeof jump);
    assert_int_equal(b->insn_count, 4);
    assert_int_equal(b->byte_len, 5);
    assert_true(b->flags & BLOCK_SETS_EIP);
    assert_true(b->flags & BLOCK_DIRECT_EXITS);
    free(b);

    static const uint8_t segload[] = {0x90, 0x8e, 0xd8, 0x90}; /* nop; mov ds, ax; nop */
    b = decode_at(r, 0x2000, segload, sizeof segload);
    assert_int_equal(b->insn_count, 2);
    assert_false(b->flags & BLOCK_DIRECT_EXITS); /* a state change is no direct exit */
    free(b);

    static const uint8_t out[] = {0xe6, 0x80, 0x90}; /* out 0x80, al; nop */
    b = decode_at(r, 0x3000, out, sizeof out);
    assert_int_equal(b->insn_count, 1);
    free(b);
}

static void blocks_stop_at_the_page_end(void **state)
{
    struct rig *r = *state;
    static const uint8_t nops[] = {0x90, 0x90, 0x90, 0x90, 0x90, 0x90};
    /* Three NOPs before the page end: the block takes exactly those. */
    struct block *b = decode_at(r, 0x4ffd, nops, sizeof nops);
    assert_int_equal(b->insn_count, 3);
    assert_int_equal(b->byte_len, 3);
    assert_true(b->phys_page2 == NO_SECOND_PAGE);
    free(b);

    /* "mov ax, 0x1234" (3 bytes) starting 1 byte before the page end: a block of its
     * own, with both pages. NOPs before it end the previous block at that point. */
    static const uint8_t straddle[] = {0x90, 0xb8, 0x34, 0x12, 0x90};
    b = decode_at(r, 0x5ffe, straddle, sizeof straddle);
    assert_int_equal(b->insn_count, 1); /* the NOP only */
    assert_int_equal(b->byte_len, 1);
    free(b);
    b = decode_at(r, 0x5fff, straddle + 1, sizeof straddle - 1);
    assert_int_equal(b->insn_count, 1);
    assert_int_equal(b->byte_len, 1);
    assert_int_equal(b->byte_len2, 2);
    assert_true(b->phys_page2 == 0x6000);
    free(b);
}

static void lookup_is_by_physical_address_cs_base_and_mode(void **state)
{
    struct rig *r = *state;
    struct block_cache *bc = r->cpu->cache;
    static const uint8_t code[] = {0x40, 0xc3}; /* inc ax; ret */
    struct block *b = decode_at(r, 0x7000, code, sizeof code);
    block_cache_insert(bc, b);
    assert_ptr_equal(block_cache_lookup(bc, 0x7000, 0, b->mode), b);
    assert_null(block_cache_lookup(bc, 0x7000, 0, b->mode ^ MODE_CODE32));
    assert_null(block_cache_lookup(bc, 0x7000, 0x10, b->mode));
    assert_null(block_cache_lookup(bc, 0x7001, 0, b->mode));
    assert_true(phys_is_code(&r->ps, 0x7001, 1));
    assert_false(phys_is_code(&r->ps, 0x7040, 1)); /* the next 64-byte chunk */
}

static void invalidation_unlinks_predecessors(void **state)
{
    struct rig *r = *state;
    struct block_cache *bc = r->cpu->cache;
    static const uint8_t a_code[] = {0x40, 0xeb, 0x7d};       /* 8000: inc ax; jmp 0x8080 */
    static const uint8_t b_code[] = {0x48, 0xeb, 0xfd, 0x90}; /* 8080: dec ax; jmp 8080 */
    struct block *a = decode_at(r, 0x8000, a_code, sizeof a_code);
    block_cache_insert(bc, a);
    struct block *b = decode_at(r, 0x8080, b_code, sizeof b_code);
    block_cache_insert(bc, b);
    block_cache_link(a, EXIT_TAKEN, b);
    block_cache_link(b, EXIT_TAKEN, b); /* a self-loop */
    assert_ptr_equal(a->exits[EXIT_TAKEN].to, b);
    assert_non_null(b->incoming);

    /* A write beside both blocks (same page, other chunks) changes nothing. */
    assert_false(block_cache_invalidate(bc, 0x8040, 4, NULL));
    assert_ptr_equal(block_cache_lookup(bc, 0x8080, 0, b->mode), b);

    /* A write into B's last byte kills B, unlinks A's exit, and keeps A. */
    assert_true(block_cache_invalidate(bc, 0x8082, 1, b));
    assert_true(b->flags & BLOCK_DEAD);
    assert_null(a->exits[EXIT_TAKEN].to);
    assert_null(block_cache_lookup(bc, 0x8080, 0, b->mode));
    assert_ptr_equal(block_cache_lookup(bc, 0x8000, 0, a->mode), a);
    assert_false(phys_is_code(&r->ps, 0x8080, 4));
    assert_true(phys_is_code(&r->ps, 0x8000, 3));
    block_cache_collect(bc);
}

static void a_straddling_block_dies_for_a_write_to_either_page(void **state)
{
    struct rig *r = *state;
    struct block_cache *bc = r->cpu->cache;
    static const uint8_t code[] = {0xb8, 0x34, 0x12}; /* mov ax, 0x1234 */
    struct block *b = decode_at(r, 0x9fff, code, sizeof code);
    block_cache_insert(bc, b);
    assert_true(phys_is_code(&r->ps, 0xa001, 1));
    assert_true(block_cache_invalidate(bc, 0xa001, 1, b)); /* the second page's byte */
    assert_null(block_cache_lookup(bc, 0x9fff, 0, b->mode));
    assert_false(phys_is_code(&r->ps, 0x9fff, 1));
    assert_false(phys_is_code(&r->ps, 0xa000, 2));
    block_cache_collect(bc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(blocks_end_at_control_transfers_and_state_changes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(blocks_stop_at_the_page_end, setup, teardown),
        cmocka_unit_test_setup_teardown(lookup_is_by_physical_address_cs_base_and_mode, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(invalidation_unlinks_predecessors, setup, teardown),
        cmocka_unit_test_setup_teardown(a_straddling_block_dies_for_a_write_to_either_page, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

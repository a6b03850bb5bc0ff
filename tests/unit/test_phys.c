/* Guest physical space: RAM, ROM shadowing, MMIO dispatch, unmapped reads, and the
 * code-write hook the block cache depends on. */
#include "mem/mem.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

struct mmio_log {
    uint32_t last_offset, last_value;
    int last_size, reads, writes;
};

static uint32_t log_read(void *opaque, uint32_t offset, int size)
{
    struct mmio_log *log = opaque;
    log->reads++;
    log->last_offset = offset;
    log->last_size = size;
    return 0x12345678u & (size == 4 ? ~0u : (1u << (8 * size)) - 1);
}

static void log_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct mmio_log *log = opaque;
    log->writes++;
    log->last_offset = offset;
    log->last_value = value;
    log->last_size = size;
}

static const struct io_ops log_ops = {log_read, log_write};

static void ram_round_trip(void **state)
{
    struct phys_space ps;
    assert_true(phys_init(&ps, 1 << 20));
    phys_write(&ps, 0x1000, 0xdeadbeef, 4);
    assert_int_equal(phys_read(&ps, 0x1000, 4), 0xdeadbeef);
    assert_int_equal(phys_read(&ps, 0x1001, 2), 0xadbe);
    /* Unaligned, page-crossing */
    phys_write(&ps, 0x1ffe, 0x11223344, 4);
    assert_int_equal(phys_read(&ps, 0x2000, 1), 0x22);
    phys_free(&ps);
}

static void unmapped_reads_ones_and_drops_writes(void **state)
{
    struct phys_space ps;
    assert_true(phys_init(&ps, 1 << 20));
    assert_int_equal(phys_read(&ps, 0x200000, 4), 0xffffffffu);
    phys_write(&ps, 0x200000, 0, 4);
    assert_int_equal(phys_read(&ps, 0x200000, 4), 0xffffffffu);
    /* Straddling the end of RAM: the RAM byte is real, the rest all-ones. */
    phys_write(&ps, 0xfffff, 0x5a, 1);
    assert_int_equal(phys_read(&ps, 0xfffff, 2), 0xff5a);
    assert_null(phys_page_ptr(&ps, 0x200000, false));
    phys_free(&ps);
}

static void rom_shadows_ram_and_ignores_writes(void **state)
{
    struct phys_space ps;
    assert_true(phys_init(&ps, 1 << 20));
    uint8_t rom[PAGE_SIZE * 2];
    for (size_t i = 0; i < sizeof rom; i++)
        rom[i] = (uint8_t)i;
    assert_true(phys_map_rom(&ps, 0xe0000, rom, sizeof rom));
    assert_int_equal(phys_read(&ps, 0xe0010, 1), 0x10);
    phys_write(&ps, 0xe0010, 0xaa, 1);
    assert_int_equal(phys_read(&ps, 0xe0010, 1), 0x10);
    assert_non_null(phys_page_ptr(&ps, 0xe1000, false));
    assert_null(phys_page_ptr(&ps, 0xe1000, true));
    phys_free(&ps);
}

static void mmio_gets_offsets_and_sizes(void **state)
{
    struct phys_space ps;
    struct mmio_log log = {0};
    assert_true(phys_init(&ps, 1 << 20));
    assert_true(phys_map_mmio(&ps, 0xfee00000, 0x1000, &log_ops, &log));
    assert_int_equal(phys_read(&ps, 0xfee00020, 4), 0x12345678);
    assert_int_equal(log.last_offset, 0x20);
    assert_int_equal(log.last_size, 4);
    phys_write(&ps, 0xfee000b0, 7, 2);
    assert_int_equal(log.writes, 1);
    assert_int_equal(log.last_value, 7);
    assert_int_equal(log.last_size, 2);
    assert_null(phys_page_ptr(&ps, 0xfee00000, false));
    phys_free(&ps);
}

struct hook_log {
    uint64_t paddr;
    uint32_t len;
    int calls;
};

static void record_write(void *opaque, uint64_t paddr, uint32_t len)
{
    struct hook_log *h = opaque;
    h->paddr = paddr;
    h->len = len;
    h->calls++;
}

static void code_writes_reach_the_hook(void **state)
{
    struct phys_space ps;
    struct hook_log h = {0};
    assert_true(phys_init(&ps, 1 << 20));
    ps.code_hook = (struct code_write_hook){record_write, &h};
    phys_mark_code(&ps, 0x3fc0, 0x40); /* the last chunk of a page */
    phys_write(&ps, 0x3f00, 1, 4);     /* a chunk without code */
    assert_int_equal(h.calls, 0);
    phys_write(&ps, 0x3ffe, 0xffff, 4); /* crosses into the next page */
    assert_int_equal(h.calls, 1);
    assert_int_equal(h.paddr, 0x3ffe);
    assert_true(phys_is_code(&ps, 0x3fff, 1));
    assert_false(phys_is_code(&ps, 0x4000, 1));
    phys_free(&ps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ram_round_trip),
        cmocka_unit_test(unmapped_reads_ones_and_drops_writes),
        cmocka_unit_test(rom_shadows_ram_and_ignores_writes),
        cmocka_unit_test(mmio_gets_offsets_and_sizes),
        cmocka_unit_test(code_writes_reach_the_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

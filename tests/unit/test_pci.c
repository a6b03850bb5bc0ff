/* PCI configuration mechanism #1 (PCI 2.1, 3.7.4.1) with the i440FX host
 * bridge (8086:1237, class 0600) at 00.0 and the PIIX3 ISA bridge (8086:7000,
 * class 0601, multi-function) at 01.0; absent functions read all-ones. */
#include "dev/pci.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

struct fixture {
    struct pci_host host;
    struct ioport_bus bus;
    int resets;
};

static void on_reset(void *opaque)
{
    struct fixture *f = opaque;
    f->resets++;
}

static void setup(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    ioport_bus_init(&f->bus);
    struct sys_hooks hooks = {NULL, on_reset, f};
    pci_host_init(&f->host, &hooks);
    assert_true(pci_bus_register(&f->host.bus, &f->bus));
}

static uint32_t addr(int bus, int dev, int fn, int reg)
{
    return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 |
           (uint32_t)reg;
}

static uint32_t cfg_read(struct fixture *f, uint32_t a, int offset, int size)
{
    ioport_write(&f->bus, 0xcf8, a, 4);
    return ioport_read(&f->bus, (uint16_t)(0xcfc + offset), size);
}

static void cfg_write(struct fixture *f, uint32_t a, int offset, uint32_t v, int size)
{
    ioport_write(&f->bus, 0xcf8, a, 4);
    ioport_write(&f->bus, (uint16_t)(0xcfc + offset), v, size);
}

static void host_bridge_ids(void **state)
{
    struct fixture f;
    setup(&f);
    assert_int_equal(cfg_read(&f, addr(0, 0, 0, 0x00), 0, 4), 0x12378086);
    assert_int_equal(cfg_read(&f, addr(0, 0, 0, 0x08), 0, 4) >> 8, 0x060000);
    assert_int_equal(cfg_read(&f, addr(0, 0, 0, 0x0c), 2, 1), 0x00); /* header type 0 */
}

static void isa_bridge_ids(void **state)
{
    struct fixture f;
    setup(&f);
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x00), 0, 4), 0x70008086);
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x08), 0, 4) >> 8, 0x060100);
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x0c), 2, 1), 0x80); /* multi-function */
}

static void byte_and_word_accesses(void **state)
{
    struct fixture f;
    setup(&f);
    uint32_t a = addr(0, 0, 0, 0x00);
    assert_int_equal(cfg_read(&f, a, 0, 2), 0x8086);
    assert_int_equal(cfg_read(&f, a, 2, 2), 0x1237);
    assert_int_equal(cfg_read(&f, a, 1, 1), 0x80);
    assert_int_equal(cfg_read(&f, a, 3, 1), 0x12);
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x08), 3, 1), 0x06); /* base class */
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x08), 2, 1), 0x01); /* sub class */
}

static void absent_functions_read_all_ones(void **state)
{
    struct fixture f;
    setup(&f);
    assert_int_equal(cfg_read(&f, addr(0, 2, 0, 0), 0, 4), 0xffffffffu);
    assert_int_equal(cfg_read(&f, addr(0, 31, 7, 0), 0, 4), 0xffffffffu);
    assert_int_equal(cfg_read(&f, addr(0, 2, 0, 0), 2, 2), 0xffff);
    assert_int_equal(cfg_read(&f, addr(0, 0, 1, 0), 0, 4), 0xffffffffu);
    assert_int_equal(cfg_read(&f, addr(1, 0, 0, 0), 0, 4), 0xffffffffu); /* no bus 1 */
    /* Enable bit clear: no configuration cycle. */
    assert_int_equal(cfg_read(&f, 0x00000000, 0, 4), 0xffffffffu);
    /* Writes to nothing are dropped without effect. */
    cfg_write(&f, addr(0, 2, 0, 0x3c), 0, 0x0b, 1);
    assert_int_equal(cfg_read(&f, addr(0, 2, 0, 0x3c), 0, 4), 0xffffffffu);
}

static void function_behind_single_function_device_hidden(void **state)
{
    struct fixture f;
    setup(&f);
    struct pci_function fn1;
    pci_function_init(&fn1, 0x8086, 0x7010, 0x010180, 0, 0); /* PIIX3 IDE */
    assert_true(pci_bus_add(&f.host.bus, PCI_DEVFN(1, 1), &fn1));
    assert_int_equal(cfg_read(&f, addr(0, 1, 1, 0), 0, 4), 0x70108086);
    struct pci_function fn2;
    pci_function_init(&fn2, 0x1234, 0x5678, 0, 0, 0);
    assert_true(pci_bus_add(&f.host.bus, PCI_DEVFN(0, 1), &fn2));
    /* 00.0 is not multi-function: 00.1 does not exist. */
    assert_int_equal(cfg_read(&f, addr(0, 0, 1, 0), 0, 4), 0xffffffffu);
    assert_false(pci_bus_add(&f.host.bus, PCI_DEVFN(1, 1), &fn2));
}

static void config_address_register(void **state)
{
    struct fixture f;
    setup(&f);
    ioport_write(&f.bus, 0xcf8, 0xfffffffful, 4);
    /* Reserved bits 30-24 and 1-0 read as 0. */
    assert_int_equal(ioport_read(&f.bus, 0xcf8, 4), 0x80fffffcu);
    ioport_write(&f.bus, 0xcf8, addr(0, 1, 0, 0), 4);
    ioport_write(&f.bus, 0xcf8, 0x00, 1); /* a byte write is not CONFIG_ADDRESS */
    assert_int_equal(ioport_read(&f.bus, 0xcf8, 4), addr(0, 1, 0, 0));
}

static void read_only_and_writable_fields(void **state)
{
    struct fixture f;
    setup(&f);
    uint32_t a = addr(0, 1, 0, 0);
    cfg_write(&f, a, 0, 0xdeadbeef, 4); /* vendor/device are read only */
    assert_int_equal(cfg_read(&f, a, 0, 4), 0x70008086);
    cfg_write(&f, addr(0, 1, 0, 0x08), 0, 0xffffffff, 4); /* class, revision */
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x08), 0, 4) >> 8, 0x060100);
    cfg_write(&f, addr(0, 1, 0, 0x0c), 2, 0x00, 1); /* header type */
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x0c), 2, 1), 0x80);
    cfg_write(&f, addr(0, 1, 0, 0x3c), 0, 0x0e, 1); /* interrupt line: writable */
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x3c), 0, 1), 0x0e);
    cfg_write(&f, addr(0, 1, 0, 0x0c), 1, 0x40, 1); /* latency timer: writable */
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x0c), 1, 1), 0x40);
    /* Status: error bits are write-one-to-clear, the rest read only. */
    f.host.piix3.config[0x07] |= 0x20; /* received master abort */
    cfg_write(&f, addr(0, 1, 0, 0x04), 2, 0x2000 | 0x0010, 2);
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x04), 2, 2), 0x0200);
    /* Device-specific space: PIIX3 PIRQ routing defaults to disabled (80h). */
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x60), 0, 4), 0x80808080u);
    cfg_write(&f, addr(0, 1, 0, 0x60), 1, 0x0b, 1);
    assert_int_equal(cfg_read(&f, addr(0, 1, 0, 0x60), 0, 4), 0x80800b80u);
}

struct intercept {
    int reads, writes;
    uint8_t last_offset;
};

static uint32_t hook_read(void *opaque, struct pci_function *f, uint8_t offset, int size)
{
    struct intercept *i = opaque;
    i->reads++;
    i->last_offset = offset;
    return pci_config_default_read(f, offset, size);
}

static void hook_write(void *opaque, struct pci_function *f, uint8_t offset, uint32_t v, int size)
{
    struct intercept *i = opaque;
    i->writes++;
    i->last_offset = offset;
    pci_config_default_write(f, offset, v, size);
}

static void device_table_ops(void **state)
{
    struct fixture f;
    setup(&f);
    static const struct pci_config_ops ops = {hook_read, hook_write};
    struct intercept seen = {0};
    struct pci_function vga;
    pci_function_init(&vga, 0x1234, 0x1111, 0x030000, 0x02, 0);
    vga.ops = &ops;
    vga.opaque = &seen;
    assert_true(pci_bus_add(&f.host.bus, PCI_DEVFN(2, 0), &vga));
    assert_int_equal(cfg_read(&f, addr(0, 2, 0, 0), 0, 4), 0x11111234);
    assert_int_equal(seen.reads, 1);
    cfg_write(&f, addr(0, 2, 0, 0x3c), 0, 0x0b, 1);
    assert_int_equal(seen.writes, 1);
    assert_int_equal(seen.last_offset, 0x3c);
    cfg_read(&f, addr(0, 2, 0, 0x10), 3, 1);
    assert_int_equal(seen.last_offset, 0x13);
}

static void reset_control_register(void **state)
{
    struct fixture f;
    setup(&f);
    ioport_write(&f.bus, 0xcf9, 0x02, 1); /* hard reset type, no reset yet */
    assert_int_equal(f.resets, 0);
    assert_int_equal(ioport_read(&f.bus, 0xcf9, 1), 0x02);
    ioport_write(&f.bus, 0xcf9, 0x06, 1); /* RCPU */
    assert_int_equal(f.resets, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_bridge_ids),
        cmocka_unit_test(isa_bridge_ids),
        cmocka_unit_test(byte_and_word_accesses),
        cmocka_unit_test(absent_functions_read_all_ones),
        cmocka_unit_test(function_behind_single_function_device_hidden),
        cmocka_unit_test(config_address_register),
        cmocka_unit_test(read_only_and_writable_fields),
        cmocka_unit_test(device_table_ops),
        cmocka_unit_test(reset_control_register),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

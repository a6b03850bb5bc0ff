#include "mem/phys.h"

#include <stdlib.h>
#include <string.h>

bool phys_init(struct phys_space *ps, uint64_t ram_size)
{
    memset(ps, 0, sizeof *ps);
    ram_size = (ram_size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    ps->ram = calloc(1, ram_size);
    ps->pages = calloc(ram_size >> PAGE_SHIFT, sizeof *ps->pages);
    if (!ps->ram || !ps->pages) {
        free(ps->ram);
        free(ps->pages);
        return false;
    }
    ps->ram_size = ram_size;
    return true;
}

void phys_free(struct phys_space *ps)
{
    for (int i = 0; i < ps->region_count; i++)
        if (ps->regions[i].kind == PHYS_ROM)
            free(ps->regions[i].host);
    free(ps->ram);
    free(ps->pages);
    memset(ps, 0, sizeof *ps);
}

static bool add_region(struct phys_space *ps, struct phys_region region)
{
    if (ps->region_count == PHYS_MAX_REGIONS || region.size == 0 ||
        region.base + region.size > (1ull << 36))
        return false;
    ps->regions[ps->region_count++] = region;
    return true;
}

bool phys_map_rom(struct phys_space *ps, uint64_t base, const void *data, uint64_t size)
{
    uint8_t *copy = malloc(size);
    if (!copy)
        return false;
    memcpy(copy, data, size);
    if (!add_region(ps, (struct phys_region){base, size, PHYS_ROM, copy, NULL, NULL})) {
        free(copy);
        return false;
    }
    return true;
}

bool phys_map_mmio(struct phys_space *ps, uint64_t base, uint64_t size, const struct io_ops *ops,
                   void *opaque)
{
    return add_region(ps, (struct phys_region){base, size, PHYS_MMIO, NULL, ops, opaque});
}

const struct phys_region *phys_find_region(const struct phys_space *ps, uint64_t paddr)
{
    for (int i = 0; i < ps->region_count; i++) {
        const struct phys_region *r = &ps->regions[i];
        if (paddr - r->base < r->size)
            return r;
    }
    return NULL;
}

uint8_t *phys_page_ptr(struct phys_space *ps, uint64_t paddr, bool write)
{
    uint64_t page = paddr & ~(uint64_t)(PAGE_SIZE - 1);
    const struct phys_region *r = phys_find_region(ps, page);
    if (r) {
        /* A ROM region serves whole pages only; a partial page goes the slow way. */
        if (r->kind != PHYS_ROM || write || page + PAGE_SIZE > r->base + r->size)
            return NULL;
        return r->host + (page - r->base);
    }
    if (page < ps->ram_size)
        return ps->ram + page;
    return NULL;
}

static uint8_t read_byte(struct phys_space *ps, uint64_t paddr)
{
    const struct phys_region *r = phys_find_region(ps, paddr);
    if (r) {
        if (r->kind == PHYS_ROM)
            return r->host[paddr - r->base];
        return (uint8_t)r->ops->read(r->opaque, (uint32_t)(paddr - r->base), 1);
    }
    if (paddr < ps->ram_size)
        return ps->ram[paddr];
    return 0xff;
}

static void write_byte(struct phys_space *ps, uint64_t paddr, uint8_t value)
{
    const struct phys_region *r = phys_find_region(ps, paddr);
    if (r) {
        if (r->kind == PHYS_MMIO)
            r->ops->write(r->opaque, (uint32_t)(paddr - r->base), value, 1);
        return;
    }
    if (paddr < ps->ram_size) {
        ps->ram[paddr] = value;
        phys_notify_write(ps, paddr, 1);
    }
}

uint64_t phys_read(struct phys_space *ps, uint64_t paddr, int size)
{
    const struct phys_region *r = phys_find_region(ps, paddr);
    bool whole = r ? paddr + size <= r->base + r->size
                   : paddr + size <= ps->ram_size && !phys_find_region(ps, paddr + size - 1);
    if (whole && size <= 4 && r && r->kind == PHYS_MMIO)
        return r->ops->read(r->opaque, (uint32_t)(paddr - r->base), size);
    if (whole && (!r || r->kind == PHYS_ROM)) {
        const uint8_t *p = r ? r->host + (paddr - r->base) : ps->ram + paddr;
        uint64_t v = 0;
        memcpy(&v, p, (size_t)size); /* little-endian host (x86-64, checked in CMake) */
        return v;
    }
    uint64_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint64_t)read_byte(ps, paddr + i) << (8 * i);
    return v;
}

void phys_write(struct phys_space *ps, uint64_t paddr, uint64_t value, int size)
{
    const struct phys_region *r = phys_find_region(ps, paddr);
    bool whole = r ? paddr + size <= r->base + r->size
                   : paddr + size <= ps->ram_size && !phys_find_region(ps, paddr + size - 1);
    if (whole && size <= 4 && r && r->kind == PHYS_MMIO) {
        r->ops->write(r->opaque, (uint32_t)(paddr - r->base), (uint32_t)value, size);
        return;
    }
    if (whole && r && r->kind == PHYS_ROM)
        return;
    if (whole) {
        memcpy(ps->ram + paddr, &value, (size_t)size);
        phys_notify_write(ps, paddr, (uint32_t)size);
        return;
    }
    for (int i = 0; i < size; i++)
        write_byte(ps, paddr + i, (uint8_t)(value >> (8 * i)));
}

bool phys_copy_to(struct phys_space *ps, uint64_t paddr, const void *src, size_t len)
{
    if (paddr > ps->ram_size || len > ps->ram_size - paddr)
        return false;
    memcpy(ps->ram + paddr, src, len);
    phys_notify_write(ps, paddr, (uint32_t)len);
    return true;
}

/* Bits of the chunks [paddr, paddr+len) covers within paddr's page (len stays in the page). */
static uint64_t chunk_bits(uint64_t paddr, uint32_t len)
{
    uint32_t first = (uint32_t)(paddr & (PAGE_SIZE - 1)) >> CODE_CHUNK_SHIFT;
    uint32_t last = (uint32_t)((paddr & (PAGE_SIZE - 1)) + len - 1) >> CODE_CHUNK_SHIFT;
    uint64_t upto_last = last >= 63 ? ~0ull : (2ull << last) - 1;
    return upto_last & ~((1ull << first) - 1);
}

/* Splits [paddr, paddr+len) into per-page pieces inside RAM and calls fn on each. */
static bool for_each_ram_page(const struct phys_space *ps, uint64_t paddr, uint32_t len,
                              bool (*fn)(struct page_desc *pd, uint64_t paddr, uint32_t len,
                                         void *ctx),
                              void *ctx)
{
    while (len && paddr < ps->ram_size) {
        uint32_t in_page = PAGE_SIZE - (uint32_t)(paddr & (PAGE_SIZE - 1));
        uint32_t n = len < in_page ? len : in_page;
        if (fn(&ps->pages[paddr >> PAGE_SHIFT], paddr, n, ctx))
            return true;
        paddr += n;
        len -= n;
    }
    return false;
}

static bool mark_piece(struct page_desc *pd, uint64_t paddr, uint32_t len, void *ctx)
{
    pd->code_chunks |= chunk_bits(paddr, len);
    return false;
}

static bool test_piece(struct page_desc *pd, uint64_t paddr, uint32_t len, void *ctx)
{
    return (pd->code_chunks & chunk_bits(paddr, len)) != 0;
}

void phys_mark_code(struct phys_space *ps, uint64_t paddr, uint32_t len)
{
    for_each_ram_page(ps, paddr, len, mark_piece, NULL);
}

bool phys_is_code(const struct phys_space *ps, uint64_t paddr, uint32_t len)
{
    return for_each_ram_page(ps, paddr, len, test_piece, NULL);
}

void phys_notify_write(struct phys_space *ps, uint64_t paddr, uint32_t len)
{
    if (ps->code_hook.written && phys_is_code(ps, paddr, len))
        ps->code_hook.written(ps->code_hook.opaque, paddr, len);
}

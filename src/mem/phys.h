/* Guest physical address space: RAM, ROM and MMIO regions.
 *
 * RAM is one host allocation starting at guest physical 0. ROM and MMIO are
 * regions laid over the rest of the space; a region may shadow RAM (the BIOS
 * alias below 1 MiB). An access that hits no region reads as all-ones and writes
 * are dropped, as on a PC with nothing decoding the address. Nothing here lets a
 * guest reach host memory outside the RAM and ROM buffers. */
#ifndef BT86_MEM_PHYS_H
#define BT86_MEM_PHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1u << PAGE_SHIFT)
#define PAGE_MASK  (~(uint32_t)(PAGE_SIZE - 1))

/* The same ops shape serves MMIO regions and the port-I/O table (STYLE.md, after
 * TinyEMU): devices never know who calls them. size is 1, 2 or 4 bytes. */
struct io_ops {
    uint32_t (*read)(void *opaque, uint32_t offset, int size);
    void (*write)(void *opaque, uint32_t offset, uint32_t value, int size);
};

enum phys_region_kind {
    PHYS_ROM,  /* host buffer, guest writes ignored */
    PHYS_MMIO, /* device ops */
};

struct phys_region {
    uint64_t base;
    uint64_t size;
    enum phys_region_kind kind;
    uint8_t *host; /* PHYS_ROM: the bytes, owned by the region */
    const struct io_ops *ops;
    void *opaque;
};

/* Per guest RAM page: which 64-byte chunks hold translated code, and an opaque
 * list head the block cache keeps there. */
struct page_desc {
    uint64_t code_chunks; /* bit n: bytes [64n, 64n+63] are covered by a block */
    void *blocks;
};

#define CODE_CHUNK_SHIFT 6

/* Called after a guest write hit code-bearing bytes (the block cache invalidates). */
struct code_write_hook {
    void (*written)(void *opaque, uint64_t paddr, uint32_t len);
    void *opaque;
};

#define PHYS_MAX_REGIONS 32

struct phys_space {
    uint8_t *ram;
    uint64_t ram_size; /* a multiple of PAGE_SIZE */
    struct page_desc *pages;
    struct phys_region regions[PHYS_MAX_REGIONS];
    int region_count;
    struct code_write_hook code_hook;
};

/* Returns false (and leaves nothing allocated) when RAM cannot be allocated. */
bool phys_init(struct phys_space *ps, uint64_t ram_size);
void phys_free(struct phys_space *ps);

/* Maps a copy of data as ROM at base. False when the table is full or the range
 * wraps the 4 GiB space. */
bool phys_map_rom(struct phys_space *ps, uint64_t base, const void *data, uint64_t size);
bool phys_map_mmio(struct phys_space *ps, uint64_t base, uint64_t size, const struct io_ops *ops,
                   void *opaque);

/* The region that decodes paddr, or NULL when RAM or nothing does. Regions take
 * precedence over RAM so that ROM can shadow it. */
const struct phys_region *phys_find_region(const struct phys_space *ps, uint64_t paddr);

/* Host pointer to the page holding paddr when it is plain RAM (writable) or ROM
 * (read only: write=false), else NULL (MMIO or unmapped: use phys_read/write). */
uint8_t *phys_page_ptr(struct phys_space *ps, uint64_t paddr, bool write);

/* Byte-exact accesses of 1, 2, 4 or 8 bytes; an access may cross regions, and is
 * then split into bytes. Writes to RAM check the code bitmap and call the hook. */
uint64_t phys_read(struct phys_space *ps, uint64_t paddr, int size);
void phys_write(struct phys_space *ps, uint64_t paddr, uint64_t value, int size);

/* Bulk copies for loaders (kernel, initrd); false if any byte is not RAM. */
bool phys_copy_to(struct phys_space *ps, uint64_t paddr, const void *src, size_t len);

/* Code-page bookkeeping for the block cache. */
void phys_mark_code(struct phys_space *ps, uint64_t paddr, uint32_t len);
bool phys_is_code(const struct phys_space *ps, uint64_t paddr, uint32_t len);
/* Tells the hook about a write to [paddr, paddr+len) if it touches code. */
void phys_notify_write(struct phys_space *ps, uint64_t paddr, uint32_t len);

#endif

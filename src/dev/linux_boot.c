/* Direct Linux boot through the 32-bit entry point, with no BIOS at all
 * (Documentation/arch/x86/boot.rst in the kernel: "32-bit boot protocol").
 *
 * Guest memory layout while booting:
 *   0x08000  a GDT with the flat __BOOT_CS (0x10) and __BOOT_DS (0x18) descriptors
 *   0x10000  boot_params (the "zero page"), its setup header copied from the file
 *   0x20000  the command line
 *   0x100000 the protected-mode kernel (it decompresses itself to pref_address)
 *   top      the initrd, below initrd_addr_max and the end of RAM */
#include "dev/file_load.h"
#include "dev/machine_internal.h"

#include <stdlib.h>
#include <string.h>

#define GDT_ADDR         0x8000u
#define BOOT_PARAMS_ADDR 0x10000u
#define CMDLINE_ADDR     0x20000u
#define KERNEL_ADDR      0x100000u
#define MAX_IMAGE        (1u << 30) /* no kernel or initrd fits in guest RAM beyond this */

/* Offsets in boot_params / the setup header (boot.rst, "THE REAL-MODE KERNEL HEADER"). */
#define BP_EXT_MEM_K        0x002
#define BP_ALT_MEM_K        0x1e0
#define BP_E820_ENTRIES     0x1e8
#define BP_SETUP_SECTS      0x1f1
#define BP_SYSSIZE          0x1f4
#define BP_BOOT_FLAG        0x1fe
#define BP_JUMP             0x200
#define BP_HEADER           0x202
#define BP_VERSION          0x206
#define BP_TYPE_OF_LOADER   0x210
#define BP_LOADFLAGS        0x211
#define BP_CODE32_START     0x214
#define BP_RAMDISK_IMAGE    0x218
#define BP_RAMDISK_SIZE     0x21c
#define BP_CMD_LINE_PTR     0x228
#define BP_INITRD_ADDR_MAX  0x22c
#define BP_CMDLINE_SIZE     0x238
#define BP_HARDWARE_SUBARCH 0x23c
#define BP_PREF_ADDRESS     0x258
#define BP_INIT_SIZE        0x260
#define BP_E820_TABLE       0x2d0
#define HDRS_MAGIC          0x53726448u /* "HdrS" */
#define LOADED_HIGH         0x01

#define E820_RAM      1
#define E820_RESERVED 2

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}
static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static void add_e820(uint8_t *bp, uint64_t addr, uint64_t size, uint32_t type)
{
    uint8_t n = bp[BP_E820_ENTRIES];
    uint8_t *e = bp + BP_E820_TABLE + 20 * n;
    put64(e, addr);
    put64(e + 8, size);
    put32(e + 16, type);
    bp[BP_E820_ENTRIES] = (uint8_t)(n + 1);
}

/* A flat GDT and the CPU state the 32-bit entry point expects (boot.rst: CS must be
 * __BOOT_CS, DS/ES/SS __BOOT_DS, interrupts off, ESI = boot_params, EBP/EDI/EBX 0). */
static void enter_32bit(struct machine *m, uint32_t entry)
{
    static const uint64_t gdt[4] = {0, 0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull};
    phys_copy_to(&m->phys, GDT_ADDR, gdt, sizeof gdt);
    struct cpu *cpu = m->cpu;
    cpu->gdtr.base = GDT_ADDR;
    cpu->gdtr.limit = sizeof gdt - 1;
    cpu_set_flat32(cpu, 0x10);
    cpu_set_eflags(cpu, 0);
    memset(cpu->reg, 0, sizeof cpu->reg);
    cpu->reg[REG_ESI] = BOOT_PARAMS_ADDR;
    cpu->eip = entry;
}

static bool fail(const char *path, const char *why)
{
    fprintf(stderr, "bt86: '%s': %s\n", path, why);
    return false;
}

bool linux_boot_load(struct machine *m)
{
    const struct machine_config *c = &m->config;
    size_t len;
    uint8_t *k = file_load(c->kernel, MAX_IMAGE, &len);
    if (!k)
        return false;
    bool ok = false;
    uint8_t *initrd = NULL;
    uint8_t bp[4096] = {0};

    if (len < 0x1000 || get32(k + BP_HEADER) != HDRS_MAGIC || get16(k + BP_BOOT_FLAG) != 0xaa55) {
        fail(c->kernel, "not a Linux bzImage (no boot-protocol header)");
        goto out;
    }
    uint16_t version = get16(k + BP_VERSION);
    if (version < 0x206) {
        fprintf(stderr, "bt86: '%s': boot protocol %u.%02u is too old; bt86 needs 2.06 or later\n",
                c->kernel, version >> 8, version & 0xff);
        goto out;
    }
    if (!(k[BP_LOADFLAGS] & LOADED_HIGH)) {
        fail(c->kernel, "a zImage (loaded low) is not supported; use a bzImage");
        goto out;
    }
    unsigned setup_sects = k[BP_SETUP_SECTS] ? k[BP_SETUP_SECTS] : 4;
    size_t setup_len = (setup_sects + 1) * 512u;
    if (setup_len >= len) {
        fail(c->kernel, "truncated bzImage (setup code runs past the end of the file)");
        goto out;
    }
    size_t kernel_len = len - setup_len;
    /* syssize (boot protocol 2.04+) is the protected-mode code's size in 16-byte
     * paragraphs: a shorter file was cut off. */
    if ((uint64_t)get32(k + BP_SYSSIZE) * 16 > kernel_len) {
        fail(c->kernel, "truncated bzImage (shorter than its header says)");
        goto out;
    }
    uint32_t pref = get32(k + BP_PREF_ADDRESS), init_size = get32(k + BP_INIT_SIZE);
    uint64_t kernel_end = KERNEL_ADDR + kernel_len;
    if (pref + (uint64_t)init_size > kernel_end)
        kernel_end = pref + (uint64_t)init_size;
    if (kernel_end > m->phys.ram_size) {
        fprintf(stderr, "bt86: '%s' needs %llu MiB of RAM to decompress; give more with -m\n",
                c->kernel, (unsigned long long)(kernel_end >> 20) + 1);
        goto out;
    }

    /* The setup header goes into boot_params as is (boot.rst: "copy the header"). */
    size_t header_end = BP_JUMP + 2 + k[BP_JUMP + 1];
    if (header_end > 0x300 || header_end > len) {
        fail(c->kernel, "malformed setup header");
        goto out;
    }
    memcpy(bp + BP_SETUP_SECTS, k + BP_SETUP_SECTS, header_end - BP_SETUP_SECTS);
    bp[BP_TYPE_OF_LOADER] = 0xff;       /* a loader without an assigned ID */
    put32(bp + BP_HARDWARE_SUBARCH, 0); /* the default x86 PC */

    const char *cmdline = c->append ? c->append : "";
    uint32_t cmdline_max = get32(k + BP_CMDLINE_SIZE);
    if (strlen(cmdline) > cmdline_max) {
        fprintf(stderr, "bt86: -append: the command line is longer than the kernel's %u bytes\n",
                cmdline_max);
        goto out;
    }
    phys_copy_to(&m->phys, CMDLINE_ADDR, cmdline, strlen(cmdline) + 1);
    put32(bp + BP_CMD_LINE_PTR, CMDLINE_ADDR);

    if (c->initrd) {
        size_t initrd_len;
        initrd = file_load(c->initrd, MAX_IMAGE, &initrd_len);
        if (!initrd)
            goto out;
        uint64_t top = m->phys.ram_size;
        uint64_t max = (uint64_t)get32(k + BP_INITRD_ADDR_MAX) + 1;
        if (top > max)
            top = max;
        uint64_t start = (top - initrd_len) & ~(uint64_t)0xfff;
        if (initrd_len > top || start < kernel_end) {
            fprintf(stderr, "bt86: '%s' does not fit in RAM beside the kernel; give more with -m\n",
                    c->initrd);
            goto out;
        }
        phys_copy_to(&m->phys, start, initrd, initrd_len);
        put32(bp + BP_RAMDISK_IMAGE, (uint32_t)start);
        put32(bp + BP_RAMDISK_SIZE, (uint32_t)initrd_len);
    }

    /* Memory map: conventional memory, the EBDA/VGA/BIOS hole, then the rest. */
    uint64_t ram = m->phys.ram_size;
    add_e820(bp, 0, 0x9fc00, E820_RAM);
    add_e820(bp, 0x9fc00, 0x400, E820_RESERVED);
    add_e820(bp, 0xf0000, 0x10000, E820_RESERVED);
    add_e820(bp, 0x100000, ram - 0x100000, E820_RAM);
    uint32_t ext_k = (uint32_t)((ram - 0x100000) >> 10);
    put32(bp + BP_ALT_MEM_K, ext_k);
    bp[BP_EXT_MEM_K] = (uint8_t)(ext_k > 0xffff ? 0xff : ext_k);
    bp[BP_EXT_MEM_K + 1] = (uint8_t)(ext_k > 0xffff ? 0xff : ext_k >> 8);

    phys_copy_to(&m->phys, BOOT_PARAMS_ADDR, bp, sizeof bp);
    phys_copy_to(&m->phys, KERNEL_ADDR, k + setup_len, kernel_len);
    enter_32bit(m, get32(k + BP_CODE32_START) ? get32(k + BP_CODE32_START) : KERNEL_ADDR);
    ok = true;
out:
    free(k);
    free(initrd);
    return ok;
}

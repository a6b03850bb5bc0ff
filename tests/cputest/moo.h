/* Reader for the MOO test-vector format (SingleStepTests, format version 1):
 * a "MOO " header, then chunks `tag[4] u32 length body`, little-endian. Each TEST
 * chunk holds one instruction's initial and final CPU state (see
 * ../shared/cpu-tests/README.md). The parser checks every length against the bytes
 * it has, so a truncated or corrupt file yields an error message, never a crash. */
#ifndef BT86_CPUTEST_MOO_H
#define BT86_CPUTEST_MOO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register order of a REGS chunk's bitmask (bit n = MOO_REG n). */
enum moo_reg {
    MOO_AX,
    MOO_BX,
    MOO_CX,
    MOO_DX,
    MOO_CS,
    MOO_SS,
    MOO_DS,
    MOO_ES,
    MOO_SP,
    MOO_BP,
    MOO_SI,
    MOO_DI,
    MOO_IP,
    MOO_FLAGS,
    MOO_REG_COUNT
};
#define MOO_ALL_REGS ((1u << MOO_REG_COUNT) - 1)

extern const char *const moo_reg_names[MOO_REG_COUNT];

struct moo_ram {
    uint32_t addr;
    uint8_t value;
};

struct moo_state {
    uint16_t reg_mask; /* which regs[] are present */
    uint16_t regs[MOO_REG_COUNT];
    uint32_t ram_first; /* index into moo_file.ram */
    uint32_t ram_count;
};

struct moo_test {
    uint32_t index;
    const char *name; /* not NUL-terminated: print with %.*s and name_len */
    uint32_t name_len;
    const uint8_t *bytes; /* instruction bytes, including the terminating HLT */
    uint32_t byte_count;
    struct moo_state initial, final;
    bool has_exception;
    uint8_t exception;       /* interrupt number the 286 took */
    uint32_t exc_flags_addr; /* physical address of the FLAGS image it pushed */
    bool has_hash;
    uint8_t hash[20]; /* SHA-1 of the original TEST chunk (the revocation key) */
};

struct moo_file {
    uint8_t *data; /* the whole (decompressed) file; names and bytes point into it */
    size_t size;
    uint8_t version;
    char cpu[5]; /* CPU name from the header, NUL-terminated */
    struct moo_test *tests;
    uint32_t test_count;
    struct moo_ram *ram; /* RAM entries of all tests */
    uint32_t ram_count;
};

/* Parses data (size bytes, a MOO image; ownership passes to out, which frees it
 * with free() in moo_free, also on failure). Returns 0, or -1 with a one-line
 * reason in err. */
int moo_parse(uint8_t *data, size_t size, struct moo_file *out, char *err, size_t errlen);

/* Reads and parses path; a gzip file (by its magic bytes) is decompressed by
 * running `gzip -dc` (bt86 takes no zlib dependency). Returns 0, or -1 with a
 * one-line reason in err (without the file name). */
int moo_load(const char *path, struct moo_file *out, char *err, size_t errlen);

void moo_free(struct moo_file *f);

#endif

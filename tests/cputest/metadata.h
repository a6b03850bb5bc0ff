/* metadata.json of a SingleStepTests set: per opcode (key "80", or "80.3" for the
 * ModRM.reg form of a group opcode) a status ("normal", "alias", "undefined",
 * "fpu", ...) and, for instructions that leave flags undefined, a flags-mask with
 * the defined FLAGS bits set. Only that part of the file is read, by a small
 * purpose-built scanner (no JSON library). */
#ifndef BT86_CPUTEST_METADATA_H
#define BT86_CPUTEST_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct meta_entry {
    char key[16];    /* "80", "80.3", "0F01.7" */
    char status[24]; /* "" when the file gives none */
    bool has_mask;
    uint16_t flags_mask; /* FLAGS bits to compare (1 = defined) */
    bool has_reg;        /* the opcode has per-ModRM.reg entries ("80.0" ...) */
};

struct metadata {
    struct meta_entry *entries;
    size_t count, cap;
};

/* Scans text (len bytes of metadata.json). Returns 0, or -1 with a one-line
 * reason (with the line number) in err. */
int metadata_parse(struct metadata *m, const char *text, size_t len, char *err, size_t errlen);
int metadata_load(struct metadata *m, const char *path, char *err, size_t errlen);
void metadata_free(struct metadata *m);

/* The entry for key ("8F.3"), or NULL. */
const struct meta_entry *metadata_find(const struct metadata *m, const char *key);

#endif

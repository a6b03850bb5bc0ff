/* The one list of places where a P6 legitimately differs from the 80286 that
 * generated the vectors, each with its reason (docs/ARCHITECTURE.md, "CPU test
 * vectors"). An entry either skips the matching tests or narrows the comparison
 * (FLAGS bits, exception vector) just enough to cover the difference. */
#ifndef BT86_CPUTEST_EXCLUSIONS_H
#define BT86_CPUTEST_EXCLUSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct moo_test;

/* The instruction under test, decoded just enough to match entries. */
struct insn_view {
    uint8_t opcode;  /* first opcode byte after the prefixes */
    uint8_t opcode2; /* second byte when opcode is 0F */
    int modrm;       /* the byte after the opcode, -1 when there is none */
    bool lock;       /* an F0 prefix is present */
    unsigned length; /* instruction length in bytes (without the trailing HLT) */
    int exception;   /* interrupt the 286 took, -1 for none */
};

/* Fills v from a test's bytes; false when the bytes hold no opcode after the
 * prefixes. */
bool insn_view_from_test(struct insn_view *v, const struct moo_test *t);

enum excl_when {
    WHEN_ALWAYS,
    WHEN_LOCK_NOT_LOCKABLE, /* F0 prefix on a form a P6 refuses to lock */
    WHEN_TOO_LONG,          /* longer than the 286's 10-byte limit */
    WHEN_EXCEPTION_13,      /* the 286 took interrupt 13 */
};

enum excl_action {
    EXCL_SKIP,          /* the test is not run (counted as skipped) */
    EXCL_INITIAL_FLAGS, /* clear `flags` bits in the initial FLAGS before loading them */
    EXCL_IGNORE_FLAGS,  /* do not compare `flags` bits of the final FLAGS */
    EXCL_SS_FAULT_13,   /* let a #SS (vector 12) stand for the 286's interrupt 13 */
};

struct exclusion {
    const char *id;  /* short name printed with skipped tests */
    int opcode;      /* first opcode byte, -1 for any */
    uint8_t reg_set; /* ModRM.reg values that match (bit n = /n), 0 for any */
    enum excl_when when;
    enum excl_action action;
    uint16_t flags; /* FLAGS bits for the two flag actions */
    const char *reason;
};

/* What applies to one test. */
struct excl_result {
    const struct exclusion *skip; /* non-NULL: skip the test, this is why */
    uint16_t initial_flags_clear;
    uint16_t final_flags_ignore;
    bool ss_fault_13;
};

void exclusions_match(const struct insn_view *v, struct excl_result *r);

/* The list itself, for --list-exclusions and the documentation. */
const struct exclusion *exclusions_list(size_t *count);

#endif

/* The wire format between the hostdiff driver (64-bit, links bt86) and the native
 * helper bt86-native32 (32-bit, links nothing of bt86), and what both sides must
 * compute identically: the data window's initial contents and the summary of what
 * an instruction changed in it. Fixed-size records of 32-bit fields only, so the
 * layout is the same under -m32 and -m64. */
#ifndef BT86_HOSTDIFF_PROTO_H
#define BT86_HOSTDIFF_PROTO_H

#include <stdint.h>
#include <string.h>

/* Fixed addresses, the same in the native process and in bt86's guest (flat
 * segments, so linear = physical there). 0x00200000-0x00320000 lies below where a
 * 32-bit Linux process maps anything (non-PIE programs start at 0x08048000, PIE
 * ones and mmap far higher); the helper maps them with MAP_FIXED_NOREPLACE and
 * fails loudly if the range is taken. */
#define HD_WINDOW      0x00200000u /* data window: memory operands, stacks, strings */
#define HD_WINDOW_SIZE 0x4000u
#define HD_CODE        0x00300000u /* the instruction under test */
#define HD_CTL         0x00310000u /* native only: trampoline control block */

/* FS in both: a data segment over the window, for 16-bit addressing (67h). */
#define HD_FS_SEL   0x0007u /* LDT entry 0, RPL 3 */
#define HD_FS_LIMIT (HD_WINDOW_SIZE - 1)

/* The helper's first output word: HD_HELLO with capability bits. */
#define HD_HELLO  0x48440100u
#define HD_CAP_FS 0x1u

#define HD_CODE_MAX  15
#define HD_POKES     8
#define HD_CHANGES   24
#define HD_NO_VECTOR 0xffffffffu
#define HD_HUNG      0xfffffffeu /* bt86 did not reach the HLT (driver only) */

/* How the window is filled before the pokes: random bytes, or low-entropy
 * contents so that string compares find equal runs. */
enum hd_fill_kind { HD_FILL_RANDOM, HD_FILL_BITS, HD_FILL_ZERO };

struct hd_poke {
    uint32_t off; /* window offset of a dword written after the seeded fill */
    uint32_t val;
};

struct hd_case {
    uint32_t regs[8]; /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t eflags;  /* arithmetic flags and DF only (plus the fixed bit 1) */
    uint32_t seed;    /* window fill */
    uint8_t code[16];
    uint8_t code_len;
    uint8_t poke_count;
    uint8_t flush;     /* the helper flushes its output after this case */
    uint8_t fill_kind; /* enum hd_fill_kind */
    struct hd_poke pokes[HD_POKES];
};

struct hd_change {
    uint32_t off; /* dword-aligned window offset */
    uint32_t val; /* its new value */
};

struct hd_result {
    uint32_t regs[8];
    uint32_t eflags;
    uint32_t vector; /* exception vector, or HD_NO_VECTOR */
    uint32_t eip;    /* faulting EIP, or the EIP after the instruction */
    uint32_t change_count;
    uint32_t hash; /* FNV-1a of the whole window after the instruction */
    uint32_t pad;
    struct hd_change changes[HD_CHANGES]; /* the first changed dwords */
};

_Static_assert(sizeof(struct hd_case) == 124, "hd_case layout");
_Static_assert(sizeof(struct hd_result) == 56 + 8 * HD_CHANGES, "hd_result layout");

/* The window before the instruction: a seeded xorshift fill, then the pokes. */
static inline void hd_fill(uint8_t *w, const struct hd_case *c)
{
    uint32_t x = c->seed | 1;
    for (uint32_t k = 0; k < HD_WINDOW_SIZE; k += 4) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        uint32_t v = c->fill_kind == HD_FILL_RANDOM ? x
                     : c->fill_kind == HD_FILL_BITS ? x & 0x01010101u
                                                    : 0;
        memcpy(w + k, &v, 4);
    }
    for (int p = 0; p < c->poke_count; p++)
        if (c->pokes[p].off <= HD_WINDOW_SIZE - 4)
            memcpy(w + c->pokes[p].off, &c->pokes[p].val, 4);
}

/* Compares the window after the instruction with its initial contents. */
static inline void hd_summarise(const uint8_t *before, const uint8_t *after, struct hd_result *r)
{
    uint32_t h = 2166136261u;
    r->change_count = 0;
    for (uint32_t k = 0; k < HD_WINDOW_SIZE; k += 4) {
        uint32_t a, b;
        memcpy(&a, before + k, 4);
        memcpy(&b, after + k, 4);
        h = (h ^ b) * 16777619u;
        if (a != b) {
            if (r->change_count < HD_CHANGES)
                r->changes[r->change_count] = (struct hd_change){k, b};
            r->change_count++;
        }
    }
    for (uint32_t n = r->change_count; n < HD_CHANGES; n++)
        r->changes[n] = (struct hd_change){0, 0};
    r->hash = h;
}

#endif

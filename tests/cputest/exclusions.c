/* 80286 (the vectors) versus P6 (bt86): the documented differences. Keep each
 * entry as narrow as the difference it covers; docs/ARCHITECTURE.md repeats the
 * reasons. */
#include "exclusions.h"
#include "moo.h"

#define REGS(...) (uint8_t)(__VA_ARGS__)
#define R(n)      (1u << (n))

static const struct exclusion list[] = {
    {"flags-12-15", -1, 0, WHEN_ALWAYS, EXCL_INITIAL_FLAGS, 0xf000,
     "The initial FLAGS are the random image given to the 286's LOADALL; in real mode a 286 "
     "cannot hold bits 12-15 (IOPL, NT, bit 15), so they were never set (UPSTREAM-README, "
     "FAQ). They are cleared before loading, which also makes PUSHF and interrupt frames "
     "comparable."},
    {"popf-iopl-nt", 0x9d, 0, WHEN_ALWAYS, EXCL_IGNORE_FLAGS, 0x7000,
     "POPF in real mode: a 286 keeps FLAGS bits 12-15 at 0, a P6 at CPL 0 loads IOPL and NT "
     "from the popped image (Intel SDM Vol. 2, POPF). Bits 12-14 are not compared."},
    {"iret-iopl-nt", 0xcf, 0, WHEN_ALWAYS, EXCL_IGNORE_FLAGS, 0x7000,
     "IRET in real mode: as POPF, a P6 loads IOPL and NT from the popped FLAGS image, a 286 "
     "keeps them 0 (Intel SDM Vol. 2, IRET, real-address mode). Bits 12-14 are not compared."},
    {"mov-fs-gs", 0x8c, REGS(R(4) | R(5)), WHEN_ALWAYS, EXCL_SKIP, 0,
     "MOV r/m16, Sreg with Sreg 4 or 5: no such segment register on a 286 (interrupt 6), FS "
     "and GS on a P6 (Intel SDM Vol. 2, MOV)."},
    {"mov-fs-gs", 0x8e, REGS(R(4) | R(5)), WHEN_ALWAYS, EXCL_SKIP, 0,
     "MOV Sreg, r/m16 with Sreg 4 or 5: interrupt 6 on a 286, loads FS or GS on a P6."},
    {"lock-ud", -1, 0, WHEN_LOCK_NOT_LOCKABLE, EXCL_SKIP, 0,
     "LOCK prefix on an instruction that is not a lockable read-modify-write of memory: the "
     "286 ignores it, a P6 raises #UD (Intel SDM Vol. 2, LOCK)."},
    {"longer-than-10", -1, 0, WHEN_TOO_LONG, EXCL_SKIP, 0,
     "Instruction longer than 10 bytes (redundant segment prefixes): the 286 raised interrupt "
     "13, a P6 allows 15 bytes and executes it (Intel SDM Vol. 2, 2.3.11)."},
    {"pop-m16-fault-sp", 0x8f, 0, WHEN_EXCEPTION_13, EXCL_SKIP, 0,
     "POP m16 whose store faults (offset FFFFh): the 286 has already incremented SP when it "
     "takes interrupt 13, so its frame sits 2 bytes higher; a P6 fault is restartable and "
     "leaves SP as it was before the instruction (Intel SDM Vol. 3, 6.5: faults report the "
     "state before the faulting instruction)."},
    {"ss-fault-vector", -1, 0, WHEN_EXCEPTION_13, EXCL_SS_FAULT_13, 0,
     "Segment overrun (a word at offset FFFFh, a stack wrap): the 286 takes interrupt 13 for "
     "every segment, a P6 raises #SS (vector 12) when the segment is SS (Intel SDM Vol. 2, "
     "\"Real-Address Mode Exceptions\" of each instruction). The runner points IVT entry 12 at "
     "entry 13's "
     "handler for these tests, so either vector lands in the same place; the 4 patched IVT "
     "bytes are compared only if the test's final state lists them."},
};

const struct exclusion *exclusions_list(size_t *count)
{
    *count = sizeof list / sizeof list[0];
    return list;
}

static bool is_prefix(uint8_t b)
{
    return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0xf0 || b == 0xf2 || b == 0xf3;
}

/* Opcodes (one-byte map) followed by a ModRM byte. */
static bool has_modrm(uint8_t op)
{
    if (op < 0x40)
        return (op & 0x04) == 0; /* ALU r/m forms xx0-xx3 */
    switch (op) {
    case 0x62:
    case 0x63:
    case 0x69:
    case 0x6b: return true;
    case 0xc0:
    case 0xc1:
    case 0xc4:
    case 0xc5:
    case 0xc6:
    case 0xc7: return true;
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: return true;
    case 0xf6:
    case 0xf7:
    case 0xfe:
    case 0xff: return true;
    default: break;
    }
    return (op >= 0x80 && op <= 0x8f) || (op >= 0xd8 && op <= 0xdf);
}

bool insn_view_from_test(struct insn_view *v, const struct moo_test *t)
{
    *v = (struct insn_view){.modrm = -1, .exception = t->has_exception ? t->exception : -1};
    /* BYTS always ends with the HLT that terminates the test (UPSTREAM-README,
     * Test Methodology). */
    uint32_t n = t->byte_count ? t->byte_count - 1 : 0;
    uint32_t k = 0;
    while (k < n && is_prefix(t->bytes[k])) {
        v->lock |= t->bytes[k] == 0xf0;
        k++;
    }
    if (k >= n)
        return false;
    v->opcode = t->bytes[k++];
    if (v->opcode == 0x0f && k < n)
        v->opcode2 = t->bytes[k++];
    if (v->opcode != 0x0f && has_modrm(v->opcode) && k < n)
        v->modrm = t->bytes[k];
    v->length = n;
    return true;
}

/* Intel SDM Vol. 2, LOCK: only these forms with a memory destination may be
 * locked (in the one-byte map of a 16-bit CPU). */
static bool p6_lockable(const struct insn_view *v)
{
    if (v->modrm < 0 || (v->modrm >> 6) == 3)
        return false;
    uint8_t op = v->opcode;
    int reg = (v->modrm >> 3) & 7;
    if (op < 0x38 && (op & 0x07) <= 1)
        return true; /* ADD..XOR r/m, reg (not CMP) */
    if (op >= 0x80 && op <= 0x83)
        return reg != 7; /* group 1 except CMP */
    if (op == 0x86 || op == 0x87)
        return true; /* XCHG */
    if (op == 0xf6 || op == 0xf7)
        return reg == 2 || reg == 3; /* NOT, NEG */
    if (op == 0xfe || op == 0xff)
        return reg <= 1; /* INC, DEC */
    return false;
}

static bool when_holds(const struct exclusion *e, const struct insn_view *v)
{
    switch (e->when) {
    case WHEN_ALWAYS: return true;
    case WHEN_LOCK_NOT_LOCKABLE: return v->lock && !p6_lockable(v);
    case WHEN_TOO_LONG: return v->length > 10 && v->exception == 13;
    case WHEN_EXCEPTION_13: return v->exception == 13;
    }
    return false;
}

void exclusions_match(const struct insn_view *v, struct excl_result *r)
{
    *r = (struct excl_result){0};
    for (size_t k = 0; k < sizeof list / sizeof list[0]; k++) {
        const struct exclusion *e = &list[k];
        if (e->opcode >= 0 && e->opcode != v->opcode)
            continue;
        if (e->reg_set && (v->modrm < 0 || !(e->reg_set & (1u << ((v->modrm >> 3) & 7)))))
            continue;
        if (!when_holds(e, v))
            continue;
        switch (e->action) {
        case EXCL_SKIP:
            if (!r->skip)
                r->skip = e;
            break;
        case EXCL_INITIAL_FLAGS: r->initial_flags_clear |= e->flags; break;
        case EXCL_IGNORE_FLAGS: r->final_flags_ignore |= e->flags; break;
        case EXCL_SS_FAULT_13: r->ss_fault_13 = true; break;
        }
    }
}

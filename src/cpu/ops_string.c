/* String instructions: MOVS CMPS SCAS LODS STOS INS OUTS (Intel SDM Vol. 2, each
 * instruction's page, and REP/REPE/REPZ/REPNE/REPNZ).
 *
 * Operands are implicit: the source is seg:SI/ESI (DS unless overridden), the
 * destination ES:DI/EDI (never overridden), the count CX/ECX. The address size
 * picks the 16- or 32-bit registers; with 16-bit addressing SI/DI wrap at 64 KiB and
 * their upper halves are left alone. EFLAGS.DF picks the direction.
 *
 * REP runs. Each iteration commits its registers before the next starts, so a fault
 * in the middle leaves ESI/EDI/ECX describing the work that is left, with EIP at the
 * instruction: restarting it finishes the job (SDM Vol. 2, REP: "a repeating string
 * operation can be suspended by an exception or interrupt ... the state of the
 * registers is preserved to allow the string operation to be resumed").
 * A long run is cut into pieces so the execution loop can take interrupts and end
 * the run on time: see rep_run for how the budget and virtual time are kept. */
#include "cpu/flags.h"
#include "cpu/io.h"
#include "cpu/ops.h"

/* insn.cc for a string instruction with a repeat prefix. */
enum rep_kind {
    REP_PLAIN = 1, /* F3 (or F2 on an instruction without a condition) */
    REP_E,         /* F3 on CMPS/SCAS: repeat while equal */
    REP_NE,        /* F2 on CMPS/SCAS: repeat while not equal */
};

static inline uint32_t addr_mask(const struct insn *i)
{
    return (i->flags & INSN_ADDR32) ? 0xffffffffu : 0xffffu;
}

/* SI/ESI or DI/EDI as an offset at the instruction's address size. */
static inline uint32_t str_off(const struct cpu *cpu, const struct insn *i, int r)
{
    return cpu->reg[r] & addr_mask(i);
}

/* Moves SI/ESI or DI/EDI by n elements in the direction DF says; with 16-bit
 * addressing only the low half changes (and wraps). */
static inline void str_advance(struct cpu *cpu, const struct insn *i, int r, uint32_t n)
{
    uint32_t bytes = n * i->osize;
    uint32_t delta = (cpu->eflags & FLAG_DF) ? 0u - bytes : bytes;
    uint32_t mask = addr_mask(i);
    cpu->reg[r] = (cpu->reg[r] & ~mask) | ((cpu->reg[r] + delta) & mask);
}

/* --- one iteration of each instruction; returns ZF for CMPS/SCAS, else true --- */

static inline bool movs_once(struct cpu *cpu, const struct insn *i)
{
    uint32_t v = mem_read(cpu, i->seg, str_off(cpu, i, REG_ESI), i->osize);
    mem_write(cpu, SEG_ES, str_off(cpu, i, REG_EDI), v, i->osize);
    str_advance(cpu, i, REG_ESI, 1);
    str_advance(cpu, i, REG_EDI, 1);
    return true;
}

/* CMPS and SCAS set the flags of "first - second" as CMP does. */
static inline bool compare(struct cpu *cpu, int size, uint32_t a, uint32_t b)
{
    uint32_t res = (a - b) & size_mask(size);
    flags_lazy(cpu, LAZY_SUB, size, a, b, res);
    return res == 0;
}

/* CMPS compares the source (seg:ESI) with the destination (ES:EDI): SDM Vol. 2,
 * CMPS: "temp <- SRC1 - SRC2" where SRC1 is the DS:ESI operand. */
static inline bool cmps_once(struct cpu *cpu, const struct insn *i)
{
    uint32_t a = mem_read(cpu, i->seg, str_off(cpu, i, REG_ESI), i->osize);
    uint32_t b = mem_read(cpu, SEG_ES, str_off(cpu, i, REG_EDI), i->osize);
    bool zf = compare(cpu, i->osize, a, b);
    str_advance(cpu, i, REG_ESI, 1);
    str_advance(cpu, i, REG_EDI, 1);
    return zf;
}

static inline bool scas_once(struct cpu *cpu, const struct insn *i)
{
    uint32_t b = mem_read(cpu, SEG_ES, str_off(cpu, i, REG_EDI), i->osize);
    bool zf = compare(cpu, i->osize, reg_read(cpu, REG_EAX, i->osize), b);
    str_advance(cpu, i, REG_EDI, 1);
    return zf;
}

static inline bool lods_once(struct cpu *cpu, const struct insn *i)
{
    uint32_t v = mem_read(cpu, i->seg, str_off(cpu, i, REG_ESI), i->osize);
    reg_write(cpu, REG_EAX, v, i->osize);
    str_advance(cpu, i, REG_ESI, 1);
    return true;
}

static inline bool stos_once(struct cpu *cpu, const struct insn *i)
{
    mem_write(cpu, SEG_ES, str_off(cpu, i, REG_EDI), reg_read(cpu, REG_EAX, i->osize), i->osize);
    str_advance(cpu, i, REG_EDI, 1);
    return true;
}

/* INS: the destination is checked before the port is read, so a page fault on the
 * buffer does not consume a byte from the device (the restarted instruction
 * reads it again). */
static inline bool ins_once(struct cpu *cpu, const struct insn *i)
{
    uint16_t port = (uint16_t)cpu->reg[REG_EDX];
    uint32_t di = str_off(cpu, i, REG_EDI);
    io_permission_check(cpu, port, i->osize);
    mem_probe_write(cpu, SEG_ES, di, i->osize);
    uint32_t v = io_in(cpu, port, i->osize);
    mem_write(cpu, SEG_ES, di, v, i->osize);
    str_advance(cpu, i, REG_EDI, 1);
    return true;
}

static inline bool outs_once(struct cpu *cpu, const struct insn *i)
{
    uint16_t port = (uint16_t)cpu->reg[REG_EDX];
    io_permission_check(cpu, port, i->osize);
    uint32_t v = mem_read(cpu, i->seg, str_off(cpu, i, REG_ESI), i->osize);
    io_out(cpu, port, v, i->osize);
    str_advance(cpu, i, REG_ESI, 1);
    return true;
}

/* --- bulk fast path for REP MOVS/STOS --- */

enum bulk_kind { BULK_NONE, BULK_STOS, BULK_MOVS };

/* How many elements, at most max, can be done in one go from seg:off upward
 * without leaving the page, the segment's valid range or the 16-bit offset space,
 * or NULL when the range is not plain RAM behind the TLB fast path for this access
 * (MMIO, ROM, not-yet-dirty pages and pages holding translated code all have slow
 * tags, so writes to code still go through the slow path and invalidate blocks).
 * Returns the host address of the first byte. */
static uint8_t *bulk_range(struct cpu *cpu, const struct insn *i, int seg, uint32_t off, bool write,
                           uint32_t *max)
{
    const struct segment *s = &cpu->seg[seg];
    uint32_t size = i->osize;
    if (off < s->valid_lo || off > s->valid_hi || !(write ? s->writable : s->readable))
        return NULL;
    uint32_t linear = s->base + off;
    uint32_t room = PAGE_SIZE - (linear & (PAGE_SIZE - 1));
    uint64_t seg_room = (uint64_t)s->valid_hi - off + 1;
    uint64_t addr_room = (uint64_t)addr_mask(i) - off + 1;
    if (seg_room < room)
        room = (uint32_t)seg_room;
    if (addr_room < room)
        room = (uint32_t)addr_room;
    uint32_t n = room / size;
    if (n < *max)
        *max = n;
    if (*max == 0)
        return NULL;
    const struct tlb_entry *e = &cpu->tlb_kind[(linear >> 12) & (TLB_ENTRIES - 1)];
    if ((write ? e->write_tag : e->read_tag) != (linear & PAGE_MASK))
        return NULL;
    return (uint8_t *)(e->addend + linear);
}

/* Does up to max iterations of REP STOS or REP MOVS directly on host memory when
 * DF = 0 and everything stays on one page; returns how many it did (0: take the
 * element-by-element path, which also raises whatever fault is due). Every check
 * that an iteration would make is made for the whole range first, so the result is
 * exactly that of the iterations it replaces. */
static uint32_t bulk(struct cpu *cpu, const struct insn *i, enum bulk_kind kind, uint32_t max)
{
    if (cpu->eflags & FLAG_DF)
        return 0;
    uint32_t n = max;
    uint8_t *dst = bulk_range(cpu, i, SEG_ES, str_off(cpu, i, REG_EDI), true, &n);
    if (!dst)
        return 0;
    uint32_t size = i->osize;
    if (kind == BULK_STOS) {
        uint32_t v = reg_read(cpu, REG_EAX, (int)size);
        /* Constant-size stores so the compiler emits plain moves (little-endian
         * host, as load_host/store_host assume). */
        if (size == 1 || v == (v & 0xff) * (size == 2 ? 0x0101u : 0x01010101u)) {
            memset(dst, (int)(v & 0xff), n * size); /* bytes, or a repeated byte (zeroing) */
        } else if (size == 2) {
            uint16_t w = (uint16_t)v;
            for (uint32_t k = 0; k < n; k++)
                memcpy(dst + 2 * k, &w, 2);
        } else {
            for (uint32_t k = 0; k < n; k++)
                memcpy(dst + 4 * k, &v, 4);
        }
    } else {
        const uint8_t *src = bulk_range(cpu, i, i->seg, str_off(cpu, i, REG_ESI), false, &n);
        if (!src)
            return 0;
        uint32_t len = n * size;
        if (dst > src && dst < src + len) {
            /* Forward overlap: element order matters (the copy repeats a pattern). */
            for (uint32_t k = 0; k < len; k += size) {
                /* Element by element through a temporary: when the ranges overlap
                 * by less than an element, a byte-wise memcpy would differ. */
                uint32_t tmp;
                memcpy(&tmp, src + k, size);
                memcpy(dst + k, &tmp, size);
            }
        } else {
            memmove(dst, src, len);
        }
        str_advance(cpu, i, REG_ESI, n);
    }
    str_advance(cpu, i, REG_EDI, n);
    return n;
}

/* --- REP --- */

typedef bool (*str_once_fn)(struct cpu *cpu, const struct insn *i);

/* The repeat loop (SDM Vol. 2, REP: "WHILE CountReg != 0: service pending
 * interrupts; execute; CountReg--; IF CountReg = 0 exit; IF REPE and ZF = 0 or
 * REPNE and ZF = 1 exit").
 *
 * Budget and virtual time: every iteration counts as one retired instruction. The
 * block has already charged this instruction once to cpu->budget and will add it
 * once to cpu->icount when it ends; so each finished iteration adds one to icount
 * and takes one from budget here, and on leaving the handler one of each is given
 * back. A fault in iteration k+1 leaves the k finished ones counted (the exception
 * path counts the faulting instruction zero times). The loop runs while the budget
 * that remains after the block (cpu->budget, already net of this instruction) is
 * not overdrawn: at most cpu->budget + 1 iterations and always at least one. When
 * it stops early, EIP stays at the instruction so the execution loop checks
 * interrupts and the run's end, then re-executes it to continue. A device called
 * by INS/OUTS that requests an exit zeroes the budget and so stops the loop too. */
static inline void rep_run(struct cpu *cpu, const struct insn *i, str_once_fn once,
                           enum bulk_kind bulk_kind)
{
    uint32_t mask = addr_mask(i);
    uint32_t count = cpu->reg[REG_ECX] & mask;
    bool finished = true;
    if (count != 0) {
        for (;;) {
            bool zf = true;
            uint32_t done = 0;
            if (bulk_kind != BULK_NONE && count > 1) {
                uint32_t max = cpu->budget > 0 ? (uint32_t)cpu->budget + 1 : 1;
                done = bulk(cpu, i, bulk_kind, count < max ? count : max);
            }
            if (done == 0) {
                zf = once(cpu, i);
                done = 1;
            }
            count -= done;
            cpu->reg[REG_ECX] = (cpu->reg[REG_ECX] & ~mask) | count;
            cpu->icount += done;
            cpu->budget -= (int32_t)done;
            if (count == 0 || (i->cc == REP_E && !zf) || (i->cc == REP_NE && zf))
                break;
            /* A data or I/O breakpoint hit in this iteration: the #DB trap comes
             * after it, with EIP at the instruction and the registers describing
             * what is left (SDM Vol. 3, 17.3.1.2: repeated INS/OUTS trap after the
             * iteration that hit; a P6 reports REP MOVS/STOS one iteration late,
             * which bt86 does not imitate). */
            if (cpu->budget < 0 || (cpu->db_pending & 0xfu)) {
                finished = false;
                break;
            }
        }
        cpu->icount--;
        cpu->budget++;
    }
    if (finished) {
        uint32_t next = insn_next_eip(cpu, i);
        cpu->eip = (cpu->seg[SEG_CS].attr & SEG_ATTR_DB) ? next : next & 0xffff;
    } else {
        cpu->eip = insn_eip(cpu, i);
    }
}

/* --- handlers --- */

static void movs(struct cpu *cpu, const struct insn *i)
{
    movs_once(cpu, i);
}
static void cmps(struct cpu *cpu, const struct insn *i)
{
    cmps_once(cpu, i);
}
static void scas(struct cpu *cpu, const struct insn *i)
{
    scas_once(cpu, i);
}
static void lods(struct cpu *cpu, const struct insn *i)
{
    lods_once(cpu, i);
}
static void stos(struct cpu *cpu, const struct insn *i)
{
    stos_once(cpu, i);
}
static void ins(struct cpu *cpu, const struct insn *i)
{
    ins_once(cpu, i);
}
static void outs(struct cpu *cpu, const struct insn *i)
{
    outs_once(cpu, i);
}

static void rep_movs(struct cpu *cpu, const struct insn *i)
{
    rep_run(cpu, i, movs_once, BULK_MOVS);
}
static void rep_cmps(struct cpu *cpu, const struct insn *i)
{
    rep_run(cpu, i, cmps_once, BULK_NONE);
}
static void rep_scas(struct cpu *cpu, const struct insn *i)
{
    rep_run(cpu, i, scas_once, BULK_NONE);
}
static void rep_lods(struct cpu *cpu, const struct insn *i)
{
    rep_run(cpu, i, lods_once, BULK_NONE);
}
static void rep_stos(struct cpu *cpu, const struct insn *i)
{
    rep_run(cpu, i, stos_once, BULK_STOS);
}
static void rep_ins(struct cpu *cpu, const struct insn *i)
{
    rep_run(cpu, i, ins_once, BULK_NONE);
}
static void rep_outs(struct cpu *cpu, const struct insn *i)
{
    rep_run(cpu, i, outs_once, BULK_NONE);
}

/* --- selection --- */

enum str_op { OP_MOVS, OP_CMPS, OP_SCAS, OP_LODS, OP_STOS, OP_INS, OP_OUTS };

static const insn_fn single_fn[] = {movs, cmps, scas, lods, stos, ins, outs};
static const insn_fn rep_fn[] = {rep_movs, rep_cmps, rep_scas, rep_lods,
                                 rep_stos, rep_ins,  rep_outs};

static const struct {
    ZydisMnemonic mnemonic;
    uint8_t op;
    uint8_t size;
} forms[] = {
    {ZYDIS_MNEMONIC_MOVSB, OP_MOVS, 1}, {ZYDIS_MNEMONIC_MOVSW, OP_MOVS, 2},
    {ZYDIS_MNEMONIC_MOVSD, OP_MOVS, 4}, {ZYDIS_MNEMONIC_CMPSB, OP_CMPS, 1},
    {ZYDIS_MNEMONIC_CMPSW, OP_CMPS, 2}, {ZYDIS_MNEMONIC_CMPSD, OP_CMPS, 4},
    {ZYDIS_MNEMONIC_SCASB, OP_SCAS, 1}, {ZYDIS_MNEMONIC_SCASW, OP_SCAS, 2},
    {ZYDIS_MNEMONIC_SCASD, OP_SCAS, 4}, {ZYDIS_MNEMONIC_LODSB, OP_LODS, 1},
    {ZYDIS_MNEMONIC_LODSW, OP_LODS, 2}, {ZYDIS_MNEMONIC_LODSD, OP_LODS, 4},
    {ZYDIS_MNEMONIC_STOSB, OP_STOS, 1}, {ZYDIS_MNEMONIC_STOSW, OP_STOS, 2},
    {ZYDIS_MNEMONIC_STOSD, OP_STOS, 4}, {ZYDIS_MNEMONIC_INSB, OP_INS, 1},
    {ZYDIS_MNEMONIC_INSW, OP_INS, 2},   {ZYDIS_MNEMONIC_INSD, OP_INS, 4},
    {ZYDIS_MNEMONIC_OUTSB, OP_OUTS, 1}, {ZYDIS_MNEMONIC_OUTSW, OP_OUTS, 2},
    {ZYDIS_MNEMONIC_OUTSD, OP_OUTS, 4},
};

static bool is_si(ZydisRegister r)
{
    return r == ZYDIS_REGISTER_SI || r == ZYDIS_REGISTER_ESI;
}

static bool select_string(struct insn *i, struct decoded *d)
{
    /* MOVSD and CMPSD are also SSE2 mnemonics (F2 0F 10, F2 0F C2): those are
     * not ours (the SSE family has to claim them through this entry). */
    if (d->z.opcode_map != ZYDIS_OPCODE_MAP_DEFAULT)
        return false;
    size_t k = 0;
    while (k < sizeof forms / sizeof forms[0] && forms[k].mnemonic != d->z.mnemonic)
        k++;
    if (k == sizeof forms / sizeof forms[0])
        return false;
    enum str_op op = (enum str_op)forms[k].op;
    i->osize = forms[k].size;

    /* The source segment is the one on the seg:SI operand. The common code skips
     * ES-segment operands to find an override, which would lose an explicit ES
     * override on the source ("es lodsb"), so it is looked up here. */
    i->seg = SEG_DS;
    for (int n = 0; n < d->z.operand_count; n++) {
        const ZydisDecodedOperand *o = &d->ops[n];
        if (o->type == ZYDIS_OPERAND_TYPE_MEMORY && is_si(o->mem.base)) {
            int s = decode_sreg(o->mem.segment);
            if (s >= 0)
                i->seg = (uint8_t)s;
        }
    }

    /* INS/OUTS touch devices like IN/OUT do, so they end the block as IN/OUT do
     * (DESIGN.md, Blocks: a device access may change interrupt state). */
    if (op == OP_INS || op == OP_OUTS)
        d->ends_block = true;
    if (!(i->flags & (INSN_REP | INSN_REPNE))) {
        i->fn = single_fn[op];
        return true;
    }
    /* F2 on an instruction other than CMPS/SCAS repeats like F3, as on P6 and later
     * (the SDM leaves it undefined). */
    if (op == OP_CMPS || op == OP_SCAS)
        i->cc = (i->flags & INSN_REPNE) ? REP_NE : REP_E;
    else
        i->cc = REP_PLAIN;
    i->fn = rep_fn[op];
    /* A REP instruction may stop before it is done and re-execute itself, so it
     * ends its block and sets EIP on every path. */
    i->flags |= INSN_SETS_EIP;
    d->ends_block = true;
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_MOVSB, select_string}, {ZYDIS_MNEMONIC_MOVSW, select_string},
    {ZYDIS_MNEMONIC_MOVSD, select_string}, {ZYDIS_MNEMONIC_CMPSB, select_string},
    {ZYDIS_MNEMONIC_CMPSW, select_string}, {ZYDIS_MNEMONIC_CMPSD, select_string},
    {ZYDIS_MNEMONIC_SCASB, select_string}, {ZYDIS_MNEMONIC_SCASW, select_string},
    {ZYDIS_MNEMONIC_SCASD, select_string}, {ZYDIS_MNEMONIC_LODSB, select_string},
    {ZYDIS_MNEMONIC_LODSW, select_string}, {ZYDIS_MNEMONIC_LODSD, select_string},
    {ZYDIS_MNEMONIC_STOSB, select_string}, {ZYDIS_MNEMONIC_STOSW, select_string},
    {ZYDIS_MNEMONIC_STOSD, select_string}, {ZYDIS_MNEMONIC_INSB, select_string},
    {ZYDIS_MNEMONIC_INSW, select_string},  {ZYDIS_MNEMONIC_INSD, select_string},
    {ZYDIS_MNEMONIC_OUTSB, select_string}, {ZYDIS_MNEMONIC_OUTSW, select_string},
    {ZYDIS_MNEMONIC_OUTSD, select_string},
};

SELECT_TABLE(ops_string_table, entries);

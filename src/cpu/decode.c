#include "cpu/decode.h"
#include "cpu/block.h"
#include "cpu/block_cache.h"
#include "cpu/ops.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_MAX_INSNS  128
#define X86_MAX_INSN_LEN 15

/* The instruction families; each ops_*.c file contributes one table. */
static const struct select_table *const families[] = {
    &ops_mov_table,   &ops_alu_table,    &ops_branch_table, &ops_stack_table, &ops_misc_table,
    &ops_shift_table, &ops_muldiv_table, &ops_bit_table,    &ops_bcd_table,   &ops_string_table,
    &ops_io_table,    &ops_system_table, &ops_cond_table,   &ops_xchg_table,  &ops_fpu_table,
};

struct decoder {
    ZydisDecoder real16, legacy16, legacy32;
    insn_select_fn select[ZYDIS_MNEMONIC_MAX_VALUE + 1];
};

struct decoder *decoder_create(void)
{
    struct decoder *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    ZydisDecoderInit(&d->real16, ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_STACK_WIDTH_16);
    ZydisDecoderInit(&d->legacy16, ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16);
    ZydisDecoderInit(&d->legacy32, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
    /* Decode as a P6 does: without MPX, CET, LZCNT/TZCNT, WBNOINVD or CLDEMOTE, the
     * bytes mean what they meant before those extensions (F3 0F BC is BSF with an
     * ignored REP, 3E before an indirect branch is a DS override, not NOTRACK). */
    static const ZydisDecoderMode later_extensions[] = {
        ZYDIS_DECODER_MODE_MPX,   ZYDIS_DECODER_MODE_CET,      ZYDIS_DECODER_MODE_LZCNT,
        ZYDIS_DECODER_MODE_TZCNT, ZYDIS_DECODER_MODE_WBNOINVD, ZYDIS_DECODER_MODE_CLDEMOTE,
    };
    for (size_t k = 0; k < sizeof later_extensions / sizeof later_extensions[0]; k++) {
        ZydisDecoderEnableMode(&d->real16, later_extensions[k], ZYAN_FALSE);
        ZydisDecoderEnableMode(&d->legacy16, later_extensions[k], ZYAN_FALSE);
        ZydisDecoderEnableMode(&d->legacy32, later_extensions[k], ZYAN_FALSE);
    }
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
        for (size_t e = 0; e < families[f]->count; e++)
            d->select[families[f]->entries[e].mnemonic] = families[f]->entries[e].select;
    return d;
}

void decoder_destroy(struct decoder *d)
{
    free(d);
}

int decode_gpr(ZydisRegister r)
{
    switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_GPR8:
    case ZYDIS_REGCLASS_GPR16:
    case ZYDIS_REGCLASS_GPR32: return ZydisRegisterGetId(r) & 7;
    default: return -1;
    }
}

int decode_sreg(ZydisRegister r)
{
    switch (r) {
    case ZYDIS_REGISTER_ES: return SEG_ES;
    case ZYDIS_REGISTER_CS: return SEG_CS;
    case ZYDIS_REGISTER_SS: return SEG_SS;
    case ZYDIS_REGISTER_DS: return SEG_DS;
    case ZYDIS_REGISTER_FS: return SEG_FS;
    case ZYDIS_REGISTER_GS: return SEG_GS;
    default: return -1;
    }
}

static int scale_shift(int scale)
{
    switch (scale) {
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    default: return 0;
    }
}

void decode_mem_operand(struct insn *i, const ZydisDecodedOperand *op)
{
    int base = op->mem.base == ZYDIS_REGISTER_NONE ? REG_ZERO : decode_gpr(op->mem.base);
    int index = op->mem.index == ZYDIS_REGISTER_NONE ? REG_ZERO : decode_gpr(op->mem.index);
    i->base = (uint8_t)(base < 0 ? REG_ZERO : base);
    i->index = (uint8_t)(index < 0 ? REG_ZERO : index);
    i->scale = (uint8_t)scale_shift(op->mem.scale);
    i->disp = op->mem.disp.has_displacement ? (uint32_t)op->mem.disp.value : 0;
    int seg = decode_sreg(op->mem.segment);
    i->seg = (uint8_t)(seg < 0 ? SEG_DS : seg);
    i->flags |= INSN_MEM;
}

bool decode_rm_operand(struct insn *i, const ZydisDecodedOperand *op)
{
    if (op->type == ZYDIS_OPERAND_TYPE_MEMORY) {
        decode_mem_operand(i, op);
        return true;
    }
    if (op->type == ZYDIS_OPERAND_TYPE_REGISTER) {
        int r = decode_gpr(op->reg.value);
        if (r < 0)
            return false;
        i->rm = (uint8_t)r;
        return true;
    }
    return false;
}

uint32_t decode_imm(const ZydisDecodedOperand *op)
{
    return (uint32_t)op->imm.value.u;
}

void op_ud(struct cpu *cpu, const struct insn *i)
{
    cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
}

static void op_gp0(struct cpu *cpu, const struct insn *i)
{
    cpu_raise(cpu, EXC_GP, 0);
}

/* Copies guest code bytes from a physical page into buf. */
static void fetch_bytes(struct cpu *cpu, uint64_t paddr, uint8_t *buf, uint32_t len)
{
    const uint8_t *host = phys_page_ptr(cpu->phys, paddr, false);
    if (host) {
        memcpy(buf, host + (paddr & (PAGE_SIZE - 1)), len);
        return;
    }
    for (uint32_t k = 0; k < len; k++)
        buf[k] = (uint8_t)phys_read(cpu->phys, paddr + k, 1);
}

static ZydisDecoder *decoder_for(struct decoder *d, uint32_t mode)
{
    if (!(mode & MODE_PE) || (mode & MODE_VM))
        return &d->real16;
    return (mode & MODE_CODE32) ? &d->legacy32 : &d->legacy16;
}

/* Fills the fields every instruction shares, then lets the family choose. */
static void select_insn(struct decoder *dec, struct insn *i, struct decoded *d)
{
    i->osize = (uint8_t)(d->z.operand_width / 8);
    if (i->osize != 1 && i->osize != 2 && i->osize != 4)
        i->osize = (d->mode & MODE_CODE32) ? 4 : 2;
    i->base = i->index = REG_ZERO;
    i->seg = SEG_DS;
    if (d->z.address_width == 32)
        i->flags |= INSN_ADDR32;
    if (d->mode & MODE_STACK32)
        i->flags |= INSN_STACK32;
    /* The last F2/F3 prefix is the one that counts (Intel SDM Vol. 2, 2.1.1). */
    for (int p = 0; p < d->z.raw.prefix_count; p++) {
        uint8_t v = d->z.raw.prefixes[p].value;
        if (v == 0xf3)
            i->flags = (uint8_t)((i->flags & ~INSN_REPNE) | INSN_REP);
        else if (v == 0xf2)
            i->flags = (uint8_t)((i->flags & ~INSN_REP) | INSN_REPNE);
    }
    if (d->z.attributes & ZYDIS_ATTRIB_HAS_LOCK)
        i->flags |= INSN_LOCK;
    /* Segment override for instructions without an explicit memory operand
     * (string sources, XLAT) come from the memory operands Zydis lists. */
    for (int k = 0; k < d->z.operand_count; k++)
        if (d->ops[k].type == ZYDIS_OPERAND_TYPE_MEMORY &&
            d->ops[k].mem.segment != ZYDIS_REGISTER_ES) {
            int s = decode_sreg(d->ops[k].mem.segment);
            if (s >= 0)
                i->seg = (uint8_t)s;
            break;
        }
    insn_select_fn select = dec->select[d->z.mnemonic];
    if (!select || !select(i, d)) {
        i->fn = op_ud;
        d->ends_block = true;
    }
}

struct block *decode_block(struct cpu *cpu, uint64_t phys, uint32_t mode)
{
    struct decoder *dec = cpu->decoder;
    ZydisDecoder *zd = decoder_for(dec, mode);
    const struct segment *cs = &cpu->seg[SEG_CS];
    uint32_t eip = cpu->eip;
    uint32_t linear = cs->base + eip;
    uint32_t page_left = PAGE_SIZE - (linear & (PAGE_SIZE - 1));
    uint8_t bytes[PAGE_SIZE + X86_MAX_INSN_LEN];
    fetch_bytes(cpu, phys, bytes, page_left);

    struct insn insns[BLOCK_MAX_INSNS];
    struct decoded d;
    uint32_t off = 0;
    int n = 0;
    uint64_t page2 = NO_SECOND_PAGE;
    uint32_t len2 = 0;
    bool ends = false, sets_eip = false, direct = true;

    while (n < BLOCK_MAX_INSNS && off < page_left && !ends) {
        memset(&d, 0, sizeof d);
        d.mode = mode;
        uint32_t avail = page_left - off;
        ZyanStatus st = ZydisDecoderDecodeFull(zd, bytes + off, avail, &d.z, d.ops);
        if (st == ZYDIS_STATUS_NO_MORE_DATA && avail < X86_MAX_INSN_LEN) {
            /* The instruction runs into the next page: it becomes a block of its own,
             * decoded with both pages fetched (and both translations checked). */
            if (n > 0)
                break;
            page2 = mmu_translate_exec(cpu, linear + page_left);
            len2 = X86_MAX_INSN_LEN - avail;
            fetch_bytes(cpu, page2, bytes + page_left, len2);
            st = ZydisDecoderDecodeFull(zd, bytes, page_left + len2, &d.z, d.ops);
            if (ZYAN_SUCCESS(st))
                len2 = d.z.length - avail;
        }
        struct insn *i = &insns[n];
        memset(i, 0, sizeof *i);
        i->eip_off = (uint16_t)off;
        if (!ZYAN_SUCCESS(st)) {
            i->len = 1;
            i->fn = op_ud;
            ends = true;
            direct = false;
        } else {
            i->len = d.z.length;
            uint32_t insn_eip = eip + off;
            /* An instruction past the CS limit faults when it is reached (and in
             * 16-bit code, IP cannot wrap inside an instruction: that is past the
             * 64 KiB limit too). */
            if ((uint64_t)insn_eip + i->len - 1 > cs->limit ||
                (!(mode & MODE_CODE32) && insn_eip + i->len > 0x10000)) {
                i->fn = op_gp0;
                ends = true;
                direct = false;
            } else {
                select_insn(dec, i, &d);
                ends = d.ends_block;
                direct = !ends || d.direct_exit;
                sets_eip = (i->flags & INSN_SETS_EIP) != 0;
            }
        }
        off += i->len;
        n++;
        if (page2 != NO_SECOND_PAGE || (mode & MODE_SINGLE))
            break;
    }

    struct block *b = calloc(1, sizeof *b + (size_t)n * sizeof(struct insn));
    if (!b)
        return NULL;
    b->phys = phys;
    b->phys_page2 = page2;
    b->cs_base = cs->base;
    b->eip = eip;
    b->mode = mode;
    b->byte_len = (uint16_t)(off < page_left ? off : page_left);
    b->byte_len2 = (uint16_t)(page2 != NO_SECOND_PAGE ? len2 : 0);
    b->insn_count = (uint16_t)n;
    b->run_count = (uint16_t)n;
    if (n >= 2 && fuse_pair(&insns[n - 2], &insns[n - 1]))
        b->run_count--;
    if (sets_eip)
        b->flags |= BLOCK_SETS_EIP;
    if (direct)
        b->flags |= BLOCK_DIRECT_EXITS;
    memcpy(b->insns, insns, (size_t)n * sizeof(struct insn));
    return b;
}

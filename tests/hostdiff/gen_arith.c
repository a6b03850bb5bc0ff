/* Generators for the arithmetic forms: ALU, INC/DEC/NEG/NOT, shifts and rotates,
 * SHLD/SHRD, multiply and divide, bit tests and scans, BCD, CMOVcc and SETcc. */
#include "gen_forms.h"

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

/* ALU op n (ADD OR ADC SBB AND SUB XOR CMP) in every encoding. */
static void alu(struct gen *g, int n)
{
    struct rng *r = g->rng;
    int size = pick_size(g, true);
    int w = size > 1;
    uint32_t v = below(r, 7);
    bool lock = v == 6 && n != 7;
    if (lock)
        emit(g, 0xf0); /* LOCK on a memory destination is valid */
    emit_osize(g, size);
    switch (v) {
    case 0:
        emit(g, (uint8_t)(n * 8 + w));
        emit_rm(g, (int)below(r, 8), size, 50);
        break;
    case 1:
        emit(g, (uint8_t)(n * 8 + 2 + w));
        emit_rm(g, (int)below(r, 8), size, 50);
        break;
    case 2:
        emit(g, (uint8_t)(n * 8 + 4 + w));
        emit_imm(g, edge(r, size), size);
        break;
    case 3:
        emit(g, (uint8_t)(0x80 + w));
        emit_rm(g, n, size, 50);
        emit_imm(g, edge(r, size), size);
        break;
    case 4:
    case 5:
        /* 83 /n ib (sign-extended) and its byte twin 82 /n ib (an alias of 80 that
         * 32-bit code still decodes). */
        emit(g, size == 1 ? 0x82 : 0x83);
        emit_rm(g, n, size, 50);
        emit(g, (uint8_t)edge(r, 1));
        break;
    default:
        emit(g, (uint8_t)(n * 8 + w));
        emit_rm(g, (int)below(r, 8), size, 100);
        break;
    }
}

#define ALU_GEN(name, n)                                                                           \
    void gen_##name(struct gen *g)                                                                 \
    {                                                                                              \
        alu(g, n);                                                                                 \
    }
ALU_GEN(add, 0)
ALU_GEN(or, 1)
ALU_GEN(adc, 2)
ALU_GEN(sbb, 3)
ALU_GEN(and, 4)
ALU_GEN(sub, 5)
ALU_GEN(xor, 6)
ALU_GEN(cmp, 7)

void gen_test(struct gen *g)
{
    struct rng *r = g->rng;
    int size = pick_size(g, true);
    int w = size > 1;
    emit_osize(g, size);
    switch (below(r, 4)) {
    case 0:
        emit(g, (uint8_t)(0x84 + w));
        emit_rm(g, (int)below(r, 8), size, 50);
        break;
    case 1:
        emit(g, (uint8_t)(0xa8 + w));
        emit_imm(g, edge(r, size), size);
        break;
    default:
        /* F6/F7 /0, and /1 which every x86 decodes as TEST too (10%). */
        emit(g, (uint8_t)(0xf6 + w));
        emit_rm(g, chance(r, 10) ? 1 : 0, size, 50);
        emit_imm(g, edge(r, size), size);
        break;
    }
}

static void incdec(struct gen *g, int dec)
{
    int size = pick_size(g, true);
    emit_osize(g, size);
    if (size > 1 && chance(g->rng, 30)) {
        emit(g, (uint8_t)(0x40 + 8 * dec + below(g->rng, 8)));
        return;
    }
    emit(g, size == 1 ? 0xfe : 0xff);
    emit_rm(g, dec, size, 50);
}

void gen_inc(struct gen *g)
{
    incdec(g, 0);
}

void gen_dec(struct gen *g)
{
    incdec(g, 1);
}

static void group3(struct gen *g, int n)
{
    int size = pick_size(g, true);
    emit_osize(g, size);
    emit(g, size == 1 ? 0xf6 : 0xf7);
    emit_rm(g, n, size, 50);
}

void gen_not(struct gen *g)
{
    group3(g, 2);
}

void gen_neg(struct gen *g)
{
    group3(g, 3);
}

/* Shift/rotate group 2 op n (ROL ROR RCL RCR SHL SHR - SAR) by 1, CL and imm8. */
static void shift(struct gen *g, int n)
{
    struct rng *r = g->rng;
    int size = pick_size(g, true);
    int w = size > 1;
    uint32_t v = below(r, 3);
    uint32_t count = edge_count(r, size);
    if (v == 1)
        set_reg(g, ECX, (rnd(r) & ~0xffu) | count);
    emit_osize(g, size);
    emit(g, (uint8_t)((v == 0 ? 0xd0 : v == 1 ? 0xd2 : 0xc0) + w));
    emit_rm(g, n, size, 40);
    if (v == 2)
        emit(g, (uint8_t)count);
    mask_shift(g, n, size, v == 0 ? 1 : count);
}

#define SHIFT_GEN(name, n)                                                                         \
    void gen_##name(struct gen *g)                                                                 \
    {                                                                                              \
        shift(g, n);                                                                               \
    }
SHIFT_GEN(rol, 0)
SHIFT_GEN(ror, 1)
SHIFT_GEN(rcl, 2)
SHIFT_GEN(rcr, 3)
SHIFT_GEN(shl, 4)
SHIFT_GEN(shr, 5)
SHIFT_GEN(sar, 7)

static void double_shift(struct gen *g, uint8_t op)
{
    struct rng *r = g->rng;
    int size = pick_wide(g);
    bool cl = chance(r, 50);
    uint32_t count = edge_count(r, size);
    if (cl)
        set_reg(g, ECX, (rnd(r) & ~0xffu) | count);
    emit_osize(g, size);
    emit(g, 0x0f);
    emit(g, (uint8_t)(op + cl));
    struct operand dst = emit_rm(g, (int)below(r, 8), size, 40);
    if (!cl)
        emit(g, (uint8_t)count);
    mask_double_shift(g, size, count, &dst);
}

void gen_shld(struct gen *g)
{
    double_shift(g, 0xa4);
}

void gen_shrd(struct gen *g)
{
    double_shift(g, 0xac);
}

/* F6/F7 /4../7: MUL IMUL DIV IDIV with a register or memory operand. For the
 * divides the dividend is usually chosen so that the quotient fits, and otherwise
 * left to fault (#DE) as it may. */
static void muldiv(struct gen *g, int n)
{
    struct rng *r = g->rng;
    int size = pick_size(g, true);
    set_reg(g, EAX, g->gc->c.regs[EAX]);
    set_reg(g, EDX, g->gc->c.regs[EDX]);
    emit_osize(g, size);
    emit(g, size == 1 ? 0xf6 : 0xf7);
    struct operand op = emit_rm(g, n, size, 40);
    mask_muldiv(g, n, size);
    if (n < 6)
        return;
    bool in_dividend = op.reg == EAX || op.reg == EDX || (size == 1 && op.reg == 4);
    if (in_dividend || !chance(r, 70))
        return;
    uint32_t m = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    uint32_t d = op.val & m;
    uint32_t hi;
    if (n == 6) {
        hi = d ? (uint32_t)(((uint64_t)rnd(r) * d) >> 32) : 0;
    } else {
        uint32_t lo = lane_get(g, EAX, size);
        hi = (lo & (1u << (8 * size - 1))) ? m : 0;
    }
    if (size == 1)
        lane_set(g, 4, 1, hi); /* AH */
    else
        lane_set(g, EDX, size, hi);
}

void gen_mul(struct gen *g)
{
    muldiv(g, 4);
}
void gen_imul(struct gen *g)
{
    muldiv(g, 5);
}
void gen_div(struct gen *g)
{
    muldiv(g, 6);
}
void gen_idiv(struct gen *g)
{
    muldiv(g, 7);
}

void gen_imul2(struct gen *g)
{
    int size = pick_wide(g);
    emit_osize(g, size);
    emit(g, 0x0f);
    emit(g, 0xaf);
    emit_rm(g, (int)below(g->rng, 8), size, 40);
    mask_imul(g);
}

void gen_imul3(struct gen *g)
{
    int size = pick_wide(g);
    bool byte = chance(g->rng, 50);
    emit_osize(g, size);
    emit(g, byte ? 0x6b : 0x69);
    emit_rm(g, (int)below(g->rng, 8), size, 40);
    emit_imm(g, edge(g->rng, byte ? 1 : size), byte ? 1 : size);
    mask_imul(g);
}

/* BT BTS BTR BTC (n = 4..7) with a register or an immediate bit offset. A register
 * offset on a memory operand reaches beyond it (signed, in operand-sized units), so
 * the operand sits mid-window and the offset stays within +-2 KiB. */
static void bittest(struct gen *g, int n)
{
    struct rng *r = g->rng;
    int size = pick_wide(g);
    bool imm = chance(r, 40);
    g->tlo = 0x1000;
    g->thi = 0x3000;
    emit_osize(g, size);
    emit(g, 0x0f);
    if (imm) {
        emit(g, 0xba);
        emit_rm(g, n, size, 50);
        emit(g, (uint8_t)edge_count(r, size));
    } else {
        static const uint8_t op[] = {0xa3, 0xab, 0xb3, 0xbb};
        int reg = (int)below(r, 8);
        while (reg == ESP)
            reg = (int)below(r, 8);
        emit(g, op[n - 4]);
        /* The offset register is chosen first so that it is never a base. */
        set_reg(g, reg, g->gc->c.regs[reg]);
        struct operand o = emit_rm(g, reg, size, 50);
        uint32_t near = (uint32_t)((int32_t)below(r, 0x8000) - 0x4000);
        lane_set(g, reg, size, o.reg < 0 || chance(r, 50) ? near : edge(r, size));
    }
    mask_bittest(g);
}

void gen_bt(struct gen *g)
{
    bittest(g, 4);
}
void gen_bts(struct gen *g)
{
    bittest(g, 5);
}
void gen_btr(struct gen *g)
{
    bittest(g, 6);
}
void gen_btc(struct gen *g)
{
    bittest(g, 7);
}

static void bitscan(struct gen *g, uint8_t op)
{
    int size = pick_wide(g);
    emit_osize(g, size);
    emit(g, 0x0f);
    emit(g, op);
    struct operand o = emit_rm(g, (int)below(g->rng, 8), size, 40);
    if (chance(g->rng, 25))
        operand_set(g, &o, size, 0);
    mask_bitscan(g);
}

void gen_bsf(struct gen *g)
{
    bitscan(g, 0xbc);
}
void gen_bsr(struct gen *g)
{
    bitscan(g, 0xbd);
}

/* AL/AH for the BCD instructions: valid packed/unpacked digits or anything. */
static void bcd_inputs(struct gen *g)
{
    struct rng *r = g->rng;
    uint32_t al = chance(r, 50) ? (below(r, 10) << 4 | below(r, 10)) : edge(r, 1) & 0xff;
    if (chance(r, 20))
        al = 0x9a + below(r, 6);
    uint32_t ah = chance(r, 50) ? below(r, 10) : rnd(r) & 0xff;
    lane_set(g, EAX, 2, ah << 8 | al);
}

static void bcd(struct gen *g, uint8_t op)
{
    bcd_inputs(g);
    emit(g, op);
    mask_bcd(g, op);
}

void gen_daa(struct gen *g)
{
    bcd(g, 0x27);
}
void gen_das(struct gen *g)
{
    bcd(g, 0x2f);
}
void gen_aaa(struct gen *g)
{
    bcd(g, 0x37);
}
void gen_aas(struct gen *g)
{
    bcd(g, 0x3f);
}

/* AAM/AAD with base 10 mostly, else any imm8 (0 makes AAM raise #DE). */
static void bcd_imm(struct gen *g, uint8_t op)
{
    bcd_inputs(g);
    emit(g, op);
    uint32_t base = chance(g->rng, 50) ? 10 : edge(g->rng, 1) & 0xff;
    if (chance(g->rng, 5))
        base = 0;
    emit(g, (uint8_t)base);
    mask_bcd(g, op);
}

void gen_aam(struct gen *g)
{
    bcd_imm(g, 0xd4);
}
void gen_aad(struct gen *g)
{
    bcd_imm(g, 0xd5);
}

void gen_cmov(struct gen *g)
{
    int size = pick_wide(g);
    emit_osize(g, size);
    emit(g, 0x0f);
    emit(g, (uint8_t)(0x40 + below(g->rng, 16)));
    emit_rm(g, (int)below(g->rng, 8), size, 40);
}

void gen_setcc(struct gen *g)
{
    emit(g, 0x0f);
    emit(g, (uint8_t)(0x90 + below(g->rng, 16)));
    /* The ModRM reg field is ignored by SETcc. */
    emit_rm(g, chance(g->rng, 80) ? 0 : (int)below(g->rng, 8), 1, 40);
}

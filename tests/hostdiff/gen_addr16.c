/* 16-bit addressing (67h) in 32-bit code. The native window is above 64 KiB, so
 * these cases reach it through FS, which both sides set to a byte-granular data
 * segment over the window (HD_FS_SEL): 64 67 [66] opcode modrm16. Effective
 * addresses wrap at 64 KiB (Intel SDM Vol. 2, 2.1.5, table 2-1) and a few land past
 * the FS limit, which must give #GP(0) on both sides. */
#include "gen_forms.h"

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

/* The registers of each 16-bit r/m encoding: base (BX/BP) and index (SI/DI). */
static const int8_t rm_base[8] = {EBX, EBX, EBP, EBP, -1, -1, EBP, EBX};
static const int8_t rm_index[8] = {ESI, EDI, ESI, EDI, ESI, EDI, -1, -1};

static void set16(struct gen *g, int r, uint32_t v)
{
    /* The upper half stays random: 16-bit addressing must ignore it. */
    set_reg(g, r, (g->gc->c.regs[r] & 0xffff0000u) | (v & 0xffff));
}

/* Emits a 16-bit ModRM for window offset target (FS-relative) and returns it. */
static uint32_t emit_mem16(struct gen *g, int reg_field, uint32_t target)
{
    struct rng *r = g->rng;
    uint32_t mod = below(r, 3), rm = below(r, 8);
    uint32_t disp = 0;
    emit(g, (uint8_t)(mod << 6 | (uint32_t)(reg_field & 7) << 3 | rm));
    if (mod == 0 && rm == 6) {
        emit_imm(g, target, 2); /* [disp16] */
        return target;
    }
    if (mod == 1) {
        disp = (uint32_t)(int32_t)(int8_t)rnd(r);
        emit(g, (uint8_t)disp);
    } else if (mod == 2) {
        disp = rnd(r) & 0xffff;
        emit_imm(g, disp, 2);
    }
    int b = rm_base[rm], x = rm_index[rm];
    uint32_t rest = target - disp;
    if (b >= 0 && x >= 0) {
        uint32_t bv = chance(r, 50) ? rnd(r) : below(r, 0x100);
        set16(g, b, bv);
        rest -= bv;
    }
    set16(g, x >= 0 ? x : b, rest);
    return target;
}

static uint32_t pick_target(struct gen *g, int size)
{
    if (chance(g->rng, 4))
        return HD_FS_LIMIT - (uint32_t)size + 2 + below(g->rng, 0x100); /* #GP */
    return below(g->rng, HD_WINDOW_SIZE - 8);
}

/* A memory operand: FS + 67h prefixes must precede the opcode, so the form emits
 * its prefixes, opcode and then calls this. */
static void mem_operand(struct gen *g, int reg_field, int size)
{
    uint32_t t = emit_mem16(g, reg_field, pick_target(g, size));
    if (t <= HD_WINDOW_SIZE - 4)
        poke(g, t, edge(g->rng, size));
}

static void prefixes(struct gen *g, int size)
{
    emit(g, 0x64);
    emit(g, 0x67);
    emit_osize(g, size);
}

void gen_addr16(struct gen *g)
{
    struct rng *r = g->rng;
    int size = pick_size(g, true);
    int w = size > 1;
    switch (below(r, 12)) {
    case 0: /* ALU r/m, reg and reg, r/m */
        prefixes(g, size);
        emit(g, (uint8_t)(below(r, 8) * 8 + 2 * below(r, 2) + w));
        mem_operand(g, (int)below(r, 8), size);
        break;
    case 1: /* ALU r/m, imm */
        prefixes(g, size);
        emit(g, (uint8_t)(0x80 + w));
        mem_operand(g, (int)below(r, 8), size);
        emit_imm(g, edge(r, size), size);
        break;
    case 2: /* MOV both ways, and MOV r/m, imm */
        prefixes(g, size);
        if (chance(r, 70)) {
            emit(g, (uint8_t)(0x88 + 2 * below(r, 2) + w));
            mem_operand(g, (int)below(r, 8), size);
        } else {
            emit(g, (uint8_t)(0xc6 + w));
            mem_operand(g, 0, size);
            emit_imm(g, edge(r, size), size);
        }
        break;
    case 3: /* INC DEC */
        prefixes(g, size);
        emit(g, (uint8_t)(0xfe + w));
        mem_operand(g, (int)below(r, 2), size);
        break;
    case 4: /* NOT NEG MUL */
    {
        int op = 2 + (int)below(r, 3);
        prefixes(g, size);
        emit(g, (uint8_t)(0xf6 + w));
        mem_operand(g, op, size);
        if (op == 4)
            mask_muldiv(g, op, size);
        break;
    }
    case 5: /* shifts and rotates by 1 and imm8 */
    {
        bool imm = chance(r, 50);
        prefixes(g, size);
        emit(g, (uint8_t)((imm ? 0xc0 : 0xd0) + w));
        int op = (int)below(r, 8);
        if (op == 6)
            op = 4;
        mem_operand(g, op, size);
        uint32_t count = imm ? edge_count(r, size) : 1;
        if (imm)
            emit(g, (uint8_t)count);
        mask_shift(g, op, size, count);
        break;
    }
    case 6: /* XCHG */
        prefixes(g, size);
        emit(g, (uint8_t)(0x86 + w));
        mem_operand(g, (int)below(r, 8), size);
        break;
    case 7: /* MOVZX/MOVSX */
        size = pick_wide(g);
        prefixes(g, size);
        emit(g, 0x0f);
        {
            uint32_t word = below(r, 2);
            emit(g, (uint8_t)((chance(r, 50) ? 0xb6 : 0xbe) + word));
            mem_operand(g, (int)below(r, 8), word ? 2 : 1);
        }
        break;
    case 8: /* PUSH m, POP m (the stack itself stays 32-bit) */
        size = pick_wide(g);
        prefixes(g, size);
        if (chance(r, 50)) {
            emit(g, 0xff);
            mem_operand(g, 6, size);
        } else {
            poke(g, g->gc->c.regs[ESP] - HD_WINDOW, edge(r, 4));
            emit(g, 0x8f);
            mem_operand(g, 0, size);
        }
        break;
    case 9: /* BT* m, imm8 */
        size = pick_wide(g);
        prefixes(g, size);
        emit(g, 0x0f);
        emit(g, 0xba);
        mem_operand(g, 4 + (int)below(r, 4), size);
        emit(g, (uint8_t)rnd(r));
        break;
    case 10: /* LODS with SI and CX (16-bit address size) */
    {
        uint32_t si = chance(r, 10) ? below(r, 16) : below(r, HD_WINDOW_SIZE - 64) + 16;
        set16(g, ESI, si);
        if (chance(r, 50))
            g->gc->c.eflags |= 0x400u;
        bool rep = chance(r, 60);
        set16(g, ECX, chance(r, 10) ? 0 : below(r, 9));
        emit(g, 0x64);
        emit(g, 0x67);
        if (rep)
            emit(g, 0xf3);
        emit_osize(g, size);
        emit(g, (uint8_t)(0xac + w));
        break;
    }
    default: /* XLAT: FS:[BX + AL] */
        set16(g, EBX, below(r, HD_WINDOW_SIZE - 0x100));
        emit(g, 0x64);
        emit(g, 0x67);
        emit(g, 0xd7);
        break;
    }
}

/* Undefined results the comparison leaves out, per instruction form: only where the
 * SDM leaves a result undefined, bt86 follows what P6-and-later Intel CPUs do (the
 * choice is documented in the ops_*.c file), and the AMD host does something else.
 * docs/ARCHITECTURE.md, "Host-differential test", has the table. */
#include "gen_forms.h"

#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_OF 0x800u

/* SHL/SHR/SAR by a nonzero (masked) count: AF is undefined; Intel clears it, the
 * AMD host sets it. Rotates touch only CF and OF, on which both agree. */
void mask_shift(struct gen *g, int op, int size, uint32_t count)
{
    if (op >= 4 && (count & 31))
        ignore(g, F_AF, 0, "shift: AF (Intel 0, AMD 1)");
}

static void ignore_operand(struct gen *g, const struct operand *op)
{
    if (op->reg >= 0)
        g->gc->ignore_regs |= (uint8_t)(1u << op->reg);
    else
        g->gc->ignore_mem = 1;
}

/* SHLD/SHRD: AF as for the shifts. A 16-bit operand shifted by 17-31 has an
 * undefined result: Intel shifts dest:src:dest (48 bits), AMD repeats the source,
 * so the result and every flag derived from it differ. */
void mask_double_shift(struct gen *g, int size, uint32_t count, const struct operand *dst)
{
    uint32_t c = count & 31;
    if (!c)
        return;
    ignore(g, F_AF, 0, "SHLD/SHRD: AF (Intel 0, AMD 1)");
    /* OF is undefined above count 1; both agree except for r/m16 by exactly 16. */
    if (size == 2 && c == 16)
        ignore(g, F_OF, 0, "SHLD/SHRD r/m16 by 16: OF");
    if (size == 2 && c > 16) {
        ignore(
            g, F_CF | F_PF | F_ZF | F_SF | F_OF, 0,
            "SHLD/SHRD r/m16 by 17-31: result undefined (Intel dest:src:dest, AMD src repeated)");
        ignore_operand(g, dst);
    }
}

/* MUL/IMUL: SF, ZF, AF, PF undefined; Intel P6+ sets SF/ZF/PF from the low half and
 * clears AF, the AMD host computes them differently. DIV/IDIV: all six undefined;
 * bt86 leaves them unchanged (as Bochs/QEMU model Intel), the host changes them. */
void mask_muldiv(struct gen *g, int op, int size)
{
    if (op < 6)
        ignore(g, F_SF | F_ZF | F_AF | F_PF, 0, "MUL/IMUL: SF ZF AF PF");
    else
        ignore(g, F_SF | F_ZF | F_AF | F_PF, 0, "DIV/IDIV: SF ZF AF PF");
}

void mask_imul(struct gen *g)
{
    ignore(g, F_SF | F_ZF | F_AF | F_PF, 0, "IMUL: SF ZF AF PF");
}

/* BT* and BSF/BSR: bt86 keeps the undefined flags, which the host does too. */
void mask_bittest(struct gen *g) {}
void mask_bitscan(struct gen *g) {}

/* DAA/DAS: OF undefined (bt86 0). AAA/AAS: OF, SF, ZF, PF undefined (bt86 from
 * the final AL, OF 0). AAM/AAD agree with the host. */
void mask_bcd(struct gen *g, uint8_t op)
{
    if (op == 0x27 || op == 0x2f)
        ignore(g, F_OF, 0, "DAA/DAS: OF");
    else if (op == 0x37 || op == 0x3f)
        ignore(g, F_OF | F_SF | F_ZF | F_PF, 0, "AAA/AAS: OF SF ZF PF");
}

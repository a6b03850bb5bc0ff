/* Port I/O: IN and OUT with an imm8 or DX port, 8/16/32-bit (Intel SDM Vol. 2, IN,
 * OUT), through the I/O permission check and the board's port bus (cpu/io.h). */
#include "cpu/io.h"
#include "cpu/ops.h"

/* insn.cc: where the port number comes from. */
enum port_src { PORT_IMM, PORT_DX };

static uint16_t port_of(const struct cpu *cpu, const struct insn *i)
{
    return i->cc == PORT_DX ? (uint16_t)cpu->reg[REG_EDX] : (uint16_t)i->imm;
}

static void in(struct cpu *cpu, const struct insn *i)
{
    uint16_t port = port_of(cpu, i);
    io_permission_check(cpu, port, i->osize);
    reg_write(cpu, REG_EAX, io_in(cpu, port, i->osize), i->osize);
}

static void out(struct cpu *cpu, const struct insn *i)
{
    uint16_t port = port_of(cpu, i);
    io_permission_check(cpu, port, i->osize);
    io_out(cpu, port, reg_read(cpu, REG_EAX, i->osize), i->osize);
}

/* IN AL/AX/EAX, imm8|DX and OUT imm8|DX, AL/AX/EAX: the accumulator's width is the
 * operand size, the other operand the port. */
static bool select_in_out(struct insn *i, struct decoded *d)
{
    bool have_acc = false, have_port = false;
    for (int n = 0; n < d->z.operand_count_visible; n++) {
        const ZydisDecodedOperand *o = &d->ops[n];
        if (o->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
            i->imm = decode_imm(o) & 0xff;
            i->cc = PORT_IMM;
            have_port = true;
        } else if (o->type == ZYDIS_OPERAND_TYPE_REGISTER && o->reg.value == ZYDIS_REGISTER_DX) {
            i->cc = PORT_DX;
            have_port = true;
        } else if (o->type == ZYDIS_OPERAND_TYPE_REGISTER) {
            switch (o->reg.value) {
            case ZYDIS_REGISTER_AL: i->osize = 1; break;
            case ZYDIS_REGISTER_AX: i->osize = 2; break;
            case ZYDIS_REGISTER_EAX: i->osize = 4; break;
            default: return false;
            }
            have_acc = true;
        }
    }
    if (!have_acc || !have_port)
        return false;
    i->fn = d->z.mnemonic == ZYDIS_MNEMONIC_IN ? in : out;
    /* A device access may raise or clear an interrupt request or ask the run to
     * end: the block ends here so the loop looks at that (DESIGN.md, Blocks). */
    d->ends_block = true;
    return true;
}

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_IN, select_in_out},
    {ZYDIS_MNEMONIC_OUT, select_in_out},
};

SELECT_TABLE(ops_io_table, entries);

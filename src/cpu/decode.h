/* Decoding guest code into blocks of struct insn with Zydis.
 *
 * Zydis decodes an instruction; the decoder looks its mnemonic up in a table that
 * the instruction-family files (ops_*.c) provide, and the family's select function
 * chooses the handler and fills the operand fields. Adding an instruction family
 * is one table in its file and one line in decode.c's list of tables. */
#ifndef BT86_CPU_DECODE_H
#define BT86_CPU_DECODE_H

#include "cpu/insn.h"

#include <Zydis/Zydis.h>
#include <stddef.h>

/* Block key mode bits: everything besides the bytes that changes how they decode or
 * execute. */
#define MODE_PE        0x01u
#define MODE_VM        0x02u
#define MODE_CODE32    0x04u
#define MODE_STACK32   0x08u
#define MODE_PG        0x10u
#define MODE_SINGLE    0x20u /* one instruction per block: TF or debug breakpoints */
#define MODE_CPL_SHIFT 8

/* One instruction as Zydis decoded it, plus what its select function reports back. */
struct decoded {
    ZydisDecodedInstruction z;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    uint32_t mode;
    bool ends_block;  /* set by select: control transfer or state change */
    bool direct_exit; /* set by select: ends in a direct jump (target in imm) or not at all */
};

/* Fills i (fn and operands) for the instruction; false means #UD. */
typedef bool (*insn_select_fn)(struct insn *i, struct decoded *d);

struct select_entry {
    ZydisMnemonic mnemonic;
    insn_select_fn select;
};

struct select_table {
    const struct select_entry *entries;
    size_t count;
};

#define SELECT_TABLE(name, array)                                                                  \
    const struct select_table name = {array, sizeof array / sizeof array[0]}

/* --- helpers for select functions (decode.c) --- */

/* x86 register number 0-7 of a general register of any size (AL..BH as 0-7). */
int decode_gpr(ZydisRegister r);
/* Segment register number (enum seg_reg) or -1. */
int decode_sreg(ZydisRegister r);
/* Fills the memory-operand fields (base, index, scale, disp, seg, INSN_ADDR32,
 * INSN_MEM) from a Zydis memory operand. */
void decode_mem_operand(struct insn *i, const ZydisDecodedOperand *op);
/* Fills rm (register) or the memory fields from an r/m-style operand. False if the
 * operand is neither a general register nor memory. */
bool decode_rm_operand(struct insn *i, const ZydisDecodedOperand *op);
/* The operand's immediate, truncated to 32 bits. */
uint32_t decode_imm(const ZydisDecodedOperand *op);

/* The handler every failed selection gets: raise #UD. */
void op_ud(struct cpu *cpu, const struct insn *i);

/* Translates the block starting at the CPU's current CS:EIP. Raises #PF/#GP when
 * the first instruction cannot be fetched. */
struct block *decode_block(struct cpu *cpu, uint64_t phys, uint32_t mode);

struct decoder *decoder_create(void);
void decoder_destroy(struct decoder *d);

/* Mode bits for the CPU's current state. */
static inline uint32_t cpu_mode_bits(const struct cpu *cpu)
{
    /* Branch-free: each bit is shifted from where the architecture keeps it. */
    return cpu->cpl << MODE_CPL_SHIFT | (cpu->cr[0] & CR0_PE) |       /* MODE_PE */
           ((cpu->eflags >> 16) & MODE_VM) |                          /* EFLAGS.VM, bit 17 */
           ((uint32_t)(cpu->seg[SEG_CS].attr >> 12) & MODE_CODE32) |  /* D, attr bit 14 */
           ((uint32_t)(cpu->seg[SEG_SS].attr >> 11) & MODE_STACK32) | /* B, attr bit 14 */
           ((cpu->cr[0] >> 27) & MODE_PG) |                           /* CR0.PG, bit 31 */
           /* Single-step and breakpoints are checked between blocks, so blocks shrink
            * to one instruction while they are active. */
           (((cpu->eflags & FLAG_TF) || cpu->dr_exec_bp || cpu->dr_data_bp) ? MODE_SINGLE : 0);
}

#endif

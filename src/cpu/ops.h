/* The instruction families. Each ops_*.c file implements one family's handlers
 * and exports the table that maps Zydis mnemonics to its select functions. */
#ifndef BT86_CPU_OPS_H
#define BT86_CPU_OPS_H

#include "cpu/decode.h"

extern const struct select_table ops_mov_table;    /* MOV, MOVZX/SX, LEA, XCHG, LxS, CBW.., XLAT */
extern const struct select_table ops_alu_table;    /* ADD..CMP, TEST, INC/DEC, NEG, NOT */
extern const struct select_table ops_branch_table; /* JMP, Jcc, CALL, RET, LOOP, JCXZ, INT, IRET */
extern const struct select_table
    ops_stack_table; /* PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE */
extern const struct select_table
    ops_misc_table; /* NOP, HLT, flag ops, LAHF/SAHF, CPUID, RDTSC, UD2 */
extern const struct select_table ops_cond_table;   /* SETcc, CMOVcc */
extern const struct select_table ops_xchg_table;   /* XADD, CMPXCHG, CMPXCHG8B, BSWAP */
extern const struct select_table ops_shift_table;  /* shifts, rotates, SHLD/SHRD */
extern const struct select_table ops_muldiv_table; /* MUL, IMUL, DIV, IDIV */
extern const struct select_table ops_bit_table;    /* BT/BTS/BTR/BTC, BSF/BSR */
extern const struct select_table ops_bcd_table;    /* DAA DAS AAA AAS AAM AAD */
extern const struct select_table ops_string_table; /* MOVS CMPS SCAS LODS STOS INS OUTS */
extern const struct select_table ops_io_table;     /* IN, OUT */
extern const struct select_table ops_system_table; /* CR/DR moves, descriptor tables, MSRs */

/* MOV to/from control and debug registers (ops_system.c), reached from MOV's
 * select in ops_mov.c. */
bool select_mov_crdr(struct insn *i, struct decoded *d);
extern const struct select_table ops_fpu_table; /* x87 (ops_fpu*.c), WAIT/FWAIT */

/* Pair fusion (ops_fused.c): the family files say which handlers qualify. */
enum compare_form { CMP_NONE, CMP_R32_R32, CMP_R32_IMM, TEST_R32_R32, DEC_R32 };
enum compare_form alu_compare_form(const struct insn *i); /* ops_alu.c */
bool branch_is_jcc32(const struct insn *i);               /* ops_branch.c */
/* Lets first run itself and second (the block's last two instructions) as one
 * handler when that is exact; returns whether it did. The block loop then stops
 * before second, which stays in place for fault reporting. */
bool fuse_pair(struct insn *first, const struct insn *second);

#endif

/* The generator functions of every form (gen_arith.c, gen_data.c) and the
 * undefined-flag masks they apply (masks.c). */
#ifndef BT86_HOSTDIFF_GEN_FORMS_H
#define BT86_HOSTDIFF_GEN_FORMS_H

#include "gen.h"

#define FORMS(X)                                                                                   \
    X(add, "ADD all encodings, 8/16/32, reg/mem, LOCK on memory")                                  \
    X(or, "OR all encodings")                                                                      \
    X(adc, "ADC all encodings")                                                                    \
    X(sbb, "SBB all encodings")                                                                    \
    X(and, "AND all encodings")                                                                    \
    X(sub, "SUB all encodings")                                                                    \
    X(xor, "XOR all encodings")                                                                    \
    X(cmp, "CMP all encodings")                                                                    \
    X(test, "TEST 84/85, A8/A9, F6/F7 /0 and /1")                                                  \
    X(inc, "INC FE/FF /0 and 40+r")                                                                \
    X(dec, "DEC FE/FF /1 and 48+r")                                                                \
    X(not, "NOT F6/F7 /2")                                                                         \
    X(neg, "NEG F6/F7 /3")                                                                         \
    X(rol, "ROL by 1, CL, imm8")                                                                   \
    X(ror, "ROR by 1, CL, imm8")                                                                   \
    X(rcl, "RCL by 1, CL, imm8")                                                                   \
    X(rcr, "RCR by 1, CL, imm8")                                                                   \
    X(shl, "SHL by 1, CL, imm8")                                                                   \
    X(shr, "SHR by 1, CL, imm8")                                                                   \
    X(sar, "SAR by 1, CL, imm8")                                                                   \
    X(shld, "SHLD imm8 and CL, 16/32")                                                             \
    X(shrd, "SHRD imm8 and CL, 16/32")                                                             \
    X(mul, "MUL F6/F7 /4")                                                                         \
    X(imul, "IMUL F6/F7 /5 (one operand)")                                                         \
    X(imul2, "IMUL r, r/m (0F AF)")                                                                \
    X(imul3, "IMUL r, r/m, imm (69, 6B)")                                                          \
    X(div, "DIV F6/F7 /6, including #DE")                                                          \
    X(idiv, "IDIV F6/F7 /7, including #DE")                                                        \
    X(bt, "BT reg and imm offsets, reg/mem")                                                       \
    X(bts, "BTS reg and imm offsets, reg/mem")                                                     \
    X(btr, "BTR reg and imm offsets, reg/mem")                                                     \
    X(btc, "BTC reg and imm offsets, reg/mem")                                                     \
    X(bsf, "BSF, zero sources included")                                                           \
    X(bsr, "BSR, zero sources included")                                                           \
    X(daa, "DAA")                                                                                  \
    X(das, "DAS")                                                                                  \
    X(aaa, "AAA")                                                                                  \
    X(aas, "AAS")                                                                                  \
    X(aam, "AAM imm8 (10, random, 0 -> #DE)")                                                      \
    X(aad, "AAD imm8 (10, random)")                                                                \
    X(cmov, "CMOVcc, all 16 conditions, 16/32, reg/mem")                                           \
    X(setcc, "SETcc, all 16 conditions, reg/mem")                                                  \
    X(movs, "MOVS with/without REP, DF both ways")                                                 \
    X(cmps, "CMPS with/without REPE/REPNE")                                                        \
    X(scas, "SCAS with/without REPE/REPNE")                                                        \
    X(lods, "LODS with/without REP")                                                               \
    X(stos, "STOS with/without REP")                                                               \
    X(push, "PUSH reg/imm/mem, 16/32")                                                             \
    X(pop, "POP reg/mem, 16/32")                                                                   \
    X(pusha, "PUSHA/PUSHAD")                                                                       \
    X(popa, "POPA/POPAD")                                                                          \
    X(pushf, "PUSHF/PUSHFD")                                                                       \
    X(popf, "POPF/POPFD (IF and IOPL not compared)")                                               \
    X(enter, "ENTER imm16, level 0-31")                                                            \
    X(leave, "LEAVE 16/32")                                                                        \
    X(xchg, "XCHG 86/87 and 90+r")                                                                 \
    X(xadd, "XADD")                                                                                \
    X(cmpxchg, "CMPXCHG")                                                                          \
    X(cmpxchg8b, "CMPXCHG8B")                                                                      \
    X(bswap, "BSWAP r32")                                                                          \
    X(movzx, "MOVZX")                                                                              \
    X(movsx, "MOVSX")                                                                              \
    X(lea, "LEA (and #UD with a register operand)")                                                \
    X(mov, "MOV all general-register encodings")                                                   \
    X(cbw, "CBW/CWDE")                                                                             \
    X(cwd, "CWD/CDQ")                                                                              \
    X(lahf, "LAHF")                                                                                \
    X(sahf, "SAHF")                                                                                \
    X(flagop, "CLC STC CMC CLD STD, SALC")                                                         \
    X(xlat, "XLAT")                                                                                \
    X(bound, "BOUND, including #BR")                                                               \
    X(lock, "LOCK prefix validity (#UD on register/non-lockable forms)")

#define DECLARE_GEN(name, what) void gen_##name(struct gen *g);
FORMS(DECLARE_GEN)
#undef DECLARE_GEN
void gen_addr16(struct gen *g); /* gen_addr16.c; needs the FS window segment */

/* Undefined-flag masks (masks.c): each marks what the comparison leaves out. */
void mask_shift(struct gen *g, int op, int size, uint32_t count);
void mask_double_shift(struct gen *g, int size, uint32_t count, const struct operand *dst);
void mask_muldiv(struct gen *g, int op, int size);
void mask_imul(struct gen *g);
void mask_bittest(struct gen *g);
void mask_bitscan(struct gen *g);
void mask_bcd(struct gen *g, uint8_t op);

#endif

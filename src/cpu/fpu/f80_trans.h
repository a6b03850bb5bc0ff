/* x87 transcendental instructions as pure functions on 80-bit values (SDM Vol. 2,
 * FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1).
 *
 * Same conventions as f80.h: every exception masked, detected exceptions ORed
 * into env->flags, F80_C1 set when the (last) result was rounded up. Precision
 * control does not apply (SDM Vol. 1, 8.1.5.2: it affects only FADD, FSUB(R),
 * FMUL, FDIV(R) and FSQRT), so results always carry a 64-bit significand; they are
 * rounded per env->rc. The caller clears env->flags (or at least C1/C2) first and
 * handles stack faults: these functions only see register values.
 *
 * FSIN, FCOS, FSINCOS and FPTAN reduce their argument with the x87's 66-bit
 * approximation of pi, so far from zero they agree with the hardware rather than
 * with the mathematical function (SDM Vol. 1, 8.3.10). For |x| >= 2^63 they set
 * F80_C2 in env->flags, raise nothing and leave the operand as it is: the
 * instruction then writes nothing and pushes nothing. Otherwise C2 is cleared. */
#ifndef BT86_CPU_FPU_F80_TRANS_H
#define BT86_CPU_FPU_F80_TRANS_H

#include "cpu/fpu/f80.h"

/* FSIN / FCOS: the new ST(0) (a itself when C2 is set). */
struct f80 f80_sin(struct f80_env *env, struct f80 a);
struct f80 f80_cos(struct f80_env *env, struct f80 a);

/* FSINCOS: ST(0) <- sine, then push the cosine (*cos_out is the new ST(0), *sin_out
 * the new ST(1)). With C2 set both are a and nothing is pushed. */
void f80_sincos(struct f80_env *env, struct f80 a, struct f80 *sin_out, struct f80 *cos_out);

/* FPTAN: ST(0) <- tangent, then push *one_out (+1.0, or the NaN result again when
 * the operand was a NaN, infinity or unsupported). With C2 set both are a and
 * nothing is pushed. */
void f80_ptan(struct f80_env *env, struct f80 a, struct f80 *tan_out, struct f80 *one_out);

/* FPATAN: atan(y / x) with the quadrant of (x, y), y = ST(1), x = ST(0). The result
 * replaces ST(1) and the stack is popped. */
struct f80 f80_patan(struct f80_env *env, struct f80 y, struct f80 x);

/* F2XM1: 2^a - 1 (defined for -1 <= a <= +1). */
struct f80 f80_2xm1(struct f80_env *env, struct f80 a);

/* FYL2X: y * log2(x), y = ST(1), x = ST(0); result replaces ST(1), then pop. */
struct f80 f80_yl2x(struct f80_env *env, struct f80 y, struct f80 x);

/* FYL2XP1: y * log2(x + 1), y = ST(1), x = ST(0) (defined for |x| < 1 - sqrt(2)/2);
 * result replaces ST(1), then pop. */
struct f80 f80_yl2xp1(struct f80_env *env, struct f80 y, struct f80 x);

#endif

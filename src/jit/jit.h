/* The JIT's public face. Tier 1 (host code for hot blocks) is a later issue; until
 * then bt86 runs every block in the interpreter, which is also what --no-jit does. */
#ifndef BT86_JIT_JIT_H
#define BT86_JIT_JIT_H

#include <stdbool.h>

/* True when this build can generate host code. */
bool jit_supported(void);

#endif

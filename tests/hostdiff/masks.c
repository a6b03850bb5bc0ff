/* Undefined results the comparison leaves out, per instruction form. See
 * docs/ARCHITECTURE.md, "Host-differential test", for the table and reasons. */
#include "gen_forms.h"

void mask_shift(struct gen *g, int op, int size, uint32_t count) {}
void mask_double_shift(struct gen *g, int size, uint32_t count) {}
void mask_muldiv(struct gen *g, int op, int size) {}
void mask_imul(struct gen *g) {}
void mask_bittest(struct gen *g) {}
void mask_bitscan(struct gen *g) {}
void mask_bcd(struct gen *g, uint8_t op) {}

#include "cpu/fpu/fpu_state.h"

#include <string.h>

void fpu_init(struct fpu *f)
{
    f->cw = FPU_CW_INIT;
    f->sw = 0;
    f->top = 0;
    f->tag = 0xFFFF;
    f->fop = 0;
    f->fip = f->fdp = 0;
    f->fcs = f->fds = 0;
}

void fpu_reset(struct fpu *f)
{
    memset(f, 0, sizeof *f);
    f->cw = FPU_CW_FIXED1;
    f->tag = 0x5555;
}

uint16_t fpu_status_word(const struct fpu *f)
{
    return (uint16_t)((f->sw & ~FPU_SW_TOP) | ((unsigned)f->top << FPU_SW_TOP_SHIFT));
}

unsigned fpu_tag_for(struct f80 v)
{
    uint16_t exp = v.se & 0x7FFF;
    if (exp == 0)
        return v.mant == 0 ? FPU_TAG_ZERO : FPU_TAG_SPECIAL;
    /* Infinity/NaN, and unnormals (integer bit clear) are special too. */
    if (exp == 0x7FFF || !(v.mant >> 63))
        return FPU_TAG_SPECIAL;
    return FPU_TAG_VALID;
}

#include "jit/jit.h"

bool jit_supported(void)
{
    return false;
}

/* The memory layer's public face: guest physical space, page descriptors, soft
 * TLB and page walkers. It knows nothing of the CPU. */
#ifndef BT86_MEM_MEM_H
#define BT86_MEM_MEM_H

#include "mem/paging.h"
#include "mem/phys.h"
#include "mem/tlb.h"

#endif

/* The CPU's public face. */
#ifndef BT86_CPU_CPU_H
#define BT86_CPU_CPU_H

#include "mem/mem.h"

#endif

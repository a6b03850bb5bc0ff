#include "cpu/cpu.h"

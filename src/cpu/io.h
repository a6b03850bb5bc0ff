/* Port I/O as instructions see it (IN, OUT, INS, OUTS): the protected-mode
 * permission check, then the board's port bus. */
#ifndef BT86_CPU_IO_H
#define BT86_CPU_IO_H

#include "cpu/cpu.h"

#include <stdint.h>

/* Raises #GP(0) unless the current mode may access size bytes at port (Intel SDM
 * Vol. 1, 19.5 "I/O Privilege Level" and 19.5.2 "I/O Permission Bit Map"). */
void io_permission_check(struct cpu *cpu, uint16_t port, int size);

/* The bus accesses; without a bus (tests), reads return all ones and writes are
 * dropped, like a port nothing decodes on an ISA bus. */
uint32_t io_in(struct cpu *cpu, uint16_t port, int size);
void io_out(struct cpu *cpu, uint16_t port, uint32_t value, int size);

#endif

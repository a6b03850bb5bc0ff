/* Port I/O for the instruction handlers (see io.h). */
#include "cpu/io.h"
#include "cpu/debug.h"
#include "cpu/exception.h"
#include "cpu/flags.h"
#include "cpu/task.h"

void io_permission_check(struct cpu *cpu, uint16_t port, int size)
{
    /* Real-address mode: every port is accessible. */
    if (!(cpu->cr[0] & CR0_PE))
        return;
    /* Protected mode with CPL <= IOPL: allowed without looking at the bitmap
     * (SDM Vol. 1, 19.5). V86 mode always consults the bitmap (19.5.2). */
    uint32_t iopl = (cpu->eflags & FLAG_IOPL) >> 12;
    if (!(cpu->eflags & FLAG_VM) && cpu->cpl <= iopl)
        return;
    /* Otherwise the I/O permission bitmap in the TSS decides (task.c). */
    if (tss_io_bitmap_allows(cpu, port, size))
        return;
    cpu_raise(cpu, EXC_GP, 0);
}

/* Both calls are the port access itself, after the permission check passed: that
 * is when an I/O breakpoint matches (SDM Vol. 3, 17.3.1.2). */
uint32_t io_in(struct cpu *cpu, uint16_t port, int size)
{
    if (cpu->dr_io_bp)
        debug_check_io(cpu, port, size);
    if (!cpu->bus.io_read)
        return size_mask(size);
    return cpu->bus.io_read(cpu->bus.opaque, port, size) & size_mask(size);
}

void io_out(struct cpu *cpu, uint16_t port, uint32_t value, int size)
{
    if (cpu->dr_io_bp)
        debug_check_io(cpu, port, size);
    if (cpu->bus.io_write)
        cpu->bus.io_write(cpu->bus.opaque, port, value & size_mask(size), size);
}

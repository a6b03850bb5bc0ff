/* VME and PVI. */
#include "cpu/vme.h"
#include "cpu/flags.h"
#include "cpu/segment.h"

static uint32_t iopl(const struct cpu *cpu)
{
    return (cpu->eflags & FLAG_IOPL) >> 12;
}

bool vme_v86(const struct cpu *cpu)
{
    return (cpu->eflags & FLAG_VM) && iopl(cpu) < 3 && (cpu->cr[4] & CR4_VME);
}

bool vme_virtual_if(const struct cpu *cpu)
{
    if (vme_v86(cpu))
        return true;
    return (cpu->cr[0] & CR0_PE) && !(cpu->eflags & FLAG_VM) && cpu->cpl == 3 && iopl(cpu) < 3 &&
           (cpu->cr[4] & CR4_PVI);
}

void vme_cli(struct cpu *cpu)
{
    cpu->eflags &= ~FLAG_VIF;
}

void vme_sti(struct cpu *cpu)
{
    /* A pending virtual interrupt makes STI fault so the monitor can deliver it
     * (SDM Vol. 2, STI). */
    if (cpu->eflags & FLAG_VIP)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->eflags |= FLAG_VIF;
}

/* FLAGS as a VME program sees them: IF is VIF and IOPL reads as 3. */
static uint32_t virtual_flags(struct cpu *cpu)
{
    uint32_t f = flags_get(cpu) & 0xffff & ~(FLAG_IF | FLAG_IOPL);
    if (cpu->eflags & FLAG_VIF)
        f |= FLAG_IF;
    return f | FLAG_IOPL;
}

void vme_pushf(struct cpu *cpu, const struct insn *i)
{
    if (i->osize == 4)
        cpu_raise(cpu, EXC_GP, 0); /* PUSHFD stays IOPL-sensitive */
    push(cpu, i, virtual_flags(cpu), 2);
}

/* Loads a popped FLAGS image the VME way: IF goes to VIF, IOPL and IF stay; a set
 * TF, or IF with VIP pending, is #GP(0) (SDM Vol. 2, POPF and IRET). */
static void load_virtual_flags(struct cpu *cpu, uint32_t v)
{
    if ((v & FLAG_TF) || ((v & FLAG_IF) && (cpu->eflags & FLAG_VIP)))
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t keep = FLAG_IF | FLAG_IOPL;
    uint32_t f = flags_get(cpu);
    f = (f & 0xffff0000u) | (f & keep) | (v & 0xffff & ~keep);
    f = (v & FLAG_IF) ? f | FLAG_VIF : f & ~FLAG_VIF;
    cpu_set_eflags(cpu, f);
}

void vme_popf(struct cpu *cpu, const struct insn *i)
{
    if (i->osize == 4)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t v = stack_peek(cpu, i, 0, 2);
    load_virtual_flags(cpu, v);
    stack_ptr_set(cpu, i, stack_ptr(cpu, i) + 2);
}

void vme_iret(struct cpu *cpu, const struct insn *i)
{
    if (i->osize == 4)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t off = stack_peek(cpu, i, 0, 2);
    uint16_t sel = (uint16_t)stack_peek(cpu, i, 2, 2);
    uint32_t v = stack_peek(cpu, i, 4, 2);
    load_virtual_flags(cpu, v);
    stack_ptr_set(cpu, i, stack_ptr(cpu, i) + 6);
    cpu_load_seg_real(cpu, SEG_CS, sel);
    cpu->eip = off;
}

/* The interrupt redirection bitmap: 32 bytes just below the I/O map base in a
 * 32-bit TSS (SDM Vol. 3, 20.3.3). A bit past the TSS limit is #GP(0). */
static bool redirected_to_idt(struct cpu *cpu, int vector)
{
    const struct segment *tr = &cpu->seg[SEG_TR];
    if ((tr->attr & 0xf) != 0xb || tr->limit < 0x67)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t map = lin_read_kind(cpu, tr->base + 0x66, 2, TLB_SUPERVISOR);
    uint32_t at = map - 32 + (uint32_t)vector / 8;
    if (map < 32 || at > tr->limit)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t byte = lin_read_kind(cpu, tr->base + at, 1, TLB_SUPERVISOR);
    return (byte >> (vector & 7)) & 1;
}

bool vme_int(struct cpu *cpu, const struct insn *i, int vector)
{
    if (redirected_to_idt(cpu, vector)) {
        if (iopl(cpu) < 3)
            cpu_raise(cpu, EXC_GP, 0);
        return false;
    }
    /* Through the V86 program's IVT at linear 0, as real mode does. At IOPL 3 the
     * real IF is pushed and cleared; below, VIF stands in for it. */
    uint32_t target = mem_read_slow(cpu, (uint32_t)vector * 4, 4, TLB_USER);
    uint32_t flags = iopl(cpu) == 3 ? flags_get(cpu) & 0xffff : virtual_flags(cpu);
    uint32_t sp = stack_ptr(cpu, i);
    mem_probe_write(cpu, SEG_SS, (sp - 2) & 0xffff, 2);
    mem_probe_write(cpu, SEG_SS, (sp - 6) & 0xffff, 2);
    push(cpu, i, flags, 2);
    push(cpu, i, cpu->seg[SEG_CS].sel, 2);
    push(cpu, i, insn_next_eip(cpu, i) & 0xffff, 2);
    if (iopl(cpu) == 3)
        cpu->eflags &= ~(FLAG_IF | FLAG_TF);
    else
        cpu->eflags &= ~(FLAG_VIF | FLAG_TF);
    cpu_load_seg_real(cpu, SEG_CS, (uint16_t)(target >> 16));
    cpu->eip = target & 0xffff;
    return true;
}

/* Breakpoints and single-step. */
#include "cpu/debug.h"
#include "cpu/exception.h"
#include "cpu/memory.h"

uint32_t debug_dr6_value(uint32_t v)
{
    /* Bits 4-11 and 16-31 read as 1, bit 12 as 0 on P6 (SDM Vol. 3, 17.2.3). */
    return (v & 0x0000e00fu) | 0xffff0ff0u;
}

uint32_t debug_dr7_value(uint32_t v)
{
    /* Bit 10 reads as 1; bits 11, 12, 14 and 15 as 0 (SDM Vol. 3, 17.2.4). */
    return (v & 0xffff23ffu) | 0x400u;
}

static bool bp_enabled(const struct cpu *cpu, int n)
{
    return (cpu->dr[7] >> (2 * n)) & 3;
}

static uint32_t bp_rw(const struct cpu *cpu, int n)
{
    return (cpu->dr[7] >> (16 + 4 * n)) & 3;
}

/* Breakpoint length: 1, 2, 8 (LEN=10, as later CPUs define it) or 4 bytes. */
static uint32_t bp_len(const struct cpu *cpu, int n)
{
    static const uint32_t len[4] = {1, 2, 8, 4};
    return len[(cpu->dr[7] >> (18 + 4 * n)) & 3];
}

static bool is_data_bp(const struct cpu *cpu, int n)
{
    /* RW = 01 writes, 11 reads or writes. */
    return bp_enabled(cpu, n) && (bp_rw(cpu, n) & 1);
}

/* RW = 10 breaks on I/O reads and writes when CR4.DE = 1 (SDM Vol. 3, 17.2.4). With
 * CR4.DE = 0 the encoding is undefined; bt86 lets such a breakpoint match nothing,
 * which is what the code did before I/O breakpoints were modelled (the SDM gives
 * no P6 behaviour to match). */
static bool is_io_bp(const struct cpu *cpu, int n)
{
    return bp_enabled(cpu, n) && bp_rw(cpu, n) == 2 && (cpu->cr[4] & CR4_DE);
}

/* Whether [lo, lo + size - 1] overlaps breakpoint n's range: its address aligned
 * down to its length (17.2.5), for memory and I/O alike. */
static bool bp_overlaps(const struct cpu *cpu, int n, uint32_t lo, int size)
{
    uint32_t len = bp_len(cpu, n);
    uint32_t first = cpu->dr[n] & ~(len - 1);
    return lo <= first + len - 1 && first <= lo + (uint32_t)size - 1;
}

void debug_update(struct cpu *cpu)
{
    cpu->dr_data_bp = cpu->dr_exec_bp = cpu->dr_io_bp = false;
    for (int n = 0; n < 4; n++) {
        if (!bp_enabled(cpu, n))
            continue;
        if (bp_rw(cpu, n) == 0)
            cpu->dr_exec_bp = true;
        if (bp_rw(cpu, n) & 1)
            cpu->dr_data_bp = true;
        if (is_io_bp(cpu, n))
            cpu->dr_io_bp = true;
    }
    mmu_flush(cpu);
}

bool debug_page_watched(const struct cpu *cpu, uint32_t page)
{
    for (int n = 0; n < 4; n++) {
        if (!is_data_bp(cpu, n))
            continue;
        uint32_t len = bp_len(cpu, n);
        uint32_t first = cpu->dr[n] & ~(len - 1);
        if ((first & PAGE_MASK) == page || ((first + len - 1) & PAGE_MASK) == page)
            return true;
    }
    return false;
}

void debug_check_data(struct cpu *cpu, uint32_t linear, int size, bool write)
{
    for (int n = 0; n < 4; n++) {
        if (!is_data_bp(cpu, n) || (bp_rw(cpu, n) == 1 && !write))
            continue;
        if (bp_overlaps(cpu, n, linear, size))
            cpu->db_pending |= 1u << n;
    }
}

void debug_check_io(struct cpu *cpu, uint16_t port, int size)
{
    /* A trap after the IN/OUT/INS/OUTS (17.3.1.2): recorded here, delivered by the
     * execution loop once the instruction (or a REP's iteration) is done. */
    for (int n = 0; n < 4; n++)
        if (is_io_bp(cpu, n) && bp_overlaps(cpu, n, port, size))
            cpu->db_pending |= 1u << n;
}

bool debug_check_exec(struct cpu *cpu)
{
    uint32_t linear = cpu->seg[SEG_CS].base + cpu->eip;
    uint32_t hit = 0;
    for (int n = 0; n < 4; n++)
        if (bp_enabled(cpu, n) && bp_rw(cpu, n) == 0 && cpu->dr[n] == linear)
            hit |= 1u << n;
    if (!hit)
        return false;
    cpu->dr[6] = (cpu->dr[6] & ~0xfu) | hit;
    cpu->prev_block = NULL;
    /* An instruction breakpoint is a fault; the handler sets RF in the saved EFLAGS
     * to resume past it (17.3.1.1). */
    cpu_deliver_event(cpu, EXC_DB, NO_ERROR_CODE, EVENT_FAULT);
    return true;
}

void debug_after_insn(struct cpu *cpu, uint32_t eflags_before)
{
    uint32_t bits = cpu->db_pending;
    cpu->db_pending = 0;
    if (eflags_before & FLAG_RF)
        cpu->eflags &= ~FLAG_RF;
    if (eflags_before & FLAG_TF)
        bits |= DR6_BS;
    if (!bits)
        return;
    cpu->dr[6] = (cpu->dr[6] & ~0xfu) | bits;
    cpu->prev_block = NULL;
    cpu_deliver_event(cpu, EXC_DB, NO_ERROR_CODE, EVENT_TRAP);
}

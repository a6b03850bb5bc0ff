/* Raising and delivering exceptions and interrupts. */
#include "cpu/exception.h"
#include "cpu/block.h"
#include "cpu/decode.h"
#include "cpu/insn.h"
#include "cpu/segment.h"

enum raise_type { RAISE_EVENT = 1, RAISE_BREAK };

noreturn void cpu_raise(struct cpu *cpu, int vector, int error_code)
{
    cpu->raised.type = RAISE_EVENT;
    cpu->raised.vector = vector;
    cpu->raised.error_code = error_code;
    cpu->raised.kind = EVENT_FAULT;
    longjmp(cpu->exc_jmp, 1);
}

noreturn void cpu_raise_trap(struct cpu *cpu, int vector, enum event_kind kind)
{
    cpu->raised.type = RAISE_EVENT;
    cpu->raised.vector = vector;
    cpu->raised.error_code = NO_ERROR_CODE;
    cpu->raised.kind = kind;
    longjmp(cpu->exc_jmp, 1);
}

noreturn void cpu_break_block(struct cpu *cpu, uint32_t next_eip)
{
    cpu->raised.type = RAISE_BREAK;
    cpu->raised.next_eip = next_eip;
    longjmp(cpu->exc_jmp, 1);
}

/* Intel SDM Vol. 3, 6.15, table 6-5: which pairs of exceptions make a double fault. */
static bool contributory(int vector)
{
    return vector == EXC_DE || (vector >= EXC_TS && vector <= EXC_GP);
}

static bool makes_double_fault(int first, int second)
{
    if (first == EXC_PF)
        return second == EXC_PF || contributory(second);
    return contributory(first) && contributory(second);
}

/* Called by cpu_run after the longjmp: make EIP and the instruction count exact
 * for the raising instruction, then deliver what was raised. */
void cpu_handle_raise(struct cpu *cpu)
{
    struct block *b = cpu->cur_block;
    const struct insn *i = cpu->cur_insn;
    bool committed = cpu->eip_committed;
    cpu->eip_committed = false;
    cpu->db_pending &= ~0xfu; /* data breakpoints of an instruction that faulted */
    if (b) {
        uint32_t done = (uint32_t)(i - b->insns); /* instructions completed before i */
        uint32_t own = cpu->eip + i->eip_off;
        uint32_t eip = own;
        cpu->cur_block = NULL;
        cpu->prev_block = NULL;
        cpu->event_retired = false;
        if (committed) {
            /* A task switch passed its point of no return: the fault belongs to the
             * new task, whose EIP is already in place (Intel SDM Vol. 3, 7.3). */
            done++;
            eip = cpu->eip;
            own = eip;
        } else if (cpu->raised.type == RAISE_BREAK) {
            /* i completed; execution resumes after it */
            done++;
            eip = cpu->raised.next_eip;
        } else if (cpu->raised.kind != EVENT_FAULT) {
            /* traps and INT n retire the instruction and push the next EIP */
            done++;
            eip += i->len;
            if (!(b->mode & MODE_CODE32))
                eip &= 0xffff;
            cpu->event_retired = true;
        }
        cpu->icount += done;
        cpu->budget += (int32_t)(b->insn_count - done);
        cpu->eip = eip;
        /* If delivering this event faults, the new fault is reported at the
         * instruction itself. */
        cpu->event_eip = own;
    } else if (!cpu->delivering) {
        cpu->event_eip = cpu->eip; /* a fetch or decode fault: EIP is exact */
        cpu->event_retired = false;
    }
    if (cpu->raised.type == RAISE_BREAK)
        return;
    if (cpu->intercept_exceptions && !cpu->delivering) {
        /* A debugger or test harness wants the event itself, undelivered. */
        cpu->exit_reason = CPU_EXIT_EXCEPTION;
        return;
    }

    int vector = cpu->raised.vector;
    int error_code = cpu->raised.error_code;
    enum event_kind kind = (enum event_kind)cpu->raised.kind;
    bool nested = cpu->delivering;
    if (nested) {
        /* A fault while delivering an earlier event: it is reported at the EIP of
         * the instruction that caused the first (an INT n that did not retire). */
        int first = cpu->delivering_vector;
        cpu->delivering = 0;
        if (!committed) {
            cpu->eip = cpu->event_eip;
            if (cpu->event_retired) {
                cpu->icount--;
                cpu->budget++;
                cpu->event_retired = false;
            }
        }
        if (first == EXC_DF && (contributory(vector) || vector == EXC_PF)) {
            cpu->exit_reason = CPU_EXIT_SHUTDOWN; /* triple fault */
            return;
        }
        if (makes_double_fault(first, vector)) {
            vector = EXC_DF;
            error_code = 0;
            kind = EVENT_FAULT;
        }
    }
    /* A fault retires nothing, and a guest can fault forever without a triple
     * fault: a handler whose first fetch faults again, on a 16-bit stack that
     * wraps instead of running out. A real CPU spends clock cycles delivering
     * each one (Intel SDM Vol. 3, 6.5: the faulting instruction is not retired,
     * but delivery is not free); charging one cycle per fault keeps time moving
     * and ends the run at its budget, as the product rules demand (no hang). */
    if (kind == EVENT_FAULT)
        cpu_stall(cpu, 1);
    /* A benign fault while delivering another event is delivered serially (SDM
     * Vol. 3, 6.15, table 6-5), so delivery can fail forever without reaching a
     * double fault: #AC pushing onto a misaligned CPL-3 handler stack, #NP for a
     * handler whose gate is not present, each retried without end. That loop runs
     * inside this function and never reaches the budget check, so once the budget
     * is spent the event is dropped with EIP at the instruction that raised the
     * first one: the next run executes it again and arrives at the same point
     * (the loop stays a loop, bt86 stays responsive). Not after a task switch's
     * commit point: the fault belongs to the new task and would be lost. */
    if (nested && !committed && cpu->budget <= 0)
        return;
    cpu_deliver(cpu, vector, error_code, kind);
}

void cpu_deliver_event(struct cpu *cpu, int vector, int error_code, enum event_kind kind)
{
    cpu->event_eip = cpu->eip;
    cpu->event_retired = false;
    /* One cycle per fault, as in cpu_handle_raise: an instruction breakpoint on
     * the first instruction of its own #DB handler faults forever between blocks
     * (found by test_cpu_stress; in real mode nothing sets RF to break the loop). */
    if (kind == EVENT_FAULT)
        cpu_stall(cpu, 1);
    cpu_deliver(cpu, vector, error_code, kind);
}

/* Real-address-mode delivery through the IVT (Intel SDM Vol. 3, 20.1.4): push
 * FLAGS, CS, IP; clear IF, TF, AC; jump to the vector. */
static void deliver_real(struct cpu *cpu, int vector)
{
    uint32_t entry = (uint32_t)vector * 4;
    if (entry + 3 > cpu->idtr.limit)
        cpu_raise(cpu, EXC_GP, vector * 8 + 2);
    uint32_t target = lin_read(cpu, cpu->idtr.base + entry, 4);
    uint32_t flags = cpu_get_eflags(cpu);
    uint32_t sp = cpu->reg[REG_ESP];
    bool big = cpu->seg[SEG_SS].attr & SEG_ATTR_DB;
    uint32_t mask = big ? 0xffffffffu : 0xffffu;
    /* All three pushes are checked before any is written, so a stack fault leaves
     * the stack as it was. */
    uint32_t sp1 = (sp - 2) & mask, sp2 = (sp - 4) & mask, sp3 = (sp - 6) & mask;
    mem_probe_write(cpu, SEG_SS, sp1, 2);
    mem_probe_write(cpu, SEG_SS, sp3, 2);
    mem_write(cpu, SEG_SS, sp1, flags & 0xffff, 2);
    mem_write(cpu, SEG_SS, sp2, cpu->seg[SEG_CS].sel, 2);
    mem_write(cpu, SEG_SS, sp3, cpu->eip & 0xffff, 2);
    cpu->reg[REG_ESP] = big ? sp3 : (sp & 0xffff0000u) | sp3;
    cpu->eflags &= ~(FLAG_IF | FLAG_TF | FLAG_AC | FLAG_RF);
    cpu_update_ac(cpu);
    cpu_load_seg_real(cpu, SEG_CS, (uint16_t)(target >> 16));
    cpu->eip = target & 0xffff;
}

void cpu_deliver(struct cpu *cpu, int vector, int error_code, enum event_kind kind)
{
    if (cpu->bus.trace_event)
        cpu->bus.trace_event(cpu->bus.opaque, vector, error_code, kind);
    cpu->delivering++;
    cpu->delivering_vector = vector;
    if (!(cpu->cr[0] & CR0_PE)) {
        deliver_real(cpu, vector);
    } else {
        deliver_protected(cpu, vector, error_code, kind);
    }
    cpu->delivering = 0;
}

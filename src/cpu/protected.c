/* Protected-mode control transfers through descriptors: event delivery through the
 * IDT (Intel SDM Vol. 3, 6.12), far JMP/CALL/RET through code segments, call gates,
 * task gates and TSS descriptors (Vol. 3, 5.8 and 7.3), and IRET (Vol. 2, IRET). */
#include "cpu/protected.h"
#include "cpu/descriptor.h"
#include "cpu/exception.h"
#include "cpu/flags.h"
#include "cpu/segment.h"
#include "cpu/task.h"
#include "cpu/vme.h"

/* Where a frame of pushes goes: a stack segment (the current one or the inner
 * level's from the TSS), its ESP, the privilege the writes have, and the error code
 * of #SS when a push is outside the segment. */
struct stack_target {
    struct segment ss;
    uint32_t esp;
    enum tlb_kind kind;
    int ss_err;
};

static void current_stack(struct cpu *cpu, struct stack_target *st, int ext)
{
    st->ss = cpu->seg[SEG_SS];
    st->esp = cpu->reg[REG_ESP];
    st->kind = cpu_tlb_kind(cpu);
    st->ss_err = ext;
}

static void new_stack(struct stack_target *st, uint16_t sel, const struct descriptor *d,
                      uint32_t esp, int ext)
{
    st->ss.sel = sel;
    st->ss.base = desc_base(d);
    st->ss.limit = desc_limit(d);
    st->ss.attr = desc_attr(d);
    segment_derive(&st->ss, false);
    st->esp = esp;
    st->kind = TLB_SUPERVISOR; /* only inner levels (0-2) get a new stack */
    st->ss_err = (sel & 0xfffc) | ext;
}

/* Pushes vals[0], vals[1], ... in that order. Every slot is checked (segment and
 * page) before the first is written, so a fault leaves memory and ESP as they
 * were. */
static void frame_push(struct cpu *cpu, struct stack_target *st, const uint32_t *vals, int n,
                       int size)
{
    bool big = st->ss.attr & SEG_ATTR_DB;
    uint32_t mask = big ? 0xffffffffu : 0xffffu;
    uint32_t lin[16];
    uint32_t sp = st->esp;
    for (int k = 0; k < n; k++) {
        sp = (sp - (uint32_t)size) & mask;
        if (sp < st->ss.valid_lo || (uint64_t)sp + (uint32_t)size - 1 > st->ss.valid_hi ||
            !st->ss.writable)
            cpu_raise(cpu, EXC_SS, st->ss_err);
        lin[k] = st->ss.base + sp;
        mem_probe_write_kind(cpu, lin[k], size, st->kind);
    }
    for (int k = 0; k < n; k++)
        lin_write_kind(cpu, lin[k], vals[k], size, st->kind);
    st->esp = big ? sp : (st->esp & 0xffff0000u) | sp;
}

static noreturn void raise_sel(struct cpu *cpu, int vector, uint16_t sel, int ext)
{
    cpu_raise(cpu, vector, (sel & 0xfffc) | ext);
}

/* Loads CS from a checked code descriptor at privilege cpl. */
static void load_cs(struct cpu *cpu, uint16_t sel, struct descriptor *d, uint32_t cpl)
{
    desc_set_accessed(cpu, sel, d);
    seg_load_cache(cpu, SEG_CS, (uint16_t)((sel & 0xfffc) | cpl), d);
    cpu_set_cpl(cpu, cpl);
}

static void load_ss(struct cpu *cpu, uint16_t sel, struct descriptor *d)
{
    desc_set_accessed(cpu, sel, d);
    seg_load_cache(cpu, SEG_SS, sel, d);
}

/* A task gate or TSS descriptor reached by JMP, CALL or an event: the TSS must be
 * in the GDT and available (Intel SDM Vol. 3, 7.3 steps 1-4). */
static void switch_through(struct cpu *cpu, uint16_t sel, struct descriptor *d,
                           enum task_reason reason, uint32_t eip, int ext)
{
    if (desc_type(d) == DESC_TASK_GATE) {
        uint16_t tss = gate_selector(d);
        if (tss & 4)
            raise_sel(cpu, EXC_GP, tss, ext);
        if (!desc_fetch(cpu, tss, d))
            raise_sel(cpu, EXC_GP, tss, ext);
        sel = tss;
    }
    uint32_t type = desc_type(d);
    if (!desc_is_system(d) || (type != DESC_TSS16_AVAIL && type != DESC_TSS32_AVAIL))
        raise_sel(cpu, EXC_GP, sel, ext);
    task_switch(cpu, sel, d, reason, eip, ext);
}

/* --- event delivery --- */

void deliver_protected(struct cpu *cpu, int vector, int error_code, enum event_kind kind)
{
    /* EXT (error code bit 0): the event was not caused by the program's own INT n,
     * INT3 or INTO (Intel SDM Vol. 3, 6.13). */
    int ext = kind == EVENT_SOFTWARE ? 0 : 1;
    int idt_err = vector * 8 + 2 + ext;
    if ((uint32_t)vector * 8 + 7 > cpu->idtr.limit)
        cpu_raise(cpu, EXC_GP, idt_err);
    uint32_t at = cpu->idtr.base + (uint32_t)vector * 8;
    struct descriptor gate = {lin_read_kind(cpu, at, 4, TLB_SUPERVISOR),
                              lin_read_kind(cpu, at + 4, 4, TLB_SUPERVISOR)};
    uint32_t type = desc_type(&gate);
    if (!desc_is_system(&gate) ||
        (type != DESC_TASK_GATE && type != DESC_INT_GATE16 && type != DESC_TRAP_GATE16 &&
         type != DESC_INT_GATE32 && type != DESC_TRAP_GATE32))
        cpu_raise(cpu, EXC_GP, idt_err);
    /* Software interrupts must not reach gates above their privilege (6.12.1.1). */
    if (kind == EVENT_SOFTWARE && desc_dpl(&gate) < cpu->cpl)
        cpu_raise(cpu, EXC_GP, idt_err);
    if (!desc_present(&gate))
        cpu_raise(cpu, EXC_NP, idt_err);

    if (type == DESC_TASK_GATE) {
        switch_through(cpu, 0, &gate, TASK_INT, cpu->eip, ext);
        if (error_code != NO_ERROR_CODE) {
            /* The error code goes on the new task's stack (7.3, 6.12.2). */
            struct stack_target st;
            current_stack(cpu, &st, ext);
            uint32_t v = (uint32_t)error_code;
            int size = (cpu->seg[SEG_TR].attr & 8) ? 4 : 2;
            frame_push(cpu, &st, &v, 1, size);
            cpu->reg[REG_ESP] = st.esp;
        }
        return;
    }

    bool gate32 = type & 8;
    int size = gate32 ? 4 : 2;
    uint16_t sel = gate_selector(&gate);
    uint32_t off = gate32 ? gate_offset(&gate) : gate_offset(&gate) & 0xffff;
    struct descriptor code;
    if ((sel & 0xfffc) == 0)
        cpu_raise(cpu, EXC_GP, ext);
    if (!desc_fetch(cpu, sel, &code) || !desc_is_code(&code) || desc_dpl(&code) > cpu->cpl)
        raise_sel(cpu, EXC_GP, sel, ext);
    if (!desc_present(&code))
        raise_sel(cpu, EXC_NP, sel, ext);

    uint32_t dpl = desc_dpl(&code);
    uint32_t eflags = cpu_get_eflags(cpu);
    bool vm = eflags & FLAG_VM;
    uint32_t vals[16];
    int n = 0;
    struct stack_target st;
    struct descriptor ssd;
    uint16_t ss_sel = 0;
    bool inner = !desc_conforming(&code) && dpl < cpu->cpl;
    uint32_t new_cpl = cpu->cpl;
    if (inner) {
        /* Interrupt to an inner level: stack from the TSS (6.12.1, figure 6-4). From
         * virtual-8086 mode only a ring-0 handler is allowed (20.3.1.1). */
        if (vm && dpl != 0)
            raise_sel(cpu, EXC_GP, sel, ext);
        uint32_t esp;
        tss_inner_stack(cpu, dpl, &ss_sel, &esp, ext);
        check_stack_segment(cpu, ss_sel, dpl, &ssd, EXC_TS, ext);
        new_stack(&st, ss_sel, &ssd, esp, ext);
        if (vm) {
            vals[n++] = cpu->seg[SEG_GS].sel;
            vals[n++] = cpu->seg[SEG_FS].sel;
            vals[n++] = cpu->seg[SEG_DS].sel;
            vals[n++] = cpu->seg[SEG_ES].sel;
        }
        vals[n++] = cpu->seg[SEG_SS].sel;
        vals[n++] = cpu->reg[REG_ESP];
        new_cpl = dpl;
    } else if (vm || (!desc_conforming(&code) && dpl != cpu->cpl)) {
        raise_sel(cpu, EXC_GP, sel, ext);
    } else {
        current_stack(cpu, &st, ext);
    }
    vals[n++] = eflags;
    vals[n++] = cpu->seg[SEG_CS].sel;
    vals[n++] = cpu->eip;
    if (error_code != NO_ERROR_CODE)
        vals[n++] = (uint32_t)error_code;
    if (off > desc_limit(&code))
        cpu_raise(cpu, EXC_GP, ext);
    frame_push(cpu, &st, vals, n, size);

    /* Committed. */
    if (inner)
        load_ss(cpu, ss_sel, &ssd);
    cpu->reg[REG_ESP] = st.esp;
    cpu->eflags &= ~(FLAG_TF | FLAG_NT | FLAG_RF | FLAG_VM);
    if (!(type & 1))
        cpu->eflags &= ~FLAG_IF; /* interrupt gate (6.12.1.3) */
    load_cs(cpu, sel, &code, new_cpl);
    if (vm) {
        static const int data[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};
        for (int k = 0; k < 4; k++)
            seg_load_null(cpu, data[k], 0);
    }
    cpu->eip = off;
}

/* --- far JMP, CALL, RET --- */

static uint32_t next_eip(const struct cpu *cpu, const struct insn *i)
{
    uint32_t e = insn_next_eip(cpu, i);
    return (cpu->seg[SEG_CS].attr & SEG_ATTR_DB) ? e : e & 0xffff;
}

/* A code segment reached directly by JMP or CALL (Intel SDM Vol. 3, 5.8.1). */
static void check_direct_code(struct cpu *cpu, uint16_t sel, const struct descriptor *d)
{
    if (desc_conforming(d) ? desc_dpl(d) > cpu->cpl
                           : (sel & 3) > cpu->cpl || desc_dpl(d) != cpu->cpl)
        raise_sel(cpu, EXC_GP, sel, 0);
    if (!desc_present(d))
        raise_sel(cpu, EXC_NP, sel, 0);
}

/* The code segment a call gate names (5.8.4): null is #GP(0), non-code or a DPL
 * above CPL is #GP(sel). */
static void gate_target(struct cpu *cpu, const struct descriptor *gate, uint16_t *sel,
                        struct descriptor *code, uint32_t *off)
{
    *sel = gate_selector(gate);
    if ((*sel & 0xfffc) == 0)
        cpu_raise(cpu, EXC_GP, 0);
    if (!desc_fetch(cpu, *sel, code) || !desc_is_code(code) || desc_dpl(code) > cpu->cpl)
        raise_sel(cpu, EXC_GP, *sel, 0);
    if (!desc_present(code))
        raise_sel(cpu, EXC_NP, *sel, 0);
    *off = desc_type(gate) == DESC_CALL_GATE32 ? gate_offset(gate) : gate_offset(gate) & 0xffff;
}

/* System descriptors JMP/CALL may name: DPL >= max(CPL, RPL) (5.8.4, 7.3). */
static void check_system_target(struct cpu *cpu, uint16_t sel, const struct descriptor *d)
{
    uint32_t type = desc_type(d);
    if (type != DESC_CALL_GATE16 && type != DESC_CALL_GATE32 && type != DESC_TASK_GATE &&
        type != DESC_TSS16_AVAIL && type != DESC_TSS32_AVAIL)
        raise_sel(cpu, EXC_GP, sel, 0);
    if (desc_dpl(d) < cpu->cpl || desc_dpl(d) < (sel & 3u))
        raise_sel(cpu, EXC_GP, sel, 0);
    if (!desc_present(d))
        raise_sel(cpu, EXC_NP, sel, 0);
}

static void fetch_target(struct cpu *cpu, uint16_t sel, struct descriptor *d)
{
    if ((sel & 0xfffc) == 0)
        cpu_raise(cpu, EXC_GP, 0);
    if (!desc_fetch(cpu, sel, d))
        raise_sel(cpu, EXC_GP, sel, 0);
}

void far_jump_protected(struct cpu *cpu, const struct insn *i, uint16_t sel, uint32_t off)
{
    struct descriptor d;
    fetch_target(cpu, sel, &d);
    if (!desc_is_system(&d)) {
        if (!desc_is_code(&d))
            raise_sel(cpu, EXC_GP, sel, 0);
        check_direct_code(cpu, sel, &d);
        if (i->osize == 2)
            off &= 0xffff;
        if (off > desc_limit(&d))
            cpu_raise(cpu, EXC_GP, 0);
        load_cs(cpu, sel, &d, cpu->cpl);
        cpu->eip = off;
        return;
    }
    check_system_target(cpu, sel, &d);
    uint32_t type = desc_type(&d);
    if (type == DESC_CALL_GATE16 || type == DESC_CALL_GATE32) {
        uint16_t csel;
        struct descriptor code;
        gate_target(cpu, &d, &csel, &code, &off);
        /* JMP through a gate never changes privilege (5.8.5). */
        if (!desc_conforming(&code) && desc_dpl(&code) != cpu->cpl)
            raise_sel(cpu, EXC_GP, csel, 0);
        if (off > desc_limit(&code))
            cpu_raise(cpu, EXC_GP, 0);
        load_cs(cpu, csel, &code, cpu->cpl);
        cpu->eip = off;
        return;
    }
    switch_through(cpu, sel, &d, TASK_JMP, next_eip(cpu, i), 0);
}

void far_call_protected(struct cpu *cpu, const struct insn *i, uint16_t sel, uint32_t off)
{
    struct descriptor d;
    struct stack_target st;
    fetch_target(cpu, sel, &d);
    uint32_t ret = next_eip(cpu, i);
    if (!desc_is_system(&d)) {
        if (!desc_is_code(&d))
            raise_sel(cpu, EXC_GP, sel, 0);
        check_direct_code(cpu, sel, &d);
        if (i->osize == 2)
            off &= 0xffff;
        uint32_t vals[2] = {cpu->seg[SEG_CS].sel, ret};
        current_stack(cpu, &st, 0);
        if (off > desc_limit(&d))
            cpu_raise(cpu, EXC_GP, 0);
        frame_push(cpu, &st, vals, 2, i->osize);
        cpu->reg[REG_ESP] = st.esp;
        load_cs(cpu, sel, &d, cpu->cpl);
        cpu->eip = off;
        return;
    }
    check_system_target(cpu, sel, &d);
    uint32_t type = desc_type(&d);
    if (type != DESC_CALL_GATE16 && type != DESC_CALL_GATE32) {
        switch_through(cpu, sel, &d, TASK_CALL, ret, 0);
        return;
    }
    uint16_t csel;
    struct descriptor code;
    gate_target(cpu, &d, &csel, &code, &off);
    int size = type == DESC_CALL_GATE32 ? 4 : 2;
    uint32_t dpl = desc_dpl(&code);
    uint32_t vals[16];
    int n = 0;
    if (!desc_conforming(&code) && dpl < cpu->cpl) {
        /* Call to an inner level: new stack from the TSS, then the caller's SS:ESP,
         * the parameters copied from its stack, CS:EIP (5.8.6, figure 5-13). */
        uint16_t ss_sel;
        uint32_t esp;
        struct descriptor ssd;
        tss_inner_stack(cpu, dpl, &ss_sel, &esp, 0);
        check_stack_segment(cpu, ss_sel, dpl, &ssd, EXC_TS, 0);
        new_stack(&st, ss_sel, &ssd, esp, 0);
        uint32_t count = d.hi & 0x1f;
        vals[n++] = cpu->seg[SEG_SS].sel;
        vals[n++] = cpu->reg[REG_ESP];
        for (uint32_t k = count; k-- > 0;)
            vals[n++] = stack_peek(cpu, i, k * (uint32_t)size, size);
        vals[n++] = cpu->seg[SEG_CS].sel;
        vals[n++] = ret;
        if (off > desc_limit(&code))
            cpu_raise(cpu, EXC_GP, 0);
        frame_push(cpu, &st, vals, n, size);
        load_ss(cpu, ss_sel, &ssd);
        cpu->reg[REG_ESP] = st.esp;
        load_cs(cpu, csel, &code, dpl);
        cpu->eip = off;
        return;
    }
    vals[n++] = cpu->seg[SEG_CS].sel;
    vals[n++] = ret;
    current_stack(cpu, &st, 0);
    if (off > desc_limit(&code))
        cpu_raise(cpu, EXC_GP, 0);
    frame_push(cpu, &st, vals, n, size);
    cpu->reg[REG_ESP] = st.esp;
    load_cs(cpu, csel, &code, cpu->cpl);
    cpu->eip = off;
}

/* The CS a RET or IRET returns to (Vol. 2, RET "RETURN-TO-OTHER/SAME-PRIVILEGE"). */
static void check_return_cs(struct cpu *cpu, uint16_t sel, struct descriptor *d)
{
    if ((sel & 0xfffc) == 0)
        cpu_raise(cpu, EXC_GP, 0);
    if (!desc_fetch(cpu, sel, d) || !desc_is_code(d))
        raise_sel(cpu, EXC_GP, sel, 0);
    uint32_t rpl = sel & 3;
    if (rpl < cpu->cpl)
        raise_sel(cpu, EXC_GP, sel, 0);
    if (desc_conforming(d) ? desc_dpl(d) > rpl : desc_dpl(d) != rpl)
        raise_sel(cpu, EXC_GP, sel, 0);
    if (!desc_present(d))
        raise_sel(cpu, EXC_NP, sel, 0);
}

/* Loads SS:ESP popped for a return to an outer level. */
static void return_outer_stack(struct cpu *cpu, const struct insn *i, uint32_t at, uint32_t rpl,
                               uint32_t extra)
{
    int size = i->osize;
    uint32_t esp = stack_peek(cpu, i, at, size);
    uint16_t ss = (uint16_t)stack_peek(cpu, i, at + (uint32_t)size, 2);
    struct descriptor ssd;
    check_stack_segment(cpu, ss, rpl, &ssd, EXC_GP, 0);
    load_ss(cpu, ss, &ssd);
    if (size == 2)
        esp = (cpu->reg[REG_ESP] & 0xffff0000u) | (esp & 0xffff);
    if (ssd.hi & 0x00400000u)
        esp += extra;
    else
        esp = (esp & 0xffff0000u) | ((esp + extra) & 0xffff);
    cpu->reg[REG_ESP] = esp;
}

void ret_far_protected(struct cpu *cpu, const struct insn *i)
{
    int size = i->osize;
    uint32_t off = stack_peek(cpu, i, 0, size);
    uint16_t sel = (uint16_t)stack_peek(cpu, i, (uint32_t)size, 2);
    struct descriptor d;
    check_return_cs(cpu, sel, &d);
    if (off > desc_limit(&d))
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t rpl = sel & 3;
    if (rpl == cpu->cpl) {
        stack_ptr_set(cpu, i, stack_ptr(cpu, i) + 2 * (uint32_t)size + i->imm);
        load_cs(cpu, sel, &d, rpl);
        cpu->eip = off;
        return;
    }
    /* To an outer level: the caller's SS:ESP sits above the parameters; its checks
     * come before anything changes. */
    return_outer_stack(cpu, i, 2 * (uint32_t)size + i->imm, rpl, i->imm);
    load_cs(cpu, sel, &d, rpl);
    cpu->eip = off;
    nullify_inaccessible_segments(cpu);
}

/* --- IRET --- */

static void iret_set_flags(struct cpu *cpu, uint32_t flags, int size, uint32_t cpl)
{
    uint32_t iopl = (cpu->eflags & FLAG_IOPL) >> 12;
    uint32_t mask = FLAGS_ARITH | FLAG_TF | FLAG_DF | FLAG_NT;
    if (size == 4)
        mask |= FLAG_RF | FLAG_AC | FLAG_ID;
    if (cpl <= iopl)
        mask |= FLAG_IF;
    if (cpl == 0) {
        mask |= FLAG_IOPL;
        if (size == 4)
            mask |= FLAG_VIF | FLAG_VIP;
    }
    uint32_t old = cpu_get_eflags(cpu);
    cpu_set_eflags(cpu, (old & ~mask) | (flags & mask));
}

/* IRET from virtual-8086 mode at IOPL 3 is a real-mode IRET that keeps VM and
 * IOPL (Intel SDM Vol. 3, 20.2.7). */
static void iret_v86(struct cpu *cpu, const struct insn *i)
{
    if (vme_v86(cpu)) {
        vme_iret(cpu, i);
        return;
    }
    if (((cpu->eflags & FLAG_IOPL) >> 12) < 3)
        cpu_raise(cpu, EXC_GP, 0);
    int size = i->osize;
    uint32_t off = stack_peek(cpu, i, 0, size);
    uint16_t sel = (uint16_t)stack_peek(cpu, i, (uint32_t)size, 2);
    uint32_t flags = stack_peek(cpu, i, 2 * (uint32_t)size, size);
    if (off > 0xffff)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t mask = FLAGS_ARITH | FLAG_TF | FLAG_DF | FLAG_NT | FLAG_IF;
    if (size == 4)
        mask |= FLAG_RF | FLAG_AC | FLAG_ID;
    stack_ptr_set(cpu, i, stack_ptr(cpu, i) + 3 * (uint32_t)size);
    uint32_t old = cpu_get_eflags(cpu);
    cpu_set_eflags(cpu, (old & ~mask) | (flags & mask));
    cpu_load_seg_real(cpu, SEG_CS, sel);
    cpu->eip = off;
}

/* IRET with EFLAGS.VM set in the popped image, at CPL 0: back to V86 mode
 * (Vol. 2, IRET "RETURN-TO-VIRTUAL-8086-MODE"). */
static void iret_to_v86(struct cpu *cpu, const struct insn *i, uint32_t off, uint16_t cs,
                        uint32_t flags)
{
    uint32_t v[6];
    for (int k = 0; k < 6; k++)
        v[k] = stack_peek(cpu, i, 12 + 4 * (uint32_t)k, 4);
    cpu_set_eflags(cpu, flags);
    cpu_set_cpl(cpu, 3);
    cpu_load_seg_real(cpu, SEG_CS, cs);
    cpu_load_seg_real(cpu, SEG_SS, (uint16_t)v[1]);
    cpu_load_seg_real(cpu, SEG_ES, (uint16_t)v[2]);
    cpu_load_seg_real(cpu, SEG_DS, (uint16_t)v[3]);
    cpu_load_seg_real(cpu, SEG_FS, (uint16_t)v[4]);
    cpu_load_seg_real(cpu, SEG_GS, (uint16_t)v[5]);
    cpu->reg[REG_ESP] = v[0];
    cpu->eip = off & 0xffff;
}

void iret_protected(struct cpu *cpu, const struct insn *i)
{
    if (cpu->eflags & FLAG_VM) {
        iret_v86(cpu, i);
        return;
    }
    if (cpu->eflags & FLAG_NT) {
        /* Return from a nested task: the back link names a busy TSS in the GDT (7.4). */
        uint16_t link = (uint16_t)lin_read_kind(cpu, cpu->seg[SEG_TR].base, 2, TLB_SUPERVISOR);
        struct descriptor d;
        if ((link & 4) || !desc_fetch(cpu, link, &d) || !desc_is_system(&d) ||
            (desc_type(&d) != DESC_TSS16_BUSY && desc_type(&d) != DESC_TSS32_BUSY))
            raise_sel(cpu, EXC_TS, link, 0);
        task_switch(cpu, link, &d, TASK_IRET, next_eip(cpu, i), 0);
        return;
    }
    int size = i->osize;
    uint32_t off = stack_peek(cpu, i, 0, size);
    uint16_t sel = (uint16_t)stack_peek(cpu, i, (uint32_t)size, 2);
    uint32_t flags = stack_peek(cpu, i, 2 * (uint32_t)size, size);
    if (size == 4 && (flags & FLAG_VM) && cpu->cpl == 0) {
        iret_to_v86(cpu, i, off, sel, flags);
        return;
    }
    if (size == 2)
        off &= 0xffff;
    struct descriptor d;
    check_return_cs(cpu, sel, &d);
    if (off > desc_limit(&d))
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t rpl = sel & 3;
    uint32_t old_cpl = cpu->cpl;
    if (rpl == cpu->cpl) {
        stack_ptr_set(cpu, i, stack_ptr(cpu, i) + 3 * (uint32_t)size);
        iret_set_flags(cpu, flags, size, old_cpl);
        load_cs(cpu, sel, &d, rpl);
        cpu->eip = off;
        return;
    }
    return_outer_stack(cpu, i, 3 * (uint32_t)size, rpl, 0);
    iret_set_flags(cpu, flags, size, old_cpl);
    load_cs(cpu, sel, &d, rpl);
    cpu->eip = off;
    nullify_inaccessible_segments(cpu);
}

/* The CPU's public face: architectural state of one P6-class x86 CPU and the
 * calls the board and the tests use. Instruction handlers, the decoder and the block
 * cache live behind internal headers in this folder.
 *
 * Layout: the fields the execution loop and (later) JIT code touch on every
 * instruction come first, so that they share cache lines and have small fixed
 * offsets; docs/ARCHITECTURE.md lists them. Do not reorder them casually. */
#ifndef BT86_CPU_CPU_H
#define BT86_CPU_CPU_H

#include "cpu/fpu/fpu_state.h"
#include "mem/mem.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

enum gpr { REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_ESP, REG_EBP, REG_ESI, REG_EDI, REG_ZERO };
enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };

/* EFLAGS bits (Intel SDM Vol. 1, 3.4.3). */
#define FLAG_CF     0x00000001u
#define FLAG_FIXED1 0x00000002u /* bit 1 always reads 1 */
#define FLAG_PF     0x00000004u
#define FLAG_AF     0x00000010u
#define FLAG_ZF     0x00000040u
#define FLAG_SF     0x00000080u
#define FLAG_TF     0x00000100u
#define FLAG_IF     0x00000200u
#define FLAG_DF     0x00000400u
#define FLAG_OF     0x00000800u
#define FLAG_IOPL   0x00003000u
#define FLAG_NT     0x00004000u
#define FLAG_RF     0x00010000u
#define FLAG_VM     0x00020000u
#define FLAG_AC     0x00040000u
#define FLAG_VIF    0x00080000u
#define FLAG_VIP    0x00100000u
#define FLAG_ID     0x00200000u
#define FLAGS_ARITH (FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF)

#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u

#define CR4_VME 0x00000001u
#define CR4_PVI 0x00000002u
#define CR4_TSD 0x4u
#define CR4_DE  0x00000008u
#define CR4_PSE 0x00000010u
#define CR4_PAE 0x00000020u
#define CR4_MCE 0x00000040u
#define CR4_PGE 0x00000080u
#define CR4_PCE 0x00000100u
/* CR4 bits a P6 with the features CPUID reports accepts; others #GP. */
#define CR4_VALID                                                                                  \
    (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE |      \
     0x600u)

/* A segment register with its hidden descriptor cache. */
struct segment {
    uint32_t base;
    uint32_t limit; /* byte granular, after the G bit is applied */
    uint16_t sel;
    uint16_t attr; /* descriptor bits 40-47 (type, S, DPL, P) and 52-55 (AVL, L, D/B, G) as
                      bits 0-7 and 12-15, the layout LAR returns shifted right by 8 */
    /* Derived for the access fast path: an access [off, off+size-1] is allowed when
     * off >= valid_lo and off+size-1 <= valid_hi (expand-down segments and
     * unusable ones are encoded here too), and by kind when readable/writable. */
    uint32_t valid_lo, valid_hi;
    bool readable, writable;
};

#define SEG_ATTR_ACCESSED  0x0001u
#define SEG_ATTR_WRITABLE  0x0002u /* data: writable; code: readable */
#define SEG_ATTR_EXPDOWN   0x0004u /* data: expand-down; code: conforming */
#define SEG_ATTR_CODE      0x0008u
#define SEG_ATTR_S         0x0010u /* code/data (not system) */
#define SEG_ATTR_DPL_SHIFT 5
#define SEG_ATTR_P         0x0080u
#define SEG_ATTR_DB        0x4000u
#define SEG_ATTR_G         0x8000u

/* Lazy arithmetic flags: the last flag-setting operation, materialised into
 * EFLAGS only when something reads the flags (flags.c). */
enum lazy_op {
    LAZY_NONE, /* eflags holds the arithmetic flags */
    LAZY_ADD,  /* ADD, ADC: a + b (+ carry) = res */
    LAZY_SUB,  /* SUB, SBB, CMP, NEG (a = 0): a - b (- borrow) = res */
    LAZY_LOGIC,
    LAZY_INC, /* like ADD with b = 1, but CF is kept in eflags */
    LAZY_DEC, /* like SUB with b = 1, but CF is kept in eflags */
    /* SHL/SHR/SAR with a nonzero count, MUL, IMUL: a is CF (0 or FLAG_CF), b is
     * OF (0 or FLAG_OF), SF ZF PF come from res, AF is 0 */
    LAZY_CFOF,
};

struct lazy_flags {
    uint32_t res, a, b;
    uint8_t op;   /* enum lazy_op */
    uint8_t size; /* operand size in bytes: 1, 2, 4 */
};

/* What the CPU needs from the board: port I/O and the interrupt acknowledge cycle. */
struct cpu_bus {
    uint32_t (*io_read)(void *opaque, uint16_t port, int size);
    void (*io_write)(void *opaque, uint16_t port, uint32_t value, int size);
    int (*irq_ack)(void *opaque); /* INTA: returns the vector of the pending IRQ */
    /* Optional: told of every event before it is delivered (kind: enum event_kind in
     * cpu/exception.h; error_code -1 when there is none), with CS:EIP as pushed. */
    void (*trace_event)(void *opaque, int vector, int error_code, int kind);
    void *opaque;
    /* Optional (may be NULL): the FERR# output. With CR0.NE=0 a pending unmasked x87
     * exception raises it at the next waiting FPU instruction (level 1); clearing
     * the exception (FNCLEX, FNINIT, a state load) lowers it. A PC wires it to IRQ 13
     * (SDM Vol. 1, D.2.1). */
    void (*ferr)(void *opaque, int level);
};

/* How cpu_run returned. */
enum cpu_exit {
    CPU_EXIT_BUDGET,   /* the instruction budget ran out */
    CPU_EXIT_REQUEST,  /* cpu_request_exit was called (a device wants attention) */
    CPU_EXIT_HALT,     /* HLT: waiting for an interrupt */
    CPU_EXIT_SHUTDOWN, /* triple fault: the board decides (reset) */
    /* an exception was raised while intercept_exceptions was set: cpu->raised says
     * which, EIP is the faulting instruction's (the next one for traps and INT n),
     * and nothing was delivered */
    CPU_EXIT_EXCEPTION,
};

struct block;
struct block_cache;
struct insn;
struct decoder;

#define MCA_BANKS 5

struct cpu {
    /* --- hot: touched by every instruction --- */
    uint32_t reg[9]; /* enum gpr order; reg[REG_ZERO] is always 0 (absent base/index) */
    /* While a block runs, eip is the EIP of the block's first instruction; an
     * instruction's own EIP is eip + insn->eip_off (see insn.h). Between blocks it is
     * the EIP of the next instruction. */
    uint32_t eip;
    uint32_t eflags; /* arithmetic bits are stale while lazy.op != LAZY_NONE */
    struct lazy_flags lazy;
    int32_t budget; /* cycles left in this run (instructions and stalls); <= 0 ends it */
    uint32_t cpl;
    uint64_t icount;             /* retired instructions since reset */
    struct tlb_entry *tlb_kind;  /* tlb.entries[kind] for the current CPL */
    const struct insn *cur_insn; /* the instruction being executed */
    struct block *cur_block;
    struct segment seg[SEG_COUNT];

    /* --- system state --- */
    uint32_t cr[5];
    /* PAE: the PDPTE registers (Intel SDM Vol. 3, 4.4.1), plain values a snapshot
     * saves with the control registers; valid while PAE paging is on. */
    uint64_t pdpte[PAGING_PDPTES];
    uint32_t dr[8];
    struct {
        uint32_t base;
        uint32_t limit;
    } gdtr, idtr;
    uint64_t efer;
    uint32_t a20_mask; /* ~0, or ~(1 << 20) when the A20 gate is closed */
    bool halted;
    bool intr_line;            /* INTR input from the interrupt controller */
    bool inhibit_irq;          /* interrupt shadow after STI, MOV SS, POP SS */
    bool exit_requested;       /* cpu_request_exit */
    bool intercept_exceptions; /* stop with CPU_EXIT_EXCEPTION instead of delivering */
    int delivering;            /* nonzero while an event is being delivered */
    int delivering_vector;     /* ... and which (double/triple fault detection) */
    enum cpu_exit exit_reason;
    uint64_t tsc_offset;
    /* Clock cycles that passed without retiring an instruction (HLT, I/O bus
     * waits): cpu_cycles() = retired instructions + stall_cycles. */
    uint64_t stall_cycles;
    /* Model-specific registers (msr.c). MCA_BANKS: the P6 has five machine-check
     * banks (Intel SDM Vol. 3, 15.3.2). */
    struct {
        uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
        uint64_t apic_base;
        uint64_t pat;
        uint64_t bios_sign;
        uint64_t mtrr_def_type;
        uint64_t mtrr_fixed[11];
        uint64_t mtrr_var[16]; /* PHYSBASE0, PHYSMASK0, ... */
        uint64_t perfctr[2], evntsel[2];
        uint64_t mcg_status, mcg_ctl, mc_ctl[MCA_BANKS];
    } msr;
    /* Implicit supervisor accesses (descriptor tables, TSS) in progress: the
     * fault-time EIP for events raised while delivering a trap-like event. */
    uint32_t event_eip;
    bool event_retired; /* the event's instruction was counted as retired */
    bool eip_committed; /* a task switch set the new task's EIP: faults belong to it */
    bool dr_data_bp;    /* DR7 enables a data breakpoint: TLB slow path for its pages */
    bool dr_exec_bp;    /* DR7 enables an instruction breakpoint */
    bool dr_io_bp;      /* DR7 enables an I/O breakpoint (R/W = 10) and CR4.DE = 1 */
    /* Alignment checking is armed: CR0.AM = 1, EFLAGS.AC = 1 and CPL = 3 (Intel SDM
     * Vol. 3, 6.15). Kept by cpu_update_ac; while set, tlb_kind points at
     * tlb_ac_miss so that every user access reaches the slow path, which checks. */
    bool ac_armed;
    uint32_t db_pending; /* DR6 B0-B3 bits of data breakpoints hit by this instruction */
    struct fpu fpu;

    /* --- machinery --- */
    struct phys_space *phys;
    struct cpu_bus bus;
    struct tlb tlb;
    /* A TLB array whose tags never match (TLB_INVALID, never filled or flushed):
     * tlb_kind while alignment checking is armed. */
    struct tlb_entry tlb_ac_miss[TLB_ENTRIES];
    struct block_cache *cache;
    struct decoder *decoder;
    struct block *prev_block; /* the block that ran last, for chaining */
    struct {
        int type; /* enum raise_type (exception.c) */
        int vector;
        int error_code;
        int kind; /* enum event_kind */
        uint32_t next_eip;
    } raised;
    jmp_buf exc_jmp; /* exceptions longjmp here (exec.c) */
};

/* Allocates a CPU on a physical space and resets it. NULL when out of memory. */
struct cpu *cpu_create(struct phys_space *phys);
void cpu_destroy(struct cpu *cpu);
void cpu_set_bus(struct cpu *cpu, const struct cpu_bus *bus);

/* Power-on/RESET state (Intel SDM Vol. 3, 10.1): real mode at F000:FFF0. */
void cpu_reset(struct cpu *cpu);

/* Runs guest code until budget clock cycles have passed (retired instructions and
 * stalls; a block may overshoot by less than its length), the CPU halts, or an
 * exit is requested. */
enum cpu_exit cpu_run(struct cpu *cpu, int32_t budget);

/* Ends the current run at the next block boundary (callable from device code that
 * runs inside an instruction, e.g. a port write). */
void cpu_request_exit(struct cpu *cpu);

/* The INTR pin. The CPU calls bus.irq_ack when it takes the interrupt. */
void cpu_set_intr(struct cpu *cpu, bool level);

/* Retired instructions, exact also while a block runs (a device reading the clock
 * from inside an IN/OUT sees the count up to that instruction). */
uint64_t cpu_retired(const struct cpu *cpu);

/* Processor clock cycles since reset: one per retired instruction plus the stalls.
 * The time-stamp counter and virtual time both run on it (DESIGN.md, Time). */
uint64_t cpu_cycles(const struct cpu *cpu);
/* Lets cycles pass without retiring instructions: the machine charges a halted
 * CPU's idle time and the bus cycle of a port access here. */
void cpu_stall(struct cpu *cpu, uint64_t cycles);

/* EFLAGS with the lazy arithmetic flags materialised. */
uint32_t cpu_get_eflags(struct cpu *cpu);
/* Sets every EFLAGS bit as given (a debugger/test write, no privilege checks;
 * reserved bits forced to their fixed values). */
void cpu_set_eflags(struct cpu *cpu, uint32_t value);

/* Loads a segment register the real-mode way (base = sel << 4, limit and attributes
 * unchanged, as on a real CPU). */
void cpu_load_seg_real(struct cpu *cpu, enum seg_reg seg, uint16_t sel);
/* Sets a segment's hidden cache directly (tests, loaders): a flat or 16-bit segment
 * without any descriptor table. attr as struct segment.attr. */
void cpu_set_seg_cache(struct cpu *cpu, enum seg_reg seg, uint16_t sel, uint32_t base,
                       uint32_t limit, uint16_t attr);

/* Protected mode with flat 4 GiB 32-bit code and data segments in the caches
 * (selectors code_sel, code_sel + 8), without touching descriptor tables: the
 * state a boot loader hands over, and what tests and benchmarks start from. */
void cpu_set_flat32(struct cpu *cpu, uint16_t code_sel);

/* Control register writes with their side effects (TLB flush, mode change, and
 * with PAE paging the PDPTE registers loaded as SDM Vol. 3, 4.4.1 says). These
 * never fail: a present PDPTE with reserved bits is loaded as it is, and faults
 * (#PF with RSVD) when a walk uses it. */
void cpu_set_cr0(struct cpu *cpu, uint32_t value);
void cpu_set_cr3(struct cpu *cpu, uint32_t value);
void cpu_set_cr4(struct cpu *cpu, uint32_t value);
/* The same write as MOV to CR0/CR3/CR4 does it (n = 0, 3, 4; n = 3 also for a task
 * switch's CR3 load): false, with nothing changed, when the write would load the
 * PDPTE registers and a present PDPTE has a reserved bit set; the caller raises
 * #GP(0). */
bool cpu_write_cr(struct cpu *cpu, int n, uint32_t value);
/* Sets the CPL and points tlb_kind at its TLB array: the only way CPL changes. */
void cpu_set_cpl(struct cpu *cpu, uint32_t cpl);
/* Recomputes ac_armed and tlb_kind from CR0.AM, EFLAGS.AC and the CPL: called by
 * cpu_set_cpl, cpu_set_eflags and CR0 writes, and by anything else that changes
 * one of the three in place. */
void cpu_update_ac(struct cpu *cpu);
void cpu_set_a20(struct cpu *cpu, bool enabled);

/* Guest memory as the CPU sees it at the current CPL, for debuggers and tests:
 * false when the linear address does not translate. */
bool cpu_read_linear(struct cpu *cpu, uint32_t linear, void *buf, uint32_t len);

/* The physical range was written behind the CPU's back (DMA, loaders): drop any
 * blocks translated from it. */
void cpu_invalidate_phys(struct cpu *cpu, uint64_t paddr, uint32_t len);

#endif

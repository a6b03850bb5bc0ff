/* x87 instruction layer: state image layouts (FSAVE/FSTENV per SDM Vol. 1, figures
 * 8-9 to 8-12; FXSAVE per SDM Vol. 2, FXSAVE table), #NM for every CR0.EM/MP/TS
 * combination, #MF with CR0.NE=1 and FERR# with CR0.NE=0, stack overflow and
 * underflow, FCOMI flags, FCMOVcc, and the constants under each rounding mode. */
#include "cpu_rig.h"

#include "cpu/exception.h"
#include "cpu/fpu/fpu_state.h"

static void assert_f80_at(struct rig *r, uint32_t a, uint16_t se, uint64_t mant)
{
    assert_int_equal(rd(r, a, 8), mant);
    assert_int_equal(rd(r, a + 8, 2), se);
}

#define PI_SE      0x4000
#define PI_MANT    0xC90FDAA22168C234u /* pi truncated to 64 bits; next bits C4C6... */
#define ONE_MANT   0x8000000000000000u
#define INDEF_SE   0xFFFF
#define INDEF_MANT 0xC000000000000000u

/* --- image layouts --- */

/* 32-bit protected-mode FNSAVE, figure 8-9, and the FNINIT that follows it. */
static void fnsave_protected32_layout(void **state)
{
    struct rig *r = *state;
    wr(r, 0x1000, 0x3F800000u, 4);             /* 1.0f */
    RUN32(r, 0xDB, 0xE3,                       /* 100: fninit */
          0xD9, 0xE8,                          /* 102: fld1 */
          0xD9, 0xEB,                          /* 104: fldpi */
          0xD8, 0x05, 0x00, 0x10, 0x00, 0x00,  /* 106: fadd dword [1000h] */
          0xDD, 0x35, 0x00, 0x20, 0x00, 0x00,  /* 10c: fnsave [2000h] */
          0xD9, 0x3D, 0x00, 0x30, 0x00, 0x00); /* 112: fnstcw [3000h] */
    assert_int_equal(rd(r, 0x2000, 4), 0xFFFF037Fu);
    assert_int_equal(rd(r, 0x2004, 4), 0xFFFF3020u); /* TOP = 6, PE (below) */
    assert_int_equal(rd(r, 0x2008, 4), 0xFFFF0FFFu); /* R6, R7 valid */
    assert_int_equal(rd(r, 0x200C, 4), 0x106);       /* FADD's EIP */
    assert_int_equal(rd(r, 0x2010, 2), 0x08);        /* its CS */
    assert_int_equal(rd(r, 0x2012, 2), 0x005);       /* FOP: D8 & 7, ModRM 05 */
    assert_int_equal(rd(r, 0x2014, 4), 0x1000);      /* operand offset */
    assert_int_equal(rd(r, 0x2018, 2), 0x10);        /* operand selector */
    /* FLDPI rounds to nearest: C90FDAA22168C235 (the next bits are C4C6...); + 1 is
     * 1090FDAA22168C235 / 2: a tie, to even 8487ED5110B4611A, inexact, C1 = 0 */
    assert_f80_at(r, 0x201C, 0x4001, 0x8487ED5110B4611Au);
    assert_f80_at(r, 0x2026, 0x3FFF, ONE_MANT);
    assert_int_equal(rd(r, 0x3000, 2), 0x037F); /* FNSAVE reinitialized */
    assert_int_equal(r->cpu->fpu.tag, 0xFFFF);
}

/* 16-bit protected-mode FNSTENV (operand-size prefix), figure 8-11. */
static void fnstenv_protected16_layout(void **state)
{
    struct rig *r = *state;
    wr(r, 0x1000, 0x3F800000u, 4);
    RUN32(r, 0xDB, 0xE3,                             /* 100: fninit */
          0xD9, 0x05, 0x00, 0x10, 0x00, 0x00,        /* 102: fld dword [1000h] */
          0x66, 0xD9, 0x35, 0x00, 0x20, 0x00, 0x00); /* 108: o16 fnstenv [2000h] */
    static const uint16_t want[7] = {0x037F, 0x3800, 0x3FFF, 0x102, 0x08, 0x1000, 0x10};
    for (int k = 0; k < 7; k++)
        assert_int_equal(rd(r, 0x2000 + 2u * k, 2), want[k]);
    assert_int_equal(rd(r, 0x200E, 2), 0); /* nothing beyond 14 bytes */
}

/* Real-mode FNSTENV, 16-bit (figure 8-12) and 32-bit (figure 8-10): the pointers
 * are 20-bit linear addresses, with the opcode beside the instruction pointer's
 * high bits. DS = 1000h makes the operand's linear address 11234h. */
static void fnstenv_real_layouts(void **state)
{
    struct rig *r = *state;
    wr(r, 0x11234, 0x3F800000u, 4);
    RUN16(r, 0xB8, 0x00, 0x10,                 /* 100: mov ax, 1000h */
          0x8E, 0xD8,                          /* 103: mov ds, ax */
          0xDB, 0xE3,                          /* 105: fninit */
          0xD9, 0x06, 0x34, 0x12,              /* 107: fld dword [1234h] */
          0x26, 0xD9, 0x36, 0x00, 0x20,        /* 10b: fnstenv es:[2000h] */
          0x66, 0x26, 0xD9, 0x36, 0x00, 0x30); /* 110: o32 fnstenv es:[3000h] */
    static const uint16_t want16[7] = {0x037F, 0x3800, 0x3FFF, 0x0107, 0x0106, 0x1234, 0x1000};
    for (int k = 0; k < 7; k++)
        assert_int_equal(rd(r, 0x2000 + 2u * k, 2), want16[k]);
    /* 32-bit: low halves as above; IP bits 31-16 and DP bits 31-16 at bits 12-27 */
    assert_int_equal(rd(r, 0x3000, 2), 0x037F);
    assert_int_equal(rd(r, 0x3004, 2), 0x3800);
    assert_int_equal(rd(r, 0x3008, 2), 0x3FFF);
    assert_int_equal(rd(r, 0x300C, 2), 0x0107);
    assert_int_equal(rd(r, 0x3010, 4), 0x00000106u);
    assert_int_equal(rd(r, 0x3014, 2), 0x1234);
    assert_int_equal(rd(r, 0x3018, 4), 0x00001000u);
}

/* FRSTOR loads registers in stack order for the loaded TOP; the tag word is
 * recomputed from contents except "empty" (SDM Vol. 1, 8.1.7); RC takes effect. */
static void frstor_loads_state(void **state)
{
    struct rig *r = *state;
    uint8_t img[108];
    memset(img, 0, sizeof img);
    uint32_t env[7] = {0xFFFF0C7Fu,  /* RC = toward zero */
                       0xFFFF5800u,  /* C3, TOP = 3 */
                       0xFFFFFC3Fu}; /* R3 valid (ST0), R4 valid (but holds +0) */
    memcpy(img, env, sizeof env);
    uint64_t m = 0xA000000000000000u; /* 2.5 */
    memcpy(img + 28, &m, 8);
    img[36] = 0x00, img[37] = 0x40;
    load(r, 0x2000, img, sizeof img);
    RUN32(r, 0xDD, 0x25, 0x00, 0x20, 0x00, 0x00, /* frstor [2000h] */
          0xDD, 0x35, 0x00, 0x21, 0x00, 0x00,    /* fnsave [2100h] (tags as stored) */
          0xDD, 0x25, 0x00, 0x20, 0x00, 0x00,    /* frstor [2000h] */
          0xDB, 0x1D, 0x00, 0x30, 0x00, 0x00,    /* fistp dword [3000h] */
          0xD9, 0x35, 0x00, 0x31, 0x00, 0x00);   /* fnstenv [3100h] */
    assert_int_equal(rd(r, 0x2108, 2), 0xFD3F);  /* R4's tag became "zero" */
    assert_int_equal(rd(r, 0x2104, 2), 0x5800);
    assert_int_equal(rd(r, 0x3000, 4), 2); /* 2.5 truncated */
    assert_int_equal(rd(r, 0x3100, 2), 0x0C7F);
    assert_int_equal(rd(r, 0x3104, 2) & 0x3800, 0x2000); /* popped: TOP = 4 */
    assert_int_equal(rd(r, 0x3108, 2), 0xFDFF);          /* R3 empty now */
}

/* FXSAVE (SDM Vol. 2, FXSAVE, table "legacy region"): FCW, FSW, abridged FTW,
 * FOP, FIP, FCS, FDP, FDS, then ST(i) at 32 + 16i; FXRSTOR takes it back. */
static void fxsave_layout_and_fxrstor(void **state)
{
    struct rig *r = *state;
    for (uint32_t a = 0x2000; a < 0x2200; a += 4)
        wr(r, a, 0xA5A5A5A5u, 4);
    RUN32(r, 0xDB, 0xE3,                             /* 100: fninit */
          0xD9, 0xE8,                                /* 102: fld1 */
          0xD9, 0xEE,                                /* 104: fldz */
          0x0F, 0xAE, 0x05, 0x00, 0x20, 0x00, 0x00); /* 106: fxsave [2000h] */
    assert_int_equal(rd(r, 0x2000, 2), 0x037F);
    assert_int_equal(rd(r, 0x2002, 2), 0x3000);
    assert_int_equal(rd(r, 0x2004, 1), 0xC0);  /* R6, R7 not empty */
    assert_int_equal(rd(r, 0x2006, 2), 0x1EE); /* FLDZ: D9 EE */
    assert_int_equal(rd(r, 0x2008, 4), 0x104);
    assert_int_equal(rd(r, 0x200C, 2), 0x08);
    assert_f80_at(r, 0x2020, 0, 0);
    assert_f80_at(r, 0x2030, 0x3FFF, ONE_MANT);
    assert_int_equal(rd(r, 0x21D0, 4), 0xA5A5A5A5u); /* bytes 464-511 untouched */

    /* FXRSTOR: make ST0 = 1.0 (R6) and empty R7 via the abridged tags */
    wr(r, 0x2020, ONE_MANT, 8);
    wr(r, 0x2028, 0x3FFF, 2);
    wr(r, 0x2004, 0x40, 1);
    RUN32(r, 0xDB, 0xE3, 0x0F, 0xAE, 0x0D, 0x00, 0x20, 0x00, 0x00, /* fxrstor [2000h] */
          0xD9, 0x35, 0x00, 0x30, 0x00, 0x00);                     /* fnstenv [3000h] */
    assert_int_equal(rd(r, 0x3004, 2), 0x3000);
    assert_int_equal(rd(r, 0x3008, 2), 0xCFFF); /* R6 valid, R7 empty */
    assert_int_equal(r->cpu->fpu.reg[6].mant, ONE_MANT);
}

static void fxsave_misaligned_is_gp(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0x0F, 0xAE, 0x06, 0x08, 0x20}; /* fxsave [2008h] */
    rig_run16_fault(r, code, sizeof code, EXC_GP, 0);
}

/* --- #NM --- */

static bool faults_nm(struct rig *r, uint32_t cr0, const uint8_t *code, size_t len)
{
    r->cpu->cr[0] = cr0;
    assert_int_equal(rig_run16_exit(r, code, len), CPU_EXIT_HALT);
    uint64_t mark = rd(r, RIG_FAULT_MARK, 1);
    if (mark != RIG_NO_FAULT)
        assert_int_equal(mark, EXC_NM); /* no other fault */
    return mark == EXC_NM;
}

/* SDM Vol. 3, table 2-2: ESC raises #NM when EM or TS; WAIT when MP and TS. */
static void nm_for_each_cr0_combination(void **state)
{
    struct rig *r = *state;
    static const uint8_t fld1[] = {0xD9, 0xE8};
    static const uint8_t fninit[] = {0xDB, 0xE3};
    static const uint8_t fwait[] = {0x9B};
    static const uint8_t fxsave[] = {0x0F, 0xAE, 0x06, 0x00, 0x20};
    for (uint32_t bits = 0; bits < 8; bits++) {
        uint32_t cr0 = CR0_ET | ((bits & 1) ? CR0_MP : 0) | ((bits & 2) ? CR0_EM : 0) |
                       ((bits & 4) ? CR0_TS : 0);
        bool esc = (cr0 & (CR0_EM | CR0_TS)) != 0;
        bool wait = (cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS);
        assert_int_equal(faults_nm(r, cr0, fld1, sizeof fld1), esc);
        assert_int_equal(faults_nm(r, cr0, fninit, sizeof fninit), esc);
        assert_int_equal(faults_nm(r, cr0, fxsave, sizeof fxsave), esc);
        assert_int_equal(faults_nm(r, cr0, fwait, sizeof fwait), wait);
    }
}

/* --- pending exceptions --- */

/* fninit; fldcw [1000h] (ZE unmasked); fldz; fld1; fdiv st0, st1 (1/0);
 * fnstsw ax (no-wait: no fault); then the waiting instruction at offset 14. */
#define ZE_PROLOGUE                                                                                \
    0xDB, 0xE3, 0xD9, 0x2E, 0x00, 0x10, 0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1, 0xDF, 0xE0

static void mf_when_ne_set(void **state)
{
    struct rig *r = *state;
    wr(r, 0x1000, 0x037B, 2);
    r->cpu->cr[0] = CR0_ET | CR0_NE;
    static const uint8_t fld1[] = {ZE_PROLOGUE, 0xD9, 0xE8};
    rig_run16_fault(r, fld1, sizeof fld1, EXC_MF, 14);
    uint16_t ax = (uint16_t)r->cpu->reg[REG_EAX];
    assert_int_equal(ax & 0xFF, F80_ZE | FPU_SW_ES);
    assert_true(ax & FPU_SW_B);
    /* the unmasked ZE delivered no result, the faulting FLD1 did nothing */
    assert_int_equal(r->cpu->fpu.top, 6);
    assert_int_equal(r->cpu->fpu.reg[6].mant, ONE_MANT);

    /* FWAIT reports it too; FNCLEX clears it */
    static const uint8_t fwait[] = {ZE_PROLOGUE, 0x9B};
    rig_run16_fault(r, fwait, sizeof fwait, EXC_MF, 14);
    RUN16(r, ZE_PROLOGUE, 0xDB, 0xE2, 0xD9, 0xE8); /* fnclex; fld1 */
    assert_int_equal(rd(r, RIG_FAULT_MARK, 1), RIG_NO_FAULT);
    assert_int_equal(r->cpu->fpu.top, 5);
}

struct ferr_log {
    int calls;
    int level;
};

static void record_ferr(void *opaque, int level)
{
    struct ferr_log *log = opaque;
    log->calls++;
    log->level = level;
}

/* CR0.NE=0: the next waiting instruction raises FERR# (IRQ 13 on a PC) once and
 * proceeds; FNCLEX lowers it. */
static void ferr_when_ne_clear(void **state)
{
    struct rig *r = *state;
    struct ferr_log log = {0, 0};
    struct cpu_bus bus = {.ferr = record_ferr, .opaque = &log};
    cpu_set_bus(r->cpu, &bus);
    wr(r, 0x1000, 0x037B, 2);
    r->cpu->cr[0] = CR0_ET;
    RUN16(r, ZE_PROLOGUE, 0xD9, 0xE8, 0xD9, 0xE8); /* fld1; fld1 */
    assert_int_equal(rd(r, RIG_FAULT_MARK, 1), RIG_NO_FAULT);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.level, 1);
    assert_int_equal(r->cpu->fpu.top, 4); /* both loads ran */
    RUN16(r, 0xDB, 0xE2);                 /* fnclex */
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.level, 0);
}

/* --- stack faults (SDM Vol. 1, 8.5.1.1) --- */

static uint16_t sw_of(struct rig *r)
{
    return fpu_status_word(&r->cpu->fpu);
}

static void stack_overflow_and_underflow(void **state)
{
    struct rig *r = *state;
    /* nine pushes: the ninth overflows; masked, ST0 becomes the indefinite */
    RUN32(r, 0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xE8, 0xD9, 0xE8, 0xD9, 0xE8, 0xD9, 0xE8, 0xD9, 0xE8,
          0xD9, 0xE8, 0xD9, 0xE8, 0xD9, 0xEE, 0xD9, 0x35, 0x00, 0x30, 0x00, 0x00);
    assert_int_equal(sw_of(r) & 0x7FFF, F80_IE | FPU_SW_SF | FPU_SW_C1 | (7u << 11));
    assert_int_equal(rd(r, 0x3008, 2), 0x8000); /* ST0 = R7 special, the rest valid */
    assert_int_equal(r->cpu->fpu.reg[7].se, INDEF_SE);
    assert_int_equal(r->cpu->fpu.reg[7].mant, INDEF_MANT);

    /* underflow: FADD with ST1 empty; C1 = 0 */
    RUN32(r, 0xDB, 0xE3, 0xD9, 0xE8, 0xD8, 0xC1);
    assert_int_equal(sw_of(r) & 0x7FFF, F80_IE | FPU_SW_SF | (7u << 11));
    assert_int_equal(r->cpu->fpu.tag, 0xBFFF); /* R7 special */
    assert_int_equal(r->cpu->fpu.reg[7].mant, INDEF_MANT);

    /* unmasked: nothing changes but the flags, ES and B */
    wr(r, 0x1000, 0x037E, 2);
    RUN32(r, 0xDB, 0xE3, 0xD9, 0x2D, 0x00, 0x10, 0x00, 0x00, 0xD9, 0xE8, 0xD8, 0xC1);
    assert_int_equal(sw_of(r), F80_IE | FPU_SW_SF | FPU_SW_ES | FPU_SW_B | (7u << 11));
    assert_int_equal(r->cpu->fpu.tag, 0x3FFF);
    assert_int_equal(r->cpu->fpu.reg[7].mant, ONE_MANT);
}

/* --- FCOMI, FCMOVcc --- */

static uint32_t fcomi_flags(struct rig *r, uint8_t first, uint8_t second, uint8_t op, uint8_t modrm)
{
    /* fninit; fld <first>; fld <second>; op st0, st1 */
    const uint8_t code[] = {0xDB, 0xE3, 0xD9, first, 0xD9, second, op, modrm, 0xF4};
    rig_set_flags(r, OF | SF | AF);
    rig_run32(r, code, sizeof code);
    return cpu_get_eflags(r->cpu) & ALL;
}

static void fcomi_sets_zf_pf_cf(void **state)
{
    struct rig *r = *state;
    /* SDM Vol. 2, FCOMI: greater 000, less 001, equal 100, unordered 111 */
    assert_int_equal(fcomi_flags(r, 0xE8, 0xEE, 0xDB, 0xF1), CF); /* 0 < 1 */
    assert_int_equal(fcomi_flags(r, 0xEE, 0xE8, 0xDB, 0xF1), 0);  /* 1 > 0 */
    assert_int_equal(fcomi_flags(r, 0xE8, 0xE8, 0xDB, 0xF1), ZF); /* equal */
    assert_int_equal(sw_of(r) & 0x3F, 0);
    /* FCOMIP pops */
    assert_int_equal(fcomi_flags(r, 0xE8, 0xE8, 0xDF, 0xF1), ZF);
    assert_int_equal(r->cpu->fpu.top, 7);
    /* unordered: 0/0 is the indefinite (IE); FUCOMI with a QNaN raises nothing */
    RUN32(r, 0xDB, 0xE3, 0xD9, 0xEE, 0xD8, 0xF0, 0xDB, 0xE2, 0xD9, 0xE8, 0xDB, 0xE9);
    assert_flags(r, ALL, ZF | PF | CF);
    assert_int_equal(sw_of(r) & 0x3F, 0);
    RUN32(r, 0xDB, 0xE3, 0xD9, 0xEE, 0xD8, 0xF0, 0xDB, 0xE2, 0xD9, 0xE8, 0xDB, 0xF1);
    assert_flags(r, ALL, ZF | PF | CF);
    assert_int_equal(sw_of(r) & 0x3F, F80_IE);
}

static void fcmov_follows_eflags(void **state)
{
    struct rig *r = *state;
    /* fninit; fld1; fldz; <flag op>; fcmovb st0, st1; fistp dword [3000h] */
    rig_set_flags(r, 0);
    RUN32(r, 0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEE, 0xF9, 0xDA, 0xC1, 0xDB, 0x1D, 0x00, 0x30, 0x00,
          0x00);
    assert_int_equal(rd(r, 0x3000, 4), 1); /* CF=1: moved */
    RUN32(r, 0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEE, 0xF8, 0xDA, 0xC1, 0xDB, 0x1D, 0x00, 0x30, 0x00,
          0x00);
    assert_int_equal(rd(r, 0x3000, 4), 0); /* CF=0: kept */
    /* fcmovnbe (CF=0 and ZF=0) after clc */
    rig_set_flags(r, 0);
    RUN32(r, 0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEE, 0xF8, 0xDB, 0xD1, 0xDB, 0x1D, 0x00, 0x30, 0x00,
          0x00);
    assert_int_equal(rd(r, 0x3000, 4), 1);
    /* fcmovu with PF=0: kept */
    rig_set_flags(r, 0);
    RUN32(r, 0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEE, 0xF8, 0xDA, 0xD9, 0xDB, 0x1D, 0x00, 0x30, 0x00,
          0x00);
    assert_int_equal(rd(r, 0x3000, 4), 0);
}

/* --- constants (SDM Vol. 1, 8.3.8): rounded per RC from their exact values --- */

static void constants_round_per_rc(void **state)
{
    struct rig *r = *state;
    static const struct {
        uint8_t op;
        uint16_t se;
        uint64_t down, up; /* truncated and rounded-up significands */
        bool nearest_up;   /* the discarded bits are above one half */
    } k[] = {
        {0xE9, 0x4000, 0xD49A784BCD1B8AFEu, 0xD49A784BCD1B8AFFu, false}, /* L2T */
        {0xEA, 0x3FFF, 0xB8AA3B295C17F0BBu, 0xB8AA3B295C17F0BCu, true},  /* L2E */
        {0xEB, PI_SE, PI_MANT, PI_MANT + 1, true},                       /* PI */
        {0xEC, 0x3FFD, 0x9A209A84FBCFF798u, 0x9A209A84FBCFF799u, true},  /* LG2 */
        {0xED, 0x3FFE, 0xB17217F7D1CF79ABu, 0xB17217F7D1CF79ACu, true},  /* LN2 */
        {0xE8, 0x3FFF, ONE_MANT, ONE_MANT, false},                       /* 1 */
        {0xEE, 0x0000, 0, 0, false},                                     /* 0 */
    };
    for (size_t c = 0; c < sizeof k / sizeof k[0]; c++) {
        for (uint32_t rc = 0; rc < 4; rc++) {
            wr(r, 0x1000, 0x037F | rc << 10, 2);
            /* fninit; fldcw [1000h]; fld<const>; fstp tbyte [3000h] */
            const uint8_t code[] = {0xDB, 0xE3,    0xD9, 0x2D, 0x00, 0x10, 0x00, 0x00,
                                    0xD9, k[c].op, 0xDB, 0x3D, 0x00, 0x30, 0x00, 0x00};
            rig_run32(r, code, sizeof code);
            uint64_t want = rc == F80_RC_UP                           ? k[c].up
                            : rc == F80_RC_NEAREST && k[c].nearest_up ? k[c].up
                                                                      : k[c].down;
            assert_f80_at(r, 0x3000, k[c].se, want);
            assert_int_equal(sw_of(r) & (FPU_SW_C1 | 0x3F), 0);
        }
    }
}

/* --- misc --- */

static void reset_and_fninit_state(void **state)
{
    struct rig *r = *state;
    /* RESET: SDM Vol. 3, table 10-1 (P6): FCW 0040H, FTW 5555H */
    assert_int_equal(r->cpu->fpu.cw, 0x0040);
    assert_int_equal(r->cpu->fpu.tag, 0x5555);
    assert_int_equal(sw_of(r), 0);
    /* FNINIT: FCW 037FH, FSW 0, FTW FFFFH; FLDCW keeps bit 6 set */
    wr(r, 0x1000, 0, 2);
    RUN16(r, 0xDB, 0xE3, 0xDD, 0x3E, 0x00, 0x20, 0xD9, 0x3E, 0x02, 0x20, 0xD9, 0x2E, 0x00, 0x10,
          0xD9, 0x3E, 0x04, 0x20, 0xDF, 0xE0);
    assert_int_equal(rd(r, 0x2000, 2), 0);      /* fnstsw */
    assert_int_equal(rd(r, 0x2002, 2), 0x037F); /* fnstcw */
    assert_int_equal(rd(r, 0x2004, 2), 0x0040); /* after fldcw 0 */
    assert_int_equal(r->cpu->fpu.tag, 0xFFFF);
}

static void fxch_and_stack_pointer_ops(void **state)
{
    struct rig *r = *state;
    /* fninit; fld1; fldz; fxch st1; fistp dword [3000h]; fincstp; fdecstp;
     * ffree st0 */
    RUN32(r, 0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEE, 0xD9, 0xC9, 0xDB, 0x1D, 0x00, 0x30, 0x00, 0x00,
          0xD9, 0xF7, 0xD9, 0xF6, 0xDD, 0xC0);
    assert_int_equal(rd(r, 0x3000, 4), 1);
    assert_int_equal(r->cpu->fpu.top, 7);
    assert_int_equal(r->cpu->fpu.tag, 0xFFFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RIG_TEST(fnsave_protected32_layout),   RIG_TEST(fnstenv_protected16_layout),
        RIG_TEST(fnstenv_real_layouts),        RIG_TEST(frstor_loads_state),
        RIG_TEST(fxsave_layout_and_fxrstor),   RIG_TEST(fxsave_misaligned_is_gp),
        RIG_TEST(nm_for_each_cr0_combination), RIG_TEST(mf_when_ne_set),
        RIG_TEST(ferr_when_ne_clear),          RIG_TEST(stack_overflow_and_underflow),
        RIG_TEST(fcomi_sets_zf_pf_cf),         RIG_TEST(fcmov_follows_eflags),
        RIG_TEST(constants_round_per_rc),      RIG_TEST(reset_and_fninit_state),
        RIG_TEST(fxch_and_stack_pointer_ops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

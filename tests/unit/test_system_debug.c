/* I/O breakpoints and the debug-register rules that depend on CR4.DE (Intel SDM
 * Vol. 3, 17.2.4, 17.2.5, 17.3.1.2): with CR4.DE = 1, DR7 R/W = 10 breaks on I/O
 * to the port range of DRn and LENn, as a trap after IN/OUT/INS/OUTS (after each
 * iteration of a repeated INS/OUTS) with DR6.Bn set; with CR4.DE = 0 the encoding
 * is undefined and bt86 ignores it. CR4.DE = 1 also makes MOV to/from DR4/DR5 #UD,
 * ahead of the general-detect #DB. */
#include "system_rig.h"

#define HANDLER 0x22000u
#define HITS    0x6104u /* count kept by the #DB handler */
#define ECXS    0x6110u /* ECX at each #DB */
#define EIPS    0x6140u /* pushed EIP at each #DB */
#define BUF     0x6200u

#define DR7_L0 0x1u
#define DR7_L1 0x4u
#define DR6_BS 0x4000u
#define DR6_BD 0x2000u
#define DR7_GD 0x2000u

struct io_log {
    int writes;
    uint16_t port[8];
    uint32_t value[8];
};

static void log_write(void *opaque, uint16_t port, uint32_t value, int size)
{
    struct io_log *log = opaque;
    (void)size;
    if (log->writes < 8) {
        log->port[log->writes] = port;
        log->value[log->writes] = value;
    }
    log->writes++;
}

static uint32_t read_ones(void *opaque, uint16_t port, int size)
{
    (void)opaque;
    (void)port;
    (void)size;
    return 0xffffffffu;
}

static void attach_log(struct rig *r, struct io_log *log)
{
    memset(log, 0, sizeof *log);
    struct cpu_bus bus = {.io_read = read_ones, .io_write = log_write, .opaque = log};
    cpu_set_bus(r->cpu, &bus);
}

/* Runs body at ring 0 after setting CR4.DE (when de), DRn = addr (n = 0 or 1) and
 * DR7 = dr7 by MOV to DR. Returns the vector the stubs saw (0xff: none); *body_at
 * is where body starts. */
static int run_with_bp(struct rig *r, bool de, int n, uint32_t addr, uint32_t dr7,
                       const uint8_t *body, size_t len, uint32_t *body_at)
{
    static const uint8_t set_de[] = {
        0x0f, 0x20, 0xe0, /* mov eax, cr4 */
        0x83, 0xc8, 0x08, /* or eax, 8 */
        0x0f, 0x22, 0xe0, /* mov cr4, eax */
    };
    static const uint8_t set_dr[2][6] = {
        {0x0f, 0x23, 0xc3, 0x0f, 0x23, 0xf9}, /* mov dr0, ebx; mov dr7, ecx */
        {0x0f, 0x23, 0xcb, 0x0f, 0x23, 0xf9}, /* mov dr1, ebx; mov dr7, ecx */
    };
    uint8_t code[256];
    size_t at = 0;
    if (de) {
        memcpy(code, set_de, sizeof set_de);
        at = sizeof set_de;
    }
    memcpy(code + at, set_dr[n], sizeof set_dr[n]);
    at += sizeof set_dr[n];
    assert_true(at + len <= sizeof code);
    memcpy(code + at, body, len);
    *body_at = CODE0 + (uint32_t)at;
    r->cpu->reg[REG_EBX] = addr;
    r->cpu->reg[REG_ECX] = dr7;
    return run_snippet(r, code, at + len);
}

static void io_breakpoint_traps_after_out(void **state)
{
    struct rig *r = *state;
    struct io_log log;
    attach_log(r, &log);
    /* DR0 = port 0x80, LEN 1, R/W = 10. */
    static const uint8_t body[] = {
        0xb0, 0x55, /* mov al, 0x55 */
        0xe6, 0x81, /* out 0x81, al: next port, no break */
        0xe6, 0x80, /* out 0x80, al */
        0xf4,       /* hlt */
    };
    uint32_t at;
    assert_int_equal(run_with_bp(r, true, 0, 0x80, DR7_L0 | (2u << 16), body, sizeof body, &at), 1);
    assert_int_equal(rd(r, COUNT, 4), 1);
    /* A trap: the OUT was done, the pushed EIP is the next instruction. */
    assert_int_equal(log.writes, 2);
    assert_int_equal(log.port[1], 0x80);
    assert_int_equal(frame(r, 0), at + 6);
    assert_int_equal(r->cpu->dr[6] & 0xf, 1);
    assert_false(r->cpu->dr[6] & DR6_BS);
}

static void io_breakpoint_covers_its_aligned_range(void **state)
{
    struct rig *r = *state;
    struct io_log log;
    attach_log(r, &log);
    /* DR1 = 0x1f3 with LEN 4 covers ports 0x1f0-0x1f3 (17.2.5: the address is
     * aligned down to the length). IN EAX from 0x1ec touches 0x1ec-0x1ef: no
     * break; from 0x1ee it touches 0x1ee-0x1f1: break. */
    static const uint8_t body[] = {
        0xba, 0xec, 0x01, 0x00, 0x00, /* mov edx, 0x1ec */
        0xed,                         /* in eax, dx */
        0xba, 0xee, 0x01, 0x00, 0x00, /* mov edx, 0x1ee */
        0xed,                         /* in eax, dx */
        0xf4,                         /* hlt */
    };
    uint32_t at;
    uint32_t dr7 = DR7_L1 | (2u << 20) | (3u << 22);
    assert_int_equal(run_with_bp(r, true, 1, 0x1f3, dr7, body, sizeof body, &at), 1);
    assert_int_equal(rd(r, COUNT, 4), 1);
    assert_int_equal(frame(r, 0), at + 12);
    assert_int_equal(r->cpu->dr[6] & 0xf, 2);
    assert_int_equal(r->cpu->reg[REG_EAX], 0xffffffffu); /* the IN completed */
}

static void rw10_without_cr4_de_is_ignored(void **state)
{
    struct rig *r = *state;
    struct io_log log;
    attach_log(r, &log);
    /* CR4.DE = 0: R/W = 10 is undefined; bt86 lets it match nothing. Setting
     * CR4.DE later turns the same DR7 into an I/O breakpoint. */
    static const uint8_t body[] = {
        0xe6, 0x80,       /* out 0x80, al */
        0x0f, 0x20, 0xe0, /* mov eax, cr4 */
        0x83, 0xc8, 0x08, /* or eax, 8 */
        0x0f, 0x22, 0xe0, /* mov cr4, eax */
        0xe6, 0x80,       /* out 0x80, al */
        0xf4,             /* hlt */
    };
    uint32_t at;
    assert_int_equal(run_with_bp(r, false, 0, 0x80, DR7_L0 | (2u << 16), body, sizeof body, &at),
                     1);
    assert_int_equal(rd(r, COUNT, 4), 1);
    assert_int_equal(frame(r, 0), at + 13);
    assert_int_equal(log.writes, 2);
}

static void rep_outs_traps_after_every_iteration(void **state)
{
    struct rig *r = *state;
    struct io_log log;
    attach_log(r, &log);
    /* #DB handler: records ECX and the pushed EIP, counts, returns. */
    static const uint8_t handler[] = {
        0x8b, 0x1d, 0x04, 0x61, 0x00, 0x00,       /* mov ebx, [0x6104] */
        0x89, 0x0c, 0x9d, 0x10, 0x61, 0x00, 0x00, /* mov [0x6110+ebx*4], ecx */
        0x8b, 0x04, 0x24,                         /* mov eax, [esp] */
        0x89, 0x04, 0x9d, 0x40, 0x61, 0x00, 0x00, /* mov [0x6140+ebx*4], eax */
        0xff, 0x05, 0x04, 0x61, 0x00, 0x00,       /* inc dword [0x6104] */
        0xcf,                                     /* iretd */
    };
    load(r, HANDLER, handler, sizeof handler);
    idt_set(r, 1, SEL_CODE0, HANDLER, 0x8e, 0);
    wr(r, HITS, 0, 4);
    wr(r, BUF, 0x00a3a2a1u, 4);
    static const uint8_t body[] = {
        0xb9, 0x03, 0x00, 0x00, 0x00, /* mov ecx, 3 */
        0xbe, 0x00, 0x62, 0x00, 0x00, /* mov esi, 0x6200 */
        0xba, 0x80, 0x00, 0x00, 0x00, /* mov edx, 0x80 */
        0xf3, 0x6e,                   /* rep outsb */
        0xf4,                         /* hlt */
    };
    uint32_t at;
    assert_int_equal(run_with_bp(r, true, 0, 0x80, DR7_L0 | (2u << 16), body, sizeof body, &at),
                     0xff);
    /* 17.3.1.2: a repeated OUTS traps after the first iteration that hits, with
     * EIP at the instruction and ECX/ESI describing what is left; resuming it
     * does one more iteration and traps again. */
    assert_int_equal(rd(r, HITS, 4), 3);
    assert_int_equal(rd(r, ECXS, 4), 2);
    assert_int_equal(rd(r, ECXS + 4, 4), 1);
    assert_int_equal(rd(r, ECXS + 8, 4), 0);
    assert_int_equal(rd(r, EIPS, 4), at + 15);
    assert_int_equal(rd(r, EIPS + 4, 4), at + 15);
    assert_int_equal(rd(r, EIPS + 8, 4), at + 17);
    assert_int_equal(log.writes, 3);
    assert_int_equal(log.value[0], 0xa1);
    assert_int_equal(log.value[2], 0xa3);
    assert_int_equal(r->cpu->reg[REG_ESI], BUF + 3);
}

static void dr4_dr5_alias_without_de_and_are_ud_with_it(void **state)
{
    struct rig *r = *state;
    /* CR4.DE = 0: DR5 reads DR7, DR4 writes DR6 (17.2.2). */
    static const uint8_t alias[] = {
        0x0f, 0x21, 0xe8,             /* mov eax, dr5 */
        0xbb, 0x01, 0x00, 0x00, 0x00, /* mov ebx, 1 */
        0x0f, 0x23, 0xe3,             /* mov dr4, ebx */
        0xf4,                         /* hlt */
    };
    uint32_t at;
    /* DR0 = 0 with DR7 = 0x400: nothing enabled. */
    assert_int_equal(run_with_bp(r, false, 0, 0, 0x400, alias, sizeof alias, &at), 0xff);
    assert_int_equal(r->cpu->reg[REG_EAX], 0x400);
    assert_int_equal(r->cpu->dr[6] & 0xf, 1);
    /* CR4.DE = 1 and DR7.GD = 1: MOV from DR4 is #UD, not the general-detect #DB:
     * DR6.BD stays clear and GD stays set. */
    static const uint8_t ud[] = {
        0x0f, 0x21, 0xe0, /* mov eax, dr4 */
        0xf4,             /* hlt */
    };
    assert_int_equal(run_with_bp(r, true, 0, 0, 0x400 | DR7_GD, ud, sizeof ud, &at), 6);
    assert_int_equal(frame(r, 0), at);
    assert_false(r->cpu->dr[6] & DR6_BD);
    assert_true(r->cpu->dr[7] & DR7_GD);
    /* The same for a write to DR5; a MOV from DR0 is the general-detect #DB. GD is
     * cleared first, or the set-up's own MOV to DR0 would be the one to fault. */
    r->cpu->dr[7] = 0x400;
    static const uint8_t ud5[] = {
        0x0f, 0x23, 0xeb, /* mov dr5, ebx */
        0xf4,             /* hlt */
    };
    assert_int_equal(run_with_bp(r, true, 0, 0, 0x400 | DR7_GD, ud5, sizeof ud5, &at), 6);
    static const uint8_t gd[] = {
        0x0f, 0x21, 0xc0, /* mov eax, dr0 */
        0xf4,             /* hlt */
    };
    r->cpu->dr[7] = 0x400;
    assert_int_equal(run_with_bp(r, true, 0, 0, 0x400 | DR7_GD, gd, sizeof gd, &at), 1);
    assert_true(r->cpu->dr[6] & DR6_BD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYSTEM_TEST(io_breakpoint_traps_after_out),
        SYSTEM_TEST(io_breakpoint_covers_its_aligned_range),
        SYSTEM_TEST(rw10_without_cr4_de_is_ignored),
        SYSTEM_TEST(rep_outs_traps_after_every_iteration),
        SYSTEM_TEST(dr4_dr5_alias_without_de_and_are_ud_with_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

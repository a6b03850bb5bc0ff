/* String instructions (MOVS CMPS SCAS LODS STOS, and INS/OUTS repeat behaviour
 * in test_ops_io.c), REP/REPE/REPNE on small real-mode programs. Expected results
 * follow the SDM Vol. 2 pages of each instruction and of REP: which registers move
 * and by how much, when a repeat stops, which segment is read, and that a
 * cut-short REP resumes exactly. */
#include "cpu_rig.h"

#include "cpu/exception.h"

/* --- MOVS --- */

static void movsb_forward(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xa4, 0xa4, 0xf4}; /* movsb; movsb; hlt */
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x1000, "ABCD");
    r->cpu->reg[REG_ESI] = 0x1000;
    r->cpu->reg[REG_EDI] = 0x2000;
    run(r);
    assert_int_equal(rd(r, 0x2000, 2), 0x4241); /* "AB" */
    assert_int_equal(rd(r, 0x2002, 1), 0);
    assert_int_equal(r->cpu->reg[REG_ESI], 0x1002);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x2002);
    assert_int_equal(r->cpu->icount, 3);
}

static void movsw_backward(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xfd, 0xa5, 0xa5, 0xf4}; /* std; movsw; movsw; hlt */
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x1000, "ABCD");
    r->cpu->reg[REG_ESI] = 0x1002;
    r->cpu->reg[REG_EDI] = 0x2002;
    run(r);
    assert_int_equal(rd(r, 0x2000, 4), 0x44434241);
    assert_int_equal(r->cpu->reg[REG_ESI], 0x0ffe);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x1ffe);
}

static void movsd_with_operand_size_prefix(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0x66, 0xa5, 0xf4}; /* movsd; hlt */
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x1000, "WXYZ!");
    r->cpu->reg[REG_ESI] = 0x1000;
    r->cpu->reg[REG_EDI] = 0x2000;
    run(r);
    assert_int_equal(rd(r, 0x2000, 4), 0x5a595857);
    assert_int_equal(rd(r, 0x2004, 1), 0);
    assert_int_equal(r->cpu->reg[REG_ESI], 0x1004);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x2004);
}

/* REP with CX = 0 does nothing: SI = DI = FFFF would fault for a word. */
static void rep_count_zero_does_nothing(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf3, 0xa5, 0xf3, 0xab, 0xf3, 0xa7, 0xf4};
    load(r, RIG_CODE, code, sizeof code); /* rep movsw; rep stosw; repe cmpsw; hlt */
    r->cpu->reg[REG_ESI] = 0xffff;
    r->cpu->reg[REG_EDI] = 0xffff;
    r->cpu->reg[REG_ECX] = 0xabcd0000u;
    r->cpu->reg[REG_EAX] = 0x1234;
    run(r);
    assert_int_equal(r->cpu->reg[REG_ESI], 0xffff);
    assert_int_equal(r->cpu->reg[REG_EDI], 0xffff);
    assert_int_equal(r->cpu->reg[REG_ECX], 0xabcd0000u);
    assert_int_equal(rd(r, 0xfffe, 2), 0);
    assert_int_equal(r->cpu->eip, RIG_CODE + sizeof code);
    assert_int_equal(r->cpu->icount, 4); /* each REP counts once, then HLT */
}

/* F2 on MOVS repeats like F3 (P6 behaviour). */
static void repne_on_movs_repeats(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf2, 0xa4, 0xf4}; /* repne movsb; hlt */
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x1000, "hello");
    r->cpu->reg[REG_ESI] = 0x1000;
    r->cpu->reg[REG_EDI] = 0x2000;
    r->cpu->reg[REG_ECX] = 4;
    run(r);
    assert_int_equal(rd(r, 0x2000, 4), 0x6c6c6568);
    assert_int_equal(rd(r, 0x2004, 1), 0);
    assert_int_equal(r->cpu->reg[REG_ECX], 0);
    assert_int_equal(r->cpu->icount, 4 + 1);
}

/* --- CMPS / SCAS --- */

static void cmpsb_flags_are_source_minus_destination(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xa6, 0xf4}; /* cmpsb; hlt */
    load(r, RIG_CODE, code, sizeof code);
    wr(r, 0x1000, 0x01, 1); /* DS:SI */
    wr(r, 0x2000, 0x02, 1); /* ES:DI */
    r->cpu->reg[REG_ESI] = 0x1000;
    r->cpu->reg[REG_EDI] = 0x2000;
    run(r);
    uint32_t f = cpu_get_eflags(r->cpu);
    /* 01 - 02 = FF: borrow, negative, not zero, no overflow */
    assert_true(f & FLAG_CF);
    assert_true(f & FLAG_SF);
    assert_false(f & FLAG_ZF);
    assert_false(f & FLAG_OF);
    assert_true(f & FLAG_AF);
    assert_true(f & FLAG_PF); /* FF has eight ones */
    assert_int_equal(r->cpu->reg[REG_ESI], 0x1001);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x2001);
}

static void repe_cmpsb_stops_at_first_difference(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf3, 0xa6, 0xf4}; /* repe cmpsb; hlt */
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x1000, "ABCXE");
    put(r, 0x2000, "ABCDE");
    r->cpu->reg[REG_ESI] = 0x1000;
    r->cpu->reg[REG_EDI] = 0x2000;
    r->cpu->reg[REG_ECX] = 5;
    run(r);
    /* A, B, C equal, X vs D differs: four iterations, the count still decremented
     * on the last one (SDM REP: CountReg-- before the ZF test). */
    assert_int_equal(r->cpu->reg[REG_ECX], 1);
    assert_int_equal(r->cpu->reg[REG_ESI], 0x1004);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x2004);
    uint32_t f = cpu_get_eflags(r->cpu);
    assert_false(f & FLAG_ZF);
    assert_false(f & FLAG_CF); /* 'X' > 'D' */
    assert_int_equal(r->cpu->icount, 4 + 1);
}

static void repe_cmpsw_all_equal_runs_out(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf3, 0xa7, 0xf4}; /* repe cmpsw; hlt */
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x1000, "abcdef");
    put(r, 0x2000, "abcdef");
    r->cpu->reg[REG_ESI] = 0x1000;
    r->cpu->reg[REG_EDI] = 0x2000;
    r->cpu->reg[REG_ECX] = 3;
    run(r);
    assert_int_equal(r->cpu->reg[REG_ECX], 0);
    assert_int_equal(r->cpu->reg[REG_ESI], 0x1006);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x2006);
    assert_true(cpu_get_eflags(r->cpu) & FLAG_ZF);
}

static void repne_scasb_is_strlen(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf2, 0xae, 0xf4}; /* repne scasb; hlt */
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x2000, "abc");
    wr(r, 0x2003, 0, 1);
    put(r, 0x2004, "def");
    r->cpu->reg[REG_EAX] = 0x12345600; /* AL = 0 */
    r->cpu->reg[REG_EDI] = 0x2000;
    r->cpu->reg[REG_ECX] = 0xffff;
    run(r);
    assert_int_equal(r->cpu->reg[REG_ECX], 0xffff - 4);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x2004);
    assert_true(cpu_get_eflags(r->cpu) & FLAG_ZF);
}

static void repne_scasw_not_found_runs_out(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf2, 0xaf, 0xf4}; /* repne scasw; hlt */
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x2000, "aabbccdd");
    r->cpu->reg[REG_EAX] = 0x6464; /* "dd", beyond the 3 words scanned */
    r->cpu->reg[REG_EDI] = 0x2000;
    r->cpu->reg[REG_ECX] = 3;
    run(r);
    assert_int_equal(r->cpu->reg[REG_ECX], 0);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x2006);
    assert_false(cpu_get_eflags(r->cpu) & FLAG_ZF);
}

static void repe_scasd_backward(void **state)
{
    struct rig *r = *state;
    /* std; repe scasd (66 F3 AF); hlt */
    static const uint8_t code[] = {0xfd, 0x66, 0xf3, 0xaf, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    wr(r, 0x2000, 0x11111111, 4);
    wr(r, 0x2004, 0x77777777, 4);
    wr(r, 0x2008, 0x77777777, 4);
    r->cpu->reg[REG_EAX] = 0x77777777;
    r->cpu->reg[REG_EDI] = 0x2008;
    r->cpu->reg[REG_ECX] = 10;
    run(r);
    /* 2008 and 2004 match, 2000 differs: three iterations, DI moved down 12. */
    assert_int_equal(r->cpu->reg[REG_ECX], 7);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x1ffc);
    uint32_t f = cpu_get_eflags(r->cpu);
    assert_false(f & FLAG_ZF);
    assert_false(f & FLAG_CF); /* 77777777 > 11111111 */
}

/* --- LODS / STOS --- */

static void lods_sizes(void **state)
{
    struct rig *r = *state;
    /* lodsb; mov bl, al; lodsw; mov cx, ax; lodsd; hlt */
    static const uint8_t code[] = {0xac, 0x88, 0xc3, 0xad, 0x89, 0xc1, 0x66, 0xad, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x1000, "\x01\x02\x03\x04\x05\x06\x07");
    r->cpu->reg[REG_EAX] = 0xaabbccdd;
    r->cpu->reg[REG_ESI] = 0x1000;
    run(r);
    assert_int_equal(r->cpu->reg[REG_EBX] & 0xff, 0x01);
    assert_int_equal(r->cpu->reg[REG_ECX] & 0xffff, 0x0302);
    assert_int_equal(r->cpu->reg[REG_EAX], 0x07060504);
    assert_int_equal(r->cpu->reg[REG_ESI], 0x1007);
}

static void lodsb_keeps_upper_bytes(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xac, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    wr(r, 0x1000, 0x99, 1);
    r->cpu->reg[REG_EAX] = 0xaabbccdd;
    r->cpu->reg[REG_ESI] = 0x1000;
    run(r);
    assert_int_equal(r->cpu->reg[REG_EAX], 0xaabbcc99);
}

static void stos_forward_and_backward(void **state)
{
    struct rig *r = *state;
    /* stosb; stosw; stosd; std; stosw; hlt */
    static const uint8_t code[] = {0xaa, 0xab, 0x66, 0xab, 0xfd, 0xab, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    r->cpu->reg[REG_EAX] = 0x44332211;
    r->cpu->reg[REG_EDI] = 0x2000;
    run(r);
    assert_int_equal(rd(r, 0x2000, 1), 0x11);
    assert_int_equal(rd(r, 0x2001, 2), 0x2211);
    assert_int_equal(rd(r, 0x2003, 4), 0x44332211);
    assert_int_equal(rd(r, 0x2007, 2), 0x2211);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x2005);
}

static void rep_stosd_backward(void **state)
{
    struct rig *r = *state;
    /* std; rep stosd; hlt */
    static const uint8_t code[] = {0xfd, 0x66, 0xf3, 0xab, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    r->cpu->reg[REG_EAX] = 0xdeadbeef;
    r->cpu->reg[REG_EDI] = 0x2008;
    r->cpu->reg[REG_ECX] = 3;
    run(r);
    assert_int_equal(rd(r, 0x2000, 4), 0xdeadbeef);
    assert_int_equal(rd(r, 0x2004, 4), 0xdeadbeef);
    assert_int_equal(rd(r, 0x2008, 4), 0xdeadbeef);
    assert_int_equal(rd(r, 0x1ffc, 4), 0);
    assert_int_equal(rd(r, 0x200c, 4), 0);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x1ffc);
    assert_int_equal(r->cpu->reg[REG_ECX], 0);
}

/* --- address size, wrap, segments --- */

static void address16_wraps_and_keeps_upper_halves(void **state)
{
    struct rig *r = *state;
    /* lodsb; std; stosb; hlt with DS = 1000, SI = FFFF, DI = 0 */
    static const uint8_t code[] = {0xac, 0xfd, 0xaa, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    cpu_load_seg_real(r->cpu, SEG_DS, 0x1000);
    cpu_load_seg_real(r->cpu, SEG_ES, 0x2000);
    wr(r, 0x1ffff, 0x5c, 1);
    r->cpu->reg[REG_ESI] = 0x1234ffff;
    r->cpu->reg[REG_EDI] = 0xabcd0000;
    run(r);
    assert_int_equal(r->cpu->reg[REG_EAX] & 0xff, 0x5c);
    assert_int_equal(r->cpu->reg[REG_ESI], 0x12340000);
    assert_int_equal(rd(r, 0x20000, 1), 0x5c);
    assert_int_equal(r->cpu->reg[REG_EDI], 0xabcdffff);
}

static void rep_counts_cx_with_16bit_addressing(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf3, 0xaa, 0xf4}; /* rep stosb; hlt */
    load(r, RIG_CODE, code, sizeof code);
    r->cpu->reg[REG_EAX] = 0x77;
    r->cpu->reg[REG_EDI] = 0x2000;
    r->cpu->reg[REG_ECX] = 0x00010002; /* CX = 2 */
    run(r);
    assert_int_equal(r->cpu->reg[REG_ECX], 0x00010000);
    assert_int_equal(rd(r, 0x2000, 4), 0x7777);
}

static void address32_uses_esi_edi_ecx(void **state)
{
    struct rig *r = *state;
    /* 67 F3 A4: rep movsb with 32-bit addressing; hlt */
    static const uint8_t code[] = {0x67, 0xf3, 0xa4, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x0fffe, "xyz");
    r->cpu->reg[REG_ESI] = 0x0000fffe;
    r->cpu->reg[REG_EDI] = 0x00002000;
    r->cpu->reg[REG_ECX] = 0x00000001;
    run(r);
    /* ESI does not wrap to 0 as SI would */
    assert_int_equal(r->cpu->reg[REG_ESI], 0x0000ffff);
    assert_int_equal(r->cpu->reg[REG_ECX], 0);
    assert_int_equal(rd(r, 0x2000, 1), 'x');

    /* One more byte moves ESI to 10000, past the real-mode limit of FFFF on the
     * next access: lodsb with 32-bit addressing there must #GP. */
    static const uint8_t more[] = {0x67, 0xa4, 0x67, 0xac, 0xf4};
    load(r, 0x180, more, sizeof more);
    assert_int_equal(rig_run_at(r, 0x180), CPU_EXIT_HALT);
    assert_int_equal(r->cpu->reg[REG_ESI], 0x00010000);
    assert_int_equal(rd(r, RIG_FAULT_MARK, 1), EXC_GP);
}

static void source_segment_override(void **state)
{
    struct rig *r = *state;
    /* fs lodsb; es lodsb -> ah; fs movsb; hlt */
    static const uint8_t code[] = {0x64, 0xac, 0x88, 0xc4, /* fs lodsb; mov ah, al */
                                   0x4e,                   /* dec si */
                                   0x26, 0xac,             /* es lodsb */
                                   0x88, 0xc3,             /* mov bl, al */
                                   0x4e,                   /* dec si */
                                   0x64, 0xa4, 0xf4};      /* fs movsb; hlt */
    load(r, RIG_CODE, code, sizeof code);
    cpu_load_seg_real(r->cpu, SEG_DS, 0x1000);
    cpu_load_seg_real(r->cpu, SEG_ES, 0x2000);
    cpu_load_seg_real(r->cpu, SEG_FS, 0x3000);
    wr(r, 0x10010, 0xd5, 1); /* DS:0010 */
    wr(r, 0x20010, 0xe5, 1); /* ES:0010 */
    wr(r, 0x30010, 0xf5, 1); /* FS:0010 */
    r->cpu->reg[REG_ESI] = 0x10;
    r->cpu->reg[REG_EDI] = 0x40;
    run(r);
    assert_int_equal((r->cpu->reg[REG_EAX] >> 8) & 0xff, 0xf5);
    assert_int_equal(r->cpu->reg[REG_EBX] & 0xff, 0xe5);
    /* the destination stays ES:DI whatever the override */
    assert_int_equal(rd(r, 0x20040, 1), 0xf5);
    assert_int_equal(rd(r, 0x30040, 1), 0);
    assert_int_equal(rd(r, 0x10040, 1), 0);
}

static void rep_movs_across_page_boundaries(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf3, 0xa5, 0xf4}; /* rep movsw; hlt */
    load(r, RIG_CODE, code, sizeof code);
    uint8_t src[64];
    for (int k = 0; k < 64; k++)
        src[k] = (uint8_t)(k * 7 + 1);
    load(r, 0x3fe1, src, sizeof src); /* odd, crosses 0x4000 */
    r->cpu->reg[REG_ESI] = 0x3fe1;
    r->cpu->reg[REG_EDI] = 0x5ff0;
    r->cpu->reg[REG_ECX] = 32;
    run(r);
    uint8_t got[66];
    for (int k = 0; k < 66; k++)
        got[k] = (uint8_t)rd(r, 0x5ff0 + (uint32_t)k, 1);
    assert_memory_equal(got, src, 64);
    assert_int_equal(got[64], 0);
    assert_int_equal(r->cpu->reg[REG_ESI], 0x3fe1 + 64);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x5ff0 + 64);
    assert_int_equal(r->cpu->reg[REG_ECX], 0);
    assert_int_equal(r->cpu->icount, 32 + 1);
}

/* Forward REP MOVSB onto an overlapping later address replicates the pattern:
 * each byte is read after the earlier iterations wrote it. */
static void rep_movsb_forward_overlap_replicates(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf3, 0xa4, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x2000, "abc");
    r->cpu->reg[REG_ESI] = 0x2000;
    r->cpu->reg[REG_EDI] = 0x2003;
    r->cpu->reg[REG_ECX] = 9;
    run(r);
    char got[13] = {0};
    for (int k = 0; k < 12; k++)
        got[k] = (char)rd(r, 0x2000 + (uint32_t)k, 1);
    assert_string_equal(got, "abcabcabcabc");
}

/* Forward REP MOVSW onto a lower overlapping address: each word is read before
 * any later iteration overwrites it. */
static void rep_movsw_overlap_downward(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf3, 0xa5, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    put(r, 0x2000, "abcdefgh");
    r->cpu->reg[REG_ESI] = 0x2001;
    r->cpu->reg[REG_EDI] = 0x2000;
    r->cpu->reg[REG_ECX] = 3;
    run(r);
    char got[9] = {0};
    for (int k = 0; k < 8; k++)
        got[k] = (char)rd(r, 0x2000 + (uint32_t)k, 1);
    assert_string_equal(got, "bcdefggh");
}

/* 16-bit DI wraps from FFFF to 0 within one REP (same segment, offset 0 next). */
static void rep_stosb_wraps_di_at_64k(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf3, 0xaa, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    cpu_load_seg_real(r->cpu, SEG_ES, 0x1000);
    r->cpu->reg[REG_EAX] = 0x3c;
    r->cpu->reg[REG_EDI] = 0x5555fffe;
    r->cpu->reg[REG_ECX] = 4;
    run(r);
    assert_int_equal(rd(r, 0x1fffe, 2), 0x3c3c);
    assert_int_equal(rd(r, 0x10000, 2), 0x3c3c);
    assert_int_equal(rd(r, 0x10002, 1), 0);
    assert_int_equal(rd(r, 0x20000, 1), 0);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x55550002);
}

/* REP STOSD of a non-repeating pattern over two pages, and one of a repeated
 * byte: both exactly fill [start, start + 4n). */
static void rep_stosd_patterns_across_pages(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0x66, 0xf3, 0xab, 0xf4};
    load(r, RIG_CODE, code, sizeof code);
    r->cpu->reg[REG_EAX] = 0x12345678;
    r->cpu->reg[REG_EDI] = 0x4ff4;
    r->cpu->reg[REG_ECX] = 0x405; /* 0x1014 bytes: 4ff4 .. 6007 */
    run(r);
    assert_int_equal(rd(r, 0x4ff0, 4), 0);
    for (uint32_t a = 0x4ff4; a < 0x6008; a += 4)
        if (rd(r, a, 4) != 0x12345678)
            fail_msg("dword at %x", a);
    assert_int_equal(rd(r, 0x6008, 4), 0);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x6008);

    static const uint8_t again[] = {0x66, 0xf3, 0xab, 0xf4};
    load(r, 0x180, again, sizeof again);
    r->cpu->eip = 0x180;
    r->cpu->halted = false;
    r->cpu->reg[REG_EAX] = 0x9a9a9a9a;
    r->cpu->reg[REG_EDI] = 0x4ff8;
    r->cpu->reg[REG_ECX] = 0x401;
    run(r);
    assert_int_equal(rd(r, 0x4ff4, 4), 0x12345678);
    for (uint32_t a = 0x4ff8; a < 0x5ffc; a += 4)
        if (rd(r, a, 4) != 0x9a9a9a9a)
            fail_msg("dword at %x", a);
    assert_int_equal(rd(r, 0x5ffc, 4), 0x12345678);
}

/* A fault in the middle of a REP leaves the finished iterations committed and EIP
 * at the instruction: ECX/EDI say what is left (restartable). */
static void fault_mid_rep_is_restartable(void **state)
{
    struct rig *r = *state;
    /* rep stosw with 32-bit addressing (67 F3 AB) from EDI = FFF8: four words fit
     * under the FFFF limit, the fifth at 10000 is #GP. */
    static const uint8_t code[] = {0x90, 0x67, 0xf3, 0xab, 0xf4}; /* nop; rep stosw; hlt */
    load(r, RIG_CODE, code, sizeof code);
    r->cpu->reg[REG_EAX] = 0xbeef;
    r->cpu->reg[REG_EDI] = 0xfff8;
    r->cpu->reg[REG_ECX] = 8;
    assert_int_equal(cpu_run(r->cpu, 1000), CPU_EXIT_HALT);
    /* #GP, and the pushed IP is the REP instruction's own (its first prefix) */
    rig_assert_fault_real(r, EXC_GP, 1);
    assert_int_equal(r->cpu->reg[REG_ECX], 4);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x10000);
    assert_int_equal(rd(r, 0xfff8, 4), 0xbeefbeef);
    assert_int_equal(rd(r, 0xfffc, 4), 0xbeefbeef);
    /* nop + 4 finished iterations + the handler's mov and hlt */
    assert_int_equal(r->cpu->icount, 1 + 4 + 2);
}

/* --- budget: long REP runs are cut and resumed --- */

#define FILL_WORDS 0x4000u /* 32 KiB at 1000:0000 */

static void start_fill(struct rig *r)
{
    static const uint8_t code[] = {0xf3, 0xab, 0xf4}; /* rep stosw; hlt */
    load(r, RIG_CODE, code, sizeof code);
    cpu_load_seg_real(r->cpu, SEG_ES, 0x1000);
    r->cpu->reg[REG_EAX] = 0xa55a;
    r->cpu->reg[REG_EDI] = 0;
    r->cpu->reg[REG_ECX] = FILL_WORDS;
}

static void check_fill(struct rig *r)
{
    for (uint32_t k = 0; k < FILL_WORDS; k++)
        if (rd(r, 0x10000 + 2 * k, 2) != 0xa55a)
            fail_msg("word %u not filled", k);
    assert_int_equal(rd(r, 0x10000 + 2 * FILL_WORDS, 2), 0);
    assert_int_equal(r->cpu->reg[REG_ECX], 0);
    assert_int_equal(r->cpu->reg[REG_EDI], 2 * FILL_WORDS);
    assert_int_equal(r->cpu->eip, RIG_CODE + 3);
    /* every iteration is one instruction of virtual time, plus HLT */
    assert_int_equal(r->cpu->icount, FILL_WORDS + 1);
}

static void rep_stos_uninterrupted(void **state)
{
    struct rig *r = *state;
    start_fill(r);
    run(r);
    check_fill(r);
}

static void rep_stos_small_budget_resumes(void **state)
{
    struct rig *r = *state;
    start_fill(r);
    /* The first run retires exactly 7 instructions: 7 iterations. */
    assert_int_equal(cpu_run(r->cpu, 7), CPU_EXIT_BUDGET);
    assert_int_equal(r->cpu->icount, 7);
    assert_int_equal(r->cpu->reg[REG_ECX], FILL_WORDS - 7);
    assert_int_equal(r->cpu->reg[REG_EDI], 14);
    assert_int_equal(r->cpu->eip, RIG_CODE); /* at the REP, to come back to it */
    assert_int_equal(rd(r, 0x10000 + 12, 2), 0xa55a);
    assert_int_equal(rd(r, 0x10000 + 14, 2), 0);
    int runs = 1;
    enum cpu_exit e;
    while ((e = cpu_run(r->cpu, 97)) == CPU_EXIT_BUDGET) {
        runs++;
        assert_int_equal(r->cpu->icount, 7 + 97 * (uint64_t)(runs - 1));
    }
    assert_int_equal(e, CPU_EXIT_HALT);
    assert_true(runs > 100);
    check_fill(r);
}

/* REPE CMPSB cut by the budget and resumed stops where an uninterrupted one
 * would: at the first difference, with the count decremented for it. */
static void repe_cmpsb_resumed_stops_at_difference(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {0xf3, 0xa6, 0xf4}; /* repe cmpsb; hlt */
    load(r, RIG_CODE, code, sizeof code);
    for (uint32_t k = 0; k < 100; k++) {
        wr(r, 0x1000 + k, k, 1);
        wr(r, 0x2000 + k, k == 60 ? 0xff : k, 1);
    }
    r->cpu->reg[REG_ESI] = 0x1000;
    r->cpu->reg[REG_EDI] = 0x2000;
    r->cpu->reg[REG_ECX] = 100;
    int runs = 0;
    while (cpu_run(r->cpu, 7) == CPU_EXIT_BUDGET)
        runs++;
    assert_int_equal(runs, 8); /* 61 iterations + HLT in runs of 7 */
    assert_int_equal(r->cpu->reg[REG_ECX], 100 - 61);
    assert_int_equal(r->cpu->reg[REG_ESI], 0x1000 + 61);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x2000 + 61);
    uint32_t f = cpu_get_eflags(r->cpu);
    assert_false(f & FLAG_ZF);
    assert_true(f & FLAG_CF); /* 60 - FF borrows */
    assert_int_equal(r->cpu->icount, 61 + 1);
}

/* An interrupt arriving during a long REP is taken between iterations: the
 * pushed IP is the REP's, and after IRET the fill completes. */
static void interrupt_between_iterations(void **state)
{
    struct rig *r = *state;
    start_fill(r);
    /* handler at 0:0600: mov bp, sp; mov ax, [bp]; mov [0x4e0], ax;
     * mov al, 20h; out 20h, al; iret -- AX is not saved: restored below */
    static const uint8_t handler[] = {0x89, 0xe5, 0x8b, 0x46, 0x00, 0xa3, 0xe0,
                                      0x04, 0xb0, 0x20, 0xe6, 0x20, 0xcf};
    load(r, 0x600, handler, sizeof handler);
    wr(r, 0x21 * 4, 0x600, 4); /* IVT 0x21 (below the code at 0x100) */
    r->irq_vector = 0x21;
    cpu_set_eflags(r->cpu, FLAG_IF);
    assert_int_equal(cpu_run(r->cpu, 100), CPU_EXIT_BUDGET);
    assert_int_equal(r->cpu->reg[REG_ECX], FILL_WORDS - 100);
    cpu_set_intr(r->cpu, true);
    /* The handler clobbers AL: stop right after it (6 instructions) and fix AX so
     * that the remaining words get the same value. */
    assert_int_equal(cpu_run(r->cpu, 6), CPU_EXIT_BUDGET);
    assert_int_equal(rd(r, 0x4e0, 2), RIG_CODE);
    assert_int_equal(r->io_count, 1);
    assert_int_equal(r->io[0].port, 0x20);
    assert_int_equal(r->cpu->eip, RIG_CODE);
    assert_int_equal(r->cpu->reg[REG_ECX], FILL_WORDS - 100);
    r->cpu->reg[REG_EAX] = 0xa55a;
    run(r);
    assert_int_equal(r->cpu->reg[REG_ECX], 0);
    assert_int_equal(rd(r, 0x10000 + 2 * FILL_WORDS - 2, 2), 0xa55a);
    assert_int_equal(r->cpu->icount, FILL_WORDS + 1 + 6);
}

/* --- self-modifying code --- */

/* A REP STOSB rewrites code that follows it and that already ran (so it is
 * translated): the new bytes must be what runs the second time. */
static void rep_stosb_rewrites_following_code(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {
        0xbf, 0x07, 0x01, /* 100: mov di, 0x107 */
        0xb0, 0x90,       /* 103: mov al, 0x90 (NOP) */
        0xf3, 0xaa,       /* 105: rep stosb (CX = 0 on the first pass) */
        0x43,             /* 107: inc bx */
        0x43,             /* 108: inc bx */
        0x42,             /* 109: inc dx */
        0xb9, 0x02, 0x00, /* 10a: mov cx, 2 */
        0x83, 0xfa, 0x02, /* 10d: cmp dx, 2 */
        0x75, 0xee,       /* 110: jne 0x100 */
        0xf4,             /* 112: hlt */
    };
    load(r, RIG_CODE, code, sizeof code);
    r->cpu->reg[REG_ECX] = 0;
    run(r);
    assert_int_equal(r->cpu->reg[REG_EDX] & 0xffff, 2);
    assert_int_equal(r->cpu->reg[REG_EBX] & 0xffff, 2); /* only the first pass */
    assert_int_equal(rd(r, 0x107, 2), 0x9090);
}

/* A plain STOSB rewrites the next instructions of its own block. */
static void stosb_rewrites_its_own_block(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {
        0xbf, 0x09, 0x01, /* 100: mov di, 0x109 */
        0xb0, 0x43,       /* 103: mov al, 0x43 (INC BX) */
        0xaa,             /* 105: stosb */
        0x90, 0x90, 0x90, /* 106: nop x3 */
        0x90,             /* 109: nop -> inc bx */
        0xf4,             /* 10a: hlt */
    };
    load(r, RIG_CODE, code, sizeof code);
    run(r);
    assert_int_equal(r->cpu->reg[REG_EBX] & 0xffff, 1);
}

/* A REP STOSB that overwrites earlier bytes of its own block: the block dies while
 * its last instruction runs, and the EIP the REP sets must stand. */
static void rep_stosb_over_its_own_block(void **state)
{
    struct rig *r = *state;
    static const uint8_t code[] = {
        0xbf, 0x00, 0x01, /* 100: mov di, 0x100 */
        0xb9, 0x03, 0x00, /* 103: mov cx, 3 */
        0xb0, 0x90,       /* 106: mov al, 0x90 */
        0xf3, 0xaa,       /* 108: rep stosb over 100-102 */
        0xf4,             /* 10a: hlt */
    };
    load(r, RIG_CODE, code, sizeof code);
    run(r);
    assert_int_equal(r->cpu->eip, 0x10b);
    assert_int_equal(rd(r, 0x100, 4), 0xb9909090);
    assert_int_equal(r->cpu->reg[REG_EDI], 0x103);
    assert_int_equal(r->cpu->icount, 3 + 3 + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RIG_TEST(movsb_forward),
        RIG_TEST(movsw_backward),
        RIG_TEST(movsd_with_operand_size_prefix),
        RIG_TEST(rep_count_zero_does_nothing),
        RIG_TEST(repne_on_movs_repeats),
        RIG_TEST(cmpsb_flags_are_source_minus_destination),
        RIG_TEST(repe_cmpsb_stops_at_first_difference),
        RIG_TEST(repe_cmpsw_all_equal_runs_out),
        RIG_TEST(repne_scasb_is_strlen),
        RIG_TEST(repne_scasw_not_found_runs_out),
        RIG_TEST(repe_scasd_backward),
        RIG_TEST(lods_sizes),
        RIG_TEST(lodsb_keeps_upper_bytes),
        RIG_TEST(stos_forward_and_backward),
        RIG_TEST(rep_stosd_backward),
        RIG_TEST(address16_wraps_and_keeps_upper_halves),
        RIG_TEST(rep_counts_cx_with_16bit_addressing),
        RIG_TEST(address32_uses_esi_edi_ecx),
        RIG_TEST(source_segment_override),
        RIG_TEST(rep_movs_across_page_boundaries),
        RIG_TEST(rep_movsb_forward_overlap_replicates),
        RIG_TEST(rep_movsw_overlap_downward),
        RIG_TEST(rep_stosb_wraps_di_at_64k),
        RIG_TEST(rep_stosd_patterns_across_pages),
        RIG_TEST(fault_mid_rep_is_restartable),
        RIG_TEST(rep_stos_uninterrupted),
        RIG_TEST(rep_stos_small_budget_resumes),
        RIG_TEST(repe_cmpsb_resumed_stops_at_difference),
        RIG_TEST_BUS(interrupt_between_iterations),
        RIG_TEST(rep_stosb_rewrites_following_code),
        RIG_TEST(stosb_rewrites_its_own_block),
        RIG_TEST(rep_stosb_over_its_own_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

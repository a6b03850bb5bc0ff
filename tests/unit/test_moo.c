/* The MOO reader, the metadata scanner, the revocation list and the exclusion
 * matcher of bt86-cputest, on small images built here byte by byte after the
 * format description (../shared/cpu-tests/README.md). */
#include "exclusions.h"
#include "metadata.h"
#include "moo.h"
#include "revoked.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct buf {
    uint8_t b[4096];
    size_t n;
};

static void put8(struct buf *o, uint8_t v)
{
    assert_true(o->n < sizeof o->b);
    o->b[o->n++] = v;
}
static void put16(struct buf *o, uint16_t v)
{
    put8(o, (uint8_t)v);
    put8(o, (uint8_t)(v >> 8));
}
static void put32(struct buf *o, uint32_t v)
{
    put16(o, (uint16_t)v);
    put16(o, (uint16_t)(v >> 16));
}
static void put_bytes(struct buf *o, const void *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        put8(o, ((const uint8_t *)p)[k]);
}
/* Starts a chunk; returns where its length goes. */
static size_t begin(struct buf *o, const char *tag)
{
    put_bytes(o, tag, 4);
    size_t at = o->n;
    put32(o, 0);
    return at;
}
static void end(struct buf *o, size_t at)
{
    uint32_t len = (uint32_t)(o->n - at - 4);
    memcpy(o->b + at, &len, 4); /* the test host is little-endian like the format */
}

static void put_regs(struct buf *o, uint16_t mask, const uint16_t *vals)
{
    size_t c = begin(o, "REGS");
    put16(o, mask);
    for (int r = 0; r < 14; r++)
        if (mask & (1u << r))
            put16(o, vals[r]);
    end(o, c);
}

static void put_ram(struct buf *o, uint32_t n, const uint32_t *addr, const uint8_t *val)
{
    size_t c = begin(o, "RAM ");
    put32(o, n);
    for (uint32_t k = 0; k < n; k++) {
        put32(o, addr[k]);
        put8(o, val[k]);
    }
    end(o, c);
}

/* One test: "add [bx],al" style, index idx, optional exception. */
static void put_test(struct buf *o, uint32_t idx, bool exc, uint16_t init_mask)
{
    size_t t = begin(o, "TEST");
    put32(o, idx);
    size_t c = begin(o, "GMET"); /* generator metadata: skipped by the reader */
    put32(o, 0xdeadbeef);
    end(o, c);
    c = begin(o, "NAME");
    put32(o, 11);
    put_bytes(o, "add [bx],al", 11);
    end(o, c);
    c = begin(o, "BYTS");
    put32(o, 3);
    put_bytes(o, "\x00\x07\xf4", 3);
    end(o, c);
    uint16_t init[14];
    for (int r = 0; r < 14; r++)
        init[r] = (uint16_t)(0x1000 * (r + 1) + idx);
    c = begin(o, "INIT");
    put_regs(o, init_mask, init);
    put_ram(o, 3, (uint32_t[]){0x12340, 0x12341, 0x12342}, (uint8_t[]){0x00, 0x07, 0xf4});
    end(o, c);
    c = begin(o, "FINA");
    uint16_t fin[14] = {0};
    fin[12] = 0x0103; /* ip */
    fin[13] = 0x0046; /* flags */
    put_regs(o, 0x3000, fin);
    put_ram(o, 1, (uint32_t[]){0x05000}, (uint8_t[]){0x99});
    end(o, c);
    if (exc) {
        c = begin(o, "EXCP");
        put8(o, 13);
        put32(o, 0x0fffa);
        end(o, c);
    }
    c = begin(o, "HASH");
    for (int k = 0; k < 20; k++)
        put8(o, (uint8_t)(k + idx));
    end(o, c);
    end(o, t);
}

static void build_file_mask(struct buf *o, uint32_t header_count, uint32_t tests,
                            uint16_t init_mask)
{
    o->n = 0;
    put_bytes(o, "MOO ", 4);
    put32(o, 12);
    put8(o, 1); /* version */
    put_bytes(o, "\0\0\0", 3);
    put32(o, header_count);
    put_bytes(o, "C286", 4);
    size_t c = begin(o, "META");
    put_bytes(o, "anything", 8);
    end(o, c);
    for (uint32_t k = 0; k < tests; k++)
        put_test(o, k * 10, k == 1, init_mask);
}

static void build_file(struct buf *o, uint32_t header_count, uint32_t tests)
{
    build_file_mask(o, header_count, tests, MOO_ALL_REGS);
}

/* moo_parse on a heap copy of the first len bytes. */
static int parse(const struct buf *o, size_t len, struct moo_file *f, char *err, size_t errlen)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, o->b, len);
    return moo_parse(copy, len, f, err, errlen);
}

static void valid_file(void **state)
{
    struct buf o;
    build_file(&o, 2, 2);
    struct moo_file f;
    char err[256] = "";
    assert_int_equal(parse(&o, o.n, &f, err, sizeof err), 0);
    assert_int_equal(f.test_count, 2);
    assert_int_equal(f.version, 1);
    assert_string_equal(f.cpu, "C286");

    const struct moo_test *t = &f.tests[1];
    assert_int_equal(t->index, 10);
    assert_int_equal(t->name_len, 11);
    assert_memory_equal(t->name, "add [bx],al", 11);
    assert_int_equal(t->byte_count, 3);
    assert_int_equal(t->bytes[2], 0xf4);
    assert_int_equal(t->initial.reg_mask, MOO_ALL_REGS);
    assert_int_equal(t->initial.regs[MOO_AX], 0x1000 + 10);
    assert_int_equal(t->initial.regs[MOO_FLAGS], 0xe000 + 10);
    assert_int_equal(t->initial.ram_count, 3);
    assert_int_equal(f.ram[t->initial.ram_first + 1].addr, 0x12341);
    assert_int_equal(f.ram[t->initial.ram_first + 1].value, 0x07);
    /* Final REGS list only ip and flags, in register order. */
    assert_int_equal(t->final.reg_mask, 0x3000);
    assert_int_equal(t->final.regs[MOO_IP], 0x0103);
    assert_int_equal(t->final.regs[MOO_FLAGS], 0x0046);
    assert_int_equal(t->final.ram_count, 1);
    assert_int_equal(f.ram[t->final.ram_first].value, 0x99);
    assert_true(t->has_exception);
    assert_int_equal(t->exception, 13);
    assert_int_equal(t->exc_flags_addr, 0x0fffa);
    assert_true(t->has_hash);
    assert_int_equal(t->hash[0], 10);
    assert_false(f.tests[0].has_exception);
    moo_free(&f);
}

static void every_truncation_is_an_error(void **state)
{
    struct buf o;
    build_file(&o, 2, 2);
    for (size_t len = 0; len < o.n; len++) {
        struct moo_file f;
        char err[256] = "";
        assert_int_equal(parse(&o, len, &f, err, sizeof err), -1);
        assert_true(err[0] != '\0');
        assert_null(strchr(err, '\n'));
        moo_free(&f);
    }
}

static void wrong_magic(void **state)
{
    struct buf o;
    build_file(&o, 1, 1);
    o.b[0] = 'N';
    struct moo_file f;
    char err[256];
    assert_int_equal(parse(&o, o.n, &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "magic"));
    moo_free(&f);
}

static void expect_error(struct buf *o, const char *needle)
{
    struct moo_file f;
    char err[256] = "";
    assert_int_equal(parse(o, o->n, &f, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("error '%s' lacks '%s'", err, needle);
    moo_free(&f);
}

/* Finds the first occurrence of a 4-byte tag in the image. */
static size_t find_tag(const struct buf *o, const char *tag, size_t from)
{
    for (size_t k = from; k + 4 <= o->n; k++)
        if (memcmp(o->b + k, tag, 4) == 0)
            return k;
    fail_msg("tag %s not found", tag);
    return 0;
}

static void poke32(struct buf *o, size_t at, uint32_t v)
{
    memcpy(o->b + at, &v, 4);
}

static void bogus_lengths(void **state)
{
    struct buf o;
    /* A TEST chunk claiming more bytes than the file has. */
    build_file(&o, 1, 1);
    poke32(&o, find_tag(&o, "TEST", 0) + 4, 0x7fffffff);
    expect_error(&o, "runs past");
    /* A RAM count that does not match the chunk length. */
    build_file(&o, 1, 1);
    poke32(&o, find_tag(&o, "RAM ", 0) + 8, 1000);
    expect_error(&o, "does not hold");
    /* A REGS chunk shorter than its bitmask promises. */
    build_file(&o, 1, 1);
    size_t regs = find_tag(&o, "REGS", 0);
    poke32(&o, regs + 4, 4);
    expect_error(&o, "REGS");
    /* A NAME longer than its chunk. */
    build_file(&o, 1, 1);
    poke32(&o, find_tag(&o, "NAME", 0) + 8, 5000);
    expect_error(&o, "NAME");
    /* A header count the file cannot hold, and one that is off by one. */
    build_file(&o, 0x40000000, 1);
    expect_error(&o, "exceeds");
    build_file(&o, 2, 1);
    expect_error(&o, "truncated");
    build_file(&o, 0, 1);
    expect_error(&o, "more TEST");
    /* A header length beyond the file. */
    build_file(&o, 1, 1);
    poke32(&o, 4, 0xfffffff0u);
    expect_error(&o, "header length");
}

static void initial_state_must_be_complete(void **state)
{
    /* The initial state is the whole register file (README: "The real mode test
     * set will only include the traditional 8088 register file"): without FLAGS
     * the test cannot be set up. */
    struct buf o;
    build_file_mask(&o, 1, 1, MOO_ALL_REGS & ~(1u << MOO_FLAGS));
    expect_error(&o, "lacks registers");
    /* Bits beyond the 14 registers belong to another register file. */
    build_file_mask(&o, 1, 1, 0x7fff);
    expect_error(&o, "unknown registers");
}

static const char metadata_json[] =
    "{ \"cpu\": \"286\", \"opcodes\": {\n"
    "  \"08\": {\"status\": \"normal\", \"arch\": \"86\", \"flags\": \".....a..\",\n"
    "          \"flags-mask\": 65519},\n"
    "  \"27\": {\"status\": \"normal\", \"flags-mask\": 63487, \"list\": [1, {\"status\": "
    "\"x\"}]},\n"
    "  \"8F\": {\"reg\": {\"0\": {\"status\": \"normal\"},\n"
    "                  \"1\": {\"status\": \"undefined\", \"flags-mask\": 1}}},\n"
    "  \"D8\": {\"status\": \"fpu\", \"flags-mask\": 6.5e4}\n"
    "}, \"status\": \"not an opcode\" }";

static void metadata_scanner(void **state)
{
    struct metadata m;
    char err[256] = "";
    assert_int_equal(metadata_parse(&m, metadata_json, strlen(metadata_json), err, sizeof err), 0);
    const struct meta_entry *e = metadata_find(&m, "08");
    assert_non_null(e);
    assert_string_equal(e->status, "normal");
    assert_true(e->has_mask);
    assert_int_equal(e->flags_mask, 65519);
    e = metadata_find(&m, "27");
    assert_int_equal(e->flags_mask, 63487);
    assert_string_equal(e->status, "normal"); /* the array's object is not the opcode's */
    e = metadata_find(&m, "8F");
    assert_non_null(e);
    assert_true(e->has_reg);
    assert_false(e->has_mask);
    e = metadata_find(&m, "8F.1");
    assert_non_null(e);
    assert_string_equal(e->status, "undefined");
    assert_int_equal(e->flags_mask, 1);
    assert_int_equal(metadata_find(&m, "D8")->flags_mask, 65000);
    assert_null(metadata_find(&m, "cpu"));
    metadata_free(&m);

    static const char *const bad[] = {
        "{\"opcodes\": {\"08\": {\"status\": \"normal\"}}",       /* unclosed */
        "{\"opcodes\": {\"08\": {\"flags-mask\": 70000}}}",       /* not 16-bit */
        "{\"opcodes\": {\"08\": {\"status\": 5}}}",               /* not a string */
        "{\"opcodes\": {\"08\" {\"status\": \"normal\"}}}",       /* no colon */
        "{\"opcodes\": {\"08\": {\"status\": \"normal\"}}} junk", /* trailing text */
        "{\"opcodes\": {\"08\": {\"status\": \"nor",              /* cut in a string */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        err[0] = '\0';
        assert_int_equal(metadata_parse(&m, bad[k], strlen(bad[k]), err, sizeof err), -1);
        assert_non_null(strstr(err, "line 1"));
        metadata_free(&m);
    }
}

static void revocation_list(void **state)
{
    static const char text[] = "# comment\n\n"
                               "626be5084b331080eb08256c12a62d24afdf2a03  # first\n"
                               "  5B01E3109C007DC407C56F51BA2F11B7BADFC204\n";
    struct revoked r;
    char err[128];
    assert_int_equal(revoked_parse(&r, text, strlen(text), err, sizeof err), 0);
    assert_int_equal(r.count, 2);
    uint8_t h[20] = {0x5b, 0x01, 0xe3, 0x10, 0x9c, 0x00, 0x7d, 0xc4, 0x07, 0xc5,
                     0x6f, 0x51, 0xba, 0x2f, 0x11, 0xb7, 0xba, 0xdf, 0xc2, 0x04};
    assert_true(revoked_has(&r, h));
    h[19] ^= 1;
    assert_false(revoked_has(&r, h));
    revoked_free(&r);
    static const char bad[] = "626be5084b331080eb08256c12a62d24afdf2a0\n"; /* 39 digits */
    assert_int_equal(revoked_parse(&r, bad, strlen(bad), err, sizeof err), -1);
    assert_non_null(strstr(err, "line 1"));
}

static struct excl_result match(const char *bytes, size_t n, int exception)
{
    struct moo_test t = {.bytes = (const uint8_t *)bytes, .byte_count = (uint32_t)n};
    t.has_exception = exception >= 0;
    t.exception = (uint8_t)(exception < 0 ? 0 : exception);
    struct insn_view v;
    assert_true(insn_view_from_test(&v, &t));
    struct excl_result r;
    exclusions_match(&v, &r);
    return r;
}

static void exclusion_matching(void **state)
{
    /* Every test clears FLAGS bits 12-15 before loading them. */
    struct excl_result r = match("\x00\x07\xf4", 3, -1);
    assert_null(r.skip);
    assert_int_equal(r.initial_flags_clear, 0xf000);
    assert_int_equal(r.final_flags_ignore, 0);
    /* LOCK ADD [bx],al is lockable on a P6; LOCK ADD al,[bx] and LOCK on a register
     * destination are #UD there (Intel SDM Vol. 2, LOCK). */
    assert_null(match("\xf0\x00\x07\xf4", 4, -1).skip);
    assert_non_null(match("\x26\xf0\x02\x07\xf4", 5, -1).skip);
    assert_non_null(match("\xf0\x00\xc0\xf4", 4, -1).skip);
    assert_non_null(match("\xf0\x80\x3f\x01\xf4", 5, -1).skip); /* LOCK CMP */
    assert_null(match("\xf0\xf7\x1f\xf4", 4, -1).skip);         /* LOCK NEG word [bx] */
    /* MOV r/m, FS and MOV GS, r/m do not exist on a 286; MOV r/m, DS does. */
    assert_non_null(match("\x8c\xe0\xf4", 3, 6).skip);
    assert_non_null(match("\x8e\xe8\xf4", 3, 6).skip);
    assert_null(match("\x8c\xd8\xf4", 3, -1).skip);
    /* POPF and IRET: IOPL and NT are not compared. */
    assert_int_equal(match("\x9d\xf4", 2, -1).final_flags_ignore, 0x7000);
    assert_int_equal(match("\x2e\xcf\xf4", 3, -1).final_flags_ignore, 0x7000);
    /* Interrupt 13 lets #SS stand in; with 11 bytes the test is skipped. */
    assert_true(match("\x89\x07\xf4", 3, 13).ss_fault_13);
    assert_false(match("\x89\x07\xf4", 3, -1).ss_fault_13);
    assert_non_null(match("\x36\x26\x36\x2e\x36\x81\x82\x1e\x20\x0a\x33\xf4", 12, 13).skip);
    assert_null(match("\x36\x81\x82\x1e\x20\x0a\x33\xf4", 8, 13).skip);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_file),
        cmocka_unit_test(every_truncation_is_an_error),
        cmocka_unit_test(wrong_magic),
        cmocka_unit_test(bogus_lengths),
        cmocka_unit_test(initial_state_must_be_complete),
        cmocka_unit_test(metadata_scanner),
        cmocka_unit_test(revocation_list),
        cmocka_unit_test(exclusion_matching),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

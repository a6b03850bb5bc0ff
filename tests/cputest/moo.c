/* MOO parser: every length is checked against what remains before it is used. */
#include "moo.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *const moo_reg_names[MOO_REG_COUNT] = {"ax", "bx", "cx", "dx", "cs", "ss", "ds",
                                                  "es", "sp", "bp", "si", "di", "ip", "flags"};

/* Smallest TEST chunk: tag, length and the u32 index. Bounds a bogus header count
 * before anything is allocated from it. */
#define MIN_TEST_CHUNK 12u

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

struct parser {
    struct moo_file *f;
    const uint8_t *base; /* start of the file, for offsets in messages */
    uint32_t ram_cap;
    char *err;
    size_t errlen;
};

static int fail(struct parser *ps, const uint8_t *at, const char *fmt, ...)
{
    int n = snprintf(ps->err, ps->errlen, "offset 0x%zx: ", (size_t)(at - ps->base));
    if (n < 0 || (size_t)n >= ps->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* A chunk inside [p, end): tag, body and the position after it. */
struct chunk {
    const uint8_t *tag;
    const uint8_t *body;
    uint32_t len;
};

static int next_chunk(struct parser *ps, const uint8_t **p, const uint8_t *end, struct chunk *c,
                      const char *where)
{
    size_t left = (size_t)(end - *p);
    if (left < 8)
        return fail(ps, *p, "truncated chunk header in %s", where);
    c->tag = *p;
    c->len = rd32(*p + 4);
    c->body = *p + 8;
    if (c->len > left - 8)
        return fail(ps, *p, "chunk '%.4s' in %s: length %u runs past its container (%zu left)",
                    (const char *)c->tag, where, c->len, left - 8);
    *p = c->body + c->len;
    return 0;
}

static bool is_tag(const struct chunk *c, const char *tag)
{
    return memcmp(c->tag, tag, 4) == 0;
}

static int add_ram(struct parser *ps, const uint8_t *rec, uint32_t count, struct moo_state *st)
{
    struct moo_file *f = ps->f;
    if (count > UINT32_MAX - f->ram_count)
        return fail(ps, rec, "too many RAM entries");
    if (f->ram_count + count > ps->ram_cap) {
        uint64_t cap = ps->ram_cap ? ps->ram_cap : 1024;
        while (cap < (uint64_t)f->ram_count + count)
            cap *= 2;
        struct moo_ram *r = realloc(f->ram, (size_t)cap * sizeof *r);
        if (!r)
            return fail(ps, rec, "out of memory");
        f->ram = r;
        ps->ram_cap = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);
    }
    st->ram_first = f->ram_count;
    st->ram_count = count;
    for (uint32_t i = 0; i < count; i++, rec += 5)
        f->ram[f->ram_count++] = (struct moo_ram){rd32(rec), rec[4]};
    return 0;
}

static int parse_state(struct parser *ps, const struct chunk *outer, struct moo_state *st,
                       bool need_all_regs)
{
    const uint8_t *p = outer->body, *end = outer->body + outer->len;
    bool have_regs = false, have_ram = false;
    while (p < end) {
        struct chunk c;
        if (next_chunk(ps, &p, end, &c, "a state chunk"))
            return -1;
        if (is_tag(&c, "REGS")) {
            if (c.len < 2)
                return fail(ps, c.tag, "REGS chunk shorter than its bitmask");
            uint16_t mask = rd16(c.body);
            if (mask & ~MOO_ALL_REGS)
                return fail(ps, c.tag, "REGS bitmask 0x%04x names unknown registers", mask);
            uint32_t n = (uint32_t)__builtin_popcount(mask);
            if (c.len != 2 + 2 * n)
                return fail(ps, c.tag, "REGS chunk length %u, bitmask 0x%04x needs %u", c.len, mask,
                            2 + 2 * n);
            st->reg_mask = mask;
            const uint8_t *v = c.body + 2;
            for (int r = 0; r < MOO_REG_COUNT; r++)
                if (mask & (1u << r)) {
                    st->regs[r] = rd16(v);
                    v += 2;
                }
            have_regs = true;
        } else if (is_tag(&c, "RAM ")) {
            if (c.len < 4)
                return fail(ps, c.tag, "RAM chunk shorter than its count");
            uint32_t count = rd32(c.body);
            if ((uint64_t)count * 5 + 4 != c.len)
                return fail(ps, c.tag, "RAM chunk length %u does not hold %u entries", c.len,
                            count);
            if (add_ram(ps, c.body + 4, count, st))
                return -1;
            have_ram = true;
        } /* other sub-chunks (QUEU in some sets) are not needed here */
    }
    if (!have_regs || !have_ram)
        return fail(ps, outer->tag, "%.4s chunk lacks its %s sub-chunk", (const char *)outer->tag,
                    have_regs ? "RAM" : "REGS");
    if (need_all_regs && st->reg_mask != MOO_ALL_REGS)
        return fail(ps, outer->tag, "initial REGS bitmask 0x%04x lacks registers", st->reg_mask);
    return 0;
}

static int parse_test(struct parser *ps, const struct chunk *tc, struct moo_test *t)
{
    if (tc->len < 4)
        return fail(ps, tc->tag, "TEST chunk shorter than its index");
    memset(t, 0, sizeof *t);
    t->index = rd32(tc->body);
    const uint8_t *p = tc->body + 4, *end = tc->body + tc->len;
    bool have_init = false, have_final = false;
    t->name = "";
    while (p < end) {
        struct chunk c;
        if (next_chunk(ps, &p, end, &c, "a TEST chunk"))
            return -1;
        if (is_tag(&c, "NAME") || is_tag(&c, "BYTS")) {
            if (c.len < 4 || rd32(c.body) > c.len - 4)
                return fail(ps, c.tag, "%.4s chunk: count exceeds the chunk", (const char *)c.tag);
            if (is_tag(&c, "NAME")) {
                t->name = (const char *)c.body + 4;
                t->name_len = rd32(c.body);
            } else {
                t->bytes = c.body + 4;
                t->byte_count = rd32(c.body);
            }
        } else if (is_tag(&c, "INIT")) {
            if (parse_state(ps, &c, &t->initial, true))
                return -1;
            have_init = true;
        } else if (is_tag(&c, "FINA")) {
            if (parse_state(ps, &c, &t->final, false))
                return -1;
            have_final = true;
        } else if (is_tag(&c, "EXCP")) {
            if (c.len < 5)
                return fail(ps, c.tag, "EXCP chunk shorter than 5 bytes");
            t->has_exception = true;
            t->exception = c.body[0];
            t->exc_flags_addr = rd32(c.body + 1);
        } else if (is_tag(&c, "HASH")) {
            if (c.len != 20)
                return fail(ps, c.tag, "HASH chunk is %u bytes, not 20", c.len);
            memcpy(t->hash, c.body, 20);
            t->has_hash = true;
        } /* GMET (generator metadata) and unknown chunks are skipped */
    }
    if (!t->bytes || t->byte_count == 0)
        return fail(ps, tc->tag, "test %u has no instruction bytes", t->index);
    if (!have_init || !have_final)
        return fail(ps, tc->tag, "test %u lacks its %s state", t->index,
                    have_init ? "final" : "initial");
    return 0;
}

int moo_parse(uint8_t *data, size_t size, struct moo_file *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->data = data;
    out->size = size;
    struct parser ps = {.f = out, .base = data, .err = err, .errlen = errlen};
    if (size < 8 || memcmp(data, "MOO ", 4) != 0) {
        snprintf(err, errlen, "not a MOO file (no \"MOO \" magic)");
        return -1;
    }
    uint32_t hlen = rd32(data + 4);
    if (hlen < 12 || hlen > size - 8)
        return fail(&ps, data + 4, "bad header length %u", hlen);
    out->version = data[8];
    if (out->version != 1)
        return fail(&ps, data + 8, "unsupported MOO version %u", (unsigned)out->version);
    uint32_t count = rd32(data + 12);
    memcpy(out->cpu, data + 16, 4);
    out->cpu[4] = '\0';
    if (count > (size - 8 - hlen) / MIN_TEST_CHUNK)
        return fail(&ps, data + 12, "header test count %u exceeds what the file can hold", count);
    out->tests = calloc(count ? count : 1, sizeof *out->tests);
    if (!out->tests)
        return fail(&ps, data, "out of memory");

    const uint8_t *p = data + 8 + hlen, *end = data + size;
    while (p < end) {
        struct chunk c;
        if (next_chunk(&ps, &p, end, &c, "the file"))
            return -1;
        if (!is_tag(&c, "TEST"))
            continue; /* META and future chunks */
        if (out->test_count == count)
            return fail(&ps, c.tag, "more TEST chunks than the header's %u", count);
        if (parse_test(&ps, &c, &out->tests[out->test_count]))
            return -1;
        out->test_count++;
    }
    if (out->test_count != count)
        return fail(&ps, end, "header promises %u tests, the file holds %u (truncated?)", count,
                    out->test_count);
    return 0;
}

void moo_free(struct moo_file *f)
{
    free(f->data);
    free(f->tests);
    free(f->ram);
    memset(f, 0, sizeof *f);
}

/* Appends everything readable from fd to a growing buffer. */
static int slurp(int fd, uint8_t **buf, size_t *size)
{
    size_t cap = 1u << 20, n = 0;
    uint8_t *b = malloc(cap);
    if (!b)
        return -1;
    for (;;) {
        if (n == cap) {
            uint8_t *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                return -1;
            }
            b = nb;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(b);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *buf = b;
    *size = n;
    return 0;
}

/* Runs `gzip -dc -- path` without a shell (no quoting issues) and collects its
 * output. gzip's own complaints go to /dev/null: the caller prints one line. */
static int gunzip(const char *path, uint8_t **buf, size_t *size, char *err, size_t errlen)
{
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    posix_spawn_file_actions_addclose(&fa, pipefd[1]);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    char *argv[] = {"gzip", "-dc", "--", (char *)path, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "gzip", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (rc != 0) {
        close(pipefd[0]);
        snprintf(err, errlen, "cannot run gzip: %s", strerror(rc));
        return -1;
    }
    int read_rc = slurp(pipefd[0], buf, size);
    close(pipefd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (read_rc != 0) {
        snprintf(err, errlen, "out of memory reading gzip output");
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(*buf);
        *buf = NULL;
        snprintf(err, errlen, "gzip -dc failed: corrupt or truncated gzip data");
        return -1;
    }
    return 0;
}

int moo_load(const char *path, struct moo_file *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    uint8_t magic[2] = {0, 0};
    ssize_t got = read(fd, magic, 2);
    uint8_t *buf;
    size_t size;
    int rc;
    if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        close(fd);
        rc = gunzip(path, &buf, &size, err, errlen);
    } else {
        rc = lseek(fd, 0, SEEK_SET) == 0 ? slurp(fd, &buf, &size) : -1;
        if (rc)
            snprintf(err, errlen, "read failed: %s", strerror(errno));
        close(fd);
    }
    if (rc)
        return -1;
    return moo_parse(buf, size, out, err, errlen);
}

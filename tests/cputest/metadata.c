/* A recursive scanner over the JSON grammar (RFC 8259) that keeps the path of
 * object keys and records the two fields the runner needs:
 *   opcodes.<OP>.status / .flags-mask          -> entry "<OP>"
 *   opcodes.<OP>.reg.<R>.status / .flags-mask  -> entry "<OP>.<R>"
 * Everything else is checked for well-formedness and skipped. */
#include "metadata.h"
#include "text_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32
#define KEY_MAX   32

struct scanner {
    const char *p, *end, *start;
    struct metadata *m;
    char path[MAX_DEPTH][KEY_MAX]; /* object keys from the root to the current value */
    int depth;
    char *err;
    size_t errlen;
};

static int fail(struct scanner *s, const char *fmt, ...)
{
    int line = 1;
    for (const char *q = s->start; q < s->p && q < s->end; q++)
        line += *q == '\n';
    int n = snprintf(s->err, s->errlen, "line %d: ", line);
    if (n < 0 || (size_t)n >= s->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err + n, s->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static void skip_ws(struct scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* Reads a string; its contents (escapes kept as written, truncated to out_len-1)
 * go to out when out is not NULL. */
static int scan_string(struct scanner *s, char *out, size_t out_len)
{
    if (s->p >= s->end || *s->p != '"')
        return fail(s, "expected a string");
    s->p++;
    size_t n = 0;
    while (s->p < s->end && *s->p != '"') {
        if ((unsigned char)*s->p < 0x20)
            return fail(s, "control character in a string");
        if (*s->p == '\\') {
            if (++s->p >= s->end)
                break;
        }
        if (out && n + 1 < out_len)
            out[n++] = *s->p;
        s->p++;
    }
    if (s->p >= s->end)
        return fail(s, "unterminated string");
    s->p++;
    if (out)
        out[n] = '\0';
    return 0;
}

static int scan_number(struct scanner *s, double *out)
{
    const char *q = s->p;
    if (q < s->end && *q == '-')
        q++;
    const char *digits = q;
    while (q < s->end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
                          *q == '+' || *q == '-'))
        q++;
    if (q == digits)
        return fail(s, "unexpected character '%c'", *s->p);
    char buf[64];
    size_t len = (size_t)(q - s->p);
    if (len >= sizeof buf)
        return fail(s, "number too long");
    memcpy(buf, s->p, len);
    buf[len] = '\0';
    char *endp;
    errno = 0;
    *out = strtod(buf, &endp);
    if (*endp || errno)
        return fail(s, "bad number '%s'", buf);
    s->p = q;
    return 0;
}

static struct meta_entry *entry_for(struct scanner *s, const char *key)
{
    struct metadata *m = s->m;
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->entries[i].key, key) == 0)
            return &m->entries[i];
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct meta_entry *e = realloc(m->entries, cap * sizeof *e);
        if (!e)
            return NULL;
        m->entries = e;
        m->cap = cap;
    }
    struct meta_entry *e = &m->entries[m->count++];
    memset(e, 0, sizeof *e);
    snprintf(e->key, sizeof e->key, "%s", key);
    return e;
}

/* The entry a field at the current path belongs to, or NULL if the path is not
 * opcodes.<OP> or opcodes.<OP>.reg.<R>. */
static int owner_key(const struct scanner *s, char *key, size_t len)
{
    if (s->depth == 3 && strcmp(s->path[0], "opcodes") == 0) {
        snprintf(key, len, "%s", s->path[1]);
        return 1;
    }
    if (s->depth == 5 && strcmp(s->path[0], "opcodes") == 0 && strcmp(s->path[2], "reg") == 0) {
        snprintf(key, len, "%s.%s", s->path[1], s->path[3]);
        return 1;
    }
    return 0;
}

static int record(struct scanner *s, const char *str, const double *num)
{
    char key[2 * KEY_MAX + 2];
    if (!owner_key(s, key, sizeof key))
        return 0;
    const char *field = s->path[s->depth - 1];
    bool is_status = strcmp(field, "status") == 0, is_mask = strcmp(field, "flags-mask") == 0;
    if (!is_status && !is_mask)
        return 0;
    struct meta_entry *e = entry_for(s, key);
    if (!e)
        return fail(s, "out of memory");
    if (is_status) {
        if (!str)
            return fail(s, "\"status\" of %s is not a string", key);
        snprintf(e->status, sizeof e->status, "%s", str);
    } else {
        if (!num || *num < 0 || *num > 0xffff || *num != (double)(uint16_t)*num)
            return fail(s, "\"flags-mask\" of %s is not a 16-bit integer", key);
        e->has_mask = true;
        e->flags_mask = (uint16_t)*num;
    }
    return 0;
}

static int scan_value(struct scanner *s);

/* After a member or element: 1 when a ',' says another follows, 0 at the closing
 * bracket (consumed), -1 (reported) otherwise. */
static int element_end(struct scanner *s, char close)
{
    skip_ws(s);
    if (s->p < s->end && *s->p == ',') {
        s->p++;
        return 1;
    }
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 0;
    }
    return fail(s, "expected ',' or '%c'", close);
}

static int scan_object(struct scanner *s)
{
    s->p++; /* '{' */
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return 0;
    }
    if (s->depth >= MAX_DEPTH)
        return fail(s, "nesting deeper than %d", MAX_DEPTH);
    for (;;) {
        skip_ws(s);
        if (scan_string(s, s->path[s->depth], KEY_MAX))
            return -1;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ':')
            return fail(s, "expected ':'");
        s->p++;
        s->depth++;
        /* opcodes.<OP>.reg: mark OP as having per-reg entries */
        if (s->depth == 3 && strcmp(s->path[0], "opcodes") == 0 && strcmp(s->path[2], "reg") == 0) {
            struct meta_entry *e = entry_for(s, s->path[1]);
            if (!e)
                return fail(s, "out of memory");
            e->has_reg = true;
        }
        int rc = scan_value(s);
        s->depth--;
        if (rc)
            return -1;
        int next = element_end(s, '}');
        if (next <= 0)
            return next;
    }
}

static int scan_array(struct scanner *s)
{
    s->p++; /* '[' */
    skip_ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return 0;
    }
    if (s->depth >= MAX_DEPTH)
        return fail(s, "nesting deeper than %d", MAX_DEPTH);
    for (;;) {
        /* array elements get an empty key so that they never match a field */
        s->path[s->depth][0] = '\0';
        s->depth++;
        int rc = scan_value(s);
        s->depth--;
        if (rc)
            return -1;
        int next = element_end(s, ']');
        if (next <= 0)
            return next;
    }
}

static int scan_literal(struct scanner *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return fail(s, "unexpected character '%c'", *s->p);
    s->p += n;
    return record(s, NULL, NULL);
}

static int scan_value(struct scanner *s)
{
    skip_ws(s);
    if (s->p >= s->end)
        return fail(s, "unexpected end of file");
    switch (*s->p) {
    case '{': return scan_object(s);
    case '[': return scan_array(s);
    case '"': {
        char buf[64];
        if (scan_string(s, buf, sizeof buf))
            return -1;
        return record(s, buf, NULL);
    }
    case 't': return scan_literal(s, "true");
    case 'f': return scan_literal(s, "false");
    case 'n': return scan_literal(s, "null");
    default: {
        double v;
        if (scan_number(s, &v))
            return -1;
        return record(s, NULL, &v);
    }
    }
}

int metadata_parse(struct metadata *m, const char *text, size_t len, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    struct scanner s = {
        .p = text, .end = text + len, .start = text, .m = m, .err = err, .errlen = errlen};
    if (scan_value(&s))
        return -1;
    skip_ws(&s);
    if (s.p != s.end)
        return fail(&s, "text after the top-level value");
    if (m->count == 0) {
        snprintf(err, errlen, "no \"opcodes\" entries");
        return -1;
    }
    return 0;
}

int metadata_load(struct metadata *m, const char *path, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    size_t n;
    char *buf = text_file_read(path, &n, err, errlen);
    if (!buf)
        return -1;
    int rc = metadata_parse(m, buf, n, err, errlen);
    free(buf);
    return rc;
}

void metadata_free(struct metadata *m)
{
    free(m->entries);
    memset(m, 0, sizeof *m);
}

const struct meta_entry *metadata_find(const struct metadata *m, const char *key)
{
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->entries[i].key, key) == 0)
            return &m->entries[i];
    return NULL;
}

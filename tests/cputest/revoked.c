#include "revoked.h"
#include "text_file.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int cmp_hash(const void *a, const void *b)
{
    return memcmp(a, b, 20);
}

int revoked_parse(struct revoked *r, const char *text, size_t len, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    size_t cap = 0;
    int line = 0;
    for (size_t pos = 0; pos < len;) {
        line++;
        size_t eol = pos;
        while (eol < len && text[eol] != '\n')
            eol++;
        size_t a = pos, b = eol;
        for (size_t k = a; k < b; k++)
            if (text[k] == '#')
                b = k; /* comment to end of line */
        while (a < b && isspace((unsigned char)text[a]))
            a++;
        while (b > a && isspace((unsigned char)text[b - 1]))
            b--;
        pos = eol + 1;
        if (a == b)
            continue;
        uint8_t h[20];
        bool ok = b - a == 40;
        for (size_t k = 0; ok && k < 20; k++) {
            int hi = hex_digit(text[a + 2 * k]), lo = hex_digit(text[a + 2 * k + 1]);
            ok = hi >= 0 && lo >= 0;
            h[k] = (uint8_t)(hi << 4 | lo);
        }
        if (!ok) {
            snprintf(err, errlen, "line %d: not a 40-digit hex hash", line);
            revoked_free(r);
            return -1;
        }
        if (r->count == cap) {
            cap = cap ? cap * 2 : 16;
            uint8_t(*n)[20] = realloc(r->hashes, cap * sizeof *n);
            if (!n) {
                snprintf(err, errlen, "out of memory");
                revoked_free(r);
                return -1;
            }
            r->hashes = n;
        }
        memcpy(r->hashes[r->count++], h, 20);
    }
    if (r->count)
        qsort(r->hashes, r->count, 20, cmp_hash);
    return 0;
}

int revoked_load(struct revoked *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    size_t n;
    char *buf = text_file_read(path, &n, err, errlen);
    if (!buf)
        return -1;
    int rc = revoked_parse(r, buf, n, err, errlen);
    free(buf);
    return rc;
}

void revoked_free(struct revoked *r)
{
    free(r->hashes);
    memset(r, 0, sizeof *r);
}

bool revoked_has(const struct revoked *r, const uint8_t hash[20])
{
    return r->count && bsearch(hash, r->hashes, r->count, 20, cmp_hash) != NULL;
}

/* revocation_list.txt: SHA-1 hashes (40 hex digits, one a line, '#' comments) of
 * tests found to be wrong after publication (UPSTREAM-README, Accuracy). */
#ifndef BT86_CPUTEST_REVOKED_H
#define BT86_CPUTEST_REVOKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct revoked {
    uint8_t (*hashes)[20]; /* sorted */
    size_t count;
};

/* Returns 0, or -1 with a one-line reason (with the line number) in err. */
int revoked_parse(struct revoked *r, const char *text, size_t len, char *err, size_t errlen);
int revoked_load(struct revoked *r, const char *path, char *err, size_t errlen);
void revoked_free(struct revoked *r);
bool revoked_has(const struct revoked *r, const uint8_t hash[20]);

#endif

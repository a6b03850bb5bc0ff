/* -bios: a firmware image at the top of the 4 GiB space, with its last 128 KiB
 * (or all of a 64 KiB image) also visible below 1 MiB, where the reset vector
 * F000:FFF0 and the legacy BIOS segment live. */
#include "dev/machine_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KIB 1024u

/* Reads a whole file of at most max bytes; NULL with a message on failure. */
static uint8_t *read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bt86: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    bool err = ferror(f);
    fclose(f);
    if (!buf || err) {
        fprintf(stderr, "bt86: cannot read '%s'\n", path);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

bool firmware_load(struct machine *m, const char *path)
{
    size_t len;
    uint8_t *image = read_file(path, 256 * KIB, &len);
    if (!image)
        return false;
    if (len != 64 * KIB && len != 128 * KIB && len != 256 * KIB) {
        fprintf(stderr, "bt86: '%s' is %zu bytes; a -bios image must be 64, 128 or 256 KiB\n", path,
                len);
        free(image);
        return false;
    }
    size_t alias = len < 128 * KIB ? len : 128 * KIB;
    bool ok = phys_map_rom(&m->phys, (1ull << 32) - len, image, len) &&
              phys_map_rom(&m->phys, 0x100000 - alias, image + (len - alias), alias);
    free(image);
    if (!ok)
        fprintf(stderr, "bt86: cannot map '%s'\n", path);
    return ok;
}

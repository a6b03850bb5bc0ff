/* -bios: a firmware image at the top of the 4 GiB space, with its last 128 KiB
 * (or all of a 64 KiB image) also visible below 1 MiB, where the reset vector
 * F000:FFF0 and the legacy BIOS segment live. */
#include "dev/file_load.h"
#include "dev/machine_internal.h"

#include <stdlib.h>
#include <string.h>

#define KIB 1024u

bool firmware_load(struct machine *m, const char *path)
{
    size_t len;
    /* Read whole (up to a generous bound) so a wrong size is reported exactly. */
    uint8_t *image = file_load(path, 16 * 1024 * KIB, &len);
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

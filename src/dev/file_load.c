#include "dev/file_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint8_t *file_load(const char *path, size_t max, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
     * forever, before the regular-file check below could refuse it (bad input
     * gets an error, never a hang). It has no effect on a regular file's reads. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "bt86: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "bt86: '%s' is not a regular file\n", path);
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        fprintf(stderr, "bt86: cannot open '%s': %s\n", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if ((uint64_t)st.st_size > max) {
        fprintf(stderr, "bt86: '%s' is too large (%llu bytes; at most %zu)\n", path,
                (unsigned long long)st.st_size, max);
        fclose(f);
        return NULL;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size ? size : 1);
    size_t n = buf ? fread(buf, 1, size, f) : 0;
    bool err = !buf || ferror(f) || n != size;
    fclose(f);
    if (err) {
        fprintf(stderr, "bt86: cannot read '%s'\n", path);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

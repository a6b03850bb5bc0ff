/* Whole small text files (metadata, revocation list) read into memory. */
#ifndef BT86_CPUTEST_TEXT_FILE_H
#define BT86_CPUTEST_TEXT_FILE_H

#include <stddef.h>

/* Returns a malloc'ed buffer with the file's bytes and its length in *len, or NULL
 * with the reason in err. */
char *text_file_read(const char *path, size_t *len, char *err, size_t errlen);

#endif

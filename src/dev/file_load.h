/* Whole image files (-kernel, -initrd, -bios) read into memory. */
#ifndef BT86_DEV_FILE_LOAD_H
#define BT86_DEV_FILE_LOAD_H

#include <stddef.h>
#include <stdint.h>

/* Returns a malloc'ed copy of the file and its length in *len; NULL after printing
 * one line naming the file when it cannot be read or is larger than max bytes. */
uint8_t *file_load(const char *path, size_t max, size_t *len);

#endif

#ifndef BT86_UI_VERSION_H
#define BT86_UI_VERSION_H

#include <stdio.h>

/* Prints bt86's version and the versions of the libraries it is linked with. */
void version_print(FILE *out);

#endif

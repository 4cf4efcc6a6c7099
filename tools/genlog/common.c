/*
 * common.c - the one place where running out of memory is fatal
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);

    if (!p) {
        fputs(PROGNAME ": out of memory\n", stderr);
        exit(1);
    }
    return p;
}

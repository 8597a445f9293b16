/* string.h - the part of <string.h> the inkpin core uses, for the wasm32 build
 * (no libc is linked; ports/web/web.c defines these). */
#ifndef INKPIN_WEB_STRING_H
#define INKPIN_WEB_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif

/* diag.h - error reports for host tools.
 *
 * Every host function that can fail on bad input fills an `inkpin_diag` with a
 * message that names the file and the offset, line or field at fault, and
 * returns a non-zero status. The CLI prints `msg` to stderr and exits 2.
 */
#ifndef INKPIN_HOST_DIAG_H
#define INKPIN_HOST_DIAG_H

#include <stddef.h>

typedef struct {
    char msg[512];
} inkpin_diag;

/* printf-style; safe with d == NULL. Always returns -1 so callers can write
 * `return diag_fail(d, "...");`. */
int diag_fail(inkpin_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

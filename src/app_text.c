/* app_text.c - small number formatting without stdio.
 * Manual: inkpin/app.h; what the app files share: app_internal.h. */
#include "app_internal.h"

/* Writes v (0..99999) in decimal; returns the end of the string. */
char *app_put_uint(char *p, uint32_t v, int min_digits)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < 10);
    while (n < min_digits && n < 10) {
        tmp[n++] = '0';
    }
    while (n > 0) {
        *p++ = tmp[--n];
    }
    *p = '\0';
    return p;
}

/* A wait that fits the 80-px status line after "wait ": "mm:ss" under an
 * hour, "12h05" under 100 hours, "720h" beyond (the lock caps a wait at 30
 * days). out holds >= 12 bytes. */
void app_format_wait(char *out, uint32_t seconds)
{
    char *p = out;
    if (seconds < 3600u) {
        p = app_put_uint(p, seconds / 60u, 2);
        *p++ = ':';
        app_put_uint(p, seconds % 60u, 2);
    } else if (seconds < 360000u) {
        p = app_put_uint(p, seconds / 3600u, 1);
        *p++ = 'h';
        app_put_uint(p, seconds % 3600u / 60u, 2);
    } else {
        p = app_put_uint(p, seconds / 3600u, 1);
        p[0] = 'h';
        p[1] = '\0';
    }
}

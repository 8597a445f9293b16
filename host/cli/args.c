/* args.c - the subcommands' option parser and strict number readers (args.h). */
#include "cli/args.h"
#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/strokes.h"

/* strto* skip leading white space; a number here is the whole word. */
static int blank_start(const char *text)
{
    return isspace((unsigned char)text[0]);
}

int cli_read_int(const char *text, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || blank_start(text) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cli_read_u64(const char *text, uint64_t hi, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || blank_start(text) || text[0] == '-' || (hi && v > hi))
        return -1;
    *out = v;
    return 0;
}

int cli_read_double(const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || blank_start(text) || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

int cli_read_float(const char *text, float lo, float hi, float *out)
{
    char *end;
    errno = 0;
    float v = strtof(text, &end);
    if (errno || end == text || *end || blank_start(text) || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

int cli_read_writers(const char *text)
{
    if (!strcmp(text, "tune"))
        return STROKES_TUNE;
    if (!strcmp(text, "report"))
        return STROKES_REPORT;
    return strcmp(text, "all") ? -2 : -1;
}

const char *cli_writers_name(int writers)
{
    return writers == STROKES_TUNE ? "tune" : writers == STROKES_REPORT ? "report" : "all";
}

/* Stores one option's value; 0, or -1 after saying what is wrong. */
static int store(const char *cmd, const cli_opt *o, const char *v)
{
    long long i;
    uint64_t u;
    double x;
    float f;
    int w;
    switch (o->kind) {
    case CLI_STRING: *(const char **)o->out = v; return 0;
    case CLI_INT:
        if (cli_read_int(v, (long long)o->lo, (long long)o->hi, &i) == 0) {
            *(int *)o->out = (int)i;
            return 0;
        }
        fprintf(stderr, "inkpin %s: %s '%s': expected a whole number %.0f..%.0f\n", cmd, o->name, v,
                o->lo, o->hi);
        return -1;
    case CLI_U64:
        if (cli_read_u64(v, (uint64_t)o->hi, &u) == 0) {
            *(uint64_t *)o->out = u;
            return 0;
        }
        if (o->hi > 0)
            fprintf(stderr, "inkpin %s: %s '%s': expected a whole number 0..%.0f\n", cmd, o->name,
                    v, o->hi);
        else
            fprintf(stderr, "inkpin %s: %s '%s': expected a whole number >= 0\n", cmd, o->name, v);
        return -1;
    case CLI_DOUBLE:
        if (cli_read_double(v, o->lo, o->hi, &x) == 0) {
            *(double *)o->out = x;
            return 0;
        }
        break;
    case CLI_FLOAT:
        if (cli_read_float(v, (float)o->lo, (float)o->hi, &f) == 0) {
            *(float *)o->out = f;
            return 0;
        }
        break;
    case CLI_WRITERS:
        w = cli_read_writers(v);
        if (w != -2) {
            *(int *)o->out = w;
            return 0;
        }
        fprintf(stderr, "inkpin %s: %s '%s': expected tune, report or all\n", cmd, o->name, v);
        return -1;
    default: return -1;
    }
    fprintf(stderr, "inkpin %s: %s '%s': expected a number %g..%g\n", cmd, o->name, v, o->lo,
            o->hi);
    return -1;
}

static int bad(void (*usage)(FILE *f))
{
    if (usage)
        usage(stderr);
    return CLI_BAD_ARGS;
}

int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *opts, const char **positional,
              int max_positional, int *n_positional, void (*usage)(FILE *f))
{
    int n_pos = 0;
    if (n_positional)
        *n_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            if (usage)
                usage(stdout);
            return CLI_HELP_SHOWN;
        }
        if (a[0] != '-' || !a[1]) {
            if (n_pos >= max_positional) {
                fprintf(stderr, "inkpin %s: unexpected argument '%s'\n", cmd, a);
                return bad(usage);
            }
            positional[n_pos++] = a;
            if (n_positional)
                *n_positional = n_pos;
            continue;
        }
        const cli_opt *o = opts;
        while (o->kind != CLI_END && strcmp(o->name, a))
            o++;
        if (o->kind == CLI_END) {
            fprintf(stderr, "inkpin %s: unknown option '%s'\n", cmd, a);
            return bad(usage);
        }
        if (o->kind == CLI_FLAG) {
            *(int *)o->out = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "inkpin %s: missing value for '%s'\n", cmd, a);
            return bad(usage);
        }
        if (store(cmd, o, argv[++i]))
            return CLI_BAD_ARGS;
    }
    return CLI_PARSED;
}

int cli_parse_exit(int parsed)
{
    return parsed == CLI_HELP_SHOWN ? CLI_OK : CLI_USAGE;
}

void cli_progress(const char *what, int done, int total)
{
    if (!isatty(2) || total <= 0)
        return;
    if (done % 256 != 0 && done != total)
        return;
    fprintf(stderr, "\r%-28s [%3d%%]", what, (int)(100.0 * done / total));
    if (done == total)
        fprintf(stderr, "\r%-40s\r", "");
}

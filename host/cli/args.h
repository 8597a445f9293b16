/* args.h - the one option parser of the `inkpin` subcommands.
 *
 * A command describes its options in a table and calls cli_parse once:
 *
 *   static const char *model = NULL; int json = 0, limit = 400;
 *   const cli_opt opts[] = {
 *       {"--model", CLI_STRING, &model, 0, 0},
 *       {"--json", CLI_FLAG, &json, 0, 0},
 *       {"--limit", CLI_INT, &limit, 1, 100000},
 *       {NULL, CLI_END, NULL, 0, 0}};
 *   const char *files[1]; int n_files;
 *   switch (cli_parse("render", argc, argv, opts, files, 1, &n_files, usage)) { ... }
 *
 * Every number is parsed strictly (the whole word, in range; no atoi), every
 * --writers the same way, and every error says "inkpin CMD: ..." on stderr.
 * "--help" / "-h" print the usage on stdout. Values are written only when the
 * option is given, so the variables hold the defaults before the call.
 */
#ifndef INKPIN_HOST_CLI_ARGS_H
#define INKPIN_HOST_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    CLI_END = 0, /* ends the table */
    CLI_FLAG,    /* int *: set to 1 */
    CLI_STRING,  /* const char **: the next word */
    CLI_INT,     /* int *: a whole number lo..hi */
    CLI_U64,     /* uint64_t *: a whole number 0..hi (hi 0: any) */
    CLI_DOUBLE,  /* double *: a number lo..hi */
    CLI_FLOAT,   /* float *: a number lo..hi, parsed as float (strtof) */
    CLI_WRITERS  /* int *: tune | report | all -> STROKES_TUNE | STROKES_REPORT | -1 */
} cli_kind;

typedef struct {
    const char *name; /* "--model" */
    cli_kind kind;
    void *out;
    double lo, hi; /* range of CLI_INT / CLI_U64 / CLI_DOUBLE / CLI_FLOAT */
} cli_opt;

enum { CLI_PARSED = 0, CLI_HELP_SHOWN = 1, CLI_BAD_ARGS = -1 };

/* Parses argv[1..argc) (argv[0] is the subcommand). Words that do not start
 * with '-' (and "-" itself) are positional: up to max_positional of them go
 * to positional[], counted in *n_positional. Returns CLI_PARSED,
 * CLI_HELP_SHOWN (usage printed on stdout: exit CLI_OK) or CLI_BAD_ARGS (the
 * reason and the usage printed on stderr: exit CLI_USAGE). */
int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *opts, const char **positional,
              int max_positional, int *n_positional, void (*usage)(FILE *f));

/* The exit code of a cli_parse result that is not CLI_PARSED: CLI_OK after
 * --help, CLI_USAGE after bad arguments. */
int cli_parse_exit(int parsed);

/* The strict number readers behind cli_parse: 0, or -1 (nothing written)
 * when text is not a whole number / a number in lo..hi. */
int cli_read_int(const char *text, long long lo, long long hi, long long *out);
int cli_read_u64(const char *text, uint64_t hi, uint64_t *out);
int cli_read_double(const char *text, double lo, double hi, double *out);
int cli_read_float(const char *text, float lo, float hi, float *out);

/* "tune" / "report" / "all" -> STROKES_TUNE / STROKES_REPORT / -1; -2 otherwise. */
int cli_read_writers(const char *text);

/* The name cli_read_writers reads back: "tune", "report" or "all". */
const char *cli_writers_name(int writers);

/* A progress line "what [ 42%]" on stderr, only when stderr is a terminal;
 * redrawn every 256 items and cleared at done == total. */
void cli_progress(const char *what, int done, int total);

#endif

/* fuzz_cli_args.c - libFuzzer harness for the CLI option parser
 * (host/cli/args.c): the input is split at NUL bytes into at most 32 words,
 * parsed against a table of every option kind, and the parser's promises are
 * checked (a stored number is in its range, a --writers value is one of the
 * three, positional words are counted and bounded). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "data/strokes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { MAX_WORDS = 32 };
    char *text = malloc(size + 1);
    char *argv[MAX_WORDS + 1];
    int argc = 0;
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    argv[argc++] = (char *)"fuzz";
    for (size_t i = 0; i <= size && argc < MAX_WORDS;) {
        argv[argc++] = text + i;
        i += strlen(text + i) + 1;
    }
    argv[argc] = NULL;

    const char *str = NULL, *pos[2] = {NULL, NULL};
    int flag = 0, n = 50, writers = -1, n_pos = 0;
    uint64_t u = 7;
    double x = 0.5;
    float f = 0.25f;
    const cli_opt opts[] = {{"--s", CLI_STRING, &str, 0, 0},      {"--f", CLI_FLAG, &flag, 0, 0},
                            {"--n", CLI_INT, &n, -5, 100},        {"--u", CLI_U64, &u, 0, 1000},
                            {"--x", CLI_DOUBLE, &x, 0, 1},        {"--g", CLI_FLOAT, &f, 0.5, 2},
                            {"--w", CLI_WRITERS, &writers, 0, 0}, {NULL, CLI_END, NULL, 0, 0}};
    int rc = cli_parse("fuzz", argc, argv, opts, pos, 2, &n_pos, NULL);
    if (rc != CLI_PARSED && rc != CLI_HELP_SHOWN && rc != CLI_BAD_ARGS)
        abort();
    if (n < -5 || n > 100 || u > 1000 || !(x >= 0 && x <= 1) ||
        !(f == 0.25f || (f >= 0.5f && f <= 2)))
        abort();
    if (writers != -1 && writers != STROKES_TUNE && writers != STROKES_REPORT)
        abort();
    if (n_pos < 0 || n_pos > 2 || (flag != 0 && flag != 1))
        abort();
    free(text);
    return 0;
}

/* test_cli_args.c - host/cli/args.c, the subcommands' one option parser:
 * strict numbers (no atoi: "5x", "", " 5", out of range and overflow are
 * refused and leave the variable alone), --writers, flags, strings,
 * positional words, unknown options, missing values and --help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli/args.h"
#include "data/strokes.h"

static void test_readers_are_strict(void **state)
{
    (void)state;
    long long i = 7;
    assert_int_equal(cli_read_int("42", 0, 100, &i), 0);
    assert_int_equal(i, 42);
    const char *bad_ints[] = {"",     "5x", "x5", "4.0", "101", "-1", "99999999999999999999999",
                              "0x10", " 5"};
    for (size_t k = 0; k < sizeof bad_ints / sizeof *bad_ints; k++) {
        i = 7;
        assert_int_equal(cli_read_int(bad_ints[k], 0, 100, &i), -1);
        assert_int_equal(i, 7);
    }
    assert_int_equal(cli_read_int("-5", -10, 10, &i), 0);
    assert_int_equal(i, -5);
    uint64_t u = 3;
    assert_int_equal(cli_read_u64("18446744073709551615", 0, &u), 0);
    assert_true(u == UINT64_MAX);
    assert_int_equal(cli_read_u64("-1", 0, &u), -1);
    assert_int_equal(cli_read_u64("18446744073709551616", 0, &u), -1);
    assert_int_equal(cli_read_u64("4000000001", 4000000000u, &u), -1);
    double x = 0.25;
    assert_int_equal(cli_read_double("0.5", 0, 1, &x), 0);
    assert_true(x == 0.5);
    assert_int_equal(cli_read_double("1.5", 0, 1, &x), -1);
    assert_int_equal(cli_read_double("nan", 0, 1, &x), -1);
    assert_int_equal(cli_read_double("0.5x", 0, 1, &x), -1);
    assert_int_equal(cli_read_double(" 0.5", 0, 1, &x), -1);
    assert_true(x == 0.5);
    float f = 0;
    assert_int_equal(cli_read_float("0.01", 0, 1, &f), 0);
    assert_true(f == 0.01f); /* parsed as a float, not a rounded double */
    assert_int_equal(cli_read_writers("tune"), STROKES_TUNE);
    assert_int_equal(cli_read_writers("report"), STROKES_REPORT);
    assert_int_equal(cli_read_writers("all"), -1);
    assert_int_equal(cli_read_writers("Tune"), -2);
    assert_string_equal(cli_writers_name(STROKES_TUNE), "tune");
    assert_string_equal(cli_writers_name(-1), "all");
}

typedef struct {
    const char *model;
    int json, limit, writers;
    double conf;
    uint64_t seed;
} parsed;

static int parse(parsed *p, const char **pos, int *n_pos, int argc, const char **argv)
{
    memset(p, 0, sizeof *p);
    p->limit = 400;
    p->writers = -1;
    p->conf = 0.5;
    const cli_opt opts[] = {{"--model", CLI_STRING, &p->model, 0, 0},
                            {"--json", CLI_FLAG, &p->json, 0, 0},
                            {"--limit", CLI_INT, &p->limit, 1, 1000},
                            {"--writers", CLI_WRITERS, &p->writers, 0, 0},
                            {"--conf", CLI_DOUBLE, &p->conf, 0, 1},
                            {"--seed", CLI_U64, &p->seed, 0, 0},
                            {NULL, CLI_END, NULL, 0, 0}};
    return cli_parse("test", argc, (char **)argv, opts, pos, 1, n_pos, NULL);
}

static void test_parse(void **state)
{
    (void)state;
    parsed p;
    const char *pos[1] = {NULL};
    int n = -1;
    const char *ok[] = {"test",    "f.ndjson", "--json", "--limit", "12",     "--writers", "tune",
                        "--model", "m.inkm",   "--conf", "0.75",    "--seed", "9"};
    assert_int_equal(parse(&p, pos, &n, 13, ok), CLI_PARSED);
    assert_int_equal(n, 1);
    assert_string_equal(pos[0], "f.ndjson");
    assert_int_equal(p.json, 1);
    assert_int_equal(p.limit, 12);
    assert_int_equal(p.writers, STROKES_TUNE);
    assert_string_equal(p.model, "m.inkm");
    assert_true(p.conf == 0.75);
    assert_true(p.seed == 9);
    /* defaults stay when an option is absent */
    const char *none[] = {"test"};
    pos[0] = NULL;
    assert_int_equal(parse(&p, pos, &n, 1, none), CLI_PARSED);
    assert_int_equal(n, 0);
    assert_null(pos[0]);
    assert_int_equal(p.limit, 400);
    assert_int_equal(p.writers, -1);
    /* "-" is a positional word (stdin), not an option */
    const char *dash[] = {"test", "-"};
    assert_int_equal(parse(&p, pos, &n, 2, dash), CLI_PARSED);
    assert_string_equal(pos[0], "-");
}

static void test_parse_errors(void **state)
{
    (void)state;
    parsed p;
    const char *pos[1];
    int n;
    const char *cases[][4] = {
        {"test", "--limit", "5x", NULL},     {"test", "--limit", "0", NULL},
        {"test", "--limit", NULL, NULL},     {"test", "--bogus", NULL, NULL},
        {"test", "--writers", "some", NULL}, {"test", "a", "b", NULL},
        {"test", "--conf", "2", NULL},       {"test", "--seed", "-3", NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        int argc = 0;
        while (argc < 4 && cases[k][argc])
            argc++;
        assert_int_equal(parse(&p, pos, &n, argc, cases[k]), CLI_BAD_ARGS);
        assert_int_equal(p.limit, 400); /* a refused value is not stored */
    }
    const char *help[] = {"test", "--limit", "5x", "--help"};
    assert_int_equal(parse(&p, pos, &n, 2, (const char *[]){"test", "-h"}), CLI_HELP_SHOWN);
    assert_int_equal(parse(&p, pos, &n, 4, help), CLI_BAD_ARGS); /* read in order */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readers_are_strict),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

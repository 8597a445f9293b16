/* cli.h - subcommands of the `inkpin` CLI (host/cli/main.c dispatches to these).
 *
 * Contract (docs/design.md): every subcommand has --help; errors go to stderr naming
 * the file and line/field at fault; exit 0 success, 1 the job failed (e.g. an
 * accuracy gate), 2 bad usage or bad input; --json prints exactly one JSON
 * object on stdout; long jobs show a progress bar on a terminal only.
 */
#ifndef INKPIN_HOST_CLI_H
#define INKPIN_HOST_CLI_H

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
    const char *summary;
} cli_command;

int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_robustness(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_demo(int argc, char **argv);

#endif

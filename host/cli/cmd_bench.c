/* cmd_bench.c - `inkpin bench`: single-thread host inferences per second of
 * the int8 engine, with the compiled-in default model unless --model names an
 * .inkm blob. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "data/data.h"
#include "inkpin/net.h"
#include "model/modelfile.h"

static void bench_usage(FILE *f)
{
    fprintf(f, "usage: inkpin bench [--model FILE.inkm] [--data DIR] [--seconds S] [--json]\n"
               "  Single-thread host inference speed of the int8 engine (net_run on packed\n"
               "  bits) over the first 1000 MNIST test digits (synthetic strokes without data),\n"
               "  repeated for at least S seconds (default 2).\n");
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Deterministic stroke-like digits when no MNIST is around. */
static void synthetic(uint8_t *bits, int n)
{
    uint32_t s = 12345;
    memset(bits, 0, (size_t)n * NET_IMAGE_BYTES);
    for (int i = 0; i < n; i++) {
        uint8_t *b = bits + (size_t)i * NET_IMAGE_BYTES;
        int x = 8, y = 6;
        for (int t = 0; t < 60; t++) {
            s = s * 1103515245u + 12345u;
            x += (int)((s >> 16) % 3) - 1, y += (int)((s >> 20) % 3) - (t < 30 ? 0 : 1);
            x = x < 4 ? 4 : x > 22 ? 22 : x, y = y < 4 ? 4 : y > 22 ? 22 : y;
            for (int dy = 0; dy < 3; dy++)
                for (int dx = 0; dx < 3; dx++) {
                    int idx = (y + dy) * 28 + x + dx;
                    b[idx >> 3] = (uint8_t)(b[idx >> 3] | 1u << (idx & 7));
                }
        }
    }
}

int cmd_bench(int argc, char **argv)
{
    const char *model = NULL, *data = NULL;
    double secs = 2;
    int json = 0;
    const cli_opt opts[] = {{"--json", CLI_FLAG, &json, 0, 0},
                            {"--model", CLI_STRING, &model, 0, 0},
                            {"--data", CLI_STRING, &data, 0, 0},
                            {"--seconds", CLI_DOUBLE, &secs, 0.001, 600},
                            {NULL, CLI_END, NULL, 0, 0}};
    int rc = cli_parse("bench", argc, argv, opts, NULL, 0, NULL, bench_usage);
    if (rc != CLI_PARSED)
        return cli_parse_exit(rc);
    host_model em;
    inkpin_diag d = {{0}};
    if (modelfile_load(&em, model, &d) != 0) {
        fprintf(stderr, "bench: %s\n", d.msg);
        return CLI_USAGE;
    }
    enum { N = 1000 };
    uint8_t *bits = malloc((size_t)N * NET_IMAGE_BYTES);
    const char *inputs = "synthetic strokes";
    char rootbuf[4096];
    dataset ds = {0};
    const char *root = data_find_root(data, rootbuf, sizeof rootbuf, &d);
    if (root && data_load_mnist(root, "test", &ds, &d) == 0 && ds.n >= N) {
        for (int i = 0; i < N; i++)
            net_pack(bits + (size_t)i * NET_IMAGE_BYTES, ds.pixels + (size_t)i * DATA_PIXELS);
        inputs = "MNIST test[0..1000)";
    } else {
        synthetic(bits, N);
    }
    data_free(&ds);
    size_t need = net_arena_bytes(em.m);
    uint8_t *arena = malloc(need ? need : 1);
    unsigned sink = 0;
    long runs = 0;
    double t0 = now_s(), t;
    do {
        for (int i = 0; i < N; i++) {
            net_result r;
            net_run(em.m, bits + (size_t)i * NET_IMAGE_BYTES, arena, need, &r);
            sink += r.digit;
        }
        runs += N;
        t = now_s() - t0;
    } while (t < secs);
    double ips = (double)runs / t;
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "inferences_per_s", round(ips));
        cJSON_AddNumberToObject(o, "us_per_inference", round(1e8 / ips) / 100);
        cJSON_AddNumberToObject(o, "inferences", (double)runs);
        cJSON_AddNumberToObject(o, "arena_bytes", (double)need);
        cJSON_AddStringToObject(o, "model", em.name);
        cJSON_AddStringToObject(o, "inputs", inputs);
        cJSON_AddNumberToObject(o, "checksum", sink);
        char *s = cJSON_PrintUnformatted(o);
        printf("%s\n", s);
        free(s);
        cJSON_Delete(o);
    } else {
        printf("model: %s, inputs: %s, single thread\n%.0f inferences/s, %.2f us per inference "
               "(%ld runs in %.2f s), arena %zu bytes\n",
               em.name, inputs, ips, 1e6 / ips, runs, t, need);
    }
    free(arena);
    free(bits);
    modelfile_free(&em);
    return CLI_OK;
}

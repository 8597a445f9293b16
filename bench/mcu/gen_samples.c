/* gen_samples.c - writes the fixed sample the MCU firmwares classify.
 *
 *   gen_samples DATA_ROOT OUT_DIR N_DIGITS N_STROKES
 *
 * Reads the first N_DIGITS MNIST test images (DATA_ROOT/mnist/t10k-*.gz),
 * binarizes them with the project rule (pixel > NET_INK_THRESHOLD) and packs
 * them into NET_IMAGE_BYTES bytes each (bit i*28+j, LSB first); picks
 * N_STROKES digits spread evenly over DATA_ROOT/unipen/dev.ndjson. Writes
 *   OUT_DIR/mcu_samples.h    counts and declarations
 *   OUT_DIR/mcu_samples.c    the arrays (in MCU_ROM: flash on AVR)
 *   OUT_DIR/strokes.ndjson   the chosen stroke digits, as the firmware gets them
 * MNIST data is only ever written to the build directory, never committed.
 * Exit 0 on success, 2 on bad usage or bad input, 77 when the data is absent.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <zlib.h>

#include "inkpin/ink.h"
#include "inkpin/net.h"

#define EXIT_USAGE 2
#define EXIT_SKIP 77
#define PEN_LIFT 0xFF /* (x, y) = (0xFF, 0xFF) separates two strokes */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int read_gz_prefix(const char *path, unsigned char *buf, unsigned n)
{
    gzFile f = gzopen(path, "rb");
    if (!f) {
        fprintf(stderr, "gen_samples: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int got = gzread(f, buf, n);
    gzclose(f);
    if (got != (int)n) {
        fprintf(stderr, "gen_samples: %s: file ends before byte %u\n", path, n);
        return -1;
    }
    return 0;
}

/* The first n test images, binarized and packed, and their labels. */
static int load_digits(const char *root, int n, uint8_t (*packed)[NET_IMAGE_BYTES], uint8_t *labels)
{
    char path[4096];
    unsigned img_bytes = 16u + (unsigned)n * NET_IMAGE_PIXELS, lab_bytes = 8u + (unsigned)n;
    unsigned char *img = malloc(img_bytes), *lab = malloc(lab_bytes);
    int rc = -1;
    if (!img || !lab)
        goto out;
    snprintf(path, sizeof path, "%s/mnist/t10k-images-idx3-ubyte.gz", root);
    if (read_gz_prefix(path, img, img_bytes))
        goto out;
    if (be32(img) != 2051 || be32(img + 8) != 28 || be32(img + 12) != 28) {
        fprintf(stderr, "gen_samples: %s: byte 0: not an IDX 28x28 image file\n", path);
        goto out;
    }
    snprintf(path, sizeof path, "%s/mnist/t10k-labels-idx1-ubyte.gz", root);
    if (read_gz_prefix(path, lab, lab_bytes))
        goto out;
    if (be32(lab) != 2049) {
        fprintf(stderr, "gen_samples: %s: byte 0: not an IDX label file\n", path);
        goto out;
    }
    for (int k = 0; k < n; k++) {
        const unsigned char *px = img + 16 + (size_t)k * NET_IMAGE_PIXELS;
        memset(packed[k], 0, NET_IMAGE_BYTES);
        for (int i = 0; i < NET_IMAGE_PIXELS; i++)
            if (px[i] > NET_INK_THRESHOLD)
                packed[k][i >> 3] = (uint8_t)(packed[k][i >> 3] | 1u << (i & 7));
        labels[k] = lab[8 + k];
    }
    rc = 0;
out:
    free(img);
    free(lab);
    return rc;
}

static long count_lines(FILE *f)
{
    long n = 0;
    int c, last = '\n';
    while ((c = getc(f)) != EOF) {
        if (c == '\n')
            n++;
        last = c;
    }
    if (last != '\n')
        n++;
    rewind(f);
    return n;
}

static uint8_t clamp_coord(double v)
{
    long r = (long)(v + 0.5); /* the drawing area is 0..239; round to nearest */
    return (uint8_t)(r < 0 ? 0 : r > INK_AREA - 1 ? INK_AREA - 1 : r);
}

typedef struct {
    uint8_t *bytes; /* x, y pairs; (PEN_LIFT, PEN_LIFT) between strokes */
    size_t len, cap;
    uint16_t *start; /* start[k] = offset of sample k; start[n] = end */
    uint8_t *labels;
} stroke_set;

static void push(stroke_set *s, uint8_t x, uint8_t y)
{
    if (s->len + 2 > s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4096;
        s->bytes = realloc(s->bytes, s->cap);
        if (!s->bytes) {
            perror("gen_samples");
            exit(1);
        }
    }
    s->bytes[s->len++] = x;
    s->bytes[s->len++] = y;
}

/* Appends one NDJSON digit; writes it with the rounded coordinates to `echo`. */
static int add_stroke_digit(stroke_set *s, const char *line, const char *path, long lineno,
                            FILE *echo)
{
    cJSON *doc = cJSON_Parse(line);
    cJSON *label = doc ? cJSON_GetObjectItemCaseSensitive(doc, "label") : NULL;
    cJSON *strokes = doc ? cJSON_GetObjectItemCaseSensitive(doc, "strokes") : NULL;
    if (!cJSON_IsNumber(label) || label->valueint < 0 || label->valueint > 9 ||
        !cJSON_IsArray(strokes)) {
        fprintf(stderr, "gen_samples: %s:%ld: expected {\"label\":0..9,\"strokes\":[...]}\n", path,
                lineno);
        cJSON_Delete(doc);
        return -1;
    }
    fprintf(echo, "{\"label\":%d,\"strokes\":[", label->valueint);
    int first_stroke = 1;
    const cJSON *stroke;
    cJSON_ArrayForEach(stroke, strokes)
    {
        if (!first_stroke)
            push(s, PEN_LIFT, PEN_LIFT);
        fprintf(echo, "%s[", first_stroke ? "" : ",");
        first_stroke = 0;
        int first_point = 1;
        const cJSON *pt;
        cJSON_ArrayForEach(pt, stroke)
        {
            const cJSON *x = cJSON_GetArrayItem(pt, 0), *y = cJSON_GetArrayItem(pt, 1);
            if (!cJSON_IsNumber(x) || !cJSON_IsNumber(y)) {
                fprintf(stderr, "gen_samples: %s:%ld: a point is not [x, y]\n", path, lineno);
                cJSON_Delete(doc);
                return -1;
            }
            uint8_t cx = clamp_coord(x->valuedouble), cy = clamp_coord(y->valuedouble);
            push(s, cx, cy);
            fprintf(echo, "%s[%u,%u]", first_point ? "" : ",", cx, cy);
            first_point = 0;
        }
        fprintf(echo, "]");
    }
    fprintf(echo, "]}\n");
    cJSON_Delete(doc);
    return 0;
}

static int load_strokes(const char *root, int n, stroke_set *s, const char *echo_path)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/unipen/dev.ndjson", root);
    FILE *f = fopen(path, "r"), *echo = fopen(echo_path, "w");
    if (!f || !echo) {
        fprintf(stderr, "gen_samples: %s: %s\n", f ? echo_path : path, strerror(errno));
        return -1;
    }
    long lines = count_lines(f), stride = lines / n, lineno = 0;
    if (stride < 1) {
        fprintf(stderr, "gen_samples: %s: only %ld lines, %d wanted\n", path, lines, n);
        return -1;
    }
    s->start = calloc((size_t)n + 1, sizeof *s->start);
    s->labels = calloc((size_t)n, 1);
    char *line = NULL;
    size_t cap = 0;
    int k = 0;
    while (k < n && getline(&line, &cap, f) > 0) {
        if (lineno++ % stride != 0)
            continue;
        s->start[k] = (uint16_t)s->len;
        if (add_stroke_digit(s, line, path, lineno, echo))
            return -1;
        cJSON *doc = cJSON_Parse(line);
        s->labels[k] = (uint8_t)cJSON_GetObjectItemCaseSensitive(doc, "label")->valueint;
        cJSON_Delete(doc);
        k++;
    }
    s->start[k] = (uint16_t)s->len;
    free(line);
    fclose(f);
    fclose(echo);
    if (s->len > 0xFFFF) {
        fprintf(stderr, "gen_samples: %zu stroke bytes do not fit 16-bit offsets\n", s->len);
        return -1;
    }
    return 0;
}

static void write_bytes(FILE *f, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%u,", i % 20 == 0 ? "\n    " : "", b[i]);
}

static int exists(const char *root, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: gen_samples DATA_ROOT OUT_DIR N_DIGITS N_STROKES\n");
        return EXIT_USAGE;
    }
    const char *root = argv[1], *out = argv[2];
    int nd = atoi(argv[3]), ns = atoi(argv[4]);
    if (nd < 1 || nd > 10000 || ns < 1 || ns > 1000) {
        fprintf(stderr, "gen_samples: N_DIGITS must be 1..10000 and N_STROKES 1..1000\n");
        return EXIT_USAGE;
    }
    if (!exists(root, "mnist/t10k-images-idx3-ubyte.gz") || !exists(root, "unipen/dev.ndjson")) {
        fprintf(stderr, "gen_samples: no MNIST test set or dev strokes under %s: skipping\n", root);
        return EXIT_SKIP;
    }
    uint8_t(*digits)[NET_IMAGE_BYTES] = calloc((size_t)nd, NET_IMAGE_BYTES);
    uint8_t *labels = calloc((size_t)nd, 1);
    stroke_set st = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s/strokes.ndjson", out);
    if (!digits || !labels || load_digits(root, nd, digits, labels) ||
        load_strokes(root, ns, &st, path))
        return EXIT_USAGE;

    snprintf(path, sizeof path, "%s/mcu_samples.h", out);
    FILE *h = fopen(path, "w");
    if (!h) {
        fprintf(stderr, "gen_samples: %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    fprintf(h,
            "/* Generated by bench/mcu/gen_samples.c from the MNIST test set and the\n"
            " * UNIPEN dev strokes. Do not edit; never commit (it holds MNIST data). */\n"
            "#ifndef MCU_SAMPLES_H\n#define MCU_SAMPLES_H\n#include <stdint.h>\n"
            "#include \"mcu_port.h\" /* MCU_ROM */\n"
            "#define MCU_DIGITS %d\n#define MCU_STROKE_DIGITS %d\n#define MCU_STROKE_BYTES %zu\n"
            "#define MCU_PEN_LIFT 0xFF\n"
            "extern const uint8_t MCU_ROM mcu_digit_bits[MCU_DIGITS][%d];\n"
            "extern const uint8_t MCU_ROM mcu_digit_labels[MCU_DIGITS];\n"
            "extern const uint8_t MCU_ROM mcu_stroke_bytes[MCU_STROKE_BYTES];\n"
            "extern const uint16_t MCU_ROM mcu_stroke_start[MCU_STROKE_DIGITS + 1];\n"
            "extern const uint8_t MCU_ROM mcu_stroke_labels[MCU_STROKE_DIGITS];\n"
            "#endif\n",
            nd, ns, st.len, NET_IMAGE_BYTES);
    fclose(h);

    snprintf(path, sizeof path, "%s/mcu_samples.c", out);
    FILE *c = fopen(path, "w");
    if (!c) {
        fprintf(stderr, "gen_samples: %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    fprintf(c,
            "/* Generated by bench/mcu/gen_samples.c. Do not edit; never commit. */\n"
            "#include \"mcu_samples.h\"\n\n"
            "const uint8_t MCU_ROM mcu_digit_bits[MCU_DIGITS][%d] = {",
            NET_IMAGE_BYTES);
    for (int k = 0; k < nd; k++) {
        fprintf(c, "\n  {");
        write_bytes(c, digits[k], NET_IMAGE_BYTES);
        fprintf(c, "},");
    }
    fprintf(c, "\n};\n\nconst uint8_t MCU_ROM mcu_digit_labels[MCU_DIGITS] = {");
    write_bytes(c, labels, (size_t)nd);
    fprintf(c, "\n};\n\nconst uint8_t MCU_ROM mcu_stroke_bytes[MCU_STROKE_BYTES] = {");
    write_bytes(c, st.bytes, st.len);
    fprintf(c, "\n};\n\nconst uint16_t MCU_ROM mcu_stroke_start[MCU_STROKE_DIGITS + 1] = {");
    for (int k = 0; k <= ns; k++)
        fprintf(c, "%s%u,", k % 12 == 0 ? "\n    " : "", st.start[k]);
    fprintf(c, "\n};\n\nconst uint8_t MCU_ROM mcu_stroke_labels[MCU_STROKE_DIGITS] = {");
    write_bytes(c, st.labels, (size_t)ns);
    fprintf(c, "\n};\n");
    fclose(c);
    free(digits);
    free(labels);
    free(st.bytes);
    free(st.start);
    free(st.labels);
    return 0;
}

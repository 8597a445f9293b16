/* export.c - generated C, .inkm blob and model card (see export.h and
 * docs/model-format.md). */
#include "model/export.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inkpin/util.h"
#include "model/neteval.h"

/* ---- quantization with calibration -------------------------------------- */

int export_quantize(quant_model *q, const float_model *fm, const dataset *calib, inkpin_diag *d)
{
    float act_max[MODEL_MAX_LAYERS];
    int n = calib->n < EXPORT_CALIB_IMAGES ? calib->n : EXPORT_CALIB_IMAGES;
    uint8_t *img;
    if (quant_check_float(fm, d) != 0)
        return -1;
    if (n < 1)
        return diag_fail(d, "export: no calibration images");
    img = malloc((size_t)n * DATA_PIXELS);
    if (!img)
        return diag_fail(d, "export: out of memory");
    for (int i = 0; i < n; i++)
        data_binarize(calib->pixels + (size_t)i * DATA_PIXELS, img + (size_t)i * DATA_PIXELS);
    quant_calibrate(fm, img, n, act_max);
    free(img);
    return quant_build(q, fm, act_max, d);
}

/* ---- blob ------------------------------------------------------------------ */

typedef struct {
    uint8_t *p;
    size_t n, cap;
    int oom;
} bytebuf;

static void put(bytebuf *b, const void *src, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 1024) + n;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put_u8(bytebuf *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    put(b, &x, 1);
}

static void put_u16(bytebuf *b, unsigned v)
{
    uint8_t x[2];
    util_put_le16(x, (uint16_t)v);
    put(b, x, sizeof x);
}

static void put_u32(bytebuf *b, uint32_t v)
{
    uint8_t x[4];
    util_put_le32(x, v);
    put(b, x, sizeof x);
}

static void put_pad4(bytebuf *b)
{
    while (b->n & 3)
        put_u8(b, 0);
}

static size_t weight_bytes(const quant_layer *Q)
{
    return Q->wq_bytes;
}

int export_blob(const quant_model *q, uint8_t **out, size_t *n, inkpin_diag *d)
{
    bytebuf b = {0};
    net_model m;
    net_layer layers[NET_MAX_LAYERS];
    size_t arena;
    quant_as_net(q, &m, layers);
    if (net_check(&m) != NET_OK)
        return diag_fail(d, "export: the quantized model does not pass net_check");
    for (int i = 0; i < q->n_layers; i++)
        if (!q->layer[i].mult16)
            return diag_fail(d, "export: layer %d has multipliers above 16 bits", i);
    arena = net_arena_bytes(&m);
    put(&b, "INKM", 4);
    put_u16(&b, EXPORT_FORMAT_VERSION);
    put_u8(&b, (unsigned)q->n_layers);
    put_u8(&b, NET_LOGIT_FRAC_BITS);
    put_u32(&b, 0); /* total length, patched below */
    put_u32(&b, (uint32_t)arena);
    for (int i = 0; i < q->n_layers; i++) {
        const quant_layer *Q = &q->layer[i];
        put_u8(&b, (unsigned)Q->kind);
        put_u8(&b, (unsigned)Q->k);
        put_u8(&b, (unsigned)(Q->relu | Q->pool << 1));
        put_u8(&b, (unsigned)Q->wbits);
        put_u16(&b, (unsigned)Q->in_c), put_u16(&b, (unsigned)Q->in_h);
        put_u16(&b, (unsigned)Q->in_w), put_u16(&b, (unsigned)Q->out_c);
        put_u32(&b, (uint32_t)weight_bytes(Q));
    }
    for (int i = 0; i < q->n_layers; i++) {
        const quant_layer *Q = &q->layer[i];
        put(&b, Q->wq, weight_bytes(Q));
        put_pad4(&b);
        for (int c = 0; c < Q->out_c; c++)
            put_u32(&b, (uint32_t)Q->bias[c]);
        for (int c = 0; c < Q->out_c; c++)
            put_u16(&b, Q->mult16[c]);
        put(&b, Q->shift, (size_t)Q->out_c);
        put_pad4(&b);
    }
    put_u32(&b, 0); /* CRC placeholder */
    if (b.oom) {
        free(b.p);
        return diag_fail(d, "export: out of memory");
    }
    util_put_le32(b.p + 8, (uint32_t)b.n);
    util_put_le32(b.p + b.n - 4, util_crc32(0, b.p, b.n - 4));
    *out = b.p;
    *n = b.n;
    return 0;
}

/* ---- files -------------------------------------------------------------------- */

static int write_file(const char *dir, const char *name, const void *data, size_t n, inkpin_diag *d)
{
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f)
        return diag_fail(d, "%s: cannot write: %s", path, strerror(errno));
    if (fwrite(data, 1, n, f) != n || fclose(f) != 0)
        return diag_fail(d, "%s: write failed", path);
    return 0;
}

static int make_dir(const char *dir, inkpin_diag *d)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return diag_fail(d, "%s: cannot create directory: %s", dir, strerror(errno));
    return 0;
}

static int make_dir_in(const char *dir, const char *name, inkpin_diag *d)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return make_dir(path, d);
}

/* A growing string with printf. */
typedef struct {
    char *s;
    size_t n, cap;
} strbuf;

static void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->n;
        va_start(ap, fmt);
        int w = vsnprintf(b->s ? b->s + b->n : NULL, room, fmt, ap);
        va_end(ap);
        if (w < 0)
            return;
        if ((size_t)w < room) {
            b->n += (size_t)w;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)w + 256;
        char *s = realloc(b->s, cap);
        if (!s)
            return;
        b->s = s, b->cap = cap;
    }
}

static void layer_desc(const quant_layer *Q, char *buf, size_t n)
{
    if (Q->kind == MODEL_CONV)
        snprintf(buf, n, "conv %dx%d, %d->%d ch, on %dx%d%s%s, %d-bit weights", Q->k, Q->k, Q->in_c,
                 Q->out_c, Q->in_h, Q->in_w, Q->relu ? " + ReLU" : "",
                 Q->pool ? " + maxpool 2x2" : "", Q->wbits);
    else
        snprintf(buf, n, "dense %d->%d%s, %d-bit weights", Q->in_c * Q->in_h * Q->in_w, Q->out_c,
                 Q->relu ? " + ReLU" : "", Q->wbits);
}

/* A C string literal body: escapes quotes and backslashes, drops control chars. */
static void c_escape(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (; s && *s && o + 3 < n; s++) {
        if (*s == '"' || *s == '\\')
            out[o++] = '\\';
        if ((unsigned char)*s >= 32)
            out[o++] = *s;
    }
    out[o] = 0;
}

static void emit_array(strbuf *b, const char *type, const char *name, int layer, const char *what,
                       const void *data, size_t count, int elem)
{
    sb_printf(b, "static const %s NET_ROM l%d_%s[] = {", type, layer, what);
    for (size_t i = 0; i < count; i++) {
        long v = elem == 1   ? (long)((const int8_t *)data)[i]
                 : elem == 2 ? (long)((const uint16_t *)data)[i]
                 : elem == 4 ? (long)((const int32_t *)data)[i]
                             : (long)((const uint8_t *)data)[i];
        sb_printf(b, "%s%s%ld", i ? "," : "", i % 16 == 0 ? "\n    " : " ", v);
    }
    sb_printf(b, "\n};\n");
    (void)name;
}

int export_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > EXPORT_NAME_MAX || name[0] < 'a' || name[0] > 'z')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
              name[i] == '_'))
            return 0;
    return 1;
}

/* The identifiers of one generated model. The default model keeps the names
 * the library has always had (NET_ARENA_BYTES, NET_MODEL_*); another model N
 * gets its own (NET_<N>_ARENA_BYTES, NET_<N>_MODEL_*), so both link together. */
typedef struct {
    char name[EXPORT_NAME_MAX + 1];  /* "default", "small" */
    char upper[EXPORT_NAME_MAX + 1]; /* "DEFAULT", "SMALL" */
    char present[64];                /* NET_DEFAULT_MODEL_PRESENT, NET_SMALL_MODEL_PRESENT */
    char macro[64];                  /* prefix of the figures: NET_MODEL_, NET_SMALL_MODEL_ */
    char arena[64];                  /* NET_ARENA_BYTES, NET_SMALL_ARENA_BYTES */
    int is_default;
} model_names;

static int model_names_of(const export_info *info, model_names *mn, inkpin_diag *d)
{
    const char *name = info && info->name ? info->name : "default";
    if (!export_name_ok(name))
        return diag_fail(d,
                         "export: model name '%s' must be 1-%d lower-case letters, digits or _, "
                         "starting with a letter",
                         name, EXPORT_NAME_MAX);
    memset(mn, 0, sizeof *mn);
    snprintf(mn->name, sizeof mn->name, "%s", name);
    for (size_t i = 0; name[i]; i++)
        mn->upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
    mn->is_default = strcmp(name, "default") == 0;
    snprintf(mn->present, sizeof mn->present, "NET_%s_MODEL_PRESENT", mn->upper);
    if (mn->is_default) {
        snprintf(mn->macro, sizeof mn->macro, "NET_MODEL_");
        snprintf(mn->arena, sizeof mn->arena, "NET_ARENA_BYTES");
    } else {
        snprintf(mn->macro, sizeof mn->macro, "NET_%s_MODEL_", mn->upper);
        snprintf(mn->arena, sizeof mn->arena, "NET_%s_ARENA_BYTES", mn->upper);
    }
    return 0;
}

/* The default model's header hands 8-bit AVR builds the library's small model
 * (src/small_model.c, models/avr): the default one is too slow there. The
 * decision is the compiler's own __AVR__, so no build needs a flag; any other
 * build may opt in with NET_USE_SMALL_MODEL (e.g. the host reference of the
 * AVR benchmark). */
static void emit_small_switch(strbuf *h, size_t arena)
{
    sb_printf(h,
              "\n/* 8-bit AVR builds (or any build defining NET_USE_SMALL_MODEL) run the small\n"
              " * model instead (inkpin/small_model.h, models/avr/MODEL.md): then\n"
              " * net_default_model() returns net_small_model() and NET_ARENA_BYTES is its\n"
              " * arena; the NET_MODEL_* figures below stay this model's. */\n"
              "#if defined(__AVR__) || defined(NET_USE_SMALL_MODEL)\n"
              "#include \"inkpin/small_model.h\"\n"
              "#define NET_DEFAULT_IS_SMALL 1\n"
              "#define NET_ARENA_BYTES NET_SMALL_ARENA_BYTES\n"
              "#else\n"
              "#define NET_DEFAULT_IS_SMALL 0\n"
              "#define NET_ARENA_BYTES %zu /* net_arena_bytes() of this model */\n"
              "#endif\n\n",
              arena);
}

static void emit_header(strbuf *h, const quant_model *q, const net_model *m,
                        const export_info *info, const model_names *mn, const char *cmd)
{
    char desc[160];
    const char *M = mn->macro;
    sb_printf(h,
              "/* %s_model.h - Generated by inkpin export_model(): do not edit.\n"
              " * Regenerate with the command below. */\n"
              "#ifndef INKPIN_%s_MODEL_H\n#define INKPIN_%s_MODEL_H\n\n",
              mn->name, mn->upper, mn->upper);
    if (!mn->is_default)
        sb_printf(h, "#include \"inkpin/net.h\"\n\n");
    sb_printf(h, "#define %s 1\n", mn->present);
    sb_printf(h, "#define %sFORMAT_VERSION %d\n", M, EXPORT_FORMAT_VERSION);
    if (mn->is_default)
        emit_small_switch(h, net_arena_bytes(m));
    else
        sb_printf(h, "#define %s %zu /* net_arena_bytes() of this model */\n", mn->arena,
                  net_arena_bytes(m));
    sb_printf(h, "#define %sLAYERS %d\n", M, q->n_layers);
    sb_printf(h, "#define %sPARAMS %ld\n", M, quant_params(q));
    sb_printf(h, "#define %sDATA_BYTES %ld /* weights+biases+mults+shifts */\n", M,
              quant_data_bytes(q));
    sb_printf(h, "#define %sCOMMAND \"%s\"\n", M, cmd);
    sb_printf(h, "#define %sSEED %lluu\n", M, (unsigned long long)(info ? info->seed : 0));
    if (info && info->val_accuracy >= 0)
        sb_printf(h, "#define %sVAL_ACCURACY %.4f /* float model, validation split */\n", M,
                  info->val_accuracy);
    if (!mn->is_default)
        sb_printf(h,
                  "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
                  "/* This model, compiled in (its tensors in program memory on AVR). */\n"
                  "const net_model *net_%s_model(void);\n\n"
                  "#ifdef __cplusplus\n}\n#endif\n",
                  mn->name);
    sb_printf(h, "\n/* Architecture (input 1x28x28 binary):\n");
    for (int i = 0; i < q->n_layers; i++) {
        layer_desc(&q->layer[i], desc, sizeof desc);
        sb_printf(h, " *   %d: %s\n", i, desc);
    }
    sb_printf(h, " */\n\n#endif\n");
}

static void emit_source(strbuf *c, const quant_model *q, const model_names *mn, const char *cmd)
{
    char desc[160];
    sb_printf(c,
              "/* %s_model.c - Generated by inkpin export_model(): do not edit.\n"
              " * %s */\n#include <stddef.h>\n#include <stdint.h>\n\n"
              "#include \"inkpin/net.h\"\n#include \"inkpin/%s_model.h\"\n\n",
              mn->name, cmd, mn->name);
    if (mn->is_default)
        sb_printf(c,
                  "#if NET_DEFAULT_IS_SMALL\n"
                  "const net_model *net_default_model(void)\n{\n    return net_small_model();\n}\n"
                  "#else\n\n");
    for (int i = 0; i < q->n_layers; i++) {
        const quant_layer *Q = &q->layer[i];
        size_t oc = (size_t)Q->out_c;
        emit_array(c, "int8_t", "w", i, "w", Q->wq, weight_bytes(Q), 1);
        const int b16 = quant_bias_fits16(Q);
        emit_array(c, b16 ? "int16_t" : "int32_t", "b", i, "bias", Q->bias, oc, 4);
        emit_array(c, "uint16_t", "m", i, "mult", Q->mult16, oc, 2);
        emit_array(c, "uint8_t", "s", i, "shift", Q->shift, oc, 0);
        /* C99 compile-time size checks: a negative array size fails the build */
        sb_printf(c, "typedef char l%d_w_size_check[sizeof l%d_w == %zu ? 1 : -1];\n", i, i,
                  weight_bytes(Q));
        sb_printf(c, "typedef char l%d_bias_size_check[sizeof l%d_bias == %d * %zu ? 1 : -1];\n", i,
                  i, b16 ? 2 : 4, oc);
        sb_printf(c, "typedef char l%d_mult_size_check[sizeof l%d_mult == 2 * %zu ? 1 : -1];\n", i,
                  i, oc);
        sb_printf(c, "typedef char l%d_shift_size_check[sizeof l%d_shift == %zu ? 1 : -1];\n\n", i,
                  i, oc);
    }
    sb_printf(c, "static const net_layer layers[%d] = {\n", q->n_layers);
    for (int i = 0; i < q->n_layers; i++) {
        const quant_layer *Q = &q->layer[i];
        layer_desc(Q, desc, sizeof desc);
        sb_printf(c, "    /* %s */\n", desc);
        sb_printf(c,
                  "    {.kind = %s, .k = %d, .relu = %d, .pool = %d, .wbits = %d,\n"
                  "     .in_c = %d, .in_h = %d, .in_w = %d, .out_c = %d,\n"
                  "     .w = l%d_w, .%s = l%d_bias, .mult16 = l%d_mult, .shift = l%d_shift},\n",
                  Q->kind == MODEL_CONV ? "NET_CONV" : "NET_DENSE", Q->k, Q->relu, Q->pool,
                  Q->wbits, Q->in_c, Q->in_h, Q->in_w, Q->out_c, i,
                  quant_bias_fits16(Q) ? "bias16" : "bias", i, i, i);
    }
    sb_printf(c, "};\n\nstatic const net_model model = {layers, %d};\n\n", q->n_layers);
    sb_printf(c,
              "typedef char layer_count_check[%sLAYERS == %d && "
              "%sLAYERS <= NET_MAX_LAYERS ? 1 : -1];\n\n",
              mn->macro, q->n_layers, mn->macro);
    sb_printf(c, "const net_model *net_%s_model(void)\n{\n    return &model;\n}\n", mn->name);
    if (mn->is_default)
        sb_printf(c, "#endif\n");
}

int export_c(const quant_model *q, const export_info *info, const char *out_dir, inkpin_diag *d)
{
    strbuf h = {0}, c = {0};
    net_model m;
    net_layer layers[NET_MAX_LAYERS];
    model_names mn;
    char cmd[1024], path[64];
    int rc;
    if (model_names_of(info, &mn, d) != 0)
        return -1;
    quant_as_net(q, &m, layers);
    for (int i = 0; i < q->n_layers; i++)
        if (!q->layer[i].mult16)
            return diag_fail(d, "export: layer %d has multipliers above 16 bits", i);
    c_escape(info && info->command ? info->command : "(unknown)", cmd, sizeof cmd);
    emit_header(&h, q, &m, info, &mn, cmd);
    emit_source(&c, q, &mn, cmd);
    if (!h.s || !c.s) {
        free(h.s), free(c.s);
        return diag_fail(d, "export: out of memory");
    }
    rc = make_dir(out_dir, d);
    if (rc == 0)
        rc = make_dir_in(out_dir, "inkpin", d);
    snprintf(path, sizeof path, "inkpin/%s_model.h", mn.name);
    if (rc == 0)
        rc = write_file(out_dir, path, h.s, h.n, d);
    snprintf(path, sizeof path, "%s_model.c", mn.name);
    if (rc == 0)
        rc = write_file(out_dir, path, c.s, c.n, d);
    free(h.s), free(c.s);
    return rc;
}

/* ---- model card ----------------------------------------------------------- */

static int write_card(const quant_model *q, const export_info *info, const char *out_dir,
                      size_t blob_bytes, inkpin_diag *d)
{
    strbuf s = {0};
    net_model m;
    net_layer layers[NET_MAX_LAYERS];
    char desc[160];
    int rc;
    model_names mn;
    if (model_names_of(info, &mn, d) != 0)
        return -1;
    quant_as_net(q, &m, layers);
    sb_printf(&s, "# inkpin %s model (generated by export_model, do not edit)\n\n", mn.name);
    sb_printf(&s, "## Architecture\n\nInput: 28x28 binary image (pixel > 0 is ink), packed "
                  "in 98 bytes.\n\n| # | layer |\n|---|---|\n");
    for (int i = 0; i < q->n_layers; i++) {
        layer_desc(&q->layer[i], desc, sizeof desc);
        sb_printf(&s, "| %d | %s |\n", i, desc);
    }
    sb_printf(&s, "\n## Size\n\n| what | value |\n|---|---:|\n");
    sb_printf(&s, "| parameters (weights + biases) | %ld |\n", quant_params(q));
    sb_printf(&s,
              "| model constant data (int8/int4 weights, int16/int32 biases, uint16 multipliers, "
              "shifts) | %ld "
              "bytes |\n",
              quant_data_bytes(q));
    sb_printf(&s, "| arena (%s) | %zu bytes |\n", mn.arena, net_arena_bytes(&m));
    sb_printf(&s, "| model.inkm | %zu bytes |\n", blob_bytes);
    sb_printf(&s, "\nFlash and RAM of the whole recognizer on Cortex-M: `bash bench/footprint.sh`"
                  " (figures in docs/engine.md).\n");
    sb_printf(&s,
              "\n## Quantization\n\nWeights symmetric per output channel: 8-bit layers "
              "quantized after training, 4-bit layers trained with fake-quantized weights "
              "(quantization-aware) and exported exactly. int8 activations scaled from %d "
              "training images, int32 biases (stored on 16 bits where all of a layer's fit), "
              "16-bit fixed-point multipliers and shifts "
              "(docs/engine.md). No float at run time.\n",
              EXPORT_CALIB_IMAGES);
    if (info && info->test) {
        neteval_counts ev;
        char *cm = malloc(8192);
        if (neteval_run(&m, info->test, 0, info->test->n, &ev) == NET_OK && cm) {
            neteval_confusion_md(&ev, cm, 8192);
            sb_printf(&s,
                      "\n## Accuracy\n\nint8 engine (as deployed) on binarized MNIST test: "
                      "**%.2f%%** (%d / %d). Reported only; nothing was selected on it.\n\n",
                      100.0 * ev.correct / ev.n, ev.correct, ev.n);
            sb_printf(&s, "Per class:\n\n| digit | accuracy |\n|---|---:|\n");
            for (int t = 0; t < 10; t++) {
                int tot = 0;
                for (int p = 0; p < 10; p++)
                    tot += ev.confusion[t][p];
                sb_printf(&s, "| %d | %.2f%% |\n", t, tot ? 100.0 * ev.confusion[t][t] / tot : 0);
            }
            sb_printf(&s, "\nConfusion matrix (rows true, columns predicted):\n\n%s", cm);
        }
        free(cm);
    }
    if (info && info->val_accuracy >= 0)
        sb_printf(&s,
                  "\nFloat model on the validation split (last 5,000 training images): "
                  "%.2f%%.\n",
                  100.0 * info->val_accuracy);
    sb_printf(&s, "\n## Reproduce\n\n```\n%s\n```\n\nSeed: %llu.",
              info && info->command ? info->command : "(unknown)",
              (unsigned long long)(info ? info->seed : 0));
    if (info && info->train_seconds >= 0)
        sb_printf(&s, " Training time on the 2-core build machine: %.0f s.", info->train_seconds);
    sb_printf(&s, "\n");
    if (info && info->notes)
        sb_printf(&s, "\n%s\n", info->notes);
    if (!s.s)
        return diag_fail(d, "export: out of memory");
    rc = write_file(out_dir, "MODEL.md", s.s, s.n, d);
    free(s.s);
    return rc;
}

int export_model(const float_model *fm, const dataset *calib, const export_info *info,
                 const char *out_dir, inkpin_diag *d)
{
    quant_model q;
    uint8_t *blob = NULL;
    size_t n = 0;
    int rc;
    model_names mn;
    if (model_names_of(info, &mn, d) != 0) /* before anything is written */
        return -1;
    if (make_dir(out_dir, d) != 0)
        return -1;
    if (export_quantize(&q, fm, calib, d) != 0)
        return -1;
    rc = export_blob(&q, &blob, &n, d);
    if (rc == 0)
        rc = write_file(out_dir, "model.inkm", blob, n, d);
    if (rc == 0)
        rc = export_c(&q, info, info && info->c_dir ? info->c_dir : out_dir, d);
    if (rc == 0)
        rc = write_card(&q, info, out_dir, n, d);
    free(blob);
    quant_free(&q);
    return rc;
}

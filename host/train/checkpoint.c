/* checkpoint.c - train_state and its file format (see checkpoint.h). */
#include "train/checkpoint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inkpin/util.h"

#define ARCH_BYTES 128
#define HEADER_BYTES 212

int train_state_alloc(train_state *s, const char *arch, inkpin_diag *d)
{
    memset(s, 0, sizeof *s);
    if (tnet_parse(&s->net, arch, d))
        return -1;
    long np = s->net.n_params, ns = s->net.n_stats;
    s->block = calloc((size_t)(4 * np + 2 * ns), sizeof(float));
    if (!s->block)
        return diag_fail(d, "out of memory for %ld parameters", np);
    s->params = s->block;
    s->adam_m = s->params + np;
    s->adam_v = s->adam_m + np;
    s->stats = s->adam_v + np;
    s->best_params = s->stats + ns;
    s->best_stats = s->best_params + np;
    return 0;
}

void train_state_free(train_state *s)
{
    free(s->block);
    memset(s, 0, sizeof *s);
}

/* ---- little-endian byte writers/readers --------------------------------------- */

/* 32-bit fields are util.h's; 64-bit ones are two of them, low word first,
 * and floats their IEEE-754 bits. */

static void put_u64(uint8_t *p, uint64_t v)
{
    util_put_le32(p, (uint32_t)v);
    util_put_le32(p + 4, (uint32_t)(v >> 32));
}

static void put_f32(uint8_t *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    util_put_le32(p, v);
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)util_get_le32(p) | (uint64_t)util_get_le32(p + 4) << 32;
}

static float get_f32(const uint8_t *p)
{
    uint32_t v = util_get_le32(p);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

static size_t file_bytes_v(const train_state *s, size_t header)
{
    return header + 4 * (size_t)(4 * s->net.n_params + 2 * s->net.n_stats) + 4;
}

static size_t file_bytes(const train_state *s)
{
    return HEADER_BYTES + 4 * (size_t)(4 * s->net.n_params + 2 * s->net.n_stats) + 4;
}

int train_checkpoint_save(const char *path, const train_state *s, inkpin_diag *d)
{
    size_t n = file_bytes(s);
    uint8_t *buf = calloc(n, 1);
    if (!buf)
        return diag_fail(d, "%s: out of memory", path);
    memcpy(buf, CKPT_MAGIC, 8);
    util_put_le32(buf + 8, CKPT_VERSION);
    memcpy(buf + 12, s->net.spec, strlen(s->net.spec)); /* rest stays NUL */
    put_u64(buf + 140, s->seed);
    util_put_le32(buf + 148, s->epochs);
    util_put_le32(buf + 152, s->batch);
    put_f32(buf + 156, s->lr);
    put_f32(buf + 160, s->wd);
    util_put_le32(buf + 164, s->pen_repeat);
    util_put_le32(buf + 168, s->augment);
    util_put_le32(buf + 172, s->limit);
    util_put_le32(buf + 176, s->epoch);
    util_put_le32(buf + 180, s->batch_index);
    put_u64(buf + 184, s->step);
    put_f32(buf + 192, s->best_val);
    util_put_le32(buf + 196, s->best_epoch);
    util_put_le32(buf + 200, (uint32_t)s->net.n_params);
    util_put_le32(buf + 204, (uint32_t)s->net.n_stats);
    util_put_le32(buf + 208, s->scribbles);
    long nf = 4 * s->net.n_params + 2 * s->net.n_stats;
    for (long i = 0; i < nf; i++)
        put_f32(buf + HEADER_BYTES + 4 * i, s->block[i]);
    util_put_le32(buf + n - 4, util_crc32(0, buf, n - 4));

    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        free(buf);
        return diag_fail(d, "%s: cannot write: %s", tmp, strerror(errno));
    }
    size_t wrote = fwrite(buf, 1, n, f);
    int closed = fclose(f);
    free(buf);
    if (wrote != n || closed != 0)
        return diag_fail(d, "%s: write failed", tmp);
    if (rename(tmp, path) != 0)
        return diag_fail(d, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
    return 0;
}

int train_checkpoint_load(const char *path, train_state *s, inkpin_diag *d)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_fail(d, "%s: cannot open: %s", path, strerror(errno));
    uint8_t head[HEADER_BYTES];
    size_t got = fread(head, 1, HEADER_BYTES, f);
    if (got < 12 || memcmp(head, CKPT_MAGIC, 8) != 0) {
        fclose(f);
        return diag_fail(d, "%s: offset 0: not an inkpin checkpoint (bad magic)", path);
    }
    uint32_t version = util_get_le32(head + 8);
    /* version 1 (no scribbles field, 208-byte header) is still read */
    size_t hb = version == 1 ? HEADER_BYTES - 4 : HEADER_BYTES;
    if (version != CKPT_VERSION && version != 1) {
        fclose(f);
        return diag_fail(d, "%s: offset 8: unsupported checkpoint version %u", path,
                         util_get_le32(head + 8));
    }
    if (got < hb) {
        fclose(f);
        return diag_fail(d, "%s: offset %zu: truncated header", path, got);
    }
    char arch[ARCH_BYTES + 1];
    memcpy(arch, head + 12, ARCH_BYTES);
    arch[ARCH_BYTES] = 0;
    inkpin_diag inner;
    if (train_state_alloc(s, arch, &inner)) {
        fclose(f);
        return diag_fail(d, "%s: offset 12: %s", path, inner.msg);
    }
    if (util_get_le32(head + 200) != (uint32_t)s->net.n_params ||
        util_get_le32(head + 204) != (uint32_t)s->net.n_stats) {
        fclose(f);
        train_state_free(s);
        return diag_fail(d, "%s: offset 200: tensor sizes do not match the architecture", path);
    }
    size_t n = file_bytes_v(s, hb);
    uint8_t *buf = malloc(n + 1);
    if (!buf) {
        fclose(f);
        train_state_free(s);
        return diag_fail(d, "%s: out of memory", path);
    }
    memcpy(buf, head, hb);
    if (fseek(f, (long)hb, SEEK_SET) != 0) {
        fclose(f);
        free(buf);
        train_state_free(s);
        return diag_fail(d, "%s: cannot seek", path);
    }
    size_t rest = fread(buf + hb, 1, n + 1 - hb, f);
    fclose(f);
    if (hb + rest != n) {
        free(buf);
        train_state_free(s);
        return diag_fail(d, "%s: offset %zu: file is %s (expected %zu bytes)", path, hb + rest,
                         hb + rest < n ? "truncated" : "too long", n);
    }
    if (util_crc32(0, buf, n - 4) != util_get_le32(buf + n - 4)) {
        free(buf);
        train_state_free(s);
        return diag_fail(d, "%s: offset %zu: CRC mismatch (corrupted checkpoint)", path, n - 4);
    }
    s->seed = get_u64(buf + 140);
    s->epochs = util_get_le32(buf + 148);
    s->batch = util_get_le32(buf + 152);
    s->lr = get_f32(buf + 156);
    s->wd = get_f32(buf + 160);
    s->pen_repeat = util_get_le32(buf + 164);
    s->augment = util_get_le32(buf + 168);
    s->limit = util_get_le32(buf + 172);
    s->scribbles = version == 1 ? 0 : util_get_le32(buf + 208);
    s->epoch = util_get_le32(buf + 176);
    s->batch_index = util_get_le32(buf + 180);
    s->step = get_u64(buf + 184);
    s->best_val = get_f32(buf + 192);
    s->best_epoch = util_get_le32(buf + 196);
    long nf = 4 * s->net.n_params + 2 * s->net.n_stats;
    for (long i = 0; i < nf; i++)
        s->block[i] = get_f32(buf + hb + 4 * i);
    free(buf);
    if (s->batch < 1 || s->batch > 4096 || s->epochs > 100000 || s->epoch > s->epochs) {
        train_state_free(s);
        return diag_fail(d, "%s: offset 148: implausible schedule fields", path);
    }
    return 0;
}

int train_checkpoint_to_float_model(const char *path, float_model *out, inkpin_diag *d)
{
    train_state s;
    memset(out, 0, sizeof *out);
    if (train_checkpoint_load(path, &s, d))
        return -1;
    float *storage = malloc(sizeof(float) * (size_t)s.net.n_params);
    if (!storage) {
        train_state_free(&s);
        return diag_fail(d, "%s: out of memory", path);
    }
    /* a checkpoint written before the first validation has no best yet */
    const float *p = s.best_epoch ? s.best_params : s.params;
    const float *st = s.best_epoch ? s.best_stats : s.stats;
    /* 4-bit layers as the engine will hold them (the fake-quantized values) */
    float *q = malloc(sizeof(float) * (size_t)s.net.n_params);
    if (!q) {
        free(storage);
        train_state_free(&s);
        return diag_fail(d, "%s: out of memory", path);
    }
    tnet_fake_quant(&s.net, p, q);
    tnet_to_float_model(&s.net, q, st, storage, out);
    free(q);
    train_state_free(&s);
    return 0;
}

void train_float_model_free(float_model *m)
{
    /* layer 0's weights start the block (tnet puts them at offset 0) */
    if (m->n_layers > 0)
        free(m->layer[0].w);
    memset(m, 0, sizeof *m);
}

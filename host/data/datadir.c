/* datadir.c - the data-root lookup and what idx.c and csv.c share: reading a
 * file whole, bounded gzip decoding, binarization, data_free. */
#include "data/data.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "inkpin/net.h"

/* ---- data root lookup ------------------------------------------------------ */

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A fallback root must look like one: it holds mnist/ or unipen/. */
static int looks_like_root(const char *path)
{
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/mnist", path);
    if (is_dir(sub))
        return 1;
    snprintf(sub, sizeof sub, "%s/unipen", path);
    return is_dir(sub);
}

static const char *choose(const char *path, char *buf, size_t bufsize, inkpin_diag *d)
{
    if (strlen(path) + 1 > bufsize) {
        diag_fail(d, "data directory path too long: %s", path);
        return NULL;
    }
    memcpy(buf, path, strlen(path) + 1);
    return buf;
}

const char *data_find_root(const char *cli_dir, char *buf, size_t bufsize, inkpin_diag *d)
{
    if (cli_dir) {
        if (is_dir(cli_dir))
            return choose(cli_dir, buf, bufsize, d);
        diag_fail(d, "no data directory: --data %s is not a directory", cli_dir);
        return NULL;
    }
    const char *env = getenv("INKPIN_DATA");
    if (env && env[0]) {
        if (is_dir(env))
            return choose(env, buf, bufsize, d);
        diag_fail(d, "no data directory: $INKPIN_DATA=%s is not a directory", env);
        return NULL;
    }
    static const char *const fallbacks[] = {"./data", "../shared/data"};
    for (size_t i = 0; i < sizeof fallbacks / sizeof *fallbacks; i++)
        if (looks_like_root(fallbacks[i]))
            return choose(fallbacks[i], buf, bufsize, d);
    diag_fail(d, "no data directory: tried --data (not given), $INKPIN_DATA (not set), "
                 "./data and ../shared/data (neither holds mnist/ or unipen/); "
                 "pass --data DIR or set INKPIN_DATA");
    return NULL;
}

/* ---- whole-file read ------------------------------------------------------- */

int data_read_file(const char *path, uint8_t **buf, size_t *len, inkpin_diag *d)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_fail(d, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return diag_fail(d, "%s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > (unsigned long long)(SIZE_MAX / 2)) {
        fclose(f);
        return diag_fail(d, "%s: file too large (%lld bytes)", path, (long long)st.st_size);
    }
    size_t size = (size_t)st.st_size;
    uint8_t *p = malloc(size ? size : 1);
    if (!p) {
        fclose(f);
        return diag_fail(d, "%s: out of memory reading %zu bytes", path, size);
    }
    size_t got = fread(p, 1, size, f);
    int err = ferror(f);
    fclose(f);
    if (got != size) {
        free(p);
        return diag_fail(d, "%s: read failed at byte %zu of %zu%s", path, got, size,
                         err ? " (I/O error)" : " (file shrank while reading)");
    }
    *buf = p;
    *len = size;
    return 0;
}

/* ---- bounded gzip decoding ------------------------------------------------- */

static int is_gzip(const uint8_t *p, size_t n)
{
    return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Bytes the decoder may produce: expected + 1 (to expose trailing data), never
 * more than cap. */
static size_t decode_limit(data_length_fn expected, const uint8_t *head, size_t have, size_t cap)
{
    size_t want = expected ? expected(head, have) : SIZE_MAX;
    if (want >= cap)
        return cap;
    return want + 1;
}

static int grow(uint8_t **buf, size_t *size, size_t limit)
{
    size_t next = *size ? *size * 2 : 65536;
    if (next > limit || next < *size)
        next = limit;
    uint8_t *p = realloc(*buf, next);
    if (!p)
        return -1;
    *buf = p;
    *size = next;
    return 0;
}

int data_decode(const uint8_t *in, size_t len, const char *name, data_length_fn expected,
                size_t cap, uint8_t **out, size_t *out_len, int *owned, inkpin_diag *d)
{
    *out = NULL;
    *out_len = 0;
    *owned = 0;
    if (!is_gzip(in, len)) {
        *out = (uint8_t *)in;
        *out_len = len;
        return 0;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return diag_fail(d, "%s: zlib init failed", name);

    uint8_t *buf = NULL;
    size_t size = 0, have = 0, consumed = 0;
    int rc = 0;
    for (;;) {
        size_t limit = decode_limit(expected, buf, have, cap);
        if (have >= limit)
            break; /* all the content promises, plus one byte: let the parser judge */
        if (have == size && grow(&buf, &size, limit) != 0) {
            rc = diag_fail(d, "%s: out of memory decompressing (%zu bytes)", name, have);
            break;
        }
        size_t room = (size < limit ? size : limit) - have;
        size_t left = len - consumed;
        z.next_in = (Bytef *)(in + consumed);
        z.avail_in = (uInt)(left > UINT_MAX ? UINT_MAX : left);
        z.next_out = buf + have;
        z.avail_out = (uInt)(room > UINT_MAX ? UINT_MAX : room);
        uInt in_before = z.avail_in, out_before = z.avail_out;
        int zr = inflate(&z, Z_NO_FLUSH);
        consumed += in_before - z.avail_in;
        have += out_before - z.avail_out;
        if (zr == Z_STREAM_END) {
            if (consumed == len)
                break;
            if (is_gzip(in + consumed, len - consumed) && inflateReset(&z) == Z_OK)
                continue; /* another gzip member follows (concatenated .gz) */
            rc = diag_fail(
                d, "%s: compressed byte %zu: %zu bytes of trailing garbage after the gzip stream",
                name, consumed, len - consumed);
            break;
        }
        if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT) {
            rc = diag_fail(
                d, "%s: compressed byte %zu: corrupt gzip data (%s) after %zu decompressed bytes",
                name, consumed, z.msg ? z.msg : "bad data", have);
            break;
        }
        if (zr == Z_MEM_ERROR) {
            rc = diag_fail(d, "%s: out of memory in zlib", name);
            break;
        }
        if (consumed == len && (zr == Z_BUF_ERROR || (zr == Z_OK && z.avail_out != 0))) {
            rc = diag_fail(d,
                           "%s: compressed byte %zu: gzip stream truncated (ends after %zu "
                           "decompressed bytes)",
                           name, consumed, have);
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            rc = diag_fail(d, "%s: compressed byte %zu: zlib error %d", name, consumed, zr);
            break;
        }
    }
    inflateEnd(&z);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *out = buf ? buf : malloc(1);
    if (!*out)
        return diag_fail(d, "%s: out of memory", name);
    *out_len = have;
    *owned = 1;
    return 0;
}

/* ---- small shared pieces --------------------------------------------------- */

void data_free(dataset *ds)
{
    if (!ds)
        return;
    free(ds->pixels);
    free(ds->labels);
    ds->pixels = NULL;
    ds->labels = NULL;
    ds->n = 0;
}

void data_binarize(const uint8_t *pixels, uint8_t *out)
{
    for (int i = 0; i < DATA_PIXELS; i++)
        out[i] = pixels[i] > NET_INK_THRESHOLD ? 1 : 0;
}

/* idx.c - MNIST IDX loader (gzip or raw).
 *
 * IDX is big-endian: images are magic 2051, count, rows, cols, then count*rows*
 * cols bytes; labels are magic 2049, count, then count bytes. Every check is
 * made against the bytes actually present before anything is allocated. */
#include "data/data.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDX_IMAGES_MAGIC 2051u /* 0x00000803: unsigned bytes, 3 dimensions */
#define IDX_LABELS_MAGIC 2049u /* 0x00000801: unsigned bytes, 1 dimension */
#define IDX_IMAGES_HEADER 16u
#define IDX_LABELS_HEADER 8u

/* Decompressed data can never be bigger than this (about 1.3 M images). */
#define IDX_MAX_BYTES ((size_t)1 << 30)

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Where offsets point: the file itself, or the data inside its gzip stream. */
static const char *where(int gz)
{
    return gz ? " (offsets in the decompressed data)" : "";
}

/* ---- expected lengths, used to bound gzip decoding ------------------------- */

static size_t images_length(const uint8_t *h, size_t have)
{
    if (have < IDX_IMAGES_HEADER)
        return SIZE_MAX;
    if (be32(h) != IDX_IMAGES_MAGIC || be32(h + 8) != DATA_SIDE || be32(h + 12) != DATA_SIDE)
        return IDX_IMAGES_HEADER; /* bad header: decode no further, the parser says why */
    uint64_t n = be32(h + 4);
    uint64_t total = IDX_IMAGES_HEADER + n * DATA_PIXELS;
    return total > IDX_MAX_BYTES ? IDX_MAX_BYTES : (size_t)total;
}

static size_t labels_length(const uint8_t *h, size_t have)
{
    if (have < IDX_LABELS_HEADER)
        return SIZE_MAX;
    if (be32(h) != IDX_LABELS_MAGIC)
        return IDX_LABELS_HEADER;
    uint64_t total = IDX_LABELS_HEADER + (uint64_t)be32(h + 4);
    return total > IDX_MAX_BYTES ? IDX_MAX_BYTES : (size_t)total;
}

/* ---- header checks ---------------------------------------------------------- */

static const char *magic_hint(uint32_t magic)
{
    if (magic == IDX_IMAGES_MAGIC)
        return " (that is an image file)";
    if (magic == IDX_LABELS_MAGIC)
        return " (that is a label file)";
    if ((magic >> 16) == 0x1f8b)
        return " (looks like a damaged gzip file)";
    return "";
}

/* Checks an image file's header and length; sets *count. */
static int check_images(const uint8_t *p, size_t len, const char *name, int gz, uint32_t *count,
                        inkpin_diag *d)
{
    if (len < 4)
        return diag_fail(d,
                         "%s: byte %zu: truncated header (file ends inside the magic number; an "
                         "IDX image header is 16 bytes)%s",
                         name, len, where(gz));
    uint32_t magic = be32(p);
    if (magic != IDX_IMAGES_MAGIC)
        return diag_fail(d, "%s: byte 0: bad magic 0x%08x, expected 0x%08x (IDX images)%s%s", name,
                         (unsigned)magic, IDX_IMAGES_MAGIC, magic_hint(magic), where(gz));
    if (len < IDX_IMAGES_HEADER)
        return diag_fail(d, "%s: byte %zu: truncated header (an IDX image header is 16 bytes)%s",
                         name, len, where(gz));
    uint32_t n = be32(p + 4), rows = be32(p + 8), cols = be32(p + 12);
    if (rows != DATA_SIDE)
        return diag_fail(d, "%s: byte 8: images have %u rows, expected 28%s", name, (unsigned)rows,
                         where(gz));
    if (cols != DATA_SIDE)
        return diag_fail(d, "%s: byte 12: images have %u columns, expected 28%s", name,
                         (unsigned)cols, where(gz));
    if (n == 0)
        return diag_fail(d, "%s: byte 4: image count is 0%s", name, where(gz));
    uint64_t need = IDX_IMAGES_HEADER + (uint64_t)n * DATA_PIXELS;
    if (n > INT_MAX || need > IDX_MAX_BYTES)
        return diag_fail(d, "%s: byte 4: image count %u is too large (limit %zu bytes of data)%s",
                         name, (unsigned)n, IDX_MAX_BYTES, where(gz));
    if ((uint64_t)len < need) {
        uint64_t complete = (len - IDX_IMAGES_HEADER) / DATA_PIXELS;
        return diag_fail(
            d,
            "%s: byte %zu: truncated pixel data: header declares %u images (%llu bytes), "
            "data ends inside image %llu%s",
            name, len, (unsigned)n, (unsigned long long)need, (unsigned long long)complete,
            where(gz));
    }
    if ((uint64_t)len > need)
        return diag_fail(d, "%s: byte %llu: unexpected data after the last of %u images%s", name,
                         (unsigned long long)need, (unsigned)n, where(gz));
    *count = n;
    return 0;
}

/* Checks a label file's header, length and values; sets *count. */
static int check_labels(const uint8_t *p, size_t len, const char *name, int gz, uint32_t *count,
                        inkpin_diag *d)
{
    if (len < 4)
        return diag_fail(d,
                         "%s: byte %zu: truncated header (file ends inside the magic number; an "
                         "IDX label header is 8 bytes)%s",
                         name, len, where(gz));
    uint32_t magic = be32(p);
    if (magic != IDX_LABELS_MAGIC)
        return diag_fail(d, "%s: byte 0: bad magic 0x%08x, expected 0x%08x (IDX labels)%s%s", name,
                         (unsigned)magic, IDX_LABELS_MAGIC, magic_hint(magic), where(gz));
    if (len < IDX_LABELS_HEADER)
        return diag_fail(d, "%s: byte %zu: truncated header (an IDX label header is 8 bytes)%s",
                         name, len, where(gz));
    uint32_t n = be32(p + 4);
    if (n == 0)
        return diag_fail(d, "%s: byte 4: label count is 0%s", name, where(gz));
    uint64_t need = IDX_LABELS_HEADER + (uint64_t)n;
    if (need > IDX_MAX_BYTES)
        return diag_fail(d, "%s: byte 4: label count %u is too large (limit %zu bytes of data)%s",
                         name, (unsigned)n, IDX_MAX_BYTES, where(gz));
    if ((uint64_t)len < need)
        return diag_fail(d,
                         "%s: byte %zu: truncated labels: header declares %u labels (%llu bytes)%s",
                         name, len, (unsigned)n, (unsigned long long)need, where(gz));
    if ((uint64_t)len > need)
        return diag_fail(d, "%s: byte %llu: unexpected data after the last of %u labels%s", name,
                         (unsigned long long)need, (unsigned)n, where(gz));
    for (uint32_t i = 0; i < n; i++)
        if (p[IDX_LABELS_HEADER + i] >= DATA_CLASSES)
            return diag_fail(d, "%s: byte %llu: label %u of item %u is out of range 0..9%s", name,
                             (unsigned long long)IDX_LABELS_HEADER + i, p[IDX_LABELS_HEADER + i],
                             (unsigned)i, where(gz));
    *count = n;
    return 0;
}

/* ---- public ------------------------------------------------------------------ */

typedef struct {
    uint8_t *p;
    size_t len;
    int owned;
} decoded;

static void decoded_free(decoded *x)
{
    if (x->owned)
        free(x->p);
    x->p = NULL;
    x->owned = 0;
}

int data_parse_idx_mem(const uint8_t *images, size_t images_len, const char *images_name,
                       const uint8_t *labels, size_t labels_len, const char *labels_name,
                       dataset *out, inkpin_diag *d)
{
    memset(out, 0, sizeof *out);
    decoded im = {0}, lb = {0};
    uint32_t n_images = 0, n_labels = 0;
    int rc = data_decode(images, images_len, images_name, images_length, IDX_MAX_BYTES, &im.p,
                         &im.len, &im.owned, d);
    if (rc == 0)
        rc = check_images(im.p, im.len, images_name, im.owned, &n_images, d);
    if (rc == 0)
        rc = data_decode(labels, labels_len, labels_name, labels_length, IDX_MAX_BYTES, &lb.p,
                         &lb.len, &lb.owned, d);
    if (rc == 0)
        rc = check_labels(lb.p, lb.len, labels_name, lb.owned, &n_labels, d);
    if (rc == 0 && n_images != n_labels)
        rc = diag_fail(d, "%s: byte 4: declares %u images but %s declares %u labels (byte 4)",
                       images_name, (unsigned)n_images, labels_name, (unsigned)n_labels);
    if (rc == 0) {
        size_t n = n_images;
        out->pixels = malloc(n * DATA_PIXELS);
        out->labels = malloc(n);
        if (!out->pixels || !out->labels) {
            data_free(out);
            rc = diag_fail(d, "%s: out of memory for %zu images", images_name, n);
        } else {
            memcpy(out->pixels, im.p + IDX_IMAGES_HEADER, n * DATA_PIXELS);
            memcpy(out->labels, lb.p + IDX_LABELS_HEADER, n);
            out->n = (int)n;
        }
    }
    decoded_free(&im);
    decoded_free(&lb);
    return rc;
}

int data_load_idx(const char *images_path, const char *labels_path, dataset *out, inkpin_diag *d)
{
    memset(out, 0, sizeof *out);
    uint8_t *im = NULL, *lb = NULL;
    size_t im_len = 0, lb_len = 0;
    int rc = data_read_file(images_path, &im, &im_len, d);
    if (rc == 0)
        rc = data_read_file(labels_path, &lb, &lb_len, d);
    if (rc == 0)
        rc = data_parse_idx_mem(im, im_len, images_path, lb, lb_len, labels_path, out, d);
    free(im);
    free(lb);
    return rc;
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fclose(f);
    return 1;
}

/* <root>/mnist/<stem>.gz if present, else <root>/mnist/<stem>. */
static int mnist_path(const char *root, const char *stem, char *buf, size_t size, inkpin_diag *d)
{
    int k = snprintf(buf, size, "%s/mnist/%s.gz", root, stem);
    if (k < 0 || (size_t)k >= size)
        return diag_fail(d, "%s: data path too long", root);
    if (file_exists(buf))
        return 0;
    snprintf(buf, size, "%s/mnist/%s", root, stem);
    if (file_exists(buf))
        return 0;
    return diag_fail(d, "MNIST file missing: neither %s/mnist/%s.gz nor %s/mnist/%s exists", root,
                     stem, root, stem);
}

int data_load_mnist(const char *root, const char *split, dataset *out, inkpin_diag *d)
{
    memset(out, 0, sizeof *out);
    const char *prefix;
    if (!strcmp(split, "train"))
        prefix = "train";
    else if (!strcmp(split, "test"))
        prefix = "t10k";
    else
        return diag_fail(d, "unknown MNIST split '%s' (expected train or test)", split);
    char stem[64], images[4096], labels[4096];
    snprintf(stem, sizeof stem, "%s-images-idx3-ubyte", prefix);
    if (mnist_path(root, stem, images, sizeof images, d) != 0)
        return -1;
    snprintf(stem, sizeof stem, "%s-labels-idx1-ubyte", prefix);
    if (mnist_path(root, stem, labels, sizeof labels, d) != 0)
        return -1;
    return data_load_idx(images, labels, out, d);
}

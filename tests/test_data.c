/* test_data.c - the IDX and CSV loaders and the data-root lookup, on tiny good
 * and bad files built in test_tmpdir(). Every bad file must give an error that
 * names the file and the offset or line:column, and an empty dataset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "data/data.h"
#include "util/testutil.h"

/* ---- helpers ------------------------------------------------------------------ */

static const char *tmp_path(const char *name)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", test_tmpdir(), name);
    return buf[k];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Pixel value of image i, pixel k, in the test files: deterministic, covers 0..255. */
static uint8_t pix(int i, int k)
{
    return (uint8_t)((i * 31 + k * 7) & 0xff);
}

/* An IDX image file: header (magic, n, rows, cols) then `have` images' pixels. */
static uint8_t *make_images(uint32_t magic, uint32_t n, uint32_t rows, uint32_t cols, int have,
                            size_t *len)
{
    *len = 16 + (size_t)have * rows * cols;
    uint8_t *p = malloc(*len);
    assert_non_null(p);
    put_be32(p, magic);
    put_be32(p + 4, n);
    put_be32(p + 8, rows);
    put_be32(p + 12, cols);
    for (int i = 0; i < have; i++)
        for (uint32_t k = 0; k < rows * cols; k++)
            p[16 + (size_t)i * rows * cols + k] = pix(i, (int)k);
    return p;
}

static uint8_t *make_labels(uint32_t magic, uint32_t n, const uint8_t *labels, int have,
                            size_t *len)
{
    *len = 8 + (size_t)have;
    uint8_t *p = malloc(*len);
    assert_non_null(p);
    put_be32(p, magic);
    put_be32(p + 4, n);
    memcpy(p + 8, labels, (size_t)have);
    return p;
}

static void write_gz(const char *path, const void *data, size_t n)
{
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    if (n)
        assert_int_equal(gzwrite(g, data, (unsigned)n), (int)n);
    assert_int_equal(gzclose(g), Z_OK);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

static const uint8_t LABELS3[3] = {0, 5, 9};

/* Writes the standard good pair (3 images, labels 0 5 9) raw or gz; returns the paths. */
static void write_good_pair(const char *stem, int gz, const char **images, const char **labels)
{
    char iname[128], lname[128];
    snprintf(iname, sizeof iname, "%s-images%s", stem, gz ? ".gz" : "");
    snprintf(lname, sizeof lname, "%s-labels%s", stem, gz ? ".gz" : "");
    *images = tmp_path(iname);
    *labels = tmp_path(lname);
    size_t il, ll;
    uint8_t *im = make_images(2051, 3, 28, 28, 3, &il);
    uint8_t *lb = make_labels(2049, 3, LABELS3, 3, &ll);
    if (gz) {
        write_gz(*images, im, il);
        write_gz(*labels, lb, ll);
    } else {
        test_write_file(*images, im, il);
        test_write_file(*labels, lb, ll);
    }
    free(im);
    free(lb);
}

static void assert_good_dataset(const dataset *ds)
{
    assert_int_equal(ds->n, 3);
    assert_non_null(ds->labels);
    assert_memory_equal(ds->labels, LABELS3, 3);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < DATA_PIXELS; k++)
            assert_int_equal(ds->pixels[i * DATA_PIXELS + k], pix(i, k));
}

/* The load failed, left an empty dataset, and the message contains each needle. */
static void assert_fails_with(int rc, const dataset *ds, const inkpin_diag *d, const char *n1,
                              const char *n2)
{
    if (rc == 0)
        fail_msg("expected failure, got success (n=%d)", ds->n);
    assert_int_equal(ds->n, 0);
    assert_null(ds->pixels);
    assert_null(ds->labels);
    if (!strstr(d->msg, n1) || (n2 && !strstr(d->msg, n2)))
        fail_msg("message '%s' lacks '%s' / '%s'", d->msg, n1, n2 ? n2 : "");
}

/* Loads a bad image file (raw bytes) paired with 3 good labels. */
static void expect_bad_images(const char *fname, const uint8_t *im, size_t il, const char *n1,
                              const char *n2)
{
    size_t ll;
    uint8_t *lb = make_labels(2049, 3, LABELS3, 3, &ll);
    const char *ip = tmp_path(fname), *lp = tmp_path("ok-labels");
    test_write_file(ip, im, il);
    test_write_file(lp, lb, ll);
    free(lb);
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_load_idx(ip, lp, &ds, &d);
    assert_fails_with(rc, &ds, &d, n1, n2);
    assert_non_null(strstr(d.msg, fname));
}

static void expect_bad_labels(const char *fname, const uint8_t *lb, size_t ll, const char *n1,
                              const char *n2)
{
    size_t il;
    uint8_t *im = make_images(2051, 3, 28, 28, 3, &il);
    const char *ip = tmp_path("ok-images"), *lp = tmp_path(fname);
    test_write_file(ip, im, il);
    test_write_file(lp, lb, ll);
    free(im);
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_load_idx(ip, lp, &ds, &d);
    assert_fails_with(rc, &ds, &d, n1, n2);
    assert_non_null(strstr(d.msg, fname));
}

/* ---- IDX: good files ---------------------------------------------------------- */

/* Loads an image/label pair that must parse and hold the 3 known digits. */
static void assert_loads_good_pair(const char *images, const char *labels)
{
    dataset ds;
    inkpin_diag d = {{0}};
    if (data_load_idx(images, labels, &ds, &d))
        fail_msg("%s", d.msg);
    assert_good_dataset(&ds);
    data_free(&ds); /* and leaves an empty dataset behind */
    assert_null(ds.pixels);
    assert_int_equal(ds.n, 0);
}

static void test_idx_raw(void **state)
{
    (void)state;
    const char *ip, *lp;
    write_good_pair("raw", 0, &ip, &lp);
    assert_loads_good_pair(ip, lp);
}

static void test_idx_gz(void **state)
{
    (void)state;
    const char *ip, *lp;
    write_good_pair("gz", 1, &ip, &lp);
    assert_loads_good_pair(ip, lp);
}

/* gzip is detected by magic bytes, not by name: a gz file without .gz, a raw
 * file named .gz, and one of each in a pair. */
static void test_idx_detect_by_magic(void **state)
{
    (void)state;
    const char *gi, *gl, *ri, *rl;
    write_good_pair("m-gz", 1, &gi, &gl);
    write_good_pair("m-raw", 0, &ri, &rl);
    const char *gi_plain = tmp_path("gz-named-plain"), *rl_gz = tmp_path("raw-named.gz");
    assert_int_equal(rename(gi, gi_plain), 0);
    assert_int_equal(rename(rl, rl_gz), 0);
    assert_loads_good_pair(gi_plain, rl_gz);
}

/* Two concatenated gzip members decode as one stream (gzip -c a b > c). */
static void test_idx_gz_multi_member(void **state)
{
    (void)state;
    size_t il, ll;
    uint8_t *im = make_images(2051, 3, 28, 28, 3, &il);
    uint8_t *lb = make_labels(2049, 3, LABELS3, 3, &ll);
    const char *a = tmp_path("part-a.gz"), *b = tmp_path("part-b.gz");
    write_gz(a, im, 100);
    write_gz(b, im + 100, il - 100);
    size_t al, bl;
    uint8_t *pa = read_all(a, &al), *pb = read_all(b, &bl);
    uint8_t *cat = malloc(al + bl);
    memcpy(cat, pa, al);
    memcpy(cat + al, pb, bl);
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_parse_idx_mem(cat, al + bl, "cat.gz", lb, ll, "labels", &ds, &d);
    if (rc)
        fail_msg("%s", d.msg);
    assert_good_dataset(&ds);
    data_free(&ds);
    free(pa);
    free(pb);
    free(cat);
    free(im);
    free(lb);
}

/* ---- IDX: bad files ----------------------------------------------------------- */

static void test_idx_wrong_magic(void **state)
{
    (void)state;
    size_t il, ll;
    uint8_t *im = make_images(2049, 3, 28, 28, 3, &il); /* a label magic in an image file */
    expect_bad_images("magic-images", im, il, "byte 0: bad magic 0x00000801", "label file");
    free(im);
    uint8_t *lb = make_labels(0x12345678, 3, LABELS3, 3, &ll);
    expect_bad_labels("magic-labels", lb, ll, "byte 0: bad magic 0x12345678", "IDX labels");
    free(lb);
}

static void test_idx_truncated_header(void **state)
{
    (void)state;
    size_t il, ll;
    uint8_t *im = make_images(2051, 3, 28, 28, 3, &il);
    expect_bad_images("hdr-images-10", im, 10, "byte 10: truncated header", NULL);
    expect_bad_images("hdr-images-2", im, 2, "byte 2: truncated header", NULL);
    expect_bad_images("hdr-images-0", im, 0, "byte 0: truncated header", NULL);
    free(im);
    uint8_t *lb = make_labels(2049, 3, LABELS3, 3, &ll);
    expect_bad_labels("hdr-labels-6", lb, 6, "byte 6: truncated header", NULL);
    free(lb);
}

static void test_idx_truncated_pixels(void **state)
{
    (void)state;
    size_t il;
    uint8_t *im = make_images(2051, 3, 28, 28, 3, &il);
    /* One byte short: the data ends inside image 2 (0-based). */
    expect_bad_images("short-pixels", im, il - 1, "byte 2367: truncated pixel data",
                      "inside image 2");
    free(im);
}

static void test_idx_trailing_data(void **state)
{
    (void)state;
    size_t il;
    uint8_t *im = make_images(2051, 2, 28, 28, 3, &il); /* header says 2, file holds 3 */
    size_t ll;
    uint8_t *lb = make_labels(2049, 2, LABELS3, 2, &ll);
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_parse_idx_mem(im, il, "long-images", lb, ll, "labels", &ds, &d);
    assert_fails_with(rc, &ds, &d,
                      "long-images: byte 1584: unexpected data after the last of 2 images", NULL);
    free(im);
    free(lb);
}

static void test_idx_count_mismatch(void **state)
{
    (void)state;
    size_t ll;
    uint8_t *lb = make_labels(2049, 2, LABELS3, 2, &ll);
    expect_bad_labels("two-labels", lb, ll, "declares 3 images", "declares 2 labels");
    free(lb);
}

static void test_idx_bad_dims(void **state)
{
    (void)state;
    size_t il;
    uint8_t *im = make_images(2051, 3, 28, 27, 3, &il);
    expect_bad_images("dims-28x27", im, il, "byte 12: images have 27 columns, expected 28", NULL);
    free(im);
    im = make_images(2051, 3, 32, 28, 3, &il);
    expect_bad_images("dims-32x28", im, il, "byte 8: images have 32 rows, expected 28", NULL);
    free(im);
}

static void test_idx_label_out_of_range(void **state)
{
    (void)state;
    const uint8_t bad[3] = {0, 10, 9};
    size_t ll;
    uint8_t *lb = make_labels(2049, 3, bad, 3, &ll);
    expect_bad_labels("label-10", lb, ll, "byte 9: label 10 of item 1 is out of range 0..9", NULL);
    free(lb);
}

static void test_idx_zero_count(void **state)
{
    (void)state;
    size_t il;
    uint8_t *im = make_images(2051, 0, 28, 28, 0, &il);
    expect_bad_images("zero-images", im, il, "byte 4: image count is 0", NULL);
    free(im);
}

/* A header promising 4 billion images over 2 real ones must fail on the file
 * size, before any allocation (ASan would flag a huge malloc). */
static void test_idx_huge_count_raw(void **state)
{
    (void)state;
    size_t il;
    uint8_t *im = make_images(2051, 0xffffffffu, 28, 28, 2, &il);
    expect_bad_images("huge-raw", im, il, "huge-raw: byte 4: image count 4294967295 is too large",
                      NULL);
    free(im);
    im = make_images(2051, 1000000, 28, 28, 2, &il);
    expect_bad_images("million-raw", im, il,
                      "byte 1584: truncated pixel data: header declares 1000000 images", NULL);
    free(im);
}

/* The same in gzip: decoding is bounded by the real stream, and the error
 * says the offset is in the decompressed data. */
static void test_idx_huge_count_gz(void **state)
{
    (void)state;
    size_t il, ll;
    uint8_t *im = make_images(2051, 1000000, 28, 28, 2, &il);
    const char *ip = tmp_path("million.gz"), *lp = tmp_path("million-labels");
    write_gz(ip, im, il);
    uint8_t *lb = make_labels(2049, 3, LABELS3, 3, &ll);
    test_write_file(lp, lb, ll);
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_load_idx(ip, lp, &ds, &d);
    assert_fails_with(rc, &ds, &d, "million.gz: byte 1584: truncated pixel data", "decompressed");
    free(im);
    free(lb);
}

/* A gzip bomb: a tiny .gz of 64 MB of zeros behind a valid 1-image header.
 * Decoding stops one byte past what the header promises. */
static void test_idx_gz_bomb(void **state)
{
    (void)state;
    size_t il, ll;
    uint8_t *im = make_images(2051, 1, 28, 28, 1, &il);
    const char *ip = tmp_path("bomb.gz");
    gzFile g = gzopen(ip, "wb9");
    assert_non_null(g);
    gzwrite(g, im, (unsigned)il);
    static uint8_t zeros[1 << 16];
    for (int i = 0; i < 1024; i++)
        gzwrite(g, zeros, sizeof zeros);
    gzclose(g);
    uint8_t *lb = make_labels(2049, 1, LABELS3, 1, &ll);
    const char *lp = tmp_path("bomb-labels");
    test_write_file(lp, lb, ll);
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_load_idx(ip, lp, &ds, &d);
    assert_fails_with(rc, &ds, &d, "bomb.gz: byte 800: unexpected data after the last of 1 images",
                      NULL);
    free(im);
    free(lb);
}

static void test_idx_gz_truncated_stream(void **state)
{
    (void)state;
    const char *ip, *lp;
    write_good_pair("cut", 1, &ip, &lp);
    size_t n;
    uint8_t *p = read_all(ip, &n);
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_parse_idx_mem(p, n - 20, "cut.gz", p, 0, "unused", &ds, &d);
    assert_fails_with(rc, &ds, &d, "cut.gz: compressed byte", "gzip stream truncated");
    /* Cut inside the gzip header itself. */
    rc = data_parse_idx_mem(p, 5, "cut5.gz", p, 0, "unused", &ds, &d);
    assert_fails_with(rc, &ds, &d, "cut5.gz: compressed byte 5: gzip stream truncated", NULL);
    free(p);
}

static void test_idx_gz_corrupt(void **state)
{
    (void)state;
    const char *ip, *lp;
    write_good_pair("corrupt", 1, &ip, &lp);
    size_t n, ln;
    uint8_t *p = read_all(ip, &n);
    uint8_t *l = read_all(lp, &ln);
    /* Flip the CRC32 in the trailer: the data inflates, the check fails. */
    p[n - 8] ^= 0xff;
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_parse_idx_mem(p, n, "crc.gz", l, ln, "labels.gz", &ds, &d);
    assert_fails_with(rc, &ds, &d, "crc.gz: compressed byte", "corrupt gzip data");
    /* Garbage after the stream. */
    uint8_t *q = malloc(n + 3);
    memcpy(q, p, n);
    q[n - 8] ^= 0xff;
    memcpy(q + n, "xyz", 3);
    rc = data_parse_idx_mem(q, n + 3, "tail.gz", l, ln, "labels.gz", &ds, &d);
    assert_fails_with(rc, &ds, &d, "tail.gz: compressed byte", "3 bytes of trailing garbage");
    free(q);
    free(p);
    free(l);
}

static void test_idx_missing_file(void **state)
{
    (void)state;
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_load_idx(tmp_path("nope-images"), tmp_path("nope-labels"), &ds, &d);
    assert_fails_with(rc, &ds, &d, "nope-images: cannot open", NULL);
}

/* ---- MNIST layout and data root ------------------------------------------------ */

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0) {
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
    }
}

static void test_load_mnist_layout(void **state)
{
    (void)state;
    const char *root = tmp_path("root1");
    make_dir(root);
    char mn[1024];
    snprintf(mn, sizeof mn, "%s/mnist", root);
    make_dir(mn);
    size_t il, ll;
    uint8_t *im = make_images(2051, 3, 28, 28, 3, &il);
    uint8_t *lb = make_labels(2049, 3, LABELS3, 3, &ll);
    char p[1100];
    /* test split: raw files; train split: gz images, raw labels. */
    snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte", mn);
    test_write_file(p, im, il);
    snprintf(p, sizeof p, "%s/t10k-labels-idx1-ubyte", mn);
    test_write_file(p, lb, ll);
    snprintf(p, sizeof p, "%s/train-images-idx3-ubyte.gz", mn);
    write_gz(p, im, il);
    dataset ds;
    inkpin_diag d = {{0}};
    assert_int_equal(data_load_mnist(root, "test", &ds, &d), 0);
    assert_good_dataset(&ds);
    data_free(&ds);
    int rc = data_load_mnist(root, "train", &ds, &d);
    assert_fails_with(rc, &ds, &d, "train-labels-idx1-ubyte.gz nor",
                      "train-labels-idx1-ubyte exists");
    snprintf(p, sizeof p, "%s/train-labels-idx1-ubyte", mn);
    test_write_file(p, lb, ll);
    assert_int_equal(data_load_mnist(root, "train", &ds, &d), 0);
    assert_good_dataset(&ds);
    data_free(&ds);
    rc = data_load_mnist(root, "validation", &ds, &d);
    assert_fails_with(rc, &ds, &d, "unknown MNIST split 'validation'", NULL);
    free(im);
    free(lb);
}

static void test_find_root(void **state)
{
    (void)state;
    char buf[1024], cwd[1024];
    inkpin_diag d = {{0}};
    assert_non_null(getcwd(cwd, sizeof cwd));
    const char *saved_env = getenv("INKPIN_DATA");
    char saved[1024] = "";
    if (saved_env)
        snprintf(saved, sizeof saved, "%s", saved_env);

    /* --data wins over everything and must exist. */
    const char *explicit_dir = tmp_path("explicit");
    make_dir(explicit_dir);
    setenv("INKPIN_DATA", "/nonexistent-inkpin-env", 1);
    assert_string_equal(data_find_root(explicit_dir, buf, sizeof buf, &d), explicit_dir);
    assert_null(data_find_root(tmp_path("missing"), buf, sizeof buf, &d));
    assert_non_null(strstr(d.msg, "--data"));
    assert_non_null(strstr(d.msg, "missing"));

    /* $INKPIN_DATA next; a wrong one is an error, not a silent fallback. */
    assert_null(data_find_root(NULL, buf, sizeof buf, &d));
    assert_non_null(strstr(d.msg, "$INKPIN_DATA=/nonexistent-inkpin-env"));
    setenv("INKPIN_DATA", explicit_dir, 1);
    assert_string_equal(data_find_root(NULL, buf, sizeof buf, &d), explicit_dir);

    /* Fallbacks, relative to the working directory: ./data, then ../shared/data. */
    unsetenv("INKPIN_DATA");
    const char *w = tmp_path("work");
    make_dir(w);
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/a", w);
    make_dir(sub);
    assert_int_equal(chdir(sub), 0);
    assert_null(data_find_root(NULL, buf, sizeof buf, &d));
    assert_non_null(strstr(d.msg, "./data"));
    assert_non_null(strstr(d.msg, "../shared/data"));
    assert_non_null(strstr(d.msg, "INKPIN_DATA"));
    make_dir("../shared");
    make_dir("../shared/data");
    assert_null(data_find_root(NULL, buf, sizeof buf, &d)); /* no mnist/ or unipen/ yet */
    make_dir("../shared/data/unipen");
    assert_string_equal(data_find_root(NULL, buf, sizeof buf, &d), "../shared/data");
    make_dir("data");
    make_dir("data/mnist");
    assert_string_equal(data_find_root(NULL, buf, sizeof buf, &d), "./data");

    /* A buffer too small is an error, not a truncated path. */
    char tiny[4];
    assert_null(data_find_root(NULL, tiny, sizeof tiny, &d));

    assert_int_equal(chdir(cwd), 0);
    if (saved[0])
        setenv("INKPIN_DATA", saved, 1);
}

static void test_binarize(void **state)
{
    (void)state;
    uint8_t px[DATA_PIXELS], out[DATA_PIXELS];
    for (int i = 0; i < DATA_PIXELS; i++)
        px[i] = (uint8_t)(i % 256);
    data_binarize(px, out);
    for (int i = 0; i < DATA_PIXELS; i++)
        assert_int_equal(out[i], (i % 256) > 0 ? 1 : 0);
}

/* ---- CSV ------------------------------------------------------------------------ */

typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n + k + 1 > b->cap) {
        b->cap = (b->n + k + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    memcpy(b->s + b->n, s, k + 1);
    b->n += k;
}

static void sb_header(sbuf *b, int labelled, const char *eol)
{
    char f[32];
    if (labelled)
        sb_add(b, "label,");
    for (int i = 0; i < DATA_PIXELS; i++) {
        snprintf(f, sizeof f, "pixel%d%s", i, i + 1 < DATA_PIXELS ? "," : "");
        sb_add(b, f);
    }
    sb_add(b, eol);
}

/* Row r: label r % 10 (when labelled), pixel k = pix(r, k). */
static void sb_row(sbuf *b, int r, int labelled, const char *eol)
{
    char f[32];
    if (labelled) {
        snprintf(f, sizeof f, "%d,", r % 10);
        sb_add(b, f);
    }
    for (int k = 0; k < DATA_PIXELS; k++) {
        snprintf(f, sizeof f, "%d%s", pix(r, k), k + 1 < DATA_PIXELS ? "," : "");
        sb_add(b, f);
    }
    sb_add(b, eol);
}

static sbuf csv_text(int labelled, int rows, const char *eol)
{
    sbuf b = {0};
    sb_header(&b, labelled, eol);
    for (int r = 0; r < rows; r++)
        sb_row(&b, r, labelled, eol);
    return b;
}

static void assert_csv_rows(const dataset *ds, int rows, int labelled)
{
    assert_int_equal(ds->n, rows);
    if (labelled) {
        assert_non_null(ds->labels);
        for (int r = 0; r < rows; r++)
            assert_int_equal(ds->labels[r], r % 10);
    } else {
        assert_null(ds->labels);
    }
    for (int r = 0; r < rows; r++)
        for (int k = 0; k < DATA_PIXELS; k++)
            assert_int_equal(ds->pixels[r * DATA_PIXELS + k], pix(r, k));
}

static int parse_csv_str(const char *s, size_t n, const char *name, dataset *ds, inkpin_diag *d)
{
    return data_parse_csv_mem((const uint8_t *)s, n, name, ds, d);
}

/* Writes a generated CSV file of `rows` rows and loads it from disk. */
static void check_csv_file(const char *name, int labelled, int rows)
{
    sbuf b = csv_text(labelled, rows, "\n");
    const char *p = tmp_path(name);
    test_write_file(p, b.s, b.n);
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_load_csv(p, &ds, &d);
    if (rc)
        fail_msg("%s", d.msg);
    assert_csv_rows(&ds, rows, labelled);
    data_free(&ds);
    free(b.s);
}

static void test_csv_train_file(void **state)
{
    (void)state;
    check_csv_file("train.csv", 1, 12);
}

static void test_csv_unlabelled_test_file(void **state)
{
    (void)state;
    check_csv_file("test.csv", 0, 3);
}

static void test_csv_crlf_bom_and_ends(void **state)
{
    (void)state;
    dataset ds;
    inkpin_diag d = {{0}};
    /* CRLF throughout. */
    sbuf b = csv_text(1, 2, "\r\n");
    assert_int_equal(parse_csv_str(b.s, b.n, "crlf.csv", &ds, &d), 0);
    assert_csv_rows(&ds, 2, 1);
    data_free(&ds);
    /* No newline after the last row. */
    assert_int_equal(parse_csv_str(b.s, b.n - 2, "noeol.csv", &ds, &d), 0);
    assert_csv_rows(&ds, 2, 1);
    data_free(&ds);
    /* Trailing empty lines. */
    sb_add(&b, "\r\n\n\r\n");
    assert_int_equal(parse_csv_str(b.s, b.n, "blank-tail.csv", &ds, &d), 0);
    assert_csv_rows(&ds, 2, 1);
    data_free(&ds);
    free(b.s);
    /* UTF-8 BOM before the header. */
    sbuf c = {0};
    sb_add(&c, "\xef\xbb\xbf");
    sb_header(&c, 0, "\n");
    sb_row(&c, 0, 0, "\n");
    assert_int_equal(parse_csv_str(c.s, c.n, "bom.csv", &ds, &d), 0);
    assert_csv_rows(&ds, 1, 0);
    data_free(&ds);
    free(c.s);
}

static void test_csv_gz(void **state)
{
    (void)state;
    sbuf b = csv_text(1, 4, "\n");
    const char *p = tmp_path("train.csv.gz");
    write_gz(p, b.s, b.n);
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_load_csv(p, &ds, &d);
    if (rc)
        fail_msg("%s", d.msg);
    assert_csv_rows(&ds, 4, 1);
    data_free(&ds);
    free(b.s);
}

/* Replaces the text of field `field` (0-based) on line `line` (1-based) with `with`. */
static sbuf csv_with_field(int labelled, int rows, int line, int field, const char *with)
{
    sbuf b = csv_text(labelled, rows, "\n");
    size_t pos = 0;
    for (int l = 1; l < line; l++)
        pos = (size_t)(strchr(b.s + pos, '\n') - b.s) + 1;
    for (int f = 0; f < field; f++)
        pos = (size_t)(strchr(b.s + pos, ',') - b.s) + 1;
    size_t end = pos;
    while (b.s[end] != ',' && b.s[end] != '\n')
        end++;
    sbuf o = {0};
    char save = b.s[pos];
    b.s[pos] = '\0';
    sb_add(&o, b.s);
    b.s[pos] = save;
    sb_add(&o, with);
    sb_add(&o, b.s + end);
    free(b.s);
    return o;
}

/* Column (1-based byte) where field `field` starts on line `line`. */
static int field_column(const sbuf *b, int line, int field)
{
    size_t pos = 0;
    for (int l = 1; l < line; l++)
        pos = (size_t)(strchr(b->s + pos, '\n') - b->s) + 1;
    size_t start = pos;
    for (int f = 0; f < field; f++)
        pos = (size_t)(strchr(b->s + pos, ',') - b->s) + 1;
    return (int)(pos - start) + 1;
}

static void expect_csv_error(const sbuf *b, const char *name, const char *n1, const char *n2)
{
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = parse_csv_str(b->s, b->n, name, &ds, &d);
    assert_fails_with(rc, &ds, &d, n1, n2);
}

static void test_csv_bad_header(void **state)
{
    (void)state;
    sbuf b = csv_with_field(1, 2, 1, 7, "pixel66");
    char want[128];
    snprintf(want, sizeof want, "hdr.csv:1:%d: bad header: field 8 is 'pixel66', expected 'pixel6'",
             field_column(&b, 1, 7));
    expect_csv_error(&b, "hdr.csv", want, NULL);
    free(b.s);
    b = csv_with_field(1, 2, 1, 0, "Label");
    expect_csv_error(&b, "hdr2.csv", "hdr2.csv:1:1: bad header: first field is 'Label'", NULL);
    free(b.s);
}

static void test_csv_missing_header(void **state)
{
    (void)state;
    sbuf b = {0};
    sb_row(&b, 0, 1, "\n");
    sb_row(&b, 1, 1, "\n");
    expect_csv_error(&b, "nohdr.csv", "nohdr.csv:1:1: missing header: first field is '0'", NULL);
    free(b.s);
}

static void test_csv_non_numeric(void **state)
{
    (void)state;
    sbuf b = csv_with_field(1, 3, 3, 5, "12a");
    char want[128];
    /* The column points at the bad character, two past the field start. */
    snprintf(want, sizeof want, "nan.csv:3:%d: field 6 (pixel4): '12a' is not a whole number",
             field_column(&b, 3, 5) + 2);
    expect_csv_error(&b, "nan.csv", want, NULL);
    free(b.s);
    const char *bad[] = {"-1", " 7", "7 ", "1.5", "\"3\"", "+3", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        b = csv_with_field(1, 2, 2, 300, bad[i]);
        expect_csv_error(&b, "nan2.csv", "nan2.csv:2:", "(pixel299)");
        expect_csv_error(&b, "nan2.csv", "is not a whole number", NULL);
        free(b.s);
    }
    b = csv_with_field(1, 2, 2, 300, "");
    expect_csv_error(&b, "empty-field.csv", "empty-field.csv:2:", "field 301 (pixel299) is empty");
    free(b.s);
}

static void test_csv_out_of_range(void **state)
{
    (void)state;
    sbuf b = csv_with_field(1, 2, 2, 784, "256");
    char want[128];
    snprintf(want, sizeof want, "range.csv:2:%d: field 785 (pixel783): 256 is out of range 0..255",
             field_column(&b, 2, 784));
    expect_csv_error(&b, "range.csv", want, NULL);
    free(b.s);
    b = csv_with_field(1, 2, 3, 0, "10");
    expect_csv_error(&b, "label.csv", "label.csv:3:1: field 1 (label): 10 is out of range 0..9",
                     NULL);
    free(b.s);
    /* Long digit strings neither overflow nor wrap around into range. */
    b = csv_with_field(0, 2, 2, 0, "4294967296");
    expect_csv_error(&b, "wrap.csv",
                     "wrap.csv:2:1: field 1 (pixel0): 4294967296 is out of range 0..255", NULL);
    free(b.s);
    b = csv_with_field(0, 2, 2, 0, "000000000000000000000000255");
    dataset ds;
    inkpin_diag d = {{0}};
    assert_int_equal(parse_csv_str(b.s, b.n, "zeros.csv", &ds, &d), 0);
    assert_int_equal(ds.pixels[0], 255); /* line 2 is row 0 */
    data_free(&ds);
    free(b.s);
}

static void test_csv_column_count(void **state)
{
    (void)state;
    /* Too few: drop the last field of line 2. */
    sbuf b = csv_text(1, 2, "\n");
    char *line2 = strchr(b.s, '\n') + 1;
    char *eol = strchr(line2, '\n');
    char *last_comma = eol;
    while (*last_comma != ',')
        last_comma--;
    memmove(last_comma, eol, strlen(eol) + 1);
    b.n = strlen(b.s);
    expect_csv_error(&b, "few.csv",
                     "few.csv:2:", "too few fields: line ends after 784, expected 785");
    free(b.s);
    /* Too many: an extra field on line 3. */
    b = csv_with_field(1, 2, 3, 784, "0,0");
    expect_csv_error(&b, "many.csv", "many.csv:3:", "too many fields: more than 785");
    free(b.s);
    /* Header and rows disagree: an unlabelled row under a labelled header. */
    sbuf c = {0};
    sb_header(&c, 1, "\n");
    sb_row(&c, 0, 0, "\n");
    expect_csv_error(&c, "mixed.csv", "mixed.csv:2:", "too few fields");
    free(c.s);
}

static void test_csv_empty_and_blank(void **state)
{
    (void)state;
    dataset ds;
    inkpin_diag d = {{0}};
    const char *p = tmp_path("empty.csv");
    test_write_file(p, "", 0);
    int rc = data_load_csv(p, &ds, &d);
    assert_fails_with(rc, &ds, &d, "empty.csv: empty file", NULL);
    rc = parse_csv_str("\xef\xbb\xbf", 3, "bom-only.csv", &ds, &d);
    assert_fails_with(rc, &ds, &d, "bom-only.csv: empty file", NULL);
    sbuf b = csv_text(1, 0, "\n");
    expect_csv_error(&b, "hdr-only.csv", "hdr-only.csv:2:1: no data rows after the header", NULL);
    free(b.s);
    /* An empty line between rows is an error (data after it would be a guess). */
    b = csv_text(1, 1, "\n");
    sb_add(&b, "\n");
    sb_row(&b, 1, 1, "\n");
    expect_csv_error(&b, "gap.csv", "gap.csv:3:1: empty line", NULL);
    free(b.s);
    /* A lone CR is not a line end. */
    b = csv_text(0, 1, "\r");
    expect_csv_error(&b, "cr.csv", "cr.csv:1:", "header");
    free(b.s);
    /* Header truncated: ends after 3 fields. */
    rc = parse_csv_str("label,pixel0,pixel1\n0,0,0\n", 26, "short-hdr.csv", &ds, &d);
    assert_fails_with(rc, &ds, &d, "short-hdr.csv:1:20: header ends after 3 fields, expected 785",
                      NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idx_raw),
        cmocka_unit_test(test_idx_gz),
        cmocka_unit_test(test_idx_detect_by_magic),
        cmocka_unit_test(test_idx_gz_multi_member),
        cmocka_unit_test(test_idx_wrong_magic),
        cmocka_unit_test(test_idx_truncated_header),
        cmocka_unit_test(test_idx_truncated_pixels),
        cmocka_unit_test(test_idx_trailing_data),
        cmocka_unit_test(test_idx_count_mismatch),
        cmocka_unit_test(test_idx_bad_dims),
        cmocka_unit_test(test_idx_label_out_of_range),
        cmocka_unit_test(test_idx_zero_count),
        cmocka_unit_test(test_idx_huge_count_raw),
        cmocka_unit_test(test_idx_huge_count_gz),
        cmocka_unit_test(test_idx_gz_bomb),
        cmocka_unit_test(test_idx_gz_truncated_stream),
        cmocka_unit_test(test_idx_gz_corrupt),
        cmocka_unit_test(test_idx_missing_file),
        cmocka_unit_test(test_load_mnist_layout),
        cmocka_unit_test(test_find_root),
        cmocka_unit_test(test_binarize),
        cmocka_unit_test(test_csv_train_file),
        cmocka_unit_test(test_csv_unlabelled_test_file),
        cmocka_unit_test(test_csv_crlf_bom_and_ends),
        cmocka_unit_test(test_csv_gz),
        cmocka_unit_test(test_csv_bad_header),
        cmocka_unit_test(test_csv_missing_header),
        cmocka_unit_test(test_csv_non_numeric),
        cmocka_unit_test(test_csv_out_of_range),
        cmocka_unit_test(test_csv_column_count),
        cmocka_unit_test(test_csv_empty_and_blank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

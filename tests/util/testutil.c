#include "testutil.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <png.h>

#include "data/strokes.h"

static int has_mnist(const char *root)
{
    char p[1024];
    struct stat st;
    snprintf(p, sizeof p, "%s/mnist", root);
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *test_data_root(void)
{
    static char buf[1024];
    const char *env = getenv("INKPIN_DATA");
    const char *candidates[] = {env, "data", "../shared/data", INKPIN_SOURCE_DIR "/../shared/data"};
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        if (candidates[i] && has_mnist(candidates[i])) {
            snprintf(buf, sizeof buf, "%s", candidates[i]);
            return buf;
        }
    }
    return NULL;
}

int test_load_dev_strokes(strokes_set *set)
{
    const char *root = test_data_root();
    char path[1200];
    inkpin_diag d;
    if (!root)
        return -1;
    snprintf(path, sizeof path, "%s/unipen/dev.ndjson", root);
    return strokes_load(path, set, &d) ? -1 : 0;
}

const char *test_data_root_or_skip(void)
{
    const char *root = test_data_root();
    if (!root) {
        fprintf(stderr,
                "SKIP: no data root (set INKPIN_DATA or put ../shared/data beside the source)\n");
        exit(TEST_SKIP);
    }
    return root;
}

const char *test_tmpdir(void)
{
    static char dir[1024];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/tmp-XXXXXX", INKPIN_BINARY_DIR);
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            exit(1);
        }
    }
    return dir;
}

void test_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

int test_sanitized(void)
{
#ifdef INKPIN_SANITIZED
    return 1;
#else
    return getenv("INKPIN_SANITIZED") != NULL;
#endif
}

int test_run_cli(const char *args)
{
    const char *cli = getenv("INKPIN_CLI");
    char cmd[4096];
    if (!cli)
        return -1;
    snprintf(cmd, sizeof cmd, "'%s' %s >/dev/null 2>&1", cli, args);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int test_run_cli_capture(const char *args, char *out, size_t size)
{
    const char *cli = getenv("INKPIN_CLI");
    char cmd[4096];
    if (!cli || size == 0)
        return -1;
    snprintf(cmd, sizeof cmd, "'%s' %s 2>/dev/null", cli, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
    int rc = pclose(p);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

test_png test_read_png_rgb(const char *path)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        fail_msg("%s: %s", path, img.message);
    img.format = PNG_FORMAT_RGB;
    test_png out = {(int)img.width, (int)img.height, malloc(PNG_IMAGE_SIZE(img))};
    assert_non_null(out.rgb);
    if (!png_image_finish_read(&img, NULL, out.rgb, 0, NULL))
        fail_msg("%s: %s", path, img.message);
    return out;
}

const uint8_t *test_png_at(const test_png *p, int x, int y)
{
    assert_true(x >= 0 && x < p->w && y >= 0 && y < p->h);
    return p->rgb + ((size_t)y * (size_t)p->w + (size_t)x) * 3;
}

void test_assert_rgb(const test_png *p, int x, int y, int r, int g, int b)
{
    const uint8_t *c = test_png_at(p, x, y);
    if (c[0] != r || c[1] != g || c[2] != b)
        fail_msg("pixel (%d,%d) is (%d,%d,%d), expected (%d,%d,%d)", x, y, c[0], c[1], c[2], r, g,
                 b);
}

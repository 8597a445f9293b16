/* testutil.h - helpers shared by the cmocka tests.
 *
 * Tests that need ../shared/data call test_data_root(); when it returns NULL
 * they exit with TEST_SKIP (77), which ctest reports as "skipped", never as
 * passed. */
#ifndef INKPIN_TESTUTIL_H
#define INKPIN_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "data/strokes.h"

#define TEST_SKIP 77

/* The data root ($INKPIN_DATA, ./data, ../shared/data, or <source>/../shared/data),
 * or NULL if none holds mnist/. */
const char *test_data_root(void);

/* Exits the process with TEST_SKIP and a message when the data root is missing. */
const char *test_data_root_or_skip(void);

/* Loads <data root>/unipen/dev.ndjson, the real pen strokes, into *set
 * (strokes_free it). Returns 0, or -1 when there is no data root or the file
 * does not load (the caller skips). */
int test_load_dev_strokes(strokes_set *set);

/* A fresh private directory under the build tree (removed by nobody: build/ is scratch). */
const char *test_tmpdir(void);

/* Writes n bytes to path; returns 0 or fails the test. */
void test_write_file(const char *path, const void *data, size_t n);

/* Runs the inkpin CLI ($INKPIN_CLI, set by ctest) with args (shell words),
 * output discarded; returns its exit code, or -1 if it did not exit normally. */
int test_run_cli(const char *args);

/* The same, capturing stdout (up to size-1 bytes, NUL-terminated) into out;
 * stderr is discarded. */
int test_run_cli_capture(const char *args, char *out, size_t size);

/* 1 under ASan/UBSan builds: heavy tests may shrink their workload. */
int test_sanitized(void);

/* A PNG read back as 8-bit RGB by libpng (an independent decoder). */
typedef struct {
    int w, h;
    uint8_t *rgb; /* w*h*3 bytes, row by row; free() it */
} test_png;

/* Decodes path or fails the test. */
test_png test_read_png_rgb(const char *path);

/* The RGB triple at (x, y); fails the test when outside the image. */
const uint8_t *test_png_at(const test_png *p, int x, int y);

/* Fails the test unless pixel (x, y) is exactly (r, g, b). */
void test_assert_rgb(const test_png *p, int x, int y, int r, int g, int b);

#endif

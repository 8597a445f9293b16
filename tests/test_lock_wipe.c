/* test_lock_wipe.c - a PIN digit's image must not stay in memory after the
 * recognizer read it. ink_render keeps the earlier strokes' image in a stack
 * buffer (raster.before, for the shape check); after it returns, the stack
 * below the caller must not hold that image any more.
 *
 * How: a digit drawn as the same stroke twice, so `before` equals the final
 * image exactly (a 98-byte pattern with many set bits, which nothing else on
 * the stack holds: the output image is static here). The stack area the
 * render used is first filled with a marker, then rendered on, then scanned
 * for the pattern from a frame at the same depth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inkpin/ink.h"
#include "inkpin/net.h"

#define SCAN_BYTES 16384

static uint8_t image[NET_IMAGE_BYTES]; /* static: not on the stack */
static ink_buffer ink;

#if defined(__clang__) || defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#endif
#else
#define NOINLINE
#endif

static NOINLINE void fill_stack(void)
{
    volatile uint8_t area[SCAN_BYTES];
    for (size_t i = 0; i < sizeof area; i++)
        area[i] = 0xA5;
}

static NOINLINE int render_digit(void)
{
    return ink_render(&ink, image);
}

/* 1 if the stack below this frame holds the image pattern. Reads memory the
 * render left behind: uninitialized by C's rules, which is the point. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif
static NOINLINE int stack_holds_image(void)
{
    volatile uint8_t area[SCAN_BYTES];
    int found = 0;
    for (size_t i = 0; i + NET_IMAGE_BYTES <= sizeof area && !found; i++) {
        size_t k = 0;
        while (k < NET_IMAGE_BYTES && area[i + k] == image[k])
            k++;
        found = k == NET_IMAGE_BYTES;
    }
    return found;
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

static void draw_same_stroke_twice(void)
{
    static const int pts[][2] = {{60, 40}, {160, 45}, {110, 120}, {80, 200}};
    ink_reset(&ink);
    for (int s = 0; s < 2; s++) {
        assert_int_equal(ink_pen_down(&ink, pts[0][0], pts[0][1]), INK_OK);
        for (int i = 1; i < 4; i++)
            assert_int_equal(ink_pen_move(&ink, pts[i][0], pts[i][1]), INK_OK);
        assert_int_equal(ink_pen_up(&ink), INK_OK);
    }
}

static void test_render_leaves_no_stroke_image_on_stack(void **state)
{
    (void)state;
#ifdef UNDER_ASAN
    skip(); /* ASan moves locals to a fake stack: the scan would prove nothing */
#endif
    draw_same_stroke_twice();
    fill_stack();
    assert_int_equal(render_digit(), INK_OK);
    int set = 0;
    for (int i = 0; i < NET_IMAGE_BYTES; i++)
        set += image[i] != 0;
    assert_true(set >= 10); /* a pattern that cannot occur by chance */
    assert_false(stack_holds_image());
}

/* The scan finds what is there: a frame that leaves the image on its stack. */
static volatile uint8_t sink;
static NOINLINE void leave_copy_on_stack(void)
{
    volatile uint8_t copy[NET_IMAGE_BYTES * 4];
    for (int i = 0; i < NET_IMAGE_BYTES * 4; i++)
        copy[i] = image[i % NET_IMAGE_BYTES];
    sink = copy[0];
}

static void test_scan_finds_a_leftover(void **state)
{
    (void)state;
#ifdef UNDER_ASAN
    skip();
#endif
    draw_same_stroke_twice();
    assert_int_equal(render_digit(), INK_OK);
    fill_stack();
    leave_copy_on_stack();
    assert_true(stack_holds_image());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_finds_a_leftover),
        cmocka_unit_test(test_render_leaves_no_stroke_image_on_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

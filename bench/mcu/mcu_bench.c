/* mcu_bench.c - the shared MCU benchmark (see mcu_bench.h). */
#include "mcu_bench.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inkpin/default_model.h"
#include "inkpin/ink.h"
#include "inkpin/net.h"
#include "mcu_port.h"
#if !defined(MCU_NO_VERDICT)
#include "inkpin/verdict.h"
#endif
#include "mcu_samples.h"

/* MCU_NO_NET: a build for a target the model does not fit (ink only). */
#if NET_DEFAULT_MODEL_PRESENT && !defined(MCU_NO_NET)
#define ARENA_BYTES NET_ARENA_BYTES
#else
#define ARENA_BYTES 1
#endif

/* The recognizer's RAM: everything a device keeps besides its stack. */
static uint8_t arena[ARENA_BYTES];
static ink_buffer ink;
static uint8_t image[NET_IMAGE_BYTES];
static net_result result;
#if !defined(MCU_NO_VERDICT)
static ink_shape shape; /* the shape check of the strokes being classified */
#endif

typedef struct {
    uint32_t n, correct, err, min, max, sum_hi, sum_lo, stack_max;
} tally;

static tally t_digit, t_ink, t_render;

/* ---- output without printf ------------------------------------------------- */

static void put_u32(uint32_t v)
{
    char buf[11];
    int i = 10;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    mcu_puts(buf + i);
}

static void put_hex32(uint32_t v)
{
    char buf[9];
    int i;
    for (i = 7; i >= 0; i--) {
        unsigned d = v & 15u;
        buf[i] = (char)(d < 10u ? '0' + d : 'a' + d - 10u);
        v >>= 4;
    }
    buf[8] = '\0';
    mcu_puts(buf);
}

static void put_kv(mcu_str key, uint32_t v)
{
    mcu_puts_lit(MCU_LIT(" "));
    mcu_puts_lit(key);
    mcu_puts_lit(MCU_LIT(" "));
    put_u32(v);
}

static void put_i32(int32_t v)
{
    if (v < 0) {
        mcu_puts_lit(MCU_LIT("-"));
        put_u32(0u - (uint32_t)v);
    } else {
        put_u32((uint32_t)v);
    }
}

/* ---- hashing ---------------------------------------------------------------- */

static uint32_t fnv_byte(uint32_t h, uint8_t b)
{
    return (h ^ b) * 16777619u;
}

static uint32_t fnv_u32(uint32_t h, uint32_t v)
{
    int i;
    for (i = 0; i < 4; i++)
        h = fnv_byte(h, (uint8_t)(v >> (8 * i)));
    return h;
}

static uint32_t hash_image(const uint8_t *bits)
{
    uint32_t h = 2166136261u;
    int i;
    for (i = 0; i < NET_IMAGE_BYTES; i++)
        h = fnv_byte(h, bits[i]);
    return h;
}

static uint32_t hash_result(const net_result *r)
{
    uint32_t h = 2166136261u;
    int i;
    for (i = 0; i < NET_CLASSES; i++)
        h = fnv_u32(h, (uint32_t)r->logits[i]);
    for (i = 0; i < NET_CLASSES; i++)
        h = fnv_u32(h, r->confidence[i]);
    return h;
}

/* ---- tallies ------------------------------------------------------------ */

static void tally_add(tally *t, uint32_t counts, uint32_t stack)
{
    if (t->n == 0 || counts < t->min)
        t->min = counts;
    if (counts > t->max)
        t->max = counts;
    t->sum_lo += counts;
    if (t->sum_lo < counts)
        t->sum_hi++;
    if (stack > t->stack_max)
        t->stack_max = stack;
    t->n++;
}

/* Mean of the counts (sum fits 64 bits; divide without a 64-bit division). */
static uint32_t tally_mean(const tally *t)
{
    uint32_t q = 0, r = 0;
    int bit;
    if (t->n == 0)
        return 0;
    for (bit = 63; bit >= 0; bit--) {
        uint32_t word = bit >= 32 ? t->sum_hi : t->sum_lo;
        r = (r << 1) | ((word >> (bit & 31)) & 1u); /* r < n < 2^31: no overflow */
        q <<= 1;
        if (r >= t->n) {
            r -= t->n;
            q |= 1u;
        }
    }
    return q;
}

static void put_stat(mcu_str name, mcu_str stat, uint32_t v)
{
    mcu_puts_lit(MCU_LIT(" "));
    mcu_puts_lit(name);
    mcu_puts_lit(stat);
    mcu_puts_lit(MCU_LIT(" "));
    put_u32(v);
}

/* " <name>_mean M <name>_min m <name>_max x <name>_stack s" */
static void put_tally(mcu_str name, const tally *t)
{
    put_stat(name, MCU_LIT("_mean"), tally_mean(t));
    put_stat(name, MCU_LIT("_min"), t->min);
    put_stat(name, MCU_LIT("_max"), t->max);
    put_stat(name, MCU_LIT("_stack"), t->stack_max);
}

/* ---- one sample --------------------------------------------------------- */

static void put_prediction(const net_result *r)
{
    put_kv(MCU_LIT("pred"), r->digit);
    put_kv(MCU_LIT("conf"), r->confidence[r->digit]);
    put_kv(MCU_LIT("second"), r->runner_up);
    mcu_puts_lit(MCU_LIT(" out "));
    put_hex32(hash_result(r));
}

/* Runs the net on `image`, measured; returns its error. */
static net_err run_net(const net_model *m, uint32_t *counts, uint32_t *stack)
{
    uintptr_t mark = mcu_sp();
    net_err e;
    mcu_stack_paint();
    mcu_measure_begin();
    e = net_run(m, image, arena, sizeof arena, &result);
    *counts = mcu_measure_end();
    *stack = mcu_stack_used(mark);
    return e;
}

static void put_measures(mcu_str name, uint32_t counts)
{
    mcu_puts_lit(MCU_LIT(" "));
    mcu_puts_lit(name);
    mcu_puts_lit(MCU_LIT(" "));
    put_u32(counts);
}

static void put_outcome(net_err e, unsigned label, tally *t)
{
    if (e != NET_OK) {
        mcu_puts_lit(MCU_LIT(" err "));
        put_i32((int32_t)e);
        t->err++;
        return;
    }
    put_prediction(&result);
    if (result.digit == label)
        t->correct++;
}

/* What the device would do with this drawing (inkpin/verdict.h, the one
 * owner of the rule): " verdict K" with K a verdict_kind. Left out where the
 * port defines MCU_NO_VERDICT (the ATmega328P: its 2 KB hold the bench but
 * not the shape as well; examples/SerialDigits checks the verdict there). */
static void put_verdict(void)
{
#if !defined(MCU_NO_VERDICT)
    verdict v;
    mcu_puts_lit(MCU_LIT(" verdict "));
    put_u32((uint32_t)verdict_decide(&result, &shape, NET_REJECT_CONF, &v));
#endif
}

static void classify_digit(const net_model *m, unsigned k)
{
    uint32_t counts, stack;
    unsigned i, label = MCU_RD_U8(&mcu_digit_labels[k]);
    net_err e;
    for (i = 0; i < NET_IMAGE_BYTES; i++)
        image[i] = MCU_RD_U8(&mcu_digit_bits[k][i]);
    e = run_net(m, &counts, &stack);
    mcu_puts_lit(MCU_LIT("R digit "));
    put_u32(k);
    put_kv(MCU_LIT("label"), label);
    put_outcome(e, label, &t_digit);
    mcu_puts_lit(MCU_LIT(" |"));
    put_measures(MCU_LIT("net"), counts);
    put_kv(MCU_LIT("stack"), stack);
    mcu_puts_lit(MCU_LIT("\n"));
    tally_add(&t_digit, counts, stack);
}

/* Feeds stroke digit k to ink as touch events: pen down on a stroke's first
 * point, moves, pen up at its end. Returns the first refused event's error. */
static ink_err feed_strokes(unsigned k)
{
    unsigned p = MCU_RD_U16(&mcu_stroke_start[k]), end = MCU_RD_U16(&mcu_stroke_start[k + 1]);
    bool down = false;
    ink_err first = INK_OK, e;
    ink_reset(&ink);
    for (; p < end; p += 2) {
        uint8_t x = MCU_RD_U8(&mcu_stroke_bytes[p]), y = MCU_RD_U8(&mcu_stroke_bytes[p + 1]);
        if (x == MCU_PEN_LIFT) {
            e = ink_pen_up(&ink);
            down = false;
        } else if (!down) {
            e = ink_pen_down(&ink, x, y);
            down = true;
        } else {
            e = ink_pen_move(&ink, x, y);
        }
        if (e != INK_OK && first == INK_OK)
            first = e;
    }
    e = ink_pen_up(&ink);
    return first != INK_OK ? first : e;
}

static ink_err render(uint32_t *counts, uint32_t *stack)
{
    uintptr_t mark = mcu_sp();
    ink_err e;
    mcu_stack_paint();
    mcu_measure_begin();
#if !defined(MCU_NO_VERDICT)
    e = ink_render_shape(&ink, image, &shape); /* the device path: image + shape check */
#else
    e = ink_render(&ink, image);
#endif
    *counts = mcu_measure_end();
    *stack = mcu_stack_used(mark);
    return e;
}

static void classify_strokes(const net_model *m, unsigned k)
{
    uint32_t ink_counts, ink_stack, net_counts = 0, net_stack = 0;
    unsigned label = MCU_RD_U8(&mcu_stroke_labels[k]);
    ink_err fe = feed_strokes(k), re = render(&ink_counts, &ink_stack);
    mcu_puts_lit(MCU_LIT("R ink "));
    put_u32(k);
    put_kv(MCU_LIT("label"), label);
    mcu_puts_lit(MCU_LIT(" feed "));
    put_i32((int32_t)fe);
    mcu_puts_lit(MCU_LIT(" ret "));
    put_i32((int32_t)re);
    mcu_puts_lit(MCU_LIT(" img "));
    put_hex32(hash_image(image));
    tally_add(&t_render, ink_counts, ink_stack);
    if (m && re == INK_OK) {
        net_err e = run_net(m, &net_counts, &net_stack);
        put_outcome(e, label, &t_ink);
        tally_add(&t_ink, net_counts, net_stack);
        if (e == NET_OK)
            put_verdict();
    }
    mcu_puts_lit(MCU_LIT(" |"));
    put_measures(MCU_LIT("ink"), ink_counts);
    put_measures(MCU_LIT("net"), net_counts);
    put_kv(MCU_LIT("stack"), ink_stack > net_stack ? ink_stack : net_stack);
    mcu_puts_lit(MCU_LIT("\n"));
}

int mcu_bench_run(void)
{
#if defined(MCU_NO_NET)
    const net_model *m = NULL;
#else
    const net_model *m = net_default_model();
#endif
    unsigned k;
    mcu_puts_lit(MCU_LIT("inkpin mcu bench: "));
    put_u32(MCU_DIGITS);
    mcu_puts_lit(MCU_LIT(" MNIST test digits, "));
    put_u32(MCU_STROKE_DIGITS);
    mcu_puts_lit(MCU_LIT(" stroke digits, unit " MCU_COUNT_UNIT "\n"));
    if (!m) {
        mcu_puts_lit(MCU_LIT("no model in this build: ink only\n"));
    } else if (net_arena_bytes(m) == 0 || net_arena_bytes(m) > sizeof arena) {
        mcu_puts_lit(MCU_LIT("E arena too small or model invalid\n"));
        return 1;
    }
    if (m)
        for (k = 0; k < MCU_DIGITS; k++)
            classify_digit(m, k);
    for (k = 0; k < MCU_STROKE_DIGITS; k++)
        classify_strokes(m, k);

    mcu_puts_lit(MCU_LIT("S digits"));
    put_kv(MCU_LIT("n"), t_digit.n);
    put_kv(MCU_LIT("correct"), t_digit.correct);
    put_kv(MCU_LIT("errors"), t_digit.err);
    mcu_puts_lit(MCU_LIT(" strokes"));
    put_kv(MCU_LIT("n"), t_render.n);
    put_kv(MCU_LIT("correct"), t_ink.correct);
    put_kv(MCU_LIT("errors"), t_ink.err);
    mcu_puts_lit(MCU_LIT(" |"));
    put_tally(MCU_LIT("net"), &t_digit);
    put_tally(MCU_LIT("ink"), &t_render);
    put_kv(MCU_LIT("arena"), (uint32_t)sizeof arena);
    put_kv(MCU_LIT("ink_buffer"), (uint32_t)sizeof ink);
    put_kv(MCU_LIT("image"), (uint32_t)sizeof image);
    put_kv(MCU_LIT("result"), (uint32_t)sizeof result);
    mcu_puts_lit(MCU_LIT("\n"));
    return (t_digit.err || t_ink.err) ? 1 : 0;
}

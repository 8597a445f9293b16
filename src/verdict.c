/* verdict.c - strokes or an image to digit / no digit / draw again (manual: inkpin/verdict.h). */
#include "inkpin/verdict.h"

#include <string.h>

#include "inkpin/util.h"

static uint32_t needed(const ink_shape *shape, uint32_t plain)
{
    return shape != NULL ? ink_conf_needed(shape, plain) : plain;
}

bool verdict_accepts(uint32_t confidence, const ink_shape *shape, uint32_t plain)
{
    return confidence >= needed(shape, plain);
}

uint16_t verdict_permille(const verdict *v)
{
    if (v == NULL) {
        return 0;
    }
    return (uint16_t)((v->confidence * 1000u + NET_CONF_ONE / 2u) / NET_CONF_ONE);
}

/* A verdict on which the engine did not run. */
static verdict_kind refuse(verdict *out, verdict_kind kind, int error)
{
    out->kind = kind;
    out->digit = 0;
    out->runner_up = 0;
    out->confidence = 0;
    out->need = NET_CONF_ONE + 1u;
    out->error = (int16_t)error;
    return kind;
}

verdict_kind verdict_decide(const net_result *r, const ink_shape *shape, uint32_t plain,
                            verdict *out)
{
    if (out == NULL) {
        return VERDICT_ERROR;
    }
    if (r == NULL) {
        return refuse(out, VERDICT_ERROR, NET_ERR_ARG);
    }
    out->digit = r->digit;
    out->runner_up = r->runner_up;
    out->confidence = r->confidence[r->digit % NET_CLASSES];
    out->need = needed(shape, plain);
    out->error = 0;
    out->kind = verdict_accepts(out->confidence, shape, plain) ? VERDICT_DIGIT : VERDICT_DRAW_AGAIN;
    return out->kind;
}

verdict_kind verdict_from_image(const net_model *m, const uint8_t image[NET_IMAGE_BYTES],
                                const ink_shape *shape, uint32_t plain, void *arena,
                                size_t arena_size, verdict *out)
{
    net_result r;
    net_err e;
    if (out == NULL) {
        return VERDICT_ERROR;
    }
    if (shape != NULL) {
        out->shape = *shape;
    } else {
        memset(&out->shape, 0, sizeof out->shape);
    }
    if (m == NULL) {
        return refuse(out, VERDICT_ERROR, NET_ERR_ARG);
    }
    e = net_run(m, image, arena, arena_size, &r);
    if (e != NET_OK) {
        return refuse(out, VERDICT_ERROR, e); /* net_run wrote nothing into r */
    }
    verdict_decide(&r, shape, plain, out);
    util_wipe(&r, sizeof r); /* the logits spell the digit: a PIN digit in lock mode */
    return out->kind;
}

verdict_kind verdict_from_ink(const net_model *m, const ink_buffer *ink, uint32_t plain,
                              uint8_t image[NET_IMAGE_BYTES], void *arena, size_t arena_size,
                              verdict *out)
{
    ink_shape shape;
    ink_err e;
    if (out == NULL) {
        return VERDICT_ERROR;
    }
    e = ink_render_shape(ink, image, &shape);
    if (e != INK_OK) {
        memset(&out->shape, 0, sizeof out->shape);
        return refuse(out, e == INK_NO_DIGIT ? VERDICT_NO_DIGIT : VERDICT_ERROR,
                      e == INK_NO_DIGIT ? 0 : e);
    }
    return verdict_from_image(m, image, &shape, plain, arena, arena_size, out);
}

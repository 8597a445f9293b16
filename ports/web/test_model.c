/* test_model.c - a hand-made stand-in for the default model, used only by the
 * browser test page (build.sh --test-model -> inkpin-test.html) so the lock
 * flow can be tested with drawings whose reading is certain: one dense layer
 * where class 1 scores ink in the centre columns and class 2 ink in the
 * centre rows, so a vertical bar reads "1" and a horizontal bar "2" (the same
 * model as tests/test_app.c). Never shipped. */
#include "inkpin/net.h"

static int8_t w[NET_CLASSES * NET_IMAGE_PIXELS];
static int32_t bias[NET_CLASSES];
static int32_t mult[NET_CLASSES];
static uint8_t shift[NET_CLASSES];
static net_layer layer;
static net_model model;

const net_model *net_default_model(void)
{
    if (model.n_layers == 0) {
        for (int p = 0; p < NET_IMAGE_PIXELS; p++) {
            int r = p / NET_IMAGE_SIDE, c = p % NET_IMAGE_SIDE;
            w[1 * NET_IMAGE_PIXELS + p] = (int8_t)(c >= 12 && c <= 16 ? 10 : 0);
            w[2 * NET_IMAGE_PIXELS + p] = (int8_t)(r >= 12 && r <= 16 ? 10 : 0);
            w[5 * NET_IMAGE_PIXELS + p] = 1;
        }
        for (int k = 0; k < NET_CLASSES; k++) {
            bias[k] = 0;
            mult[k] = 1 << 20;
            shift[k] = 16;
        }
        layer.kind = NET_DENSE;
        layer.wbits = 8;
        layer.in_c = 1;
        layer.in_h = NET_IMAGE_SIDE;
        layer.in_w = NET_IMAGE_SIDE;
        layer.out_c = NET_CLASSES;
        layer.w = w;
        layer.bias = bias;
        layer.mult = mult;
        layer.shift = shift;
        model.layer = &layer;
        model.n_layers = 1;
    }
    return &model;
}

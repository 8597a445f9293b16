/* test_net_trace.c - the NET_TRACE per-layer callback: net.c is compiled into
 * this test with NET_TRACE defined, and every traced row of every hidden layer
 * must equal the same row of the host integer simulation's whole tensors. */
#define NET_TRACE 1
#include "../src/net.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "model/netref.h"
#include "model/quant.h"
#include "util/net_models.h"

typedef struct {
    int c, h, w;
    int8_t *t;
} layer_tensor;

typedef struct {
    layer_tensor ref[NET_MAX_LAYERS];
    int rows_seen[NET_MAX_LAYERS];
    int mismatches;
} trace_state;

static void ref_trace(void *ctx, int layer, const int8_t *t, int c, int h, int w)
{
    trace_state *s = ctx;
    layer_tensor *L = &s->ref[layer];
    L->c = c, L->h = h, L->w = w;
    L->t = realloc(L->t, (size_t)(c * h * w));
    memcpy(L->t, t, (size_t)(c * h * w));
}

static void engine_trace(void *ctx, int layer, int channel, int y, const int8_t *row, int n)
{
    trace_state *s = ctx;
    const layer_tensor *L = &s->ref[layer];
    if (n != L->w * (L->h == 1 && L->w == 1 ? L->c : 1) && !(L->h == 1 && L->w == 1 && n == L->c)) {
        s->mismatches++;
        return;
    }
    const int8_t *want = L->h == 1 && L->w == 1 ? L->t : L->t + (channel * L->h + y) * L->w;
    if (memcmp(row, want, (size_t)n) != 0)
        s->mismatches++;
    s->rows_seen[layer]++;
}

static void test_trace_matches_simulation(void **state)
{
    (void)state;
    for (int a = 0; a < TN_N_ARCHS; a++) {
        tn_rng r = {900 + (uint64_t)a};
        float_model fm;
        quant_model q;
        net_model m;
        net_layer L[NET_MAX_LAYERS];
        inkpin_diag d = {{0}};
        float act[MODEL_MAX_LAYERS];
        uint8_t calib[784 * 30];
        tn_model(&fm, TN_ARCHS[a].spec, TN_ARCHS[a].n, &r);
        for (int i = 0; i < 30; i++)
            tn_image(calib + 784 * i, &r);
        quant_calibrate(&fm, calib, 30, act);
        assert_int_equal(quant_build(&q, &fm, act, &d), 0);
        quant_as_net(&q, &m, L);
        size_t need = net_arena_bytes(&m);
        uint8_t *arena = malloc(need ? need : 1);
        for (int i = 0; i < 5; i++) {
            trace_state s;
            uint8_t bits[98];
            int32_t lg[10];
            uint16_t conf[10];
            int dg, ru;
            net_result res;
            memset(&s, 0, sizeof s);
            netref_int_forward(&q, calib + 784 * i, lg, conf, &dg, &ru, ref_trace, &s);
            tn_pack(bits, calib + 784 * i);
            net_set_trace(engine_trace, &s);
            assert_int_equal(net_run(&m, bits, arena, need, &res), NET_OK);
            net_set_trace(NULL, NULL);
            assert_int_equal(s.mismatches, 0);
            for (int l = 0; l + 1 < m.n_layers; l++) { /* every row of every hidden layer, once */
                const layer_tensor *T = &s.ref[l];
                int rows = T->h == 1 && T->w == 1 ? 1 : T->c * T->h;
                if (l == 0 && streams(&m)) { /* only the rows layer 1 reads are computed */
                    const net_layer *L1 = &m.layer[1];
                    int step = L1->pool ? 2 : 1;
                    rows = T->c * ((int)out_h(L1) - 1) * step + T->c * (L1->pool + L1->k);
                }
                assert_int_equal(s.rows_seen[l], rows);
            }
            for (int l = 0; l < NET_MAX_LAYERS; l++)
                free(s.ref[l].t);
        }
        free(arena);
        quant_free(&q);
        tn_free(&fm);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_trace_matches_simulation)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

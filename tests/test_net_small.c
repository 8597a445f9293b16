/* test_net_small.c - the 8-bit MCUs' model (models/avr, net_small_model()):
 * the compiled-in C arrays, the blob models/avr/model.inkm and the host
 * integer simulation (host/model/netref.c, written independently of net.c)
 * give bit-identical logits, confidences, digits and runners-up on the whole
 * MNIST test set. On the host net_default_model() stays the default model
 * (AVR builds get this one: tests/avr_model_select.sh). Skips (77) without
 * data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "inkpin/default_model.h"
#include "inkpin/net.h"
#include "inkpin/small_model.h"
#include "util/model_check.h"
#include "util/testutil.h"

static void test_small_bit_exact(void **state)
{
    (void)state;
    assert_int_equal(net_arena_bytes(net_small_model()), NET_SMALL_ARENA_BYTES);
    check_model_bit_exact(net_small_model(), INKPIN_SOURCE_DIR "/models/avr/model.inkm");
}

/* The host build keeps the default model as net_default_model(); the small
 * one is a different network, reachable beside it. */
static void test_host_default_is_not_small(void **state)
{
    (void)state;
    assert_int_equal(NET_DEFAULT_IS_SMALL, 0);
    assert_non_null(net_default_model());
    assert_non_null(net_small_model());
    assert_ptr_not_equal(net_default_model(), net_small_model());
    assert_int_not_equal(net_arena_bytes(net_default_model()), 0);
    assert_int_equal(net_arena_bytes(net_default_model()), NET_ARENA_BYTES);
    assert_int_equal(net_arena_bytes(net_small_model()), NET_SMALL_ARENA_BYTES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_host_default_is_not_small),
                                       cmocka_unit_test(test_small_bit_exact)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

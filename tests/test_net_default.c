/* test_net_default.c - the shipped default model: the compiled-in C arrays,
 * the blob models/default/model.inkm and the host integer simulation
 * (host/model/netref.c, written independently of net.c) give bit-identical
 * logits, confidences, digits and runners-up on the whole MNIST test set.
 * Skips (77) when there is no data or no default model in this build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "model/export.h"
#include "inkpin/net.h"
#include "util/model_check.h"
#include "util/testutil.h"

static void test_default_bit_exact(void **state)
{
    (void)state;
    check_model_bit_exact(net_default_model(), INKPIN_SOURCE_DIR "/models/default/model.inkm");
}

int main(void)
{
    if (!net_default_model()) {
        fprintf(stderr, "SKIP: this build has no default model (no model exported into src/)\n");
        return TEST_SKIP;
    }
    test_data_root_or_skip();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_default_bit_exact)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

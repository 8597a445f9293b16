/* model_check.h - one check for a shipped model: its compiled-in C arrays,
 * its .inkm blob and the host integer simulation (host/model/netref.c,
 * written independently of net.c) give bit-identical logits, confidences,
 * digits and runners-up on the MNIST test set (1,000 images under the
 * sanitizers). For test_net_default.c and test_net_small.c. */
#ifndef INKPIN_TESTS_MODEL_CHECK_H
#define INKPIN_TESTS_MODEL_CHECK_H

#include "inkpin/net.h"

/* Fails the running cmocka test on any difference (skips, 77, without
 * data); prints the count and the int8 accuracy. */
void check_model_bit_exact(const net_model *c_model, const char *blob_path);

#endif

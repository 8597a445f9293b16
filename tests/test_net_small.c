/* test_net_small.c - the small kernel family (src/net_small.inc, chosen by
 * NET_SMALL_CODE: the build that keeps the Cortex-M4 recognizer in 10 KB)
 * against the library's engine, bit for bit, on every shape
 * test_net_simd.c covers: net.c is compiled into this test with
 * NET_SMALL_CODE and the plain kernels, its public names prefixed. */
#define NET_SMALL_CODE 1
#include "test_net_simd.c"

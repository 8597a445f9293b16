/* test_net_lean.c - the lean kernel family (src/net_lean.inc, chosen by
 * NET_LEAN_KERNELS: the build that keeps the Cortex-M4 recognizer in 10 KB)
 * against the library's engine, bit for bit, on every shape
 * test_net_simd.c covers: net.c is compiled into this test with
 * NET_LEAN_KERNELS and the plain kernels, its public names prefixed. */
#define NET_LEAN_KERNELS 1
#include "test_net_simd.c"

/* test_net_trace_plain.c - test_net_trace.c with the plain kernels every MCU
 * without the DSP extension runs (NET_PLAIN_KERNELS) instead of the x86 SSE2
 * path: every traced row of the 2 x 2 block kernel (pooled, and unpooled two
 * rows at a time) matches the host integer simulation. */
#define NET_PLAIN_KERNELS 1
#include "test_net_trace.c"

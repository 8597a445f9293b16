/* test_net_dsp.c - the Cortex-M DSP kernels of src/net_fast.inc (SXTB16 and
 * SMLAD pairs) against the library's engine, bit for bit, on every shape
 * test_net_simd.c covers: net.c is compiled into this test with
 * NET_EMULATE_DSP, which runs the same kernels on the host with each DSP
 * instruction written out in C (the real instructions are checked on the
 * Cortex-M4 in QEMU by the mcu tests). */
#define NET_EMULATE_DSP 1
#include "test_net_simd.c"

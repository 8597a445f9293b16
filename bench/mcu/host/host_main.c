/* host_main.c - runs the MCU benchmark on the host with the same core sources
 * and sample, to give the results every firmware must reproduce bit for bit. */
#include <stdio.h>

#include "mcu_bench.h"

void mcu_puts(const char *s)
{
    fputs(s, stdout);
}
void mcu_measure_begin(void)
{
}
uint32_t mcu_measure_end(void)
{
    return 0;
}
uintptr_t mcu_sp(void)
{
    return 0;
}
void mcu_stack_paint(void)
{
}
uint32_t mcu_stack_used(uintptr_t mark)
{
    (void)mark;
    return 0;
}

int main(void)
{
    return mcu_bench_run();
}

/* main.c - Cortex-M firmware: runs the recognizer benchmark (bench/mcu) and
 * provides its port functions over semihosting and SysTick.
 *
 * Instruction counts: QEMU has no cycle model. Run with `-icount shift=0`,
 * every guest instruction advances virtual time by 1 ns, so SysTick (clocked
 * by the core clock in virtual time) counts instructions in units of
 * 1e9/clock_hz. The firmware does not trust that ratio: it calibrates it
 * against a loop of known length and converts ticks to instructions, with a
 * resolution of one tick (40 instructions at 25 MHz). Without -icount the
 * figures are meaningless and the runner does not report them.
 */
#include <stdint.h>

#include "board.h"
#include "mcu_bench.h"
#include "semihost.h"

#define CAL_LOOPS 500000u /* 2 instructions each: subs + bne */

static uint32_t measure_start, cal_ticks;
static uintptr_t stack_mark;

void mcu_puts(const char *s)
{
    semihost_write0(s);
}

void mcu_measure_begin(void)
{
    measure_start = board_counter_now();
}

static uint32_t ticks_to_instructions(uint32_t ticks)
{
    if (cal_ticks == 0)
        return ticks;
    return (uint32_t)(((uint64_t)ticks * (2u * CAL_LOOPS) + cal_ticks / 2u) / cal_ticks);
}

uint32_t mcu_measure_end(void)
{
    return ticks_to_instructions(board_counter_since(measure_start));
}

uintptr_t mcu_sp(void)
{
    return board_sp();
}

void mcu_stack_paint(void)
{
    board_stack_paint();
}

uint32_t mcu_stack_used(uintptr_t mark)
{
    return board_stack_used_below(mark);
}

static __attribute__((noinline)) void spin(uint32_t n)
{
    __asm__ volatile(".syntax unified\n1: subs %0, %0, #1\n\tbne 1b" : "+l"(n) : : "cc");
}

static void put_u32(uint32_t v)
{
    char buf[11];
    int i = 10;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    mcu_puts(buf + i);
}

int main(void)
{
    uint32_t t;
    board_counter_start();
    t = board_counter_now();
    spin(CAL_LOOPS);
    cal_ticks = board_counter_since(t);
    mcu_puts("calibration: ");
    put_u32(2u * CAL_LOOPS);
    mcu_puts(" instructions = ");
    put_u32(cal_ticks);
    mcu_puts(" SysTick ticks\n");
    (void)stack_mark;
    return mcu_bench_run();
}

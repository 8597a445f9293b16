/* main.c - ATmega328P firmware: runs the recognizer benchmark (bench/mcu) in
 * simavr and provides its port functions over the sim_io.h protocol.
 *
 * Cycle counts come from the simulator's cycle counter (simavr is cycle
 * accurate for the AVR core), started and stopped by single OUT
 * instructions, so the measurement adds about 2 cycles and no interrupt.
 * Stack: the free RAM between the end of .bss and the stack is painted
 * before every measured call and scanned afterwards.
 */
#include <avr/io.h>
#include <avr/pgmspace.h>
#include <stdint.h>

#include "mcu_bench.h"
#include "sim_io.h"

#define STACK_PAINT 0xC5

extern uint8_t __heap_start; /* end of .data + .bss (avr-libc linker script) */

/* Deepest stack address any measured call reached (whole call chain from main). */
static uintptr_t stack_lowest = RAMEND;

void mcu_puts(const char *s)
{
    while (*s)
        GPIOR0 = (uint8_t)*s++;
}

void mcu_puts_P(const char *s)
{
    char c;
    while ((c = (char)pgm_read_byte(s++)) != '\0')
        GPIOR0 = (uint8_t)c;
}

void mcu_measure_begin(void)
{
    GPIOR1 = SIM_START;
}

uint32_t mcu_measure_end(void)
{
    uint32_t v = 0;
    uint8_t i;
    GPIOR1 = SIM_STOP;
    for (i = 0; i < 4; i++)
        v |= (uint32_t)GPIOR2 << (8 * i);
    return v;
}

uintptr_t mcu_sp(void)
{
    return SP;
}

void mcu_stack_paint(void)
{
    /* Stop 16 bytes below our own frame: the call and this loop's registers. */
    uint8_t *end = (uint8_t *)(SP - 16);
    for (uint8_t *p = &__heap_start; p < end; p++)
        *(volatile uint8_t *)p = STACK_PAINT;
}

uint32_t mcu_stack_used(uintptr_t mark)
{
    const volatile uint8_t *p = &__heap_start;
    while ((uintptr_t)p < mark && *p == STACK_PAINT)
        p++;
    if ((uintptr_t)p < stack_lowest)
        stack_lowest = (uintptr_t)p;
    return (uint32_t)(mark - (uintptr_t)p);
}

static void put_u16(uint16_t v)
{
    char buf[6];
    int i = 5;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    mcu_puts(buf + i);
}

int main(void)
{
    int rc;
    mcu_puts_P(PSTR("ram: static "));
    put_u16((uint16_t)((uintptr_t)&__heap_start - RAMSTART));
    mcu_puts_P(PSTR(" of "));
    put_u16(RAMEND + 1 - RAMSTART);
    mcu_puts_P(PSTR(" bytes\n"));
    rc = mcu_bench_run();
    mcu_puts_P(PSTR("ram: deepest stack "));
    put_u16((uint16_t)(RAMEND - stack_lowest));
    mcu_puts_P(PSTR(" bytes below RAMEND, static + stack "));
    put_u16((uint16_t)((uintptr_t)&__heap_start - RAMSTART + RAMEND - stack_lowest));
    mcu_puts_P(PSTR(" of "));
    put_u16(RAMEND + 1 - RAMSTART);
    mcu_puts_P(PSTR(" bytes\n"));
    GPIOR1 = (uint8_t)(SIM_EXIT + rc);
    for (;;) {
    }
}

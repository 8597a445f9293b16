/* board.c - SysTick instruction counter and stack painting (see board.h). */
#include "board.h"

#define STACK_PAINT 0x5AA5C33Cu

extern uint32_t __bss_end[];

/* SysTick, part of every Cortex-M core (ARMv6-M and ARMv7-M). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_ENABLE 1u
#define SYST_CLKSOURCE_CORE 4u

uintptr_t board_sp(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

void board_stack_paint(void)
{
    /* Leave 64 bytes below our own frame untouched: this loop's frame. */
    volatile uint32_t *end = (volatile uint32_t *)((board_sp() - 64u) & ~(uintptr_t)3u);
    for (volatile uint32_t *p = __bss_end; p < end; p++)
        *p = STACK_PAINT;
}

uint32_t board_stack_used_below(uintptr_t mark)
{
    const volatile uint32_t *p = __bss_end;
    while ((uintptr_t)p < mark && *p == STACK_PAINT)
        p++;
    return (uint32_t)(mark - (uintptr_t)p);
}

void board_counter_start(void)
{
    SYST_CSR = 0;
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = SYST_ENABLE | SYST_CLKSOURCE_CORE;
}

uint32_t board_counter_now(void)
{
    return SYST_CVR;
}

uint32_t board_counter_since(uint32_t start)
{
    /* Down-counter, 24 bits. */
    return (start - SYST_CVR) & 0x00FFFFFFu;
}

/* startup.c - reset and vector table for the bare-metal Cortex-M builds.
 *
 * No CMSIS, no vendor files: the vector table is an array the linker script
 * places at address 0, the reset handler copies .data from flash, clears .bss,
 * paints the free stack with a known word (so board.c can measure the peak
 * stack), calls main() and hands its return value to the host via
 * semihosting. Faults print their name and exit with status 3, so a bad
 * build fails the test instead of hanging QEMU.
 */
#include <stdint.h>

#include "board.h"
#include "semihost.h"

extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);
void Reset_Handler(void);

static void fault(const char *name)
{
    semihost_write0("FAULT: ");
    semihost_write0(name);
    semihost_write0("\n");
    semihost_exit(3);
}

static void NMI_Handler(void)
{
    fault("NMI");
}
static void HardFault_Handler(void)
{
    fault("HardFault");
}
static void MemManage_Handler(void)
{
    fault("MemManage");
}
static void BusFault_Handler(void)
{
    fault("BusFault");
}
static void UsageFault_Handler(void)
{
    fault("UsageFault");
}
static void Default_Handler(void)
{
    fault("unexpected interrupt");
}

/* Entries 0..15 (core exceptions) plus a few IRQs that default to a fault. */
__attribute__((section(".vectors"), used)) static void (*const vectors[32])(void) = {
    (void (*)(void))(uintptr_t)__stack_top,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,  /* reserved on ARMv6-M */
    BusFault_Handler,   /* reserved on ARMv6-M */
    UsageFault_Handler, /* reserved on ARMv6-M */
    0,
    0,
    0,
    0,
    Default_Handler, /* SVCall */
    Default_Handler, /* DebugMonitor */
    0,
    Default_Handler, /* PendSV */
    Default_Handler, /* SysTick (polled, its interrupt stays off) */
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
};

void Reset_Handler(void)
{
    uint32_t *src = __data_load;
    for (uint32_t *dst = __data_start; dst < __data_end;)
        *dst++ = *src++;
    for (uint32_t *dst = __bss_start; dst < __bss_end;)
        *dst++ = 0;
    board_stack_paint();
    semihost_exit(main());
}

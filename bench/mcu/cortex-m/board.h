/* board.h - what the Cortex-M firmware needs from the board: text output, an
 * instruction counter, stack painting, exit. Implemented in board.c for the
 * QEMU machines mps2-an386 (Cortex-M4), mps2-an385 (Cortex-M3) and microbit
 * (nRF51, Cortex-M0).
 */
#ifndef INKPIN_CM_BOARD_H
#define INKPIN_CM_BOARD_H

#include <stdint.h>

/* Fills the unused stack (from the end of .bss to a little below the current
 * stack pointer) with a known word. */
void board_stack_paint(void);

/* Bytes of stack used below `mark` (an address on the stack, e.g. the stack
 * pointer just before a call) since the last paint: the deepest word that is
 * no longer the paint value. */
uint32_t board_stack_used_below(uintptr_t mark);

/* Current stack pointer. */
uintptr_t board_sp(void);

/* Starts SysTick on the core clock (counter wraps every 2^24 ticks). */
void board_counter_start(void);
/* SysTick ticks elapsed since `start` (a value of board_counter_now). */
uint32_t board_counter_now(void);
uint32_t board_counter_since(uint32_t start);

#endif

/* mcu_bench.h - the recognizer benchmark every MCU firmware runs, and the
 * host runs too so the outputs can be compared bit for bit.
 *
 * mcu_bench_run() classifies the generated fixed sample (mcu_samples.h:
 * packed MNIST test digits, and UNIPEN dev stroke digits fed through ink
 * exactly as touch events) with the compiled-in default model and prints one
 * line per sample through the port:
 *
 *   R digit <k> label <l> pred <d> conf <c> second <r> out <fnv> | net <n> stack <s>
 *   R ink <k> label <l> ret <e> img <fnv> pred <d> conf <c> second <r> out <fnv> | ink <i> net <n> stack <s>
 *
 * Everything before " | " is the result and must be identical on every
 * target: conf is confidence[pred] in units of 1/NET_CONF_ONE, "out" is the
 * FNV-1a 32 of all ten logits and confidences (little-endian bytes), "img" the
 * FNV-1a 32 of the 98-byte image ink rendered. After " | " come measurements
 * in the port's unit (MCU_COUNT_UNIT: instructions, cycles or none) and the
 * peak stack bytes of that call. A closing line sums them up:
 *
 *   S digits n <n> correct <c> errors <e> strokes n <n> correct <c> errors <e> |
 *     net_mean <m> net_min <m> net_max <m> net_stack <s> ink_mean ... ink_stack <s>
 *     arena <bytes> ink_buffer <bytes> image <bytes> result <bytes>
 *
 * (net_* over the MNIST digits, ink_* over the ink_render calls).
 *
 * A port provides mcu_port.h (MCU_ROM, MCU_RD_U8, MCU_RD_U16: where the sample
 * lives and how to read it; MCU_COUNT_UNIT; mcu_str, MCU_LIT, mcu_puts_lit:
 * literal strings, kept in flash on AVR) and the functions below. The benchmark is freestanding C99.
 */
#ifndef INKPIN_MCU_BENCH_H
#define INKPIN_MCU_BENCH_H

#include <stdint.h>

/* Provided by the port. */
void mcu_puts(const char *s);            /* text, no newline added */
void mcu_measure_begin(void);            /* start the instruction/cycle counter */
uint32_t mcu_measure_end(void);          /* counts since mcu_measure_begin */
uintptr_t mcu_sp(void);                  /* current stack pointer (0: not measured) */
void mcu_stack_paint(void);              /* paint the free stack below the caller */
uint32_t mcu_stack_used(uintptr_t mark); /* bytes used below mark since the paint */

/* Runs the benchmark; returns 0 if every step succeeded (predictions may be
 * wrong: accuracy is reported, not asserted), 1 on an engine or ink error. */
int mcu_bench_run(void);

#endif

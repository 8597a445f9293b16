/* mcu_port.h - ATmega328P knobs for the MCU benchmark (bench/mcu): the
 * sample lives in program memory and is read with the LPM accessors. */
#ifndef INKPIN_MCU_PORT_H
#define INKPIN_MCU_PORT_H
#include <avr/pgmspace.h>
#define MCU_ROM PROGMEM
#define MCU_RD_U8(p) pgm_read_byte(p)
#define MCU_RD_U16(p) pgm_read_word(p)
#define MCU_COUNT_UNIT "cycles"
/* The bench with the default model leaves a few bytes of the 2 KB RAM: no room
 * for the shape check's result as well, so no verdict lines here (the host
 * reference of this target is built with -DMCU_NO_VERDICT to match). */
#define MCU_NO_VERDICT 1
/* Literal strings stay in flash too (.data would copy them into RAM). */
typedef const char *mcu_str; /* a program-memory address */
#define MCU_LIT(s) PSTR(s)
void mcu_puts_P(const char *s);
#define mcu_puts_lit(s) mcu_puts_P(s)
#endif

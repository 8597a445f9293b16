/* mcu_port.h - Cortex-M port knobs for the MCU benchmark (bench/mcu):
 * constants are ordinary flash-resident const data (unified address space). */
#ifndef INKPIN_MCU_PORT_H
#define INKPIN_MCU_PORT_H
#define MCU_ROM
#define MCU_RD_U8(p) (*(p))
#define MCU_RD_U16(p) (*(p))
#define MCU_COUNT_UNIT "instructions"
/* Literal strings: ordinary pointers here (AVR keeps them in flash). */
typedef const char *mcu_str;
#define MCU_LIT(s) (s)
#define mcu_puts_lit(s) mcu_puts(s)
#endif

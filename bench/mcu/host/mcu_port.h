/* mcu_port.h for the host reference run of the MCU benchmark: plain memory,
 * nothing measured (the host only provides the expected results). */
#ifndef INKPIN_MCU_PORT_H
#define INKPIN_MCU_PORT_H
#define MCU_ROM
#define MCU_RD_U8(p) (*(p))
#define MCU_RD_U16(p) (*(p))
#define MCU_COUNT_UNIT "none"
#endif

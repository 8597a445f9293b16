/* sim_io.h - the tiny I/O protocol between the AVR firmware and runner.c.
 *
 * Three general-purpose I/O registers of the ATmega328P, which have no other
 * function, carry the benchmark's traffic in the simulator:
 *   GPIOR0 (write)  one byte of text output
 *   GPIOR1 (write)  SIM_START: start the cycle counter; SIM_STOP: stop it;
 *                   SIM_EXIT + status (0..63): end the run with that status
 *   GPIOR2 (read)   the cycles between the last START and STOP, 4 reads,
 *                   least significant byte first (re-armed by each STOP)
 * Data-space addresses (I/O address + 0x20) are what simavr's callbacks use.
 */
#ifndef INKPIN_AVR_SIM_IO_H
#define INKPIN_AVR_SIM_IO_H

#define SIM_GPIOR0_DATA 0x3E
#define SIM_GPIOR1_DATA 0x4A
#define SIM_GPIOR2_DATA 0x4B

#define SIM_START 1
#define SIM_STOP 2
#define SIM_EXIT 0x40

#endif

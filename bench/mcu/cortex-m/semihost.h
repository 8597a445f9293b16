/* semihost.h - the two ARM semihosting calls the Cortex-M firmware needs.
 *
 * A semihosting call is `bkpt 0xAB` with the operation in r0 and its argument
 * in r1; QEMU (-semihosting-config enable=on,target=native) or a debugger
 * performs it on the host. Without a host attached, bkpt faults: these
 * images are for the simulator only.
 */
#ifndef INKPIN_SEMIHOST_H
#define INKPIN_SEMIHOST_H

/* Prints a NUL-terminated string on the host's stdout (SYS_WRITE0). */
void semihost_write0(const char *s);

/* Ends the simulation; `status` becomes QEMU's exit status (SYS_EXIT_EXTENDED). */
void semihost_exit(int status) __attribute__((noreturn));

#endif

/* uart_run.c - runs an Arduino Uno firmware (ATmega328P @ 16 MHz, an ELF
 * from arduino-builder) in simavr with its serial port (UART0) wired to a
 * file of input lines and to stdout: a serial terminal that sends one line
 * and waits for the answer line before sending the next.
 *
 *   uart_run FIRMWARE.elf INPUT [MAX_MCYCLES_PER_LINE [STATIC_END]]
 *
 * Everything the firmware prints goes to stdout. First it waits for the
 * firmware's banner line, then for each line of INPUT (sent with its '\n';
 * a line with no '\n' at the end of the file is sent as it is) it feeds the
 * bytes at the UART's own pace (one byte per frame time at the baud rate the
 * firmware set, and never into a full receive FIFO), then runs until the
 * firmware has printed one more line than lines sent so far. A firmware that
 * answers a line early (an error found mid-line) is not waited for twice.
 *
 * With STATIC_END (the data address of __bss_end, hex as avr-nm prints it)
 * the RAM above the static data is painted before the start and the deepest
 * stack of the whole run is reported on stderr ("ram: ..."): static + stack
 * must stay within the 2 KB (the sketch allocates nothing on the heap).
 *
 * Exits 0 when every line was answered; 2 on bad usage or an unreadable ELF
 * or INPUT; 3 if the core crashed or slept; 4 if an answer did not come
 * within MAX_MCYCLES_PER_LINE million cycles (default 200 = 12.5 s at 16 MHz):
 * a hang.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avr_uart.h>
#include <sim_avr.h>
#include <sim_elf.h>
#include <sim_irq.h>

typedef struct {
    long lines_out;  /* '\n' printed by the firmware */
    unsigned min_sp; /* the lowest stack pointer seen */
    int fifo_full;   /* the UART's receive FIFO said XOFF */
} terminal;

static void on_output(struct avr_irq_t *irq, uint32_t value, void *param)
{
    terminal *t = param;
    (void)irq;
    putchar((int)(value & 0xFF));
    if ((value & 0xFF) == '\n') {
        t->lines_out++;
        fflush(stdout);
    }
}

static void on_xon(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)value;
    ((terminal *)param)->fifo_full = 0;
}

static void on_xoff(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)value;
    ((terminal *)param)->fifo_full = 1;
}

static void track_sp(avr_t *avr, terminal *t)
{
    unsigned sp = (unsigned)avr->data[0x5D] | (unsigned)avr->data[0x5E] << 8; /* SPL, SPH */
    if (sp < t->min_sp)
        t->min_sp = sp;
}

/* Runs the core until the firmware printed `lines` lines or the cycle
 * budget is spent; 0, 3 (crash/sleep) or 4 (budget spent). */
static int run_until_lines(avr_t *avr, terminal *t, long lines, avr_cycle_count_t budget)
{
    avr_cycle_count_t limit = avr->cycle + budget;
    while (t->lines_out < lines) {
        int state = avr_run(avr);
        track_sp(avr, t);
        if (state == cpu_Crashed || state == cpu_Done || state == cpu_Sleeping)
            return 3;
        if (avr->cycle > limit)
            return 4;
    }
    return 0;
}

/* Sends bytes [p, p+n) one per frame time, never into a full FIFO. */
static int send_bytes(avr_t *avr, terminal *t, avr_irq_t *input, const char *p, size_t n,
                      avr_cycle_count_t frame, avr_cycle_count_t budget)
{
    avr_cycle_count_t limit = avr->cycle + budget, next = avr->cycle;
    size_t i = 0;
    while (i < n) {
        if (avr->cycle >= next && !t->fifo_full) {
            avr_raise_irq(input, (uint8_t)p[i++]);
            next = avr->cycle + frame;
        }
        int state = avr_run(avr);
        track_sp(avr, t);
        if (state == cpu_Crashed || state == cpu_Done || state == cpu_Sleeping)
            return 3;
        if (avr->cycle > limit)
            return 4;
    }
    return 0;
}

/* UBRR0 and U2X0 give the baud rate; one 10-bit frame in cycles. */
static avr_cycle_count_t frame_cycles(avr_t *avr)
{
    unsigned ubrr = (unsigned)avr->data[0xC4] | (unsigned)(avr->data[0xC5] & 0x0F) << 8;
    unsigned div = (avr->data[0xC0] & 0x02) ? 8u : 16u; /* UCSR0A.U2X0 */
    return (avr_cycle_count_t)div * (ubrr + 1u) * 10u;
}

#define STACK_PAINT 0xA5
#define SRAM_START 0x100 /* ATmega328P: registers and I/O below */

/* The lowest painted byte that changed is the deepest the stack reached. */
static void report_ram(avr_t *avr, unsigned long static_end, unsigned min_sp)
{
    fprintf(stderr, "uart_run: lowest SP 0x%X (RAMEND 0x%X, static data ends at 0x%lX)\n", min_sp,
            (unsigned)avr->ramend, static_end);
    unsigned long a = static_end;
    while (a <= avr->ramend && avr->data[a] == STACK_PAINT)
        a++;
    unsigned long stat = static_end - SRAM_START, stack = avr->ramend + 1u - a;
    fprintf(stderr, "ram: static %lu B + deepest stack %lu B = %lu of %lu B\n", stat, stack,
            stat + stack, (unsigned long)(avr->ramend + 1u - SRAM_START));
}

static const char *status_text(int rc)
{
    return rc == 3 ? "the core crashed or went to sleep"
                   : "no answer within the cycle budget (hang)";
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: uart_run FIRMWARE.elf INPUT [MAX_MCYCLES_PER_LINE [STATIC_END]]\n");
        return 2;
    }
    avr_cycle_count_t budget =
        (avr_cycle_count_t)(argc >= 4 ? strtoul(argv[3], NULL, 10) : 200) * 1000000u;
    unsigned long static_end = argc == 5 ? strtoul(argv[4], NULL, 16) & 0xFFFFu : 0;
    FILE *in = fopen(argv[2], "rb");
    if (!in) {
        fprintf(stderr, "uart_run: %s: cannot open\n", argv[2]);
        return 2;
    }
    elf_firmware_t fw;
    memset(&fw, 0, sizeof fw);
    if (elf_read_firmware(argv[1], &fw) != 0) {
        fprintf(stderr, "uart_run: %s: cannot read the ELF firmware\n", argv[1]);
        return 2;
    }
    avr_t *avr = avr_make_mcu_by_name("atmega328p");
    if (!avr) {
        fprintf(stderr, "uart_run: simavr has no atmega328p core\n");
        return 2;
    }
    avr_init(avr);
    avr->log = LOG_ERROR;
    avr->frequency = 16000000;
    avr_load_firmware(avr, &fw);
    if (static_end && static_end <= avr->ramend)
        memset(avr->data + static_end, STACK_PAINT, avr->ramend + 1u - static_end);

    terminal t = {0, 0xFFFFu, 0};
    uint32_t flags = 0;
    avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
    flags &= ~(uint32_t)AVR_UART_FLAG_STDIO; /* we print the output ourselves */
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT),
                            on_output, &t);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON),
                            on_xon, &t);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
                            on_xoff, &t);
    avr_irq_t *input = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);

    int rc = run_until_lines(avr, &t, 1, budget); /* the banner */
    if (rc) {
        fprintf(stderr, "uart_run: before the banner: %s\n", status_text(rc));
        return rc;
    }
    avr_cycle_count_t frame = frame_cycles(avr);
    fprintf(stderr, "uart_run: %llu cycles per byte\n", (unsigned long long)frame);
    long sent = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, in)) > 0) {
        rc = send_bytes(avr, &t, input, line, (size_t)len, frame, budget);
        sent++;
        if (!rc)
            rc = run_until_lines(avr, &t, 1 + sent, budget);
        if (rc) {
            fprintf(stderr, "uart_run: input line %ld: %s\n", sent, status_text(rc));
            break;
        }
    }
    free(line);
    fclose(in);
    fflush(stdout);
    fprintf(stderr, "uart_run: %ld lines, %llu cycles\n", sent, (unsigned long long)avr->cycle);
    if (static_end && static_end <= avr->ramend)
        report_ram(avr, static_end, t.min_sp);
    return rc;
}

/* runner.c - runs an ATmega328P firmware in simavr and serves the sim_io.h
 * protocol: text output to stdout, a cycle counter the firmware starts,
 * stops and reads back, and the exit status.
 *
 *   avr_run FIRMWARE.elf [MAX_MCYCLES]
 *
 * With AVR_PROFILE=FILE in the environment it also writes, for every program
 * address, the cycles spent there while the counter was running (lines
 * "byte-address cycles"; bench/mcu_avr_profile.sh maps them to functions).
 *
 * Exits with the firmware's status; 2 on bad usage or an unreadable ELF; 3 if
 * the core crashed, went to sleep or ran past MAX_MCYCLES million cycles
 * (default 4000) without exiting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sim_avr.h>
#include <sim_elf.h>
#include <sim_io.h>

#include "sim_io.h"

typedef struct {
    avr_cycle_count_t start, elapsed;
    int read_index;
    int exit_status; /* -1 while running */
    int counting;    /* between SIM_START and SIM_STOP */
} runner;

static void on_output(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
    (void)avr;
    (void)addr;
    (void)param;
    putchar(v);
}

static void on_command(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
    runner *r = param;
    (void)addr;
    if (v == SIM_START) {
        r->start = avr->cycle;
        r->counting = 1;
    } else if (v == SIM_STOP) {
        r->counting = 0;
        r->elapsed = avr->cycle - r->start;
        r->read_index = 0;
    } else if (v >= SIM_EXIT) {
        r->exit_status = v - SIM_EXIT;
    }
}

static uint8_t on_read_cycles(avr_t *avr, avr_io_addr_t addr, void *param)
{
    runner *r = param;
    (void)avr;
    (void)addr;
    uint64_t v = r->elapsed > 0xFFFFFFFFu ? 0xFFFFFFFFu : r->elapsed;
    return (uint8_t)(v >> (8 * (r->read_index++ & 3)));
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: avr_run FIRMWARE.elf [MAX_MCYCLES]\n");
        return 2;
    }
    unsigned long max_mcycles = argc == 3 ? strtoul(argv[2], NULL, 10) : 4000;
    elf_firmware_t fw;
    memset(&fw, 0, sizeof fw);
    if (elf_read_firmware(argv[1], &fw) != 0) {
        fprintf(stderr, "avr_run: %s: cannot read the ELF firmware\n", argv[1]);
        return 2;
    }
    avr_t *avr = avr_make_mcu_by_name("atmega328p");
    if (!avr) {
        fprintf(stderr, "avr_run: simavr has no atmega328p core\n");
        return 2;
    }
    avr_init(avr);
    avr->log = LOG_ERROR;
    avr->frequency = 16000000;
    avr_load_firmware(avr, &fw);

    runner r = {0, 0, 0, -1, 0};
    avr_register_io_write(avr, SIM_GPIOR0_DATA, on_output, &r);
    avr_register_io_write(avr, SIM_GPIOR1_DATA, on_command, &r);
    avr_register_io_read(avr, SIM_GPIOR2_DATA, on_read_cycles, &r);

    avr_cycle_count_t limit = (avr_cycle_count_t)max_mcycles * 1000000u;
    const char *profile_path = getenv("AVR_PROFILE");
    uint64_t *profile = profile_path ? calloc(avr->flashend + 1u, sizeof *profile) : NULL;
    int state = cpu_Running;
    while (r.exit_status < 0 && avr->cycle < limit) {
        avr_flashaddr_t pc = avr->pc;
        avr_cycle_count_t before = avr->cycle;
        state = avr_run(avr);
        if (profile && r.counting && pc <= avr->flashend)
            profile[pc] += avr->cycle - before;
        if (state == cpu_Done || state == cpu_Crashed || state == cpu_Sleeping)
            break;
    }
    fflush(stdout);
    if (profile) {
        FILE *f = fopen(profile_path, "w");
        for (uint32_t a = 0; f && a <= avr->flashend; a++)
            if (profile[a])
                fprintf(f, "%u %llu\n", a, (unsigned long long)profile[a]);
        if (f)
            fclose(f);
        free(profile);
    }
    if (r.exit_status >= 0) {
        fprintf(stderr, "avr_run: exit %d after %llu cycles\n", r.exit_status,
                (unsigned long long)avr->cycle);
        return r.exit_status;
    }
    fprintf(stderr, "avr_run: %s after %llu cycles without an exit\n",
            state == cpu_Crashed    ? "crashed"
            : state == cpu_Sleeping ? "sleeping"
            : state == cpu_Done     ? "stopped"
                                    : "cycle limit reached",
            (unsigned long long)avr->cycle);
    return 3;
}

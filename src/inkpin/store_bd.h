/* store_bd.h - storage back-ends for hal_storage (the "block devices").
 *
 * Like littlefs's bd/ folder: small back-ends a port or a test plugs into
 * hal->storage instead of writing its own.
 *
 *   store_ram    a region in caller-owned RAM with NOR-flash semantics: erase
 *                sets a block to 0xFF, program can only clear bits (a byte
 *                programmed twice holds the AND of both values). For ports
 *                that keep the region in RAM and persist it elsewhere on sync
 *                (a browser's localStorage, an ESP32 NVS blob: override
 *                io->sync), and for tests.
 *   store_fault  wraps another hal_storage and injects faults: reads,
 *                programs, erases or syncs that fail (worn-out or missing
 *                flash), and a power cut after the N-th program/erase, fully
 *                applied or torn (half a block erased; half the bytes of a
 *                program written and the next byte's bits partly
 *                programmed). On the cut it calls on_cut (a test longjmps out
 *                of the code under test there); every later program/erase
 *                fails as if the power were off.
 *   file         host ports: host/platform/store_file.h (POSIX, not here).
 *
 * Freestanding C99, no allocation; every back-end keeps its state in a
 * caller-owned struct that must outlive the hal_storage it fills.
 *
 * RETURN CONVENTION
 *   The set-up functions return nothing; given a NULL pointer they do
 *   nothing (docs/design.md: one NULL policy for the library). The callbacks
 *   they install return 0 or -1, as hal_storage's callbacks do.
 */
#ifndef INKPIN_STORE_BD_H
#define INKPIN_STORE_BD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inkpin/hal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- RAM with NOR semantics ---------------------------------------------- */

typedef struct store_ram {
    uint8_t *mem;
    uint32_t block_size;
    uint32_t block_count;
} store_ram;

/* Fills *io over `mem` (block_size * block_count bytes). Starts with whatever
 * `mem` holds: fill it with 0xFF for a factory-fresh region. io->sync does
 * nothing; a port that persists the region replaces it. */
void store_ram_init(hal_storage *io, store_ram *ram, uint8_t *mem, uint32_t block_size,
                    uint32_t block_count, uint32_t prog_size);

/* ---- fault injection ------------------------------------------------------ */

#define STORE_FAULT_READ 1u             /* every read fails */
#define STORE_FAULT_PROG 2u             /* every program fails (worn-out flash) */
#define STORE_FAULT_ERASE 4u            /* every erase fails */
#define STORE_FAULT_SYNC 8u             /* every sync fails */
#define STORE_FAULT_MAX_TORN_BLOCK 512u /* larger blocks are erased whole even when torn */

typedef struct store_fault {
    hal_storage below;          /* the back-end that holds the data */
    uint32_t fail;              /* STORE_FAULT_* bits */
    uint32_t ops;               /* programs + erases seen since the last arm */
    uint32_t cut_at;            /* cut the power at this program/erase (1-based); 0 = never */
    bool torn;                  /* the cut operation is half applied instead of whole */
    bool cut;                   /* the power was cut */
    void (*on_cut)(void *user); /* called once at the cut; may not return (longjmp) */
    void *user;
} store_fault;

/* Fills *io over f, which forwards to `below` (copied). No faults armed. */
void store_fault_init(hal_storage *io, store_fault *f, const hal_storage *below);

/* Arms a power cut at the n-th program/erase from now (n >= 1; 0 disarms). */
void store_fault_cut_after(store_fault *f, uint32_t n, bool torn);

#ifdef __cplusplus
}
#endif

#endif

/* store_file.h - a file-backed hal_storage for host ports (SDL simulator, CLI).
 *
 * The whole region (block_count blocks of block_size bytes) lives in memory
 * with NOR semantics (store_ram); every sync writes it to `<path>.tmp`,
 * fsyncs it, renames it over `path` and fsyncs the directory, so the file on
 * disk always holds a complete region: the old one or the new one.
 *
 * Storage faults fail closed: only a missing file is a factory-fresh
 * (erased, all 0xFF) region. A file that cannot be opened or read, or has
 * another size than the region (short, empty, too long), is refused with a
 * diagnostic naming it, and *io is still filled, with a storage on which
 * every access fails: the lock boots into recovery and never writes over the
 * file (docs/security.md, storage faults).
 */
#ifndef INKPIN_HOST_STORE_FILE_H
#define INKPIN_HOST_STORE_FILE_H

#include <stdint.h>

#include "diag.h"
#include "inkpin/hal.h"
#include "inkpin/store.h"

#define STORE_FILE_BLOCK_SIZE 256u
#define STORE_FILE_BLOCKS 2u

typedef struct store_file {
    char path[1024];
    uint8_t mem[STORE_FILE_BLOCK_SIZE * STORE_FILE_BLOCKS];
    store_ram ram;
    store_fault unusable; /* wraps ram when the file could not be read */
} store_file;

/* Fills *io (read/prog/erase/sync over f). Returns 0, or -1 with *d set and
 * *io a storage that fails every access (so the lock fails closed). */
int store_file_open(store_file *f, hal_storage *io, const char *path, inkpin_diag *d);

#endif

/* store_file.h - a file-backed hal_storage for host ports (SDL simulator, CLI).
 *
 * The whole region (block_count blocks of block_size bytes) lives in memory
 * with NOR semantics (store_ram); every sync writes it to `<path>.tmp`,
 * fsyncs it, renames it over `path` and fsyncs the directory, so the file on
 * disk always holds a complete region: the old one or the new one. A missing
 * file is a factory-fresh (erased, all 0xFF) region. A file of the wrong size
 * is refused with a diagnostic naming it (the lock then boots into recovery
 * if the caller passes the failed storage on; see docs/security.md).
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
} store_file;

/* Fills *io (read/prog/erase/sync over f). Returns 0, or -1 with *d set. */
int store_file_open(store_file *f, hal_storage *io, const char *path, inkpin_diag *d);

#endif

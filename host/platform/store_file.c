/* store_file.c - file-backed flash region. See store_file.h. */
#include "platform/store_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Makes the rename durable: fsync the directory holding path. */
static int sync_dir(const char *path)
{
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* temp file + fsync + rename: the file is always either the old or new region. */
static int file_sync(void *ctx)
{
    /* ctx is &f->ram (the RAM callbacks do read/prog/erase); step back to f. */
    store_file *f = (store_file *)(void *)((char *)ctx - offsetof(store_file, ram));
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", f->path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    if (write_all(fd, f->mem, sizeof f->mem) != 0 || fsync(fd) != 0) {
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, f->path) != 0) {
        unlink(tmp);
        return -1;
    }
    return sync_dir(f->path);
}

static int load(store_file *f, inkpin_diag *d)
{
    memset(f->mem, 0xFF, sizeof f->mem);
    FILE *fp = fopen(f->path, "rb");
    if (!fp) {
        if (errno == ENOENT)
            return 0; /* factory-fresh */
        return diag_fail(d, "%s: cannot open: %s", f->path, strerror(errno));
    }
    size_t n = fread(f->mem, 1, sizeof f->mem, fp);
    int extra = fgetc(fp);
    int err = ferror(fp);
    fclose(fp);
    if (err)
        return diag_fail(d, "%s: read error", f->path);
    if (n != sizeof f->mem || extra != EOF)
        return diag_fail(d, "%s: lock store must be exactly %zu bytes, file has %s%zu", f->path,
                         sizeof f->mem, extra != EOF ? "more than " : "", n);
    return 0;
}

/* The file could not be read: a storage on which every access fails, so the
 * lock fails closed and nothing is ever written over the file. */
static void make_unusable(store_file *f, hal_storage *io)
{
    hal_storage ram_io = *io;
    store_fault_init(io, &f->unusable, &ram_io);
    f->unusable.fail = STORE_FAULT_READ | STORE_FAULT_PROG | STORE_FAULT_ERASE | STORE_FAULT_SYNC;
}

int store_file_open(store_file *f, hal_storage *io, const char *path, inkpin_diag *d)
{
    memset(f, 0, sizeof *f);
    store_ram_init(io, &f->ram, f->mem, STORE_FILE_BLOCK_SIZE, STORE_FILE_BLOCKS, 1);
    io->sync = file_sync;
    if (strlen(path) >= sizeof f->path) {
        make_unusable(f, io);
        return diag_fail(d, "%s: path too long", path);
    }
    snprintf(f->path, sizeof f->path, "%s", path);
    if (load(f, d) != 0) {
        make_unusable(f, io);
        return -1;
    }
    return 0;
}

/* store_bd.c - RAM and fault-injecting storage back-ends. See src/inkpin/store_bd.h. */
#include "inkpin/store_bd.h"

#include <string.h>

/* ---- RAM with NOR semantics ------------------------------------------------ */

static bool ram_in_range(const store_ram *ram, uint32_t block, uint32_t off, uint32_t size)
{
    return block < ram->block_count && off <= ram->block_size && size <= ram->block_size - off;
}

static uint8_t *ram_at(const store_ram *ram, uint32_t block, uint32_t off)
{
    return ram->mem + (size_t)block * ram->block_size + off;
}

static int ram_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size)
{
    store_ram *ram = ctx;
    if (!ram_in_range(ram, block, off, size))
        return -1;
    memcpy(buf, ram_at(ram, block, off), size);
    return 0;
}

static int ram_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t size)
{
    store_ram *ram = ctx;
    const uint8_t *src = buf;
    if (!ram_in_range(ram, block, off, size))
        return -1;
    uint8_t *dst = ram_at(ram, block, off);
    for (uint32_t i = 0; i < size; i++)
        dst[i] &= src[i]; /* programming can only clear bits */
    return 0;
}

static int ram_erase(void *ctx, uint32_t block)
{
    store_ram *ram = ctx;
    if (block >= ram->block_count)
        return -1;
    memset(ram_at(ram, block, 0), 0xFF, ram->block_size);
    return 0;
}

static int ram_sync(void *ctx)
{
    (void)ctx;
    return 0;
}

void store_ram_init(hal_storage *io, store_ram *ram, uint8_t *mem, uint32_t block_size,
                    uint32_t block_count, uint32_t prog_size)
{
    if (!io || !ram)
        return;
    ram->mem = mem;
    ram->block_size = block_size;
    ram->block_count = block_count;
    io->ctx = ram;
    io->read = ram_read;
    io->prog = ram_prog;
    io->erase = ram_erase;
    io->sync = ram_sync;
    io->block_size = block_size;
    io->block_count = block_count;
    io->prog_size = prog_size;
}

/* ---- fault injection --------------------------------------------------------- */

/* Counts a program/erase. Returns true when this one is the cut. */
static bool reaches_cut(store_fault *f)
{
    if (f->cut_at == 0 || ++f->ops != f->cut_at)
        return false;
    f->cut_at = 0;
    f->cut = true;
    return true;
}

static void power_off(store_fault *f)
{
    if (f->on_cut)
        f->on_cut(f->user);
}

static int fault_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size)
{
    store_fault *f = ctx;
    if (f->fail & STORE_FAULT_READ)
        return -1;
    return f->below.read(f->below.ctx, block, off, buf, size);
}

/* Torn program: the first half of the bytes, then one byte with only its
 * low four bits programmed (NOR programs bit cells, not whole bytes). */
static void prog_torn(store_fault *f, uint32_t block, uint32_t off, const uint8_t *src,
                      uint32_t size)
{
    uint32_t half = size / 2u;
    uint8_t partial = (uint8_t)(src[half] | 0xF0u);
    if (half > 0)
        (void)f->below.prog(f->below.ctx, block, off, src, half);
    (void)f->below.prog(f->below.ctx, block, off + half, &partial, 1);
}

static int fault_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t size)
{
    store_fault *f = ctx;
    if ((f->fail & STORE_FAULT_PROG) || f->cut)
        return -1;
    if (reaches_cut(f)) {
        if (f->torn && size > 0)
            prog_torn(f, block, off, buf, size);
        else
            (void)f->below.prog(f->below.ctx, block, off, buf, size);
        power_off(f);
        return -1;
    }
    return f->below.prog(f->below.ctx, block, off, buf, size);
}

/* Torn erase: the first half of the block erased, the second half as it was. */
static void erase_torn(store_fault *f, uint32_t block)
{
    uint8_t keep[STORE_FAULT_MAX_TORN_BLOCK / 2u];
    uint32_t half = f->below.block_size / 2u;
    bool can_keep = f->below.block_size <= STORE_FAULT_MAX_TORN_BLOCK &&
                    f->below.read(f->below.ctx, block, half, keep, half) == 0;
    (void)f->below.erase(f->below.ctx, block);
    if (can_keep)
        (void)f->below.prog(f->below.ctx, block, half, keep, half);
}

static int fault_erase(void *ctx, uint32_t block)
{
    store_fault *f = ctx;
    if ((f->fail & STORE_FAULT_ERASE) || f->cut)
        return -1;
    if (reaches_cut(f)) {
        if (f->torn)
            erase_torn(f, block);
        else
            (void)f->below.erase(f->below.ctx, block);
        power_off(f);
        return -1;
    }
    return f->below.erase(f->below.ctx, block);
}

static int fault_sync(void *ctx)
{
    store_fault *f = ctx;
    if ((f->fail & STORE_FAULT_SYNC) || f->cut)
        return -1;
    return f->below.sync ? f->below.sync(f->below.ctx) : 0;
}

void store_fault_init(hal_storage *io, store_fault *f, const hal_storage *below)
{
    if (!io || !f || !below)
        return;
    memset(f, 0, sizeof *f);
    f->below = *below;
    *io = *below;
    io->ctx = f;
    io->read = fault_read;
    io->prog = fault_prog;
    io->erase = fault_erase;
    io->sync = fault_sync;
}

void store_fault_cut_after(store_fault *f, uint32_t n, bool torn)
{
    if (!f)
        return;
    f->ops = 0;
    f->cut_at = n;
    f->torn = torn;
    f->cut = false;
}

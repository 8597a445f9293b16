/* hal.h - what a port provides to the inkpin core (app, lock, store).
 *
 * A port fills one `hal` struct of callbacks with a context pointer; nothing
 * else in the core touches the platform. Every callback receives `ctx`.
 *
 * Display: 320x240, origin top-left, colours RGB565. Touch: one point or none.
 * Time: a monotonic millisecond counter (wraps after ~49 days; the core uses
 * wrap-safe differences). Storage: a small flash-like region shaped like
 * littlefs's `struct lfs_config` (erase before program; program only 1->0 bits
 * is NOT assumed, back-ends emulate NOR semantics in tests). KDF: password hash
 * of the PIN digits with the salt (libsodium Argon2id on the host and in the
 * browser, mbedTLS PBKDF2-SHA256 on ESP32). Random: cryptographic bytes. Log:
 * one line of text for a serial port or console; the core never passes a
 * secret to it.
 *
 * Return convention for int callbacks: 0 on success, negative on failure.
 */
#ifndef INKPIN_HAL_H
#define INKPIN_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HAL_SCREEN_W 320
#define HAL_SCREEN_H 240

#define HAL_KDF_SALT_BYTES 16
#define HAL_KDF_HASH_BYTES 32

/* A flash region of block_count erase blocks of block_size bytes each. */
typedef struct hal_storage {
    void *ctx;
    int (*read)(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size);
    int (*prog)(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t size);
    int (*erase)(void *ctx, uint32_t block);
    int (*sync)(void *ctx);
    uint32_t block_size;  /* bytes per erase block */
    uint32_t block_count; /* number of blocks (the store needs 2) */
    uint32_t prog_size;   /* program granularity in bytes; offsets/sizes are multiples */
} hal_storage;

typedef struct hal {
    void *ctx;

    /* Display. */
    void (*fill_rect)(void *ctx, int x, int y, int w, int h, uint16_t rgb565);
    /* 1 bit per pixel, rows packed MSB-first, each row starting on a new byte;
     * every source pixel drawn as a scale x scale block in fg (1) or bg (0). */
    void (*draw_bitmap1)(void *ctx, int x, int y, int w, int h, const uint8_t *bits, int scale,
                         uint16_t fg, uint16_t bg);
    /* 8-bit grey (0 = black, 255 = white), scaled like draw_bitmap1. */
    void (*draw_bitmap8)(void *ctx, int x, int y, int w, int h, const uint8_t *grey, int scale);
    /* ASCII text, top-left at (x, y); size 1 = 8 px tall glyphs, 2 = 16 px, ... */
    void (*draw_text)(void *ctx, int x, int y, const char *text, int size, uint16_t fg, uint16_t bg);

    /* Touch: true and the point while a finger/pen/mouse is down. */
    bool (*touch)(void *ctx, int *x, int *y);

    /* Time since an arbitrary start, in ms. */
    uint32_t (*now_ms)(void *ctx);

    /* Persistent storage for the lock record. */
    hal_storage storage;

    /* hash = KDF(pin digits as ASCII '0'..'9', salt). */
    int (*kdf)(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin, size_t pin_len,
               const uint8_t salt[HAL_KDF_SALT_BYTES]);

    /* Cryptographically secure random bytes. */
    int (*random)(void *ctx, uint8_t *buf, size_t n);

    /* One line of log/serial output, without the newline. May be NULL. */
    void (*log)(void *ctx, const char *line);
} hal;

#ifdef __cplusplus
}
#endif

#endif
